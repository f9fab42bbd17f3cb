/*
 * Values the formats share: see fmtutil.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fmtutil.h"
#include "jsonw.h"
#include "tcp.h"

void
format_addr(const uint8_t *addr, int ip_version, char *buf, size_t len)
{
	/* IPv4 by hand: glibc's inet_ntop() goes through sprintf(). */
	if (ip_version != 6 && len >= 16) {
		char *p = buf;
		int i;

		for (i = 0; i < 4; i++) {
			unsigned v = addr[i];

			if (v >= 100)
				*p++ = (char)('0' + v / 100);
			if (v >= 10)
				*p++ = (char)('0' + v / 10 % 10);
			*p++ = (char)('0' + v % 10);
			*p++ = i < 3 ? '.' : '\0';
		}
		return;
	}
	if (inet_ntop(ip_version == 6 ? AF_INET6 : AF_INET, addr, buf,
	    (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}

void
format_endpoint(const uint8_t *addr, int ip_version, uint16_t port,
    char *buf, size_t len)
{
	char a[FORMAT_ADDR_MAX];

	format_addr(addr, ip_version, a, sizeof a);
	if (ip_version == 6)
		snprintf(buf, len, "[%s]:%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
}

const char *
format_seconds(uint64_t ns, char *buf)
{
	*jw_put_seconds(buf, ns) = '\0';
	return buf;
}

void
format_time(uint64_t ns, char *buf, size_t len)
{
	time_t secs = (time_t)(ns / 1000000000u);
	char s[FORMAT_SECONDS_MAX], date[32];
	const char *frac = strchr(format_seconds(ns, s), '.');
	struct tm tm;

	if (gmtime_r(&secs, &tm) == NULL ||
	    strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(date, sizeof date, "%.*s", (int)(frac - s), s);
	snprintf(buf, len, "%s%s UTC", date, frac);
}

double
ns_to_s(uint64_t ns)
{
	return (double)ns / 1e9;
}

const char *
link_type_label(int dlt)
{
	const char *name = pcap_datalink_val_to_name(dlt);

	return name != NULL ? name : "UNKNOWN";
}

const char *
role_source_name(enum flow_role_source r)
{
	switch (r) {
	case ROLE_SYN:		return "syn";
	case ROLE_SYNACK:	return "synack";
	case ROLE_PORTS:	return "ports";
	default:		return "first_packet";
	}
}

const char *
close_by(const struct flow *f)
{
	const struct tcp_conn *c = flow_tcp(f);
	int d;

	if (c == NULL)
		return "none";
	d = c->first_fin_dir;
	if (c->first_rst_dir >= 0 && (d < 0 || close_how(f)[0] == 'r'))
		d = c->first_rst_dir;
	return d < 0 ? "none" : d == DIR_C2S ? "client" : "server";
}

const char *
close_how(const struct flow *f)
{
	const struct tcp_conn *c = flow_tcp(f);

	if (c == NULL || (c->first_fin_dir < 0 && c->first_rst_dir < 0))
		return "none";
	if (c->first_fin_dir < 0)
		return "rst";
	if (c->first_rst_dir < 0)
		return "fin";
	/* Both: whichever came first closed the connection. */
	return c->rst_phase == PHASE_CLOSING ? "fin" : "rst";
}

const char *
tunnel_type_name(unsigned type)
{
	switch (type) {
	case ENCAP_VXLAN:	return "vxlan";
	case ENCAP_GENEVE:	return "geneve";
	case ENCAP_GRE:		return "gre";
	case ENCAP_IP_IN_IP:	return "ip_in_ip";
	case ENCAP_GTP_U:	return "gtp_u";
	case ENCAP_TEREDO:	return "teredo";
	default:		return "other";
	}
}

bool
tunnel_has_id(const struct encap_layer *l)
{
	switch (l->type) {
	case ENCAP_VXLAN:
	case ENCAP_GENEVE:
		return true;
	case ENCAP_IP_IN_IP:
	case ENCAP_TEREDO:
		return false;
	default:
		return l->id != 0;
	}
}

bool
tunnel_has_addrs(const struct encap_layer *l)
{
	return l->ip_version == 4 || l->ip_version == 6;
}

const char *
format_tunnel_short(const struct encap_layer *l, unsigned n, char *buf,
    size_t len)
{
	size_t used = 0;
	unsigned i;
	int k;

	buf[0] = '\0';
	for (i = 0; i < n && used < len; i++) {
		if (tunnel_has_id(&l[i]))
			k = snprintf(buf + used, len - used, "%s%s:%" PRIu32,
			    i ? "/" : "", tunnel_type_name(l[i].type),
			    l[i].id);
		else
			k = snprintf(buf + used, len - used, "%s%s",
			    i ? "/" : "", tunnel_type_name(l[i].type));
		if (k < 0)
			break;
		used += (size_t)k;
	}
	return buf;
}
