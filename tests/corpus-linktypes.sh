#!/bin/sh
# corpus-linktypes.sh: the link types of decode_wifi.c, decode_nflog.c and
# decode_pktap.c on the real captures of the shared corpus.
#
# Every capture that the corpus's INDEX.md lists with one of those link
# types (tshark's encapsulation names ieee-802-11*, ppi, nflog, pktap,
# user2) is analysed with --json, and the TCP and UDP packets and flows
# must be tshark's, as INDEX.md gives them ("TCP 13p/1 flows").  Run by
# `make check`; the corpus is looked for at $TRANSCOPE_CORPUS, else at
# $top_srcdir/../shared/corpus, and without it (or python3) the test is
# skipped (exit 77).

top_builddir=${top_builddir:-.}
top_srcdir=${top_srcdir:-.}
bin=$top_builddir/src/transcope
corpus=${TRANSCOPE_CORPUS:-$top_srcdir/../shared/corpus}

if [ ! -f "$corpus/INDEX.md" ]; then
	echo "corpus-linktypes: SKIP: no corpus at $corpus"
	exit 77
fi
command -v python3 >/dev/null 2>&1 ||
	{ echo "corpus-linktypes: SKIP: needs python3"; exit 77; }
[ -x "$bin" ] || { echo "corpus-linktypes: FAIL: no binary at $bin"; exit 1; }

exec python3 - "$bin" "$corpus" <<'EOF'
import json, os, re, subprocess, sys

binary, corpus = sys.argv[1:3]
links = re.compile(r"^(ieee-802-11[-a-z]*|ppi|nflog|pktap|user2)/")
counts = re.compile(r"\b(TCP|UDP) (\d+)p/(\d+) flows")
repo = None
checked = failed = 0
for line in open(os.path.join(corpus, "INDEX.md"), encoding="utf-8"):
    m = re.match(r"## (\S+) \(", line)
    if m:
        repo = m.group(1)
        continue
    cells = [c.strip() for c in line.split("|")]
    if repo is None or len(cells) < 6 or not links.match(cells[4]):
        continue
    path = os.path.join(corpus, repo, cells[2])
    if not os.path.isfile(path):
        continue
    want = {"tcp": (0, 0), "udp": (0, 0)}
    for proto, pkts, flows in counts.findall(cells[4]):
        want[proto.lower()] = (int(pkts), int(flows))
    out = subprocess.run([binary, "--json", path], capture_output=True)
    name = "%s/%s" % (repo, cells[2])
    if out.returncode != 0:
        print("corpus-linktypes: FAIL: %s: exit %d: %s" % (
            name, out.returncode, out.stderr.decode(errors="replace")[:200]))
        failed += 1
        continue
    report = json.loads(out.stdout)
    cap = report["capture"]
    got = {}
    for proto in ("tcp", "udp"):
        flows = sum(1 for f in report["flows"] if f.get("proto") == proto)
        got[proto] = (cap["protocols"][proto], flows)
    checked += 1
    verdict = "ok" if got == want else "FAIL"
    print("corpus-linktypes: %s: %s: tcp %dp/%d flows, udp %dp/%d flows "
          "(tshark: tcp %dp/%d, udp %dp/%d)" % ((verdict, name) +
          got["tcp"] + got["udp"] + want["tcp"] + want["udp"]))
    if got != want:
        failed += 1
print("corpus-linktypes: %d checked, %d failed" % (checked, failed))
if checked == 0:
    print("corpus-linktypes: SKIP: no capture of these link types")
    sys.exit(77)
sys.exit(1 if failed else 0)
EOF
