/*
 * The per-frame pipeline: see analyzer.h.  This is the hot path: it does no
 * allocation except when a new flow appears, and no formatting.
 */
#include "config.h"

#include <string.h>

#include "analyzer.h"
#include "decode.h"
#include "flow.h"
#include "proto.h"

void
analyzer_init(struct analyzer *an, const struct tcp_config *cfg)
{
	memset(an, 0, sizeof *an);
	an->flows = flow_table_new();
	flow_table_count_tunnels(an->flows, &an->tunnels);
	if (cfg != NULL)
		an->tcp = *cfg;
	else
		tcp_config_default(&an->tcp);
	an->proto_env[PROTO_TCP].config = &an->tcp;
}

void
analyzer_set_events(struct analyzer *an, flow_event_fn fn, void *ctx)
{
	int id;

	for (id = 0; id < PROTO_MAX; id++) {
		an->proto_env[id].on_event = fn;
		an->proto_env[id].event_ctx = ctx;
	}
}

#define NS_PER_S	1000000000ULL

void
analyzer_config_default(struct analyzer_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->timeout_ns[FTC_EMBRYONIC] = 30 * NS_PER_S;
	cfg->timeout_ns[FTC_ESTABLISHED] = 3600 * NS_PER_S;
	cfg->timeout_ns[FTC_CLOSED] = 10 * NS_PER_S;
	cfg->timeout_ns[FTC_FINISHED] = NS_PER_S;
	cfg->timeout_ns[FTC_UDP] = 60 * NS_PER_S;
}

void
analyzer_set_final(struct analyzer *an, const struct analyzer_config *cfg,
    flow_final_fn fn, void *ctx)
{
	if (cfg != NULL)
		an->cfg = *cfg;
	else
		analyzer_config_default(&an->cfg);
	an->on_final = fn;
	an->final_ctx = ctx;
}

/* Hand a finished flow to the callback and free it. */
static void
flow_finalize(struct analyzer *an, struct flow *f)
{
	if (f->proto->finish != NULL)
		f->proto->finish(f, f->last_ts);
	/* Out of the table first: a callback that keeps f may pass it on. */
	flow_table_release(an->flows, f);
	if (!an->on_final(an->final_ctx, f))
		flow_free(f);
}

/* Finalize every flow idle past its class's timeout at capture time now. */
static void
analyzer_expire(struct analyzer *an, uint64_t now)
{
	int c;

	for (c = 0; c < FTC_MAX; c++) {
		struct flow *f;

		while ((f = flow_table_idlest(an->flows,
		    (enum flow_timeout_class)c)) != NULL &&
		    f->last_ts + an->cfg.timeout_ns[c] <= now) {
			an->flows_expired++;
			flow_finalize(an, f);
		}
	}
}

/* Make room under max_flows: the idlest of the least valuable class goes. */
static void
analyzer_evict(struct analyzer *an)
{
	static const enum flow_timeout_class order[] = {
		FTC_FINISHED, FTC_CLOSED, FTC_EMBRYONIC, FTC_UDP,
		FTC_ESTABLISHED
	};
	size_t i;

	for (i = 0; i < sizeof order / sizeof order[0]; i++) {
		struct flow *f = flow_table_idlest(an->flows, order[i]);

		if (f != NULL) {
			an->flows_evicted++;
			flow_finalize(an, f);
			return;
		}
	}
}

void
analyzer_free(struct analyzer *an)
{
	flow_table_free(an->flows);
	an->flows = NULL;
	tunnels_free(&an->tunnels);
}

static void
count_link_type(struct capture_stats *st, int dlt)
{
	int i;

	for (i = 0; i < st->nlinks; i++) {
		if (st->links[i].dlt == dlt) {
			st->links[i].packets++;
			return;
		}
	}
	if (st->nlinks == ANALYZER_MAX_LINK_TYPES) {
		st->other_link_packets++;
		return;
	}
	st->links[st->nlinks].dlt = dlt;
	st->links[st->nlinks].packets = 1;
	st->nlinks++;
}

