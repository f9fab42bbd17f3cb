/*
 * The TCP analysis rules (src/tcp*.c, rtt.c) on hand-built segment sequences fed
 * straight to tcp_conn_packet(): the handshake, each class of segment and
 * each retransmission cause, duplicate ACKs, SACK and D-SACK, windows,
 * RTT sampling (Karn) and the RFC 6298 estimator, Zeek's conn_state and
 * history, port reuse, and the RTT percentile summary.
 *
 * The client is 10.0.0.1:40000 with ISN 1000, the server 10.0.0.2:80 with
 * ISN 5000; times are offsets in ns from T0.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pktbuild.h"
#include "rtt.h"
#include "suites.h"
#include "tcp.h"

#define NS_PER_S	1000000000ULL
#define MS(x)		((uint64_t)((x) * 1000000.0))
#define T0		(1700000000ULL * NS_PER_S)

#define CISN		1000u
#define SISN		5000u
#define WIN		65535

struct conn {
	struct tcp_conn	*c;
	struct tcp_config cfg;
	uint32_t	 ip_id;
	struct tcp_verdict v;
};

static void
conn_init(struct conn *k)
{
	memset(k, 0, sizeof *k);
	tcp_config_default(&k->cfg);
	k->c = tcp_conn_new(false);
	k->ip_id = 100;
}

static void
conn_free(struct conn *k)
{
	tcp_conn_free(k->c);
	k->c = NULL;
}

/* One segment; ip_id 0 takes the next from a counter (so never a copy). */
static struct tcp_verdict *
seg_full(struct conn *k, enum flow_dir d, uint64_t t, uint8_t flags,
    uint32_t seq, uint32_t ack, uint32_t len, uint16_t win,
    const struct tcp_options *opt, uint32_t ip_id)
{
	struct packet p;

	if (ip_id == 0)
		ip_id = ++k->ip_id;
	if (d == DIR_C2S)
		pb_tcp_packet(&p, T0 + t, "10.0.0.1", 40000, "10.0.0.2", 80,
		    flags, seq, ack, win, len, opt, ip_id);
	else
		pb_tcp_packet(&p, T0 + t, "10.0.0.2", 80, "10.0.0.1", 40000,
		    flags, seq, ack, win, len, opt, ip_id);
	tcp_conn_packet(k->c, &k->cfg, &p, d, &k->v);
	return &k->v;
}

static struct tcp_verdict *
cli(struct conn *k, uint64_t t, uint8_t flags, uint32_t seq, uint32_t ack,
    uint32_t len)
{
	return seg_full(k, DIR_C2S, t, flags, seq, ack, len, WIN, NULL, 0);
}

static struct tcp_verdict *
srv(struct conn *k, uint64_t t, uint8_t flags, uint32_t seq, uint32_t ack,
    uint32_t len)
{
	return seg_full(k, DIR_S2C, t, flags, seq, ack, len, WIN, NULL, 0);
}

/* SYN at 0, SYN-ACK at 30 ms, ACK at 100 ms. */
static void
handshake(struct conn *k)
{
	ck_assert_uint_eq(cli(k, 0, TH_SYN, CISN, 0, 0)->seg_class, SEG_NEW);
	ck_assert_uint_eq(srv(k, MS(30), TH_SYN | TH_ACK, SISN, CISN + 1,
	    0)->seg_class, SEG_NEW);
	ck_assert_uint_eq(cli(k, MS(100), TH_ACK, CISN + 1, SISN + 1,
	    0)->seg_class, SEG_NONE);
}

#define C2S(k)	(&(k)->c->dir[DIR_C2S])
#define S2C(k)	(&(k)->c->dir[DIR_S2C])

/* Four 100-byte segments from the client, 1 ms apart from 200 ms on. */
static void
four_segments(struct conn *k)
{
	uint32_t i;

	for (i = 0; i < 4; i++)
		cli(k, MS(200 + i), TH_ACK, CISN + 1 + 100 * i, SISN + 1, 100);
}

START_TEST(test_handshake)
{
	struct conn k;
	struct tcp_conn *c;

	conn_init(&k);
	handshake(&k);
	c = k.c;
	ck_assert(c->handshake_complete);
	ck_assert(!c->simultaneous_open);
	ck_assert_uint_eq(c->syn_count, 1);
	ck_assert_uint_eq(c->synack_count, 1);
	ck_assert_uint_eq(c->syn_ts, T0);
	ck_assert_uint_eq(c->synack_ts, T0 + MS(30));
	ck_assert_uint_eq(c->handshake_ack_ts, T0 + MS(100));
	/* Handshake RTT 100 ms: server side 30 ms, client side 70 ms. */
	ck_assert_uint_eq(c->handshake_ack_ts - c->syn_ts, MS(100));
	ck_assert_uint_eq(c->synack_ts - c->syn_ts, MS(30));
	ck_assert_uint_eq(c->handshake_ack_ts - c->synack_ts, MS(70));
	/* SYN and SYN-ACK are segments: one ACK-based sample each way. */
	ck_assert_uint_eq(C2S(&k)->rtt.samples, 1);
	ck_assert_uint_eq(C2S(&k)->rtt.min_ns, MS(30));
	ck_assert_uint_eq(S2C(&k)->rtt.samples, 1);
	ck_assert_uint_eq(S2C(&k)->rtt.min_ns, MS(70));
	ck_assert_uint_eq(C2S(&k)->isn, CISN);
	ck_assert_uint_eq(S2C(&k)->isn, SISN);
	ck_assert_uint_eq(C2S(&k)->c.syns, 1);
	ck_assert_uint_eq(S2C(&k)->c.syns, 1);
	ck_assert_uint_eq(C2S(&k)->c.pure_acks, 1);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions_total, 0);
	ck_assert_str_eq(c->history, "ShA");
	ck_assert_str_eq(tcp_conn_state(c), "S1");
	ck_assert_int_eq(tcp_conn_timeout_class(c), FTC_ESTABLISHED);
	ck_assert_uint_eq(tcp_dir_unique_bytes(C2S(&k)), 0);
	conn_free(&k);
}
END_TEST

START_TEST(test_handshake_options)
{
	struct conn k;
	struct tcp_options o;

	conn_init(&k);
	memset(&o, 0, sizeof o);
	o.has_mss = 1;
	o.mss = 1460;
	o.has_wscale = 1;
	o.wscale = 7;
	o.sack_permitted = 1;
	o.has_timestamp = 1;
	o.ts_val = 1000;
	seg_full(&k, DIR_C2S, 0, TH_SYN, CISN, 0, 0, WIN, &o, 0);
	ck_assert(!tcp_conn_wscale_ok(k.c));
	o.mss = 1400;
	o.wscale = 2;
	o.ts_val = 9000;
	o.ts_ecr = 1000;
	seg_full(&k, DIR_S2C, MS(30), TH_SYN | TH_ACK, SISN, CISN + 1, 0, WIN,
	    &o, 0);
	ck_assert_uint_eq(C2S(&k)->mss, 1460);
	ck_assert_uint_eq(S2C(&k)->mss, 1400);
	ck_assert_uint_eq(C2S(&k)->wscale, 7);
	ck_assert_uint_eq(S2C(&k)->wscale, 2);
	ck_assert(tcp_conn_wscale_ok(k.c));
	ck_assert(tcp_conn_sack_ok(k.c));
	ck_assert(tcp_conn_timestamps_ok(k.c));
	/* The SYN-ACK echoed the SYN's TSval: one timestamp RTT sample. */
	ck_assert_uint_eq(C2S(&k)->ts_rtt.samples, 1);
	ck_assert_uint_eq(C2S(&k)->ts_rtt.min_ns, MS(30));

	/* After the handshake the window is scaled by the sender's shift. */
	memset(&o, 0, sizeof o);
	seg_full(&k, DIR_C2S, MS(100), TH_ACK, CISN + 1, SISN + 1, 0, 100,
	    &o, 0);
	ck_assert_uint_eq(S2C(&k)->peer_window, 100u << 7);
	seg_full(&k, DIR_S2C, MS(110), TH_ACK, SISN + 1, CISN + 1, 0, 100,
	    &o, 0);
	ck_assert_uint_eq(C2S(&k)->peer_window, 100u << 2);
	conn_free(&k);
}
END_TEST

START_TEST(test_syn_retransmission)
{
	struct conn k;
	struct tcp_verdict *v;

	conn_init(&k);
	v = cli(&k, 0, TH_SYN, CISN, 0, 0);
	ck_assert_uint_eq(v->seg_class, SEG_NEW);
	v = cli(&k, MS(1000), TH_SYN, CISN, 0, 0);
	ck_assert_uint_eq(v->seg_class, SEG_RETRANSMISSION);
	ck_assert_uint_eq(v->cause, RTX_RTO);
	ck_assert_uint_eq(v->since_original_ns, MS(1000));
	ck_assert(v->events & (1u << TEV_SYN_RETRANSMISSION));
	ck_assert_uint_eq(k.c->syn_count, 2);
	ck_assert_uint_eq(C2S(&k)->c.syns, 2);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions[RTX_RTO], 1);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions_total, 1);
	ck_assert_uint_eq(C2S(&k)->c.retransmitted_bytes, 0);
	ck_assert_uint_eq(C2S(&k)->c.rto_timeouts, 1);
	ck_assert_uint_eq(C2S(&k)->c.observed_rto_min_ns, MS(1000));

	srv(&k, MS(1030), TH_SYN | TH_ACK, SISN, CISN + 1, 0);
	cli(&k, MS(1060), TH_ACK, CISN + 1, SISN + 1, 0);
	ck_assert(k.c->handshake_complete);
	/* The handshake is timed from the last SYN; Karn: no sample. */
	ck_assert_uint_eq(k.c->syn_ts, T0 + MS(1000));
	ck_assert_uint_eq(C2S(&k)->rtt.samples, 0);
	/* A SYN resent at the same sequence number is no new 'S'. */
	ck_assert_str_eq(k.c->history, "ShA");
	conn_free(&k);
}
END_TEST

