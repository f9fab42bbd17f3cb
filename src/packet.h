/*
 * The packet view: everything later stages need from one captured frame,
 * filled once by decode_packet() and never re-parsed downstream.
 *
 * Lengths come in two kinds and both are kept: what the headers say
 * (ip_len, payload_len: used for sequence tracking, so snaplen-cut captures
 * still analyse correctly) and what was captured (caplen).
 *
 * The view is small and fixed (160 bytes): the reader thread writes one
 * per frame into its ring (pipeline.c) and the analyser reads it back, so
 * each byte costs on every packet.  What only some packets have lives
 * beside it, in a struct packet_ext that pkt->ext points to, NULL for a
 * plain frame when no analyzer asked for payload:
 *
 * - The encapsulation context: when a tunnel's dissector decodes the
 *   packet it carries (decode_inner()), the view describes the inner
 *   packet and each tunnel it came through is a layer of ext->encap[],
 *   outermost first, pkt->encap_depth of them: its type, the outer IP
 *   addresses and its id (VNI, GRE key, TEID).  The flow table makes the
 *   layers part of the flow's key, so one inner conversation in two
 *   tunnels is two flows.
 * - The payload: the first captured bytes of the transport payload, at
 *   most the limit an analyzer asked for (decode_set_payload_limit(), 0 by
 *   default).  Read them with packet_payload().
 *
 * Who owns ext: decode_packet() points it at storage of the calling
 * thread, and the payload into the frame itself, both valid until that
 * thread decodes again (in analyzer_frame(), for the call).  The reader
 * thread decodes into its ring's slots instead (decode_packet_ext()) and
 * copies the payload bytes there (pipeline.c), so they last until the
 * batch is released.  A plain frame with no payload asked for has no ext
 * and nothing is copied.
 */
#ifndef TRANSCOPE_PACKET_H
#define TRANSCOPE_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a frame turned out to be; one counter each in the capture summary. */
enum pkt_kind {
	PK_TCP,
	PK_UDP,
	PK_ICMP,
	PK_ICMPV6,
	PK_OTHER_IP,		/* IP with another transport (GRE, ESP, ...) */
	PK_FRAGMENT,		/* a non-first IP fragment: no transport header */
	PK_NON_IP,		/* ARP, LLDP, ... */
	PK_UNDECODED,		/* see pkt->reason */
	PK_MAX
};

/*
 * Why a frame could not be decoded as far as its headers claim.  "truncated"
 * means the capture cut the header short (snaplen); "bad" means a header
 * field lies (a length that cannot be right).  The 802.11 ones are frames
 * whose bytes hold no packet the view can take: encrypted, an aggregate or
 * a later fragment, or corrupted on the air (bad_fcs).
 */
#define DECODE_REASONS(X)						\
	X(DR_NONE,			"none")				\
	X(DR_UNKNOWN_LINK_TYPE,		"unknown_link_type")		\
	X(DR_TRUNCATED_LINK,		"truncated_link")		\
	X(DR_VLAN_TOO_DEEP,		"vlan_too_deep")		\
	X(DR_MPLS_TOO_DEEP,		"mpls_too_deep")		\
	X(DR_BAD_LINK_HEADER,		"bad_link_header")		\
	X(DR_ENCRYPTED_80211,		"encrypted_802_11")		\
	X(DR_UNSUPPORTED_80211,		"unsupported_802_11")		\
	X(DR_BAD_FCS,			"bad_fcs")			\
	X(DR_BAD_IP_VERSION,		"bad_ip_version")		\
	X(DR_TRUNCATED_IPV4,		"truncated_ipv4")		\
	X(DR_BAD_IPV4_IHL,		"bad_ipv4_ihl")			\
	X(DR_BAD_IPV4_LENGTH,		"bad_ipv4_total_length")	\
	X(DR_TRUNCATED_IPV6,		"truncated_ipv6")		\
	X(DR_BAD_IPV6_LENGTH,		"bad_ipv6_payload_length")	\
	X(DR_TRUNCATED_IPV6_EXT,	"truncated_ipv6_ext_header")	\
	X(DR_BAD_IPV6_EXT,		"bad_ipv6_ext_header")		\
	X(DR_IPV6_EXT_TOO_MANY,		"ipv6_ext_chain_too_long")	\
	X(DR_BAD_TCP_LENGTH,		"ip_payload_shorter_than_tcp")	\
	X(DR_TRUNCATED_TCP,		"truncated_tcp")		\
	X(DR_BAD_TCP_OFFSET,		"bad_tcp_data_offset")		\
	X(DR_TRUNCATED_UDP,		"truncated_udp")		\
	X(DR_BAD_UDP_LENGTH,		"bad_udp_length")		\
	X(DR_TRUNCATED_TUNNEL,		"truncated_tunnel")		\
	X(DR_TUNNEL_TOO_DEEP,		"tunnel_too_deep")

#define X_ENUM(e, s) e,
enum decode_reason { DECODE_REASONS(X_ENUM) DR_MAX };
#undef X_ENUM

/*
 * Things worth counting about packets that were nevertheless decoded.
 */
#define PACKET_ANOMALIES(X)						\
	X(PA_IP_LENGTH_ZERO,		"ip_length_zero_tso")		\
	X(PA_CAPLEN_OVER_LEN,		"caplen_over_wire_length")	\
	X(PA_IP_LENGTH_OVER_FRAME,	"ip_length_over_frame")		\
	X(PA_TCP_OPTIONS_TRUNCATED,	"tcp_options_truncated")	\
	X(PA_BAD_TCP_OPTION,		"bad_tcp_option")		\
	X(PA_UDP_LENGTH_MISMATCH,	"udp_length_mismatch")		\
	X(PA_FIRST_FRAGMENT,		"first_fragment")

