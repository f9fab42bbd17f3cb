/*
 * The flow table (flow.c): both directions of a conversation find one flow,
 * the client is chosen by SYN, SYN-ACK, ports or first packet, keys tell
 * IPv4/IPv6, ports and protocols apart, the table grows, detaching and
 * removing keep the probe runs intact, ids follow creation order, and the
 * tunnels a packet came through are part of its key.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "pktbuild.h"
#include "suites.h"

#define NS_PER_S	1000000000ULL
#define T0		(1700000000ULL * NS_PER_S)

static void
tcp_pkt(struct packet *p, const char *src, uint16_t sport, const char *dst,
    uint16_t dport, uint8_t flags)
{
	pb_tcp_packet(p, T0, src, sport, dst, dport, flags, 1, 1, 1000, 0,
	    NULL, 1);
}

static void
udp_pkt(struct packet *p, const char *src, uint16_t sport, const char *dst,
    uint16_t dport)
{
	tcp_pkt(p, src, sport, dst, dport, 0);
	p->kind = PK_UDP;
	p->ip_proto = 17;
}

/* The reverse of p. */
static void
reverse(const struct packet *p, struct packet *r)
{
	*r = *p;
	memcpy(r->src, p->dst, 16);
	memcpy(r->dst, p->src, 16);
	r->sport = p->dport;
	r->dport = p->sport;
}

START_TEST(test_both_directions)
{
	struct flow_table *t = flow_table_new();
	struct packet p, r;
	struct flow *f, *g;
	enum flow_dir d;
	uint8_t a[16];

	tcp_pkt(&p, "10.0.0.9", 40000, "10.0.0.2", 80, TH_SYN);
	reverse(&p, &r);
	ck_assert_ptr_null(flow_table_lookup(t, &p, &d));
	ck_assert_ptr_null(flow_table_lookup(t, &r, &d));
	f = flow_table_create(t, &p, &d);
	ck_assert_int_eq(d, DIR_C2S);
	ck_assert_uint_eq(f->id, 1);
	ck_assert_uint_eq(f->first_ts, T0);
	ck_assert(f->in_table);

	d = DIR_S2C;
	g = flow_table_lookup(t, &p, &d);
	ck_assert_ptr_eq(g, f);
	ck_assert_int_eq(d, DIR_C2S);
	g = flow_table_lookup(t, &r, &d);
	ck_assert_ptr_eq(g, f);
	ck_assert_int_eq(d, DIR_S2C);

	ck_assert_int_eq(f->role_source, ROLE_SYN);
	pb_addr("10.0.0.9", a);
	ck_assert_mem_eq(flow_client_addr(f), a, 16);
	pb_addr("10.0.0.2", a);
	ck_assert_mem_eq(flow_server_addr(f), a, 16);
	ck_assert_uint_eq(flow_client_port(f), 40000);
	ck_assert_uint_eq(flow_server_port(f), 80);
	ck_assert_uint_eq(flow_table_count(t), 1);
	ck_assert_uint_eq(flow_table_live(t), 1);
	flow_table_free(t);
}
END_TEST

START_TEST(test_client_by_syn)
{
	struct flow_table *t = flow_table_new();
	struct packet p, r;
	struct flow *f;
	enum flow_dir d;

	/* A SYN from port 80 still makes its sender the client. */
	tcp_pkt(&p, "10.0.0.2", 80, "10.0.0.1", 40000, TH_SYN);
	f = flow_table_create(t, &p, &d);
	ck_assert_int_eq(d, DIR_C2S);
	ck_assert_int_eq(f->role_source, ROLE_SYN);
	ck_assert_uint_eq(flow_client_port(f), 80);
	reverse(&p, &r);
	ck_assert_ptr_eq(flow_table_lookup(t, &r, &d), f);
	ck_assert_int_eq(d, DIR_S2C);
	flow_table_free(t);
}
END_TEST

