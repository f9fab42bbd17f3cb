/*
 * Decode one captured frame into a struct packet (see packet.h).
 *
 * decode_packet() never reads outside [data, data + caplen) and never fails:
 * a frame it cannot follow to the end of its transport header comes back as
 * PK_UNDECODED with the reason set, keeping whatever layers it did decode.
 * The view's pkt->ext, when set, points at storage of the calling thread
 * and into data: valid until the thread decodes again (packet.h).
 */
#ifndef TRANSCOPE_DECODE_H
#define TRANSCOPE_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "packet.h"

/* Hard bounds on header chains: deeper than any real traffic. */
#define DECODE_MAX_VLAN_TAGS	8
#define DECODE_MAX_MPLS_LABELS	16
#define DECODE_MAX_IPV6_EXT	16

/*
 * Fill pkt from the frame.  pkt->ts_ns and pkt->number are kept; every other
 * field is overwritten.  Returns pkt->kind.
 */
enum pkt_kind	decode_packet(int dlt, const uint8_t *data, uint32_t caplen,
		    uint32_t wirelen, struct packet *pkt);

/*
 * decode_packet() with the view's ext, when it needs one, in x, not in the
 * thread's storage: the reader thread decodes into its ring's slots.  The
 * payload reference still points into data.
 */
enum pkt_kind	decode_packet_ext(int dlt, const uint8_t *data,
		    uint32_t caplen, uint32_t wirelen, struct packet *pkt,
		    struct packet_ext *x);

/*
 * decode_packet() with its shortcut for plain IPv4 and IPv6 TCP frames on
 * the common link layers (shortcut true) or without, every frame through
 * the whole chain: the two must give the same view, which the tests check.
 */
enum pkt_kind	decode_frame(int dlt, const uint8_t *data, uint32_t caplen,
		    uint32_t wirelen, struct packet *pkt, bool shortcut);

/*
 * How many of each packet's first payload bytes packet_payload() gives:
 * the most any analyzer reads, set before decoding starts.  0, the
 * default, gives none and costs nothing; n is capped at DECODE_PAYLOAD_MAX.
 * The reader thread's ring keeps that many bytes per packet (pipeline.c).
 */
#define DECODE_PAYLOAD_MAX	2048
void		decode_set_payload_limit(size_t n);
size_t		decode_payload_limit(void);

/*
 * Tunnels are decapsulated by default: IP in IP (IP protocols 4 and 41),
 * GRE (47; with ERSPAN, transparent Ethernet bridging and PPTP's PPP),
 * VXLAN (UDP port 4789), GTP-U (2152), Geneve (6081) and Teredo (3544).
 * The packet a tunnel carries becomes the view and the tunnel a layer of
 * its encapsulation context (packet.h), PACKET_MAX_ENCAP deep at most.
 * Like the dispatch tables they are rows of, set these before any thread
 * decodes.  decode_set_tunnels(false) takes every tunnel's row away, the
 * ports added too (tunnels are then plain UDP datagrams and IP packets of
 * another protocol); true puts the defaults back.
 * decode_tunnel_port() makes a UDP port (either end) carry the tunnel
 * named by type, "vxlan", "geneve", "gtp" or "teredo", in place of what it
 * carried; false if no tunnel has that name.  At most
 * DECODE_TUNNEL_PORTS_MAX ports beside the defaults.
 */
#define DECODE_TUNNEL_PORTS_MAX	16
void		decode_set_tunnels(bool on);
bool		decode_tunnel_port(const char *type, uint16_t port);
bool		decode_tunnel_type_known(const char *type);

/* Whether decode_packet() understands this DLT_ value. */
bool		decode_link_type_supported(int dlt);

/* Parse a TCP option area of len bytes; cut says the capture cut it short. */
void		decode_tcp_options(const uint8_t *opt, size_t len, bool cut,
		    struct tcp_options *out);

#endif
