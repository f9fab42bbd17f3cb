#!/bin/sh
# Build the libFuzzer harnesses with clang (fuzzer, ASan, UBSan) and run them.
#
#   fuzz/run.sh [SECONDS] [packets|file|all]   (default 60 s each, all)
#
# Seeds come from captures/ (fuzz/make-seeds.sh); new corpus entries are
# kept in fuzz/corpus-*/ (not committed), crashes in fuzz/crashes/.  A crash
# must become a regression test (tests/hostile/ or a unit test) and a fix.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-60}
which=${2:-all}
CC=${CC:-clang}
[ -f config.h ] || { echo "fuzz: run ./configure first" >&2; exit 1; }
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I. -Isrc"
libs="$(pkg-config --cflags --libs libpcap json-c) -lm"
srcs=$(ls src/*.c | grep -v 'src/main.c')
mkdir -p fuzz/bin fuzz/crashes
sh fuzz/make-seeds.sh
for h in packets file; do
	[ "$which" = all ] || [ "$which" = "$h" ] || continue
	echo "fuzz: building $h"
	$CC $flags -o "fuzz/bin/fuzz_$h" "fuzz/fuzz_$h.c" $srcs $libs
	mkdir -p "fuzz/corpus-$h"
	echo "fuzz: running $h for $secs s"
	"fuzz/bin/fuzz_$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -artifact_prefix=fuzz/crashes/ -print_final_stats=1 \
	    "fuzz/corpus-$h" "fuzz/seeds-$h" 2>&1 | tail -n 12
done
