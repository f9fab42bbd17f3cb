/*
 * The per-frame pipeline: see analyzer.h.  This is the hot path: it does no
 * allocation except when a new flow appears, and no formatting.
 */
#include "config.h"

#include <string.h>

#include "analyzer.h"
#include "decode.h"
#include "flow.h"
#include "tcp.h"

void
analyzer_init(struct analyzer *an, const struct tcp_config *cfg)
{
	memset(an, 0, sizeof *an);
	an->flows = flow_table_new();
	if (cfg != NULL)
		an->tcp = *cfg;
	else
		tcp_config_default(&an->tcp);
}

void
analyzer_free(struct analyzer *an)
{
	flow_table_free(an->flows);
	an->flows = NULL;
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
count_frame(struct analyzer *an, const struct raw_frame *fr)
{
	struct capture_stats *st = &an->stats;

	st->packets++;
	st->wire_bytes += fr->len;
	st->captured_bytes += fr->caplen;
	if (st->packets == 1 || fr->ts_ns < st->first_ts)
		st->first_ts = fr->ts_ns;
	if (fr->ts_ns > st->last_ts)
		st->last_ts = fr->ts_ns;
	if (st->packets > 1 && fr->ts_ns < an->prev_ts)
		st->time_backwards++;
	an->prev_ts = fr->ts_ns;
	count_link_type(st, fr->dlt);
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

	if (f != NULL && f->tcp != NULL && tcp_conn_is_reuse(f->tcp, pkt, *dir)) {
		/* Same 4-tuple, new connection: the old flow is complete. */
		tcp_conn_finish(f->tcp, f->last_ts);
		flow_table_detach(an->flows, f);
		f = NULL;
	}
	if (f == NULL) {
		f = flow_table_create(an->flows, pkt, dir);
		if (pkt->kind == PK_TCP)
			f->tcp = tcp_conn_new(f->role_source == ROLE_SYNACK ||
			    f->role_source == ROLE_PORTS);
	}
	return f;
}

void
analyzer_frame(struct analyzer *an, const struct raw_frame *fr)
{
	struct packet pkt;
	struct flow *f;
	struct flow_dir_stats *ds;
	enum flow_dir dir;

	count_frame(an, fr);
	pkt.ts_ns = fr->ts_ns;
	pkt.number = an->stats.packets;
	decode_packet(fr->dlt, fr->data, fr->caplen, fr->len, &pkt);
	count_packet(&an->stats, &pkt);
	if (pkt.kind != PK_TCP && pkt.kind != PK_UDP)
		return;

	f = flow_for(an, &pkt, &dir);
	ds = &f->dir[dir];
	if (ds->packets == 0)
		ds->first_ts = pkt.ts_ns;
	ds->packets++;
	ds->bytes += pkt.ip_len;
	ds->payload_bytes += pkt.payload_len;
	ds->last_ts = pkt.ts_ns;
	if (pkt.ts_ns > f->last_ts)
		f->last_ts = pkt.ts_ns;
	if (f->tcp != NULL) {
		struct tcp_verdict v;

		tcp_conn_packet(f->tcp, &an->tcp, &pkt, dir, &v);
	}
}

void
analyzer_finish(struct analyzer *an)
{
	struct flow *f;

	for (f = flow_table_first(an->flows); f != NULL; f = f->next)
		if (f->tcp != NULL && f->in_table)
			tcp_conn_finish(f->tcp, an->stats.last_ts);
}

/* UDP has no handshake: Zeek's rule is who sent anything. */
static const char *
udp_state(const struct flow *f)
{
	bool orig = f->dir[DIR_C2S].packets > 0;
	bool resp = f->dir[DIR_S2C].packets > 0;

	if (orig)
		return resp ? "SF" : "S0";
	return resp ? "SHR" : "OTH";
}

const char *
flow_state(const struct flow *f)
{
	return f->tcp != NULL ? tcp_conn_state(f->tcp) : udp_state(f);
}

const char *
flow_history(const struct flow *f, char *buf, size_t len)
{
	size_t n = 0;

	if (f->tcp != NULL)
		return f->tcp->history;
	/* UDP: D/d for each side that sent, in the order they did. */
	if (f->role_source == ROLE_PORTS && n + 1 < len)
		buf[n++] = '^';
	if (f->dir[DIR_C2S].packets && f->dir[DIR_S2C].packets &&
	    f->dir[DIR_S2C].first_ts < f->dir[DIR_C2S].first_ts) {
		if (n + 2 < len) {
			buf[n++] = 'd';
			buf[n++] = 'D';
		}
	} else {
		if (f->dir[DIR_C2S].packets && n + 1 < len)
			buf[n++] = 'D';
		if (f->dir[DIR_S2C].packets && n + 1 < len)
			buf[n++] = 'd';
	}
	buf[n] = '\0';
	return buf;
}
