#!/usr/bin/env python3
"""zeek-conn.py: transcope's TCP states and histories against Zeek's own
conn.log baselines in the shared corpus (run by tests/zeek-conn.sh).

    zeek-conn.py TRANSCOPE CORPUS TABLE

For every conn log under zeek/testing/btest/Baseline/ (conn*.log, and the
zeek-cut variants that kept history or conn_state) the @TEST-EXEC lines in
zeek/EXPECTED_MAP.md say which trace Zeek read, with which options, and
what became of its conn.log (renamed, cut to some columns).  The trace is
analysed with `transcope --json --tcp-timeout 300` (Zeek's
tcp_inactivity_timeout: both tools configured alike) and each TCP
connection of Zeek's log is looked for among transcope's flows on the same
two endpoints, in either orientation.  Per Zeek connection:

  present      transcope has a flow on the same endpoints holding its
               packets;
  orientation  Zeek's originator is transcope's client; when not, the
               history is compared with its sides swapped (case swapped,
               a leading ^ added or removed) and the state mirrored
               (S2/S3, SH/SHR, RSTO/RSTR, RSTOS0/RSTRH), so a
               disagreement on who is the client is counted once, here;
  boundary     the two tools cut the packets into connections alike (one
               Zeek record, one transcope flow).  Zeek ends connections
               by timers of its own (a SYN unanswered for 5 s, a close
               seen 5 s ago); where it splits what transcope keeps as one
               flow, or the reverse, the records are counted here, not
               compared;
  state        conn_state equal (where the log kept that column);
  history      history equal (where the log kept that column);
  agreement    every kept column equal, over the connections with the
               same boundaries.

TABLE (tests/zeek-conn.table) says which baselines are out of scope (the
test's script changes what Zeek logs), whose extra zeek arguments change
nothing or are a capture filter to give transcope too, which traces carry
their connections in a tunnel (pending until transcope decapsulates it),
and why each remaining difference is right on transcope's side.  An
explained difference still counts as a difference.

A connection seen by several baselines with the same Zeek result (one
trace in several tests) counts once in the totals.

Exit status: 0 pass (every connection present, agreement >= 99 %), 1 fail.
Unless ZEEK_CONN_STRICT=0, also fail on an unexplained difference or a
tunnel trace whose connections are not found (the tunnel decoders have
landed, so pending is a regression).  ZEEK_CONN_VERBOSE=1 lists the agreeing connections.
"""

import gzip
import json
import os
import re
import subprocess
import sys
import tempfile

GATE = 99.0
# Zeek's tcp_inactivity_timeout, so that an idle connection ends alike.
TRANSCOPE_ARGS = ["--json", "--tcp-timeout", "300"]

MIRROR = {"S2": "S3", "S3": "S2", "SH": "SHR", "SHR": "SH",
          "RSTO": "RSTR", "RSTR": "RSTO", "RSTOS0": "RSTRH",
          "RSTRH": "RSTOS0"}


def die(msg):
    print("zeek-conn: FAIL: " + msg)
    sys.exit(1)


# ---------------------------------------------------------------- the map

EXEC_RE = re.compile(r"@TEST-EXEC(?:-FAIL)?: (.*)`\s*$")
TEST_RE = re.compile(r"^- test `([^`]+)` -> `testing/btest/Baseline/([^/`]+)/`")


def read_map(path):
    """{baseline dir: [command, ...]} from EXPECTED_MAP.md's exec lines."""
    tests = {}
    cur = None
    fresh = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = TEST_RE.match(line)
            if m:
                cur = m.group(2)
                fresh = cur not in tests    # a test listed twice: once
                tests.setdefault(cur, [])
                continue
            if line.startswith("## "):
                cur = None
                continue
            m = EXEC_RE.search(line)
            if m and cur is not None and fresh:
                for cmd in re.split(r"&&|;", m.group(1)):
                    tests[cur].append(cmd.strip())
    return tests


def parse_zeek_run(cmd):
    """The trace and options of one zeek command line, or None."""
    if not re.search(r"(^|\|\s*)zeek\s", cmd):
        return None
    m = re.search(r"\$TRACES/(\S+)", cmd)
    if not m:
        return None
    zpart = cmd[cmd.index("zeek"):]
    zpart = re.sub(r"\s*(>>?|2>&1).*$", "", zpart)
    words = zpart.split()[1:]
    letters = ""
    extra = []
    filt = None
    i = 0
    while i < len(words):
        w = words[i]
        if w == "-f" and i + 1 < len(words):
            fm = re.match(r'-f\s+"([^"]*)"', " ".join(words[i:]))
            filt = fm.group(1) if fm else words[i + 1]
            i += 1 + len(filt.split())
            continue
        if w.startswith("-") and not w.startswith("--") and len(w) > 1:
            letters += w[1:]
            if w.endswith("r") and i + 1 < len(words):
                i += 1          # the trace, or - for stdin
        elif w != "%INPUT" and not w.startswith("$TRACES/"):
            extra.append(w)
        i += 1
    return {
        "trace": m.group(1),
        "checksums": "C" not in letters,    # zeek -C ignores checksums
        "bare": "b" in letters,
        "filter": filt,
        "extra": " ".join(extra),
    }


