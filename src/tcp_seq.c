/*
 * The books of one sender's sequence space, kept in its struct tcp_dir.
 * Nothing here classifies: these are the facts tcp_rtx.c decides on.
 *
 *  - The ring of unacknowledged transmissions (segs), oldest first: the
 *    range sent, when first and last sent, whether resent and whether by a
 *    timeout.  ACKs drop what they cover and take RTT samples from it
 *    (tcp_ack.c); retransmissions mark it (tcp_rtx.c).  Its size is a power
 *    of two, so that an index is a mask; it doubles as needed up to
 *    TCP_MAX_OUTSTANDING entries, then forgets the oldest.
 *  - Holes: ranges below high_seq the capture never saw, at most
 *    TCP_MAX_HOLES (the oldest forgotten), each with when it opened and the
 *    IPv4 ID of the packet that went past it, so that data filling one can
 *    be told overtaken from sent again.
 *  - The last TCP_RECENT transmissions, to tell the same packet seen twice
 *    (a network duplicate) from a resend.
 *  - How the sender numbers its IPv4 packets (see tcp_ipid_order()).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tcp_int.h"
#include "xmalloc.h"

/* Two copies of one packet closer than this with no IP ID to compare. */
#define DUP_WINDOW_NS	(2 * NS_PER_MS)
/* ... and with the same IPv4 ID: no stack resends that fast. */
#define DUP_ID_WINDOW_NS	(50 * NS_PER_MS)

/* ---- where the sequence space starts ---- */

/*
 * At the sender's SYN: its first, or one with another ISN (a new
 * incarnation), which starts the books afresh.  Without a SYN, at the
 * first packet the capture saw.
 */