START_TEST(test_new_data_in_order)
{
	struct conn k;
	int i;

	conn_init(&k);
	handshake(&k);
	for (i = 0; i < 3; i++)
		ck_assert_uint_eq(cli(&k, MS(200 + i), TH_ACK | TH_PUSH,
		    CISN + 1 + 100 * (uint32_t)i, SISN + 1, 100)->seg_class,
		    SEG_NEW);
	srv(&k, MS(230), TH_ACK, SISN + 1, CISN + 201, 0);
	srv(&k, MS(232), TH_ACK, SISN + 1, CISN + 301, 0);
	ck_assert_uint_eq(C2S(&k)->c.data_segments, 3);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions_total, 0);
	ck_assert_uint_eq(C2S(&k)->c.out_of_order, 0);
	ck_assert_uint_eq(C2S(&k)->c.lost_segments, 0);
	ck_assert_uint_eq(C2S(&k)->c.dup_acks, 0);
	ck_assert_uint_eq(tcp_dir_unique_bytes(C2S(&k)), 300);
	ck_assert_uint_eq(C2S(&k)->snd_una, CISN + 301);
	ck_assert_uint_eq(C2S(&k)->high_seq, CISN + 301);
	ck_assert_uint_eq(C2S(&k)->c.max_in_flight, 300);
	ck_assert_uint_eq(S2C(&k)->c.pure_acks, 2);
	ck_assert_str_eq(k.c->history, "ShADa");
	conn_free(&k);
}
END_TEST

START_TEST(test_rto)
{
	struct conn k;
	struct tcp_verdict *v;

	conn_init(&k);
	handshake(&k);
	cli(&k, MS(200), TH_ACK, CISN + 1, SISN + 1, 100);
	cli(&k, MS(210), TH_ACK, CISN + 101, SISN + 1, 100);
	srv(&k, MS(260), TH_ACK, SISN + 1, CISN + 101, 0);
	/* Silence, then the head segment again. */
	v = cli(&k, MS(1500), TH_ACK, CISN + 101, SISN + 1, 100);
	ck_assert_uint_eq(v->seg_class, SEG_RETRANSMISSION);
	ck_assert_uint_eq(v->cause, RTX_RTO);
	ck_assert_uint_eq(v->since_original_ns, MS(1290));
	ck_assert_uint_eq(C2S(&k)->c.retransmissions[RTX_RTO], 1);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions_total, 1);
	ck_assert_uint_eq(C2S(&k)->c.retransmitted_bytes, 100);
	ck_assert_uint_eq(C2S(&k)->c.rto_timeouts, 1);
	ck_assert_uint_eq(C2S(&k)->c.observed_rto_min_ns, MS(1290));
	ck_assert_uint_eq(C2S(&k)->c.observed_rto_max_ns, MS(1290));
	ck_assert_uint_eq(C2S(&k)->c.rto_below_estimate, 0);
	ck_assert_uint_eq(tcp_dir_unique_bytes(C2S(&k)), 200);

	/* The same head again without progress: a backed-off timeout. */
	v = cli(&k, MS(4000), TH_ACK, CISN + 101, SISN + 1, 100);
	ck_assert_uint_eq(v->cause, RTX_RTO);
	ck_assert_uint_eq(v->since_original_ns, MS(2500));
	ck_assert_uint_eq(C2S(&k)->c.max_backoff, 1);
	ck_assert_uint_eq(C2S(&k)->c.rto_timeouts, 2);
	ck_assert_uint_eq(C2S(&k)->c.observed_rto_max_ns, MS(2500));
	srv(&k, MS(4030), TH_ACK, SISN + 1, CISN + 201, 0);
	ck_assert_uint_eq(C2S(&k)->recovery, 0);
	ck_assert_str_eq(k.c->history, "ShADaT");
	conn_free(&k);
}
END_TEST

/*
 * In a timeout's go-back-N, ACKs make progress, then stop; the new head
 * goes out again after the timer's silence: a timeout of its own, with
 * the backoff started again.  Sent again as soon as an ACK arrives, it
 * would be the go-back-N going on.
 */
START_TEST(test_rto_again_after_progress)
{
	struct conn k;
	struct tcp_verdict *v;

	conn_init(&k);
	handshake(&k);
	four_segments(&k);
	v = cli(&k, MS(1500), TH_ACK, CISN + 1, SISN + 1, 100);
	ck_assert_uint_eq(v->cause, RTX_RTO);
	ck_assert_uint_eq(C2S(&k)->c.rto_timeouts, 1);
	/* Progress: the ACK takes the head; the next goes out at once. */
	srv(&k, MS(1530), TH_ACK, SISN + 1, CISN + 101, 0);
	v = cli(&k, MS(1531), TH_ACK, CISN + 101, SISN + 1, 100);
	ck_assert_uint_eq(v->cause, RTX_RTO);
	ck_assert_uint_eq(C2S(&k)->c.rto_timeouts, 1);
	srv(&k, MS(1561), TH_ACK, SISN + 1, CISN + 201, 0);
	/* Lost again: the timer fires 300 ms later. */
	v = cli(&k, MS(1861), TH_ACK, CISN + 201, SISN + 1, 100);
	ck_assert_uint_eq(v->cause, RTX_RTO);
	ck_assert_uint_eq(C2S(&k)->c.rto_timeouts, 2);
	ck_assert_uint_eq(C2S(&k)->c.max_backoff, 0);
	ck_assert_uint_eq(C2S(&k)->c.observed_rto_max_ns, MS(1659));
	ck_assert_uint_eq(C2S(&k)->c.observed_rto_min_ns, MS(1300));
	conn_free(&k);
}
END_TEST

START_TEST(test_fast_retransmit)
{
	struct conn k;
	struct tcp_verdict *v;
	int i;

	conn_init(&k);
	handshake(&k);
	four_segments(&k);
	/* The first segment is lost: three duplicate ACKs. */
	for (i = 0; i < 3; i++) {
		v = srv(&k, MS(230 + i), TH_ACK, SISN + 1, CISN + 1, 0);
		ck_assert(v->events & (1u << TEV_DUP_ACK));
	}
	ck_assert_uint_eq(C2S(&k)->c.dup_acks, 3);
	ck_assert_uint_eq(C2S(&k)->c.max_dup_ack_run, 3);
	v = cli(&k, MS(233), TH_ACK, CISN + 1, SISN + 1, 100);
	ck_assert_uint_eq(v->seg_class, SEG_RETRANSMISSION);
	ck_assert_uint_eq(v->cause, RTX_FAST);
	ck_assert_uint_eq(v->since_original_ns, MS(33));
	ck_assert_uint_eq(C2S(&k)->c.retransmissions[RTX_FAST], 1);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions_total, 1);
	ck_assert_uint_eq(C2S(&k)->c.rto_timeouts, 0);
	/* The ACK covering everything ends the episode and the run. */
	srv(&k, MS(263), TH_ACK, SISN + 1, CISN + 401, 0);
	ck_assert_uint_eq(C2S(&k)->recovery, 0);
	ck_assert_uint_eq(C2S(&k)->dup_ack_run, 0);
	ck_assert_uint_eq(C2S(&k)->c.dup_acks, 3);
	ck_assert_uint_eq(C2S(&k)->c.max_dup_ack_run, 3);
	ck_assert_uint_eq(tcp_dir_unique_bytes(C2S(&k)), 400);
	conn_free(&k);
}
END_TEST

START_TEST(test_sack_evidence)
{
	struct conn k;
	struct tcp_verdict *v;
	struct tcp_options o;

	conn_init(&k);
	handshake(&k);
	four_segments(&k);
	/* Segment 2 lost: ACK of segment 1 with 3 and 4 SACKed. */
	memset(&o, 0, sizeof o);
	o.sack_blocks = 1;
	o.sack[0].left = CISN + 201;
	o.sack[0].right = CISN + 401;
	seg_full(&k, DIR_S2C, MS(230), TH_ACK, SISN + 1, CISN + 101, 0, WIN,
	    &o, 0);
	ck_assert_uint_eq(C2S(&k)->dup_ack_run, 0);
	ck_assert(C2S(&k)->sack_high_valid);
	ck_assert_uint_eq(C2S(&k)->sack_high, CISN + 401);
	ck_assert_uint_eq(C2S(&k)->sacked_bytes, 200);
	v = cli(&k, MS(231), TH_ACK, CISN + 101, SISN + 1, 100);
	ck_assert_uint_eq(v->seg_class, SEG_RETRANSMISSION);
	ck_assert_uint_eq(v->cause, RTX_FAST);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions[RTX_FAST], 1);
	/* The most in flight was before the SACK: all four segments. */
	ck_assert_uint_eq(C2S(&k)->c.max_in_flight, 400);
	conn_free(&k);
}
END_TEST

START_TEST(test_spurious)
{
	struct conn k;
	struct tcp_verdict *v;

	conn_init(&k);
	handshake(&k);
	cli(&k, MS(200), TH_ACK, CISN + 1, SISN + 1, 100);
	srv(&k, MS(260), TH_ACK, SISN + 1, CISN + 101, 0);
	v = cli(&k, MS(1500), TH_ACK, CISN + 1, SISN + 1, 100);
	ck_assert_uint_eq(v->seg_class, SEG_RETRANSMISSION);
	ck_assert_uint_eq(v->cause, RTX_SPURIOUS);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions[RTX_SPURIOUS], 1);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions_total, 1);
	ck_assert_uint_eq(C2S(&k)->c.rto_timeouts, 0);
	conn_free(&k);
}
END_TEST

