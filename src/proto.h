/*
 * The protocol seam: how a flow's transport protocol plugs into the flow
 * table and the analyzer, as Suricata's flow keeps a protocol context and
 * its free function, or tcptrace a table of modules.
 *
 * A flow holds its protocol's analysis state behind an opaque pointer
 * (f->proto_state) and a table of operations (f->proto).  The flow table
 * never includes a protocol's header: it asks the registry (proto.c) which
 * protocol a packet belongs to, calls create() when it makes the flow and
 * free() when it frees it.  The analyzer calls packet() for each packet and
 * finish() when the flow ends; reporters ask state() and history().
 *
 * TCP (tcp_proto.c) and UDP (udp.c) are the two registered protocols; a
 * third (ICMP) is a new struct proto_ops and a row in proto.c.  Operations
 * marked optional may be NULL.
 */
#ifndef TRANSCOPE_PROTO_H
#define TRANSCOPE_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet.h"

struct flow;

/*
 * The words the flow table and the protocols share.  They live here, not in
 * flow.h, so that flow.h can include this file and not the other way round.
 */
enum flow_dir { DIR_C2S = 0, DIR_S2C = 1 };

/* How the client of a flow was chosen. */
enum flow_role_source {
	ROLE_SYN,		/* sender of the first SYN without ACK */
	ROLE_SYNACK,		/* receiver of a SYN-ACK seen first */
	ROLE_PORTS,		/* server port well-known, client's not */
	ROLE_FIRST_PACKET	/* sender of the first packet seen */
};

/* Idle-timeout classes: each has its own activity-ordered list. */
enum flow_timeout_class {
	FTC_EMBRYONIC,		/* TCP before the handshake completes */
	FTC_ESTABLISHED,	/* TCP with data or a completed handshake */
	FTC_CLOSED,		/* TCP after FINs both ways, last ACK unseen */
	FTC_FINISHED,		/* TCP after the last FIN's ACK, or a RST */
	FTC_UDP,
	FTC_MAX
};

/* Index of a registered protocol (the analyzer keeps one config each). */
enum proto_id {
	PROTO_TCP,
	PROTO_UDP,
	PROTO_MAX
};

/*
 * Called for a packet that raised an analysis event (--events); detail is
 * the protocol's own record of it (struct tcp_verdict for TCP).
 */
typedef void	(*flow_event_fn)(void *ctx, const struct flow *, enum flow_dir,
		    const struct packet *, const void *detail);

/* What the analyzer hands every packet() call. */
struct proto_env {
	const void	*config;	/* the protocol's configuration, or NULL */
	flow_event_fn	 on_event;	/* NULL: nobody listens */
	void		*event_ctx;
};

struct proto_ops {
	const char	*name;		/* as reports name it: "tcp", "udp" */
	enum proto_id	 id;
	uint8_t		 first_class;	/* enum flow_timeout_class of a new flow */

	/*
	 * Optional: which side of a new flow is the client, from its first
	 * packet; false when the packet does not say (the flow table then
	 * decides by ports, then by who sent first).
	 */
	bool		(*choose_client)(const struct packet *,
			    bool *sender_is_client, enum flow_role_source *);
	/* Set f->proto_state for a new flow (NULL is a valid state). */
	void		(*create)(struct flow *f, const struct packet *first);
	/*
	 * Optional: whether pkt, sent in direction dir, starts a new
	 * conversation on f's key (the old one is then complete).
	 */
	bool		(*is_reuse)(const struct flow *f, const struct packet *,
			    enum flow_dir dir);
	/* Analyse one packet of f; returns the idle-timeout class now. */
	enum flow_timeout_class (*packet)(struct flow *f,
			    const struct packet *, enum flow_dir,
			    const struct proto_env *);
	/* Optional: the flow ends (input over, idle, evicted) at time ts. */
	void		(*finish)(struct flow *f, uint64_t ts);
	/* Zeek conn_state code (S0, SF, REJ, ...). */
	const char	*(*state)(const struct flow *f);
	/* Zeek history letters; may use buf (len bytes) or return its own. */
	const char	*(*history)(const struct flow *f, char *buf, size_t len);
	/* Optional: release f->proto_state. */
	void		(*free)(void *state);
	/* Optional: release what the calling thread keeps for reuse. */
	void		(*spares_free)(void);
};

/*
 * The protocol a decoded packet belongs to, or NULL (not a flow's packet):
 * by what decode made of it, so a non-first IP fragment, which carries a
 * transport protocol number but no transport header, belongs to none.
 * Inline: asked for every packet.
 */
extern const struct proto_ops *const proto_by_kind[PK_MAX];

static inline const struct proto_ops *
proto_for_packet(const struct packet *pkt)
{
	return (unsigned)pkt->kind < PK_MAX ? proto_by_kind[pkt->kind] : NULL;
}
/* The registered protocols, for per-thread clean-up and listings. */
const struct proto_ops *proto_by_id(enum proto_id);

#endif
