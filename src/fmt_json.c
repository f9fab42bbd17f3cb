/*
 * The JSON format (fmt.h): the report document, the interval records and
 * the event log's NDJSON lines, all written with jsonw (never json-c, which
 * is for reading).  The document puts the flows first, everything known
 * only at the end after them, so flow records can stream as flows finish.
 * Numbers that are times are written from integer nanoseconds with
 * exactly six decimals, so output is reproducible and free of binary
 * floating-point noise.  Field meanings: doc/json-schema.md.
 *
 * One function per section of a flow record (endpoints, handshake, close,
 * each direction, RTT statistics, RTO), so that a table of metrics can
 * drive them later.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "events.h"
#include "fmt.h"
#include "fmt_finding.h"
#include "fmtutil.h"
#include "jsonw.h"
#include "services.h"
#include "tcp.h"

/* A time that may be unknown. */
static void
w_seconds_or_null(struct jw *w, const char *key, bool known, uint64_t ns)
{
	if (known)
		jw_seconds(w, key, ns);
	else
		jw_null(w, key);
}

/* A tunnel layer's members: type, outer {src, dst} (or null), id. */
static void
w_tunnel_layer_members(struct jw *w, const struct encap_layer *l)
{
	char buf[FORMAT_ADDR_MAX];

	jw_str(w, "type", tunnel_type_name(l->type));
	if (tunnel_has_addrs(l)) {
		jw_obj_begin(w, "outer");
		format_addr(l->src, l->ip_version, buf, sizeof buf);
		jw_str(w, "src", buf);
		format_addr(l->dst, l->ip_version, buf, sizeof buf);
		jw_str(w, "dst", buf);
		jw_obj_end(w);
	} else
		jw_null(w, "outer");
	if (tunnel_has_id(l))
		jw_u64(w, "id", l->id);
	else
		jw_null(w, "id");
}

