/*
 * The test packet builder: see pktbuild.h.  Every field is written byte by
 * byte in network order, so frames come out the same on any host.
 */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <pcap/pcap.h>
#include <string.h>

#include "pktbuild.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2	276
#endif

struct out {
	uint8_t	*buf;
	size_t	 cap;
	size_t	 len;
};

static uint8_t *
put(struct out *o, size_t n)
{
	uint8_t *p;

	ck_assert_msg(o->len + n <= o->cap, "pktbuild: frame exceeds %zu bytes",
	    o->cap);
	p = o->buf + o->len;
	memset(p, 0, n);
	o->len += n;
	return p;
}

static void
put8(struct out *o, uint8_t v)
{
	*put(o, 1) = v;
}

static void
put16(struct out *o, uint16_t v)
{
	uint8_t *p = put(o, 2);

	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(struct out *o, uint32_t v)
{
	uint8_t *p = put(o, 4);

	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
set16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

int
pb_addr(const char *s, uint8_t out[16])
{
	memset(out, 0, 16);
	if (strchr(s, ':') != NULL) {
		ck_assert_int_eq(inet_pton(AF_INET6, s, out), 1);
		return 6;
	}
	ck_assert_int_eq(inet_pton(AF_INET, s, out), 1);
	return 4;
}

void
pb_spec_tcp4(struct pb_spec *s)
{
	memset(s, 0, sizeof *s);
	s->link = PB_ETH;
	pb_addr("10.0.0.1", s->src);
	pb_addr("10.0.0.2", s->dst);
	s->proto = 6;
	s->ip_id = 0x1234;
	s->sport = 40000;
	s->dport = 80;
	s->flags = TH_ACK;
	s->seq = 1000;
	s->ack = 2000;
	s->window = 65535;
}

void
pb_spec_tcp6(struct pb_spec *s)
{
	pb_spec_tcp4(s);
	s->ipv6 = 1;
	pb_addr("2001:db8::1", s->src);
	pb_addr("2001:db8::2", s->dst);
}

int
pb_dlt(enum pb_link l)
{
	switch (l) {
	case PB_ETH:		return DLT_EN10MB;
	case PB_SLL:		return DLT_LINUX_SLL;
	case PB_SLL2:		return DLT_LINUX_SLL2;
	case PB_NULL_LE:
	case PB_NULL_BE:	return DLT_NULL;
	case PB_LOOP:		return DLT_LOOP;
	default:		return DLT_RAW;
	}
}

/* The TCP option area, padded with EOL to a multiple of four. */
static size_t
tcp_options(const struct pb_spec *s, uint8_t opt[64])
{
	const struct tcp_options *o = &s->opt;
	size_t n = 0;
	int i;

	if (o->has_mss) {
		opt[n++] = 2;
		opt[n++] = 4;
		opt[n++] = (uint8_t)(o->mss >> 8);
		opt[n++] = (uint8_t)o->mss;
	}
	if (o->sack_permitted) {
		opt[n++] = 4;
		opt[n++] = 2;
	}
	if (o->has_timestamp) {
		uint32_t v[2] = { o->ts_val, o->ts_ecr };

		opt[n++] = 8;
		opt[n++] = 10;
		for (i = 0; i < 2; i++) {
			opt[n++] = (uint8_t)(v[i] >> 24);
			opt[n++] = (uint8_t)(v[i] >> 16);
			opt[n++] = (uint8_t)(v[i] >> 8);
			opt[n++] = (uint8_t)v[i];
		}
	}
	if (o->has_wscale) {
		opt[n++] = 1;
		opt[n++] = 3;
		opt[n++] = 3;
		opt[n++] = o->wscale;
	}
	if (o->sack_blocks > 0) {
		opt[n++] = 1;
		opt[n++] = 1;
		opt[n++] = 5;
		opt[n++] = (uint8_t)(2 + 8 * o->sack_blocks);
		for (i = 0; i < o->sack_blocks; i++) {
			uint32_t v[2] = { o->sack[i].left, o->sack[i].right };
			int k;

			for (k = 0; k < 2; k++) {
				opt[n++] = (uint8_t)(v[k] >> 24);
				opt[n++] = (uint8_t)(v[k] >> 16);
				opt[n++] = (uint8_t)(v[k] >> 8);
				opt[n++] = (uint8_t)v[k];
			}
		}
	}
	ck_assert_uint_le(n + s->raw_opt_len, 60);
	if (s->raw_opt_len > 0) {
		memcpy(opt + n, s->raw_opt, s->raw_opt_len);
		n += s->raw_opt_len;
	}
	while (n % 4 != 0)
		opt[n++] = 0;
	ck_assert_msg(n <= 40, "pktbuild: %zu bytes of TCP options", n);
	return n;
}

static uint16_t
inner_type(const struct pb_spec *s)
{
	if (s->nmpls > 0)
		return 0x8847;
	if (s->pppoe)
		return 0x8864;
	return s->ipv6 ? 0x86dd : 0x0800;
}

/* The link layer up to the IP header; fills in the PPPoE length later. */
static size_t
link_header(const struct pb_spec *s, struct out *o)
{
	uint16_t type = s->nvlan > 0 ? (s->vlan_tpid[0] ? s->vlan_tpid[0] :
	    0x8100) : inner_type(s);
	size_t pppoe_at = 0;
	int i;

	switch (s->link) {
	case PB_ETH: {
		static const uint8_t mac[12] = { 0x02, 0, 0, 0, 0, 0x02,
		    0x02, 0, 0, 0, 0, 0x01 };

		memcpy(put(o, 12), mac, 12);
		put16(o, type);
		break;
	}
	case PB_SLL:
		put16(o, 0);		/* to us */
		put16(o, 1);		/* ARPHRD_ETHER */
		put16(o, 6);
		put(o, 8)[0] = 0x02;
		put16(o, type);
		break;
	case PB_SLL2:
		put16(o, type);
		put16(o, 0);
		put32(o, 2);		/* ifindex */
		put16(o, 1);
		put8(o, 0);
		put8(o, 6);
		put(o, 8)[0] = 0x02;
		break;
	case PB_NULL_LE: {
		uint8_t *p = put(o, 4);

		p[0] = s->ipv6 ? 24 : 2;
		break;
	}
	case PB_NULL_BE:
	case PB_LOOP:
		put32(o, s->ipv6 ? 24 : 2);
		break;
	case PB_RAW:
		return 0;
	}
	for (i = 0; i < s->nvlan; i++) {
		uint16_t next = i + 1 < s->nvlan ? (s->vlan_tpid[i + 1] ?
		    s->vlan_tpid[i + 1] : 0x8100) : inner_type(s);

		put16(o, (uint16_t)(100 + i));
		put16(o, next);
	}
	for (i = 0; i < s->nmpls; i++)
		put32(o, ((uint32_t)(16 + i) << 12) |
		    (i + 1 == s->nmpls ? 0x100u : 0) | 64);
	if (s->pppoe) {
		put8(o, 0x11);
		put8(o, 0);
		put16(o, 0x0001);
		pppoe_at = o->len;
		put16(o, 0);
		put16(o, s->ipv6 ? 0x0057 : 0x0021);
	}
	return pppoe_at;
}

size_t
pb_build(const struct pb_spec *s, uint8_t *buf, size_t cap,
    struct pb_offsets *off)
{
	struct out o = { buf, cap, 0 };
	uint8_t opt[64];
	size_t pppoe_at, l3, l4, optlen = 0, l4hdr, iplen, i;
	uint8_t *p;

	pppoe_at = link_header(s, &o);
	l3 = o.len;
	if (s->proto == 6)
		optlen = tcp_options(s, opt);
	l4hdr = s->proto == 6 ? 20 + optlen : s->proto == 17 ? 8 : 0;

	if (!s->ipv6) {
		ck_assert_uint_eq(s->ip4_opt_len % 4, 0);
		iplen = 20 + s->ip4_opt_len + l4hdr + s->payload_len;
		put8(&o, (uint8_t)(0x40 | (5 + s->ip4_opt_len / 4)));
		put8(&o, 0);
		put16(&o, (uint16_t)iplen);
		put16(&o, s->ip_id);
		put16(&o, s->frag);
		put8(&o, s->ttl ? s->ttl : 64);
		put8(&o, s->proto);
		put16(&o, 0);
		memcpy(put(&o, 4), s->src, 4);
		memcpy(put(&o, 4), s->dst, 4);
		memset(put(&o, s->ip4_opt_len), 1, s->ip4_opt_len);
	} else {
		size_t extlen = 0;
		int k;

		for (k = 0; k < s->next; k++)
			extlen += s->ext[k].type == 44 ? 8 :
			    ((size_t)s->ext[k].len + 1) * 8;
		iplen = 40 + extlen + l4hdr + s->payload_len;
		put32(&o, 0x60000000);
		put16(&o, (uint16_t)(iplen - 40));
		put8(&o, s->next > 0 ? s->ext[0].type : s->proto);
		put8(&o, s->ttl ? s->ttl : 64);
		memcpy(put(&o, 16), s->src, 16);
		memcpy(put(&o, 16), s->dst, 16);
		for (k = 0; k < s->next; k++) {
			uint8_t nh = k + 1 < s->next ? s->ext[k + 1].type :
			    s->proto;

			if (s->ext[k].type == 44) {
				p = put(&o, 8);
				p[0] = nh;
				set16(p + 2, s->ext[k].frag);
				p[4] = 0x12;
				p[5] = 0x34;
				p[6] = 0x56;
				p[7] = 0x78;
			} else {
				p = put(&o, ((size_t)s->ext[k].len + 1) * 8);
				p[0] = nh;
				p[1] = s->ext[k].len;
				if (s->ext[k].type != 43) {
					/* PadN over the rest of the header. */
					p[2] = 1;
					p[3] = (uint8_t)(((size_t)s->ext[k].len
					    + 1) * 8 - 4);
				}
			}
		}
	}
	if (pppoe_at != 0)
		set16(buf + pppoe_at, (uint16_t)(iplen + 2));

	l4 = o.len;
	if (s->proto == 6) {
		put16(&o, s->sport);
		put16(&o, s->dport);
		put32(&o, s->seq);
		put32(&o, s->ack);
		put8(&o, (uint8_t)(((20 + optlen) / 4) << 4));
		put8(&o, s->flags);
		put16(&o, s->window);
		put16(&o, 0);
		put16(&o, 0);
		memcpy(put(&o, optlen), opt, optlen);
	} else if (s->proto == 17) {
		put16(&o, s->sport);
		put16(&o, s->dport);
		put16(&o, (uint16_t)(8 + s->payload_len));
		put16(&o, 0);
	}
	p = put(&o, s->payload_len);
	for (i = 0; i < s->payload_len; i++)
		p[i] = s->payload != NULL ? s->payload[i] :
		    (uint8_t)('a' + i % 26);
	put(&o, s->eth_pad);
	if (off != NULL) {
		off->l3 = l3;
		off->l4 = l4;
		off->payload = l4 + l4hdr;
	}
	return o.len;
}

void
pb_tcp_packet(struct packet *pkt, uint64_t ts_ns, const char *src,
    uint16_t sport, const char *dst, uint16_t dport, uint8_t flags,
    uint32_t seq, uint32_t ack, uint16_t window, uint32_t payload_len,
    const struct tcp_options *opt, uint32_t ip_id)
{
	uint32_t hlen = 20;

	memset(pkt, 0, sizeof *pkt);
	pkt->ts_ns = ts_ns;
	pkt->kind = PK_TCP;
	pkt->ip_version = (uint8_t)pb_addr(src, pkt->src);
	ck_assert_int_eq(pb_addr(dst, pkt->dst), pkt->ip_version);
	pkt->ip_proto = 6;
	pkt->ip_ttl = 64;
	pkt->ip_id = ip_id;
	pkt->sport = sport;
	pkt->dport = dport;
	pkt->payload_len = payload_len;
	pkt->tcp_flags = flags;
	pkt->tcp_window = window;
	pkt->tcp_seq = seq;
	pkt->tcp_ack = ack;
	if (opt != NULL) {
		pkt->tcp_opt = *opt;
		hlen += (opt->has_mss ? 4 : 0) + (opt->sack_permitted ? 2 : 0) +
		    (opt->has_timestamp ? 10 : 0) + (opt->has_wscale ? 4 : 0) +
		    (opt->sack_blocks ? 4 + 8 * opt->sack_blocks : 0);
		hlen = (hlen + 3) & ~3u;
	}
	pkt->ip_len = (pkt->ip_version == 6 ? 40 : 20) + hlen + payload_len;
	pkt->caplen = pkt->wirelen = pkt->ip_len + 14;
}
