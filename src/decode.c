/*
 * The dissector chain's start and its dispatch tables: a frame the
 * shortcut (decode_fast.c) did not take is decoded from its link layer on,
 * through layers that live one concern per file (decode_int.h says which).
 * Every layer works on a struct cursor over the captured bytes and checks a
 * whole header is inside it before reading a field.  Two lengths travel
 * down the chain: the cursor (what was captured) and the length the
 * enclosing header claims (what was on the wire).  Sequence analysis needs
 * the second, so a frame cut by snaplen still reports its true payload
 * length, while a header that claims more than the frame carried is a lie
 * and is counted.
 *
 * A layer never names the next one: it hands the number its header
 * carries (link type, EtherType, IP protocol, UDP port) to a table here,
 * and the table's row is the next dissector.  So a later dissector, such
 * as a tunnel's, is one decode_set_*() call and no switch changes.  The
 * tables suit the lookups they serve: link types and IP protocols are
 * small numbers, indexed directly; EtherTypes and UDP ports are a short
 * list searched in order (the built-in EtherTypes most frequent first, so
 * IPv4 is one comparison).  The UDP list holds the tunnels' ports
 * (decode_tunnel_udp.c), searched for each datagram's destination and then
 * source port behind a one-word filter, then a probe (Teredo's) may take
 * the datagram; with neither (--no-decap) a UDP datagram pays one test.
 *
 * The tables are process-wide and set up before decoding starts (rows are
 * changed only while no thread decodes); the built-in rows are the
 * initializers below.  The names of kinds, reasons and anomalies are here
 * too.
 */
#include "config.h"

#include "decode_int.h"
#include "xmalloc.h"

#define ETHERTYPE_QINQ		0x88a8
#define ETHERTYPE_QINQ_OLD1	0x9100
#define ETHERTYPE_QINQ_OLD2	0x9200
#define ETHERTYPE_MPLS		0x8847
#define ETHERTYPE_MPLS_MC	0x8848
#define ETHERTYPE_PPPOE_SESSION	0x8864
#define ETHERTYPE_PBB		0x88e7

static decode_fn link_types[DECODE_LINK_TYPES] = {
	[DLT_EN10MB] = decode_ethernet,
	[DLT_LINUX_SLL] = decode_sll,
	[DLT_LINUX_SLL2] = decode_sll2,
	[DLT_RAW] = decode_ip,
	[LINKTYPE_RAW] = decode_ip,
	[DLT_IPV4] = decode_ip,
	[DLT_IPV6] = decode_ip,
	[DLT_NULL] = decode_null,
	[DLT_LOOP] = decode_loop,
	[DLT_PPP] = decode_ppp,
	[DLT_PPP_SERIAL] = decode_ppp,
	[DLT_C_HDLC] = decode_chdlc,
	[DLT_FDDI] = decode_fddi,
	[DLT_IEEE802_11] = decode_wifi,
	[DLT_IEEE802_11_RADIO] = decode_radiotap,
	[DLT_PPI] = decode_ppi,
	[DLT_IEEE802_11_RADIO_AVS] = decode_avs,
	[DLT_PRISM_HEADER] = decode_prism,
	[DLT_NFLOG] = decode_nflog,
	[LINKTYPE_PKTAP] = decode_pktap,
	[DLT_USER2] = decode_pktap,		/* Apple's PKTAP, OS X 10.9 */
};

decode_fn decode_ip_protos[256] = {
	[1] = decode_icmp,
	[6] = decode_tcp,
	[17] = decode_udp,
	[58] = decode_icmpv6,
	/* Tunnels, as tunnel_rows[] below. */
	[4] = decode_ip_in_ip,
	[41] = decode_ip_in_ip,
	[47] = decode_gre,
};

