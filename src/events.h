/*
 * --events: one line per analysis event (a retransmission with its cause,
 * out-of-order, duplicate ACK, zero window, RST, ...), as text or NDJSON,
 * like tshark's expert info.  The analyzer decides what happened; this
 * module turns a TCP verdict into typed event records, and the report
 * format's event() (fmt.h) writes each as a line: the event log has no
 * format of its own.
 */
#ifndef TRANSCOPE_EVENTS_H
#define TRANSCOPE_EVENTS_H

#include <stdbool.h>
#include <stdio.h>

#include "flow.h"
#include "packet.h"
#include "tcp.h"

/* The lines are written by the report's format (fmt.h): its event(). */
struct format;

struct event_log {
	FILE			*out;
	const struct format	*fmt;
};

/* One event of one packet. */
struct event_record {
	uint64_t	 ts_ns;
	uint64_t	 packet;	/* 1-based position in the input */
	uint64_t	 flow;		/* the flow's id */
	enum flow_dir	 dir;
	const char	*kind;		/* "retransmission", "dup_ack", ... */
	const char	*cause;		/* retransmissions: why; else NULL */
	uint32_t	 seq;		/* relative to the sender's ISN */
	uint32_t	 len;		/* payload */
	bool		 has_ack;
	uint32_t	 ack;		/* relative to the receiver's ISN */
	uint64_t	 since_original_ns; /* a retransmission: since the
					       original was sent; 0 unknown */
};

/*
 * A flow_event_fn for the analyzer: ctx is a struct event_log, detail a
 * struct tcp_verdict for a TCP flow.
 */
void	event_log_packet(void *ctx, const struct flow *, enum flow_dir,
	    const struct packet *, const void *detail);

#endif
