/*
 * Private to the decoder (decode*.c): the state one frame is decoded with,
 * and the calls the layers make into each other.
 *
 * A frame is decoded by a chain of dissectors, each in the file of its
 * concern: decode_link.c (link layers, VLAN, PBB, MPLS, PPPoE), decode_ip.c
 * (IPv4, IPv6 and its extension headers, IP in IP), decode_l4.c (TCP, UDP,
 * ICMP), the tunnels' decode_gre.c and decode_tunnel_udp.c, started by
 * decode.c for the frames decode_fast.c's one-step shortcut
 * (and entry point) does not take.  Each dissector takes the decoder,
 * whose cursor is at the first byte of its header, checks the header is
 * captured before it reads a field, fills its part of the view and either
 * returns the frame's kind or calls the next layer's dissector.
 *
 * The helpers called once per frame are static inline here so a dissector
 * in another file pays no call for them: the dispatch on an EtherType or
 * an IP protocol too (their tables are decode.c's).
 */
#ifndef TRANSCOPE_DECODE_INT_H
#define TRANSCOPE_DECODE_INT_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bytes.h"
#include "decode.h"

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2	276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4	228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6	229
#endif
#define LINKTYPE_RAW	101	/* what some libpcaps hand back for DLT_RAW */
#define LINKTYPE_PKTAP	258	/* DLT_PKTAP, but DLT_USER2 on macOS */

#define ETHERTYPE_IPV4		0x0800
#define ETHERTYPE_IPV6		0x86dd
#define ETHERTYPE_VLAN		0x8100

/* One frame's decoding state: where we are and what the wire carried. */
struct decoder {
	struct cursor	 c;
	const uint8_t	*frame;		/* start of the frame */
	uint32_t	 wirelen;	/* its wire length (in a tunnel: to the */
					/* inner packet's end, from frame) */
	struct packet	*pkt;
	struct packet_ext *ext;		/* where pkt->ext goes, if it must */
	int		 tags;		/* VLAN tags and SNAP headers so far */
	/* For the IP protocol and UDP port tables' dissectors: */
	size_t		 l4len;		/* bytes from the cursor per the headers */
	bool		 fragmented;	/* a first fragment: l4len is not all */
};

/*
 * A dissector: decodes the header at d's cursor into d->pkt and goes on
 * to the next layer (through a table, or directly when its header leaves
 * no choice), or stops; returns the frame's kind, which it has set.
 */
typedef enum pkt_kind (*decode_fn)(struct decoder *d);

/*
 * The dispatch tables (decode.c): the row for a link type (a DLT_ value
 * below DECODE_LINK_TYPES), an EtherType, an IP protocol or a UDP port
 * (destination first, then source) is the dissector of what follows it.
 * decode_set_*() sets a row, replaces it or (fn NULL) removes it, and
 * returns the row's dissector before (NULL: none), so a test can put it
 * back.  Only while no thread decodes: at start-up, as a tunnel's module
 * registers.  A table that would overflow is a programming error (fatalx).
 * The shortcut (decode_fast.c) decodes plain TCP over Ethernet, Linux
 * cooked and raw IP without the tables, so their rows and those of IPv4,
 * IPv6 and TCP are there to be extended around, not replaced.
 */
#define DECODE_LINK_TYPES	512
#define DECODE_LIST_ROWS	32	/* EtherTypes, and UDP ports */

decode_fn	decode_set_link_type(int dlt, decode_fn);
decode_fn	decode_set_ethertype(uint16_t type, decode_fn);
decode_fn	decode_set_ip_proto(uint8_t proto, decode_fn);
decode_fn	decode_set_udp_port(uint16_t port, decode_fn);

/* Dispatch: the link layer of the frame (or inner packet) at the cursor. */
enum pkt_kind	decode_link(struct decoder *, int dlt);
/*
 * A decoded UDP datagram's payload, if its port has a row; else, if there
 * is one, the probe (a dissector that tells its datagrams by their bytes:
 * Teredo's) may take it.
 */
enum pkt_kind	decode_udp_port(struct decoder *);
decode_fn	decode_set_udp_probe(decode_fn);
/* A UDP port has a row, a probe is set or the payload limit is: the */
/* payload matters. */
extern bool	decode_udp_more;

