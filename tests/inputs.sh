#!/bin/sh
# inputs.sh: what transcope reads, checked against the plain file and the
# peers' counts.
#
#  - captures/tcp-exchange.pcap compressed with gzip, zstd, xz, bzip2 and
#    lz4: each report (JSON and text) equals the plain file's, whatever the
#    file is called, from a file, from standard input (redirected and
#    piped), in a merge, with one thread or two;
#  - the truncated .gz: exit 2, one line naming the file and the cause,
#    the report of the packets before the cut;
#  - captures/mixed-link.pcapng (Ethernet, Linux cooked v2, raw IP): the
#    packets of each interface equal capinfos' and tshark's
#    (mixed-link.truth.txt), a filter applies to each link type, and -w
#    (pcap: one link type) is refused.
#
# Environment: top_srcdir, top_builddir (set by make check), or defaults.
set -u
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
T=$(cd "$builddir/src" && pwd)/transcope
cd "$srcdir" || exit 99
[ -x "$T" ] || { echo "inputs: no binary at $T" >&2; exit 99; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/transcope-inputs.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

plain=captures/tcp-exchange.pcap
"$T" --json "$plain" >"$tmp/plain.json" || bad "plain: exit $?"
"$T" "$plain" >"$tmp/plain.txt" || bad "plain text: exit $?"

# same_as_plain LABEL FROM TO OUT: OUT, with FROM replaced by TO, is the
# plain file's report (JSON, or text for OUT ending in .txt).
same_as_plain() {
	sed "s#$2#$3#g" "$4" >"$tmp/renamed"
	case $4 in *.txt) want=$tmp/plain.txt ;; *) want=$tmp/plain.json ;; esac
	if cmp -s "$tmp/renamed" "$want"; then
		ok
	else
		bad "$1: report differs from the plain file's"
		diff "$want" "$tmp/renamed" | head -5
	fi
}

for ext in gz zst xz bz2 lz4; do
	f=$plain.$ext
	if [ ! -f "$f" ]; then
		bad "$f missing"
		continue
	fi
	"$T" --json "$f" >"$tmp/c.json" 2>"$tmp/err" ||
	    bad "$ext: exit $? ($(cat "$tmp/err"))"
	same_as_plain "$ext" "$f" "$plain" "$tmp/c.json"
	"$T" --threads 1 --json "$f" >"$tmp/c.json" 2>"$tmp/err" ||
	    bad "$ext --threads 1: exit $?"
	same_as_plain "$ext --threads 1" "$f" "$plain" "$tmp/c.json"
	"$T" "$f" >"$tmp/c.txt" 2>"$tmp/err" || bad "$ext text: exit $?"
	same_as_plain "$ext text" "$f" "$plain" "$tmp/c.txt"
	# The name says nothing: a compressed file called .pcap.
	cp "$f" "$tmp/disguised.pcap"
	"$T" --json "$tmp/disguised.pcap" >"$tmp/c.json" 2>"$tmp/err" ||
	    bad "$ext as .pcap: exit $?"
	same_as_plain "$ext named .pcap" "$tmp/disguised.pcap" "$plain" \
	    "$tmp/c.json"
	"$T" --json -r - <"$f" >"$tmp/c.json" 2>"$tmp/err" ||
	    bad "$ext on stdin: exit $?"
	same_as_plain "$ext on stdin" '"-"' "\"$plain\"" "$tmp/c.json"
	cat "$f" | "$T" --json - >"$tmp/c.json" 2>"$tmp/err" ||
	    bad "$ext through a pipe: exit $?"
	same_as_plain "$ext through a pipe" '"-"' "\"$plain\"" "$tmp/c.json"
done

# A plain file through a pipe is read as before.
cat "$plain" | "$T" --json - >"$tmp/c.json" 2>"$tmp/err" ||
    bad "plain through a pipe: exit $?"
same_as_plain "plain through a pipe" '"-"' "\"$plain\"" "$tmp/c.json"

