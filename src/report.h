/*
 * Reports: what main() and the tests call.  A report is the flows' records
 * (written by the report core, sink.h, in a format, fmt.h), then the
 * capture summary, the aggregates over the reported flows (summary.h), the
 * security findings (findings.h) and the --assert results, which are kept
 * and evaluated here, not in the core.  Output depends only on the input
 * and the options, so it is byte-for-byte reproducible.
 *
 * Flows are reported as they finish: a struct report_sink takes each
 * finished flow (report_sink_flow()), counts it into the summary and the
 * findings and hands it to the core, which serialises it at once so its
 * analysis state can be freed; report_sink_write() then writes the flows
 * in id order (first-packet order, whatever order they finished in) or the
 * --sort order, and the rest of the report.  Memory per finished flow: one
 * small index entry, none when streaming.
 *
 * report_text() and report_json() are the one-shot form for an analyzer
 * that kept all its flows.  All return 0, or -1 on an I/O error (errno).
 */
#ifndef TRANSCOPE_REPORT_H
#define TRANSCOPE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "analyzer.h"
#include "threshold.h"
#include "fmt.h"
#include "fmtutil.h"
#include "sink.h"

struct report_options {
	const struct format *format;	/* fmt.c's list; NULL: text */
	bool		 long_view;	/* text: tcptrace -l style per flow */
	uint8_t		 proto;		/* 6 or 17: report only those; 0 all */
	uint64_t	 top;		/* report only the first N; 0 all */
	const struct metric *sort;	/* --sort key (metrics.h) or NULL;
					   largest first, ties by id */
	struct assertion *assertions;	/* evaluated at the end */
	size_t		 nassertions;
};

struct report_sink;

/* NULL when no temporary file can be made (errno set). */
struct report_sink *report_sink_new(const struct report_options *);
/* After report_sink_write: how many assertions failed. */
size_t	report_sink_failed_assertions(const struct report_sink *);
/*
 * A flow_final_fn: records the finished flow.  True when it keeps the flow
 * (the writer thread frees it), false when the caller may free it.
 */
bool	report_sink_flow(void *sink, struct flow *);
int	report_sink_write(struct report_sink *, FILE *,
	    const struct analyzer *, const struct report_info *);
/* JSON on a single line (the final record of an NDJSON stream). */
void	report_sink_set_one_line(struct report_sink *, bool);
/*
 * Write each flow to out as soon as it finishes, in the order flows finish,
 * instead of keeping it for report_sink_write() (which then writes the rest
 * of the document to the same out).  Only for a format that streams (JSON)
 * without --sort, --top or interval reports, before any flow; false
 * (nothing changes) otherwise.  Memory and time then no longer depend on
 * the number of flows reported.
 */
bool	report_sink_stream(struct report_sink *, FILE *out);
/*
 * Write flow records (streamed JSON, or the spill file of the text report
 * and of --sort) from a thread of their own (src/writer.c): flows are
 * formatted and freed there while the analysis goes on; the summary and
 * findings stay in the caller's thread.  Only for input that ends (files):
 * records wait in groups.  Not with interval reports.  False if no thread
 * can be started: then as before.
 */
bool	report_sink_use_writer(struct report_sink *);

/*
 * Start collecting the flows that finish from now on, for the next
 * interval report; then write one (an NDJSON line, or a compact text table of
 * the active and just-finished flows with totals).
 */
void	report_sink_interval_begin(struct report_sink *);
int	report_interval(FILE *, struct report_sink *, const struct analyzer *,
	    const struct interval_info *);
void	report_sink_free(struct report_sink *);

int	report_text(FILE *, const struct analyzer *, const struct report_info *);
int	report_json(FILE *, const struct analyzer *, const struct report_info *);

#endif