static void
count_frame(struct analyzer *an, const struct packet *pkt)
{
	struct capture_stats *st = &an->stats;

	st->packets++;
	st->wire_bytes += pkt->wirelen;
	st->captured_bytes += pkt->caplen;
	if (st->packets == 1 || pkt->ts_ns < st->first_ts)
		st->first_ts = pkt->ts_ns;
	if (pkt->ts_ns > st->last_ts)
		st->last_ts = pkt->ts_ns;
	if (st->packets > 1 && pkt->ts_ns < an->prev_ts)
		st->time_backwards++;
	an->prev_ts = pkt->ts_ns;
	if (st->nlinks > 0 && st->links[0].dlt == pkt->dlt)
		st->links[0].packets++;		/* nearly always */
	else
		count_link_type(st, pkt->dlt);
}

static void
count_packet(struct capture_stats *st, const struct packet *pkt)
{
	uint32_t a = pkt->anomalies;

	st->kinds[pkt->kind]++;
	if (pkt->kind == PK_UNDECODED)
		st->undecoded[pkt->reason]++;
	while (a != 0) {
		int bit = __builtin_ctz(a);

		st->anomalies[bit]++;
		a &= a - 1;
	}
}

static struct flow *
flow_for(struct analyzer *an, const struct packet *pkt, enum flow_dir *dir)
{
	struct flow *f = flow_table_lookup(an->flows, pkt, dir);

	if (f != NULL && f->proto->is_reuse != NULL &&
	    f->proto->is_reuse(f, pkt, *dir)) {
		/* Same 4-tuple, new connection: the old flow is complete. */
		if (an->on_final != NULL)
			flow_finalize(an, f);
		else {
			if (f->proto->finish != NULL)
				f->proto->finish(f, f->last_ts);
			flow_table_detach(an->flows, f);
		}
		f = NULL;
	}
	if (f == NULL) {
		if (an->on_final != NULL && an->cfg.max_flows != 0 &&
		    flow_table_live(an->flows) >= an->cfg.max_flows)
			analyzer_evict(an);
		f = flow_table_create(an->flows, pkt, dir);
	}
	return f;
}

void
analyzer_frame(struct analyzer *an, const struct raw_frame *fr)
{
	struct packet pkt;

	pkt.ts_ns = fr->ts_ns;
	pkt.number = 0;
	decode_packet(fr->dlt, fr->data, fr->caplen, fr->len, &pkt);
	analyzer_packet(an, &pkt);
}

void
analyzer_packet(struct analyzer *an, struct packet *pkt)
{
	struct flow *f;
	struct flow_dir_stats *ds;
	enum flow_dir dir;

	count_frame(an, pkt);
	pkt->number = an->stats.packets;
	count_packet(&an->stats, pkt);
	if (an->on_final != NULL && pkt->ts_ns >= an->next_expiry_ts) {
		/*
		 * Ten times a second of capture time: it only looks at the head
		 * of each list, and finished flows then wait little longer
		 * than their timeout, which is what bounds memory.
		 */
		analyzer_expire(an, pkt->ts_ns);
		an->next_expiry_ts = pkt->ts_ns + NS_PER_S / 10;
	}
	if (proto_for_packet(pkt) == NULL) {
		/* A flow's packets are counted by the flow table's lookup. */
		if (pkt->encap_depth != 0)
			tunnels_count(&an->tunnels, pkt);
		return;
	}

	f = flow_for(an, pkt, &dir);
	ds = &f->dir[dir];
	if (ds->packets == 0)
		ds->first_ts = pkt->ts_ns;
	ds->packets++;
	ds->bytes += pkt->ip_len;
	ds->payload_bytes += pkt->payload_len;
	ds->last_ts = pkt->ts_ns;
	if (pkt->ts_ns > f->last_ts)
		f->last_ts = pkt->ts_ns;
	flow_table_touch(an->flows, f, f->proto->packet(f, pkt, dir,
	    &an->proto_env[f->proto->id]));
}

void
analyzer_finish(struct analyzer *an)
{
	struct flow *f;

	if (an->on_final != NULL) {
		/* The end of input finishes every flow still open. */
		while ((f = flow_table_first(an->flows)) != NULL)
			flow_finalize(an, f);
		return;
	}
	for (f = flow_table_first(an->flows); f != NULL; f = f->next)
		if (f->proto->finish != NULL && f->in_table)
			f->proto->finish(f, f->last_ts);
}
