/*
 * Segment classes and retransmission causes, in the sender's direction.
 *
 * Every packet that occupies sequence space gets exactly one class (enum
 * tcp_seg_class) from a fixed sequence of tests, the first that holds
 * deciding: keep-alive, zero-window probe, new (or after a gap the capture
 * missed), network duplicate, out of order (fills a hole soon after it
 * opened, or was numbered before the packet that went past it), and
 * otherwise retransmission.  A retransmission then gets a cause (enum
 * tcp_rtx_cause) from the recovery episode the sender is in and from how
 * long ago the data was last sent, the last ACK came and the last packet
 * went, against an RTO guessed from the RTT.  The order of the tests is
 * part of the rules: doc/analysis.md gives each one and why, and the
 * kernel-truth tests (tests/check_truth.c) hold the counts to the kernels'.
 *
 * The facts the tests read are kept by tcp_seq.c (sent ranges, holes,
 * recent sends, IPv4 IDs) and tcp_ack.c (snd_una, duplicate ACKs, SACK,
 * the peer's window).  The last TCP_RTX_RING retransmissions are kept here,
 * allocated on first need, so that a D-SACK arriving later can make them
 * spurious.
 */
#include "config.h"

#include "tcp_int.h"
#include "xmalloc.h"

/* No retransmission timer fires sooner than this on any stack we know. */
#define RTO_FLOOR_NS	(200 * NS_PER_MS)
/* A probe's wait with one segment in flight, beyond two SRTTs. */
#define TLP_ALONE_EXTRA_NS	(210 * NS_PER_MS)

/* ---- retransmission causes ---- */

/*
 * Our guess at the sender's RTO: RFC 6298 from our samples, but never
 * below any stack's floor; before a sample, the initial RTO.
 */
static uint64_t
rto_guess(const struct tcp_dir *D, const struct tcp_config *cfg)
{
	uint64_t g;

	if (!D->rto.have_sample)
		return cfg->rto.initial_ns;
	g = D->rto.srtt_ns + 4 * D->rto.rttvar_ns;
	return g > RTO_FLOOR_NS ? g : RTO_FLOOR_NS;
}

/*
 * How long after a hole opened the data filling it still counts as
 * reordered: the handshake's RTT, else the smallest RTT sample, else the
 * configured default.
 */
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

/* A retransmission, remembered for a D-SACK that may come. */
static void
rtx_record(struct tcp_dir *D, uint32_t seq, uint32_t end,
    enum tcp_rtx_cause cause)
{
	if (D->rtx == NULL)
		D->rtx = xcalloc(TCP_RTX_RING, sizeof *D->rtx);
	D->rtx[D->rtx_pos].seq = seq;
	D->rtx[D->rtx_pos].end = end;
	D->rtx[D->rtx_pos].cause = (uint8_t)cause;
	D->rtx[D->rtx_pos].valid = 1;
	D->rtx_pos = (uint8_t)((D->rtx_pos + 1) % TCP_RTX_RING);
}

/* What the cause of a retransmission is judged by. */
struct rtx_times {
	uint64_t guess;		/* the RTO, as far as we can tell */
	uint64_t since_prev;	/* since the data was last sent; 0: never */
	uint64_t since_ack;	/* since the last ACK; UINT64_MAX: none yet */
	uint64_t since_send;	/* since the last packet sent; or UINT64_MAX */
	bool	 head_late;	/* the head, long after its last sending */
	bool	 acks_silent;	/* ... and no ACK for as long */
};

static void
rtx_times_get(struct rtx_times *t, const struct tcp_dir *D,
    const struct tcp_config *cfg, const struct packet *pkt, uint32_t seq,
    uint64_t since_prev)
{
	uint64_t ts = pkt->ts_ns;

	t->guess = rto_guess(D, cfg);
	t->since_prev = since_prev;
	t->since_ack = D->last_ack_ts ? time_since(D->last_ack_ts, ts) :
	    UINT64_MAX;
	t->since_send = D->last_send_ts ? time_since(D->last_send_ts, ts) :
	    UINT64_MAX;
	t->head_late = seq == D->snd_una && since_prev >= t->guess / 2;
	t->acks_silent = t->since_ack >= t->guess / 2;
}

/*
 * A retransmission timer fired: count it, and what the wait since the data
 * was last sent says of the sender's RTO.
 */
