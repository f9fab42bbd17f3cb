#!/bin/sh
# include-graph.sh: the include graph of src/ is one-way (doc/architecture.md).
#
# Each file of src/ belongs to a stage, by its name; a file may include the
# headers of its own stage and of earlier ones, never of a later one.  Also:
# no circle among modules (x.c and x.h), and flow.c includes no protocol's header.  A new
# file whose name matches no stage fails the test, so the table below (and
# doc/architecture.md) grows with src/.

top_srcdir=${top_srcdir:-.}
src=$top_srcdir/src

# stage FILE: prints the stage number of a src/ file name, or nothing.
#  0 utilities anyone may use   1 packet view and decode
#  2 flow table and the protocol seam   3 protocol analysis           4 report core and formats  5 commands
stage() {
	case $1 in
	config.h|xmalloc.*|bytes.h|seq.h|hash.*|services.*|jsonw.*) echo 0 ;;
	packet.h|encap.h|source.*|source_*|pipeline.*|decode*) echo 1 ;;
	flow.*|proto.*|tunnels.*) echo 2 ;;
	tcp*|udp*|icmp*|dns*|quic*|rtp*|rtt.*|analyzer.*) echo 3 ;;
	summary.*|findings.*|events.*|report*|fmt*|sink.*|writer.*|metrics.*|\
	threshold.*|assert.*) echo 4 ;;
	main.c|cli.*|run.*|outfile.*|cmd*|diff*) echo 5 ;;
	esac
}

fail=0
edges=$(mktemp "${TMPDIR:-/tmp}/include-graph.XXXXXX") || exit 1
trap 'rm -f "$edges"' EXIT

for path in "$src"/*.c "$src"/*.h; do
	f=${path##*/}
	s=$(stage "$f")
	if [ -z "$s" ]; then
		echo "include-graph: FAIL: $f belongs to no stage (add it to tests/include-graph.sh and doc/architecture.md)"
		fail=1
		continue
	fi
	for h in $(sed -n 's/^#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$path"); do
		[ -f "$src/$h" ] || continue
		t=$(stage "$h")
		[ -n "$t" ] || continue
		# Modules (x.c with x.h) must not depend on each other in a
		# circle either: x.c including y.h is x depending on y.
		# A private header (x_int.h) is part of its module x.
		mf=${f%.*}; mf=${mf%_int}
		mh=${h%.*}; mh=${mh%_int}
		[ "$mf" = "$mh" ] || echo "$mf $mh" >> "$edges"
		if [ "$t" -gt "$s" ]; then
			echo "include-graph: FAIL: $f (stage $s) includes $h (stage $t, later)"
			fail=1
		fi
	done
done

for h in $(sed -n 's/^#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$src/flow.c"); do
	case $(stage "$h") in
	3) echo "include-graph: FAIL: flow.c includes $h, a protocol's header"
	   fail=1 ;;
	esac
done

# Circles among modules: tsort reports a cycle on stderr.
if ! tsort "$edges" > /dev/null 2> "$edges.err"; then
	echo "include-graph: FAIL: modules include each other in a circle:"
	cat "$edges.err"
	fail=1
fi
rm -f "$edges.err"

if [ "$fail" -eq 0 ]; then
	echo "include-graph: PASS: $(ls "$src"/*.c "$src"/*.h | wc -l) files, one-way"
fi
exit "$fail"
