/*
 * Application analyzers on UDP (udp.h), through the whole pipeline: an
 * analyzer claims a flow by its server port or by probing the first
 * payload, sees every packet of that flow with its payload bytes, and its
 * state is freed with the flow; unclaimed flows carry no state.
 */
#include "config.h"

#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "decode.h"
#include "pktbuild.h"
#include "suites.h"
#include "udp.h"

struct seen {
	int		 created;
	int		 packets;
	int		 freed;
	size_t		 bytes;		/* payload bytes handed over */
	uint8_t		 first[4];	/* of the last packet */
};

static struct seen by_port, by_probe;

static void *
create_port(const struct flow *f, const struct packet *first)
{
	(void)f;
	(void)first;
	by_port.created++;
	return &by_port;
}

static void *
create_probe(const struct flow *f, const struct packet *first)
{
	(void)f;
	(void)first;
	by_probe.created++;
	return &by_probe;
}

static void
packet_seen(void *state, const struct flow *f, const struct packet *pkt,
    enum flow_dir dir, const uint8_t *payload, size_t len)
{
	struct seen *s = state;

	(void)f;
	(void)pkt;
	(void)dir;
	s->packets++;
	s->bytes += len;
	if (payload != NULL && len >= sizeof s->first)
		memcpy(s->first, payload, sizeof s->first);
}

static void
free_seen(void *state)
{
	((struct seen *)state)->freed++;
}

/* "QQ" and a version byte of 20: a made-up validated header. */
static bool
probe_qq(const uint8_t *p, size_t len)
{
	return len >= 3 && p[0] == 'Q' && p[1] == 'Q' && p[2] == 20;
}

static const uint16_t test_ports[] = { 5353, 0 };

static const struct udp_analyzer port_analyzer = {
	.name = "test-port", .ports = test_ports, .payload_bytes = 8,
	.create = create_port, .packet = packet_seen, .free = free_seen,
};

static const struct udp_analyzer probe_analyzer = {
	.name = "test-probe", .probe = probe_qq, .payload_bytes = 16,
	.create = create_probe, .packet = packet_seen, .free = free_seen,
};

static void
feed(struct analyzer *an, uint16_t sport, uint16_t dport,
    const uint8_t *payload, uint32_t len, uint64_t ts)
{
	struct pb_spec s;
	struct raw_frame fr;
	uint8_t frame[256];

	pb_spec_tcp4(&s);
	s.proto = 17;
	s.sport = sport;
	s.dport = dport;
	s.payload = payload;
	s.payload_len = len;
	if (sport < dport) {		/* an answer: from the server */
		pb_addr("10.0.0.2", s.src);
		pb_addr("10.0.0.1", s.dst);
	}
	memset(&fr, 0, sizeof fr);
	fr.data = frame;
	fr.caplen = fr.len = (uint32_t)pb_build(&s, frame, sizeof frame, NULL);
	fr.dlt = pb_dlt(PB_ETH);
	fr.ts_ns = ts;
	analyzer_frame(an, &fr);
}

static const struct flow *
flow_to(const struct analyzer *an, uint16_t port)
{
	const struct flow *f;

	for (f = flow_table_first(an->flows); f != NULL; f = f->next)
		if (flow_server_port(f) == port)
			return f;
	return NULL;
}

START_TEST(test_udp_analyzers)
{
	static const uint8_t qq[20] = { 'Q', 'Q', 20, 'x' };
	static const uint8_t zz[20] = { 'z', 'z', 20 };
	static const uint8_t dns[12] = { 0xab, 0xcd, 0x01, 0x00 };
	struct analyzer an;

	memset(&by_port, 0, sizeof by_port);
	memset(&by_probe, 0, sizeof by_probe);
	ck_assert(udp_analyzer_register(&port_analyzer));
	ck_assert(udp_analyzer_register(&probe_analyzer));
	ck_assert_uint_eq(decode_payload_limit(), 16);

	analyzer_init(&an, NULL);
	/* By port: a query and its answer. */
	feed(&an, 40000, 5353, dns, sizeof dns, 1000);
	feed(&an, 5353, 40000, dns, sizeof dns, 2000);
	/* By probe, on a port nobody claims; then a flow nobody claims. */
	feed(&an, 40001, 9999, qq, sizeof qq, 3000);
	feed(&an, 40002, 9998, zz, sizeof zz, 4000);
	feed(&an, 40002, 9998, qq, sizeof qq, 5000);
	analyzer_finish(&an);

	ck_assert_int_eq(by_port.created, 1);
	ck_assert_int_eq(by_port.packets, 2);
	ck_assert_uint_eq(by_port.bytes, 2 * sizeof dns);
	ck_assert_int_eq(by_port.first[0], 0xab);
	ck_assert_int_eq(by_probe.created, 1);
	ck_assert_int_eq(by_probe.packets, 1);
	ck_assert_uint_eq(by_probe.bytes, 16);	/* its payload_bytes */
	ck_assert_int_eq(by_probe.first[0], 'Q');

	ck_assert_ptr_eq(udp_flow_analyzer(flow_to(&an, 5353)),
	    &port_analyzer);
	ck_assert_ptr_eq(udp_flow_analyzer(flow_to(&an, 9999)),
	    &probe_analyzer);
	/* Claimed at the first packet or never: zz came first. */
	ck_assert_ptr_null(udp_flow_analyzer(flow_to(&an, 9998)));
	ck_assert_ptr_null(udp_flow_state(flow_to(&an, 9998)));
	ck_assert_ptr_eq(udp_flow_state(flow_to(&an, 9999)), &by_probe);

	analyzer_free(&an);
	ck_assert_int_eq(by_port.freed, 1);
	ck_assert_int_eq(by_probe.freed, 1);
	udp_analyzers_clear();
	ck_assert_uint_eq(decode_payload_limit(), 0);
}
END_TEST

/* With no analyzer, a UDP flow has no state and no payload is kept. */
START_TEST(test_udp_no_analyzer)
{
	static const uint8_t qq[20] = { 'Q', 'Q', 20 };
	struct analyzer an;
	const struct flow *f;

	udp_analyzers_clear();
	analyzer_init(&an, NULL);
	feed(&an, 40000, 5353, qq, sizeof qq, 1000);
	analyzer_finish(&an);
	f = flow_table_first(an.flows);
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_null(f->proto_state);
	ck_assert_str_eq(f->proto->name, "udp");
	analyzer_free(&an);
}
END_TEST

Suite *
udp_suite(void)
{
	Suite *s = suite_create("udp");
	TCase *tc = tcase_create("analyzers");

	tcase_add_test(tc, test_udp_analyzers);
	tcase_add_test(tc, test_udp_no_analyzer);
	suite_add_tcase(s, tc);
	return s;
}