static enum tcp_rtx_cause
rto_fired(struct tcp_dir *D, uint64_t since_prev)
{
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

/* A timeout that starts a recovery episode, its backoff at zero. */
static enum tcp_rtx_cause
rto_episode_start(struct tcp_dir *D, uint32_t seq, uint64_t since_prev)
{
	D->recovery = 1 + RTX_RTO;
	D->recovery_point = D->high_seq;
	D->last_rto_seq = seq;
	D->backoff = 0;
	return rto_fired(D, since_prev);
}

static enum tcp_rtx_cause
cause_in_rto_recovery(struct tcp_dir *D, uint32_t seq,
    const struct rtx_times *t)
{
	if (seq == D->snd_una && seq == D->last_rto_seq) {
		/* The same head again, no progress: a backed-off RTO. */
		D->backoff++;
		if (D->backoff > D->c.max_backoff)
			D->c.max_backoff = D->backoff;
		return rto_fired(D, t->since_prev);
	}
	/*
	 * A later head, after some progress, sent again long after its
	 * last sending and after a silence of the ACKs: the timer fired
	 * once more, a new timeout (the ACKs that made the progress
	 * reset the backoff).
	 */
	if (t->head_late && t->acks_silent)
		return rto_episode_start(D, seq, t->since_prev);
	return RTX_RTO;
}

/*
 * Without SACK a lost retransmission shows in no ACK (duplicate ACKs go on
 * as new data arrives): timer_only says only the timer can send it again.
 */
static enum tcp_rtx_cause
cause_in_fast_recovery(struct tcp_dir *D, uint32_t seq,
    const struct rtx_times *t, bool timer_only)
{
	/*
	 * Recovery stalled, timed out: no ACK for a while, or the head
	 * sent again although only a timer can send it again, both long
	 * after its last sending.
	 */
	if (t->head_late && (t->acks_silent || timer_only))
		return rto_episode_start(D, seq, t->since_prev);
	return RTX_FAST;
}

/* Not in a recovery episode: a tail-loss probe, or one starts. */
static enum tcp_rtx_cause
cause_out_of_recovery(struct tcp_dir *D, const struct packet *pkt,
    uint32_t seq, uint32_t end, const struct rtx_times *t, bool again,
    bool sack)
{
	bool evidence, tail, quick, alone;

	evidence = (D->dup_ack_run >= 1 && seq == D->snd_una) ||
	    (D->sack_high_valid && seq_gt(D->sack_high, seq));
	tail = seq_geq(end, D->high_seq);
	/*
	 * A tail-loss probe fires a probe timeout (about two smoothed RTTs,
	 * RFC 8985; Linux adds 2 ms or more) after the last transmission: a
	 * tail resent sooner than half an SRTT was found lost by an ACK.
	 */
	quick = D->rto.have_sample && t->since_send < D->rto.srtt_ns / 2;
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
	    t->since_send <= 2 * D->rto.srtt_ns + TLP_ALONE_EXTRA_NS;
	if (tail && !evidence && !quick &&
	    (seq != D->snd_una || t->since_send < t->guess / 2 || alone))
		return RTX_PROBE;
	/*
	 * With ACKs arriving, fast recovery: on duplicate-ACK or SACK
	 * evidence, or when the segment was sent again well within any
	 * retransmission timeout of its last sending (the ACKs found it lost,
	 * not a timer: Linux's RACK, data sent after it SACKed or acknowledged,
	 * often a retransmission of lower data; a lost retransmission).
	 */
	if (t->since_ack < t->guess / 2 && (evidence ||
	    (t->since_prev != 0 && t->since_prev < t->guess / 2))) {
		D->recovery = 1 + RTX_FAST;
		D->recovery_point = D->high_seq;
		return RTX_FAST;
	}
	return rto_episode_start(D, seq, t->since_prev);
}

/*
 * Why a segment was sent again.  since_prev is the time since this data was
 * last sent (0 when the capture never saw it); again says it had been sent
 * again before, sack that the connection uses SACK.  Spurious first, then
 * a probe into a zero window, then by the recovery episode the sender is
 * in (doc/analysis.md, "Retransmission causes").
 */
static enum tcp_rtx_cause
rtx_cause(struct tcp_dir *D, const struct tcp_config *cfg,
    const struct packet *pkt, uint32_t seq, uint32_t end, uint64_t since_prev,
    bool again, bool sack)
{
	struct rtx_times t;

	rtx_times_get(&t, D, cfg, pkt, seq, since_prev);
	if (D->ack_init && seq_leq(end, D->snd_una))
		return RTX_SPURIOUS;
	if (D->window_known && D->peer_window == 0 && pkt->payload_len <= 1)
		return RTX_PROBE;
	if (D->recovery == 1 + RTX_RTO)
		return cause_in_rto_recovery(D, seq, &t);
	if (D->recovery == 1 + RTX_FAST)
		return cause_in_fast_recovery(D, seq, &t, again && !sack);
	return cause_out_of_recovery(D, pkt, seq, end, &t, again, sack);
}

static void
count_rtx(struct tcp_dir *D, enum tcp_rtx_cause cause, uint32_t seq,
    uint32_t end, uint32_t paylen, struct tcp_verdict *v)
{
	D->c.retransmissions[cause]++;
	D->c.retransmissions_total++;
	D->c.retransmitted_bytes += paylen;
	rtx_record(D, seq, end, cause);
	v->seg_class = SEG_RETRANSMISSION;
	v->cause = (uint8_t)cause;
}

/* ---- segment classes ---- */

/*
 * A keep-alive (or a zero-window probe sent as one) re-sends the byte
 * before snd.nxt: everything acknowledged, or no payload at all.
 */
static bool
is_keep_alive(const struct tcp_dir *D, const struct packet *pkt)
{
	uint32_t paylen = pkt->payload_len;

	return paylen <= 1 && !(pkt->tcp_flags & (TH_SYN | TH_FIN)) &&
	    pkt->tcp_seq == D->high_seq - 1 && D->ack_init &&
	    (D->snd_una == D->high_seq || paylen == 0);
}

/*
 * One byte at the window's edge while the peer advertises zero: a
 * zero-window probe (BSD's persist timer sends the same byte again
 * and again), counted as a probe, never as a retransmission, as the
 * kernels themselves count them.  The receiver must drop it, so the
 * byte counts as sent only when it goes out again into an open
 * window (or the peer acknowledges it after all).
 */
static bool
is_zero_window_probe(const struct tcp_dir *D, const struct packet *pkt)
{
	return pkt->payload_len == 1 &&
	    !(pkt->tcp_flags & (TH_SYN | TH_FIN)) && D->window_known &&
	    D->peer_window == 0 && D->ack_init &&
	    pkt->tcp_seq == D->snd_una && pkt->tcp_seq == D->high_seq;
}

/* Data from high_seq on: new, or new beyond a gap the capture missed. */
static void
classify_new(struct tcp_conn *c, const struct packet *pkt, enum flow_dir d,
    uint32_t end, struct tcp_verdict *v)
{
	struct tcp_dir *D = &c->dir[d];
	uint32_t seq = pkt->tcp_seq;

	if (seq_gt(seq, D->high_seq)) {
		D->c.lost_segments++;
		D->c.lost_bytes += (uint32_t)(seq - D->high_seq);
		tcp_hole_add(D, D->high_seq, seq, pkt->ts_ns,
		    (uint16_t)pkt->ip_id, has_ipv4_id(pkt));
		v->seg_class = SEG_AFTER_GAP;
	} else
		v->seg_class = SEG_NEW;
	tcp_seg_append(D, seq, end, pkt->ts_ns);
	D->high_seq = end;
}

/*
 * Data sent again: since when (its last sending, or if the capture never
 * saw it, the opening of its hole at hole_ts), why, and counted so.
 */
static void
classify_retransmission(struct tcp_conn *c, const struct tcp_config *cfg,
    const struct packet *pkt, enum flow_dir d, uint32_t end,
    uint64_t hole_ts, struct tcp_verdict *v)
{
	struct tcp_dir *D = &c->dir[d];
	uint32_t seq = pkt->tcp_seq;
	enum tcp_rtx_cause cause;
	uint64_t prev;
	bool again, sack;

	prev = tcp_seg_mark_resent(D, seq, end, pkt->ts_ns, &again);
	if (prev == 0)
		prev = hole_ts;
	v->since_original_ns = prev ? time_since(prev, pkt->ts_ns) : 0;
	/*
	 * SACK is in use if the handshake agreed to it or, when the capture
	 * missed the handshake, if the peer sends it.
	 */
	sack = tcp_sack_agreed(c) || D->sack_seen;
	cause = rtx_cause(D, cfg, pkt, seq, end, v->since_original_ns, again,
	    sack);
	if (cause == RTX_RTO)
		tcp_seg_mark_timeout(D, seq, end);
	count_rtx(D, cause, seq, end, pkt->payload_len, v);
	if ((pkt->tcp_flags & TH_SYN) && !(pkt->tcp_flags & TH_ACK))
		v->events |= 1u << TEV_SYN_RETRANSMISSION;
}

/*
 * Data below high_seq that is no copy of a recent packet: out of order if
 * it fills a hole and was sent before the packet that went past the hole
 * (by the IPv4 IDs) or, when the IDs cannot tell, came within the
 * reordering window after the hole opened; otherwise a retransmission.
 * Either way, what it carries beyond high_seq is new.
 */
static void
classify_below_high(struct tcp_conn *c, const struct tcp_config *cfg,
    const struct packet *pkt, enum flow_dir d, uint32_t seglen,
    struct tcp_verdict *v)
{
	struct tcp_dir *D = &c->dir[d];
	uint32_t seq = pkt->tcp_seq, end = seq + seglen;
	struct tcp_hole hole;
	uint32_t unseen = tcp_hole_fill(D, seq, end, &hole);
	enum tcp_ipid_order order = unseen > 0 ?
	    tcp_ipid_order(D, pkt, &hole) : IPID_UNKNOWN;

	if (unseen < seglen)
		tcp_ipid_resent(D, pkt);
	if (unseen > 0 && (order == IPID_OVERTAKEN ||
	    (order == IPID_UNKNOWN &&
	    time_since(hole.ts, pkt->ts_ns) < reorder_window(c, D, cfg)))) {
		D->c.out_of_order++;
		v->seg_class = SEG_OUT_OF_ORDER;
	} else
		classify_retransmission(c, cfg, pkt, d, end,
		    unseen > 0 ? hole.ts : 0, v);
	if (seq_gt(end, D->high_seq)) {
		tcp_seg_append(D, D->high_seq, end, pkt->ts_ns);
		D->high_seq = end;
	}
}

/*
 * Classify the sequence space pkt occupies, in its sender's direction: the
 * tests of doc/analysis.md, in its order, the first that holds deciding.
 */
void
tcp_data_classify(struct tcp_conn *c, const struct tcp_config *cfg,
    const struct packet *pkt, enum flow_dir d, struct tcp_verdict *v)
{
	struct tcp_dir *D = &c->dir[d];
	uint8_t fl = pkt->tcp_flags;
	uint32_t seq = pkt->tcp_seq, paylen = pkt->payload_len;
	uint32_t seglen = paylen + !!(fl & TH_SYN) + !!(fl & TH_FIN);
	uint64_t ts = pkt->ts_ns;

	if (fl & TH_RST)
		return;
	if ((fl & TH_SYN) && D->isn_set && seq != D->isn &&
	    seq_lt(seq, D->high_seq))
		return;		/* a bogus SYN inside the old sequence space */
	if ((fl & TH_SYN) || !D->seq_init)
		tcp_seq_start(D, pkt);
	if (fl & TH_FIN) {
		D->fin_seen = 1;
		D->fin_seq = seq + paylen;
	}
	tcp_tsval_record(D, pkt);
	if (is_keep_alive(D, pkt)) {
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
	if (is_zero_window_probe(D, pkt)) {
		v->seg_class = SEG_ZERO_WINDOW_PROBE;
		D->c.zero_window_probes++;
		D->probe_end = seq + seglen;
		D->last_send_ts = ts;
		return;
	}
	if (seq_geq(seq, D->high_seq))
		classify_new(c, pkt, d, seq + seglen, v);
	else if (tcp_is_network_duplicate(D, pkt, seglen)) {
		D->c.network_duplicates++;
		v->seg_class = SEG_NETWORK_DUPLICATE;
		D->last_send_ts = ts;
		return;
	} else
		classify_below_high(c, cfg, pkt, d, seglen, v);
	tcp_recent_record(D, pkt, seglen);
	D->last_send_ts = ts;
	tcp_in_flight_sample(D, paylen, v);
}

/* ---- D-SACK ---- */

/*
 * A D-SACK block [lo, hi) says the peer got that data twice: the
 * retransmissions it covers were not needed.  Newest first, each stretch of
 * data once (a segment resent twice and D-SACKed once is one spurious
 * retransmission, the latest), and every segment of a block that covers
 * several.
 */
void
tcp_rtx_dsack_reclassify(struct tcp_dir *D, uint32_t lo, uint32_t hi)
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