void
tcp_seq_start(struct tcp_dir *D, const struct packet *pkt)
{
	uint32_t seq = pkt->tcp_seq;

	if ((pkt->tcp_flags & TH_SYN) && (!D->isn_set || seq != D->isn)) {
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
	if (!D->seq_init) {
		D->base_seq = D->high_seq = seq;
		D->seq_init = 1;
		if (!D->ack_init) {
			D->snd_una = seq;
			D->ack_init = 1;
		}
	}
}

/* ---- the ring of unacknowledged transmissions ---- */

/*
 * Make room for one more in a full ring: twice the size, or past
 * TCP_MAX_OUTSTANDING forget the oldest (it gives no RTT sample).
 */
void
tcp_seg_make_room(struct tcp_dir *D)
{
	uint32_t ncap = D->seg_cap ? D->seg_cap * 2 : 8, i;
	struct tcp_seg_rec *n;

	if (D->seg_cap >= TCP_MAX_OUTSTANDING) {
		seg_drop_oldest(D);
		return;
	}
	n = xreallocarray(NULL, ncap, sizeof *n);
	for (i = 0; i < D->seg_count; i++)
		n[i] = *seg_at(D, i);
	free(D->segs);
	D->segs = n;
	D->seg_cap = ncap;
	D->seg_head = 0;
}

/*
 * Mark [seq, end) resent at ts; returns when it was last sent before (0),
 * and in *again whether some of it had been resent already.
 */
uint64_t
tcp_seg_mark_resent(struct tcp_dir *D, uint32_t seq, uint32_t end,
    uint64_t ts, bool *again)
{
	uint64_t prev = 0;
	uint32_t i;

	*again = false;
	for (i = 0; i < D->seg_count; i++) {
		struct tcp_seg_rec *r = seg_at(D, i);

		if (seq_geq(r->seq, end))
			break;
		if (seq_leq(r->end, seq))
			continue;
		if (prev == 0 || r->last_ts > prev)
			prev = r->last_ts;
		*again |= r->retransmitted != 0;
		r->retransmitted = 1;
		r->last_ts = ts;
	}
	return prev;
}

/* [seq, end) was resent by a retransmission timeout. */
void
tcp_seg_mark_timeout(struct tcp_dir *D, uint32_t seq, uint32_t end)
{
	uint32_t i;

	for (i = 0; i < D->seg_count; i++) {
		struct tcp_seg_rec *r = seg_at(D, i);

		if (seq_geq(r->seq, end))
			break;
		if (seq_gt(r->end, seq))
			r->timeout_resent = 1;
	}
}

/* ---- holes: sequence ranges below high_seq the capture never saw ---- */

/* A hole [lo, hi), seen at ts when a packet went past it (as IPv4 ID ipid). */
void
tcp_hole_add(struct tcp_dir *D, uint32_t lo, uint32_t hi, uint64_t ts,
    uint16_t ipid, bool ipid_set)
{
	struct tcp_hole *h;

	if (D->holes == NULL)
		D->holes = xcalloc(TCP_MAX_HOLES, sizeof *D->holes);
	if (D->nholes == TCP_MAX_HOLES) {
		memmove(&D->holes[0], &D->holes[1],
		    (TCP_MAX_HOLES - 1) * sizeof D->holes[0]);
		D->nholes--;
	}
	h = &D->holes[D->nholes++];
	h->lo = lo;
	h->hi = hi;
	h->ts = ts;
	h->ipid = ipid;
	h->ipid_set = ipid_set;
}

static void
hole_remove(struct tcp_dir *D, int i)
{
	memmove(&D->holes[i], &D->holes[i + 1],
	    (size_t)(D->nholes - i - 1) * sizeof D->holes[0]);
	D->nholes--;
}

/*
 * Take [seq, end) out of the holes.  Returns the never-seen bytes it
 * covered; *oldest gets the oldest hole it touched (ts 0 if none).
 */
uint32_t
tcp_hole_fill(struct tcp_dir *D, uint32_t seq, uint32_t end,
    struct tcp_hole *oldest)
{
	uint32_t filled = 0;
	int i;

	memset(oldest, 0, sizeof *oldest);
	for (i = 0; i < D->nholes; i++) {
		struct tcp_hole h = D->holes[i];
		uint32_t olo = seq_max(h.lo, seq), ohi = seq_min(h.hi, end);

		if (!seq_lt(olo, ohi))
			continue;
		filled += ohi - olo;
		if (oldest->ts == 0 || h.ts < oldest->ts)
			*oldest = h;
		if (olo == h.lo && ohi == h.hi) {
			hole_remove(D, i--);
		} else if (olo == h.lo) {
			D->holes[i].lo = ohi;
		} else if (ohi == h.hi) {
			D->holes[i].hi = olo;
		} else {
			/* The segment splits the hole in two. */
			D->holes[i].hi = olo;
			tcp_hole_add(D, ohi, h.hi, h.ts, h.ipid, h.ipid_set);
		}
	}
	return filled;
}

/* Data up to ack arrived after all, unseen by the capture. */
void
tcp_holes_ack(struct tcp_dir *D, uint32_t ack)
{
	int i;

	for (i = 0; i < D->nholes; i++) {
		if (seq_leq(D->holes[i].hi, ack))
			hole_remove(D, i--);
		else if (seq_lt(D->holes[i].lo, ack))
			D->holes[i].lo = ack;
	}
}

/*
 * ---- recent transmissions: network duplicates ----
 *
 * tcp_recent_record() (tcp_int.h) keeps the last TCP_RECENT, inline, as
 * every packet sent is one.
 */

/* pkt is a copy of one of the last few transmissions, not a resend. */
bool
tcp_is_network_duplicate(const struct tcp_dir *D, const struct packet *pkt,
    uint32_t seglen)
{
	int i;

	for (i = 0; i < TCP_RECENT; i++) {
		int idx = (D->recent_pos + TCP_RECENT - 1 - i) % TCP_RECENT;
		const __typeof__(D->recent[0]) *r = &D->recent[idx];

		if (!r->valid || r->seq != pkt->tcp_seq || r->len != seglen ||
		    r->ack != pkt->tcp_ack || r->flags != pkt->tcp_flags ||
		    r->window != pkt->tcp_window)
			continue;
		if (pkt->tcp_opt.has_timestamp &&
		    r->tsval != pkt->tcp_opt.ts_val)
			continue;
		/*
		 * An IPv4 ID tells a copy from a resend, if close in time
		 * (some stacks resend with the same ID); without one, only an
		 * immediate, near-instant copy counts.
		 */
		if (has_ipv4_id(pkt))
			return r->ip_id == pkt->ip_id &&
			    time_between(r->ts, pkt->ts_ns) < DUP_ID_WINDOW_NS;
		return i == 0 && time_between(r->ts, pkt->ts_ns) < DUP_WINDOW_NS;
	}
	return false;
}

/*
 * ---- IPv4 identifications ----
 *
 * IPv4 identifications, to tell a segment overtaken on the way from one sent
 * again.  Most stacks number the packets they send in order (Linux per
 * connection, Windows and the BSDs per host) and give data they send again
 * a new number.  A segment filling a hole then tells by its number whether
 * it was sent before the packet that went past the hole (the network
 * reordered it) or after it (it was sent again), whatever the timing.
 * Trusted where a direction's numbers have been rising (not random, not
 * zero), unless the sender is seen sending data again under an old number
 * (some stacks keep the original's) more than now and then.  Every packet
 * counts in tcp_ipid_update() (tcp_int.h), data sent again here.
 */

/* Data seen before is sent again: under a new number or an old one. */
void
tcp_ipid_resent(struct tcp_dir *D, const struct packet *pkt)
{
	uint16_t id = (uint16_t)pkt->ip_id;

	if (!has_ipv4_id(pkt) || !D->ipid_init)
		return;
	if ((int16_t)(id - D->ipid_max) > 0)
		D->ipid_rtx_new++;
	else
		D->ipid_rtx_reused++;
}

/* What pkt's number says of the hole h it fills (see above). */
enum tcp_ipid_order
tcp_ipid_order(const struct tcp_dir *D, const struct packet *pkt,
    const struct tcp_hole *h)
{
	uint16_t id = (uint16_t)pkt->ip_id;
	int16_t after;

	if (!has_ipv4_id(pkt) || !h->ipid_set)
		return IPID_UNKNOWN;
	if (D->ipid_rising < 16 || D->ipid_other > D->ipid_rising / 16 ||
	    D->ipid_rtx_reused > D->ipid_rtx_new / 8)
		return IPID_UNKNOWN;
	after = (int16_t)(id - h->ipid);
	if (after > 0)
		return IPID_RESENT;
	if (after < 0 && after > -4096)
		return IPID_OVERTAKEN;
	return IPID_UNKNOWN;
}

/* ---- what the sequence space covered ---- */

uint64_t
tcp_dir_unique_bytes(const struct tcp_dir *D)
{
	uint32_t span;

	if (!D->seq_init || !seq_gt(D->high_seq, D->base_seq))
		return 0;
	span = D->high_seq - D->base_seq;
	if (D->fin_seen && seq_gt(D->high_seq, D->fin_seq) && span > 0)
		span--;			/* the FIN's sequence number */
	return span;
}
