/*
 * The text report: a capture summary, one line per flow, and with the long
 * view a tcptrace -l style block per TCP connection.  Times are printed in
 * UTC so the report is the same on every machine.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "fmt_finding.h"
#include "fmtutil.h"
#include "report.h"
#include "services.h"
#include "tcp.h"

void
report_text_head(FILE *out, const struct analyzer *an,
    const struct report_info *ri)
{
	const struct capture_stats *st = &an->stats;
	char t[64];
	int i;
	bool any;

	fprintf(out, "transcope %s\n\nCapture\n", PACKAGE_VERSION);
	if (ri->interface != NULL) {
		fprintf(out, "  %-14s %s\n", "interface", ri->interface);
		if (ri->have_drops)
			fprintf(out, "  %-14s %" PRIu64 " by the kernel, %" PRIu64
			    " by the interface\n", "dropped",
			    ri->kernel_dropped, ri->interface_dropped);
	}
	for (i = 0; i < ri->nfiles; i++)
		fprintf(out, "  %-14s %s\n", i == 0 ? "files" : "", ri->files[i]);
	fprintf(out, "  %-14s", "link types");
	for (i = 0; i < st->nlinks; i++)
		fprintf(out, "%s %s (%d) %" PRIu64 "%s", i ? "," : "",
		    link_type_label(st->links[i].dlt), st->links[i].dlt,
		    st->links[i].packets,
		    decode_link_type_supported(st->links[i].dlt) ? "" :
		    " unsupported");
	fprintf(out, "%s\n", st->nlinks ? "" : " none");
	fprintf(out, "  %-14s %" PRIu64 "\n", "packets", st->packets);
	fprintf(out, "  %-14s %" PRIu64 " on the wire, %" PRIu64
	    " captured\n", "bytes", st->wire_bytes, st->captured_bytes);
	if (st->packets) {
		format_time(st->first_ts, t, sizeof t);
		fprintf(out, "  %-14s %s\n", "first packet", t);
		format_time(st->last_ts, t, sizeof t);
		fprintf(out, "  %-14s %s\n", "last packet", t);
	}
	fprintf(out, "  %-14s %.6f s\n", "duration",
	    ns_to_s(st->last_ts - st->first_ts));
	fprintf(out, "  %-14s", "protocols");
	for (i = 0, any = false; i < PK_MAX; i++) {
		if (i == PK_UNDECODED || st->kinds[i] == 0)
			continue;
		fprintf(out, "%s %s %" PRIu64, any ? "," : "",
		    pkt_kind_name((enum pkt_kind)i), st->kinds[i]);
		any = true;
	}
	fprintf(out, "%s\n", any ? "" : " none");
	fprintf(out, "  %-14s", "undecoded");
	for (i = 1, any = false; i < DR_MAX; i++) {
		if (st->undecoded[i] == 0)
			continue;
		fprintf(out, "%s %s %" PRIu64, any ? "," : "",
		    decode_reason_name((enum decode_reason)i), st->undecoded[i]);
		any = true;
	}
	fprintf(out, "%s\n", any ? "" : " none");
	any = false;
	for (i = 0; i < PA_MAX; i++) {
		if (st->anomalies[i] == 0)
			continue;
		if (!any)
			fprintf(out, "  %-14s", "anomalies");
		fprintf(out, "%s %s %" PRIu64, any ? "," : "",
		    packet_anomaly_name((enum packet_anomaly)i),
		    st->anomalies[i]);
		any = true;
	}
	if (st->time_backwards) {
		if (!any)
			fprintf(out, "  %-14s", "anomalies");
		fprintf(out, "%s time_went_backwards %" PRIu64, any ? "," : "",
		    st->time_backwards);
		any = true;
	}
	if (any)
		fputc('\n', out);
	fprintf(out, "  %-14s %zu", "flows", flow_table_count(an->flows));
	if (an->flows_expired || an->flows_evicted)
		fprintf(out, " (%" PRIu64 " finished by idle timeout, %" PRIu64
		    " evicted by --max-flows)", an->flows_expired,
		    an->flows_evicted);
	fputc('\n', out);
}

void
report_text_table_head(FILE *out)
{
	fprintf(out, "\nFlows\n");
	fprintf(out, "%5s %-5s %-24s %-24s %-10s %7s %10s %7s %10s %10s %-6s "
	    "%6s %6s\n", "id", "proto", "client", "server", "service",
	    "pkts>", "bytes>", "pkts<", "bytes<", "duration", "state",
	    "rexmt>", "rexmt<");
}

size_t
report_text_flow_line(FILE *out, const struct flow *f)
{
	int n, total = 0;
	const char *svc = service_name(f->key.proto, flow_server_port(f));
	const struct tcp_conn *c = flow_tcp(f);
	char cl[80], sv[80];

	format_endpoint(flow_client_addr(f), f->key.ip_version,
	    flow_client_port(f), cl, sizeof cl);
	format_endpoint(flow_server_addr(f), f->key.ip_version,
	    flow_server_port(f), sv, sizeof sv);
	n = fprintf(out, "%5" PRIu64 " %-5s %-24s %-24s %-10s %7" PRIu64
	    " %10" PRIu64 " %7" PRIu64 " %10" PRIu64 " %10.6f %-6s",
	    f->id, f->proto->name, cl, sv,
	    svc != NULL ? svc : port_class(flow_server_port(f)),
	    f->dir[DIR_C2S].packets, f->dir[DIR_C2S].bytes,
	    f->dir[DIR_S2C].packets, f->dir[DIR_S2C].bytes,
	    ns_to_s(f->last_ts - f->first_ts), flow_state(f));
	total += n > 0 ? n : 0;
	if (c != NULL)
		n = fprintf(out, " %6" PRIu64 " %6" PRIu64,
		    c->dir[DIR_C2S].c.retransmissions_total,
		    c->dir[DIR_S2C].c.retransmissions_total);
	else
		n = fprintf(out, " %6s %6s", "-", "-");
	total += n > 0 ? n : 0;
	fputc('\n', out);
	return (size_t)total + 1;
}

/* ---- the long view ---- */

