/*
 * Flow table: see flow.h for the design.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "flow.h"
#include "services.h"
#include "tcp.h"
#include "xmalloc.h"

struct slot {
	uint64_t	 hash;
	struct flow	*flow;		/* NULL: empty */
};

struct flow_table {
	struct slot	*slots;
	size_t		 mask;		/* slot count - 1, a power of two */
	size_t		 used;		/* flows in the hash */
	size_t		 total;		/* flows ever created */
	size_t		 live;		/* flows not yet removed */
	uint64_t	 seed[2];
	uint64_t	 next_id;
	struct flow	*head;		/* creation order */
	struct flow	*tail;
	struct flow	*lru_head[FTC_MAX];
	struct flow	*lru_tail[FTC_MAX];
};

#define FLOW_TABLE_INITIAL	1024

static uint64_t
rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/*
 * A keyed hash over the 40-byte key, five 64-bit words: one multiply per
 * word, then a full avalanche.  The random seed enters first and last, so
 * keys that collide cannot be worked out in advance.  Per packet, so cheap.
 */
static uint64_t
flow_key_hash(const struct flow_table *t, const struct flow_key *k)
{
	uint64_t w[5], h = t->seed[0];
	size_t i;

	_Static_assert(sizeof *k == sizeof w, "flow_key is 40 bytes");
	memcpy(w, k, sizeof w);
	for (i = 0; i < 5; i++)
		h = rotl64((h ^ w[i]) * 0x9e3779b97f4a7c15ULL, 31);
	return mix64(h ^ t->seed[1]);
}

static void
random_seed(uint64_t seed[2])
{
#ifdef HAVE_GETENTROPY
	if (getentropy(seed, 2 * sizeof seed[0]) == 0)
		return;
#endif
	seed[0] = mix64((uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32));
	seed[1] = mix64(seed[0] ^ (uint64_t)(uintptr_t)seed);
}

struct flow_table *
flow_table_new(void)
{
	struct flow_table *t = xcalloc(1, sizeof *t);

	t->mask = FLOW_TABLE_INITIAL - 1;
	t->slots = xcalloc(FLOW_TABLE_INITIAL, sizeof *t->slots);
	t->next_id = 1;
	random_seed(t->seed);
	return t;
}

void
flow_table_free(struct flow_table *t)
{
	struct flow *f, *next;

	if (t == NULL)
		return;
	for (f = t->head; f != NULL; f = next) {
		next = f->next;
		tcp_conn_free(f->tcp);
		free(f);
	}
	free(t->slots);
	free(t);
}

/*
 * Canonical key of pkt: the lower (address, port) endpoint is side 0.
 * Returns the side that sent pkt.
 */
static int
flow_key_make(const struct packet *pkt, struct flow_key *k)
{
	int c;

	memset(k, 0, sizeof *k);
	k->proto = pkt->ip_proto;
	k->ip_version = pkt->ip_version;
	c = memcmp(pkt->src, pkt->dst, 16);
	if (c < 0 || (c == 0 && pkt->sport <= pkt->dport)) {
		memcpy(k->addr[0], pkt->src, 16);
		memcpy(k->addr[1], pkt->dst, 16);
		k->port[0] = pkt->sport;
		k->port[1] = pkt->dport;
		return 0;
	}
	memcpy(k->addr[0], pkt->dst, 16);
	memcpy(k->addr[1], pkt->src, 16);
	k->port[0] = pkt->dport;
	k->port[1] = pkt->sport;
	return 1;
}

static void
flow_table_grow(struct flow_table *t)
{
	size_t oldn = t->mask + 1, newn = oldn * 2, i;
	struct slot *old = t->slots;

	t->slots = xcalloc(newn, sizeof *t->slots);
	t->mask = newn - 1;
	for (i = 0; i < oldn; i++) {
		size_t j;

		if (old[i].flow == NULL)
			continue;
		for (j = old[i].hash & t->mask; t->slots[j].flow != NULL;
		    j = (j + 1) & t->mask)
			;
		t->slots[j] = old[i];
	}
	free(old);
}

struct flow *
flow_table_lookup(struct flow_table *t, const struct packet *pkt,
    enum flow_dir *dir)
{
	struct flow_key k;
	uint64_t h;
	size_t i;
	int side;

	side = flow_key_make(pkt, &k);
	h = flow_key_hash(t, &k);
	for (i = h & t->mask; t->slots[i].flow != NULL; i = (i + 1) & t->mask) {
		struct flow *f = t->slots[i].flow;

		if (t->slots[i].hash == h &&
		    memcmp(&f->key, &k, sizeof k) == 0) {
			*dir = side == f->client_side ? DIR_C2S : DIR_S2C;
			return f;
		}
	}
	return NULL;
}

/* Which endpoint of a new flow is the client (see enum flow_role_source). */
static void
flow_choose_client(struct flow *f, const struct packet *pkt, int sender)
{
	int receiver = !sender;

	if (pkt->kind == PK_TCP && (pkt->tcp_flags & TH_SYN)) {
		if (pkt->tcp_flags & TH_ACK) {
			f->client_side = (uint8_t)receiver;
			f->role_source = ROLE_SYNACK;
		} else {
			f->client_side = (uint8_t)sender;
			f->role_source = ROLE_SYN;
		}
		return;
	}
	/*
	 * From a server-like port to one that is not, or, when both look like
	 * servers (DHCP 67 and 68), from the lower: the receiver is the client.
	 */
	if (port_is_server_like(pkt->ip_proto, pkt->sport) &&
	    (!port_is_server_like(pkt->ip_proto, pkt->dport) ||
	    pkt->sport < pkt->dport)) {
		f->client_side = (uint8_t)receiver;
		f->role_source = ROLE_PORTS;
		return;
	}
	f->client_side = (uint8_t)sender;
	f->role_source = ROLE_FIRST_PACKET;
}

