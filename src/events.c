/*
 * The event log: see events.h.  Called only for packets that raised
 * something, and only when --events is given, so the records made here
 * and their formatting never touch the ordinary per-packet path.
 */
#include "config.h"

#include <stdio.h>

#include "events.h"
#include "fmt.h"

static void
emit(const struct event_log *log, const struct flow *f, enum flow_dir d,
    const struct packet *pkt, const char *kind, const char *cause,
    const struct tcp_verdict *v)
{
	const struct tcp_conn *c = flow_tcp(f);
	const struct tcp_dir *D = &c->dir[d], *P = &c->dir[!d];
	const struct format *fmt = log->fmt;
	struct event_record ev;

	ev.ts_ns = pkt->ts_ns;
	ev.packet = pkt->number;
	ev.flow = f->id;
	ev.dir = d;
	ev.kind = kind;
	ev.cause = cause;
	ev.seq = pkt->tcp_seq - (D->isn_set ? D->isn : 0);
	ev.len = pkt->payload_len;
	ev.has_ack = (pkt->tcp_flags & TH_ACK) != 0;
	ev.ack = pkt->tcp_ack - (P->isn_set ? P->isn : 0);
	ev.since_original_ns = cause != NULL ? v->since_original_ns : 0;
	fmt->event(log->out, &ev);
}

void
event_log_packet(void *ctx, const struct flow *f, enum flow_dir d,
    const struct packet *pkt, const void *detail)
{
	static const struct {
		enum tcp_event	 ev;
		const char	*name;
	} bits[] = {
		{ TEV_DUP_ACK, "dup_ack" },
		{ TEV_ZERO_WINDOW, "zero_window" },
		{ TEV_WINDOW_FULL, "window_full" },
		{ TEV_WINDOW_UPDATE, "window_update" },
		{ TEV_ACKED_UNSEEN, "ack_of_unseen_data" },
		{ TEV_DSACK, "dsack" },
		{ TEV_RST, "rst" },
	};
	const struct event_log *log = ctx;
	const struct tcp_verdict *v = detail;
	size_t i;

	if (flow_tcp(f) == NULL)
		return;		/* only TCP raises events so far */
	switch (v->seg_class) {
	case SEG_RETRANSMISSION:
		emit(log, f, d, pkt,
		    (v->events & (1u << TEV_SYN_RETRANSMISSION)) ?
		    "syn_retransmission" : "retransmission",
		    tcp_rtx_cause_name((enum tcp_rtx_cause)v->cause), v);
		break;
	case SEG_OUT_OF_ORDER:
		emit(log, f, d, pkt, "out_of_order", NULL, v);
		break;
	case SEG_NETWORK_DUPLICATE:
		emit(log, f, d, pkt, "network_duplicate", NULL, v);
		break;
	case SEG_AFTER_GAP:
		emit(log, f, d, pkt, "previous_segment_not_captured", NULL, v);
		break;
	case SEG_KEEP_ALIVE:
		emit(log, f, d, pkt, "keep_alive", NULL, v);
		break;
	case SEG_ZERO_WINDOW_PROBE:
		emit(log, f, d, pkt, "zero_window_probe", NULL, v);
		break;
	default:
		break;
	}
	for (i = 0; i < sizeof bits / sizeof bits[0]; i++)
		if (v->events & (1u << bits[i].ev))
			emit(log, f, d, pkt, bits[i].name, NULL, v);
}
