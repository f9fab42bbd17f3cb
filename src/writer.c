/*
 * The writer thread: see writer.h.
 *
 * The analyser gathers flows into a group of WRITER_GROUP; a full group goes
 * into a ring of WRITER_RING groups under one lock, and the writer takes
 * groups out the same way.  A side waits only when the ring is full (the
 * analyser) or empty (the writer): at most WRITER_RING * WRITER_GROUP
 * finished flows (about 3 KB each: 1.5 MB) wait in memory.
 *
 * The writer does not free the flows it has written: the analyser does,
 * when it next hands a group over.  Memory then goes back to the arena of
 * the thread that allocates it, where the next flows find it, instead of
 * each free() from the writer taking the analyser's arena lock (with many
 * short flows the two threads spent their time waking each other on it).
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "writer.h"
#include "xmalloc.h"

#define WRITER_GROUP	64
#define WRITER_RING	8

struct flow_group {
	size_t		 n;
	struct flow	*flows[WRITER_GROUP];
};

struct flow_writer {
	flow_write_fn	 fn;
	void		*ctx;
	struct flow_group filling;	/* the analyser's, no lock */
	uint64_t	 freed;		/* groups freed, by the analyser */

	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 ready;		/* the writer may wait on it */
	pthread_cond_t	 room;		/* the analyser may wait on it */
	/* Under lock: */
	uint64_t	 head;		/* groups taken by the writer */
	uint64_t	 tail;		/* groups handed over */
	bool		 done;		/* no more groups will come */
	struct flow_group ring[WRITER_RING];
};

static void *
writer_main(void *arg)
{
	struct flow_writer *wr = arg;
	struct flow_group *g;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&wr->lock);
		while (wr->head == wr->tail && !wr->done)
			pthread_cond_wait(&wr->ready, &wr->lock);
		if (wr->head == wr->tail) {	/* done and drained */
			pthread_mutex_unlock(&wr->lock);
			break;
		}
		g = &wr->ring[wr->head % WRITER_RING];
		pthread_mutex_unlock(&wr->lock);

		for (i = 0; i < g->n; i++)
			wr->fn(wr->ctx, g->flows[i]);

		pthread_mutex_lock(&wr->lock);
		wr->head++;
		pthread_cond_signal(&wr->room);
		pthread_mutex_unlock(&wr->lock);
	}
	return NULL;
}

struct flow_writer *
flow_writer_start(flow_write_fn fn, void *ctx)
{
	struct flow_writer *wr = xcalloc(1, sizeof *wr);
	int rc;

	wr->fn = fn;
	wr->ctx = ctx;
	pthread_mutex_init(&wr->lock, NULL);
	pthread_cond_init(&wr->ready, NULL);
	pthread_cond_init(&wr->room, NULL);
	if ((rc = pthread_create(&wr->thread, NULL, writer_main, wr)) != 0) {
		pthread_cond_destroy(&wr->room);
		pthread_cond_destroy(&wr->ready);
		pthread_mutex_destroy(&wr->lock);
		free(wr);
		errno = rc;
		return NULL;
	}
	return wr;
}

/* Free the flows of the groups before upto, which the writer is done with. */
static void
reclaim(struct flow_writer *wr, uint64_t upto)
{
	struct flow_group *g;
	size_t i;

	for (; wr->freed < upto; wr->freed++) {
		g = &wr->ring[wr->freed % WRITER_RING];
		for (i = 0; i < g->n; i++)
			flow_free(g->flows[i]);
	}
}

/* Hand the group being filled over; the caller holds no lock. */
static void
hand_over(struct flow_writer *wr, bool last)
{
	uint64_t written;

	pthread_mutex_lock(&wr->lock);
	while (wr->tail - wr->head == WRITER_RING)
		pthread_cond_wait(&wr->room, &wr->lock);
	written = wr->head;
	pthread_mutex_unlock(&wr->lock);
	/* Every slot but the ones the writer has yet to write is free. */
	reclaim(wr, written);

	pthread_mutex_lock(&wr->lock);
	if (wr->filling.n > 0) {
		wr->ring[wr->tail % WRITER_RING] = wr->filling;
		wr->tail++;
	}
	wr->done = last;
	pthread_cond_signal(&wr->ready);
	pthread_mutex_unlock(&wr->lock);
	wr->filling.n = 0;
}

void
flow_writer_push(struct flow_writer *wr, struct flow *f)
{
	wr->filling.flows[wr->filling.n++] = f;
	if (wr->filling.n == WRITER_GROUP)
		hand_over(wr, false);
}

void
flow_writer_finish(struct flow_writer *wr)
{
	if (wr == NULL)
		return;
	hand_over(wr, true);
	pthread_join(wr->thread, NULL);
	reclaim(wr, wr->tail);
	pthread_cond_destroy(&wr->room);
	pthread_cond_destroy(&wr->ready);
	pthread_mutex_destroy(&wr->lock);
	free(wr);
}
