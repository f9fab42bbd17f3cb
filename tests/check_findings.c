/*
 * Security findings (src/findings.c) from hand-built traffic: one pattern
 * per finding kind, run through the whole analyzer, checked for the kind,
 * the hosts, the counts, and that ordinary traffic raises nothing; and the
 * sentence each typed finding gets from the format layer (fmt_finding.c).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "analyzer.h"
#include "findings.h"
#include "fmt_finding.h"
#include "fmtutil.h"
#include "pktbuild.h"
#include "suites.h"

#define MS		1000000ULL
#define T0		(1700000000ULL * 1000000000ULL)

struct scene {
	struct analyzer	 an;
	struct findings	*fs;
	uint64_t	 t;
};

static bool
on_final(void *ctx, struct flow *f)
{
	findings_add(ctx, f);
	return false;
}

static void
scene_init(struct scene *sc)
{
	memset(sc, 0, sizeof *sc);
	sc->fs = findings_new();
	analyzer_init(&sc->an, NULL);
	analyzer_set_final(&sc->an, NULL, on_final, sc->fs);
	sc->t = T0;
}

static void
seg(struct scene *sc, const char *src, uint16_t sport, const char *dst,
    uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len)
{
	struct pb_spec s;
	struct raw_frame fr;
	uint8_t buf[2048];

	pb_spec_tcp4(&s);
	ck_assert(pb_addr(src, s.src));
	ck_assert(pb_addr(dst, s.dst));
	s.sport = sport;
	s.dport = dport;
	s.flags = flags;
	s.seq = seq;
	s.ack = ack;
	s.payload_len = len;
	memset(&fr, 0, sizeof fr);
	fr.data = buf;
	fr.caplen = fr.len = (uint32_t)pb_build(&s, buf, sizeof buf, NULL);
	fr.dlt = pb_dlt(s.link);
	fr.ts_ns = (sc->t += MS);
	analyzer_frame(&sc->an, &fr);
}

/* A complete connection with data; rst: the server resets it. */
static void
conn(struct scene *sc, const char *cli, uint16_t cport, const char *srv,
    uint16_t sport, int rst)
{
	seg(sc, cli, cport, srv, sport, TH_SYN, 100, 0, 0);
	seg(sc, srv, sport, cli, cport, TH_SYN | TH_ACK, 900, 101, 0);
	seg(sc, cli, cport, srv, sport, TH_ACK, 101, 901, 0);
	seg(sc, cli, cport, srv, sport, TH_ACK | TH_PUSH, 101, 901, 20);
	seg(sc, srv, sport, cli, cport, TH_ACK | TH_PUSH, 901, 121, 30);
	if (rst) {
		seg(sc, srv, sport, cli, cport, TH_RST, 931, 0, 0);
		return;
	}
	seg(sc, cli, cport, srv, sport, TH_FIN | TH_ACK, 121, 931, 0);
	seg(sc, srv, sport, cli, cport, TH_FIN | TH_ACK, 931, 122, 0);
	seg(sc, cli, cport, srv, sport, TH_ACK, 122, 932, 0);
}

static const struct finding *
finish(struct scene *sc, size_t *n)
{
	analyzer_finish(&sc->an);
	return findings_finish(sc->fs, n);
}

static void
scene_free(struct scene *sc)
{
	analyzer_free(&sc->an);
	findings_free(sc->fs);
}

static const struct finding *
find(const struct finding *fl, size_t n, enum finding_kind kind)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fl[i].kind == kind)
			return &fl[i];
	return NULL;
}

/* The finding's host and target as the reports write them. */
static const char *
host_of(const struct finding *x)
{
	static char buf[FORMAT_ADDR_MAX];

	format_addr(x->host, x->ip_version, buf, sizeof buf);
	return buf;
}

static const char *
target_of(const struct finding *x)
{
	static char buf[FORMAT_ENDPOINT_MAX];

	ck_assert(x->has_target);
	format_endpoint(x->target, x->ip_version, x->target_port, buf,
	    sizeof buf);
	return buf;
}

