/*
 * The dissector chain (decode*.c) on hand-built frames: every link layer,
 * VLAN/QinQ/MPLS/PPPoE, IPv4 options and fragments, IPv6 extension headers,
 * TCP options, UDP, and frames that are truncated by snaplen or whose header
 * fields lie; the dispatch tables; the packet view's tunnel layers and
 * payload bytes, here and across the reader thread (pipeline.c); and the
 * shortcut against the chain.  Every frame is decoded from a malloc'd copy
 * of exactly caplen bytes, so a sanitizer build catches any read past the
 * capture.
 */
#include "config.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "decode.h"
#include "decode_int.h"
#include "pipeline.h"
#include "pktbuild.h"
#include "source.h"
#include "suites.h"

#define BUFSZ	2048

/* Decode the first caplen bytes of buf from an exact-size heap copy. */
static enum pkt_kind
decode_exact(int dlt, const uint8_t *buf, uint32_t caplen, uint32_t wirelen,
    struct packet *pkt)
{
	uint8_t *copy = malloc(caplen > 0 ? caplen : 1);
	enum pkt_kind k;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, buf, caplen);
	memset(pkt, 0xa5, sizeof *pkt);		/* decode must overwrite */
	pkt->ts_ns = 77;
	pkt->number = 5;
	k = decode_packet(dlt, copy, caplen, wirelen, pkt);
	free(copy);
	ck_assert_int_eq(k, pkt->kind);
	ck_assert_uint_eq(pkt->ts_ns, 77);
	ck_assert_uint_eq(pkt->number, 5);
	return k;
}

/* Build s and decode all of it. */
static enum pkt_kind
decode_spec(const struct pb_spec *s, struct packet *pkt)
{
	uint8_t buf[BUFSZ];
	size_t len = pb_build(s, buf, sizeof buf, NULL);

	return decode_exact(pb_dlt(s->link), buf, (uint32_t)len,
	    (uint32_t)len, pkt);
}

static int
has_anomaly(const struct packet *pkt, enum packet_anomaly a)
{
	return (pkt->anomalies & (1u << a)) != 0;
}

/* The spec's TCP segment came out right (ports, numbers, payload). */
static void
check_tcp4(const struct pb_spec *s, const struct packet *pkt)
{
	ck_assert_int_eq(pkt->kind, PK_TCP);
	ck_assert_int_eq(pkt->reason, DR_NONE);
	ck_assert_uint_eq(pkt->ip_version, s->ipv6 ? 6 : 4);
	ck_assert_uint_eq(pkt->ip_proto, 6);
	ck_assert_mem_eq(pkt->src, s->src, s->ipv6 ? 16 : 4);
	ck_assert_mem_eq(pkt->dst, s->dst, s->ipv6 ? 16 : 4);
	ck_assert_uint_eq(pkt->sport, s->sport);
	ck_assert_uint_eq(pkt->dport, s->dport);
	ck_assert_uint_eq(pkt->tcp_seq, s->seq);
	ck_assert_uint_eq(pkt->tcp_ack, s->ack);
	ck_assert_uint_eq(pkt->tcp_flags, s->flags);
	ck_assert_uint_eq(pkt->payload_len, s->payload_len);
}

START_TEST(test_eth_ipv4_tcp_options)
{
	struct pb_spec s;
	struct packet pkt;
	uint8_t buf[BUFSZ];
	size_t len;
	struct pb_offsets off;

	pb_spec_tcp4(&s);
	s.flags = TH_SYN | TH_ACK | TH_ECE;
	s.seq = 0xdeadbeef;
	s.ack = 0x01020304;
	s.window = 29200;
	s.ttl = 57;
	s.ip_id = 0xbeef;
	s.opt.has_mss = 1;
	s.opt.mss = 1460;
	s.opt.sack_permitted = 1;
	s.opt.has_timestamp = 1;
	s.opt.ts_val = 0x11223344;
	s.opt.ts_ecr = 0x55667788;
	s.opt.has_wscale = 1;
	s.opt.wscale = 7;
	s.payload_len = 100;
	len = pb_build(&s, buf, sizeof buf, &off);
	ck_assert_uint_eq(len, 14 + 20 + 40 + 100);
	ck_assert_uint_eq(off.l4, 34);
	buf[off.l3 + 1] = 0x02;			/* ECT(0) */

	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, (uint32_t)len,
	    (uint32_t)len, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);
	ck_assert_uint_eq(pkt.caplen, len);
	ck_assert_uint_eq(pkt.wirelen, len);
	ck_assert_uint_eq(pkt.anomalies, 0);
	ck_assert_uint_eq(pkt.ip_len, 160);
	ck_assert_uint_eq(pkt.ip_ttl, 57);
	ck_assert_uint_eq(pkt.ip_id, 0xbeef);
	ck_assert_uint_eq(pkt.ip_ecn, 2);
	ck_assert_uint_eq(pkt.tcp_window, 29200);
	ck_assert_uint_eq(pkt.tcp_urgent, 0);
	ck_assert(pkt.tcp_opt.has_mss);
	ck_assert_uint_eq(pkt.tcp_opt.mss, 1460);
	ck_assert(pkt.tcp_opt.sack_permitted);
	ck_assert(pkt.tcp_opt.has_timestamp);
	ck_assert_uint_eq(pkt.tcp_opt.ts_val, 0x11223344);
	ck_assert_uint_eq(pkt.tcp_opt.ts_ecr, 0x55667788);
	ck_assert(pkt.tcp_opt.has_wscale);
	ck_assert_uint_eq(pkt.tcp_opt.wscale, 7);
	ck_assert_uint_eq(pkt.tcp_opt.sack_blocks, 0);
	ck_assert(!pkt.tcp_opt.truncated);
	ck_assert(!pkt.tcp_opt.malformed);
}
END_TEST

START_TEST(test_vlan)
{
	struct pb_spec s;
	struct packet pkt;
	int n;

	pb_spec_tcp4(&s);
	s.payload_len = 10;
	s.nvlan = 1;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);

	/* QinQ: an 802.1ad outer tag, then an 802.1Q one. */
	s.nvlan = 2;
	s.vlan_tpid[0] = 0x88a8;
	s.vlan_tpid[1] = 0x8100;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);

	/* The old QinQ types too, over IPv6. */
	pb_spec_tcp6(&s);
	s.nvlan = 2;
	s.vlan_tpid[0] = 0x9100;
	s.vlan_tpid[1] = 0x9200;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);

	/* Up to DECODE_MAX_VLAN_TAGS tags decode; one more does not. */
	pb_spec_tcp4(&s);
	for (n = 1; n <= DECODE_MAX_VLAN_TAGS; n++) {
		s.nvlan = n;
		ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
		check_tcp4(&s, &pkt);
	}
	s.nvlan = DECODE_MAX_VLAN_TAGS + 1;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_VLAN_TOO_DEEP);
	s.nvlan = PB_MAX_VLAN;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_VLAN_TOO_DEEP);
}
END_TEST

START_TEST(test_vlan_truncated)
{
	struct pb_spec s;
	struct packet pkt;
	uint8_t buf[BUFSZ];
	size_t len;

	pb_spec_tcp4(&s);
	s.nvlan = 1;
	len = pb_build(&s, buf, sizeof buf, NULL);
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, 16, (uint32_t)len,
	    &pkt), PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_TRUNCATED_LINK);
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, 13, (uint32_t)len,
	    &pkt), PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_TRUNCATED_LINK);
}
END_TEST

START_TEST(test_mpls)
{
	struct pb_spec s;
	struct packet pkt;

	pb_spec_tcp4(&s);
	s.payload_len = 33;
	s.nmpls = 2;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);

	pb_spec_tcp6(&s);
	s.nvlan = 1;
	s.nmpls = 3;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);

	pb_spec_tcp4(&s);
	s.nmpls = DECODE_MAX_MPLS_LABELS;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	s.nmpls = DECODE_MAX_MPLS_LABELS + 1;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_MPLS_TOO_DEEP);
}
END_TEST

START_TEST(test_sll)
{
	struct pb_spec s;
	struct packet pkt;

	pb_spec_tcp4(&s);
	s.payload_len = 5;
	s.link = PB_SLL;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);
	s.link = PB_SLL2;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);
	s.nvlan = 1;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);

	pb_spec_tcp6(&s);
	s.link = PB_SLL;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);
	s.link = PB_SLL2;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);
}
END_TEST

START_TEST(test_raw_ip)
{
	struct pb_spec s;
	struct packet pkt;

	pb_spec_tcp4(&s);
	s.link = PB_RAW;
	s.payload_len = 7;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);
	pb_spec_tcp6(&s);
	s.link = PB_RAW;
	s.payload_len = 7;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);
	ck_assert_uint_eq(pkt.ip_len, 40 + 20 + 7);

	/* The other raw-IP link types. */
	{
		uint8_t buf[BUFSZ];
		size_t len = pb_build(&s, buf, sizeof buf, NULL);

		ck_assert_int_eq(decode_exact(101, buf, (uint32_t)len,
		    (uint32_t)len, &pkt), PK_TCP);
		ck_assert_int_eq(decode_exact(229, buf, (uint32_t)len,
		    (uint32_t)len, &pkt), PK_TCP);
		/* Not IP at all. */
		buf[0] = 0x50;
		ck_assert_int_eq(decode_exact(DLT_RAW, buf, (uint32_t)len,
		    (uint32_t)len, &pkt), PK_UNDECODED);
		ck_assert_int_eq(pkt.reason, DR_BAD_IP_VERSION);
		ck_assert_int_eq(decode_exact(DLT_RAW, buf, 0, (uint32_t)len,
		    &pkt), PK_UNDECODED);
		ck_assert_int_eq(pkt.reason, DR_TRUNCATED_LINK);
	}
}
END_TEST

