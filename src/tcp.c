/*
 * TCP connection life: a struct tcp_conn from tcp_conn_new() to
 * tcp_conn_free() (recycled, see below), the handshake and teardown it
 * records, the Zeek-style state of each endpoint, the options both SYNs
 * agreed to, and the order in which one packet goes through the analysis,
 * tcp_conn_packet():
 *
 *   1. per-sender counts (SYN, FIN, RST, ECN marks) and SYN options;
 *   2. history letters (tcp_history.c);
 *   3. handshake and teardown, then the endpoint states;
 *   4. the packet's own sequence space, classified in its sender's
 *      direction (tcp_rtx.c, on the books of tcp_seq.c), and its IPv4 ID;
 *   5. its ACK, SACK and window, applied to the opposite direction
 *      (tcp_ack.c).
 *
 * Each step sees what the steps before it left, so the order is part of
 * the rules (doc/analysis.md).  All arithmetic on sequence numbers goes
 * through seq.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tcp_int.h"
#include "xmalloc.h"

void
tcp_config_default(struct tcp_config *cfg)
{
	cfg->rto.granularity_ns = NS_PER_MS;
	cfg->rto.min_ns = NS_PER_S;
	cfg->rto.max_ns = 60 * NS_PER_S;
	cfg->rto.initial_ns = NS_PER_S;
	cfg->reorder_default_ns = 3 * NS_PER_MS;
}

/*
 * Connections are recycled: with many short connections, allocating and
 * freeing a connection and the segment rings of its two directions cost
 * more than analysing its packets.  A freed connection waits, with small
 * rings kept, in a spare list of its thread (the analyser's), and the next
 * new one takes it; at most TCP_SPARES wait, so memory stays bounded.
 */
#define TCP_SPARES		512
#define TCP_SPARE_SEGS_MAX	64	/* larger rings are freed */

static _Thread_local struct tcp_conn *spare_conns[TCP_SPARES];
static _Thread_local unsigned nspare_conns;

struct tcp_conn *
tcp_conn_new(bool flipped)
{
	struct tcp_conn *c;

	if (nspare_conns > 0) {
		struct tcp_seg_rec *segs[2];
		uint32_t cap[2];
		int d;

		c = spare_conns[--nspare_conns];
		for (d = 0; d < 2; d++) {
			segs[d] = c->dir[d].segs;
			cap[d] = c->dir[d].seg_cap;
		}
		memset(c, 0, sizeof *c);
		for (d = 0; d < 2; d++) {
			c->dir[d].segs = segs[d];
			c->dir[d].seg_cap = cap[d];
		}
	} else
		c = xcalloc(1, sizeof *c);
	c->first_fin_dir = -1;
	c->last_fin_dir = -1;
	c->first_rst_dir = -1;
	if (flipped)
		c->history[c->hist_len++] = '^';
	return c;
}

void
tcp_conn_free(struct tcp_conn *c)
{
	bool keep;
	int d;

	if (c == NULL)
		return;
	keep = nspare_conns < TCP_SPARES;
	for (d = 0; d < 2; d++) {
		struct tcp_dir *D = &c->dir[d];

		if (!keep || D->seg_cap > TCP_SPARE_SEGS_MAX) {
			free(D->segs);
			D->segs = NULL;
			D->seg_cap = 0;
		}
		free(D->holes);
		free(D->rtx);
		rtt_stats_free(&D->rtt);
		rtt_stats_free(&D->ts_rtt);
	}
	if (keep)
		spare_conns[nspare_conns++] = c;
	else
		free(c);
}

void
tcp_conn_spares_free(void)
{
	while (nspare_conns > 0) {
		struct tcp_conn *c = spare_conns[--nspare_conns];

		free(c->dir[0].segs);
		free(c->dir[1].segs);
		free(c);
	}
}

/* ---- connection life ---- */

static inline void
ep_set(struct tcp_dir *D, uint8_t state)
{
	if (D->ep_state != state) {
		D->ep_prev = D->ep_state;
		D->ep_state = state;
	}
}

/*
 * Zeek's endpoint state machine (its TCP analyzer's transitions, so that
 * conn_state reads the same): the client is Zeek's originator.  A side's
 * SYN-ACK or answering SYN establishes both it and a client waiting in
 * SYN_SENT; until then the client's own ACKs and data change nothing (a
 * SYN with no answer is S0 whatever follows).  A side first seen without
 * a SYN is established if it ACKs an established peer, else partial, but
 * a server's pure ACK before its SYN-ACK leaves it inactive.  A RST after
 * the side's own FIN resets it unless the peer closed too, and the peer's
 * FIN after that makes it closed again: FIN, RST, FIN is a normal close.
 */
