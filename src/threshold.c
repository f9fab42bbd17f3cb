/*
 * The --assert expression language: see threshold.h.  Fields are looked up by
 * name in fixed tables; nothing is evaluated but one comparison.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "threshold.h"
#include "xmalloc.h"

static const char *const op_names[] = { "<", "<=", ">", ">=", "==", "!=" };

const char *
assert_op_name(enum assert_op op)
{
	return op_names[op];
}

/* A distribution field: NAME.STAT */
static bool
dist_value(const struct rtt_stats *s, const char *stat, bool *known,
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

/*
 * The value of field; false when it has none.  *known says whether the
 * name exists at all (checked at parse time with empty data).
 */
static bool
field_value(const char *field, const struct report_summary *sm,
    const struct analyzer *an, bool *known, double *out)
{
	const struct {
		const char *name;
		double value;
	} plain[] = {
		{ "flows", (double)sm->flows },
		{ "flows.tcp", (double)sm->tcp_flows },
		{ "flows.udp", (double)sm->udp_flows },
		{ "flows_expired", an ? (double)an->flows_expired : 0 },
		{ "flows_evicted", an ? (double)an->flows_evicted : 0 },
		{ "packets", an ? (double)an->stats.packets : 0 },
		{ "bytes", an ? (double)an->stats.wire_bytes : 0 },
		{ "flow_packets", (double)sm->packets },
		{ "flow_bytes", (double)sm->bytes },
		{ "retransmissions", (double)sm->retransmissions_total },
		{ "retransmissions.rto", (double)sm->retransmissions[RTX_RTO] },
		{ "retransmissions.fast", (double)sm->retransmissions[RTX_FAST] },
		{ "retransmissions.spurious",
		    (double)sm->retransmissions[RTX_SPURIOUS] },
		{ "retransmissions.probe", (double)sm->retransmissions[RTX_PROBE] },
		{ "retransmission_rate", summary_retransmission_rate(sm) },
		{ "data_segments", (double)sm->data_segments },
		{ "out_of_order", (double)sm->out_of_order },
		{ "lost_segments", (double)sm->lost_segments },
		{ "network_duplicates", (double)sm->network_duplicates },
		{ "dup_acks", (double)sm->dup_acks },
		{ "zero_windows", (double)sm->zero_windows },
		{ "syn_retries", (double)sm->syn_retries },
		{ "closed_by_rst", (double)sm->closed_by_rst },
		{ "handshakes.complete", (double)sm->handshakes_complete },
		{ "handshakes.incomplete",
		    (double)(sm->tcp_flows - sm->handshakes_complete) },
	};
	const struct {
		const char *prefix;
		const struct rtt_stats *dist;
	} distributions[] = {
		{ "handshake.rtt_s.", &sm->handshake_rtt },
		{ "handshake.client_rtt_s.", &sm->handshake_client_rtt },
		{ "handshake.server_rtt_s.", &sm->handshake_server_rtt },
		{ "rtt_s.", &sm->rtt },
		{ "duration_s.", &sm->duration },
	};
	size_t i, n;
	int k;

	*known = true;
	for (i = 0; i < sizeof plain / sizeof plain[0]; i++) {
		if (strcmp(field, plain[i].name) == 0) {
			*out = plain[i].value;
			return true;
		}
	}
	if (strncmp(field, "state.", 6) == 0) {
		for (k = 0; k < ST_MAX; k++) {
			if (strcmp(field + 6, summary_state_name(
			    (enum summary_state)k)) == 0) {
				*out = (double)sm->state[k];
				return true;
			}
		}
		*known = false;
		return false;
	}
	if (strncmp(field, "undecoded", 9) == 0) {
		uint64_t total = 0;

		if (field[9] == '\0') {
			for (k = 1; k < DR_MAX; k++)
				total += an ? an->stats.undecoded[k] : 0;
			*out = (double)total;
			return true;
		}
		if (field[9] == '.') {
			for (k = 1; k < DR_MAX; k++) {
				if (strcmp(field + 10, decode_reason_name(
				    (enum decode_reason)k)) == 0) {
					*out = an ? (double)an->stats.undecoded[k] : 0;
					return true;
				}
			}
		}
		*known = false;
		return false;
	}
	for (i = 0; i < sizeof distributions / sizeof distributions[0]; i++) {
		n = strlen(distributions[i].prefix);
		if (strncmp(field, distributions[i].prefix, n) == 0)
			return dist_value(distributions[i].dist, field + n, known,
			    out);
	}
	*known = false;
	return false;
}

int
assertion_parse(const char *text, struct assertion *a, char *errbuf,
    size_t len)
{
	static const struct report_summary empty;
	const char *p = text, *start;
	char *end;
	double v;
	bool known;

	memset(a, 0, sizeof *a);
	while (isspace((unsigned char)*p))
		p++;
	start = p;
	while (isalnum((unsigned char)*p) || *p == '_' || *p == '.')
		p++;
	if (p == start) {
		snprintf(errbuf, len, "--assert '%s': expected a field name "
		    "first", text);
		return -1;
	}
	a->field = xmalloc((size_t)(p - start) + 1);
	memcpy(a->field, start, (size_t)(p - start));
	a->field[p - start] = '\0';
	while (isspace((unsigned char)*p))
		p++;
	if (strncmp(p, "<=", 2) == 0) { a->op = AOP_LE; p += 2; }
	else if (strncmp(p, ">=", 2) == 0) { a->op = AOP_GE; p += 2; }
	else if (strncmp(p, "==", 2) == 0) { a->op = AOP_EQ; p += 2; }
	else if (strncmp(p, "!=", 2) == 0) { a->op = AOP_NE; p += 2; }
	else if (*p == '<') { a->op = AOP_LT; p++; }
	else if (*p == '>') { a->op = AOP_GT; p++; }
	else {
		snprintf(errbuf, len, "--assert '%s': expected one of "
		    "< <= > >= == != after '%s'", text, a->field);
		goto fail;
	}
	while (isspace((unsigned char)*p))
		p++;
	errno = 0;
	v = strtod(p, &end);
	if (end == p || errno != 0 || !isfinite(v)) {
		snprintf(errbuf, len, "--assert '%s': expected a number after "
		    "'%s'", text, op_names[a->op]);
		goto fail;
	}
	p = end;
	if (strncmp(p, "ms", 2) == 0) { v /= 1e3; p += 2; }
	else if (strncmp(p, "us", 2) == 0) { v /= 1e6; p += 2; }
	else if (*p == 's') p++;
	else if (*p == '%') { v /= 100; p++; }
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '\0') {
		snprintf(errbuf, len, "--assert '%s': unexpected '%s' at the "
		    "end", text, p);
		goto fail;
	}
	a->threshold = v;
	(void)field_value(a->field, &empty, NULL, &known, &v);
	if (!known) {
		snprintf(errbuf, len, "--assert '%s': unknown field '%s' (the "
		    "fields are listed in transcope(1), ASSERTIONS)", text,
		    a->field);
		goto fail;
	}
	a->text = xstrdup(text);
	return 0;
fail:
	free(a->field);
	a->field = NULL;
	return -1;
}

void
assertion_eval(struct assertion *a, const struct report_summary *sm,
    const struct analyzer *an)
{
	bool known;
	double x;

	a->have_actual = field_value(a->field, sm, an, &known, &x);
	a->actual = a->have_actual ? x : 0;
	if (!a->have_actual) {
		a->passed = false;
		return;
	}
	switch (a->op) {
	case AOP_LT: a->passed = x < a->threshold; break;
	case AOP_LE: a->passed = x <= a->threshold; break;
	case AOP_GT: a->passed = x > a->threshold; break;
	case AOP_GE: a->passed = x >= a->threshold; break;
	case AOP_EQ: a->passed = x == a->threshold; break;
	case AOP_NE: a->passed = x != a->threshold; break;
	}
}

void
assertion_clear(struct assertion *a)
{
	free(a->text);
	free(a->field);
	memset(a, 0, sizeof *a);
}
