/*
 * TCP as a flow protocol: the operations table (proto.h) that puts a
 * struct tcp_conn behind a flow.  Only glue: the analysis is in tcp*.c.
 */
#include "config.h"

#include "flow.h"
#include "proto.h"
#include "tcp.h"

/* A SYN names the client: its sender, or a SYN-ACK's receiver. */
static bool
tcp_choose_client(const struct packet *pkt, bool *sender_is_client,
    enum flow_role_source *why)
{
	if (!(pkt->tcp_flags & TH_SYN))
		return false;
	if (pkt->tcp_flags & TH_ACK) {
		*sender_is_client = false;
		*why = ROLE_SYNACK;
	} else {
		*sender_is_client = true;
		*why = ROLE_SYN;
	}
	return true;
}

static void
tcp_create(struct flow *f, const struct packet *first)
{
	(void)first;
	/* History starts with '^' when the client was not seen to open. */
	f->proto_state = tcp_conn_new(f->role_source == ROLE_SYNACK ||
	    f->role_source == ROLE_PORTS);
}

static bool
tcp_is_reuse(const struct flow *f, const struct packet *pkt,
    enum flow_dir dir)
{
	return tcp_conn_is_reuse(f->proto_state, pkt, dir);
}

static void
tcp_finish(struct flow *f, uint64_t ts)
{
	tcp_conn_finish(f->proto_state, ts);
}

static const char *
tcp_state(const struct flow *f)
{
	return tcp_conn_state(f->proto_state);
}

static const char *
tcp_history(const struct flow *f, char *buf, size_t len)
{
	const struct tcp_conn *c = f->proto_state;

	(void)buf;
	(void)len;
	return c->history;
}

static void
tcp_free(void *state)
{
	tcp_conn_free(state);
}

const struct proto_ops tcp_proto = {
	.name = "tcp",
	.id = PROTO_TCP,
	.first_class = FTC_EMBRYONIC,
	.choose_client = tcp_choose_client,
	.create = tcp_create,
	.is_reuse = tcp_is_reuse,
	.packet = tcp_flow_packet,
	.finish = tcp_finish,
	.state = tcp_state,
	.history = tcp_history,
	.free = tcp_free,
	.spares_free = tcp_conn_spares_free,
};
