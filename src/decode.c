/*
 * The dissector chain: link layer -> IPv4/IPv6 -> TCP/UDP.
 *
 * Every layer works on a struct cursor over the captured bytes and checks a
 * whole header is inside it before reading a field.  Two lengths travel down
 * the chain: the cursor (what was captured) and the length the enclosing
 * header claims (what was on the wire).  Sequence analysis needs the second,
 * so a frame cut by snaplen still reports its true payload length, while a
 * header that claims more than the frame carried is a lie and is counted.
 */
#include "config.h"

#include <pcap/pcap.h>
#include <string.h>

#include "bytes.h"
#include "decode.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2	276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4	228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6	229
#endif
#define LINKTYPE_RAW	101	/* what some libpcaps hand back for DLT_RAW */

#define ETHERTYPE_IPV4		0x0800
#define ETHERTYPE_IPV6		0x86dd
#define ETHERTYPE_VLAN		0x8100
#define ETHERTYPE_QINQ		0x88a8
#define ETHERTYPE_QINQ_OLD1	0x9100
#define ETHERTYPE_QINQ_OLD2	0x9200
#define ETHERTYPE_MPLS		0x8847
#define ETHERTYPE_MPLS_MC	0x8848
#define ETHERTYPE_PPPOE_SESSION	0x8864

#define PPP_IPV4	0x0021
#define PPP_IPV6	0x0057

/* One frame's decoding state: where we are and what the wire carried. */
struct decoder {
	struct cursor	 c;
	const uint8_t	*frame;		/* start of the frame */
	uint32_t	 wirelen;	/* frame length on the wire */
	struct packet	*pkt;
};

static enum pkt_kind
undecoded(struct decoder *d, enum decode_reason reason)
{
	d->pkt->kind = PK_UNDECODED;
	d->pkt->reason = reason;
	return PK_UNDECODED;
}

static enum pkt_kind
kind(struct decoder *d, enum pkt_kind k)
{
	d->pkt->kind = k;
	return k;
}

/* Bytes of the frame on the wire from the cursor on (0 if a header lied). */
static size_t
wire_left(const struct decoder *d)
{
	size_t used = (size_t)(d->c.p - d->frame);

	return d->wirelen > used ? d->wirelen - used : 0;
}

void
decode_tcp_options(const uint8_t *opt, size_t len, bool cut,
    struct tcp_options *o)
{
	size_t i = 0;

	/*
	 * Nearly every segment after the handshake carries exactly NOP, NOP,
	 * timestamps (RFC 7323 appendix A's layout; Linux's fast path too).
	 */
	if (len == 12 && opt[0] == 1 && opt[1] == 1 && opt[2] == 8 &&
	    opt[3] == 10) {
		o->has_timestamp = 1;
		o->ts_val = be32(opt + 4);
		o->ts_ecr = be32(opt + 8);
		return;
	}
	/* At most 40 bytes of options: the loop ends after 40 steps. */
	while (i < len) {
		uint8_t kind = opt[i], olen;

		if (kind == 0)			/* end of option list */
			break;
		if (kind == 1) {		/* no-operation */
			i++;
			continue;
		}
		if (len - i < 2) {
			if (cut)
				o->truncated = 1;
			else
				o->malformed = 1;
			break;
		}
		olen = opt[i + 1];
		if (olen < 2) {
			o->malformed = 1;
			break;
		}
		if (olen > len - i) {
			if (cut)
				o->truncated = 1;
			else
				o->malformed = 1;
			break;
		}
		switch (kind) {
		case 2:				/* MSS */
			if (olen != 4) {
				o->malformed = 1;
				break;
			}
			o->has_mss = 1;
			o->mss = be16(opt + i + 2);
			break;
		case 3:				/* window scale */
			if (olen != 3) {
				o->malformed = 1;
				break;
			}
			o->has_wscale = 1;
			o->wscale = opt[i + 2];
			break;
		case 4:				/* SACK permitted */
			if (olen != 2) {
				o->malformed = 1;
				break;
			}
			o->sack_permitted = 1;
			break;
		case 5: {			/* SACK blocks */
			size_t n, k;

			if (olen < 10 || (olen - 2) % 8 != 0) {
				o->malformed = 1;
				break;
			}
			n = (size_t)(olen - 2) / 8;
			if (n > TCP_MAX_SACK_BLOCKS)
				n = TCP_MAX_SACK_BLOCKS;
			for (k = 0; k < n; k++) {
				o->sack[k].left = be32(opt + i + 2 + 8 * k);
				o->sack[k].right = be32(opt + i + 6 + 8 * k);
			}
			o->sack_blocks = (uint8_t)n;
			break;
		}
		case 8:				/* timestamps */
			if (olen != 10) {
				o->malformed = 1;
				break;
			}
			o->has_timestamp = 1;
			o->ts_val = be32(opt + i + 2);
			o->ts_ecr = be32(opt + i + 6);
			break;
		default:
			break;
		}
		i += olen;
	}
}

