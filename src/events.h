/*
 * --events: one line per analysis event (a retransmission with its cause,
 * out-of-order, duplicate ACK, zero window, RST, ...), as text or NDJSON,
 * like tshark's expert info.  Only formats; the analyzer decides.
 */
#ifndef TRANSCOPE_EVENTS_H
#define TRANSCOPE_EVENTS_H

#include <stdbool.h>
#include <stdio.h>

#include "flow.h"
#include "packet.h"
#include "tcp.h"

struct event_log {
	FILE	*out;
	bool	 json;
};

/*
 * A flow_event_fn for the analyzer: ctx is a struct event_log, detail a
 * struct tcp_verdict for a TCP flow.
 */
void	event_log_packet(void *ctx, const struct flow *, enum flow_dir,
	    const struct packet *, const void *detail);

#endif