#define X_ENUM(e, s) e,
enum packet_anomaly { PACKET_ANOMALIES(X_ENUM) PA_MAX };
#undef X_ENUM

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PUSH	0x08
#define TH_ACK	0x10
#define TH_URG	0x20
#define TH_ECE	0x40
#define TH_CWR	0x80

#define TCP_MAX_SACK_BLOCKS	4

/* TCP options as parsed; the has_* bits say which were present. */
struct tcp_options {
	uint8_t		has_mss:1;
	uint8_t		has_wscale:1;
	uint8_t		sack_permitted:1;
	uint8_t		has_timestamp:1;
	uint8_t		truncated:1;	/* option area cut by snaplen */
	uint8_t		malformed:1;	/* an option length lies */
	uint8_t		wscale;
	uint8_t		sack_blocks;	/* valid entries in sack[] */
	uint16_t	mss;
	uint32_t	ts_val;
	uint32_t	ts_ecr;
	struct {
		uint32_t left, right;
	}		sack[TCP_MAX_SACK_BLOCKS];
};

/* Tunnels a packet can come through; the tunnels' dissectors set it. */
enum encap_type {
	ENCAP_NONE,
	ENCAP_VXLAN,
	ENCAP_GENEVE,
	ENCAP_GRE,
	ENCAP_IP_IN_IP,		/* IPv4 or IPv6 in IPv4 or IPv6 */
	ENCAP_GTP_U,
	ENCAP_TEREDO,
	ENCAP_OTHER
};

#define PACKET_MAX_ENCAP	4	/* tunnels within tunnels, at most */

/* One tunnel around a packet. */
struct encap_layer {
	uint8_t		type;		/* enum encap_type */
	uint8_t		ip_version;	/* of src and dst: 4 or 6 */
	uint8_t		pad[2];		/* zero */
	uint32_t	id;		/* VNI, GRE key, TEID; 0 if none */
	uint8_t		src[16];	/* the outer IP header's (IPv4: */
	uint8_t		dst[16];	/* the first 4 bytes, then zeros) */
};

/* What only some views have; see above and packet_payload(). */
struct packet_ext {
	struct encap_layer encap[PACKET_MAX_ENCAP];	/* outermost first */
	const uint8_t	*payload;	/* payload_caplen bytes, or NULL */
	uint16_t	payload_off;	/* the payload's offset in the frame */
	uint16_t	payload_caplen;	/* captured, within the limit */
};

struct packet {
	uint64_t	ts_ns;		/* capture time, ns since the epoch */
	uint64_t	number;		/* 1-based position in the input */
	uint32_t	caplen;		/* bytes captured */
	uint32_t	wirelen;	/* bytes on the wire */
	int		dlt;		/* the frame's link type (DLT_*) */

	uint8_t		kind;		/* enum pkt_kind */
	uint8_t		reason;		/* enum decode_reason, if UNDECODED */
	uint8_t		encap_depth;	/* layers in ext->encap[] */
	uint32_t	anomalies;	/* bit (1 << enum packet_anomaly) */

	/*
	 * Network layer; valid for every kind but PK_NON_IP/UNDECODED.  From
	 * here to ext the fields describe the innermost packet: a tunnel's
	 * dissector clears them before it decodes the packet it carries.
	 */
	uint8_t		ip_version;	/* 4 or 6 */
	uint8_t		ip_proto;	/* transport protocol number */
	uint8_t		ip_ecn;		/* ECN codepoint, 0..3 */
	uint8_t		ip_ttl;
	uint32_t	ip_id;		/* IPv4 ID or IPv6 fragment ID */
	uint32_t	ip_len;		/* IP packet length per its header */
	uint8_t		src[16];	/* IPv4 uses the first 4 bytes */
	uint8_t		dst[16];

	/* Transport layer; valid for PK_TCP and PK_UDP. */
	uint16_t	sport;
	uint16_t	dport;
	uint32_t	payload_len;	/* per the headers, not caplen */

	/* TCP only. */
	uint8_t		tcp_flags;
	uint16_t	tcp_window;	/* unscaled, as on the wire */
	uint16_t	tcp_urgent;
	uint32_t	tcp_seq;
	uint32_t	tcp_ack;
	struct tcp_options tcp_opt;

	const struct packet_ext *ext;	/* NULL: no tunnel, no payload */
};

/* Two and a half cache lines, written and read once per packet. */
_Static_assert(sizeof(struct packet) <= 160, "the packet view grew");

static inline void
packet_set_anomaly(struct packet *pkt, enum packet_anomaly a)
{
	pkt->anomalies |= 1u << a;
}

/*
 * The first captured bytes of the transport payload (PK_TCP, PK_UDP), *len
 * of them, at most the limit an analyzer asked for; NULL (and *len 0) when
 * none was asked for or none is captured.  Valid as pkt->ext is.
 */
static inline const uint8_t *
packet_payload(const struct packet *pkt, size_t *len)
{
	if (pkt->ext == NULL || pkt->ext->payload == NULL) {
		*len = 0;
		return NULL;
	}
	*len = pkt->ext->payload_caplen;
	return pkt->ext->payload;
}

/* The tunnels around pkt, outermost first, pkt->encap_depth of them. */
static inline const struct encap_layer *
packet_encap(const struct packet *pkt)
{
	return pkt->encap_depth > 0 ? pkt->ext->encap : NULL;
}

const char	*decode_reason_name(enum decode_reason);
const char	*packet_anomaly_name(enum packet_anomaly);
const char	*pkt_kind_name(enum pkt_kind);

#endif
