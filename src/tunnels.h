/*
 * The capture's tunnel list: for each distinct stack of tunnels that
 * packets came through (a context, encap.h: the layers' types, outer
 * addresses and ids), how many packets and wire bytes, and how many flows
 * began in it.  The capture summary of every format lists it.
 *
 * Counted for tunnelled packets only (pkt->encap_depth > 0), on paths a
 * plain packet never takes: the flow table counts a flow's packet where it
 * looks its tunnel context up (flow_table_count_tunnels()), the analyzer a
 * packet that makes no flow.  So the plain per-packet path costs nothing.
 * Whatever a tunnelled packet turns out to be counts, ARP inside VXLAN or
 * an inner ICMP error as much as a TCP segment.  Nothing is allocated per
 * packet: the list grows by
 * doubling up to TUNNELS_MAX entries and no further; packets and flows of
 * tunnels beyond that are counted together as unlisted, so a hostile
 * capture of millions of VNIs costs a bounded table.  The hash is keyed
 * with a random seed (as the flow table's), so crafted contexts cannot
 * pile into one probe run; the list's order is that of first sight.
 * Consecutive packets are mostly of one tunnel: the last entry is compared
 * before anything is hashed.
 */
#ifndef TRANSCOPE_TUNNELS_H
#define TRANSCOPE_TUNNELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "encap.h"
#include "packet.h"

#define TUNNELS_MAX	4096

struct tunnel_entry {
	struct encap_ctx ctx;		/* canonical */
	uint64_t	 hash;
	uint64_t	 packets;
	uint64_t	 bytes;		/* frames' wire bytes */
	uint64_t	 flows;		/* flows whose first packet came in it */
	uint8_t		 turned;	/* encap_canonical() of the first packet */
};

struct tunnels {
	struct tunnel_entry *v;		/* first sight order */
	size_t		 n;
	size_t		 cap;
	uint32_t	*slots;		/* index + 1; 0: empty */
	size_t		 mask;
	uint64_t	 seed;
	size_t		 last;		/* index + 1 of the last counted, or
					   0 if it went unlisted */
	uint64_t	 packets;	/* all tunnelled packets */
	uint64_t	 unlisted_packets;	/* past TUNNELS_MAX */
	uint64_t	 unlisted_bytes;
	uint64_t	 unlisted_flows;
};

/* A zeroed struct tunnels is an empty list. */
void	tunnels_count(struct tunnels *, const struct packet *);
/* The same for a packet whose context c (encap_canonical()) is made. */
void	tunnels_count_ctx(struct tunnels *, const struct encap_ctx *c,
	    unsigned turned, uint32_t wirelen);
/* The packet counted last began a flow. */
void	tunnels_flow_begun(struct tunnels *);
void	tunnels_free(struct tunnels *);

/*
 * Layer i of entry e's stack (outermost first) as the first packet seen
 * in it carried it: src is that packet's outer source.
 */
void	tunnel_entry_layer(const struct tunnel_entry *e, unsigned i,
	    struct encap_layer *out);

#endif
