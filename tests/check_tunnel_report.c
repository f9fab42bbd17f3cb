/*
 * Tunnels as reported: packet views built by hand with their tunnel layers
 * (encap_depth and ext set as a tunnel's dissector sets them) go through
 * the analyzer, and the JSON and text reports say each flow's tunnels,
 * client side first, and list the capture's tunnels with their counts.
 * The flow table frees a context with its last flow, so distinct tunnels
 * by the million cost no more than the flows live at once; the capture's
 * tunnel list stops growing at TUNNELS_MAX.
 */
#include "config.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "pktbuild.h"
#include "report.h"
#include "suites.h"
#include "tunnels.h"

#define NS_PER_S	1000000000ULL
#define MS(x)		((uint64_t)(x) * 1000000ULL)
#define T0		(1700000000ULL * NS_PER_S)

struct layer_spec {
	uint8_t		 type;
	uint32_t	 id;
	const char	*src;		/* outer, as this packet carries it */
	const char	*dst;
};

/*
 * A TCP packet src:sport -> dst:dport inside the n layers given (outermost
 * first), through the analyzer.  *x must live during the call only.
 */
static void
tcp_in(struct analyzer *an, uint64_t t, const struct layer_spec *ls, int n,
    const char *src, uint16_t sport, const char *dst, uint16_t dport,
    uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len)
{
	struct packet p;
	struct packet_ext x;
	int i;

	pb_tcp_packet(&p, T0 + t, src, sport, dst, dport, flags, seq, ack,
	    1000, len, NULL, (uint32_t)(t / 1000));
	memset(&x, 0, sizeof x);
	for (i = 0; i < n; i++) {
		x.encap[i].type = ls[i].type;
		x.encap[i].id = ls[i].id;
		x.encap[i].ip_version = (uint8_t)pb_addr(ls[i].src,
		    x.encap[i].src);
		ck_assert_int_eq(pb_addr(ls[i].dst, x.encap[i].dst),
		    x.encap[i].ip_version);
		p.wirelen += 50;
	}
	p.encap_depth = (uint8_t)n;
	if (n > 0)
		p.ext = &x;
	analyzer_packet(an, &p);
}

/* The layers of l turned round: what the other direction carries. */
static void
turn(const struct layer_spec *l, struct layer_spec *r, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		r[i] = l[i];
		r[i].src = l[i].dst;
		r[i].dst = l[i].src;
	}
}

/* A short connection c -> s:80 through l (as the client sends). */
static void
conn(struct analyzer *an, uint64_t t, const struct layer_spec *l, int n,
    const char *c, uint16_t cport, const char *s)
{
	struct layer_spec r[PACKET_MAX_ENCAP];

	turn(l, r, n);
	tcp_in(an, t, l, n, c, cport, s, 80, TH_SYN, 100, 0, 0);
	tcp_in(an, t + MS(1), r, n, s, 80, c, cport, TH_SYN | TH_ACK, 500,
	    101, 0);
	tcp_in(an, t + MS(2), l, n, c, cport, s, 80, TH_ACK, 101, 501, 0);
	tcp_in(an, t + MS(3), l, n, c, cport, s, 80, TH_ACK | TH_PUSH, 101,
	    501, 10);
	tcp_in(an, t + MS(4), l, n, c, cport, s, 80, TH_FIN | TH_ACK, 111,
	    501, 0);
	tcp_in(an, t + MS(5), r, n, s, 80, c, cport, TH_FIN | TH_ACK, 501,
	    112, 0);
	tcp_in(an, t + MS(6), l, n, c, cport, s, 80, TH_ACK, 112, 502, 0);
}

static const struct layer_spec vni42[] = {
	{ ENCAP_VXLAN, 42, "198.51.100.9", "192.0.2.1" }
};
static const struct layer_spec vni43[] = {
	{ ENCAP_VXLAN, 43, "198.51.100.9", "192.0.2.1" }
};
static const struct layer_spec nested[] = {
	{ ENCAP_GRE, 5, "203.0.113.7", "203.0.113.2" },
	{ ENCAP_VXLAN, 77, "10.47.1.2", "10.47.1.1" }
};
static const struct layer_spec ipip6[] = {
	{ ENCAP_IP_IN_IP, 0, "2001:db8:20::1", "2001:db8:20::2" }
};

/*
 * The test traffic: one inner conversation in VNI 42, in VNI 43 and with
 * no tunnel (three flows); a connection in VXLAN inside GRE whose first
 * packet is the server's SYN-ACK (its client is the receiver, and its
 * tunnel is reported turned round); IPv4 in IPv6; and a packet in VNI 42
 * that makes no flow (ARP, say).
 */
