#!/bin/sh
# corpus-sweep.sh: robustness sweep of transcope over the shared corpus of
# public captures (tcptrace, Zeek, tcpdump, Suricata-verify, libpcap, scapy,
# tcpreplay test suites).
#
# Run by `make check` (top_builddir/top_srcdir in the environment) or by hand.
# The corpus is looked for at $TRANSCOPE_CORPUS, else at
# $top_srcdir/../shared/corpus; without it the test is skipped (exit 77).
#
# For every capture `transcope --json` must exit 0 or 2 (2 = unreadable/
# damaged input), never die by a signal or hang, and when it exits 0 its
# output must be valid JSON (checked with python3 when it is installed).
# A .gz is read twice: as it is (transcope decompresses it), and
# decompressed by gzip to a temporary file; the two reports must be the
# same but for the file's name, and so must the exit status.  Every .gz
# holding pcap or pcapng and every .pcapng must be read (exit 0), but
# libpcap's own test files of broken pcapng: CORPUS_UNREADABLE lists them.
# (.gz of other formats, snoop, ERF, EtherPeek, are not read: libpcap
# reads pcap and pcapng only.)

top_builddir=${top_builddir:-.}
top_srcdir=${top_srcdir:-.}
bin=$top_builddir/src/transcope
corpus=${TRANSCOPE_CORPUS:-$top_srcdir/../shared/corpus}
limit=${CORPUS_SWEEP_TIMEOUT:-20}

if [ ! -d "$corpus" ]; then
	echo "corpus-sweep: SKIP: no corpus at $corpus"
	exit 77
fi
if [ ! -x "$bin" ]; then
	echo "corpus-sweep: FAIL: no binary at $bin"
	exit 1
fi

if command -v timeout >/dev/null 2>&1; then
	run_limited() { timeout "$limit" "$@"; }
else
	run_limited() { "$@"; }
fi
if command -v python3 >/dev/null 2>&1; then
	have_python=1
else
	have_python=0
	echo "corpus-sweep: note: no python3, JSON output is not parsed"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/corpus-sweep.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP

# Captures only: skip expected outputs, metadata and documentation.
find "$corpus" -type f \
    ! -path '*/_meta/*' ! -path '*/OUTPUTbench/*' ! -path '*/Baseline/*' \
    ! -name '*.md' ! -name '*.yaml' ! -name '*.yml' ! -name '*.out' \
    ! -name '*.txt' ! -name '*.tsv' ! -name '*.py' ! -name '*.sh' \
    ! -name 'README*' ! -name 'TESTLIST' ! -name '*_files' \
    ! -name 'HOWTO_ADD_FILES' | LC_ALL=C sort > "$tmp/list"

# pcapng, and .gz of pcap or pcapng, that are damaged in the file itself.
unreadable=${CORPUS_UNREADABLE:-"libpcap/tests/shb-option-too-long.pcapng
libpcap/tests/pcapng-invalid-vers-1.pcapng
libpcap/tests/pcapng-invalid-vers-2.pcapng"}

# is_capture FILE: pcap or pcapng (after gzip -dc for a .gz)?
is_capture() {
	case $(od -An -tx1 -N4 "$1" | tr -d ' \n') in
	d4c3b2a1|a1b2c3d4|4d3cb2a1|a1b23c4d|0a0d0d0a|34cdb2a1|a1b2cd34)
		return 0 ;;
	esac
	return 1
}

passed=0
failed=0
n=0
while IFS= read -r file; do
	n=$((n + 1))
	rel=${file#"$corpus"/}
	input=$file
	must_read=0
	case $file in
	*.gz)
		input=$tmp/in.$n
		if ! gzip -dc "$file" > "$input" 2>/dev/null; then
			echo "corpus-sweep: FAIL: $rel: gzip -dc failed"
			failed=$((failed + 1))
			rm -f "$input"
			continue
		fi
		is_capture "$input" && must_read=1
		# shellcheck disable=SC2086 # the wrapper is a command line
		run_limited ${TRANSCOPE_WRAPPER:-} "$bin" --json "$file" \
		    > "$tmp/gz.out" 2> "$tmp/gz.err"
		gzrc=$?
		;;
	*.pcapng)
		must_read=1
		;;
	esac
	case "
$unreadable
" in
	*"
$rel
"*)	must_read=0 ;;
	esac
	# shellcheck disable=SC2086 # the wrapper is a command line
	run_limited ${TRANSCOPE_WRAPPER:-} "$bin" --json "$input" > "$tmp/out" \
	    2> "$tmp/err"
	rc=$?
	why=
	if [ "$input" != "$file" ]; then
		# The .gz read directly: the same report, status and error.
		sed "s#$input#$file#g" "$tmp/out" > "$tmp/out.renamed"
		sed "s#$input#$file#g" "$tmp/err" > "$tmp/err.renamed"
		if [ "$gzrc" -ne "$rc" ]; then
			why="read as .gz: exit $gzrc, unpacked: exit $rc"
		elif [ "$rc" -eq 0 ] && ! cmp -s "$tmp/gz.out" "$tmp/out.renamed"; then
			why="read as .gz: report differs from the unpacked file's"
		elif [ "$rc" -eq 0 ] && ! cmp -s "$tmp/gz.err" "$tmp/err.renamed"; then
			why="read as .gz: stderr differs from the unpacked file's"
		fi
		rm -f "$input"
	fi
	if [ -n "$why" ]; then
		:
	elif [ "$rc" -eq 124 ]; then
		why="timed out after ${limit}s"
	elif [ "$rc" -ge 128 ]; then
		why="killed by signal $((rc - 128))"
	elif [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ]; then
		why="exit status $rc: $(head -n 1 "$tmp/err")"
	elif [ "$rc" -eq 0 ] && [ "$have_python" -eq 1 ] &&
	    ! python3 -c 'import json,sys; json.load(sys.stdin)' \
	    < "$tmp/out" > /dev/null 2>&1; then
		why="exit 0 but stdout is not valid JSON"
	elif [ "$rc" -ne 0 ] && [ "$must_read" -eq 1 ]; then
		why="a pcap or pcapng capture not read: exit $rc: $(head -n 1 "$tmp/err")"
	fi
	if [ -n "$why" ]; then
		echo "corpus-sweep: FAIL: $rel: $why"
		failed=$((failed + 1))
	else
		passed=$((passed + 1))
	fi
done < "$tmp/list"

echo "corpus-sweep: $passed passed, $failed failed"
[ "$failed" -eq 0 ] || exit 1
exit 0
