#!/bin/sh
# Seed corpora from captures/: for fuzz_file, the capture files themselves
# (cut to their first 64 KiB); for fuzz_packets, each capture's first
# packets in the harness's input format (link byte, then length-prefixed
# frames).
set -eu
cd "$(dirname "$0")/.."
mkdir -p fuzz/seeds-file fuzz/seeds-packets
for f in captures/*.pcap; do
	n=$(basename "$f" .pcap)
	head -c 65536 "$f" > "fuzz/seeds-file/$n"
done
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