static void
line_u64(FILE *out, const char *label, uint64_t a, uint64_t b)
{
	fprintf(out, "  %-28s %16" PRIu64 " %16" PRIu64 "\n", label, a, b);
}

static void
line_str(FILE *out, const char *label, const char *a, const char *b)
{
	fprintf(out, "  %-28s %16s %16s\n", label, a, b);
}

static void
fmt_ms(uint64_t ns, bool valid, char *buf, size_t len)
{
	if (!valid)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.3f ms", (double)ns / 1e6);
}

static void
line_ms(FILE *out, const char *label, uint64_t a, bool va, uint64_t b,
    bool vb)
{
	char x[32], y[32];

	fmt_ms(a, va, x, sizeof x);
	fmt_ms(b, vb, y, sizeof y);
	line_str(out, label, x, y);
}

void
report_text_flow_long(FILE *out, const struct flow *f)
{
	const struct tcp_conn *c = flow_tcp(f);
	const struct tcp_dir *a = &c->dir[DIR_C2S], *b = &c->dir[DIR_S2C];
	char cl[80], sv[80], t1[64], t2[64];
	int i;

	format_endpoint(flow_client_addr(f), f->key.ip_version,
	    flow_client_port(f), cl, sizeof cl);
	format_endpoint(flow_server_addr(f), f->key.ip_version,
	    flow_server_port(f), sv, sizeof sv);
	format_time(f->first_ts, t1, sizeof t1);
	format_time(f->last_ts, t2, sizeof t2);
	fprintf(out, "\nFlow %" PRIu64 ": %s -> %s (tcp)\n", f->id, cl, sv);
	fprintf(out, "  first packet: %s\n  last packet:  %s\n", t1, t2);
	fprintf(out, "  state %s, history %s, client chosen by %s\n",
	    flow_state(f), c->history, role_source_name(f->role_source));
	fprintf(out, "  handshake %s, SYN retries %u, SYN-ACK retries %u",
	    c->handshake_complete ? "complete" : "incomplete",
	    c->syn_count ? c->syn_count - 1 : 0,
	    c->synack_count ? c->synack_count - 1 : 0);
	if (c->handshake_complete && c->handshake_ack_ts >= c->syn_ts &&
	    c->handshake_ack_ts >= c->synack_ts && c->synack_ts >= c->syn_ts)
		fprintf(out, ", RTT %.3f ms (server side %.3f, client side %.3f)",
		    (double)(c->handshake_ack_ts - c->syn_ts) / 1e6,
		    (double)(c->synack_ts - c->syn_ts) / 1e6,
		    (double)(c->handshake_ack_ts - c->synack_ts) / 1e6);
	fprintf(out, "\n  closed by %s (%s)%s\n", close_by(f), close_how(f),
	    c->final_ack ? ", final ACK seen" : "");
	fprintf(out, "  %-28s %16s %16s\n", "", "client->server",
	    "server->client");
	line_u64(out, "packets", f->dir[0].packets, f->dir[1].packets);
	line_u64(out, "data segments", a->c.data_segments, b->c.data_segments);
	line_u64(out, "pure acks", a->c.pure_acks, b->c.pure_acks);
	line_u64(out, "payload bytes", f->dir[0].payload_bytes,
	    f->dir[1].payload_bytes);
	line_u64(out, "unique payload bytes", tcp_dir_unique_bytes(a),
	    tcp_dir_unique_bytes(b));
	line_u64(out, "SYN packets", a->c.syns, b->c.syns);
	line_u64(out, "FIN packets", a->c.fins, b->c.fins);
	line_u64(out, "RST packets", a->c.rsts, b->c.rsts);
	line_u64(out, "retransmissions", a->c.retransmissions_total,
	    b->c.retransmissions_total);
	for (i = 0; i < RTX_CAUSES; i++) {
		char label[40];

		snprintf(label, sizeof label, "  %s",
		    tcp_rtx_cause_name((enum tcp_rtx_cause)i));
		line_u64(out, label, a->c.retransmissions[i],
		    b->c.retransmissions[i]);
	}
	line_u64(out, "retransmitted bytes", a->c.retransmitted_bytes,
	    b->c.retransmitted_bytes);
	line_u64(out, "out of order", a->c.out_of_order, b->c.out_of_order);
	line_u64(out, "network duplicates", a->c.network_duplicates,
	    b->c.network_duplicates);
	line_u64(out, "lost segments (not seen)", a->c.lost_segments,
	    b->c.lost_segments);
	line_u64(out, "dup acks received", a->c.dup_acks, b->c.dup_acks);
	line_u64(out, "longest dup ack run", a->c.max_dup_ack_run,
	    b->c.max_dup_ack_run);
	line_u64(out, "acks of unseen data", a->c.acked_unseen,
	    b->c.acked_unseen);
	line_u64(out, "zero windows received", a->c.zero_window_count,
	    b->c.zero_window_count);
	line_ms(out, "zero window time", a->c.zero_window_ns, true,
	    b->c.zero_window_ns, true);
	line_u64(out, "window full", a->c.window_full, b->c.window_full);
	line_u64(out, "keep-alives", a->c.keep_alives, b->c.keep_alives);
	line_u64(out, "max bytes in flight", a->c.max_in_flight,
	    b->c.max_in_flight);
	line_u64(out, "adv window max (peer)", a->c.adv_window_max,
	    b->c.adv_window_max);
	line_u64(out, "mss announced", a->mss, b->mss);
	line_u64(out, "window scale announced", a->has_wscale ? a->wscale : 0,
	    b->has_wscale ? b->wscale : 0);
	line_u64(out, "RTT samples", a->rtt.samples, b->rtt.samples);
	line_ms(out, "RTT min", a->rtt.min_ns, a->rtt.samples,
	    b->rtt.min_ns, b->rtt.samples);
	line_ms(out, "RTT mean", (uint64_t)rtt_stats_mean(&a->rtt),
	    a->rtt.samples, (uint64_t)rtt_stats_mean(&b->rtt), b->rtt.samples);
	line_ms(out, "RTT max", a->rtt.max_ns, a->rtt.samples,
	    b->rtt.max_ns, b->rtt.samples);
	line_ms(out, "RTT stddev", (uint64_t)rtt_stats_stddev(&a->rtt),
	    a->rtt.samples > 1, (uint64_t)rtt_stats_stddev(&b->rtt),
	    b->rtt.samples > 1);
	line_ms(out, "RTT p50", rtt_stats_percentile(&a->rtt, 50),
	    a->rtt.samples, rtt_stats_percentile(&b->rtt, 50), b->rtt.samples);
	line_ms(out, "RTT p95", rtt_stats_percentile(&a->rtt, 95),
	    a->rtt.samples, rtt_stats_percentile(&b->rtt, 95), b->rtt.samples);
	line_u64(out, "TS RTT samples", a->ts_rtt.samples, b->ts_rtt.samples);
	line_ms(out, "SRTT (RFC 6298)", a->rto.srtt_ns, a->rto.have_sample,
	    b->rto.srtt_ns, b->rto.have_sample);
	line_ms(out, "RTTVAR", a->rto.rttvar_ns, a->rto.have_sample,
	    b->rto.rttvar_ns, b->rto.have_sample);
	line_ms(out, "RTO", a->rto.rto_ns, true, b->rto.rto_ns, true);
	line_u64(out, "timeouts observed", a->c.rto_timeouts,
	    b->c.rto_timeouts);
	line_ms(out, "longest observed RTO", a->c.observed_rto_max_ns,
	    a->c.observed_rto_max_ns != 0, b->c.observed_rto_max_ns,
	    b->c.observed_rto_max_ns != 0);
}

