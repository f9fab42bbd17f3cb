/*
 * Zeek's view of a TCP connection: the history string of its conn.log (one
 * letter per kind of event, upper case for the client, e.g. "ShADadFf") and
 * the conn_state code (S0, SF, REJ, ...) derived from the two endpoint
 * states tcp.c keeps.  The letters follow Zeek's rules, not transcope's
 * own classification, so that the two tools' logs can be compared line by
 * line (tests/zeek-conn.sh holds them to Zeek's own baselines):
 *
 *  - most letters are added once per side (hist_once[], a bit per letter);
 *  - a SYN, FIN or RST is added again when it carries another sequence
 *    number than the side's last one (a new attempt, not a resend);
 *  - t, g and w repeat at the 1st, 10th, 100th ... occurrence, counted in
 *    hist_scaled[]:
 *      t  a packet with payload that does not move its sender's sequence
 *         space on (hist_last, "one past the highest sequence number the
 *         side has used"): a retransmission, but also a network
 *         duplicate, a late out-of-order segment or a keep-alive byte;
 *      g  an ACK that passes sequence space the capture never saw (a hole
 *         below the sender's highest, or beyond it), while both sides are
 *         established or closing cleanly: a content gap.  Zeek also counts
 *         payload cut off by the snap length, which it cannot reassemble;
 *         transcope does not: those segments went by the capture point;
 *      w  a packet advertising a zero window, not a RST, from a side not
 *         reset to a peer that has not closed.
 *
 * The string is bounded (struct tcp_conn's history[]): letters past its end
 * are dropped.  It starts with '^' when the client was not seen opening
 * the connection (tcp_conn_new()), as Zeek's does.
 */
#include "config.h"

#include <string.h>

#include "tcp_int.h"

/* Zeek ignores a SYN or RST this far from the sequence space it knows. */
#define HIST_SEQ_JUMP	1048576

static inline void
hist_add(struct tcp_conn *c, enum flow_dir side, char letter)
{
	if ((size_t)c->hist_len + 1 >= sizeof c->history)
		return;
	if (side == DIR_C2S && letter >= 'a' && letter <= 'z')
		letter = (char)(letter - 'a' + 'A');
	c->history[c->hist_len++] = letter;
	c->history[c->hist_len] = '\0';
}

/* Adds the letter the first time; says whether it was there already. */
static inline bool
hist_once(struct tcp_conn *c, enum flow_dir side, enum tcp_hist_bit bit,
    char letter)
{
	if (c->hist_once[side] & bit)
		return true;
	c->hist_once[side] |= (uint16_t)bit;
	hist_add(c, side, letter);
	return false;
}

/* t, g and w repeat at the 1st, 10th, 100th, ... occurrence, as in Zeek. */
static void
hist_repeat(struct tcp_conn *c, enum flow_dir side, enum tcp_hist_repeat which)
{
	static const char letters[] = { 't', 'g', 'w' };
	uint32_t n = ++c->hist_scaled[side][which];

	while (n % 10 == 0)
		n /= 10;
	if (n == 1)
		hist_add(c, side, letters[which]);
}

/* The flag letters: s h f r once per sequence number, d a q i once. */
static void
hist_flag_letters(struct tcp_conn *c, const struct packet *pkt,
    enum flow_dir d)
{
	struct tcp_dir *D = &c->dir[d];
	uint8_t fl = pkt->tcp_flags;
	uint32_t seq = pkt->tcp_seq;	/* raw: the ISN may not be known yet */
	int bits = !!(fl & TH_SYN) + !!(fl & TH_FIN) + !!(fl & TH_RST);

	if (bits > 1) {
		if ((fl & TH_FIN) && (fl & TH_RST))
			hist_once(c, d, HB_FINRST, 'i');
		else
			hist_once(c, d, HB_MULTI, 'q');
		return;
	}
	if (fl & TH_SYN) {
		char code = (fl & TH_ACK) ? 'h' : 's';

		if (hist_once(c, d, HB_SYN, code) && D->hist_seen_syn &&
		    seq != D->hist_last_syn)
			hist_add(c, d, code);
		D->hist_seen_syn = 1;
		D->hist_last_syn = seq;
		return;
	}
	if (fl & TH_FIN) {
		uint32_t fin = seq + pkt->payload_len;

		if (hist_once(c, d, HB_FIN, 'f') && D->hist_seen_fin &&
		    fin != D->hist_last_fin)
			hist_add(c, d, 'f');
		D->hist_seen_fin = 1;
		D->hist_last_fin = fin;
		return;
	}
	if (fl & TH_RST) {
		if (hist_once(c, d, HB_RST, 'r') && D->hist_seen_rst &&
		    seq != D->hist_last_rst)
			hist_add(c, d, 'r');
		D->hist_seen_rst = 1;
		D->hist_last_rst = seq;
		return;
	}
	if (pkt->payload_len > 0)
		hist_once(c, d, HB_DATA, 'd');
	else if (fl & TH_ACK)
		hist_once(c, d, HB_ACK, 'a');
}

/*
 * The side's sequence space as Zeek keeps it, and t: started at the side's
 * first packet (a SYN starts it at its ISN, anything else just below its
 * sequence number) and again at a SYN with a new ISN; moved on by anything
 * that ends beyond it; data that does not is a t.  A FIN right after the
 * SYN moves it whatever its number; after its own RST a side's numbers are
 * not trusted, nor a SYN's or RST's far away.
 */
