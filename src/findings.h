/*
 * Security findings computed from the finished flows: half-open
 * connections and SYN floods, port scans, RST storms, cleartext services.
 *
 * Aggregates are kept per server endpoint and per host in tables capped at
 * FINDINGS_MAX_KEYS entries each, so a flood of spoofed sources cannot grow
 * memory without bound; what did not fit is counted (untracked).
 * findings_finish() turns the aggregates into a deterministic list.
 */
#ifndef TRANSCOPE_FINDINGS_H
#define TRANSCOPE_FINDINGS_H

#include <stddef.h>
#include <stdint.h>

#include "flow.h"

#define FINDINGS_MAX_KEYS	65536

/* Thresholds (documented in transcope(1), FINDINGS). */
#define FINDING_HALF_OPEN_MIN	10	/* S0 flows to one server port */
#define FINDING_SYN_FLOOD_MIN	200	/* ... and most of its attempts */
#define FINDING_SCAN_PORTS_MIN	20	/* failed ports on one host */
#define FINDING_SCAN_HOSTS_MIN	20	/* failed hosts on one port */
#define FINDING_RST_STORM_MIN	50	/* connections one host reset */

struct finding {
	const char	*kind;		/* syn_flood, half_open, port_scan, ... */
	char		 host[64];	/* the host concerned */
	char		 target[80];	/* a server endpoint, or "" */
	uint64_t	 count;		/* flows involved */
	uint64_t	 peers;		/* distinct other hosts or ports */
	uint64_t	 first_ts;
	uint64_t	 last_ts;
	char		 explanation[256];
};

struct findings;

struct findings	*findings_new(void);
void		 findings_add(struct findings *, const struct flow *);
/* The findings, ordered; valid until findings_free(). */
const struct finding *findings_finish(struct findings *, size_t *n);
uint64_t	 findings_untracked(const struct findings *);
void		 findings_free(struct findings *);

#endif
