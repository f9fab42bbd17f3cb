/*
 * IEEE 802.11 data frames, bare (DLT_IEEE802_11) or behind the radio header
 * a monitor-mode capture puts in front of each frame: radiotap, PPI, AVS or
 * Prism.
 *
 * Of a radio header transcope needs its length and three facts about the
 * frame after it: whether the frame's 4-byte FCS is still at its end,
 * whether the driver padded the MAC header to a multiple of 4 bytes (both
 * move where the packet starts or ends) and whether the frame failed its
 * FCS check (its bytes are not the ones sent: DR_BAD_FCS, not decoded, so
 * a corrupted frame cannot pass for a retransmission or a hole).  Radiotap
 * says so in its Flags field, found by walking the presence bitmaps past
 * TSFT, the only field before it; PPI in its 802.11-Common field.  AVS and
 * Prism headers say nothing of it, and tcpdump assumes neither.  A Prism
 * link type may carry an AVS header: the first word tells (as libpcap and
 * tcpdump do).  PPI names the link type after it, normally 802.11; any
 * other goes back to the link-type table, nested at most
 * DECODE_MAX_VLAN_TAGS pseudo-headers deep (d->tags counts them).
 *
 * The MAC header: only data frames (type 2) carry a packet, and not the
 * null-data subtypes; a QoS subtype adds its 2-byte QoS control and then,
 * with the Order bit, a 4-byte HT control; to-DS and from-DS both set add a
 * fourth address.  LLC/SNAP (decode_llc()) after it names the EtherType.
 * Management and control frames, and null data, are PK_NON_IP.  What the
 * view cannot hold is counted, not guessed at: a Protected frame (WEP,
 * TKIP, CCMP: the payload is encrypted) is DR_ENCRYPTED_80211; an A-MSDU
 * (several packets in one frame) and a fragment after the first are
 * DR_UNSUPPORTED_80211.  A first fragment is decoded: its IP header gives
 * the packet's whole length, as after a snaplen cut.
 *
 * A radio header's length that cannot be right (below its minimum, past
 * the frame's wire length) or an unknown version is DR_BAD_LINK_HEADER; a
 * header the capture cut short is DR_TRUNCATED_LINK.
 */
#include "config.h"

#include "decode_int.h"

/* Frame control: the first byte's type and subtype, the second's flags. */
#define WIFI_TYPE_DATA		2
#define WIFI_SUBTYPE_NULL	0x04	/* subtype bit: no data */
#define WIFI_SUBTYPE_QOS	0x08	/* subtype bit: QoS control follows */
#define WIFI_TO_DS		0x01
#define WIFI_FROM_DS		0x02
#define WIFI_PROTECTED		0x40
#define WIFI_ORDER		0x80	/* in QoS data: HT control follows */
#define WIFI_QOS_AMSDU		0x80	/* QoS control's first byte */

/* What a radio header says about the frame after it. */
#define RADIO_FCS		0x01	/* the frame ends in its FCS */
#define RADIO_PAD		0x02	/* MAC header padded to 4 bytes */
#define RADIO_BAD_FCS		0x04	/* the frame failed its FCS check */

/* Radiotap: present bits and the Flags field's bits. */
#define RT_PRESENT_TSFT		0x00000001u
#define RT_PRESENT_FLAGS	0x00000002u
#define RT_PRESENT_EXT		0x80000000u
#define RT_FLAG_FCS		0x10
#define RT_FLAG_DATAPAD		0x20
#define RT_FLAG_BADFCS		0x40

/* PPI: the 802.11-Common field and its flags. */
#define PPI_FIELD_80211_COMMON	2
#define PPI_80211_COMMON_LEN	20
#define PPI_FLAG_ALIGNED	0x01	/* header: fields padded to 4 */
#define PPI_COMMON_FCS		0x0001
#define PPI_COMMON_BADFCS	0x0004

