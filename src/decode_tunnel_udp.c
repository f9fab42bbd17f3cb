/*
 * Tunnels over UDP: VXLAN (RFC 7348), Geneve (RFC 8926), GTP-U (3GPP TS
 * 29.281) and Teredo (RFC 4380), each a row of the UDP port table
 * (decode.c: 4789, 6081, 2152 and 3544 by default, more through
 * decode_tunnel_port()).  A row is called with the cursor at the UDP
 * payload, d->l4len its length per the headers, and the view a complete
 * UDP datagram: returning PK_UDP leaves it one.
 *
 * What each outcome means, the same for all four:
 * - The datagram is too short for the tunnel's fixed header, or the
 *   header says the datagram is not this tunnel's data (VXLAN without its
 *   I flag, a Geneve version other than 0, a GTP message that is not a
 *   G-PDU, a G-PDU that does not carry IP, anything Teredo cannot be sure
 *   of): plain UDP, as without the row.  A port may carry other traffic
 *   too (--tunnel-port makes that likelier); it stays visible as UDP.
 * - The capture cut the tunnel header, or the header claims more than the
 *   datagram carries (option or extension lengths past its end, a GTP
 *   length beyond it): DR_TRUNCATED_TUNNEL.  Nothing past the captured
 *   bytes is read: each length is checked against cur_need() first.
 * - Otherwise decode_inner() decodes the packet carried, as the view.
 *
 * Teredo is the exception to the second rule: port 3544 also carries its
 * bubbles, qualification messages and other traffic, so a datagram becomes
 * a Teredo tunnel only when an IPv6 header whose payload length fits the
 * datagram exactly is there to see (captured); anything else is plain UDP.
 *
 * The tunnel's id: the VNI for VXLAN and Geneve; 0 for Teredo (it has
 * none) and for GTP-U, whose TEID is the receiver's and so differs by
 * direction: with the TEID both directions of an inner flow would be two
 * flows (flow.c keys the tunnel context by id).  A GTP-U tunnel is told
 * apart by its endpoints alone.
 */
#include "config.h"

#include "decode_int.h"

#define ETHERTYPE_TEB		0x6558	/* transparent Ethernet bridging */

#define VXLAN_HDR		8
#define VXLAN_FLAG_I		0x08	/* the VNI is valid */

#define GENEVE_HDR		8

#define GTP_HDR			8	/* the mandatory part */
#define GTP_OPT			4	/* sequence, N-PDU, next extension */
#define GTP_FLAGS_OPT		0x07	/* E, S, PN: GTP_OPT is there */
#define GTP_FLAG_E		0x04	/* an extension header follows */
#define GTP_G_PDU		255
#define GTP_MAX_EXT		16	/* extension headers: deeper than real */

#define TEREDO_AUTH_MIN		13	/* type, two lengths, nonce, conf. */
#define TEREDO_ORIGIN		8

/* VXLAN: 8 bytes, flags (I), 24 reserved bits, the VNI; then Ethernet. */
enum pkt_kind
decode_vxlan(struct decoder *d)
{
	const uint8_t *p = d->c.p;

	if (d->l4len < VXLAN_HDR)
		return PK_UDP;
	if (!cur_need(&d->c, VXLAN_HDR))
		return undecoded(d, DR_TRUNCATED_TUNNEL);
	if (!(p[0] & VXLAN_FLAG_I))
		return PK_UDP;
	return decode_inner(d, ENCAP_VXLAN, be32(p + 4) >> 8, VXLAN_HDR,
	    DECODE_NEXT_LINK, DLT_EN10MB);
}

/*
 * Geneve: version (2 bits, 0) and the options' length (6 bits, in 4-byte
 * units), flags, the protocol type (an EtherType; 0x6558 is Ethernet),
 * the VNI, then the options, skipped whole, then the packet.
 */
enum pkt_kind
decode_geneve(struct decoder *d)
{
	const uint8_t *p = d->c.p;
	size_t hdrlen;
	uint16_t type;

	if (d->l4len < GENEVE_HDR)
		return PK_UDP;
	if (!cur_need(&d->c, GENEVE_HDR))
		return undecoded(d, DR_TRUNCATED_TUNNEL);
	if ((p[0] >> 6) != 0)
		return PK_UDP;
	hdrlen = GENEVE_HDR + (size_t)(p[0] & 0x3f) * 4;
	if (hdrlen > d->l4len || !cur_need(&d->c, hdrlen))
		return undecoded(d, DR_TRUNCATED_TUNNEL);
	type = be16(p + 2);
	if (type == ETHERTYPE_TEB)
		return decode_inner(d, ENCAP_GENEVE, be32(p + 4) >> 8, hdrlen,
		    DECODE_NEXT_LINK, DLT_EN10MB);
	if (list_find(&decode_ethertypes, type) == NULL)
		return PK_UDP;
	return decode_inner(d, ENCAP_GENEVE, be32(p + 4) >> 8, hdrlen,
	    DECODE_NEXT_ETHERTYPE, type);
}

/*
 * GTP-U version 1, protocol type GTP (not GTP'): flags, message type, the
 * length of what follows the first 8 bytes, the TEID; 4 more bytes when
 * any of E, S, PN is set, then (E) a chain of extension headers, each
 * with its length in 4-byte units first and the next one's type last.
 * Only a G-PDU carries a user packet (IPv4 or IPv6); echo requests, error
 * indications, end markers stay UDP datagrams.
 */
