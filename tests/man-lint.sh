#!/bin/sh
# transcope(1) is clean under mandoc -Tlint, style messages included.
#
# Only "referenced manual not found" (and mandoc.db staleness) is let
# through: whether tcpdump(1) or tshark(1) is installed says something about
# this machine, not about the page.  Skips (77) where mandoc is not
# installed; .ci/run installs it (Debian package mandoc).
#
# Environment: top_srcdir (set by make check), or the current directory.
set -u
srcdir=${top_srcdir:-.}
page=$srcdir/man/transcope.1
command -v mandoc >/dev/null 2>&1 ||
	{ echo "SKIP: mandoc not installed (Debian package mandoc)"; exit 77; }
[ -f "$page" ] || { echo "man-lint: no $page" >&2; exit 99; }
msgs=$(mandoc -Tlint -W style "$page" 2>&1 |
	grep -v -e 'referenced manual not found' -e 'mandoc\.db')
if [ -n "$msgs" ]; then
	echo "$msgs"
	echo "FAIL: mandoc -Tlint: $(echo "$msgs" | wc -l) messages"
	exit 1
fi
echo "PASS: mandoc -Tlint man/transcope.1"