START_TEST(test_dsack_reclassifies)
{
	struct conn k;
	struct tcp_verdict *v;
	struct tcp_options o;

	conn_init(&k);
	handshake(&k);
	cli(&k, MS(200), TH_ACK, CISN + 1, SISN + 1, 100);
	v = cli(&k, MS(1500), TH_ACK, CISN + 1, SISN + 1, 100);
	ck_assert_uint_eq(v->cause, RTX_RTO);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions[RTX_RTO], 1);

	/* The receiver had it all along: D-SACK below the ACK. */
	memset(&o, 0, sizeof o);
	o.sack_blocks = 1;
	o.sack[0].left = CISN + 1;
	o.sack[0].right = CISN + 101;
	v = seg_full(&k, DIR_S2C, MS(1530), TH_ACK, SISN + 1, CISN + 101, 0,
	    WIN, &o, 0);
	ck_assert(v->events & (1u << TEV_DSACK));
	ck_assert_uint_eq(C2S(&k)->c.dsacks, 1);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions[RTX_RTO], 0);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions[RTX_SPURIOUS], 1);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions_total, 1);
	/* Karn: the ACK of a resent segment gives no sample. */
	ck_assert_uint_eq(C2S(&k)->rtt.samples, 1);

	/* A second D-SACK for the same range moves nothing again. */
	seg_full(&k, DIR_S2C, MS(1531), TH_ACK, SISN + 1, CISN + 101, 0,
	    WIN, &o, 0);
	ck_assert_uint_eq(C2S(&k)->c.dsacks, 2);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions[RTX_SPURIOUS], 1);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions_total, 1);
	conn_free(&k);
}
END_TEST

START_TEST(test_dsack_in_second_block)
{
	struct conn k;
	struct tcp_options o;

	conn_init(&k);
	handshake(&k);
	four_segments(&k);
	/* Segment 3 resent although SACKed: fast, on SACK evidence. */
	memset(&o, 0, sizeof o);
	o.sack_blocks = 1;
	o.sack[0].left = CISN + 201;
	o.sack[0].right = CISN + 401;
	seg_full(&k, DIR_S2C, MS(230), TH_ACK, SISN + 1, CISN + 101, 0, WIN,
	    &o, 0);
	ck_assert_uint_eq(cli(&k, MS(231), TH_ACK, CISN + 201, SISN + 1,
	    100)->cause, RTX_FAST);
	/* RFC 2883: the first block inside the second is a D-SACK. */
	o.sack_blocks = 2;
	o.sack[0].left = CISN + 201;
	o.sack[0].right = CISN + 301;
	o.sack[1].left = CISN + 201;
	o.sack[1].right = CISN + 401;
	seg_full(&k, DIR_S2C, MS(240), TH_ACK, SISN + 1, CISN + 101, 0, WIN,
	    &o, 0);
	ck_assert_uint_eq(C2S(&k)->c.dsacks, 1);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions[RTX_FAST], 0);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions[RTX_SPURIOUS], 1);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions_total, 1);
	conn_free(&k);
}
END_TEST

START_TEST(test_tail_loss_probe)
{
	struct conn k;
	struct tcp_verdict *v;
	int i;

	conn_init(&k);
	handshake(&k);
	for (i = 0; i < 3; i++)
		cli(&k, MS(200 + i), TH_ACK, CISN + 1 + 100 * (uint32_t)i,
		    SISN + 1, 100);
	srv(&k, MS(230), TH_ACK, SISN + 1, CISN + 101, 0);
	/* The last segment again, soon, not the head. */
	v = cli(&k, MS(260), TH_ACK, CISN + 201, SISN + 1, 100);
	ck_assert_uint_eq(v->seg_class, SEG_RETRANSMISSION);
	ck_assert_uint_eq(v->cause, RTX_PROBE);
	ck_assert_uint_eq(v->since_original_ns, MS(58));
	ck_assert_uint_eq(C2S(&k)->c.retransmissions[RTX_PROBE], 1);
	ck_assert_uint_eq(C2S(&k)->c.rto_timeouts, 0);
	conn_free(&k);
}
END_TEST

/*
 * One segment in flight and lost.  Linux's probe timeout then waits two
 * SRTTs and 200 ms (for a delayed ACK), or the RTO if sooner, and the
 * probe resends that segment: on a SACK connection its first resend within
 * that time is the probe.  Without SACK there is no probe; a second resend,
 * or one much later, is the timer's; a SYN is never probed.
 */
static struct tcp_verdict
resend_lone_segment(bool sack, uint64_t first, uint64_t second)
{
	struct conn k;
	struct tcp_options o;
	struct tcp_verdict *v, out;

	conn_init(&k);
	memset(&o, 0, sizeof o);
	o.sack_permitted = sack;
	seg_full(&k, DIR_C2S, 0, TH_SYN, CISN, 0, 0, WIN, &o, 0);
	seg_full(&k, DIR_S2C, MS(30), TH_SYN | TH_ACK, SISN, CISN + 1, 0, WIN,
	    &o, 0);
	cli(&k, MS(60), TH_ACK, CISN + 1, SISN + 1, 0);
	cli(&k, MS(100), TH_ACK, CISN + 1, SISN + 1, 100);
	srv(&k, MS(130), TH_ACK, SISN + 1, CISN + 101, 0);
	cli(&k, MS(200), TH_ACK | TH_FIN, CISN + 101, SISN + 1, 0);
	v = cli(&k, MS(200) + first, TH_ACK | TH_FIN, CISN + 101, SISN + 1, 0);
	ck_assert_uint_eq(v->seg_class, SEG_RETRANSMISSION);
	out = *v;
	if (second) {
		v = cli(&k, MS(200) + second, TH_ACK | TH_FIN, CISN + 101,
		    SISN + 1, 0);
		ck_assert_uint_eq(v->cause, RTX_RTO);
		ck_assert_uint_eq(C2S(&k)->c.rto_timeouts,
		    out.cause == RTX_RTO ? 2 : 1);
	}
	conn_free(&k);
	return out;
}

START_TEST(test_lone_segment_probe)
{
	/* SRTT 30 ms: the probe comes within 2 x 30 + 210 ms. */
	ck_assert_uint_eq(resend_lone_segment(true, MS(205), 0).cause,
	    RTX_PROBE);
	ck_assert_uint_eq(resend_lone_segment(true, MS(205), MS(620)).cause,
	    RTX_PROBE);
	ck_assert_uint_eq(resend_lone_segment(false, MS(205), 0).cause,
	    RTX_RTO);
	ck_assert_uint_eq(resend_lone_segment(true, MS(900), 0).cause,
	    RTX_RTO);
	ck_assert_uint_eq(resend_lone_segment(true, MS(900), MS(2700)).cause,
	    RTX_RTO);
}
END_TEST

/*
 * The tail sent again 5 ms after it went out, with a 30 ms SRTT: a probe
 * timeout is about two SRTTs, so an ACK found it lost, not a probe.
 */
START_TEST(test_quick_tail_resend_is_fast)
{
	struct conn k;
	struct tcp_verdict *v;

	conn_init(&k);
	handshake(&k);
	cli(&k, MS(200), TH_ACK, CISN + 1, SISN + 1, 100);
	cli(&k, MS(201), TH_ACK, CISN + 101, SISN + 1, 100);
	srv(&k, MS(230), TH_ACK, SISN + 1, CISN + 101, 0);
	cli(&k, MS(235), TH_ACK, CISN + 201, SISN + 1, 100);
	srv(&k, MS(236), TH_ACK, SISN + 1, CISN + 101, 0);
	v = cli(&k, MS(240), TH_ACK, CISN + 201, SISN + 1, 100);
	ck_assert_uint_eq(v->seg_class, SEG_RETRANSMISSION);
	ck_assert_uint_eq(v->cause, RTX_FAST);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions[RTX_PROBE], 0);
	ck_assert_uint_eq(C2S(&k)->c.rto_timeouts, 0);
	conn_free(&k);
}
END_TEST

/*
 * A fast retransmission lost again.  The sender goes on sending new data,
 * 10 ms apart, and each segment brings a duplicate ACK; 220 ms after the
 * fast retransmission the head goes out once more.  Without SACK nothing
 * in those ACKs can tell the sender its retransmission was lost: only the
 * retransmission timer sends it again (a timeout, as the kernel counts
 * it).  With SACK, RACK can find it lost from the SACKs: fast recovery.
 * When the capture missed the handshake, SACK blocks from the peer tell
 * that SACK is in use.
 */