static const char *
explanation_of(const struct finding *x)
{
	static char buf[FORMAT_EXPLANATION_MAX];

	return format_finding_explanation(x, buf, sizeof buf);
}

START_TEST(test_quiet_traffic)
{
	struct scene sc;
	const struct finding *fl;
	size_t n, i;

	scene_init(&sc);
	for (i = 0; i < 30; i++)
		conn(&sc, "10.0.0.1", (uint16_t)(40000 + i), "10.0.0.2", 8443,
		    0);
	fl = finish(&sc, &n);
	ck_assert_uint_eq(n, 0);
	(void)fl;
	scene_free(&sc);
}
END_TEST

START_TEST(test_port_scan)
{
	struct scene sc;
	const struct finding *fl, *x;
	size_t n;
	uint16_t p;

	scene_init(&sc);
	/* 30 ports: closed ones answer RST (REJ), filtered ones nothing (S0). */
	for (p = 1; p <= 30; p++) {
		seg(&sc, "10.0.0.66", 50000, "10.0.0.2", p, TH_SYN, 7, 0, 0);
		if (p % 2)
			seg(&sc, "10.0.0.2", p, "10.0.0.66", 50000,
			    TH_RST | TH_ACK, 0, 8, 0);
	}
	fl = finish(&sc, &n);
	x = find(fl, n, FINDING_PORT_SCAN);
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(host_of(x), "10.0.0.66");
	ck_assert_uint_eq(x->count, 30);
	ck_assert_uint_eq(x->peers, 30);
	ck_assert_uint_eq(x->spread, 1);	/* hosts */
	ck_assert(!x->peers_capped);
	ck_assert(strstr(explanation_of(x), "port scan") != NULL);
	ck_assert_ptr_null(find(fl, n, FINDING_HOST_SCAN));
	scene_free(&sc);
}
END_TEST

START_TEST(test_host_scan)
{
	struct scene sc;
	const struct finding *fl, *x;
	size_t n;
	int h;

	scene_init(&sc);
	for (h = 1; h <= 25; h++) {
		char dst[32];

		snprintf(dst, sizeof dst, "10.0.1.%d", h);
		seg(&sc, "10.0.0.77", 50001, dst, 22, TH_SYN, 7, 0, 0);
		seg(&sc, dst, 22, "10.0.0.77", 50001, TH_RST | TH_ACK, 0, 8, 0);
	}
	fl = finish(&sc, &n);
	x = find(fl, n, FINDING_HOST_SCAN);
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(host_of(x), "10.0.0.77");
	ck_assert_uint_eq(x->peers, 25);
	scene_free(&sc);
}
END_TEST

START_TEST(test_half_open_and_syn_flood)
{
	struct scene sc;
	const struct finding *fl, *x;
	size_t n;
	int i;

	scene_init(&sc);
	/* 12 unanswered SYNs to one port: half-open, not yet a flood. */
	for (i = 0; i < 12; i++) {
		char src[32];

		snprintf(src, sizeof src, "10.0.2.%d", i + 1);
		seg(&sc, src, 40000, "10.0.0.9", 9000, TH_SYN, 1, 0, 0);
	}
	/* 250 spoofed sources to another: a flood. */
	for (i = 0; i < 250; i++) {
		char src[32];

		snprintf(src, sizeof src, "172.16.%d.%d", i / 200, i % 200 + 1);
		seg(&sc, src, (uint16_t)(1024 + i), "10.0.0.80", 80, TH_SYN,
		    (uint32_t)i, 0, 0);
	}
	fl = finish(&sc, &n);
	x = find(fl, n, FINDING_SYN_FLOOD);
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(target_of(x), "10.0.0.80:80");
	ck_assert_uint_eq(x->count, 250);
	ck_assert_int_eq(fl[0].kind, FINDING_SYN_FLOOD);	/* most serious first */
	x = find(fl, n, FINDING_HALF_OPEN);
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(target_of(x), "10.0.0.9:9000");
	ck_assert_uint_eq(x->count, 12);
	ck_assert_uint_eq(x->peers, 12);
	scene_free(&sc);
}
END_TEST