static void
hist_seq(struct tcp_conn *c, const struct packet *pkt, enum flow_dir d)
{
	struct tcp_dir *D = &c->dir[d];
	uint8_t fl = pkt->tcp_flags;
	uint32_t seq = pkt->tcp_seq, len = pkt->payload_len;
	uint32_t seglen = len + !!(fl & TH_SYN) + !!(fl & TH_FIN);
	uint32_t end;
	int32_t delta;
	bool restart;

	if (fl & TH_RST)
		seglen -= len;	/* a RST's payload is no stream data */
	end = seq + seglen;
	switch (D->ep_state) {
	case EP_INACTIVE:
		restart = true;
		break;
	case EP_SYN_SENT:
	case EP_SYN_ACK_SENT:
		restart = (fl & TH_SYN) && seq != D->hist_start;
		break;
	case EP_RESET:
		restart = (fl & TH_SYN) && D->ep_prev == EP_INACTIVE;
		break;
	default:
		restart = fl & TH_SYN;
		break;
	}
	if (restart) {
		if (fl & TH_SYN) {
			D->hist_start = seq;
			D->hist_last = end;
		} else {
			D->hist_start = seq - 1;
			D->hist_last = seq;
		}
	}
	delta = seq_diff(end, D->hist_last);
	if ((fl & (TH_SYN | TH_RST)) &&
	    (delta > HIST_SEQ_JUMP || delta < -HIST_SEQ_JUMP))
		return;
	if ((fl & TH_FIN) && D->hist_last == D->hist_start + 1)
		D->hist_last = end;
	else if (D->ep_state == EP_RESET)
		return;
	else if (delta > 0)
		D->hist_last = end;
	else if (len > 0)
		hist_repeat(c, d, HIST_RETRANSMISSION);
}

/*
 * Everything pkt adds, in Zeek's order: the flag letters, a zero window,
 * then t.  tcp_history_update() (tcp_int.h) sends only some packets.
 */
void
tcp_history_packet(struct tcp_conn *c, const struct packet *pkt,
    enum flow_dir d)
{
	hist_flag_letters(c, pkt, d);
	if (pkt->tcp_window == 0 && !(pkt->tcp_flags & TH_RST) &&
	    c->dir[!d].ep_state != EP_CLOSED && c->dir[d].ep_state != EP_RESET)
		hist_repeat(c, d, HIST_ZERO_WINDOW);
	hist_seq(c, pkt, d);
}

/* Established, or closed from established (Zeek's "cleanly closing"). */
static inline bool
hist_clean(const struct tcp_dir *D)
{
	return D->ep_state == EP_ESTABLISHED ||
	    (D->ep_state == EP_CLOSED && D->ep_prev == EP_ESTABLISHED);
}

/*
 * g: pkt (sent in direction d, after the endpoint states took it) moves
 * the acknowledgement of the other side's data past sequence space the
 * capture never saw, each hole one gap, and the space beyond the highest
 * seen one more.  An ACK of the FIN counts up to the FIN, and a
 * zero-window probe byte accepted is no gap.  Called for an ACK that moves
 * snd_una on, before it is applied, while snd_una and the holes are as
 * they were.
 */
void
tcp_history_ack(struct tcp_conn *c, const struct packet *pkt, enum flow_dir d)
{
	enum flow_dir od = (enum flow_dir)!d;
	struct tcp_dir *D = &c->dir[od];	/* the data acknowledged */
	uint32_t ack = pkt->tcp_ack;
	int i;

	if (!D->seq_init || !hist_clean(D) || !hist_clean(&c->dir[d]))
		return;
	if (D->fin_seen && seq_gt(ack, D->fin_seq))
		ack = D->fin_seq;
	for (i = 0; i < D->nholes; i++)
		if (seq_lt(D->holes[i].lo, ack))
			hist_repeat(c, od, HIST_GAP);
	if (seq_gt(ack, D->high_seq) && ack != D->probe_end)
		hist_repeat(c, od, HIST_GAP);
}

/* Zeek's /^\^?S[^HAFGIQ]*R/: the client sent SYN then RST, nothing else. */
static bool
history_syn_then_rst(const char *h)
{
	if (*h == '^')
		h++;
	if (*h++ != 'S')
		return false;
	for (; *h != '\0'; h++) {
		if (*h == 'R')
			return true;
		if (strchr("HAFGIQ", *h) != NULL)
			return false;
	}
	return false;
}

const char *
tcp_conn_state(const struct tcp_conn *c)
{
	uint8_t os = c->dir[DIR_C2S].ep_state, rs = c->dir[DIR_S2C].ep_state;
	bool o_inactive = os == EP_INACTIVE || os == EP_PARTIAL;
	bool r_inactive = rs == EP_INACTIVE || rs == EP_PARTIAL;

	if (rs == EP_RESET) {
		if (os == EP_SYN_SENT || os == EP_SYN_ACK_SENT ||
		    (os == EP_RESET && c->dir[0].c.data_segments == 0 &&
		    c->dir[1].c.data_segments == 0))
			return "REJ";
		return o_inactive ? "RSTRH" : "RSTR";
	}
	if (os == EP_RESET) {
		if (r_inactive)
			return history_syn_then_rst(c->history) ? "RSTOS0" :
			    "OTH";
		return "RSTO";
	}
	if (rs == EP_CLOSED && os == EP_CLOSED)
		return "SF";
	if (os == EP_CLOSED)
		return r_inactive ? "SH" : "S2";
	if (rs == EP_CLOSED)
		return o_inactive ? "SHR" : "S3";
	if (os == EP_SYN_SENT && rs == EP_INACTIVE)
		return "S0";
	if (os == EP_ESTABLISHED && rs == EP_ESTABLISHED)
		return "S1";
	return "OTH";
}
