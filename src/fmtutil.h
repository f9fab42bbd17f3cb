/*
 * What the formats share, so that no two of them disagree about a value:
 * addresses and endpoints as text, nanoseconds as seconds, times as UTC
 * dates, and the names of a few flow properties (link type, how the client
 * was chosen, who closed the connection and how, the tunnels it came
 * through).
 *
 * Seconds are written one way: exactly, from the integer nanoseconds,
 * truncated to six decimals (format_seconds(), which is jsonw's own
 * jw_put_seconds()).  ns_to_s() is only for the values a format rounds
 * with printf ("%.6f"), which the text report has always done.
 *
 * Every function is a pure function of its arguments; the caller owns the
 * buffers.  Nothing here includes a report file: formats, findings and the
 * event log include this, never the other way round.
 */
#ifndef TRANSCOPE_FMTUTIL_H
#define TRANSCOPE_FMTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"

/* Room for an address, an endpoint ("[v6]:port"), seconds, a UTC time. */
#define FORMAT_ADDR_MAX		64
#define FORMAT_ENDPOINT_MAX	80
#define FORMAT_SECONDS_MAX	32
#define FORMAT_TIME_MAX		64

void		 format_addr(const uint8_t *addr, int ip_version, char *buf,
		    size_t len);
/* "a.b.c.d:port", or "[v6]:port". */
void		 format_endpoint(const uint8_t *addr, int ip_version,
		    uint16_t port, char *buf, size_t len);
/* "S.UUUUUU", exact; buf has FORMAT_SECONDS_MAX bytes.  Returns buf. */
const char	*format_seconds(uint64_t ns, char *buf);
/* "YYYY-MM-DD hh:mm:ss.UUUUUU UTC" (the seconds alone if out of range). */
void		 format_time(uint64_t ns, char *buf, size_t len);
double		 ns_to_s(uint64_t ns);

const char	*link_type_label(int dlt);
const char	*role_source_name(enum flow_role_source);
/* "client", "server" or "none": the side that closed first. */
const char	*close_by(const struct flow *);
/* "fin", "rst" or "none". */
const char	*close_how(const struct flow *);

/* Room for a tunnel layer in a word, and for a stack of them. */
#define FORMAT_TUNNEL_MAX	(PACKET_MAX_ENCAP * 24)

/*
 * A tunnel layer's type: "vxlan", "geneve", "gre", "ip_in_ip", "gtp_u",
 * "teredo", or "other" for a type this file does not name.
 */
const char	*tunnel_type_name(unsigned type);
/*
 * Whether l->id means something: always for VXLAN and Geneve (VNI 0 is a
 * VNI), never for IP-in-IP and Teredo, and for the others when not 0
 * (their dissectors say "no key" with 0).
 */
bool		 tunnel_has_id(const struct encap_layer *l);
/* Whether the layer has IP endpoints (src, dst). */
bool		 tunnel_has_addrs(const struct encap_layer *l);
/*
 * A stack of n layers in one word each, outermost first, joined by '/':
 * "vxlan:42", "gre:5/vxlan:77", "ip_in_ip".  Returns buf.
 */
const char	*format_tunnel_short(const struct encap_layer *l, unsigned n,
		    char *buf, size_t len);

#endif
