/*
 * What the TCP analysis files share and reporters never see.  tcp.h is the
 * interface; this header is the seams between the files that implement it:
 *
 *   tcp.c          connection life, endpoint states, the per-packet order
 *   tcp_history.c  Zeek's history letters and conn_state
 *
 * One packet goes through them in a fixed order (tcp_conn_packet()), and
 * the order is part of the rules: each step sees the state the steps before
 * it left.
 *
 * The helpers below run on every packet and are small; they are static
 * inline here so that the split into files costs the per-packet path no
 * calls (bench/ measures it against a bare libpcap loop).
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

/* ---- tcp_history.c ---- */

/* Letters added once per side: a bit each in hist_once[]. */
enum tcp_hist_bit {
	HB_SYN = 0x01, HB_FIN = 0x02, HB_RST = 0x04, HB_DATA = 0x08,
	HB_ACK = 0x10, HB_MULTI = 0x20, HB_FINRST = 0x40
};

void	tcp_history_letters(struct tcp_conn *, const struct packet *,
	    enum flow_dir);

/*
 * The letters pkt, sent in direction d, adds to the history.  Most packets
 * add none: data or an ACK after the side's first, decided here, inline,
 * as it is for every packet.
 */
static inline void
tcp_history_update(struct tcp_conn *c, const struct packet *pkt,
    enum flow_dir d)
{
	uint8_t fl = pkt->tcp_flags;
	unsigned bit;

	if (!(fl & (TH_SYN | TH_FIN | TH_RST))) {
		bit = pkt->payload_len > 0 ? HB_DATA : (fl & TH_ACK) ? HB_ACK : 0;
		if (bit == 0 || (c->hist_once[d] & bit))
			return;
	}
	tcp_history_letters(c, pkt, d);
}

/* Letters that repeat at the 1st, 10th, 100th ... time (hist_scaled[]). */
enum tcp_hist_repeat {
	HIST_RETRANSMISSION,	/* t */
	HIST_GAP,		/* g */
	HIST_ZERO_WINDOW	/* w */
};
void	tcp_history_repeat(struct tcp_conn *, enum flow_dir,
	    enum tcp_hist_repeat);

#endif
