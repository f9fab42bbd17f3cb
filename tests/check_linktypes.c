/*
 * The link types of decode_wifi.c, decode_nflog.c and decode_pktap.c on
 * hand-built frames: IEEE 802.11 bare and behind radiotap, PPI, AVS and
 * Prism headers, Linux NFLOG and Apple PKTAP, and 802.2 LLC/SNAP that
 * 802.11 hands its payload to.  Each carries a TCP segment that must come
 * out as the same view as on Ethernet; each header that lies or is cut
 * short must give its documented reason.  Every frame is decoded from a
 * malloc'd copy of exactly caplen bytes, and every prefix of each
 * well-formed frame is decoded too, so a sanitizer build (or valgrind)
 * catches a read past the capture.
 */
#include "config.h"

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "decode_int.h"
#include "pktbuild.h"
#include "suites.h"

#define BUFSZ	4096

/* Decode the first caplen bytes of buf from an exact-size heap copy. */
static enum pkt_kind
decode_exact(int dlt, const uint8_t *buf, uint32_t caplen, uint32_t wirelen,
    struct packet *pkt)
{
	uint8_t *copy = malloc(caplen > 0 ? caplen : 1);
	enum pkt_kind k;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, buf, caplen);
	memset(pkt, 0xa5, sizeof *pkt);
	pkt->ts_ns = 0;
	pkt->number = 1;
	k = decode_packet(dlt, copy, caplen, wirelen, pkt);
	free(copy);
	ck_assert_int_eq(k, pkt->kind);
	return k;
}

/* The whole frame: its kind. */
static enum pkt_kind
decode_all(int dlt, const uint8_t *buf, size_t len, struct packet *pkt)
{
	return decode_exact(dlt, buf, (uint32_t)len, (uint32_t)len, pkt);
}

/* The frame undecoded for reason r (line: the caller's, for a failure). */
static void
expect_reason_at(int line, int dlt, const uint8_t *buf, size_t caplen,
    size_t wirelen, enum decode_reason r)
{
	struct packet pkt;
	enum pkt_kind k;

	k = decode_exact(dlt, buf, (uint32_t)caplen, (uint32_t)wirelen, &pkt);
	ck_assert_msg(k == PK_UNDECODED && pkt.reason == r,
	    "line %d: %s/%s, expected undecoded/%s", line, pkt_kind_name(k),
	    decode_reason_name(pkt.reason), decode_reason_name(r));
}

#define expect_reason(dlt, buf, caplen, wirelen, r)			\
	expect_reason_at(__LINE__, dlt, buf, caplen, wirelen, r)

static bool
has_anomaly(const struct packet *pkt, enum packet_anomaly a)
{
	return (pkt->anomalies & (1u << a)) != 0;
}

/* A TCP segment with 100 payload bytes as bare IP; its length. */
static size_t
ip_segment(struct pb_spec *s, bool v6, uint8_t *ip)
{
	if (v6)
		pb_spec_tcp6(s);
	else
		pb_spec_tcp4(s);
	s->link = PB_RAW;
	s->flags = TH_ACK | TH_PUSH;
	s->seq = 1000;
	s->ack = 2000;
	s->payload_len = 100;
	return pb_build(s, ip, BUFSZ, NULL);
}

/* The view is the spec's segment, as on any other link. */
static void
check_tcp(const struct pb_spec *s, const struct packet *pkt)
{
	ck_assert_int_eq(pkt->kind, PK_TCP);
	ck_assert_int_eq(pkt->reason, DR_NONE);
	ck_assert_uint_eq(pkt->ip_version, s->ipv6 ? 6 : 4);
	ck_assert_mem_eq(pkt->src, s->src, s->ipv6 ? 16 : 4);
	ck_assert_mem_eq(pkt->dst, s->dst, s->ipv6 ? 16 : 4);
	ck_assert_uint_eq(pkt->sport, s->sport);
	ck_assert_uint_eq(pkt->dport, s->dport);
	ck_assert_uint_eq(pkt->tcp_seq, s->seq);
	ck_assert_uint_eq(pkt->tcp_ack, s->ack);
	ck_assert_uint_eq(pkt->tcp_flags, s->flags);
	ck_assert_uint_eq(pkt->payload_len, s->payload_len);
	ck_assert_uint_eq(pkt->anomalies, 0);
}

static void
put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* NFLOG's TLV words are in the capturing host's order: this host's. */
static void
put_host16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof v);
}

/*
 * Every prefix of a frame decodes to a defined outcome: the full frame's
 * kind, or undecoded with a reason (never DR_NONE), or non-IP (an LLC cut
 * before its SNAP header is not: see test_llc).  With the wire length the
 * whole frame's, and with it the prefix's.
 */
static void
every_prefix(int dlt, const uint8_t *buf, size_t len)
{
	struct packet pkt;
	size_t k;

	for (k = 0; k <= len; k++) {
		enum pkt_kind kd;

		kd = decode_exact(dlt, buf, (uint32_t)k, (uint32_t)len, &pkt);
		ck_assert_uint_eq(pkt.caplen, k);
		if (kd == PK_UNDECODED)
			ck_assert_int_ne(pkt.reason, DR_NONE);
		else
			ck_assert_int_eq(kd, PK_TCP);
		kd = decode_exact(dlt, buf, (uint32_t)k, (uint32_t)k, &pkt);
		if (kd == PK_UNDECODED)
			ck_assert_int_ne(pkt.reason, DR_NONE);
		else
			ck_assert_int_eq(kd, PK_TCP);
	}
}