static void
feed(struct analyzer *an)
{
	struct layer_spec r[PACKET_MAX_ENCAP];
	struct packet arp;
	struct packet_ext x;

	conn(an, 0, vni42, 1, "10.0.0.1", 40000, "10.0.0.2");
	conn(an, MS(100), vni43, 1, "10.0.0.1", 40000, "10.0.0.2");
	conn(an, MS(200), NULL, 0, "10.0.0.1", 40000, "10.0.0.2");
	turn(nested, r, 2);
	tcp_in(an, MS(300), r, 2, "10.77.0.2", 80, "10.77.0.1", 50000,
	    TH_SYN | TH_ACK, 500, 101, 0);
	tcp_in(an, MS(301), nested, 2, "10.77.0.1", 50000, "10.77.0.2", 80,
	    TH_ACK, 101, 501, 0);
	conn(an, MS(400), ipip6, 1, "10.46.0.1", 40001, "10.46.0.2");

	memset(&arp, 0, sizeof arp);
	arp.ts_ns = T0 + MS(500);
	arp.kind = PK_NON_IP;
	arp.caplen = arp.wirelen = 92;
	memset(&x, 0, sizeof x);
	x.encap[0].type = ENCAP_VXLAN;
	x.encap[0].id = 42;
	x.encap[0].ip_version = (uint8_t)pb_addr("192.0.2.1", x.encap[0].src);
	pb_addr("198.51.100.9", x.encap[0].dst);
	arp.encap_depth = 1;
	arp.ext = &x;
	analyzer_packet(an, &arp);
}

static char *
report(struct analyzer *an, bool json)
{
	static char name[] = "unit.pcap";
	char *files[] = { name };
	struct report_info ri;
	char *buf = NULL;
	size_t len;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	memset(&ri, 0, sizeof ri);
	ri.files = files;
	ri.nfiles = 1;
	ri.long_view = true;
	ck_assert_int_eq(json ? report_json(fp, an, &ri) :
	    report_text(fp, an, &ri), 0);
	fclose(fp);
	return buf;
}

static json_object *
at(json_object *o, const char *path)
{
	char buf[128], *p, *dot;

	snprintf(buf, sizeof buf, "%s", path);
	for (p = buf; p != NULL; p = dot) {
		json_object *next;

		dot = strchr(p, '.');
		if (dot != NULL)
			*dot++ = '\0';
		if (*p >= '0' && *p <= '9') {
			ck_assert(json_object_is_type(o, json_type_array));
			next = json_object_array_get_idx(o, (size_t)atoi(p));
			ck_assert_msg(next != NULL, "no [%s] in %s", p, path);
		} else
			ck_assert_msg(json_object_object_get_ex(o, p, &next),
			    "no member %s in %s", p, path);
		o = next;
	}
	return o;
}

static const char *
str(json_object *o, const char *path)
{
	return json_object_get_string(at(o, path));
}

static int64_t
num(json_object *o, const char *path)
{
	json_object *v = at(o, path);

	ck_assert_msg(json_object_is_type(v, json_type_int), "%s: %s", path,
	    json_object_to_json_string(v));
	return json_object_get_int64(v);
}

static bool
is_null(json_object *o, const char *path)
{
	return json_object_is_type(at(o, path), json_type_null);
}

/* The flow with this id. */
static json_object *
flow(json_object *doc, int64_t id)
{
	json_object *fl = at(doc, "flows");
	size_t i;

	for (i = 0; i < json_object_array_length(fl); i++)
		if (num(json_object_array_get_idx(fl, i), "id") == id)
			return json_object_array_get_idx(fl, i);
	ck_abort_msg("no flow %lld", (long long)id);
	return NULL;
}

