/*
 * The metric table: every number a user can test, sort by or compare is
 * declared once, here: its name, where it sits in the JSON report, its
 * unit, how to read it, and what it means.  --assert (threshold.c), --sort
 * (the report sink), `transcope diff` and the tests that hold the man page
 * and doc/json-schema.md to the program all read this table, so a metric
 * added here is known to all of them.
 *
 * Three scopes:
 *   summary    over the reported flows and the capture (--assert fields);
 *   flow       one flow (--sort keys; diff compares flow-level fields);
 *   direction  one direction object, c2s or s2c (diff compares each).
 *
 * A name ending in '.' is a prefix: the metric takes the rest of the name
 * as an argument (state.CODE, undecoded.REASON, rtt_s.STAT).
 */
#ifndef TRANSCOPE_METRICS_H
#define TRANSCOPE_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "flow.h"
#include "summary.h"

enum metric_scope {
	METRIC_SUMMARY,
	METRIC_FLOW,
	METRIC_DIR
};

enum metric_unit {
	UNIT_COUNT,
	UNIT_BYTES,
	UNIT_SECONDS,
	UNIT_BPS,		/* bits per second */
	UNIT_RATIO
};

/* What a metric is read from; members a scope does not use may be NULL. */
struct metric_src {
	const struct report_summary *summary;
	const struct analyzer	*an;	/* capture counts; NULL: read as 0 */
	const struct flow	*flow;
};

#define METRIC_SORT		0x01	/* a --sort key (flow scope) */
#define METRIC_COUNT_ONLY	0x02	/* diff: relative tolerance is 0 */

struct metric {
	const char	*name;		/* --assert, --sort and diff name */
	const char	*json;		/* path below its scope's JSON object */
	enum metric_scope scope;
	enum metric_unit unit;
	const char	*family;	/* diff tolerance family, or NULL */
	unsigned	 flags;
	/*
	 * The value: false when it has none (no samples).  arg is what
	 * follows a prefix name ("" otherwise); *known is false when arg
	 * names nothing.  NULL for fields only diff compares (in reports).
	 */
	bool		(*read)(const struct metric_src *, const char *arg,
			    bool *known, double *out);
	const char	*meaning;
};

/* The whole table, in documentation order. */
const struct metric *metrics_table(size_t *n);
/*
 * The metric of scope called name (a prefix metric matches any name that
 * starts with its prefix); *arg is then what follows it.  NULL if none.
 */
const struct metric *metric_find(enum metric_scope, const char *name,
		    const char **arg);
/* Read m; false when it has no value, *known false when arg is unknown. */
bool		 metric_read(const struct metric *m, const struct metric_src *,
		    const char *arg, bool *known, double *out);

#endif
