/*
 * Reports: the text report (summary, flow table, optional long view) and
 * the JSON document (schema in doc/json-schema.md).  Output depends only on
 * the input and the options, so it is byte-for-byte reproducible.
 *
 * Flows are reported as they finish: a struct report_sink serialises each
 * finished flow at once (so its analysis state can be freed), either
 * straight to the output (JSON, streaming: see report_sink_stream()) or into
 * a temporary file, remembering where; report_sink_write() then writes the
 * flows in id order (first-packet order, whatever order they finished in)
 * or the --sort order, and the rest of the report.  Memory per finished
 * flow: one small index entry, none when streaming.
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
#include "findings.h"
#include "summary.h"
#include "threshold.h"

#define REPORT_SCHEMA_VERSION	1

enum report_sort {
	SORT_NONE,		/* first packet (id) order */
	SORT_BYTES,
	SORT_PACKETS,
	SORT_RETRANSMISSIONS,
	SORT_RTT,
	SORT_DURATION
};

struct report_options {
	bool		 json;
	bool		 long_view;	/* text: tcptrace -l style per flow */
	uint8_t		 proto;		/* 6 or 17: report only those; 0 all */
	uint64_t	 top;		/* report only the first N; 0 all */
	enum report_sort sort;		/* descending; ties by id */
	struct assertion *assertions;	/* evaluated at the end */
	size_t		 nassertions;
};

struct report_info {
	char *const	*files;
	int		 nfiles;
	bool		 long_view;	/* text: tcptrace -l style per flow */
	const char	*interface;	/* live capture: the device, or NULL */
	int		 have_drops;	/* live: the counts below are known */
	uint64_t	 kernel_dropped;
	uint64_t	 interface_dropped;
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
 * of the document to the same out).  Only for JSON without --sort, --top or
 * interval reports, before any flow; false (nothing changes) otherwise.
 * Memory and time then no longer depend on the number of flows reported.
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

/* What an --interval report covers (wall-clock times, ns since the epoch). */
struct interval_info {
	uint64_t	index;		/* 1, 2, ... */
	uint64_t	start_ns;
	uint64_t	end_ns;
	uint64_t	packets;	/* during the interval */
	uint64_t	bytes;
	uint64_t	since_ts;	/* flows active after this capture time */
	int		have_drops;
	uint64_t	kernel_dropped;	/* cumulative */
	uint64_t	interface_dropped;
};

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

/* The pieces, for report.c: one flow's records and the surrounding parts. */
struct jw;
void	report_json_flow_jw(struct jw *, const struct flow *);
/*
 * The document is {"transcope":..., "flows":[...], "capture":..., "summary":
 * ..., "findings":..., "assertions":...}: the flows come before everything
 * that is only known at the end, so they can be written as they finish.
 * report_json_open() writes up to and including "flows":[, the caller the
 * flow records (nl before the first, "," nl between), report_json_tail()
 * the rest.
 */
void	report_json_open(FILE *, const char *nl);
void	report_json_tail(FILE *, const struct analyzer *,
	    const struct report_info *, const char *nl, bool had_flows,
	    const struct report_summary *, const struct finding *, size_t,
	    const struct report_options *);
/* Returns the bytes written. */
size_t	report_text_flow_line(FILE *, const struct flow *);
void	report_text_flow_long(FILE *, const struct flow *);
void	report_text_head(FILE *, const struct analyzer *,
	    const struct report_info *);
void	report_text_table_head(FILE *);
void	report_text_tail(FILE *, const struct report_summary *,
	    const struct finding *, size_t, const struct report_options *);

/* Shared formatting helpers. */
void		 format_addr(const uint8_t *addr, int ip_version, char *buf,
		    size_t len);
const char	*link_type_label(int dlt);
const char	*role_source_name(enum flow_role_source);
const char	*close_by(const struct flow *);
const char	*close_how(const struct flow *);
double		 ns_to_s(uint64_t ns);

#endif
