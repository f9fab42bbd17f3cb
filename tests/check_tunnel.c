/*
 * The tunnels' dissectors (decode_tunnel_udp.c, decode_gre.c, IP in IP in
 * decode_ip.c, PBB in decode_link.c) on hand-built frames: for each tunnel
 * a well-formed packet, whose view must be the inner TCP segment with the
 * right encapsulation layers, and its malformed variants (short, cut by
 * the capture, lying lengths, bad versions, nesting past the limit), each
 * with its defined outcome; every cut of every well-formed frame; the
 * tunnel context in the flow key; --no-decap and --tunnel-port's calls.
 * Frames are decoded from exact-size heap copies, so a sanitizer build
 * catches a read past the captured bytes.
 */
#include "config.h"

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "decode_int.h"
#include "flow.h"
#include "pktbuild.h"
#include "suites.h"

#define BUFSZ	2048

/* Outer endpoints: IPv4 and IPv6. */
#define O4_SRC	"192.0.2.1"
#define O4_DST	"198.51.100.1"
#define O6_SRC	"2001:db8:1::1"
#define O6_DST	"2001:db8:2::2"

/* Decode the first caplen bytes of buf from an exact-size heap copy. */
static enum pkt_kind
decode_cut(const uint8_t *buf, size_t caplen, size_t wirelen,
    struct packet *pkt)
{
	uint8_t *copy = malloc(caplen > 0 ? caplen : 1);
	enum pkt_kind k;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, buf, caplen);
	memset(pkt, 0xa5, sizeof *pkt);
	pkt->ts_ns = 1;
	pkt->number = 1;
	k = decode_packet(DLT_EN10MB, copy, (uint32_t)caplen,
	    (uint32_t)wirelen, pkt);
	free(copy);
	ck_assert_int_eq(k, pkt->kind);
	return k;
}

static enum pkt_kind
decode_all(const uint8_t *buf, size_t len, struct packet *pkt)
{
	return decode_cut(buf, len, len, pkt);
}

/*
 * The inner segment, 10.0.0.1:40000 -> 10.0.0.2:80 (IPv6: 2001:db8::1 ->
 * 2001:db8::2) with 30 payload bytes, as an Ethernet frame or bare IP.
 */
static size_t
inner_tcp(bool v6, bool eth, struct pb_spec *s, uint8_t *out)
{
	if (v6)
		pb_spec_tcp6(s);
	else
		pb_spec_tcp4(s);
	s->link = eth ? PB_ETH : PB_RAW;
	s->payload_len = 30;
	return pb_build(s, out, BUFSZ, NULL);
}

/*
 * On Ethernet, IP (v6: IPv6 from O6_SRC to O6_DST, else IPv4 from O4_SRC
 * to O4_DST) of protocol proto (UDP: from sport to dport) whose payload is
 * hdr then body.
 */
static size_t
outer(bool v6, uint8_t proto, uint16_t sport, uint16_t dport,
    const uint8_t *hdr, size_t hlen, const uint8_t *body, size_t blen,
    uint8_t *out)
{
	uint8_t payload[BUFSZ];
	struct pb_spec o;

	ck_assert_uint_le(hlen + blen, sizeof payload);
	if (hlen > 0)
		memcpy(payload, hdr, hlen);
	if (blen > 0)
		memcpy(payload + hlen, body, blen);
	if (v6) {
		pb_spec_tcp6(&o);
		pb_addr(O6_SRC, o.src);
		pb_addr(O6_DST, o.dst);
	} else {
		pb_spec_tcp4(&o);
		pb_addr(O4_SRC, o.src);
		pb_addr(O4_DST, o.dst);
	}
	o.proto = proto;
	o.sport = sport;
	o.dport = dport;
	o.payload = payload;
	o.payload_len = (uint32_t)(hlen + blen);
	return pb_build(&o, out, BUFSZ, NULL);
}

/* The view is s's TCP segment. */
static void
check_inner(const struct pb_spec *s, const struct packet *pkt)
{
	ck_assert_int_eq(pkt->kind, PK_TCP);
	ck_assert_int_eq(pkt->reason, DR_NONE);
	ck_assert_uint_eq(pkt->ip_version, s->ipv6 ? 6 : 4);
	ck_assert_mem_eq(pkt->src, s->src, 16);
	ck_assert_mem_eq(pkt->dst, s->dst, 16);
	ck_assert_uint_eq(pkt->sport, s->sport);
	ck_assert_uint_eq(pkt->dport, s->dport);
	ck_assert_uint_eq(pkt->tcp_seq, s->seq);
	ck_assert_uint_eq(pkt->payload_len, s->payload_len);
}

/* Layer i of pkt's tunnels. */
static void
check_layer(const struct packet *pkt, int i, enum encap_type type,
    uint32_t id, const char *src, const char *dst)
{
	const struct encap_layer *l = packet_encap(pkt);
	uint8_t a[16];
	int v;

	ck_assert_ptr_nonnull(l);
	ck_assert_int_lt(i, pkt->encap_depth);
	ck_assert_uint_eq(l[i].type, type);
	ck_assert_uint_eq(l[i].id, id);
	v = pb_addr(src, a);
	ck_assert_uint_eq(l[i].ip_version, v);
	ck_assert_mem_eq(l[i].src, a, 16);
	pb_addr(dst, a);
	ck_assert_mem_eq(l[i].dst, a, 16);
}

