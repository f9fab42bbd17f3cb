/*
 * What the TCP analysis files share and reporters never see.  tcp.h is the
 * interface; this header is the seams between the files that implement it:
 *
 *   tcp.c          connection life, endpoint states, the per-packet order
 *   tcp_history.c  Zeek's history letters and conn_state
 *   tcp_seq.c      the books of a sender's sequence space: unacknowledged
 *                  transmissions, holes, recent sends, IPv4 IDs
 *   tcp_rtx.c      segment classes and retransmission causes
 *   tcp_ack.c      ACKs, RTT samples, SACK, the peer's window
 *
 * One packet goes through them in a fixed order (tcp_conn_packet()), and
 * the order is part of the rules: each step sees the state the steps before
 * it left.
 *
 * What runs for every packet and is small is static inline here, so that
 * the split into files costs the per-packet path no calls (bench/ measures
 * that path against a bare libpcap loop); the rest is declared here and
 * defined in the file of its concern.  Names shared this way start with
 * tcp_, except the tiny ring and time helpers.
 */
#ifndef TRANSCOPE_TCP_INT_H
#define TRANSCOPE_TCP_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "packet.h"
#include "seq.h"
#include "tcp.h"

#define NS_PER_MS	1000000ULL
#define NS_PER_S	1000000000ULL

/*
 * Time from a to b.  Capture clocks can step back (several CPUs, copies
 * time-stamped out of order), so never let a difference wrap: the distance
 * either way, which is what "how close in time" needs.
 */
static inline uint64_t
time_between(uint64_t a, uint64_t b)
{
	return b >= a ? b - a : a - b;
}

/* Time from a forward to b; 0 if b is earlier. */
static inline uint64_t
time_since(uint64_t a, uint64_t b)
{
	return b >= a ? b - a : 0;
}

/* pkt carries an IPv4 identification (0 is none: some stacks send DF so). */
static inline bool
has_ipv4_id(const struct packet *pkt)
{
	return pkt->ip_version == 4 && pkt->ip_id != 0;
}

/*
 * Both SYNs carried the window scale option: tcp_conn_wscale_ok(), inline
 * for the ACK side, which scales every window by it.
 */
static inline bool
tcp_wscale_agreed(const struct tcp_conn *c)
{
	return c->dir[0].has_wscale && c->dir[1].has_wscale;
}

/*
 * Both SYNs carried SACK-permitted: tcp_conn_sack_ok(), here so that the
 * retransmission rules (tcp_rtx.c) need nothing back from tcp.c.
 */
static inline bool
tcp_sack_agreed(const struct tcp_conn *c)
{
	return c->dir[0].sack_permitted && c->dir[1].sack_permitted;
}

/* ---- tcp_history.c ---- */

/* Letters added once per side: a bit each in hist_once[]. */
enum tcp_hist_bit {
	HB_SYN = 0x01, HB_FIN = 0x02, HB_RST = 0x04, HB_DATA = 0x08,
	HB_ACK = 0x10, HB_MULTI = 0x20, HB_FINRST = 0x40
};

void	tcp_history_packet(struct tcp_conn *, const struct packet *,
	    enum flow_dir);
void	tcp_history_ack(struct tcp_conn *, const struct packet *,
	    enum flow_dir);

/*
 * The letters pkt, sent in direction d, adds to the history, before the
 * endpoint states take it.  Most packets add none: data or an ACK after
 * the side's first, in an open window, moving the side's sequence space
 * on (or not carrying data): decided here, inline, as it is for every
 * packet, and the rest is tcp_history_packet()'s.
 */
static inline void
tcp_history_update(struct tcp_conn *c, const struct packet *pkt,
    enum flow_dir d)
{
	struct tcp_dir *D = &c->dir[d];
	uint8_t fl = pkt->tcp_flags;
	uint32_t end = pkt->tcp_seq + pkt->payload_len;
	unsigned bit;

	if (!(fl & (TH_SYN | TH_FIN | TH_RST)) && pkt->tcp_window != 0 &&
	    D->ep_state != EP_INACTIVE && D->ep_state != EP_RESET) {
		bit = pkt->payload_len > 0 ? HB_DATA :
		    (fl & TH_ACK) ? HB_ACK : 0;
		if (bit == 0 || (c->hist_once[d] & bit)) {
			if (seq_gt(end, D->hist_last)) {
				D->hist_last = end;
				return;
			}
			if (pkt->payload_len == 0)
				return;
		}
	}
	tcp_history_packet(c, pkt, d);
}

/* Letters that repeat at the 1st, 10th, 100th ... time (hist_scaled[]). */
enum tcp_hist_repeat {
	HIST_RETRANSMISSION,	/* t */
	HIST_GAP,		/* g */
	HIST_ZERO_WINDOW	/* w */
};

/* ---- tcp_seq.c ---- */

void	 tcp_seq_start(struct tcp_dir *, const struct packet *);

/* The i-th oldest unacknowledged transmission. */
static inline struct tcp_seg_rec *
seg_at(struct tcp_dir *D, uint32_t i)
{
	return &D->segs[(D->seg_head + i) & (D->seg_cap - 1)];
}

