/*
 * TCP connection analysis.
 *
 * A struct tcp_conn holds two struct tcp_dir, one per direction of data:
 * dir[DIR_C2S] is the data the client sends *and* the ACKs the server returns
 * for it; dir[DIR_S2C] the reverse.  So an ACK sent by the server updates
 * dir[DIR_C2S] (acknowledged data, RTT, duplicate ACKs, the window that
 * limits the client), while its payload, if any, is classified in
 * dir[DIR_S2C].
 *
 * Every segment that occupies sequence space (payload, SYN, FIN) is put in
 * exactly one class (enum tcp_seg_class); retransmissions get a cause.  The
 * rules, and where they depart from tcptrace and Wireshark, are written down
 * in doc/analysis.md.
 *
 * Memory per direction is bounded: the list of unacknowledged segments (for
 * RTT sampling) grows to at most TCP_MAX_OUTSTANDING entries, the rest are
 * small fixed rings.  Ownership: tcp_conn_new() allocates, tcp_conn_free()
 * releases everything.
 */
#ifndef TRANSCOPE_TCP_H
#define TRANSCOPE_TCP_H

#include <stdbool.h>
#include <stdint.h>

#include "flow.h"
#include "packet.h"
#include "proto.h"
#include "rtt.h"

enum tcp_seg_class {
	SEG_NONE,		/* no sequence space: a pure ACK or RST */
	SEG_NEW,		/* new data, in order */
	SEG_RETRANSMISSION,	/* sent before (or lost before the capture) */
	SEG_OUT_OF_ORDER,	/* fills a hole soon after it opened */
	SEG_NETWORK_DUPLICATE,	/* the same packet seen twice */
	SEG_AFTER_GAP,		/* new data beyond a hole the capture missed */
	SEG_KEEP_ALIVE,		/* keep-alive or zero-window probe, not data */
	SEG_ZERO_WINDOW_PROBE	/* one byte pushed into a zero window */
};

enum tcp_rtx_cause {
	RTX_RTO,		/* retransmission timeout */
	RTX_FAST,		/* duplicate ACKs or SACK evidence */
	RTX_SPURIOUS,		/* already acknowledged, or D-SACKed */
	RTX_PROBE,		/* tail-loss or zero-window probe */
	RTX_CAUSES
};

/* Events a packet raised, for the event log (bit per enum value). */
enum tcp_event {
	TEV_DUP_ACK,
	TEV_ZERO_WINDOW,
	TEV_WINDOW_FULL,
	TEV_WINDOW_UPDATE,
	TEV_ACKED_UNSEEN,
	TEV_RST,
	TEV_SYN_RETRANSMISSION,
	TEV_DSACK
};

/* What tcp_conn_packet() concluded about one packet. */
struct tcp_verdict {
	uint8_t		seg_class;	/* enum tcp_seg_class */
	uint8_t		cause;		/* enum tcp_rtx_cause, if a retransmission */
	uint32_t	events;		/* 1 << enum tcp_event */
	uint64_t	since_original_ns; /* retransmission: time since last sent */
};

struct tcp_config {
	struct rto_config rto;
	uint64_t	reorder_default_ns;	/* no RTT known: reordering window */
};

void	tcp_config_default(struct tcp_config *);

/* Zeek-style endpoint state, kept per sender. */
enum tcp_endpoint_state {
	EP_INACTIVE,
	EP_SYN_SENT,
	EP_SYN_ACK_SENT,
	EP_PARTIAL,
	EP_ESTABLISHED,
	EP_CLOSED,
	EP_RESET
};

#define TCP_MAX_HOLES		8
#define TCP_RECENT		4
#define TCP_TSVAL_RING		16
#define TCP_RTX_RING		256	/* rtx_pos is a uint8_t */
#define TCP_MAX_OUTSTANDING	65536

struct tcp_seg_rec {			/* an unacknowledged transmission */
	uint32_t	seq;
	uint32_t	end;
	uint64_t	first_ts;
	uint64_t	last_ts;
	uint8_t		retransmitted;
	uint8_t		timeout_resent;	/* resent by a retransmission timeout */
};

struct tcp_hole {			/* data the capture never saw */
	uint32_t	lo, hi;
	uint64_t	ts;		/* when the hole was seen to open */
	uint16_t	ipid;		/* the IPv4 ID of the packet past it */
	uint8_t		ipid_set;	/* ... if it had one */
};

struct tcp_rtx_rec {			/* a recent retransmission */
	uint32_t	seq, end;
	uint8_t		cause, valid;
};

