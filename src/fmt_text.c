/*
 * The text format (fmt.h): a capture summary, one line per flow, and with
 * the long view (-l) a tcptrace -l style block per TCP connection as the
 * flows' detail records; the summary, findings and assertions after them.
 * A flow inside tunnels ends its line with them in a word each
 * ("vxlan:42"), and its long view has a line per tunnel; the capture
 * summary lists the tunnels when there were any.
 * An interval report is a line of counts and the flow table; an event is
 * one line.  Times are printed in UTC so the report is the same on every
 * machine.
 *
 * Flow records are built in the sink's buffer (the sink spills and
 * reorders them), column by column, the few free-form lines of the long
 * view with jw_printf(); everything else goes straight to the output with
 * printf.  The long view is one function per section (head, counters,
 * RTT), so a table of metrics can drive them later.
 */
#include "config.h"

#include <inttypes.h>
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

/*
 * The interfaces of each file that has more than one (pcapng), a line
 * each; a file with one says all in "files" and "link types".
 */
static void
head_interfaces(FILE *out, const struct report_info *ri)
{
	const char *label = "interfaces";
	int i, k, n;

	for (i = 0; i < ri->ninterfaces; i++) {
		const struct source_interface *ifc = &ri->interfaces[i];

		for (k = n = 0; k < ri->ninterfaces; k++)
			n += ri->interfaces[k].file_index == ifc->file_index;
		if (n < 2)
			continue;
		fprintf(out, "  %-14s ", label);
		label = "";
		if (ri->nfiles > 1 && ifc->file_index >= 0 &&
		    ifc->file_index < ri->nfiles)
			fprintf(out, "%s ", ri->files[ifc->file_index]);
		fprintf(out, "#%d %s: %s (%d) %" PRIu64 " packets, snaplen %"
		    PRIu32 ", timestamps %s s\n", ifc->index,
		    ifc->name != NULL ? ifc->name : "(no name)",
		    link_type_label(ifc->dlt), ifc->dlt, ifc->packets,
		    ifc->snaplen, ifc->ts_resolution);
	}
}

/* Where the packets came from, how many, when. */
static void
head_capture(FILE *out, const struct analyzer *an,
    const struct report_info *ri)
{
	const struct capture_stats *st = &an->stats;
	char t[FORMAT_TIME_MAX];
	int i;

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
	head_interfaces(out, ri);
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
}

/* Packets by kind, undecoded ones by reason, anomalies by name. */
static void
head_packet_kinds(FILE *out, const struct capture_stats *st)
{
	int i;
	bool any;

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
}

/* Layer l as "vxlan 192.0.2.1 -> 192.0.2.2 id 42". */
static void
tunnel_layer_text(const struct encap_layer *l, char *buf, size_t len)
{
	char a[FORMAT_ADDR_MAX], b[FORMAT_ADDR_MAX], id[24];

	id[0] = '\0';
	if (tunnel_has_id(l))
		snprintf(id, sizeof id, " id %" PRIu32, l->id);
	if (tunnel_has_addrs(l)) {
		format_addr(l->src, l->ip_version, a, sizeof a);
		format_addr(l->dst, l->ip_version, b, sizeof b);
		snprintf(buf, len, "%s %s -> %s%s", tunnel_type_name(l->type),
		    a, b, id);
	} else
		snprintf(buf, len, "%s%s", tunnel_type_name(l->type), id);
}

/* The tunnel list, when there were tunnelled packets. */
#define TEXT_TUNNELS_MAX	20

static void
head_tunnels(FILE *out, const struct tunnels *ts)
{
	struct encap_layer l;
	char buf[FORMAT_ADDR_MAX * 2 + 48];
	size_t i;
	unsigned j;

	if (ts->packets == 0)
		return;
	fprintf(out, "  %-14s %zu (%" PRIu64 " packets)\n", "tunnels",
	    ts->n, ts->packets);
	for (i = 0; i < ts->n && i < TEXT_TUNNELS_MAX; i++) {
		const struct tunnel_entry *e = &ts->v[i];

		fputs("   ", out);
		for (j = 0; j < e->ctx.depth; j++) {
			tunnel_entry_layer(e, j, &l);
			tunnel_layer_text(&l, buf, sizeof buf);
			fprintf(out, "%s %s", j ? " /" : "", buf);
		}
		fprintf(out, ": %" PRIu64 " packets, %" PRIu64 " bytes, %"
		    PRIu64 " flows\n", e->packets, e->bytes, e->flows);
	}
	if (ts->n > TEXT_TUNNELS_MAX)
		fprintf(out, "    ... %zu more (all of them in --json)\n",
		    ts->n - TEXT_TUNNELS_MAX);
	if (ts->unlisted_packets)
		fprintf(out, "    more tunnels than the list holds: %" PRIu64
		    " packets, %" PRIu64 " flows\n", ts->unlisted_packets,
		    ts->unlisted_flows);
}

