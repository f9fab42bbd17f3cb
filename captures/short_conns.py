#!/usr/bin/env python3
"""Generate many short TCP connections and some UDP exchanges for a test capture.

Run as:
  short_conns.py server [--host ADDR]            (in the receiver namespace)
  short_conns.py client --host ADDR --truth FILE (in the sender namespace)

TCP server (port 8080): reads one request line
    "REQ <resp_size> <mode> <padding...>\\n"
and answers with <resp_size> bytes.  mode "S" = the server closes first
right after the response; otherwise the server waits for the client to
close (FIN or RST) and then closes.

UDP server (port 5353): answers each datagram "Q <resp_size> ..." with
<resp_size> bytes.

Kinds of connections made by the client (deterministic, seed 42):
  normal       request, response, client closes with FIN, server FIN
  client_rst   request, response, client closes with RST (SO_LINGER 0)
  server_close request, response, server closes first (FIN), client FIN
  refused      connect to a closed TCP port (8082) -> RST/ACK
  half_open    connect to a port whose SYNs are dropped by nft (8081);
               connect timeout 1.5 s -> SYN + SYN retransmit(s), no answer
  udp          UDP request/response to port 5353
  udp_noport   UDP datagram to port 5354 with no listener (ICMP unreachable,
               not answered)
The ground truth (counts, bytes per kind, per-connection client ports) is
written as JSON by the client.
"""
import argparse
import json
import random
import socket
import struct
import sys
import threading
import time

TCP_PORT = 8080
DROP_PORT = 8081
CLOSED_PORT = 8082
UDP_PORT = 5353
UDP_NOPORT = 5354


# ---------------------------------------------------------------- server
def recv_line(conn):
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = conn.recv(4096)
        if not chunk:
            break
        buf += chunk
    return buf


def handle(conn):
    try:
        req = recv_line(conn)
        parts = req.split()
        if len(parts) < 3 or parts[0] != b"REQ":
            return
        size = int(parts[1])
        mode = parts[2]
        conn.sendall(b"r" * size)
        if mode == b"S":
            return  # server closes first (finally: close)
        # wait for the client to close (EOF or RST)
        while True:
            try:
                if not conn.recv(4096):
                    break
            except OSError:
                break
    except OSError:
        pass
    finally:
        conn.close()


def udp_server(host, family):
    s = socket.socket(family, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, UDP_PORT))
    while True:
        data, addr = s.recvfrom(65535)
        parts = data.split()
        try:
            size = int(parts[1])
        except (IndexError, ValueError):
            size = 16
        s.sendto(b"a" * size, addr)