static void
lru_unlink(struct flow_table *t, struct flow *f)
{
	int c = f->timeout_class;

	if (f->lru_prev != NULL)
		f->lru_prev->lru_next = f->lru_next;
	else
		t->lru_head[c] = f->lru_next;
	if (f->lru_next != NULL)
		f->lru_next->lru_prev = f->lru_prev;
	else
		t->lru_tail[c] = f->lru_prev;
	f->lru_next = f->lru_prev = NULL;
}

static void
lru_append(struct flow_table *t, struct flow *f)
{
	int c = f->timeout_class;

	f->lru_next = NULL;
	f->lru_prev = t->lru_tail[c];
	if (t->lru_tail[c] != NULL)
		t->lru_tail[c]->lru_next = f;
	else
		t->lru_head[c] = f;
	t->lru_tail[c] = f;
}

void
flow_table_touch(struct flow_table *t, struct flow *f,
    enum flow_timeout_class c)
{
	/*
	 * Move to the tail at most once a second of capture time: expiry
	 * runs once a second anyway, and relinking three flows per packet
	 * costs more than the analysis of many.
	 */
	if (f->timeout_class == c && f->last_ts < f->lru_ts + FLOW_LRU_GRAIN_NS)
		return;
	f->lru_ts = f->last_ts;
	if (t->lru_tail[f->timeout_class] == f && f->timeout_class == c)
		return;			/* already the most recent */
	lru_unlink(t, f);
	f->timeout_class = (uint8_t)c;
	lru_append(t, f);
}

struct flow *
flow_table_idlest(const struct flow_table *t, enum flow_timeout_class c)
{
	return t->lru_head[c];
}

void
flow_table_remove(struct flow_table *t, struct flow *f)
{
	flow_table_detach(t, f);
	lru_unlink(t, f);
	if (f->prev != NULL)
		f->prev->next = f->next;
	else
		t->head = f->next;
	if (f->next != NULL)
		f->next->prev = f->prev;
	else
		t->tail = f->prev;
	t->live--;
	tcp_conn_free(f->tcp);
	free(f);
}

struct flow *
flow_table_create(struct flow_table *t, const struct packet *pkt,
    enum flow_dir *dir)
{
	struct flow *f = xcalloc(1, sizeof *f);
	size_t i;
	int side;

	if (2 * (t->used + 1) > t->mask + 1)
		flow_table_grow(t);
	side = flow_key_make(pkt, &f->key);
	f->hash = flow_key_hash(t, &f->key);
	f->id = t->next_id++;
	f->first_ts = f->last_ts = pkt->ts_ns;
	flow_choose_client(f, pkt, side);
	*dir = side == f->client_side ? DIR_C2S : DIR_S2C;

	for (i = f->hash & t->mask; t->slots[i].flow != NULL;
	    i = (i + 1) & t->mask)
		;
	t->slots[i].hash = f->hash;
	t->slots[i].flow = f;
	f->in_table = 1;
	t->used++;
	t->total++;
	t->live++;
	f->prev = t->tail;
	if (t->tail != NULL)
		t->tail->next = f;
	else
		t->head = f;
	t->tail = f;
	f->timeout_class = pkt->kind == PK_UDP ? FTC_UDP : FTC_EMBRYONIC;
	f->lru_ts = pkt->ts_ns;
	lru_append(t, f);
	return f;
}

void
flow_table_detach(struct flow_table *t, struct flow *f)
{
	size_t i, j;

	if (!f->in_table)
		return;
	for (i = f->hash & t->mask; t->slots[i].flow != f; i = (i + 1) & t->mask)
		;
	/*
	 * Backward-shift deletion: move later members of the probe run into
	 * the hole so lookups never stop early and no tombstones pile up.
	 */
	for (j = (i + 1) & t->mask; t->slots[j].flow != NULL;
	    j = (j + 1) & t->mask) {
		size_t home = t->slots[j].hash & t->mask;

		if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
			t->slots[i] = t->slots[j];
			i = j;
		}
	}
	t->slots[i].flow = NULL;
	t->slots[i].hash = 0;
	f->in_table = 0;
	t->used--;
}

struct flow *
flow_table_first(const struct flow_table *t)
{
	return t->head;
}

size_t
flow_table_count(const struct flow_table *t)
{
	return t->total;
}

size_t
flow_table_live(const struct flow_table *t)
{
	return t->live;
}

const uint8_t *
flow_client_addr(const struct flow *f)
{
	return f->key.addr[f->client_side];
}

const uint8_t *
flow_server_addr(const struct flow *f)
{
	return f->key.addr[!f->client_side];
}

uint16_t
flow_client_port(const struct flow *f)
{
	return f->key.port[f->client_side];
}

uint16_t
flow_server_port(const struct flow *f)
{
	return f->key.port[!f->client_side];
}
