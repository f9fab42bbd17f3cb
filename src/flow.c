/*
 * Flow table: see flow.h for the design.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "encap.h"
#include "flow.h"
#include "hash.h"
#include "services.h"
#include "xmalloc.h"

struct slot {
	uint64_t	 hash;
	struct flow	*flow;		/* NULL: empty */
};

#define FLOW_SEEDS		7
#define KEY_WORDS		6	/* struct flow_key as 64-bit words */

/*
 * An interned context (encap.h): in use while refs > 0, else on the free
 * list (next_free) with ctx all zero, which no packet's context equals.
 */
struct encap_entry {
	struct encap_ctx ctx;
	uint64_t	 hash;
	uint32_t	 refs;		/* flows in the hash with this id */
	uint32_t	 next_free;	/* id, or 0 */
};

/* The interned contexts: ids 1.. index v[], slots[] hashes them. */
struct encap_table {
	struct encap_entry *v;
	size_t		 n;		/* entries ever used (high water) */
	size_t		 cap;
	size_t		 live;		/* entries in use */
	uint32_t	 free_head;	/* a free id, or 0 */
	uint32_t	*slots;		/* ids; 0: empty */
	size_t		 mask;		/* slot count - 1, or 0: none yet */
};

static void	encap_table_free(struct encap_table *);

struct flow_table {
	struct slot	*slots;
	size_t		 mask;		/* slot count - 1, a power of two */
	size_t		 used;		/* flows in the hash */
	size_t		 total;		/* flows ever created */
	size_t		 live;		/* flows not yet removed */
	uint64_t	 seed[FLOW_SEEDS];
	struct flow	*last;		/* the flow of the last lookup, or NULL */
	/* That lookup's packet as it travelled, and the other way round. */
	uint64_t	 last_fwd[KEY_WORDS];
	uint64_t	 last_rev[KEY_WORDS];
	int		 last_side;	/* the side last_fwd came from */
	uint64_t	 next_id;
	struct flow	*head;		/* creation order */
	struct flow	*tail;
	struct flow	*lru_head[FTC_MAX];
	struct flow	*lru_tail[FTC_MAX];
	struct encap_table encaps;
	struct tunnels	*tunnels;	/* counts tunnelled lookups, or NULL */
};

#define FLOW_TABLE_INITIAL	1024

static uint64_t
rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/*
 * A keyed hash of the key's six 64-bit words, taken from registers as the
 * key is made: one multiply per word, all six independent (so they run in
 * parallel), then a full avalanche.  Random seeds enter every word and the
 * end, so keys that collide cannot be worked out in advance.  Per packet, so
 * cheap; the key is never read back from memory for it.
 */
static uint64_t
flow_key_hash_words(const struct flow_table *t, const uint64_t w[KEY_WORDS])
{
	uint64_t a = (w[0] ^ t->seed[0]) * 0x9e3779b97f4a7c15ULL;
	uint64_t b = (w[1] ^ t->seed[1]) * 0xc2b2ae3d27d4eb4fULL;
	uint64_t c = (w[2] ^ t->seed[2]) * 0x165667b19e3779f9ULL;
	uint64_t d = (w[3] ^ t->seed[3]) * 0xd6e8feb86659fd93ULL;
	uint64_t e = (w[4] ^ t->seed[4]) * 0xff51afd7ed558ccdULL;
	uint64_t f = (w[5] ^ t->seed[6]) * 0xc4ceb9fe1a85ec53ULL;

	return hash_mix64(rotl64(a, 17) ^ rotl64(b, 29) ^ rotl64(c, 41) ^
	    rotl64(d, 53) ^ rotl64(f, 7) ^ e ^ t->seed[5]);
}

static bool
flow_key_equal(const struct flow_key *x, const struct flow_key *y)
{
	uint64_t a[KEY_WORDS], b[KEY_WORDS];

	memcpy(a, x, sizeof a);
	memcpy(b, y, sizeof b);
	return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) |
	    (a[3] ^ b[3]) | (a[4] ^ b[4]) | (a[5] ^ b[5])) == 0;
}