struct tcp_dir_counters {
	uint64_t	data_segments;		/* segments with payload */
	uint64_t	pure_acks;
	uint64_t	syns;
	uint64_t	fins;
	uint64_t	rsts;
	uint64_t	retransmissions[RTX_CAUSES];
	uint64_t	retransmissions_total;
	uint64_t	retransmitted_bytes;
	uint64_t	out_of_order;
	uint64_t	network_duplicates;
	uint64_t	lost_segments;
	uint64_t	lost_bytes;
	uint64_t	dup_acks;
	uint64_t	max_dup_ack_run;
	uint64_t	acked_unseen;
	uint64_t	zero_window_count;
	uint64_t	zero_window_ns;
	uint64_t	zero_window_probes;
	uint64_t	window_full;
	uint64_t	window_updates;
	uint64_t	keep_alives;
	uint64_t	dsacks;
	uint64_t	ece;
	uint64_t	cwr;
	uint64_t	ect0;
	uint64_t	ect1;
	uint64_t	ce;
	uint64_t	max_in_flight;
	uint64_t	sum_in_flight;
	uint64_t	in_flight_samples;
	uint64_t	adv_window_min;		/* scaled, advertised by the peer */
	uint64_t	adv_window_max;
	uint64_t	rto_timeouts;		/* observed timeout retransmissions */
	uint64_t	observed_rto_min_ns;
	uint64_t	observed_rto_max_ns;
	uint64_t	max_backoff;
	uint64_t	rto_below_estimate;	/* fired before our RFC 6298 RTO */
};

struct tcp_dir {
	/* The sender of this direction's data. */
	uint8_t		ep_state;	/* enum tcp_endpoint_state */
	uint8_t		isn_set;
	uint8_t		seq_init;
	uint8_t		fin_seen;
	uint8_t		has_mss;
	uint8_t		has_wscale;
	uint8_t		sack_permitted;	/* announced in its SYN */
	uint8_t		timestamps;	/* announced in its SYN */
	uint8_t		wscale;
	uint16_t	mss;
	uint32_t	isn;
	uint32_t	base_seq;	/* first data byte's sequence number */
	uint32_t	high_seq;	/* highest seq + len sent */
	uint32_t	fin_seq;
	uint32_t	probe_end;	/* end of the last zero-window probe */
	uint64_t	last_send_ts;
	uint8_t		ep_prev;	/* its state before ep_state */
	uint32_t	hist_last_syn, hist_last_fin, hist_last_rst;
	uint8_t		hist_seen_syn, hist_seen_fin, hist_seen_rst;
	/* Zeek's view of its sequence space: the first, one past the last. */
	uint32_t	hist_start, hist_last;

	/* The peer's acknowledgements of this data, and its window. */
	uint8_t		ack_init;
	uint8_t		window_known;
	uint8_t		in_zero_window;
	uint8_t		recovery;	/* 0, or 1 + enum tcp_rtx_cause */
	uint8_t		sack_high_valid;
	uint8_t		sack_seen;	/* the peer has sent SACK blocks */
	uint32_t	snd_una;	/* highest cumulative ACK seen */
	uint32_t	sack_high;	/* highest SACKed edge above snd_una */
	uint32_t	sacked_bytes;	/* SACKed above snd_una, last ACK */
	uint32_t	recovery_point;
	uint32_t	last_rto_seq;
	uint32_t	backoff;
	uint32_t	peer_window_raw;
	uint64_t	peer_window;	/* scaled */
	uint64_t	dup_ack_run;
	uint64_t	last_ack_ts;
	uint64_t	zero_window_start;

	/*
	 * Sequence ranges below high_seq never captured, and recent
	 * retransmissions (to reclassify on a D-SACK): both allocated on
	 * first need, as most connections have neither.
	 */
	uint8_t		nholes;
	uint8_t		rtx_pos;
	struct tcp_hole	*holes;		/* TCP_MAX_HOLES, or NULL */
	struct tcp_rtx_rec *rtx;	/* TCP_RTX_RING, or NULL */

	/*
	 * The sender's IPv4 identifications (see tcp_ipid_order() in
	 * tcp_seq.c): the highest so far, the last, how often one rose by a
	 * little over the one before and how often not, and how the sender
	 * numbered data it sent again (a new number, or an old one).
	 */
	uint8_t		ipid_init;
	uint16_t	ipid_max, ipid_last;
	uint32_t	ipid_rising, ipid_other;
	uint32_t	ipid_rtx_new, ipid_rtx_reused;

	/* The last few transmissions, to tell a network duplicate. */
	uint8_t		recent_pos;
	struct {
		uint32_t seq, len, ack, ip_id, tsval;
		uint16_t window;
		uint8_t	 flags, valid;
		uint64_t ts;
	}		recent[TCP_RECENT];

	/* Unacknowledged transmissions, oldest first (a ring). */
	struct tcp_seg_rec *segs;
	uint32_t	seg_head, seg_count, seg_cap;

