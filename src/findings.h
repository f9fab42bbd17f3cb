/*
 * Security findings computed from the finished flows: half-open
 * connections and SYN floods, port scans, RST storms, cleartext services.
 *
 * Aggregates are kept per server endpoint and per host in tables capped at
 * FINDINGS_MAX_KEYS entries each, so a flood of spoofed sources cannot grow
 * memory without bound; what did not fit is counted (untracked).
 * findings_finish() turns the aggregates into a deterministic list.
 *
 * A finding is a typed record: addresses, ports and counts, no text.  The
 * words (the kind's name aside) are the formats' business: the sentence
 * that explains a finding is written by format_finding_explanation()
 * (fmt_finding.c), once for every format.
 */
#ifndef TRANSCOPE_FINDINGS_H
#define TRANSCOPE_FINDINGS_H

#include <stdbool.h>
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

/* In the order of the list: most serious first. */
enum finding_kind {
	FINDING_SYN_FLOOD,
	FINDING_PORT_SCAN,
	FINDING_HOST_SCAN,
	FINDING_RST_STORM,
	FINDING_HALF_OPEN,
	FINDING_CLEARTEXT,
	FINDING_KINDS
};

struct finding {
	enum finding_kind kind;
	uint8_t		 ip_version;	/* of host and target */
	uint8_t		 host[16];	/* the host concerned */
	bool		 has_target;	/* a server endpoint is concerned */
	uint8_t		 target[16];	/* ... its address, */
	uint16_t	 target_port;	/* port */
	uint8_t		 target_proto;	/* and protocol, 6 or 17 */
	uint64_t	 count;		/* flows involved */
	uint64_t	 peers;		/* distinct other hosts or ports */
	bool		 peers_capped;	/* the distinct sets filled up: peers
					   and spread are lower bounds */
	uint64_t	 spread;	/* scans: the hosts a port scan tried,
					   the ports a host scan tried */
	uint64_t	 first_ts;
	uint64_t	 last_ts;
};

struct findings;

struct findings	*findings_new(void);
void		 findings_add(struct findings *, const struct flow *);
/* The findings, ordered; valid until findings_free(). */
const struct finding *findings_finish(struct findings *, size_t *n);
uint64_t	 findings_untracked(const struct findings *);
/* "syn_flood", "port_scan", ...: the kind as the report names it. */
const char	*finding_kind_name(enum finding_kind);
void		 findings_free(struct findings *);

#endif
