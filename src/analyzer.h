/*
 * The analysis pipeline for one run: a raw frame goes through decode, the
 * flow table and its protocol's analysis (proto.h: TCP, UDP), and the
 * capture summary counts it (a tunnelled one also in the tunnel list,
 * tunnels.h).
 * main() and the tests drive it the same way: analyzer_frame() per frame,
 * analyzer_finish() at the end of input, then the reporters read it.
 *
 * The analyzer owns the flow table and everything in it.  With a finalize
 * callback set (analyzer_set_final), a flow that has closed, gone idle past
 * its timeout (measured in capture time, so a live run and the offline
 * analysis of its -w file agree), been displaced by --max-flows, or outlived
 * the input is handed to the callback once, complete, and then freed; so
 * memory holds only the active flows.  Without a callback every flow stays
 * in the table until analyzer_free() (the unit tests rely on this).
 *
 * The flow table counts tunnelled packets into the analyzer's own tunnel
 * list (flow_table_count_tunnels()): a struct analyzer stays where
 * analyzer_init() put it.
 */
#ifndef TRANSCOPE_ANALYZER_H
#define TRANSCOPE_ANALYZER_H

#include <stdbool.h>
#include <stdint.h>

#include "flow.h"
#include "packet.h"
#include "proto.h"
#include "source.h"
#include "tcp.h"
#include "tunnels.h"

#define ANALYZER_MAX_LINK_TYPES	16

struct capture_stats {
	uint64_t	packets;
	uint64_t	wire_bytes;
	uint64_t	captured_bytes;
	uint64_t	first_ts;
	uint64_t	last_ts;
	uint64_t	time_backwards;		/* frames older than the one before */
	uint64_t	kinds[PK_MAX];
	uint64_t	undecoded[DR_MAX];
	uint64_t	anomalies[PA_MAX];
	int		nlinks;
	struct {
		int		dlt;
		uint64_t	packets;
	}		links[ANALYZER_MAX_LINK_TYPES];
	uint64_t	other_link_packets;	/* past ANALYZER_MAX_LINK_TYPES */
};

/*
 * Called once per finished flow.  Returns false to have the flow freed when
 * it returns, or true to keep it (out of the table; free with flow_free()).
 */
typedef bool	(*flow_final_fn)(void *ctx, struct flow *);

struct analyzer_config {
	uint64_t	timeout_ns[FTC_MAX];	/* idle timeout per class */
	uint64_t	max_flows;		/* 0: unbounded */
};

void	analyzer_config_default(struct analyzer_config *);

struct analyzer {
	struct capture_stats stats;
	struct flow_table *flows;
	struct tcp_config tcp;
	struct proto_env proto_env[PROTO_MAX];	/* what packet() gets */
	struct analyzer_config cfg;
	uint64_t	prev_ts;
	uint64_t	next_expiry_ts;
	uint64_t	flows_expired;		/* idle past the timeout */
	uint64_t	flows_evicted;		/* displaced by max_flows */
	struct tunnels	tunnels;		/* tunnelled packets only */
	flow_final_fn	on_final;
	void		*final_ctx;
};

void	analyzer_init(struct analyzer *, const struct tcp_config *);
void	analyzer_set_final(struct analyzer *, const struct analyzer_config *,
	    flow_final_fn, void *ctx);
/* --events: fn is called for each packet that raised an event. */
void	analyzer_set_events(struct analyzer *, flow_event_fn fn, void *ctx);
void	analyzer_frame(struct analyzer *, const struct raw_frame *);
/*
 * The same for a frame already decoded (decode_packet(), with ts_ns set):
 * what the reader thread hands over.  Sets pkt->number.
 */
void	analyzer_packet(struct analyzer *, struct packet *pkt);
void	analyzer_finish(struct analyzer *);
void	analyzer_free(struct analyzer *);

#endif
