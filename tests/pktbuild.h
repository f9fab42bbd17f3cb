/*
 * A small packet builder for the unit tests: whole frames (link layer,
 * optional 802.1Q tags, MPLS labels or PPPoE, IPv4 or IPv6 with options or
 * extension headers, then TCP, UDP or a bare payload) written into a caller
 * buffer, and struct packet values built directly for the TCP rule tests.
 *
 * Checksums are left zero: transcope never verifies them.
 */
#ifndef TRANSCOPE_TEST_PKTBUILD_H
#define TRANSCOPE_TEST_PKTBUILD_H

#include <stddef.h>
#include <stdint.h>

#include "packet.h"

/* Link layers; the DLT_ value to decode with is pb_dlt(). */
enum pb_link {
	PB_ETH,			/* Ethernet II */
	PB_SLL,			/* Linux cooked v1 */
	PB_SLL2,		/* Linux cooked v2 */
	PB_NULL_LE,		/* BSD loopback, family little-endian */
	PB_NULL_BE,		/* BSD loopback, family big-endian */
	PB_LOOP,		/* OpenBSD loopback (network order) */
	PB_RAW			/* bare IP */
};

#define PB_MAX_VLAN	16
#define PB_MAX_MPLS	20
#define PB_MAX_EXT	24

/* An IPv6 extension header: type 0, 43, 60 (len in 8-octet units) or 44. */
struct pb_ext {
	uint8_t		type;
	uint8_t		len;		/* the Hdr Ext Len byte */
	uint16_t	frag;		/* type 44: offset << 3 | M flag */
};

struct pb_spec {
	enum pb_link	link;
	int		nvlan;
	uint16_t	vlan_tpid[PB_MAX_VLAN];	/* 0: 0x8100 */
	int		nmpls;			/* labels, the last is bottom */
	int		pppoe;			/* PPPoE session header */

	int		ipv6;
	uint8_t		src[16];
	uint8_t		dst[16];
	uint8_t		proto;			/* 6, 17 or anything else */
	uint8_t		ttl;			/* 0: 64 */
	uint16_t	ip_id;
	uint16_t	frag;			/* IPv4 flags+offset field */
	uint8_t		ip4_opt_len;		/* bytes of NOP options, 4k */
	int		next;			/* IPv6 extension headers */
	struct pb_ext	ext[PB_MAX_EXT];

	/* TCP or UDP. */
	uint16_t	sport;
	uint16_t	dport;
	uint8_t		flags;
	uint32_t	seq;
	uint32_t	ack;
	uint16_t	window;
	struct tcp_options opt;			/* has_* bits select */
	const uint8_t	*raw_opt;		/* appended after those */
	size_t		raw_opt_len;

	uint32_t	payload_len;
	const uint8_t	*payload;		/* its bytes; NULL: a, b, c... */
	size_t		eth_pad;		/* trailing bytes after IP */
};

/* Where the layers start in a built frame. */
struct pb_offsets {
	size_t		l3;		/* IP header */
	size_t		l4;		/* transport header */
	size_t		payload;
};

/* A spec for an IPv4 TCP segment 10.0.0.1:40000 -> 10.0.0.2:80 on Ethernet. */
void	pb_spec_tcp4(struct pb_spec *);
/* The same over IPv6, 2001:db8::1 -> 2001:db8::2. */
void	pb_spec_tcp6(struct pb_spec *);
/* Parse an IPv4 or IPv6 literal into a 16-byte address; returns 4 or 6. */
int	pb_addr(const char *s, uint8_t out[16]);

/* Build the frame; returns its length (the test fails if it does not fit). */
size_t	pb_build(const struct pb_spec *, uint8_t *buf, size_t cap,
	    struct pb_offsets *off);
int	pb_dlt(enum pb_link);

/* A struct packet as decode_packet() would fill it for a TCP segment. */
void	pb_tcp_packet(struct packet *pkt, uint64_t ts_ns, const char *src,
	    uint16_t sport, const char *dst, uint16_t dport, uint8_t flags,
	    uint32_t seq, uint32_t ack, uint16_t window, uint32_t payload_len,
	    const struct tcp_options *opt, uint32_t ip_id);

#endif
