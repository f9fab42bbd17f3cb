/*
 * The ACK side: what a packet's acknowledgement, SACK blocks and window say
 * about the data of the opposite direction (see tcp.h for why an ACK
 * updates the other struct tcp_dir).
 *
 * A cumulative ACK that advances snd_una drops the transmissions it covers
 * from the ring (tcp_seq.c) and takes at most one RTT sample, which also
 * feeds the RTO estimate (rtt.c), from the segment it ends at (Karn: never
 * from data sent twice, nor from data a timeout resent); a TSecr echo
 * gives a second, timestamp-based sample.  An ACK that does not advance
 * is a duplicate ACK (same window, data outstanding) or a window update.
 * SACK blocks give the highest SACKed edge and the SACKed bytes (for the
 * bytes in flight, and as evidence of loss for tcp_rtx.c); a D-SACK makes
 * earlier retransmissions spurious (tcp_rtx_dsack_reclassify()).  The
 * peer's window, scaled when both SYNs agreed to it, gives the zero-window
 * periods and, with the bytes in flight after each transmission
 * (tcp_in_flight_sample() in tcp_int.h), the window-full events.
 */
#include "config.h"

#include "tcp_int.h"

static void
rtt_sample(struct tcp_dir *D, const struct tcp_config *cfg, uint64_t rtt)
{
	rtt_stats_add(&D->rtt, rtt);
	rto_update(&D->rto, &cfg->rto, rtt);
}

/*
 * Drop the transmissions ack covers, with a sample from the segment it
 * ends at, unless (Karn) that segment was sent twice: Wireshark's ack_rtt
 * and tcptrace's convention.  Also none when the ACK newly covers data
 * resent after a retransmission timeout: such an ACK was released by the
 * resend filling a hole, and measures the timer, not the path (tcptrace
 * skips these too; Wireshark counts them: doc/analysis.md).
 */
static void
segs_acked(struct tcp_dir *D, const struct tcp_config *cfg, uint32_t ack,
    uint64_t ts)
{
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
}

/* The echo of a recent TSval: a sample since that TSval was first sent. */
static void
ts_rtt_sample(struct tcp_dir *D, const struct packet *pkt)
{
	uint64_t ts = pkt->ts_ns;
	int i;

	if (!pkt->tcp_opt.has_timestamp || pkt->tcp_opt.ts_ecr == 0)
		return;
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

/* The cumulative ACK moves up to ack: what it covers is done with. */
static void
ack_advance(struct tcp_dir *D, const struct tcp_config *cfg,
    const struct packet *pkt, uint32_t ack)
{
	segs_acked(D, cfg, ack, pkt->ts_ns);
	ts_rtt_sample(D, pkt);
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
 * The bytes n blocks [lo, hi) cover above ack, each counted once: sort by
 * left edge (n <= 4), then sweep.
 */
static uint32_t
sack_union_bytes(uint32_t *lo, uint32_t *hi, int n, uint32_t ack)
{
	uint32_t sacked = 0, cover_end = ack;
	int i, j;

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
	return sacked;
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
	int i, n = 0;

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
			tcp_rtx_dsack_reclassify(D, l, r);
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
	D->sacked_bytes = sack_union_bytes(lo, hi, n, ack);
}

/*
 * An ACK that repeats snd_una, with no data, SYN, FIN or RST: a duplicate
 * ACK if the window is the same and data is outstanding, else a window
 * update if the window changed.
 */
static void
ack_repeated(struct tcp_dir *D, const struct packet *pkt,
    struct tcp_verdict *v)
{
	uint32_t raw = pkt->tcp_window;

	if (raw == D->peer_window_raw && D->seq_init &&
	    seq_gt(D->high_seq, pkt->tcp_ack)) {
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

/* The cumulative ACK: the first seen, one that advances, or a repeat. */
static void
ack_cumulative(struct tcp_dir *D, const struct tcp_config *cfg,
    const struct packet *pkt, struct tcp_verdict *v)
{
	uint8_t fl = pkt->tcp_flags;
	uint32_t ack = pkt->tcp_ack;
	bool plain = pkt->payload_len == 0 &&
	    !(fl & (TH_SYN | TH_FIN | TH_RST));

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
	} else if (ack == D->snd_una && plain && D->window_known)
		ack_repeated(D, pkt, v);
}

/*
 * The window pkt's sender (direction d) advertises, for the data of the
 * other direction: its range, and the periods it stays at zero.  A SYN's
 * window is never scaled, and a zero one opens no period.
 */
static void
peer_window_update(struct tcp_conn *c, struct tcp_dir *D,
    const struct packet *pkt, enum flow_dir d, struct tcp_verdict *v)
{
	const struct tcp_dir *S = &c->dir[d];
	uint8_t fl = pkt->tcp_flags;
	uint32_t raw = pkt->tcp_window;
	uint64_t window, ts = pkt->ts_ns;

	window = (fl & TH_SYN) || !tcp_wscale_agreed(c) ? raw :
	    (uint64_t)raw << (S->wscale > 14 ? 14 : S->wscale);
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
	} else if (D->in_zero_window) {
		D->in_zero_window = 0;
		D->c.zero_window_ns += time_since(D->zero_window_start, ts);
	}
}

/* Apply pkt's ACK, SACK and window to the data direction it acknowledges. */
void
tcp_ack_apply(struct tcp_conn *c, const struct tcp_config *cfg,
    const struct packet *pkt, enum flow_dir d, struct tcp_verdict *v)
{
	enum flow_dir od = (enum flow_dir)!d;
	struct tcp_dir *D = &c->dir[od];	/* the data being acknowledged */

	if (!(pkt->tcp_flags & TH_ACK))
		return;
	if (D->ack_init && seq_gt(pkt->tcp_ack, D->snd_una))
		tcp_history_ack(c, pkt, d);	/* before the ACK moves on */
	ack_cumulative(D, cfg, pkt, v);
	if (pkt->tcp_opt.sack_blocks > 0)
		sack_update(D, pkt, D->snd_una, v);
	else
		D->sacked_bytes = 0;
	D->last_ack_ts = pkt->ts_ns;
	if (pkt->tcp_flags & TH_RST)
		return;		/* a RST's window means nothing */
	peer_window_update(c, D, pkt, d, v);
	/* The last FIN acknowledged: both sides closed cleanly. */
	if (c->last_fin_dir == (int8_t)od && seq_gt(pkt->tcp_ack, D->fin_seq))
		c->final_ack = 1;
}