def bind_logs(cmds):
    """{log file name: the zeek run that wrote it} for one test."""
    bound = {}
    conn_from = None        # the run whose conn.log is in the directory
    for cmd in cmds:
        run = parse_zeek_run(cmd)
        if run is not None:
            conn_from = run
            continue
        if conn_from is None:
            continue
        m = re.match(r"mv conn\.log (\S+)$", cmd)
        if m:
            bound.setdefault(m.group(1), conn_from)
            conn_from = None
            continue
        m = re.search(r"zeek-cut.*<\s*conn\.log\s*>\s*(\S+)", cmd)
        if m:
            bound.setdefault(m.group(1), conn_from)
            continue
        if re.match(r"btest-diff(-cut)?\b.*\bconn\.log$", cmd):
            bound.setdefault("conn.log", conn_from)
    if "conn.log" not in bound and conn_from is not None:
        bound["conn.log"] = conn_from
    return bound


# ---------------------------------------------------------------- the logs

def read_conn_log(path):
    """(columns, rows) of a conn log: Zeek's own format or zeek-cut -m."""
    cols = None
    rows = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("###") or line == "":
                continue
            if line.startswith("#fields"):
                cols = line.split("\t")[1:]
                continue
            if line.startswith("#"):
                continue
            fields = line.split("\t")
            if cols is None:
                if "uid" in fields or "history" in fields or \
                        "id.orig_h" in fields:
                    cols = fields       # zeek-cut -m header
                    continue
                return None, []         # zeek-cut without a header
            rows.append(dict(zip(cols, fields)))
    return cols, rows


# ---------------------------------------------------------------- the table

FIELDS = {"presence", "orientation", "boundary", "state", "history", "*"}


def read_table(path):
    table = {"skip": {}, "same": {}, "filter": {}, "tunnel": {},
             "explain": []}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            kind, _, rest = line.partition(" ")
            rest = rest.strip()
            if kind in ("skip", "same", "filter", "tunnel"):
                name, _, why = rest.partition(" ")
                if not why.strip():
                    die("%s:%d: %s NAME TEXT" % (path, n, kind))
                table[kind][name] = why.strip()
            elif kind == "explain":
                p = rest.split(None, 3)
                if len(p) < 4 or not set(p[2].split(",")) <= FIELDS:
                    die("%s:%d: explain TRACE CONN|* FIELDS REASON" %
                        (path, n))
                table["explain"].append({
                    "trace": p[0], "conn": p[1],
                    "fields": set(p[2].split(",")), "reason": p[3],
                    "used": 0})
            else:
                die("%s:%d: unknown kind %r" % (path, n, kind))
    return table


def explanation(table, trace, key, field):
    for e in table["explain"]:
        if e["trace"] != trace or e["conn"] not in ("*", key):
            continue
        if field in e["fields"] or "*" in e["fields"]:
            e["used"] += 1
            return e["reason"]
    return None


# ---------------------------------------------------------------- transcope

def run_transcope(binary, trace, bpf, cache):
    ck = (trace, bpf)
    if ck in cache:
        return cache[ck]
    tmpname = None
    path = trace
    if trace.endswith(".gz"):
        # Zeek's tests read these through zcat; so does this.
        with gzip.open(trace, "rb") as g, \
                tempfile.NamedTemporaryFile(delete=False,
                                            suffix=".pcap") as t:
            t.write(g.read())
            tmpname = path = t.name
    argv = [binary] + TRANSCOPE_ARGS + [path] + ([bpf] if bpf else [])
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=300)
    finally:
        if tmpname:
            os.unlink(tmpname)
    if p.returncode != 0:
        die("transcope exit %d on %s: %s" % (
            p.returncode, trace, p.stderr.decode("utf-8", "replace")))
    flows = json.loads(p.stdout.decode("utf-8", "replace"))["flows"]
    cache[ck] = flows
    return flows


def endpoint(ip, port):
    return "%s:%s" % (ip, port)


def client(f):
    return endpoint(f["client"]["ip"], f["client"]["port"])