START_TEST(test_tunnel_json)
{
	struct analyzer an;
	json_object *doc, *f, *t;
	char *out;

	analyzer_init(&an, NULL);
	feed(&an);
	analyzer_finish(&an);
	out = report(&an, true);
	doc = json_tokener_parse(out);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(json_object_array_length(at(doc, "flows")), 5);

	/* VNI 42, client side first although it is the higher address. */
	f = flow(doc, 1);
	ck_assert_int_eq(json_object_array_length(at(f, "tunnel")), 1);
	ck_assert_str_eq(str(f, "tunnel.0.type"), "vxlan");
	ck_assert_str_eq(str(f, "tunnel.0.outer.src"), "198.51.100.9");
	ck_assert_str_eq(str(f, "tunnel.0.outer.dst"), "192.0.2.1");
	ck_assert_int_eq(num(f, "tunnel.0.id"), 42);
	ck_assert_int_eq(num(f, "c2s.packets"), 5);
	ck_assert_int_eq(num(f, "s2c.packets"), 2);
	ck_assert_str_eq(str(f, "state"), "SF");
	/* The same addresses and ports in VNI 43: another flow. */
	f = flow(doc, 2);
	ck_assert_int_eq(num(f, "tunnel.0.id"), 43);
	ck_assert_int_eq(num(f, "c2s.packets"), 5);
	ck_assert_str_eq(str(f, "client.ip"), "10.0.0.1");
	/* And outside any tunnel: no "tunnel" member at all. */
	f = flow(doc, 3);
	ck_assert(!json_object_object_get_ex(f, "tunnel", &t));
	ck_assert_int_eq(num(f, "c2s.packets"), 5);
	/* Nested, first seen from the server: turned round, client first. */
	f = flow(doc, 4);
	ck_assert_str_eq(str(f, "client.ip"), "10.77.0.1");
	ck_assert_int_eq(json_object_array_length(at(f, "tunnel")), 2);
	ck_assert_str_eq(str(f, "tunnel.0.type"), "gre");
	ck_assert_str_eq(str(f, "tunnel.0.outer.src"), "203.0.113.7");
	ck_assert_str_eq(str(f, "tunnel.0.outer.dst"), "203.0.113.2");
	ck_assert_int_eq(num(f, "tunnel.0.id"), 5);
	ck_assert_str_eq(str(f, "tunnel.1.type"), "vxlan");
	ck_assert_str_eq(str(f, "tunnel.1.outer.src"), "10.47.1.2");
	ck_assert_int_eq(num(f, "tunnel.1.id"), 77);
	/* IP in IP has no id: null. */
	f = flow(doc, 5);
	ck_assert_str_eq(str(f, "tunnel.0.type"), "ip_in_ip");
	ck_assert_str_eq(str(f, "tunnel.0.outer.src"), "2001:db8:20::1");
	ck_assert(is_null(f, "tunnel.0.id"));

	/* The capture's tunnels, in first-sight order. */
	t = at(doc, "capture.tunnels");
	ck_assert_int_eq(json_object_array_length(t), 4);
	ck_assert_str_eq(str(t, "0.type"), "vxlan");
	ck_assert_int_eq(num(t, "0.id"), 42);
	ck_assert_str_eq(str(t, "0.outer.src"), "198.51.100.9");
	ck_assert_int_eq(json_object_array_length(at(t, "0.parents")), 0);
	ck_assert_int_eq(num(t, "0.packets"), 8);	/* 7 + the ARP */
	ck_assert_int_eq(num(t, "0.flows"), 1);
	ck_assert_int_eq(num(t, "1.id"), 43);
	ck_assert_int_eq(num(t, "1.packets"), 7);
	/* Nested: the innermost, within its parents; as first seen. */
	ck_assert_str_eq(str(t, "2.type"), "vxlan");
	ck_assert_int_eq(num(t, "2.id"), 77);
	ck_assert_str_eq(str(t, "2.outer.src"), "10.47.1.1");
	ck_assert_str_eq(str(t, "2.parents.0.type"), "gre");
	ck_assert_str_eq(str(t, "2.parents.0.outer.src"), "203.0.113.2");
	ck_assert_int_eq(num(t, "2.parents.0.id"), 5);
	ck_assert_int_eq(num(t, "2.packets"), 2);
	ck_assert_int_eq(num(t, "2.bytes"), 2 * (54 + 100));
	ck_assert_int_eq(num(t, "2.flows"), 1);
	ck_assert_str_eq(str(t, "3.type"), "ip_in_ip");
	ck_assert(!json_object_object_get_ex(at(doc, "capture"),
	    "tunnels_unlisted", &f));
	json_object_put(doc);
	free(out);

	out = report(&an, false);
	ck_assert_msg(strstr(out, "  tunnels        4 (24 packets)\n") != NULL,
	    "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "    vxlan 198.51.100.9 -> "
	    "192.0.2.1 id 42: 8 packets, "));
	ck_assert_ptr_nonnull(strstr(out, "    gre 203.0.113.2 -> 203.0.113.7 "
	    "id 5 / vxlan 10.47.1.1 -> 10.47.1.2 id 77: 2 packets"));
	ck_assert_ptr_nonnull(strstr(out, " vxlan:42\n"));
	ck_assert_ptr_nonnull(strstr(out, " gre:5/vxlan:77\n"));
	ck_assert_ptr_nonnull(strstr(out, " ip_in_ip\n"));
	ck_assert_ptr_nonnull(strstr(out, "  tunnel 1: gre 203.0.113.7 -> "
	    "203.0.113.2 id 5\n  tunnel 2: vxlan 10.47.1.2 -> 10.47.1.1 "
	    "id 77\n"));
	free(out);
	analyzer_free(&an);
}
END_TEST

/*
 * Without tunnels the report is as it always was: no tunnel members, no
 * tunnel lines.
 */