/* l4len: the transport length the IP header claims. */
static enum pkt_kind
decode_tcp(struct decoder *d, size_t l4len)
{
	struct packet *pkt = d->pkt;
	const uint8_t *p = d->c.p;
	size_t hlen, optcap;

	if (l4len < 20)
		return undecoded(d, DR_BAD_TCP_LENGTH);
	if (!cur_need(&d->c, 20))
		return undecoded(d, DR_TRUNCATED_TCP);
	pkt->sport = be16(p);
	pkt->dport = be16(p + 2);
	pkt->tcp_seq = be32(p + 4);
	pkt->tcp_ack = be32(p + 8);
	hlen = (size_t)(p[12] >> 4) * 4;
	pkt->tcp_flags = p[13];
	pkt->tcp_window = be16(p + 14);
	pkt->tcp_urgent = be16(p + 18);
	if (hlen < 20 || hlen > l4len)
		return undecoded(d, DR_BAD_TCP_OFFSET);
	pkt->payload_len = (uint32_t)(l4len - hlen);

	optcap = cur_left(&d->c) < hlen ? cur_left(&d->c) : hlen;
	if (hlen > 20)
		decode_tcp_options(p + 20, optcap - 20, optcap < hlen,
		    &pkt->tcp_opt);
	if (optcap < hlen)		/* the capture cut the option area */
		pkt->tcp_opt.truncated = 1;
	if (pkt->tcp_opt.truncated)
		packet_set_anomaly(pkt, PA_TCP_OPTIONS_TRUNCATED);
	if (pkt->tcp_opt.malformed)
		packet_set_anomaly(pkt, PA_BAD_TCP_OPTION);
	return kind(d, PK_TCP);
}

static enum pkt_kind
decode_udp(struct decoder *d, size_t l4len, bool fragmented)
{
	struct packet *pkt = d->pkt;
	const uint8_t *p = d->c.p;
	uint16_t ulen;

	if (l4len < 8)
		return undecoded(d, DR_BAD_UDP_LENGTH);
	if (!cur_need(&d->c, 8))
		return undecoded(d, DR_TRUNCATED_UDP);
	pkt->sport = be16(p);
	pkt->dport = be16(p + 2);
	ulen = be16(p + 4);
	/* The IP length rules: a UDP length that disagrees is only noted. */
	if (!fragmented && ulen != l4len)
		packet_set_anomaly(pkt, PA_UDP_LENGTH_MISMATCH);
	pkt->payload_len = (uint32_t)(l4len - 8);
	return kind(d, PK_UDP);
}

static enum pkt_kind
decode_transport(struct decoder *d, uint8_t proto, size_t l4len,
    bool fragmented)
{
	d->pkt->ip_proto = proto;
	switch (proto) {
	case 6:
		return decode_tcp(d, l4len);
	case 17:
		return decode_udp(d, l4len, fragmented);
	case 1:
		return kind(d, PK_ICMP);
	case 58:
		return kind(d, PK_ICMPV6);
	default:
		return kind(d, PK_OTHER_IP);
	}
}