struct flow_table *
flow_table_new(void)
{
	struct flow_table *t = xcalloc(1, sizeof *t);

	t->mask = FLOW_TABLE_INITIAL - 1;
	t->slots = xcalloc(FLOW_TABLE_INITIAL, sizeof *t->slots);
	t->next_id = 1;
	hash_random_seeds(t->seed, FLOW_SEEDS);
	return t;
}

static void	flow_spares_free(void);

void
flow_table_free(struct flow_table *t)
{
	struct flow *f, *next;

	if (t == NULL)
		return;
	for (f = t->head; f != NULL; f = next) {
		next = f->next;
		flow_free(f);
	}
	free(t->slots);
	encap_table_free(&t->encaps);
	free(t);
	flow_spares_free();
}

/* An address as two words, as they lie in memory. */
static void
addr_words(const uint8_t *addr, uint64_t w[2])
{
	memcpy(&w[0], addr, 8);
	memcpy(&w[1], addr + 8, 8);
}

static uint64_t
be_order(uint64_t w)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return __builtin_bswap64(w);
#else
	return w;
#endif
}

static uint64_t
encap_hash(const struct flow_table *t, const struct encap_ctx *c)
{
	uint64_t w, h = t->seed[6];
	size_t i;

	for (i = 0; i < sizeof *c; i += sizeof w) {
		memcpy(&w, (const uint8_t *)c + i, sizeof w);
		h = hash_mix64(h ^ w ^ t->seed[i / sizeof w % FLOW_SEEDS]);
	}
	return h;
}

static void
encap_slots_grow(struct flow_table *t)
{
	struct encap_table *e = &t->encaps;
	size_t n = e->mask == 0 ? 64 : (e->mask + 1) * 2, i, j;

	free(e->slots);
	e->slots = xcalloc(n, sizeof *e->slots);
	e->mask = n - 1;
	for (i = 0; i < e->n; i++) {
		if (e->v[i].refs == 0)
			continue;
		for (j = e->v[i].hash & e->mask; e->slots[j] != 0;
		    j = (j + 1) & e->mask)
			;
		e->slots[j] = (uint32_t)(i + 1);
	}
}

/* The slot of context c (hash h), or of the empty slot that ends its run. */
static size_t
encap_slot(const struct encap_table *e, const struct encap_ctx *c,
    uint64_t h)
{
	size_t i;
	uint32_t id;

	for (i = h & e->mask; (id = e->slots[i]) != 0; i = (i + 1) & e->mask)
		if (e->v[id - 1].hash == h &&
		    memcmp(&e->v[id - 1].ctx, c, sizeof *c) == 0)
			break;
	return i;
}

/*
 * What a lookup of a packet whose tunnels were never interned uses as its
 * key's encap: an id no key has, so it finds no flow.
 */
#define ENCAP_UNKNOWN	UINT64_MAX

/*
 * The id of pkt's (non-empty) stack of tunnels; interned on first sight
 * if intern (a flow is being created with it), else ENCAP_UNKNOWN when it
 * is not in use.  Only tunnelled packets come here.  Out of line, and
 * raw_tuple() inlined into its two callers: its words then stay in
 * registers (as a call of its own it cost a lookup 12 instructions more
 * than without tunnels).
 */
