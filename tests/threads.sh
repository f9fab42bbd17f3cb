#!/bin/sh
# threads.sh: the reader thread (--threads 2, src/pipeline.c) must not change
# a single byte of the output, the standard error or the exit status.
#
# Compared, --threads 1 against --threads 2, JSON and text: every capture in
# captures/, a merge of several, a BPF filter, -c (the reader must stop at
# exactly N), --sort, --top, --proto, -o, every hostile file tests/hostile-gen
# writes (damaged records
# mid-file: the error line must come after the same packets), and, when the
# shared corpus is there ($TRANSCOPE_CORPUS or $top_srcdir/../shared/corpus),
# all of it.
set -u
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
T=${TRANSCOPE:-$builddir/src/transcope}
GEN=${HOSTILE_GEN:-$builddir/tests/hostile-gen}
corpus=${TRANSCOPE_CORPUS:-$srcdir/../shared/corpus}

[ -x "$T" ] || { echo "threads: no binary at $T" >&2; exit 99; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/transcope-threads.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

pass=0
fail=0

# same NAME ARGS...: run both ways, compare stdout, stderr and status.
same() {
	name=$1
	shift
	"$T" --threads 1 "$@" >"$tmp/o1" 2>"$tmp/e1"
	r1=$?
	"$T" --threads 2 "$@" >"$tmp/o2" 2>"$tmp/e2"
	r2=$?
	if [ $r1 -ge 128 ] || [ $r2 -ge 128 ]; then
		echo "FAIL: $name: killed by a signal ($r1, $r2)"
		fail=$((fail + 1))
	elif [ $r1 -ne $r2 ] || ! cmp -s "$tmp/o1" "$tmp/o2" ||
	    ! cmp -s "$tmp/e1" "$tmp/e2"; then
		echo "FAIL: $name: --threads 1 and 2 differ (exit $r1, $r2)"
		diff "$tmp/e1" "$tmp/e2" | head -5
		cmp "$tmp/o1" "$tmp/o2"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}

for f in "$srcdir"/captures/*.pcap "$srcdir"/captures/*.pcapng \
    "$srcdir"/captures/*.pcap.*; do
	b=$(basename "$f")
	same "$b json" -q --json "$f"
	same "$b text" -q -l "$f"
done
same "merge" -q --json "$srcdir/captures/bulk-loss-v4.pcap" \
    "$srcdir/captures/udp-v4.pcap" "$srcdir/captures/short-conns.pcap"
same "filter" -q --json "$srcdir/captures/short-conns.pcap" 'tcp port 8082'
for n in 1 511 512 513 1000 1024 1025; do
	same "-c $n" -q --json -c $n "$srcdir/captures/bulk-loss-v4.pcap"
done
same "events" -q --json --events - "$srcdir/captures/heavy-loss-v4.pcap"
same "sort json" -q --json --sort bytes --top 7 "$srcdir/captures/short-conns.pcap"
same "sort text" -q --sort duration "$srcdir/captures/short-conns.pcap"
same "proto udp" -q --json --proto udp "$srcdir/captures/short-conns.pcap"
same "-o" -q --json -o /dev/stdout "$srcdir/captures/bulk-loss-v6.pcap"
# -o on something that is not a regular file writes to it, never renames
# a temporary file over it (as root that replaced the /dev/stdout link).
if [ -e /dev/stdout ] && [ -f /dev/stdout ] && [ ! -L /dev/stdout ]; then
	echo "FAIL: -o /dev/stdout: /dev/stdout became a regular file"
	fail=$((fail + 1))
else
	pass=$((pass + 1))
fi

if [ ! -x "$GEN" ]; then
	GEN=$tmp/hostile-gen
	${CC:-cc} -std=c11 -O2 -o "$GEN" "$srcdir/tests/hostile-gen.c" ||
	    { echo "threads: cannot build hostile-gen" >&2; exit 99; }
fi
mkdir "$tmp/hostile" && "$GEN" "$tmp/hostile" >/dev/null ||
    { echo "threads: hostile-gen failed" >&2; exit 99; }
for f in "$tmp"/hostile/*; do
	same "hostile $(basename "$f")" --json "$f"
done
# Damage in one file of a merge: the others go on.
set -- "$tmp"/hostile/*
same "hostile merge" --json "$srcdir/captures/udp-v4.pcap" "$1" "$2" "$3"

if [ -d "$corpus" ]; then
	# The captures of tests/corpus-sweep.sh (its filter), .gz read as
	# they are and unpacked.
	find "$corpus" -type f \
	    ! -path '*/_meta/*' ! -path '*/OUTPUTbench/*' ! -path '*/Baseline/*' \
	    ! -name '*.md' ! -name '*.yaml' ! -name '*.yml' ! -name '*.out' \
	    ! -name '*.txt' ! -name '*.tsv' ! -name '*.py' ! -name '*.sh' \
	    ! -name 'README*' ! -name 'TESTLIST' ! -name '*_files' \
	    ! -name 'HOWTO_ADD_FILES' | LC_ALL=C sort >"$tmp/list"
	while IFS= read -r f; do
		case $f in
		*.gz)
			same "corpus ${f#"$corpus"/}" -q --json "$f"
			gzip -dc "$f" >"$tmp/in" 2>/dev/null || continue
			same "corpus ${f#"$corpus"/} unpacked" -q --json \
			    "$tmp/in"
			;;
		*)
			same "corpus ${f#"$corpus"/}" -q --json "$f"
			;;
		esac
	done <"$tmp/list"
else
	echo "threads: note: no corpus at $corpus"
fi

echo "threads: $pass passed, $fail failed"
[ $fail -eq 0 ]
