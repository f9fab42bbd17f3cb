#!/bin/sh
# compare-builds.sh OLD NEW: run two transcope binaries over every capture of
# captures/, tests/hostile (when generated) and the shared corpus, with the
# option sets below, and compare stdout, stderr and exit code byte for byte.
# For refactors that must not change a byte (issue 13's proof); prints each
# difference and a total, exits 1 when any.  Not part of make check: it needs
# a second build.
#
#   tests/compare-builds.sh /tmp/old/src/transcope src/transcope
#
# CORPUS=dir overrides ../shared/corpus; JOBS=n runs n files at once.

set -u
old=${1:?usage: compare-builds.sh OLD NEW}
new=${2:?usage: compare-builds.sh OLD NEW}
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${CORPUS:-$here/../shared/corpus}
jobs=${JOBS:-2}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/compare-builds.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

{
	find "$here/captures" -type f -name '*.pcap*'
	[ -d "$here/tests/hostile" ] && find "$here/tests/hostile" -type f
	[ -d "$corpus" ] && find "$corpus" -type f \
	    ! -path '*/_meta/*' ! -path '*/OUTPUTbench/*' ! -path '*/Baseline/*' \
	    ! -name '*.md' ! -name '*.yaml' ! -name '*.yml' ! -name '*.out' \
	    ! -name '*.txt' ! -name '*.tsv' ! -name '*.py' ! -name '*.sh' \
	    ! -name 'README*' ! -name 'TESTLIST' ! -name '*_files' \
	    ! -name 'HOWTO_ADD_FILES'
} | LC_ALL=C sort > "$tmp/list"

# One option set per line; the file name is appended.
cat > "$tmp/optsets" <<'EOF'
--json
-q --proto udp
-l
--events - --json
--json --sort retransmissions --top 5
-q --sort rtt --top 9
--json --sort duration --threads 1
--json --assert retransmission_rate<0.01 --assert flows>=1 --assert rtt_s.p95<=0.5 --assert state.SF>=1
EOF

cat > "$tmp/one" <<'EOF'
#!/bin/sh
# one FILE: both binaries, every option set; prints one line per difference.
f=$1
work=$(mktemp -d "$TMP_ROOT/one.XXXXXX")
case $f in
*.gz) gzip -dc "$f" > "$work/in" 2>/dev/null || exit 0; in=$work/in ;;
*) in=$f ;;
esac
i=0
while IFS= read -r opts; do
	i=$((i + 1))
	for b in old new; do
		eval "bin=\$BIN_$b"
		# shellcheck disable=SC2086
		timeout 120 "$bin" $opts "$in" > "$work/$b.out" 2> "$work/$b.err"
		echo $? > "$work/$b.rc"
	done
	for part in out err rc; do
		if ! cmp -s "$work/old.$part" "$work/new.$part"; then
			echo "DIFF $part [$opts] $f"
		fi
	done
done < "$OPTSETS"
rm -rf "$work"
EOF
chmod +x "$tmp/one"

export BIN_old="$old" BIN_new="$new" OPTSETS="$tmp/optsets" TMP_ROOT="$tmp"
n=$(wc -l < "$tmp/list")
tr '\n' '\0' < "$tmp/list" | xargs -0 -n 1 -P "$jobs" "$tmp/one" > "$tmp/diffs"
d=$(wc -l < "$tmp/diffs")
cat "$tmp/diffs"
echo "compare-builds: $n files x $(wc -l < "$tmp/optsets") option sets, $d differences"
[ "$d" -eq 0 ]