START_TEST(test_client_by_synack)
{
	struct flow_table *t = flow_table_new();
	struct packet p, r;
	struct flow *f;
	enum flow_dir d;
	uint8_t a[16];

	/* The SYN was missed: the SYN-ACK's receiver is the client. */
	tcp_pkt(&p, "10.0.0.2", 8080, "10.0.0.1", 50000, TH_SYN | TH_ACK);
	f = flow_table_create(t, &p, &d);
	ck_assert_int_eq(d, DIR_S2C);
	ck_assert_int_eq(f->role_source, ROLE_SYNACK);
	ck_assert_uint_eq(flow_client_port(f), 50000);
	ck_assert_uint_eq(flow_server_port(f), 8080);
	pb_addr("10.0.0.1", a);
	ck_assert_mem_eq(flow_client_addr(f), a, 16);
	reverse(&p, &r);
	ck_assert_ptr_eq(flow_table_lookup(t, &r, &d), f);
	ck_assert_int_eq(d, DIR_C2S);
	flow_table_free(t);
}
END_TEST

START_TEST(test_client_by_ports)
{
	struct flow_table *t = flow_table_new();
	struct packet p;
	struct flow *f;
	enum flow_dir d;

	/* Midstream, the server (port 80) happens to send first. */
	tcp_pkt(&p, "10.0.0.2", 80, "10.0.0.1", 40000, TH_ACK);
	f = flow_table_create(t, &p, &d);
	ck_assert_int_eq(d, DIR_S2C);
	ck_assert_int_eq(f->role_source, ROLE_PORTS);
	ck_assert_uint_eq(flow_client_port(f), 40000);
	ck_assert_uint_eq(flow_server_port(f), 80);

	/* UDP: DNS answer first. */
	udp_pkt(&p, "10.0.0.53", 53, "10.0.0.1", 33333);
	f = flow_table_create(t, &p, &d);
	ck_assert_int_eq(d, DIR_S2C);
	ck_assert_int_eq(f->role_source, ROLE_PORTS);
	ck_assert_uint_eq(flow_server_port(f), 53);
	ck_assert_int_eq(f->timeout_class, FTC_UDP);
	flow_table_free(t);
}
END_TEST

START_TEST(test_client_by_first_packet)
{
	struct flow_table *t = flow_table_new();
	struct packet p;
	struct flow *f;
	enum flow_dir d;

	/* Two ephemeral ports. */
	tcp_pkt(&p, "10.0.0.2", 50001, "10.0.0.1", 50002, TH_ACK);
	f = flow_table_create(t, &p, &d);
	ck_assert_int_eq(d, DIR_C2S);
	ck_assert_int_eq(f->role_source, ROLE_FIRST_PACKET);
	ck_assert_uint_eq(flow_client_port(f), 50001);

	/* Two server-like ports: the lower one is the server (DHCP 67/68). */
	tcp_pkt(&p, "10.0.0.2", 80, "10.0.0.1", 443, TH_ACK);
	f = flow_table_create(t, &p, &d);
	ck_assert_int_eq(d, DIR_S2C);
	ck_assert_int_eq(f->role_source, ROLE_PORTS);
	ck_assert_uint_eq(flow_server_port(f), 80);
	/* The same port both ways: the sender is the client. */
	tcp_pkt(&p, "10.0.0.2", 123, "10.0.0.1", 123, TH_ACK);
	f = flow_table_create(t, &p, &d);
	ck_assert_int_eq(d, DIR_C2S);
	ck_assert_int_eq(f->role_source, ROLE_FIRST_PACKET);

	/* A client port that is well-known does not make a server. */
	tcp_pkt(&p, "10.0.0.2", 40000, "10.0.0.1", 22, TH_ACK);
	f = flow_table_create(t, &p, &d);
	ck_assert_int_eq(d, DIR_C2S);
	ck_assert_int_eq(f->role_source, ROLE_FIRST_PACKET);
	ck_assert_uint_eq(flow_server_port(f), 22);
	flow_table_free(t);
}
END_TEST

