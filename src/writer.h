/*
 * The writer thread: finished flows, handed over by the analyser, are
 * written out (by a callback: the JSON record, for the streamed report) and
 * freed in a thread of their own.  With many short flows, formatting their
 * records costs as much as analysing their packets; on two CPUs the two then
 * overlap.
 *
 * The analyser gives up each flow it pushes (it is out of the flow table
 * already, see flow_table_release()); the writer calls the callback on the
 * flows in the order they were pushed, so the output is the same bytes as
 * writing them at once; the analyser's thread frees them with flow_free()
 * once they are written, in a later push or in flow_writer_finish().
 * Pushes are gathered and handed over in groups, so a flow may wait until a
 * few dozen more have finished or flow_writer_finish() is called: fine for
 * a file, not for a live capture, which writes its flows at once instead.
 */
#ifndef TRANSCOPE_WRITER_H
#define TRANSCOPE_WRITER_H

#include "flow.h"

typedef void	(*flow_write_fn)(void *ctx, const struct flow *);

struct flow_writer;

/* NULL if no thread can be started (errno set): write flows directly. */
struct flow_writer *flow_writer_start(flow_write_fn fn, void *ctx);
/* Hand f over; waits if the writer is far behind. */
void	flow_writer_push(struct flow_writer *, struct flow *f);
/* Write and free every flow pushed, stop the thread, free the writer. */
void	flow_writer_finish(struct flow_writer *);

#endif
