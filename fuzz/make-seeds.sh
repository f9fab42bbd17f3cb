#!/bin/sh
# Seed corpora from captures/: for fuzz_file, the capture files themselves
# (cut to their first 64 KiB; pcapng and compressed ones whole, they are
# small); for fuzz_packets, each capture's first
# packets in the harness's input format (link byte, then length-prefixed
# frames).
set -eu
cd "$(dirname "$0")/.."
mkdir -p fuzz/seeds-file fuzz/seeds-packets
for f in captures/*.pcap; do
	n=$(basename "$f" .pcap)
	head -c 65536 "$f" > "fuzz/seeds-file/$n"
done
for f in captures/*.pcapng captures/*.pcap.*; do
	[ -f "$f" ] && cp "$f" "fuzz/seeds-file/$(basename "$f")"
done
# The shared corpus of public captures, when present (never committed):
# its small files, pcap and pcapng of many writers, and a few of them
# compressed by each compressor installed, so the fuzzer starts inside
# every decoder and with pcapng options and block kinds seen in the wild.
corpus=${TRANSCOPE_CORPUS:-../shared/corpus}
if [ -d "$corpus" ]; then
	find "$corpus" -type f -size -33k \( -name '*.pcap' -o \
	    -name '*.pcapng' -o -name '*.ntar' -o -name '*.cap' \) |
	while read -r f; do
		n=corpus-$(echo "$f" | cksum | cut -d' ' -f1)
		cp "$f" "fuzz/seeds-file/$n"
		case $n in *[0-7]) continue ;; esac	# compress ~1 in 5
		for z in gzip zstd xz bzip2 lz4; do
			command -v $z >/dev/null 2>&1 &&
			    $z -c <"$f" >"fuzz/seeds-file/$n.$z" 2>/dev/null
		done
	done
fi
python3 - <<'PY' 2>/dev/null || echo "fuzz: no python3, packet seeds skipped"
import glob, os, struct
# fuzz_packets.c's dlts[], in its order: byte 0 is the capture's link type.
DLTS = [1, 113, 276, 12, 228, 229, 0, 108, 9, 50, 104, 10, 101, 147, 105,
        127, 192, 163, 119, 239, 258, 149]
for path in glob.glob("captures/*.pcap"):
    data = open(path, "rb").read()
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    dlt = struct.unpack(endian + "I", data[20:24])[0] & 0xffff
    link = DLTS.index(dlt) if dlt in DLTS else 0
    off, out, count = 24, bytearray([link]), 0
    while off + 16 <= len(data) and count < 40:
        ts, us, caplen, wire = struct.unpack(endian + "IIII", data[off:off+16])
        frame = data[off+16:off+16+caplen]
        out += struct.pack(">HB", len(frame), 1) + frame
        off += 16 + caplen
        count += 1
    name = os.path.basename(path)[:-5]
    open("fuzz/seeds-packets/" + name, "wb").write(out)
PY
# A seed of tunnelled frames for fuzz_packets (decode_tunnel_udp.c,
# decode_gre.c, IP in IP, PBB), each around one TCP segment, and the same
# frames as a capture for fuzz_file.
python3 - <<'PY' 2>/dev/null || echo "fuzz: no python3, tunnel seeds skipped"
import struct
def csum0(b): return b
def tcp4(payload=b"hello"):
    tcp = struct.pack(">HHIIBBHHH", 40000, 80, 1000, 2000, 0x50, 0x18, 65535, 0, 0) + payload
    return struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0,
                       bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])) + tcp
def tcp6(src=bytes(16), payload=b"hello"):
    tcp = struct.pack(">HHIIBBHHH", 40000, 80, 1000, 2000, 0x50, 0x18, 65535, 0, 0) + payload
    return struct.pack(">IHBB16s16s", 0x60000000, len(tcp), 6, 64, src,
                       bytes([0x20, 1, 0xd, 0xb8] + [0] * 11 + [2])) + tcp
def eth(t, body): return b"\x02" * 6 + b"\x04" * 6 + struct.pack(">H", t) + body
def ip4(proto, body):
    return struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(body), 1, 0, 64, proto, 0,
                       bytes([192, 0, 2, 1]), bytes([198, 51, 100, 1])) + body
def ip6(proto, body):
    return struct.pack(">IHBB16s16s", 0x60000000, len(body), proto, 64,
                       bytes([0x20, 1, 0xd, 0xb8, 0, 1] + [0] * 9 + [1]),
                       bytes([0x20, 1, 0xd, 0xb8, 0, 2] + [0] * 9 + [2])) + body
def udp(sport, dport, body): return struct.pack(">HHHH", sport, dport, 8 + len(body), 0) + body
inner_eth = eth(0x0800, tcp4())
teredo_src = bytes([0x20, 1, 0, 0, 0x41, 0x37, 0x9e, 0x50] + [0] * 8)
gtp_body = tcp4()
frames = [
    eth(0x0800, ip4(17, udp(50000, 4789, b"\x08\0\0\0\0\0\x2a\0" + inner_eth))),
    eth(0x0800, ip4(17, udp(43443, 6081, b"\x02\0\x65\x58\0\0\x0b\0" + b"\x01\x02\x80\x01\0\0\0\0" + inner_eth))),
    eth(0x86dd, ip6(17, udp(43443, 6081, b"\0\0\x08\x00\0\0\x0b\0" + tcp4()))),
    eth(0x0800, ip4(17, udp(2152, 2152, struct.pack(">BBHI", 0x36, 255, 4 + 4 + 8 + len(gtp_body), 7)
        + b"\0\x01\0\x85" + b"\x01\x10\x09\x40" + b"\x02\0\0\0\0\0\0\0" + gtp_body))),
    eth(0x0800, ip4(17, udp(3797, 3544, tcp6()))),
    eth(0x0800, ip4(17, udp(32900, 3797, b"\0\0\xf3\x2b\0\0\0\0" + tcp6(teredo_src)))),
    eth(0x0800, ip4(47, b"\xb0\0\x08\x00" + b"\0\0\0\0" + b"\xde\xad\xbe\xef" + b"\0\0\0\x07" + tcp4())),
    eth(0x0800, ip4(47, b"\x20\0\x65\x58\0\0\0\x2a" + inner_eth)),
    eth(0x0800, ip4(47, b"\x10\0\x88\xbe\0\0\0\x01" + b"\x10\x64\x01\x23\0\0\0\x05" + inner_eth)),
    eth(0x0800, ip4(47, b"\x10\0\x22\xeb\0\0\0\x01" + b"\x20\0\x03\xff" + b"\0" * 7 + b"\x01" + b"\0" * 8 + inner_eth)),
    eth(0x0800, ip4(47, struct.pack(">HHHHII", 0x3081, 0x880b, len(tcp4()) + 4, 0x4001, 5, 4) + b"\xff\x03\x00\x21" + tcp4())),
    eth(0x0800, ip4(4, tcp4())),
    eth(0x0800, ip4(41, tcp6())),
    eth(0x86dd, ip6(4, tcp4())),
    eth(0x86dd, ip6(41, tcp6())),
    eth(0x88e7, b"\0\x01\x02\x03" + inner_eth),
    eth(0x0800, ip4(47, b"\0\0\x65\x58" + eth(0x0800, ip4(17, udp(1, 4789, b"\x08\0\0\0\0\0\x07\0"
        + eth(0x0800, ip4(41, ip6(17, udp(2152, 2152, struct.pack(">BBHI", 0x30, 255, len(gtp_body), 9) + gtp_body))))))))),
]
out = bytearray([0])
for f in frames:
    out += struct.pack(">HB", len(f), 1) + f
open("fuzz/seeds-packets/tunnels", "wb").write(out)
cap = bytearray(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
for i, f in enumerate(frames):
    cap += struct.pack("<IIII", 1000 + i, 0, len(f), len(f)) + f
open("fuzz/seeds-file/tunnels", "wb").write(cap)
PY