START_TEST(test_ipv6_keys)
{
	struct flow_table *t = flow_table_new();
	struct packet p, r, q;
	struct flow *f, *g;
	enum flow_dir d;
	uint8_t a[16];

	tcp_pkt(&p, "2001:db8::10", 40000, "2001:db8::1", 443, TH_SYN);
	f = flow_table_create(t, &p, &d);
	ck_assert_uint_eq(f->key.ip_version, 6);
	reverse(&p, &r);
	ck_assert_ptr_eq(flow_table_lookup(t, &r, &d), f);
	ck_assert_int_eq(d, DIR_S2C);
	pb_addr("2001:db8::10", a);
	ck_assert_mem_eq(flow_client_addr(f), a, 16);

	/* Addresses differing only in the last byte are other flows. */
	tcp_pkt(&q, "2001:db8::11", 40000, "2001:db8::1", 443, TH_SYN);
	ck_assert_ptr_null(flow_table_lookup(t, &q, &d));
	g = flow_table_create(t, &q, &d);
	ck_assert_ptr_ne(f, g);
	ck_assert_ptr_eq(flow_table_lookup(t, &p, &d), f);

	/*
	 * 2001:db8:: and 32.1.13.184 have the same 16 key bytes: only the
	 * IP version tells the two flows apart.
	 */
	tcp_pkt(&q, "2001:db8::", 40000, "2001:db8::", 443, TH_SYN);
	g = flow_table_create(t, &q, &d);
	tcp_pkt(&q, "32.1.13.184", 40000, "32.1.13.184", 443, TH_SYN);
	ck_assert_ptr_null(flow_table_lookup(t, &q, &d));
	f = flow_table_create(t, &q, &d);
	ck_assert_ptr_ne(f, g);
	ck_assert_ptr_eq(flow_table_lookup(t, &q, &d), f);
	ck_assert_uint_eq(f->key.ip_version, 4);
	ck_assert_uint_eq(g->key.ip_version, 6);
	flow_table_free(t);
}
END_TEST

START_TEST(test_distinct_flows)
{
	struct flow_table *t = flow_table_new();
	struct packet p[5];
	struct flow *f[5];
	enum flow_dir d;
	int i, j;

	tcp_pkt(&p[0], "10.0.0.1", 40000, "10.0.0.2", 80, TH_SYN);
	tcp_pkt(&p[1], "10.0.0.1", 40001, "10.0.0.2", 80, TH_SYN);
	tcp_pkt(&p[2], "10.0.0.1", 40000, "10.0.0.2", 81, TH_SYN);
	udp_pkt(&p[3], "10.0.0.1", 40000, "10.0.0.2", 80);
	/* Swapped ports between the same hosts: another conversation. */
	tcp_pkt(&p[4], "10.0.0.1", 80, "10.0.0.2", 40000, TH_SYN);
	for (i = 0; i < 5; i++) {
		ck_assert_ptr_null(flow_table_lookup(t, &p[i], &d));
		f[i] = flow_table_create(t, &p[i], &d);
	}
	for (i = 0; i < 5; i++) {
		struct packet r;

		ck_assert_ptr_eq(flow_table_lookup(t, &p[i], &d), f[i]);
		ck_assert_int_eq(d, DIR_C2S);
		reverse(&p[i], &r);
		ck_assert_ptr_eq(flow_table_lookup(t, &r, &d), f[i]);
		ck_assert_int_eq(d, DIR_S2C);
		for (j = 0; j < i; j++)
			ck_assert_ptr_ne(f[i], f[j]);
	}
	ck_assert_uint_eq(flow_table_count(t), 5);
	flow_table_free(t);
}
END_TEST

/* Flow i of the growth test: 10.x.y.z:port -> 192.168.0.1:443. */
static void
many_pkt(struct packet *p, uint32_t i)
{
	char src[32];

	snprintf(src, sizeof src, "10.%u.%u.%u", (i >> 16) & 0xff,
	    (i >> 8) & 0xff, i & 0xff);
	tcp_pkt(p, src, (uint16_t)(1024 + i % 7), "192.168.0.1", 443, TH_SYN);
	p->ts_ns = T0 + i;
}

