#!/bin/sh
# Live capture, end to end: two network namespaces joined by a veth pair,
# real TCP and UDP traffic between them (tests/netns-traffic), transcope
# capturing live on one end.  Checks the report against what was sent, that
# SIGINT, SIGTERM, -c and --duration all end with a complete report, that
# --interval writes NDJSON, and that the -w file analysed offline gives the
# same flows.  Skips (exit 77, with the reason) where namespaces cannot be
# made: not root, no ip(8), or a sandbox that forbids them.
set -u
builddir=${top_builddir:-.}
bin=$(cd "$builddir/src" && pwd)/transcope
traffic=$(cd "$builddir/tests" && pwd)/netns-traffic
skip() { echo "live-netns: SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root to create network namespaces"
command -v ip >/dev/null 2>&1 || skip "needs ip(8) from iproute2"
[ -x "$traffic" ] || skip "no $traffic (make check builds it)"

id=$$
A=tsA$id B=tsB$id VA=vtA$id VB=vtB$id
IPA=198.18.7.1 IPB=198.18.7.2 PORT=7000
tmp=$(mktemp -d "${TMPDIR:-/tmp}/transcope-live.XXXXXX")
server=
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null
	ip netns pids "$B" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns pids "$A" 2>/dev/null | xargs -r kill 2>/dev/null
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ip netns add "$A" 2>/dev/null || skip "cannot create a network namespace here"
ip netns add "$B" || skip "cannot create a second network namespace"
ip link add "$VA" type veth peer name "$VB" || skip "cannot create a veth pair"
ip link set "$VA" netns "$A" && ip link set "$VB" netns "$B" || exit 99
ip -n "$A" addr add $IPA/24 dev "$VA" && ip -n "$B" addr add $IPB/24 dev "$VB"
ip -n "$A" link set "$VA" up && ip -n "$B" link set "$VB" up
ip -n "$A" link set lo up && ip -n "$B" link set lo up
if command -v ethtool >/dev/null 2>&1; then	# one segment per packet
	ip netns exec "$A" ethtool -K "$VA" tso off gso off gro off >/dev/null 2>&1
	ip netns exec "$B" ethtool -K "$VB" tso off gso off gro off >/dev/null 2>&1
fi
ip netns exec "$B" "$traffic" server $IPB $PORT &
server=$!

pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }

# Start transcope in namespace A; wait until it says it is listening.
start() {	# name, transcope arguments...
	name=$1; shift
	ip netns exec "$A" "$bin" -i "$VA" "$@" >"$tmp/$name.out" \
	    2>"$tmp/$name.err" &
	tpid=$!
	n=0
	until grep -q "listening on" "$tmp/$name.err" 2>/dev/null; do
		n=$((n + 1))
		[ $n -gt 50 ] && { bad "$name: not listening"; cat "$tmp/$name.err"; return 1; }
		sleep 0.1
	done
}
finish() {	# name, signal (or "none" to wait for it to stop by itself)
	[ "$2" = none ] || kill -"$2" "$tpid"
	wait "$tpid"
	rc=$?
	[ $rc -eq 0 ] && ok || bad "$1: transcope exited $rc: $(cat "$tmp/$1.err")"
}
send() {	# connections, bytes, datagrams
	ip netns exec "$A" "$traffic" client $IPB $PORT "$1" "$2" "$3" ||
	    bad "traffic generator failed"
	sleep 0.3	# let the last FIN/ACKs be captured
}
tcp_flows() {	# file, c2s payload, s2c payload: complete connections that match
	grep "\"server\":{\"ip\":\"$IPB\",\"port\":$PORT}" "$1" |
	    grep '"state":"SF"' | grep '"handshake":{"complete":true' |
	    grep "\"c2s\":{\"packets\":[0-9]*,\"bytes\":[0-9]*,\"payload_bytes\":$2," |
	    grep -c "\"s2c\":{\"packets\":[0-9]*,\"bytes\":[0-9]*,\"payload_bytes\":$3,"
}