static __attribute__((noinline)) uint64_t
encap_intern(struct flow_table *t, const struct packet *pkt, bool intern)
{
	struct encap_table *e = &t->encaps;
	struct encap_ctx c;
	uint64_t h;
	size_t i;
	uint32_t id;
	unsigned turned;

	turned = encap_canonical(pkt, &c);
	if (!intern && t->tunnels != NULL)	/* a lookup: once a packet */
		tunnels_count_ctx(t->tunnels, &c, turned, pkt->wirelen);
	h = encap_hash(t, &c);
	if (e->mask != 0 && e->slots[i = encap_slot(e, &c, h)] != 0)
		return e->slots[i];
	if (!intern)
		return ENCAP_UNKNOWN;
	if (2 * (e->live + 1) > e->mask + 1)
		encap_slots_grow(t);
	i = encap_slot(e, &c, h);
	if (e->free_head != 0) {
		id = e->free_head;
		e->free_head = e->v[id - 1].next_free;
	} else {
		if (e->n == UINT32_MAX)
			fatalx("flow: more than %u tunnel contexts",
			    UINT32_MAX);
		if (e->n == e->cap) {
			e->cap = e->cap == 0 ? 16 : e->cap * 2;
			e->v = xreallocarray(e->v, e->cap, sizeof *e->v);
		}
		id = (uint32_t)++e->n;
	}
	e->v[id - 1].ctx = c;
	e->v[id - 1].hash = h;
	e->v[id - 1].refs = 0;
	e->v[id - 1].next_free = 0;
	e->slots[i] = id;
	e->live++;
	return id;
}

/*
 * A flow with this encap left the hash: the last one frees the context.
 * Its slot is emptied by backward-shift deletion (as the flows' are), and
 * its id goes on the free list.
 */
static void
encap_release(struct flow_table *t, uint64_t encap)
{
	struct encap_table *e = &t->encaps;
	struct encap_entry *x = &e->v[encap - 1];
	size_t i, j;

	if (--x->refs > 0)
		return;
	i = encap_slot(e, &x->ctx, x->hash);
	for (j = (i + 1) & e->mask; e->slots[j] != 0; j = (j + 1) & e->mask) {
		size_t home = e->v[e->slots[j] - 1].hash & e->mask;

		if (((j - home) & e->mask) >= ((j - i) & e->mask)) {
			e->slots[i] = e->slots[j];
			i = j;
		}
	}
	e->slots[i] = 0;
	memset(&x->ctx, 0, sizeof x->ctx);
	x->next_free = e->free_head;
	e->free_head = (uint32_t)encap;
	e->live--;
}

const struct encap_layer *
flow_table_encap(const struct flow_table *t, uint64_t encap, unsigned *depth)
{
	const struct encap_entry *x;

	if (encap == 0 || encap > t->encaps.n ||
	    (x = &t->encaps.v[encap - 1])->refs == 0) {
		*depth = 0;
		return NULL;
	}
	*depth = (unsigned)x->ctx.depth;
	return x->ctx.layer;
}

size_t
flow_table_encap_live(const struct flow_table *t)
{
	return t->encaps.live;
}

void
flow_table_count_tunnels(struct flow_table *t, struct tunnels *ts)
{
	t->tunnels = ts;
}

static void
encap_table_free(struct encap_table *e)
{
	free(e->v);
	free(e->slots);
}

/*
 * pkt's endpoints as it travelled, as six words: source and destination
 * address, then the ports, protocol and IP version, then its tunnels.
 */
static inline __attribute__((always_inline)) void
raw_tuple(struct flow_table *t, const struct packet *pkt,
    uint64_t w[KEY_WORDS], bool intern)
{
	addr_words(pkt->src, w);
	addr_words(pkt->dst, w + 2);
	w[4] = (uint64_t)pkt->sport | (uint64_t)pkt->dport << 16 |
	    (uint64_t)pkt->ip_proto << 32 | (uint64_t)pkt->ip_version << 40;
	w[5] = pkt->encap_depth == 0 ? 0 : encap_intern(t, pkt, intern);
}

static bool
raw_tuple_equal(const uint64_t a[KEY_WORDS], const uint64_t b[KEY_WORDS])
{
	return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) |
	    (a[3] ^ b[3]) | (a[4] ^ b[4]) | (a[5] ^ b[5])) == 0;
}