static enum tcp_rtx_cause
resend_lost_fast_retransmission(bool sack, bool handshake)
{
	struct conn k;
	struct tcp_options o;
	struct tcp_verdict *v;
	enum tcp_rtx_cause cause;
	uint32_t next = CISN + 501;
	int i;

	conn_init(&k);
	memset(&o, 0, sizeof o);
	if (handshake) {
		o.sack_permitted = sack;
		seg_full(&k, DIR_C2S, 0, TH_SYN, CISN, 0, 0, WIN, &o, 0);
		seg_full(&k, DIR_S2C, MS(30), TH_SYN | TH_ACK, SISN, CISN + 1,
		    0, WIN, &o, 0);
		cli(&k, MS(100), TH_ACK, CISN + 1, SISN + 1, 0);
		ck_assert(tcp_conn_sack_ok(k.c) == sack);
	}
	/* One segment acknowledged (an RTT sample), then four, the first lost. */
	cli(&k, MS(150), TH_ACK, CISN + 1, SISN + 1, 100);
	srv(&k, MS(180), TH_ACK, SISN + 1, CISN + 101, 0);
	for (i = 0; i < 4; i++)
		cli(&k, MS(200 + i), TH_ACK, CISN + 101 + 100 * (uint32_t)i,
		    SISN + 1, 100);
	memset(&o, 0, sizeof o);
	for (i = 0; i < 3; i++) {
		if (sack) {
			o.sack_blocks = 1;
			o.sack[0].left = CISN + 201;
			o.sack[0].right = CISN + 301 + 100 * (uint32_t)i;
		}
		seg_full(&k, DIR_S2C, MS(230 + i), TH_ACK, SISN + 1, CISN + 101,
		    0, WIN, &o, 0);
	}
	v = cli(&k, MS(233), TH_ACK, CISN + 101, SISN + 1, 100);
	ck_assert_uint_eq(v->cause, RTX_FAST);
	for (i = 0; i < 20; i++, next += 100) {
		cli(&k, MS(240 + 10 * i), TH_ACK, next, SISN + 1, 100);
		if (sack)
			o.sack[0].right = next + 100;
		seg_full(&k, DIR_S2C, MS(241 + 10 * i), TH_ACK, SISN + 1,
		    CISN + 101, 0, WIN, &o, 0);
	}
	v = cli(&k, MS(453), TH_ACK, CISN + 101, SISN + 1, 100);
	ck_assert_uint_eq(v->seg_class, SEG_RETRANSMISSION);
	ck_assert_uint_eq(v->since_original_ns, MS(220));
	cause = (enum tcp_rtx_cause)v->cause;
	ck_assert_uint_eq(C2S(&k)->c.rto_timeouts, cause == RTX_RTO);
	/* What follows the timeout is its go-back-N. */
	srv(&k, MS(460), TH_ACK, SISN + 1, CISN + 201, 0);
	v = cli(&k, MS(461), TH_ACK, CISN + 201, SISN + 1, 100);
	ck_assert_uint_eq(v->cause, cause == RTX_RTO ? RTX_RTO : RTX_FAST);
	ck_assert_uint_eq(C2S(&k)->c.rto_timeouts, cause == RTX_RTO);
	conn_free(&k);
	return cause;
}

START_TEST(test_lost_fast_retransmission)
{
	ck_assert_uint_eq(resend_lost_fast_retransmission(false, true),
	    RTX_RTO);
	ck_assert_uint_eq(resend_lost_fast_retransmission(true, true),
	    RTX_FAST);
	ck_assert_uint_eq(resend_lost_fast_retransmission(false, false),
	    RTX_RTO);
	ck_assert_uint_eq(resend_lost_fast_retransmission(true, false),
	    RTX_FAST);
}
END_TEST

START_TEST(test_reordering)
{
	struct conn k;
	struct tcp_verdict *v;

	conn_init(&k);
	handshake(&k);
	ck_assert_uint_eq(cli(&k, MS(200), TH_ACK, CISN + 1, SISN + 1,
	    100)->seg_class, SEG_NEW);
	v = cli(&k, MS(201), TH_ACK, CISN + 201, SISN + 1, 100);
	ck_assert_uint_eq(v->seg_class, SEG_AFTER_GAP);
	ck_assert_uint_eq(C2S(&k)->c.lost_segments, 1);
	ck_assert_uint_eq(C2S(&k)->c.lost_bytes, 100);
	ck_assert_uint_eq(C2S(&k)->nholes, 1);
	/* The hole filled 1 ms later, inside the 100 ms reorder window. */
	v = cli(&k, MS(202), TH_ACK, CISN + 101, SISN + 1, 100);
	ck_assert_uint_eq(v->seg_class, SEG_OUT_OF_ORDER);
	ck_assert_uint_eq(C2S(&k)->c.out_of_order, 1);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions_total, 0);
	ck_assert_uint_eq(C2S(&k)->nholes, 0);
	srv(&k, MS(230), TH_ACK, SISN + 1, CISN + 301, 0);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions_total, 0);
	ck_assert_uint_eq(tcp_dir_unique_bytes(C2S(&k)), 300);
	/*
	 * As Zeek writes it: the late segment moved the client's sequence
	 * space on no further (T), and the ACK passed no byte the capture
	 * lacked (no G: the hole was filled first).
	 */
	ck_assert_str_eq(k.c->history, "ShADTa");
	conn_free(&k);
}
END_TEST

/* n client segments of 100 bytes in order from *seq, 1 ms apart from *t. */
static void
cli_in_order(struct conn *k, uint32_t *seq, uint64_t *t, int n)
{
	for (; n > 0; n--, *seq += 100, *t += MS(1))
		cli(k, *t, TH_ACK, *seq, SISN + 1, 100);
}

/*
 * The 100 bytes at *seq missing, the next 100 passing them at *t, and the
 * missing ones arriving delay later: sent first (under the older IPv4 ID)
 * if older, else sent again (under a new one).
 */
static struct tcp_verdict *
cli_hole(struct conn *k, uint32_t *seq, uint64_t *t, uint64_t delay,
    bool older)
{
	uint32_t id = older ? ++k->ip_id : 0, at = *seq;
	uint64_t when = *t + delay;

	cli(k, *t, TH_ACK, at + 100, SISN + 1, 100);
	*seq += 200;
	*t = when + MS(1);
	return seg_full(k, DIR_C2S, when, TH_ACK, at, SISN + 1, 100, WIN, NULL,
	    id);
}

/*
 * A handshake, 20 segments in order (rising IPv4 IDs) and a hole resent
 * under a new number 400 ms later, then 5 more segments.
 */
static void
ids_established(struct conn *k, uint32_t *seq, uint64_t *t)
{
	conn_init(k);
	handshake(k);
	*seq = CISN + 1;
	*t = MS(200);
	cli_in_order(k, seq, t, 20);
	ck_assert_uint_eq(cli_hole(k, seq, t, MS(400), false)->seg_class,
	    SEG_RETRANSMISSION);
	cli_in_order(k, seq, t, 5);
}

/*
 * A capture at the receiver: a segment overtaken on the way fills its hole
 * later than the reordering window (the 100 ms handshake RTT), but its IPv4
 * ID is older than the packet that went past it; the sender (like Linux)
 * numbers packets in order and gives resends new numbers, so it is
 * reordering.  A hole filled inside the window under a new number is a
 * resend.
 */
START_TEST(test_reordering_by_ip_id)
{
	struct conn k;
	struct tcp_verdict *v;
	uint32_t seq, id;
	uint64_t t;

	ids_established(&k, &seq, &t);
	v = cli_hole(&k, &seq, &t, MS(150), true);
	ck_assert_uint_eq(v->seg_class, SEG_OUT_OF_ORDER);
	ck_assert_uint_eq(C2S(&k)->c.out_of_order, 1);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions_total, 1);
	v = cli_hole(&k, &seq, &t, MS(1), false);
	ck_assert_uint_eq(v->seg_class, SEG_RETRANSMISSION);
	ck_assert_uint_eq(C2S(&k)->c.out_of_order, 1);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions_total, 2);
	/*
	 * Two segments lost, resent in order, the resends reordered: the
	 * second resend's number is below the first's, but above the packet
	 * that went past the hole, so both are resends.
	 */
	cli(&k, t, TH_ACK, seq + 200, SISN + 1, 100);
	id = ++k.ip_id;
	cli(&k, t + MS(150), TH_ACK, seq + 100, SISN + 1, 100);
	v = seg_full(&k, DIR_C2S, t + MS(151), TH_ACK, seq, SISN + 1, 100, WIN,
	    NULL, id);
	ck_assert_uint_eq(v->seg_class, SEG_RETRANSMISSION);
	ck_assert_uint_eq(C2S(&k)->c.out_of_order, 1);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions_total, 4);
	conn_free(&k);
}
END_TEST

/*
 * A sender that resends data under its original's IPv4 ID: numbers then
 * cannot tell a resend from an overtaken segment, and the reordering
 * window decides, as without IDs.
 */
START_TEST(test_ip_id_reused_by_resends)
{
	struct conn k;
	struct tcp_verdict *v;
	uint32_t seq;
	uint64_t t;

	ids_established(&k, &seq, &t);
	/* The last segment sent again under the same number. */
	v = seg_full(&k, DIR_C2S, t + MS(300), TH_ACK, seq - 100, SISN + 1,
	    100, WIN, NULL, k.ip_id);
	ck_assert_uint_eq(v->seg_class, SEG_RETRANSMISSION);
	t += MS(301);
	/* A hole filled 150 ms later under an older number: a resend. */
	v = cli_hole(&k, &seq, &t, MS(150), true);
	ck_assert_uint_eq(v->seg_class, SEG_RETRANSMISSION);
	ck_assert_uint_eq(C2S(&k)->c.out_of_order, 0);
	conn_free(&k);
}
END_TEST

START_TEST(test_hole_filled_late)
{
	struct conn k;
	struct tcp_verdict *v;

	conn_init(&k);
	handshake(&k);
	cli(&k, MS(200), TH_ACK, CISN + 1, SISN + 1, 100);
	cli(&k, MS(201), TH_ACK, CISN + 201, SISN + 1, 100);
	/* 400 ms later: lost before the capture point and resent. */
	v = cli(&k, MS(601), TH_ACK, CISN + 101, SISN + 1, 100);
	ck_assert_uint_eq(v->seg_class, SEG_RETRANSMISSION);
	ck_assert_uint_eq(v->since_original_ns, MS(400));
	ck_assert_uint_eq(C2S(&k)->c.out_of_order, 0);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions_total, 1);
	conn_free(&k);
}
END_TEST