/*
 * IEEE 802.11.  Frame control's first byte: type in bits 2-3, subtype in
 * 4-7; the second byte: to-DS 0x01, from-DS 0x02, more fragments 0x04,
 * Protected 0x40, Order 0x80.
 */
#define FC_DATA		0x08
#define FC_QOS_DATA	0x88
#define FC_NULL		0x48
#define FC_QOS_NULL	0xc8
#define FC_BEACON	0x80
#define FC_ACK		0xd4
#define FL_TO_DS	0x01
#define FL_FROM_DS	0x02
#define FL_MORE_FRAG	0x04
#define FL_PROTECTED	0x40
#define FL_ORDER	0x80

struct wifi_spec {
	uint8_t		fc;		/* frame control, first byte */
	uint8_t		flags;		/* and second */
	uint8_t		qos;		/* QoS control's first byte */
	uint8_t		frag;		/* fragment number */
	bool		pad;		/* MAC header padded to 4 bytes */
	const uint8_t	*llc;		/* 8 bytes; NULL: SNAP for the IP */
};

/* The MAC header's length for w (padding included). */
static size_t
wifi_hlen(const struct wifi_spec *w)
{
	size_t n = (w->flags & 3) == 3 ? 30 : 24;

	if (w->fc & 0x80) {
		n += 2;
		if (w->flags & FL_ORDER)
			n += 4;
	}
	return w->pad ? (n + 3) & ~(size_t)3 : n;
}

/* An 802.11 frame around the IP packet ip (version v6) into out. */
static size_t
wifi_build(const struct wifi_spec *w, const uint8_t *ip, size_t iplen,
    bool v6, uint8_t *out)
{
	static const uint8_t snap[6] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };
	size_t n = wifi_hlen(w);

	memset(out, 0x5c, n);		/* durations, addresses, HT control */
	out[0] = w->fc;
	out[1] = w->flags;
	out[22] = w->frag;
	out[23] = 0x01;
	if (w->fc & 0x80)
		out[(w->flags & 3) == 3 ? 30 : 24] = w->qos;
	if (w->llc != NULL) {
		memcpy(out + n, w->llc, 8);
	} else {
		memcpy(out + n, snap, 6);
		out[n + 6] = v6 ? 0x86 : 0x08;
		out[n + 7] = v6 ? 0xdd : 0x00;
	}
	memcpy(out + n + 8, ip, iplen);
	return n + 8 + iplen;
}

START_TEST(test_wifi_data)
{
	static const struct wifi_spec kinds[] = {
		{ FC_DATA, FL_TO_DS, 0, 0, false, NULL },
		{ FC_DATA, FL_FROM_DS, 0, 0, false, NULL },
		{ FC_DATA, FL_TO_DS | FL_FROM_DS, 0, 0, false, NULL },
		{ FC_DATA, FL_TO_DS | FL_ORDER, 0, 0, false, NULL },
		{ FC_QOS_DATA, FL_TO_DS, 0x05, 0, false, NULL },
		{ FC_QOS_DATA, FL_TO_DS | FL_ORDER, 0x05, 0, false, NULL },
		{ FC_QOS_DATA, FL_TO_DS | FL_FROM_DS, 0x05, 0, false, NULL },
		{ FC_QOS_DATA, FL_TO_DS | FL_FROM_DS | FL_ORDER, 0, 0, false,
		    NULL },
	};
	static const size_t hlens[] = { 24, 24, 30, 24, 26, 30, 32, 36 };
	struct pb_spec s;
	struct packet pkt;
	uint8_t ip[BUFSZ], f[BUFSZ];
	size_t iplen, len, i;
	int v6;

	for (v6 = 0; v6 <= 1; v6++) {
		iplen = ip_segment(&s, v6, ip);
		for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
			ck_assert_uint_eq(wifi_hlen(&kinds[i]), hlens[i]);
			len = wifi_build(&kinds[i], ip, iplen, v6, f);
			ck_assert_int_eq(decode_all(DLT_IEEE802_11, f, len,
			    &pkt), PK_TCP);
			check_tcp(&s, &pkt);
			ck_assert_int_eq(pkt.dlt, DLT_IEEE802_11);
		}
	}
	/* 4 addresses, QoS and HT control: cut anywhere. */
	iplen = ip_segment(&s, false, ip);
	len = wifi_build(&kinds[7], ip, iplen, false, f);
	every_prefix(DLT_IEEE802_11, f, len);
}
END_TEST

