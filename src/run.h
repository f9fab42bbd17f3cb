/*
 * The read loop: packets from the source through the analysis, from the
 * first to the end of the input, -c, --duration or a signal, with progress
 * on stderr and --interval records on the way.  One place for the three
 * ways of reading (see run.c) and for what happens around them.
 */
#ifndef TRANSCOPE_RUN_H
#define TRANSCOPE_RUN_H

#include "analyzer.h"
#include "cli.h"
#include "report.h"
#include "source.h"

/* --threads as it applies: 1 or 2 (0, the default, is by CPUs online). */
int	run_threads(const struct options *);

/*
 * Read src to its end into an, whose finished flows go to sink; fill *ri's
 * capture facts (interface, drops).  0, or -1 when some input was damaged
 * or an interval record could not be written: what was read is analysed
 * all the same, and the messages are printed.
 */
int	run_capture(const struct options *, struct source *src,
	    struct analyzer *an, struct report_sink *sink,
	    struct report_info *ri);

#endif