/*
 * An IPv4 address into a 16-byte slot as two whole 8-byte words: the flow
 * stage reads the slot as words, and a word read over a 4-byte store (and
 * the zeroing before it) waits for both to reach the cache instead of
 * being forwarded from the store.
 */
static void
put_ipv4_addr(uint8_t out[16], const uint8_t *p)
{
	uint64_t w[2] = { 0, 0 };

	memcpy(w, p, 4);
	memcpy(out, w, sizeof w);
}

static enum pkt_kind
decode_ipv4(struct decoder *d)
{
	struct packet *pkt = d->pkt;
	const uint8_t *p = d->c.p;
	size_t ihl, total, wire;
	uint16_t frag;

	if (!cur_need(&d->c, 1))
		return undecoded(d, DR_TRUNCATED_IPV4);
	if ((p[0] >> 4) != 4)
		return undecoded(d, DR_BAD_IP_VERSION);
	if (!cur_need(&d->c, 20))
		return undecoded(d, DR_TRUNCATED_IPV4);
	ihl = (size_t)(p[0] & 0x0f) * 4;
	if (ihl < 20)
		return undecoded(d, DR_BAD_IPV4_IHL);
	total = be16(p + 2);
	wire = wire_left(d);
	if (total == 0) {
		/* Sender-side captures of TSO segments carry length 0. */
		packet_set_anomaly(pkt, PA_IP_LENGTH_ZERO);
		total = wire;
	}
	if (total < ihl)
		return undecoded(d, DR_BAD_IPV4_LENGTH);
	if (total > wire) {
		/*
		 * More than the frame's length: old capture tools wrote the
		 * captured length as the wire length.  Trust the IP header for
		 * the sequence space, as for any snaplen cut, and count it.
		 */
		packet_set_anomaly(pkt, PA_IP_LENGTH_OVER_FRAME);
	}
	if (!cur_need(&d->c, ihl))
		return undecoded(d, DR_TRUNCATED_IPV4);

	pkt->ip_version = 4;
	pkt->ip_ecn = p[1] & 0x03;
	pkt->ip_len = (uint32_t)total;
	pkt->ip_id = be16(p + 4);
	pkt->ip_ttl = p[8];
	pkt->ip_proto = p[9];
	put_ipv4_addr(pkt->src, p + 12);
	put_ipv4_addr(pkt->dst, p + 16);
	frag = be16(p + 6);

	cur_limit(&d->c, total);	/* drop link-layer padding */
	cur_skip(&d->c, ihl);
	if ((frag & 0x1fff) != 0)
		return kind(d, PK_FRAGMENT);
	if (frag & 0x2000)
		packet_set_anomaly(pkt, PA_FIRST_FRAGMENT);
	return decode_transport(d, pkt->ip_proto, total - ihl,
	    (frag & 0x2000) != 0);
}