START_TEST(test_growth)
{
	const uint32_t n = 200000;
	struct flow_table *t = flow_table_new();
	struct packet p, r;
	struct flow *f;
	enum flow_dir d;
	uint32_t i;

	for (i = 0; i < n; i++) {
		many_pkt(&p, i);
		f = flow_table_create(t, &p, &d);
		ck_assert_uint_eq(f->id, i + 1);
	}
	ck_assert_uint_eq(flow_table_count(t), n);
	ck_assert_uint_eq(flow_table_live(t), n);
	for (i = 0; i < n; i++) {
		many_pkt(&p, i);
		reverse(&p, &r);
		f = flow_table_lookup(t, &r, &d);
		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(f->id, i + 1);
		ck_assert_int_eq(d, DIR_S2C);
		ck_assert_uint_eq(f->first_ts, T0 + i);
	}
	/* Creation order. */
	for (i = 0, f = flow_table_first(t); f != NULL; f = f->next, i++)
		ck_assert_uint_eq(f->id, i + 1);
	ck_assert_uint_eq(i, n);
	flow_table_free(t);
}
END_TEST

START_TEST(test_detach_and_recreate)
{
	struct flow_table *t = flow_table_new();
	struct packet p, r;
	struct flow *f, *g, *h, *x;
	enum flow_dir d;

	tcp_pkt(&p, "10.0.0.1", 40000, "10.0.0.2", 80, TH_SYN);
	f = flow_table_create(t, &p, &d);
	tcp_pkt(&r, "10.0.0.1", 40001, "10.0.0.2", 80, TH_SYN);
	h = flow_table_create(t, &r, &d);

	flow_table_detach(t, f);
	ck_assert(!f->in_table);
	ck_assert_ptr_null(flow_table_lookup(t, &p, &d));
	flow_table_detach(t, f);		/* twice is harmless */
	ck_assert_ptr_eq(flow_table_lookup(t, &r, &d), h);

	/* The 4-tuple reused: a new flow, a higher id, found from now on. */
	g = flow_table_create(t, &p, &d);
	ck_assert_ptr_ne(f, g);
	ck_assert_uint_eq(g->id, 3);
	ck_assert_uint_gt(g->id, f->id);
	reverse(&p, &r);
	x = flow_table_lookup(t, &r, &d);
	ck_assert_ptr_eq(x, g);
	ck_assert_int_eq(d, DIR_S2C);

	/* The detached flow is still listed for the report, in id order. */
	x = flow_table_first(t);
	ck_assert_ptr_eq(x, f);
	ck_assert_ptr_eq(x->next, h);
	ck_assert_ptr_eq(x->next->next, g);
	ck_assert_ptr_null(g->next);
	ck_assert_uint_eq(flow_table_count(t), 3);
	ck_assert_uint_eq(flow_table_live(t), 3);

	/* Removing frees it and unlinks it. */
	flow_table_remove(t, f);
	ck_assert_ptr_eq(flow_table_first(t), h);
	ck_assert_uint_eq(flow_table_live(t), 2);
	ck_assert_uint_eq(flow_table_count(t), 3);
	flow_table_remove(t, g);
	ck_assert_ptr_eq(flow_table_first(t), h);
	ck_assert_ptr_null(h->next);
	ck_assert_ptr_null(flow_table_lookup(t, &p, &d));
	flow_table_free(t);
}
END_TEST

/*
 * The lookup first compares a packet with the one looked up before, as
 * it travelled and reversed.  Packets of two flows interleaved, both
 * directions, a flow whose client is its second packet's sender, one
 * host talking to itself (same address both ways, ports differ: only the
 * ports tell the sides), a protocol that differs alone, and a detached
 * last flow: each must find its flow and its direction as a fresh table
 * would.
 */
