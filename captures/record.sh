#!/usr/bin/env bash
# Record small, real TCP/UDP captures with random loss between two network
# namespaces joined by a veth pair, with ground truth from the kernel
# (iperf3 -J: tcpi_total_retrans, RTT) and from nft drop counters.
#
# Usage: sudo ./record.sh [capture-name ...]     (default: all captures)
# Output goes next to this script: NAME.pcap, NAME.iperf3.json (or
# short-conns.truth.json), NAME.nft.txt (nft ruleset incl. drop counters).
# Re-runnable: existing namespaces/outputs of the same name are replaced.
set -euo pipefail

OUT=$(cd "$(dirname "$0")" && pwd)
NS_S=tsnd NS_R=trcv          # sender / receiver namespaces
DEV_S=vsnd DEV_R=vrcv        # veth ends
IP4_S=198.18.0.1 IP4_R=198.18.0.2
IP6_S=2001:db8::1 IP6_R=2001:db8::2
SNAPLEN=128
CPORT=40000                  # iperf3 data streams use client ports 40000..
CPORT_RANGE=40000-40009      # loss rules only hit the data streams, never
                             # iperf3's control connection (ephemeral port)
TMP=$(mktemp -d /tmp/transcope-rec.XXXXXX)
PIDS=()
PARTIAL=()                   # outputs of the capture in progress (removed on failure)