static enum pkt_kind
decode_ipv6(struct decoder *d)
{
	struct packet *pkt = d->pkt;
	const uint8_t *p = d->c.p;
	size_t plen, wire;
	uint8_t nh;
	bool fragmented = false;
	int i;

	if (!cur_need(&d->c, 1))
		return undecoded(d, DR_TRUNCATED_IPV6);
	if ((p[0] >> 4) != 6)
		return undecoded(d, DR_BAD_IP_VERSION);
	if (!cur_need(&d->c, 40))
		return undecoded(d, DR_TRUNCATED_IPV6);
	plen = be16(p + 4);
	wire = wire_left(d);
	if (plen == 0 && wire >= 40) {
		/* A jumbogram or a TSO segment: trust the frame. */
		packet_set_anomaly(pkt, PA_IP_LENGTH_ZERO);
		plen = wire - 40;
	}
	if (40 + plen > wire)
		packet_set_anomaly(pkt, PA_IP_LENGTH_OVER_FRAME);

	pkt->ip_version = 6;
	pkt->ip_ecn = (uint8_t)((be16(p) >> 4) & 0x03);
	pkt->ip_len = (uint32_t)(40 + plen);
	pkt->ip_ttl = p[7];
	memcpy(pkt->src, p + 8, 16);
	memcpy(pkt->dst, p + 24, 16);
	nh = p[6];
	pkt->ip_proto = nh;
	cur_limit(&d->c, 40 + plen);
	cur_skip(&d->c, 40);

	/* Up to DECODE_MAX_IPV6_EXT extension headers, then the transport. */
	for (i = 0; ; i++) {
		size_t hlen;

		p = d->c.p;
		if (i == DECODE_MAX_IPV6_EXT && (nh == 0 || nh == 43 ||
		    nh == 60 || nh == 135 || nh == 51 || nh == 44))
			return undecoded(d, DR_IPV6_EXT_TOO_MANY);
		switch (nh) {
		case 0:		/* hop-by-hop options */
		case 43:	/* routing */
		case 60:	/* destination options */
		case 135:	/* mobility */
		case 51:	/* authentication header */
			if (plen < 2)
				return undecoded(d, DR_BAD_IPV6_EXT);
			if (!cur_need(&d->c, 2))
				return undecoded(d, DR_TRUNCATED_IPV6_EXT);
			hlen = nh == 51 ? ((size_t)p[1] + 2) * 4 :
			    ((size_t)p[1] + 1) * 8;
			break;
		case 44:	/* fragment */
			hlen = 8;
			break;
		case 59:	/* no next header */
			return kind(d, PK_OTHER_IP);
		default:
			return decode_transport(d, nh, plen, fragmented);
		}
		if (hlen > plen)
			return undecoded(d, DR_BAD_IPV6_EXT);
		if (!cur_need(&d->c, hlen))
			return undecoded(d, DR_TRUNCATED_IPV6_EXT);
		if (nh == 44) {
			uint16_t off = be16(p + 2);

			pkt->ip_id = be32(p + 4);
			if ((off & 0xfff8) != 0) {
				pkt->ip_proto = p[0];
				return kind(d, PK_FRAGMENT);
			}
			if (off & 1) {
				fragmented = true;
				packet_set_anomaly(pkt, PA_FIRST_FRAGMENT);
			}
		}
		nh = p[0];
		pkt->ip_proto = nh;
		cur_skip(&d->c, hlen);
		plen -= hlen;
	}
}

/* Dispatch on the version nibble, for links that carry bare IP. */
static enum pkt_kind
decode_ip(struct decoder *d)
{
	if (!cur_need(&d->c, 1))
		return undecoded(d, DR_TRUNCATED_LINK);
	switch (d->c.p[0] >> 4) {
	case 4:
		return decode_ipv4(d);
	case 6:
		return decode_ipv6(d);
	default:
		return undecoded(d, DR_BAD_IP_VERSION);
	}
}

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

/*
 * The frames nearly every capture is made of: IPv4 without options or
 * fragmenting, or IPv6 without extension headers, carrying TCP whose
 * whole header was captured and whose lengths agree with the IP header's.
 * Decoded in one step each, to the same view the chain below gives
 * (tests/check_decode.c runs both over every frame of captures/, over the
 * same frames under other link layers and over mutated frames).  ip is the
 * IP header, cap and wire the captured and on-the-wire bytes from it on
 * (cap <= wire).  False, with pkt untouched, for anything else, which the
 * chain then decodes.
 */

/* The TCP header at th, l4len bytes by the IP header, hlen captured. */
static void
plain_tcp(const uint8_t *th, uint32_t l4len, uint32_t hlen,
    struct packet *pkt)
{
	pkt->kind = PK_TCP;
	pkt->ip_proto = 6;
	pkt->sport = be16(th);
	pkt->dport = be16(th + 2);
	pkt->tcp_seq = be32(th + 4);
	pkt->tcp_ack = be32(th + 8);
	pkt->tcp_flags = th[13];
	pkt->tcp_window = be16(th + 14);
	pkt->tcp_urgent = be16(th + 18);
	pkt->payload_len = l4len - hlen;
	if (hlen > 20) {
		decode_tcp_options(th + 20, hlen - 20, false, &pkt->tcp_opt);
		if (pkt->tcp_opt.malformed)
			packet_set_anomaly(pkt, PA_BAD_TCP_OPTION);
	}
}

