/*
 * The sentences of the findings: see fmt_finding.h.  Each says what was
 * seen, with the numbers of the finding, and then what it may mean.
 * "at least" marks a number that stopped counting (peers_capped).
 */
#include "config.h"

#include <stdio.h>

#include "fmt_finding.h"
#include "fmtutil.h"
#include "services.h"

static const char *
plural(uint64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

const char *
format_finding_explanation(const struct finding *x, char *buf, size_t len)
{
	char host[FORMAT_ADDR_MAX], target[FORMAT_ENDPOINT_MAX];
	const char *svc, *at_least = x->peers_capped ? "at least " : "";
	double span = ns_to_s(x->last_ts - x->first_ts);
	unsigned long long count = x->count, peers = x->peers;

	format_addr(x->host, x->ip_version, host, sizeof host);
	target[0] = '\0';
	if (x->has_target)
		format_endpoint(x->target, x->ip_version, x->target_port,
		    target, sizeof target);
	switch (x->kind) {
	case FINDING_SYN_FLOOD:
		snprintf(buf, len, "%llu connection attempts to %s from %s%llu "
		    "clients got no answer in %.1f s: a SYN flood, or the "
		    "service is overwhelmed", count, target, at_least, peers,
		    span);
		break;
	case FINDING_HALF_OPEN:
		snprintf(buf, len, "%llu connection attempts to %s got no "
		    "answer (S0): the service is down, filtered, or flooded",
		    count, target);
		break;
	case FINDING_CLEARTEXT:
		svc = service_name(x->target_proto, x->target_port);
		snprintf(buf, len, "%s on %s: %llu %s from %llu %s carried "
		    "unencrypted data; credentials and content can be read "
		    "on the wire", svc != NULL ? svc : "cleartext service",
		    target, count, plural(count, "flow", "flows"), peers,
		    plural(peers, "client", "clients"));
		break;
	case FINDING_PORT_SCAN:
		snprintf(buf, len, "%s made %llu failed connection attempts "
		    "(refused or unanswered) to %s%llu ports on %llu %s in "
		    "%.1f s: a port scan", host, count, at_least, peers,
		    (unsigned long long)x->spread,
		    plural(x->spread, "host", "hosts"), span);
		break;
	case FINDING_HOST_SCAN:
		snprintf(buf, len, "%s made %llu failed connection attempts "
		    "to %s%llu hosts on %llu %s in %.1f s: a sweep for a "
		    "service", host, count, at_least, peers,
		    (unsigned long long)x->spread,
		    plural(x->spread, "port", "ports"), span);
		break;
	case FINDING_RST_STORM:
		snprintf(buf, len, "%s reset %llu established connections in "
		    "%.1f s: a crashing or overloaded service, a middlebox, or "
		    "RST injection", host, count, span);
		break;
	default:
		snprintf(buf, len, "%s", finding_kind_name(x->kind));
		break;
	}
	return buf;
}