START_TEST(test_loopback)
{
	static const enum pb_link links[] = { PB_NULL_LE, PB_NULL_BE, PB_LOOP };
	struct pb_spec s;
	struct packet pkt;
	size_t i;

	for (i = 0; i < sizeof links / sizeof links[0]; i++) {
		pb_spec_tcp4(&s);
		s.link = links[i];
		s.payload_len = 3;
		ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
		check_tcp4(&s, &pkt);
		pb_spec_tcp6(&s);
		s.link = links[i];
		ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
		check_tcp4(&s, &pkt);
	}
	/* An unknown address family is not IP. */
	{
		uint8_t buf[BUFSZ];
		size_t len;

		pb_spec_tcp4(&s);
		s.link = PB_LOOP;
		len = pb_build(&s, buf, sizeof buf, NULL);
		buf[3] = 99;
		ck_assert_int_eq(decode_exact(DLT_LOOP, buf, (uint32_t)len,
		    (uint32_t)len, &pkt), PK_NON_IP);
		ck_assert_int_eq(decode_exact(DLT_NULL, buf, 3, (uint32_t)len,
		    &pkt), PK_UNDECODED);
		ck_assert_int_eq(pkt.reason, DR_TRUNCATED_LINK);
	}
}
END_TEST

START_TEST(test_pppoe)
{
	struct pb_spec s;
	struct packet pkt;

	pb_spec_tcp4(&s);
	s.pppoe = 1;
	s.payload_len = 20;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);
	pb_spec_tcp6(&s);
	s.pppoe = 1;
	s.nvlan = 1;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);
}
END_TEST

START_TEST(test_unknown_link_and_non_ip)
{
	struct pb_spec s;
	struct packet pkt;
	uint8_t buf[BUFSZ];
	size_t len;

	pb_spec_tcp4(&s);
	len = pb_build(&s, buf, sizeof buf, NULL);
	ck_assert_int_eq(decode_exact(9999, buf, (uint32_t)len, (uint32_t)len,
	    &pkt), PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_UNKNOWN_LINK_TYPE);
	ck_assert(!decode_link_type_supported(9999));
	ck_assert(decode_link_type_supported(DLT_EN10MB));
	ck_assert(decode_link_type_supported(DLT_LINUX_SLL));

	/* ARP */
	buf[12] = 0x08;
	buf[13] = 0x06;
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, (uint32_t)len,
	    (uint32_t)len, &pkt), PK_NON_IP);
	/* Ethernet shorter than its header. */
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, 13, (uint32_t)len,
	    &pkt), PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_TRUNCATED_LINK);
	/* The Ethertype says IPv4, the header says 6. */
	buf[12] = 0x08;
	buf[13] = 0x00;
	buf[14] = 0x65;
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, (uint32_t)len,
	    (uint32_t)len, &pkt), PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_BAD_IP_VERSION);
}
END_TEST

/*
 * The dispatch tables (decode.c): rows set by decode_set_*() are used,
 * replaced rows give back the old dissector, removed rows fall back to
 * what no row means; every test puts the rows back.
 */
static size_t seen_l4len;
static bool seen_fragmented;
static uint8_t seen_first;

/* An EtherType whose 2-byte header is followed by bare IP. */
static enum pkt_kind
two_bytes_then_ip(struct decoder *d)
{
	if (!cur_need(&d->c, 2))
		return undecoded(d, DR_TRUNCATED_LINK);
	cur_skip(&d->c, 2);
	return decode_ip(d);
}

/* An IP protocol or UDP port dissector that notes what it was given. */
static enum pkt_kind
note_transport(struct decoder *d)
{
	seen_l4len = d->l4len;
	seen_fragmented = d->fragmented;
	seen_first = cur_need(&d->c, 1) ? d->c.p[0] : 0;
	return kind(d, PK_OTHER_IP);
}

START_TEST(test_dispatch_tables)
{
	struct pb_spec s;
	struct packet pkt;
	struct pb_offsets off;
	uint8_t buf[BUFSZ], frame[BUFSZ];
	size_t len;
	uint32_t l;

	/* A link type: DLT_USER0 (147) as Ethernet. */
	pb_spec_tcp4(&s);
	s.proto = 17;
	s.payload_len = 10;
	len = pb_build(&s, buf, sizeof buf, NULL);
	l = (uint32_t)len;
	ck_assert(!decode_link_type_supported(147));
	ck_assert_ptr_null(decode_set_link_type(147, decode_ethernet));
	ck_assert(decode_link_type_supported(147));
	ck_assert_int_eq(decode_exact(147, buf, l, l, &pkt), PK_UDP);
	ck_assert_ptr_eq(decode_set_link_type(147, NULL), decode_ethernet);
	ck_assert_int_eq(decode_exact(147, buf, l, l, &pkt), PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_UNKNOWN_LINK_TYPE);

	/* An EtherType: 0x88b5 (local experimental), 2 bytes, then IP. */
	pb_spec_tcp4(&s);
	s.link = PB_RAW;
	len = pb_build(&s, buf, sizeof buf, NULL);
	memcpy(frame, "\2\0\0\0\0\2\2\0\0\0\0\1\x88\xb5\xab\xcd", 16);
	memcpy(frame + 16, buf, len);
	l = (uint32_t)len + 16;
	ck_assert_int_eq(decode_exact(DLT_EN10MB, frame, l, l, &pkt),
	    PK_NON_IP);
	ck_assert_ptr_null(decode_set_ethertype(0x88b5, two_bytes_then_ip));
	ck_assert_int_eq(decode_exact(DLT_EN10MB, frame, l, l, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);
	ck_assert_int_eq(decode_exact(DLT_EN10MB, frame, 15, l, &pkt),
	    PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_TRUNCATED_LINK);
	/*
	 * Behind a VLAN tag too: the tag's row dispatches through the table.
	 * (Rebuilt rather than moved in place: valgrind takes a fortified
	 * memmove() for an overlapping memcpy().)
	 */
	memcpy(frame + 12, "\x81\x00\x00\x07\x88\xb5\xab\xcd", 8);
	memcpy(frame + 20, buf, len);
	ck_assert_int_eq(decode_exact(DLT_EN10MB, frame, l + 4, l + 4, &pkt),
	    PK_TCP);
	ck_assert_ptr_eq(decode_set_ethertype(0x88b5, NULL), two_bytes_then_ip);
	ck_assert_ptr_null(decode_set_ethertype(0x88b5, NULL));
	ck_assert_int_eq(decode_exact(DLT_EN10MB, frame, l + 4, l + 4, &pkt),
	    PK_NON_IP);

	/* An IP protocol: 253 (experimental), with its length from IP. */
	pb_spec_tcp4(&s);
	s.proto = 253;
	s.payload_len = 30;
	s.frag = 0x2000;			/* a first fragment */
	len = pb_build(&s, buf, sizeof buf, &off);
	l = (uint32_t)len;
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt),
	    PK_OTHER_IP);
	seen_l4len = 0;
	ck_assert_ptr_null(decode_set_ip_proto(253, note_transport));
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt),
	    PK_OTHER_IP);
	ck_assert_uint_eq(seen_l4len, 30);
	ck_assert(seen_fragmented);
	ck_assert_uint_eq(seen_first, 'a');
	ck_assert_uint_eq(pkt.ip_proto, 253);
	ck_assert_ptr_eq(decode_set_ip_proto(253, NULL), note_transport);

	/* Removing TCP's row: the chain no longer decodes TCP. */
	pb_spec_tcp4(&s);
	len = pb_build(&s, buf, sizeof buf, NULL);
	l = (uint32_t)len;
	ck_assert_ptr_eq(decode_set_ip_proto(6, NULL), decode_tcp);
	ck_assert_int_eq(decode_frame(DLT_EN10MB, buf, l, l, &pkt, false),
	    PK_OTHER_IP);
	ck_assert_ptr_null(decode_set_ip_proto(6, decode_tcp));
	ck_assert_int_eq(decode_frame(DLT_EN10MB, buf, l, l, &pkt, false),
	    PK_TCP);

	/* A UDP port, destination or source, from the UDP payload on. */
	pb_spec_tcp6(&s);
	s.proto = 17;
	s.sport = 7777;
	s.dport = 53;
	s.payload_len = 12;
	len = pb_build(&s, buf, sizeof buf, NULL);
	l = (uint32_t)len;
	ck_assert_ptr_null(decode_set_udp_port(7777, note_transport));
	seen_l4len = 0;
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt),
	    PK_OTHER_IP);
	ck_assert_uint_eq(seen_l4len, 12);
	ck_assert_uint_eq(seen_first, 'a');
	ck_assert_uint_eq(pkt.sport, 7777);	/* UDP was decoded first */
	ck_assert_uint_eq(pkt.payload_len, 12);
	ck_assert_ptr_eq(decode_set_udp_port(7777, NULL), note_transport);
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt), PK_UDP);
}
END_TEST

START_TEST(test_ipv4_options)
{
	struct pb_spec s;
	struct packet pkt;

	pb_spec_tcp4(&s);
	s.ip4_opt_len = 4;			/* IHL 6 */
	s.payload_len = 50;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);
	ck_assert_uint_eq(pkt.ip_len, 24 + 20 + 50);
	s.ip4_opt_len = 40;			/* IHL 15 */
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);
}
END_TEST

