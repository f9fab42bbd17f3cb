/*
 * RTT statistics and RFC 6298 estimation: see rtt.h.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rtt.h"
#include "xmalloc.h"

static int
floor_log2(uint64_t v)
{
	return 63 - __builtin_clzll(v);
}

/* Bucket of v: octave, then RTT_SUBBUCKETS linear steps inside it. */
static size_t
rtt_bucket(uint64_t v)
{
	int oct;
	uint64_t sub;

	if (v < RTT_SUBBUCKETS)
		return (size_t)v;
	oct = floor_log2(v);
	if (oct >= RTT_OCTAVES)
		return RTT_BUCKETS - 1;
	/* The 4 bits below the leading one pick the sub-bucket. */
	sub = (v >> (oct - 4)) & (RTT_SUBBUCKETS - 1);
	return (size_t)oct * RTT_SUBBUCKETS + (size_t)sub;
}

/* Lower edge and width of bucket b (inverse of rtt_bucket). */
static void
rtt_bucket_range(size_t b, uint64_t *lo, uint64_t *width)
{
	size_t oct = b / RTT_SUBBUCKETS, sub = b % RTT_SUBBUCKETS;

	if (oct < 4) {
		*lo = b;
		*width = 1;
		return;
	}
	*width = (uint64_t)1 << (oct - 4);
	*lo = ((uint64_t)1 << oct) + sub * *width;
}

void
rtt_stats_add(struct rtt_stats *s, uint64_t ns)
{
	double d = (double)ns;

	if (s->samples == 0 || ns < s->min_ns)
		s->min_ns = ns;
	if (ns > s->max_ns)
		s->max_ns = ns;
	s->sum += d;
	s->sum_sq += d * d;
	if (s->samples < RTT_EXACT_SAMPLES) {
		s->exact[s->samples++] = ns;
		return;
	}
	if (s->hist == NULL) {
		size_t i;

		s->hist = xcalloc(RTT_BUCKETS, sizeof *s->hist);
		for (i = 0; i < RTT_EXACT_SAMPLES; i++)
			s->hist[rtt_bucket(s->exact[i])]++;
	}
	s->hist[rtt_bucket(ns)]++;
	s->samples++;
}

/*
 * At most RTT_EXACT_SAMPLES values: insertion sort, several times cheaper
 * than qsort() at this size, and reports ask for percentiles of every
 * direction of every flow.
 */
static void
sort_small(uint64_t *v, size_t n)
{
	size_t i, j;

	for (i = 1; i < n; i++) {
		uint64_t x = v[i];

		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

uint64_t
rtt_stats_percentile(const struct rtt_stats *s, double p)
{
	uint64_t rank, seen = 0, lo, width, v;
	size_t b;

	if (s->samples == 0)
		return 0;
	rank = (uint64_t)ceil(p / 100.0 * (double)s->samples);
	if (rank < 1)
		rank = 1;
	if (rank > s->samples)
		rank = s->samples;
	if (s->hist == NULL) {
		uint64_t sorted[RTT_EXACT_SAMPLES];

		memcpy(sorted, s->exact, s->samples * sizeof sorted[0]);
		sort_small(sorted, (size_t)s->samples);
		return sorted[rank - 1];
	}
	for (b = 0; b < RTT_BUCKETS; b++) {
		seen += s->hist[b];
		if (seen >= rank)
			break;
	}
	if (b == RTT_BUCKETS)
		return s->max_ns;
	rtt_bucket_range(b, &lo, &width);
	v = lo + width / 2;
	if (v < s->min_ns)
		v = s->min_ns;
	if (v > s->max_ns)
		v = s->max_ns;
	return v;
}

double
rtt_stats_mean(const struct rtt_stats *s)
{
	return s->samples ? s->sum / (double)s->samples : 0.0;
}

double
rtt_stats_stddev(const struct rtt_stats *s)
{
	double n = (double)s->samples, mean, var;

	if (s->samples < 2)
		return 0.0;
	mean = s->sum / n;
	/* Sample standard deviation, as tcptrace reports it. */
	var = (s->sum_sq - n * mean * mean) / (n - 1);
	return var > 0 ? sqrt(var) : 0.0;
}

void
rtt_stats_free(struct rtt_stats *s)
{
	free(s->hist);
	s->hist = NULL;
}

static uint64_t
clamp_rto(const struct rto_config *cfg, uint64_t rto)
{
	if (rto < cfg->min_ns)
		rto = cfg->min_ns;
	if (rto > cfg->max_ns)
		rto = cfg->max_ns;
	return rto;
}

void
rto_init(struct rto_estimator *e, const struct rto_config *cfg)
{
	memset(e, 0, sizeof *e);
	e->rto_ns = cfg->initial_ns;
}

void
rto_update(struct rto_estimator *e, const struct rto_config *cfg,
    uint64_t r)
{
	uint64_t k_var;

	if (!e->have_sample) {
		/* RFC 6298 (2.2): the first measurement. */
		e->srtt_ns = r;
		e->rttvar_ns = r / 2;
		e->have_sample = 1;
	} else {
		/* (2.3): RTTVAR first, with the SRTT it is about to replace. */
		uint64_t err = e->srtt_ns > r ? e->srtt_ns - r : r - e->srtt_ns;

		e->rttvar_ns = (3 * e->rttvar_ns + err) / 4;
		e->srtt_ns = (7 * e->srtt_ns + r) / 8;
	}
	k_var = 4 * e->rttvar_ns;
	e->rto_ns = clamp_rto(cfg, e->srtt_ns +
	    (k_var > cfg->granularity_ns ? k_var : cfg->granularity_ns));
	if (e->min_rto_ns == 0 || e->rto_ns < e->min_rto_ns)
		e->min_rto_ns = e->rto_ns;
	if (e->rto_ns > e->max_rto_ns)
		e->max_rto_ns = e->rto_ns;
}