START_TEST(test_last_flow_cache)
{
	struct flow_table *t = flow_table_new();
	struct packet a, ar, b, br, s, sr, u;
	struct flow *fa, *fb, *fs;
	enum flow_dir d;
	int i;

	tcp_pkt(&a, "10.0.0.1", 40000, "10.0.0.2", 80, TH_SYN);
	reverse(&a, &ar);
	/* Seen first from the server: SYN-ACK, so its receiver is client. */
	tcp_pkt(&br, "10.0.0.3", 443, "10.0.0.1", 50000, TH_SYN | TH_ACK);
	reverse(&br, &b);
	tcp_pkt(&s, "127.0.0.1", 9000, "127.0.0.1", 8000, TH_SYN);
	reverse(&s, &sr);
	fa = flow_table_create(t, &a, &d);
	fb = flow_table_create(t, &br, &d);
	ck_assert_int_eq(d, DIR_S2C);
	fs = flow_table_create(t, &s, &d);
	ck_assert_int_eq(d, DIR_C2S);

	for (i = 0; i < 3; i++) {
		ck_assert_ptr_eq(flow_table_lookup(t, &a, &d), fa);
		ck_assert_int_eq(d, DIR_C2S);
		ck_assert_ptr_eq(flow_table_lookup(t, &a, &d), fa);
		ck_assert_int_eq(d, DIR_C2S);
		ck_assert_ptr_eq(flow_table_lookup(t, &ar, &d), fa);
		ck_assert_int_eq(d, DIR_S2C);
		ck_assert_ptr_eq(flow_table_lookup(t, &br, &d), fb);
		ck_assert_int_eq(d, DIR_S2C);
		ck_assert_ptr_eq(flow_table_lookup(t, &b, &d), fb);
		ck_assert_int_eq(d, DIR_C2S);
		ck_assert_ptr_eq(flow_table_lookup(t, &ar, &d), fa);
		ck_assert_int_eq(d, DIR_S2C);
		ck_assert_ptr_eq(flow_table_lookup(t, &sr, &d), fs);
		ck_assert_int_eq(d, DIR_S2C);
		ck_assert_ptr_eq(flow_table_lookup(t, &s, &d), fs);
		ck_assert_int_eq(d, DIR_C2S);
		ck_assert_ptr_eq(flow_table_lookup(t, &sr, &d), fs);
		ck_assert_int_eq(d, DIR_S2C);
	}

	/* The same addresses and ports over UDP are another flow. */
	u = a;
	u.kind = PK_UDP;
	u.ip_proto = 17;
	ck_assert_ptr_eq(flow_table_lookup(t, &a, &d), fa);
	ck_assert_ptr_null(flow_table_lookup(t, &u, &d));

	/* A detached last flow is not found by its next packet. */
	ck_assert_ptr_eq(flow_table_lookup(t, &b, &d), fb);
	flow_table_detach(t, fb);
	ck_assert_ptr_null(flow_table_lookup(t, &b, &d));
	ck_assert_ptr_null(flow_table_lookup(t, &br, &d));
	ck_assert_ptr_eq(flow_table_lookup(t, &ar, &d), fa);
	ck_assert_int_eq(d, DIR_S2C);
	flow_table_free(t);
}
END_TEST

/* Detaching half the flows must not hide any of the other half. */
START_TEST(test_detach_keeps_probe_runs)
{
	const uint32_t n = 5000;
	struct flow_table *t = flow_table_new();
	struct flow **fl = malloc(n * sizeof *fl);
	struct packet p;
	enum flow_dir d;
	uint32_t i;

	ck_assert_ptr_nonnull(fl);
	for (i = 0; i < n; i++) {
		many_pkt(&p, i);
		fl[i] = flow_table_create(t, &p, &d);
	}
	for (i = 0; i < n; i += 2)
		flow_table_remove(t, fl[i]);
	for (i = 0; i < n; i++) {
		many_pkt(&p, i);
		if (i % 2 == 0)
			ck_assert_ptr_null(flow_table_lookup(t, &p, &d));
		else
			ck_assert_ptr_eq(flow_table_lookup(t, &p, &d), fl[i]);
	}
	ck_assert_uint_eq(flow_table_live(t), n / 2);
	/* Re-create the removed ones: new ids, all found. */
	for (i = 0; i < n; i += 2) {
		many_pkt(&p, i);
		fl[i] = flow_table_create(t, &p, &d);
		ck_assert_uint_eq(fl[i]->id, n + i / 2 + 1);
	}
	for (i = 0; i < n; i++) {
		many_pkt(&p, i);
		ck_assert_ptr_eq(flow_table_lookup(t, &p, &d), fl[i]);
	}
	free(fl);
	flow_table_free(t);
}
END_TEST