# A merge of compressed files equals the merge of the plain ones.
"$T" --json "$plain" captures/udp-v4.pcap >"$tmp/m1.json"
gzip -n -c captures/udp-v4.pcap >"$tmp/udp.gz" 2>/dev/null
if [ -s "$tmp/udp.gz" ]; then
	"$T" --json "$plain.zst" "$tmp/udp.gz" >"$tmp/m2.json" 2>"$tmp/err" ||
	    bad "merge: exit $? ($(cat "$tmp/err"))"
	sed -e "s#$plain.zst#$plain#g" -e "s#$tmp/udp.gz#captures/udp-v4.pcap#g" \
	    "$tmp/m2.json" >"$tmp/m3.json"
	if cmp -s "$tmp/m1.json" "$tmp/m3.json"; then ok; else
		bad "merge of compressed files differs from the plain merge"
		diff "$tmp/m1.json" "$tmp/m3.json" | head -5
	fi
fi

# The truncated .gz: exit 2, one line, the report of what was read.
f=captures/tcp-exchange-truncated.pcap.gz
"$T" --json "$f" >"$tmp/t.json" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && ok || bad "truncated .gz: exit $rc, not 2"
[ "$(wc -l <"$tmp/err")" -eq 1 ] && ok ||
    bad "truncated .gz: $(wc -l <"$tmp/err") lines on stderr, not 1"
grep -q -F "$f: gzip-compressed data ends early: the file is truncated" \
    "$tmp/err" && ok || bad "truncated .gz: message: $(cat "$tmp/err")"
n=$(sed -n 's/.*\],"packets":\([0-9]*\),.*/\1/p' "$tmp/t.json")
all=$(sed -n 's/.*\],"packets":\([0-9]*\),.*/\1/p' "$tmp/plain.json")
if [ -n "$n" ] && [ "$n" -gt 0 ] && [ "$n" -lt "$all" ]; then ok; else
	bad "truncated .gz: report of ${n:-no} packets (of $all)"
fi

# mixed-link.pcapng: packets per interface as tshark counted them.
f=captures/mixed-link.pcapng
"$T" --json "$f" >"$tmp/x.json" 2>"$tmp/err" || bad "mixed-link: exit $?"
sed -n 's/^ *\([0-9][0-9]*\) \([0-9][0-9]*\)	\([^	]*\)	.*/\1 \2 \3/p' \
    captures/mixed-link.truth.txt >"$tmp/truth"
[ "$(wc -l <"$tmp/truth")" -eq 4 ] && ok ||
    bad "mixed-link.truth.txt: $(wc -l <"$tmp/truth") interfaces, not 4"
while read -r count idx name; do
	if grep -q -F "\"index\":$idx,\"name\":\"$name\",\"dlt\":" "$tmp/x.json" &&
	    grep -o "\"index\":$idx,\"name\":\"$name\",[^}]*" "$tmp/x.json" |
	    grep -q -F "\"packets\":$count,"; then
		ok
	else
		bad "mixed-link: interface #$idx $name: not $count packets" \
		    "($(grep -o "\"index\":$idx,[^}]*" "$tmp/x.json"))"
	fi
done <"$tmp/truth"
for lt in '"dlt":1,"name":"EN10MB"' '"dlt":276,"name":"LINUX_SLL2"' \
    '"dlt":12,"name":"RAW"'; do
	grep -q -F "$lt" "$tmp/x.json" && ok || bad "mixed-link: no $lt"
done
grep -q -F '"flows":4,"flows_expired"' "$tmp/x.json" && ok ||
    bad "mixed-link: not 4 flows"
[ "$(grep -c '"state":"SF"' "$tmp/x.json")" -eq 4 ] && ok ||
    bad "mixed-link: not 4 complete (SF) connections"

# The filter, compiled for each link type: port 8003 is on "any" only.
"$T" --json "$f" 'tcp port 8003' >"$tmp/x.json" 2>"$tmp/err" ||
    bad "mixed-link filter: exit $?"
grep -o '"index":2,"name":"any",[^}]*' "$tmp/x.json" |
    grep -q -F '"packets":18,' && ok || bad "filter: not 18 packets on any"
grep -q -F '],"packets":18,' "$tmp/x.json" && ok ||
    bad "filter: not 18 packets in all"

# -w: a pcap file holds one link type.
"$T" -q -w "$tmp/out.pcap" "$f" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] && ok || bad "-w on mixed-link: exit $rc, not 2"
grep -q "one link type" "$tmp/err" && ok || bad "-w: $(cat "$tmp/err")"

echo "inputs: $pass passed, $fail failed"
[ $fail -eq 0 ]
