/*
 * UDP as a flow protocol.  A UDP flow is mostly what the flow table keeps
 * for every flow (per-direction packets, bytes, first and last): unless an
 * application analyzer (udp.h) claims the flow it has no state of its own,
 * create() allocates nothing, and a UDP flow costs only its struct flow.
 * A claimed flow's proto_state is a struct udp_flow: the analyzer and its
 * state.
 */
#include "config.h"

#include <stdlib.h>

#include "decode.h"
#include "flow.h"
#include "proto.h"
#include "udp.h"
#include "xmalloc.h"

struct udp_flow {
	const struct udp_analyzer *app;
	void		*app_state;
};

/* Process-wide, set before decoding starts (as decode's tables are). */
static const struct udp_analyzer *analyzers[UDP_MAX_ANALYZERS];
static size_t nanalyzers;

bool
udp_analyzer_register(const struct udp_analyzer *a)
{
	if (nanalyzers == UDP_MAX_ANALYZERS)
		return false;
	analyzers[nanalyzers++] = a;
	if (a->payload_bytes > decode_payload_limit())
		decode_set_payload_limit(a->payload_bytes);
	return true;
}

void
udp_analyzers_clear(void)
{
	nanalyzers = 0;
	decode_set_payload_limit(0);
}

static bool
claims_port(const struct udp_analyzer *a, uint16_t port)
{
	const uint16_t *p;

	for (p = a->ports; p != NULL && *p != 0; p++)
		if (*p == port)
			return true;
	return false;
}

/* Ports first (the service the flow's server offers), then the probes. */
static const struct udp_analyzer *
choose_analyzer(const struct flow *f, const struct packet *first)
{
	const uint8_t *payload;
	size_t i, len;

	for (i = 0; i < nanalyzers; i++)
		if (claims_port(analyzers[i], flow_server_port(f)))
			return analyzers[i];
	if ((payload = packet_payload(first, &len)) == NULL)
		return NULL;
	for (i = 0; i < nanalyzers; i++)
		if (analyzers[i]->probe != NULL &&
		    analyzers[i]->probe(payload, len))
			return analyzers[i];
	return NULL;
}

static void
udp_create(struct flow *f, const struct packet *first)
{
	const struct udp_analyzer *a;
	struct udp_flow *u;

	f->proto_state = NULL;
	if (nanalyzers == 0 || (a = choose_analyzer(f, first)) == NULL)
		return;
	u = xcalloc(1, sizeof *u);
	u->app = a;
	u->app_state = a->create(f, first);
	f->proto_state = u;
}

static enum flow_timeout_class
udp_packet(struct flow *f, const struct packet *pkt, enum flow_dir dir,
    const struct proto_env *env)
{
	struct udp_flow *u = f->proto_state;
	const uint8_t *payload;
	size_t len = 0;

	(void)env;
	if (u != NULL) {
		payload = packet_payload(pkt, &len);
		u->app->packet(u->app_state, f, pkt, dir, payload, len);
	}
	return FTC_UDP;
}

static void
udp_free(void *state)
{
	struct udp_flow *u = state;

	if (u == NULL)
		return;
	if (u->app->free != NULL)
		u->app->free(u->app_state);
	free(u);
}

const struct udp_analyzer *
udp_flow_analyzer(const struct flow *f)
{
	const struct udp_flow *u = f->proto == &udp_proto ? f->proto_state : NULL;

	return u != NULL ? u->app : NULL;
}

const void *
udp_flow_state(const struct flow *f)
{
	const struct udp_flow *u = f->proto == &udp_proto ? f->proto_state : NULL;

	return u != NULL ? u->app_state : NULL;
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
	.free = udp_free,
};
