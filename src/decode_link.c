/*
 * The link layer: from a frame's first byte to its network-layer header.
 *
 * Ethernet II and 802.3 with LLC/SNAP, Linux cooked capture v1 and v2,
 * bare IP, BSD loopback in either byte order, PPP (serial, HDLC-like and
 * Cisco HDLC) and FDDI; within them up to DECODE_MAX_VLAN_TAGS 802.1Q/QinQ
 * tags or LLC/SNAP headers and DECODE_MAX_MPLS_LABELS MPLS labels, and
 * PPPoE sessions, and 802.1ah provider backbone bridging (PBB).  A frame
 * whose payload is not IP is PK_NON_IP: it is counted, not an error.
 *
 * PBB is decoded as a tag, not a tunnel: its I-tag wraps a customer's
 * Ethernet frame, and the backbone's MAC addresses and service id are
 * link-layer context as a VLAN id is, not IP endpoints of a tunnel layer
 * (struct encap_layer); Zeek treats it the same way.  So the flows inside
 * are keyed by their own addresses alone, as VLAN-tagged flows are.
 *
 * Nothing here dispatches by itself: a link layer hands its EtherType to
 * decode_ethertype() and the tables (decode.c) pick the next dissector
 * (links that name IP otherwise, PPP's protocol field, a loopback address
 * family, an MPLS label stack's bottom, hand over IP's EtherType),
 * so the VLAN, MPLS and PPPoE dissectors are rows there like IPv4's, and a
 * frame nests them in any order.  d->tags counts the VLAN tags and SNAP
 * headers on the way, which bounds that recursion.
 */
#include "config.h"

#include "decode_int.h"

#define PPP_IPV4	0x0021
#define PPP_IPV6	0x0057

enum pkt_kind
decode_mpls(struct decoder *d)
{
	int i;

	for (i = 0; i < DECODE_MAX_MPLS_LABELS; i++) {
		bool bottom;

		if (!cur_need(&d->c, 4))
			return undecoded(d, DR_TRUNCATED_LINK);
		bottom = (d->c.p[2] & 0x01) != 0;
		cur_skip(&d->c, 4);
		if (bottom) {
			/* No protocol field: IP is told by its version. */
			if (!cur_need(&d->c, 1))
				return undecoded(d, DR_TRUNCATED_LINK);
			switch (d->c.p[0] >> 4) {
			case 4:
				return decode_ethertype(d, ETHERTYPE_IPV4);
			case 6:
				return decode_ethertype(d, ETHERTYPE_IPV6);
			default:
				return kind(d, PK_NON_IP);
			}
		}
	}
	return undecoded(d, DR_MPLS_TOO_DEEP);
}

/* 802.1Q and QinQ: one tag, then the EtherType it carries. */
enum pkt_kind
decode_vlan(struct decoder *d)
{
	uint16_t type;

	if (++d->tags > DECODE_MAX_VLAN_TAGS)
		return undecoded(d, DR_VLAN_TOO_DEEP);
	if (!cur_need(&d->c, 4))
		return undecoded(d, DR_TRUNCATED_LINK);
	type = be16(d->c.p + 2);
	cur_skip(&d->c, 4);
	return decode_ethertype(d, type);
}

/*
 * 802.1ah: the I-tag (priority, flags and the 24-bit service id), then the
 * customer's destination and source addresses and their EtherType.  Counted
 * with the VLAN tags: each may hide another.
 */
enum pkt_kind
decode_pbb(struct decoder *d)
{
	uint16_t type;

	if (++d->tags > DECODE_MAX_VLAN_TAGS)
		return undecoded(d, DR_VLAN_TOO_DEEP);
	if (!cur_need(&d->c, 18))
		return undecoded(d, DR_TRUNCATED_LINK);
	type = be16(d->c.p + 16);
	cur_skip(&d->c, 18);
	return decode_ethertype(d, type);
}

/*
 * 802.2 LLC, after an 802.3 length field where an EtherType goes, after
 * FDDI's and 802.11's headers: only SNAP (OUI then EtherType) carries IP.
 */