static void
endpoint_update(struct tcp_conn *c, const struct packet *pkt, enum flow_dir d)
{
	struct tcp_dir *D = &c->dir[d], *P = &c->dir[!d];
	uint8_t fl = pkt->tcp_flags;
	bool syn = fl & TH_SYN, fin = fl & TH_FIN, rst = fl & TH_RST;
	bool ack = fl & TH_ACK;

	switch (D->ep_state) {
	case EP_INACTIVE:
		if (syn) {
			if (d == DIR_C2S)
				ep_set(D, ack ? EP_SYN_ACK_SENT : EP_SYN_SENT);
			else {
				if (P->ep_state == EP_SYN_SENT)
					ep_set(P, EP_ESTABLISHED);
				ep_set(D, EP_ESTABLISHED);
			}
		}
		if (fin)
			ep_set(D, EP_CLOSED);
		if (rst)
			ep_set(D, EP_RESET);
		if (D->ep_state != EP_INACTIVE)
			break;
		if (d == DIR_S2C && pkt->payload_len == 0 &&
		    P->ep_state == EP_SYN_SENT)
			break;		/* an ACK before the SYN-ACK */
		ep_set(D, ack && P->ep_state == EP_ESTABLISHED ?
		    EP_ESTABLISHED : EP_PARTIAL);
		break;
	case EP_SYN_SENT:
	case EP_SYN_ACK_SENT:
		if (fin)
			ep_set(D, EP_CLOSED);
		if (rst)
			ep_set(D, EP_RESET);
		break;
	case EP_ESTABLISHED:
	case EP_PARTIAL:
		if (syn && !ack && D->ep_state == EP_PARTIAL &&
		    P->ep_state == EP_INACTIVE)
			ep_set(D, EP_SYN_SENT);
		if (fin && !rst) {
			ep_set(D, EP_CLOSED);
			if (P->ep_state == EP_RESET && P->ep_prev == EP_CLOSED)
				ep_set(P, EP_CLOSED);
		}
		if (rst)
			ep_set(D, EP_RESET);
		break;
	case EP_CLOSED:
		if (rst && P->ep_state != EP_CLOSED)
			ep_set(D, EP_RESET);
		break;
	default:
		break;
	}
}

static enum tcp_phase
conn_phase(const struct tcp_conn *c)
{
	if (c->first_fin_dir >= 0)
		return PHASE_CLOSING;
	if (c->handshake_complete || c->dir[0].c.data_segments ||
	    c->dir[1].c.data_segments)
		return PHASE_ESTABLISHED;
	return PHASE_HANDSHAKE;
}

static void
lifecycle_update(struct tcp_conn *c, const struct packet *pkt, enum flow_dir d)
{
	uint8_t fl = pkt->tcp_flags;

	if ((fl & TH_SYN) && !(fl & TH_ACK)) {
		if (c->dir[!d].ep_state == EP_SYN_SENT)
			c->simultaneous_open = 1;
		if (d == DIR_C2S) {
			c->syn_count++;
			if (c->synack_count == 0)
				c->syn_ts = pkt->ts_ns;
		}
	} else if ((fl & TH_SYN) && (fl & TH_ACK)) {
		c->synack_count += d == DIR_S2C;
		if (!c->handshake_complete)
			c->synack_ts = pkt->ts_ns;
	} else if ((fl & TH_ACK) && !c->handshake_complete &&
	    c->synack_count > 0 && c->syn_count > 0 && d == DIR_C2S &&
	    c->dir[DIR_S2C].isn_set &&
	    pkt->tcp_ack == c->dir[DIR_S2C].isn + 1 && !(fl & TH_RST)) {
		c->handshake_complete = 1;
		c->handshake_ack_ts = pkt->ts_ns;
	}
	if ((fl & TH_RST) && c->first_rst_dir < 0) {
		c->rst_phase = (uint8_t)conn_phase(c);
		c->first_rst_dir = (int8_t)d;
		if (c->first_fin_dir < 0)
			c->first_close_ts = pkt->ts_ns;
	}
	if ((fl & TH_FIN) && c->first_fin_dir < 0) {
		c->first_fin_dir = (int8_t)d;
		if (c->first_rst_dir < 0)
			c->first_close_ts = pkt->ts_ns;
	} else if ((fl & TH_FIN) && c->first_fin_dir != (int8_t)d &&
	    c->last_fin_dir < 0)
		c->last_fin_dir = (int8_t)d;
}

static void
options_update(struct tcp_dir *D, const struct packet *pkt)
{
	const struct tcp_options *o = &pkt->tcp_opt;

	if (!(pkt->tcp_flags & TH_SYN))
		return;
	if (o->has_mss) {
		D->has_mss = 1;
		D->mss = o->mss;
	}
	if (o->has_wscale) {
		D->has_wscale = 1;
		D->wscale = o->wscale;
	}
	D->sack_permitted |= o->sack_permitted;
	D->timestamps |= o->has_timestamp;
}

