/*
 * Security findings: see findings.h.
 *
 * Three capped tables: server endpoints (address, port, protocol) with
 * their unanswered attempts and cleartext use; hosts as clients, with the
 * distinct targets of their failed attempts (a small exact set, saturating
 * at SCAN_SET_MAX); hosts as the sender of RSTs.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "findings.h"
#include "fmtutil.h"
#include "services.h"
#include "xmalloc.h"

#define SCAN_SET_MAX	256

struct key {
	uint8_t		addr[16];
	uint16_t	port;
	uint8_t		proto;
	uint8_t		ip_version;
};

struct target {
	uint8_t		addr[16];
	uint16_t	port;
};

struct entry {
	struct key	 key;
	uint64_t	 flows;
	uint64_t	 s0;		/* unanswered attempts (server table) */
	uint64_t	 data_flows;	/* flows with payload (cleartext) */
	uint64_t	 failed;	/* failed attempts (client table) */
	uint64_t	 resets;	/* connections reset (rst table) */
	uint64_t	 first_ts, last_ts;
	uint32_t	 ntargets;	/* distinct failed targets, saturating */
	uint32_t	 targets_cap;
	struct target	*targets;
	uint32_t	 nclients;	/* distinct clients, saturating */
	uint32_t	 clients_cap;
	uint8_t		 (*clients)[16];
};

struct table {
	struct entry	*entries;
	size_t		 n, cap;
	uint32_t	*slots;		/* index + 1; 0 empty */
	size_t		 mask;
	uint64_t	 untracked;
};

struct findings {
	struct table	 servers;
	struct table	 clients;
	struct table	 resetters;
	struct finding	*list;
	size_t		 nlist;
};

static uint64_t
key_hash(const struct key *k)
{
	uint64_t h = 1469598103934665603ULL;
	const uint8_t *p = (const uint8_t *)k;
	size_t i;

	for (i = 0; i < sizeof *k; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

static struct entry *
table_get(struct table *t, const struct key *k, uint64_t ts)
{
	size_t i;
	struct entry *e;

	if (t->slots == NULL) {
		t->mask = 1023;
		t->slots = xcalloc(t->mask + 1, sizeof *t->slots);
	}
	for (i = key_hash(k) & t->mask; t->slots[i] != 0; i = (i + 1) & t->mask)
		if (memcmp(&t->entries[t->slots[i] - 1].key, k, sizeof *k) == 0)
			return &t->entries[t->slots[i] - 1];
	if (t->n >= FINDINGS_MAX_KEYS) {
		t->untracked++;
		return NULL;
	}
	if (2 * (t->n + 1) > t->mask + 1) {
		size_t j, nmask = t->mask * 2 + 1;
		uint32_t *ns = xcalloc(nmask + 1, sizeof *ns);

		for (j = 0; j < t->n; j++) {
			size_t s = key_hash(&t->entries[j].key) & nmask;

			while (ns[s] != 0)
				s = (s + 1) & nmask;
			ns[s] = (uint32_t)j + 1;
		}
		free(t->slots);
		t->slots = ns;
		t->mask = nmask;
		for (i = key_hash(k) & t->mask; t->slots[i] != 0;
		    i = (i + 1) & t->mask)
			;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->entries = xreallocarray(t->entries, t->cap, sizeof *t->entries);
	}
	e = &t->entries[t->n];
	memset(e, 0, sizeof *e);
	e->key = *k;
	e->first_ts = ts;
	t->slots[i] = (uint32_t)++t->n;
	return e;
}

static void
table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		free(t->entries[i].targets);
		free(t->entries[i].clients);
	}
	free(t->entries);
	free(t->slots);
}

struct findings *
findings_new(void)
{
	return xcalloc(1, sizeof(struct findings));
}

void
findings_free(struct findings *fs)
{
	if (fs == NULL)
		return;
	table_free(&fs->servers);
	table_free(&fs->clients);
	table_free(&fs->resetters);
	free(fs->list);
	free(fs);
}

uint64_t
findings_untracked(const struct findings *fs)
{
	return fs->servers.untracked + fs->clients.untracked +
	    fs->resetters.untracked;
}

static void
touch(struct entry *e, const struct flow *f)
{
	e->flows++;
	if (f->first_ts < e->first_ts)
		e->first_ts = f->first_ts;
	if (f->last_ts > e->last_ts)
		e->last_ts = f->last_ts;
}

static void
add_client(struct entry *e, const uint8_t *addr)
{
	uint32_t i;

	for (i = 0; i < e->nclients && i < SCAN_SET_MAX; i++)
		if (memcmp(e->clients[i], addr, 16) == 0)
			return;
	if (e->nclients >= SCAN_SET_MAX)
		return;
	if (e->nclients == e->clients_cap) {
		/* Grow by doubling: most hosts have one or two. */
		e->clients_cap = e->clients_cap ? e->clients_cap * 2 : 2;
		e->clients = xreallocarray(e->clients, e->clients_cap,
		    sizeof *e->clients);
	}
	memcpy(e->clients[e->nclients++], addr, 16);
}

