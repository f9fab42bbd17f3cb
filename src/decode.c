/*
 * The dissector chain's start: a frame the shortcut (decode_fast.c) did not
 * take is decoded from its link layer on, through layers that live one
 * concern per file (decode_int.h says which).  Every layer works on a
 * struct cursor over the captured bytes and checks a whole header is
 * inside it before reading a field.  Two lengths travel down the chain: the
 * cursor (what was captured) and the length the enclosing header claims
 * (what was on the wire).  Sequence analysis needs the second, so a frame
 * cut by snaplen still reports its true payload length, while a header
 * that claims more than the frame carried is a lie and is counted.  The
 * names of kinds, reasons and anomalies are here too.
 */
#include "config.h"

#include "decode_int.h"

/*
 * The chain, for every frame the shortcut does not take: pkt is cleared
 * and its frame fields set, wirelen is at least caplen.
 */
enum pkt_kind
decode_chain(int dlt, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
    struct packet *pkt)
{
	struct decoder d;

	d.c = cur_make(data, caplen);
	d.frame = data;
	d.wirelen = wirelen;
	d.pkt = pkt;
	return decode_link(&d, dlt);
}

#define X_NAME(e, s) s,
static const char *const reason_names[] = { DECODE_REASONS(X_NAME) };
static const char *const anomaly_names[] = { PACKET_ANOMALIES(X_NAME) };
#undef X_NAME
static const char *const kind_names[] = {
	"tcp", "udp", "icmp", "icmpv6", "other_ip", "ip_fragment", "non_ip",
	"undecoded"
};

const char *
decode_reason_name(enum decode_reason r)
{
	return (unsigned)r < DR_MAX ? reason_names[r] : "?";
}

const char *
packet_anomaly_name(enum packet_anomaly a)
{
	return (unsigned)a < PA_MAX ? anomaly_names[a] : "?";
}

const char *
pkt_kind_name(enum pkt_kind k)
{
	return (unsigned)k < PK_MAX ? kind_names[k] : "?";
}
