#!/bin/sh
# Golden tests, tcpdump style: each line of tests/TESTLIST is
#
#     name | expected exit status | transcope arguments (shell-quoted)
#
# and tests/golden/NAME.out holds the exact expected standard output
# (NAME.err the standard error, when there is any).  Runs from the source
# directory so the file names in reports are the same everywhere.
#
#     tests/run-golden.sh            compare (what make check runs)
#     tests/run-golden.sh --regen    rewrite the expected files on purpose
#
# Environment: top_srcdir, top_builddir (set by make check), or defaults;
# TRANSCOPE_WRAPPER, a command to run transcope under (valgrind in CI).
set -u
regen=0
[ "${1:-}" = "--regen" ] && regen=1
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
bin=$(cd "$builddir/src" && pwd)/transcope
cd "$srcdir" || exit 99
[ -x "$bin" ] || { echo "run-golden: no binary at $bin" >&2; exit 99; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/transcope-golden.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0
while IFS='|' read -r name status args; do
	name=$(echo $name)
	case $name in ''|\#*) continue ;; esac
	status=$(echo $status)
	eval "set -- $args"
	${TRANSCOPE_WRAPPER:-} "$bin" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	if [ $regen -eq 1 ]; then
		cp "$tmp/$name.out" "tests/golden/$name.out"
		if [ -s "$tmp/$name.err" ]; then
			cp "$tmp/$name.err" "tests/golden/$name.err"
		else
			rm -f "tests/golden/$name.err"
		fi
		[ "$rc" = "$status" ] || echo "note: $name exits $rc, TESTLIST says $status"
		echo "regenerated $name"
		continue
	fi
	ok=1
	if [ "$rc" != "$status" ]; then
		echo "FAIL: $name: exit status $rc, expected $status"
		ok=0
	fi
	if ! cmp -s "$tmp/$name.out" "tests/golden/$name.out"; then
		echo "FAIL: $name: standard output differs:"
		diff -u "tests/golden/$name.out" "$tmp/$name.out" | head -20
		ok=0
	fi
	experr=/dev/null
	[ -f "tests/golden/$name.err" ] && experr="tests/golden/$name.err"
	if ! cmp -s "$tmp/$name.err" "$experr"; then
		echo "FAIL: $name: standard error differs:"
		diff -u "$experr" "$tmp/$name.err" | head -10
		ok=0
	fi
	if [ $ok -eq 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
done < tests/TESTLIST
[ $regen -eq 1 ] && exit 0
echo "golden: $pass passed, $fail failed"
[ $fail -eq 0 ]
