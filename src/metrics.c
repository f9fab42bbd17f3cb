/*
 * The metric table: see metrics.h.  Readers are small functions, one per
 * shape of metric; a plain counter of the summary is a row with an offset
 * into struct report_summary, so adding one is adding a row.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "decode.h"
#include "metrics.h"
#include "tcp.h"

/* ---- readers ---- */

/* A distribution's statistic: count, min, mean, max, stddev, pNN. */
static bool
dist_stat(const struct rtt_stats *s, const char *stat, bool *known,
    double *out)
{
	static const struct {
		const char *name;
		double p;
	} pct[] = { { "p50", 50 }, { "p90", 90 }, { "p95", 95 }, { "p99", 99 },
	    { "median", 50 } };
	size_t i;

	*known = true;
	if (strcmp(stat, "count") == 0) {
		*out = (double)s->samples;
		return true;
	}
	for (i = 0; i < sizeof pct / sizeof pct[0]; i++) {
		if (strcmp(stat, pct[i].name) == 0) {
			*out = (double)rtt_stats_percentile(s, pct[i].p) / 1e9;
			return s->samples > 0;
		}
	}
	if (strcmp(stat, "min") == 0)
		*out = (double)s->min_ns / 1e9;
	else if (strcmp(stat, "max") == 0)
		*out = (double)s->max_ns / 1e9;
	else if (strcmp(stat, "mean") == 0)
		*out = rtt_stats_mean(s) / 1e9;
	else if (strcmp(stat, "stddev") == 0)
		*out = rtt_stats_stddev(s) / 1e9;
	else {
		*known = false;
		return false;
	}
	return s->samples > 0;
}

#define SUMMARY_U64(member)						\
static bool								\
read_##member(const struct metric_src *src, const char *arg,		\
    bool *known, double *out)						\
{									\
	(void)arg;							\
	*known = true;							\
	*out = (double)src->summary->member;				\
	return true;							\
}
SUMMARY_U64(flows)
SUMMARY_U64(tcp_flows)
SUMMARY_U64(udp_flows)
SUMMARY_U64(packets)
SUMMARY_U64(bytes)
SUMMARY_U64(retransmissions_total)
SUMMARY_U64(data_segments)
SUMMARY_U64(out_of_order)
SUMMARY_U64(lost_segments)
SUMMARY_U64(network_duplicates)
SUMMARY_U64(dup_acks)
SUMMARY_U64(zero_windows)
SUMMARY_U64(syn_retries)
SUMMARY_U64(closed_by_rst)
SUMMARY_U64(handshakes_complete)
#undef SUMMARY_U64

#define SUMMARY_DIST(member)						\
static bool								\
read_##member(const struct metric_src *src, const char *arg,		\
    bool *known, double *out)						\
{									\
	return dist_stat(&src->summary->member, arg, known, out);	\
}
SUMMARY_DIST(handshake_rtt)
SUMMARY_DIST(handshake_client_rtt)
SUMMARY_DIST(handshake_server_rtt)
SUMMARY_DIST(rtt)
SUMMARY_DIST(duration)
#undef SUMMARY_DIST

#define SUMMARY_RTX(cause, name)					\
static bool								\
read_rtx_##name(const struct metric_src *src, const char *arg,		\
    bool *known, double *out)						\
{									\
	(void)arg;							\
	*known = true;							\
	*out = (double)src->summary->retransmissions[cause];		\
	return true;							\
}
SUMMARY_RTX(RTX_RTO, rto)
SUMMARY_RTX(RTX_FAST, fast)
SUMMARY_RTX(RTX_SPURIOUS, spurious)
SUMMARY_RTX(RTX_PROBE, probe)
#undef SUMMARY_RTX

#define CAPTURE_U64(name, expr)						\
static bool								\
read_##name(const struct metric_src *src, const char *arg,		\
    bool *known, double *out)						\
{									\
	(void)arg;							\
	*known = true;							\
	*out = src->an != NULL ? (double)(expr) : 0;			\
	return true;							\
}
CAPTURE_U64(flows_expired, src->an->flows_expired)
CAPTURE_U64(flows_evicted, src->an->flows_evicted)
CAPTURE_U64(capture_packets, src->an->stats.packets)
CAPTURE_U64(capture_bytes, src->an->stats.wire_bytes)
#undef CAPTURE_U64

static bool
read_retransmission_rate(const struct metric_src *src, const char *arg,
    bool *known, double *out)
{
	(void)arg;
	*known = true;
	*out = summary_retransmission_rate(src->summary);
	return true;
}