/* Kind, host (-> target), how many flows when, then the sentence. */
static void
text_finding(FILE *out, const struct finding *x)
{
	char host[FORMAT_ADDR_MAX], target[FORMAT_ENDPOINT_MAX];
	char t[FORMAT_TIME_MAX], why[FORMAT_EXPLANATION_MAX];

	format_addr(x->host, x->ip_version, host, sizeof host);
	target[0] = '\0';
	if (x->has_target)
		format_endpoint(x->target, x->ip_version, x->target_port,
		    target, sizeof target);
	format_time(x->first_ts, t, sizeof t);
	fprintf(out, "  %-10s %s%s%s  %" PRIu64 " flows from %s over %.3f s\n"
	    "             %s\n", finding_kind_name(x->kind), host,
	    x->has_target ? " -> " : "", target, x->count, t,
	    ns_to_s(x->last_ts - x->first_ts),
	    format_finding_explanation(x, why, sizeof why));
}

void
report_text_tail(FILE *out, const struct report_summary *sm,
    const struct finding *fl, size_t nf, const struct report_options *opt)
{
	size_t i;

	fprintf(out, "\nSummary\n  %" PRIu64 " flows (%" PRIu64 " tcp, %" PRIu64
	    " udp), %" PRIu64 " retransmissions in %" PRIu64
	    " data segments (rate %.6f)", sm->flows, sm->tcp_flows,
	    sm->udp_flows, sm->retransmissions_total, sm->data_segments,
	    summary_retransmission_rate(sm));
	if (sm->handshake_rtt.samples)
		fprintf(out, ", handshake RTT p50 %.3f ms p95 %.3f ms",
		    (double)rtt_stats_percentile(&sm->handshake_rtt, 50) / 1e6,
		    (double)rtt_stats_percentile(&sm->handshake_rtt, 95) / 1e6);
	fputc('\n', out);
	fprintf(out, "\nFindings\n");
	if (nf == 0)
		fprintf(out, "  none\n");
	for (i = 0; i < nf; i++)
		text_finding(out, &fl[i]);
	if (opt->nassertions == 0)
		return;
	fprintf(out, "\nAssertions\n");
	for (i = 0; i < opt->nassertions; i++) {
		const struct assertion *a = &opt->assertions[i];

		if (a->have_actual)
			fprintf(out, "  %-6s %s (actual %.6g)\n",
			    a->passed ? "pass" : "FAIL", a->text, a->actual);
		else
			fprintf(out, "  %-6s %s (no value: no samples)\n",
			    a->passed ? "pass" : "FAIL", a->text);
	}
}
