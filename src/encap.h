/*
 * A packet's stack of tunnels as one comparable value: the context that
 * the flow table interns for its keys (flow.c) and that the capture's
 * tunnel list counts by (tunnels.c).
 *
 * Canonical: each layer's two outer addresses in ascending order, so the
 * two directions of a tunnel, which carry the two directions of the flows
 * inside, give one context (a tunnel whose id differs by direction, as
 * GTP-U's TEIDs do, must give both directions one id: its dissector's
 * business).  Unused layers and padding are zero, so contexts compare and
 * hash as bytes.  What the canonical form forgets, which way each layer's
 * addresses went, encap_canonical() returns as bits, so a reporter can
 * say "as the client's packets carried them".
 */
#ifndef TRANSCOPE_ENCAP_H
#define TRANSCOPE_ENCAP_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "packet.h"

struct encap_ctx {
	uint64_t	 depth;
	struct encap_layer layer[PACKET_MAX_ENCAP];
};

/*
 * pkt's tunnels (pkt->encap_depth > 0) into *c, canonical.  Returns the
 * layers that were turned round: bit i set when layer i's src was the
 * higher address, i.e. c->layer[i].src is pkt's outer destination.
 */
static inline unsigned
encap_canonical(const struct packet *pkt, struct encap_ctx *c)
{
	const struct encap_layer *l = packet_encap(pkt);
	unsigned i, n = pkt->encap_depth, swapped = 0;

	memset(c, 0, sizeof *c);
	if (n > PACKET_MAX_ENCAP)
		n = PACKET_MAX_ENCAP;
	c->depth = n;
	for (i = 0; i < n; i++) {
		struct encap_layer *k = &c->layer[i];
		bool swap = memcmp(l[i].src, l[i].dst, sizeof l[i].src) > 0;

		k->type = l[i].type;
		k->ip_version = l[i].ip_version;
		k->id = l[i].id;
		memcpy(k->src, swap ? l[i].dst : l[i].src, sizeof k->src);
		memcpy(k->dst, swap ? l[i].src : l[i].dst, sizeof k->dst);
		swapped |= (unsigned)swap << i;
	}
	return swapped;
}

/* Layer l with its two outer addresses exchanged, into *out. */
static inline void
encap_layer_turn(const struct encap_layer *l, struct encap_layer *out)
{
	struct encap_layer t = *l;

	memcpy(t.src, l->dst, sizeof t.src);
	memcpy(t.dst, l->src, sizeof t.dst);
	*out = t;
}

#endif