START_TEST(test_no_tunnel_no_members)
{
	struct analyzer an;
	char *out;

	analyzer_init(&an, NULL);
	conn(&an, 0, NULL, 0, "10.0.0.1", 40000, "10.0.0.2");
	analyzer_finish(&an);
	out = report(&an, true);
	ck_assert_ptr_null(strstr(out, "tunnel"));
	free(out);
	out = report(&an, false);
	ck_assert_ptr_null(strstr(out, "tunnel"));
	free(out);
	analyzer_free(&an);
}
END_TEST

/*
 * Flows that finish are handed to the report and leave the table, their
 * contexts with them; the report still has each flow's tunnels (its own
 * copy), and the tunnel list its counts.
 */
START_TEST(test_tunnel_streamed)
{
	static char name[] = "unit.pcap";
	char *files[] = { name };
	struct report_options opt;
	struct report_info ri;
	struct report_sink *rs;
	struct analyzer an;
	json_object *doc;
	char *buf = NULL;
	size_t len;
	FILE *fp;

	memset(&ri, 0, sizeof ri);
	ri.files = files;
	ri.nfiles = 1;
	memset(&opt, 0, sizeof opt);
	opt.format = &format_json;
	rs = report_sink_new(&opt);
	ck_assert_ptr_nonnull(rs);
	fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	ck_assert(report_sink_stream(rs, fp));
	analyzer_init(&an, NULL);
	analyzer_set_final(&an, NULL, report_sink_flow, rs);
	feed(&an);
	analyzer_finish(&an);
	ck_assert_uint_eq(flow_table_encap_live(an.flows), 0);
	ck_assert_int_eq(report_sink_write(rs, fp, &an, &ri), 0);
	fclose(fp);
	doc = json_tokener_parse(buf);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(num(flow(doc, 2), "tunnel.0.id"), 43);
	ck_assert_str_eq(str(flow(doc, 4), "tunnel.0.outer.src"),
	    "203.0.113.7");
	ck_assert_int_eq(num(doc, "capture.tunnels.0.packets"), 8);
	json_object_put(doc);
	free(buf);
	report_sink_free(rs);
	analyzer_free(&an);
}
END_TEST

/*
 * A million distinct VNIs, one short flow each, finished as it goes (as
 * with the finalize callback): the flow table never holds more than one
 * context, and the capture's list stops at TUNNELS_MAX, the rest counted
 * as unlisted.
 */
START_TEST(test_tunnels_bounded)
{
	struct analyzer an;
	struct layer_spec l = { ENCAP_VXLAN, 0, "192.0.2.1", "192.0.2.2" };
	json_object *doc;
	uint32_t i, n = 20000;
	size_t most = 0;
	char *out;

	analyzer_init(&an, NULL);
	for (i = 0; i < n; i++) {
		struct flow *f;

		l.id = i;
		tcp_in(&an, MS(i), &l, 1, "10.0.0.1", 40000, "10.0.0.2", 80,
		    TH_SYN, 1, 0, 0);
		if (flow_table_encap_live(an.flows) > most)
			most = flow_table_encap_live(an.flows);
		/* Finished: out of the table, as flow_finalize() does. */
		f = flow_table_first(an.flows);
		ck_assert_uint_eq(f->tunnel[0].id, i);
		ck_assert_uint_le(f->key.encap, 1);
		flow_table_remove(an.flows, f);
	}
	ck_assert_uint_eq(most, 1);
	ck_assert_uint_eq(flow_table_encap_live(an.flows), 0);
	ck_assert_uint_eq(an.tunnels.n, TUNNELS_MAX);
	ck_assert_uint_eq(an.tunnels.packets, n);
	ck_assert_uint_eq(an.tunnels.unlisted_packets, n - TUNNELS_MAX);
	ck_assert_uint_eq(an.tunnels.unlisted_flows, n - TUNNELS_MAX);
	out = report(&an, true);
	doc = json_tokener_parse(out);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(json_object_array_length(at(doc, "capture.tunnels")),
	    TUNNELS_MAX);
	ck_assert_int_eq(num(doc, "capture.tunnels_unlisted.packets"),
	    n - TUNNELS_MAX);
	ck_assert_int_eq(num(doc, "capture.tunnels_unlisted.flows"),
	    n - TUNNELS_MAX);
	json_object_put(doc);
	free(out);
	analyzer_free(&an);
}
END_TEST

Suite *
tunnel_report_suite(void)
{
	Suite *s = suite_create("tunnel_report");
	TCase *tc = tcase_create("report");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_tunnel_json);
	tcase_add_test(tc, test_no_tunnel_no_members);
	tcase_add_test(tc, test_tunnel_streamed);
	tcase_add_test(tc, test_tunnels_bounded);
	suite_add_tcase(s, tc);
	return s;
}
