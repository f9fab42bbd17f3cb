/*
 * The output seam.  A report format is a table of functions, as a tmux
 * window mode is (const struct window_mode window_clock_mode = { ... }):
 * the report core (sink.c: ordering, spill, streaming, the writer thread,
 * intervals) calls a format only through its table and knows nothing of
 * what the bytes are.  text and json are the first two formats.  Another
 * (HTML, TSV or CSV, NDJSON per flow, a Zeek conn.log) is one more file
 * with one more table, listed in fmt.c: the sink, the summary, the findings
 * and the event log stay as they are.
 *
 * A report is written as
 *
 *	open, { separator(n), flow record n }, { detail record n }, tail
 *
 * Flow records are built into a buffer (a struct jw, jsonw.h: a JSON format
 * uses its keyed writers, any other jw_raw() or jw_printf()) and the sink
 * decides where they go: straight to the output as flows finish, or into
 * its spill file to be copied out later in id or --sort order.  So a record
 * must not depend on its position: what goes between records is
 * separator()'s, written when the order is known.  Detail records (text:
 * the long view of a TCP flow) follow all the flow records, in the same
 * order.
 *
 * A format whose open() needs nothing known only at the end of the input
 * says so with .streams: its records may then go out while the analysis
 * runs (see report_sink_stream()), and open() gets a NULL end.
 *
 * An interval report (--interval) is written as interval, { separator(n),
 * flow record n }, interval_end; its separators are those of a one-line
 * document (with --json the stream is NDJSON).  event() writes one line of
 * the event log (--events), from a typed record (events.h).
 *
 * Every function writes to the FILE or the buffer it is given and keeps no
 * state: one table serves any number of reports, in any thread.
 */
#ifndef TRANSCOPE_FMT_H
#define TRANSCOPE_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "analyzer.h"
#include "threshold.h"
#include "findings.h"
#include "summary.h"

struct event_record;		/* events.h */

/* The JSON report's schema (doc/json-schema.md). */
#define REPORT_SCHEMA_VERSION	1

struct jw;

/* What the report is of (files, or a live interface and its drops). */
struct report_info {
	char *const	*files;
	int		 nfiles;
	/* Every file's interfaces (or the device), with packets read. */
	const struct source_interface *interfaces;
	int		 ninterfaces;
	bool		 long_view;	/* text: tcptrace -l style per flow */
	const char	*interface;	/* live capture: the device, or NULL */
	int		 have_drops;	/* live: the counts below are known */
	uint64_t	 kernel_dropped;
	uint64_t	 interface_dropped;
};

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

/* How this document is to be written. */
struct fmt_doc {
	bool		 one_line;	/* no newlines: one NDJSON record */
	bool		 long_view;	/* text: the long view, as detail */
};

/* What only the end of the input knows: the parts after the flows. */
struct fmt_end {
	const struct analyzer		*an;
	const struct report_info	*ri;
	const struct report_summary	*summary;
	const struct finding		*findings;
	size_t				 nfindings;
	const struct assertion		*assertions;	/* evaluated */
	size_t				 nassertions;
};

/* The head of an interval report. */
struct fmt_interval {
	const struct interval_info *ii;
	uint64_t	 active;	/* flows with packets in the interval */
	uint64_t	 finished;	/* flows that finished in it */
	size_t		 live;		/* flows in memory */
	size_t		 total;		/* flows seen so far */
};

struct format {
	const char	*name;		/* as --format takes it */
	bool		 streams;	/* open() needs no fmt_end */

	void	(*open)(FILE *, const struct fmt_doc *,
		    const struct fmt_end *);
	/* What goes before record n (0, 1, ...); NULL: nothing. */
	void	(*separator)(FILE *, const struct fmt_doc *, uint64_t n);
	void	(*flow)(struct jw *, const struct fmt_doc *,
		    const struct flow *);
	/* NULL, or may write nothing for a flow: then it has no detail. */
	void	(*flow_detail)(struct jw *, const struct fmt_doc *,
		    const struct flow *);
	/* nflows: how many flow records the document got. */
	void	(*tail)(FILE *, const struct fmt_doc *,
		    const struct fmt_end *, uint64_t nflows);

	void	(*interval)(FILE *, const struct fmt_interval *);
	/* NULL: nothing after the records. */
	void	(*interval_end)(FILE *);

	void	(*event)(FILE *, const struct event_record *);
};

extern const struct format format_text;
extern const struct format format_json;

/* The format called name, or NULL. */
const struct format *format_find(const char *name);

#endif