static void
check_plain(const struct packet *pkt, enum pkt_kind k)
{
	ck_assert_int_eq(pkt->kind, k);
	ck_assert_uint_eq(pkt->encap_depth, 0);
	ck_assert_uint_eq(pkt->ip_version, 4);	/* the outer header's */
}

static void
check_undecoded(const struct packet *pkt, enum decode_reason r)
{
	ck_assert_int_eq(pkt->kind, PK_UNDECODED);
	ck_assert_int_eq(pkt->reason, r);
}

/*
 * Every cut of a well-formed frame whose tunnel header ends at hdr_end:
 * nothing read past the cut (a sanitizer's job), a cut inside the outer
 * headers is theirs, a cut inside the tunnel header is truncated_tunnel
 * (or plain UDP for Teredo, which must see its header to believe it), and
 * once the inner headers are in, the view is the inner segment.
 */
static void
every_cut(const uint8_t *buf, size_t len, size_t outer_end, size_t hdr_end,
    size_t inner_l4_end, bool teredo)
{
	struct packet pkt;
	size_t cut;

	for (cut = 0; cut <= len; cut++) {
		enum pkt_kind k = decode_cut(buf, cut, len, &pkt);

		if (cut < outer_end)
			ck_assert_uint_eq(pkt.encap_depth, 0);
		else if (cut < hdr_end) {
			ck_assert_uint_eq(pkt.encap_depth, 0);
			if (teredo)
				ck_assert_int_eq(k, PK_UDP);
			else
				ck_assert_int_eq(pkt.reason,
				    DR_TRUNCATED_TUNNEL);
		} else if (cut >= inner_l4_end) {
			ck_assert_int_eq(k, PK_TCP);
			ck_assert_uint_eq(pkt.payload_len, 30);
			ck_assert_uint_ge(pkt.encap_depth, 1);
		}
	}
}

