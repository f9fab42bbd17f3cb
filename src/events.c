/*
 * The event log: see events.h.  Called only for packets that raised
 * something, and only when --events is given, so the formatting here never
 * touches the ordinary per-packet path.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "events.h"
#include "fmtutil.h"
#include "jsonw.h"

/* One event as an NDJSON line. */
static void
emit_json(FILE *out, const struct flow *f, const char *dir,
    const struct packet *pkt, const char *kind, const char *cause,
    const struct tcp_verdict *v, uint32_t rseq, uint32_t rack)
{
	struct jw w;

	memset(&w, 0, sizeof w);
	jw_reset(&w);
	jw_obj_begin(&w, NULL);
	jw_seconds(&w, "ts", pkt->ts_ns);
	jw_u64(&w, "packet", pkt->number);
	jw_u64(&w, "flow", f->id);
	jw_str(&w, "dir", dir);
	jw_str(&w, "event", kind);
	if (cause != NULL)
		jw_str(&w, "cause", cause);
	jw_u64(&w, "seq", rseq);
	jw_u64(&w, "len", pkt->payload_len);
	if (pkt->tcp_flags & TH_ACK)
		jw_u64(&w, "ack", rack);
	if (cause != NULL && v->since_original_ns)
		jw_seconds(&w, "since_original_s", v->since_original_ns);
	jw_obj_end(&w);
	jw_char(&w, '\n');
	fwrite(w.buf, 1, w.len, out);
	jw_free(&w);
}

static void
emit(const struct event_log *log, const struct flow *f, enum flow_dir d,
    const struct packet *pkt, const char *kind, const char *cause,
    const struct tcp_verdict *v)
{
	const struct tcp_conn *c = flow_tcp(f);
	const struct tcp_dir *D = &c->dir[d], *P = &c->dir[!d];
	uint32_t rseq = pkt->tcp_seq - (D->isn_set ? D->isn : 0);
	uint32_t rack = pkt->tcp_ack - (P->isn_set ? P->isn : 0);
	const char *dir = d == DIR_C2S ? "c2s" : "s2c";
	char ts[FORMAT_SECONDS_MAX];

	if (log->json) {
		emit_json(log->out, f, dir, pkt, kind, cause, v, rseq, rack);
		return;
	}
	fprintf(log->out, "%s #%" PRIu64 " flow %" PRIu64 " %s %s",
	    format_seconds(pkt->ts_ns, ts), pkt->number, f->id, dir, kind);
	if (cause != NULL)
		fprintf(log->out, " cause=%s", cause);
	fprintf(log->out, " seq=%" PRIu32 " len=%" PRIu32, rseq,
	    pkt->payload_len);
	if (pkt->tcp_flags & TH_ACK)
		fprintf(log->out, " ack=%" PRIu32, rack);
	if (cause != NULL && v->since_original_ns)
		fprintf(log->out, " since=%.6f", ns_to_s(v->since_original_ns));
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
