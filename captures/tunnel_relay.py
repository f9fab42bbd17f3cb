#!/usr/bin/env python3
"""A userspace tunnel endpoint, for recording real tunnel captures.

The kernel these captures were recorded on has VXLAN but no GRE, IP-in-IP,
SIT, ip6tnl or Geneve (CONFIG_NET_IPGRE_DEMUX, NET_IPIP, IPV6_SIT,
IPV6_TUNNEL, GENEVE are off), and Linux has no GTP-U data path without a
control plane, nor Teredo.  This program is one end of such a tunnel: it
creates a tun (IP) or tap (Ethernet) device, gives it its inner address,
and moves packets between the device and the underlay, encapsulated as the
tunnel type says:

  gre      IP in GRE (protocol 47), optional key, sequence number, checksum;
           IPv4 or IPv6 outer (ip6gre), IPv4 or IPv6 inner
  gretap   Ethernet in GRE (protocol type 0x6558, transparent bridging)
  ipip     IP in IP: IPv4 inner is protocol 4, IPv6 inner protocol 41
           (4in4, 6in4 as sit, 4in6 and 6in6 as ip6tnl)
  geneve   Ethernet in Geneve (UDP 6081), an option TLV on every other packet
  gtpu     IP in GTP-U (UDP 2152), one TEID per direction, a PDU session
           container extension header on every other packet
  teredo   IPv6 in UDP (RFC 4380); the relay side (port 3544) puts an origin
           indication before every fourth packet it sends
  pbb      Ethernet in 802.1ah (I-TAG 0x88e7 behind a B-TAG), sent and
           received with a packet socket on the underlay device
  erspan1, erspan2, erspan3
           a mirror, not a tunnel: every frame seen on --mirror-dev (both
           ways) is sent in GRE + ERSPAN type I, II or III to --remote;
           nothing comes back
  collector
           the receiving end of a mirror: takes GRE packets from --remote and
           drops them (so the kernel, which has no GRE, sends no ICMP
           protocol unreachable back)

The TCP connection inside is real (kernel TCP over the tun/tap device); the
underlay headers are built by the kernel (raw or UDP sockets), the tunnel
header by this program.  It runs until killed.  Each packet it writes to
the underlay is one read from the device: tun/tap devices without
IFF_VNET_HDR get no GSO packets, so one captured packet is one segment.
"""
import argparse
import fcntl
import ipaddress
import os
import select
import signal
import socket
import struct
import subprocess
import sys

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_TAP, IFF_NO_PI = 0x0001, 0x0002, 0x1000
ETH_P_ALL = 0x0003


