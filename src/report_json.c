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
#include "report.h"
#include "services.h"
#include "tcp.h"

/* Seconds from nanoseconds, exactly, with microsecond precision. */
static json_object *
j_seconds(uint64_t ns)
{
	char buf[40];

	snprintf(buf, sizeof buf, "%" PRIu64 ".%06" PRIu64,
	    (uint64_t)(ns / 1000000000u), (uint64_t)(ns % 1000000000u / 1000u));
	return json_object_new_double_s((double)ns / 1e9, buf);
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

static json_object *
j_endpoint(const uint8_t *addr, int ipv, uint16_t port)
{
	json_object *o = json_object_new_object();
	char buf[64];

	format_addr(addr, ipv, buf, sizeof buf);
	add(o, "ip", json_object_new_string(buf));
	add(o, "port", json_object_new_int(port));
	return o;
}

static json_object *
j_rtt(const struct rtt_stats *s)
{
	json_object *o = json_object_new_object();

	add(o, "samples", j_u64(s->samples));
	if (s->samples == 0) {
		add(o, "min_s", NULL);
		add(o, "mean_s", NULL);
		add(o, "max_s", NULL);
		add(o, "stddev_s", NULL);
		add(o, "p50_s", NULL);
		add(o, "p95_s", NULL);
		return o;
	}
	add(o, "min_s", j_seconds(s->min_ns));
	add(o, "mean_s", j_double(rtt_stats_mean(s) / 1e9, 9));
	add(o, "max_s", j_seconds(s->max_ns));
	add(o, "stddev_s", j_double(rtt_stats_stddev(s) / 1e9, 9));
	add(o, "p50_s", j_seconds(rtt_stats_percentile(s, 50)));
	add(o, "p95_s", j_seconds(rtt_stats_percentile(s, 95)));
	return o;
}

static json_object *
j_rto(const struct tcp_dir *D)
{
	json_object *o = json_object_new_object();
	const struct rto_estimator *e = &D->rto;

	if (e->have_sample) {
		add(o, "srtt_s", j_seconds(e->srtt_ns));
		add(o, "rttvar_s", j_seconds(e->rttvar_ns));
		add(o, "rto_s", j_seconds(e->rto_ns));
		add(o, "min_rto_s", j_seconds(e->min_rto_ns));
		add(o, "max_rto_s", j_seconds(e->max_rto_ns));
	} else {
		add(o, "srtt_s", NULL);
		add(o, "rttvar_s", NULL);
		add(o, "rto_s", j_seconds(e->rto_ns));
		add(o, "min_rto_s", NULL);
		add(o, "max_rto_s", NULL);
	}
	add(o, "timeouts", j_u64(D->c.rto_timeouts));
	add(o, "observed_min_s", D->c.observed_rto_min_ns ?
	    j_seconds(D->c.observed_rto_min_ns) : NULL);
	add(o, "observed_max_s", D->c.observed_rto_max_ns ?
	    j_seconds(D->c.observed_rto_max_ns) : NULL);
	add(o, "max_backoff", j_u64(D->c.max_backoff));
	add(o, "timeouts_below_estimate", j_u64(D->c.rto_below_estimate));
	return o;
}

static json_object *
j_tcp_dir(const struct flow *f, enum flow_dir d, json_object *o)
{
	const struct tcp_conn *c = f->tcp;
	const struct tcp_dir *D = &c->dir[d];
	const struct tcp_dir_counters *k = &D->c;
	json_object *x;
	uint64_t dur = f->last_ts - f->first_ts, unique = tcp_dir_unique_bytes(D);
	int i;

	add(o, "data_segments", j_u64(k->data_segments));
	add(o, "pure_acks", j_u64(k->pure_acks));
	add(o, "syn", j_u64(k->syns));
	add(o, "fin", j_u64(k->fins));
	add(o, "rst", j_u64(k->rsts));
	x = json_object_new_object();
	add(x, "total", j_u64(k->retransmissions_total));
	for (i = 0; i < RTX_CAUSES; i++)
		add(x, tcp_rtx_cause_name((enum tcp_rtx_cause)i),
		    j_u64(k->retransmissions[i]));
	add(x, "bytes", j_u64(k->retransmitted_bytes));
	add(o, "retransmissions", x);
	add(o, "out_of_order", j_u64(k->out_of_order));
	add(o, "network_duplicates", j_u64(k->network_duplicates));
	add(o, "lost_segments", j_u64(k->lost_segments));
	add(o, "lost_bytes", j_u64(k->lost_bytes));
	add(o, "dup_acks", j_u64(k->dup_acks));
	add(o, "max_dup_ack_run", j_u64(k->max_dup_ack_run));
	add(o, "acked_unseen", j_u64(k->acked_unseen));
	x = json_object_new_object();
	add(x, "count", j_u64(k->zero_window_count));
	add(x, "duration_s", j_seconds(k->zero_window_ns));
	add(x, "probes", j_u64(k->zero_window_probes));
	add(o, "zero_window", x);
	add(o, "window_full", j_u64(k->window_full));
	add(o, "window_updates", j_u64(k->window_updates));
	add(o, "keep_alives", j_u64(k->keep_alives));
	add(o, "dsacks", j_u64(k->dsacks));
	add(o, "rtt", j_rtt(&D->rtt));
	add(o, "ts_rtt", j_rtt(&D->ts_rtt));
	add(o, "rto", j_rto(D));
	add(o, "isn", D->isn_set ? j_u64(D->isn) : NULL);
	add(o, "mss", D->has_mss ? json_object_new_int(D->mss) : NULL);
	add(o, "wscale", D->has_wscale ? json_object_new_int(D->wscale) : NULL);
	add(o, "sack_permitted", json_object_new_boolean(tcp_conn_sack_ok(c)));
	add(o, "timestamps", json_object_new_boolean(tcp_conn_timestamps_ok(c)));
	x = json_object_new_object();
	add(x, "ect0", j_u64(k->ect0));
	add(x, "ect1", j_u64(k->ect1));
	add(x, "ce", j_u64(k->ce));
	add(x, "ece", j_u64(k->ece));
	add(x, "cwr", j_u64(k->cwr));
	add(o, "ecn", x);
	add(o, "max_bytes_in_flight", j_u64(k->max_in_flight));
	add(o, "mean_bytes_in_flight", k->in_flight_samples ?
	    j_double((double)k->sum_in_flight / (double)k->in_flight_samples,
	    1) : j_u64(0));
	x = json_object_new_object();
	add(x, "min", D->window_known ? j_u64(k->adv_window_min) : NULL);
	add(x, "max", D->window_known ? j_u64(k->adv_window_max) : NULL);
	add(o, "adv_window", x);
	add(o, "unique_payload_bytes", j_u64(unique));
	add(o, "throughput_bps", j_double(dur ?
	    (double)f->dir[d].payload_bytes * 8e9 / (double)dur : 0.0, 1));
	add(o, "goodput_bps", j_double(dur ?
	    (double)unique * 8e9 / (double)dur : 0.0, 1));
	return o;
}

static json_object *
j_dir(const struct flow *f, enum flow_dir d)
{
	json_object *o = json_object_new_object();
	const struct flow_dir_stats *s = &f->dir[d];

	add(o, "packets", j_u64(s->packets));
	add(o, "bytes", j_u64(s->bytes));
	add(o, "payload_bytes", j_u64(s->payload_bytes));
	if (f->tcp != NULL)
		j_tcp_dir(f, d, o);
	return o;
}

static json_object *
j_handshake(const struct tcp_conn *c)
{
	json_object *o = json_object_new_object();
	bool have_synack = c->synack_count > 0 && c->syn_count > 0 &&
	    c->synack_ts >= c->syn_ts;

	add(o, "complete", json_object_new_boolean(c->handshake_complete));
	add(o, "syn_retries", j_u64(c->syn_count ? c->syn_count - 1 : 0));
	add(o, "synack_retries",
	    j_u64(c->synack_count ? c->synack_count - 1 : 0));
	add(o, "rtt_s", c->handshake_complete && c->syn_count &&
	    c->handshake_ack_ts >= c->syn_ts ?
	    j_seconds(c->handshake_ack_ts - c->syn_ts) : NULL);
	add(o, "client_rtt_s", c->handshake_complete &&
	    c->handshake_ack_ts >= c->synack_ts ?
	    j_seconds(c->handshake_ack_ts - c->synack_ts) : NULL);
	add(o, "server_rtt_s", have_synack ?
	    j_seconds(c->synack_ts - c->syn_ts) : NULL);
	add(o, "simultaneous_open",
	    json_object_new_boolean(c->simultaneous_open));
	return o;
}

static json_object *
j_close(const struct flow *f)
{
	const struct tcp_conn *c = f->tcp;
	json_object *o = json_object_new_object();

	add(o, "by", json_object_new_string(close_by(f)));
	add(o, "how", json_object_new_string(close_how(f)));
	add(o, "rst_by", json_object_new_string(c->first_rst_dir < 0 ? "none" :
	    c->first_rst_dir == DIR_C2S ? "client" : "server"));
	add(o, "rst_phase", c->first_rst_dir < 0 ? NULL :
	    json_object_new_string(tcp_phase_name(c->rst_phase)));
	add(o, "client_fin", json_object_new_boolean(c->dir[DIR_C2S].fin_seen));
	add(o, "server_fin", json_object_new_boolean(c->dir[DIR_S2C].fin_seen));
	add(o, "final_ack", json_object_new_boolean(c->final_ack));
	return o;
}

static json_object *
j_flow(const struct flow *f)
{
	json_object *o = json_object_new_object();
	uint16_t sport = flow_server_port(f);
	const char *svc = service_name(f->key.proto, sport);
	char hbuf[8];

	add(o, "id", j_u64(f->id));
	add(o, "proto", json_object_new_string(f->key.proto == 6 ? "tcp" : "udp"));
	add(o, "ip_version", json_object_new_int(f->key.ip_version));
	add(o, "client", j_endpoint(flow_client_addr(f), f->key.ip_version,
	    flow_client_port(f)));
	add(o, "server", j_endpoint(flow_server_addr(f), f->key.ip_version,
	    sport));
	add(o, "client_chosen_by",
	    json_object_new_string(role_source_name(f->role_source)));
	add(o, "service", svc != NULL ? json_object_new_string(svc) : NULL);
	add(o, "port_class", json_object_new_string(port_class(sport)));
	add(o, "first_ts", j_seconds(f->first_ts));
	add(o, "last_ts", j_seconds(f->last_ts));
	add(o, "duration_s", j_seconds(f->last_ts - f->first_ts));
	add(o, "state", json_object_new_string(flow_state(f)));
	add(o, "history", json_object_new_string(flow_history(f, hbuf,
	    sizeof hbuf)));
	if (f->tcp != NULL) {
		add(o, "handshake", j_handshake(f->tcp));
		add(o, "close", j_close(f));
	}
	add(o, "c2s", j_dir(f, DIR_C2S));
	add(o, "s2c", j_dir(f, DIR_S2C));
	return o;
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

void
report_json_flow(FILE *out, const struct flow *f)
{
	json_object *o = j_flow(f);

	put(out, o);
	json_object_put(o);
}

/* Everything before the flows array. */
static json_object *
j_dist(const struct rtt_stats *s)
{
	json_object *o = j_rtt(s);

	json_object_object_add(o, "p90_s", s->samples ?
	    j_seconds(rtt_stats_percentile(s, 90)) : NULL);
	json_object_object_add(o, "p99_s", s->samples ?
	    j_seconds(rtt_stats_percentile(s, 99)) : NULL);
	return o;
}

static json_object *
j_summary(const struct report_summary *sm)
{
	json_object *o = json_object_new_object(), *x;
	int i;

	add(o, "flows", j_u64(sm->flows));
	add(o, "tcp_flows", j_u64(sm->tcp_flows));
	add(o, "udp_flows", j_u64(sm->udp_flows));
	x = json_object_new_object();
	for (i = 0; i < ST_MAX; i++)
		if (sm->state[i])
			add(x, summary_state_name((enum summary_state)i),
			    j_u64(sm->state[i]));
	add(o, "states", x);
	x = json_object_new_object();
	add(x, "total", j_u64(sm->retransmissions_total));
	for (i = 0; i < RTX_CAUSES; i++)
		add(x, tcp_rtx_cause_name((enum tcp_rtx_cause)i),
		    j_u64(sm->retransmissions[i]));
	add(o, "retransmissions", x);
	add(o, "data_segments", j_u64(sm->data_segments));
	add(o, "retransmission_rate",
	    j_double(summary_retransmission_rate(sm), 6));
	add(o, "out_of_order", j_u64(sm->out_of_order));
	add(o, "lost_segments", j_u64(sm->lost_segments));
	add(o, "network_duplicates", j_u64(sm->network_duplicates));
	add(o, "dup_acks", j_u64(sm->dup_acks));
	add(o, "zero_windows", j_u64(sm->zero_windows));
	add(o, "syn_retries", j_u64(sm->syn_retries));
	add(o, "closed_by_rst", j_u64(sm->closed_by_rst));
	add(o, "handshakes_complete", j_u64(sm->handshakes_complete));
	x = json_object_new_object();
	add(x, "rtt_s", j_dist(&sm->handshake_rtt));
	add(x, "client_rtt_s", j_dist(&sm->handshake_client_rtt));
	add(x, "server_rtt_s", j_dist(&sm->handshake_server_rtt));
	add(o, "handshake", x);
	add(o, "rtt_s", j_dist(&sm->rtt));
	add(o, "duration_s", j_dist(&sm->duration));
	return o;
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
report_json_head(FILE *out, const struct analyzer *an,
    const struct report_info *ri, const char *nl,
    const struct report_summary *sm, const struct finding *fl, size_t nf,
    const struct report_options *opt)
{
	json_object *o = json_object_new_object();

	add(o, "version", json_object_new_string(PACKAGE_VERSION));
	add(o, "schema", json_object_new_int(REPORT_SCHEMA_VERSION));
	fputs("{\"transcope\":", out);
	put(out, o);
	json_object_put(o);
	o = j_capture(an, ri);
	fprintf(out, ",%s\"capture\":", nl);
	put(out, o);
	json_object_put(o);
	o = j_summary(sm);
	fprintf(out, ",%s\"summary\":", nl);
	put(out, o);
	json_object_put(o);
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
}