enum pkt_kind
decode_gtp_u(struct decoder *d)
{
	const uint8_t *p = d->c.p;
	size_t hdrlen, msglen;
	uint8_t next;
	int i;

	if (d->l4len < GTP_HDR)
		return PK_UDP;
	if (!cur_need(&d->c, GTP_HDR))
		return undecoded(d, DR_TRUNCATED_TUNNEL);
	if ((p[0] >> 5) != 1 || !(p[0] & 0x10) || p[1] != GTP_G_PDU)
		return PK_UDP;
	msglen = GTP_HDR + be16(p + 2);
	if (msglen > d->l4len)
		return undecoded(d, DR_TRUNCATED_TUNNEL);
	hdrlen = GTP_HDR;
	if (p[0] & GTP_FLAGS_OPT) {
		hdrlen += GTP_OPT;
		if (hdrlen > msglen || !cur_need(&d->c, hdrlen))
			return undecoded(d, DR_TRUNCATED_TUNNEL);
		next = (p[0] & GTP_FLAG_E) ? p[hdrlen - 1] : 0;
		for (i = 0; next != 0; i++) {
			size_t extlen;

			if (i == GTP_MAX_EXT || hdrlen >= msglen ||
			    !cur_need(&d->c, hdrlen + 1))
				return undecoded(d, DR_TRUNCATED_TUNNEL);
			extlen = (size_t)p[hdrlen] * 4;
			if (extlen == 0 || extlen > msglen - hdrlen ||
			    !cur_need(&d->c, hdrlen + extlen))
				return undecoded(d, DR_TRUNCATED_TUNNEL);
			hdrlen += extlen;
			next = p[hdrlen - 1];
		}
	}
	/* A G-PDU without a packet, or with another kind of PDU. */
	if (hdrlen == msglen)
		return PK_UDP;
	if (!cur_need(&d->c, hdrlen + 1))
		return undecoded(d, DR_TRUNCATED_TUNNEL);
	if ((p[hdrlen] >> 4) != 4 && (p[hdrlen] >> 4) != 6)
		return PK_UDP;
	d->l4len = msglen;		/* what follows the message is not it */
	return decode_inner(d, ENCAP_GTP_U, 0, hdrlen, DECODE_NEXT_IP, 0);
}

/*
 * Teredo: an authentication indicator (0x0001, client id and
 * authentication value lengths, those, an 8-byte nonce and a confirmation
 * byte) and an origin indication (0x0000, port and address), each
 * optional, in that order, then an IPv6 packet: decapsulated only if its
 * header is captured, says version 6 and a payload length that ends it
 * where the datagram ends.  Off port 3544 (prefix true), one of its
 * addresses must also be a Teredo address (2001:0::/32): see
 * decode_teredo_probe().
 */
static enum pkt_kind
teredo(struct decoder *d, bool prefix)
{
	static const uint8_t teredo_prefix[4] = { 0x20, 0x01, 0x00, 0x00 };
	const uint8_t *p = d->c.p;
	size_t off = 0, len = d->l4len;

	/* What every datagram the probe is offered meets first. */
	if (!cur_need(&d->c, 1) || (p[0] != 0 && (p[0] >> 4) != 6))
		return PK_UDP;
	if (cur_need(&d->c, 4) && len >= 4 && p[0] == 0 && p[1] == 1) {
		off = TEREDO_AUTH_MIN + (size_t)p[2] + p[3];
		if (off > len)
			return PK_UDP;
	}
	if (len - off >= TEREDO_ORIGIN && cur_need(&d->c, off + 2) &&
	    p[off] == 0 && p[off + 1] == 0)
		off += TEREDO_ORIGIN;
	if (len - off < 40 || !cur_need(&d->c, off + 40) ||
	    (p[off] >> 4) != 6 || 40 + (size_t)be16(p + off + 4) != len - off)
		return PK_UDP;
	if (prefix && memcmp(p + off + 8, teredo_prefix, 4) != 0 &&
	    memcmp(p + off + 24, teredo_prefix, 4) != 0)
		return PK_UDP;
	return decode_inner(d, ENCAP_TEREDO, 0, off, DECODE_NEXT_IP, 41);
}

enum pkt_kind
decode_teredo(struct decoder *d)
{
	return teredo(d, false);
}

/*
 * A datagram on a port with no row: a Teredo client talks to its relays
 * from its mapped port to any port of theirs, so Teredo is recognized by
 * its content too, as Zeek does: what decode_teredo() accepts, with a
 * Teredo address on one side.  Most datagrams fail the first test (the
 * version nibble); a false match needs 4 exact address bytes and a
 * payload length equal to the datagram's.
 */
enum pkt_kind
decode_teredo_probe(struct decoder *d)
{
	return teredo(d, true);
}

/* The names --tunnel-port takes, and each one's dissector. */
static const struct {
	const char	*name;
	decode_fn	 fn;
} udp_tunnels[] = {
	{ "vxlan",	decode_vxlan },
	{ "geneve",	decode_geneve },
	{ "gtp",	decode_gtp_u },
	{ "teredo",	decode_teredo },
};

static decode_fn
udp_tunnel_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof udp_tunnels / sizeof udp_tunnels[0]; i++)
		if (strcmp(udp_tunnels[i].name, name) == 0)
			return udp_tunnels[i].fn;
	return NULL;
}

bool
decode_tunnel_type_known(const char *type)
{
	return udp_tunnel_find(type) != NULL;
}

bool
decode_tunnel_port(const char *type, uint16_t port)
{
	decode_fn fn = udp_tunnel_find(type);

	if (fn == NULL)
		return false;
	decode_set_udp_port(port, fn);
	return true;
}

bool
decode_is_udp_tunnel(decode_fn fn)
{
	size_t i;

	for (i = 0; i < sizeof udp_tunnels / sizeof udp_tunnels[0]; i++)
		if (udp_tunnels[i].fn == fn)
			return true;
	return false;
}