/* The tuple w of a packet going the other way. */
static void
reverse_tuple(const uint64_t w[KEY_WORDS], uint64_t rev[KEY_WORDS])
{
	rev[0] = w[2];
	rev[1] = w[3];
	rev[2] = w[0];
	rev[3] = w[1];
	rev[4] = (w[4] & ~(uint64_t)0xffffffff) | (w[4] >> 16 & 0xffff) |
	    (w[4] & 0xffff) << 16;
	rev[5] = w[5];
}

/* Remember f as the flow of the packet whose tuple is w, from side. */
static void
remember_last(struct flow_table *t, struct flow *f,
    const uint64_t w[KEY_WORDS], int side)
{
	t->last = f;
	t->last_side = side;
	memcpy(t->last_fwd, w, sizeof t->last_fwd);
	reverse_tuple(w, t->last_rev);
}

/*
 * Canonical key of the packet whose tuple is r (raw_tuple()): the lower
 * (address, port) endpoint is side 0, the order being memcmp()'s over the
 * address bytes.  Returns the side that sent the packet; *hash gets the
 * key's hash, of its words as a tuple.  Built in registers and stored word
 * by word, so nothing reads back a half-written key (a stalled
 * store-to-load forward cost more than the hash).
 */
static int
flow_key_make(const struct flow_table *t, const uint64_t r[KEY_WORDS],
    struct flow_key *k, uint64_t *hash)
{
	uint64_t rev[KEY_WORDS];
	const uint64_t *w = r;
	int side;

