/*
 * The event log: see events.h.  Called only for packets that raised
 * something, and only when --events is given, so the formatting here never
 * touches the ordinary per-packet path.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "events.h"

static void
emit(const struct event_log *log, const struct flow *f, enum flow_dir d,
    const struct packet *pkt, const char *kind, const char *cause,
    const struct tcp_verdict *v)
{
	const struct tcp_conn *c = flow_tcp(f);
	const struct tcp_dir *D = &c->dir[d], *P = &c->dir[!d];
	uint32_t rseq = pkt->tcp_seq - (D->isn_set ? D->isn : 0);
	uint32_t rack = pkt->tcp_ack - (P->isn_set ? P->isn : 0);
	uint64_t s = pkt->ts_ns / 1000000000u, us = pkt->ts_ns % 1000000000u /
	    1000u;
	const char *dir = d == DIR_C2S ? "c2s" : "s2c";

	if (log->json) {
		fprintf(log->out, "{\"ts\":%" PRIu64 ".%06" PRIu64
		    ",\"packet\":%" PRIu64 ",\"flow\":%" PRIu64
		    ",\"dir\":\"%s\",\"event\":\"%s\"", s, us, pkt->number,
		    f->id, dir, kind);
		if (cause != NULL)
			fprintf(log->out, ",\"cause\":\"%s\"", cause);
		fprintf(log->out, ",\"seq\":%" PRIu32 ",\"len\":%" PRIu32,
		    rseq, pkt->payload_len);
		if (pkt->tcp_flags & TH_ACK)
			fprintf(log->out, ",\"ack\":%" PRIu32, rack);
		if (cause != NULL && v->since_original_ns)
			fprintf(log->out, ",\"since_original_s\":%" PRIu64
			    ".%06" PRIu64, v->since_original_ns / 1000000000u,
			    v->since_original_ns % 1000000000u / 1000u);
		fputs("}\n", log->out);
		return;
	}
	fprintf(log->out, "%" PRIu64 ".%06" PRIu64 " #%" PRIu64 " flow %"
	    PRIu64 " %s %s", s, us, pkt->number, f->id, dir, kind);
	if (cause != NULL)
		fprintf(log->out, " cause=%s", cause);
	fprintf(log->out, " seq=%" PRIu32 " len=%" PRIu32, rseq,
	    pkt->payload_len);
	if (pkt->tcp_flags & TH_ACK)
		fprintf(log->out, " ack=%" PRIu32, rack);
	if (cause != NULL && v->since_original_ns)
		fprintf(log->out, " since=%.6f", (double)v->since_original_ns /
		    1e9);
	fputc('\n', log->out);
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
