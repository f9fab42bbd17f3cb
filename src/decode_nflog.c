/*
 * Linux NFLOG (DLT_NFLOG): packets logged by a netfilter rule ("log group
 * N" in nftables, the NFLOG target in iptables) and read from the nflog:N
 * pseudo-interface.
 *
 * A 4-byte header (address family, version 0, resource id) and then TLVs
 * of length, type and value, the length counting its 4-byte header and
 * not the padding to a multiple of 4 that follows.  Lengths and types are
 * in host byte order: libpcap turns a file written on a host of the other
 * order into ours when it reads it, so they are read as this host's
 * words.  The NFULA_PAYLOAD TLV holds the packet from its IP header on;
 * the family says IPv4 or IPv6 (2 and 10, Linux's numbers, whatever the
 * reading host's).  Other families (ARP, bridge) are PK_NON_IP.
 *
 * Every TLV length is checked before it is used: below 4, or past the
 * frame on the wire, it lies (DR_BAD_LINK_HEADER); past the capture, the
 * capture was cut (DR_TRUNCATED_LINK), and so is a record that ends
 * without a payload TLV (one logged with no packet bytes).  The payload's
 * own length bounds the packet, on the wire and captured.
 */
#include "config.h"

#include "decode_int.h"

#define NFLOG_HEADER_LEN	4
#define NFLOG_TLV_HEADER_LEN	4
#define NFLOG_MAX_TLVS		64	/* the kernel writes about 15 types */
#define NFULA_PAYLOAD		9
#define NFLOG_AF_INET		2
#define NFLOG_AF_INET6		10

/* A 16-bit word in this host's byte order. */
static inline uint16_t
host16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof v);
	return v;
}

/* The packet in the payload TLV at the cursor, len bytes with its header. */
static enum pkt_kind
nflog_payload(struct decoder *d, uint8_t family, size_t len)
{
	size_t used;

	cur_skip(&d->c, NFLOG_TLV_HEADER_LEN);
	cur_limit(&d->c, len - NFLOG_TLV_HEADER_LEN);
	used = (size_t)(d->c.p - d->frame);
	d->wirelen = (uint32_t)(used + len - NFLOG_TLV_HEADER_LEN);
	switch (family) {
	case NFLOG_AF_INET:
		return decode_ethertype(d, ETHERTYPE_IPV4);
	case NFLOG_AF_INET6:
		return decode_ethertype(d, ETHERTYPE_IPV6);
	default:
		return kind(d, PK_NON_IP);
	}
}

enum pkt_kind
decode_nflog(struct decoder *d)
{
	uint8_t family;
	size_t len, padded, wire;
	int i;

	if (!cur_need(&d->c, NFLOG_HEADER_LEN))
		return undecoded(d, DR_TRUNCATED_LINK);
	if (d->c.p[1] != 0)			/* version */
		return undecoded(d, DR_BAD_LINK_HEADER);
	family = d->c.p[0];
	cur_skip(&d->c, NFLOG_HEADER_LEN);

	for (i = 0; i < NFLOG_MAX_TLVS; i++) {
		wire = wire_left(d);
		if (wire == 0)
			break;
		if (!cur_need(&d->c, NFLOG_TLV_HEADER_LEN))
			return undecoded(d, DR_TRUNCATED_LINK);
		len = host16(d->c.p);
		if (len < NFLOG_TLV_HEADER_LEN || len > wire)
			return undecoded(d, DR_BAD_LINK_HEADER);
		if (host16(d->c.p + 2) == NFULA_PAYLOAD)
			return nflog_payload(d, family, len);
		/* Padded to 4 (the last TLV's padding may be missing). */
		padded = (len + 3) & ~(size_t)3;
		if (!cur_skip(&d->c, padded < wire ? padded : wire))
			return undecoded(d, DR_TRUNCATED_LINK);
	}
	if (i == NFLOG_MAX_TLVS)
		return undecoded(d, DR_BAD_LINK_HEADER);
	return undecoded(d, DR_TRUNCATED_LINK);	/* no packet in it */
}