/*
 * Re-entry, for a tunnel's dissector (a row of the UDP port, IP protocol
 * or EtherType table) once it has checked its header, hdrlen bytes at the
 * cursor: the packet it carries becomes the view.  Pushes a layer {type,
 * id, the view's IP addresses (the outer header's)} on pkt's encapsulation
 * context, skips the tunnel header, clears the view's network and
 * transport fields and decodes the inner packet from its start, a frame
 * of link type number (DECODE_NEXT_LINK: VXLAN carries Ethernet), what an
 * EtherType number names (DECODE_NEXT_ETHERTYPE: GRE) or IP
 * (DECODE_NEXT_IP: number 4 or 41 for IPv4 or IPv6, 0 to tell by the
 * version).  The inner packet ends where the tunnel's payload does: at
 * d->l4len bytes from the cursor on the wire, fewer if so captured.
 * Past PACKET_MAX_ENCAP layers the frame is DR_TUNNEL_TOO_DEEP, keeping
 * the view of the tunnel that would have been one too many.
 */
enum decode_next {
	DECODE_NEXT_LINK,
	DECODE_NEXT_ETHERTYPE,
	DECODE_NEXT_IP
};

enum pkt_kind	decode_inner(struct decoder *, enum encap_type, uint32_t id,
		    size_t hdrlen, enum decode_next, unsigned number);

static inline enum pkt_kind
undecoded(struct decoder *d, enum decode_reason reason)
{
	d->pkt->kind = PK_UNDECODED;
	d->pkt->reason = reason;
	return PK_UNDECODED;
}

static inline enum pkt_kind
kind(struct decoder *d, enum pkt_kind k)
{
	d->pkt->kind = k;
	return k;
}

/* Bytes of the frame on the wire from the cursor on (0 if a header lied). */
static inline size_t
wire_left(const struct decoder *d)
{
	size_t used = (size_t)(d->c.p - d->frame);

	return d->wirelen > used ? d->wirelen - used : 0;
}

/* A short table: rows in order, searched from the first. */
struct decode_row {
	uint16_t	number;		/* EtherType or UDP port */
	decode_fn	fn;
};

struct decode_list {
	size_t		 n;
	struct decode_row rows[DECODE_LIST_ROWS];
};

static inline decode_fn
list_find(const struct decode_list *l, uint16_t number)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->rows[i].number == number)
			return l->rows[i].fn;
	return NULL;
}

extern struct decode_list decode_ethertypes;
enum pkt_kind	decode_llc(struct decoder *);	/* decode_link.c */

/*
 * What follows an EtherType (or an 802.3 length: LLC).  Inline in the
 * link dissectors, as decode_transport() is in the IP ones.
 */
static inline enum pkt_kind
decode_ethertype(struct decoder *d, uint16_t type)
{
	decode_fn fn = list_find(&decode_ethertypes, type);

	if (fn != NULL)
		return fn(d);
	if (type <= 1500)		/* an 802.3 length, not a type */
		return decode_llc(d);
	return kind(d, PK_NON_IP);
}

/*
 * The transport header at the cursor; l4len is the transport length the
 * IP header claims, fragmented says this is a first fragment.  Inline in
 * the IP dissectors: a call of its own cost each datagram 4 instructions.
 */
extern decode_fn decode_ip_protos[256];

static inline enum pkt_kind
decode_transport(struct decoder *d, uint8_t proto, size_t l4len,
    bool fragmented)
{
	decode_fn fn = decode_ip_protos[proto];

	d->pkt->ip_proto = proto;
	if (fn == NULL)
		return kind(d, PK_OTHER_IP);
	d->l4len = l4len;
	d->fragmented = fragmented;
	return fn(d);
}

/*
 * Payload references and tunnel layers go to the packet_ext the decoder
 * was given (d->ext: the caller's, or the thread's own for decode_packet()),
 * claimed by the first that needs it, so a plain view never touches it.
 * decode_payload_want is the payload limit (decode.c).
 */
extern _Thread_local struct packet_ext decode_ext;
extern uint16_t	decode_payload_want;

static inline struct packet_ext *
ext_claim(struct packet *pkt, struct packet_ext *x)
{
	if (pkt->ext == NULL) {
		x->payload = NULL;
		x->payload_off = 0;
		x->payload_caplen = 0;
		pkt->ext = x;
	}
	return x;
}

/*
 * The transport payload of pkt starts at offset at of the frame, of which
 * cap bytes are captured (or lie inside the IP packet, if fewer): reference
 * the first of them, up to the limit, in x (decode.c).  Call only when
 * decode_payload_want is set: out of line, so the plain path stays small.
 */
void		payload_note(struct packet *, struct packet_ext *x,
		    const uint8_t *frame, size_t at, size_t cap);

