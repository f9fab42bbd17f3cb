/*
 * The transport layer: TCP, UDP and ICMP headers, and TCP's options.
 *
 * The cursor arrives at the transport header, limited to the IP packet
 * (link-layer padding is not payload), and with it the transport length the
 * IP header claims.  The payload length comes from that claim, never from
 * the captured bytes: sequence analysis must see a snaplen-cut segment's
 * true length.  A header the capture cut is DR_TRUNCATED_*; one whose length
 * cannot fit in what IP claims is DR_BAD_*.  Each dissector is a row of the
 * IP protocol table (decode.c), called with d->l4len and d->fragmented
 * set; UDP then offers its payload to the UDP port table, when that has
 * rows, as a complete UDP view that a port's dissector may go on from.
 */
#include "config.h"

#include "decode_int.h"

/* One option of kind and length olen (2 or more, all there) at v. */
static void
tcp_option(uint8_t kind, uint8_t olen, const uint8_t *v,
    struct tcp_options *o)
{
	switch (kind) {
	case 2:				/* MSS */
		if (olen != 4) {
			o->malformed = 1;
			break;
		}
		o->has_mss = 1;
		o->mss = be16(v + 2);
		break;
	case 3:				/* window scale */
		if (olen != 3) {
			o->malformed = 1;
			break;
		}
		o->has_wscale = 1;
		o->wscale = v[2];
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
			o->sack[k].left = be32(v + 2 + 8 * k);
			o->sack[k].right = be32(v + 6 + 8 * k);
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
		o->ts_val = be32(v + 2);
		o->ts_ecr = be32(v + 6);
		break;
	default:
		break;
	}
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
		tcp_option(kind, olen, opt + i, o);
		i += olen;
	}
}

enum pkt_kind
decode_tcp(struct decoder *d)
{
	struct packet *pkt = d->pkt;
	const uint8_t *p = d->c.p;
	size_t l4len = d->l4len, hlen, optcap;

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
	if (decode_payload_want != 0)
		payload_note(pkt, d->ext, d->frame,
		    (size_t)(p - d->frame) + hlen,
		    (size_t)(d->c.end - d->frame));
	return kind(d, PK_TCP);
}

/*
 * A decoded datagram's payload, when asked for or when a port's row may
 * go on from it: out of decode_udp(), whose plain path then saves no
 * registers for it.  A tunnel's row replaces the payload noted here by
 * the inner packet's.
 */
static enum pkt_kind
udp_payload(struct decoder *d)
{
	if (decode_payload_want != 0)
		payload_note(d->pkt, d->ext, d->frame,
		    (size_t)(d->c.p - d->frame) + 8,
		    (size_t)(d->c.end - d->frame));
	return decode_udp_port(d);
}

enum pkt_kind
decode_udp(struct decoder *d)
{
	struct packet *pkt = d->pkt;
	const uint8_t *p = d->c.p;
	size_t l4len = d->l4len;
	uint16_t ulen;

	if (l4len < 8)
		return undecoded(d, DR_BAD_UDP_LENGTH);
	if (!cur_need(&d->c, 8))
		return undecoded(d, DR_TRUNCATED_UDP);
	pkt->sport = be16(p);
	pkt->dport = be16(p + 2);
	ulen = be16(p + 4);
	/* The IP length rules: a UDP length that disagrees is only noted. */
	if (!d->fragmented && ulen != l4len)
		packet_set_anomaly(pkt, PA_UDP_LENGTH_MISMATCH);
	pkt->payload_len = (uint32_t)(l4len - 8);
	kind(d, PK_UDP);
	if (!decode_udp_more)
		return PK_UDP;
	return udp_payload(d);
}

enum pkt_kind
decode_icmp(struct decoder *d)
{
	return kind(d, PK_ICMP);
}

enum pkt_kind
decode_icmpv6(struct decoder *d)
{
	return kind(d, PK_ICMPV6);
}