START_TEST(test_wifi_not_decoded)
{
	static const uint8_t stp[8] = { 0x42, 0x42, 0x03, 0, 0, 0, 0, 0 };
	struct wifi_spec w;
	struct pb_spec s;
	struct packet pkt;
	uint8_t ip[BUFSZ], f[BUFSZ];
	size_t iplen, len;

	iplen = ip_segment(&s, false, ip);
	memset(&w, 0, sizeof w);

	/* Management, control and null data carry no packet. */
	w.fc = FC_BEACON;
	len = wifi_build(&w, ip, iplen, false, f);
	ck_assert_int_eq(decode_all(DLT_IEEE802_11, f, len, &pkt), PK_NON_IP);
	w.fc = FC_ACK;
	wifi_build(&w, ip, 0, false, f);
	ck_assert_int_eq(decode_all(DLT_IEEE802_11, f, 10, &pkt), PK_NON_IP);
	w.fc = FC_NULL;
	w.flags = FL_TO_DS;
	wifi_build(&w, ip, 0, false, f);
	ck_assert_int_eq(decode_all(DLT_IEEE802_11, f, 24, &pkt), PK_NON_IP);
	w.fc = FC_QOS_NULL;
	wifi_build(&w, ip, 0, false, f);
	ck_assert_int_eq(decode_all(DLT_IEEE802_11, f, 26, &pkt), PK_NON_IP);
	/* Protocol version 1 is not this frame format. */
	w.fc = FC_DATA | 0x01;
	len = wifi_build(&w, ip, iplen, false, f);
	ck_assert_int_eq(decode_all(DLT_IEEE802_11, f, len, &pkt), PK_NON_IP);
	/* 802.2 without SNAP (spanning tree) is not IP. */
	w.fc = FC_DATA;
	w.llc = stp;
	len = wifi_build(&w, ip, iplen, false, f);
	ck_assert_int_eq(decode_all(DLT_IEEE802_11, f, len, &pkt), PK_NON_IP);
	w.llc = NULL;

	/* Encrypted: WEP, TKIP or CCMP; the bytes after the header are not IP. */
	w.fc = FC_QOS_DATA;
	w.flags = FL_TO_DS | FL_PROTECTED;
	len = wifi_build(&w, ip, iplen, false, f);
	expect_reason(DLT_IEEE802_11, f, len, len, DR_ENCRYPTED_80211);
	/* An A-MSDU holds several packets. */
	w.flags = FL_FROM_DS;
	w.qos = 0x80;
	len = wifi_build(&w, ip, iplen, false, f);
	expect_reason(DLT_IEEE802_11, f, len, len, DR_UNSUPPORTED_80211);
	/* A fragment after the first starts inside a packet. */
	w.qos = 0;
	w.frag = 1;
	len = wifi_build(&w, ip, iplen, false, f);
	expect_reason(DLT_IEEE802_11, f, len, len, DR_UNSUPPORTED_80211);
	/*
	 * The first fragment has the headers: the IP length, beyond the
	 * frame, is the segment's, as after a snaplen cut.
	 */
	w.frag = 0;
	w.flags = FL_FROM_DS | FL_MORE_FRAG;
	len = wifi_build(&w, ip, iplen, false, f);
	ck_assert_int_eq(decode_all(DLT_IEEE802_11, f, len - 60, &pkt),
	    PK_TCP);
	ck_assert_uint_eq(pkt.payload_len, 100);
	ck_assert(has_anomaly(&pkt, PA_IP_LENGTH_OVER_FRAME));

	/* Shorter than its MAC header: frame control, then the rest. */
	expect_reason(DLT_IEEE802_11, f, 1, 1, DR_TRUNCATED_LINK);
	expect_reason(DLT_IEEE802_11, f, 25, len, DR_TRUNCATED_LINK);
	expect_reason(DLT_IEEE802_11, f, 25, 25, DR_TRUNCATED_LINK);
	/* A 4-address frame cut after 3 addresses. */
	w.flags = FL_TO_DS | FL_FROM_DS;
	len = wifi_build(&w, ip, iplen, false, f);
	expect_reason(DLT_IEEE802_11, f, 28, len, DR_TRUNCATED_LINK);
	/* Cut inside LLC/SNAP. */
	expect_reason(DLT_IEEE802_11, f, 34, len, DR_TRUNCATED_LINK);
	expect_reason(DLT_IEEE802_11, f, 39, len, DR_TRUNCATED_LINK);
}
END_TEST

/* 802.2 LLC after an 802.3 length: SNAP carries IP, a cut one is a cut. */
START_TEST(test_llc)
{
	struct pb_spec s;
	struct packet pkt;
	uint8_t ip[BUFSZ], f[BUFSZ];
	size_t iplen, len;

	iplen = ip_segment(&s, false, ip);
	memset(f, 0x02, 12);
	f[12] = (uint8_t)((iplen + 8) >> 8);
	f[13] = (uint8_t)(iplen + 8);
	memcpy(f + 14, "\xaa\xaa\x03\0\0\0\x08\x00", 8);
	memcpy(f + 22, ip, iplen);
	len = 22 + iplen;
	ck_assert_int_eq(decode_all(DLT_EN10MB, f, len, &pkt), PK_TCP);
	check_tcp(&s, &pkt);
	expect_reason(DLT_EN10MB, f, 14, len, DR_TRUNCATED_LINK);
	expect_reason(DLT_EN10MB, f, 16, len, DR_TRUNCATED_LINK);
	expect_reason(DLT_EN10MB, f, 21, len, DR_TRUNCATED_LINK);
	f[14] = 0x42;			/* spanning tree: whole, or cut */
	ck_assert_int_eq(decode_all(DLT_EN10MB, f, len, &pkt), PK_NON_IP);
	ck_assert_int_eq(decode_all(DLT_EN10MB, f, 19, &pkt), PK_NON_IP);
}
END_TEST

/*
 * Radiotap: version 0, pad, length, presence words (bit 31: another
 * follows), fields aligned to their size from the header's start.
 */
#define RT_TSFT		0x00000001u
#define RT_FLAGS	0x00000002u
#define RT_RATE		0x00000004u
#define RT_EXT		0x80000000u
#define RT_F_FCS	0x10
#define RT_F_DATAPAD	0x20
#define RT_F_BADFCS	0x40

