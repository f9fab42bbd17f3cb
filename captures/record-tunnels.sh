#!/usr/bin/env bash
# Record small, real captures of TCP connections inside tunnels, between
# network namespaces joined by a veth pair (the underlay), captured on the
# underlay so the files hold the encapsulated packets; truth beside each
# from tshark (tunnel_truth.py), checked against a capture taken at the
# same time on the inner device.
#
# Usage: sudo ./record-tunnels.sh [name ...]     (default: all)
# Output next to this script: tun-NAME.pcap and tun-NAME.truth.json.
# See README.md ("Tunnel captures") for what each one holds and how.
set -euo pipefail

OUT=$(cd "$(dirname "$0")" && pwd)
RELAY="$OUT/tunnel_relay.py"
TRUTH="$OUT/tunnel_truth.py"
NSA=tuna NSB=tunb                # client side, server side
UA=ua UB=ub                      # underlay veth ends
U4A=198.18.20.1 U4B=198.18.20.2
U6A=2001:db8:20::1 U6B=2001:db8:20::2
SNAPLEN=256
NBYTES=200K                      # iperf3 -n: about 200 frames a capture
TMP=$(mktemp -d /tmp/transcope-tun.XXXXXX)
PIDS=()
EXTRA_NS=()

log() { printf '[tunnels] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"
for t in ip ethtool tcpdump iperf3 python3 tshark capinfos ss timeout; do
    command -v "$t" >/dev/null || die "missing tool: $t"
done

kill_ns() {
    local ns=$1 p
    ip netns list 2>/dev/null | grep -qw "^$ns" || return 0
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -TERM "$p" 2>/dev/null || true; done
    sleep 0.2
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
}

teardown() {
    local p ns
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    PIDS=()
    for ns in "$NSA" "$NSB" "${EXTRA_NS[@]}"; do kill_ns "$ns"; done
    EXTRA_NS=()
}

cleanup() {
    local rc=$?
    set +e
    teardown
    rm -rf "$TMP"
    [ "$rc" = 0 ] && log "done" || log "failed (rc=$rc), cleaned up"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

quiet_ns() {  # no router solicitations, DAD or autoconf noise
    ip netns exec "$1" sysctl -qw net.ipv6.conf.all.accept_ra=0 \
        net.ipv6.conf.default.accept_ra=0 \
        net.ipv6.conf.default.router_solicitations=0 \
        net.ipv6.conf.all.router_solicitations=0 \
        net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_dad=0 \
        net.ipv4.tcp_no_metrics_save=1
    ip -n "$1" link set lo up
}

offloads_off() {  # ns dev: one captured packet is one segment, valid checksums
    ip netns exec "$1" ethtool -K "$2" tso off gso off gro off tx off rx off \
        >/dev/null 2>&1 || true
    # VLAN tags stay in the frame (PBB's B-TAG is read by a packet socket)
    ip netns exec "$1" ethtool -K "$2" rxvlan off txvlan off \
        rx-vlan-stag-hw-parse off tx-vlan-stag-hw-insert off >/dev/null 2>&1 || true
}

underlay() {
    teardown
    ip netns add "$NSA"
    ip netns add "$NSB"
    quiet_ns "$NSA"
    quiet_ns "$NSB"
    ip link add "$UA" netns "$NSA" type veth peer name "$UB" netns "$NSB"
    ip -n "$NSA" link set "$UA" address 02:00:00:00:20:01
    ip -n "$NSB" link set "$UB" address 02:00:00:00:20:02
    ip -n "$NSA" addr add "$U4A/24" dev "$UA"
    ip -n "$NSB" addr add "$U4B/24" dev "$UB"
    ip -n "$NSA" addr add "$U6A/64" dev "$UA" nodad
    ip -n "$NSB" addr add "$U6B/64" dev "$UB" nodad
    ip -n "$NSA" link set "$UA" up
    ip -n "$NSB" link set "$UB" up
    offloads_off "$NSA" "$UA"
    offloads_off "$NSB" "$UB"
    # static neighbours: no ARP or neighbour discovery on the underlay
    ip -n "$NSA" neigh replace "$U4B" lladdr 02:00:00:00:20:02 dev "$UA" nud permanent
    ip -n "$NSA" neigh replace "$U6B" lladdr 02:00:00:00:20:02 dev "$UA" nud permanent
    ip -n "$NSB" neigh replace "$U4A" lladdr 02:00:00:00:20:01 dev "$UB" nud permanent
    ip -n "$NSB" neigh replace "$U6A" lladdr 02:00:00:00:20:01 dev "$UB" nud permanent
}

warm() {  # ns addr: one UDP datagram to addr (port 9), so neighbours and
          # the tunnel's path are resolved before a capture starts
    ip netns exec "$1" python3 -c '
import socket, sys, time
a = sys.argv[1]
s = socket.socket(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"x", (a, 9))
time.sleep(0.3)' "$2"
}

relay() {  # ns name mode args...: start a tunnel_relay.py end, wait for it
    local ns=$1 name=$2 p i
    shift 2
    ip netns exec "$ns" python3 "$RELAY" "$@" >"$TMP/relay.$name" 2>&1 &
    p=$!
    PIDS+=("$p")
    for i in $(seq 50); do
        grep -q '^ready' "$TMP/relay.$name" 2>/dev/null && return 0
        kill -0 "$p" 2>/dev/null || break
        sleep 0.1
    done
    cat "$TMP/relay.$name" >&2
    die "relay $name did not start"
}

CAPS=()
cap_start() {  # ns dev file [filter]
    local ns=$1 dev=$2 file=$3 filter=${4:-} p i err="$TMP/${3##*/}.err"
    ip netns exec "$ns" tcpdump -Z root -i "$dev" -s "$SNAPLEN" -w "$file" -U $filter \
        2>"$err" &
    p=$!
    PIDS+=("$p")
    CAPS+=("$p:$err")
    for i in $(seq 50); do
        grep -q 'listening on' "$err" 2>/dev/null && { sleep 0.5; return 0; }
        sleep 0.1
    done
    cat "$err" >&2
    die "tcpdump on $dev did not start"
}

caps_stop() {
    local c p
    sleep 1
    for c in "${CAPS[@]}"; do kill -INT "${c%%:*}" 2>/dev/null || true; done
    for c in "${CAPS[@]}"; do
        p=${c%%:*}
        wait "$p" 2>/dev/null || true
        grep -q '^0 packets dropped by kernel' "${c#*:}" ||
            log "WARNING: tcpdump drops: $(cat "${c#*:}")"
    done
    CAPS=()
}

# Outer noise left out of the underlay capture: ARP and IPv6 neighbour
# discovery / MLD (behind a hop-by-hop header) of the underlay itself (not
# what is inside the tunnels).
OUTER_FILTER='not arp and not icmp6 and not ip6 proto 0'

iperf() {  # client-ns server-ns server-addr json
    local cns=$1 sns=$2 addr=$3 json=$4 srv
    ip netns exec "$sns" iperf3 -s -1 -B "$addr" --rcv-timeout 20000 \
        >"$TMP/iperf3-server.log" 2>&1 &
    srv=$!
    PIDS+=("$srv")
    local i
    for i in $(seq 50); do
        ip netns exec "$sns" ss -Hltn "sport = :5201" | grep -q . && break
        sleep 0.1
    done
    ip netns exec "$cns" timeout 60 iperf3 -c "$addr" -J -i 0 --cport 40000 \
        --connect-timeout 3000 -n "$NBYTES" >"$json" || true
    python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(d.get("error"))' \
        "$json" || die "iperf3 to $addr failed"
    wait "$srv" 2>/dev/null || true
}

# record NAME CLIENT_NS SERVER_NS SERVER_ADDR INNER_NS INNER_DEV TUNNEL_JSON
#   [truth options...]: one iperf3 -n exchange through the tunnel, captured
#   on the underlay (in NSA) and on the inner device, then the truth.
record() {
    local name=$1 cns=$2 sns=$3 addr=$4 ins=$5 idev=$6 tunnel=$7
    shift 7
    local pcap="$OUT/tun-$name.pcap"
    rm -f "$pcap" "$OUT/tun-$name.truth.json"
    log "$name: iperf3 -n $NBYTES to $addr"
    cap_start "$NSA" "$UA" "$pcap" "$OUTER_FILTER"
    cap_start "$ins" "$idev" "$TMP/inner.pcap"
    iperf "$cns" "$sns" "$addr" "$TMP/$name.iperf3.json"
    caps_stop
    chown --reference="$OUT" "$pcap" 2>/dev/null || true
    python3 "$TRUTH" "$pcap" --inner "$TMP/inner.pcap" --tunnel "$tunnel" \
        --iperf3 "$TMP/$name.iperf3.json" "$@" -o "$OUT/tun-$name.truth.json"
    log "$name: ok ($(stat -c %s "$pcap") bytes)"
}

layer() {  # type src dst id -> one JSON layer, client side first
    printf '{"type":"%s","outer":{"src":"%s","dst":"%s"},"id":%s}' "$@"
}

inner_addrs() {  # ns dev addr...: an inner device's addresses, up
    local ns=$1 dev=$2 a
    shift 2
    ip -n "$ns" link set "$dev" mtu 1400
    for a in "$@"; do
        ip -n "$ns" addr add "$a" dev "$dev" $(case $a in *:*) echo nodad;; esac)
    done
    ip -n "$ns" link set "$dev" up
    offloads_off "$ns" "$dev"
}

kvxlan() {  # ns dev vni port local remote
    ip -n "$1" link add "$2" type vxlan id "$3" dstport "$4" local "$5" \
        remote "$6" dev "$( [ "$1" = "$NSA" ] && echo "$UA" || echo "$UB")"
}

cap_vxlan() {
    underlay
    kvxlan "$NSA" vx0 42 4789 "$U4A" "$U4B"
    kvxlan "$NSB" vx0 42 4789 "$U4B" "$U4A"
    inner_addrs "$NSA" vx0 10.42.0.1/24
    inner_addrs "$NSB" vx0 10.42.0.2/24
    # no warm-up: the inner ARP exchange is in the capture, tunnelled
    # packets that belong to no flow
    record vxlan "$NSA" "$NSB" 10.42.0.2 "$NSA" vx0 \
        "[$(layer vxlan "$U4A" "$U4B" 42)]" --tunnel-frames vxlan \
        --how "kernel vxlan devices, VNI 42, UDP port 4789, IPv4 underlay"
}

cap_vxlan_8472() {
    underlay
    kvxlan "$NSA" vx0 43 8472 "$U4A" "$U4B"
    kvxlan "$NSB" vx0 43 8472 "$U4B" "$U4A"
    inner_addrs "$NSA" vx0 10.43.0.1/24
    inner_addrs "$NSB" vx0 10.43.0.2/24
    record vxlan-8472 "$NSA" "$NSB" 10.43.0.2 "$NSA" vx0 \
        "[$(layer vxlan "$U4A" "$U4B" 43)]" --decode-as udp.port==8472,vxlan \
        --tunnel-frames vxlan \
        --how "kernel vxlan devices, VNI 43, UDP port 8472 (Linux's old default), IPv4 underlay"
}

# Two VXLAN segments, VNI 100 and 200, between the same two hosts, each
# with the same inner addresses: the devices are moved into namespaces of
# their own (their UDP sockets stay in the underlay's), and iperf3 runs in
# each in turn with the same client port, so the two data connections have
# the same addresses and ports and differ only by VNI.
cap_vxlan_2vni() {
    local v pcap="$OUT/tun-vxlan-2vni.pcap" t NBYTES=100K   # two exchanges
    underlay
    for v in 100 200; do
        ip netns add "tuna$v"; ip netns add "tunb$v"
        EXTRA_NS+=("tuna$v" "tunb$v")
        quiet_ns "tuna$v"; quiet_ns "tunb$v"
        kvxlan "$NSA" "vx$v" "$v" 4789 "$U4A" "$U4B"
        kvxlan "$NSB" "vx$v" "$v" 4789 "$U4B" "$U4A"
        ip -n "$NSA" link set "vx$v" netns "tuna$v"
        ip -n "$NSB" link set "vx$v" netns "tunb$v"
        inner_addrs "tuna$v" "vx$v" 10.200.0.1/24
        inner_addrs "tunb$v" "vx$v" 10.200.0.2/24
        warm "tuna$v" 10.200.0.2
    done
    rm -f "$pcap"
    log "vxlan-2vni: iperf3 -n $NBYTES to 10.200.0.2 in VNI 100, then in VNI 200"
    cap_start "$NSA" "$UA" "$pcap" "$OUTER_FILTER"
    cap_start tuna100 vx100 "$TMP/inner100.pcap"
    cap_start tuna200 vx200 "$TMP/inner200.pcap"
    iperf tuna100 tunb100 10.200.0.2 "$TMP/vni100.iperf3.json"
    iperf tuna200 tunb200 10.200.0.2 "$TMP/vni200.iperf3.json"
    caps_stop
    t="[$(layer vxlan "$U4A" "$U4B" '"vxlan.vni"')]"
    python3 "$TRUTH" "$pcap" --inner "$TMP/inner100.pcap" \
        --inner "$TMP/inner200.pcap" --tunnel "$t" --split vxlan.vni \
        --iperf3 "$TMP/vni100.iperf3.json" --iperf3 "$TMP/vni200.iperf3.json" \
        --tunnel-frames vxlan \
        --how "kernel vxlan devices VNI 100 and 200 between the same underlay addresses, the same inner addresses 10.200.0.1 -> 10.200.0.2 in both; iperf3 --cport 40000 in each in turn: two data connections with the same addresses and ports" \
        -o "$OUT/tun-vxlan-2vni.truth.json"
    log "vxlan-2vni: ok ($(stat -c %s "$pcap") bytes)"
}

# A userspace tunnel (tunnel_relay.py) between the two underlay ends.
relay_pair() {  # mode dev addrA addrB localA localB [relay args...]
    local mode=$1 dev=$2 aa=$3 ab=$4 la=$5 lb=$6
    shift 6
    relay "$NSA" a "$mode" --dev "$dev" --addr "$aa" --local "$la" --remote "$lb" "$@"
    relay "$NSB" b "$mode" --dev "$dev" --addr "$ab" --local "$lb" --remote "$la" "$@"
}

cap_geneve() {
    underlay
    relay_pair geneve gnv0 10.61.0.1/24 10.61.0.2/24 "$U4A" "$U4B" --vni 5001
    record geneve "$NSA" "$NSB" 10.61.0.2 "$NSA" gnv0 \
        "[$(layer geneve "$U4A" "$U4B" 5001)]" --tunnel-frames geneve \
        --how "tunnel_relay.py geneve (tap, Ethernet inside), VNI 5001, UDP 6081 both ways, an 8-byte option TLV (class 0x0102 type 1) on every other packet of each end"
}

cap_gretap() {
    underlay
    relay_pair gretap gtap0 10.65.0.1/24 10.65.0.2/24 "$U4A" "$U4B"
    record gretap "$NSA" "$NSB" 10.65.0.2 "$NSA" gtap0 \
        "[$(layer gre "$U4A" "$U4B" null)]" --tunnel-frames gre \
        --how "tunnel_relay.py gretap: Ethernet in GRE (protocol type 0x6558), no key, IPv4 underlay; the inner ARP exchange is in the capture"
}

cap_gre_key() {
    underlay
    relay_pair gre gre0 10.47.0.1/24 10.47.0.2/24 "$U4A" "$U4B" --key 1001
    warm "$NSA" 10.47.0.2
    record gre-key "$NSA" "$NSB" 10.47.0.2 "$NSA" gre0 \
        "[$(layer gre "$U4A" "$U4B" 1001)]" --tunnel-frames gre \
        --how "tunnel_relay.py gre: IPv4 in GRE with key 1001 (K bit), IPv4 underlay"
}

cap_gre_seq_csum() {
    underlay
    relay_pair gre gre0 10.48.0.1/24 10.48.0.2/24 "$U4A" "$U4B" --seq --csum
    warm "$NSA" 10.48.0.2
    record gre-seq-csum "$NSA" "$NSB" 10.48.0.2 "$NSA" gre0 \
        "[$(layer gre "$U4A" "$U4B" null)]" --tunnel-frames gre \
        --how "tunnel_relay.py gre: IPv4 in GRE with checksum (C bit, valid) and sequence numbers (S bit, from 0 per end), no key, IPv4 underlay"
}

cap_ip6gre() {
    underlay
    relay_pair gre gre6 10.49.0.1/24 10.49.0.2/24 "$U6A" "$U6B" --key 7
    warm "$NSA" 10.49.0.2
    record ip6gre "$NSA" "$NSB" 10.49.0.2 "$NSA" gre6 \
        "[$(layer gre "$U6A" "$U6B" 7)]" --tunnel-frames gre \
        --how "tunnel_relay.py gre over an IPv6 underlay (ip6gre): IPv4 in GRE with key 7"
}

cap_ipip() {
    underlay
    relay_pair ipip ipip0 10.4.0.1/24 10.4.0.2/24 "$U4A" "$U4B"
    warm "$NSA" 10.4.0.2
    record ipip "$NSA" "$NSB" 10.4.0.2 "$NSA" ipip0 \
        "[$(layer ip_in_ip "$U4A" "$U4B" null)]" --tunnel-frames 'ip.proto == 4' \
        --how "tunnel_relay.py ipip: IPv4 in IPv4 (protocol 4), as ip link type ipip"
}

cap_sit() {
    underlay
    relay_pair ipip sit0 2001:db8:41::1/64 2001:db8:41::2/64 "$U4A" "$U4B"
    warm "$NSA" 2001:db8:41::2
    record sit "$NSA" "$NSB" 2001:db8:41::2 "$NSA" sit0 \
        "[$(layer ip_in_ip "$U4A" "$U4B" null)]" --tunnel-frames 'ip.proto == 41' \
        --how "tunnel_relay.py ipip with IPv6 inside: IPv6 in IPv4 (protocol 41), as ip link type sit (6in4)"
}

cap_ip6tnl_4in6() {
    underlay
    relay_pair ipip ip6t0 10.46.0.1/24 10.46.0.2/24 "$U6A" "$U6B"
    warm "$NSA" 10.46.0.2
    record ip6tnl-4in6 "$NSA" "$NSB" 10.46.0.2 "$NSA" ip6t0 \
        "[$(layer ip_in_ip "$U6A" "$U6B" null)]" --tunnel-frames 'ipv6.nxt == 4' \
        --how "tunnel_relay.py ipip over IPv6: IPv4 in IPv6 (next header 4), as ip link type ip6tnl mode ipip6"
}

cap_ip6tnl_6in6() {
    underlay
    relay_pair ipip ip6t0 2001:db8:66::1/64 2001:db8:66::2/64 "$U6A" "$U6B"
    warm "$NSA" 2001:db8:66::2
    record ip6tnl-6in6 "$NSA" "$NSB" 2001:db8:66::2 "$NSA" ip6t0 \
        "[$(layer ip_in_ip "$U6A" "$U6B" null)]" --tunnel-frames 'ipv6.nxt == 41' \
        --how "tunnel_relay.py ipip over IPv6 with IPv6 inside: IPv6 in IPv6 (next header 41), as ip link type ip6tnl mode ip6ip6"
}

# VXLAN inside GRE: a kernel vxlan device whose underlay is a GRE tunnel.
cap_vxlan_in_gre() {
    underlay
    relay_pair gre gre0 10.47.1.1/24 10.47.1.2/24 "$U4A" "$U4B" --key 5 --mtu 1450
    ip -n "$NSA" link add vx0 type vxlan id 77 dstport 4789 local 10.47.1.1 remote 10.47.1.2 dev gre0
    ip -n "$NSB" link add vx0 type vxlan id 77 dstport 4789 local 10.47.1.2 remote 10.47.1.1 dev gre0
    inner_addrs "$NSA" vx0 10.77.0.1/24
    inner_addrs "$NSB" vx0 10.77.0.2/24
    warm "$NSA" 10.77.0.2
    record vxlan-in-gre "$NSA" "$NSB" 10.77.0.2 "$NSA" vx0 \
        "[$(layer gre "$U4A" "$U4B" 5),$(layer vxlan 10.47.1.1 10.47.1.2 77)]" \
        --tunnel-frames vxlan \
        --how "nested: a kernel vxlan device (VNI 77) over a tunnel_relay.py gre tunnel (key 5): Ethernet/IPv4/GRE/IPv4/UDP 4789/VXLAN/Ethernet/IPv4/TCP"
}

# GTP-U: the A end is the access side (gNB), B the core (UPF); uplink TEID
# 0x1001, downlink 0x2002, as a real user plane has one per direction.
cap_gtpu() {
    underlay
    relay "$NSA" a gtpu --dev gtp0 --addr 10.45.0.2/24 --local "$U4A" --remote "$U4B" \
        --teid-out 0x1001 --teid-in 0x2002 --uplink
    relay "$NSB" b gtpu --dev gtp0 --addr 10.45.0.1/24 --local "$U4B" --remote "$U4A" \
        --teid-out 0x2002 --teid-in 0x1001
    warm "$NSA" 10.45.0.1
    record gtpu "$NSA" "$NSB" 10.45.0.1 "$NSA" gtp0 \
        "[$(layer gtp_u "$U4A" "$U4B" null)]" --tunnel-frames gtp \
        --how "tunnel_relay.py gtpu: IPv4 in GTP-U (UDP 2152 both ways), TEID 0x1001 (4097) uplink from 198.18.20.1, 0x2002 (8194) downlink; every other packet of each end has the E flag and a PDU session container extension header (type 0x85, UL or DL, QFI 9)"
}

# Teredo: A is the Teredo client (IPv4 198.18.20.1, UDP 50123, its Teredo
# address built from the server 198.18.20.2 and its own address and port),
# B a relay (UDP 3544) in front of the native IPv6 host 2001:db8:feed::2.
cap_teredo() {
    local tc
    tc=$(python3 -c '
import ipaddress
s = ipaddress.IPv4Address("198.18.20.2").packed
c = bytes(b ^ 0xff for b in ipaddress.IPv4Address("198.18.20.1").packed)
p = (50123 ^ 0xffff).to_bytes(2, "big")
print(ipaddress.IPv6Address(b"\x20\x01\x00\x00" + s + b"\x00\x00" + p + c))')
    underlay
    relay "$NSA" a teredo --dev tered0 --addr "$tc/128" --route 2001:db8:feed::/64 \
        --local "$U4A" --remote "$U4B" --lport 50123 --rport 3544
    relay "$NSB" b teredo --dev tered0 --addr 2001:db8:feed::2/64 --route 2001::/32 \
        --local "$U4B" --remote "$U4A" --lport 3544 --rport 50123
    warm "$NSA" 2001:db8:feed::2
    record teredo "$NSA" "$NSB" 2001:db8:feed::2 "$NSA" tered0 \
        "[$(layer teredo "$U4A" "$U4B" null)]" --tunnel-frames teredo \
        --how "tunnel_relay.py teredo: IPv6 in UDP, client $tc at 198.18.20.1:50123, relay 198.18.20.2:3544; every fourth packet from the relay starts with an origin indication (8 bytes)"
}

# PBB (802.1ah): Ethernet in I-TAG (I-SID 66051) behind a B-TAG (B-VID 100)
# straight on the underlay Ethernet, no IP outside.
cap_pbb() {
    underlay
    relay "$NSA" a pbb --dev pbb0 --addr 10.88.0.1/24 --underlay-dev "$UA" \
        --peer-mac 02:00:00:00:20:02 --isid 66051
    relay "$NSB" b pbb --dev pbb0 --addr 10.88.0.2/24 --underlay-dev "$UB" \
        --peer-mac 02:00:00:00:20:01 --isid 66051
    record pbb "$NSA" "$NSB" 10.88.0.2 "$NSA" pbb0 \
        '[]' --tunnel-frames ieee8021ad \
        --how "tunnel_relay.py pbb: Ethernet in 802.1ah (B-TAG 0x88a8 VID 100, I-TAG 0x88e7 I-SID 66051) on the underlay Ethernet, backbone MACs 02:00:00:00:20:01/02; the inner ARP exchange is in the capture"
}

# ERSPAN: a mirror, not a tunnel.  Plain traffic on a second veth pair
# (mc in tuna <-> ms in tunb) is mirrored by tunnel_relay.py in tuna, both
# directions, to 198.18.20.2 over the underlay, which is captured.
cap_erspan() {  # version
    local v=$1
    underlay
    ip link add mc netns "$NSA" type veth peer name ms netns "$NSB"
    inner_addrs "$NSA" mc 10.90.0.1/24
    inner_addrs "$NSB" ms 10.90.0.2/24
    warm "$NSA" 10.90.0.2
    relay "$NSB" b collector --local "$U4B" --remote "$U4A"
    relay "$NSA" a "erspan$v" --mirror-dev mc --local "$U4A" --remote "$U4B" --session 42
    # the id is ERSPAN's session id (types II, III); type I has none
    record "erspan$v" "$NSA" "$NSB" 10.90.0.2 "$NSA" mc \
        "[$(layer gre "$U4A" "$U4B" "$( [ "$v" = 1 ] && echo null || echo 42)")]" \
        --tunnel-frames erspan \
        --how "tunnel_relay.py erspan$v: every frame on a plain veth (both directions) mirrored in GRE + ERSPAN type $( case $v in 1) echo 'I (protocol 0x88be, no sequence number, no ERSPAN header)';; 2) echo 'II (0x88be, sequence number, session 42)';; 3) echo 'III (0x22eb, sequence number, session 42, timestamps, platform subheader)';; esac ) from 198.18.20.1 to the collector 198.18.20.2; the outer direction is the same for both inner directions"
}
cap_erspan1() { cap_erspan 1; }
cap_erspan2() { cap_erspan 2; }
cap_erspan3() { cap_erspan 3; }

ALL="vxlan vxlan-8472 vxlan-2vni geneve gretap gre-key gre-seq-csum ip6gre
ipip sit ip6tnl-4in6 ip6tnl-6in6 vxlan-in-gre gtpu teredo pbb erspan1 erspan2
erspan3"
for name in ${@:-$ALL}; do
    "cap_${name//-/_}"
done
teardown