/*
 * An IPv4 address into a 16-byte slot as two whole 8-byte words: the flow
 * stage reads the slot as words, and a word read over a 4-byte store (and
 * the zeroing before it) waits for both to reach the cache instead of
 * being forwarded from the store.
 */
static inline void
put_ipv4_addr(uint8_t out[16], const uint8_t *p)
{
	uint64_t w[2] = { 0, 0 };

	memcpy(w, p, 4);
	memcpy(out, w, sizeof w);
}

/* decode_link.c: link layers (table rows) and what they may carry. */
enum pkt_kind	decode_ethernet(struct decoder *);
enum pkt_kind	decode_sll(struct decoder *);
enum pkt_kind	decode_sll2(struct decoder *);
enum pkt_kind	decode_null(struct decoder *);
enum pkt_kind	decode_loop(struct decoder *);
enum pkt_kind	decode_ppp(struct decoder *);
enum pkt_kind	decode_chdlc(struct decoder *);
enum pkt_kind	decode_fddi(struct decoder *);
enum pkt_kind	decode_vlan(struct decoder *);
enum pkt_kind	decode_mpls(struct decoder *);
enum pkt_kind	decode_pppoe(struct decoder *);

/* decode_wifi.c: 802.11 data frames, bare or behind a radio header. */
enum pkt_kind	decode_wifi(struct decoder *);
enum pkt_kind	decode_radiotap(struct decoder *);
enum pkt_kind	decode_ppi(struct decoder *);
enum pkt_kind	decode_avs(struct decoder *);
enum pkt_kind	decode_prism(struct decoder *);

/* decode_nflog.c and decode_pktap.c: capture pseudo-headers. */
enum pkt_kind	decode_nflog(struct decoder *);
enum pkt_kind	decode_pktap(struct decoder *);

/* decode_ip.c: the IP header at the cursor. */
enum pkt_kind	decode_ipv4(struct decoder *);
enum pkt_kind	decode_ipv6(struct decoder *);
/* Either, by the version nibble, for links that carry bare IP. */
enum pkt_kind	decode_ip(struct decoder *);

/*
 * Tunnels: rows of the IP protocol, UDP port and EtherType tables
 * (decode.c's initializers, decode_set_tunnels()), with d->l4len set.
 * decode_ip.c: IP-in-IP, protocols 4 and 41 (the view's ip_proto says
 * which).  decode_gre.c: GRE with what it carries (ERSPAN, PPTP's PPP).
 * decode_tunnel_udp.c: VXLAN, Geneve, GTP-U and Teredo; and the names of
 * these four for decode_tunnel_port().  decode_link.c: PBB, which is a tag
 * like VLAN's, not a tunnel layer.
 */
enum pkt_kind	decode_ip_in_ip(struct decoder *);
enum pkt_kind	decode_gre(struct decoder *);
enum pkt_kind	decode_vxlan(struct decoder *);
enum pkt_kind	decode_geneve(struct decoder *);
enum pkt_kind	decode_gtp_u(struct decoder *);
enum pkt_kind	decode_teredo(struct decoder *);
enum pkt_kind	decode_teredo_probe(struct decoder *);
/*
 * The first payload bytes decode_teredo_probe() can accept, as a bit per
 * high nibble: 0 (an authentication or origin indicator starts with a 0
 * byte) and 6 (an IPv6 header).  decode_udp_port() offers the probe only
 * such datagrams, so most UDP is turned away without the call.
 */
#define DECODE_TEREDO_FIRST	((1u << 0x0) | (1u << 0x6))
enum pkt_kind	decode_pbb(struct decoder *);
/* Whether fn is one of the UDP tunnels' dissectors (decode_set_tunnels()). */
bool		decode_is_udp_tunnel(decode_fn fn);

/* decode_l4.c: transport dissectors, with d->l4len and d->fragmented. */
enum pkt_kind	decode_tcp(struct decoder *);
enum pkt_kind	decode_udp(struct decoder *);
enum pkt_kind	decode_icmp(struct decoder *);
enum pkt_kind	decode_icmpv6(struct decoder *);

/*
 * decode.c: the chain, for a frame the shortcut (decode_fast.c) did not
 * take; pkt is cleared with its frame fields set, and wirelen >= caplen.
 */
enum pkt_kind	decode_chain(int dlt, const uint8_t *data, uint32_t caplen,
		    uint32_t wirelen, struct packet *pkt, struct packet_ext *x);

#endif