static void
add_target(struct entry *e, const uint8_t *addr, uint16_t port)
{
	uint32_t i;

	for (i = 0; i < e->ntargets; i++)
		if (e->targets[i].port == port &&
		    memcmp(e->targets[i].addr, addr, 16) == 0)
			return;
	if (e->ntargets >= SCAN_SET_MAX)
		return;
	if (e->ntargets == e->targets_cap) {
		e->targets_cap = e->targets_cap ? e->targets_cap * 2 : 2;
		e->targets = xreallocarray(e->targets, e->targets_cap,
		    sizeof *e->targets);
	}
	memcpy(e->targets[e->ntargets].addr, addr, 16);
	e->targets[e->ntargets].port = port;
	e->ntargets++;
}

static bool
is_cleartext(uint8_t proto, uint16_t port)
{
	static const uint16_t tcp_ports[] = { 21, 23, 25, 80, 110, 143, 389 };
	size_t i;

	if (proto == 17)
		return port == 161;
	for (i = 0; i < sizeof tcp_ports / sizeof tcp_ports[0]; i++)
		if (tcp_ports[i] == port)
			return true;
	return false;
}

void
findings_add(struct findings *fs, const struct flow *f)
{
	const struct tcp_conn *c = flow_tcp(f);
	const char *state = flow_state(f);
	bool s0 = strcmp(state, "S0") == 0;
	bool failed = s0 || strcmp(state, "REJ") == 0 ||
	    strcmp(state, "RSTOS0") == 0;
	bool data = f->dir[0].payload_bytes + f->dir[1].payload_bytes > 0;
	struct key k;
	struct entry *e;

	memset(&k, 0, sizeof k);
	k.proto = f->key.proto;
	k.ip_version = f->key.ip_version;
	memcpy(k.addr, flow_server_addr(f), 16);
	k.port = flow_server_port(f);
	if ((c != NULL && (failed || c->syn_count)) ||
	    (is_cleartext(k.proto, k.port) && data)) {
		if ((e = table_get(&fs->servers, &k, f->first_ts)) != NULL) {
			touch(e, f);
			e->s0 += s0;
			e->failed += failed;
			if (data) {
				e->data_flows++;
				add_client(e, flow_client_addr(f));
			}
			if (s0)
				add_client(e, flow_client_addr(f));
		}
	}
	if (failed) {
		memcpy(k.addr, flow_client_addr(f), 16);
		k.port = 0;
		if ((e = table_get(&fs->clients, &k, f->first_ts)) != NULL) {
			touch(e, f);
			e->failed++;
			add_target(e, flow_server_addr(f), flow_server_port(f));
		}
	}
	if (c != NULL && c->first_rst_dir >= 0 && !failed) {
		memcpy(k.addr, c->first_rst_dir == DIR_C2S ?
		    flow_client_addr(f) : flow_server_addr(f), 16);
		k.port = 0;
		k.proto = 6;
		if ((e = table_get(&fs->resetters, &k, f->first_ts)) != NULL) {
			touch(e, f);
			e->resets++;
		}
	}
}

static struct finding *
finding_new(struct findings *fs, const char *kind, const struct entry *e)
{
	struct finding *x;

	fs->list = xreallocarray(fs->list, fs->nlist + 1, sizeof *fs->list);
	x = &fs->list[fs->nlist++];
	memset(x, 0, sizeof *x);
	x->kind = kind;
	format_addr(e->key.addr, e->key.ip_version, x->host, sizeof x->host);
	x->first_ts = e->first_ts;
	x->last_ts = e->last_ts;
	return x;
}

static const char *
kind_rank(const char *kind)
{
	/* Most serious first; the letters only order them. */
	if (strcmp(kind, "syn_flood") == 0) return "a";
	if (strcmp(kind, "port_scan") == 0) return "b";
	if (strcmp(kind, "host_scan") == 0) return "c";
	if (strcmp(kind, "rst_storm") == 0) return "d";
	if (strcmp(kind, "half_open") == 0) return "e";
	return "f";
}

static int
finding_cmp(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;
	int c = strcmp(kind_rank(x->kind), kind_rank(y->kind));

	if (c != 0)
		return c;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if ((c = strcmp(x->host, y->host)) != 0)
		return c;
	return strcmp(x->target, y->target);
}