START_TEST(test_network_duplicate)
{
	struct conn k;
	struct tcp_verdict *v;

	conn_init(&k);
	handshake(&k);
	v = seg_full(&k, DIR_C2S, MS(200), TH_ACK, CISN + 1, SISN + 1, 100,
	    WIN, NULL, 4242);
	ck_assert_uint_eq(v->seg_class, SEG_NEW);
	v = seg_full(&k, DIR_C2S, MS(200) + 50000, TH_ACK, CISN + 1,
	    SISN + 1, 100, WIN, NULL, 4242);
	ck_assert_uint_eq(v->seg_class, SEG_NETWORK_DUPLICATE);
	ck_assert_uint_eq(C2S(&k)->c.network_duplicates, 1);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions_total, 0);
	/*
	 * The same ID much later is a resend: some stacks keep the ID when
	 * they retransmit, and no network copies a packet 700 ms late.
	 */
	v = seg_full(&k, DIR_C2S, MS(900), TH_ACK, CISN + 1, SISN + 1, 100,
	    WIN, NULL, 4242);
	ck_assert_uint_eq(v->seg_class, SEG_RETRANSMISSION);
	/* A new IP ID: a real resend. */
	v = seg_full(&k, DIR_C2S, MS(1500), TH_ACK, CISN + 1, SISN + 1, 100,
	    WIN, NULL, 4243);
	ck_assert_uint_eq(v->seg_class, SEG_RETRANSMISSION);
	ck_assert_uint_eq(C2S(&k)->c.network_duplicates, 1);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions_total, 2);
	/* No 't' for the duplicate, one for the resends. */
	ck_assert_str_eq(k.c->history, "ShADT");
	conn_free(&k);
}
END_TEST

/*
 * A copy time-stamped before its original (capture clocks step back):
 * still a network duplicate, and no time difference wraps
 * (corpus/tcptrace/input/hardware_dups.dmp.gz).
 */
START_TEST(test_duplicate_clock_backwards)
{
	struct conn k;
	struct tcp_verdict *v;

	conn_init(&k);
	handshake(&k);
	v = seg_full(&k, DIR_C2S, MS(200), TH_ACK, CISN + 1, SISN + 1, 100,
	    WIN, NULL, 777);
	ck_assert_uint_eq(v->seg_class, SEG_NEW);
	v = seg_full(&k, DIR_C2S, MS(199), TH_ACK, CISN + 1, SISN + 1, 100,
	    WIN, NULL, 777);
	ck_assert_uint_eq(v->seg_class, SEG_NETWORK_DUPLICATE);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions_total, 0);
	/* A real resend stamped early: its time since the original is 0. */
	v = seg_full(&k, DIR_C2S, MS(150), TH_ACK, CISN + 1, SISN + 1, 100,
	    WIN, NULL, 0);
	ck_assert_uint_eq(v->seg_class, SEG_RETRANSMISSION);
	ck_assert_uint_eq(v->since_original_ns, 0);
	conn_free(&k);
}
END_TEST

START_TEST(test_sequence_wrap)
{
	const uint32_t isn = 0xffffff00u;
	struct conn k;

	conn_init(&k);
	cli(&k, 0, TH_SYN, isn, 0, 0);
	srv(&k, MS(30), TH_SYN | TH_ACK, SISN, isn + 1, 0);
	cli(&k, MS(100), TH_ACK, isn + 1, SISN + 1, 0);
	ck_assert_uint_eq(cli(&k, MS(200), TH_ACK, isn + 1, SISN + 1,
	    100)->seg_class, SEG_NEW);
	/* 0xffffff65 + 200 crosses 2^32. */
	ck_assert_uint_eq(cli(&k, MS(201), TH_ACK, isn + 101, SISN + 1,
	    200)->seg_class, SEG_NEW);
	ck_assert_uint_eq(cli(&k, MS(202), TH_ACK, 0x2du, SISN + 1,
	    100)->seg_class, SEG_NEW);
	srv(&k, MS(230), TH_ACK, SISN + 1, isn + 101, 0);
	srv(&k, MS(231), TH_ACK, SISN + 1, 0x2du, 0);
	srv(&k, MS(232), TH_ACK, SISN + 1, 0x91u, 0);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions_total, 0);
	ck_assert_uint_eq(C2S(&k)->c.lost_segments, 0);
	ck_assert_uint_eq(C2S(&k)->c.out_of_order, 0);
	ck_assert_uint_eq(C2S(&k)->c.acked_unseen, 0);
	ck_assert_uint_eq(C2S(&k)->c.dup_acks, 0);
	ck_assert_uint_eq(C2S(&k)->high_seq, 0x91u);
	ck_assert_uint_eq(C2S(&k)->snd_una, 0x91u);
	ck_assert_uint_eq(tcp_dir_unique_bytes(C2S(&k)), 400);
	ck_assert_uint_eq(C2S(&k)->rtt.samples, 4);
	ck_assert_uint_eq(C2S(&k)->rtt.max_ns, MS(30));
	/* The resend of the crossing segment is one. */
	ck_assert_uint_eq(cli(&k, MS(900), TH_ACK, isn + 101, SISN + 1,
	    200)->cause, RTX_SPURIOUS);
	conn_free(&k);
}
END_TEST

START_TEST(test_keep_alive)
{
	struct conn k;
	struct tcp_verdict *v;

	conn_init(&k);
	handshake(&k);
	cli(&k, MS(200), TH_ACK, CISN + 1, SISN + 1, 100);
	srv(&k, MS(230), TH_ACK, SISN + 1, CISN + 101, 0);
	/* Linux style: seq = snd.nxt - 1, no payload. */
	v = cli(&k, MS(60000), TH_ACK, CISN + 100, SISN + 1, 0);
	ck_assert_uint_eq(v->seg_class, SEG_KEEP_ALIVE);
	ck_assert_uint_eq(C2S(&k)->c.keep_alives, 1);
	v = srv(&k, MS(60030), TH_ACK, SISN + 1, CISN + 101, 0);
	ck_assert(!(v->events & (1u << TEV_DUP_ACK)));
	/* BSD style: the last byte again. */
	v = cli(&k, MS(120000), TH_ACK, CISN + 100, SISN + 1, 1);
	ck_assert_uint_eq(v->seg_class, SEG_KEEP_ALIVE);
	ck_assert_uint_eq(C2S(&k)->c.keep_alives, 2);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions_total, 0);
	ck_assert_uint_eq(C2S(&k)->c.dup_acks, 0);
	ck_assert_uint_eq(C2S(&k)->c.zero_window_probes, 0);
	ck_assert_uint_eq(tcp_dir_unique_bytes(C2S(&k)), 100);
	conn_free(&k);
}
END_TEST

/*
 * BSD's persist timer: one new byte pushed into a zero window, again and
 * again.  Probes, never retransmissions; the byte is first really sent when
 * the window opens (corpus/tcptrace/input/zwnd.dmp.gz and urgent.dmp.gz).
 */
START_TEST(test_zero_window_probe_new_byte)
{
	struct conn k;
	struct tcp_verdict *v;

	conn_init(&k);
	handshake(&k);
	cli(&k, MS(200), TH_ACK, CISN + 1, SISN + 1, 100);
	seg_full(&k, DIR_S2C, MS(230), TH_ACK, SISN + 1, CISN + 101, 0, 0,
	    NULL, 0);
	v = cli(&k, MS(500), TH_ACK, CISN + 101, SISN + 1, 1);
	ck_assert_uint_eq(v->seg_class, SEG_ZERO_WINDOW_PROBE);
	v = cli(&k, MS(1000), TH_ACK, CISN + 101, SISN + 1, 1);
	ck_assert_uint_eq(v->seg_class, SEG_ZERO_WINDOW_PROBE);
	ck_assert_uint_eq(C2S(&k)->c.zero_window_probes, 2);
	/* The window opens; the byte goes out for real, with more. */
	srv(&k, MS(1100), TH_ACK, SISN + 1, CISN + 101, 0);
	v = cli(&k, MS(1101), TH_ACK, CISN + 101, SISN + 1, 1000);
	ck_assert_uint_eq(v->seg_class, SEG_NEW);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions_total, 0);
	/* A probe the receiver did accept is no ACK of unseen data. */
	seg_full(&k, DIR_S2C, MS(1200), TH_ACK, SISN + 1, CISN + 1101, 0, 0,
	    NULL, 0);
	v = cli(&k, MS(1300), TH_ACK, CISN + 1101, SISN + 1, 1);
	ck_assert_uint_eq(v->seg_class, SEG_ZERO_WINDOW_PROBE);
	srv(&k, MS(1400), TH_ACK, SISN + 1, CISN + 1102, 0);
	ck_assert_uint_eq(C2S(&k)->c.acked_unseen, 0);
	ck_assert_uint_eq(C2S(&k)->high_seq, CISN + 1102);
	conn_free(&k);
}
END_TEST