# 1. JSON report after SIGINT, with -w; 3 connections of 100000 bytes, 5 UDP.
start sigint --json -w "$tmp/live.pcap" "tcp or udp" && {
	send 3 100000 5
	finish sigint INT
	[ "$(tcp_flows "$tmp/sigint.out" 100000 2000)" = 3 ] && ok ||
	    bad "sigint: expected 3 complete TCP flows of 100000/2000 bytes"
	grep "\"port\":$((PORT + 1))" "$tmp/sigint.out" | grep '"state":"SF"' |
	    grep -q '"c2s":{"packets":5,"bytes":640,"payload_bytes":500}' && ok ||
	    bad "sigint: expected a UDP flow of 5 datagrams each way"
	grep -q "\"interface\":\"$VA\",\"kernel_dropped\":0,\"interface_dropped\":0" \
	    "$tmp/sigint.out" && ok || bad "sigint: no interface and drop counts"
	# The -w file, analysed offline, gives the same flows.
	"$bin" --json "$tmp/live.pcap" >"$tmp/offline.out" 2>&1 && ok ||
	    bad "offline analysis of the -w file failed"
	grep '^{"id"' "$tmp/sigint.out" >"$tmp/a"
	grep '^{"id"' "$tmp/offline.out" >"$tmp/b"
	[ -s "$tmp/a" ] && cmp -s "$tmp/a" "$tmp/b" && ok ||
	    bad "offline report of the -w file differs from the live one"
}

# 2. Text report after SIGTERM.
start sigterm --format text "tcp port $PORT" && {
	send 2 5000 0
	finish sigterm TERM
	[ "$(grep -c " SF " "$tmp/sigterm.out")" = 2 ] && ok ||
	    bad "sigterm: expected 2 SF flows in the text report"
}

# 3. -c stops after that many packets; --duration stops by time.
start count --json -c 10 "tcp port $PORT" && {
	send 2 5000 0
	finish count none
	grep -q '"packets":10,' "$tmp/count.out" && ok || bad "-c 10: not 10 packets"
}
start duration --json --duration 1 && {
	finish duration none
	grep -q '"transcope":' "$tmp/duration.out" && ok || bad "--duration: no report"
}

# 4. --interval: NDJSON records, then the final report, each on one line.
start interval --json --interval 0.4 --duration 1.5 "tcp or udp" && {
	send 1 20000 2
	finish interval none
	lines=$(wc -l <"$tmp/interval.out")
	records=$(grep -c '^{"interval":{"index":' "$tmp/interval.out")
	[ "$records" -ge 2 ] && [ "$lines" -eq $((records + 1)) ] &&
	    tail -n 1 "$tmp/interval.out" | grep -q '^{"transcope":' && ok ||
	    bad "--interval: expected NDJSON records then the final report"
}

# 5. -Z: give up root once the interface is open; the report is the same.
if id nobody >/dev/null 2>&1; then
	start dropped --json -Z nobody "tcp port $PORT" && {
		send 1 3000 0
		finish dropped INT
		[ "$(tcp_flows "$tmp/dropped.out" 3000 2000)" = 1 ] && ok ||
		    bad "-Z nobody: expected 1 complete flow"
	}
fi

# 6. Errors: one line, exit 2, naming the cause.
ip -n "$A" link add "d$VA" type dummy 2>/dev/null ||
    ip -n "$A" link add "d$VA" type veth peer name "e$VA"
ip netns exec "$A" "$bin" -i "d$VA" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q "d$VA: interface is down" "$tmp/err" && ok ||
    bad "interface down: exit $rc, $(cat "$tmp/err")"
if command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1 &&
    setpriv --reuid=nobody --regid=nogroup --clear-groups "$bin" -V \
    >/dev/null 2>&1; then
	ip netns exec "$A" setpriv --reuid=nobody --regid=nogroup \
	    --clear-groups "$bin" -i "$VA" >/dev/null 2>"$tmp/err"
	rc=$?
	[ $rc -eq 2 ] && grep -q "permission denied.*CAP_NET_RAW" "$tmp/err" &&
	    ok || bad "no permission: exit $rc, $(cat "$tmp/err")"
fi
ip netns exec "$A" "$bin" -i "$VA" 'tcp port' >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 1 ] && grep -q "bad filter expression" "$tmp/err" && ok ||
    bad "bad filter: exit $rc, $(cat "$tmp/err")"
"$bin" -i nosuchdev0 >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && grep -q "nosuchdev0: no such device" "$tmp/err" && ok ||
    bad "no such device: exit $rc, $(cat "$tmp/err")"

echo "live-netns: $pass passed, $fail failed"
[ $fail -eq 0 ]
