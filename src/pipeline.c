/*
 * The reader thread: see pipeline.h.
 *
 * A ring of PIPELINE_RING batches, with a mutex and two condition
 * variables.  The lock is taken once per batch, not per packet, and a side
 * wakes the other only when that one sleeps and half the ring is ready for
 * it, so on a 6 M packet file there are some 26 000 uncontended lock round
 * trips and few wake-ups.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "pipeline.h"
#include "xmalloc.h"

/*
 * 16 x 512 packet views, 1.3 MB: measured, a ring this deep lets each side
 * run on for long stretches; with 8 x 256 (L2-sized) the two woke each
 * other so often that 2 M packets took 25% longer, and 32 x 512 gains
 * nothing more but memory.  The ext slots beside them (1.4 MB, and the
 * payload storage when asked for) are touched only by views that have
 * one: their pages are never faulted in for a plain capture.
 */
#define PIPELINE_RING	16

struct pipeline {
	struct source	*src;
	uint64_t	 max_packets;
	bool		 progress;

	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 filled;	/* the analyser may wait on it */
	pthread_cond_t	 freed;		/* the reader may wait on it */
	/* Under lock: */
	uint64_t	 head;		/* batches handed to the analyser */
	uint64_t	 tail;		/* batches the reader has filled */
	bool		 stop;		/* the analyser wants no more */
	bool		 reader_waits;
	bool		 analyser_waits;

	struct pipeline_batch *ring[PIPELINE_RING];
};

/*
 * decode_into() for a frame when payload bytes are asked for: the view's
 * reference into the frame is copied to the slot's storage, since the
 * frame is gone once the next is read.  Out of line, so that decode_into()
 * stays a tail call.
 */
static __attribute__((noinline)) void
decode_keep_payload(struct pipeline_batch *b, uint32_t i,
    const struct raw_frame *fr)
{
	struct packet *pkt = &b->pkts[i];
	struct packet_ext *x = &b->ext[i];
	uint8_t *to = b->payload + (size_t)i * b->payload_size;
	size_t n;

	decode_packet_ext(fr->dlt, fr->data, fr->caplen, fr->len, pkt, x);
	if (pkt->ext == NULL || x->payload == NULL)
		return;
	n = x->payload_caplen;
	if (n > b->payload_size)	/* the limit grew: not here */
		n = b->payload_size;
	memcpy(to, x->payload, n);
	x->payload = to;
	x->payload_caplen = (uint16_t)n;
}

/*
 * Decode one frame into the next slot of the batch being filled, its ext
 * (tunnel layers, payload reference) if any into the slot's: a plain view
 * costs nothing more.
 */
static void
decode_into(void *ctx, const struct raw_frame *fr)
{
	struct pipeline_batch *b = ctx;
	uint32_t i = b->n++;
	struct packet *pkt = &b->pkts[i];

	pkt->ts_ns = fr->ts_ns;
	pkt->number = 0;
	if (b->payload != NULL)
		decode_keep_payload(b, i, fr);
	else
		decode_packet_ext(fr->dlt, fr->data, fr->caplen, fr->len, pkt,
		    &b->ext[i]);
}

/* Fill one batch from the source; the reader's own work, no lock held. */
static void
fill_batch(struct pipeline *pl, struct pipeline_batch *b, uint64_t *read)
{
	int rc, max, got;

	b->n = 0;
	b->end = b->damaged = false;
	while (b->n < PIPELINE_BATCH) {
		max = PIPELINE_BATCH - (int)b->n;
		if (pl->max_packets != 0) {
			if (*read >= pl->max_packets) {
				b->end = true;
				break;
			}
			if ((uint64_t)max > pl->max_packets - *read)
				max = (int)(pl->max_packets - *read);
		}
		rc = source_read(pl->src, max, decode_into, b, b->errbuf,
		    &got);
		*read += (uint64_t)got;
		if (rc == 0) {
			b->end = true;
			break;
		}
		if (rc < 0) {
			/* The analyser reports it after these packets. */
			b->damaged = true;
			break;
		}
	}
	/* Asking the stream its offset is a system call: now and then. */
	b->bytes_done = b->bytes_total = 0;
	if (pl->progress && (*read / PIPELINE_BATCH) % 128 == 0)
		source_progress(pl->src, &b->bytes_done, &b->bytes_total);
}