/* Prism and AVS (AVS headers open with a cookie, version 1 or 2). */
#define PRISM_HEADER_LEN	144
#define AVS_COOKIE_V1		0x80211001u
#define AVS_COOKIE_V2		0x80211002u

/* The 802.11 frame at the cursor; radio is what its radio header said. */
static enum pkt_kind
wifi_frame(struct decoder *d, unsigned radio)
{
	const uint8_t *p;
	size_t hlen, qos, wire;
	uint8_t fc, flags;

	if (radio & RADIO_BAD_FCS)
		return undecoded(d, DR_BAD_FCS);
	if (radio & RADIO_FCS) {
		/* The FCS ends the frame on the wire: not part of the packet. */
		if ((wire = wire_left(d)) < 4)
			return undecoded(d, DR_BAD_LINK_HEADER);
		d->wirelen -= 4;
		cur_limit(&d->c, wire - 4);
	}
	if (!cur_need(&d->c, 2))
		return undecoded(d, DR_TRUNCATED_LINK);
	p = d->c.p;
	fc = p[0];
	flags = p[1];
	/* Protocol version 0, data type, a subtype with data. */
	if ((fc & 0x03) != 0 || ((fc >> 2) & 0x03) != WIFI_TYPE_DATA ||
	    ((fc >> 4) & WIFI_SUBTYPE_NULL) != 0)
		return kind(d, PK_NON_IP);
	if (flags & WIFI_PROTECTED)
		return undecoded(d, DR_ENCRYPTED_80211);

	hlen = (flags & (WIFI_TO_DS | WIFI_FROM_DS)) ==
	    (WIFI_TO_DS | WIFI_FROM_DS) ? 30 : 24;
	qos = hlen;
	if ((fc >> 4) & WIFI_SUBTYPE_QOS) {
		hlen += 2;
		if (flags & WIFI_ORDER)
			hlen += 4;
	}
	if (radio & RADIO_PAD)
		hlen = (hlen + 3) & ~(size_t)3;
	if (!cur_need(&d->c, hlen))
		return undecoded(d, DR_TRUNCATED_LINK);
	if ((p[22] & 0x0f) != 0)	/* fragment number: not the first */
		return undecoded(d, DR_UNSUPPORTED_80211);
	if (((fc >> 4) & WIFI_SUBTYPE_QOS) && (p[qos] & WIFI_QOS_AMSDU))
		return undecoded(d, DR_UNSUPPORTED_80211);
	cur_skip(&d->c, hlen);
	return decode_llc(d);
}

enum pkt_kind
decode_wifi(struct decoder *d)
{
	return wifi_frame(d, 0);
}

/*
 * A radio header of len bytes (its own field) at the cursor: a length
 * below min or past the frame on the wire lies, one past the capture is a
 * cut.  0 if the header is whole, else the reason.
 */
static enum decode_reason
radio_header_len(const struct decoder *d, size_t len, size_t min)
{
	if (len < min || len > wire_left(d))
		return DR_BAD_LINK_HEADER;
	if (!cur_need(&d->c, len))
		return DR_TRUNCATED_LINK;
	return DR_NONE;
}

/*
 * Radiotap: version, pad, length (little-endian, like every field), then
 * presence words, each announcing the next with bit 31, then the fields,
 * each aligned to its size from the header's start.  Only the first word's
 * TSFT (8 bytes) can come before Flags.
 */