START_TEST(test_id_order_and_lru)
{
	struct flow_table *t = flow_table_new();
	struct packet p;
	struct flow *f[4], *x;
	enum flow_dir d;
	int i;

	for (i = 0; i < 4; i++) {
		tcp_pkt(&p, "10.0.0.1", (uint16_t)(41000 - i * 100),
		    "10.0.0.2", 80, TH_SYN);
		f[i] = flow_table_create(t, &p, &d);
		ck_assert_uint_eq(f[i]->id, (uint64_t)i + 1);
	}
	for (i = 0, x = flow_table_first(t); x != NULL; x = x->next, i++)
		ck_assert_ptr_eq(x, f[i]);
	ck_assert_int_eq(i, 4);

	/* New TCP flows start embryonic, oldest first. */
	ck_assert_ptr_eq(flow_table_idlest(t, FTC_EMBRYONIC), f[0]);
	/* Activity within FLOW_LRU_GRAIN_NS does not reorder ... */
	f[0]->last_ts += FLOW_LRU_GRAIN_NS / 2;
	flow_table_touch(t, f[0], FTC_EMBRYONIC);
	ck_assert_ptr_eq(flow_table_idlest(t, FTC_EMBRYONIC), f[0]);
	/* ... later activity moves the flow to the tail. */
	f[0]->last_ts += FLOW_LRU_GRAIN_NS;
	flow_table_touch(t, f[0], FTC_EMBRYONIC);
	ck_assert_ptr_eq(flow_table_idlest(t, FTC_EMBRYONIC), f[1]);
	flow_table_touch(t, f[1], FTC_ESTABLISHED);
	ck_assert_ptr_eq(flow_table_idlest(t, FTC_EMBRYONIC), f[2]);
	ck_assert_ptr_eq(flow_table_idlest(t, FTC_ESTABLISHED), f[1]);
	ck_assert_ptr_null(flow_table_idlest(t, FTC_CLOSED));
	flow_table_remove(t, f[1]);
	ck_assert_ptr_null(flow_table_idlest(t, FTC_ESTABLISHED));
	/* Creation order is unaffected by activity. */
	x = flow_table_first(t);
	ck_assert_ptr_eq(x, f[0]);
	ck_assert_ptr_eq(x->next, f[2]);
	flow_table_free(t);
}
END_TEST

/*
 * Tunnels are part of the key: the same inner conversation in another
 * tunnel (another id, other endpoints, one layer more), or outside any,
 * is another flow; the reply through the same tunnel, its outer endpoints
 * swapped, is the same flow; and the last-flow cache tells them apart.
 */
static void
in_tunnel(struct packet *p, struct packet_ext *x, const struct packet *inner,
    int depth, uint32_t id, const char *src, const char *dst)
{
	int i;

	*p = *inner;
	memset(x, 0, sizeof *x);
	for (i = 0; i < depth; i++) {
		x->encap[i].type = ENCAP_VXLAN;
		x->encap[i].id = id + (uint32_t)i;
		x->encap[i].ip_version = (uint8_t)pb_addr(src, x->encap[i].src);
		pb_addr(dst, x->encap[i].dst);
	}
	p->encap_depth = (uint8_t)depth;
	p->ext = x;
}