/*
 * A radiotap header into out: TSFT if tsft, Flags (flags), Rate, and a
 * second presence word (empty) first if ext; its length.
 */
static size_t
radiotap_build(uint8_t *out, bool tsft, bool ext, uint8_t flags)
{
	size_t n = ext ? 12 : 8;

	if (tsft)
		n = ((n + 7) & ~(size_t)7) + 8;
	memset(out, 0x77, n + 2);	/* TSFT, and the padding before it */
	out[0] = 0;
	out[1] = 0;
	put_le16(out + 2, (uint16_t)(n + 2));
	put_le32(out + 4, (tsft ? RT_TSFT : 0) | RT_FLAGS | RT_RATE |
	    (ext ? RT_EXT : 0));
	if (ext)
		put_le32(out + 8, 0);
	out[n] = flags;
	out[n + 1] = 0x0c;		/* 6 Mb/s */
	return n + 2;
}

START_TEST(test_radiotap)
{
	static const struct wifi_spec qos = { FC_QOS_DATA, FL_TO_DS, 0, 0,
	    false, NULL };
	struct wifi_spec padded = qos;
	struct pb_spec s;
	struct packet pkt;
	uint8_t ip[BUFSZ], f[BUFSZ];
	size_t iplen, rt, len;
	int tsft, ext;

	iplen = ip_segment(&s, false, ip);
	for (tsft = 0; tsft <= 1; tsft++)
		for (ext = 0; ext <= 1; ext++) {
			rt = radiotap_build(f, tsft, ext, 0);
			len = rt + wifi_build(&qos, ip, iplen, false, f + rt);
			ck_assert_int_eq(decode_all(DLT_IEEE802_11_RADIO, f,
			    len, &pkt), PK_TCP);
			check_tcp(&s, &pkt);
		}
	every_prefix(DLT_IEEE802_11_RADIO, f, len);

	/* The FCS ends the frame: with it, the packet is whole. */
	rt = radiotap_build(f, true, true, RT_F_FCS);
	len = rt + wifi_build(&qos, ip, iplen, false, f + rt);
	memset(f + len, 0xfc, 4);
	ck_assert_int_eq(decode_all(DLT_IEEE802_11_RADIO, f, len + 4, &pkt),
	    PK_TCP);
	check_tcp(&s, &pkt);
	/* Without it, the packet's last 4 bytes were the FCS: cut short. */
	ck_assert_int_eq(decode_all(DLT_IEEE802_11_RADIO, f, len, &pkt),
	    PK_TCP);
	ck_assert(has_anomaly(&pkt, PA_IP_LENGTH_OVER_FRAME));
	/* A frame shorter than its FCS. */
	expect_reason(DLT_IEEE802_11_RADIO, f, rt + 3, rt + 3,
	    DR_BAD_LINK_HEADER);
	/* Not captured, the FCS changes nothing. */
	ck_assert_int_eq(decode_exact(DLT_IEEE802_11_RADIO, f,
	    (uint32_t)len, (uint32_t)len + 4, &pkt), PK_TCP);
	check_tcp(&s, &pkt);

	/* Atheros padding: the 26-byte QoS header takes 28. */
	padded.pad = true;
	rt = radiotap_build(f, false, false, RT_F_DATAPAD);
	len = rt + wifi_build(&padded, ip, iplen, false, f + rt);
	ck_assert_int_eq(decode_all(DLT_IEEE802_11_RADIO, f, len, &pkt),
	    PK_TCP);
	check_tcp(&s, &pkt);

	/* A frame that failed its FCS check is not trusted. */
	rt = radiotap_build(f, true, false, RT_F_BADFCS | RT_F_FCS);
	len = rt + wifi_build(&qos, ip, iplen, false, f + rt);
	expect_reason(DLT_IEEE802_11_RADIO, f, len, len, DR_BAD_FCS);

	/* Lying and cut headers. */
	rt = radiotap_build(f, true, true, 0);
	len = rt + wifi_build(&qos, ip, iplen, false, f + rt);
	expect_reason(DLT_IEEE802_11_RADIO, f, 7, len, DR_TRUNCATED_LINK);
	expect_reason(DLT_IEEE802_11_RADIO, f, rt - 1, len, DR_TRUNCATED_LINK);
	put_le16(f + 2, (uint16_t)(len + 1));		/* past the frame */
	expect_reason(DLT_IEEE802_11_RADIO, f, len, len, DR_BAD_LINK_HEADER);
	put_le16(f + 2, 0xffff);
	expect_reason(DLT_IEEE802_11_RADIO, f, len, len, DR_BAD_LINK_HEADER);
	put_le16(f + 2, 4);				/* below its minimum */
	expect_reason(DLT_IEEE802_11_RADIO, f, len, len, DR_BAD_LINK_HEADER);
	put_le16(f + 2, (uint16_t)rt);
	f[0] = 1;					/* version */
	expect_reason(DLT_IEEE802_11_RADIO, f, len, len, DR_BAD_LINK_HEADER);
	f[0] = 0;
	/* Presence words that go on past the header. */
	put_le32(f + 8, RT_EXT);
	put_le16(f + 2, 12);
	expect_reason(DLT_IEEE802_11_RADIO, f, len, len, DR_BAD_LINK_HEADER);
	/* Flags announced, the header over before them. */
	rt = radiotap_build(f, true, false, 0);
	put_le16(f + 2, 16);
	expect_reason(DLT_IEEE802_11_RADIO, f, len, len, DR_BAD_LINK_HEADER);
}
END_TEST