START_TEST(test_zero_window)
{
	struct conn k;
	struct tcp_verdict *v;

	conn_init(&k);
	handshake(&k);
	cli(&k, MS(200), TH_ACK, CISN + 1, SISN + 1, 100);
	v = seg_full(&k, DIR_S2C, MS(230), TH_ACK, SISN + 1, CISN + 101, 0,
	    0, NULL, 0);
	ck_assert(v->events & (1u << TEV_ZERO_WINDOW));
	ck_assert_uint_eq(C2S(&k)->c.zero_window_count, 1);
	ck_assert(C2S(&k)->in_zero_window);
	/* Still zero: the same episode. */
	seg_full(&k, DIR_S2C, MS(430), TH_ACK, SISN + 1, CISN + 101, 0, 0,
	    NULL, 0);
	ck_assert_uint_eq(C2S(&k)->c.zero_window_count, 1);
	/* A zero-window probe from the sender is neither data nor resend. */
	v = cli(&k, MS(530), TH_ACK, CISN + 100, SISN + 1, 1);
	ck_assert_uint_eq(v->seg_class, SEG_KEEP_ALIVE);
	ck_assert_uint_eq(C2S(&k)->c.zero_window_probes, 1);
	ck_assert_uint_eq(C2S(&k)->c.keep_alives, 0);
	v = srv(&k, MS(730), TH_ACK, SISN + 1, CISN + 101, 0);
	ck_assert(v->events & (1u << TEV_WINDOW_UPDATE));
	ck_assert_uint_eq(C2S(&k)->c.window_updates, 1);
	ck_assert(!C2S(&k)->in_zero_window);
	ck_assert_uint_eq(C2S(&k)->c.zero_window_ns, MS(500));
	ck_assert_uint_eq(C2S(&k)->c.adv_window_min, 0);
	ck_assert_uint_eq(C2S(&k)->c.adv_window_max, WIN);
	/* Zeek's T: the probe's byte is no new sequence space. */
	ck_assert_str_eq(k.c->history, "ShADawT");

	/* An episode open at the end of input ends there. */
	seg_full(&k, DIR_S2C, MS(800), TH_ACK, SISN + 1, CISN + 101, 0, 0,
	    NULL, 0);
	ck_assert_uint_eq(C2S(&k)->c.zero_window_count, 2);
	tcp_conn_finish(k.c, T0 + MS(1800));
	ck_assert_uint_eq(C2S(&k)->c.zero_window_ns, MS(1500));
	conn_free(&k);
}
END_TEST

START_TEST(test_acked_unseen)
{
	struct conn k;
	struct tcp_verdict *v;

	conn_init(&k);
	handshake(&k);
	cli(&k, MS(200), TH_ACK, CISN + 1, SISN + 1, 100);
	v = srv(&k, MS(230), TH_ACK, SISN + 1, CISN + 301, 0);
	ck_assert(v->events & (1u << TEV_ACKED_UNSEEN));
	ck_assert_uint_eq(C2S(&k)->c.acked_unseen, 1);
	ck_assert_uint_eq(C2S(&k)->high_seq, CISN + 301);
	ck_assert_uint_eq(C2S(&k)->snd_una, CISN + 301);
	/* Data after it is in order again. */
	ck_assert_uint_eq(cli(&k, MS(240), TH_ACK, CISN + 301, SISN + 1,
	    100)->seg_class, SEG_NEW);
	conn_free(&k);
}
END_TEST

START_TEST(test_rtt_samples)
{
	struct conn k;

	conn_init(&k);
	handshake(&k);
	ck_assert_uint_eq(C2S(&k)->rtt.samples, 1);
	cli(&k, MS(200), TH_ACK, CISN + 1, SISN + 1, 100);
	srv(&k, MS(237.5), TH_ACK, SISN + 1, CISN + 101, 0);
	ck_assert_uint_eq(C2S(&k)->rtt.samples, 2);
	ck_assert_uint_eq(C2S(&k)->rtt.exact[1], 37500000);
	ck_assert_uint_eq(C2S(&k)->rtt.max_ns, 37500000);
	ck_assert_uint_eq(rtt_stats_percentile(&C2S(&k)->rtt, 100), 37500000);

	/* An ACK inside a segment gives none; the one ending it gives one. */
	cli(&k, MS(300), TH_ACK, CISN + 101, SISN + 1, 100);
	srv(&k, MS(320), TH_ACK, SISN + 1, CISN + 151, 0);
	ck_assert_uint_eq(C2S(&k)->rtt.samples, 2);
	srv(&k, MS(340), TH_ACK, SISN + 1, CISN + 201, 0);
	ck_assert_uint_eq(C2S(&k)->rtt.samples, 3);
	ck_assert_uint_eq(C2S(&k)->rtt.exact[2], MS(40));

	/* A cumulative ACK of two segments samples the last one only. */
	cli(&k, MS(400), TH_ACK, CISN + 201, SISN + 1, 100);
	cli(&k, MS(410), TH_ACK, CISN + 301, SISN + 1, 100);
	srv(&k, MS(460), TH_ACK, SISN + 1, CISN + 401, 0);
	ck_assert_uint_eq(C2S(&k)->rtt.samples, 4);
	ck_assert_uint_eq(C2S(&k)->rtt.exact[3], MS(50));
	conn_free(&k);
}
END_TEST

START_TEST(test_karn)
{
	struct conn k;

	conn_init(&k);
	handshake(&k);
	cli(&k, MS(200), TH_ACK, CISN + 1, SISN + 1, 100);
	cli(&k, MS(1500), TH_ACK, CISN + 1, SISN + 1, 100);
	srv(&k, MS(1530), TH_ACK, SISN + 1, CISN + 101, 0);
	ck_assert_uint_eq(C2S(&k)->rtt.samples, 1);
	ck_assert_uint_eq(C2S(&k)->rtt.max_ns, MS(30));
	conn_free(&k);
}
END_TEST

/* Samples 100 ms (SYN) and 200 ms (data) through a connection. */
static void
rfc6298_conn(struct conn *k)
{
	cli(k, 0, TH_SYN, CISN, 0, 0);
	srv(k, MS(100), TH_SYN | TH_ACK, SISN, CISN + 1, 0);
	cli(k, MS(110), TH_ACK, CISN + 1, SISN + 1, 0);
	cli(k, MS(200), TH_ACK, CISN + 1, SISN + 1, 100);
	srv(k, MS(400), TH_ACK, SISN + 1, CISN + 101, 0);
	ck_assert_uint_eq(C2S(k)->rtt.samples, 2);
}

START_TEST(test_rfc6298)
{
	struct rto_config rc;
	struct rto_estimator e;
	struct conn k;

	/* Directly: first sample R: SRTT R, RTTVAR R/2. */
	memset(&rc, 0, sizeof rc);
	rc.granularity_ns = MS(1);
	rc.min_ns = NS_PER_S;
	rc.max_ns = 60 * NS_PER_S;
	rc.initial_ns = NS_PER_S;
	rto_init(&e, &rc);
	ck_assert_uint_eq(e.rto_ns, NS_PER_S);
	ck_assert(!e.have_sample);
	rto_update(&e, &rc, MS(100));
	ck_assert_uint_eq(e.srtt_ns, MS(100));
	ck_assert_uint_eq(e.rttvar_ns, MS(50));
	ck_assert_uint_eq(e.rto_ns, NS_PER_S);
	/* RTTVAR = 3/4 * 50 + 1/4 * |100 - 200|; SRTT = 7/8 * 100 + 200/8. */
	rto_update(&e, &rc, MS(200));
	ck_assert_uint_eq(e.rttvar_ns, MS(62.5));
	ck_assert_uint_eq(e.srtt_ns, MS(112.5));
	ck_assert_uint_eq(e.rto_ns, NS_PER_S);

	rc.min_ns = 0;
	rto_init(&e, &rc);
	rto_update(&e, &rc, MS(100));
	ck_assert_uint_eq(e.rto_ns, MS(300));
	rto_update(&e, &rc, MS(200));
	ck_assert_uint_eq(e.rto_ns, MS(362.5));
	ck_assert_uint_eq(e.min_rto_ns, MS(300));
	ck_assert_uint_eq(e.max_rto_ns, MS(362.5));
	/* The upper bound. */
	rto_update(&e, &rc, 100 * NS_PER_S);
	ck_assert_uint_eq(e.rto_ns, 60 * NS_PER_S);
	/* G dominates a zero variance. */
	rc.granularity_ns = MS(500);
	rto_init(&e, &rc);
	rto_update(&e, &rc, 0);
	ck_assert_uint_eq(e.rto_ns, MS(500));

	/* Through the connection, default configuration (min RTO 1 s). */
	conn_init(&k);
	rfc6298_conn(&k);
	ck_assert_uint_eq(C2S(&k)->rto.srtt_ns, MS(112.5));
	ck_assert_uint_eq(C2S(&k)->rto.rttvar_ns, MS(62.5));
	ck_assert_uint_eq(C2S(&k)->rto.rto_ns, NS_PER_S);
	conn_free(&k);

	conn_init(&k);
	k.cfg.rto.min_ns = 0;
	rfc6298_conn(&k);
	ck_assert_uint_eq(C2S(&k)->rto.srtt_ns, MS(112.5));
	ck_assert_uint_eq(C2S(&k)->rto.rttvar_ns, MS(62.5));
	ck_assert_uint_eq(C2S(&k)->rto.rto_ns, MS(112.5) + 4 * MS(62.5));
	ck_assert_uint_eq(C2S(&k)->rto.min_rto_ns, MS(300));
	ck_assert_uint_eq(C2S(&k)->rto.max_rto_ns, MS(362.5));
	conn_free(&k);
}
END_TEST

START_TEST(test_state_s0)
{
	struct conn k;

	conn_init(&k);
	cli(&k, 0, TH_SYN, CISN, 0, 0);
	ck_assert_str_eq(tcp_conn_state(k.c), "S0");
	ck_assert_str_eq(k.c->history, "S");
	ck_assert_int_eq(tcp_conn_timeout_class(k.c), FTC_EMBRYONIC);
	conn_free(&k);
}
END_TEST