START_TEST(test_rst_storm)
{
	struct scene sc;
	const struct finding *fl, *x;
	size_t n;
	int i;

	scene_init(&sc);
	for (i = 0; i < 60; i++)
		conn(&sc, "10.0.0.1", (uint16_t)(30000 + i), "10.0.0.3", 8080, 1);
	fl = finish(&sc, &n);
	x = find(fl, n, FINDING_RST_STORM);
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(host_of(x), "10.0.0.3");
	ck_assert_uint_eq(x->count, 60);
	scene_free(&sc);
}
END_TEST

START_TEST(test_cleartext)
{
	struct scene sc;
	const struct finding *fl, *x;
	size_t n;

	scene_init(&sc);
	conn(&sc, "10.0.0.1", 40001, "10.0.0.5", 23, 0);	/* telnet */
	conn(&sc, "10.0.0.4", 40002, "10.0.0.5", 23, 0);
	conn(&sc, "10.0.0.1", 40003, "10.0.0.6", 443, 0);	/* https */
	fl = finish(&sc, &n);
	ck_assert_uint_eq(n, 1);
	x = find(fl, n, FINDING_CLEARTEXT);
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(target_of(x), "10.0.0.5:23");
	ck_assert_uint_eq(x->count, 2);
	ck_assert_uint_eq(x->peers, 2);
	ck_assert(strstr(explanation_of(x), "telnet") != NULL);
	scene_free(&sc);
}
END_TEST

/* The words come from the typed record alone, in every format the same. */
START_TEST(test_explanations)
{
	struct finding x;
	char buf[FORMAT_EXPLANATION_MAX];

	memset(&x, 0, sizeof x);
	x.kind = FINDING_SYN_FLOOD;
	x.ip_version = 6;
	ck_assert(pb_addr("2001:db8::80", x.host));
	memcpy(x.target, x.host, 16);
	x.has_target = true;
	x.target_port = 443;
	x.target_proto = 6;
	x.count = 300;
	x.peers = 256;
	x.peers_capped = true;
	x.first_ts = T0;
	x.last_ts = T0 + 299 * MS;
	ck_assert_str_eq(format_finding_explanation(&x, buf, sizeof buf),
	    "300 connection attempts to [2001:db8::80]:443 from at least 256 "
	    "clients got no answer in 0.3 s: a SYN flood, or the service is "
	    "overwhelmed");
	x.kind = FINDING_CLEARTEXT;
	x.target_port = 21;
	x.count = 1;
	x.peers = 1;
	ck_assert_str_eq(format_finding_explanation(&x, buf, sizeof buf),
	    "ftp on [2001:db8::80]:21: 1 flow from 1 client carried "
	    "unencrypted data; credentials and content can be read on the "
	    "wire");
	memset(&x, 0, sizeof x);
	x.kind = FINDING_HOST_SCAN;
	x.ip_version = 4;
	ck_assert(pb_addr("10.0.0.77", x.host));
	x.count = 25;
	x.peers = 25;
	x.spread = 1;
	x.last_ts = 49 * MS;
	ck_assert_str_eq(format_finding_explanation(&x, buf, sizeof buf),
	    "10.0.0.77 made 25 failed connection attempts to 25 hosts on 1 "
	    "port in 0.0 s: a sweep for a service");
	ck_assert_str_eq(finding_kind_name(FINDING_HOST_SCAN), "host_scan");
}
END_TEST

Suite *
findings_suite(void)
{
	Suite *s = suite_create("findings");
	TCase *tc = tcase_create("kinds");

	tcase_add_test(tc, test_quiet_traffic);
	tcase_add_test(tc, test_port_scan);
	tcase_add_test(tc, test_host_scan);
	tcase_add_test(tc, test_half_open_and_syn_flood);
	tcase_add_test(tc, test_rst_storm);
	tcase_add_test(tc, test_cleartext);
	tcase_add_test(tc, test_explanations);
	suite_add_tcase(s, tc);
	return s;
}