/* PPI: version 0, flags, length, link type; fields of type, length, data. */
#define PPI_80211_COMMON	2
#define PPI_80211N_MAC		3

/* A PPI header for link type dlt with an 802.11-Common field (flags). */
#define PPI_TEST_LEN	(8 + 4 + 12 + 4 + 20)

static size_t
ppi_build(uint8_t *out, uint32_t dlt, uint16_t common_flags)
{
	size_t n = 8;

	memset(out, 0, PPI_TEST_LEN);
	put_le32(out + 4, dlt);
	put_le16(out + n, PPI_80211N_MAC);	/* one to walk past */
	put_le16(out + n + 2, 12);
	n += 4 + 12;
	put_le16(out + n, PPI_80211_COMMON);
	put_le16(out + n + 2, 20);
	put_le16(out + n + 4 + 8, common_flags);
	n += 4 + 20;
	put_le16(out + 2, (uint16_t)n);
	return n;
}

START_TEST(test_ppi)
{
	static const struct wifi_spec qos = { FC_QOS_DATA, FL_FROM_DS, 0, 0,
	    false, NULL };
	struct pb_spec s, es;
	struct packet pkt;
	uint8_t ip[BUFSZ], f[BUFSZ];
	size_t iplen, hl, len, k;

	iplen = ip_segment(&s, true, ip);
	hl = ppi_build(f, DLT_IEEE802_11, 0);
	len = hl + wifi_build(&qos, ip, iplen, true, f + hl);
	ck_assert_int_eq(decode_all(DLT_PPI, f, len, &pkt), PK_TCP);
	check_tcp(&s, &pkt);
	every_prefix(DLT_PPI, f, len);

	/* FCS present, and FCS invalid. */
	hl = ppi_build(f, DLT_IEEE802_11, 0x0001);
	len = hl + wifi_build(&qos, ip, iplen, true, f + hl);
	memset(f + len, 0xfc, 4);
	ck_assert_int_eq(decode_all(DLT_PPI, f, len + 4, &pkt), PK_TCP);
	check_tcp(&s, &pkt);
	hl = ppi_build(f, DLT_IEEE802_11, 0x0005);
	expect_reason(DLT_PPI, f, len + 4, len + 4, DR_BAD_FCS);

	/* Fields padded to 4 bytes when the header says so. */
	hl = ppi_build(f, DLT_IEEE802_11, 0);
	f[1] = 0x01;
	put_le16(f + 10, 11);			/* 11, taken as 12 */
	ck_assert_int_eq(decode_all(DLT_PPI, f, len, &pkt), PK_TCP);
	f[1] = 0;
	put_le16(f + 10, 12);

	/* Lying and cut headers. */
	expect_reason(DLT_PPI, f, 7, len, DR_TRUNCATED_LINK);
	expect_reason(DLT_PPI, f, hl - 1, len, DR_TRUNCATED_LINK);
	put_le16(f + 2, (uint16_t)(len + 1));
	expect_reason(DLT_PPI, f, len, len, DR_BAD_LINK_HEADER);
	put_le16(f + 2, 7);
	expect_reason(DLT_PPI, f, len, len, DR_BAD_LINK_HEADER);
	put_le16(f + 2, (uint16_t)hl);
	f[0] = 2;
	expect_reason(DLT_PPI, f, len, len, DR_BAD_LINK_HEADER);
	f[0] = 0;
	put_le16(f + 10, (uint16_t)(hl - 8 - 4 + 1));	/* field past header */
	expect_reason(DLT_PPI, f, len, len, DR_BAD_LINK_HEADER);
	put_le16(f + 10, 12);

	/* Another link type after it goes back to the table. */
	pb_spec_tcp4(&es);
	es.payload_len = 10;
	hl = ppi_build(f, DLT_EN10MB, 0);
	len = hl + pb_build(&es, f + hl, BUFSZ - hl, NULL);
	ck_assert_int_eq(decode_all(DLT_PPI, f, len, &pkt), PK_TCP);
	ck_assert_uint_eq(pkt.sport, es.sport);
	put_le32(f + 4, 9999);
	expect_reason(DLT_PPI, f, len, len, DR_UNKNOWN_LINK_TYPE);
	put_le32(f + 4, 0xffffffffu);
	expect_reason(DLT_PPI, f, len, len, DR_UNKNOWN_LINK_TYPE);
	/* PPI in PPI: a few are followed, an endless chain is not. */
	for (k = 0; k < 12; k++) {
		ppi_build(f + 8 * k, DLT_PPI, 0);
		put_le16(f + 8 * k + 2, 8);	/* no fields */
	}
	hl = ppi_build(f + 8 * k, DLT_EN10MB, 0);
	len = 8 * k + hl + pb_build(&es, f + 8 * k + hl, BUFSZ - 8 * k - hl,
	    NULL);
	expect_reason(DLT_PPI, f, len, len, DR_BAD_LINK_HEADER);
	ck_assert_int_eq(decode_all(DLT_PPI, f + 8 * (k - 3), len - 8 * (k - 3),
	    &pkt), PK_TCP);
}
END_TEST

#define AVS_LEN		64
#define PRISM_LEN	144

