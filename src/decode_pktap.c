/*
 * Apple's PKTAP (LINKTYPE_PKTAP 258; files from OS X 10.9 say DLT_USER2,
 * 149, for it, and tcpdump reads those as PKTAP too): what macOS and iOS
 * write for "tcpdump -i pktap" or "-k", each packet with the interface and
 * process it belongs to.
 *
 * The header gives its own length (at least the 108 bytes of its fixed
 * fields), a record type (1: a packet follows) and the link type of the
 * frame after it: Ethernet, or DLT_NULL or raw IP for utun and loopback
 * interfaces.  That frame is decoded as any other through the link-type
 * table, nested at most DECODE_MAX_VLAN_TAGS pseudo-headers deep (d->tags
 * counts them), so a PKTAP header cannot name itself forever.  The fields
 * are in the writing host's byte order, little-endian on every Apple
 * machine since the PowerPC (as tcpdump reads them).
 *
 * A length below 108 or past the frame on the wire is DR_BAD_LINK_HEADER,
 * one past the capture DR_TRUNCATED_LINK; a record without a packet is
 * PK_NON_IP.
 */
#include "config.h"

#include "decode_int.h"

#define PKTAP_MIN_LEN		108	/* the fixed fields */
#define PKTAP_REC_PACKET	1

enum pkt_kind
decode_pktap(struct decoder *d)
{
	const uint8_t *p = d->c.p;
	uint32_t len, dlt;

	if (!cur_need(&d->c, 12))		/* length, record type, DLT */
		return undecoded(d, DR_TRUNCATED_LINK);
	len = le32(p);
	dlt = le32(p + 8);
	if (len < PKTAP_MIN_LEN || len > wire_left(d))
		return undecoded(d, DR_BAD_LINK_HEADER);
	if (!cur_skip(&d->c, len))
		return undecoded(d, DR_TRUNCATED_LINK);
	if (le32(p + 4) != PKTAP_REC_PACKET)
		return kind(d, PK_NON_IP);
	if (++d->tags > DECODE_MAX_VLAN_TAGS)
		return undecoded(d, DR_BAD_LINK_HEADER);
	return decode_link(d, dlt < DECODE_LINK_TYPES ? (int)dlt : -1);
}
