/*
 * TCP analysis: connection life, sequence classification, ACK-side events,
 * RTT and RTO.  See tcp.h for the shape of the state and doc/analysis.md for
 * every rule applied here and why.
 *
 * Per packet the work is: the endpoint state machine and history letters,
 * then the packet's own sequence space is classified in the sender's
 * direction, then its ACK (and window, SACK) is applied to the opposite
 * direction.  All arithmetic on sequence numbers goes through seq.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tcp_int.h"
#include "xmalloc.h"

/* No retransmission timer fires sooner than this on any stack we know. */
#define RTO_FLOOR_NS	(200 * NS_PER_MS)
/* A probe's wait with one segment in flight, beyond two SRTTs. */
#define TLP_ALONE_EXTRA_NS	(210 * NS_PER_MS)

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

static void
endpoint_update(struct tcp_conn *c, const struct packet *pkt, enum flow_dir d)
{
	struct tcp_dir *D = &c->dir[d], *P = &c->dir[!d];
	uint8_t fl = pkt->tcp_flags;

	if (fl & TH_RST) {
		/* After its own FIN a side has closed; Zeek keeps it so (SF). */
		if (D->ep_state != EP_CLOSED)
			D->ep_state = EP_RESET;
		return;
	}
	if (D->ep_state == EP_RESET)
		return;
	if (fl & TH_SYN) {
		if (!(fl & TH_ACK)) {
			if (D->ep_state == EP_INACTIVE)
				D->ep_state = EP_SYN_SENT;
		} else if (D->ep_state == EP_INACTIVE ||
		    D->ep_state == EP_SYN_SENT)
			D->ep_state = EP_SYN_ACK_SENT;
	}
	if (fl & TH_FIN) {
		D->ep_state = EP_CLOSED;
		return;
	}
	if ((fl & TH_SYN) || (!(fl & TH_ACK) && pkt->payload_len == 0))
		return;
	switch (D->ep_state) {
	case EP_INACTIVE:
		D->ep_state = P->ep_state == EP_INACTIVE ||
		    P->ep_state == EP_PARTIAL ? EP_PARTIAL : EP_ESTABLISHED;
		break;
	case EP_SYN_SENT:
	case EP_SYN_ACK_SENT:
		if (!(fl & TH_ACK))
			break;
		D->ep_state = EP_ESTABLISHED;
		if (P->ep_state == EP_SYN_SENT || P->ep_state == EP_SYN_ACK_SENT)
			P->ep_state = EP_ESTABLISHED;
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

bool
tcp_conn_is_reuse(const struct tcp_conn *c, const struct packet *pkt,
    enum flow_dir d)
{
	const struct tcp_dir *D = &c->dir[d];

	if ((pkt->tcp_flags & (TH_SYN | TH_ACK | TH_RST)) != TH_SYN)
		return false;
	/*
	 * A resent SYN keeps its ISN; a SYN with another one belongs to a new
	 * connection, whether or not the capture saw the old one close.
	 */
	return D->isn_set && pkt->tcp_seq != D->isn;
}

/* ---- classification ---- */

static uint64_t
rto_guess(const struct tcp_dir *D, const struct tcp_config *cfg)
{
	uint64_t g;

	if (!D->rto.have_sample)
		return cfg->rto.initial_ns;
	g = D->rto.srtt_ns + 4 * D->rto.rttvar_ns;
	return g > RTO_FLOOR_NS ? g : RTO_FLOOR_NS;
}

static uint64_t
reorder_window(const struct tcp_conn *c, const struct tcp_dir *D,
    const struct tcp_config *cfg)
{
	if (c->handshake_complete && c->handshake_ack_ts > c->syn_ts)
		return c->handshake_ack_ts - c->syn_ts;
	if (D->rtt.samples)
		return D->rtt.min_ns;
	return cfg->reorder_default_ns;
}

static void
rtx_record(struct tcp_dir *D, uint32_t seq, uint32_t end, enum tcp_rtx_cause cause)
{
	if (D->rtx == NULL)
		D->rtx = xcalloc(TCP_RTX_RING, sizeof *D->rtx);
	D->rtx[D->rtx_pos].seq = seq;
	D->rtx[D->rtx_pos].end = end;
	D->rtx[D->rtx_pos].cause = (uint8_t)cause;
	D->rtx[D->rtx_pos].valid = 1;
	D->rtx_pos = (uint8_t)((D->rtx_pos + 1) % TCP_RTX_RING);
}

/*
 * Why a segment was sent again.  since_prev is the time since this data was
 * last sent (0 when the capture never saw it); again says it had been sent
 * again before, sack that the connection uses SACK.
 */
static enum tcp_rtx_cause
rtx_cause(struct tcp_dir *D, const struct tcp_config *cfg,
    const struct packet *pkt, uint32_t seq, uint32_t end, uint64_t since_prev,
    bool again, bool sack)
{
	uint64_t ts = pkt->ts_ns, guess = rto_guess(D, cfg);
	uint64_t since_ack = D->last_ack_ts ? time_since(D->last_ack_ts, ts) :
	    UINT64_MAX;
	uint64_t since_send = D->last_send_ts ? time_since(D->last_send_ts, ts) :
	    UINT64_MAX;
	bool evidence, tail, quick, alone;
	/* The head, long after its last sending; and no ACK for as long. */
	bool head_late = seq == D->snd_una && since_prev >= guess / 2;
	bool acks_silent = since_ack >= guess / 2;
	/*
	 * Without SACK a lost retransmission shows in no ACK (duplicate ACKs
	 * go on as new data arrives): only the timer sends it once more.
	 */
	bool timer_only = again && !sack;

	if (D->ack_init && seq_leq(end, D->snd_una))
		return RTX_SPURIOUS;
	if (D->window_known && D->peer_window == 0 && pkt->payload_len <= 1)
		return RTX_PROBE;
	if (D->recovery == 1 + RTX_RTO) {
		if (seq == D->snd_una && seq == D->last_rto_seq) {
			/* The same head again, no progress: a backed-off RTO. */
			D->backoff++;
			if (D->backoff > D->c.max_backoff)
				D->c.max_backoff = D->backoff;
			goto timeout;
		}
		/*
		 * A later head, after some progress, sent again long after its
		 * last sending and after a silence of the ACKs: the timer fired
		 * once more, a new timeout (the ACKs that made the progress
		 * reset the backoff).
		 */
		if (head_late && acks_silent)
			goto timeout_start;
		return RTX_RTO;
	}
	if (D->recovery == 1 + RTX_FAST) {
		/*
		 * Recovery stalled, timed out: no ACK for a while, or the head
		 * sent again although only a timer can send it again (see
		 * the caller), both long after its last sending.
		 */
		if (head_late && (acks_silent || timer_only))
			goto timeout_start;
		return RTX_FAST;
	}
	evidence = (D->dup_ack_run >= 1 && seq == D->snd_una) ||
	    (D->sack_high_valid && seq_gt(D->sack_high, seq));
	tail = seq_geq(end, D->high_seq);
	/*
	 * A tail-loss probe fires a probe timeout (about two smoothed RTTs,
	 * RFC 8985; Linux adds 2 ms or more) after the last transmission: a
	 * tail resent sooner than half an SRTT was found lost by an ACK.
	 */
	quick = D->rto.have_sample && since_send < D->rto.srtt_ns / 2;
	/*
	 * With one segment in flight the probe timeout waits for a delayed
	 * ACK too (Linux: two SRTTs and 200 ms, or the RTO if sooner), so the
	 * probe resends the head about when an RTO would: on a SACK
	 * connection, the first resend of its only segment in flight (never
	 * a SYN) within that time, and 10 ms for the timer's ticks, is the
	 * probe.
	 */
	alone = seq == D->snd_una && sack && !again &&
	    !(pkt->tcp_flags & TH_SYN) && D->rto.have_sample &&
	    since_send <= 2 * D->rto.srtt_ns + TLP_ALONE_EXTRA_NS;
	if (tail && !evidence && !quick &&
	    (seq != D->snd_una || since_send < guess / 2 || alone))
		return RTX_PROBE;
	/*
	 * With ACKs arriving, fast recovery: on duplicate-ACK or SACK
	 * evidence, or when the segment was sent again well within any
	 * retransmission timeout of its last sending (the ACKs found it lost,
	 * not a timer: Linux's RACK, data sent after it SACKed or acknowledged,
	 * often a retransmission of lower data; a lost retransmission).
	 */
	if (since_ack < guess / 2 &&
	    (evidence || (since_prev != 0 && since_prev < guess / 2))) {
		D->recovery = 1 + RTX_FAST;
		D->recovery_point = D->high_seq;
		return RTX_FAST;
	}
timeout_start:
	D->recovery = 1 + RTX_RTO;
	D->recovery_point = D->high_seq;
	D->last_rto_seq = seq;
	D->backoff = 0;
timeout:
	D->c.rto_timeouts++;
	if (since_prev) {
		if (D->c.observed_rto_min_ns == 0 ||
		    since_prev < D->c.observed_rto_min_ns)
			D->c.observed_rto_min_ns = since_prev;
		if (since_prev > D->c.observed_rto_max_ns)
			D->c.observed_rto_max_ns = since_prev;
		if (D->rto.have_sample && since_prev < D->rto.rto_ns)
			D->c.rto_below_estimate++;
	}
	return RTX_RTO;
}

static void
count_rtx(struct tcp_conn *c, struct tcp_dir *D, enum flow_dir d,
    enum tcp_rtx_cause cause, uint32_t seq, uint32_t end, uint32_t paylen,
    struct tcp_verdict *v)
{
	D->c.retransmissions[cause]++;
	D->c.retransmissions_total++;
	D->c.retransmitted_bytes += paylen;
	rtx_record(D, seq, end, cause);
	v->seg_class = SEG_RETRANSMISSION;
	v->cause = (uint8_t)cause;
	if (paylen > 0)
		tcp_history_repeat(c, d, HIST_RETRANSMISSION);
}

static void
in_flight_sample(struct tcp_dir *D, uint32_t paylen, struct tcp_verdict *v)
{
	uint64_t flight;

	if (!D->ack_init || !seq_gt(D->high_seq, D->snd_una))
		return;
	flight = (uint32_t)(D->high_seq - D->snd_una);
	flight = flight > D->sacked_bytes ? flight - D->sacked_bytes : 0;
	if (flight > D->c.max_in_flight)
		D->c.max_in_flight = flight;
	D->c.sum_in_flight += flight;
	D->c.in_flight_samples++;
	if (paylen > 0 && D->window_known && D->peer_window > 0 &&
	    flight >= D->peer_window) {
		D->c.window_full++;
		v->events |= 1u << TEV_WINDOW_FULL;
	}
}

static void
tsval_record(struct tcp_dir *D, const struct packet *pkt)
{
	int last = (D->tsval_pos + TCP_TSVAL_RING - 1) % TCP_TSVAL_RING;

	if (!pkt->tcp_opt.has_timestamp)
		return;
	if (D->tsval_ts[last] != 0 && D->tsval_val[last] == pkt->tcp_opt.ts_val)
		return;
	D->tsval_val[D->tsval_pos] = pkt->tcp_opt.ts_val;
	D->tsval_ts[D->tsval_pos] = pkt->ts_ns;
	D->tsval_pos = (uint8_t)((D->tsval_pos + 1) % TCP_TSVAL_RING);
}

/* Classify the sequence space pkt occupies, in its sender's direction. */
static void
tcp_data(struct tcp_conn *c, const struct tcp_config *cfg,
    const struct packet *pkt, enum flow_dir d, struct tcp_verdict *v)
{
	struct tcp_dir *D = &c->dir[d];
	uint8_t fl = pkt->tcp_flags;
	uint32_t seq = pkt->tcp_seq, paylen = pkt->payload_len;
	uint32_t seglen, end;
	uint64_t ts = pkt->ts_ns;

	if (fl & TH_RST)
		return;
	if ((fl & TH_SYN) && D->isn_set && seq != D->isn &&
	    seq_lt(seq, D->high_seq))
		return;		/* a bogus SYN inside the old sequence space */
	if (fl & TH_SYN) {
		if (!D->isn_set || seq != D->isn) {
			/* The first SYN (or a new incarnation). */
			D->isn = seq;
			D->isn_set = 1;
			D->base_seq = seq + 1;
			D->high_seq = seq;
			D->seq_init = 1;
			D->nholes = 0;
			D->seg_count = 0;
			D->snd_una = seq;
			D->ack_init = 1;
		}
	}
	if (!D->seq_init) {
		D->base_seq = D->high_seq = seq;
		D->seq_init = 1;
		if (!D->ack_init) {
			D->snd_una = seq;
			D->ack_init = 1;
		}
	}
	seglen = paylen + !!(fl & TH_SYN) + !!(fl & TH_FIN);
	if (fl & TH_FIN) {
		D->fin_seen = 1;
		D->fin_seq = seq + paylen;
	}
	tsval_record(D, pkt);

	/* A keep-alive (or zero-window probe) re-sends the byte before snd.nxt. */
	if (paylen <= 1 && !(fl & (TH_SYN | TH_FIN)) &&
	    seq == D->high_seq - 1 && D->ack_init &&
	    (D->snd_una == D->high_seq || paylen == 0)) {
		v->seg_class = SEG_KEEP_ALIVE;
		if (D->window_known && D->peer_window == 0)
			D->c.zero_window_probes++;
		else
			D->c.keep_alives++;
		return;		/* never data: not a data segment either */
	}
	if (paylen > 0)
		D->c.data_segments++;
	else if (seglen == 0 && (fl & TH_ACK))
		D->c.pure_acks++;
	if (seglen == 0)
		return;
	end = seq + seglen;

	/*
	 * One byte at the window's edge while the peer advertises zero: a
	 * zero-window probe (BSD's persist timer sends the same byte again
	 * and again), counted as a probe, never as a retransmission, as the
	 * kernels themselves count them.  The receiver must drop it, so the
	 * byte counts as sent only when it goes out again into an open
	 * window (or the peer acknowledges it after all).
	 */
	if (paylen == 1 && !(fl & (TH_SYN | TH_FIN)) && D->window_known &&
	    D->peer_window == 0 && D->ack_init && seq == D->snd_una &&
	    seq == D->high_seq) {
		v->seg_class = SEG_ZERO_WINDOW_PROBE;
		D->c.zero_window_probes++;
		D->probe_end = end;
		D->last_send_ts = ts;
		return;
	}

	if (seq_geq(seq, D->high_seq)) {
		if (seq_gt(seq, D->high_seq)) {
			D->c.lost_segments++;
			D->c.lost_bytes += (uint32_t)(seq - D->high_seq);
			tcp_hole_add(D, D->high_seq, seq, ts,
			    (uint16_t)pkt->ip_id, has_ipv4_id(pkt));
			tcp_history_repeat(c, d, HIST_GAP);
			v->seg_class = SEG_AFTER_GAP;
		} else
			v->seg_class = SEG_NEW;
		tcp_seg_append(D, seq, end, ts);
		D->high_seq = end;
	} else if (tcp_is_network_duplicate(D, pkt, seglen)) {
		D->c.network_duplicates++;
		v->seg_class = SEG_NETWORK_DUPLICATE;
		D->last_send_ts = ts;
		return;
	} else {
		struct tcp_hole hole;
		uint32_t unseen = tcp_hole_fill(D, seq, end, &hole);
		uint64_t prev;
		enum tcp_ipid_order order = unseen > 0 ?
		    tcp_ipid_order(D, pkt, &hole) : IPID_UNKNOWN;

		if (unseen < seglen)
			tcp_ipid_resent(D, pkt);
		if (unseen > 0 && (order == IPID_OVERTAKEN ||
		    (order == IPID_UNKNOWN &&
		    time_since(hole.ts, ts) < reorder_window(c, D, cfg)))) {
			D->c.out_of_order++;
			v->seg_class = SEG_OUT_OF_ORDER;
		} else {
			enum tcp_rtx_cause cause;
			bool again;

			prev = tcp_seg_mark_resent(D, seq, end, ts, &again);
			if (prev == 0 && unseen > 0)
				prev = hole.ts;
			v->since_original_ns = prev ? time_since(prev, ts) : 0;
			/*
			 * SACK is in use if the handshake agreed to it or,
			 * when the capture missed the handshake, if the peer
			 * sends it.
			 */
			cause = rtx_cause(D, cfg, pkt, seq, end,
			    v->since_original_ns, again,
			    tcp_conn_sack_ok(c) || D->sack_seen);
			if (cause == RTX_RTO)
				tcp_seg_mark_timeout(D, seq, end);
			count_rtx(c, D, d, cause, seq, end, paylen, v);
			if ((fl & TH_SYN) && !(fl & TH_ACK))
				v->events |= 1u << TEV_SYN_RETRANSMISSION;
		}
		if (seq_gt(end, D->high_seq)) {
			tcp_seg_append(D, D->high_seq, end, ts);
			D->high_seq = end;
		}
	}
	tcp_recent_record(D, pkt, seglen);
	D->last_send_ts = ts;
	in_flight_sample(D, paylen, v);
}

/* ---- the ACK side ---- */

static void
rtt_sample(struct tcp_dir *D, const struct tcp_config *cfg, uint64_t rtt)
{
	rtt_stats_add(&D->rtt, rtt);
	rto_update(&D->rto, &cfg->rto, rtt);
}

static void
ack_advance(struct tcp_dir *D, const struct tcp_config *cfg,
    const struct packet *pkt, uint32_t ack)
{
	uint64_t ts = pkt->ts_ns;

	/*
	 * A sample from the segment this ACK ends at, unless (Karn) that
	 * segment was sent twice: Wireshark's ack_rtt and tcptrace's
	 * convention.  Also none when the ACK newly covers data resent after
	 * a retransmission timeout: such an ACK was released by the resend
	 * filling a hole, and measures the timer, not the path (tcptrace
	 * skips these too; Wireshark counts them: doc/analysis.md).
	 */
	uint64_t sample = 0;
	bool timer = false, matched = false;

	while (D->seg_count > 0) {
		struct tcp_seg_rec *r = seg_at(D, 0);

		if (seq_gt(r->end, ack)) {
			timer |= r->timeout_resent && seq_lt(r->seq, ack);
			break;
		}
		timer |= r->timeout_resent;
		if (r->end == ack && !r->retransmitted && ts >= r->first_ts) {
			matched = true;
			sample = ts - r->first_ts;
		}
		seg_drop_oldest(D);
	}
	if (matched && !timer)
		rtt_sample(D, cfg, sample);
	if (pkt->tcp_opt.has_timestamp && pkt->tcp_opt.ts_ecr != 0) {
		int i;

		for (i = 0; i < TCP_TSVAL_RING; i++) {
			int idx = (D->tsval_pos + TCP_TSVAL_RING - 1 - i) %
			    TCP_TSVAL_RING;

			if (D->tsval_ts[idx] != 0 &&
			    D->tsval_val[idx] == pkt->tcp_opt.ts_ecr) {
				if (ts >= D->tsval_ts[idx])
					rtt_stats_add(&D->ts_rtt,
					    ts - D->tsval_ts[idx]);
				break;
			}
		}
	}
	D->snd_una = ack;
	D->dup_ack_run = 0;
	tcp_holes_ack(D, ack);
	if (D->sack_high_valid && seq_leq(D->sack_high, ack))
		D->sack_high_valid = 0;
	if (D->recovery && seq_geq(ack, D->recovery_point)) {
		D->recovery = 0;
		D->backoff = 0;
	}
}

/*
 * A D-SACK block [lo, hi) says the peer got that data twice: the
 * retransmissions it covers were not needed.  Newest first, each stretch of
 * data once (a segment resent twice and D-SACKed once is one spurious
 * retransmission, the latest), and every segment of a block that covers
 * several.
 */
static void
dsack_reclassify(struct tcp_dir *D, uint32_t lo, uint32_t hi)
{
	uint32_t done_lo[8], done_hi[8];
	int i, j, ndone = 0;

	if (D->rtx == NULL)
		return;			/* nothing was ever resent */
	for (i = 1; i <= TCP_RTX_RING; i++) {
		struct tcp_rtx_rec *r =
		    &D->rtx[(D->rtx_pos + TCP_RTX_RING - i) % TCP_RTX_RING];
		bool seen = false;

		if (!r->valid || !seq_lt(r->seq, hi) || !seq_gt(r->end, lo))
			continue;
		for (j = 0; j < ndone; j++)
			if (seq_lt(r->seq, done_hi[j]) &&
			    seq_gt(r->end, done_lo[j]))
				seen = true;
		if (seen)
			continue;
		if (r->cause != RTX_SPURIOUS) {
			D->c.retransmissions[r->cause]--;
			D->c.retransmissions[RTX_SPURIOUS]++;
			r->cause = RTX_SPURIOUS;
		}
		r->valid = 0;
		if (ndone == (int)(sizeof done_lo / sizeof done_lo[0]))
			return;
		done_lo[ndone] = r->seq;
		done_hi[ndone] = r->end;
		ndone++;
	}
}

/*
 * The SACK blocks of an ACK: ack is the highest cumulative ACK so far; the
 * D-SACK test uses the packet's own, as RFC 2883 defines it (an ACK that
 * arrives late carries blocks below the ACKs after it that are not
 * D-SACKs).
 */
static void
sack_update(struct tcp_dir *D, const struct packet *pkt, uint32_t ack,
    struct tcp_verdict *v)
{
	const struct tcp_options *o = &pkt->tcp_opt;
	uint32_t lo[TCP_MAX_SACK_BLOCKS], hi[TCP_MAX_SACK_BLOCKS];
	uint32_t sacked = 0, cover_end = ack;
	int i, j, n = 0;

	D->sack_seen = 1;
	for (i = 0; i < o->sack_blocks; i++) {
		uint32_t l = o->sack[i].left, r = o->sack[i].right;

		if (!seq_lt(l, r))
			continue;
		/* RFC 2883: a first block below the ACK or inside the second. */
		if (i == 0 && (seq_leq(r, pkt->tcp_ack) || (o->sack_blocks > 1 &&
		    seq_geq(l, o->sack[1].left) &&
		    seq_leq(r, o->sack[1].right)))) {
			D->c.dsacks++;
			v->events |= 1u << TEV_DSACK;
			dsack_reclassify(D, l, r);
			continue;
		}
		if (!seq_gt(r, ack))
			continue;
		if (seq_lt(l, ack))
			l = ack;
		if (D->seq_init && seq_gt(r, D->high_seq))
			r = D->high_seq;
		if (!seq_lt(l, r))
			continue;
		if (!D->sack_high_valid || seq_gt(r, D->sack_high)) {
			D->sack_high = r;
			D->sack_high_valid = 1;
		}
		lo[n] = l;
		hi[n] = r;
		n++;
	}
	/* Union of the blocks: sort by left edge (n <= 4), then sweep. */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && seq_lt(lo[j], lo[j - 1]); j--) {
			uint32_t t = lo[j]; lo[j] = lo[j - 1]; lo[j - 1] = t;
			t = hi[j]; hi[j] = hi[j - 1]; hi[j - 1] = t;
		}
	for (i = 0; i < n; i++) {
		uint32_t l = seq_max(lo[i], cover_end);

		if (seq_lt(l, hi[i])) {
			sacked += hi[i] - l;
			cover_end = hi[i];
		}
	}
	D->sacked_bytes = sacked;
}

/* Apply pkt's ACK, window and SACK to the data direction it acknowledges. */
static void
tcp_ack(struct tcp_conn *c, const struct tcp_config *cfg,
    const struct packet *pkt, enum flow_dir d, struct tcp_verdict *v)
{
	enum flow_dir od = (enum flow_dir)!d;
	struct tcp_dir *D = &c->dir[od];	/* the data being acknowledged */
	const struct tcp_dir *S = &c->dir[d];	/* the packet's sender */
	uint8_t fl = pkt->tcp_flags;
	uint32_t ack = pkt->tcp_ack, raw = pkt->tcp_window;
	uint64_t window, ts = pkt->ts_ns;
	bool plain = pkt->payload_len == 0 && !(fl & (TH_SYN | TH_FIN | TH_RST));

	if (!(fl & TH_ACK))
		return;
	window = (fl & TH_SYN) || !tcp_conn_wscale_ok(c) ? raw :
	    (uint64_t)raw << (S->wscale > 14 ? 14 : S->wscale);

	if (!D->ack_init) {
		D->snd_una = ack;
		D->ack_init = 1;
	} else if (seq_gt(ack, D->snd_una)) {
		if (D->seq_init && seq_gt(ack, D->high_seq)) {
			/* A zero-window probe byte accepted is no surprise. */
			if (ack != D->probe_end) {
				D->c.acked_unseen++;
				v->events |= 1u << TEV_ACKED_UNSEEN;
			}
			D->high_seq = ack;
		}
		ack_advance(D, cfg, pkt, ack);
	} else if (ack == D->snd_una && plain && D->window_known) {
		if (raw == D->peer_window_raw && D->seq_init &&
		    seq_gt(D->high_seq, ack)) {
			D->c.dup_acks++;
			D->dup_ack_run++;
			if (D->dup_ack_run > D->c.max_dup_ack_run)
				D->c.max_dup_ack_run = D->dup_ack_run;
			v->events |= 1u << TEV_DUP_ACK;
		} else if (raw != D->peer_window_raw) {
			D->c.window_updates++;
			v->events |= 1u << TEV_WINDOW_UPDATE;
		}
	}
	if (pkt->tcp_opt.sack_blocks > 0)
		sack_update(D, pkt, D->snd_una, v);
	else
		D->sacked_bytes = 0;
	D->last_ack_ts = ts;

	if (fl & TH_RST)
		return;		/* a RST's window means nothing */
	if (!D->window_known || window < D->c.adv_window_min)
		D->c.adv_window_min = window;
	if (window > D->c.adv_window_max)
		D->c.adv_window_max = window;
	D->peer_window_raw = raw;
	D->peer_window = window;
	D->window_known = 1;
	if (raw == 0 && !(fl & TH_SYN)) {
		if (!D->in_zero_window) {
			D->in_zero_window = 1;
			D->zero_window_start = ts;
			D->c.zero_window_count++;
			v->events |= 1u << TEV_ZERO_WINDOW;
		}
		tcp_history_repeat(c, d, HIST_ZERO_WINDOW);
	} else if (D->in_zero_window) {
		D->in_zero_window = 0;
		D->c.zero_window_ns += time_since(D->zero_window_start, ts);
	}
	/* The last FIN acknowledged: both sides closed cleanly. */
	if (c->last_fin_dir == (int8_t)od && seq_gt(ack, D->fin_seq))
		c->final_ack = 1;
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

void
tcp_conn_packet(struct tcp_conn *c, const struct tcp_config *cfg,
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
	endpoint_update(c, pkt, d);
	ecn_update(D, pkt);
	tcp_data(c, cfg, pkt, d, v);
	tcp_ipid_update(&c->dir[d], pkt);
	tcp_ack(c, cfg, pkt, d, v);
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
	return c->dir[0].sack_permitted && c->dir[1].sack_permitted;
}

bool
tcp_conn_timestamps_ok(const struct tcp_conn *c)
{
	return c->dir[0].timestamps && c->dir[1].timestamps;
}

bool
tcp_conn_wscale_ok(const struct tcp_conn *c)
{
	return c->dir[0].has_wscale && c->dir[1].has_wscale;
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
