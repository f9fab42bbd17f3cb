/*
 * Decoding's entry point (decode.h), and its shortcut: the frames nearly
 * every capture is made of, decoded in one step each.
 *
 * IPv4 without options or fragmenting, or IPv6 without extension headers,
 * carrying TCP whose whole header was captured and whose lengths agree
 * with the IP header's, on Ethernet (with at most one 802.1Q tag), Linux
 * cooked v1 or v2 or bare IP.  The result must be exactly the view the
 * chain (decode_link.c on) gives: tests/check_decode.c runs both over every
 * frame of captures/, over the same frames under the other link layers and
 * over mutated frames, and compares the views byte for byte.  So a field
 * added to the view is filled here as the chain fills it (the payload
 * reference too, when asked for), or the test says so.  Anything else is
 * left untouched to the chain (decode.c on).
 *
 * The entry point lives here, not in decode.c, so that the shortcut is
 * inlined into it: as a call into another file it cost 13 instructions
 * more per bulk TCP frame (callgrind).  The thread's packet_ext, which
 * decode_packet()'s views point to, is defined here with it.
 */
#include "config.h"

#include "decode_int.h"

/*
 * Below, f is the frame, ip its IP header, cap and wire the captured and
 * on-the-wire bytes from ip on (cap <= wire).
 */

/*
 * Each function below takes a constant payload flag: decode_frame() calls
 * the shortcut twice, once for when no payload bytes are asked for (the
 * flag false, the payload code compiled away) and once for when they are.
 * So the plain path pays one test per frame for the payload reference:
 * noting it on that path, or after it, cost 10 instructions per frame
 * (registers saved around the TCP options' call, arguments passed).
 */
#define FAST	static inline __attribute__((always_inline))

/* The TCP header at th, l4len bytes by the IP header, hlen captured. */
FAST void
plain_tcp(const uint8_t *f, const uint8_t *th, const uint8_t *end,
    uint32_t l4len, uint32_t hlen, struct packet *pkt, bool payload,
    struct packet_ext *x)
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
	if (payload)
		payload_note(pkt, x, f, (size_t)(th + hlen - f),
		    (size_t)(end - f));
	if (hlen > 20) {
		decode_tcp_options(th + 20, hlen - 20, false, &pkt->tcp_opt);
		if (pkt->tcp_opt.malformed)
			packet_set_anomaly(pkt, PA_BAD_TCP_OPTION);
	}
}

FAST bool
plain_ipv4_tcp(const uint8_t *f, const uint8_t *ip, uint32_t cap,
    uint32_t wire, struct packet *pkt, bool payload, struct packet_ext *x)
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
	plain_tcp(f, th, ip + cap, total - 20, hlen, pkt, payload, x);
	return true;
}

FAST bool
plain_ipv6_tcp(const uint8_t *f, const uint8_t *ip, uint32_t cap,
    uint32_t wire, struct packet *pkt, bool payload, struct packet_ext *x)
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
	plain_tcp(f, th, ip + cap, plen, hlen, pkt, payload, x);
	return true;
}

/* The IP header at ip, of the version type names (an EtherType). */
FAST bool
plain_ip_tcp(uint16_t type, const uint8_t *f, const uint8_t *ip, uint32_t cap,
    uint32_t wire, struct packet *pkt, bool payload, struct packet_ext *x)
{
	if (type == ETHERTYPE_IPV4)
		return plain_ipv4_tcp(f, ip, cap, wire, pkt, payload, x);
	if (type == ETHERTYPE_IPV6)
		return plain_ipv6_tcp(f, ip, cap, wire, pkt, payload, x);
	return false;
}

/* The link layers most captures use, in front of plain_ip_tcp(). */
FAST bool
decode_plain(int dlt, const uint8_t *f, uint32_t cap, uint32_t wire,
    struct packet *pkt, bool payload, struct packet_ext *x)
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
	return plain_ip_tcp(type, f, f + off, cap - off, wire - off, pkt,
	    payload, x);
}

_Thread_local struct packet_ext decode_ext;

/* Every byte zero, padding too: what a view starts from. */
static const struct packet blank_packet;

FAST enum pkt_kind
decode_view(int dlt, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
    struct packet *pkt, bool shortcut, struct packet_ext *x)
{
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
	if (shortcut && (decode_payload_want == 0 ?
	    decode_plain(dlt, data, caplen, wirelen, pkt, false, x) :
	    decode_plain(dlt, data, caplen, wirelen, pkt, true, x)))
		return PK_TCP;
	return decode_chain(dlt, data, caplen, wirelen, pkt, x);
}

enum pkt_kind
decode_packet_ext(int dlt, const uint8_t *data, uint32_t caplen,
    uint32_t wirelen, struct packet *pkt, struct packet_ext *x)
{
	return decode_view(dlt, data, caplen, wirelen, pkt, true, x);
}

enum pkt_kind
decode_packet(int dlt, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
    struct packet *pkt)
{
	return decode_packet_ext(dlt, data, caplen, wirelen, pkt, &decode_ext);
}

enum pkt_kind
decode_frame(int dlt, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
    struct packet *pkt, bool shortcut)
{
	return decode_view(dlt, data, caplen, wirelen, pkt, shortcut,
	    &decode_ext);
}