/* A list of tunnel layers, outermost first. */
static void
w_tunnel_layers(struct jw *w, const char *key, const struct encap_layer *l,
    unsigned n)
{
	unsigned i;

	jw_arr_begin(w, key);
	for (i = 0; i < n; i++) {
		jw_obj_begin(w, NULL);
		w_tunnel_layer_members(w, &l[i]);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static void
w_endpoint(struct jw *w, const char *key, const uint8_t *addr, int ipv,
    uint16_t port)
{
	char buf[64];

	format_addr(addr, ipv, buf, sizeof buf);
	jw_obj_begin(w, key);
	jw_str(w, "ip", buf);
	jw_int(w, "port", port);
	jw_obj_end(w);
}

/* RTT statistics; with extra, also p90_s and p99_s (the summary's). */
static void
w_stats(struct jw *w, const char *key, const struct rtt_stats *s, bool extra)
{
	bool any = s->samples > 0;

	jw_obj_begin(w, key);
	jw_u64(w, "samples", s->samples);
	w_seconds_or_null(w, "min_s", any, s->min_ns);
	if (any)
		jw_fixed(w, "mean_s", rtt_stats_mean(s) / 1e9, 9);
	else
		jw_null(w, "mean_s");
	w_seconds_or_null(w, "max_s", any, s->max_ns);
	if (any)
		jw_fixed(w, "stddev_s", rtt_stats_stddev(s) / 1e9, 9);
	else
		jw_null(w, "stddev_s");
	w_seconds_or_null(w, "p50_s", any, rtt_stats_percentile(s, 50));
	w_seconds_or_null(w, "p95_s", any, rtt_stats_percentile(s, 95));
	if (extra) {
		w_seconds_or_null(w, "p90_s", any, rtt_stats_percentile(s, 90));
		w_seconds_or_null(w, "p99_s", any, rtt_stats_percentile(s, 99));
	}
	jw_obj_end(w);
}

static void
w_rto(struct jw *w, const struct tcp_dir *D)
{
	const struct rto_estimator *e = &D->rto;

	jw_obj_begin(w, "rto");
	w_seconds_or_null(w, "srtt_s", e->have_sample, e->srtt_ns);
	w_seconds_or_null(w, "rttvar_s", e->have_sample, e->rttvar_ns);
	jw_seconds(w, "rto_s", e->rto_ns);
	w_seconds_or_null(w, "min_rto_s", e->have_sample, e->min_rto_ns);
	w_seconds_or_null(w, "max_rto_s", e->have_sample, e->max_rto_ns);
	jw_u64(w, "timeouts", D->c.rto_timeouts);
	w_seconds_or_null(w, "observed_min_s", D->c.observed_rto_min_ns != 0,
	    D->c.observed_rto_min_ns);
	w_seconds_or_null(w, "observed_max_s", D->c.observed_rto_max_ns != 0,
	    D->c.observed_rto_max_ns);
	jw_u64(w, "max_backoff", D->c.max_backoff);
	jw_u64(w, "timeouts_below_estimate", D->c.rto_below_estimate);
	jw_obj_end(w);
}

static void
w_tcp_dir(struct jw *w, const struct flow *f, enum flow_dir d)
{
	const struct tcp_conn *c = flow_tcp(f);
	const struct tcp_dir *D = &c->dir[d];
	const struct tcp_dir_counters *k = &D->c;
	uint64_t dur = f->last_ts - f->first_ts, unique = tcp_dir_unique_bytes(D);
	int i;

	jw_u64(w, "data_segments", k->data_segments);
	jw_u64(w, "pure_acks", k->pure_acks);
	jw_u64(w, "syn", k->syns);
	jw_u64(w, "fin", k->fins);
	jw_u64(w, "rst", k->rsts);
	jw_obj_begin(w, "retransmissions");
	jw_u64(w, "total", k->retransmissions_total);
	for (i = 0; i < RTX_CAUSES; i++)
		jw_u64(w, tcp_rtx_cause_name((enum tcp_rtx_cause)i),
		    k->retransmissions[i]);
	jw_u64(w, "bytes", k->retransmitted_bytes);
	jw_obj_end(w);
	jw_u64(w, "out_of_order", k->out_of_order);
	jw_u64(w, "network_duplicates", k->network_duplicates);
	jw_u64(w, "lost_segments", k->lost_segments);
	jw_u64(w, "lost_bytes", k->lost_bytes);
	jw_u64(w, "dup_acks", k->dup_acks);
	jw_u64(w, "max_dup_ack_run", k->max_dup_ack_run);
	jw_u64(w, "acked_unseen", k->acked_unseen);
	jw_obj_begin(w, "zero_window");
	jw_u64(w, "count", k->zero_window_count);
	jw_seconds(w, "duration_s", k->zero_window_ns);
	jw_u64(w, "probes", k->zero_window_probes);
	jw_obj_end(w);
	jw_u64(w, "window_full", k->window_full);
	jw_u64(w, "window_updates", k->window_updates);
	jw_u64(w, "keep_alives", k->keep_alives);
	jw_u64(w, "dsacks", k->dsacks);
	w_stats(w, "rtt", &D->rtt, false);
	w_stats(w, "ts_rtt", &D->ts_rtt, false);
	w_rto(w, D);
	if (D->isn_set)
		jw_u64(w, "isn", D->isn);
	else
		jw_null(w, "isn");
	if (D->has_mss)
		jw_int(w, "mss", D->mss);
	else
		jw_null(w, "mss");
	if (D->has_wscale)
		jw_int(w, "wscale", D->wscale);
	else
		jw_null(w, "wscale");
	jw_bool(w, "sack_permitted", tcp_conn_sack_ok(c));
	jw_bool(w, "timestamps", tcp_conn_timestamps_ok(c));
	jw_obj_begin(w, "ecn");
	jw_u64(w, "ect0", k->ect0);
	jw_u64(w, "ect1", k->ect1);
	jw_u64(w, "ce", k->ce);
	jw_u64(w, "ece", k->ece);
	jw_u64(w, "cwr", k->cwr);
	jw_obj_end(w);
	jw_u64(w, "max_bytes_in_flight", k->max_in_flight);
	if (k->in_flight_samples)
		jw_fixed(w, "mean_bytes_in_flight", (double)k->sum_in_flight /
		    (double)k->in_flight_samples, 1);
	else
		jw_u64(w, "mean_bytes_in_flight", 0);
	jw_obj_begin(w, "adv_window");
	if (D->window_known) {
		jw_u64(w, "min", k->adv_window_min);
		jw_u64(w, "max", k->adv_window_max);
	} else {
		jw_null(w, "min");
		jw_null(w, "max");
	}
	jw_obj_end(w);
	jw_u64(w, "unique_payload_bytes", unique);
	jw_fixed(w, "throughput_bps", dur ?
	    (double)f->dir[d].payload_bytes * 8e9 / (double)dur : 0.0, 1);
	jw_fixed(w, "goodput_bps", dur ?
	    (double)unique * 8e9 / (double)dur : 0.0, 1);
}

static void
w_dir(struct jw *w, const char *key, const struct flow *f, enum flow_dir d)
{
	const struct flow_dir_stats *s = &f->dir[d];

	jw_obj_begin(w, key);
	jw_u64(w, "packets", s->packets);
	jw_u64(w, "bytes", s->bytes);
	jw_u64(w, "payload_bytes", s->payload_bytes);
	if (flow_tcp(f) != NULL)
		w_tcp_dir(w, f, d);
	jw_obj_end(w);
}

static void
w_handshake(struct jw *w, const struct tcp_conn *c)
{
	bool done = c->handshake_complete != 0;

	jw_obj_begin(w, "handshake");
	jw_bool(w, "complete", done);
	jw_u64(w, "syn_retries", c->syn_count ? c->syn_count - 1 : 0);
	jw_u64(w, "synack_retries", c->synack_count ? c->synack_count - 1 : 0);
	w_seconds_or_null(w, "rtt_s", done && c->syn_count &&
	    c->handshake_ack_ts >= c->syn_ts, c->handshake_ack_ts - c->syn_ts);
	w_seconds_or_null(w, "client_rtt_s", done &&
	    c->handshake_ack_ts >= c->synack_ts,
	    c->handshake_ack_ts - c->synack_ts);
	w_seconds_or_null(w, "server_rtt_s", c->synack_count > 0 &&
	    c->syn_count > 0 && c->synack_ts >= c->syn_ts,
	    c->synack_ts - c->syn_ts);
	jw_bool(w, "simultaneous_open", c->simultaneous_open != 0);
	jw_obj_end(w);
}

static void
w_close(struct jw *w, const struct flow *f)
{
	const struct tcp_conn *c = flow_tcp(f);

	jw_obj_begin(w, "close");
	jw_str(w, "by", close_by(f));
	jw_str(w, "how", close_how(f));
	jw_str(w, "rst_by", c->first_rst_dir < 0 ? "none" :
	    c->first_rst_dir == DIR_C2S ? "client" : "server");
	if (c->first_rst_dir < 0)
		jw_null(w, "rst_phase");
	else
		jw_str(w, "rst_phase", tcp_phase_name(c->rst_phase));
	jw_bool(w, "client_fin", c->dir[DIR_C2S].fin_seen != 0);
	jw_bool(w, "server_fin", c->dir[DIR_S2C].fin_seen != 0);
	jw_bool(w, "final_ack", c->final_ack != 0);
	jw_obj_end(w);
}

static void
json_flow(struct jw *w, const struct fmt_doc *doc, const struct flow *f)
{
	uint16_t sport = flow_server_port(f);
	const char *svc = service_name(f->key.proto, sport);
	const struct tcp_conn *c = flow_tcp(f);
	const struct encap_layer *tun;
	unsigned depth;
	char hbuf[8];

	(void)doc;
	jw_obj_begin(w, NULL);
	jw_u64(w, "id", f->id);
	jw_str(w, "proto", f->proto->name);
	jw_int(w, "ip_version", f->key.ip_version);
	w_endpoint(w, "client", flow_client_addr(f), f->key.ip_version,
	    flow_client_port(f));
	w_endpoint(w, "server", flow_server_addr(f), f->key.ip_version, sport);
	/* Only for a flow inside tunnels: a plain flow's record is as before. */
	if ((tun = flow_tunnel(f, &depth)) != NULL)
		w_tunnel_layers(w, "tunnel", tun, depth);
	jw_str(w, "client_chosen_by", role_source_name(f->role_source));
	if (svc != NULL)
		jw_str(w, "service", svc);
	else
		jw_null(w, "service");
	jw_str(w, "port_class", port_class(sport));
	jw_seconds(w, "first_ts", f->first_ts);
	jw_seconds(w, "last_ts", f->last_ts);
	jw_seconds(w, "duration_s", f->last_ts - f->first_ts);
	jw_str(w, "state", flow_state(f));
	jw_str(w, "history", flow_history(f, hbuf, sizeof hbuf));
	if (c != NULL) {
		w_handshake(w, c);
		w_close(w, f);
	}
	w_dir(w, "c2s", f, DIR_C2S);
	w_dir(w, "s2c", f, DIR_S2C);
	jw_obj_end(w);
}

static void
w_link_types(struct jw *w, const struct capture_stats *st)
{
	int i;

	jw_arr_begin(w, "link_types");
	for (i = 0; i < st->nlinks; i++) {
		jw_obj_begin(w, NULL);
		jw_int(w, "dlt", st->links[i].dlt);
		jw_str(w, "name", link_type_label(st->links[i].dlt));
		jw_u64(w, "packets", st->links[i].packets);
		jw_bool(w, "supported",
		    decode_link_type_supported(st->links[i].dlt));
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* Each capture interface, with the packets read from it (source.h). */
static void
w_interfaces(struct jw *w, const struct report_info *ri)
{
	int i;

	jw_arr_begin(w, "interfaces");
	for (i = 0; i < ri->ninterfaces; i++) {
		const struct source_interface *ifc = &ri->interfaces[i];

		jw_obj_begin(w, NULL);
		if (ifc->file_index >= 0 && ifc->file_index < ri->nfiles)
			jw_str(w, "file", ri->files[ifc->file_index]);
		else
			jw_null(w, "file");
		jw_int(w, "index", ifc->index);
		if (ifc->name != NULL)
			jw_str(w, "name", ifc->name);
		else
			jw_null(w, "name");
		jw_int(w, "dlt", ifc->dlt);
		jw_str(w, "link_type", link_type_label(ifc->dlt));
		jw_u64(w, "packets", ifc->packets);
		jw_u64(w, "snaplen", ifc->snaplen);
		jw_str(w, "ts_resolution", ifc->ts_resolution);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

/* Packets by kind, undecoded by reason, anomalies by name. */
static void
w_packet_kinds(struct jw *w, const struct capture_stats *st)
{
	int i;

	jw_obj_begin(w, "protocols");
	for (i = 0; i < PK_MAX; i++)
		if (i != PK_UNDECODED)
			jw_u64(w, pkt_kind_name((enum pkt_kind)i),
			    st->kinds[i]);
	jw_obj_end(w);
	jw_obj_begin(w, "undecoded");
	for (i = 1; i < DR_MAX; i++)
		if (st->undecoded[i])
			jw_u64(w, decode_reason_name((enum decode_reason)i),
			    st->undecoded[i]);
	jw_obj_end(w);
	jw_obj_begin(w, "anomalies");
	for (i = 0; i < PA_MAX; i++)
		if (st->anomalies[i])
			jw_u64(w, packet_anomaly_name((enum packet_anomaly)i),
			    st->anomalies[i]);
	if (st->time_backwards)
		jw_u64(w, "time_went_backwards", st->time_backwards);
	jw_obj_end(w);
}

/*
 * The tunnel list, only when there were tunnelled packets: per stack of
 * tunnels, its innermost layer with those around it as parents.
 */
static void
w_tunnels(struct jw *w, const struct tunnels *ts)
{
	struct encap_layer l[PACKET_MAX_ENCAP];
	size_t i;
	unsigned j, n;

	jw_arr_begin(w, "tunnels");
	for (i = 0; i < ts->n; i++) {
		const struct tunnel_entry *e = &ts->v[i];

		n = (unsigned)e->ctx.depth;
		for (j = 0; j < n; j++)
			tunnel_entry_layer(e, j, &l[j]);
		jw_obj_begin(w, NULL);
		w_tunnel_layer_members(w, &l[n - 1]);
		w_tunnel_layers(w, "parents", l, n - 1);
		jw_u64(w, "packets", e->packets);
		jw_u64(w, "bytes", e->bytes);
		jw_u64(w, "flows", e->flows);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	if (ts->unlisted_packets) {
		jw_obj_begin(w, "tunnels_unlisted");
		jw_u64(w, "packets", ts->unlisted_packets);
		jw_u64(w, "bytes", ts->unlisted_bytes);
		jw_u64(w, "flows", ts->unlisted_flows);
		jw_obj_end(w);
	}
}

static void
w_capture(struct jw *w, const struct analyzer *an,
    const struct report_info *ri)
{
	const struct capture_stats *st = &an->stats;
	int i;

	jw_obj_begin(w, NULL);
	jw_arr_begin(w, "files");
	for (i = 0; i < ri->nfiles; i++)
		jw_str(w, NULL, ri->files[i]);
	jw_arr_end(w);
	w_link_types(w, st);
	w_interfaces(w, ri);
	jw_u64(w, "packets", st->packets);
	jw_u64(w, "bytes", st->wire_bytes);
	jw_u64(w, "captured_bytes", st->captured_bytes);
	w_seconds_or_null(w, "first_ts", st->packets, st->first_ts);
	w_seconds_or_null(w, "last_ts", st->packets, st->last_ts);
	jw_seconds(w, "duration_s", st->last_ts - st->first_ts);
	w_packet_kinds(w, st);
	jw_u64(w, "flows", flow_table_count(an->flows));
	jw_u64(w, "flows_expired", an->flows_expired);
	jw_u64(w, "flows_evicted", an->flows_evicted);
	if (an->tunnels.packets)
		w_tunnels(w, &an->tunnels);
	if (ri->interface != NULL) {
		jw_str(w, "interface", ri->interface);
		if (ri->have_drops) {
			jw_u64(w, "kernel_dropped", ri->kernel_dropped);
			jw_u64(w, "interface_dropped", ri->interface_dropped);
		} else {
			jw_null(w, "kernel_dropped");
			jw_null(w, "interface_dropped");
		}
	}
	jw_obj_end(w);
}

static void
w_summary(struct jw *w, const struct report_summary *sm)
{
	int i;

	jw_obj_begin(w, NULL);
	jw_u64(w, "flows", sm->flows);
	jw_u64(w, "tcp_flows", sm->tcp_flows);
	jw_u64(w, "udp_flows", sm->udp_flows);
	jw_obj_begin(w, "states");
	for (i = 0; i < ST_MAX; i++)
		if (sm->state[i])
			jw_u64(w, summary_state_name((enum summary_state)i),
			    sm->state[i]);
	jw_obj_end(w);
	jw_obj_begin(w, "retransmissions");
	jw_u64(w, "total", sm->retransmissions_total);
	for (i = 0; i < RTX_CAUSES; i++)
		jw_u64(w, tcp_rtx_cause_name((enum tcp_rtx_cause)i),
		    sm->retransmissions[i]);
	jw_obj_end(w);
	jw_u64(w, "data_segments", sm->data_segments);
	jw_fixed(w, "retransmission_rate", summary_retransmission_rate(sm), 6);
	jw_u64(w, "out_of_order", sm->out_of_order);
	jw_u64(w, "lost_segments", sm->lost_segments);
	jw_u64(w, "network_duplicates", sm->network_duplicates);
	jw_u64(w, "dup_acks", sm->dup_acks);
	jw_u64(w, "zero_windows", sm->zero_windows);
	jw_u64(w, "syn_retries", sm->syn_retries);
	jw_u64(w, "closed_by_rst", sm->closed_by_rst);
	jw_u64(w, "handshakes_complete", sm->handshakes_complete);
	jw_obj_begin(w, "handshake");
	w_stats(w, "rtt_s", &sm->handshake_rtt, true);
	w_stats(w, "client_rtt_s", &sm->handshake_client_rtt, true);
	w_stats(w, "server_rtt_s", &sm->handshake_server_rtt, true);
	jw_obj_end(w);
	w_stats(w, "rtt_s", &sm->rtt, true);
	w_stats(w, "duration_s", &sm->duration, true);
	jw_obj_end(w);
}

static void
w_finding(struct jw *w, const struct finding *x)
{
	char buf[FORMAT_EXPLANATION_MAX];

	jw_obj_begin(w, NULL);
	jw_str(w, "kind", finding_kind_name(x->kind));
	format_addr(x->host, x->ip_version, buf, sizeof buf);
	jw_str(w, "host", buf);
	if (x->has_target) {
		format_endpoint(x->target, x->ip_version, x->target_port, buf,
		    sizeof buf);
		jw_str(w, "target", buf);
	} else
		jw_null(w, "target");
	jw_u64(w, "count", x->count);
	jw_u64(w, "peers", x->peers);
	jw_seconds(w, "first_ts", x->first_ts);
	jw_seconds(w, "last_ts", x->last_ts);
	jw_str(w, "explanation", format_finding_explanation(x, buf,
	    sizeof buf));
	jw_obj_end(w);
}

static void
w_findings(struct jw *w, const struct finding *fl, size_t n)
{
	size_t i;

	jw_arr_begin(w, NULL);
	for (i = 0; i < n; i++)
		w_finding(w, &fl[i]);
	jw_arr_end(w);
}

static void
w_assertions(struct jw *w, const struct assertion *a, size_t n)
{
	size_t i;

	jw_arr_begin(w, NULL);
	for (i = 0; i < n; i++) {
		const struct assertion *x = &a[i];

		jw_obj_begin(w, NULL);
		jw_str(w, "expr", x->text);
		jw_bool(w, "passed", x->passed);
		if (x->have_actual)
			jw_fixed(w, "actual", x->actual, 6);
		else
			jw_null(w, "actual");
		jw_obj_end(w);
	}
	jw_arr_end(w);
}

static const char *
newline(const struct fmt_doc *doc)
{
	return doc->one_line ? "" : "\n";
}

/* {"transcope":{...}, then "flows":[ with the flow records to follow. */
static void
json_open(FILE *out, const struct fmt_doc *doc, const struct fmt_end *end)
{
	struct jw w;

	(void)end;
	memset(&w, 0, sizeof w);
	jw_reset(&w);
	jw_obj_begin(&w, NULL);
	jw_str(&w, "version", PACKAGE_VERSION);
	jw_int(&w, "schema", REPORT_SCHEMA_VERSION);
	jw_obj_end(&w);
	fputs("{\"transcope\":", out);
	fwrite(w.buf, 1, w.len, out);
	fprintf(out, ",%s\"flows\":[", newline(doc));
	jw_free(&w);
}

static void
json_separator(FILE *out, const struct fmt_doc *doc, uint64_t n)
{
	if (n > 0)
		putc(',', out);
	fputs(newline(doc), out);
}

/* One member of the document: ",", nl, the key, then the value written. */
static void
put_member(FILE *out, const char *nl, const char *key, struct jw *w)
{
	fprintf(out, ",%s\"%s\":", nl, key);
	fwrite(w->buf, 1, w->len, out);
	jw_reset(w);
}

/* The flows array closes; what is known only at the end follows. */
static void
json_tail(FILE *out, const struct fmt_doc *doc, const struct fmt_end *end,
    uint64_t nflows)
{
	const char *nl = newline(doc);
	struct jw w;

	memset(&w, 0, sizeof w);
	jw_reset(&w);
	fprintf(out, "%s]", nflows > 0 ? nl : "");
	w_capture(&w, end->an, end->ri);
	put_member(out, nl, "capture", &w);
	w_summary(&w, end->summary);
	put_member(out, nl, "summary", &w);
	w_findings(&w, end->findings, end->nfindings);
	put_member(out, nl, "findings", &w);
	if (end->nassertions > 0) {
		w_assertions(&w, end->assertions, end->nassertions);
		put_member(out, nl, "assertions", &w);
	}
	fputs("}\n", out);
	jw_free(&w);
}

/* {"interval":{...},"flows":[ with the flow records to follow. */
static void
json_interval(FILE *out, const struct fmt_interval *iv)
{
	const struct interval_info *ii = iv->ii;
	struct jw w;

	memset(&w, 0, sizeof w);
	jw_reset(&w);
	jw_obj_begin(&w, NULL);
	jw_obj_begin(&w, "interval");
	jw_u64(&w, "index", ii->index);
	jw_seconds(&w, "start_ts", ii->start_ns);
	jw_seconds(&w, "end_ts", ii->end_ns);
	jw_u64(&w, "packets", ii->packets);
	jw_u64(&w, "bytes", ii->bytes);
	jw_u64(&w, "flows_active", iv->active);
	jw_u64(&w, "flows_finished", iv->finished);
	jw_u64(&w, "flows_live", iv->live);
	jw_u64(&w, "flows_total", iv->total);
	if (ii->have_drops) {
		jw_u64(&w, "kernel_dropped", ii->kernel_dropped);
		jw_u64(&w, "interface_dropped", ii->interface_dropped);
	}
	jw_obj_end(&w);
	jw_arr_begin(&w, "flows");
	fwrite(w.buf, 1, w.len, out);
	jw_free(&w);
}

static void
json_interval_end(FILE *out)
{
	fputs("]}\n", out);
}

/* One NDJSON line. */
static void
json_event(FILE *out, const struct event_record *ev)
{
	struct jw w;

	memset(&w, 0, sizeof w);
	jw_reset(&w);
	jw_obj_begin(&w, NULL);
	jw_seconds(&w, "ts", ev->ts_ns);
	jw_u64(&w, "packet", ev->packet);
	jw_u64(&w, "flow", ev->flow);
	jw_str(&w, "dir", ev->dir == DIR_C2S ? "c2s" : "s2c");
	jw_str(&w, "event", ev->kind);
	if (ev->cause != NULL)
		jw_str(&w, "cause", ev->cause);
	jw_u64(&w, "seq", ev->seq);
	jw_u64(&w, "len", ev->len);
	if (ev->has_ack)
		jw_u64(&w, "ack", ev->ack);
	if (ev->since_original_ns)
		jw_seconds(&w, "since_original_s", ev->since_original_ns);
	jw_obj_end(&w);
	jw_char(&w, '\n');
	fwrite(w.buf, 1, w.len, out);
	jw_free(&w);
}

const struct format format_json = {
	.name = "json",
	.streams = true,
	.open = json_open,
	.separator = json_separator,
	.flow = json_flow,
	.tail = json_tail,
	.interval = json_interval,
	.interval_end = json_interval_end,
	.event = json_event,
};
