/*
 * The writer thread: see writer.h.
 *
 * The analyser gathers flows into a group of WRITER_GROUP; a full group goes
 * into a ring of WRITER_RING groups under one lock, and the writer takes
 * groups out the same way.  A side waits only when the ring is full (the
 * analyser) or empty (the writer): at most WRITER_RING * WRITER_GROUP
 * finished flows (about 3 KB each: 1.5 MB) wait in memory.
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

		for (i = 0; i < g->n; i++) {
			wr->fn(wr->ctx, g->flows[i]);
			flow_free(g->flows[i]);
		}

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

/* Hand the group being filled over; the caller holds no lock. */
static void
hand_over(struct flow_writer *wr, bool last)
{
	pthread_mutex_lock(&wr->lock);
	while (wr->tail - wr->head == WRITER_RING)
		pthread_cond_wait(&wr->room, &wr->lock);
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
	pthread_cond_destroy(&wr->room);
	pthread_cond_destroy(&wr->ready);
	pthread_mutex_destroy(&wr->lock);
	free(wr);
}
