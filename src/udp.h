/*
 * Application analyzers on UDP: how DNS, QUIC or RTP analysis plugs into
 * a UDP flow.  An analyzer claims a flow by its server port, or, on any
 * port, by a validated look at the first payload (a heuristic that checks
 * the header's invariants, as Wireshark's heuristic dissectors do); the
 * first that claims it keeps it for the flow's life.  Its state hangs off
 * the UDP flow; it sees every packet of the flow with its first payload
 * bytes, and frees its state when the flow is freed.
 *
 * Analyzers are registered before the first packet is decoded (the
 * registration sets how many payload bytes decode keeps, for the reader
 * thread too); with none registered a UDP flow has no state at all and
 * decode copies no payload.  Reporting what an analyzer found is its own
 * business (a section in the formats, rows in metrics.c).
 */
#ifndef TRANSCOPE_UDP_H
#define TRANSCOPE_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"
#include "packet.h"

#define UDP_MAX_ANALYZERS	16

struct udp_analyzer {
	const char	*name;
	const uint16_t	*ports;		/* server ports, 0-terminated; or NULL */
	/* Optional: whether the first payload is this protocol's, checked. */
	bool		(*probe)(const uint8_t *payload, size_t len);
	size_t		 payload_bytes;	/* how much of each payload it reads */
	/* The state for a flow it claimed (first: the flow's first packet). */
	void		*(*create)(const struct flow *f,
			    const struct packet *first);
	/* Each packet, the first included; payload may be NULL (none kept). */
	void		(*packet)(void *state, const struct flow *f,
			    const struct packet *pkt, enum flow_dir dir,
			    const uint8_t *payload, size_t len);
	void		(*free)(void *state);
};

/* UDP as a flow protocol (udp.c). */
extern const struct proto_ops udp_proto;

/* Add an analyzer (tried in order of registration); false when full. */
bool		 udp_analyzer_register(const struct udp_analyzer *);
/* Remove every analyzer (tests); flows still holding state keep it. */
void		 udp_analyzers_clear(void);
/* The analyzer that claimed f, or NULL (not UDP, or none did). */
const struct udp_analyzer *udp_flow_analyzer(const struct flow *f);
/* Its state for f, or NULL. */
const void	*udp_flow_state(const struct flow *f);

#endif