START_TEST(test_avs_prism)
{
	static const struct wifi_spec data = { FC_DATA, FL_TO_DS, 0, 0, false,
	    NULL };
	struct pb_spec s;
	struct packet pkt;
	uint8_t ip[BUFSZ], f[BUFSZ];
	size_t iplen, len;

	iplen = ip_segment(&s, false, ip);
	/* AVS: a cookie, then the header's length, big-endian. */
	memset(f, 0, AVS_LEN);
	put_be32(f, 0x80211001u);
	put_be32(f + 4, AVS_LEN);
	len = AVS_LEN + wifi_build(&data, ip, iplen, false, f + AVS_LEN);
	ck_assert_int_eq(decode_all(DLT_IEEE802_11_RADIO_AVS, f, len, &pkt),
	    PK_TCP);
	check_tcp(&s, &pkt);
	every_prefix(DLT_IEEE802_11_RADIO_AVS, f, len);
	/* Under the Prism link type, told by its cookie. */
	ck_assert_int_eq(decode_all(DLT_PRISM_HEADER, f, len, &pkt), PK_TCP);
	check_tcp(&s, &pkt);
	expect_reason(DLT_IEEE802_11_RADIO_AVS, f, 7, len, DR_TRUNCATED_LINK);
	expect_reason(DLT_IEEE802_11_RADIO_AVS, f, 63, len, DR_TRUNCATED_LINK);
	put_be32(f + 4, 4);
	expect_reason(DLT_IEEE802_11_RADIO_AVS, f, len, len,
	    DR_BAD_LINK_HEADER);
	put_be32(f + 4, (uint32_t)len + 1);
	expect_reason(DLT_IEEE802_11_RADIO_AVS, f, len, len,
	    DR_BAD_LINK_HEADER);
	put_be32(f + 4, 0x80000000u);
	expect_reason(DLT_PRISM_HEADER, f, len, len, DR_BAD_LINK_HEADER);

	/* Prism: 144 bytes, opening with a message code. */
	memset(f, 0, PRISM_LEN);
	put_le32(f, 0x00000044u);
	put_le32(f + 4, PRISM_LEN);
	len = PRISM_LEN + wifi_build(&data, ip, iplen, false, f + PRISM_LEN);
	ck_assert_int_eq(decode_all(DLT_PRISM_HEADER, f, len, &pkt), PK_TCP);
	check_tcp(&s, &pkt);
	every_prefix(DLT_PRISM_HEADER, f, len);
	expect_reason(DLT_PRISM_HEADER, f, 3, len, DR_TRUNCATED_LINK);
	expect_reason(DLT_PRISM_HEADER, f, 143, len, DR_TRUNCATED_LINK);
}
END_TEST

/* NFLOG: family, version, resource id; TLVs of length, type (host order). */
#define NFULA_PACKET_HDR	1
#define NFULA_IFINDEX_OUTDEV	5
#define NFULA_PAYLOAD		9
#define NFULA_PREFIX		10

/* A TLV of type t, len bytes with its header, value v, padded; its size. */
static size_t
tlv(uint8_t *out, uint16_t t, uint16_t len, const void *v)
{
	size_t padded = (len + 3u) & ~3u;

	memset(out, 0, padded);
	put_host16(out, len);
	put_host16(out + 2, t);
	if (v != NULL)
		memcpy(out + 4, v, len - 4u);
	return padded;
}

/* An NFLOG record of family af around ip: header, 3 TLVs, the payload. */
static size_t
nflog_build(uint8_t *out, uint8_t af, const uint8_t *ip, size_t iplen)
{
	static const uint8_t hdr[4] = { 0x08, 0x00, 3, 0 };
	static const uint8_t ifindex[4] = { 0, 0, 0, 2 };
	size_t n = 4;

	out[0] = af;
	out[1] = 0;
	out[2] = 0;
	out[3] = 5;
	n += tlv(out + n, NFULA_PACKET_HDR, 8, hdr);
	n += tlv(out + n, NFULA_PREFIX, 7, "tc\0");	/* padded to 8 */
	n += tlv(out + n, NFULA_IFINDEX_OUTDEV, 8, ifindex);
	put_host16(out + n, (uint16_t)(4 + iplen));
	put_host16(out + n + 2, NFULA_PAYLOAD);
	memcpy(out + n + 4, ip, iplen);
	return n + 4 + iplen;
}