START_TEST(test_ipv4_lying)
{
	struct pb_spec s;
	struct packet pkt;
	struct pb_offsets off;
	uint8_t buf[BUFSZ];
	size_t len;
	uint32_t l;

	pb_spec_tcp4(&s);
	s.payload_len = 30;
	len = pb_build(&s, buf, sizeof buf, &off);
	l = (uint32_t)len;

	/* IHL below 5. */
	buf[off.l3] = 0x44;
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt),
	    PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_BAD_IPV4_IHL);
	buf[off.l3] = 0x40;
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt),
	    PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_BAD_IPV4_IHL);
	buf[off.l3] = 0x45;

	/*
	 * Total length beyond the frame: old tools wrote caplen as the wire
	 * length, so this decodes as a cut frame, with the anomaly counted
	 * and the segment length from the IP header.
	 */
	buf[off.l3 + 2] = 0;
	buf[off.l3 + 3] = (uint8_t)(len - off.l3 + 1);
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt), PK_TCP);
	ck_assert(has_anomaly(&pkt, PA_IP_LENGTH_OVER_FRAME));
	ck_assert_uint_eq(pkt.ip_len, len - off.l3 + 1);
	/* Total length below the header. */
	buf[off.l3 + 3] = 19;
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt),
	    PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_BAD_IPV4_LENGTH);

	/* Total length 0 (TSO): the frame decides, and it is noted. */
	buf[off.l3 + 3] = 0;
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt), PK_TCP);
	ck_assert(has_anomaly(&pkt, PA_IP_LENGTH_ZERO));
	ck_assert_uint_eq(pkt.ip_len, len - off.l3);
	ck_assert_uint_eq(pkt.payload_len, 30);
	/* ... also when snaplen cut the frame: the wire length counts. */
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, 60, l, &pkt), PK_TCP);
	ck_assert(has_anomaly(&pkt, PA_IP_LENGTH_ZERO));
	ck_assert_uint_eq(pkt.payload_len, 30);

	/* A header shorter than its IHL, cut by snaplen. */
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, (uint32_t)off.l3 + 19,
	    l, &pkt), PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_TRUNCATED_IPV4);
}
END_TEST

START_TEST(test_ethernet_padding)
{
	struct pb_spec s;
	struct packet pkt;

	pb_spec_tcp4(&s);
	s.payload_len = 0;
	s.eth_pad = 6;				/* 54 -> the 60-byte minimum */
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);
	ck_assert_uint_eq(pkt.payload_len, 0);
	ck_assert_uint_eq(pkt.ip_len, 40);
	ck_assert_uint_eq(pkt.caplen, 60);

	pb_spec_tcp6(&s);
	s.payload_len = 2;
	s.eth_pad = 30;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	ck_assert_uint_eq(pkt.payload_len, 2);

	/* UDP too: no length mismatch from the padding. */
	pb_spec_tcp4(&s);
	s.proto = 17;
	s.payload_len = 1;
	s.eth_pad = 9;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_UDP);
	ck_assert_uint_eq(pkt.payload_len, 1);
	ck_assert_uint_eq(pkt.anomalies, 0);
}
END_TEST

START_TEST(test_ipv4_fragments)
{
	struct pb_spec s;
	struct packet pkt;

	/* A non-first fragment whose bytes look like a TCP header. */
	pb_spec_tcp4(&s);
	s.payload_len = 40;
	s.frag = 0x2000 | 185;		/* MF, offset 1480 */
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_FRAGMENT);
	ck_assert_uint_eq(pkt.ip_proto, 6);
	ck_assert_uint_eq(pkt.ip_version, 4);
	ck_assert_uint_eq(pkt.sport, 0);
	ck_assert_uint_eq(pkt.dport, 0);
	ck_assert_uint_eq(pkt.tcp_seq, 0);
	s.frag = 185;			/* the last fragment */
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_FRAGMENT);

	/* The first fragment carries the header: decoded, and noted. */
	s.frag = 0x2000;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);
	ck_assert(has_anomaly(&pkt, PA_FIRST_FRAGMENT));

	/* DF is not fragmentation. */
	s.frag = 0x4000;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	ck_assert_uint_eq(pkt.anomalies, 0);

	/* A first UDP fragment: its UDP length covers all fragments. */
	s.proto = 17;
	s.frag = 0x2000;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_UDP);
	ck_assert(has_anomaly(&pkt, PA_FIRST_FRAGMENT));
	ck_assert(!has_anomaly(&pkt, PA_UDP_LENGTH_MISMATCH));
}
END_TEST

START_TEST(test_ipv6_ext_chain)
{
	struct pb_spec s;
	struct packet pkt;

	pb_spec_tcp6(&s);
	s.payload_len = 64;
	s.next = 3;
	s.ext[0].type = 0;		/* hop-by-hop, 8 bytes */
	s.ext[1].type = 60;		/* destination options, 16 bytes */
	s.ext[1].len = 1;
	s.ext[2].type = 43;		/* routing, 8 bytes */
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);
	ck_assert_uint_eq(pkt.ip_len, 40 + 32 + 20 + 64);
	ck_assert_uint_eq(pkt.anomalies, 0);

	/* A first fragment header in the chain. */
	s.next = 2;
	s.ext[1].type = 44;
	s.ext[1].frag = 1;		/* offset 0, M */
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);
	ck_assert(has_anomaly(&pkt, PA_FIRST_FRAGMENT));
	ck_assert_uint_eq(pkt.ip_id, 0x12345678);

	/* No next header. */
	s.next = 1;
	s.ext[0].type = 0;
	s.proto = 59;
	s.payload_len = 0;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_OTHER_IP);
}
END_TEST

START_TEST(test_ipv6_fragment)
{
	struct pb_spec s;
	struct packet pkt;

	pb_spec_tcp6(&s);
	s.payload_len = 40;
	s.next = 2;
	s.ext[0].type = 0;
	s.ext[1].type = 44;
	s.ext[1].frag = (uint16_t)((1448 / 8) << 3 | 1);
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_FRAGMENT);
	ck_assert_uint_eq(pkt.ip_version, 6);
	ck_assert_uint_eq(pkt.ip_proto, 6);
	ck_assert_uint_eq(pkt.ip_id, 0x12345678);
	ck_assert_uint_eq(pkt.sport, 0);
	/* The last fragment (no M flag). */
	s.ext[1].frag = (uint16_t)((1448 / 8) << 3);
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_FRAGMENT);
}
END_TEST

START_TEST(test_ipv6_ext_bad)
{
	struct pb_spec s;
	struct packet pkt;
	struct pb_offsets off;
	uint8_t buf[BUFSZ];
	size_t len, ext;
	uint32_t l;

	pb_spec_tcp6(&s);
	s.payload_len = 10;
	s.next = 1;
	s.ext[0].type = 60;
	s.ext[0].len = 1;			/* 16 bytes */
	len = pb_build(&s, buf, sizeof buf, &off);
	l = (uint32_t)len;
	ext = off.l3 + 40;

	/* The header claims 88 bytes; the IPv6 payload has 46. */
	buf[ext + 1] = 10;
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt),
	    PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_BAD_IPV6_EXT);
	buf[ext + 1] = 1;

	/* Snaplen cuts the extension header (both its start and its body). */
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, (uint32_t)ext + 1, l,
	    &pkt), PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_TRUNCATED_IPV6_EXT);
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, (uint32_t)ext + 12, l,
	    &pkt), PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_TRUNCATED_IPV6_EXT);
	/* ... or the IPv6 header itself. */
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, (uint32_t)ext - 1, l,
	    &pkt), PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_TRUNCATED_IPV6);

	/* A payload length beyond the frame: decoded as cut, and counted. */
	buf[off.l3 + 4] = 0x05;
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt), PK_TCP);
	ck_assert(has_anomaly(&pkt, PA_IP_LENGTH_OVER_FRAME));
	/* Payload length 0: the frame decides, noted as for IPv4. */
	buf[off.l3 + 4] = 0;
	buf[off.l3 + 5] = 0;
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt), PK_TCP);
	ck_assert(has_anomaly(&pkt, PA_IP_LENGTH_ZERO));
	ck_assert_uint_eq(pkt.payload_len, 10);
}
END_TEST

START_TEST(test_ipv6_ext_too_many)
{
	struct pb_spec s;
	struct packet pkt;
	int i;

	pb_spec_tcp6(&s);
	s.payload_len = 4;
	s.next = 20;
	for (i = 0; i < s.next; i++)
		s.ext[i].type = 60;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_IPV6_EXT_TOO_MANY);

	s.next = DECODE_MAX_IPV6_EXT - 1;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);

	s.next = DECODE_MAX_IPV6_EXT + 1;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_IPV6_EXT_TOO_MANY);

	/* Exactly DECODE_MAX_IPV6_EXT extension headers still decode. */
	s.next = DECODE_MAX_IPV6_EXT;
	(void)decode_spec(&s, &pkt);
	ck_assert_int_eq(pkt.kind, PK_TCP);
}
END_TEST

START_TEST(test_tcp_bad_offset_and_length)
{
	struct pb_spec s;
	struct packet pkt;
	struct pb_offsets off;
	uint8_t buf[BUFSZ];
	size_t len;
	uint32_t l;

	pb_spec_tcp4(&s);
	len = pb_build(&s, buf, sizeof buf, &off);
	l = (uint32_t)len;

	/* Data offset 4 (16 bytes). */
	buf[off.l4 + 12] = 0x40;
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt),
	    PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_BAD_TCP_OFFSET);
	/* Data offset 15 (60 bytes) in a 20-byte segment. */
	buf[off.l4 + 12] = 0xf0;
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt),
	    PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_BAD_TCP_OFFSET);
	buf[off.l4 + 12] = 0x50;

	/* The IP header leaves 19 bytes for TCP. */
	buf[off.l3 + 3] = 39;
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt),
	    PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_BAD_TCP_LENGTH);
	buf[off.l3 + 3] = 20;
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt),
	    PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_BAD_TCP_LENGTH);
	buf[off.l3 + 3] = 40;

	/* Snaplen inside the fixed TCP header. */
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, (uint32_t)off.l4 + 10,
	    l, &pkt), PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_TRUNCATED_TCP);
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, (uint32_t)off.l4 + 20,
	    l, &pkt), PK_TCP);
}
END_TEST