def server(host):
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    threading.Thread(target=udp_server, args=(host, family), daemon=True).start()
    ls = socket.socket(family, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((host, TCP_PORT))
    ls.listen(128)
    print("ready", flush=True)
    while True:
        conn, _ = ls.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


# ---------------------------------------------------------------- client
def recv_exact(s, n):
    got = 0
    while got < n:
        chunk = s.recv(min(65536, n - got))
        if not chunk:
            break
        got += len(chunk)
    return got


def tcp_exchange(host, kind, rng):
    req_size = rng.randint(40, 600)
    resp_size = rng.choice([rng.randint(20, 500), rng.randint(500, 4000)])
    mode = "S" if kind == "server_close" else "N"
    head = "REQ %d %s " % (resp_size, mode)
    req = (head + "q" * max(0, req_size - len(head) - 1) + "\n").encode()
    s = socket.create_connection((host, TCP_PORT), timeout=5)
    lport = s.getsockname()[1]
    s.sendall(req)
    got = recv_exact(s, resp_size)
    if kind == "server_close":
        # wait for the server's FIN, then close
        while s.recv(4096):
            pass
    if kind == "client_rst":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    return {"kind": kind, "client_port": lport, "server_port": TCP_PORT,
            "bytes_sent": len(req), "bytes_received": got, "result": "ok"}


def tcp_failing(host, kind):
    port = CLOSED_PORT if kind == "refused" else DROP_PORT
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.bind(("", 0))
    lport = s.getsockname()[1]
    s.settimeout(1.5)
    try:
        s.connect((host, port))
        result = "connected?!"
    except ConnectionRefusedError:
        result = "refused"
    except (socket.timeout, TimeoutError):
        result = "timeout"
    except OSError as e:
        result = "error:%s" % e
    s.close()
    return {"kind": kind, "client_port": lport, "server_port": port,
            "bytes_sent": 0, "bytes_received": 0, "result": result}


def udp_exchange(host, kind, rng, sock):
    port = UDP_PORT if kind == "udp" else UDP_NOPORT
    resp_size = rng.randint(20, 300)
    msg = ("Q %d " % resp_size).encode() + b"u" * rng.randint(10, 200)
    sock.sendto(msg, (host, port))
    got = 0
    result = "sent"
    if kind == "udp":
        try:
            data, _ = sock.recvfrom(65535)
            got = len(data)
            result = "answered"
        except (socket.timeout, TimeoutError):
            result = "timeout"
    return {"kind": kind, "client_port": sock.getsockname()[1], "server_port": port,
            "bytes_sent": len(msg), "bytes_received": got, "result": result}


def client(host, truth_path):
    rng = random.Random(42)
    plan = (["normal"] * 110 + ["client_rst"] * 15 + ["server_close"] * 10 +
            ["refused"] * 10 + ["half_open"] * 4 + ["udp"] * 20 + ["udp_noport"] * 5)
    rng.shuffle(plan)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    conns = []
    t0 = time.time()
    for kind in plan:
        if kind in ("normal", "client_rst", "server_close"):
            conns.append(tcp_exchange(host, kind, rng))
        elif kind in ("refused", "half_open"):
            conns.append(tcp_failing(host, kind))
        else:
            # a fresh socket (fresh source port) per UDP exchange
            us = socket.socket(family, socket.SOCK_DGRAM)
            us.settimeout(1.0)
            conns.append(udp_exchange(host, kind, rng, us))
            us.close()
        time.sleep(0.01)
    summary = {}
    for c in conns:
        k = summary.setdefault(c["kind"], {"count": 0, "bytes_sent": 0,
                                           "bytes_received": 0, "results": {}})
        k["count"] += 1
        k["bytes_sent"] += c["bytes_sent"]
        k["bytes_received"] += c["bytes_received"]
        k["results"][c["result"]] = k["results"].get(c["result"], 0) + 1
    truth = {
        "description": "ground truth written by short_conns.py client; bytes are "
                       "application payload bytes (TCP payload / UDP payload)",
        "server": host,
        "ports": {"tcp_service": TCP_PORT, "tcp_syn_dropped": DROP_PORT,
                  "tcp_closed": CLOSED_PORT, "udp_service": UDP_PORT,
                  "udp_no_listener": UDP_NOPORT},
        "tcp_connection_attempts": sum(1 for c in conns if not c["kind"].startswith("udp")),
        "duration_s": round(time.time() - t0, 3),
        "summary": summary,
        "connections": conns,
    }
    with open(truth_path, "w") as f:
        json.dump(truth, f, indent=1)
        f.write("\n")
    bad = [c for c in conns if c["result"] not in ("ok", "refused", "timeout", "answered", "sent")
           or (c["kind"] == "refused" and c["result"] != "refused")
           or (c["kind"] == "half_open" and c["result"] != "timeout")
           or (c["kind"] == "udp" and c["result"] != "answered")]
    if bad:
        print("unexpected results: %r" % bad, file=sys.stderr)
        return 1
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["server", "client"])
    ap.add_argument("--host", default="198.18.0.2")
    ap.add_argument("--truth", default="short-conns.truth.json")
    a = ap.parse_args()
    if a.mode == "server":
        server(a.host)
        return 0
    return client(a.host, a.truth)


if __name__ == "__main__":
    sys.exit(main())
