/*
 * hostile-gen: write the hostile-capture corpus that tests/hostile.sh runs
 * transcope over.  libc only: every pcap file is written by hand (24-byte
 * global header, 16-byte record headers, little-endian), so the damage is
 * exactly what each case says and nothing else.
 *
 *     hostile-gen DIR            one file per case, DIR/NAME.pcap (or
 *                                DIR/NAME.pcapng for the pcapng cases)
 *     hostile-gen --flood DIR    also DIR/syn-flood.pcap (~70 MB)
 *
 * The output is deterministic: no clock, no randomness.  The expected
 * counts in tests/hostile.sh depend on the exact packets written here, so
 * a change to a case must be mirrored there.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINKTYPE_ETHERNET	1
#define LINKTYPE_USER0		147

#define PCAP_MAGIC_US		0xa1b2c3d4u
#define PCAP_MAGIC_NS		0xa1b23c4du

#define BASE_TS			1700000000u	/* 2023-11-14, for normal cases */

static const char *outdir;

/* ------------------------------------------------------------------ */
/* pcap writing                                                        */

static _Noreturn void die(const char *);

static void
die(const char *what)
{
	fprintf(stderr, "hostile-gen: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
put16le(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void
put16be(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32be(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
wr(FILE *f, const void *p, size_t n)
{
	if (n > 0 && fwrite(p, 1, n, f) != n)
		die("write");
}

static FILE *
create_ext(const char *name, const char *ext)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s.%s", outdir, name, ext);
	if ((f = fopen(path, "wb")) == NULL)
		die(path);
	return f;
}

static FILE *
create(const char *name)
{
	return create_ext(name, "pcap");
}

static void
finish(FILE *f)
{
	if (fclose(f) != 0)
		die("close");
}

/*
 * DIR/NAME.offset: the byte offset where the damaged record of a damaged
 * case begins (the position of f now), for tests/hostile.sh.
 */
static void
write_offset(const char *name, FILE *f)
{
	char path[4096];
	long off = ftell(f);
	FILE *o;

	if (off < 0)
		die("ftell");
	snprintf(path, sizeof path, "%s/%s.offset", outdir, name);
	if ((o = fopen(path, "w")) == NULL)
		die(path);
	fprintf(o, "%ld\n", off);
	if (fclose(o) != 0)
		die(path);
}

static void
global_header_magic(FILE *f, uint32_t magic, uint32_t snaplen,
    uint32_t linktype)
{
	uint8_t h[24];

	put32le(h, magic);
	put16le(h + 4, 2);
	put16le(h + 6, 4);
	put32le(h + 8, 0);		/* thiszone */
	put32le(h + 12, 0);		/* sigfigs */
	put32le(h + 16, snaplen);
	put32le(h + 20, linktype);
	wr(f, h, sizeof h);
}

static FILE *
open_pcap(const char *name, uint32_t snaplen, uint32_t linktype)
{
	FILE *f = create(name);

	global_header_magic(f, PCAP_MAGIC_US, snaplen, linktype);
	return f;
}

static void
rec_header(FILE *f, uint32_t sec, uint32_t usec, uint32_t caplen,
    uint32_t len)
{
	uint8_t h[16];

	put32le(h, sec);
	put32le(h + 4, usec);
	put32le(h + 8, caplen);
	put32le(h + 12, len);
	wr(f, h, sizeof h);
}

/* A record of caplen bytes of data, claiming len bytes on the wire. */
static void
rec(FILE *f, uint32_t sec, uint32_t usec, const uint8_t *data,
    uint32_t caplen, uint32_t len)
{
	rec_header(f, sec, usec, caplen, len);
	wr(f, data, caplen);
}

/* ------------------------------------------------------------------ */
/* frame building                                                      */

struct frame {
	uint8_t		b[4096];
	size_t		n;
	size_t		ip;		/* offset of the IP header */
	size_t		l4;		/* offset of the transport header */
};

static uint8_t *
grow(struct frame *fr, size_t n)
{
	uint8_t *p = fr->b + fr->n;

	if (fr->n + n > sizeof fr->b) {
		fprintf(stderr, "hostile-gen: frame too big\n");
		exit(1);
	}
	memset(p, 0, n);
	fr->n += n;
	return p;
}

static void
eth(struct frame *fr, uint16_t type)
{
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 0x02 };
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	uint8_t *p;

	fr->n = 0;
	p = grow(fr, 14);
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	put16be(p + 12, type);
}

/* An 802.1Q/802.1ad tag: TCI then the next ethertype. */
static void
vlan_tag(struct frame *fr, uint16_t vid, uint16_t next)
{
	uint8_t *p = grow(fr, 4);

	put16be(p, vid & 0x0fff);
	put16be(p + 2, next);
}

static void
ipv4(struct frame *fr, uint32_t src, uint32_t dst, uint8_t proto,
    uint16_t id, uint16_t frag)
{
	uint8_t *p;

	fr->ip = fr->n;
	p = grow(fr, 20);
	p[0] = 0x45;
	put16be(p + 4, id);
	put16be(p + 6, frag);
	p[8] = 64;
	p[9] = proto;
	put32be(p + 12, src);
	put32be(p + 16, dst);
	fr->l4 = fr->n;
}

/* Set the IPv4 total length (0: from the frame) and the checksum. */
static void
ipv4_done(struct frame *fr, int total)
{
	uint8_t *p = fr->b + fr->ip;
	uint32_t sum = 0;
	size_t i, hl = (size_t)(p[0] & 0x0f) * 4;

	put16be(p + 2, total >= 0 ? (uint16_t)total :
	    (uint16_t)(fr->n - fr->ip));
	put16be(p + 10, 0);
	if (hl < 20)
		hl = 20;
	for (i = 0; i < hl; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16be(p + 10, (uint16_t)~sum);
}

static void
ipv6_addr(uint8_t *p, uint16_t last)
{
	memset(p, 0, 16);
	p[0] = 0x20;
	p[1] = 0x01;
	p[2] = 0x0d;
	p[3] = 0xb8;
	put16be(p + 14, last);
}

static void
ipv6(struct frame *fr, uint16_t src, uint16_t dst, uint8_t nh)
{
	uint8_t *p;

	fr->ip = fr->n;
	p = grow(fr, 40);
	p[0] = 0x60;
	p[6] = nh;
	p[7] = 64;
	ipv6_addr(p + 8, src);
	ipv6_addr(p + 24, dst);
	fr->l4 = fr->n;
}

/* Payload length (-1: from the frame). */
static void
ipv6_done(struct frame *fr, int plen)
{
	put16be(fr->b + fr->ip + 4, plen >= 0 ? (uint16_t)plen :
	    (uint16_t)(fr->n - fr->ip - 40));
}

/* An 8-byte extension header (hop-by-hop, dest options): nh, len 0, PadN. */
static void
ext8(struct frame *fr, uint8_t nh)
{
	uint8_t *p = grow(fr, 8);

	p[0] = nh;
	p[1] = 0;
	p[2] = 1;		/* PadN */
	p[3] = 4;
}

static void
frag6(struct frame *fr, uint8_t nh, uint16_t offset, int more, uint32_t id)
{
	uint8_t *p = grow(fr, 8);

	p[0] = nh;
	put16be(p + 2, (uint16_t)(offset & 0xfff8) | (more ? 1 : 0));
	put32be(p + 4, id);
}

/*
 * A TCP header with optlen bytes of options (padded to 4 with NOPs) and
 * paylen payload bytes.
 */
static void
tcp(struct frame *fr, uint16_t sport, uint16_t dport, uint32_t seq,
    uint32_t ack, uint8_t flags, const uint8_t *opt, size_t optlen,
    size_t paylen)
{
	size_t olen = (optlen + 3) & ~(size_t)3;
	uint8_t *p;
	size_t i;

	fr->l4 = fr->n;
	p = grow(fr, 20 + olen);
	put16be(p, sport);
	put16be(p + 2, dport);
	put32be(p + 4, seq);
	put32be(p + 8, ack);
	p[12] = (uint8_t)(((20 + olen) / 4) << 4);
	p[13] = flags;
	put16be(p + 14, 65535);
	for (i = 0; i < olen; i++)
		p[20 + i] = i < optlen ? opt[i] : 1;
	p = grow(fr, paylen);
	for (i = 0; i < paylen; i++)
		p[i] = (uint8_t)('a' + i % 26);
}

static void
udp(struct frame *fr, uint16_t sport, uint16_t dport, size_t paylen)
{
	uint8_t *p;

	fr->l4 = fr->n;
	p = grow(fr, 8 + paylen);
	put16be(p, sport);
	put16be(p + 2, dport);
	put16be(p + 4, (uint16_t)(8 + paylen));
}

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_PSH	0x08
#define TH_ACK	0x10

#define CLI4	0x0a000001u	/* 10.0.0.1 */
#define SRV4	0x0a000002u	/* 10.0.0.2 */

static void
tcp4(struct frame *fr, uint32_t src, uint32_t dst, uint16_t sport,
    uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
    const uint8_t *opt, size_t optlen, size_t paylen)
{
	eth(fr, 0x0800);
	ipv4(fr, src, dst, 6, 1, 0x4000);
	tcp(fr, sport, dport, seq, ack, flags, opt, optlen, paylen);
	ipv4_done(fr, -1);
}

static void
put(FILE *f, uint32_t sec, uint32_t usec, const struct frame *fr)
{
	rec(f, sec, usec, fr->b, (uint32_t)fr->n, (uint32_t)fr->n);
}

/*
 * A complete TCP connection 10.0.0.1:cport -> 10.0.0.2:80: handshake, one
 * request (100 bytes), one response (200 bytes), FIN both ways: 8 frames.
 */
#define GOOD_CONN_PKTS	8
static void
good_conn_frames(struct frame out[GOOD_CONN_PKTS], uint16_t cport)
{
	static const uint8_t mss[] = { 2, 4, 0x05, 0xb4 };
	const uint32_t c = 1000, s = 5000;

	tcp4(&out[0], CLI4, SRV4, cport, 80, c, 0, TH_SYN, mss, 4, 0);
	tcp4(&out[1], SRV4, CLI4, 80, cport, s, c + 1, TH_SYN | TH_ACK,
	    mss, 4, 0);
	tcp4(&out[2], CLI4, SRV4, cport, 80, c + 1, s + 1, TH_ACK, NULL, 0,
	    0);
	tcp4(&out[3], CLI4, SRV4, cport, 80, c + 1, s + 1, TH_ACK | TH_PSH,
	    NULL, 0, 100);
	tcp4(&out[4], SRV4, CLI4, 80, cport, s + 1, c + 101,
	    TH_ACK | TH_PSH, NULL, 0, 200);
	tcp4(&out[5], CLI4, SRV4, cport, 80, c + 101, s + 201,
	    TH_ACK | TH_FIN, NULL, 0, 0);
	tcp4(&out[6], SRV4, CLI4, 80, cport, s + 201, c + 102,
	    TH_ACK | TH_FIN, NULL, 0, 0);
	tcp4(&out[7], CLI4, SRV4, cport, 80, c + 102, s + 202, TH_ACK, NULL,
	    0, 0);
}

/* The first npkts frames of a good connection, 1 ms apart from BASE_TS. */
static void
good_conn(FILE *f, uint16_t cport, int npkts)
{
	static struct frame fr[GOOD_CONN_PKTS];
	int i;

	good_conn_frames(fr, cport);
	for (i = 0; i < npkts && i < GOOD_CONN_PKTS; i++)
		put(f, BASE_TS, 1000 * (uint32_t)i, &fr[i]);
}

/* ------------------------------------------------------------------ */
/* the malformed frames, one builder each (shared by the mixed file)   */

/* A plain SYN from 10.0.0.9:4444 to 10.0.0.2:80, to be damaged. */
static void
victim_syn(struct frame *fr)
{
	tcp4(fr, 0x0a000009u, SRV4, 4444, 80, 77, 0, TH_SYN, NULL, 0, 0);
}

static void
bad_ihl(struct frame *fr)
{
	victim_syn(fr);
	fr->b[fr->ip] = 0x44;			/* IHL 4: 16 bytes */
	ipv4_done(fr, -1);
}

static void
total_over_frame(struct frame *fr)
{
	victim_syn(fr);
	ipv4_done(fr, 1500);			/* frame carries 40 */
}

static void
total_under_header(struct frame *fr)
{
	victim_syn(fr);
	ipv4_done(fr, 12);			/* less than IHL's 20 */
}

static void
tcp_off_below5(struct frame *fr)
{
	victim_syn(fr);
	fr->b[fr->l4 + 12] = 0x40;		/* 16 bytes */
}

static void
tcp_off_past_end(struct frame *fr)
{
	victim_syn(fr);
	fr->b[fr->l4 + 12] = 0xf0;		/* 60 bytes, IP carries 20 */
}

static void
tcp_opt_len0(struct frame *fr)
{
	static const uint8_t o[] = { 2, 0, 0x05, 0xb4 };

	tcp4(fr, 0x0a000009u, SRV4, 4445, 80, 77, 0, TH_SYN, o, sizeof o, 0);
}

static void
tcp_opt_len1(struct frame *fr)
{
	static const uint8_t o[] = { 3, 1, 7, 1 };

	tcp4(fr, 0x0a000009u, SRV4, 4446, 80, 77, 0, TH_SYN, o, sizeof o, 0);
}

/* A timestamp option (10 bytes) starting 4 bytes before the header ends. */
static void
tcp_opt_overflow(struct frame *fr)
{
	static const uint8_t o[] = { 2, 4, 0x05, 0xb4, 8, 10, 1, 2 };

	tcp4(fr, 0x0a000009u, SRV4, 4447, 80, 77, 0, TH_SYN, o, sizeof o, 0);
}

/* SACK claiming 5 blocks (length 42) in a 40-byte option area. */
static void
tcp_opt_sack5(struct frame *fr)
{
	uint8_t o[40];
	int i;

	memset(o, 0, sizeof o);
	o[0] = 5;
	o[1] = 2 + 5 * 8;
	for (i = 0; i < 4; i++) {
		put32be(o + 2 + 8 * i, 1000u + 100u * (uint32_t)i);
		put32be(o + 6 + 8 * i, 1050u + 100u * (uint32_t)i);
	}
	tcp4(fr, 0x0a000009u, SRV4, 4448, 80, 77, 1, TH_ACK, o, sizeof o, 0);
}

/*
 * A SYN with 40 bytes of options whose timestamp option is cut by the
 * capture: written with caplen = TCP_OPT_CUT_CAPLEN, len = the frame.
 */
#define TCP_OPT_CUT_CAPLEN	(14 + 20 + 20 + 16)
static void
tcp_opt_cut(struct frame *fr)
{
	static const uint8_t o[] = {
		2, 4, 0x05, 0xb4, 1, 3, 3, 7, 4, 2, 1, 1, 8, 10,
		0, 0, 0, 1, 0, 0, 0, 0
	};

	tcp4(fr, 0x0a000009u, SRV4, 4449, 80, 77, 0, TH_SYN, o, sizeof o, 0);
}

static void
ipv6_chain_long(struct frame *fr)
{
	int i;

	eth(fr, 0x86dd);
	ipv6(fr, 1, 2, 60);
	for (i = 0; i < 30; i++)
		ext8(fr, i < 29 ? 60 : 6);
	tcp(fr, 4450, 80, 77, 0, TH_SYN, NULL, 0, 0);
	ipv6_done(fr, -1);
}

static void
ipv6_ext_overrun(struct frame *fr)
{
	eth(fr, 0x86dd);
	ipv6(fr, 1, 2, 60);
	ext8(fr, 6);
	fr->b[fr->n - 7] = 255;		/* (255 + 1) * 8 bytes */
	tcp(fr, 4451, 80, 77, 0, TH_SYN, NULL, 0, 0);
	ipv6_done(fr, -1);
}

/* Hop-by-hop of 16 bytes, cut after 8: written with a short caplen. */
#define IPV6_EXT_CUT_CAPLEN	(14 + 40 + 8)
static void
ipv6_ext_cut(struct frame *fr)
{
	uint8_t *p;

	eth(fr, 0x86dd);
	ipv6(fr, 1, 2, 0);
	p = grow(fr, 16);
	p[0] = 6;
	p[1] = 1;			/* (1 + 1) * 8 = 16 bytes */
	p[2] = 1;
	p[3] = 12;
	tcp(fr, 4452, 80, 77, 0, TH_SYN, NULL, 0, 0);
	ipv6_done(fr, -1);
}

static void
vlan_deep(struct frame *fr)
{
	int i;

	eth(fr, 0x8100);
	for (i = 0; i < 20; i++)
		vlan_tag(fr, (uint16_t)(100 + i), i < 19 ? 0x8100 : 0x0800);
	ipv4(fr, 0x0a000009u, SRV4, 6, 1, 0x4000);
	tcp(fr, 4453, 80, 77, 0, TH_SYN, NULL, 0, 0);
	ipv4_done(fr, -1);
}

static void
qinq_ok(struct frame *fr)
{
	eth(fr, 0x88a8);
	vlan_tag(fr, 100, 0x8100);
	vlan_tag(fr, 200, 0x0800);
	ipv4(fr, 0x0a000009u, SRV4, 6, 1, 0x4000);
	tcp(fr, 4454, 80, 77, 0, TH_SYN, NULL, 0, 0);
	ipv4_done(fr, -1);
}

static void
mpls_deep(struct frame *fr)
{
	int i;

	eth(fr, 0x8847);
	for (i = 0; i < 20; i++) {
		uint8_t *p = grow(fr, 4);

		/* label 16 + i, TC 0, S 0, TTL 64 */
		put32be(p, (uint32_t)(16 + i) << 12 | 64);
	}
	ipv4(fr, 0x0a000009u, SRV4, 6, 1, 0x4000);
	tcp(fr, 4455, 80, 77, 0, TH_SYN, NULL, 0, 0);
	ipv4_done(fr, -1);
}

/* IPv6 payload length 1000 in a frame carrying a 20-byte TCP header. */
static void
ipv6_plen_over_frame(struct frame *fr)
{
	eth(fr, 0x86dd);
	ipv6(fr, 1, 2, 6);
	tcp(fr, 4456, 80, 77, 0, TH_SYN, NULL, 0, 0);
	ipv6_done(fr, 1000);
}

/* IPv4 total length 0, as in sender-side captures of TSO segments. */
static void
total_zero(struct frame *fr)
{
	victim_syn(fr);
	ipv4_done(fr, 0);
}

/* UDP in an IP packet with 4 bytes of payload: no room for its header. */
static void
udp_short(struct frame *fr)
{
	eth(fr, 0x0800);
	ipv4(fr, CLI4, SRV4, 17, 1, 0);
	udp(fr, 5353, 53, 0);
	ipv4_done(fr, 20 + 4);
}

/* UDP length field 200 in a datagram of 28 bytes. */
static void
udp_len_mismatch(struct frame *fr)
{
	eth(fr, 0x0800);
	ipv4(fr, CLI4, SRV4, 17, 1, 0);
	udp(fr, 5353, 53, 20);
	put16be(fr->b + fr->l4 + 4, 200);
	ipv4_done(fr, -1);
}

/* 802.3 frames with LLC/SNAP headers that announce another 802.3 length. */
static void
snap_loop(struct frame *fr)
{
	int i;

	eth(fr, 0x0040);			/* a length, not a type */
	for (i = 0; i < 20; i++) {
		uint8_t *p = grow(fr, 8);

		p[0] = 0xaa;
		p[1] = 0xaa;
		p[2] = 0x03;
		put16be(p + 6, 0x0040);
	}
}

/* 3 MPLS labels, the last with bottom-of-stack, then IPv4. */
static void
mpls_ok(struct frame *fr)
{
	int i;

	eth(fr, 0x8847);
	for (i = 0; i < 3; i++) {
		uint8_t *p = grow(fr, 4);

		put32be(p, (uint32_t)(16 + i) << 12 | (i == 2 ? 0x100u : 0) |
		    64);
	}
	ipv4(fr, 0x0a000009u, SRV4, 6, 1, 0x4000);
	tcp(fr, 4457, 80, 77, 0, TH_SYN, NULL, 0, 0);
	ipv4_done(fr, -1);
}

/* ------------------------------------------------------------------ */
/* the cases                                                           */

static void
case_empty(void)
{
	finish(create("empty"));
}

static void
case_bad_magic(void)
{
	FILE *f = create("bad-magic");
	struct frame fr;

	global_header_magic(f, 0xdeadbeefu, 65535, LINKTYPE_ETHERNET);
	victim_syn(&fr);
	put(f, BASE_TS, 0, &fr);
	finish(f);
}

static void
case_truncated_global_header(void)
{
	FILE *f = create("truncated-global-header");
	uint8_t h[24];

	put32le(h, PCAP_MAGIC_US);
	put16le(h + 4, 2);
	put16le(h + 6, 4);
	put32le(h + 8, 0);
	wr(f, h, 10);
	finish(f);
}

static void
case_truncated_record_header(void)
{
	FILE *f = open_pcap("truncated-record-header", 65535,
	    LINKTYPE_ETHERNET);
	uint8_t h[16];

	good_conn(f, 40001, 2);
	write_offset("truncated-record-header", f);
	memset(h, 0x11, sizeof h);
	wr(f, h, 7);
	finish(f);
}

static void
case_record_past_eof(void)
{
	FILE *f = open_pcap("record-past-eof", 65535, LINKTYPE_ETHERNET);
	uint8_t junk[100];

	good_conn(f, 40002, 1);
	write_offset("record-past-eof", f);
	rec_header(f, BASE_TS, 5000, 1000, 1000);
	memset(junk, 0x22, sizeof junk);
	wr(f, junk, sizeof junk);
	finish(f);
}

static void
case_caplen_over_snaplen(void)
{
	FILE *f = open_pcap("caplen-over-snaplen", 65535, LINKTYPE_ETHERNET);
	static uint8_t big[300000];

	good_conn(f, 40003, 1);
	write_offset("caplen-over-snaplen", f);
	memset(big, 0x33, sizeof big);
	rec(f, BASE_TS, 5000, big, sizeof big, sizeof big);
	finish(f);
}

/*
 * caplen (1000) over the file's snaplen (128) but under libpcap's ceiling
 * for the link type: libpcap reads the record and keeps only snaplen bytes.
 */
static void
case_caplen_over_snaplen_small(void)
{
	FILE *f = open_pcap("caplen-over-snaplen-small", 128,
	    LINKTYPE_ETHERNET);
	struct frame fr;

	good_conn(f, 40004, 1);
	tcp4(&fr, CLI4, SRV4, 40004, 80, 1001, 0, TH_ACK, NULL, 0, 946);
	put(f, BASE_TS, 5000, &fr);
	finish(f);
}

static void
case_caplen_over_len(void)
{
	FILE *f = open_pcap("caplen-over-len", 65535, LINKTYPE_ETHERNET);
	struct frame fr;

	victim_syn(&fr);
	while (fr.n < 80)
		fr.b[fr.n++] = 0;		/* Ethernet padding */
	rec(f, BASE_TS, 0, fr.b, 80, 60);
	finish(f);
}

static void
case_zero_length(void)
{
	FILE *f = open_pcap("zero-length", 65535, LINKTYPE_ETHERNET);

	rec(f, BASE_TS, 0, NULL, 0, 0);
	rec(f, BASE_TS, 1, NULL, 0, 60);
	finish(f);
}

/*
 * Five UDP packets of one flow, times: BASE, 0, 0xFFFFFFFF, BASE + usec
 * 999999999, BASE + 1.  libpcap reads the seconds as a signed 32-bit
 * number, so 0xFFFFFFFF is -1 (transcope clamps it to 0).  Microsecond
 * file: usec 999999999 is 999.999999 s, so the times are BASE, 0, 0,
 * BASE+999.999999, BASE+1: 2 backward steps, and the UDP flow idles out
 * (60 s) between the third and fourth packet: 2 flows.  Nanosecond file:
 * BASE, 0, 0, BASE+0.999999999, BASE+1: 1 backward step, 1 flow.
 */
static void
absurd_ts(const char *name, uint32_t magic)
{
	static const uint32_t sec[] = { BASE_TS, 0, 0xffffffffu, BASE_TS,
	    BASE_TS + 1 };
	static const uint32_t sub[] = { 0, 0, 0, 999999999u, 0 };
	FILE *f = create(name);
	struct frame fr;
	size_t i;

	global_header_magic(f, magic, 65535, LINKTYPE_ETHERNET);
	for (i = 0; i < sizeof sec / sizeof sec[0]; i++) {
		eth(&fr, 0x0800);
		ipv4(&fr, CLI4, SRV4, 17, (uint16_t)i, 0);
		udp(&fr, 5353, 53, 20);
		ipv4_done(&fr, -1);
		put(f, sec[i], sub[i], &fr);
	}
	finish(f);
}

static void
case_absurd_timestamps(void)
{
	absurd_ts("absurd-timestamps", PCAP_MAGIC_US);
	absurd_ts("absurd-timestamps-ns", PCAP_MAGIC_NS);
}

/* A TCP connection whose timestamps jump to 0 and to the 32-bit end. */
static void
case_time_jumps_tcp(void)
{
	static const uint8_t mss[] = { 2, 4, 0x05, 0xb4 };
	FILE *f = open_pcap("time-jumps-tcp", 65535, LINKTYPE_ETHERNET);
	struct frame fr;

	tcp4(&fr, CLI4, SRV4, 40006, 80, 1000, 0, TH_SYN, mss, 4, 0);
	put(f, BASE_TS, 0, &fr);
	tcp4(&fr, SRV4, CLI4, 80, 40006, 5000, 1001, TH_SYN | TH_ACK, mss, 4,
	    0);
	put(f, 0, 0, &fr);			/* backwards 1 */
	/* 0xFFFFFFFF s: -1 to libpcap, clamped to 0 by transcope */
	tcp4(&fr, CLI4, SRV4, 40006, 80, 1001, 5001, TH_ACK, NULL, 0, 0);
	put(f, 0xffffffffu, 999999, &fr);
	tcp4(&fr, CLI4, SRV4, 40006, 80, 1001, 5001, TH_ACK | TH_PSH, NULL, 0,
	    100);
	put(f, BASE_TS, 1, &fr);		/* backwards 2 */
	tcp4(&fr, CLI4, SRV4, 40006, 80, 1001, 5001, TH_ACK | TH_PSH, NULL, 0,
	    100);
	put(f, 0, 1, &fr);			/* backwards 2: a retransmission */
	tcp4(&fr, SRV4, CLI4, 80, 40006, 5001, 1101, TH_ACK, NULL, 0, 0);
	put(f, 0xffffffffu, 0, &fr);		/* backwards 3: to 0 */
	finish(f);
}

static void
one_frame_case(const char *name, void (*build)(struct frame *))
{
	FILE *f = open_pcap(name, 65535, LINKTYPE_ETHERNET);
	struct frame fr;

	build(&fr);
	put(f, BASE_TS, 0, &fr);
	finish(f);
}

static void
case_tcp_opt_truncated(void)
{
	FILE *f = open_pcap("tcp-opt-truncated", 65535, LINKTYPE_ETHERNET);
	struct frame fr;

	tcp_opt_cut(&fr);
	rec(f, BASE_TS, 0, fr.b, TCP_OPT_CUT_CAPLEN, (uint32_t)fr.n);
	finish(f);
}

static void
case_ipv6_ext_truncated(void)
{
	FILE *f = open_pcap("ipv6-ext-truncated", 65535, LINKTYPE_ETHERNET);
	struct frame fr;

	ipv6_ext_cut(&fr);
	rec(f, BASE_TS, 0, fr.b, IPV6_EXT_CUT_CAPLEN, (uint32_t)fr.n);
	finish(f);
}

/*
 * IPv4: first fragment (MF, offset 0) with a TCP SYN header, a middle and
 * a last fragment whose first bytes are a TCP SYN header too (must not be
 * taken for one).  IPv6 likewise with fragment headers.  Expected: tcp 2
 * (first fragments, anomaly first_fragment 2), ip_fragment 4.
 */
static void
case_fragments(void)
{
	FILE *f = open_pcap("fragments", 65535, LINKTYPE_ETHERNET);
	struct frame fr;

	eth(&fr, 0x0800);
	ipv4(&fr, CLI4, SRV4, 6, 0x1234, 0x2000);
	tcp(&fr, 40007, 80, 1000, 0, TH_SYN, NULL, 0, 80);
	ipv4_done(&fr, -1);
	put(f, BASE_TS, 0, &fr);

	eth(&fr, 0x0800);
	ipv4(&fr, CLI4, SRV4, 6, 0x1234, 0x2000 | 13);	/* offset 104 */
	tcp(&fr, 40008, 81, 2000, 0, TH_SYN, NULL, 0, 80);
	ipv4_done(&fr, -1);
	put(f, BASE_TS, 1000, &fr);

	eth(&fr, 0x0800);
	ipv4(&fr, CLI4, SRV4, 6, 0x1234, 26);		/* offset 208, last */
	tcp(&fr, 40009, 82, 3000, 0, TH_SYN, NULL, 0, 20);
	ipv4_done(&fr, -1);
	put(f, BASE_TS, 2000, &fr);

	eth(&fr, 0x86dd);
	ipv6(&fr, 1, 2, 44);
	frag6(&fr, 6, 0, 1, 0xabcd);
	tcp(&fr, 40010, 80, 1000, 0, TH_SYN, NULL, 0, 80);
	ipv6_done(&fr, -1);
	put(f, BASE_TS, 3000, &fr);

	eth(&fr, 0x86dd);
	ipv6(&fr, 1, 2, 44);
	frag6(&fr, 6, 104, 1, 0xabcd);
	tcp(&fr, 40011, 81, 2000, 0, TH_SYN, NULL, 0, 80);
	ipv6_done(&fr, -1);
	put(f, BASE_TS, 4000, &fr);

	eth(&fr, 0x86dd);
	ipv6(&fr, 1, 2, 44);
	frag6(&fr, 6, 208, 0, 0xabcd);
	tcp(&fr, 40012, 82, 3000, 0, TH_SYN, NULL, 0, 20);
	ipv6_done(&fr, -1);
	put(f, BASE_TS, 5000, &fr);
	finish(f);
}

/* A global header with snaplen 0; the packets are fine. */
static void
case_snaplen_zero(void)
{
	FILE *f = open_pcap("snaplen-zero", 0, LINKTYPE_ETHERNET);

	good_conn(f, 40040, GOOD_CONN_PKTS);
	finish(f);
}

static void
case_unknown_link_type(void)
{
	FILE *f = open_pcap("unknown-link-type", 65535, LINKTYPE_USER0);
	struct frame fr;
	int i;

	for (i = 0; i < 3; i++) {
		victim_syn(&fr);
		put(f, BASE_TS, (uint32_t)i, &fr);
	}
	finish(f);
}

/*
 * Every malformed frame once, interleaved with a good connection: good,
 * bad, good, bad, ...; then the ones cut by snaplen and a zero-length one.
 * 8 good + 14 bad + 3 = 25 frames.
 */
static void
case_mixed(void)
{
	static void (*const bad[])(struct frame *) = {
		bad_ihl, total_over_frame, total_under_header, tcp_off_below5,
		tcp_off_past_end, tcp_opt_len0, tcp_opt_len1,
		tcp_opt_overflow, tcp_opt_sack5, ipv6_chain_long,
		ipv6_ext_overrun, vlan_deep, qinq_ok, mpls_deep
	};
	static struct frame good[GOOD_CONN_PKTS];
	FILE *f = open_pcap("mixed", 65535, LINKTYPE_ETHERNET);
	struct frame fr;
	size_t i, nbad = sizeof bad / sizeof bad[0];

	good_conn_frames(good, 40020);
	for (i = 0; i < nbad || i < GOOD_CONN_PKTS; i++) {
		if (i < GOOD_CONN_PKTS)
			put(f, BASE_TS, 1000 * (uint32_t)i, &good[i]);
		if (i < nbad) {
			bad[i](&fr);
			put(f, BASE_TS, 500 + 1000 * (uint32_t)i, &fr);
		}
	}
	tcp_opt_cut(&fr);
	rec(f, BASE_TS, 20000, fr.b, TCP_OPT_CUT_CAPLEN, (uint32_t)fr.n);
	ipv6_ext_cut(&fr);
	rec(f, BASE_TS, 20001, fr.b, IPV6_EXT_CUT_CAPLEN, (uint32_t)fr.n);
	rec(f, BASE_TS, 20002, NULL, 0, 60);
	finish(f);
}

/*
 * 10 good packets of one connection (handshake, 7 data segments), then a
 * record header claiming caplen 0xFFFFFFF0, then more good packets that
 * must not be read.
 */
static void
case_damaged_mid_file(void)
{
	static const uint8_t mss[] = { 2, 4, 0x05, 0xb4 };
	FILE *f = open_pcap("damaged-mid-file", 65535, LINKTYPE_ETHERNET);
	const uint32_t c = 1000, s = 5000;
	struct frame fr;
	uint32_t i;

	tcp4(&fr, CLI4, SRV4, 40030, 80, c, 0, TH_SYN, mss, 4, 0);
	put(f, BASE_TS, 0, &fr);
	tcp4(&fr, SRV4, CLI4, 80, 40030, s, c + 1, TH_SYN | TH_ACK, mss, 4,
	    0);
	put(f, BASE_TS, 1000, &fr);
	tcp4(&fr, CLI4, SRV4, 40030, 80, c + 1, s + 1, TH_ACK, NULL, 0, 0);
	put(f, BASE_TS, 2000, &fr);
	for (i = 0; i < 7; i++) {
		tcp4(&fr, CLI4, SRV4, 40030, 80, c + 1 + 100 * i, s + 1,
		    TH_ACK | TH_PSH, NULL, 0, 100);
		put(f, BASE_TS, 3000 + 1000 * i, &fr);
	}
	write_offset("damaged-mid-file", f);
	rec_header(f, BASE_TS, 20000, 0xfffffff0u, 0xfffffff0u);
	for (i = 0; i < 5; i++) {
		tcp4(&fr, SRV4, CLI4, 80, 40030, s + 1, c + 1 + 100 * i,
		    TH_ACK, NULL, 0, 0);
		wr(f, fr.b, fr.n);		/* bytes that follow */
		put(f, BASE_TS, 21000 + 1000 * i, &fr);
	}
	finish(f);
}

/*
 * 1,000,000 SYNs to 192.0.2.80:80, each from its own address
 * (10.0.0.1 + i) and port, 1 us apart: 54-byte frames, 70 MB.
 */
#define FLOOD_SYNS	1000000u
static void
case_syn_flood(void)
{
	FILE *f = open_pcap("syn-flood", 65535, LINKTYPE_ETHERNET);
	static char buf[1 << 20];
	struct frame fr;
	uint32_t i;

	setvbuf(f, buf, _IOFBF, sizeof buf);
	for (i = 0; i < FLOOD_SYNS; i++) {
		tcp4(&fr, CLI4 + i, 0xc0000250u, (uint16_t)(1024 + i % 64000),
		    80, 0x10000000u + i * 7919u, 0, TH_SYN, NULL, 0, 0);
		put(f, BASE_TS + i / 1000000, i % 1000000, &fr);
	}
	finish(f);
}

/* ------------------------------------------------------------------ */
/* pcapng: blocks written by hand, little-endian unless said otherwise */

static int ng_be;		/* write the next fields big-endian */

static void
ng32(FILE *f, uint32_t v)
{
	uint8_t b[4];

	if (ng_be)
		put32be(b, v);
	else
		put32le(b, v);
	wr(f, b, 4);
}

static void
ng16(FILE *f, uint16_t v)
{
	uint8_t b[2];

	if (ng_be)
		put16be(b, v);
	else
		put16le(b, v);
	wr(f, b, 2);
}

static void
ng_pad(FILE *f, size_t n)
{
	static const uint8_t zero[4];

	wr(f, zero, (4 - n % 4) % 4);
}

/* A Section Header Block without options, in the order of ng_be. */
static void
ng_shb(FILE *f)
{
	ng32(f, 0x0a0d0d0a);
	ng32(f, 28);
	ng32(f, 0x1a2b3c4d);
	ng16(f, 1);
	ng16(f, 0);
	ng32(f, 0xffffffff);
	ng32(f, 0xffffffff);
	ng32(f, 28);
}

/* An Interface Description Block, with if_name if name is set. */
static void
ng_idb(FILE *f, uint16_t linktype, uint32_t snaplen, const char *name)
{
	size_t nl = name != NULL ? strlen(name) : 0;
	uint32_t len = 20 + (name != NULL ? 4 + (uint32_t)((nl + 3) & ~3u) +
	    4 : 0);

	ng32(f, 1);
	ng32(f, len);
	ng16(f, linktype);
	ng16(f, 0);
	ng32(f, snaplen);
	if (name != NULL) {
		ng16(f, 2);
		ng16(f, (uint16_t)nl);
		wr(f, name, nl);
		ng_pad(f, nl);
		ng16(f, 0);
		ng16(f, 0);
	}
	ng32(f, len);
}

/* An Enhanced Packet Block of the frame, at BASE_TS + usec. */
static void
ng_epb_raw(FILE *f, uint32_t iface, uint32_t usec, const uint8_t *data,
    uint32_t caplen, uint32_t len)
{
	uint64_t t = (uint64_t)BASE_TS * 1000000u + usec;
	uint32_t total = 32 + ((caplen + 3) & ~3u);

	ng32(f, 6);
	ng32(f, total);
	ng32(f, iface);
	ng32(f, (uint32_t)(t >> 32));
	ng32(f, (uint32_t)t);
	ng32(f, caplen);
	ng32(f, len);
	wr(f, data, caplen);
	ng_pad(f, caplen);
	ng32(f, total);
}

static void
ng_epb(FILE *f, uint32_t iface, uint32_t usec, const struct frame *fr)
{
	ng_epb_raw(f, iface, usec, fr->b, (uint32_t)fr->n, (uint32_t)fr->n);
}

/*
 * A block the reader skips (name resolution, statistics, custom,
 * unknown): zeros (an empty record or option list, for the ones others
 * read), or 0x5a for the rest.
 */
static void
ng_other(FILE *f, uint32_t type, uint32_t body)
{
	uint32_t i;

	ng32(f, type);
	ng32(f, 12 + body);
	for (i = 0; i < body / 4; i++)
		ng32(f, type == 4 || type == 5 ? 0 : 0x5a5a5a5a);
	ng32(f, 12 + body);
}

/* A pcapng file: section, one Ethernet interface, n good packets. */
static FILE *
ng_open(const char *name, int npkts)
{
	static struct frame fr[GOOD_CONN_PKTS];
	FILE *f = create_ext(name, "pcapng");
	int i;

	ng_be = 0;
	ng_shb(f);
	ng_idb(f, LINKTYPE_ETHERNET, 0, "eth0");
	good_conn_frames(fr, 40050);
	for (i = 0; i < npkts && i < GOOD_CONN_PKTS; i++)
		ng_epb(f, 0, 1000 * (uint32_t)i, &fr[i]);
	return f;
}

/* The damaged pcapng cases: 2 good packets, then the damaged block. */
static void
case_pcapng_damaged(void)
{
	struct frame fr;
	FILE *f;
	int i;

	f = ng_open("ng-zero-length-block", 2);
	write_offset("ng-zero-length-block", f);
	ng32(f, 6);
	ng32(f, 0);
	ng32(f, 0);
	finish(f);

	f = ng_open("ng-huge-block", 2);
	write_offset("ng-huge-block", f);
	ng32(f, 6);
	ng32(f, 0xfffffff0);
	ng32(f, 0);
	finish(f);

	f = ng_open("ng-trailer-mismatch", 2);
	write_offset("ng-trailer-mismatch", f);
	victim_syn(&fr);
	ng32(f, 6);
	ng32(f, 32 + 56);
	ng32(f, 0);
	ng32(f, 0);
	ng32(f, 0);
	ng32(f, (uint32_t)fr.n);
	ng32(f, (uint32_t)fr.n);
	wr(f, fr.b, fr.n);
	ng_pad(f, fr.n);
	ng32(f, 32 + 60);		/* not 88 */
	finish(f);

	f = ng_open("ng-block-past-eof", 2);
	write_offset("ng-block-past-eof", f);
	ng32(f, 6);
	ng32(f, 2000);
	ng32(f, 0);
	finish(f);

	f = ng_open("ng-unknown-interface", 2);
	write_offset("ng-unknown-interface", f);
	victim_syn(&fr);
	ng_epb(f, 7, 5000, &fr);
	finish(f);

	f = ng_open("ng-caplen-over-block", 2);
	write_offset("ng-caplen-over-block", f);
	victim_syn(&fr);
	ng32(f, 6);
	ng32(f, 32 + 56);
	ng32(f, 0);
	ng32(f, 0);
	ng32(f, 0);
	ng32(f, 5000);			/* caplen, in 56 bytes */
	ng32(f, 5000);
	wr(f, fr.b, fr.n);
	ng_pad(f, fr.n);
	ng32(f, 32 + 56);
	finish(f);

	/* if_name of 300 bytes in a block that has 8 for it. */
	f = ng_open("ng-option-overrun", 2);
	write_offset("ng-option-overrun", f);
	ng32(f, 1);
	ng32(f, 28);
	ng16(f, 1);
	ng16(f, 0);
	ng32(f, 0);
	ng16(f, 2);
	ng16(f, 300);
	ng32(f, 0x30687465);
	ng32(f, 28);
	finish(f);

	/* Interfaces without end: the 4097th is refused. */
	f = ng_open("ng-many-interfaces", 2);
	for (i = 0; i < 4096 - 1; i++)
		ng_idb(f, LINKTYPE_ETHERNET, 0, NULL);
	write_offset("ng-many-interfaces", f);
	for (i = 0; i < 1000; i++)
		ng_idb(f, LINKTYPE_ETHERNET, 0, NULL);
	finish(f);

	/* A packet in a section that has described no interface. */
	f = ng_open("ng-packet-before-idb", 2);
	ng_shb(f);
	write_offset("ng-packet-before-idb", f);
	victim_syn(&fr);
	ng_epb(f, 0, 5000, &fr);
	finish(f);
}

/* pcapng files that are fine, if unusual. */
static void
case_pcapng_readable(void)
{
	static struct frame good[GOOD_CONN_PKTS];
	struct frame fr;
	FILE *f;
	int i;

	/* caplen 1000 over the interface's snaplen 64: cut to 64. */
	f = create_ext("ng-caplen-over-snaplen", "pcapng");
	ng_be = 0;
	ng_shb(f);
	ng_idb(f, LINKTYPE_ETHERNET, 64, NULL);
	tcp4(&fr, CLI4, SRV4, 40051, 80, 1, 0, TH_SYN, NULL, 0, 946);
	ng_epb(f, 0, 0, &fr);
	finish(f);

	/* An IDB first: not pcapng, not anything. */
	f = create_ext("ng-missing-shb", "pcapng");
	ng_idb(f, LINKTYPE_ETHERNET, 0, NULL);
	victim_syn(&fr);
	ng_epb(f, 0, 0, &fr);
	finish(f);

	/*
	 * Two sections, little- then big-endian, whose interfaces are
	 * Ethernet and raw IP (LINKTYPE_RAW, 101): the good connection's
	 * first 4 packets in the first, the other 4 in the second, as EPB,
	 * SPB and the obsolete PB, with blocks to skip between: 8 packets,
	 * one connection, 4 on each interface.
	 */
	good_conn_frames(good, 40052);
	f = create_ext("ng-two-sections", "pcapng");
	ng_be = 0;
	ng_shb(f);
	ng_other(f, 4, 4);			/* name resolution */
	ng_idb(f, LINKTYPE_ETHERNET, 0, "eth0");
	for (i = 0; i < 4; i++)
		ng_epb(f, 0, 1000 * (uint32_t)i, &good[i]);
	ng_other(f, 5, 16);			/* interface statistics */
	ng_be = 1;
	ng_shb(f);
	ng_idb(f, 101, 0, "tun0");
	ng_other(f, 0x00000bad, 8);		/* custom */
	for (i = 4; i < GOOD_CONN_PKTS; i++) {
		const uint8_t *ip = good[i].b + 14;
		uint32_t n = (uint32_t)good[i].n - 14;

		if (i == 6) {			/* obsolete Packet Block */
			uint64_t ts = (uint64_t)BASE_TS * 1000000u + 1000u *
			    (uint32_t)i;

			ng32(f, 2);
			ng32(f, 32 + ((n + 3) & ~3u));
			ng16(f, 0);
			ng16(f, 0);
			ng32(f, (uint32_t)(ts >> 32));
			ng32(f, (uint32_t)ts);
			ng32(f, n);
			ng32(f, n);
			wr(f, ip, n);
			ng_pad(f, n);
			ng32(f, 32 + ((n + 3) & ~3u));
		} else
			ng_epb_raw(f, 0, 1000 * (uint32_t)i, ip, n, n);
		ng_other(f, 0x7fffabcd, 4);	/* unknown */
	}
	finish(f);

	f = create_ext("ng-section-only", "pcapng");
	ng_be = 0;
	ng_shb(f);
	finish(f);

	/*
	 * A raw IP interface described before the first packet, and one
	 * described after two Ethernet packets: a filter on Ethernet
	 * addresses means nothing for it (hostile.sh: usage error, or the
	 * reading of the file ends there).
	 */
	good_conn_frames(good, 40053);
	f = create_ext("ng-raw-first", "pcapng");
	ng_be = 0;
	ng_shb(f);
	ng_idb(f, LINKTYPE_ETHERNET, 0, "eth0");
	ng_idb(f, 101, 0, "tun0");
	for (i = 0; i < 2; i++)
		ng_epb(f, 0, 1000 * (uint32_t)i, &good[i]);
	finish(f);
	f = create_ext("ng-raw-late", "pcapng");
	ng_be = 0;
	ng_shb(f);
	ng_idb(f, LINKTYPE_ETHERNET, 0, "eth0");
	for (i = 0; i < 2; i++)
		ng_epb(f, 0, 1000 * (uint32_t)i, &good[i]);
	ng_idb(f, 101, 0, "tun0");
	for (i = 2; i < 4; i++)
		ng_epb_raw(f, 1, 1000 * (uint32_t)i, good[i].b + 14,
		    (uint32_t)good[i].n - 14, (uint32_t)good[i].n - 14);
	finish(f);
}

int
main(int argc, char **argv)
{
	int i, flood = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--flood") == 0)
			flood = 1;
		else if (outdir == NULL && argv[i][0] != '-')
			outdir = argv[i];
		else
			break;
	}
	if (i < argc || outdir == NULL) {
		fprintf(stderr, "usage: hostile-gen [--flood] DIR\n");
		return 1;
	}

	case_empty();
	case_bad_magic();
	case_truncated_global_header();
	case_truncated_record_header();
	case_record_past_eof();
	case_caplen_over_snaplen();
	case_caplen_over_snaplen_small();
	case_caplen_over_len();
	case_zero_length();
	case_absurd_timestamps();
	case_time_jumps_tcp();
	one_frame_case("ipv4-ihl-below-5", bad_ihl);
	one_frame_case("ipv4-total-length-over-frame", total_over_frame);
	one_frame_case("ipv4-total-length-under-header", total_under_header);
	one_frame_case("tcp-offset-below-5", tcp_off_below5);
	one_frame_case("tcp-offset-past-end", tcp_off_past_end);
	one_frame_case("tcp-opt-len0", tcp_opt_len0);
	one_frame_case("tcp-opt-len1", tcp_opt_len1);
	one_frame_case("tcp-opt-overflow", tcp_opt_overflow);
	one_frame_case("tcp-opt-sack5", tcp_opt_sack5);
	case_tcp_opt_truncated();
	one_frame_case("ipv6-ext-chain-long", ipv6_chain_long);
	one_frame_case("ipv6-ext-overrun", ipv6_ext_overrun);
	case_ipv6_ext_truncated();
	case_fragments();
	one_frame_case("vlan-deep", vlan_deep);
	one_frame_case("qinq-ok", qinq_ok);
	one_frame_case("mpls-deep", mpls_deep);
	one_frame_case("mpls-ok", mpls_ok);
	one_frame_case("ipv6-payload-length-over-frame", ipv6_plen_over_frame);
	one_frame_case("ipv4-total-length-zero", total_zero);
	one_frame_case("udp-short", udp_short);
	one_frame_case("udp-length-mismatch", udp_len_mismatch);
	one_frame_case("snap-loop", snap_loop);
	case_snaplen_zero();
	case_unknown_link_type();
	case_mixed();
	case_damaged_mid_file();
	case_pcapng_damaged();
	case_pcapng_readable();
	if (flood)
		case_syn_flood();
	return 0;
}