START_TEST(test_nflog)
{
	struct pb_spec s;
	struct packet pkt;
	uint8_t ip[BUFSZ], f[BUFSZ];
	size_t iplen, len, n, pay;
	int v6, i;

	for (v6 = 0; v6 <= 1; v6++) {
		iplen = ip_segment(&s, v6, ip);
		len = nflog_build(f, v6 ? 10 : 2, ip, iplen);
		ck_assert_int_eq(decode_all(DLT_NFLOG, f, len, &pkt), PK_TCP);
		check_tcp(&s, &pkt);
		every_prefix(DLT_NFLOG, f, len);
	}
	iplen = ip_segment(&s, false, ip);
	len = nflog_build(f, 2, ip, iplen);
	pay = 4 + 8 + 8 + 8;			/* the payload TLV's offset */
	ck_assert_uint_eq(len, pay + 4 + iplen);

	/* Padding after the payload is not the packet's. */
	memset(f + len, 0xee, 3);
	ck_assert_int_eq(decode_all(DLT_NFLOG, f, len + 3, &pkt), PK_TCP);
	check_tcp(&s, &pkt);
	/*
	 * A payload TLV shorter than the packet (a copy range) bounds it: the
	 * bytes after it are not read as the packet's, its IP length is kept.
	 */
	put_host16(f + pay, (uint16_t)(4 + 60));
	memset(f + pay + 4 + 60, 0xee, iplen - 60);
	ck_assert_int_eq(decode_all(DLT_NFLOG, f, len, &pkt), PK_TCP);
	ck_assert_uint_eq(pkt.payload_len, 100);
	ck_assert(has_anomaly(&pkt, PA_IP_LENGTH_OVER_FRAME));
	len = nflog_build(f, 2, ip, iplen);
	put_host16(f + pay, (uint16_t)(4 + 30));	/* inside the TCP header */
	expect_reason(DLT_NFLOG, f, len, len, DR_TRUNCATED_TCP);
	put_host16(f + pay, (uint16_t)(4 + iplen));

	/* Other families are not IP. */
	f[0] = 7;				/* NFPROTO_BRIDGE */
	ck_assert_int_eq(decode_all(DLT_NFLOG, f, len, &pkt), PK_NON_IP);
	f[0] = 2;
	f[1] = 1;				/* version */
	expect_reason(DLT_NFLOG, f, len, len, DR_BAD_LINK_HEADER);
	f[1] = 0;
	expect_reason(DLT_NFLOG, f, 3, len, DR_TRUNCATED_LINK);

	/* TLV lengths: 0, below the header, past the frame, past the capture. */
	put_host16(f + 12, 0);
	expect_reason(DLT_NFLOG, f, len, len, DR_BAD_LINK_HEADER);
	put_host16(f + 12, 3);		/* as if a TLV followed at 16 */
	put_host16(f + 16, 4);
	put_host16(f + 18, NFULA_IFINDEX_OUTDEV);
	expect_reason(DLT_NFLOG, f, len, len, DR_BAD_LINK_HEADER);
	put_host16(f + 12, (uint16_t)(len - 12 + 1));
	expect_reason(DLT_NFLOG, f, len, len, DR_BAD_LINK_HEADER);
	put_host16(f + 12, 0xffff);
	expect_reason(DLT_NFLOG, f, len, len, DR_BAD_LINK_HEADER);
	put_host16(f + pay, (uint16_t)(4 + iplen + 1));
	expect_reason(DLT_NFLOG, f, len, len, DR_BAD_LINK_HEADER);
	len = nflog_build(f, 2, ip, iplen);
	expect_reason(DLT_NFLOG, f, 14, len, DR_TRUNCATED_LINK);
	expect_reason(DLT_NFLOG, f, 17, len, DR_TRUNCATED_LINK);
	expect_reason(DLT_NFLOG, f, pay + 2, len, DR_TRUNCATED_LINK);

	/* No payload TLV: a record without the packet. */
	expect_reason(DLT_NFLOG, f, pay, pay, DR_TRUNCATED_LINK);
	put_host16(f + pay + 2, 17);		/* NFULA_HWLEN, not payload */
	expect_reason(DLT_NFLOG, f, len, len, DR_TRUNCATED_LINK);
	/* The last TLV's padding may be missing (the prefix's, 7 bytes). */
	expect_reason(DLT_NFLOG, f, 19, 19, DR_TRUNCATED_LINK);
	expect_reason(DLT_NFLOG, f, pay - 1, pay - 1, DR_BAD_LINK_HEADER);

	/* TLVs without end: more than the kernel writes is a lie. */
	n = 4;
	for (i = 0; i < 70; i++)
		n += tlv(f + n, NFULA_IFINDEX_OUTDEV, 4, NULL);
	expect_reason(DLT_NFLOG, f, n, n, DR_BAD_LINK_HEADER);
	n = 4;
	for (i = 0; i < 20; i++)
		n += tlv(f + n, NFULA_IFINDEX_OUTDEV, 4, NULL);
	put_host16(f + n, (uint16_t)(4 + iplen));
	put_host16(f + n + 2, NFULA_PAYLOAD);
	memcpy(f + n + 4, ip, iplen);
	ck_assert_int_eq(decode_all(DLT_NFLOG, f, n + 4 + iplen, &pkt),
	    PK_TCP);
}
END_TEST

/* Apple PKTAP: 108 bytes of fixed fields, little-endian. */
#define PKTAP_LEN	108
#define LINKTYPE_PKTAP_FILE	258

static size_t
pktap_build(uint8_t *out, uint32_t len, uint32_t rectype, uint32_t dlt)
{
	memset(out, 0, len);
	put_le32(out, len);
	put_le32(out + 4, rectype);
	put_le32(out + 8, dlt);
	memcpy(out + 12, "en0", 3);
	return len;
}

