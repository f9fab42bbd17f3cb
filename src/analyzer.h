/*
 * The analysis pipeline for one run: a raw frame goes through decode, the
 * flow table and the TCP analysis, and the capture summary counts it.
 * main() and the tests drive it the same way: analyzer_frame() per frame,
 * analyzer_finish() at the end of input, then the reporters read it.
 *
 * The analyzer owns the flow table and everything in it.
 */
#ifndef TRANSCOPE_ANALYZER_H
#define TRANSCOPE_ANALYZER_H

#include <stdint.h>

#include "flow.h"
#include "packet.h"
#include "source.h"
#include "tcp.h"

#define ANALYZER_MAX_LINK_TYPES	16

struct capture_stats {
	uint64_t	packets;
	uint64_t	wire_bytes;
	uint64_t	captured_bytes;
	uint64_t	first_ts;
	uint64_t	last_ts;
	uint64_t	time_backwards;		/* frames older than the one before */
	uint64_t	kinds[PK_MAX];
	uint64_t	undecoded[DR_MAX];
	uint64_t	anomalies[PA_MAX];
	int		nlinks;
	struct {
		int		dlt;
		uint64_t	packets;
	}		links[ANALYZER_MAX_LINK_TYPES];
	uint64_t	other_link_packets;	/* past ANALYZER_MAX_LINK_TYPES */
};

struct analyzer {
	struct capture_stats stats;
	struct flow_table *flows;
	struct tcp_config tcp;
	uint64_t	prev_ts;
};

void	analyzer_init(struct analyzer *, const struct tcp_config *);
void	analyzer_frame(struct analyzer *, const struct raw_frame *);
void	analyzer_finish(struct analyzer *);
void	analyzer_free(struct analyzer *);

/* Zeek conn_state of any flow (TCP or UDP), and its history string. */
const char *flow_state(const struct flow *);
const char *flow_history(const struct flow *, char *buf, size_t len);

#endif