START_TEST(test_state_rej)
{
	struct conn k;

	conn_init(&k);
	cli(&k, 0, TH_SYN, CISN, 0, 0);
	srv(&k, MS(30), TH_RST | TH_ACK, 0, CISN + 1, 0);
	ck_assert_str_eq(tcp_conn_state(k.c), "REJ");
	ck_assert_str_eq(k.c->history, "Sr");
	ck_assert_int_eq(k.c->first_rst_dir, DIR_S2C);
	ck_assert_int_eq(k.c->rst_phase, PHASE_HANDSHAKE);
	ck_assert_int_eq(tcp_conn_timeout_class(k.c), FTC_FINISHED);
	ck_assert_uint_eq(S2C(&k)->c.rsts, 1);
	conn_free(&k);
}
END_TEST

/* The normal life: handshake, data both ways, FINs both ways. */
static void
normal_conn(struct conn *k)
{
	handshake(k);
	cli(k, MS(200), TH_ACK | TH_PUSH, CISN + 1, SISN + 1, 100);
	srv(k, MS(230), TH_ACK, SISN + 1, CISN + 101, 0);
	srv(k, MS(240), TH_ACK | TH_PUSH, SISN + 1, CISN + 101, 200);
	cli(k, MS(270), TH_ACK, CISN + 101, SISN + 201, 0);
	cli(k, MS(300), TH_FIN | TH_ACK, CISN + 101, SISN + 201, 0);
	srv(k, MS(330), TH_ACK, SISN + 201, CISN + 102, 0);
	srv(k, MS(340), TH_FIN | TH_ACK, SISN + 201, CISN + 102, 0);
	cli(k, MS(370), TH_ACK, CISN + 102, SISN + 202, 0);
}

START_TEST(test_state_sf)
{
	struct conn k;

	conn_init(&k);
	normal_conn(&k);
	ck_assert_str_eq(tcp_conn_state(k.c), "SF");
	/* As Zeek writes it for the same exchange. */
	ck_assert_str_eq(k.c->history, "ShADadFf");
	ck_assert(k.c->final_ack);
	ck_assert_int_eq(k.c->first_fin_dir, DIR_C2S);
	ck_assert_uint_eq(k.c->first_close_ts, T0 + MS(300));
	ck_assert_int_eq(k.c->last_fin_dir, DIR_S2C);
	ck_assert_int_eq(tcp_conn_timeout_class(k.c), FTC_FINISHED);
	ck_assert_uint_eq(tcp_dir_unique_bytes(C2S(&k)), 100);
	ck_assert_uint_eq(tcp_dir_unique_bytes(S2C(&k)), 200);
	ck_assert_uint_eq(C2S(&k)->c.fins, 1);
	ck_assert_uint_eq(S2C(&k)->c.fins, 1);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions_total, 0);
	ck_assert_uint_eq(S2C(&k)->c.retransmissions_total, 0);
	/* SYN, data, FIN acknowledged: three samples each way. */
	ck_assert_uint_eq(C2S(&k)->rtt.samples, 3);
	ck_assert_uint_eq(S2C(&k)->rtt.samples, 3);
	conn_free(&k);
}
END_TEST

START_TEST(test_state_rsto_rstr)
{
	struct conn k;

	conn_init(&k);
	handshake(&k);
	cli(&k, MS(200), TH_ACK, CISN + 1, SISN + 1, 100);
	srv(&k, MS(230), TH_ACK, SISN + 1, CISN + 101, 0);
	cli(&k, MS(300), TH_RST | TH_ACK, CISN + 101, SISN + 1, 0);
	ck_assert_str_eq(tcp_conn_state(k.c), "RSTO");
	ck_assert_str_eq(k.c->history, "ShADaR");
	ck_assert_int_eq(k.c->rst_phase, PHASE_ESTABLISHED);
	conn_free(&k);

	conn_init(&k);
	handshake(&k);
	srv(&k, MS(300), TH_RST, SISN + 1, 0, 0);
	ck_assert_str_eq(tcp_conn_state(k.c), "RSTR");
	ck_assert_str_eq(k.c->history, "ShAr");
	conn_free(&k);
}
END_TEST

START_TEST(test_state_s1_sh_oth)
{
	struct conn k;

	conn_init(&k);
	handshake(&k);
	cli(&k, MS(200), TH_ACK, CISN + 1, SISN + 1, 100);
	ck_assert_str_eq(tcp_conn_state(k.c), "S1");
	conn_free(&k);

	/* SYN, then FIN, never an answer. */
	conn_init(&k);
	cli(&k, 0, TH_SYN, CISN, 0, 0);
	cli(&k, MS(10), TH_FIN, CISN + 1, 0, 0);
	ck_assert_str_eq(tcp_conn_state(k.c), "SH");
	ck_assert_str_eq(k.c->history, "SF");
	conn_free(&k);

	/* Midstream: no SYN seen at all. */
	conn_init(&k);
	ck_assert_uint_eq(cli(&k, 0, TH_ACK, 77777, 88888, 100)->seg_class,
	    SEG_NEW);
	srv(&k, MS(20), TH_ACK, 88888, 77877, 0);
	ck_assert_str_eq(tcp_conn_state(k.c), "OTH");
	ck_assert_str_eq(k.c->history, "Da");
	ck_assert(!k.c->handshake_complete);
	ck_assert_uint_eq(C2S(&k)->rtt.samples, 1);
	conn_free(&k);

	/* A flow flipped by the port rule starts its history with '^'. */
	k.c = tcp_conn_new(true);
	ck_assert_str_eq(k.c->history, "^");
	tcp_conn_free(k.c);
}
END_TEST

/* Zeek's endpoint states where they differ from the packets' plain reading. */
START_TEST(test_state_zeek_endpoints)
{
	struct conn k;

	/* The client's ACK and data change nothing while no answer comes. */
	conn_init(&k);
	cli(&k, 0, TH_SYN, CISN, 0, 0);
	cli(&k, MS(100), TH_ACK, CISN + 1, SISN + 1, 0);
	cli(&k, MS(101), TH_ACK, CISN + 1, SISN + 1, 100);
	ck_assert_str_eq(tcp_conn_state(k.c), "S0");
	ck_assert_str_eq(k.c->history, "SAD");
	conn_free(&k);

	/* A SYN-ACK establishes both sides. */
	conn_init(&k);
	cli(&k, 0, TH_SYN, CISN, 0, 0);
	srv(&k, MS(30), TH_SYN | TH_ACK, SISN, CISN + 1, 0);
	ck_assert_str_eq(tcp_conn_state(k.c), "S1");
	ck_assert_str_eq(k.c->history, "Sh");
	conn_free(&k);

	/* A RST after the side's own FIN, the peer still open: reset ... */
	conn_init(&k);
	handshake(&k);
	cli(&k, MS(200), TH_FIN | TH_ACK, CISN + 1, SISN + 1, 0);
	cli(&k, MS(300), TH_RST, CISN + 2, 0, 0);
	ck_assert_str_eq(tcp_conn_state(k.c), "RSTO");
	/* ... until the peer's FIN: a normal close after all. */
	srv(&k, MS(310), TH_FIN | TH_ACK, SISN + 1, CISN + 2, 0);
	ck_assert_str_eq(tcp_conn_state(k.c), "SF");
	ck_assert_str_eq(k.c->history, "ShAFRf");
	conn_free(&k);

	/* Both sides closed: a RST changes nothing. */
	conn_init(&k);
	normal_conn(&k);
	srv(&k, MS(400), TH_RST, SISN + 202, 0, 0);
	ck_assert_str_eq(tcp_conn_state(k.c), "SF");
	conn_free(&k);
}
END_TEST

/* t and g as Zeek sets them, not by transcope's own classes. */
START_TEST(test_history_zeek_t_g)
{
	struct conn k;

	/* A network duplicate carries no new sequence space: T. */
	conn_init(&k);
	handshake(&k);
	seg_full(&k, DIR_C2S, MS(200), TH_ACK, CISN + 1, SISN + 1, 100, WIN,
	    NULL, 500);
	seg_full(&k, DIR_C2S, MS(200.01), TH_ACK, CISN + 1, SISN + 1, 100, WIN,
	    NULL, 500);
	ck_assert_uint_eq(C2S(&k)->c.network_duplicates, 1);
	ck_assert_uint_eq(C2S(&k)->c.retransmissions_total, 0);
	ck_assert_str_eq(k.c->history, "ShADT");
	conn_free(&k);

	/* The server acknowledges bytes the capture never saw: G. */
	conn_init(&k);
	handshake(&k);
	cli(&k, MS(200), TH_ACK, CISN + 1, SISN + 1, 100);
	cli(&k, MS(201), TH_ACK, CISN + 201, SISN + 1, 100);
	ck_assert_str_eq(k.c->history, "ShAD");
	srv(&k, MS(230), TH_ACK, SISN + 1, CISN + 301, 0);
	ck_assert_str_eq(k.c->history, "ShADaG");
	/* Beyond everything the client was seen to send: another. */
	srv(&k, MS(240), TH_ACK, SISN + 1, CISN + 401, 0);
	ck_assert_uint_eq(k.c->hist_scaled[DIR_C2S][1], 2);	/* g */
	conn_free(&k);

	/* No gap before both sides are established: a partial connection. */
	conn_init(&k);
	cli(&k, 0, TH_ACK, CISN + 1, SISN + 1, 100);
	srv(&k, MS(20), TH_ACK, SISN + 1, CISN + 301, 0);
	ck_assert_str_eq(k.c->history, "Da");
	conn_free(&k);
}
END_TEST

static struct packet *
syn_pkt(struct packet *p, uint32_t seq, uint8_t flags)
{
	pb_tcp_packet(p, T0 + 10 * NS_PER_S, "10.0.0.1", 40000, "10.0.0.2",
	    80, flags, seq, 0, WIN, 0, NULL, 9);
	return p;
}