enum pkt_kind
decode_radiotap(struct decoder *d)
{
	const uint8_t *p = d->c.p;
	enum decode_reason r;
	unsigned radio = 0;
	uint32_t present, word;
	size_t len, off;

	if (!cur_need(&d->c, 8))
		return undecoded(d, DR_TRUNCATED_LINK);
	if (p[0] != 0)
		return undecoded(d, DR_BAD_LINK_HEADER);
	len = le16(p + 2);
	if ((r = radio_header_len(d, len, 8)) != DR_NONE)
		return undecoded(d, r);

	present = le32(p + 4);
	/* Past the presence words; at most len / 4 of them. */
	off = 8;
	for (word = present; word & RT_PRESENT_EXT; word = le32(p + off - 4)) {
		if (len - off < 4)
			return undecoded(d, DR_BAD_LINK_HEADER);
		off += 4;
	}
	if (present & RT_PRESENT_TSFT)
		off = ((off + 7) & ~(size_t)7) + 8;
	if (present & RT_PRESENT_FLAGS) {
		if (off >= len)
			return undecoded(d, DR_BAD_LINK_HEADER);
		if (p[off] & RT_FLAG_FCS)
			radio |= RADIO_FCS;
		if (p[off] & RT_FLAG_DATAPAD)
			radio |= RADIO_PAD;
		if (p[off] & RT_FLAG_BADFCS)
			radio |= RADIO_BAD_FCS;
	}
	cur_skip(&d->c, len);
	return wifi_frame(d, radio);
}

/*
 * PPI: version, flags, length, the link type after it (little-endian),
 * then fields of type, length and data; the 802.11-Common field's flags
 * say FCS and FCS failure.
 */
enum pkt_kind
decode_ppi(struct decoder *d)
{
	const uint8_t *p = d->c.p;
	enum decode_reason r;
	unsigned radio = 0;
	size_t len, off, flen;
	uint32_t dlt;
	uint16_t flags;

	if (!cur_need(&d->c, 8))
		return undecoded(d, DR_TRUNCATED_LINK);
	if (p[0] != 0)
		return undecoded(d, DR_BAD_LINK_HEADER);
	len = le16(p + 2);
	dlt = le32(p + 4);
	if ((r = radio_header_len(d, len, 8)) != DR_NONE)
		return undecoded(d, r);

	/* Each field takes at least its 4-byte header: at most len / 4. */
	for (off = 8; len - off >= 4; off += 4 + flen) {
		flen = le16(p + off + 2);
		if (p[1] & PPI_FLAG_ALIGNED)
			flen = (flen + 3) & ~(size_t)3;
		if (flen > len - off - 4)
			return undecoded(d, DR_BAD_LINK_HEADER);
		if (le16(p + off) == PPI_FIELD_80211_COMMON &&
		    flen >= PPI_80211_COMMON_LEN) {
			flags = le16(p + off + 4 + 8);
			if (flags & PPI_COMMON_FCS)
				radio |= RADIO_FCS;
			if (flags & PPI_COMMON_BADFCS)
				radio |= RADIO_BAD_FCS;
		}
	}
	cur_skip(&d->c, len);
	if (dlt == DLT_IEEE802_11)
		return wifi_frame(d, radio);
	if (++d->tags > DECODE_MAX_VLAN_TAGS)
		return undecoded(d, DR_BAD_LINK_HEADER);
	return decode_link(d, dlt < DECODE_LINK_TYPES ? (int)dlt : -1);
}

/* AVS: a version cookie, then the header's length (big-endian). */
enum pkt_kind
decode_avs(struct decoder *d)
{
	enum decode_reason r;
	size_t len;

	if (!cur_need(&d->c, 8))
		return undecoded(d, DR_TRUNCATED_LINK);
	len = be32(d->c.p + 4);
	if ((r = radio_header_len(d, len, 8)) != DR_NONE)
		return undecoded(d, r);
	cur_skip(&d->c, len);
	return wifi_frame(d, 0);
}

/* Prism: 144 bytes, unless the first word is an AVS cookie. */
enum pkt_kind
decode_prism(struct decoder *d)
{
	uint32_t cookie;

	if (!cur_need(&d->c, 4))
		return undecoded(d, DR_TRUNCATED_LINK);
	cookie = be32(d->c.p);
	if (cookie == AVS_COOKIE_V1 || cookie == AVS_COOKIE_V2)
		return decode_avs(d);
	if (!cur_skip(&d->c, PRISM_HEADER_LEN))
		return undecoded(d, DR_TRUNCATED_LINK);
	return wifi_frame(d, 0);
}
