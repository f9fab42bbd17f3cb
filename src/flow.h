/*
 * The flow table: one entry per bidirectional conversation, keyed by
 * (protocol, the two addresses, the two ports) in a canonical order so both
 * directions find the same entry, and by the tunnels the packets came
 * through (their encapsulation context, packet.h): one inner conversation
 * in two tunnels is two flows.
 *
 * Open addressing with linear probing over {hash, flow*} slots: a lookup
 * touches one cache line in the common case and compares the full key only
 * when the cached hash matches.  The hash is keyed with a random seed so
 * crafted traffic cannot pile into one probe run; output order never depends
 * on it (flows are reported by id, i.e. by first packet).
 *
 * The table owns every flow it creates, until flow_table_remove() frees it
 * or flow_table_release() gives it up (to whoever then calls flow_free()).
 * Live flows are on two kinds of list: one in creation order (reports walk
 * it) and one per idle-timeout class in order of last activity (expiry pops
 * the oldest from the head in O(1)).  A flow detached from the hash (a closed
 * connection whose 4-tuple is reused) stays listed until removed.  Nothing is
 * allocated per packet: only a new flow allocates, and the slot array
 * doubles when half full.
 *
 * A packet's tunnels enter its key as one word: the stack of layers is
 * interned in a second, small table of contexts, and the word is the
 * context's id, 0 without a tunnel.  The key stays a few words compared and
 * hashed in registers, a plain packet pays for one more word, and only a
 * tunnelled one looks its context up (a hash over its layers).  A context
 * lives as long as a flow in the hash uses it: the last one to leave frees
 * it and its id is used again, so a capture of millions of distinct VNIs
 * or keys holds no more contexts than it holds live flows (and
 * --max-flows bounds those).  A lookup never adds a context: a packet in
 * tunnels never seen has no flow yet.
 *
 * Ids are reused, so a flow's key does not name its tunnels once the flow
 * has left the hash.  What reporters need is kept in the flow itself: a
 * tunnelled flow has its own copy of the layers (flow_tunnel()), made at
 * its first packet, each layer's addresses as the client's packets carried
 * them (src on the client's side), which the canonical context forgets.
 */
#ifndef TRANSCOPE_FLOW_H
#define TRANSCOPE_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet.h"
#include "proto.h"
#include "tunnels.h"

struct flow_key {
	uint8_t		addr[2][16];	/* IPv4 in the first 4 bytes */
	uint16_t	port[2];
	uint8_t		proto;
	uint8_t		ip_version;
	uint8_t		pad[2];		/* zero: keys compare with memcmp */
	uint64_t	encap;		/* tunnels, flow_table_encap(); 0: none */
};

struct flow_dir_stats {
	uint64_t	packets;
	uint64_t	bytes;		/* IP bytes, per the IP headers */
	uint64_t	payload_bytes;	/* transport payload, resent included */
	uint64_t	first_ts;
	uint64_t	last_ts;
};

struct flow {
	struct flow_key	 key;
	uint64_t	 hash;
	uint64_t	 id;		/* 1, 2, ... in order of first packet */
	uint8_t		 client_side;	/* key side (0 or 1) of the client */
	uint8_t		 role_source;	/* enum flow_role_source */
	uint8_t		 in_table;
	uint8_t		 tunnel_depth;	/* layers in tunnel[], 0: none */
	uint64_t	 first_ts;
	uint64_t	 last_ts;
	struct flow_dir_stats dir[2];	/* indexed by enum flow_dir */
	uint8_t		 timeout_class;	/* enum flow_timeout_class */
	uint64_t	 lru_ts;	/* last_ts when last moved in its list */
	const struct proto_ops *proto;	/* its protocol (proto.h) */
	void		*proto_state;	/* that protocol's analysis, or NULL */
	struct encap_layer *tunnel;	/* flow_tunnel(); NULL: none */
	struct flow	*next;		/* creation order */
	struct flow	*prev;
	struct flow	*lru_next;	/* activity order in its class */
	struct flow	*lru_prev;
};

struct flow_table;

struct flow_table *flow_table_new(void);
/* Frees the flows still in it, and the flows kept for reuse (flow.c). */
void		 flow_table_free(struct flow_table *);

/* The flow pkt belongs to, or NULL; *dir says which way pkt went. */
struct flow	*flow_table_lookup(struct flow_table *, const struct packet *,
		    enum flow_dir *dir);
/*
 * Create the flow for pkt (none must be in the table for its key), with
 * its protocol's state (proto_for_packet(pkt), which must not be NULL).
 */
struct flow	*flow_table_create(struct flow_table *, const struct packet *,
		    enum flow_dir *dir);
/* Take f out of the hash; it stays listed for the report. */
void		 flow_table_detach(struct flow_table *, struct flow *f);
/* Take f out of everything and free it (and its protocol state). */
void		 flow_table_remove(struct flow_table *, struct flow *f);
/* The same, but f is not freed: the caller owns it now. */
void		 flow_table_release(struct flow_table *, struct flow *f);
/* Free a released flow (and its protocol state). */
void		 flow_free(struct flow *f);
/*
 * f just saw a packet: to the tail of the list of its (new) class, at most
 * once per FLOW_LRU_GRAIN_NS of capture time (a list is then in activity
 * order to within that grain).
 */
#define FLOW_LRU_GRAIN_NS	1000000000ULL
void		 flow_table_touch(struct flow_table *, struct flow *f,
		    enum flow_timeout_class);
/* The least recently active flow of a class, or NULL. */
struct flow	*flow_table_idlest(const struct flow_table *,
		    enum flow_timeout_class);

/* Live flows, oldest first; f->next gives the next. */
struct flow	*flow_table_first(const struct flow_table *);
size_t		 flow_table_count(const struct flow_table *);	/* ever */
size_t		 flow_table_live(const struct flow_table *);

/* Zeek conn_state of any flow, and its history string (its protocol's). */
const char	*flow_state(const struct flow *);
const char	*flow_history(const struct flow *, char *buf, size_t len);

/* Client and server endpoint of f. */
const uint8_t	*flow_client_addr(const struct flow *f);
const uint8_t	*flow_server_addr(const struct flow *f);
uint16_t	 flow_client_port(const struct flow *f);
uint16_t	 flow_server_port(const struct flow *f);

/*
 * The tunnels a key's encap names, outermost first, *depth of them; NULL
 * for 0 or an id not in use.  Canonical (type, id and endpoints, each
 * layer's endpoints in ascending order so both directions share it), and
 * valid while a flow in the hash has that encap: see above.
 */
const struct encap_layer *flow_table_encap(const struct flow_table *,
		    uint64_t encap, unsigned *depth);
/* Contexts in use: no more than the tunnelled flows in the hash. */
size_t		 flow_table_encap_live(const struct flow_table *);
/*
 * Count each tunnelled packet a lookup is made for in ts, and each flow
 * created in tunnels as begun (tunnels.h): where the lookup finds the
 * packet's context, a path only tunnelled packets take.  ts must outlive
 * the table's lookups; NULL stops counting.
 */
void		 flow_table_count_tunnels(struct flow_table *, struct tunnels *ts);

/*
 * The tunnels f's packets came through, outermost first, *depth of them
 * (NULL and 0 for a plain flow): each layer's src is the outer address
 * on the client's side, i.e. as the client's packets carried it (as the
 * flow's first packet showed, turned round if that came from the server).
 * Owned by f, valid as long as f, in any thread that may read f.
 */
static inline const struct encap_layer *
flow_tunnel(const struct flow *f, unsigned *depth)
{
	*depth = f->tunnel_depth;
	return f->tunnel;
}

#endif