	if (r[0] != r[2])
		side = be_order(r[0]) > be_order(r[2]);
	else if (r[1] != r[3])
		side = be_order(r[1]) > be_order(r[3]);
	else
		side = (r[4] & 0xffff) > (r[4] >> 16 & 0xffff);
	if (side) {
		reverse_tuple(r, rev);
		w = rev;
	}
	/* port[0], port[1], proto, ip_version, two zero bytes; encap. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(k, w, KEY_WORDS * sizeof w[0]);
#else
	memcpy(k, w, 4 * sizeof w[0]);
	memset(&k->port[0], 0, 8);
	k->port[0] = (uint16_t)(w[4] & 0xffff);
	k->port[1] = (uint16_t)(w[4] >> 16 & 0xffff);
	k->proto = (uint8_t)(w[4] >> 32);
	k->ip_version = (uint8_t)(w[4] >> 40);
	k->encap = w[5];
#endif
	*hash = flow_key_hash_words(t, w);
	return side;
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
	struct flow *f;
	uint64_t h, w[KEY_WORDS];
	size_t i;
	int side;

	/*
	 * Most packets belong to the flow of the packet before (in a bulk
	 * transfer 98%, mostly in the same direction): compare the tuple as
	 * it came before building the key and its hash.
	 */
	raw_tuple(t, pkt, w, false);
	if ((f = t->last) != NULL) {
		if (raw_tuple_equal(w, t->last_fwd))
			side = t->last_side;
		else if (raw_tuple_equal(w, t->last_rev))
			side = !t->last_side;
		else
			goto search;
		*dir = side == f->client_side ? DIR_C2S : DIR_S2C;
		return f;
	}
search:
	side = flow_key_make(t, w, &k, &h);
	for (i = h & t->mask; (f = t->slots[i].flow) != NULL;
	    i = (i + 1) & t->mask) {
		if (t->slots[i].hash == h && flow_key_equal(&f->key, &k)) {
			*dir = side == f->client_side ? DIR_C2S : DIR_S2C;
			remember_last(t, f, w, side);
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
	enum flow_role_source why;
	bool sender_is_client;

	if (f->proto->choose_client != NULL &&
	    f->proto->choose_client(pkt, &sender_is_client, &why)) {
		f->client_side = (uint8_t)(sender_is_client ? sender : receiver);
		f->role_source = (uint8_t)why;
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
flow_table_release(struct flow_table *t, struct flow *f)
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
	f->next = f->prev = NULL;
	t->live--;
}

/*
 * Freed flows wait for reuse in a spare list of their thread, as
 * connections do (tcp.c): malloc() and free() of one per short flow cost
 * more than the flow's lookups.
 */
#define FLOW_SPARES	512

static _Thread_local struct flow *spare_flows[FLOW_SPARES];
static _Thread_local unsigned nspare_flows;

static struct flow *
flow_alloc(void)
{
	struct flow *f;

	if (nspare_flows == 0)
		return xcalloc(1, sizeof *f);
	f = spare_flows[--nspare_flows];
	memset(f, 0, sizeof *f);
	return f;
}

void
flow_free(struct flow *f)
{
	if (f == NULL)
		return;
	if (f->proto != NULL && f->proto->free != NULL)
		f->proto->free(f->proto_state);
	if (f->tunnel != NULL)
		free(f->tunnel);
	if (nspare_flows < FLOW_SPARES)
		spare_flows[nspare_flows++] = f;
	else
		free(f);
}

static void
flow_spares_free(void)
{
	int id;

	while (nspare_flows > 0)
		free(spare_flows[--nspare_flows]);
	for (id = 0; id < PROTO_MAX; id++) {
		const struct proto_ops *ops = proto_by_id((enum proto_id)id);

		if (ops->spares_free != NULL)
			ops->spares_free();
	}
}

/*
 * f's own copy of pkt's tunnels, each layer as the client's packets carry
 * it: pkt's own if the client sent it (dir), else turned round.
 */
static void
flow_copy_tunnel(struct flow *f, const struct packet *pkt, enum flow_dir dir)
{
	const struct encap_layer *l = packet_encap(pkt);
	unsigned i, n = pkt->encap_depth;

	if (n > PACKET_MAX_ENCAP)
		n = PACKET_MAX_ENCAP;
	f->tunnel = xcalloc(n, sizeof *f->tunnel);
	f->tunnel_depth = (uint8_t)n;
	for (i = 0; i < n; i++) {
		if (dir == DIR_C2S)
			f->tunnel[i] = l[i];
		else
			encap_layer_turn(&l[i], &f->tunnel[i]);
		memset(f->tunnel[i].pad, 0, sizeof f->tunnel[i].pad);
	}
}

void
flow_table_remove(struct flow_table *t, struct flow *f)
{
	flow_table_release(t, f);
	flow_free(f);
}

struct flow *
flow_table_create(struct flow_table *t, const struct packet *pkt,
    enum flow_dir *dir)
{
	struct flow *f = flow_alloc();
	uint64_t w[KEY_WORDS];
	size_t i;
	int side;

	if (2 * (t->used + 1) > t->mask + 1)
		flow_table_grow(t);
	raw_tuple(t, pkt, w, true);
	side = flow_key_make(t, w, &f->key, &f->hash);
	f->id = t->next_id++;
	f->first_ts = f->last_ts = pkt->ts_ns;
	f->proto = proto_for_packet(pkt);
	flow_choose_client(f, pkt, side);
	*dir = side == f->client_side ? DIR_C2S : DIR_S2C;
	if (f->key.encap != 0) {
		t->encaps.v[f->key.encap - 1].refs++;
		flow_copy_tunnel(f, pkt, *dir);
		/* Its lookup just counted it (flow_table_count_tunnels()). */
		if (t->tunnels != NULL)
			tunnels_flow_begun(t->tunnels);
	}

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
	f->timeout_class = f->proto->first_class;
	f->lru_ts = pkt->ts_ns;
	lru_append(t, f);
	remember_last(t, f, w, side);	/* its next packet is likely next */
	f->proto->create(f, pkt);
	return f;
}

void
flow_table_detach(struct flow_table *t, struct flow *f)
{
	size_t i, j;

	if (t->last == f)
		t->last = NULL;
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
	if (f->key.encap != 0)
		encap_release(t, f->key.encap);
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

const char *
flow_state(const struct flow *f)
{
	return f->proto->state(f);
}

const char *
flow_history(const struct flow *f, char *buf, size_t len)
{
	return f->proto->history(f, buf, len);
}