def server(f):
    return endpoint(f["server"]["ip"], f["server"]["port"])


def flow_pkts(f):
    return f["c2s"]["packets"] + f["s2c"]["packets"]


def zeek_pkts(r):
    try:
        return int(r["orig_pkts"]) + int(r["resp_pkts"])
    except (KeyError, ValueError):
        return None


def flipped_history(h):
    h = h.swapcase()
    return h[1:] if h.startswith("^") else "^" + h


def align(zrecs, flows):
    """Pair Zeek's records on one 4-tuple (in log order: Zeek logs a
    connection when it ends, and one 4-tuple's connections do not overlap)
    with transcope's flows (in time order).  Returns, per record, (the
    flow holding its first packets or None, whether the two tools cut
    these packets alike)."""
    if not flows:
        return [(None, False)] * len(zrecs)
    if len(zrecs) == len(flows):
        return [(f, True) for f in flows]
    zp = [zeek_pkts(r) for r in zrecs]
    if None in zp:
        # No packet counts: in order, the extra records to the last flow.
        return [(flows[min(i, len(flows) - 1)], False)
                for i in range(len(zrecs))]
    # Lay both out on one line of packets and see which spans overlap.
    fspan, pos = [], 0
    for f in flows:
        fspan.append((pos, pos + flow_pkts(f)))
        pos += flow_pkts(f)
    zspan, pos = [], 0
    for p in zp:
        zspan.append((pos, pos + p))
        pos += p
    over = []
    for a, b in zspan:
        js = [j for j, (c, d) in enumerate(fspan)
              if (a < d and c < b) or (a == b and c <= a < d)]
        over.append(js or [len(flows) - 1])
    owners = [0] * len(flows)
    for js in over:
        for j in js:
            owners[j] += 1
    return [(flows[js[0]], len(js) == 1 and owners[js[0]] == 1)
            for js in over]


# ---------------------------------------------------------------- compare

class Totals:
    def __init__(self):
        self.n = self.present = self.orient = 0
        self.same = self.state_n = self.state = 0
        self.hist_n = self.hist = self.agree = 0
        self.strict = 0
        self.diffs = self.explained = 0

    def add(self, res):
        self.n += 1
        self.present += res["present"]
        self.orient += res["present"] and res["orient"]
        self.strict += res["present"] and res["same"] and res["agree"]
        if res["present"] and res["same"]:
            self.same += 1
            if res["state"] is not None:
                self.state_n += 1
                self.state += res["state"]
            if res["hist"] is not None:
                self.hist_n += 1
                self.hist += res["hist"]
            self.agree += res["agree"]
        if res["why"]:
            self.diffs += 1
            self.explained += res["explained"]


def pct(a, b):
    return 100.0 * a / b if b else 100.0


def compare(r, f, same, cols, table, trace, key):
    """One Zeek record against the flow it was matched to."""
    res = {"present": f is not None, "orient": False, "same": same,
           "state": None, "hist": None, "agree": False, "why": [],
           "explained": True, "t": "missing"}
    if f is not None:
        zo = endpoint(r["id.orig_h"], r["id.orig_p"])
        res["orient"] = client(f) == zo
        ts, th = f["state"], f.get("history", "")
        res["t"] = "%s %s" % (ts, th)
        if not res["orient"]:
            ts, th = MIRROR.get(ts, ts), flipped_history(th)
        if "conn_state" in cols:
            res["state"] = r["conn_state"] == ts
        if "history" in cols:
            zh = r["history"] if r["history"] != "-" else ""
            res["hist"] = zh == th
        res["agree"] = res["state"] is not False and \
            res["hist"] is not False
    checks = (("presence", not res["present"]),
              ("orientation", res["present"] and not res["orient"]),
              ("boundary", res["present"] and not same),
              ("state", res["present"] and same and res["state"] is False),
              ("history", res["present"] and same and
               res["hist"] is False))
    for field, bad in checks:
        if bad:
            e = explanation(table, trace, key, field)
            res["why"].append("%s: %s" % (field, e or "UNEXPLAINED"))
            if e is None:
                res["explained"] = False
    return res