static void
table_head(FILE *out)
{
	fprintf(out, "\nFlows\n");
	fprintf(out, "%5s %-5s %-24s %-24s %-10s %7s %10s %7s %10s %10s %-6s "
	    "%6s %6s\n", "id", "proto", "client", "server", "service",
	    "pkts>", "bytes>", "pkts<", "bytes<", "duration", "state",
	    "rexmt>", "rexmt<");
}

/* The capture summary and the head of the flow table. */
static void
text_open(FILE *out, const struct fmt_doc *doc, const struct fmt_end *end)
{
	const struct analyzer *an = end->an;

	(void)doc;
	head_capture(out, an, end->ri);
	head_packet_kinds(out, &an->stats);
	fprintf(out, "  %-14s %zu", "flows", flow_table_count(an->flows));
	if (an->flows_expired || an->flows_evicted)
		fprintf(out, " (%" PRIu64 " finished by idle timeout, %" PRIu64
		    " evicted by --max-flows)", an->flows_expired,
		    an->flows_evicted);
	fputc('\n', out);
	head_tunnels(out, &an->tunnels);
	table_head(out);
}

/*
 * Columns without printf: a flow's line and its long view are some fifty
 * fields, and printf into a buffer costs more per call than the field.
 * Each is printf's %*s (width > 0: right-aligned), %-*s (width < 0: left),
 * %*llu or %*.*f, to the byte.
 */
