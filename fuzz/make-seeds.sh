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
python3 - <<'PY' 2>/dev/null || echo "fuzz: no python3, packet seeds skipped"
import glob, os, struct
for path in glob.glob("captures/*.pcap"):
    data = open(path, "rb").read()
    magic = data[:4]
    endian = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    off, out, count = 24, bytearray([0]), 0
    while off + 16 <= len(data) and count < 40:
        ts, us, caplen, wire = struct.unpack(endian + "IIII", data[off:off+16])
        frame = data[off+16:off+16+caplen]
        out += struct.pack(">HB", len(frame), 1) + frame
        off += 16 + caplen
        count += 1
    name = os.path.basename(path)[:-5]
    open("fuzz/seeds-packets/" + name, "wb").write(out)
PY
