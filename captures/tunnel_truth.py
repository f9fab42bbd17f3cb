#!/usr/bin/env python3
"""The inner TCP/UDP flows of a tunnel capture, as tshark decodes them.

Usage: tunnel_truth.py OUTER.pcap [--inner INNER.pcap ...] --tunnel JSON
       [--split FIELD] [--decode-as D] [--tunnel-frames FILTER]
       [--iperf3 FILE ...] [--how TEXT] -o NAME.truth.json

tshark (4.0) decodes every tunnel recorded here; for each packet the
innermost IP header (the last ip or ipv6 layer in frame.protocols before
the transport) and its TCP/UDP header give the flow, its client (the
sender of the first SYN, else of the first packet) and per direction the
packets, IP bytes (the IP header's length, as transcope counts them) and
payload bytes.  --split FIELD (e.g. vxlan.vni) keeps flows with the same
addresses and ports apart by that field's value, and fills a layer's "id"
given as the string "FIELD" in --tunnel with it.

With --inner, the captures taken at the same time on the inner device(s)
(no tunnel) must give the same flows and counts, or this fails: so the
tunnel capture is complete and tshark agrees with the tunnel endpoints on
how the encapsulation is laid out.
"""
import argparse
import collections
import json
import subprocess
import sys

FIELDS = ["frame.protocols", "ip.src", "ip.dst", "ip.len", "ipv6.src",
          "ipv6.dst", "ipv6.plen", "tcp.srcport", "tcp.dstport", "tcp.len",
          "tcp.flags.syn", "tcp.flags.ack", "udp.srcport", "udp.dstport",
          "udp.length"]


DECODE_AS = []		# tshark -d arguments (--decode-as)


def tshark_rows(pcap, split):
    cmd = ["tshark", "-n", "-r", pcap] + DECODE_AS + [ "-T", "fields", "-E", "separator=\t",
           "-E", "occurrence=a", "-E", "aggregator=|", "-Y",
           "tcp or udp"]
    fields = FIELDS + ([split] if split else [])
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True,
                         env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"})
    for line in out.stdout.splitlines():
        yield dict(zip(fields, line.split("\t")))


def last(v):
    return v.split("|")[-1] if v else ""


def flows_of(pcap, split, tunnel_ports):
    """{key: flow} for the innermost TCP/UDP of each packet in pcap."""
    flows = collections.OrderedDict()
    for r in tshark_rows(pcap, split):
        protos = r["frame.protocols"].split(":")
        # the innermost transport, and the IP layer just before it; a UDP
        # layer that carries a tunnel is not the innermost
        tr = max(i for i, p in enumerate(protos) if p in ("tcp", "udp"))
        if "icmp" in protos[:tr] or "icmpv6" in protos[:tr]:
            continue		# quoted in an ICMP error, not a packet
        if protos[tr] == "udp" and tr + 1 < len(protos) and \
                protos[tr + 1] in tunnel_ports:
            continue
        ipl = max(i for i in range(tr) if protos[i] in ("ip", "ipv6"))
        if protos[ipl] == "ip":
            src, dst, iplen = last(r["ip.src"]), last(r["ip.dst"]), \
                int(last(r["ip.len"]))
        else:
            src, dst, iplen = last(r["ipv6.src"]), last(r["ipv6.dst"]), \
                int(last(r["ipv6.plen"])) + 40
        proto = protos[tr]
        if proto == "tcp":
            sp, dp = int(last(r["tcp.srcport"])), int(last(r["tcp.dstport"]))
            plen = int(last(r["tcp.len"]))
            syn_only = last(r["tcp.flags.syn"]) in ("1", "True") and \
                last(r["tcp.flags.ack"]) in ("0", "False")
        else:
            sp, dp = int(last(r["udp.srcport"])), int(last(r["udp.dstport"]))
            plen = int(last(r["udp.length"])) - 8
            syn_only = False
        sid = last(r.get(split, "")) if split else ""
        a, b = (src, sp), (dst, dp)
        key = (sid, proto) + tuple(sorted([a, b]))
        f = flows.get(key)
        if f is None:
            f = flows[key] = {"proto": proto, "client": a, "server": b,
                              "split": sid, "c2s": [0, 0, 0], "s2c": [0, 0, 0],
                              "syn_seen": syn_only}
        elif syn_only and not f["syn_seen"]:
            f["client"], f["server"] = a, b
            f["c2s"], f["s2c"] = f["s2c"], f["c2s"]
            f["syn_seen"] = True
        d = f["c2s"] if a == f["client"] else f["s2c"]
        d[0] += 1
        d[1] += iplen
        d[2] += plen
    return flows


