/*
 * The capture's tunnel list: see tunnels.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "tunnels.h"
#include "xmalloc.h"


/* A keyed hash of the context's used bytes: the depth, then its layers. */
static uint64_t
ctx_hash(const struct tunnels *ts, const struct encap_ctx *c)
{
	size_t i, n = sizeof c->depth + c->depth * sizeof c->layer[0];
	uint64_t w, h = ts->seed;

	for (i = 0; i < n; i += sizeof w) {
		memcpy(&w, (const uint8_t *)c + i, sizeof w);
		h = hash_mix64(h ^ w) + ts->seed;
	}
	return hash_mix64(h);
}

static void
slots_grow(struct tunnels *ts)
{
	size_t n = ts->mask == 0 ? 64 : (ts->mask + 1) * 2, i, j;

	free(ts->slots);
	ts->slots = xcalloc(n, sizeof *ts->slots);
	ts->mask = n - 1;
	for (i = 0; i < ts->n; i++) {
		for (j = ts->v[i].hash & ts->mask; ts->slots[j] != 0;
		    j = (j + 1) & ts->mask)
			;
		ts->slots[j] = (uint32_t)(i + 1);
	}
}

/* The entry of context c, added if there is room; NULL if there is none. */
static struct tunnel_entry *
entry_find(struct tunnels *ts, const struct encap_ctx *c, unsigned turned)
{
	struct tunnel_entry *e;
	uint64_t h;
	size_t i;
	uint32_t k;

	if (ts->seed == 0) {
		hash_random_seeds(&ts->seed, 1);
		ts->seed |= 1;		/* 0 means "not yet seeded" */
	}
	h = ctx_hash(ts, c);
	if (ts->mask != 0) {
		for (i = h & ts->mask; (k = ts->slots[i]) != 0;
		    i = (i + 1) & ts->mask) {
			e = &ts->v[k - 1];
			if (e->hash == h && memcmp(&e->ctx, c, sizeof *c) == 0) {
				ts->last = k;
				return e;
			}
		}
	}
	if (ts->n == TUNNELS_MAX)
		return NULL;
	if (2 * (ts->n + 1) > ts->mask + 1)
		slots_grow(ts);
	for (i = h & ts->mask; ts->slots[i] != 0; i = (i + 1) & ts->mask)
		;
	if (ts->n == ts->cap) {
		ts->cap = ts->cap == 0 ? 16 : ts->cap * 2;
		ts->v = xreallocarray(ts->v, ts->cap, sizeof *ts->v);
	}
	e = &ts->v[ts->n++];
	memset(e, 0, sizeof *e);
	e->ctx = *c;
	e->hash = h;
	e->turned = (uint8_t)turned;
	ts->slots[i] = (uint32_t)ts->n;
	ts->last = ts->n;
	return e;
}

void
tunnels_count_ctx(struct tunnels *ts, const struct encap_ctx *c,
    unsigned turned, uint32_t wirelen)
{
	struct tunnel_entry *e;

	ts->packets++;
	if (ts->last != 0 &&
	    memcmp(&ts->v[ts->last - 1].ctx, c, sizeof *c) == 0)
		e = &ts->v[ts->last - 1];
	else if ((e = entry_find(ts, c, turned)) == NULL) {
		ts->last = 0;
		ts->unlisted_packets++;
		ts->unlisted_bytes += wirelen;
		return;
	}
	e->packets++;
	e->bytes += wirelen;
}

void
tunnels_count(struct tunnels *ts, const struct packet *pkt)
{
	struct encap_ctx c;
	unsigned turned = encap_canonical(pkt, &c);

	tunnels_count_ctx(ts, &c, turned, pkt->wirelen);
}

void
tunnels_flow_begun(struct tunnels *ts)
{
	if (ts->last != 0)
		ts->v[ts->last - 1].flows++;
	else
		ts->unlisted_flows++;
}

void
tunnels_free(struct tunnels *ts)
{
	free(ts->v);
	free(ts->slots);
	memset(ts, 0, sizeof *ts);
}

void
tunnel_entry_layer(const struct tunnel_entry *e, unsigned i,
    struct encap_layer *out)
{
	if (e->turned & (1u << i))
		encap_layer_turn(&e->ctx.layer[i], out);
	else
		*out = e->ctx.layer[i];
}
