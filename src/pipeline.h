/*
 * The reader thread: reads capture files (libpcap, the merge, the BPF filter)
 * and decodes each frame into a packet view, in batches, while the calling
 * thread runs the flow and TCP analysis on the batches before.  On two cores
 * reading and analysing then overlap instead of adding up.
 *
 * Only the packet views cross threads, through a small ring of batches: the
 * reader owns a batch until it hands it over, the analyser until it gives it
 * back.  A view that has a struct packet_ext (a tunnel's layers, payload
 * bytes: packet.h) has it in its slot too: the reader decodes into the
 * slot's ext and copies the payload bytes (at most decode_payload_limit(),
 * which must be set before the pipeline starts) into the slot's storage,
 * since the frame is gone once the next is read.  Plain views, the bulk
 * of any capture when no analyzer asked for payload, cost nothing more.
 * Nothing else is shared: the analyser never touches the source while
 * the reader runs, and the reader never touches the analyser.  The order of
 * packets, damage reports and the end of input is exactly that of
 * source_next(), so the report is the same bytes as without the thread.
 *
 * Offline sources only: a live capture must be stopped by the analyser's
 * thread (signals, --duration, --interval) and -w must write only what is
 * analysed, so those run single-threaded.
 */
#ifndef TRANSCOPE_PIPELINE_H
#define TRANSCOPE_PIPELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "packet.h"
#include "source.h"

#define PIPELINE_BATCH	512		/* packets per batch */

struct pipeline_batch {
	uint32_t	n;		/* packets in pkts[] */
	bool		end;		/* the input ended after these */
	bool		damaged;	/* a file was damaged after these */
	char		errbuf[SOURCE_ERRBUF_SIZE];	/* then: why */
	uint64_t	bytes_done;	/* progress, when asked for, now and */
	uint64_t	bytes_total;	/* then; 0 in other batches */
	struct packet	pkts[PIPELINE_BATCH];
	/* Where pkts[i].ext points, if set: ext[i] and its payload bytes. */
	struct packet_ext ext[PIPELINE_BATCH];
	uint8_t		*payload;	/* PIPELINE_BATCH x the limit, or NULL */
	size_t		 payload_size;	/* the limit: bytes per slot */
};

struct pipeline;

/*
 * Start reading src in a thread of its own: at most max_packets frames (0:
 * all), with progress figures in each batch if progress is set.  NULL if no
 * thread can be started (errno set): then read src directly.
 */
struct pipeline	*pipeline_start(struct source *src, uint64_t max_packets,
		    bool progress);
/* The next batch, waiting for it if need be; it stays valid until... */
struct pipeline_batch *pipeline_next(struct pipeline *);
/* ...it is given back. */
void		 pipeline_release(struct pipeline *);
/* Stop the reader (if it still runs), wait for it and free everything. */
void		 pipeline_stop(struct pipeline *);

#endif