/* VXLAN: 8 bytes, I flag, VNI; Ethernet inside. */
START_TEST(test_vxlan)
{
	static const uint8_t hdr[8] = { 0x08, 0, 0, 0, 0x12, 0x34, 0x56, 0 };
	uint8_t in[BUFSZ], buf[BUFSZ], h[8];
	struct pb_spec s;
	struct packet pkt;
	size_t ilen, len;

	ilen = inner_tcp(false, true, &s, in);
	len = outer(false, 17, 50000, 4789, hdr, 8, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_inner(&s, &pkt);
	ck_assert_uint_eq(pkt.encap_depth, 1);
	check_layer(&pkt, 0, ENCAP_VXLAN, 0x123456, O4_SRC, O4_DST);
	ck_assert_uint_eq(pkt.caplen, len);
	every_cut(buf, len, 14 + 20 + 8, 14 + 20 + 8 + 8,
	    len - 30, false);

	/* The port matches at either end; over IPv6 too. */
	len = outer(true, 17, 4789, 50000, hdr, 8, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_inner(&s, &pkt);
	check_layer(&pkt, 0, ENCAP_VXLAN, 0x123456, O6_SRC, O6_DST);

	/* No I flag: not a VXLAN packet, plain UDP. */
	memcpy(h, hdr, 8);
	h[0] = 0;
	len = outer(false, 17, 50000, 4789, h, 8, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_UDP);
	ck_assert_uint_eq(pkt.dport, 4789);

	/* A datagram shorter than the header: not VXLAN's either. */
	len = outer(false, 17, 50000, 4789, hdr, 5, NULL, 0, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_UDP);

	/* Another port, only once --tunnel-port says so. */
	len = outer(false, 17, 50000, 8472, hdr, 8, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_UDP);
	ck_assert(!decode_tunnel_port("vxlan-gpe", 8472));
	ck_assert(decode_tunnel_port("vxlan", 8472));
	decode_all(buf, len, &pkt);
	check_inner(&s, &pkt);
	check_layer(&pkt, 0, ENCAP_VXLAN, 0x123456, O4_SRC, O4_DST);
	ck_assert_ptr_eq(decode_set_udp_port(8472, NULL), decode_vxlan);
}
END_TEST

/* Geneve: version 0, options, protocol type, VNI. */
START_TEST(test_geneve)
{
	uint8_t in[BUFSZ], buf[BUFSZ], h[32];
	struct pb_spec s;
	struct packet pkt;
	size_t ilen, len;

	/* Ethernet inside, 8 bytes of options (one option, 4 of data). */
	memset(h, 0, sizeof h);
	h[0] = 2;				/* 2 x 4 bytes of options */
	h[2] = 0x65, h[3] = 0x58;
	h[4] = 0, h[5] = 0, h[6] = 0x0b;	/* VNI 11 */
	h[8] = 0x01, h[9] = 0x02, h[10] = 0x80, h[11] = 1;
	ilen = inner_tcp(false, true, &s, in);
	len = outer(false, 17, 43443, 6081, h, 16, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_inner(&s, &pkt);
	check_layer(&pkt, 0, ENCAP_GENEVE, 11, O4_SRC, O4_DST);
	every_cut(buf, len, 42, 42 + 16, len - 30, false);

	/* IPv6 inside, no options. */
	h[0] = 0;
	h[2] = 0x86, h[3] = 0xdd;
	ilen = inner_tcp(true, false, &s, in);
	len = outer(false, 17, 43443, 6081, h, 8, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_inner(&s, &pkt);
	check_layer(&pkt, 0, ENCAP_GENEVE, 11, O4_SRC, O4_DST);

	/* A protocol type nobody decodes: plain UDP. */
	h[2] = 0x08, h[3] = 0x06;
	len = outer(false, 17, 43443, 6081, h, 8, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_UDP);

	/* Version 1: plain UDP. */
	h[0] = 0x40;
	h[2] = 0x86, h[3] = 0xdd;
	len = outer(false, 17, 43443, 6081, h, 8, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_UDP);

	/* Shorter than the fixed header: plain UDP. */
	len = outer(false, 17, 43443, 6081, h, 7, NULL, 0, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_UDP);

	/* Options longer than the datagram: a lie. */
	h[0] = 0x3f;				/* 252 bytes */
	len = outer(false, 17, 43443, 6081, h, 8, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_undecoded(&pkt, DR_TRUNCATED_TUNNEL);
	ck_assert_uint_eq(pkt.encap_depth, 0);

	/* Options the capture cut. */
	h[0] = 2;
	len = outer(false, 17, 43443, 6081, h, 16, in, ilen, buf);
	decode_cut(buf, 42 + 12, len, &pkt);
	check_undecoded(&pkt, DR_TRUNCATED_TUNNEL);
}
END_TEST

/* GRE version 0: its optional fields, what it carries. */
START_TEST(test_gre)
{
	uint8_t in[BUFSZ], buf[BUFSZ], h[16];
	struct pb_spec s;
	struct packet pkt;
	size_t ilen, len;

	/* IPv4 in GRE in IPv4, no options. */
	memset(h, 0, sizeof h);
	h[2] = 0x08, h[3] = 0x00;
	ilen = inner_tcp(false, false, &s, in);
	len = outer(false, 47, 0, 0, h, 4, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_inner(&s, &pkt);
	check_layer(&pkt, 0, ENCAP_GRE, 0, O4_SRC, O4_DST);
	every_cut(buf, len, 34, 38, len - 30, false);

	/* Checksum, key and sequence number: the key is the id. */
	h[0] = 0xb0;				/* C, K, S */
	h[8] = 0xde, h[9] = 0xad, h[10] = 0xbe, h[11] = 0xef;
	h[15] = 7;
	len = outer(false, 47, 0, 0, h, 16, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_inner(&s, &pkt);
	check_layer(&pkt, 0, ENCAP_GRE, 0xdeadbeef, O4_SRC, O4_DST);
	every_cut(buf, len, 34, 34 + 16, len - 30, false);

	/* Flags announce more than the packet holds. */
	len = outer(false, 47, 0, 0, h, 10, NULL, 0, buf);
	decode_all(buf, len, &pkt);
	check_undecoded(&pkt, DR_TRUNCATED_TUNNEL);

	/* Transparent Ethernet bridging (gretap), in IPv6. */
	memset(h, 0, sizeof h);
	h[0] = 0x20;				/* K */
	h[2] = 0x65, h[3] = 0x58;
	h[7] = 42;
	ilen = inner_tcp(true, true, &s, in);
	len = outer(true, 47, 0, 0, h, 8, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_inner(&s, &pkt);
	check_layer(&pkt, 0, ENCAP_GRE, 42, O6_SRC, O6_DST);

	/* Routing present (RFC 1701), version 2, an unknown type: GRE. */
	h[0] = 0x40;
	len = outer(false, 47, 0, 0, h, 8, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_OTHER_IP);
	ck_assert_uint_eq(pkt.ip_proto, 47);
	h[0] = 0x20, h[1] = 0x02;
	len = outer(false, 47, 0, 0, h, 8, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_OTHER_IP);
	h[1] = 0, h[2] = 0x88, h[3] = 0x3e;	/* WCCP */
	len = outer(false, 47, 0, 0, h, 8, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_OTHER_IP);

	/* Too short to be GRE: counted as GRE, as before. */
	len = outer(false, 47, 0, 0, h, 3, NULL, 0, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_OTHER_IP);
}
END_TEST

/* ERSPAN types I, II and III in GRE. */
START_TEST(test_erspan)
{
	uint8_t in[BUFSZ], buf[BUFSZ], h[40];
	struct pb_spec s;
	struct packet pkt;
	size_t ilen, len;

	ilen = inner_tcp(false, true, &s, in);

	/* Type I: no sequence number, no ERSPAN header. */
	memset(h, 0, sizeof h);
	h[2] = 0x88, h[3] = 0xbe;
	len = outer(false, 47, 0, 0, h, 4, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_inner(&s, &pkt);
	check_layer(&pkt, 0, ENCAP_GRE, 0, O4_SRC, O4_DST);

	/* Type II: S, then version 1, session 0x123. */
	h[0] = 0x10;
	h[7] = 1;
	h[8] = 0x10, h[9] = 0x64;		/* version 1, VLAN 100 */
	h[10] = 0x01, h[11] = 0x23;
	len = outer(false, 47, 0, 0, h, 16, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_inner(&s, &pkt);
	check_layer(&pkt, 0, ENCAP_GRE, 0x123, O4_SRC, O4_DST);
	every_cut(buf, len, 34, 34 + 16, len - 30, false);
	/* A version that is not type II's: GRE, not decapsulated. */
	h[8] = 0x20;
	len = outer(false, 47, 0, 0, h, 16, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_OTHER_IP);

	/* Type III, Ethernet, without and with the platform subheader. */
	memset(h, 0, sizeof h);
	h[0] = 0x10;
	h[2] = 0x22, h[3] = 0xeb;
	h[8] = 0x20;				/* version 2 */
	h[10] = 0x03, h[11] = 0xff;		/* session 0x3ff */
	len = outer(false, 47, 0, 0, h, 8 + 12, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_inner(&s, &pkt);
	check_layer(&pkt, 0, ENCAP_GRE, 0x3ff, O4_SRC, O4_DST);
	h[19] = 0x01;				/* O */
	len = outer(false, 47, 0, 0, h, 8 + 20, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_inner(&s, &pkt);
	every_cut(buf, len, 34, 34 + 28, len - 30, false);
	/* The subheader past the packet's end. */
	len = outer(false, 47, 0, 0, h, 8 + 12, NULL, 0, buf);
	decode_all(buf, len, &pkt);
	check_undecoded(&pkt, DR_TRUNCATED_TUNNEL);
	/* Frame type 2: IP. */
	h[18] = 2 << 2;
	h[19] = 0;
	ilen = inner_tcp(false, false, &s, in);
	len = outer(false, 47, 0, 0, h, 8 + 12, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_inner(&s, &pkt);
	/* Another frame type: not decapsulated. */
	h[18] = 5 << 2;
	len = outer(false, 47, 0, 0, h, 8 + 12, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_OTHER_IP);
}
END_TEST

/* PPTP's enhanced GRE (version 1) with PPP inside. */
START_TEST(test_pptp)
{
	uint8_t in[BUFSZ], ppp[BUFSZ], buf[BUFSZ], h[16];
	struct pb_spec s;
	struct packet pkt;
	size_t ilen, len;

	ilen = inner_tcp(false, false, &s, in);
	ppp[0] = 0xff, ppp[1] = 0x03, ppp[2] = 0x00, ppp[3] = 0x21;
	memcpy(ppp + 4, in, ilen);
	memset(h, 0, sizeof h);
	h[0] = 0x30, h[1] = 0x81;		/* K, S, A, version 1 */
	h[2] = 0x88, h[3] = 0x0b;
	h[4] = (uint8_t)((ilen + 4) >> 8), h[5] = (uint8_t)(ilen + 4);
	h[6] = 0x40, h[7] = 0x01;		/* call id */
	h[11] = 5;				/* sequence */
	h[15] = 4;				/* acknowledgement */
	len = outer(false, 47, 0, 0, h, 16, ppp, ilen + 4, buf);
	decode_all(buf, len, &pkt);
	check_inner(&s, &pkt);
	check_layer(&pkt, 0, ENCAP_GRE, 0, O4_SRC, O4_DST);
	every_cut(buf, len, 34, 34 + 16, len - 30, false);

	/* An acknowledgement alone. */
	h[4] = h[5] = 0;
	len = outer(false, 47, 0, 0, h, 16, NULL, 0, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_OTHER_IP);

	/* A payload length past the packet's end. */
	h[5] = 200;
	len = outer(false, 47, 0, 0, h, 16, ppp, ilen + 4, buf);
	decode_all(buf, len, &pkt);
	check_undecoded(&pkt, DR_TRUNCATED_TUNNEL);

	/* Not PPP, or no key: not PPTP's GRE. */
	h[5] = (uint8_t)(ilen + 4);
	h[2] = 0x08, h[3] = 0x00;
	len = outer(false, 47, 0, 0, h, 16, ppp, ilen + 4, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_OTHER_IP);
}
END_TEST

/* IP in IP: 4in4, 6in4, 4in6, 6in6. */
START_TEST(test_ip_in_ip)
{
	uint8_t in[BUFSZ], buf[BUFSZ];
	struct pb_spec s;
	struct packet pkt;
	size_t ilen, len;
	int o6, i6;

	for (o6 = 0; o6 < 2; o6++)
		for (i6 = 0; i6 < 2; i6++) {
			ilen = inner_tcp(i6, false, &s, in);
			len = outer(o6, i6 ? 41 : 4, 0, 0, NULL, 0, in, ilen,
			    buf);
			decode_all(buf, len, &pkt);
			check_inner(&s, &pkt);
			ck_assert_uint_eq(pkt.encap_depth, 1);
			check_layer(&pkt, 0, ENCAP_IP_IN_IP, 0,
			    o6 ? O6_SRC : O4_SRC, o6 ? O6_DST : O4_DST);
			every_cut(buf, len, 14 + (o6 ? 40 : 20),
			    14 + (o6 ? 40 : 20), len - 30, false);
		}

	/* Protocol 4 with an IPv6 packet inside: the inner header lies. */
	ilen = inner_tcp(true, false, &s, in);
	len = outer(false, 4, 0, 0, NULL, 0, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_undecoded(&pkt, DR_BAD_IP_VERSION);
	ck_assert_uint_eq(pkt.encap_depth, 1);
}
END_TEST

/* GTP-U header: flags, type, length of what follows the first 8, TEID. */
static size_t
gtp_header(uint8_t *h, uint8_t flags, uint8_t type, size_t rest,
    uint32_t teid)
{
	h[0] = flags;
	h[1] = type;
	h[2] = (uint8_t)(rest >> 8);
	h[3] = (uint8_t)rest;
	h[4] = (uint8_t)(teid >> 24);
	h[5] = (uint8_t)(teid >> 16);
	h[6] = (uint8_t)(teid >> 8);
	h[7] = (uint8_t)teid;
	return 8;
}

START_TEST(test_gtp_u)
{
	uint8_t in[BUFSZ], buf[BUFSZ], h[64];
	struct pb_spec s;
	struct packet pkt;
	size_t ilen, len;

	/* A G-PDU with IPv4 inside: TEID not the id (see decode_gtp_u). */
	ilen = inner_tcp(false, false, &s, in);
	gtp_header(h, 0x30, 255, ilen, 0x11111111);
	len = outer(false, 17, 2152, 2152, h, 8, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_inner(&s, &pkt);
	check_layer(&pkt, 0, ENCAP_GTP_U, 0, O4_SRC, O4_DST);
	every_cut(buf, len, 42, 50, len - 30, false);

	/* Sequence number, then two extension headers, IPv6 inside. */
	ilen = inner_tcp(true, false, &s, in);
	memset(h, 0, sizeof h);
	gtp_header(h, 0x36, 255, 4 + 4 + 8 + ilen, 0x22222222);
	h[11] = 0x85;				/* PDU session container */
	h[12] = 1, h[13] = 0x10, h[14] = 9, h[15] = 0x40;
	h[16] = 2, h[23] = 0;			/* 8 bytes, the last one */
	len = outer(false, 17, 2152, 2152, h, 24, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_inner(&s, &pkt);
	check_layer(&pkt, 0, ENCAP_GTP_U, 0, O4_SRC, O4_DST);
	every_cut(buf, len, 42, 42 + 24, len - 30, false);

	/* An extension header of length 0: a chain that cannot end. */
	h[16] = 0;
	len = outer(false, 17, 2152, 2152, h, 24, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_undecoded(&pkt, DR_TRUNCATED_TUNNEL);
	/* One past the message's end. */
	h[16] = 200;
	len = outer(false, 17, 2152, 2152, h, 24, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_undecoded(&pkt, DR_TRUNCATED_TUNNEL);
	/* A chain of 17 one-word headers: past the bound. */
	{
		uint8_t big[12 + 17 * 4];
		int i;

		memset(big, 0, sizeof big);
		gtp_header(big, 0x34, 255, 4 + 17 * 4 + ilen, 1);
		big[11] = 0x85;
		for (i = 0; i < 17; i++) {
			big[12 + 4 * i] = 1;
			big[12 + 4 * i + 3] = 0x85;
		}
		len = outer(false, 17, 2152, 2152, big, sizeof big, in, ilen,
		    buf);
		decode_all(buf, len, &pkt);
		check_undecoded(&pkt, DR_TRUNCATED_TUNNEL);
	}

	/* A length past the datagram's end. */
	ilen = inner_tcp(false, false, &s, in);
	gtp_header(h, 0x30, 255, ilen + 1, 1);
	len = outer(false, 17, 2152, 2152, h, 8, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_undecoded(&pkt, DR_TRUNCATED_TUNNEL);
	/* Shorter than the datagram: the packet ends where GTP says. */
	gtp_header(h, 0x30, 255, ilen, 1);
	memcpy(in + ilen, "pad", 3);
	len = outer(false, 17, 2152, 2152, h, 8, in, ilen + 3, buf);
	decode_all(buf, len, &pkt);
	check_inner(&s, &pkt);
	ck_assert_uint_eq(pkt.anomalies, 0);

	/* Echo request, GTP', version 2, no packet, no IP: plain UDP. */
	gtp_header(h, 0x32, 1, 4, 0);
	len = outer(false, 17, 2152, 2152, h, 12, NULL, 0, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_UDP);
	gtp_header(h, 0x20, 255, ilen, 1);
	len = outer(false, 17, 2152, 2152, h, 8, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_UDP);
	gtp_header(h, 0x50, 255, ilen, 1);
	len = outer(false, 17, 2152, 2152, h, 8, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_UDP);
	gtp_header(h, 0x30, 255, 0, 1);
	len = outer(false, 17, 2152, 2152, h, 8, NULL, 0, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_UDP);
	gtp_header(h, 0x30, 255, 20, 1);
	len = outer(false, 17, 2152, 2152, h, 8, (const uint8_t *)
	    "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
	    "\x10\x11\x12\x13\x14", 20, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_UDP);
	/* Too short for GTP's header: not GTP's. */
	len = outer(false, 17, 2152, 2152, h, 6, NULL, 0, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_UDP);
}
END_TEST

/* Teredo: optional authentication and origin, then IPv6 that fits. */
START_TEST(test_teredo)
{
	uint8_t in[BUFSZ], buf[BUFSZ], h[64];
	struct pb_spec s;
	struct packet pkt;
	size_t ilen, len;

	ilen = inner_tcp(true, false, &s, in);
	len = outer(false, 17, 3797, 3544, NULL, 0, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_inner(&s, &pkt);
	check_layer(&pkt, 0, ENCAP_TEREDO, 0, O4_SRC, O4_DST);
	every_cut(buf, len, 42, 42 + 40, len - 30, true);

	/* Origin indication. */
	memset(h, 0, sizeof h);
	h[2] = 0xf3, h[3] = 0x2b;
	len = outer(false, 17, 3544, 3797, h, 8, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_inner(&s, &pkt);
	every_cut(buf, len, 42, 42 + 8 + 40, len - 30, true);

	/* Authentication (2-byte id, 3-byte value), then origin. */
	memset(h, 0, sizeof h);
	h[1] = 1, h[2] = 2, h[3] = 3;		/* 4 + 2 + 3 + 8 + 1 = 18 */
	len = outer(false, 17, 3544, 3797, h, 18 + 8, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_inner(&s, &pkt);
	/* Its lengths past the datagram's end: not Teredo. */
	h[2] = 250;
	len = outer(false, 17, 3544, 3797, h, 18 + 8, NULL, 0, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_UDP);

	/* A bubble: IPv6 with no next header; not UDP, not undecoded. */
	{
		struct pb_spec b;
		uint8_t bub[BUFSZ];
		size_t blen;

		pb_spec_tcp6(&b);
		b.link = PB_RAW;
		b.proto = 59;
		blen = pb_build(&b, bub, sizeof bub, NULL);
		ck_assert_uint_eq(blen, 40);
		len = outer(false, 17, 3797, 3544, NULL, 0, bub, blen, buf);
		decode_all(buf, len, &pkt);
		ck_assert_int_eq(pkt.kind, PK_OTHER_IP);
		ck_assert_uint_eq(pkt.encap_depth, 1);
		ck_assert_uint_eq(pkt.anomalies, 0);
	}

	/* IPv6's payload length not the datagram's: plain UDP. */
	in[5]++;
	len = outer(false, 17, 3797, 3544, NULL, 0, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_UDP);
	in[5]--;
	/* Something else on 3544, long and short. */
	memset(h, 0x5a, sizeof h);
	len = outer(false, 17, 3797, 3544, h, sizeof h, NULL, 0, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_UDP);
	len = outer(false, 17, 3797, 3544, h, 1, NULL, 0, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_UDP);
	memset(h, 0, 3);
	len = outer(false, 17, 3797, 3544, h, 3, NULL, 0, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_UDP);

	/* Off 3544: only with a Teredo address (2001:0::/32) inside. */
	len = outer(false, 17, 3797, 32900, NULL, 0, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_UDP);
	pb_addr("2001:0:4137:9e50:8000:f12a:b9c8:2815", s.src);
	ilen = pb_build(&s, in, sizeof in, NULL);
	len = outer(false, 17, 32900, 3797, NULL, 0, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_inner(&s, &pkt);
	check_layer(&pkt, 0, ENCAP_TEREDO, 0, O4_SRC, O4_DST);
}
END_TEST

/* 802.1ah: the customer's frame inside, as a tag, not a tunnel. */
START_TEST(test_pbb)
{
	uint8_t in[BUFSZ], buf[BUFSZ];
	struct pb_spec s;
	struct packet pkt;
	size_t ilen, len;

	ilen = inner_tcp(false, true, &s, in);
	memset(buf, 0, 12);
	buf[0] = 0x02;
	buf[12] = 0x88, buf[13] = 0xe7;
	buf[14] = 0x00, buf[15] = 0x01, buf[16] = 0x02, buf[17] = 0x03;
	memcpy(buf + 18, in, ilen);		/* C-DA, C-SA, EtherType, IP */
	len = 18 + ilen;
	decode_all(buf, len, &pkt);
	check_inner(&s, &pkt);
	ck_assert_uint_eq(pkt.encap_depth, 0);
	decode_cut(buf, 18 + 13, len, &pkt);
	check_undecoded(&pkt, DR_TRUNCATED_LINK);

	/* PBB in PBB ... as deep as VLAN tags may go. */
	{
		uint8_t deep[BUFSZ];
		size_t n = 0;
		int i;

		memcpy(deep, buf, 12);
		n = 12;
		for (i = 0; i <= DECODE_MAX_VLAN_TAGS; i++) {
			deep[n] = 0x88, deep[n + 1] = 0xe7;
			memset(deep + n + 2, 0, 16);
			n += 2 + 16;
		}
		memcpy(deep + n, in + 12, ilen - 12);
		n += ilen - 12;
		decode_all(deep, n, &pkt);
		check_undecoded(&pkt, DR_VLAN_TOO_DEEP);
	}
}
END_TEST

/*
 * Tunnels in tunnels: IPv4 TCP in GTP-U in IPv6 in VXLAN in GRE: four,
 * the limit; one more (GRE around it all) is too deep.
 */
START_TEST(test_nested)
{
	uint8_t in[BUFSZ], a[BUFSZ], b[BUFSZ];
	static const uint8_t vx[8] = { 0x08, 0, 0, 0, 0, 0, 7, 0 };
	static const uint8_t gre_eth[4] = { 0, 0, 0x65, 0x58 };
	static const uint8_t gre_ip[4] = { 0, 0, 0x08, 0x00 };
	uint8_t gtp[8];
	struct pb_spec s;
	struct packet pkt;
	size_t ilen, len;

	ck_assert_int_eq(PACKET_MAX_ENCAP, 4);
	ilen = inner_tcp(false, false, &s, in);
	gtp_header(gtp, 0x30, 255, ilen, 9);
	len = outer(true, 17, 2152, 2152, gtp, 8, in, ilen, a);
	/* The IPv6 packet without its Ethernet header, in IPv4. */
	len = outer(false, 41, 0, 0, NULL, 0, a + 14, len - 14, b);
	len = outer(false, 17, 1, 4789, vx, 8, b, len, a);
	len = outer(false, 47, 0, 0, gre_eth, 4, a, len, b);
	decode_all(b, len, &pkt);
	check_inner(&s, &pkt);
	ck_assert_uint_eq(pkt.encap_depth, 4);
	check_layer(&pkt, 0, ENCAP_GRE, 0, O4_SRC, O4_DST);
	check_layer(&pkt, 1, ENCAP_VXLAN, 7, O4_SRC, O4_DST);
	check_layer(&pkt, 2, ENCAP_IP_IN_IP, 0, O4_SRC, O4_DST);
	check_layer(&pkt, 3, ENCAP_GTP_U, 0, O6_SRC, O6_DST);

	len = outer(false, 47, 0, 0, gre_ip, 4, b + 14, len - 14, a);
	decode_all(a, len, &pkt);
	check_undecoded(&pkt, DR_TUNNEL_TOO_DEEP);
	ck_assert_uint_eq(pkt.encap_depth, PACKET_MAX_ENCAP);
	/* The view is the tunnel that was one too many: GTP-U's UDP. */
	ck_assert_uint_eq(pkt.ip_version, 6);
	ck_assert_uint_eq(pkt.dport, 2152);
}
END_TEST

/*
 * The tunnel context in the flow key: GTP-U's directions (two TEIDs) are
 * one flow; the same inner conversation in two VNIs is two flows.
 */
START_TEST(test_tunnel_flow_key)
{
	uint8_t in[BUFSZ], buf[BUFSZ], h[8];
	struct flow_table *t = flow_table_new();
	struct pb_spec s;
	struct packet pkt;
	struct flow *f, *g;
	enum flow_dir dir;
	size_t ilen, len;
	uint8_t tmp[16];

	ilen = inner_tcp(false, false, &s, in);
	gtp_header(h, 0x30, 255, ilen, 0x1111);
	len = outer(false, 17, 2152, 2152, h, 8, in, ilen, buf);
	decode_all(buf, len, &pkt);
	ck_assert_ptr_null(flow_table_lookup(t, &pkt, &dir));
	f = flow_table_create(t, &pkt, &dir);
	ck_assert_int_eq(dir, DIR_C2S);

	/* The answer: both headers turned round, the other TEID. */
	memcpy(tmp, s.src, 16);
	memcpy(s.src, s.dst, 16);
	memcpy(s.dst, tmp, 16);
	s.sport = 80;
	s.dport = 40000;
	ilen = pb_build(&s, in, sizeof in, NULL);
	gtp_header(h, 0x30, 255, ilen, 0x2222);
	{
		struct pb_spec o;
		uint8_t payload[BUFSZ];

		pb_spec_tcp4(&o);
		pb_addr(O4_DST, o.src);
		pb_addr(O4_SRC, o.dst);
		o.proto = 17;
		o.sport = o.dport = 2152;
		memcpy(payload, h, 8);
		memcpy(payload + 8, in, ilen);
		o.payload = payload;
		o.payload_len = (uint32_t)(8 + ilen);
		len = pb_build(&o, buf, sizeof buf, NULL);
	}
	decode_all(buf, len, &pkt);
	ck_assert_int_eq(pkt.kind, PK_TCP);
	ck_assert_ptr_eq(flow_table_lookup(t, &pkt, &dir), f);
	ck_assert_int_eq(dir, DIR_S2C);

	/* VXLAN: VNI 1 and VNI 2, the same inner segment. */
	ilen = inner_tcp(false, true, &s, in);
	memset(h, 0, 8);
	h[0] = 0x08, h[6] = 1;
	len = outer(false, 17, 1, 4789, h, 8, in, ilen, buf);
	decode_all(buf, len, &pkt);
	ck_assert_ptr_null(flow_table_lookup(t, &pkt, &dir));
	g = flow_table_create(t, &pkt, &dir);
	h[6] = 2;
	len = outer(false, 17, 1, 4789, h, 8, in, ilen, buf);
	decode_all(buf, len, &pkt);
	ck_assert_ptr_null(flow_table_lookup(t, &pkt, &dir));
	ck_assert_ptr_ne(flow_table_create(t, &pkt, &dir), g);
	ck_assert_uint_eq(flow_table_live(t), 3);
	flow_table_free(t);
}
END_TEST

/*
 * The defaults are registered at start-up; decode_set_tunnels(false)
 * takes them (and ports added) away, true puts them back.
 */
START_TEST(test_no_decap)
{
	static const uint8_t vx[8] = { 0x08, 0, 0, 0, 0, 0, 1, 0 };
	uint8_t in[BUFSZ], buf[BUFSZ];
	struct pb_spec s;
	struct packet pkt;
	size_t ilen, len;

	/* Each default row is there (replacing it by itself says so). */
	ck_assert_ptr_eq(decode_set_udp_port(4789, decode_vxlan),
	    decode_vxlan);
	ck_assert_ptr_eq(decode_set_udp_port(6081, decode_geneve),
	    decode_geneve);
	ck_assert_ptr_eq(decode_set_udp_port(2152, decode_gtp_u),
	    decode_gtp_u);
	ck_assert_ptr_eq(decode_set_udp_port(3544, decode_teredo),
	    decode_teredo);
	ck_assert_ptr_eq(decode_set_ip_proto(4, decode_ip_in_ip),
	    decode_ip_in_ip);
	ck_assert_ptr_eq(decode_set_ip_proto(41, decode_ip_in_ip),
	    decode_ip_in_ip);
	ck_assert_ptr_eq(decode_set_ip_proto(47, decode_gre), decode_gre);
	ck_assert_ptr_eq(decode_set_udp_probe(decode_teredo_probe),
	    decode_teredo_probe);
	ck_assert_ptr_eq(decode_set_ethertype(0x88e7, decode_pbb),
	    decode_pbb);

	ck_assert(decode_tunnel_port("geneve", 9999));
	decode_set_tunnels(false);
	ck_assert_ptr_null(decode_set_udp_port(4789, NULL));
	ck_assert_ptr_null(decode_set_udp_port(9999, NULL));
	ck_assert_ptr_null(decode_set_ip_proto(47, NULL));
	ck_assert_ptr_null(decode_set_ip_proto(4, NULL));
	ck_assert_ptr_null(decode_set_udp_probe(NULL));
	ck_assert(!decode_udp_more);
	/* PBB is a tag, not a tunnel: it stays. */
	ck_assert_ptr_eq(decode_set_ethertype(0x88e7, decode_pbb),
	    decode_pbb);

	ilen = inner_tcp(false, true, &s, in);
	len = outer(false, 17, 1, 4789, vx, 8, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_UDP);
	ck_assert_ptr_null(pkt.ext);
	ilen = inner_tcp(false, false, &s, in);
	len = outer(false, 4, 0, 0, NULL, 0, in, ilen, buf);
	decode_all(buf, len, &pkt);
	check_plain(&pkt, PK_OTHER_IP);

	decode_set_tunnels(true);
	ck_assert(decode_udp_more);
	decode_all(buf, len, &pkt);
	check_inner(&s, &pkt);
	ck_assert_ptr_eq(decode_set_udp_port(4789, decode_vxlan),
	    decode_vxlan);
	ck_assert_ptr_eq(decode_set_udp_port(3544, decode_teredo),
	    decode_teredo);
	ck_assert_ptr_eq(decode_set_udp_probe(decode_teredo_probe),
	    decode_teredo_probe);
	ck_assert_ptr_null(decode_set_udp_port(9999, NULL));
}
END_TEST

/*
 * Random bytes over the tunnel headers of well-formed frames: any outcome
 * but a read past the capture (under a sanitizer) or an inconsistent view.
 */
START_TEST(test_tunnel_mutations)
{
	uint8_t in[BUFSZ], frames[6][BUFSZ], buf[BUFSZ], h[32];
	size_t lens[6], hdr_at = 42, ilen;
	uint64_t r = 0x2545f4914f6cdd1dULL;
	struct pb_spec s;
	struct packet pkt;
	int f, i, k;

	memset(h, 0, sizeof h);
	ilen = inner_tcp(false, true, &s, in);
	h[0] = 0x08;
	lens[0] = outer(false, 17, 1, 4789, h, 8, in, ilen, frames[0]);
	h[0] = 2, h[2] = 0x65, h[3] = 0x58;
	lens[1] = outer(false, 17, 1, 6081, h, 16, in, ilen, frames[1]);
	memset(h, 0, sizeof h);
	h[0] = 0x10, h[2] = 0x88, h[3] = 0xbe, h[8] = 0x10;
	lens[2] = outer(false, 47, 0, 0, h, 16, in, ilen, frames[2]);
	ilen = inner_tcp(false, false, &s, in);
	memset(h, 0, sizeof h);
	gtp_header(h, 0x34, 255, 4 + 4 + ilen, 1);
	h[11] = 0x85, h[12] = 1;
	lens[3] = outer(false, 17, 2152, 2152, h, 16, in, ilen, frames[3]);
	ilen = inner_tcp(true, false, &s, in);
	lens[4] = outer(false, 17, 3544, 1, NULL, 0, in, ilen, frames[4]);
	memset(h, 0, sizeof h);
	h[0] = 0x30, h[1] = 0x01, h[2] = 0x88, h[3] = 0x0b;
	h[5] = (uint8_t)(ilen + 2), h[12] = 0x00, h[13] = 0x57;
	lens[5] = outer(false, 47, 0, 0, h, 14, in, ilen, frames[5]);

	for (f = 0; f < 6; f++)
		for (i = 0; i < 3000; i++) {
			size_t len = lens[f], at = f == 2 || f == 5 ? 34 :
			    hdr_at, cut = len, wire = len;

			memcpy(buf, frames[f], len);
			for (k = 0; k < 1 + (int)(r % 4); k++) {
				r ^= r << 13, r ^= r >> 7, r ^= r << 17;
				buf[at + r % 40] = (uint8_t)(r >> 40);
			}
			r ^= r << 13, r ^= r >> 7, r ^= r << 17;
			if (r % 3 == 0)
				cut = at + (r >> 8) % (len - at);
			if (r % 5 == 0)
				wire = cut + (r >> 20) % 64;
			decode_cut(buf, cut, wire, &pkt);
			ck_assert_uint_le(pkt.encap_depth, PACKET_MAX_ENCAP);
			if (pkt.kind == PK_UNDECODED)
				ck_assert_int_ne(pkt.reason, DR_NONE);
		}
}
END_TEST

Suite *
tunnel_suite(void)
{
	Suite *s = suite_create("tunnel");
	TCase *tc = tcase_create("tunnel");

	tcase_add_test(tc, test_vxlan);
	tcase_add_test(tc, test_geneve);
	tcase_add_test(tc, test_gre);
	tcase_add_test(tc, test_erspan);
	tcase_add_test(tc, test_pptp);
	tcase_add_test(tc, test_ip_in_ip);
	tcase_add_test(tc, test_gtp_u);
	tcase_add_test(tc, test_teredo);
	tcase_add_test(tc, test_pbb);
	tcase_add_test(tc, test_nested);
	tcase_add_test(tc, test_tunnel_flow_key);
	tcase_add_test(tc, test_no_decap);
	tcase_add_test(tc, test_tunnel_mutations);
	suite_add_tcase(s, tc);
	return s;
}
