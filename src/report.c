/*
 * What the text and JSON reporters share: address formatting and the few
 * derived values both show, so the two never disagree.
 */
#include "config.h"

#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>

#include "report.h"

void
format_addr(const uint8_t *addr, int ip_version, char *buf, size_t len)
{
	if (inet_ntop(ip_version == 6 ? AF_INET6 : AF_INET, addr, buf,
	    (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
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

/* The side that closed first (FIN or RST, whichever came first). */
const char *
close_by(const struct flow *f)
{
	const struct tcp_conn *c = f->tcp;
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
	const struct tcp_conn *c = f->tcp;

	if (c == NULL || (c->first_fin_dir < 0 && c->first_rst_dir < 0))
		return "none";
	if (c->first_fin_dir < 0)
		return "rst";
	if (c->first_rst_dir < 0)
		return "fin";
	/* Both: whichever came first closed the connection. */
	return c->rst_phase == PHASE_CLOSING ? "fin" : "rst";
}

double
ns_to_s(uint64_t ns)
{
	return (double)ns / 1e9;
}