START_TEST(test_tcp_options_truncated)
{
	struct pb_spec s;
	struct packet pkt;
	struct pb_offsets off;
	uint8_t buf[BUFSZ];
	size_t len;
	uint32_t l;

	pb_spec_tcp4(&s);
	s.opt.has_mss = 1;
	s.opt.mss = 1400;
	s.opt.sack_permitted = 1;
	s.opt.has_timestamp = 1;
	s.opt.ts_val = 1;
	s.opt.ts_ecr = 2;
	s.opt.has_wscale = 1;
	s.opt.wscale = 9;
	s.payload_len = 1000;
	len = pb_build(&s, buf, sizeof buf, &off);
	l = (uint32_t)len;

	/* Cut inside the timestamp option (MSS and SACK-permitted fit). */
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf,
	    (uint32_t)off.l4 + 20 + 9, l, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);
	ck_assert_uint_eq(pkt.payload_len, 1000);	/* not from caplen */
	ck_assert(pkt.tcp_opt.truncated);
	ck_assert(!pkt.tcp_opt.malformed);
	ck_assert(has_anomaly(&pkt, PA_TCP_OPTIONS_TRUNCATED));
	ck_assert(!has_anomaly(&pkt, PA_BAD_TCP_OPTION));
	ck_assert(pkt.tcp_opt.has_mss);
	ck_assert_uint_eq(pkt.tcp_opt.mss, 1400);
	ck_assert(pkt.tcp_opt.sack_permitted);
	ck_assert(!pkt.tcp_opt.has_timestamp);
	ck_assert(!pkt.tcp_opt.has_wscale);

	/* Cut inside the MSS option's length byte. */
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf,
	    (uint32_t)off.l4 + 21, l, &pkt), PK_TCP);
	ck_assert(pkt.tcp_opt.truncated);
	ck_assert(!pkt.tcp_opt.has_mss);

	/* Cut with the whole header present, inside the payload: clean. */
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf,
	    (uint32_t)off.payload + 3, l, &pkt), PK_TCP);
	ck_assert(!pkt.tcp_opt.truncated);
	ck_assert_uint_eq(pkt.anomalies, 0);
	ck_assert_uint_eq(pkt.payload_len, 1000);
	ck_assert(pkt.tcp_opt.has_wscale);

	/*
	 * A cut between two options (right after SACK-permitted, or right
	 * after the fixed header) still leaves the option area cut.
	 */
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf,
	    (uint32_t)off.l4 + 20 + 6, l, &pkt), PK_TCP);
	ck_assert(pkt.tcp_opt.sack_permitted);
	ck_assert(pkt.tcp_opt.truncated);
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf,
	    (uint32_t)off.l4 + 20, l, &pkt), PK_TCP);
	ck_assert(has_anomaly(&pkt, PA_TCP_OPTIONS_TRUNCATED));
}
END_TEST

/* Decode a segment whose option area is exactly raw (a multiple of 4). */
static void
decode_raw_options(const uint8_t *raw, size_t n, struct packet *pkt)
{
	struct pb_spec s;

	pb_spec_tcp4(&s);
	s.raw_opt = raw;
	s.raw_opt_len = n;
	s.payload_len = 12;
	ck_assert_int_eq(decode_spec(&s, pkt), PK_TCP);
	ck_assert_uint_eq(pkt->payload_len, 12);
	ck_assert_uint_eq(pkt->sport, 40000);
}

START_TEST(test_tcp_options_malformed)
{
	static const uint8_t len0[] = { 8, 0, 1, 1 };
	static const uint8_t len1[] = { 2, 1, 5, 0xb4 };
	static const uint8_t over[] = { 1, 1, 8, 10, 0, 0, 0, 1 };
	static const uint8_t mss_wrong[] = { 2, 3, 5, 1 };
	static const uint8_t sack_odd[] = { 5, 6, 0, 0, 0, 1, 1, 1 };
	static const uint8_t lone_kind[] = { 1, 1, 1, 2 };
	static const uint8_t unknown[] = { 30, 4, 9, 9, 2, 4, 2, 0 };
	static const uint8_t eol_first[] = { 0, 2, 4, 0 };
	struct packet pkt;

	decode_raw_options(len0, sizeof len0, &pkt);
	ck_assert(pkt.tcp_opt.malformed);
	ck_assert(!pkt.tcp_opt.truncated);
	ck_assert(!pkt.tcp_opt.has_timestamp);
	ck_assert(has_anomaly(&pkt, PA_BAD_TCP_OPTION));

	decode_raw_options(len1, sizeof len1, &pkt);
	ck_assert(pkt.tcp_opt.malformed);
	ck_assert(!pkt.tcp_opt.has_mss);

	decode_raw_options(over, sizeof over, &pkt);
	ck_assert(pkt.tcp_opt.malformed);
	ck_assert(!pkt.tcp_opt.truncated);
	ck_assert(!pkt.tcp_opt.has_timestamp);

	decode_raw_options(mss_wrong, sizeof mss_wrong, &pkt);
	ck_assert(pkt.tcp_opt.malformed);
	ck_assert(!pkt.tcp_opt.has_mss);

	decode_raw_options(sack_odd, sizeof sack_odd, &pkt);
	ck_assert(pkt.tcp_opt.malformed);
	ck_assert_uint_eq(pkt.tcp_opt.sack_blocks, 0);

	/* A kind byte with no room for its length, not cut: malformed. */
	decode_raw_options(lone_kind, sizeof lone_kind, &pkt);
	ck_assert(pkt.tcp_opt.malformed);

	/* An unknown option is skipped by its length. */
	decode_raw_options(unknown, sizeof unknown, &pkt);
	ck_assert(!pkt.tcp_opt.malformed);
	ck_assert_uint_eq(pkt.anomalies, 0);

	/* Nothing after End of Option List counts. */
	decode_raw_options(eol_first, sizeof eol_first, &pkt);
	ck_assert(!pkt.tcp_opt.malformed);
	ck_assert(!pkt.tcp_opt.has_mss);
}
END_TEST

START_TEST(test_tcp_options_direct)
{
	static const uint8_t mss_cut[] = { 2, 4, 5 };
	static const uint8_t ws_then_cut[] = { 1, 3, 3, 14, 8 };
	struct tcp_options o;

	memset(&o, 0, sizeof o);
	decode_tcp_options(mss_cut, sizeof mss_cut, true, &o);
	ck_assert(o.truncated);
	ck_assert(!o.malformed);
	ck_assert(!o.has_mss);

	memset(&o, 0, sizeof o);
	decode_tcp_options(mss_cut, sizeof mss_cut, false, &o);
	ck_assert(o.malformed);
	ck_assert(!o.truncated);

	memset(&o, 0, sizeof o);
	decode_tcp_options(ws_then_cut, sizeof ws_then_cut, true, &o);
	ck_assert(o.has_wscale);
	ck_assert_uint_eq(o.wscale, 14);
	ck_assert(o.truncated);

	memset(&o, 0, sizeof o);
	decode_tcp_options(ws_then_cut, 0, false, &o);
	ck_assert(!o.has_wscale && !o.truncated && !o.malformed);
}
END_TEST

START_TEST(test_tcp_sack_blocks)
{
	struct pb_spec s;
	struct packet pkt;
	int i;

	pb_spec_tcp4(&s);
	s.opt.sack_blocks = 4;
	for (i = 0; i < 4; i++) {
		s.opt.sack[i].left = 0xfffff000u + 1000u * (uint32_t)i;
		s.opt.sack[i].right = 0xfffff000u + 1000u * (uint32_t)i + 500;
	}
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	ck_assert_uint_eq(pkt.tcp_opt.sack_blocks, 4);
	for (i = 0; i < 4; i++) {
		ck_assert_uint_eq(pkt.tcp_opt.sack[i].left, s.opt.sack[i].left);
		ck_assert_uint_eq(pkt.tcp_opt.sack[i].right,
		    s.opt.sack[i].right);
	}
	ck_assert(!pkt.tcp_opt.malformed);

	/* One block with timestamps, the common case. */
	pb_spec_tcp4(&s);
	s.opt.has_timestamp = 1;
	s.opt.ts_val = 7;
	s.opt.ts_ecr = 8;
	s.opt.sack_blocks = 1;
	s.opt.sack[0].left = 100;
	s.opt.sack[0].right = 200;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_TCP);
	ck_assert_uint_eq(pkt.tcp_opt.sack_blocks, 1);
	ck_assert_uint_eq(pkt.tcp_opt.sack[0].left, 100);
	ck_assert_uint_eq(pkt.tcp_opt.sack[0].right, 200);
	ck_assert_uint_eq(pkt.tcp_opt.ts_val, 7);
	ck_assert_uint_eq(pkt.tcp_opt.ts_ecr, 8);
}
END_TEST

START_TEST(test_udp)
{
	struct pb_spec s;
	struct packet pkt;
	struct pb_offsets off;
	uint8_t buf[BUFSZ];
	size_t len;
	uint32_t l;

	pb_spec_tcp4(&s);
	s.proto = 17;
	s.sport = 5353;
	s.dport = 53;
	s.payload_len = 50;
	len = pb_build(&s, buf, sizeof buf, &off);
	l = (uint32_t)len;
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt), PK_UDP);
	ck_assert_uint_eq(pkt.sport, 5353);
	ck_assert_uint_eq(pkt.dport, 53);
	ck_assert_uint_eq(pkt.payload_len, 50);
	ck_assert_uint_eq(pkt.ip_proto, 17);
	ck_assert_uint_eq(pkt.ip_len, 78);
	ck_assert_uint_eq(pkt.anomalies, 0);

	/* The UDP length disagrees: the IP length wins, it is noted. */
	buf[off.l4 + 5] = 40;
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt), PK_UDP);
	ck_assert(has_anomaly(&pkt, PA_UDP_LENGTH_MISMATCH));
	ck_assert_uint_eq(pkt.payload_len, 50);

	/* Snaplen inside the UDP header. */
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, (uint32_t)off.l4 + 4,
	    l, &pkt), PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_TRUNCATED_UDP);
	/* Snaplen after it: the payload length still comes from IP. */
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, (uint32_t)off.l4 + 8,
	    l, &pkt), PK_UDP);
	ck_assert_uint_eq(pkt.payload_len, 50);

	/* The IP header leaves 7 bytes for UDP. */
	buf[off.l3 + 3] = 27;
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt),
	    PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_BAD_UDP_LENGTH);

	/* UDP over IPv6. */
	pb_spec_tcp6(&s);
	s.proto = 17;
	s.payload_len = 3;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_UDP);
	ck_assert_uint_eq(pkt.payload_len, 3);
	ck_assert_uint_eq(pkt.anomalies, 0);
}
END_TEST