	/* TSval first-sent times, for timestamp RTT samples. */
	uint8_t		tsval_pos;
	/* Two arrays, not one of {val, ts}: no padding, 64 bytes less. */
	uint32_t	tsval_val[TCP_TSVAL_RING];
	uint64_t	tsval_ts[TCP_TSVAL_RING];


	struct tcp_dir_counters c;
	struct rtt_stats rtt;		/* ACK-based, from the capture point */
	struct rtt_stats ts_rtt;	/* TSval/TSecr-based */
	struct rto_estimator rto;
};

struct tcp_conn {
	struct tcp_dir	dir[2];		/* indexed by enum flow_dir */

	/* Handshake. */
	uint8_t		handshake_complete;
	uint8_t		simultaneous_open;
	uint32_t	syn_count;
	uint32_t	synack_count;
	uint64_t	syn_ts;		/* last SYN before the SYN-ACK */
	uint64_t	synack_ts;	/* last SYN-ACK before the ACK */
	uint64_t	handshake_ack_ts;

	uint8_t		non_syn_seen;	/* a packet without SYN went by */

	/* Teardown. */
	int8_t		first_fin_dir;	/* -1: none */
	int8_t		last_fin_dir;	/* the side whose FIN came second */
	int8_t		first_rst_dir;
	uint8_t		rst_phase;	/* enum tcp_phase at the first RST */
	uint8_t		final_ack;	/* last FIN acknowledged */
	uint64_t	first_close_ts;

	/* Zeek-style history. */
	uint8_t		hist_len;
	char		history[48];
	uint32_t	hist_scaled[2][3];	/* t, g, w occurrences */
	uint16_t	hist_once[2];		/* letters seen, per side */
};

enum tcp_phase { PHASE_HANDSHAKE, PHASE_ESTABLISHED, PHASE_CLOSING };

struct tcp_conn	*tcp_conn_new(bool flipped);
void		 tcp_conn_free(struct tcp_conn *);
/* Free the connections the calling thread keeps for reuse (see tcp.c). */
void		 tcp_conn_spares_free(void);

/*
 * Whether pkt, sent in direction dir on a flow with connection c, opens a
 * new connection on the same 4-tuple (a SYN with another ISN after the old
 * connection closed or never got past its SYNs).
 */
static inline bool
tcp_conn_is_reuse(const struct tcp_conn *c, const struct packet *pkt,
    enum flow_dir d)
{
	/*
	 * A resent SYN keeps its ISN; a SYN with another one belongs to a new
	 * connection, whether or not the capture saw the old one close.
	 * Inline: asked for every packet.
	 */
	if ((pkt->tcp_flags & (TH_SYN | TH_ACK | TH_RST)) != TH_SYN)
		return false;
	return c->dir[d].isn_set && pkt->tcp_seq != c->dir[d].isn;
}

/* Analyse one packet; returns the connection's idle-timeout class now. */
enum flow_timeout_class
		 tcp_conn_packet(struct tcp_conn *, const struct tcp_config *,
		    const struct packet *, enum flow_dir,
		    struct tcp_verdict *);

/* The same as a flow protocol's packet() (proto.h), events and all. */
enum flow_timeout_class
		 tcp_flow_packet(struct flow *f, const struct packet *,
		    enum flow_dir, const struct proto_env *);

/* End of input (or eviction) at time ts: close open intervals. */
void		 tcp_conn_finish(struct tcp_conn *, uint64_t ts);

/* Which idle timeout applies to the connection now. */
enum flow_timeout_class tcp_conn_timeout_class(const struct tcp_conn *);

/* Zeek conn_state code (S0, SF, REJ, ...). */
const char	*tcp_conn_state(const struct tcp_conn *);

const char	*tcp_phase_name(enum tcp_phase);
const char	*tcp_seg_class_name(enum tcp_seg_class);
const char	*tcp_rtx_cause_name(enum tcp_rtx_cause);

/* Whether both sides agreed to the option (both SYNs carried it). */
bool		 tcp_conn_sack_ok(const struct tcp_conn *);
bool		 tcp_conn_timestamps_ok(const struct tcp_conn *);
bool		 tcp_conn_wscale_ok(const struct tcp_conn *);



/* Payload bytes of sequence space the direction covered (resends once). */
uint64_t	 tcp_dir_unique_bytes(const struct tcp_dir *);

/* TCP as a flow protocol (tcp_proto.c). */
extern const struct proto_ops tcp_proto;

/* The TCP analysis of flow f, or NULL when f is not TCP. */
static inline const struct tcp_conn *
flow_tcp(const struct flow *f)
{
	return f->proto == &tcp_proto ? f->proto_state : NULL;
}

#endif
