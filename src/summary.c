/*
 * Report-wide aggregates: see summary.h.
 */
#include "config.h"

#include <string.h>

#include "analyzer.h"
#include "summary.h"

#define X_NAME(s) #s,
static const char *const state_names[] = { SUMMARY_STATES(X_NAME) };
#undef X_NAME

const char *
summary_state_name(enum summary_state s)
{
	return (unsigned)s < ST_MAX ? state_names[s] : "?";
}

void
summary_add(struct report_summary *sm, const struct flow *f)
{
	const char *state = flow_state(f);
	const struct tcp_conn *c;
	int i, d;

	sm->flows++;
	sm->packets += f->dir[0].packets + f->dir[1].packets;
	sm->bytes += f->dir[0].bytes + f->dir[1].bytes;
	for (i = 0; i < ST_MAX; i++)
		if (strcmp(state, state_names[i]) == 0) {
			sm->state[i]++;
			break;
		}
	rtt_stats_add(&sm->duration, f->last_ts - f->first_ts);
	if ((c = flow_tcp(f)) == NULL) {
		sm->udp_flows++;
		return;
	}
	sm->tcp_flows++;
	for (d = 0; d < 2; d++) {
		const struct tcp_dir *D = &c->dir[d];

		for (i = 0; i < RTX_CAUSES; i++)
			sm->retransmissions[i] += D->c.retransmissions[i];
		sm->retransmissions_total += D->c.retransmissions_total;
		sm->data_segments += D->c.data_segments;
		sm->out_of_order += D->c.out_of_order;
		sm->lost_segments += D->c.lost_segments;
		sm->network_duplicates += D->c.network_duplicates;
		sm->dup_acks += D->c.dup_acks;
		sm->zero_windows += D->c.zero_window_count;
		if (D->rtt.samples)
			rtt_stats_add(&sm->rtt, (uint64_t)rtt_stats_mean(&D->rtt));
	}
	if (c->syn_count > 1)
		sm->syn_retries += c->syn_count - 1;
	if (c->first_rst_dir >= 0)
		sm->closed_by_rst++;
	if (c->handshake_complete) {
		sm->handshakes_complete++;
		if (c->handshake_ack_ts >= c->syn_ts && c->syn_count)
			rtt_stats_add(&sm->handshake_rtt,
			    c->handshake_ack_ts - c->syn_ts);
		if (c->handshake_ack_ts >= c->synack_ts)
			rtt_stats_add(&sm->handshake_client_rtt,
			    c->handshake_ack_ts - c->synack_ts);
		if (c->synack_ts >= c->syn_ts && c->syn_count)
			rtt_stats_add(&sm->handshake_server_rtt,
			    c->synack_ts - c->syn_ts);
	}
}

void
summary_free(struct report_summary *sm)
{
	rtt_stats_free(&sm->handshake_rtt);
	rtt_stats_free(&sm->handshake_client_rtt);
	rtt_stats_free(&sm->handshake_server_rtt);
	rtt_stats_free(&sm->rtt);
	rtt_stats_free(&sm->duration);
}

double
summary_retransmission_rate(const struct report_summary *sm)
{
	return sm->data_segments ? (double)sm->retransmissions_total /
	    (double)sm->data_segments : 0.0;
}