START_TEST(test_icmp_and_other)
{
	struct pb_spec s;
	struct packet pkt;

	pb_spec_tcp4(&s);
	s.proto = 1;
	s.payload_len = 64;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_ICMP);
	ck_assert_uint_eq(pkt.ip_proto, 1);
	ck_assert_uint_eq(pkt.ip_len, 84);

	pb_spec_tcp6(&s);
	s.proto = 58;
	s.payload_len = 64;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_ICMPV6);
	ck_assert_uint_eq(pkt.ip_proto, 58);
	s.next = 1;
	s.ext[0].type = 0;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_ICMPV6);
	ck_assert_uint_eq(pkt.ip_proto, 58);

	/* No next header, nothing after: a length of 0 is true, not TSO's. */
	pb_spec_tcp6(&s);
	s.link = PB_RAW;
	s.proto = 59;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_OTHER_IP);
	ck_assert_uint_eq(pkt.ip_len, 40);
	ck_assert_uint_eq(pkt.anomalies, 0);

	pb_spec_tcp4(&s);
	s.proto = 47;				/* GRE */
	s.payload_len = 4;
	ck_assert_int_eq(decode_spec(&s, &pkt), PK_OTHER_IP);
	ck_assert_uint_eq(pkt.ip_proto, 47);
}
END_TEST

START_TEST(test_caplen_over_len)
{
	struct pb_spec s;
	struct packet pkt;
	uint8_t buf[BUFSZ];
	size_t len;

	pb_spec_tcp4(&s);
	s.payload_len = 20;
	len = pb_build(&s, buf, sizeof buf, NULL);
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, (uint32_t)len,
	    (uint32_t)len - 10, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);
	ck_assert(has_anomaly(&pkt, PA_CAPLEN_OVER_LEN));
	ck_assert_uint_eq(pkt.caplen, len);
	ck_assert_uint_eq(pkt.wirelen, len - 10);
}
END_TEST

/*
 * Every prefix of one valid frame as the captured part (snaplen 0 .. len):
 * no read past it, and the layers give up in order.
 */
START_TEST(test_every_prefix)
{
	struct pb_spec s;
	struct packet pkt;
	struct pb_offsets off;
	uint8_t buf[BUFSZ];
	size_t len, k;

	pb_spec_tcp4(&s);
	s.nvlan = 1;
	s.opt.has_mss = 1;
	s.opt.mss = 1460;
	s.opt.sack_permitted = 1;
	s.opt.has_timestamp = 1;
	s.opt.has_wscale = 1;
	s.payload_len = 10;
	len = pb_build(&s, buf, sizeof buf, &off);
	ck_assert_uint_eq(off.l3, 18);
	ck_assert_uint_eq(off.payload, off.l4 + 40);

	for (k = 0; k <= len; k++) {
		enum pkt_kind kind = decode_exact(DLT_EN10MB, buf, (uint32_t)k,
		    (uint32_t)len, &pkt);

		ck_assert_uint_eq(pkt.caplen, k);
		ck_assert_uint_eq(pkt.anomalies & ~((1u <<
		    PA_TCP_OPTIONS_TRUNCATED)), 0);
		if (k < off.l3) {
			ck_assert_int_eq(kind, PK_UNDECODED);
			ck_assert_int_eq(pkt.reason, DR_TRUNCATED_LINK);
		} else if (k < off.l4) {
			ck_assert_int_eq(kind, PK_UNDECODED);
			ck_assert_int_eq(pkt.reason, DR_TRUNCATED_IPV4);
		} else if (k < off.l4 + 20) {
			ck_assert_int_eq(kind, PK_UNDECODED);
			ck_assert_int_eq(pkt.reason, DR_TRUNCATED_TCP);
			ck_assert_uint_eq(pkt.ip_len, len - off.l3);
		} else {
			ck_assert_int_eq(kind, PK_TCP);
			ck_assert_int_eq(pkt.reason, DR_NONE);
			ck_assert_uint_eq(pkt.payload_len, 10);
			ck_assert_uint_eq(pkt.sport, 40000);
			ck_assert(!pkt.tcp_opt.malformed);
			/* MSS is the first option. */
			ck_assert_int_eq(pkt.tcp_opt.has_mss,
			    k >= off.l4 + 24);
			ck_assert_int_eq(pkt.tcp_opt.has_wscale,
			    k >= off.l4 + 40);
			if (k >= off.l4 + 40)
				ck_assert(!pkt.tcp_opt.truncated);
			ck_assert_int_eq(pkt.tcp_opt.truncated,
			    has_anomaly(&pkt, PA_TCP_OPTIONS_TRUNCATED));
		}
	}
}
END_TEST

/* The same over IPv6 with extension headers. */
START_TEST(test_every_prefix_ipv6)
{
	struct pb_spec s;
	struct packet pkt;
	struct pb_offsets off;
	uint8_t buf[BUFSZ];
	size_t len, k;

	pb_spec_tcp6(&s);
	s.next = 2;
	s.ext[0].type = 0;
	s.ext[1].type = 60;
	s.ext[1].len = 1;
	s.opt.has_timestamp = 1;
	s.payload_len = 5;
	len = pb_build(&s, buf, sizeof buf, &off);

	for (k = 0; k <= len; k++) {
		enum pkt_kind kind = decode_exact(DLT_EN10MB, buf, (uint32_t)k,
		    (uint32_t)len, &pkt);

		if (k < off.l3)
			ck_assert_int_eq(pkt.reason, DR_TRUNCATED_LINK);
		else if (k < off.l3 + 40)
			ck_assert_int_eq(pkt.reason, DR_TRUNCATED_IPV6);
		else if (k < off.l4)
			ck_assert_int_eq(pkt.reason, DR_TRUNCATED_IPV6_EXT);
		else if (k < off.l4 + 20)
			ck_assert_int_eq(pkt.reason, DR_TRUNCATED_TCP);
		else {
			ck_assert_int_eq(kind, PK_TCP);
			ck_assert_uint_eq(pkt.payload_len, 5);
		}
		if (kind != PK_TCP)
			ck_assert_int_eq(kind, PK_UNDECODED);
	}
}
END_TEST

/*
 * decode_packet() takes a shortcut for plain IPv4 and IPv6 TCP frames; it
 * must give exactly the view the whole chain gives.  Both decode every
 * frame of the recorded captures, each also re-wrapped in the other link
 * layers the shortcut knows (Linux cooked v1 and v2, raw IP, an 802.1Q
 * tag), and then frames mutated from those: a few header bytes replaced
 * (by values that matter to the shortcut's tests or at random), cut
 * shorter, or given another wire length.  Every copy is exactly caplen
 * bytes, so a sanitizer build sees any read past it.  Half the captures
 * are decoded with payload bytes asked for, so the payload reference is
 * compared as well.
 */
static const char *const shortcut_captures[] = {
	"bulk-loss-v4", "ack-loss-v4", "heavy-loss-v4", "bulk-loss-v6",
	"parallel-v4", "short-conns", "udp-v4", "reorder-rcv-v4"
};

static uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint64_t same_view_payloads;	/* views with payload bytes */

/*
 * Decode both ways; returns whether the view is TCP.  Both views point to
 * the thread's one packet_ext (an equal pointer), so the shortcut's ext is
 * kept before the chain's overwrites it: its payload reference (into the
 * same copy of the frame) and its tunnel layers must be equal too.
 */
static bool
same_view(int dlt, const uint8_t *buf, uint32_t caplen, uint32_t wirelen)
{
	uint8_t *copy = malloc(caplen > 0 ? caplen : 1);
	struct packet a, b;
	struct packet_ext xa;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, buf, caplen);
	memset(&a, 0x5a, sizeof a);
	memset(&b, 0xa5, sizeof b);
	a.ts_ns = b.ts_ns = 9;
	a.number = b.number = 3;
	decode_frame(dlt, copy, caplen, wirelen, &a, true);
	if (a.ext != NULL)
		xa = *a.ext;
	decode_frame(dlt, copy, caplen, wirelen, &b, false);
	ck_assert_msg(memcmp(&a, &b, sizeof a) == 0,
	    "shortcut and chain differ (dlt %d caplen %u wirelen %u kind "
	    "%d/%d)", dlt, caplen, wirelen, a.kind, b.kind);
	if (a.ext != NULL) {
		ck_assert_ptr_eq(xa.payload, b.ext->payload);
		ck_assert_uint_eq(xa.payload_off, b.ext->payload_off);
		ck_assert_uint_eq(xa.payload_caplen, b.ext->payload_caplen);
		ck_assert_mem_eq(xa.encap, b.ext->encap,
		    a.encap_depth * sizeof xa.encap[0]);
		if (xa.payload != NULL) {
			ck_assert(xa.payload >= copy && xa.payload +
			    xa.payload_caplen <= copy + caplen);
			same_view_payloads++;
		}
	}
	free(copy);
	return a.kind == PK_TCP;
}

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2	276
#endif
enum { WRAP_ETHER, WRAP_VLAN, WRAP_SLL, WRAP_SLL2, WRAP_RAW, WRAP_MAX };

/*
 * The Ethernet frame f (cap bytes, wire on the wire) under another link
 * layer, into out; returns the DLT and sets *ocap and *owire.
 */