static bool
plain_ipv4_tcp(const uint8_t *ip, uint32_t cap, uint32_t wire,
    struct packet *pkt)
{
	const uint8_t *th = ip + 20;
	uint32_t total, hlen;

	if (cap < 40 || ip[0] != 0x45 || ip[9] != 6 ||
	    (be16(ip + 6) & 0x3fff) != 0)
		return false;
	total = be16(ip + 2);
	hlen = (uint32_t)(th[12] >> 4) * 4;
	if (total < 40 || total > wire || hlen < 20 || hlen > total - 20 ||
	    hlen > cap - 20)
		return false;

	pkt->ip_version = 4;
	pkt->ip_ecn = ip[1] & 0x03;
	pkt->ip_len = total;
	pkt->ip_id = be16(ip + 4);
	pkt->ip_ttl = ip[8];
	put_ipv4_addr(pkt->src, ip + 12);
	put_ipv4_addr(pkt->dst, ip + 16);
	plain_tcp(th, total - 20, hlen, pkt);
	return true;
}

static bool
plain_ipv6_tcp(const uint8_t *ip, uint32_t cap, uint32_t wire,
    struct packet *pkt)
{
	const uint8_t *th = ip + 40;
	uint32_t plen, hlen;

	if (cap < 60 || (ip[0] >> 4) != 6 || ip[6] != 6)
		return false;
	plen = be16(ip + 4);
	hlen = (uint32_t)(th[12] >> 4) * 4;
	if (plen < 20 || 40 + plen > wire || hlen < 20 || hlen > plen ||
	    hlen > cap - 40)
		return false;

	pkt->ip_version = 6;
	pkt->ip_ecn = (uint8_t)((be16(ip) >> 4) & 0x03);
	pkt->ip_len = 40 + plen;
	pkt->ip_ttl = ip[7];
	memcpy(pkt->src, ip + 8, 16);
	memcpy(pkt->dst, ip + 24, 16);
	plain_tcp(th, plen, hlen, pkt);
	return true;
}

/* The IP header at ip, of the version type names (an EtherType). */
static bool
plain_ip_tcp(uint16_t type, const uint8_t *ip, uint32_t cap, uint32_t wire,
    struct packet *pkt)
{
	if (type == ETHERTYPE_IPV4)
		return plain_ipv4_tcp(ip, cap, wire, pkt);
	if (type == ETHERTYPE_IPV6)
		return plain_ipv6_tcp(ip, cap, wire, pkt);
	return false;
}

/* The link layers most captures use, in front of plain_ip_tcp(). */
static bool
decode_plain(int dlt, const uint8_t *f, uint32_t cap, uint32_t wire,
    struct packet *pkt)
{
	uint32_t off;
	uint16_t type;

	switch (dlt) {
	case DLT_EN10MB:
		if (cap < 18)
			return false;
		type = be16(f + 12);
		off = 14;
		if (type == ETHERTYPE_VLAN) {	/* one 802.1Q tag */
			type = be16(f + 16);
			off = 18;
		}
		break;
	case DLT_LINUX_SLL:
		if (cap < 16)
			return false;
		type = be16(f + 14);
		off = 16;
		break;
	case DLT_LINUX_SLL2:
		if (cap < 20)
			return false;
		type = be16(f);
		off = 20;
		break;
	case DLT_RAW:
	case LINKTYPE_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		if (cap < 1)
			return false;
		type = f[0] >> 4 == 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6;
		off = 0;
		break;
	default:
		return false;
	}
	return plain_ip_tcp(type, f + off, cap - off, wire - off, pkt);
}