def main():
    binary, corpus, table_path = sys.argv[1:4]
    verbose = os.environ.get("ZEEK_CONN_VERBOSE", "") not in ("", "0")
    strict = os.environ.get("ZEEK_CONN_STRICT", "1") not in ("", "0")
    zroot = os.path.join(corpus, "zeek")
    traces_dir = os.path.join(zroot, "testing/btest/Traces")
    base_dir = os.path.join(zroot, "testing/btest/Baseline")
    tests = read_map(os.path.join(zroot, "EXPECTED_MAP.md"))
    table = read_table(table_path)
    cache = {}

    logs = []
    for d in sorted(os.listdir(base_dir)):
        for name in sorted(os.listdir(os.path.join(base_dir, d))):
            if re.match(r"conn[-0-9a-z]*\.log(\.[a-z-]+)?$", name):
                logs.append((d, name))

    seen = {}               # unique connection -> result, for the totals
    rows_out = []
    diff_out = []
    out_of_scope = []
    pending = []
    udp = {}                # (trace, pair, n-th) -> found, once each
    icmp = 0

    for d, name in logs:
        label = "%s/%s" % (d, name)
        cols, rows = read_conn_log(os.path.join(base_dir, d, name))
        if label in table["skip"]:
            out_of_scope.append((label, table["skip"][label]))
            continue
        if cols is None:
            out_of_scope.append((label, "zeek-cut output without a header"))
            continue
        if "history" not in cols and "conn_state" not in cols:
            out_of_scope.append((label, "no history or conn_state column"))
            continue
        run = bind_logs(tests.get(d, [])).get(name)
        if run is None:
            out_of_scope.append((label, "no zeek run for it in the map"))
            continue
        tpath = os.path.join(traces_dir, run["trace"])
        if not os.path.exists(tpath):
            out_of_scope.append((label, "its trace, %s, is not in the corpus"
                                 % run["trace"]))
            continue
        bpf = run["filter"]
        if label in table["filter"]:
            bpf = table["filter"][label]
        elif run["extra"] and label not in table["same"]:
            out_of_scope.append((label, "zeek ran with '%s', which "
                                 "zeek-conn.table does not judge" %
                                 run["extra"]))
            continue
        flows = run_transcope(binary, tpath, bpf, cache)
        tcp_flows = [f for f in flows if f["proto"] == "tcp"]

        zrecs = []
        nth_udp = {}
        for r in rows:
            if "id.orig_h" not in cols:
                # Endpoints cut away: the trace's one flow, if one.
                if len(flows) != 1:
                    out_of_scope.append((label, "no endpoints in the log, "
                                         "and not one flow in the trace"))
                    zrecs = None
                    break
                f = flows[0]
                r = dict(r, **{"id.orig_h": f["client"]["ip"],
                               "id.orig_p": str(f["client"]["port"]),
                               "id.resp_h": f["server"]["ip"],
                               "id.resp_p": str(f["server"]["port"]),
                               "proto": f["proto"]})
            proto = r.get("proto", "tcp")
            pair = frozenset((endpoint(r["id.orig_h"], r["id.orig_p"]),
                              endpoint(r["id.resp_h"], r["id.resp_p"])))
            if proto == "udp":
                uk = (run["trace"], "<>".join(sorted(pair)))
                nth_udp[uk] = nth_udp.get(uk, 0) + 1
                udp[uk + (nth_udp[uk],)] = any(
                    f["proto"] == "udp" and
                    frozenset((client(f), server(f))) == pair
                    for f in flows)
            elif proto == "icmp":
                icmp += 1
            elif proto == "tcp":
                zrecs.append((pair, r))
        if not zrecs:
            continue

        # Zeek's records and transcope's flows by endpoint pair.
        by_pair = {}
        for f in tcp_flows:
            by_pair.setdefault(frozenset((client(f), server(f))),
                               []).append(f)
        for lst in by_pair.values():
            lst.sort(key=lambda f: f["first_ts"])
        groups = {}
        for pair, r in zrecs:
            groups.setdefault(pair, []).append(r)
        matched = {}
        for pair, recs in groups.items():
            for r, m in zip(recs, align(recs, by_pair.get(pair, []))):
                matched[id(r)] = m

        # A tunnel trace before transcope decapsulates anything (no flow
        # reports a tunnel): what it misses is inside the tunnel, pending.
        # Once one flow reports a tunnel, every connection counts.
        if run["trace"] in table["tunnel"] and \
                not any(f.get("tunnel") for f in flows):
            missing = [r for _, r in zrecs if matched[id(r)][0] is None]
            if missing:
                pending.append((label, run["trace"], len(missing),
                                len(zrecs), table["tunnel"][run["trace"]]))
                zrecs = [(p, r) for p, r in zrecs
                         if matched[id(r)][0] is not None]

        tot = Totals()
        nth = {}
        for pair, r in zrecs:
            f, same = matched[id(r)]
            key = "%s>%s" % (endpoint(r["id.orig_h"], r["id.orig_p"]),
                             endpoint(r["id.resp_h"], r["id.resp_p"]))
            res = compare(r, f, same, cols, table, run["trace"], key)
            tot.add(res)
            # The n-th such record of this log: one trace in several
            # tests counts once, many connections on one 4-tuple do not.
            zk = (key, r.get("conn_state"), r.get("history"))
            nth[zk] = nth.get(zk, 0) + 1
            seen.setdefault((run["trace"],) + zk + (nth[zk],), res)
            if res["why"] or verbose:
                diff_out.append("  %s %s\n      zeek: %s %s   transcope: "
                                "%s%s" % (
                                    label, key, r.get("conn_state", "-"),
                                    r.get("history", "-"), res["t"],
                                    "".join("\n      " + w
                                            for w in res["why"])))
        rows_out.append((label, run, tot))

    # ------------------------------------------------------------ report
    print("zeek-conn: per baseline: connections, present, same client, "
          "same boundaries, state equal, history equal, agreeing")
    for label, run, t in rows_out:
        print("  %-58s %-12s %4d %4d %4d %4d %9s %9s %4d" % (
            label[-58:], "zeek" + (" -b" if run["bare"] else "") +
            ("" if run["checksums"] else " -C"), t.n, t.present,
            t.orient, t.same, "%d/%d" % (t.state, t.state_n),
            "%d/%d" % (t.hist, t.hist_n), t.agree))
    if diff_out:
        print("zeek-conn: differences (each with why)")
        for line in diff_out:
            print(line)
    print("zeek-conn: out of scope")
    for label, why in out_of_scope:
        print("  %s: %s" % (label, why))
    if pending:
        print("zeek-conn: in scope after tunnels (transcope decapsulates "
              "none of these yet): PENDING, not failed")
        for label, trace, miss, n, why in pending:
            print("  %s (%s): %d of its %d TCP connections not found: %s"
                  % (label, trace, miss, n, why))

    T = Totals()
    for res in seen.values():
        T.add(res)
    llc = [r for k, r in seen.items() if k[0] == "llc.pcap"]
    L = Totals()
    for k, res in seen.items():
        if k[0] != "llc.pcap":
            L.add(res)
    print("zeek-conn: %d TCP connections in %d baselines (once each; "
          "%d baselines pending tunnels, %d out of scope)" % (
              T.n, len(rows_out), len(pending), len(out_of_scope)))
    print("zeek-conn: present          %5d/%-5d %7.2f%%" % (
        T.present, T.n, pct(T.present, T.n)))
    print("zeek-conn: same client      %5d/%-5d %7.2f%%" % (
        T.orient, T.present, pct(T.orient, T.present)))
    print("zeek-conn: same boundaries  %5d/%-5d %7.2f%%" % (
        T.same, T.present, pct(T.same, T.present)))
    print("zeek-conn: conn_state       %5d/%-5d %7.2f%%" % (
        T.state, T.state_n, pct(T.state, T.state_n)))
    print("zeek-conn: history          %5d/%-5d %7.2f%%" % (
        T.hist, T.hist_n, pct(T.hist, T.hist_n)))
    print("zeek-conn: agreement        %5d/%-5d %7.2f%%  (state and "
          "history; gate %.0f%%)" % (T.agree, T.same, pct(T.agree, T.same),
                                     GATE))
    print("zeek-conn: agreement, boundary differences counted as "
          "disagreements: %d/%d %.2f%%" % (T.strict, T.n,
                                          pct(T.strict, T.n)))
    print("zeek-conn: without llc.pcap's %d one-RST connections: agreement "
          "%d/%d %.2f%%, counting boundaries %d/%d %.2f%%" % (
              len(llc), L.agree, L.same, pct(L.agree, L.same), L.strict,
              L.n, pct(L.strict, L.n)))
    print("zeek-conn: connections with a difference: %d, explained in "
          "zeek-conn.table %d, unexplained %d" % (
              T.diffs, T.explained, T.diffs - T.explained))
    print("zeek-conn: not gated: UDP connections present %d/%d; ICMP %d in "
          "Zeek's logs (transcope keeps no ICMP flows)" % (
              sum(udp.values()), len(udp), icmp))
    for k in sorted(k for k, found in udp.items() if not found):
        print("  UDP not found: %s %s" % (k[0], k[1]))
    for e in table["explain"]:
        if e["used"] == 0:
            print("zeek-conn: note: explanation never used: %s %s %s" % (
                e["trace"], e["conn"], ",".join(sorted(e["fields"]))))

    ok = T.present == T.n and pct(T.agree, T.same) >= GATE
    if strict:
        ok = ok and T.diffs == T.explained and not pending
    print("zeek-conn: %s" % ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
