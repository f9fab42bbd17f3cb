/*
 * The protocol registry: see proto.h.  A protocol is found by what decode
 * made of the packet (its kind), so a non-first IP fragment, which carries
 * a transport protocol number but no transport header, belongs to none.
 */
#include "config.h"

#include "proto.h"

extern const struct proto_ops tcp_proto;
extern const struct proto_ops udp_proto;

static const struct proto_ops *const proto_by_kind[PK_MAX] = {
	[PK_TCP] = &tcp_proto,
	[PK_UDP] = &udp_proto,
};

static const struct proto_ops *const proto_table[PROTO_MAX] = {
	[PROTO_TCP] = &tcp_proto,
	[PROTO_UDP] = &udp_proto,
};

const struct proto_ops *
proto_for_packet(const struct packet *pkt)
{
	return (unsigned)pkt->kind < PK_MAX ? proto_by_kind[pkt->kind] : NULL;
}

const struct proto_ops *
proto_by_id(enum proto_id id)
{
	return (unsigned)id < PROTO_MAX ? proto_table[id] : NULL;
}