START_TEST(test_encap_key)
{
	struct flow_table *t = flow_table_new();
	struct packet in, inr, p, pr, q, o, two, plain;
	struct packet_ext xp, xpr, xq, xo, xtwo;
	struct flow *fp, *fq, *fo, *ftwo, *fplain;
	const struct encap_layer *l;
	enum flow_dir d;
	unsigned depth;
	uint8_t a[16];
	int i;

	tcp_pkt(&in, "10.0.0.1", 40000, "10.0.0.2", 80, TH_SYN);
	reverse(&in, &inr);
	in_tunnel(&p, &xp, &in, 1, 100, "198.51.100.9", "192.0.2.1");
	in_tunnel(&pr, &xpr, &inr, 1, 100, "192.0.2.1", "198.51.100.9");
	in_tunnel(&q, &xq, &in, 1, 200, "198.51.100.9", "192.0.2.1");
	in_tunnel(&o, &xo, &in, 1, 100, "198.51.100.9", "192.0.2.2");
	in_tunnel(&two, &xtwo, &in, 2, 100, "198.51.100.9", "192.0.2.1");
	plain = in;

	fp = flow_table_create(t, &p, &d);
	ck_assert_int_eq(d, DIR_C2S);
	ck_assert_uint_ne(fp->key.encap, 0);
	ck_assert_ptr_null(flow_table_lookup(t, &q, &d));
	fq = flow_table_create(t, &q, &d);
	ck_assert_ptr_null(flow_table_lookup(t, &o, &d));
	fo = flow_table_create(t, &o, &d);
	ck_assert_ptr_null(flow_table_lookup(t, &two, &d));
	ftwo = flow_table_create(t, &two, &d);
	ck_assert_ptr_null(flow_table_lookup(t, &plain, &d));
	fplain = flow_table_create(t, &plain, &d);
	ck_assert_uint_eq(fplain->key.encap, 0);
	ck_assert_uint_eq(flow_table_count(t), 5);

	/* Alternating, so the last-flow cache is hit and missed. */
	for (i = 0; i < 3; i++) {
		ck_assert_ptr_eq(flow_table_lookup(t, &p, &d), fp);
		ck_assert_int_eq(d, DIR_C2S);
		ck_assert_ptr_eq(flow_table_lookup(t, &pr, &d), fp);
		ck_assert_int_eq(d, DIR_S2C);
		ck_assert_ptr_eq(flow_table_lookup(t, &q, &d), fq);
		ck_assert_ptr_eq(flow_table_lookup(t, &plain, &d), fplain);
		ck_assert_ptr_eq(flow_table_lookup(t, &p, &d), fp);
		ck_assert_ptr_eq(flow_table_lookup(t, &two, &d), ftwo);
		ck_assert_ptr_eq(flow_table_lookup(t, &o, &d), fo);
		ck_assert_ptr_eq(flow_table_lookup(t, &pr, &d), fp);
		ck_assert_int_eq(d, DIR_S2C);
	}

	/* The context, endpoints in ascending order. */
	l = flow_table_encap(t, fp->key.encap, &depth);
	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(depth, 1);
	ck_assert_uint_eq(l[0].type, ENCAP_VXLAN);
	ck_assert_uint_eq(l[0].id, 100);
	ck_assert_uint_eq(l[0].ip_version, 4);
	pb_addr("192.0.2.1", a);
	ck_assert_mem_eq(l[0].src, a, 16);
	pb_addr("198.51.100.9", a);
	ck_assert_mem_eq(l[0].dst, a, 16);
	l = flow_table_encap(t, ftwo->key.encap, &depth);
	ck_assert_uint_eq(depth, 2);
	ck_assert_uint_eq(l[1].id, 101);
	ck_assert_ptr_null(flow_table_encap(t, 0, &depth));
	ck_assert_uint_eq(depth, 0);
	ck_assert_ptr_null(flow_table_encap(t, 99, &depth));
	flow_table_free(t);
}
END_TEST

/* Many tunnels: the context table grows and every flow stays found. */
START_TEST(test_encap_many)
{
	struct flow_table *t = flow_table_new();
	struct packet in, p;
	struct packet_ext x;
	struct flow *f[3000];
	enum flow_dir d;
	uint32_t i;

	tcp_pkt(&in, "10.0.0.1", 40000, "10.0.0.2", 80, TH_SYN);
	for (i = 0; i < 3000; i++) {
		in_tunnel(&p, &x, &in, 1 + (int)(i % 2), i / 2, "192.0.2.1",
		    "192.0.2.2");
		ck_assert_ptr_null(flow_table_lookup(t, &p, &d));
		f[i] = flow_table_create(t, &p, &d);
	}
	for (i = 0; i < 3000; i++) {
		in_tunnel(&p, &x, &in, 1 + (int)(i % 2), i / 2, "192.0.2.1",
		    "192.0.2.2");
		ck_assert_ptr_eq(flow_table_lookup(t, &p, &d), f[i]);
		ck_assert_uint_eq(f[i]->key.encap, i + 1);
	}
	flow_table_free(t);
}
END_TEST

/*
 * A context lives while a flow in the hash uses it: a lookup never adds
 * one, the last flow to leave frees it, and its id is used again.  A
 * flow keeps its own copy of its tunnels, client side first.
 */
