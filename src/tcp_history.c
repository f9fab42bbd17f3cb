/*
 * Zeek's view of a TCP connection: the history string of its conn.log (one
 * letter per kind of event, upper case for the client, e.g. "ShADadFf") and
 * the conn_state code (S0, SF, REJ, ...) derived from the two endpoint
 * states tcp.c keeps.  The letters follow Zeek's rules, so that the two
 * tools' logs can be compared line by line:
 *
 *  - most letters are added once per side (hist_once[], a bit per letter);
 *  - a SYN, FIN or RST is added again when it carries another sequence
 *    number than the side's last one (a new attempt, not a resend);
 *  - t, g and w (retransmission, gap, zero window) repeat at the 1st, 10th,
 *    100th ... occurrence, counted in hist_scaled[].
 *
 * The string is bounded (struct tcp_conn's history[]): letters past its end
 * are dropped.  It starts with '^' when the client was not seen opening
 * the connection (tcp_conn_new()), as Zeek's does.
 */
#include "config.h"

#include <string.h>

#include "tcp_int.h"

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
void
tcp_history_repeat(struct tcp_conn *c, enum flow_dir side,
    enum tcp_hist_repeat which)
{
	static const char letters[] = { 't', 'g', 'w' };
	uint32_t n = ++c->hist_scaled[side][which];

	while (n % 10 == 0)
		n /= 10;
	if (n == 1)
		hist_add(c, side, letters[which]);
}

/* The whole rule; tcp_history_update() (tcp_int.h) sends only some packets. */
void
tcp_history_letters(struct tcp_conn *c, const struct packet *pkt,
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