static bool
read_handshakes_incomplete(const struct metric_src *src, const char *arg,
    bool *known, double *out)
{
	(void)arg;
	*known = true;
	*out = (double)(src->summary->tcp_flows -
	    src->summary->handshakes_complete);
	return true;
}

static bool
read_state(const struct metric_src *src, const char *arg, bool *known,
    double *out)
{
	int k;

	for (k = 0; k < ST_MAX; k++) {
		if (strcmp(arg, summary_state_name((enum summary_state)k)) == 0) {
			*known = true;
			*out = (double)src->summary->state[k];
			return true;
		}
	}
	*known = false;
	return false;
}

/* "undecoded" itself (arg "") is all reasons together. */
static bool
read_undecoded(const struct metric_src *src, const char *arg, bool *known,
    double *out)
{
	const struct analyzer *an = src->an;
	uint64_t total = 0;
	int k;

	*known = true;
	if (*arg == '\0') {
		for (k = 1; k < DR_MAX; k++)
			total += an ? an->stats.undecoded[k] : 0;
		*out = (double)total;
		return true;
	}
	for (k = 1; k < DR_MAX; k++) {
		if (strcmp(arg, decode_reason_name((enum decode_reason)k)) == 0) {
			*out = an ? (double)an->stats.undecoded[k] : 0;
			return true;
		}
	}
	*known = false;
	return false;
}

/* Flow scope: the --sort keys. */
static bool
read_flow_bytes(const struct metric_src *src, const char *arg, bool *known,
    double *out)
{
	const struct flow *f = src->flow;

	(void)arg;
	*known = true;
	*out = (double)(f->dir[0].bytes + f->dir[1].bytes);
	return true;
}

static bool
read_flow_packets(const struct metric_src *src, const char *arg, bool *known,
    double *out)
{
	const struct flow *f = src->flow;

	(void)arg;
	*known = true;
	*out = (double)(f->dir[0].packets + f->dir[1].packets);
	return true;
}

static bool
read_flow_retransmissions(const struct metric_src *src, const char *arg,
    bool *known, double *out)
{
	const struct tcp_conn *c = flow_tcp(src->flow);

	(void)arg;
	*known = true;
	*out = c == NULL ? 0 : (double)(c->dir[0].c.retransmissions_total +
	    c->dir[1].c.retransmissions_total);
	return true;
}

/* The slower direction's mean RTT, in nanoseconds (0 without samples). */
static bool
read_flow_rtt(const struct metric_src *src, const char *arg, bool *known,
    double *out)
{
	const struct tcp_conn *c = flow_tcp(src->flow);
	double v = 0;
	int d;

	(void)arg;
	*known = true;
	for (d = 0; c != NULL && d < 2; d++)
		if (rtt_stats_mean(&c->dir[d].rtt) > v)
			v = rtt_stats_mean(&c->dir[d].rtt);
	*out = v;
	return true;
}

static bool
read_flow_duration(const struct metric_src *src, const char *arg,
    bool *known, double *out)
{
	(void)arg;
	*known = true;
	*out = (double)(src->flow->last_ts - src->flow->first_ts);
	return true;
}

/* ---- the table ---- */

#define S(name, json, unit, read, meaning)				\
	{ name, json, METRIC_SUMMARY, unit, NULL, 0, read, meaning }
#define D(name, unit, family, flags, meaning)				\
	{ name, name, METRIC_DIR, unit, family, flags, NULL, meaning }
#define F(name, json, unit, family, flags, read, meaning)		\
	{ name, json, METRIC_FLOW, unit, family, flags, read, meaning }

