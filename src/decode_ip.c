/*
 * The network layer: IPv4 (options skipped, fragments told apart) and
 * IPv6 with its chain of extension headers.
 *
 * Two lengths meet here.  The captured bytes are the cursor; the length
 * the IP header claims limits the cursor (what follows it in the frame is
 * link-layer padding) and is handed to the transport as its length on the
 * wire.  A claim beyond the frame's wire length is trusted for the
 * sequence space, as for any snaplen cut, and counted
 * (PA_IP_LENGTH_OVER_FRAME); a length of zero is a TSO segment captured at
 * the sender (PA_IP_LENGTH_ZERO) and the frame's length stands in for it.
 * A non-first fragment carries no transport header: PK_FRAGMENT.  The
 * IPv6 extension chain is walked at most DECODE_MAX_IPV6_EXT headers deep.
 *
 * IP in IP (protocols 4 and 41: 4in4, 6in4, 4in6, 6in6, and IPIP, sit,
 * ip6tnl and ISATAP tunnels) is a tunnel with no header of its own: the
 * inner IP header follows the outer one (or its extension headers).
 */
#include "config.h"

#include "decode_int.h"

enum pkt_kind
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

enum pkt_kind
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
	if (plen == 0 && wire > 40) {
		/*
		 * A jumbogram or a TSO segment: trust the frame.  Nothing
		 * after the header is a packet with no payload (a Teredo
		 * bubble, say), not one of those.
		 */
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
enum pkt_kind
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

/* IP protocol 4 (IPv4) or 41 (IPv6): the tunnel's id is 0. */
enum pkt_kind
decode_ip_in_ip(struct decoder *d)
{
	return decode_inner(d, ENCAP_IP_IN_IP, 0, 0, DECODE_NEXT_IP,
	    d->pkt->ip_proto);
}