static void
put_col(struct jw *w, const char *s, size_t n, int width)
{
	size_t wd = (size_t)(width < 0 ? -width : width);
	size_t pad = n < wd ? wd - n : 0;

	jw_reserve(w, n + pad);
	if (width > 0) {
		memset(w->buf + w->len, ' ', pad);
		w->len += pad;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	if (width < 0) {
		memset(w->buf + w->len, ' ', pad);
		w->len += pad;
	}
}

static void
put_str(struct jw *w, const char *s, int width)
{
	put_col(w, s, strlen(s), width);
}

static void
put_u64(struct jw *w, uint64_t v, int width)
{
	char buf[JW_NUM_MAX];

	put_col(w, buf, (size_t)(jw_put_digits(buf, v) - buf), width);
}

static void
put_fixed(struct jw *w, double v, int decimals, int width)
{
	char buf[JW_FIXED_MAX];

	put_col(w, buf, (size_t)(jw_put_fixed(buf, v, decimals) - buf), width);
}

/* One line of the flow table. */
static void
text_flow(struct jw *w, const struct fmt_doc *doc, const struct flow *f)
{
	const char *svc = service_name(f->key.proto, flow_server_port(f));
	const struct tcp_conn *c = flow_tcp(f);
	const struct encap_layer *tun;
	char cl[FORMAT_ENDPOINT_MAX], sv[FORMAT_ENDPOINT_MAX];
	char tb[FORMAT_TUNNEL_MAX];
	unsigned depth;
	int d;

	(void)doc;
	format_endpoint(flow_client_addr(f), f->key.ip_version,
	    flow_client_port(f), cl, sizeof cl);
	format_endpoint(flow_server_addr(f), f->key.ip_version,
	    flow_server_port(f), sv, sizeof sv);
	put_u64(w, f->id, 5);
	jw_char(w, ' ');
	put_str(w, f->proto->name, -5);
	jw_char(w, ' ');
	put_str(w, cl, -24);
	jw_char(w, ' ');
	put_str(w, sv, -24);
	jw_char(w, ' ');
	put_str(w, svc != NULL ? svc : port_class(flow_server_port(f)), -10);
	for (d = DIR_C2S; d <= DIR_S2C; d++) {
		jw_char(w, ' ');
		put_u64(w, f->dir[d].packets, 7);
		jw_char(w, ' ');
		put_u64(w, f->dir[d].bytes, 10);
	}
	jw_char(w, ' ');
	put_fixed(w, ns_to_s(f->last_ts - f->first_ts), 6, 10);
	jw_char(w, ' ');
	put_str(w, flow_state(f), -6);
	for (d = DIR_C2S; d <= DIR_S2C; d++) {
		jw_char(w, ' ');
		if (c != NULL)
			put_u64(w, c->dir[d].c.retransmissions_total, 6);
		else
			put_str(w, "-", 6);
	}
	/* A flow inside tunnels says which, after the columns. */
	if ((tun = flow_tunnel(f, &depth)) != NULL) {
		jw_char(w, ' ');
		put_str(w, format_tunnel_short(tun, depth, tb, sizeof tb), 0);
	}
	jw_char(w, '\n');
}

/* ---- the long view ---- */

/* A row of the long view: a label, then a column per direction. */
static void
line_str(struct jw *w, const char *label, const char *a, const char *b)
{
	jw_raw(w, "  ", 2);
	put_str(w, label, -28);
	jw_char(w, ' ');
	put_str(w, a, 16);
	jw_char(w, ' ');
	put_str(w, b, 16);
	jw_char(w, '\n');
}

static void
line_u64(struct jw *w, const char *label, uint64_t a, uint64_t b)
{
	char x[JW_NUM_MAX], y[JW_NUM_MAX];

	*jw_put_digits(x, a) = '\0';
	*jw_put_digits(y, b) = '\0';
	line_str(w, label, x, y);
}

/* Milliseconds, three decimals, or "-" when there is no value. */
static void
fmt_ms(uint64_t ns, bool valid, char *buf)
{
	char *p = buf;

	if (!valid)
		*p++ = '-';
	else {
		p = jw_put_fixed(p, (double)ns / 1e6, 3);
		memcpy(p, " ms", 3);
		p += 3;
	}
	*p = '\0';
}

static void
line_ms(struct jw *w, const char *label, uint64_t a, bool va, uint64_t b,
    bool vb)
{
	char x[JW_FIXED_MAX + 4], y[JW_FIXED_MAX + 4];

	fmt_ms(a, va, x);
	fmt_ms(b, vb, y);
	line_str(w, label, x, y);
}

/* Who, when, state, handshake, close. */
static void
long_head(struct jw *w, const struct flow *f, const struct tcp_conn *c)
{
	char cl[FORMAT_ENDPOINT_MAX], sv[FORMAT_ENDPOINT_MAX];
	char t1[FORMAT_TIME_MAX], t2[FORMAT_TIME_MAX];
	char tb[FORMAT_ADDR_MAX * 2 + 48];
	const struct encap_layer *tun;
	unsigned depth, i;

	format_endpoint(flow_client_addr(f), f->key.ip_version,
	    flow_client_port(f), cl, sizeof cl);
	format_endpoint(flow_server_addr(f), f->key.ip_version,
	    flow_server_port(f), sv, sizeof sv);
	format_time(f->first_ts, t1, sizeof t1);
	format_time(f->last_ts, t2, sizeof t2);
	jw_printf(w, "\nFlow %" PRIu64 ": %s -> %s (tcp)\n", f->id, cl, sv);
	/* Outermost first; the outer addresses client side first. */
	tun = flow_tunnel(f, &depth);
	for (i = 0; i < depth; i++) {
		tunnel_layer_text(&tun[i], tb, sizeof tb);
		jw_printf(w, "  tunnel %u: %s\n", i + 1, tb);
	}
	jw_printf(w, "  first packet: %s\n  last packet:  %s\n", t1, t2);
	jw_printf(w, "  state %s, history %s, client chosen by %s\n",
	    flow_state(f), c->history, role_source_name(f->role_source));
	jw_printf(w, "  handshake %s, SYN retries %u, SYN-ACK retries %u",
	    c->handshake_complete ? "complete" : "incomplete",
	    c->syn_count ? c->syn_count - 1 : 0,
	    c->synack_count ? c->synack_count - 1 : 0);
	if (c->handshake_complete && c->handshake_ack_ts >= c->syn_ts &&
	    c->handshake_ack_ts >= c->synack_ts && c->synack_ts >= c->syn_ts)
		jw_printf(w, ", RTT %.3f ms (server side %.3f, client side %.3f)",
		    (double)(c->handshake_ack_ts - c->syn_ts) / 1e6,
		    (double)(c->synack_ts - c->syn_ts) / 1e6,
		    (double)(c->handshake_ack_ts - c->synack_ts) / 1e6);
	jw_printf(w, "\n  closed by %s (%s)%s\n", close_by(f), close_how(f),
	    c->final_ack ? ", final ACK seen" : "");
}

/* Segments, losses, ACKs and windows, one line each, both directions. */
static void
long_counters(struct jw *w, const struct flow *f, const struct tcp_dir *a,
    const struct tcp_dir *b)
{
	int i;

	line_u64(w, "packets", f->dir[0].packets, f->dir[1].packets);
	line_u64(w, "data segments", a->c.data_segments, b->c.data_segments);
	line_u64(w, "pure acks", a->c.pure_acks, b->c.pure_acks);
	line_u64(w, "payload bytes", f->dir[0].payload_bytes,
	    f->dir[1].payload_bytes);
	line_u64(w, "unique payload bytes", tcp_dir_unique_bytes(a),
	    tcp_dir_unique_bytes(b));
	line_u64(w, "SYN packets", a->c.syns, b->c.syns);
	line_u64(w, "FIN packets", a->c.fins, b->c.fins);
	line_u64(w, "RST packets", a->c.rsts, b->c.rsts);
	line_u64(w, "retransmissions", a->c.retransmissions_total,
	    b->c.retransmissions_total);
	for (i = 0; i < RTX_CAUSES; i++) {
		char label[40];

		snprintf(label, sizeof label, "  %s",
		    tcp_rtx_cause_name((enum tcp_rtx_cause)i));
		line_u64(w, label, a->c.retransmissions[i],
		    b->c.retransmissions[i]);
	}
	line_u64(w, "retransmitted bytes", a->c.retransmitted_bytes,
	    b->c.retransmitted_bytes);
	line_u64(w, "out of order", a->c.out_of_order, b->c.out_of_order);
	line_u64(w, "network duplicates", a->c.network_duplicates,
	    b->c.network_duplicates);
	line_u64(w, "lost segments (not seen)", a->c.lost_segments,
	    b->c.lost_segments);
	line_u64(w, "dup acks received", a->c.dup_acks, b->c.dup_acks);
	line_u64(w, "longest dup ack run", a->c.max_dup_ack_run,
	    b->c.max_dup_ack_run);
	line_u64(w, "acks of unseen data", a->c.acked_unseen,
	    b->c.acked_unseen);
	line_u64(w, "zero windows received", a->c.zero_window_count,
	    b->c.zero_window_count);
	line_ms(w, "zero window time", a->c.zero_window_ns, true,
	    b->c.zero_window_ns, true);
	line_u64(w, "window full", a->c.window_full, b->c.window_full);
	line_u64(w, "keep-alives", a->c.keep_alives, b->c.keep_alives);
	line_u64(w, "max bytes in flight", a->c.max_in_flight,
	    b->c.max_in_flight);
	line_u64(w, "adv window max (peer)", a->c.adv_window_max,
	    b->c.adv_window_max);
	line_u64(w, "mss announced", a->mss, b->mss);
	line_u64(w, "window scale announced", a->has_wscale ? a->wscale : 0,
	    b->has_wscale ? b->wscale : 0);
}

/* RTT statistics and the RFC 6298 estimator, both directions. */
static void
long_rtt(struct jw *w, const struct tcp_dir *a, const struct tcp_dir *b)
{
	line_u64(w, "RTT samples", a->rtt.samples, b->rtt.samples);
	line_ms(w, "RTT min", a->rtt.min_ns, a->rtt.samples,
	    b->rtt.min_ns, b->rtt.samples);
	line_ms(w, "RTT mean", (uint64_t)rtt_stats_mean(&a->rtt),
	    a->rtt.samples, (uint64_t)rtt_stats_mean(&b->rtt), b->rtt.samples);
	line_ms(w, "RTT max", a->rtt.max_ns, a->rtt.samples,
	    b->rtt.max_ns, b->rtt.samples);
	line_ms(w, "RTT stddev", (uint64_t)rtt_stats_stddev(&a->rtt),
	    a->rtt.samples > 1, (uint64_t)rtt_stats_stddev(&b->rtt),
	    b->rtt.samples > 1);
	line_ms(w, "RTT p50", rtt_stats_percentile(&a->rtt, 50),
	    a->rtt.samples, rtt_stats_percentile(&b->rtt, 50), b->rtt.samples);
	line_ms(w, "RTT p95", rtt_stats_percentile(&a->rtt, 95),
	    a->rtt.samples, rtt_stats_percentile(&b->rtt, 95), b->rtt.samples);
	line_u64(w, "TS RTT samples", a->ts_rtt.samples, b->ts_rtt.samples);
	line_ms(w, "SRTT (RFC 6298)", a->rto.srtt_ns, a->rto.have_sample,
	    b->rto.srtt_ns, b->rto.have_sample);
	line_ms(w, "RTTVAR", a->rto.rttvar_ns, a->rto.have_sample,
	    b->rto.rttvar_ns, b->rto.have_sample);
	line_ms(w, "RTO", a->rto.rto_ns, true, b->rto.rto_ns, true);
	line_u64(w, "timeouts observed", a->c.rto_timeouts,
	    b->c.rto_timeouts);
	line_ms(w, "longest observed RTO", a->c.observed_rto_max_ns,
	    a->c.observed_rto_max_ns != 0, b->c.observed_rto_max_ns,
	    b->c.observed_rto_max_ns != 0);
}

/* With -l: a tcptrace -l style block per TCP flow; nothing for others. */
static void
text_flow_detail(struct jw *w, const struct fmt_doc *doc,
    const struct flow *f)
{
	const struct tcp_conn *c = flow_tcp(f);

	if (!doc->long_view || c == NULL)
		return;
	long_head(w, f, c);
	line_str(w, "", "client->server", "server->client");
	long_counters(w, f, &c->dir[DIR_C2S], &c->dir[DIR_S2C]);
	long_rtt(w, &c->dir[DIR_C2S], &c->dir[DIR_S2C]);
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

static void
tail_assertions(FILE *out, const struct assertion *as, size_t n)
{
	size_t i;

	fprintf(out, "\nAssertions\n");
	for (i = 0; i < n; i++) {
		const struct assertion *a = &as[i];

		if (a->have_actual)
			fprintf(out, "  %-6s %s (actual %.6g)\n",
			    a->passed ? "pass" : "FAIL", a->text, a->actual);
		else
			fprintf(out, "  %-6s %s (no value: no samples)\n",
			    a->passed ? "pass" : "FAIL", a->text);
	}
}

/* The summary line, the findings, the assertions. */
static void
text_tail(FILE *out, const struct fmt_doc *doc, const struct fmt_end *end,
    uint64_t nflows)
{
	const struct report_summary *sm = end->summary;
	size_t i;

	(void)doc;
	(void)nflows;
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
	if (end->nfindings == 0)
		fprintf(out, "  none\n");
	for (i = 0; i < end->nfindings; i++)
		text_finding(out, &end->findings[i]);
	if (end->nassertions > 0)
		tail_assertions(out, end->assertions, end->nassertions);
}

/* A line of counts, then the flow table of the interval. */
static void
text_interval(FILE *out, const struct fmt_interval *iv)
{
	const struct interval_info *ii = iv->ii;

	fprintf(out, "--- interval %" PRIu64 ": %" PRIu64 " packets, %" PRIu64
	    " bytes, %" PRIu64 " flows active, %" PRIu64 " finished, %zu in "
	    "memory", ii->index, ii->packets, ii->bytes, iv->active,
	    iv->finished, iv->live);
	if (ii->have_drops)
		fprintf(out, ", dropped by kernel %" PRIu64 ", by interface %"
		    PRIu64, ii->kernel_dropped, ii->interface_dropped);
	fputc('\n', out);
	table_head(out);
}

static void
text_event(FILE *out, const struct event_record *ev)
{
	char ts[FORMAT_SECONDS_MAX];

	fprintf(out, "%s #%" PRIu64 " flow %" PRIu64 " %s %s",
	    format_seconds(ev->ts_ns, ts), ev->packet, ev->flow,
	    ev->dir == DIR_C2S ? "c2s" : "s2c", ev->kind);
	if (ev->cause != NULL)
		fprintf(out, " cause=%s", ev->cause);
	fprintf(out, " seq=%" PRIu32 " len=%" PRIu32, ev->seq, ev->len);
	if (ev->has_ack)
		fprintf(out, " ack=%" PRIu32, ev->ack);
	if (ev->since_original_ns)
		fprintf(out, " since=%.6f", ns_to_s(ev->since_original_ns));
	fputc('\n', out);
}

const struct format format_text = {
	.name = "text",
	.streams = false,	/* the capture summary comes first */
	.open = text_open,
	.flow = text_flow,
	.flow_detail = text_flow_detail,
	.tail = text_tail,
	.interval = text_interval,
	.event = text_event,
};
