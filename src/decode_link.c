/*
 * The link layer: from a frame's first byte to its network-layer header.
 *
 * Ethernet II and 802.3 with LLC/SNAP, Linux cooked capture v1 and v2,
 * bare IP, BSD loopback in either byte order, PPP (serial, HDLC-like and
 * Cisco HDLC) and FDDI; within them up to DECODE_MAX_VLAN_TAGS 802.1Q/QinQ
 * tags or LLC/SNAP headers and DECODE_MAX_MPLS_LABELS MPLS labels, and
 * PPPoE sessions.  A frame whose payload is not IP is PK_NON_IP: it is
 * counted, not an error.
 */
#include "config.h"

#include "decode_int.h"

#define ETHERTYPE_VLAN		0x8100
#define ETHERTYPE_QINQ		0x88a8
#define ETHERTYPE_QINQ_OLD1	0x9100
#define ETHERTYPE_QINQ_OLD2	0x9200
#define ETHERTYPE_MPLS		0x8847
#define ETHERTYPE_MPLS_MC	0x8848
#define ETHERTYPE_PPPOE_SESSION	0x8864

#define PPP_IPV4	0x0021
#define PPP_IPV6	0x0057

static enum pkt_kind
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
				return decode_ipv4(d);
			case 6:
				return decode_ipv6(d);
			default:
				return kind(d, PK_NON_IP);
			}
		}
	}
	return undecoded(d, DR_MPLS_TOO_DEEP);
}

static enum pkt_kind
decode_ethertype(struct decoder *d, uint16_t type)
{
	int tags = 0;

	for (;;) {
		switch (type) {
		case ETHERTYPE_IPV4:
			return decode_ipv4(d);
		case ETHERTYPE_IPV6:
			return decode_ipv6(d);
		case ETHERTYPE_VLAN:
		case ETHERTYPE_QINQ:
		case ETHERTYPE_QINQ_OLD1:
		case ETHERTYPE_QINQ_OLD2:
			if (++tags > DECODE_MAX_VLAN_TAGS)
				return undecoded(d, DR_VLAN_TOO_DEEP);
			if (!cur_need(&d->c, 4))
				return undecoded(d, DR_TRUNCATED_LINK);
			type = be16(d->c.p + 2);
			cur_skip(&d->c, 4);
			continue;
		case ETHERTYPE_MPLS:
		case ETHERTYPE_MPLS_MC:
			return decode_mpls(d);
		case ETHERTYPE_PPPOE_SESSION: {
			uint16_t proto;

			if (!cur_need(&d->c, 8))
				return undecoded(d, DR_TRUNCATED_LINK);
			proto = be16(d->c.p + 6);
			cur_skip(&d->c, 8);
			if (proto == PPP_IPV4)
				return decode_ipv4(d);
			if (proto == PPP_IPV6)
				return decode_ipv6(d);
			return kind(d, PK_NON_IP);
		}
		default:
			break;
		}
		/* An 802.3 length field: only LLC/SNAP can carry IP. */
		if (type <= 1500 && cur_need(&d->c, 8) && d->c.p[0] == 0xaa &&
		    d->c.p[1] == 0xaa && d->c.p[2] == 0x03) {
			type = be16(d->c.p + 6);
			cur_skip(&d->c, 8);
			if (++tags > DECODE_MAX_VLAN_TAGS)
				return undecoded(d, DR_VLAN_TOO_DEEP);
			continue;
		}
		return kind(d, PK_NON_IP);
	}
}

static enum pkt_kind
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
		return decode_ipv4(d);
	if (proto == PPP_IPV6)
		return decode_ipv6(d);
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
		return decode_ipv4(d);
	case 10: case 24: case 28: case 30:	/* AF_INET6 on Linux and BSDs */
		return decode_ipv6(d);
	default:
		return kind(d, PK_NON_IP);
	}
}

bool
decode_link_type_supported(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_RAW:
	case LINKTYPE_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
	case DLT_NULL:
	case DLT_LOOP:
	case DLT_PPP:
	case DLT_PPP_SERIAL:
	case DLT_C_HDLC:
	case DLT_FDDI:
		return true;
	default:
		return false;
	}
}

enum pkt_kind
decode_link(struct decoder *d, int dlt)
{
	switch (dlt) {
	case DLT_EN10MB: {
		uint16_t type;

		if (!cur_need(&d->c, 14))
			return undecoded(d, DR_TRUNCATED_LINK);
		type = be16(d->c.p + 12);
		cur_skip(&d->c, 14);
		return decode_ethertype(d, type);
	}
	case DLT_LINUX_SLL: {
		uint16_t type;

		if (!cur_need(&d->c, 16))
			return undecoded(d, DR_TRUNCATED_LINK);
		type = be16(d->c.p + 14);
		cur_skip(&d->c, 16);
		return decode_ethertype(d, type);
	}
	case DLT_LINUX_SLL2: {
		uint16_t type;

		if (!cur_need(&d->c, 20))
			return undecoded(d, DR_TRUNCATED_LINK);
		type = be16(d->c.p);
		cur_skip(&d->c, 20);
		return decode_ethertype(d, type);
	}
	case DLT_RAW:
	case LINKTYPE_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		return decode_ip(d);
	case DLT_NULL:
		return decode_loopback(d, false);
	case DLT_LOOP:
		return decode_loopback(d, true);
	case DLT_PPP:
	case DLT_PPP_SERIAL:
		return decode_ppp(d);
	case DLT_C_HDLC: {
		uint16_t type;

		if (!cur_need(&d->c, 4))
			return undecoded(d, DR_TRUNCATED_LINK);
		type = be16(d->c.p + 2);
		cur_skip(&d->c, 4);
		return decode_ethertype(d, type);
	}
	case DLT_FDDI:
		/* Frame control and two addresses, then LLC. */
		if (!cur_need(&d->c, 13))
			return undecoded(d, DR_TRUNCATED_LINK);
		cur_skip(&d->c, 13);
		return decode_ethertype(d, 0);
	default:
		return undecoded(d, DR_UNKNOWN_LINK_TYPE);
	}
}