enum pkt_kind
decode_packet(int dlt, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
    struct packet *pkt)
{
	return decode_frame(dlt, data, caplen, wirelen, pkt, true);
}

/* Every byte zero, padding too: what a view starts from. */
static const struct packet blank_packet;

enum pkt_kind
decode_frame(int dlt, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
    struct packet *pkt, bool shortcut)
{
	struct decoder d;
	uint64_t ts = pkt->ts_ns, number = pkt->number;

	*pkt = blank_packet;
	pkt->ts_ns = ts;
	pkt->number = number;
	pkt->caplen = caplen;
	pkt->wirelen = wirelen;
	pkt->dlt = dlt;
	if (caplen > wirelen) {
		/* A lying record header: trust only what is really there. */
		packet_set_anomaly(pkt, PA_CAPLEN_OVER_LEN);
		wirelen = caplen;
	}
	if (shortcut && decode_plain(dlt, data, caplen, wirelen, pkt))
		return PK_TCP;
	d.c = cur_make(data, caplen);
	d.frame = data;
	d.wirelen = wirelen;
	d.pkt = pkt;

	switch (dlt) {
	case DLT_EN10MB: {
		uint16_t type;

		if (!cur_need(&d.c, 14))
			return undecoded(&d, DR_TRUNCATED_LINK);
		type = be16(d.c.p + 12);
		cur_skip(&d.c, 14);
		return decode_ethertype(&d, type);
	}
	case DLT_LINUX_SLL: {
		uint16_t type;

		if (!cur_need(&d.c, 16))
			return undecoded(&d, DR_TRUNCATED_LINK);
		type = be16(d.c.p + 14);
		cur_skip(&d.c, 16);
		return decode_ethertype(&d, type);
	}
	case DLT_LINUX_SLL2: {
		uint16_t type;

		if (!cur_need(&d.c, 20))
			return undecoded(&d, DR_TRUNCATED_LINK);
		type = be16(d.c.p);
		cur_skip(&d.c, 20);
		return decode_ethertype(&d, type);
	}
	case DLT_RAW:
	case LINKTYPE_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		return decode_ip(&d);
	case DLT_NULL:
		return decode_loopback(&d, false);
	case DLT_LOOP:
		return decode_loopback(&d, true);
	case DLT_PPP:
	case DLT_PPP_SERIAL:
		return decode_ppp(&d);
	case DLT_C_HDLC: {
		uint16_t type;

		if (!cur_need(&d.c, 4))
			return undecoded(&d, DR_TRUNCATED_LINK);
		type = be16(d.c.p + 2);
		cur_skip(&d.c, 4);
		return decode_ethertype(&d, type);
	}
	case DLT_FDDI:
		/* Frame control and two addresses, then LLC. */
		if (!cur_need(&d.c, 13))
			return undecoded(&d, DR_TRUNCATED_LINK);
		cur_skip(&d.c, 13);
		return decode_ethertype(&d, 0);
	default:
		return undecoded(&d, DR_UNKNOWN_LINK_TYPE);
	}
}

#define X_NAME(e, s) s,
static const char *const reason_names[] = { DECODE_REASONS(X_NAME) };
static const char *const anomaly_names[] = { PACKET_ANOMALIES(X_NAME) };
#undef X_NAME
static const char *const kind_names[] = {
	"tcp", "udp", "icmp", "icmpv6", "other_ip", "ip_fragment", "non_ip",
	"undecoded"
};

const char *
decode_reason_name(enum decode_reason r)
{
	return (unsigned)r < DR_MAX ? reason_names[r] : "?";
}

const char *
packet_anomaly_name(enum packet_anomaly a)
{
	return (unsigned)a < PA_MAX ? anomaly_names[a] : "?";
}

const char *
pkt_kind_name(enum pkt_kind k)
{
	return (unsigned)k < PK_MAX ? kind_names[k] : "?";
}