static const struct metric metrics[] = {
	/* Summary: the --assert fields. */
	S("flows", "summary.flows", UNIT_COUNT, read_flows,
	    "flows reported"),
	S("flows.tcp", "summary.tcp_flows", UNIT_COUNT, read_tcp_flows,
	    "TCP flows reported"),
	S("flows.udp", "summary.udp_flows", UNIT_COUNT, read_udp_flows,
	    "UDP flows reported"),
	S("flows_expired", "capture.flows_expired", UNIT_COUNT,
	    read_flows_expired, "flows finished because they were idle"),
	S("flows_evicted", "capture.flows_evicted", UNIT_COUNT,
	    read_flows_evicted, "flows finished early to stay within --max-flows"),
	S("packets", "capture.packets", UNIT_COUNT, read_capture_packets,
	    "frames read"),
	S("bytes", "capture.bytes", UNIT_BYTES, read_capture_bytes,
	    "wire bytes read"),
	S("flow_packets", NULL, UNIT_COUNT, read_packets,
	    "packets of the reported flows"),
	S("flow_bytes", NULL, UNIT_BYTES, read_bytes,
	    "IP bytes of the reported flows"),
	S("undecoded", "capture.undecoded", UNIT_COUNT, read_undecoded,
	    "frames that could not be decoded"),
	S("undecoded.", "capture.undecoded", UNIT_COUNT, read_undecoded,
	    "frames that could not be decoded, for one reason"),
	S("state.", "summary.states", UNIT_COUNT, read_state,
	    "flows in that Zeek conn_state"),
	S("retransmissions", "summary.retransmissions.total", UNIT_COUNT,
	    read_retransmissions_total, "retransmitted segments"),
	S("retransmissions.rto", "summary.retransmissions.rto", UNIT_COUNT,
	    read_rtx_rto, "retransmissions by a timeout"),
	S("retransmissions.fast", "summary.retransmissions.fast", UNIT_COUNT,
	    read_rtx_fast, "fast retransmissions"),
	S("retransmissions.spurious", "summary.retransmissions.spurious",
	    UNIT_COUNT, read_rtx_spurious, "needless retransmissions"),
	S("retransmissions.probe", "summary.retransmissions.probe", UNIT_COUNT,
	    read_rtx_probe, "tail-loss and zero-window probes"),
	S("retransmission_rate", "summary.retransmission_rate", UNIT_RATIO,
	    read_retransmission_rate, "retransmissions per data segment"),
	S("data_segments", "summary.data_segments", UNIT_COUNT,
	    read_data_segments, "segments with payload"),
	S("out_of_order", "summary.out_of_order", UNIT_COUNT,
	    read_out_of_order, "segments reordered, not resent"),
	S("lost_segments", "summary.lost_segments", UNIT_COUNT,
	    read_lost_segments, "segments after data the capture missed"),
	S("network_duplicates", "summary.network_duplicates", UNIT_COUNT,
	    read_network_duplicates, "segments seen twice on the wire"),
	S("dup_acks", "summary.dup_acks", UNIT_COUNT, read_dup_acks,
	    "duplicate ACKs"),
	S("zero_windows", "summary.zero_windows", UNIT_COUNT, read_zero_windows,
	    "zero-window episodes"),
	S("syn_retries", "summary.syn_retries", UNIT_COUNT, read_syn_retries,
	    "SYNs beyond the first"),
	S("closed_by_rst", "summary.closed_by_rst", UNIT_COUNT,
	    read_closed_by_rst, "connections ended by a RST"),
	S("handshakes.complete", "summary.handshakes_complete", UNIT_COUNT,
	    read_handshakes_complete, "complete three-way handshakes"),
	S("handshakes.incomplete", NULL, UNIT_COUNT, read_handshakes_incomplete,
	    "TCP flows without a complete handshake"),
	S("handshake.rtt_s.", "summary.handshake.rtt_s", UNIT_SECONDS,
	    read_handshake_rtt, "distribution of handshake RTTs"),
	S("handshake.client_rtt_s.", "summary.handshake.client_rtt_s",
	    UNIT_SECONDS, read_handshake_client_rtt,
	    "distribution of SYN-ACK to ACK times"),
	S("handshake.server_rtt_s.", "summary.handshake.server_rtt_s",
	    UNIT_SECONDS, read_handshake_server_rtt,
	    "distribution of SYN to SYN-ACK times"),
	S("rtt_s.", "summary.rtt_s", UNIT_SECONDS, read_rtt,
	    "distribution of the mean RTT of every TCP direction"),
	S("duration_s.", "summary.duration_s", UNIT_SECONDS, read_duration,
	    "distribution of flow durations"),

	/* Flow: the --sort keys. */
	F("bytes", NULL, UNIT_BYTES, NULL, METRIC_SORT, read_flow_bytes,
	    "IP bytes both ways"),
	F("packets", NULL, UNIT_COUNT, NULL, METRIC_SORT, read_flow_packets,
	    "packets both ways"),
	F("retransmissions", NULL, UNIT_COUNT, NULL, METRIC_SORT,
	    read_flow_retransmissions, "retransmissions both ways"),
	F("rtt", NULL, UNIT_SECONDS, NULL, METRIC_SORT, read_flow_rtt,
	    "the slower direction's mean RTT"),
	F("duration", NULL, UNIT_SECONDS, NULL, METRIC_SORT,
	    read_flow_duration, "first to last packet"),

	/*
	 * Flow and direction fields that diff compares, by family; the
	 * order within a family is the order of diff's output.
	 */
	D("packets", UNIT_COUNT, "packets", 0, "packets sent"),
	D("bytes", UNIT_BYTES, "bytes", 0, "IP bytes sent"),
	D("payload_bytes", UNIT_BYTES, "bytes", 0,
	    "payload bytes sent, resent included"),
	D("unique_payload_bytes", UNIT_BYTES, "bytes", 0,
	    "payload sequence space covered"),
	D("retransmissions.total", UNIT_COUNT, "retransmissions", 0,
	    "retransmitted segments"),
	D("retransmissions.rto", UNIT_COUNT, "retransmissions", 0,
	    "retransmissions by a timeout"),
	D("retransmissions.fast", UNIT_COUNT, "retransmissions", 0,
	    "fast retransmissions"),
	D("retransmissions.spurious", UNIT_COUNT, "retransmissions", 0,
	    "needless retransmissions"),
	D("retransmissions.probe", UNIT_COUNT, "retransmissions", 0,
	    "tail-loss and zero-window probes"),
	D("out_of_order", UNIT_COUNT, "out_of_order", 0,
	    "segments reordered, not resent"),
	D("lost_segments", UNIT_COUNT, "lost_segments", 0,
	    "segments after data the capture missed"),
	D("network_duplicates", UNIT_COUNT, "network_duplicates", 0,
	    "segments seen twice on the wire"),
	D("dup_acks", UNIT_COUNT, "dup_acks", 0, "duplicate ACKs from the peer"),
	D("zero_window.count", UNIT_COUNT, "zero_window", 0,
	    "zero-window episodes"),
	D("zero_window.duration_s", UNIT_SECONDS, "zero_window", 0,
	    "time in zero windows"),
	D("rtt.mean_s", UNIT_SECONDS, "rtt", 0, "mean ACK RTT"),
	D("rtt.p50_s", UNIT_SECONDS, "rtt", 0, "median ACK RTT"),
	D("rtt.p95_s", UNIT_SECONDS, "rtt", 0, "95th percentile ACK RTT"),
	D("rtt.max_s", UNIT_SECONDS, "rtt", 0, "largest ACK RTT"),
	D("rtt.min_s", UNIT_SECONDS, "rtt", 0, "smallest ACK RTT"),
	D("rto.srtt_s", UNIT_SECONDS, "rto", 0, "final RFC 6298 SRTT"),
	D("rto.rto_s", UNIT_SECONDS, "rto", 0, "final RFC 6298 RTO"),
	D("rto.timeouts", UNIT_COUNT, "rto", 0,
	    "timeout retransmissions observed"),
	D("throughput_bps", UNIT_BPS, "throughput", 0,
	    "payload bits per second"),
	D("goodput_bps", UNIT_BPS, "throughput", 0,
	    "unique payload bits per second"),
	F("handshake.rtt_s", "handshake.rtt_s", UNIT_SECONDS, "handshake", 0,
	    NULL, "SYN to handshake ACK"),
	F("handshake.client_rtt_s", "handshake.client_rtt_s", UNIT_SECONDS,
	    "handshake", 0, NULL, "SYN-ACK to ACK"),
	F("handshake.server_rtt_s", "handshake.server_rtt_s", UNIT_SECONDS,
	    "handshake", 0, NULL, "SYN to SYN-ACK"),
	F("handshake.syn_retries", "handshake.syn_retries", UNIT_COUNT,
	    "handshake", METRIC_COUNT_ONLY, NULL, "SYNs beyond the first"),
	F("handshake.synack_retries", "handshake.synack_retries", UNIT_COUNT,
	    "handshake", METRIC_COUNT_ONLY, NULL, "SYN-ACKs beyond the first"),
	F("duration_s", "duration_s", UNIT_SECONDS, "duration", 0, NULL,
	    "first to last packet"),
};

#undef S
#undef D
#undef F

const struct metric *
metrics_table(size_t *n)
{
	*n = sizeof metrics / sizeof metrics[0];
	return metrics;
}

const struct metric *
metric_find(enum metric_scope scope, const char *name, const char **arg)
{
	size_t i;

	for (i = 0; i < sizeof metrics / sizeof metrics[0]; i++) {
		const struct metric *m = &metrics[i];
		size_t len = strlen(m->name);

		if (m->scope != scope)
			continue;
		if (m->name[len - 1] == '.') {
			if (strncmp(name, m->name, len) == 0) {
				*arg = name + len;
				return m;
			}
		} else if (strcmp(name, m->name) == 0) {
			*arg = name + len;
			return m;
		}
	}
	return NULL;
}

bool
metric_read(const struct metric *m, const struct metric_src *src,
    const char *arg, bool *known, double *out)
{
	if (m->read == NULL) {
		*known = false;
		return false;
	}
	return m->read(src, arg, known, out);
}