struct decode_list decode_ethertypes = {
	10, {
		{ ETHERTYPE_IPV4, decode_ipv4 },
		{ ETHERTYPE_IPV6, decode_ipv6 },
		{ ETHERTYPE_VLAN, decode_vlan },
		{ ETHERTYPE_MPLS, decode_mpls },
		{ ETHERTYPE_PPPOE_SESSION, decode_pppoe },
		{ ETHERTYPE_QINQ, decode_vlan },
		{ ETHERTYPE_QINQ_OLD1, decode_vlan },
		{ ETHERTYPE_QINQ_OLD2, decode_vlan },
		{ ETHERTYPE_MPLS_MC, decode_mpls },
		{ ETHERTYPE_PBB, decode_pbb },
	}
};

/*
 * A port's bit in udp_port_bits, which has the bit of each row's port set:
 * a datagram whose two ports' bits are clear skips the search.  4 of the
 * 64 bits are set by default, and the multiplier was chosen so that no
 * common service port (DNS, DHCP, NTP, NetBIOS, SNMP, syslog, IKE, QUIC,
 * SSDP, mDNS, SIP, RTP, WireGuard, iperf's 5001 and 5201, flow exports,
 * ...) has one of those.
 */
#define UDP_PORT_BIT(port) \
	(1ULL << (((uint32_t)(port) * 40009u >> 16) & 63))

/* The tunnels' default ports, as tunnel_rows[] below. */
static uint64_t udp_port_bits = UDP_PORT_BIT(4789) | UDP_PORT_BIT(2152) |
    UDP_PORT_BIT(6081) | UDP_PORT_BIT(3544);
static struct decode_list udp_ports = {
	4, {
		{ 4789, decode_vxlan },
		{ 2152, decode_gtp_u },
		{ 6081, decode_geneve },
		{ 3544, decode_teredo },
	}
};

/*
 * Teredo by its content, on any other port (decode_tunnel_udp.c): offered
 * a datagram whose first payload byte has the bit of its high nibble in
 * udp_probe_first (a probe other than Teredo's is offered every one).
 */
static decode_fn udp_probe = decode_teredo_probe;
static uint16_t udp_probe_first = DECODE_TEREDO_FIRST;

uint16_t decode_payload_want;
bool decode_udp_more = true;		/* rows and a probe, as above */

static void
udp_more_update(void)
{
	decode_udp_more = decode_payload_want != 0 || udp_ports.n != 0 ||
	    udp_probe != NULL;
}

/*
 * The tunnels decapsulated by default: the rows the initializers above
 * start with, which decode_set_tunnels() takes away and puts back
 * (tests/check_tunnel.c holds the two lists equal).
 */
static const struct {
	bool		 udp;		/* a UDP port, else an IP protocol */
	uint16_t	 number;
	decode_fn	 fn;
} tunnel_rows[] = {
	{ false, 4, decode_ip_in_ip },
	{ false, 41, decode_ip_in_ip },
	{ false, 47, decode_gre },
	{ true, 4789, decode_vxlan },
	{ true, 2152, decode_gtp_u },
	{ true, 6081, decode_geneve },
	{ true, 3544, decode_teredo },
};

void
decode_set_payload_limit(size_t n)
{
	decode_payload_want = (uint16_t)(n < DECODE_PAYLOAD_MAX ? n :
	    DECODE_PAYLOAD_MAX);
	udp_more_update();
}

size_t
decode_payload_limit(void)
{
	return decode_payload_want;
}

/* Nothing for an empty payload, or one past 64 KiB into the frame. */
void
payload_note(struct packet *pkt, struct packet_ext *x, const uint8_t *frame,
    size_t at, size_t cap)
{
	size_t n;

	if (at >= cap || at > UINT16_MAX)
		return;
	n = cap - at;
	if (n > pkt->payload_len)
		n = pkt->payload_len;
	if (n > decode_payload_want)
		n = decode_payload_want;
	if (n == 0)
		return;
	ext_claim(pkt, x);
	x->payload = frame + at;
	x->payload_off = (uint16_t)at;
	x->payload_caplen = (uint16_t)n;
}

