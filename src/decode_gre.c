/*
 * GRE, IP protocol 47: version 0 (RFC 2784 with RFC 2890's key and
 * sequence number) and what it carries, and version 1, PPTP's enhanced GRE
 * (RFC 2637).  A row of the IP protocol table, called with the cursor at
 * the GRE header and d->l4len the IP payload's length.
 *
 * Version 0: flags and version, a protocol type, then a checksum (C), a
 * key (K) and a sequence number (S), each 4 bytes when its flag is set.
 * The protocol type says what follows:
 * - 0x6558, transparent Ethernet bridging (gretap): an Ethernet frame.
 * - 0x88be, ERSPAN: with S set, type II, an 8-byte ERSPAN header (version
 *   1) then the mirrored Ethernet frame; without S, type I, the frame at
 *   once (draft-foschiano-erspan, as Wireshark and Linux tell them apart).
 * - 0x22eb, ERSPAN type III: a 12-byte header (version 2), 8 more bytes of
 *   platform-specific subheader when its O flag is set, then the frame,
 *   Ethernet (frame type 0) or IP (frame type 2).
 * - Any EtherType the EtherType table has a row for (IPv4, IPv6, MPLS,
 *   VLAN, ...): what that row decodes.
 * Version 1 carries PPP (protocol 0x880b, K set: payload length and call
 * id, then S's sequence and A's acknowledgement numbers); a packet with no
 * payload is an acknowledgement only.
 *
 * What is not decapsulated stays what GRE was before a row was set here,
 * PK_OTHER_IP: a payload too short for GRE's fixed header, another version, a routing (R) or strict route (s) flag
 * (RFC 1701 source routes, which no current GRE sends), a protocol type
 * nobody decodes, an ERSPAN header of the wrong version or frame type.
 * A header the capture cut, or whose flags announce more than the IP
 * payload holds, is DR_TRUNCATED_TUNNEL (decode_inner() checks the second
 * once more).
 *
 * The id: ERSPAN's session id for types II and III, else the GRE key (0
 * without K).  PPTP's is 0: its call id is the receiver's, different in
 * each direction, and both directions of an inner flow must key alike.
 */
#include "config.h"

#include "decode_int.h"

#define GRE_C		0x8000		/* checksum present */
#define GRE_R		0x4000		/* routing present (RFC 1701) */
#define GRE_K		0x2000		/* key present */
#define GRE_S		0x1000		/* sequence number present */
#define GRE_SSR		0x0800		/* strict source route (RFC 1701) */
#define GRE_A		0x0080		/* version 1: acknowledgement present */
#define GRE_VERSION	0x0007

#define GRE_TEB		0x6558
#define GRE_ERSPAN_II	0x88be		/* and type I */
#define GRE_ERSPAN_III	0x22eb
#define GRE_PPP		0x880b

#define ERSPAN_II_HDR	8
#define ERSPAN_III_HDR	12
#define ERSPAN_III_PLATFORM 8		/* the O flag's subheader */

/* ERSPAN type II or III: its header at offset at from the GRE header. */
static enum pkt_kind
decode_erspan(struct decoder *d, size_t at, bool type3)
{
	const uint8_t *e = d->c.p + at;
	size_t hdrlen = at + (type3 ? ERSPAN_III_HDR : ERSPAN_II_HDR);
	uint32_t session;
	unsigned ft;

	if (hdrlen > d->l4len || !cur_need(&d->c, hdrlen))
		return undecoded(d, DR_TRUNCATED_TUNNEL);
	if ((e[0] >> 4) != (type3 ? 2 : 1))
		return kind(d, PK_OTHER_IP);
	session = be16(e + 2) & 0x03ff;
	if (!type3)
		return decode_inner(d, ENCAP_GRE, session, hdrlen,
		    DECODE_NEXT_LINK, DLT_EN10MB);
	if (e[11] & 0x01)
		hdrlen += ERSPAN_III_PLATFORM;
	ft = (e[10] >> 2) & 0x1f;
	if (ft == 0)
		return decode_inner(d, ENCAP_GRE, session, hdrlen,
		    DECODE_NEXT_LINK, DLT_EN10MB);
	if (ft == 2)
		return decode_inner(d, ENCAP_GRE, session, hdrlen,
		    DECODE_NEXT_IP, 0);
	return kind(d, PK_OTHER_IP);
}

/* PPTP's GRE, the 8 fixed bytes captured: PPP, or an ack alone. */
static enum pkt_kind
decode_gre_v1(struct decoder *d, uint16_t flags)
{
	const uint8_t *p = d->c.p;
	size_t hdrlen = 8, plen;

	if (!(flags & GRE_K) || be16(p + 2) != GRE_PPP ||
	    (flags & (GRE_C | GRE_R | GRE_SSR)))
		return kind(d, PK_OTHER_IP);
	hdrlen += (flags & GRE_S ? 4 : 0) + (flags & GRE_A ? 4 : 0);
	plen = be16(p + 4);
	if (hdrlen > d->l4len || plen > d->l4len - hdrlen)
		return undecoded(d, DR_TRUNCATED_TUNNEL);
	if (plen == 0)
		return kind(d, PK_OTHER_IP);
	d->l4len = hdrlen + plen;
	return decode_inner(d, ENCAP_GRE, 0, hdrlen, DECODE_NEXT_LINK,
	    DLT_PPP);
}

enum pkt_kind
decode_gre(struct decoder *d)
{
	const uint8_t *p = d->c.p;
	size_t hdrlen, keyat;
	uint16_t flags, type;
	uint32_t key = 0;

	if (d->l4len < 4)
		return kind(d, PK_OTHER_IP);
	if (!cur_need(&d->c, 4))
		return undecoded(d, DR_TRUNCATED_TUNNEL);
	flags = be16(p);
	type = be16(p + 2);
	if ((flags & GRE_VERSION) == 1) {
		if (d->l4len < 8)
			return kind(d, PK_OTHER_IP);
		if (!cur_need(&d->c, 8))
			return undecoded(d, DR_TRUNCATED_TUNNEL);
		return decode_gre_v1(d, flags);
	}
	if ((flags & GRE_VERSION) != 0 || (flags & (GRE_R | GRE_SSR)))
		return kind(d, PK_OTHER_IP);
	keyat = flags & GRE_C ? 8 : 4;
	hdrlen = keyat + (flags & GRE_K ? 4 : 0) + (flags & GRE_S ? 4 : 0);
	if (hdrlen > d->l4len || !cur_need(&d->c, hdrlen))
		return undecoded(d, DR_TRUNCATED_TUNNEL);
	if (flags & GRE_K)
		key = be32(p + keyat);

	switch (type) {
	case GRE_TEB:
		return decode_inner(d, ENCAP_GRE, key, hdrlen,
		    DECODE_NEXT_LINK, DLT_EN10MB);
	case GRE_ERSPAN_II:
		if (!(flags & GRE_S))		/* type I: no ERSPAN header */
			return decode_inner(d, ENCAP_GRE, key, hdrlen,
			    DECODE_NEXT_LINK, DLT_EN10MB);
		return decode_erspan(d, hdrlen, false);
	case GRE_ERSPAN_III:
		return decode_erspan(d, hdrlen, true);
	default:
		if (list_find(&decode_ethertypes, type) == NULL)
			return kind(d, PK_OTHER_IP);
		return decode_inner(d, ENCAP_GRE, key, hdrlen,
		    DECODE_NEXT_ETHERTYPE, type);
	}
}
