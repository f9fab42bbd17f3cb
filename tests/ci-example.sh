#!/bin/sh
# The README's CI example (doc/ci-example.sh) must work as written: a good
# run passes (exit 0), a broken limit fails (3), a changed behaviour fails
# (3), each with the reason on stderr or stdout.
set -u
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
PATH=$(cd "$builddir/src" && pwd):$PATH
export PATH
cd "$srcdir" || exit 99
tmp=$(mktemp -d "${TMPDIR:-/tmp}/transcope-ci.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
export REPORT="$tmp/report.json"
pass=0 fail=0
check() {	# name, expected status, output pattern, capture, golden
	sh doc/ci-example.sh "$4" "$5" >"$tmp/out" 2>&1
	rc=$?
	if [ $rc -eq "$2" ] && grep -q -- "$3" "$tmp/out"; then
		pass=$((pass + 1))
	else
		echo "FAIL: $1: exit $rc (expected $2), output:"
		sed 's/^/  /' "$tmp/out"
		fail=$((fail + 1))
	fi
}
# The golden report of short-conns is tests/golden/short-conns.out.
check "same capture as the golden run" 0 "within tolerance" \
    captures/short-conns.pcap tests/golden/short-conns.out
# The refused connections (port 8082) missing: flows removed.
transcope -w "$tmp/fewer.pcap" -q captures/short-conns.pcap \
    'not tcp port 8082' >/dev/null
check "flows removed" 3 "removed: flow" "$tmp/fewer.pcap" \
    tests/golden/short-conns.out
# 5.6 % retransmissions breaks the 5 % limit.
check "a limit broken" 3 "assertion failed: retransmission_rate < 0.05" \
    captures/bulk-loss-v4.pcap tests/golden/bulk-loss-v4.out
echo "ci-example: $pass passed, $fail failed"
[ $fail -eq 0 ]
