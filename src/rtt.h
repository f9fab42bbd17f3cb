/*
 * RTT samples and the RFC 6298 retransmission-timeout estimator.
 *
 * struct rtt_stats summarises samples in bounded memory: the first
 * RTT_EXACT_SAMPLES are kept exactly (short connections get exact
 * percentiles); past that they go into a log-scale histogram with
 * RTT_SUBBUCKETS buckets per power of two, allocated on first need, so a
 * percentile is off by at most half a bucket (about 2 %).  Min, max, mean
 * and standard deviation are always exact.  Times are integer nanoseconds.
 *
 * struct rto_estimator follows RFC 6298 section 2 literally: alpha 1/8,
 * beta 1/4, K 4, clock granularity G, a lower bound (the RFC says 1 s;
 * Linux uses 200 ms) and an upper bound of 60 s.
 */
#ifndef TRANSCOPE_RTT_H
#define TRANSCOPE_RTT_H

#include <stdint.h>

#define RTT_EXACT_SAMPLES	16
#define RTT_SUBBUCKETS		16	/* per power of two */
#define RTT_OCTAVES		40	/* 1 ns .. 2^40 ns (18 min) */
#define RTT_BUCKETS		(RTT_OCTAVES * RTT_SUBBUCKETS)

struct rtt_stats {
	uint64_t	 samples;
	uint64_t	 min_ns;
	uint64_t	 max_ns;
	double		 sum;		/* ns */
	double		 sum_sq;	/* ns^2 */
	uint64_t	 exact[RTT_EXACT_SAMPLES];
	uint32_t	*hist;		/* RTT_BUCKETS, or NULL */
};

void		rtt_stats_add(struct rtt_stats *, uint64_t ns);
/* p in [0, 100]: the nearest-rank percentile, in ns (0 with no samples). */
uint64_t	rtt_stats_percentile(const struct rtt_stats *, double p);
double		rtt_stats_mean(const struct rtt_stats *);
double		rtt_stats_stddev(const struct rtt_stats *);
void		rtt_stats_free(struct rtt_stats *);

struct rto_config {
	uint64_t	granularity_ns;	/* G */
	uint64_t	min_ns;		/* lower bound on RTO */
	uint64_t	max_ns;		/* upper bound on RTO */
	uint64_t	initial_ns;	/* RTO before the first sample */
};

struct rto_estimator {
	uint64_t	srtt_ns;
	uint64_t	rttvar_ns;
	uint64_t	rto_ns;
	uint64_t	min_rto_ns;	/* over the connection, after samples */
	uint64_t	max_rto_ns;
	uint8_t		have_sample;
};

void	rto_init(struct rto_estimator *, const struct rto_config *);
void	rto_update(struct rto_estimator *, const struct rto_config *,
	    uint64_t rtt_ns);

#endif
