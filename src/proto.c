/*
 * The protocol registry: see proto.h.  Adding a protocol is a row in each
 * table below.
 */
#include "config.h"

#include "proto.h"

extern const struct proto_ops tcp_proto;
extern const struct proto_ops udp_proto;

const struct proto_ops *const proto_by_kind[PK_MAX] = {
	[PK_TCP] = &tcp_proto,
	[PK_UDP] = &udp_proto,
};

static const struct proto_ops *const proto_table[PROTO_MAX] = {
	[PROTO_TCP] = &tcp_proto,
	[PROTO_UDP] = &udp_proto,
};

const struct proto_ops *
proto_by_id(enum proto_id id)
{
	return (unsigned)id < PROTO_MAX ? proto_table[id] : NULL;
}