static void *
reader_main(void *arg)
{
	struct pipeline *pl = arg;
	struct pipeline_batch *b;
	uint64_t read = 0;
	bool end = false;

	while (!end) {
		pthread_mutex_lock(&pl->lock);
		while (pl->tail - pl->head == PIPELINE_RING && !pl->stop) {
			pl->reader_waits = true;
			pthread_cond_wait(&pl->freed, &pl->lock);
		}
		pl->reader_waits = false;
		if (pl->stop) {
			pthread_mutex_unlock(&pl->lock);
			break;
		}
		b = pl->ring[pl->tail % PIPELINE_RING];
		pthread_mutex_unlock(&pl->lock);

		fill_batch(pl, b, &read);
		end = b->end;

		pthread_mutex_lock(&pl->lock);
		pl->tail++;
		/* Wake the analyser when half the ring is ready, not per batch. */
		if (pl->analyser_waits && (end || b->damaged ||
		    pl->tail - pl->head >= PIPELINE_RING / 2))
			pthread_cond_signal(&pl->filled);
		pthread_mutex_unlock(&pl->lock);
	}
	return NULL;
}

static void
batch_free(struct pipeline_batch *b)
{
	free(b->payload);
	free(b);
}

struct pipeline *
pipeline_start(struct source *src, uint64_t max_packets, bool progress)
{
	struct pipeline *pl = xcalloc(1, sizeof *pl);
	int i, rc;

	pl->src = src;
	pl->max_packets = max_packets;
	pl->progress = progress;
	for (i = 0; i < PIPELINE_RING; i++) {
		struct pipeline_batch *b = xmalloc(sizeof *b);

		b->payload_size = decode_payload_limit();
		b->payload = b->payload_size == 0 ? NULL :
		    xreallocarray(NULL, PIPELINE_BATCH, b->payload_size);
		pl->ring[i] = b;
	}
	pthread_mutex_init(&pl->lock, NULL);
	pthread_cond_init(&pl->filled, NULL);
	pthread_cond_init(&pl->freed, NULL);
	if ((rc = pthread_create(&pl->thread, NULL, reader_main, pl)) != 0) {
		pthread_cond_destroy(&pl->freed);
		pthread_cond_destroy(&pl->filled);
		pthread_mutex_destroy(&pl->lock);
		for (i = 0; i < PIPELINE_RING; i++)
			batch_free(pl->ring[i]);
		free(pl);
		errno = rc;
		return NULL;
	}
	return pl;
}

struct pipeline_batch *
pipeline_next(struct pipeline *pl)
{
	struct pipeline_batch *b;

	pthread_mutex_lock(&pl->lock);
	while (pl->head == pl->tail) {
		pl->analyser_waits = true;
		pthread_cond_wait(&pl->filled, &pl->lock);
	}
	pl->analyser_waits = false;
	b = pl->ring[pl->head % PIPELINE_RING];
	pthread_mutex_unlock(&pl->lock);
	return b;
}

void
pipeline_release(struct pipeline *pl)
{
	pthread_mutex_lock(&pl->lock);
	pl->head++;
	/* The same for the reader: wake it once half the ring is free. */
	if (pl->reader_waits && pl->tail - pl->head <= PIPELINE_RING / 2)
		pthread_cond_signal(&pl->freed);
	pthread_mutex_unlock(&pl->lock);
}

void
pipeline_stop(struct pipeline *pl)
{
	int i;

	if (pl == NULL)
		return;
	pthread_mutex_lock(&pl->lock);
	pl->stop = true;
	pthread_cond_signal(&pl->freed);
	pthread_mutex_unlock(&pl->lock);
	pthread_join(pl->thread, NULL);
	pthread_cond_destroy(&pl->freed);
	pthread_cond_destroy(&pl->filled);
	pthread_mutex_destroy(&pl->lock);
	for (i = 0; i < PIPELINE_RING; i++)
		batch_free(pl->ring[i]);
	free(pl);
}
