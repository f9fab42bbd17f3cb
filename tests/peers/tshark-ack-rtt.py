#!/usr/bin/env python3
"""Write tests/peers/tshark-ack-rtt.txt: tshark's ack_rtt per TCP connection
and direction for every capture in captures/, three ways:

  all     every ack_rtt tshark reports;
  karn    without samples whose acknowledged segment was itself resent
          (Karn's rule as Wireshark would apply it);
  strict  without samples from an ACK that newly covers any resent byte
          (the ACK may answer the resend: Linux's rule, and transcope's).

check_truth.c compares transcope's rtt samples and mean with "strict": the
same samples must have the same values.  Needs tshark; run by hand after
re-recording the captures:

    python3 tests/peers/tshark-ack-rtt.py > tests/peers/tshark-ack-rtt.txt
"""
import collections
import glob
import os
import subprocess
import sys

FIELDS = ["frame.number", "tcp.stream", "tcp.srcport", "tcp.dstport",
          "tcp.seq_raw", "tcp.ack_raw", "tcp.len", "tcp.flags.syn",
          "tcp.flags.fin", "tcp.flags.ack", "tcp.analysis.acks_frame",
          "tcp.analysis.ack_rtt"]

def seq_le(a, b):
    return ((b - a) & 0xffffffff) < 0x80000000

def main():
    top = os.path.join(os.path.dirname(__file__), "..", "..")
    ver = subprocess.run(["tshark", "-v"], capture_output=True,
                         text=True).stdout.split("\n")[0].split()[2]
    print("# capture data_sender_port data_receiver_port all_n all_mean_ms "
          "karn_n karn_mean_ms strict_n strict_mean_ms  (tshark %s)" % ver)
    for path in sorted(glob.glob(os.path.join(top, "captures", "*.pcap"))):
        cmd = ["tshark", "-r", path, "-Y", "tcp", "-T", "fields"]
        for f in FIELDS:
            cmd += ["-e", f]
        rows = [l.split("\t") for l in subprocess.run(
            cmd, capture_output=True, text=True, check=True
        ).stdout.splitlines()]
        frames = {r[0]: r for r in rows}
        sent = collections.defaultdict(set)     # (stream, port) -> keys
        resent = collections.defaultdict(list)  # -> [(seq, end)]
        resent_keys = set()
        snd_una = {}
        allv = collections.defaultdict(list)
        karn = collections.defaultdict(list)
        strict = collections.defaultdict(list)
        for r in rows:
            stream, sport, dport = r[1], r[2], r[3]
            seq, ack = int(r[4]), int(r[5] or 0)
            seglen = int(r[6] or 0) + (r[7] == "1") + (r[8] == "1")
            if seglen:
                key = (seq, seglen)
                if key in sent[(stream, sport)]:
                    resent[(stream, sport)].append(
                        (seq, (seq + seglen) & 0xffffffff))
                    resent_keys.add((stream, sport, seq, seglen))
                sent[(stream, sport)].add(key)
            if r[9] != "1":
                continue
            peer = (stream, dport)              # the data this ACK covers
            prev = snd_una.get(peer)
            newly_resent = prev is not None and any(
                seq_le(prev, lo) and not seq_le(ack, lo) or
                (not seq_le(prev, lo) and not seq_le(hi, prev)
                 and not seq_le(ack, prev))
                for lo, hi in resent[peer])
            if prev is None or not seq_le(ack, prev):
                snd_una[peer] = ack
            if not r[11]:
                continue
            k = (dport, sport)
            v = float(r[11])
            allv[k].append(v)
            a = frames.get(r[10])
            seg_resent = False
            if a is not None:
                alen = int(a[6] or 0) + (a[7] == "1") + (a[8] == "1")
                seg_resent = (a[1], a[2], int(a[4]), alen) in resent_keys
            if not seg_resent:
                karn[k].append(v)
            if not seg_resent and not newly_resent:
                strict[k].append(v)
        for k in sorted(allv):
            if len(allv[k]) < 20:
                continue
            out = [os.path.basename(path), k[0], k[1]]
            for vals in (allv[k], karn[k], strict[k]):
                out += [str(len(vals)), "%.6f" % (
                    sum(vals) / len(vals) * 1e3 if vals else 0)]
            print(" ".join(out))

if __name__ == "__main__":
    sys.exit(main())