static int
rewrap(int how, const uint8_t *f, uint32_t cap, uint32_t wire, uint8_t *out,
    uint32_t *ocap, uint32_t *owire)
{
	static const int dlts[WRAP_MAX] = {
		DLT_EN10MB, DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW
	};
	uint32_t hdr = 0, body = cap - 14;

	switch (how) {
	case WRAP_ETHER:
		hdr = 14;
		memcpy(out, f, 14);
		break;
	case WRAP_VLAN:
		hdr = 18;
		memcpy(out, f, 12);
		out[12] = 0x81, out[13] = 0x00, out[14] = 0x00, out[15] = 0x07;
		out[16] = f[12], out[17] = f[13];
		break;
	case WRAP_SLL:
		hdr = 16;
		memset(out, 0, 14);
		out[14] = f[12], out[15] = f[13];
		break;
	case WRAP_SLL2:
		hdr = 20;
		memset(out, 0, 20);
		out[0] = f[12], out[1] = f[13];
		break;
	case WRAP_RAW:
		hdr = 0;
		break;
	}
	memcpy(out + hdr, f + 14, body);
	*ocap = hdr + body;
	*owire = wire - 14 + hdr;
	return dlts[how];
}

START_TEST(test_shortcut_same_view)
{
	static const uint8_t interesting[] = {
		0x00, 0x01, 0x06, 0x08, 0x0a, 0x11, 0x14, 0x20, 0x28, 0x3f,
		0x40, 0x44, 0x45, 0x46, 0x4f, 0x50, 0x60, 0x80, 0x81, 0x86,
		0xdd, 0xff
	};
	const char *top = getenv("top_srcdir");
	uint64_t rng = 0x9e3779b97f4a7c15ULL, frames = 0, tcp = 0;
	size_t i;

	for (i = 0; i < sizeof shortcut_captures / sizeof *shortcut_captures;
	    i++) {
		char path[4096], err[PCAP_ERRBUF_SIZE];
		struct pcap_pkthdr *h;
		const u_char *data;
		pcap_t *p;
		int n = 0;

		snprintf(path, sizeof path, "%s/captures/%s.pcap",
		    top != NULL ? top : ".", shortcut_captures[i]);
		/* Every other capture with payload bytes asked for. */
		decode_set_payload_limit(i % 2 == 1 ? 64 : 0);
		p = pcap_open_offline(path, err);
		ck_assert_msg(p != NULL, "%s", err);
		ck_assert_int_eq(pcap_datalink(p), DLT_EN10MB);
		while (pcap_next_ex(p, &h, &data) == 1) {
			uint8_t wrapped[300], buf[300];
			uint32_t cap = h->caplen < 256 ? h->caplen : 256;
			int how, dlt, m;

			tcp += same_view(DLT_EN10MB, data, h->caplen, h->len);
			frames++;
			if (n++ >= 300 || cap < 14)
				continue;
			for (how = 0; how < WRAP_MAX; how++) {
				uint32_t wcap, wwire;

				dlt = rewrap(how, data, cap, h->len, wrapped,
				    &wcap, &wwire);
				tcp += same_view(dlt, wrapped, wcap, wwire);
				/* Wire lengths just short of the IP header's. */
				same_view(dlt, wrapped, wcap, wwire - 1);
				same_view(dlt, wrapped, wcap, wwire - 2);
				frames += 3;
				for (m = 0; m < 16; m++) {
					uint32_t c = wcap, w = wwire;
					uint64_t r = xorshift(&rng);
					int k, nmut = 1 + (int)(r % 3);

					memcpy(buf, wrapped, wcap);
					for (k = 0; k < nmut && c > 0; k++) {
						uint64_t x = xorshift(&rng);
						uint32_t at = (uint32_t)(x %
						    (c < 100 ? c : 100));

						buf[at] = (x >> 32) & 1 ?
						    interesting[(x >> 40) %
						    sizeof interesting] :
						    (uint8_t)(x >> 48);
					}
					if ((r >> 8) % 4 == 0)
						c = (uint32_t)((r >> 16) %
						    (c + 1));
					if ((r >> 24) % 4 == 0)
						w = c + (uint32_t)((r >> 32) %
						    64) - 16;
					tcp += same_view(dlt, buf, c, w);
					frames++;
				}
			}
		}
		pcap_close(p);
	}
	decode_set_payload_limit(0);
	/* The captures are mostly TCP: the shortcut was really exercised. */
	ck_assert_uint_gt(frames, 200000);
	ck_assert_uint_gt(tcp, frames / 2);
	ck_assert_uint_gt(same_view_payloads, frames / 10);
}
END_TEST

/*
 * Tunnels (decode_inner()) and payload (packet_payload()).  These tests
 * take the real tunnels away (decode_set_tunnels(false); check_tunnel.c
 * tests those), register stand-ins, VXLAN-like on a UDP port, GRE-like and
 * IP-in-IP on IP protocols, then take them away and put the real ones back.
 */
#define TEST_VXLAN_PORT	4789

/* 8 bytes: flags, 3 reserved, a 24-bit id, 1 reserved; then Ethernet. */
static enum pkt_kind
test_vxlan(struct decoder *d)
{
	if (!cur_need(&d->c, 8) || d->l4len < 8)
		return undecoded(d, DR_TRUNCATED_TUNNEL);
	return decode_inner(d, ENCAP_VXLAN, be32(d->c.p + 4) >> 8, 8,
	    DECODE_NEXT_LINK, DLT_EN10MB);
}

/* 4 bytes: flags and version, then the EtherType of what follows. */
static enum pkt_kind
test_gre(struct decoder *d)
{
	if (!cur_need(&d->c, 4) || d->l4len < 4)
		return undecoded(d, DR_TRUNCATED_TUNNEL);
	return decode_inner(d, ENCAP_GRE, 0, 4, DECODE_NEXT_ETHERTYPE,
	    be16(d->c.p + 2));
}

static enum pkt_kind
test_ipip(struct decoder *d)
{
	return decode_inner(d, ENCAP_IP_IN_IP, 0, 0, DECODE_NEXT_IP, 4);
}

/*
 * The frame inner (len bytes, Ethernet) in levels VXLAN-like tunnels, the
 * outermost last; tunnel k (1 = innermost) runs from 192.0.2.k to
 * 198.51.100.k with id 100 + k.  Returns the frame's length.
 */
static size_t
tunnelled(const uint8_t *inner, size_t len, int levels, uint8_t *out)
{
	uint8_t cur[BUFSZ], body[BUFSZ];
	struct pb_spec s;
	char a[32];
	int k;

	ck_assert_uint_le(len, sizeof cur);
	memcpy(cur, inner, len);
	for (k = 1; k <= levels; k++) {
		memset(body, 0, 8);
		body[0] = 0x08;
		body[6] = (uint8_t)(100 + k);
		memcpy(body + 8, cur, len);
		pb_spec_tcp4(&s);
		s.proto = 17;
		s.sport = (uint16_t)(50000 + k);
		s.dport = TEST_VXLAN_PORT;
		snprintf(a, sizeof a, "192.0.2.%d", k);
		pb_addr(a, s.src);
		snprintf(a, sizeof a, "198.51.100.%d", k);
		pb_addr(a, s.dst);
		s.payload = body;
		s.payload_len = (uint32_t)(8 + len);
		len = pb_build(&s, cur, sizeof cur, NULL);
	}
	memcpy(out, cur, len);
	return len;
}

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

START_TEST(test_tunnel_reentry)
{
	struct pb_spec s;
	struct packet pkt;
	struct pb_offsets off;
	uint8_t inner[BUFSZ], buf[BUFSZ];
	size_t ilen, len, cut;
	uint32_t l;
	int levels;

	decode_set_tunnels(false);
	pb_spec_tcp4(&s);
	s.payload_len = 40;
	ilen = pb_build(&s, inner, sizeof inner, &off);

	/* Not registered: plain UDP, no context. */
	len = tunnelled(inner, ilen, 1, buf);
	l = (uint32_t)len;
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt), PK_UDP);
	ck_assert_uint_eq(pkt.encap_depth, 0);
	ck_assert_ptr_null(pkt.ext);

	ck_assert_ptr_null(decode_set_udp_port(TEST_VXLAN_PORT, test_vxlan));
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);			/* the inner segment */
	ck_assert_uint_eq(pkt.ip_len, ilen - 14);
	ck_assert_uint_eq(pkt.caplen, len);	/* the frame's */
	ck_assert_uint_eq(pkt.encap_depth, 1);
	check_layer(&pkt, 0, ENCAP_VXLAN, 101, "192.0.2.1", "198.51.100.1");
	ck_assert_uint_eq(pkt.anomalies, 0);

	/* Tunnels in tunnels, outermost first, up to the limit... */
	for (levels = 2; levels <= PACKET_MAX_ENCAP; levels++) {
		len = tunnelled(inner, ilen, levels, buf);
		l = (uint32_t)len;
		ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt),
		    PK_TCP);
		check_tcp4(&s, &pkt);
		ck_assert_uint_eq(pkt.encap_depth, levels);
		check_layer(&pkt, 0, ENCAP_VXLAN, 100 + (uint32_t)levels,
		    levels == 4 ? "192.0.2.4" : levels == 3 ? "192.0.2.3" :
		    "192.0.2.2", levels == 4 ? "198.51.100.4" : levels == 3 ?
		    "198.51.100.3" : "198.51.100.2");
		check_layer(&pkt, levels - 1, ENCAP_VXLAN, 101, "192.0.2.1",
		    "198.51.100.1");
	}
	/* ...and one more is too deep: the view is that last tunnel's. */
	len = tunnelled(inner, ilen, PACKET_MAX_ENCAP + 1, buf);
	l = (uint32_t)len;
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt),
	    PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_TUNNEL_TOO_DEEP);
	ck_assert_uint_eq(pkt.encap_depth, PACKET_MAX_ENCAP);
	ck_assert_uint_eq(pkt.dport, TEST_VXLAN_PORT);
	ck_assert_uint_eq(pkt.sport, 50001);

	/* Every cut of a two-tunnel frame: no read past it, sane reasons. */
	len = tunnelled(inner, ilen, 2, buf);
	for (cut = 0; cut <= len; cut++) {
		enum pkt_kind k = decode_exact(DLT_EN10MB, buf, (uint32_t)cut,
		    (uint32_t)len, &pkt);

		if (cut < 42 + 8)		/* outer UDP, then the header */
			ck_assert_uint_eq(pkt.encap_depth, 0);
		if (cut >= 42 && cut < 50) {
			ck_assert_int_eq(k, PK_UNDECODED);
			ck_assert_int_eq(pkt.reason, DR_TRUNCATED_TUNNEL);
		}
		if (cut >= len - ilen + off.payload) {
			/* Cut in the inner payload: its length is IP's. */
			ck_assert_int_eq(k, PK_TCP);
			ck_assert_uint_eq(pkt.payload_len, 40);
			ck_assert_uint_eq(pkt.encap_depth, 2);
		}
	}

	/* The UDP length says less than IP: IP rules, as for plain UDP. */
	len = tunnelled(inner, ilen, 1, buf);
	buf[14 + 20 + 4] = 0;
	buf[14 + 20 + 5] = 20;
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, (uint32_t)len,
	    (uint32_t)len, &pkt), PK_TCP);
	ck_assert(has_anomaly(&pkt, PA_UDP_LENGTH_MISMATCH));
	/* IP says less than the tunnel header: a lie, not a tunnel. */
	buf[14 + 3] = 20 + 8 + 4;
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, (uint32_t)len,
	    (uint32_t)len, &pkt), PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_TRUNCATED_TUNNEL);
	ck_assert_ptr_eq(decode_set_udp_port(TEST_VXLAN_PORT, NULL),
	    test_vxlan);
	decode_set_tunnels(true);
}
END_TEST