def as_json(f, tunnel):
    def ep(e):
        return {"ip": e[0], "port": e[1]}

    def dr(d):
        return {"packets": d[0], "bytes": d[1], "payload_bytes": d[2]}
    out = {"proto": f["proto"], "client": ep(f["client"]),
           "server": ep(f["server"]), "c2s": dr(f["c2s"]), "s2c": dr(f["s2c"])}
    if tunnel is not None:
        t = json.loads(json.dumps(tunnel))
        for layer in t:
            if isinstance(layer.get("id"), str):
                layer["id"] = int(f["split"], 0)
        out["tunnel"] = t
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("pcap")
    p.add_argument("--inner", action="append", default=[])
    p.add_argument("--tunnel", required=True,
                   help="JSON list of the layers every inner flow has")
    p.add_argument("--split")
    p.add_argument("--iperf3", action="append", default=[])
    p.add_argument("--how", default="")
    p.add_argument("--tunnel-frames",
                   help="tshark display filter matching the tunnelled frames")
    p.add_argument("--decode-as", action="append", default=[],
                   help="tshark -d argument, e.g. udp.port==8472,vxlan")
    p.add_argument("-o", required=True)
    a = p.parse_args()
    for d in a.decode_as:
        DECODE_AS.extend(["-d", d])

    tunnel_ports = {"vxlan", "geneve", "gtp", "teredo"}
    outer = flows_of(a.pcap, a.split, tunnel_ports)
    if a.inner:
        inner = collections.OrderedDict()
        for pc in a.inner:
            for f in flows_of(pc, None, tunnel_ports).values():
                k = (f["proto"], f["client"], f["server"], tuple(f["c2s"]),
                     tuple(f["s2c"]))
                inner[k] = inner.get(k, 0) + 1
        seen = collections.Counter(
            (f["proto"], f["client"], f["server"], tuple(f["c2s"]),
             tuple(f["s2c"])) for f in outer.values())
        if seen != collections.Counter(inner):
            sys.exit("%s: inner capture(s) disagree:\n outer %s\n inner %s" %
                     (a.pcap, sorted(seen.items()), sorted(inner.items())))
    tunnel = json.loads(a.tunnel)
    frames = int(subprocess.run(
        ["capinfos", "-c", "-M", "-T", "-r", a.pcap], check=True,
        capture_output=True, text=True).stdout.split("\t")[-1])
    res = {"capture": a.pcap.rsplit("/", 1)[-1], "how": a.how,
           "frames": frames}
    if a.tunnel_frames:
        out = subprocess.run(["tshark", "-n", "-r", a.pcap] + DECODE_AS + ["-Y",
                              a.tunnel_frames, "-T", "fields", "-e",
                              "frame.number"], check=True,
                             capture_output=True, text=True)
        res["tunnel_frames_filter"] = a.tunnel_frames
        res["tunnel_frames"] = len(out.stdout.split())
    res["inner_capture_agrees"] = bool(a.inner)
    res["flows"] = [as_json(f, tunnel) for f in outer.values()]
    runs = []
    for path in a.iperf3:
        d = json.load(open(path))
        for s in d["end"]["streams"]:
            runs.append({"client_port": d["start"]["connected"][0]["local_port"],
                         "bytes_sent": s["sender"]["bytes"],
                         "bytes_received": s["receiver"]["bytes"],
                         "retransmits": s["sender"].get("retransmits")})
    if runs:
        res["iperf3"] = runs
    with open(a.o, "w") as f:
        json.dump(res, f, indent=1)
        f.write("\n")
    print("  truth: %d frames, %d flows" % (frames, len(res["flows"])),
          file=sys.stderr)


if __name__ == "__main__":
    main()
