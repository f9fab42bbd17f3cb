#!/bin/sh
# Build the libFuzzer harnesses with clang (fuzzer, ASan, UBSan) and run them.
#
#   fuzz/run.sh [SECONDS] [packets|file|all]   (default 60 s each, all)
#
# The harnesses are built by `configure --enable-fuzzing` (see configure.ac),
# linked with the same src/libtranscope.a as the binary, the whole library
# compiled with the fuzzing flags; so a fuzzed function is the shipped one.
# The build lives in fuzz/bin/ (not committed) and is kept between runs,
# apart from the tree's own (gcc) build: fuzz/bin/src is a copy of the
# distributed sources (make distdir: automake refuses a second build of a
# source tree configured in place), fuzz/bin/build the clang build of it.
# CC (default clang) is the compiler.
#
# Seeds come from captures/ (fuzz/make-seeds.sh); new corpus entries are
# kept in fuzz/corpus-*/ (not committed), crashes in fuzz/crashes/.  A crash
# must become a regression test (tests/hostile/ or a unit test) and a fix.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
secs=${1:-60}
which=${2:-all}
CC=${CC:-clang}
[ -f config.status ] && [ -f Makefile ] ||
	{ echo "fuzz: run ./configure first" >&2; exit 1; }
case $which in
packets|file) targets=fuzz/fuzz_$which ;;
all) targets="fuzz/fuzz_packets fuzz/fuzz_file" ;;
*) echo "usage: fuzz/run.sh [SECONDS] [packets|file|all]" >&2; exit 1 ;;
esac

# distdir keeps the files' times, so the build below only redoes what changed.
echo "fuzz: building with $CC in fuzz/bin/build"
mkdir -p fuzz/bin/build
make -s distdir distdir="$top/fuzz/bin/src" >/dev/null
(
	cd fuzz/bin/build
	# A new compiler means a new configure (and a clean build).
	if ! [ -f config.status ] || ! [ -f cc ] || [ "$(cat cc)" != "$CC" ]; then
		[ -f Makefile ] && make -s distclean >/dev/null 2>&1 || true
		../src/configure -q --enable-fuzzing CC="$CC" CFLAGS="-g -O1"
		echo "$CC" > cc
	fi
	make -s -j2 $targets
)
mkdir -p fuzz/crashes
sh fuzz/make-seeds.sh
# The exit status says whether a harness failed (a crash, a leak, a
# timeout), so that CI can run this; the whole log is in fuzz/bin/.
status=0
for h in packets file; do
	[ "$which" = all ] || [ "$which" = "$h" ] || continue
	mkdir -p "fuzz/corpus-$h"
	echo "fuzz: running $h for $secs s"
	"fuzz/bin/build/fuzz/fuzz_$h" -max_total_time="$secs" -timeout=10 \
	    -rss_limit_mb=2048 -artifact_prefix=fuzz/crashes/ \
	    -print_final_stats=1 "fuzz/corpus-$h" "fuzz/seeds-$h" \
	    > "fuzz/bin/$h.log" 2>&1 || { status=1; echo "fuzz: $h FAILED"; }
	tail -n 12 "fuzz/bin/$h.log"
done
exit $status