START_TEST(test_tunnel_ethertype_and_ip)
{
	struct pb_spec s, o;
	struct packet pkt;
	uint8_t inner[BUFSZ], body[BUFSZ], buf[BUFSZ];
	size_t ilen, len;
	uint32_t l;

	decode_set_tunnels(false);
	ck_assert_ptr_null(decode_set_ip_proto(47, test_gre));
	ck_assert_ptr_null(decode_set_ip_proto(4, test_ipip));

	/* IPv6 TCP in GRE in IPv6. */
	pb_spec_tcp6(&s);
	s.link = PB_RAW;
	s.payload_len = 7;
	ilen = pb_build(&s, inner, sizeof inner, NULL);
	memcpy(body, "\0\0\x86\xdd", 4);
	memcpy(body + 4, inner, ilen);
	pb_spec_tcp6(&o);
	o.proto = 47;
	pb_addr("2001:db8:1::1", o.src);
	pb_addr("2001:db8:2::2", o.dst);
	o.payload = body;
	o.payload_len = (uint32_t)(4 + ilen);
	len = pb_build(&o, buf, sizeof buf, NULL);
	l = (uint32_t)len;
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);
	ck_assert_uint_eq(pkt.encap_depth, 1);
	check_layer(&pkt, 0, ENCAP_GRE, 0, "2001:db8:1::1", "2001:db8:2::2");
	/* A GRE header the capture cut. */
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, 14 + 40 + 3, l, &pkt),
	    PK_UNDECODED);
	ck_assert_int_eq(pkt.reason, DR_TRUNCATED_TUNNEL);
	/* What GRE carries is not IP. */
	body[2] = 0x08, body[3] = 0x06;
	len = pb_build(&o, buf, sizeof buf, NULL);
	ck_assert_int_eq(decode_exact(DLT_EN10MB, buf, l, l, &pkt), PK_NON_IP);
	ck_assert_uint_eq(pkt.encap_depth, 1);
	ck_assert_uint_eq(pkt.ip_version, 0);	/* the outer IP is gone */

	/* IPv4 TCP in IPv4 (protocol 4), on Linux cooked capture. */
	pb_spec_tcp4(&s);
	s.link = PB_RAW;
	s.payload_len = 3;
	ilen = pb_build(&s, inner, sizeof inner, NULL);
	pb_spec_tcp4(&o);
	o.link = PB_SLL;
	o.proto = 4;
	pb_addr("203.0.113.1", o.src);
	pb_addr("203.0.113.2", o.dst);
	o.payload = inner;
	o.payload_len = (uint32_t)ilen;
	len = pb_build(&o, buf, sizeof buf, NULL);
	l = (uint32_t)len;
	ck_assert_int_eq(decode_exact(DLT_LINUX_SLL, buf, l, l, &pkt), PK_TCP);
	check_tcp4(&s, &pkt);
	check_layer(&pkt, 0, ENCAP_IP_IN_IP, 0, "203.0.113.1", "203.0.113.2");
	/* The inner header claims more than the outer carried. */
	buf[16 + 20 + 3] += 10;
	ck_assert_int_eq(decode_exact(DLT_LINUX_SLL, buf, l, l, &pkt), PK_TCP);
	ck_assert(has_anomaly(&pkt, PA_IP_LENGTH_OVER_FRAME));

	ck_assert_ptr_eq(decode_set_ip_proto(47, NULL), test_gre);
	ck_assert_ptr_eq(decode_set_ip_proto(4, NULL), test_ipip);
	decode_set_tunnels(true);
}
END_TEST

/*
 * Decode from an exact-size copy, as decode_exact() does, keeping the
 * payload bytes packet_payload() gives (up to BUFSZ) before the copy goes.
 */
static enum pkt_kind
decode_payload(int dlt, const uint8_t *buf, uint32_t caplen, uint32_t wirelen,
    bool shortcut, struct packet *pkt, uint8_t *out, size_t *outlen)
{
	uint8_t *copy = malloc(caplen > 0 ? caplen : 1);
	const uint8_t *p;
	enum pkt_kind k;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, buf, caplen);
	pkt->ts_ns = pkt->number = 0;
	k = decode_frame(dlt, copy, caplen, wirelen, pkt, shortcut);
	p = packet_payload(pkt, outlen);
	ck_assert_uint_le(*outlen, BUFSZ);
	if (p != NULL) {
		ck_assert(p >= copy && p + *outlen <= copy + caplen);
		ck_assert_uint_eq(pkt->ext->payload_off, p - copy);
		memcpy(out, p, *outlen);
	} else
		ck_assert_uint_eq(*outlen, 0);
	free(copy);
	return k;
}

START_TEST(test_payload)
{
	struct pb_spec s;
	struct packet pkt;
	struct pb_offsets off;
	uint8_t buf[BUFSZ], got[BUFSZ], inner[BUFSZ];
	size_t len, n, ilen;
	uint32_t l;
	int sc;

	pb_spec_tcp4(&s);
	s.payload_len = 100;
	s.eth_pad = 10;
	len = pb_build(&s, buf, sizeof buf, &off);
	l = (uint32_t)len;
	for (sc = 0; sc < 2; sc++) {
		/* Not asked for: none, and no ext at all. */
		decode_set_payload_limit(0);
		ck_assert_int_eq(decode_payload(DLT_EN10MB, buf, l, l, sc, &pkt,
		    got, &n), PK_TCP);
		ck_assert_ptr_null(pkt.ext);
		ck_assert_uint_eq(n, 0);
		/* The first 16 bytes. */
		decode_set_payload_limit(16);
		ck_assert_int_eq(decode_payload(DLT_EN10MB, buf, l, l, sc, &pkt,
		    got, &n), PK_TCP);
		ck_assert_uint_eq(n, 16);
		ck_assert_mem_eq(got, buf + off.payload, 16);
		/* All 100, not the Ethernet padding after them. */
		decode_set_payload_limit(DECODE_PAYLOAD_MAX);
		ck_assert_int_eq(decode_payload(DLT_EN10MB, buf, l, l, sc, &pkt,
		    got, &n), PK_TCP);
		ck_assert_uint_eq(n, 100);
		ck_assert_mem_eq(got, buf + off.payload, 100);
		/* Cut by snaplen: what was captured. */
		ck_assert_int_eq(decode_payload(DLT_EN10MB, buf,
		    (uint32_t)off.payload + 30, l, sc, &pkt, got, &n), PK_TCP);
		ck_assert_uint_eq(n, 30);
		ck_assert_uint_eq(pkt.payload_len, 100);
		/* Cut before it: none. */
		ck_assert_int_eq(decode_payload(DLT_EN10MB, buf,
		    (uint32_t)off.payload, l, sc, &pkt, got, &n), PK_TCP);
		ck_assert_ptr_null(pkt.ext);
	}
	/* An empty segment has none, and needs no ext. */
	s.payload_len = 0;
	len = pb_build(&s, buf, sizeof buf, &off);
	ck_assert_int_eq(decode_payload(DLT_EN10MB, buf, (uint32_t)len,
	    (uint32_t)len, true, &pkt, got, &n), PK_TCP);
	ck_assert_ptr_null(pkt.ext);

	/* UDP, over IPv6 with an extension header. */
	pb_spec_tcp6(&s);
	s.proto = 17;
	s.next = 1;
	s.payload_len = 300;
	len = pb_build(&s, buf, sizeof buf, &off);
	ck_assert_int_eq(decode_payload(DLT_EN10MB, buf, (uint32_t)len,
	    (uint32_t)len, true, &pkt, got, &n), PK_UDP);
	ck_assert_uint_eq(n, 300);
	ck_assert_mem_eq(got, buf + off.payload, 300);

	/* In a tunnel: the inner segment's, at its place in the frame. */
	decode_set_tunnels(false);
	ck_assert_ptr_null(decode_set_udp_port(TEST_VXLAN_PORT, test_vxlan));
	pb_spec_tcp4(&s);
	s.payload_len = 20;
	ilen = pb_build(&s, inner, sizeof inner, &off);
	len = tunnelled(inner, ilen, 2, buf);
	ck_assert_int_eq(decode_payload(DLT_EN10MB, buf, (uint32_t)len,
	    (uint32_t)len, true, &pkt, got, &n), PK_TCP);
	ck_assert_uint_eq(pkt.encap_depth, 2);
	ck_assert_uint_eq(n, 20);
	ck_assert_mem_eq(got, inner + off.payload, 20);
	ck_assert_uint_eq(pkt.ext->payload_off, len - ilen + off.payload);
	/* The tunnel's UDP payload is not the inner segment's. */
	ck_assert_int_eq(decode_payload(DLT_EN10MB, buf,
	    (uint32_t)(len - ilen + off.payload), (uint32_t)len, true, &pkt,
	    got, &n), PK_TCP);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(pkt.encap_depth, 2);
	ck_assert_ptr_eq(decode_set_udp_port(TEST_VXLAN_PORT, NULL),
	    test_vxlan);
	decode_set_tunnels(true);

	decode_set_payload_limit(1u << 20);
	ck_assert_uint_eq(decode_payload_limit(), DECODE_PAYLOAD_MAX);
	decode_set_payload_limit(0);
	ck_assert_uint_eq(decode_payload_limit(), 0);
}
END_TEST

