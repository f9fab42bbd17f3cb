/*
 * UDP as a flow protocol.  A UDP flow is, for now, what the flow table
 * keeps for every flow (per-direction packets, bytes, first and last):
 * there is no state of its own, so create() allocates nothing and a UDP
 * flow costs only its struct flow.  Application analyzers on UDP (DNS,
 * QUIC, RTP) will hang their state here.
 */
#include "config.h"

#include "flow.h"
#include "proto.h"

static void
udp_create(struct flow *f, const struct packet *first)
{
	(void)first;
	f->proto_state = NULL;
}

static enum flow_timeout_class
udp_packet(struct flow *f, const struct packet *pkt, enum flow_dir dir,
    const struct proto_env *env)
{
	(void)f;
	(void)pkt;
	(void)dir;
	(void)env;
	return FTC_UDP;
}

/* UDP has no handshake: Zeek's rule is who sent anything. */
static const char *
udp_state(const struct flow *f)
{
	bool orig = f->dir[DIR_C2S].packets > 0;
	bool resp = f->dir[DIR_S2C].packets > 0;

	if (orig)
		return resp ? "SF" : "S0";
	return resp ? "SHR" : "OTH";
}

/* D/d for each side that sent, in the order they did. */
static const char *
udp_history(const struct flow *f, char *buf, size_t len)
{
	size_t n = 0;

	if (f->role_source == ROLE_PORTS && n + 1 < len)
		buf[n++] = '^';
	if (f->dir[DIR_C2S].packets && f->dir[DIR_S2C].packets &&
	    f->dir[DIR_S2C].first_ts < f->dir[DIR_C2S].first_ts) {
		if (n + 2 < len) {
			buf[n++] = 'd';
			buf[n++] = 'D';
		}
	} else {
		if (f->dir[DIR_C2S].packets && n + 1 < len)
			buf[n++] = 'D';
		if (f->dir[DIR_S2C].packets && n + 1 < len)
			buf[n++] = 'd';
	}
	buf[n] = '\0';
	return buf;
}

const struct proto_ops udp_proto = {
	.name = "udp",
	.id = PROTO_UDP,
	.first_class = FTC_UDP,
	.create = udp_create,
	.packet = udp_packet,
	.state = udp_state,
	.history = udp_history,
};
