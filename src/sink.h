/*
 * The report core: where finished flows' records go, and in what order.
 * It knows no format: every byte it writes comes from a struct format
 * (fmt.h), and it only moves records and puts the format's separators
 * between them.  It knows no summary, finding or assertion either: the
 * caller (report.c) keeps those and hands them over, finished, for the
 * format's tail.
 *
 * Each finished flow is serialised at once (so its analysis state can be
 * freed): straight to the output as flows finish when the format streams
 * and nothing needs the flows in another order (see sink_stream()), or
 * into a temporary spill file, remembering where; sink_write() then copies
 * the records out in id order (first-packet order, whatever order flows
 * finished in) or the --sort order, cut to --top.  Memory per finished
 * flow: one small index entry, none when streaming.
 *
 * With a writer thread (sink_use_writer()) flows are serialised and freed
 * in that thread; with interval reports the records of the flows finished
 * since the last report are kept, serialised, for the next one.
 */
#ifndef TRANSCOPE_SINK_H
#define TRANSCOPE_SINK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "analyzer.h"
#include "fmt.h"

struct metric;			/* metrics.h: a --sort key */
struct sink;

/*
 * NULL when no temporary file can be made (errno set).  sort is a flow
 * metric with METRIC_SORT, largest first, ties by id, or NULL for id
 * order; top 0 keeps every flow.
 */
struct sink	*sink_new(const struct format *, const struct fmt_doc *,
		    const struct metric *sort, uint64_t top);
void		 sink_free(struct sink *);
void		 sink_set_one_line(struct sink *, bool);
/* True when the flow now belongs to the writer thread, which frees it. */
bool		 sink_flow(struct sink *, struct flow *);
/*
 * Records straight to out as flows finish, and the rest of the document to
 * the same out at sink_write(): only when the format streams, with no sort,
 * top or interval reports, before any flow; false (nothing changes) else.
 */
bool		 sink_stream(struct sink *, FILE *out);
/*
 * Serialise and free flows in a writer thread (writer.h): only for input
 * that ends, not with interval reports; false if no thread can start.
 */
bool		 sink_use_writer(struct sink *);
/*
 * The format's open, every record in order, the detail records, and the
 * format's tail with end: 0, or -1 on an I/O error (errno).
 */
int		 sink_write(struct sink *, FILE *, const struct fmt_end *);

/*
 * Keep the records of the flows that finish from now on; sink_interval()
 * writes them and the active flows of the flow table, then starts anew.
 */
void		 sink_interval_begin(struct sink *);
int		 sink_interval(struct sink *, FILE *, const struct analyzer *,
		    const struct interval_info *);

#endif