def csum16(data):
    """The Internet checksum (RFC 1071) of data."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def open_tun(name, tap):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    flags = (IFF_TAP if tap else IFF_TUN) | IFF_NO_PI
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), flags))
    return fd


def ip(*args):
    subprocess.run(("ip",) + args, check=True)


class Tunnel:
    """Encapsulation of one tunnel type; subclasses fill encap/decap."""
    tap = False

    def __init__(self, a):
        self.a = a
        self.local = ipaddress.ip_address(a.local)
        self.remote = ipaddress.ip_address(a.remote)
        self.v6 = self.local.version == 6
        self.fam = socket.AF_INET6 if self.v6 else socket.AF_INET
        self.sent = 0

    def raw_socket(self, proto):
        s = socket.socket(self.fam, socket.SOCK_RAW, proto)
        s.bind((str(self.local), 0))
        return s

    def raw_recv(self, s):
        """The payload of a packet from remote on raw socket s, or None."""
        data, addr = s.recvfrom(65535)
        if ipaddress.ip_address(addr[0].split("%")[0]) != self.remote:
            return None
        if not self.v6:		# IPv4 raw sockets get the IP header too
            data = data[(data[0] & 15) * 4:]
        return data

    def sockets(self):
        raise NotImplementedError

    def from_device(self, pkt):
        raise NotImplementedError

    def to_device(self, sock):
        raise NotImplementedError


class Gre(Tunnel):
    def __init__(self, a, tap=False):
        super().__init__(a)
        self.tap = tap
        self.seq = 0
        self.s = self.raw_socket(47)

    def sockets(self):
        return [self.s]

    def from_device(self, pkt):
        if self.tap:
            proto = 0x6558
        else:
            proto = 0x86DD if pkt[0] >> 4 == 6 else 0x0800
        flags = 0
        opt = b""
        if self.a.csum:
            flags |= 0x8000
            opt += b"\0\0\0\0"
        if self.a.key is not None:
            flags |= 0x2000
            opt += struct.pack("!I", self.a.key)
        if self.a.seq:
            flags |= 0x1000
            opt += struct.pack("!I", self.seq)
            self.seq = (self.seq + 1) & 0xFFFFFFFF
        hdr = struct.pack("!HH", flags, proto) + opt
        if self.a.csum:
            c = csum16(hdr + pkt)
            hdr = hdr[:4] + struct.pack("!H", c) + hdr[6:]
        self.s.sendto(hdr + pkt, (str(self.remote), 0))

    def to_device(self, sock):
        d = self.raw_recv(sock)
        if d is None or len(d) < 4:
            return None
        flags, proto = struct.unpack("!HH", d[:4])
        off = 4 + 4 * bool(flags & 0x8000) + 4 * bool(flags & 0x2000) + \
            4 * bool(flags & 0x1000)
        if proto not in ((0x6558,) if self.tap else (0x0800, 0x86DD)):
            return None
        return d[off:]


class IpIp(Tunnel):
    def __init__(self, a):
        super().__init__(a)
        self.s4 = self.raw_socket(4)
        self.s6 = self.raw_socket(41)

    def sockets(self):
        return [self.s4, self.s6]

    def from_device(self, pkt):
        s = self.s6 if pkt[0] >> 4 == 6 else self.s4
        s.sendto(pkt, (str(self.remote), 0))

    def to_device(self, sock):
        return self.raw_recv(sock)


class Udp(Tunnel):
    """A tunnel over UDP between local:lport and remote:rport."""
    def __init__(self, a, lport, rport):
        super().__init__(a)
        self.s = socket.socket(self.fam, socket.SOCK_DGRAM)
        self.s.bind((str(self.local), lport))
        self.dest = (str(self.remote), rport)

    def sockets(self):
        return [self.s]

    def to_device(self, sock):
        data, addr = sock.recvfrom(65535)
        if ipaddress.ip_address(addr[0].split("%")[0]) != self.remote:
            return None
        return self.decap(data)


class Geneve(Udp):
    tap = True

    def __init__(self, a):
        super().__init__(a, 6081, 6081)

    def from_device(self, pkt):
        opts = b""
        if self.sent % 2 == 1:
            # one TLV: class 0x0102, type 0x01 (not critical), 4 bytes
            opts = struct.pack("!HBB", 0x0102, 0x01, 1) + struct.pack(
                "!I", 0x5A5A0000 | self.sent & 0xFFFF)
        hdr = struct.pack("!BBHI", len(opts) // 4, 0, 0x6558, self.a.vni << 8)
        self.s.sendto(hdr + opts + pkt, self.dest)
        self.sent += 1

    def decap(self, d):
        if len(d) < 8 or struct.unpack("!H", d[2:4])[0] != 0x6558:
            return None
        return d[8 + (d[0] & 0x3F) * 4:]


class Gtpu(Udp):
    def __init__(self, a):
        super().__init__(a, 2152, 2152)

    def from_device(self, pkt):
        if self.sent % 2 == 1:
            # E flag: sequence/N-PDU/next-type word, then a PDU session
            # container (type 0x85): length 1, PDU type (0 DL, 1 UL), QFI 9
            pdu_type = 0x10 if self.a.uplink else 0x00
            ext = struct.pack("!HBB", 0, 0, 0x85) + struct.pack(
                "!BBBB", 1, pdu_type, 9, 0)
            flags = 0x34
        else:
            ext, flags = b"", 0x30
        hdr = struct.pack("!BBHI", flags, 0xFF, len(ext) + len(pkt),
                          self.a.teid_out)
        self.s.sendto(hdr + ext + pkt, self.dest)
        self.sent += 1

    def decap(self, d):
        if len(d) < 8 or d[1] != 0xFF:
            return None
        flags = d[0]
        teid = struct.unpack("!I", d[4:8])[0]
        if teid != self.a.teid_in:
            return None
        off = 8
        if flags & 0x07:
            nxt = d[11]
            off = 12
            for _ in range(8):
                if nxt == 0 or off >= len(d):
                    break
                n = d[off] * 4
                nxt = d[off + n - 1]
                off += n
        return d[off:]


class Teredo(Udp):
    def __init__(self, a):
        super().__init__(a, a.lport, a.rport)

    def from_device(self, pkt):
        if pkt[0] >> 4 != 6:
            return
        pre = b""
        if self.a.lport == 3544 and self.sent % 4 == 3:
            # origin indication: 0x0000, the obfuscated (inverted) port and
            # IPv4 address the packet came from (here: this relay)
            pre = struct.pack("!HH", 0, 3544 ^ 0xFFFF) + bytes(
                b ^ 0xFF for b in self.local.packed)
        self.s.sendto(pre + pkt, self.dest)
        self.sent += 1

    def decap(self, d):
        if len(d) >= 8 and d[0:2] == b"\0\0":
            d = d[8:]
        return d if d and d[0] >> 4 == 6 else None


class Pbb(Tunnel):
    """802.1ah on the underlay device itself (no IP outside)."""
    tap = True

    def __init__(self, a):
        self.a = a
        self.sent = 0
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                               socket.htons(ETH_P_ALL))
        self.s.bind((a.underlay_dev, 0))
        self.mac = self.s.getsockname()[4]
        self.peer = bytes.fromhex(a.peer_mac.replace(":", ""))

    def sockets(self):
        return [self.s]

    def from_device(self, pkt):
        btag = struct.pack("!HH", 0x88A8, 100)	# B-VID 100
        itag = struct.pack("!HI", 0x88E7, self.a.isid & 0xFFFFFF)
        self.s.send(self.peer + self.mac + btag + itag + pkt)

    def to_device(self, sock):
        d, addr = sock.recvfrom(65535)
        if addr[2] == socket.PACKET_OUTGOING or len(d) < 36:
            return None
        # the receive path takes the B-TAG out of the frame (the packet
        # socket then gets it as metadata): the I-TAG is at 12 or 16
        off = 16 if d[12:14] == b"\x88\xa8" else 12
        if d[off:off + 2] != b"\x88\xe7":
            return None
        if struct.unpack("!I", d[off + 2:off + 6])[0] & 0xFFFFFF != self.a.isid:
            return None
        return d[off + 6:]


class Erspan(Tunnel):
    """Mirror --mirror-dev's frames to remote in GRE + ERSPAN II or III."""
    def __init__(self, a, version):
        super().__init__(a)
        self.version = version
        self.seq = 0
        self.s = self.raw_socket(47)
        self.m = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                               socket.htons(ETH_P_ALL))
        # a burst of the mirrored connection must wait here, not be lost
        self.m.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)	# SO_RCVBUFFORCE
        self.m.bind((a.mirror_dev, 0))
        self.t0 = None

    def sockets(self):
        return [self.m]

    def to_device(self, sock):
        frame, addr = sock.recvfrom(65535)
        if self.version == 1:
            # type I: GRE without sequence number, the frame right after
            self.s.sendto(struct.pack("!HH", 0, 0x88BE) + frame,
                          (str(self.remote), 0))
            return None
        # GRE with the sequence-number bit, as ERSPAN II and III send it
        proto = 0x88BE if self.version == 2 else 0x22EB
        hdr = struct.pack("!HHI", 0x1000, proto, self.seq)
        self.seq += 1
        session = self.a.session & 0x3FF
        if self.version == 2:
            # Ver 1, VLAN 0, COS 0, En 0 (untagged), T 0, session id;
            # reserved 12 bits, index 20 bits (the port: here 7)
            hdr += struct.pack("!HHI", 0x1000, session, 7)
        else:
            # Ver 2, VLAN 0, COS, BSO, T, session; a 32-bit timestamp in
            # 100 us units; SGT 0, P 0 (Ethernet), FT 0, HW id 3, D (1 =
            # egress), Gra 0b00 (100 us), O 1: the 8-byte platform
            # subheader follows (platform id 3: port id, timestamp high)
            ts = int(monotonic_us() // 100) & 0xFFFFFFFF
            d = 1 if addr[2] == socket.PACKET_OUTGOING else 0
            word3 = (3 << 4) | (d << 3) | 1
            hdr += struct.pack("!HHIHH", 0x2000, session, ts, 0, word3)
            hdr += struct.pack("!II", (3 << 26) | 7, 0)
        self.s.sendto(hdr + frame, (str(self.remote), 0))
        return None

    def from_device(self, pkt):
        pass


class Collector(Tunnel):
    def __init__(self, a):
        super().__init__(a)
        self.s = self.raw_socket(47)
        # a full socket buffer would count as undelivered: ICMP again
        self.s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)	# SO_RCVBUFFORCE

    def sockets(self):
        return [self.s]

    def to_device(self, sock):
        self.raw_recv(sock)
        return None