static void
ecn_update(struct tcp_dir *D, const struct packet *pkt)
{
	switch (pkt->ip_ecn) {
	case 1: D->c.ect1++; break;
	case 2: D->c.ect0++; break;
	case 3: D->c.ce++; break;
	default: break;
	}
	if (pkt->tcp_flags & TH_SYN)
		return;		/* on a SYN, ECE/CWR negotiate ECN */
	if (pkt->tcp_flags & TH_ECE)
		D->c.ece++;
	if (pkt->tcp_flags & TH_CWR)
		D->c.cwr++;
}

/*
 * One packet, in order of the steps.  Static, so that both callers below
 * get it inlined: the flow protocol's per-packet entry is the hot one.
 */
static inline __attribute__((always_inline)) enum flow_timeout_class
conn_packet(struct tcp_conn *c, const struct tcp_config *cfg,
    const struct packet *pkt, enum flow_dir d, struct tcp_verdict *v)
{
	struct tcp_dir *D = &c->dir[d];
	uint8_t fl = pkt->tcp_flags;

	memset(v, 0, sizeof *v);
	if (D->rto.rto_ns == 0) {
		rto_init(&c->dir[0].rto, &cfg->rto);
		rto_init(&c->dir[1].rto, &cfg->rto);
	}
	if (fl & TH_SYN)
		D->c.syns++;
	else
		c->non_syn_seen = 1;
	if (fl & TH_FIN)
		D->c.fins++;
	if (fl & TH_RST) {
		D->c.rsts++;
		v->events |= 1u << TEV_RST;
	}
	options_update(D, pkt);
	tcp_history_update(c, pkt, d);
	lifecycle_update(c, pkt, d);
	/* Most packets change no state: no SYN, FIN or RST, a side seen before. */
	if ((fl & (TH_SYN | TH_FIN | TH_RST)) || D->ep_state == EP_INACTIVE)
		endpoint_update(c, pkt, d);
	ecn_update(D, pkt);
	tcp_data_classify(c, cfg, pkt, d, v);
	tcp_ipid_update(&c->dir[d], pkt);
	tcp_ack_apply(c, cfg, pkt, d, v);
	return tcp_conn_timeout_class(c);
}

enum flow_timeout_class
tcp_conn_packet(struct tcp_conn *c, const struct tcp_config *cfg,
    const struct packet *pkt, enum flow_dir d, struct tcp_verdict *v)
{
	return conn_packet(c, cfg, pkt, d, v);
}

/*
 * The TCP protocol's packet() (tcp_proto.c): here rather than there, so the
 * analysis is one call away from the analyzer, not two.
 */
enum flow_timeout_class
tcp_flow_packet(struct flow *f, const struct packet *pkt, enum flow_dir d,
    const struct proto_env *env)
{
	struct tcp_verdict v;
	enum flow_timeout_class tc;

	tc = conn_packet(f->proto_state, env->config, pkt, d, &v);
	if (env->on_event != NULL && (v.events != 0 ||
	    (v.seg_class != SEG_NONE && v.seg_class != SEG_NEW)))
		env->on_event(env->event_ctx, f, d, pkt, &v);
	return tc;
}

void
tcp_conn_finish(struct tcp_conn *c, uint64_t ts)
{
	int d;

	for (d = 0; d < 2; d++) {
		struct tcp_dir *D = &c->dir[d];

		if (D->in_zero_window && ts >= D->zero_window_start) {
			D->c.zero_window_ns += time_since(D->zero_window_start, ts);
			D->in_zero_window = 0;
		}
	}
}

enum flow_timeout_class
tcp_conn_timeout_class(const struct tcp_conn *c)
{
	if (c->first_rst_dir >= 0 || c->final_ack)
		return FTC_FINISHED;
	if (c->dir[0].fin_seen && c->dir[1].fin_seen)
		return FTC_CLOSED;
	if (c->handshake_complete || c->non_syn_seen)
		return FTC_ESTABLISHED;
	return FTC_EMBRYONIC;
}

bool
tcp_conn_sack_ok(const struct tcp_conn *c)
{
	return tcp_sack_agreed(c);
}

bool
tcp_conn_timestamps_ok(const struct tcp_conn *c)
{
	return c->dir[0].timestamps && c->dir[1].timestamps;
}

bool
tcp_conn_wscale_ok(const struct tcp_conn *c)
{
	return tcp_wscale_agreed(c);
}

const char *
tcp_phase_name(enum tcp_phase p)
{
	static const char *const names[] = { "handshake", "established",
	    "closing" };

	return (unsigned)p < 3 ? names[p] : "?";
}

const char *
tcp_seg_class_name(enum tcp_seg_class k)
{
	static const char *const names[] = { "none", "new", "retransmission",
	    "out_of_order", "network_duplicate", "after_gap", "keep_alive",
	    "zero_window_probe" };

	return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : "?";
}

const char *
tcp_rtx_cause_name(enum tcp_rtx_cause r)
{
	static const char *const names[] = { "rto", "fast", "spurious",
	    "probe" };

	return (unsigned)r < RTX_CAUSES ? names[r] : "?";
}
