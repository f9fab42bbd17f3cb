#!/usr/bin/env python3
"""Write tests/peers/tshark-ack-rtt.txt: tshark's mean ack_rtt per TCP
connection and direction for every capture in captures/, both as tshark
reports it and restricted to samples that obey Karn's rule (the ACKed segment
was sent once).  check_truth.c compares transcope's rtt.mean_s with the Karn
figure.  Needs tshark; run by hand after re-recording the captures:

    python3 tests/peers/tshark-ack-rtt.py > tests/peers/tshark-ack-rtt.txt
"""
import collections
import glob
import os
import subprocess
import sys

FIELDS = ["frame.number", "tcp.stream", "tcp.srcport", "tcp.dstport",
          "tcp.seq_raw", "tcp.len", "tcp.flags.syn", "tcp.flags.fin",
          "tcp.analysis.acks_frame", "tcp.analysis.ack_rtt"]

def main():
    top = os.path.join(os.path.dirname(__file__), "..", "..")
    print("# capture data_sender_port data_receiver_port samples mean_ms "
          "karn_samples karn_mean_ms  (tshark %s)" % subprocess.run(
              ["tshark", "-v"], capture_output=True, text=True
          ).stdout.split("\n")[0].split()[2])
    for path in sorted(glob.glob(os.path.join(top, "captures", "*.pcap"))):
        cmd = ["tshark", "-r", path, "-Y", "tcp", "-T", "fields"]
        for f in FIELDS:
            cmd += ["-e", f]
        rows = [l.split("\t") for l in subprocess.run(
            cmd, capture_output=True, text=True, check=True
        ).stdout.splitlines()]
        frames = {r[0]: r for r in rows}
        seen, resent = set(), set()
        for r in rows:
            seglen = int(r[5] or 0) + (r[6] == "1") + (r[7] == "1")
            if seglen:
                key = (r[1], r[2], r[4], seglen)
                if key in seen:
                    resent.add(key)
                seen.add(key)
        allv = collections.defaultdict(list)
        karn = collections.defaultdict(list)
        for r in rows:
            if not r[9]:
                continue
            acked = frames.get(r[8])
            k = (r[3], r[2])          # data sender port, its receiver port
            allv[k].append(float(r[9]))
            if acked is not None:
                seglen = int(acked[5] or 0) + (acked[6] == "1") + \
                    (acked[7] == "1")
                if (acked[1], acked[2], acked[4], seglen) in resent:
                    continue
            karn[k].append(float(r[9]))
        for k in sorted(allv):
            if len(allv[k]) < 20:
                continue
            a, b = allv[k], karn[k]
            print("%s %s %s %d %.6f %d %.6f" % (
                os.path.basename(path), k[0], k[1], len(a),
                sum(a) / len(a) * 1e3, len(b),
                sum(b) / len(b) * 1e3 if b else 0))

if __name__ == "__main__":
    sys.exit(main())
