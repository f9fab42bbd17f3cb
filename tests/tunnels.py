#!/usr/bin/env python3
"""transcope's inner flows of the real tunnel captures against their truth.

Usage: tunnels.py TRANSCOPE CAPTURES_DIR

For every captures/tun-NAME.pcap with its tun-NAME.truth.json (written by
captures/record-tunnels.sh from tshark, checked against a capture on the
inner device): transcope --json must report exactly the truth's flows, each
found by protocol, client and server endpoint and tunnel, with the same
packets, IP bytes and payload bytes in each direction, and the same tunnel
list (type, outer src and dst on the client's side, id); its capture
summary must count every tunnelled frame and every flow in some tunnel;
and each flow's line of the text report must end with its tunnels in a
word each.  A PBB capture's truth has no tunnel: 802.1ah is a tag, like a
VLAN's.
"""
import glob
import json
import os
import subprocess
import sys

# Options a capture needs: vxlan-8472 is VXLAN on a port only
# --tunnel-port makes a tunnel.
OPTIONS = {"vxlan-8472": ["--tunnel-port", "vxlan:8472"]}


def run(binary, args):
    p = subprocess.run([binary] + args, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError("%s exited %d: %s" % (" ".join(args),
                           p.returncode, p.stderr.strip()))
    return p.stdout


def key(f):
    return (f["proto"], f["client"]["ip"], f["client"]["port"],
            f["server"]["ip"], f["server"]["port"],
            json.dumps(f.get("tunnel", []), sort_keys=True))


def short(tunnel):
    words = []
    for layer in tunnel:
        w = layer["type"]
        if layer["id"] is not None:
            w += ":%d" % layer["id"]
        words.append(w)
    return "/".join(words)


def check(binary, pcap, truth):
    name = os.path.basename(pcap)[len("tun-"):-len(".pcap")]
    opts = OPTIONS.get(name, [])
    rep = json.loads(run(binary, ["--json"] + opts + [pcap]))
    text = run(binary, opts + [pcap])
    errors = []
    got = {}
    for f in rep["flows"]:
        got.setdefault(key(f), []).append(f)
    for t in truth["flows"]:
        fl = got.pop(key(t), [])
        what = "%s %s:%d -> %s:%d in %s" % (
            t["proto"], t["client"]["ip"], t["client"]["port"],
            t["server"]["ip"], t["server"]["port"],
            short(t["tunnel"]) or "no tunnel")
        if len(fl) != 1:
            errors.append("%s: %d flows, expected 1" % (what, len(fl)))
            continue
        f = fl[0]
        for d in ("c2s", "s2c"):
            for k in ("packets", "bytes", "payload_bytes"):
                if f[d][k] != t[d][k]:
                    errors.append("%s: %s.%s %d, expected %d" % (
                        what, d, k, f[d][k], t[d][k]))
        if t["tunnel"]:
            line = [x for x in text.splitlines()
                    if x.split()[:1] == [str(f["id"])]]
            if not line or not line[0].endswith(" " + short(t["tunnel"])):
                errors.append("%s: text line %r does not end with %s" % (
                    what, line[0] if line else None, short(t["tunnel"])))
    for k, fl in got.items():
        errors.append("unexpected flow %s (%d)" % (k, len(fl)))
    tunnels = rep["capture"].get("tunnels", [])
    tunnelled = [t for t in truth["flows"] if t["tunnel"]]
    if tunnelled:
        packets = sum(e["packets"] for e in tunnels)
        flows = sum(e["flows"] for e in tunnels)
        if packets != truth["tunnel_frames"]:
            errors.append("capture.tunnels: %d packets, expected %d" % (
                packets, truth["tunnel_frames"]))
        if flows < len(tunnelled):
            errors.append("capture.tunnels: %d flows, expected at least "
                          "%d" % (flows, len(tunnelled)))
    elif tunnels:
        errors.append("capture.tunnels present, expected none")
    return name, errors


def main():
    binary, captures = sys.argv[1], sys.argv[2]
    fail = 0
    pcaps = sorted(glob.glob(os.path.join(captures, "tun-*.pcap")))
    if not pcaps:
        print("tunnels: FAIL: no captures/tun-*.pcap")
        return 1
    for pcap in pcaps:
        truth = json.load(open(pcap[:-len(".pcap")] + ".truth.json"))
        try:
            name, errors = check(binary, pcap, truth)
        except RuntimeError as e:
            name, errors = os.path.basename(pcap), [str(e)]
        if errors:
            fail += 1
            print("tunnels: FAIL: %s" % name)
            for e in errors:
                print("  " + e)
        else:
            print("tunnels: ok: %s: %d flows" % (name, len(truth["flows"])))
    print("tunnels: %d captures, %d failed" % (len(pcaps), fail))
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main())
