/*
 * Aggregates over the reported flows, for --assert and the report's summary:
 * counts, per-state counts, and distributions (handshake RTT, per-direction
 * mean RTT, duration) kept as bounded histograms (struct rtt_stats).
 * Fed one finished flow at a time; holds no pointer to any flow.
 */
#ifndef TRANSCOPE_SUMMARY_H
#define TRANSCOPE_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>

#include "flow.h"
#include "rtt.h"
#include "tcp.h"

#define SUMMARY_STATES(X)						\
	X(S0) X(S1) X(SF) X(REJ) X(S2) X(S3) X(RSTO) X(RSTR) X(RSTOS0)	\
	X(RSTRH) X(SH) X(SHR) X(OTH)

#define X_ENUM(s) ST_##s,
enum summary_state { SUMMARY_STATES(X_ENUM) ST_MAX };
#undef X_ENUM

struct report_summary {
	uint64_t	flows;
	uint64_t	tcp_flows;
	uint64_t	udp_flows;
	uint64_t	packets;
	uint64_t	bytes;
	uint64_t	state[ST_MAX];
	uint64_t	retransmissions[RTX_CAUSES];
	uint64_t	retransmissions_total;
	uint64_t	data_segments;
	uint64_t	out_of_order;
	uint64_t	lost_segments;
	uint64_t	network_duplicates;
	uint64_t	dup_acks;
	uint64_t	zero_windows;
	uint64_t	handshakes_complete;
	uint64_t	syn_retries;
	uint64_t	closed_by_rst;
	struct rtt_stats handshake_rtt;		/* ns, per flow */
	struct rtt_stats handshake_client_rtt;
	struct rtt_stats handshake_server_rtt;
	struct rtt_stats rtt;			/* per-direction mean RTT */
	struct rtt_stats duration;		/* per flow */
};

void		 summary_add(struct report_summary *, const struct flow *);
void		 summary_free(struct report_summary *);
const char	*summary_state_name(enum summary_state);

/* Retransmissions per data segment sent (0 without data). */
double		 summary_retransmission_rate(const struct report_summary *);

#endif
