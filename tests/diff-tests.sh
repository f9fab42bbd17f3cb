#!/bin/sh
# Tests of 'transcope diff': reports made from the captures in captures/,
# variants of them edited with awk and sed, and the small fixtures in
# tests/diff/.  Runs from the source directory.
#
# Environment: top_srcdir, top_builddir (set by make check), or defaults.
set -u
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
bin=$(cd "$builddir/src" && pwd)/transcope
cd "$srcdir" || exit 99
[ -x "$bin" ] || { echo "diff-tests: no binary at $bin" >&2; exit 99; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/transcope-diff.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 99' INT TERM
fx=tests/diff
pass=0
fail=0

# check NAME STATUS TEXT ARGS...: run 'transcope diff ARGS', expect exit
# STATUS and, unless TEXT is empty, TEXT (a fixed string) in the standard
# output, or for statuses 1 and 2 in the one line of standard error.
check() {
	name=$1 status=$2 text=$3
	shift 3
	# shellcheck disable=SC2086 # the wrapper is a command line
	${TRANSCOPE_WRAPPER:-} "$bin" diff "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	why=
	if [ "$rc" != "$status" ]; then
		why="exit status $rc, expected $status"
	elif [ "$status" -eq 0 ] || [ "$status" -eq 3 ]; then
		if [ -s "$tmp/err" ]; then
			why="unexpected standard error"
		elif [ -n "$text" ] && ! grep -F -q -e "$text" "$tmp/out"; then
			why="no '$text' in the output"
		fi
	else
		if [ -s "$tmp/out" ]; then
			why="unexpected standard output"
		elif [ "$(wc -l <"$tmp/err")" -ne 1 ]; then
			why="standard error is not one line"
		elif ! grep -q '^transcope: diff: ' "$tmp/err"; then
			why="error does not start 'transcope: diff: '"
		elif [ -n "$text" ] && ! grep -F -q -e "$text" "$tmp/err"; then
			why="no '$text' in the error"
		fi
	fi
	if [ -z "$why" ]; then
		pass=$((pass + 1))
		return 0
	fi
	echo "FAIL: $name: $why"
	sed -n '1,12s/^/  | /p' "$tmp/out" "$tmp/err"
	fail=$((fail + 1))
	return 1
}

# The last line of the previous check's output must be TEXT.
last_line() {
	name=$1 text=$2
	got=$(tail -n 1 "$tmp/out")
	if [ "$got" = "$text" ]; then
		pass=$((pass + 1))
	else
		echo "FAIL: $name: last line '$got', expected '$text'"
		fail=$((fail + 1))
	fi
}

# edit FILE ID PATH MUL ADD: on the line of flow ID, the number after the
# strings of PATH ('|'-separated, found in turn) becomes number * MUL + ADD,
# written with as many decimals as before.  With MUL empty, print the number.
edit() {
	awk -v id="$2" -v path="$3" -v mul="$4" -v add="$5" '
	BEGIN { n = split(path, part, "|") }
	index($0, "{\"id\":" id ",") == 1 && !done {
		pos = 0
		rest = $0
		for (k = 1; k <= n; k++) {
			i = index(rest, part[k])
			if (i == 0)
				break
			pos += i + length(part[k]) - 1
			rest = substr(rest, i + length(part[k]))
		}
		if (k > n && match(rest, /^[0-9.]+/)) {
			num = substr(rest, 1, RLENGTH)
			done = 1
			if (mul == "") {
				print num
				exit
			}
			d = index(num, ".")
			nd = d ? length(num) - d : 0
			val = sprintf("%." nd "f", num * mul + add)
			$0 = substr($0, 1, pos) val substr(rest, RLENGTH + 1)
		}
	}
	mul != "" { print }' "$1"
}

# The reports.
"$bin" --json captures/short-conns.pcap >"$tmp/short.json" 2>/dev/null &&
"$bin" --json captures/short-conns.pcap 'tcp port 8080' \
    >"$tmp/short-8080.json" 2>/dev/null &&
"$bin" --json captures/bulk-loss-v4.pcap >"$tmp/bulk.json" 2>/dev/null || {
	echo "diff-tests: cannot make the reports" >&2
	exit 99
}
short=$tmp/short.json
bulk=$tmp/bulk.json

# Identical reports.
check equal 0 "transcope diff $short $short" "$short" "$short"
last_line equal "within tolerance"
check equal-json 0 '"changes":0,' --json "$short" "$short"
"$bin" diff "$bulk" "$bulk" >"$tmp/a" 2>&1
"$bin" diff "$bulk" "$bulk" >"$tmp/b" 2>&1
if cmp -s "$tmp/a" "$tmp/b"; then pass=$((pass + 1)); else
	echo "FAIL: deterministic: two runs differ"; fail=$((fail + 1)); fi

# A retransmission more than before: beyond the default tolerance 0.
rt=$(edit "$bulk" 2 '"c2s":{|"retransmissions":{"total":' "" "")
edit "$bulk" 2 '"c2s":{|"retransmissions":{"total":' 1 7 >"$tmp/rt.json"
if [ -n "$rt" ] && ! cmp -s "$bulk" "$tmp/rt.json"; then
	flow2="flow 2 tcp 198.18.0.1:40000 -> 198.18.0.2:5201"
	field=c2s.retransmissions.total
	check retrans 3 \
	    "$flow2: $field $rt -> $((rt + 7)) (+7, tolerance 0)" \
	    "$bulk" "$tmp/rt.json"
	last_line retrans "1 change beyond tolerance"
	check retrans-reverse 3 \
	    "$flow2: $field $((rt + 7)) -> $rt (-7, tolerance 0)" \
	    "$tmp/rt.json" "$bulk"
	check retrans-loose 0 "within tolerance" --tolerance retransmissions=7 \
	    "$bulk" "$tmp/rt.json"
	check retrans-tight 3 "" --tolerance retransmissions=6 \
	    "$bulk" "$tmp/rt.json"
	check retrans-off 0 "" --tolerance 'rtt=5%,retransmissions=off' \
	    "$bulk" "$tmp/rt.json"
	check retrans-ignore 0 "" --ignore dup_acks,retransmissions \
	    "$bulk" "$tmp/rt.json"
	check retrans-json 3 \
	    "\"field\":\"$field\",\"old\":$rt,\"new\":$((rt + 7)),\"delta\":7" \
	    --json "$bulk" "$tmp/rt.json"
else
	echo "FAIL: retrans: could not edit the report"; fail=$((fail + 1))
fi

# The client's mean RTT 5% and 20% up: within and beyond 10%.
edit "$bulk" 2 '"c2s":{|"rtt":{|"mean_s":' 1.05 0 >"$tmp/rtt5.json"
edit "$bulk" 2 '"c2s":{|"rtt":{|"mean_s":' 1.2 0 >"$tmp/rtt20.json"
if ! cmp -s "$bulk" "$tmp/rtt5.json" && ! cmp -s "$bulk" "$tmp/rtt20.json"
then
	check rtt-5 0 "within tolerance" "$bulk" "$tmp/rtt5.json"
	check rtt-5-tight 3 "c2s.rtt.mean_s" --tolerance rtt=4% \
	    "$bulk" "$tmp/rtt5.json"
	check rtt-20 3 ": c2s.rtt.mean_s " "$bulk" "$tmp/rtt20.json"
	check rtt-20-pct 3 "+20.0%, tolerance 10%)" "$bulk" "$tmp/rtt20.json"
	check rtt-20-loose 0 "" --tolerance rtt=25% "$bulk" "$tmp/rtt20.json"
	check rtt-20-all 0 "" --tolerance all=25% "$bulk" "$tmp/rtt20.json"
	check rtt-20-abs 0 "" --tolerance rtt=1ms "$bulk" "$tmp/rtt20.json"
	check rtt-20-abs-tight 3 "tolerance 1e-06)" --tolerance rtt=1us \
	    "$bulk" "$tmp/rtt20.json"
else
	echo "FAIL: rtt: could not edit the report"; fail=$((fail + 1))
fi

# One more SYN retry: a count, so any change is beyond a relative
# handshake tolerance; an absolute one covers it.
edit "$bulk" 2 '"handshake":{|"syn_retries":' 1 1 >"$tmp/syn.json"
check syn-retries 3 "handshake.syn_retries 0 -> 1 (+1, tolerance 0)" \
    "$bulk" "$tmp/syn.json"
check syn-retries-abs 0 "" --tolerance handshake=1 "$bulk" "$tmp/syn.json"

# State and history.
id=$(awk '/"state":"SF"/ { sub(/^\{"id":/, ""); sub(/,.*/, ""); print;
    exit }' "$short")
sed "/^{\"id\":$id,/ s/\"state\":\"SF\"/\"state\":\"RSTO\"/" "$short" \
    >"$tmp/state.json"
check state 3 ": state SF -> RSTO" "$short" "$tmp/state.json"
check state-flow 3 "flow $id " "$short" "$tmp/state.json"
check state-ignore-all 3 ": state SF -> RSTO" --ignore all \
    "$short" "$tmp/state.json"
check state-json 3 \
    "\"kind\":\"state\",\"counted\":true,\"flow_old\":$id,\"flow_new\":$id," \
    --json "$short" "$tmp/state.json"
sed "/^{\"id\":$id,/ s/\"history\":\"\([^\"]*\)\"/\"history\":\"\1R\"/" \
    "$short" >"$tmp/history.json"
check history 0 "(not counted without --strict)" "$short" "$tmp/history.json"
last_line history "within tolerance"
check history-strict 3 ": history " --strict "$short" "$tmp/history.json"
last_line history-strict "1 change beyond tolerance"

# Tunnels: tun-vxlan-2vni has a data connection 10.200.0.1:40000 ->
# 10.200.0.2:5201 in VNI 100 (flow 2) and one with the same endpoints in
# VNI 200 (flow 4).  Each pairs with its own: without the VNI 100 one in
# the new report, it is removed, and the VNI 200 one is unchanged (paired
# by endpoints alone, flow 2 would have been compared with flow 4).
if "$bin" --json captures/tun-vxlan-2vni.pcap >"$tmp/vni.json" 2>/dev/null
then
	vni=$tmp/vni.json
	sed '/^{"id":2,/d' "$vni" >"$tmp/vni-no2.json"
	check vni-equal 0 "within tolerance" "$vni" "$vni"
	check vni-removed 3 "removed: flow 2 tcp 10.200.0.1:40000 -> 10.200.0.2:5201 in vxlan:100" \
	    "$vni" "$tmp/vni-no2.json"
	last_line vni-removed "1 change beyond tolerance"
	check vni-removed-json 3 '"kind":"removed","counted":true,"flow_old":2,"flow_new":null,"proto":"tcp","client":{"ip":"10.200.0.1","port":40000},"server":{"ip":"10.200.0.2","port":5201},"tunnel":[{"type":"vxlan","outer":{"src":"198.18.20.1","dst":"198.18.20.2"},"id":100}],' \
	    --json "$vni" "$tmp/vni-no2.json"
	pk=$(edit "$vni" 4 '"c2s":{"packets":' "" "")
	edit "$vni" 4 '"c2s":{"packets":' 1 1 >"$tmp/vni-pk.json"
	check vni-packets 3 "flow 4 tcp 10.200.0.1:40000 -> 10.200.0.2:5201 in vxlan:200: c2s.packets $pk -> $((pk + 1))" \
	    "$vni" "$tmp/vni-pk.json"
else
	echo "FAIL: vni: cannot make the report"; fail=$((fail + 1))
fi

# Capture: undecoded frames appear.
sed 's/"undecoded":{}/"undecoded":{"truncated_tcp":2,"bad_udp_length":1}/' \
    "$short" >"$tmp/undecoded.json"
check undecoded 3 "capture: undecoded 0 -> 3 (+3, tolerance 0)" \
    "$short" "$tmp/undecoded.json"
check undecoded-loose 0 "" --tolerance packets=3 \
    "$short" "$tmp/undecoded.json"

# Flows removed and added: the same capture filtered on port 8080.
all=$(grep -c '^{"id":' "$short")
some=$(grep -c '^{"id":' "$tmp/short-8080.json")
gone=$((all - some))
check removed 3 "$some flows matched, 0 added, $gone removed;" \
    "$short" "$tmp/short-8080.json"
check removed-line 3 "removed: flow 1 udp 198.18.0.1:" \
    "$short" "$tmp/short-8080.json"
check added 3 "$some flows matched, $gone added, 0 removed;" \
    "$tmp/short-8080.json" "$short"
check added-line 3 "added: flow 1 udp 198.18.0.1:" \
    "$tmp/short-8080.json" "$short"
check added-json 3 '"matched":'"$some"',"added":'"$gone"',"removed":0,' \
    --json "$tmp/short-8080.json" "$short"
if command -v python3 >/dev/null 2>&1; then
	for args in "$short $short" "$short $tmp/short-8080.json" \
	    "$bulk $tmp/rtt20.json" "$fx/odd-shapes.json $fx/odd-shapes2.json"
	do
		# shellcheck disable=SC2086
		"$bin" diff --json $args >"$tmp/j" 2>/dev/null
		if python3 -c 'import json,sys
d = json.load(sys.stdin)
n = d["diff"]
assert n["changes"] == sum(1 for c in d["changes"] if c["counted"])
assert n["within_tolerance"] == (n["changes"] == 0)
assert n["added"] == sum(1 for c in d["changes"] if c["kind"] == "added")
assert n["removed"] == sum(1 for c in d["changes"] if c["kind"] == "removed")
' <"$tmp/j"; then
			pass=$((pass + 1))
		else
			echo "FAIL: json: bad document for $args"
			fail=$((fail + 1))
		fi
	done
fi

# Port reuse pairs up in id order; then the client port is ignored.
text="flow 4 (old 3, client port 50000) tcp [2001:db8::1]:50999"
text="$text -> [2001:db8::2]:443: state SF -> S0"
check reuse 3 "$text" "$fx/reuse-old.json" "$fx/reuse-new.json"
text="3 flows matched, 0 added, 0 removed; 1 change beyond tolerance,"
text="$text 1 history change not counted"
check reuse-summary 3 "$text" "$fx/reuse-old.json" "$fx/reuse-new.json"
last_line reuse "1 change beyond tolerance"

# --interval NDJSON: the last line with a "transcope" key is the report.
{
	echo '{"interval":{"index":1},"flows":[]}'
	tr -d '\n' <"$short"
	echo
	echo '{"interval":{"index":2},"flows":[]}'
} >"$tmp/nd.json"
check ndjson 0 "within tolerance" "$short" "$tmp/nd.json"

# Reports of odd shapes: compared where they can be, never a crash.
check odd-self 0 "" "$fx/odd-shapes.json" "$fx/odd-shapes.json"
check odd 3 "" "$fx/odd-shapes.json" "$fx/odd-shapes2.json"
check odd-reverse 3 "" --json "$fx/odd-shapes2.json" "$fx/odd-shapes.json"

# Input errors: exit 2.
check missing 2 "transcope: diff: $tmp/nope.json: " "$short" "$tmp/nope.json"
check missing-old 2 "transcope: diff: $tmp/nope.json: " \
    "$tmp/nope.json" "$short"
check not-json 2 "transcope: diff: $fx/not-json.txt: not JSON" \
    "$short" "$fx/not-json.txt"
check not-report 2 "$fx/not-report.json: not a transcope report" \
    "$fx/not-report.json" "$short"
: >"$tmp/empty.json"
check empty 2 "not JSON (empty file)" "$short" "$tmp/empty.json"
head -c 2000 "$short" >"$tmp/truncated.json"
check truncated 2 "not JSON" "$short" "$tmp/truncated.json"
check directory 2 "transcope: diff: $fx: " "$short" "$fx"

# Usage errors: exit 1.
check no-args 1 "expected two reports"
check one-arg 1 "expected two reports" "$short"
check three-args 1 "expected two reports" "$short" "$short" "$short"
check bad-tolerance 1 "--tolerance 'rtt=abc'" --tolerance rtt=abc \
    "$short" "$short"
check negative-tolerance 1 "" --tolerance rtt=-5% "$short" "$short"
check unknown-family 1 "unknown family 'latency'" --tolerance latency=5% \
    "$short" "$short"
check bad-spec 1 "" --tolerance rtt "$short" "$short"
check unit-on-count 1 "" --tolerance packets=1ms "$short" "$short"
check unknown-ignore 1 "unknown family 'nope'" --ignore rtt,nope \
    "$short" "$short"
check unknown-option 1 "unknown option '--frobnicate'" --frobnicate \
    "$short" "$short"
check missing-value 1 "needs a value" "$short" "$short" --tolerance
check help 0 "retransmissions=0" --help

echo "diff-tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