/* Set, replace or (fn NULL) remove the row for number; the old fn. */
static decode_fn
list_set(struct decode_list *l, uint16_t number, decode_fn fn)
{
	decode_fn old = NULL;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->rows[i].number == number)
			break;
	if (i < l->n) {
		old = l->rows[i].fn;
		if (fn != NULL)
			l->rows[i].fn = fn;
		else
			memmove(&l->rows[i], &l->rows[i + 1],
			    (l->n - i - 1) * sizeof l->rows[0]);
		l->n -= fn == NULL;
		return old;
	}
	if (fn == NULL)
		return NULL;
	if (l->n == DECODE_LIST_ROWS)
		fatalx("decode: more than %d rows in a dispatch table",
		    DECODE_LIST_ROWS);
	l->rows[l->n].number = number;
	l->rows[l->n].fn = fn;
	l->n++;
	return NULL;
}

decode_fn
decode_set_link_type(int dlt, decode_fn fn)
{
	decode_fn old;

	if (dlt < 0 || dlt >= DECODE_LINK_TYPES)
		fatalx("decode: link type %d out of the table", dlt);
	old = link_types[dlt];
	link_types[dlt] = fn;
	return old;
}

decode_fn
decode_set_ethertype(uint16_t type, decode_fn fn)
{
	return list_set(&decode_ethertypes, type, fn);
}

decode_fn
decode_set_ip_proto(uint8_t proto, decode_fn fn)
{
	decode_fn old = decode_ip_protos[proto];

	decode_ip_protos[proto] = fn;
	return old;
}

decode_fn
decode_set_udp_port(uint16_t port, decode_fn fn)
{
	decode_fn old = list_set(&udp_ports, port, fn);
	size_t i;

	udp_port_bits = 0;
	for (i = 0; i < udp_ports.n; i++)
		udp_port_bits |= UDP_PORT_BIT(udp_ports.rows[i].number);
	udp_more_update();
	return old;
}

decode_fn
decode_set_udp_probe(decode_fn fn)
{
	decode_fn old = udp_probe;

	udp_probe = fn;
	udp_probe_first = fn == decode_teredo_probe ? DECODE_TEREDO_FIRST :
	    0xffff;
	udp_more_update();
	return old;
}

void
decode_set_tunnels(bool on)
{
	size_t i;

	if (on) {
		for (i = 0; i < sizeof tunnel_rows / sizeof tunnel_rows[0];
		    i++)
			if (tunnel_rows[i].udp)
				decode_set_udp_port(tunnel_rows[i].number,
				    tunnel_rows[i].fn);
			else
				decode_set_ip_proto(
				    (uint8_t)tunnel_rows[i].number,
				    tunnel_rows[i].fn);
		decode_set_udp_probe(decode_teredo_probe);
		return;
	}
	decode_set_udp_probe(NULL);
	/* Every tunnel's row: the defaults' and the ports added since. */
	for (i = 0; i < sizeof tunnel_rows / sizeof tunnel_rows[0]; i++)
		if (!tunnel_rows[i].udp && decode_ip_protos[
		    tunnel_rows[i].number] == tunnel_rows[i].fn)
			decode_set_ip_proto((uint8_t)tunnel_rows[i].number,
			    NULL);
	for (i = udp_ports.n; i-- > 0; )
		if (decode_is_udp_tunnel(udp_ports.rows[i].fn))
			decode_set_udp_port(udp_ports.rows[i].number, NULL);
}

bool
decode_link_type_supported(int dlt)
{
	return dlt >= 0 && dlt < DECODE_LINK_TYPES && link_types[dlt] != NULL;
}

enum pkt_kind
decode_link(struct decoder *d, int dlt)
{
	if (!decode_link_type_supported(dlt))
		return undecoded(d, DR_UNKNOWN_LINK_TYPE);
	return link_types[dlt](d);
}