/* Forget the oldest: acknowledged, or no room for it. */
static inline void
seg_drop_oldest(struct tcp_dir *D)
{
	D->seg_head = (D->seg_head + 1) & (D->seg_cap - 1);
	D->seg_count--;
}

void	 tcp_seg_make_room(struct tcp_dir *);

/* [seq, end) sent at ts, above all sent before. */
static inline void
tcp_seg_append(struct tcp_dir *D, uint32_t seq, uint32_t end, uint64_t ts)
{
	struct tcp_seg_rec *r;

	if (D->seg_count == D->seg_cap)
		tcp_seg_make_room(D);
	r = seg_at(D, D->seg_count++);
	r->seq = seq;
	r->end = end;
	r->first_ts = r->last_ts = ts;
	r->retransmitted = 0;
	r->timeout_resent = 0;
}

uint64_t tcp_seg_mark_resent(struct tcp_dir *, uint32_t seq, uint32_t end,
	    uint64_t ts, bool *again);
void	 tcp_seg_mark_timeout(struct tcp_dir *, uint32_t seq, uint32_t end);

void	 tcp_hole_add(struct tcp_dir *, uint32_t lo, uint32_t hi, uint64_t ts,
	    uint16_t ipid, bool ipid_set);
uint32_t tcp_hole_fill(struct tcp_dir *, uint32_t seq, uint32_t end,
	    struct tcp_hole *oldest);
void	 tcp_holes_ack(struct tcp_dir *, uint32_t ack);

bool	 tcp_is_network_duplicate(const struct tcp_dir *,
	    const struct packet *, uint32_t seglen);

/* pkt, of seglen bytes of sequence space, is one of the last few sent. */
static inline void
tcp_recent_record(struct tcp_dir *D, const struct packet *pkt,
    uint32_t seglen)
{
	__typeof__(D->recent[0]) *r = &D->recent[D->recent_pos];

	r->seq = pkt->tcp_seq;
	r->len = seglen;
	r->ack = pkt->tcp_ack;
	r->ip_id = pkt->ip_id;
	r->tsval = pkt->tcp_opt.ts_val;
	r->window = pkt->tcp_window;
	r->flags = pkt->tcp_flags;
	r->ts = pkt->ts_ns;
	r->valid = 1;
	D->recent_pos = (uint8_t)((D->recent_pos + 1) % TCP_RECENT);
}

/* What a segment's IPv4 ID says of the hole it fills. */
enum tcp_ipid_order { IPID_UNKNOWN, IPID_OVERTAKEN, IPID_RESENT };

void	 tcp_ipid_resent(struct tcp_dir *, const struct packet *);
enum tcp_ipid_order tcp_ipid_order(const struct tcp_dir *,
	    const struct packet *, const struct tcp_hole *);

/*
 * The sender's numbering: whether each ID rose a little over the one before
 * (see tcp_ipid_order() for why that matters).
 */
static inline void
tcp_ipid_update(struct tcp_dir *D, const struct packet *pkt)
{
	uint16_t id = (uint16_t)pkt->ip_id, delta;

	if (!has_ipv4_id(pkt))
		return;
	if (!D->ipid_init) {
		D->ipid_init = 1;
		D->ipid_max = id;
	} else {
		delta = (uint16_t)(id - D->ipid_last);
		if (delta >= 1 && delta <= 512)
			D->ipid_rising++;
		else
			D->ipid_other++;
		if ((int16_t)(id - D->ipid_max) > 0)
			D->ipid_max = id;
	}
	D->ipid_last = id;
}

/* ---- tcp_rtx.c ---- */

void	 tcp_data_classify(struct tcp_conn *, const struct tcp_config *,
	    const struct packet *, enum flow_dir, struct tcp_verdict *);
void	 tcp_rtx_dsack_reclassify(struct tcp_dir *, uint32_t lo,
	    uint32_t hi);

/* ---- tcp_ack.c ---- */

void	 tcp_ack_apply(struct tcp_conn *, const struct tcp_config *,
	    const struct packet *, enum flow_dir, struct tcp_verdict *);

/*
 * After a transmission (inline, as most packets are one): how much of the
 * sent data is in flight (not acknowledged, not SACKed), and whether it
 * fills the peer's window.
 */
static inline void
tcp_in_flight_sample(struct tcp_dir *D, uint32_t paylen, struct tcp_verdict *v)
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

/* When each TSval was first sent, for the RTT sample of its echo. */
static inline void
tcp_tsval_record(struct tcp_dir *D, const struct packet *pkt)
{
	int last = (D->tsval_pos + TCP_TSVAL_RING - 1) % TCP_TSVAL_RING;

	if (!pkt->tcp_opt.has_timestamp)
		return;
	if (D->tsval_ts[last] != 0 &&
	    D->tsval_val[last] == pkt->tcp_opt.ts_val)
		return;
	D->tsval_val[D->tsval_pos] = pkt->tcp_opt.ts_val;
	D->tsval_ts[D->tsval_pos] = pkt->ts_ns;
	D->tsval_pos = (uint8_t)((D->tsval_pos + 1) % TCP_TSVAL_RING);
}

#endif
