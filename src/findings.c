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

const char *
finding_kind_name(enum finding_kind k)
{
	static const char *const names[FINDING_KINDS] = {
		"syn_flood", "port_scan", "host_scan", "rst_storm",
		"half_open", "cleartext"
	};

	return (unsigned)k < FINDING_KINDS ? names[k] : "?";
}

/* A finding about the host of e, involving count flows. */
static struct finding *
finding_new(struct findings *fs, enum finding_kind kind,
    const struct entry *e, uint64_t count)
{
	struct finding *x;

	fs->list = xreallocarray(fs->list, fs->nlist + 1, sizeof *fs->list);
	x = &fs->list[fs->nlist++];
	memset(x, 0, sizeof *x);
	x->kind = kind;
	x->ip_version = e->key.ip_version;
	memcpy(x->host, e->key.addr, 16);
	x->count = count;
	x->first_ts = e->first_ts;
	x->last_ts = e->last_ts;
	return x;
}

/* A finding about a server endpoint: the host is the server. */
static void
finding_new_target(struct findings *fs, enum finding_kind kind,
    const struct entry *e, uint64_t count)
{
	struct finding *x = finding_new(fs, kind, e, count);

	x->has_target = true;
	memcpy(x->target, e->key.addr, 16);
	x->target_port = e->key.port;
	x->target_proto = e->key.proto;
	x->peers = e->nclients;
	x->peers_capped = e->nclients >= SCAN_SET_MAX;
}

/* Unanswered attempts (a flood, or half-open) and cleartext use. */
static void
finish_servers(struct findings *fs)
{
	size_t i;

	for (i = 0; i < fs->servers.n; i++) {
		const struct entry *e = &fs->servers.entries[i];

		if (e->s0 >= FINDING_SYN_FLOOD_MIN && 2 * e->s0 >= e->flows)
			finding_new_target(fs, FINDING_SYN_FLOOD, e, e->s0);
		else if (e->s0 >= FINDING_HALF_OPEN_MIN)
			finding_new_target(fs, FINDING_HALF_OPEN, e, e->s0);
		if (e->data_flows > 0 &&
		    is_cleartext(e->key.proto, e->key.port))
			finding_new_target(fs, FINDING_CLEARTEXT, e,
			    e->data_flows);
	}
}

/* Distinct ports and distinct hosts among a client's failed targets. */
static void
count_targets(const struct entry *e, uint32_t *ports, uint32_t *hosts)
{
	uint32_t j, k;

	*ports = *hosts = 0;
	for (j = 0; j < e->ntargets; j++) {
		for (k = 0; k < j; k++)
			if (e->targets[k].port == e->targets[j].port)
				break;
		*ports += k == j;
		for (k = 0; k < j; k++)
			if (memcmp(e->targets[k].addr, e->targets[j].addr,
			    16) == 0)
				break;
		*hosts += k == j;
	}
}

/* Many failed attempts from one host: a port scan, or a host sweep. */
static void
finish_clients(struct findings *fs)
{
	size_t i;

	for (i = 0; i < fs->clients.n; i++) {
		const struct entry *e = &fs->clients.entries[i];
		uint32_t ports, hosts;
		struct finding *x;

		if (e->ntargets < FINDING_SCAN_PORTS_MIN &&
		    e->ntargets < FINDING_SCAN_HOSTS_MIN)
			continue;
		count_targets(e, &ports, &hosts);
		if (ports >= FINDING_SCAN_PORTS_MIN) {
			x = finding_new(fs, FINDING_PORT_SCAN, e, e->failed);
			x->peers = ports;
			x->spread = hosts;
		} else if (hosts >= FINDING_SCAN_HOSTS_MIN) {
			x = finding_new(fs, FINDING_HOST_SCAN, e, e->failed);
			x->peers = hosts;
			x->spread = ports;
		} else
			continue;
		x->peers_capped = e->ntargets >= SCAN_SET_MAX;
	}
}

static void
finish_resetters(struct findings *fs)
{
	size_t i;

	for (i = 0; i < fs->resetters.n; i++) {
		const struct entry *e = &fs->resetters.entries[i];

		if (e->resets >= FINDING_RST_STORM_MIN)
			finding_new(fs, FINDING_RST_STORM, e, e->resets);
	}
}

/*
 * The order of the list: kind, most flows first, then host and target as
 * the report writes them (as text: the order predates typed findings, and
 * reports must not change).  The text is made once per finding, here.
 */
struct ranked {
	struct finding	f;
	char		host[FORMAT_ADDR_MAX];
	char		target[FORMAT_ENDPOINT_MAX];
};

static int
ranked_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	int c;

	if (x->f.kind != y->f.kind)
		return x->f.kind < y->f.kind ? -1 : 1;
	if (x->f.count != y->f.count)
		return x->f.count > y->f.count ? -1 : 1;
	if ((c = strcmp(x->host, y->host)) != 0)
		return c;
	return strcmp(x->target, y->target);
}

static void
sort_findings(struct finding *list, size_t n)
{
	struct ranked *r = xreallocarray(NULL, n, sizeof *r);
	size_t i;

	for (i = 0; i < n; i++) {
		r[i].f = list[i];
		format_addr(list[i].host, list[i].ip_version, r[i].host,
		    sizeof r[i].host);
		r[i].target[0] = '\0';
		if (list[i].has_target)
			format_endpoint(list[i].target, list[i].ip_version,
			    list[i].target_port, r[i].target,
			    sizeof r[i].target);
	}
	qsort(r, n, sizeof *r, ranked_cmp);
	for (i = 0; i < n; i++)
		list[i] = r[i].f;
	free(r);
}

const struct finding *
findings_finish(struct findings *fs, size_t *n)
{
	free(fs->list);
	fs->list = NULL;
	fs->nlist = 0;
	finish_servers(fs);
	finish_clients(fs);
	finish_resetters(fs);
	if (fs->nlist > 1)
		sort_findings(fs->list, fs->nlist);
	*n = fs->nlist;
	return fs->list;
}