const struct finding *
findings_finish(struct findings *fs, size_t *n)
{
	size_t i;

	free(fs->list);
	fs->list = NULL;
	fs->nlist = 0;
	for (i = 0; i < fs->servers.n; i++) {
		const struct entry *e = &fs->servers.entries[i];
		double span = ns_to_s(e->last_ts - e->first_ts);
		struct finding *x;
		const char *svc;

		if (e->s0 >= FINDING_SYN_FLOOD_MIN && 2 * e->s0 >= e->flows) {
			x = finding_new(fs, "syn_flood", e);
			format_endpoint(e->key.addr, e->key.ip_version,
			    e->key.port, x->target, sizeof x->target);
			x->count = e->s0;
			x->peers = e->nclients;
			snprintf(x->explanation, sizeof x->explanation,
			    "%llu connection attempts to %s from %s%llu "
			    "clients got no answer in %.1f s: a SYN flood, or "
			    "the service is overwhelmed",
			    (unsigned long long)e->s0, x->target,
			    e->nclients >= SCAN_SET_MAX ? "at least " : "",
			    (unsigned long long)e->nclients, span);
		} else if (e->s0 >= FINDING_HALF_OPEN_MIN) {
			x = finding_new(fs, "half_open", e);
			format_endpoint(e->key.addr, e->key.ip_version,
			    e->key.port, x->target, sizeof x->target);
			x->count = e->s0;
			x->peers = e->nclients;
			snprintf(x->explanation, sizeof x->explanation,
			    "%llu connection attempts to %s got no answer "
			    "(S0): the service is down, filtered, or flooded",
			    (unsigned long long)e->s0, x->target);
		}
		if (e->data_flows > 0 && is_cleartext(e->key.proto, e->key.port)) {
			x = finding_new(fs, "cleartext", e);
			format_endpoint(e->key.addr, e->key.ip_version,
			    e->key.port, x->target, sizeof x->target);
			x->count = e->data_flows;
			x->peers = e->nclients;
			svc = service_name(e->key.proto, e->key.port);
			snprintf(x->explanation, sizeof x->explanation,
			    "%s on %s: %llu %s from %llu %s carried unencrypted "
			    "data; credentials and content can be read on the "
			    "wire", svc != NULL ? svc : "cleartext service",
			    x->target, (unsigned long long)e->data_flows,
			    e->data_flows == 1 ? "flow" : "flows",
			    (unsigned long long)e->nclients,
			    e->nclients == 1 ? "client" : "clients");
		}
	}
	for (i = 0; i < fs->clients.n; i++) {
		const struct entry *e = &fs->clients.entries[i];
		uint32_t j, k, ports = 0, hosts = 0;
		struct finding *x;

		if (e->ntargets < FINDING_SCAN_PORTS_MIN &&
		    e->ntargets < FINDING_SCAN_HOSTS_MIN)
			continue;
		/* Distinct ports and distinct hosts among the targets. */
		for (j = 0; j < e->ntargets; j++) {
			for (k = 0; k < j; k++)
				if (e->targets[k].port == e->targets[j].port)
					break;
			ports += k == j;
			for (k = 0; k < j; k++)
				if (memcmp(e->targets[k].addr,
				    e->targets[j].addr, 16) == 0)
					break;
			hosts += k == j;
		}
		if (ports >= FINDING_SCAN_PORTS_MIN) {
			x = finding_new(fs, "port_scan", e);
			x->count = e->failed;
			x->peers = ports;
			snprintf(x->explanation, sizeof x->explanation,
			    "%s made %llu failed connection attempts (refused "
			    "or unanswered) to %s%u ports on %u %s in %.1f s: a "
			    "port scan", x->host, (unsigned long long)e->failed,
			    e->ntargets >= SCAN_SET_MAX ? "at least " : "",
			    ports, hosts, hosts == 1 ? "host" : "hosts",
			    ns_to_s(e->last_ts - e->first_ts));
		} else if (hosts >= FINDING_SCAN_HOSTS_MIN) {
			x = finding_new(fs, "host_scan", e);
			x->count = e->failed;
			x->peers = hosts;
			snprintf(x->explanation, sizeof x->explanation,
			    "%s made %llu failed connection attempts to %s%u "
			    "hosts on %u %s in %.1f s: a sweep for a service",
			    x->host, (unsigned long long)e->failed,
			    e->ntargets >= SCAN_SET_MAX ? "at least " : "",
			    hosts, ports, ports == 1 ? "port" : "ports",
			    ns_to_s(e->last_ts - e->first_ts));
		}
	}
	for (i = 0; i < fs->resetters.n; i++) {
		const struct entry *e = &fs->resetters.entries[i];
		struct finding *x;

		if (e->resets < FINDING_RST_STORM_MIN)
			continue;
		x = finding_new(fs, "rst_storm", e);
		x->count = e->resets;
		snprintf(x->explanation, sizeof x->explanation,
		    "%s reset %llu established connections in %.1f s: a "
		    "crashing or overloaded service, a middlebox, or RST "
		    "injection", x->host, (unsigned long long)e->resets,
		    ns_to_s(e->last_ts - e->first_ts));
	}
	if (fs->nlist > 1)
		qsort(fs->list, fs->nlist, sizeof *fs->list, finding_cmp);
	*n = fs->nlist;
	return fs->list;
}