START_TEST(test_reuse)
{
	struct conn k;
	struct packet p;

	conn_init(&k);
	normal_conn(&k);
	ck_assert(tcp_conn_is_reuse(k.c, syn_pkt(&p, 900000, TH_SYN),
	    DIR_C2S));
	ck_assert(!tcp_conn_is_reuse(k.c, syn_pkt(&p, CISN, TH_SYN),
	    DIR_C2S));
	ck_assert(!tcp_conn_is_reuse(k.c, syn_pkt(&p, 900000,
	    TH_SYN | TH_ACK), DIR_C2S));
	ck_assert(!tcp_conn_is_reuse(k.c, syn_pkt(&p, 900000, TH_ACK),
	    DIR_C2S));
	conn_free(&k);

	/* Never past its SYNs: a SYN with another ISN is a new attempt. */
	conn_init(&k);
	cli(&k, 0, TH_SYN, CISN, 0, 0);
	ck_assert(!tcp_conn_is_reuse(k.c, syn_pkt(&p, CISN, TH_SYN),
	    DIR_C2S));
	ck_assert(tcp_conn_is_reuse(k.c, syn_pkt(&p, 3000, TH_SYN), DIR_C2S));
	conn_free(&k);

	/*
	 * Established, close never seen: a SYN with another ISN is still a
	 * new connection (a resent SYN keeps its ISN), as tcptrace splits
	 * corpus/tcptrace/input/6syns.dmp.gz.
	 */
	conn_init(&k);
	handshake(&k);
	cli(&k, MS(200), TH_ACK, CISN + 1, SISN + 1, 100);
	ck_assert(tcp_conn_is_reuse(k.c, syn_pkt(&p, 3000, TH_SYN),
	    DIR_C2S));
	conn_free(&k);
}
END_TEST

START_TEST(test_rtt_percentiles_exact)
{
	static const uint64_t v[16] = { 9, 3, 14, 1, 16, 7, 12, 5, 2, 11, 8,
	    15, 4, 13, 6, 10 };
	struct rtt_stats s;
	int i;

	memset(&s, 0, sizeof s);
	ck_assert_uint_eq(rtt_stats_percentile(&s, 50), 0);
	ck_assert(rtt_stats_mean(&s) == 0.0);
	for (i = 0; i < 5; i++)
		rtt_stats_add(&s, v[i] * 1000);
	/* 9 3 14 1 16: nearest rank. */
	ck_assert_uint_eq(rtt_stats_percentile(&s, 50), 9000);
	ck_assert_uint_eq(rtt_stats_percentile(&s, 0), 1000);
	ck_assert_uint_eq(rtt_stats_percentile(&s, 19), 1000);
	ck_assert_uint_eq(rtt_stats_percentile(&s, 21), 3000);
	ck_assert_uint_eq(rtt_stats_percentile(&s, 100), 16000);
	for (; i < 16; i++)
		rtt_stats_add(&s, v[i] * 1000);
	ck_assert_ptr_null(s.hist);
	ck_assert_uint_eq(s.samples, 16);
	ck_assert_uint_eq(rtt_stats_percentile(&s, 50), 8000);
	ck_assert_uint_eq(rtt_stats_percentile(&s, 95), 16000);
	ck_assert_uint_eq(rtt_stats_percentile(&s, 90), 15000);
	ck_assert_uint_eq(rtt_stats_percentile(&s, 25), 4000);
	ck_assert_uint_eq(s.min_ns, 1000);
	ck_assert_uint_eq(s.max_ns, 16000);
	ck_assert(fabs(rtt_stats_mean(&s) - 8500.0) < 1e-9);
	rtt_stats_free(&s);
}
END_TEST

START_TEST(test_rtt_percentiles_histogram)
{
	struct rtt_stats s;
	uint64_t i, p;
	double mean;

	/* 10000 samples uniform over 1 .. 10000 us, in a scrambled order. */
	memset(&s, 0, sizeof s);
	for (i = 0; i < 10000; i++)
		rtt_stats_add(&s, ((i * 7919) % 10000 + 1) * 1000);
	ck_assert_ptr_nonnull(s.hist);
	ck_assert_uint_eq(s.samples, 10000);
	ck_assert_uint_eq(s.min_ns, 1000);
	ck_assert_uint_eq(s.max_ns, 10000000);
	mean = rtt_stats_mean(&s);
	ck_assert(fabs(mean - 5000500.0) < 1e-6);
	p = rtt_stats_percentile(&s, 50);
	ck_assert_msg(fabs((double)p - 5000000.0) <= 0.03 * 5000000.0,
	    "p50 %llu", (unsigned long long)p);
	p = rtt_stats_percentile(&s, 95);
	ck_assert_msg(fabs((double)p - 9500000.0) <= 0.03 * 9500000.0,
	    "p95 %llu", (unsigned long long)p);
	p = rtt_stats_percentile(&s, 99);
	ck_assert_msg(fabs((double)p - 9900000.0) <= 0.03 * 9900000.0,
	    "p99 %llu", (unsigned long long)p);
	p = rtt_stats_percentile(&s, 10);
	ck_assert_msg(fabs((double)p - 1000000.0) <= 0.03 * 1000000.0,
	    "p10 %llu", (unsigned long long)p);
	ck_assert_uint_eq(rtt_stats_percentile(&s, 100), 10000000);
	ck_assert_uint_ge(rtt_stats_percentile(&s, 0), 1000);
	/* Sample standard deviation of 1..n is sqrt(n(n+1)/12) (in us). */
	ck_assert(fabs(rtt_stats_stddev(&s) - 1000.0 *
	    sqrt(10000.0 * 10001.0 / 12.0)) < 1e-3 * rtt_stats_stddev(&s));
	rtt_stats_free(&s);
	ck_assert_ptr_null(s.hist);
}
END_TEST

START_TEST(test_rtt_stddev)
{
	static const uint64_t v[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	struct rtt_stats s;
	size_t i;

	memset(&s, 0, sizeof s);
	rtt_stats_add(&s, 5);
	ck_assert(rtt_stats_stddev(&s) == 0.0);
	memset(&s, 0, sizeof s);
	for (i = 0; i < sizeof v / sizeof v[0]; i++)
		rtt_stats_add(&s, v[i] * 1000000);
	/* Sum of squared deviations 32, n - 1 = 7. */
	ck_assert(fabs(rtt_stats_stddev(&s) - 1e6 * sqrt(32.0 / 7.0)) < 1e-2);
	ck_assert(fabs(rtt_stats_mean(&s) - 5e6) < 1e-9);
	rtt_stats_free(&s);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(tcp_seg_class_name(SEG_KEEP_ALIVE), "keep_alive");
	ck_assert_str_eq(tcp_rtx_cause_name(RTX_PROBE), "probe");
	ck_assert_str_eq(tcp_rtx_cause_name(RTX_CAUSES), "?");
	ck_assert_str_eq(tcp_phase_name(PHASE_CLOSING), "closing");
}
END_TEST

Suite *
tcp_suite(void)
{
	Suite *s = suite_create("tcp");
	TCase *tc = tcase_create("classify");

	tcase_add_test(tc, test_handshake);
	tcase_add_test(tc, test_handshake_options);
	tcase_add_test(tc, test_syn_retransmission);
	tcase_add_test(tc, test_new_data_in_order);
	tcase_add_test(tc, test_rto);
	tcase_add_test(tc, test_rto_again_after_progress);
	tcase_add_test(tc, test_fast_retransmit);
	tcase_add_test(tc, test_sack_evidence);
	tcase_add_test(tc, test_spurious);
	tcase_add_test(tc, test_dsack_reclassifies);
	tcase_add_test(tc, test_dsack_in_second_block);
	tcase_add_test(tc, test_tail_loss_probe);
	tcase_add_test(tc, test_reordering);
	tcase_add_test(tc, test_hole_filled_late);
	tcase_add_test(tc, test_reordering_by_ip_id);
	tcase_add_test(tc, test_quick_tail_resend_is_fast);
	tcase_add_test(tc, test_lone_segment_probe);
	tcase_add_test(tc, test_lost_fast_retransmission);
	tcase_add_test(tc, test_ip_id_reused_by_resends);
	tcase_add_test(tc, test_network_duplicate);
	tcase_add_test(tc, test_sequence_wrap);
	tcase_add_test(tc, test_keep_alive);
	tcase_add_test(tc, test_zero_window);
	tcase_add_test(tc, test_duplicate_clock_backwards);
	tcase_add_test(tc, test_zero_window_probe_new_byte);
	tcase_add_test(tc, test_acked_unseen);
	suite_add_tcase(s, tc);

	tc = tcase_create("rtt");
	tcase_add_test(tc, test_rtt_samples);
	tcase_add_test(tc, test_karn);
	tcase_add_test(tc, test_rfc6298);
	tcase_add_test(tc, test_rtt_percentiles_exact);
	tcase_add_test(tc, test_rtt_percentiles_histogram);
	tcase_add_test(tc, test_rtt_stddev);
	suite_add_tcase(s, tc);

	tc = tcase_create("state");
	tcase_add_test(tc, test_state_s0);
	tcase_add_test(tc, test_state_rej);
	tcase_add_test(tc, test_state_sf);
	tcase_add_test(tc, test_state_rsto_rstr);
	tcase_add_test(tc, test_state_s1_sh_oth);
	tcase_add_test(tc, test_state_zeek_endpoints);
	tcase_add_test(tc, test_history_zeek_t_g);
	tcase_add_test(tc, test_reuse);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}