/*
 * The reader thread (pipeline.c) hands over views whose ext lives in its
 * ring: the tunnel layers and payload bytes must be what decoding the same
 * frames on this thread gives.  A written capture mixes tunnelled segments
 * with payload, plain UDP with payload and plain TCP without, over several
 * batches; the recorded UDP and short-connection captures follow.
 */
#define PL_PAYLOAD	48

struct view_rec {
	uint8_t		kind;
	uint8_t		depth;
	struct encap_layer encap[PACKET_MAX_ENCAP];
	size_t		n;
	uint8_t		bytes[PL_PAYLOAD];
};

static void
view_record(const struct packet *pkt, struct view_rec *r)
{
	const uint8_t *p = packet_payload(pkt, &r->n);

	memset(r, 0, offsetof(struct view_rec, n));
	r->kind = pkt->kind;
	r->depth = pkt->encap_depth;
	if (r->depth > 0)
		memcpy(r->encap, packet_encap(pkt), r->depth *
		    sizeof r->encap[0]);
	ck_assert_uint_le(r->n, PL_PAYLOAD);
	memcpy(r->bytes, p != NULL ? p : r->bytes, r->n);
}

/* Every frame of path, through the reader thread or not; returns how many. */
static size_t
views_of(const char *path, bool threaded, struct view_rec *recs, size_t max)
{
	char err[SOURCE_ERRBUF_SIZE], *paths[1] = { (char *)path };
	enum source_status st;
	struct source *src = source_open_files(paths, 1, NULL, err, &st);
	struct raw_frame fr;
	struct packet pkt;
	size_t n = 0;

	ck_assert_msg(src != NULL, "%s", err);
	if (threaded) {
		struct pipeline *pl = pipeline_start(src, 0, false);
		bool end = false;

		ck_assert_ptr_nonnull(pl);
		while (!end) {
			struct pipeline_batch *b = pipeline_next(pl);
			uint32_t k;

			for (k = 0; k < b->n; k++) {
				ck_assert_uint_lt(n, max);
				view_record(&b->pkts[k], &recs[n++]);
			}
			end = b->end;
			pipeline_release(pl);
		}
		pipeline_stop(pl);
	} else {
		while (source_next(src, &fr, err) == 1) {
			ck_assert_uint_lt(n, max);
			pkt.ts_ns = fr.ts_ns;
			decode_packet(fr.dlt, fr.data, fr.caplen, fr.len, &pkt);
			view_record(&pkt, &recs[n++]);
		}
	}
	source_close(src);
	return n;
}

/*
 * Both ways over path; returns the views that had payload bytes, and in
 * *tunnels those that came through a tunnel.
 */
static size_t
same_views_threaded(const char *path, size_t max, size_t *tunnels)
{
	struct view_rec *a = calloc(max, sizeof *a), *b = calloc(max, sizeof *b);
	size_t n, i, with = 0;

	*tunnels = 0;

	ck_assert(a != NULL && b != NULL);
	n = views_of(path, false, a, max);
	ck_assert_uint_eq(views_of(path, true, b, max), n);
	for (i = 0; i < n; i++) {
		ck_assert_msg(memcmp(&a[i], &b[i], sizeof a[i]) == 0,
		    "%s: frame %zu differs across the reader thread", path,
		    i + 1);
		with += a[i].n > 0;
		*tunnels += a[i].depth > 0;
	}
	free(a);
	free(b);
	return with;
}

START_TEST(test_pipeline_ext)
{
	char path[] = "/tmp/transcope-check-view.XXXXXX", cap[4096];
	const char *top = getenv("top_srcdir");
	uint8_t inner[BUFSZ], buf[BUFSZ], body[256];
	struct pcap_pkthdr h;
	pcap_dumper_t *dump;
	struct pb_spec s;
	pcap_t *dead;
	size_t len, i, tunnels;
	int fd;

	decode_set_tunnels(false);
	ck_assert_ptr_null(decode_set_udp_port(TEST_VXLAN_PORT, test_vxlan));
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	dead = pcap_open_dead(DLT_EN10MB, 65535);
	dump = pcap_dump_open(dead, path);
	ck_assert_ptr_nonnull(dump);
	for (i = 0; i < 1500; i++) {
		size_t j;

		for (j = 0; j < sizeof body; j++)
			body[j] = (uint8_t)(i * 7 + j);
		pb_spec_tcp4(&s);
		s.payload = body;
		s.seq = (uint32_t)i;
		switch (i % 3) {
		case 0:			/* TCP in one or two tunnels */
			s.payload_len = (uint32_t)(i % 100);
			len = pb_build(&s, inner, sizeof inner, NULL);
			len = tunnelled(inner, len, 1 + (int)(i % 2), buf);
			break;
		case 1:			/* UDP */
			s.proto = 17;
			s.payload_len = (uint32_t)(i % 200);
			len = pb_build(&s, buf, sizeof buf, NULL);
			break;
		default:		/* a bare ACK */
			len = pb_build(&s, buf, sizeof buf, NULL);
			break;
		}
		memset(&h, 0, sizeof h);
		h.ts.tv_sec = 1700000000 + (time_t)i;
		h.caplen = h.len = (bpf_u_int32)len;
		pcap_dump((u_char *)dump, &h, buf);
	}
	pcap_dump_close(dump);
	pcap_close(dead);

	/* Tunnel layers only: no payload storage in the ring. */
	ck_assert_uint_eq(same_views_threaded(path, 1500, &tunnels), 0);
	ck_assert_uint_eq(tunnels, 500);
	/* And payload bytes too. */
	decode_set_payload_limit(PL_PAYLOAD);
	ck_assert_uint_gt(same_views_threaded(path, 1500, &tunnels), 900);
	ck_assert_uint_eq(tunnels, 500);
	unlink(path);
	snprintf(cap, sizeof cap, "%s/captures/udp-v4.pcap",
	    top != NULL ? top : ".");
	ck_assert_uint_gt(same_views_threaded(cap, 20000, &tunnels), 500);
	snprintf(cap, sizeof cap, "%s/captures/short-conns.pcap",
	    top != NULL ? top : ".");
	ck_assert_uint_gt(same_views_threaded(cap, 20000, &tunnels), 100);
	decode_set_payload_limit(0);
	ck_assert_ptr_eq(decode_set_udp_port(TEST_VXLAN_PORT, NULL),
	    test_vxlan);
	decode_set_tunnels(true);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(decode_reason_name(DR_BAD_IPV4_IHL), "bad_ipv4_ihl");
	ck_assert_str_eq(decode_reason_name(DR_MAX), "?");
	ck_assert_str_eq(packet_anomaly_name(PA_FIRST_FRAGMENT),
	    "first_fragment");
	ck_assert_str_eq(pkt_kind_name(PK_FRAGMENT), "ip_fragment");
	ck_assert_str_eq(pkt_kind_name(PK_MAX), "?");
}
END_TEST

Suite *
decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("link");

	tcase_add_test(tc, test_eth_ipv4_tcp_options);
	tcase_add_test(tc, test_vlan);
	tcase_add_test(tc, test_vlan_truncated);
	tcase_add_test(tc, test_mpls);
	tcase_add_test(tc, test_sll);
	tcase_add_test(tc, test_raw_ip);
	tcase_add_test(tc, test_loopback);
	tcase_add_test(tc, test_pppoe);
	tcase_add_test(tc, test_unknown_link_and_non_ip);
	tcase_add_test(tc, test_dispatch_tables);
	suite_add_tcase(s, tc);

	tc = tcase_create("ip");
	tcase_add_test(tc, test_ipv4_options);
	tcase_add_test(tc, test_ipv4_lying);
	tcase_add_test(tc, test_ethernet_padding);
	tcase_add_test(tc, test_ipv4_fragments);
	tcase_add_test(tc, test_ipv6_ext_chain);
	tcase_add_test(tc, test_ipv6_fragment);
	tcase_add_test(tc, test_ipv6_ext_bad);
	tcase_add_test(tc, test_ipv6_ext_too_many);
	suite_add_tcase(s, tc);

	tc = tcase_create("transport");
	tcase_add_test(tc, test_tcp_bad_offset_and_length);
	tcase_add_test(tc, test_tcp_options_truncated);
	tcase_add_test(tc, test_tcp_options_malformed);
	tcase_add_test(tc, test_tcp_options_direct);
	tcase_add_test(tc, test_tcp_sack_blocks);
	tcase_add_test(tc, test_udp);
	tcase_add_test(tc, test_icmp_and_other);
	tcase_add_test(tc, test_caplen_over_len);
	tcase_add_test(tc, test_every_prefix);
	tcase_add_test(tc, test_every_prefix_ipv6);
	tcase_add_test(tc, test_shortcut_same_view);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("view");
	tcase_add_test(tc, test_tunnel_reentry);
	tcase_add_test(tc, test_tunnel_ethertype_and_ip);
	tcase_add_test(tc, test_payload);
	tcase_add_test(tc, test_pipeline_ext);
	suite_add_tcase(s, tc);
	return s;
}
