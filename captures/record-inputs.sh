#!/usr/bin/env bash
# Record the input-format captures: a pcapng file whose interfaces have
# different link types, and a small TCP exchange stored plain and
# compressed with each format transcope reads.  See captures/README.md.
#
# Usage: sudo ./record-inputs.sh
# Output next to this script:
#   mixed-link.pcapng        dumpcap on four interfaces at once:
#                            lo (EN10MB), va-b (EN10MB), any (LINUX_SLL2,
#                            filter 'tcp port 8003'), ta (a tun: RAW)
#   mixed-link.truth.txt     capinfos and tshark's packets per interface
#   tcp-exchange.pcap        tcpdump of one TCP exchange (port 8002)
#   tcp-exchange.pcap.{gz,zst,xz,bz2,lz4}   the same bytes compressed
#   tcp-exchange-truncated.pcap.gz          the .gz cut in the middle
#
# Needs root, iproute2, ethtool, dumpcap, tcpdump, capinfos, tshark,
# python3, gzip, zstd, xz, bzip2, lz4.  Three namespaces: tmx-a (the
# capture and every client), tmx-b and tmx-c (servers); veth pairs
# va-b <-> vb-a and va-c <-> vc-a, and tun devices ta (in tmx-a) and tc
# (in tmx-c) joined by a small relay (a python3 process that copies
# packets between the two), so that the tun interface carries real TCP.
set -euo pipefail

OUT=$(cd "$(dirname "$0")" && pwd)
NA=tmx-a NB=tmx-b NC=tmx-c
SNAPLEN=128
TMP=$(mktemp -d /tmp/transcope-rec-inputs.XXXXXX)
PIDS=()