log() { printf '[record] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"
for t in ip nft ethtool tcpdump iperf3 python3 ss timeout; do
    command -v "$t" >/dev/null || die "missing tool: $t"
done

kill_ns_procs() {  # kill every process still inside our own namespaces
    local ns=$1 p
    ip netns list 2>/dev/null | grep -qw "^$ns" || return 0
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -TERM "$p" 2>/dev/null || true; done
    sleep 0.2
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
}

cleanup() {
    local rc=$? p
    set +e
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    PIDS=()
    [ "$rc" = 0 ] || rm -f "${PARTIAL[@]}"
    kill_ns_procs "$NS_S"; kill_ns_procs "$NS_R"
    ip netns del "$NS_S" 2>/dev/null
    ip netns del "$NS_R" 2>/dev/null
    rm -rf "$TMP"
    [ "$rc" = 0 ] && log "done" || log "failed (rc=$rc), cleaned up"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

setup_ns() {
    local ns
    for ns in "$NS_S" "$NS_R"; do
        kill_ns_procs "$ns"
        ip netns del "$ns" 2>/dev/null || true
    done
    ip netns add "$NS_S"
    ip netns add "$NS_R"
    ip link add "$DEV_S" netns "$NS_S" type veth peer name "$DEV_R" netns "$NS_R"
    set_ns_dev "$NS_S" "$DEV_S" "$IP4_S" "$IP6_S"
    set_ns_dev "$NS_R" "$DEV_R" "$IP4_R" "$IP6_R"
    # make sure neighbours are resolved before any capture starts
    ip netns exec "$NS_S" python3 - "$IP4_R" "$IP6_R" <<'EOF'
import socket, sys
for a in sys.argv[1:]:
    s = socket.socket(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(b"x", (a, 9)); s.close()
EOF
    sleep 0.5
}

set_ns_dev() {  # ns dev ipv4 ipv6
    ip -n "$1" link set lo up
    ip -n "$1" link set "$2" mtu 1500 up
    ip -n "$1" addr add "$3/24" dev "$2"
    ip -n "$1" addr add "$4/64" dev "$2" nodad
    # one captured packet == one segment: no TSO/GSO/GRO, no csum offload
    ip netns exec "$1" ethtool -K "$2" tso off gso off gro off tx off >/dev/null
    ip netns exec "$1" sysctl -qw net.ipv4.tcp_no_metrics_save=1
}

# set_loss DATA_PCT ACK_PCT [PROTO]
#   DATA_PCT: % of data-stream packets client->server dropped on arrival at
#             the receiver (prerouting), i.e. after the sender-side capture.
#   ACK_PCT:  % of data-stream packets server->client dropped in the
#             receiver's OUTPUT hook (never reach the sender or the capture).
#   SYN/FIN/RST segments are never dropped (see README).
set_loss() {
    local d=$1 a=$2 proto=${3:-tcp} flt=""
    [ "$proto" = tcp ] && flt="tcp flags & (syn | fin | rst) == 0"
    ip netns exec "$NS_R" nft flush ruleset
    {
        echo "table inet loss {"
        echo "  chain pre { type filter hook prerouting priority -300; policy accept;"
        # meta length (IP packet length) > 100: only segments carrying data
        # (pure ACKs, even with SACK blocks, are <= 100 bytes; iperf3's
        # 37-byte stream cookie is never dropped either)
        [ "$d" -gt 0 ] && echo "    $proto sport $CPORT_RANGE $proto dport 5201 $flt meta length > 100 numgen random mod 100 < $d counter drop"
        echo "  }"
        echo "  chain out { type filter hook output priority -300; policy accept;"
        [ "$a" -gt 0 ] && echo "    $proto sport 5201 $proto dport $CPORT_RANGE $flt numgen random mod 100 < $a counter drop"
        echo "  }"
        echo "}"
    } > "$TMP/loss.nft"
    ip netns exec "$NS_R" nft -f "$TMP/loss.nft"
}

start_tcpdump() {  # file [interface]: the sender's veth, or e.g. nflog:5
    local dev=${2:-$DEV_S} args
    rm -f "$1"
    TCPDUMP_FILE=$1
    # nflog:N is already selected by its nft rule, and a BPF filter on
    # NFLOG frames is not implemented; it keeps whole packets.
    if [ "$dev" = "$DEV_S" ]; then
        args=(-s "$SNAPLEN" -w "$1" -U 'tcp or udp')
    else
        args=(-w "$1" -U)
    fi
    ip netns exec "$NS_S" tcpdump -i "$dev" "${args[@]}" \
        2>"$TMP/tcpdump.err" &
    TCPDUMP_PID=$!
    PIDS+=("$TCPDUMP_PID")
    local i
    for i in $(seq 50); do
        grep -q 'listening on' "$TMP/tcpdump.err" 2>/dev/null && { sleep 0.2; return 0; }
        kill -0 "$TCPDUMP_PID" 2>/dev/null || break
        sleep 0.1
    done
    cat "$TMP/tcpdump.err" >&2
    die "tcpdump did not start"
}

stop_tcpdump() {
    sleep 1
    kill -INT "$TCPDUMP_PID" 2>/dev/null || true
    wait "$TCPDUMP_PID" 2>/dev/null || true
    drop_pid "$TCPDUMP_PID"
    chown --reference="$OUT" "$TCPDUMP_FILE" 2>/dev/null || true
    grep -E 'captured|dropped by kernel' "$TMP/tcpdump.err" | sed 's/^/[tcpdump] /' >&2 || true
    grep -q '^0 packets dropped by kernel' "$TMP/tcpdump.err" || log "WARNING: tcpdump reported kernel drops"
}

drop_pid() {
    local p keep=()
    for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
    PIDS=("${keep[@]}")
}

# fg_run CMD...: run CMD as a tracked background job and wait for it, so a
# signal to this script runs the cleanup trap at once (bash defers traps
# while a foreground child runs).
fg_run() {
    local p rc=0
    "$@" &
    p=$!
    PIDS+=("$p")
    wait "$p" || rc=$?
    drop_pid "$p"
    return "$rc"
}

wait_listen() {  # ns "ss-args" port
    local i
    for i in $(seq 50); do
        ip netns exec "$1" ss -H $2 "sport = :$3" | grep -q . && return 0
        sleep 0.1
    done
    die "nothing listening on port $3 in $1"
}

# Kernel SNMP/netstat counters of both namespaces, before and after traffic.
# They count every retransmission the sender kernel makes (incl. ones after
# iperf3's last tcp_info sample, SYN retransmits, control connection).
kstat_snap() {  # tag
    local ns
    for ns in "$NS_S" "$NS_R"; do
        ip netns exec "$ns" cat /proc/net/snmp /proc/net/netstat > "$TMP/kstat.$ns.$1"
    done
}
kstat_write() {  # output.json
    python3 - "$1" "$TMP" "$NS_S" "$NS_R" <<'EOF'
import json, sys
out, tmp, ns_s, ns_r = sys.argv[1:5]
def parse(path):
    vals, lines = {}, open(path).read().splitlines()
    for hdr, val in zip(lines[0::2], lines[1::2]):
        proto, names = hdr.split(":", 1)
        for k, v in zip(names.split(), val.split(":", 1)[1].split()):
            vals[proto + "." + k] = int(v)
    return vals
res = {"description": "difference of /proc/net/snmp + /proc/net/netstat counters in each "
       "namespace between just before the traffic and after it ended (all connections "
       "in the namespace, i.e. also iperf3's control connection); zero deltas omitted",
       "sender": {}, "receiver": {}}
for role, ns in (("sender", ns_s), ("receiver", ns_r)):
    a, b = parse("%s/kstat.%s.before" % (tmp, ns)), parse("%s/kstat.%s.after" % (tmp, ns))
    for k in sorted(b):
        if k.startswith(("Tcp.", "TcpExt.", "Udp.")) and not k.endswith(
                ("RtoAlgorithm", "RtoMin", "RtoMax", "MaxConn", "CurrEstab")):
            d = b[k] - a.get(k, 0)
            if d:
                res[role][k] = d
with open(out, "w") as f:
    json.dump(res, f, indent=1, sort_keys=True)
    f.write("\n")
s = res["sender"]
print("  kernel(sender ns): RetransSegs=%d TCPTimeouts=%d TCPLossProbes=%d TCPFastRetrans=%d "
      "TCPSpuriousRTOs=%d" % tuple(s.get(k, 0) for k in ("Tcp.RetransSegs", "TcpExt.TCPTimeouts",
      "TcpExt.TCPLossProbes", "TcpExt.TCPFastRetrans", "TcpExt.TCPSpuriousRTOs")), file=sys.stderr)
EOF
}

# check_rto_backoff PCAP: true if some data segment from a client port in
# 40000-40009 was sent >= 3 times with gaps > 150 ms, each gap > 1.5x the
# previous one (an RTO followed by a backed-off RTO).  Plain-python parser.
check_rto_backoff() {
    python3 - "$1" <<'EOF'
import struct, sys
f = open(sys.argv[1], "rb")
magic = f.read(24)[:4]
end = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
sends = {}
while True:
    h = f.read(16)
    if len(h) < 16:
        break
    sec, frac, incl, orig = struct.unpack(end + "IIII", h)
    pkt = f.read(incl)
    t = sec + frac / (1e9 if nano else 1e6)
    et = struct.unpack(">H", pkt[12:14])[0]
    if et == 0x0800:
        ihl = (pkt[14] & 15) * 4
        if pkt[23] != 6:
            continue
        tcp, plen = 14 + ihl, struct.unpack(">H", pkt[16:18])[0] - ihl
    elif et == 0x86DD:
        if pkt[20] != 6:
            continue
        tcp, plen = 54, struct.unpack(">H", pkt[18:20])[0]
    else:
        continue
    sport = struct.unpack(">H", pkt[tcp:tcp + 2])[0]
    seq = struct.unpack(">I", pkt[tcp + 4:tcp + 8])[0]
    if 40000 <= sport <= 40009 and plen - (pkt[tcp + 12] >> 4) * 4 > 0:
        sends.setdefault((sport, seq), []).append(t)
best = 0
for ts in sends.values():
    gaps = [b - a for a, b in zip(ts, ts[1:])]
    n = 0
    for g0, g1 in zip(gaps, gaps[1:]):
        n = n + 1 if (g0 > 0.15 and g1 > 1.5 * g0) else 0
        best = max(best, n)
print("  pcap: longest RTO backoff chain: %d doubling(s)" % best, file=sys.stderr)
sys.exit(0 if best >= 1 else 1)
EOF
}

# run_iperf NAME ATTEMPTS SERVER_ADDR DATA_PCT ACK_PCT CHECK IPERF_ARGS...
#   CHECK: python expression on `d` (iperf3 JSON) that must be true
run_iperf() {
    local name=$1 attempts=$2 addr=$3 dpct=$4 apct=$5 check=$6; shift 6
    local pcap="$OUT/$name.pcap" json="$OUT/$name.iperf3.json" try srv proto=tcp
    case " $* " in *" -u "*) proto=udp ;; esac
    PARTIAL=("$pcap" "$json" "$OUT/$name.nft.txt" "$OUT/$name.kernel.json")
    rm -f "${PARTIAL[@]}"
    for try in $(seq "$attempts"); do
        log "$name: attempt $try: iperf3 -c $addr $* (data loss $dpct%, ack loss $apct%)"
        set_loss "$dpct" "$apct" "$proto"
        ip netns exec "$NS_R" iperf3 -s -1 -B "$addr" --rcv-timeout 30000 >"$TMP/iperf3-server.log" 2>&1 &
        srv=$!; PIDS+=("$srv")
        wait_listen "$NS_R" -ltn 5201
        start_tcpdump "$pcap"
        kstat_snap before
        if fg_run ip netns exec "$NS_S" timeout 120 iperf3 -c "$addr" -J -i 0 --cport "$CPORT" \
                --connect-timeout 3000 "$@" >"$json"; then
            :
        else
            log "$name: iperf3 client exited with $?"
        fi
        stop_tcpdump
        kill -TERM "$srv" 2>/dev/null || true
        wait "$srv" 2>/dev/null || true
        drop_pid "$srv"
        kstat_snap after
        kstat_write "$OUT/$name.kernel.json"
        ip netns exec "$NS_R" nft list ruleset > "$OUT/$name.nft.txt"
        if python3 - "$json" "$check" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
if "error" in d:
    sys.exit("iperf3 error: %s" % d["error"])
ok = eval(sys.argv[2], {"d": d})
for s in d["end"]["streams"]:
    snd = s.get("sender", s.get("udp", {}))
    print("  stream bytes=%s retransmits=%s rtt min/mean/max=%s/%s/%s us" % (
        snd.get("bytes"), snd.get("retransmits"), snd.get("min_rtt"),
        snd.get("mean_rtt"), snd.get("max_rtt")), file=sys.stderr)
sys.exit(0 if ok else "check failed: " + sys.argv[2])
EOF
        then
            if [ -n "${POSTCHECK:-}" ] && ! $POSTCHECK "$pcap"; then
                log "$name: attempt $try failed post-check $POSTCHECK"
                continue
            fi
            log "$name: ok ($(stat -c %s "$pcap") bytes pcap)"
            PARTIAL=()
            return 0
        fi
        log "$name: attempt $try failed"
    done
    die "$name: giving up after $attempts attempts"
}

retrans_sum='sum(s["sender"]["retransmits"] for s in d["end"]["streams"])'

cap_bulk_loss_v4() {
    run_iperf bulk-loss-v4 3 "$IP4_R" 2 0 "$retrans_sum > 0" -n 4M
}
cap_ack_loss_v4() {
    run_iperf ack-loss-v4 3 "$IP4_R" 0 5 "True" -n 3M
}
cap_heavy_loss_v4() {
    # 12% loss in both directions: repeated RTOs with exponential backoff
    # 15% loss in both directions, paced at 2 Mbit/s with one-segment writes
    # so few segments are in flight: losses are often only recoverable by
    # RTO, and a lost retransmission gives an RTO with exponential backoff.
    # Retried until the pcap shows at least one backed-off RTO.
    POSTCHECK=check_rto_backoff \
    run_iperf heavy-loss-v4 6 "$IP4_R" 15 15 "$retrans_sum >= 30" -n 512K -b 2M -l 1448
}
cap_bulk_loss_v6() {
    run_iperf bulk-loss-v6 3 "$IP6_R" 2 0 "$retrans_sum > 0" -n 4M
}
cap_parallel_v4() {
    run_iperf parallel-v4 3 "$IP4_R" 2 0 "len(d['end']['streams']) == 3 and $retrans_sum > 0" -P 3 -n 3M
}
cap_udp_v4() {
    run_iperf udp-v4 3 "$IP4_R" 1 0 "d['end']['sum']['lost_packets'] > 0" -u -b 2M -t 2 -l 512
}
cap_short_conns() {
    local name=short-conns pcap="$OUT/short-conns.pcap" truth="$OUT/short-conns.truth.json" srv
    PARTIAL=("$pcap" "$truth" "$OUT/$name.nft.txt" "$OUT/$name.kernel.json")
    rm -f "${PARTIAL[@]}"
    log "$name: short_conns.py client -> $IP4_R"
    ip netns exec "$NS_R" nft flush ruleset
    ip netns exec "$NS_R" nft -f - <<'EOF'
table inet loss {
  chain pre { type filter hook prerouting priority -300; policy accept;
    tcp dport 8081 counter drop
  }
}
EOF
    ip netns exec "$NS_R" python3 "$OUT/short_conns.py" server --host "$IP4_R" >"$TMP/sc-server.log" 2>&1 &
    srv=$!; PIDS+=("$srv")
    wait_listen "$NS_R" -ltn 8080
    wait_listen "$NS_R" -lun 5353
    start_tcpdump "$pcap"
    kstat_snap before
    fg_run ip netns exec "$NS_S" timeout 60 python3 "$OUT/short_conns.py" client --host "$IP4_R" --truth "$truth" \
        || die "$name: client failed"
    stop_tcpdump
    kill -TERM "$srv" 2>/dev/null || true
    wait "$srv" 2>/dev/null || true
    drop_pid "$srv"
    kstat_snap after
    kstat_write "$OUT/$name.kernel.json"
    ip netns exec "$NS_R" nft list ruleset > "$OUT/$name.nft.txt"
    log "$name: ok ($(stat -c %s "$pcap") bytes pcap)"
    PARTIAL=()
}

# with_knob NAME VALUE DEFAULT CMD...: CMD with a sysctl set to VALUE in
# both namespaces, then set back to DEFAULT.
with_knob() {
    local name=$1 value=$2 default=$3 ns
    shift 3
    for ns in "$NS_S" "$NS_R"; do ip netns exec "$ns" sysctl -qw "$name=$value"; done
    "$@"
    for ns in "$NS_S" "$NS_R"; do ip netns exec "$ns" sysctl -qw "$name=$default"; done
}
# Paced writes of one segment each, as heavy-loss-v4, at 10% + 10% loss.
paced_heavy_v4() {  # name
    run_iperf "$1" 3 "$IP4_R" 10 10 "$retrans_sum >= 20" -n 512K -b 2M -l 1448
}
cap_nosack_heavy_v4() {
    # SACK off on both hosts: NewReno recovery, where a lost
    # retransmission only the timer can send again.
    with_knob net.ipv4.tcp_sack 0 1 paced_heavy_v4 nosack-heavy-v4
}
cap_nosack_paced_v6() {
    # SACK off over IPv6, paced: timeouts during a timeout's go-back-N.
    with_knob net.ipv4.tcp_sack 0 1 \
        run_iperf nosack-paced-v6 3 "$IP6_R" 8 8 "$retrans_sum > 0" -n 1M -b 4M -l 1400
}
cap_notlp_heavy_v4() {
    # Tail-loss probes off: losses at the tail wait for the RTO.
    with_knob net.ipv4.tcp_early_retrans 0 3 paced_heavy_v4 notlp-heavy-v4
}
cap_nofrto_heavy_v4() {
    # F-RTO off: after a timeout everything outstanding is resent.
    with_knob net.ipv4.tcp_frto 0 2 paced_heavy_v4 nofrto-heavy-v4
}
cap_bbr_heavy_v4() {
    # BBR instead of CUBIC; a network namespace may use only what the
    # host allows (net.ipv4.tcp_allowed_congestion_control, set here).
    sysctl -qw net.ipv4.tcp_allowed_congestion_control="reno cubic bbr"
    with_knob net.ipv4.tcp_congestion_control bbr cubic paced_heavy_v4 bbr-heavy-v4
}

# Link type NFLOG: the sender's own nft rules log every TCP and UDP packet
# it sends or receives to group 5, and tcpdump reads nflog:5.  Two short
# transfers, IPv4 then IPv6 (NFLOG families 2 and 10), no loss.
cap_nflog_v4v6() {
    local name=nflog-v4v6 pcap="$OUT/nflog-v4v6.pcap" v addr port srv
    PARTIAL=("$pcap" "$OUT/$name.nft.txt" "$OUT/$name.iperf3-v4.json" "$OUT/$name.iperf3-v6.json")
    rm -f "${PARTIAL[@]}"
    set_loss 0 0
    ip netns exec "$NS_S" nft -f - <<'EOF'
table inet nflog {
  chain out { type filter hook output priority 0; policy accept;
    meta l4proto { tcp, udp } counter log group 5;
  }
  chain in { type filter hook input priority 0; policy accept;
    meta l4proto { tcp, udp } counter log group 5;
  }
}
EOF
    start_tcpdump "$pcap" nflog:5
    for v in v4 v6; do
        if [ $v = v4 ]; then addr=$IP4_R port=40000; else addr=$IP6_R port=40001; fi
        log "$name: iperf3 -c $addr -n 16K -l 1448"
        ip netns exec "$NS_R" iperf3 -s -1 -B "$addr" --rcv-timeout 30000 >"$TMP/iperf3-server.log" 2>&1 &
        srv=$!; PIDS+=("$srv")
        wait_listen "$NS_R" -ltn 5201
        fg_run ip netns exec "$NS_S" timeout 60 iperf3 -c "$addr" -J -i 0 --cport "$port" \
            --connect-timeout 3000 -n 16K -l 1448 >"$OUT/$name.iperf3-$v.json" \
            || die "$name: iperf3 $v failed"
        wait "$srv" 2>/dev/null || true
        drop_pid "$srv"
    done
    # The kernel hands NFLOG messages over in batches, at the latest after
    # its flush timeout (1 s): wait for the last ones before tcpdump stops.
    sleep 2
    stop_tcpdump
    ip netns exec "$NS_S" nft list table inet nflog > "$OUT/$name.nft.txt"
    ip netns exec "$NS_S" nft delete table inet nflog
    log "$name: ok ($(stat -c %s "$pcap") bytes pcap)"
    PARTIAL=()
}

ALL="bulk-loss-v4 ack-loss-v4 heavy-loss-v4 bulk-loss-v6 parallel-v4 short-conns udp-v4 nosack-heavy-v4 nosack-paced-v6 notlp-heavy-v4 nofrto-heavy-v4 bbr-heavy-v4 nflog-v4v6"
WANT=${*:-$ALL}
for c in $WANT; do
    case " $ALL " in *" $c "*) ;; *) die "unknown capture '$c' (known: $ALL)" ;; esac
done

setup_ns
for c in $WANT; do
    "cap_${c//-/_}"
done
log "outputs in $OUT:"
ls -l "$OUT" >&2
du -sh "$OUT" >&2