def monotonic_us():
    import time
    return time.monotonic_ns() / 1000


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("mode", choices=("gre", "gretap", "ipip", "geneve",
                   "gtpu", "teredo", "pbb", "erspan1", "erspan2",
                   "erspan3", "collector"))
    p.add_argument("--dev", help="tun/tap device to create")
    p.add_argument("--addr", action="append", default=[],
                   help="inner address/prefix for --dev (repeatable)")
    p.add_argument("--route", action="append", default=[],
                   help="a prefix to route into --dev (repeatable)")
    p.add_argument("--mtu", type=int, default=1400)
    p.add_argument("--local", help="outer local address")
    p.add_argument("--remote", help="outer remote address")
    p.add_argument("--key", type=lambda x: int(x, 0))
    p.add_argument("--seq", action="store_true")
    p.add_argument("--csum", action="store_true")
    p.add_argument("--vni", type=int, default=0)
    p.add_argument("--teid-out", type=lambda x: int(x, 0), default=0)
    p.add_argument("--teid-in", type=lambda x: int(x, 0), default=0)
    p.add_argument("--uplink", action="store_true",
                   help="gtpu: this end is the access side (PDU type UL)")
    p.add_argument("--lport", type=int, default=3544)
    p.add_argument("--rport", type=int, default=3544)
    p.add_argument("--underlay-dev", help="pbb: the Ethernet to send on")
    p.add_argument("--peer-mac", help="pbb: the peer backbone MAC")
    p.add_argument("--isid", type=int, default=0)
    p.add_argument("--mirror-dev", help="erspan: the device to mirror")
    p.add_argument("--session", type=int, default=1)
    a = p.parse_args()

    t = {"gre": lambda: Gre(a), "gretap": lambda: Gre(a, tap=True),
         "ipip": lambda: IpIp(a), "geneve": lambda: Geneve(a),
         "gtpu": lambda: Gtpu(a), "teredo": lambda: Teredo(a),
         "pbb": lambda: Pbb(a), "erspan1": lambda: Erspan(a, 1),
         "erspan2": lambda: Erspan(a, 2),
         "erspan3": lambda: Erspan(a, 3), "collector": lambda: Collector(a)}[a.mode]()
    fd = None
    if a.dev:
        fd = open_tun(a.dev, t.tap)
        ip("link", "set", a.dev, "mtu", str(a.mtu))
        for x in a.addr:
            ip("addr", "add", x, "dev", a.dev, *(["nodad"] if ":" in x else []))
        ip("link", "set", a.dev, "up")
        for r in a.route:
            ip("route", "add", r, "dev", a.dev)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("ready", flush=True)
    socks = t.sockets()
    rd = socks + ([fd] if fd is not None else [])
    while True:
        r, _, _ = select.select(rd, [], [])
        for x in r:
            if x is fd:
                t.from_device(os.read(fd, 65535))
            else:
                pkt = t.to_device(x)
                if pkt and fd is not None:
                    os.write(fd, pkt)


if __name__ == "__main__":
    main()