START_TEST(test_pktap)
{
	static const struct {
		enum pb_link	link;
		int		dlt;
	} inner[] = {
		{ PB_ETH, DLT_EN10MB }, { PB_NULL_LE, DLT_NULL },
		{ PB_RAW, DLT_RAW },
	};
	struct pb_spec s;
	struct packet pkt;
	uint8_t f[BUFSZ];
	size_t hl, len, i, k;

	for (i = 0; i < sizeof inner / sizeof inner[0]; i++) {
		pb_spec_tcp4(&s);
		s.link = inner[i].link;
		s.payload_len = 100;
		hl = pktap_build(f, PKTAP_LEN, 1, (uint32_t)inner[i].dlt);
		len = hl + pb_build(&s, f + hl, BUFSZ - hl, NULL);
		ck_assert_int_eq(decode_all(LINKTYPE_PKTAP_FILE, f, len,
		    &pkt), PK_TCP);
		check_tcp(&s, &pkt);
		ck_assert_int_eq(decode_all(DLT_USER2, f, len, &pkt), PK_TCP);
		check_tcp(&s, &pkt);
		every_prefix(LINKTYPE_PKTAP_FILE, f, len);
	}
	/* A longer header than the fixed fields is skipped whole. */
	pb_spec_tcp6(&s);
	hl = pktap_build(f, PKTAP_LEN + 20, 1, DLT_EN10MB);
	len = hl + pb_build(&s, f + hl, BUFSZ - hl, NULL);
	ck_assert_int_eq(decode_all(LINKTYPE_PKTAP_FILE, f, len, &pkt),
	    PK_TCP);
	check_tcp(&s, &pkt);

	/* Lying and cut headers. */
	hl = pktap_build(f, PKTAP_LEN, 1, DLT_EN10MB);
	len = hl + pb_build(&s, f + hl, BUFSZ - hl, NULL);
	expect_reason(LINKTYPE_PKTAP_FILE, f, 11, len, DR_TRUNCATED_LINK);
	expect_reason(LINKTYPE_PKTAP_FILE, f, 107, len, DR_TRUNCATED_LINK);
	put_le32(f, 107);
	expect_reason(LINKTYPE_PKTAP_FILE, f, len, len, DR_BAD_LINK_HEADER);
	put_le32(f, 0);
	expect_reason(LINKTYPE_PKTAP_FILE, f, len, len, DR_BAD_LINK_HEADER);
	put_le32(f, (uint32_t)len + 1);
	expect_reason(LINKTYPE_PKTAP_FILE, f, len, len, DR_BAD_LINK_HEADER);
	put_le32(f, 0xffffffffu);
	expect_reason(LINKTYPE_PKTAP_FILE, f, len, len, DR_BAD_LINK_HEADER);
	put_le32(f, PKTAP_LEN + 40);		/* within the wire, not caught */
	expect_reason(LINKTYPE_PKTAP_FILE, f, PKTAP_LEN + 39, len,
	    DR_TRUNCATED_LINK);
	put_le32(f, PKTAP_LEN);
	/* No packet in the record. */
	put_le32(f + 4, 0);
	ck_assert_int_eq(decode_all(LINKTYPE_PKTAP_FILE, f, len, &pkt),
	    PK_NON_IP);
	put_le32(f + 4, 1);
	put_le32(f + 8, 9999);
	expect_reason(LINKTYPE_PKTAP_FILE, f, len, len, DR_UNKNOWN_LINK_TYPE);
	put_le32(f + 8, 0x80000001u);
	expect_reason(LINKTYPE_PKTAP_FILE, f, len, len, DR_UNKNOWN_LINK_TYPE);

	/* PKTAP in PKTAP in ...: not without end. */
	for (k = 0; k < 12; k++)
		pktap_build(f + PKTAP_LEN * k, PKTAP_LEN, 1,
		    LINKTYPE_PKTAP_FILE);
	hl = PKTAP_LEN * k + pktap_build(f + PKTAP_LEN * k, PKTAP_LEN, 1,
	    DLT_EN10MB);
	len = hl + pb_build(&s, f + hl, BUFSZ - hl, NULL);
	expect_reason(LINKTYPE_PKTAP_FILE, f, len, len, DR_BAD_LINK_HEADER);
	ck_assert_int_eq(decode_all(LINKTYPE_PKTAP_FILE, f + PKTAP_LEN * 9,
	    len - PKTAP_LEN * 9, &pkt), PK_TCP);
}
END_TEST

START_TEST(test_supported_and_names)
{
	static const int dlts[] = { DLT_IEEE802_11, DLT_PRISM_HEADER,
	    DLT_IEEE802_11_RADIO, DLT_IEEE802_11_RADIO_AVS, DLT_PPI,
	    DLT_NFLOG, 258, DLT_USER2 };
	size_t i;

	for (i = 0; i < sizeof dlts / sizeof dlts[0]; i++)
		ck_assert(decode_link_type_supported(dlts[i]));
	ck_assert_str_eq(decode_reason_name(DR_BAD_LINK_HEADER),
	    "bad_link_header");
	ck_assert_str_eq(decode_reason_name(DR_ENCRYPTED_80211),
	    "encrypted_802_11");
	ck_assert_str_eq(decode_reason_name(DR_UNSUPPORTED_80211),
	    "unsupported_802_11");
	ck_assert_str_eq(decode_reason_name(DR_BAD_FCS), "bad_fcs");
}
END_TEST

Suite *
linktypes_suite(void)
{
	Suite *s = suite_create("linktypes");
	TCase *tc = tcase_create("wifi");

	tcase_add_test(tc, test_wifi_data);
	tcase_add_test(tc, test_wifi_not_decoded);
	tcase_add_test(tc, test_llc);
	tcase_add_test(tc, test_radiotap);
	tcase_add_test(tc, test_ppi);
	tcase_add_test(tc, test_avs_prism);
	suite_add_tcase(s, tc);

	tc = tcase_create("pseudo-headers");
	tcase_add_test(tc, test_nflog);
	tcase_add_test(tc, test_pktap);
	tcase_add_test(tc, test_supported_and_names);
	suite_add_tcase(s, tc);
	return s;
}