log() { printf '[record-inputs] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"
for t in ip ethtool dumpcap tcpdump capinfos tshark python3 gzip zstd xz \
    bzip2 lz4 timeout; do
	command -v "$t" >/dev/null || die "missing tool: $t"
done

kill_ns_procs() {
	local ns=$1 p
	ip netns list 2>/dev/null | grep -qw "^$ns" || return 0
	for p in $(ip netns pids "$ns" 2>/dev/null); do kill -TERM "$p" 2>/dev/null || true; done
	sleep 0.2
	for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
}

cleanup() {
	local rc=$? p ns
	set +e
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	for ns in $NA $NB $NC; do kill_ns_procs $ns; ip netns del $ns 2>/dev/null; done
	rm -rf "$TMP"
	[ "$rc" = 0 ] && log "done" || log "failed (rc=$rc), cleaned up"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ------------------------------------------------------------ network
for ns in $NA $NB $NC; do
	kill_ns_procs $ns
	ip netns del $ns 2>/dev/null || true
	ip netns add $ns
	ip -n $ns link set lo up
	ip netns exec $ns sysctl -qw net.ipv4.tcp_no_metrics_save=1
done
veth() {  # ns-a dev-a ip-a ns-b dev-b ip-b
	ip link add "$2" netns "$1" type veth peer name "$5" netns "$4"
	ip -n "$1" addr add "$3/24" dev "$2"
	ip -n "$4" addr add "$6/24" dev "$5"
	ip -n "$1" link set "$2" up
	ip -n "$4" link set "$5" up
	# one captured packet == one segment, valid checksums
	ip netns exec "$1" ethtool -K "$2" tso off gso off gro off tx off >/dev/null
	ip netns exec "$4" ethtool -K "$5" tso off gso off gro off tx off >/dev/null
}
veth $NA va-b 198.18.20.1 $NB vb-a 198.18.20.2
veth $NA va-c 198.18.21.1 $NC vc-a 198.18.21.2
ip -n $NA tuntap add ta mode tun
ip -n $NC tuntap add tc mode tun
ip -n $NA addr add 198.18.22.1 peer 198.18.22.2 dev ta
ip -n $NC addr add 198.18.22.2 peer 198.18.22.1 dev tc

# The relay: a tun in each namespace, packets copied both ways.
cat >"$TMP/relay.py" <<'EOF'
import ctypes, fcntl, os, select, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
TUNSETIFF, IFF_TUN, IFF_NO_PI, CLONE_NEWNET = 0x400454ca, 1, 0x1000, 0x40000000
def tun(ns, name):
    fd = os.open("/run/netns/" + ns, os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "setns " + ns)
    os.close(fd)
    t = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(t, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return t
a, c = tun(sys.argv[1], sys.argv[2]), tun(sys.argv[3], sys.argv[4])
print("relay up", flush=True)
while True:
    for fd in select.select([a, c], [], [])[0]:
        pkt = os.read(fd, 65536)
        try:
            os.write(c if fd == a else a, pkt)
        except OSError:   # the other end not up yet
            pass
EOF
python3 "$TMP/relay.py" $NA ta $NC tc >"$TMP/relay.log" 2>&1 &
PIDS+=($!)
for i in $(seq 50); do grep -q 'relay up' "$TMP/relay.log" && break; sleep 0.1; done
grep -q 'relay up' "$TMP/relay.log" || { cat "$TMP/relay.log" >&2; die "relay did not start"; }
ip -n $NA link set ta up
ip -n $NC link set tc up

# ------------------------------------------------------------ traffic
# server: accept one connection, read the 2000-byte request, answer with
# 5000 bytes, close.  client: send 2000 bytes, read to the end.
cat >"$TMP/tcp.py" <<'EOF'
import socket, sys
role, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
if role == "server":
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port)); s.listen(1); print("listening", flush=True)
    c, _ = s.accept(); got = 0
    while got < 2000:
        d = c.recv(65536)
        if not d: break
        got += len(d)
    c.sendall(b"r" * 5000); c.close()
else:
    c = socket.create_connection((addr, port)); c.sendall(b"q" * 2000)
    while c.recv(65536): pass
    c.close()
EOF
server() {  # ns addr port
	ip netns exec "$1" python3 "$TMP/tcp.py" server "$2" "$3" >"$TMP/srv.$3" 2>&1 &
	PIDS+=($!)
	for i in $(seq 50); do grep -q listening "$TMP/srv.$3" && return 0; sleep 0.1; done
	die "server on port $3 did not start"
}
client() { ip netns exec $NA timeout 10 python3 "$TMP/tcp.py" client "$1" "$2"; }

# neighbours resolved before the capture
ip netns exec $NA python3 -c '
import socket
for a in ("198.18.20.2", "198.18.21.2"):
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", (a, 9))'
sleep 0.5

server $NA 127.0.0.1 8001
server $NB 198.18.20.2 8002
server $NC 198.18.21.2 8003
server $NC 198.18.22.2 8004

rm -f "$OUT/mixed-link.pcapng" "$OUT/tcp-exchange.pcap"
ip netns exec $NA dumpcap -q -i lo -s $SNAPLEN -f 'tcp' \
    -i va-b -s $SNAPLEN -f 'tcp' \
    -i any -y LINUX_SLL2 -s $SNAPLEN -f 'tcp port 8003' \
    -i ta -s $SNAPLEN -f 'tcp' \
    -w "$TMP/mixed-link.pcapng" 2>"$TMP/dumpcap.err" &
DUMPCAP=$!
PIDS+=($DUMPCAP)
ip netns exec $NB tcpdump -i vb-a -s $SNAPLEN -U -w "$TMP/tcp-exchange.pcap" \
    'tcp port 8002' 2>"$TMP/tcpdump.err" &
TCPDUMP=$!
PIDS+=($TCPDUMP)
for i in $(seq 50); do
	grep -q 'listening on' "$TMP/tcpdump.err" 2>/dev/null && break
	sleep 0.1
done
sleep 2		# dumpcap has no "listening" line with -q

client 127.0.0.1 8001
client 198.18.20.2 8002
client 198.18.21.2 8003
client 198.18.22.2 8004
sleep 1
kill -INT $DUMPCAP $TCPDUMP
wait $DUMPCAP $TCPDUMP || true
cat "$TMP/dumpcap.err" "$TMP/tcpdump.err" | sed 's/^/[capture] /' >&2

# ------------------------------------------------------------ files
cp "$TMP/mixed-link.pcapng" "$TMP/tcp-exchange.pcap" "$OUT/"
cd "$OUT"
rm -f tcp-exchange.pcap.* tcp-exchange-truncated.pcap.gz
gzip -n -9 -c tcp-exchange.pcap >tcp-exchange.pcap.gz
zstd -q -19 -c tcp-exchange.pcap >tcp-exchange.pcap.zst
xz -9 -c tcp-exchange.pcap >tcp-exchange.pcap.xz
bzip2 -9 -c tcp-exchange.pcap >tcp-exchange.pcap.bz2
lz4 -q -9 -c tcp-exchange.pcap >tcp-exchange.pcap.lz4
size=$(stat -c %s tcp-exchange.pcap.gz)
head -c $((size / 2)) tcp-exchange.pcap.gz >tcp-exchange-truncated.pcap.gz

{
	echo "# mixed-link.pcapng: packets per interface, by capinfos and by tshark"
	echo "# (tshark -r FILE -T fields -e frame.interface_id -e frame.interface_name"
	echo "#  -e frame.encap_type | sort | uniq -c), recorded by record-inputs.sh"
	capinfos -c -I mixed-link.pcapng 2>/dev/null |
	    grep -E 'Number of packets|Number of interfaces|Name =|Encapsulation =|Capture length =|Time precision =' |
	    sed 's/^[[:space:]]*//'
	echo "# tshark: count interface_id interface_name encap_type"
	tshark -r mixed-link.pcapng -T fields -e frame.interface_id \
	    -e frame.interface_name -e frame.encap_type 2>/dev/null | sort | uniq -c
} >mixed-link.truth.txt
chmod 644 mixed-link.* tcp-exchange*
chown --reference="$OUT" mixed-link.* tcp-exchange* 2>/dev/null || true
ls -l mixed-link.* tcp-exchange* >&2