START_TEST(test_encap_release)
{
	struct flow_table *t = flow_table_new();
	struct packet in, in2, inr, p, p2, pr, q;
	struct packet_ext xp, xp2, xpr, xq;
	struct flow *f, *g, *h;
	const struct encap_layer *l;
	enum flow_dir d;
	unsigned depth;
	uint8_t a[16];

	tcp_pkt(&in, "10.0.0.1", 40000, "10.0.0.2", 80, TH_SYN);
	tcp_pkt(&in2, "10.0.0.1", 40001, "10.0.0.2", 80, TH_SYN);
	reverse(&in, &inr);
	inr.tcp_flags = TH_SYN | TH_ACK;
	in_tunnel(&p, &xp, &in, 1, 7, "198.51.100.9", "192.0.2.1");
	in_tunnel(&p2, &xp2, &in2, 1, 7, "198.51.100.9", "192.0.2.1");
	in_tunnel(&q, &xq, &in, 1, 8, "198.51.100.9", "192.0.2.1");

	ck_assert_ptr_null(flow_table_lookup(t, &p, &d));
	ck_assert_uint_eq(flow_table_encap_live(t), 0);
	f = flow_table_create(t, &p, &d);
	g = flow_table_create(t, &p2, &d);
	ck_assert_uint_eq(f->key.encap, g->key.encap);
	ck_assert_uint_eq(flow_table_encap_live(t), 1);
	/* Its own tunnels: as the client (the SYN's sender) sent them. */
	l = flow_tunnel(f, &depth);
	ck_assert_uint_eq(depth, 1);
	pb_addr("198.51.100.9", a);
	ck_assert_mem_eq(l[0].src, a, 16);
	ck_assert_uint_eq(l[0].id, 7);

	flow_table_remove(t, f);
	ck_assert_uint_eq(flow_table_encap_live(t), 1);
	ck_assert_ptr_nonnull(flow_table_encap(t, g->key.encap, &depth));
	ck_assert_ptr_eq(flow_table_lookup(t, &p2, &d), g);
	flow_table_remove(t, g);
	ck_assert_uint_eq(flow_table_encap_live(t), 0);
	ck_assert_ptr_null(flow_table_encap(t, 1, &depth));
	ck_assert_ptr_null(flow_table_lookup(t, &p, &d));
	ck_assert_ptr_null(flow_table_lookup(t, &q, &d));
	ck_assert_uint_eq(flow_table_encap_live(t), 0);

	/*
	 * Id 1 again, for another tunnel; the first packet is the server's
	 * SYN-ACK, so the flow's copy is turned round: client side first.
	 */
	in_tunnel(&pr, &xpr, &inr, 1, 8, "192.0.2.1", "198.51.100.9");
	h = flow_table_create(t, &pr, &d);
	ck_assert_int_eq(d, DIR_S2C);
	ck_assert_uint_eq(h->key.encap, 1);
	ck_assert_ptr_eq(flow_table_lookup(t, &q, &d), h);
	ck_assert_int_eq(d, DIR_C2S);
	ck_assert_ptr_null(flow_table_lookup(t, &p, &d));
	l = flow_tunnel(h, &depth);
	ck_assert_mem_eq(l[0].src, a, 16);
	pb_addr("192.0.2.1", a);
	ck_assert_mem_eq(l[0].dst, a, 16);
	flow_table_free(t);
}
END_TEST

Suite *
flow_suite(void)
{
	Suite *s = suite_create("flow");
	TCase *tc = tcase_create("table");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_both_directions);
	tcase_add_test(tc, test_client_by_syn);
	tcase_add_test(tc, test_client_by_synack);
	tcase_add_test(tc, test_client_by_ports);
	tcase_add_test(tc, test_client_by_first_packet);
	tcase_add_test(tc, test_ipv6_keys);
	tcase_add_test(tc, test_distinct_flows);
	tcase_add_test(tc, test_growth);
	tcase_add_test(tc, test_detach_and_recreate);
	tcase_add_test(tc, test_detach_keeps_probe_runs);
	tcase_add_test(tc, test_last_flow_cache);
	tcase_add_test(tc, test_encap_key);
	tcase_add_test(tc, test_encap_many);
	tcase_add_test(tc, test_encap_release);
	tcase_add_test(tc, test_id_order_and_lru);
	suite_add_tcase(s, tc);
	return s;
}
