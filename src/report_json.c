/*
 * The JSON report, built with json-c one flow at a time: each flow object is
 * serialised and freed as the flow finishes (see report.c for the order), so
 * memory does not grow with the number of flows.  Numbers that are times are written from integer
 * nanoseconds with exactly six decimals, so output is reproducible and free
 * of binary floating-point noise.  Field meanings: doc/json-schema.md.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "fmtutil.h"
#include "jsonw.h"
#include "report.h"
#include "services.h"
#include "tcp.h"

/* Seconds from nanoseconds, exactly, with microsecond precision. */
static json_object *
j_seconds(uint64_t ns)
{
	char buf[FORMAT_SECONDS_MAX];

	return json_object_new_double_s(ns_to_s(ns),
	    format_seconds(ns, buf));
}

/* A computed (not measured) value: six decimals, or one for large ones. */
static json_object *
j_double(double v, int decimals)
{
	char buf[64];

	snprintf(buf, sizeof buf, "%.*f", decimals, v);
	return json_object_new_double_s(v, buf);
}

static json_object *
j_u64(uint64_t v)
{
	return json_object_new_uint64(v);
}

static void
add(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

/* ---- the per-flow record, with the streaming writer (jsonw.h) ---- */

/* A time that may be unknown. */
static void
w_seconds_or_null(struct jw *w, const char *key, bool known, uint64_t ns)
{
	if (known)
		jw_seconds(w, key, ns);
	else
		jw_null(w, key);
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

void
report_json_flow_jw(struct jw *w, const struct flow *f)
{
	uint16_t sport = flow_server_port(f);
	const char *svc = service_name(f->key.proto, sport);
	const struct tcp_conn *c = flow_tcp(f);
	char hbuf[8];

	jw_obj_begin(w, NULL);
	jw_u64(w, "id", f->id);
	jw_str(w, "proto", f->proto->name);
	jw_int(w, "ip_version", f->key.ip_version);
	w_endpoint(w, "client", flow_client_addr(f), f->key.ip_version,
	    flow_client_port(f));
	w_endpoint(w, "server", flow_server_addr(f), f->key.ip_version, sport);
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

static json_object *
j_capture(const struct analyzer *an, const struct report_info *ri)
{
	const struct capture_stats *st = &an->stats;
	json_object *o = json_object_new_object(), *a, *x;
	int i;

	a = json_object_new_array();
	for (i = 0; i < ri->nfiles; i++)
		json_object_array_add(a, json_object_new_string(ri->files[i]));
	add(o, "files", a);
	a = json_object_new_array();
	for (i = 0; i < st->nlinks; i++) {
		x = json_object_new_object();
		add(x, "dlt", json_object_new_int(st->links[i].dlt));
		add(x, "name", json_object_new_string(
		    link_type_label(st->links[i].dlt)));
		add(x, "packets", j_u64(st->links[i].packets));
		add(x, "supported", json_object_new_boolean(
		    decode_link_type_supported(st->links[i].dlt)));
		json_object_array_add(a, x);
	}
	add(o, "link_types", a);
	add(o, "packets", j_u64(st->packets));
	add(o, "bytes", j_u64(st->wire_bytes));
	add(o, "captured_bytes", j_u64(st->captured_bytes));
	add(o, "first_ts", st->packets ? j_seconds(st->first_ts) : NULL);
	add(o, "last_ts", st->packets ? j_seconds(st->last_ts) : NULL);
	add(o, "duration_s", j_seconds(st->last_ts - st->first_ts));
	x = json_object_new_object();
	for (i = 0; i < PK_MAX; i++)
		if (i != PK_UNDECODED)
			add(x, pkt_kind_name((enum pkt_kind)i),
			    j_u64(st->kinds[i]));
	add(o, "protocols", x);
	x = json_object_new_object();
	for (i = 1; i < DR_MAX; i++)
		if (st->undecoded[i])
			add(x, decode_reason_name((enum decode_reason)i),
			    j_u64(st->undecoded[i]));
	add(o, "undecoded", x);
	x = json_object_new_object();
	for (i = 0; i < PA_MAX; i++)
		if (st->anomalies[i])
			add(x, packet_anomaly_name((enum packet_anomaly)i),
			    j_u64(st->anomalies[i]));
	if (st->time_backwards)
		add(x, "time_went_backwards", j_u64(st->time_backwards));
	add(o, "anomalies", x);
	add(o, "flows", j_u64(flow_table_count(an->flows)));
	add(o, "flows_expired", j_u64(an->flows_expired));
	add(o, "flows_evicted", j_u64(an->flows_evicted));
	if (ri->interface != NULL) {
		add(o, "interface", json_object_new_string(ri->interface));
		add(o, "kernel_dropped", ri->have_drops ?
		    j_u64(ri->kernel_dropped) : NULL);
		add(o, "interface_dropped", ri->have_drops ?
		    j_u64(ri->interface_dropped) : NULL);
	}
	return o;
}

static void
put(FILE *out, json_object *o)
{
	fputs(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE), out);
}

/* Everything before the flows array. */
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

static json_object *
j_findings(const struct finding *fl, size_t n)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		add(o, "kind", json_object_new_string(fl[i].kind));
		add(o, "host", json_object_new_string(fl[i].host));
		add(o, "target", fl[i].target[0] ?
		    json_object_new_string(fl[i].target) : NULL);
		add(o, "count", j_u64(fl[i].count));
		add(o, "peers", j_u64(fl[i].peers));
		add(o, "first_ts", j_seconds(fl[i].first_ts));
		add(o, "last_ts", j_seconds(fl[i].last_ts));
		add(o, "explanation", json_object_new_string(fl[i].explanation));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *
j_assertions(const struct report_options *opt)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < opt->nassertions; i++) {
		const struct assertion *x = &opt->assertions[i];
		json_object *o = json_object_new_object();

		add(o, "expr", json_object_new_string(x->text));
		add(o, "passed", json_object_new_boolean(x->passed));
		add(o, "actual", x->have_actual ? j_double(x->actual, 6) : NULL);
		json_object_array_add(a, o);
	}
	return a;
}

void
report_json_open(FILE *out, const char *nl)
{
	json_object *o = json_object_new_object();

	add(o, "version", json_object_new_string(PACKAGE_VERSION));
	add(o, "schema", json_object_new_int(REPORT_SCHEMA_VERSION));
	fputs("{\"transcope\":", out);
	put(out, o);
	json_object_put(o);
	fprintf(out, ",%s\"flows\":[", nl);
}

void
report_json_tail(FILE *out, const struct analyzer *an,
    const struct report_info *ri, const char *nl, bool had_flows,
    const struct report_summary *sm, const struct finding *fl, size_t nf,
    const struct report_options *opt)
{
	json_object *o;
	struct jw w;

	fprintf(out, "%s],%s\"capture\":", had_flows ? nl : "", nl);
	o = j_capture(an, ri);
	put(out, o);
	json_object_put(o);
	fprintf(out, ",%s\"summary\":", nl);
	memset(&w, 0, sizeof w);
	jw_reset(&w);
	w_summary(&w, sm);
	fwrite(w.buf, 1, w.len, out);
	jw_free(&w);
	o = j_findings(fl, nf);
	fprintf(out, ",%s\"findings\":", nl);
	put(out, o);
	json_object_put(o);
	if (opt->nassertions > 0) {
		o = j_assertions(opt);
		fprintf(out, ",%s\"assertions\":", nl);
		put(out, o);
		json_object_put(o);
	}
	fputs("}\n", out);
}
