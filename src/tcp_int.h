/*
 * What the TCP analysis files share and reporters never see.  tcp.h is the
 * interface; this header is the seams between the files that implement it:
 *
 *   tcp.c          connection life, endpoint states, the per-packet order
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

#endif
