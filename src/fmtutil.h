/*
 * What the formats share, so that no two of them disagree about a value:
 * addresses and endpoints as text, nanoseconds as seconds, times as UTC
 * dates, and the names of a few flow properties (link type, how the client
 * was chosen, who closed the connection and how).
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

#endif
