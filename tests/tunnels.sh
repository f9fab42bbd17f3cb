#!/bin/sh
# tunnels.sh: the real tunnel captures (captures/tun-*.pcap, recorded by
# captures/record-tunnels.sh) against their truth: every inner flow with
# its packets and bytes per direction and its tunnels, the capture's
# tunnel list, the text report's tunnel words.  The comparison is
# tests/tunnels.py.  Without python3 the test is skipped (exit 77).

top_builddir=${top_builddir:-.}
top_srcdir=${top_srcdir:-.}
bin=$top_builddir/src/transcope

if ! command -v python3 >/dev/null 2>&1; then
	echo "tunnels: SKIP: no python3"
	exit 77
fi
if [ ! -x "$bin" ]; then
	echo "tunnels: FAIL: no binary at $bin"
	exit 1
fi
exec python3 "$top_srcdir/tests/tunnels.py" "$bin" "$top_srcdir/captures"