enum pkt_kind
decode_llc(struct decoder *d)
{
	uint16_t type;

	if (!cur_need(&d->c, 3))
		return undecoded(d, DR_TRUNCATED_LINK);
	if (d->c.p[0] != 0xaa || d->c.p[1] != 0xaa || d->c.p[2] != 0x03)
		return kind(d, PK_NON_IP);	/* STP, NetBIOS, ... */
	if (!cur_need(&d->c, 8))
		return undecoded(d, DR_TRUNCATED_LINK);
	type = be16(d->c.p + 6);
	cur_skip(&d->c, 8);
	/* SNAP headers count as tags: each may hide another. */
	if (++d->tags > DECODE_MAX_VLAN_TAGS)
		return undecoded(d, DR_VLAN_TOO_DEEP);
	return decode_ethertype(d, type);
}

enum pkt_kind
decode_pppoe(struct decoder *d)
{
	uint16_t proto;

	if (!cur_need(&d->c, 8))
		return undecoded(d, DR_TRUNCATED_LINK);
	proto = be16(d->c.p + 6);
	cur_skip(&d->c, 8);
	if (proto == PPP_IPV4)
		return decode_ethertype(d, ETHERTYPE_IPV4);
	if (proto == PPP_IPV6)
		return decode_ethertype(d, ETHERTYPE_IPV6);
	return kind(d, PK_NON_IP);
}

/* The link layers that end in an EtherType at a fixed offset. */
static enum pkt_kind
ethertype_at(struct decoder *d, size_t hlen, size_t at)
{
	uint16_t type;

	if (!cur_need(&d->c, hlen))
		return undecoded(d, DR_TRUNCATED_LINK);
	type = be16(d->c.p + at);
	cur_skip(&d->c, hlen);
	return decode_ethertype(d, type);
}

enum pkt_kind
decode_ethernet(struct decoder *d)
{
	return ethertype_at(d, 14, 12);
}

/* Linux cooked capture v1: the protocol closes its 16 bytes. */
enum pkt_kind
decode_sll(struct decoder *d)
{
	return ethertype_at(d, 16, 14);
}

/* Linux cooked capture v2: the protocol opens its 20 bytes. */
enum pkt_kind
decode_sll2(struct decoder *d)
{
	return ethertype_at(d, 20, 0);
}

/* Cisco HDLC: address, control, then an EtherType. */
enum pkt_kind
decode_chdlc(struct decoder *d)
{
	return ethertype_at(d, 4, 2);
}

/* FDDI: frame control and two addresses, then LLC. */
enum pkt_kind
decode_fddi(struct decoder *d)
{
	if (!cur_need(&d->c, 13))
		return undecoded(d, DR_TRUNCATED_LINK);
	cur_skip(&d->c, 13);
	return decode_llc(d);
}

enum pkt_kind
decode_ppp(struct decoder *d)
{
	uint16_t proto;

	if (cur_need(&d->c, 2) && d->c.p[0] == 0xff && d->c.p[1] == 0x03)
		cur_skip(&d->c, 2);		/* address and control */
	if (!cur_need(&d->c, 1))
		return undecoded(d, DR_TRUNCATED_LINK);
	if (d->c.p[0] & 0x01) {			/* compressed protocol field */
		proto = d->c.p[0];
		cur_skip(&d->c, 1);
	} else {
		if (!cur_need(&d->c, 2))
			return undecoded(d, DR_TRUNCATED_LINK);
		proto = be16(d->c.p);
		cur_skip(&d->c, 2);
	}
	if (proto == PPP_IPV4)
		return decode_ethertype(d, ETHERTYPE_IPV4);
	if (proto == PPP_IPV6)
		return decode_ethertype(d, ETHERTYPE_IPV6);
	return kind(d, PK_NON_IP);
}

/* BSD loopback: the address family, in host (NULL) or network (LOOP) order. */
static enum pkt_kind
decode_loopback(struct decoder *d, bool network_order)
{
	uint32_t af;

	if (!cur_need(&d->c, 4))
		return undecoded(d, DR_TRUNCATED_LINK);
	af = network_order ? be32(d->c.p) : le32(d->c.p);
	if (!network_order && af > 0xffff)	/* written on a big-endian host */
		af = be32(d->c.p);
	cur_skip(&d->c, 4);
	switch (af) {
	case 2:
		return decode_ethertype(d, ETHERTYPE_IPV4);
	case 10: case 24: case 28: case 30:	/* AF_INET6 on Linux and BSDs */
		return decode_ethertype(d, ETHERTYPE_IPV6);
	default:
		return kind(d, PK_NON_IP);
	}
}

enum pkt_kind
decode_null(struct decoder *d)
{
	return decode_loopback(d, false);
}

enum pkt_kind
decode_loop(struct decoder *d)
{
	return decode_loopback(d, true);
}