/*
 * The UDP datagram at the cursor is decoded (a PK_UDP view): a row for its
 * destination port, or else its source port, or else the probe, goes on
 * from its payload, with d->l4len the payload's length per the headers;
 * without one it stays plain UDP.  A row's dissector checks its own header
 * is captured.
 */
static inline decode_fn
udp_port_find(uint16_t port)
{
	if (!(udp_port_bits & UDP_PORT_BIT(port)))
		return NULL;
	return list_find(&udp_ports, port);
}

/* The probe, if the datagram's first payload byte is one it may take. */
static inline decode_fn
udp_probe_find(const struct decoder *d)
{
	if (udp_probe == NULL || cur_left(&d->c) <= 8 ||
	    !(udp_probe_first & (1u << (d->c.p[8] >> 4))))
		return NULL;
	return udp_probe;
}

enum pkt_kind
decode_udp_port(struct decoder *d)
{
	struct packet *pkt = d->pkt;
	decode_fn fn;

	if ((fn = udp_port_find(pkt->dport)) == NULL &&
	    (fn = udp_port_find(pkt->sport)) == NULL &&
	    (fn = udp_probe_find(d)) == NULL)
		return PK_UDP;
	cur_skip(&d->c, 8);
	d->l4len = pkt->payload_len;
	return fn(d);
}

/* Every byte zero: the fields decode_inner() clears come from here. */
static const struct packet blank_view;

enum pkt_kind
decode_inner(struct decoder *d, enum encap_type type, uint32_t id,
    size_t hdrlen, enum decode_next next, unsigned number)
{
	struct packet *pkt = d->pkt;
	struct packet_ext *x;
	struct encap_layer *l;
	size_t wire;

	/* The tunnel's dissector checked this; a frame must not make it lie. */
	if (!cur_need(&d->c, hdrlen) || hdrlen > d->l4len)
		return undecoded(d, DR_TRUNCATED_TUNNEL);
	if (pkt->encap_depth == PACKET_MAX_ENCAP)
		return undecoded(d, DR_TUNNEL_TOO_DEEP);

	x = ext_claim(pkt, d->ext);
	l = &x->encap[pkt->encap_depth++];
	l->type = (uint8_t)type;
	l->ip_version = pkt->ip_version;
	l->pad[0] = l->pad[1] = 0;
	l->id = id;
	memcpy(l->src, pkt->src, sizeof l->src);
	memcpy(l->dst, pkt->dst, sizeof l->dst);
	x->payload = NULL;
	x->payload_off = x->payload_caplen = 0;
	memcpy(&pkt->ip_version, &blank_view.ip_version,
	    offsetof(struct packet, ext) - offsetof(struct packet, ip_version));

	/* The inner packet: the tunnel's payload, on the wire and captured. */
	wire = wire_left(d) < d->l4len ? wire_left(d) : d->l4len;
	cur_skip(&d->c, hdrlen);
	cur_limit(&d->c, d->l4len - hdrlen);
	d->wirelen = (uint32_t)((size_t)(d->c.p - d->frame) + wire - hdrlen);
	d->tags = 0;
	d->l4len = 0;
	d->fragmented = false;

	switch (next) {
	case DECODE_NEXT_LINK:
		return decode_link(d, (int)number);
	case DECODE_NEXT_ETHERTYPE:
		return decode_ethertype(d, (uint16_t)number);
	case DECODE_NEXT_IP:
	default:
		if (number == 4)
			return decode_ipv4(d);
		if (number == 41)
			return decode_ipv6(d);
		return decode_ip(d);
	}
}

/*
 * The chain, for every frame the shortcut does not take: pkt is cleared
 * and its frame fields set, wirelen is at least caplen.
 */
enum pkt_kind
decode_chain(int dlt, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
    struct packet *pkt, struct packet_ext *x)
{
	struct decoder d;

	d.c = cur_make(data, caplen);
	d.frame = data;
	d.wirelen = wirelen;
	d.pkt = pkt;
	d.ext = x;
	d.tags = 0;
	d.l4len = 0;
	d.fragmented = false;
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
