/*
 * Bounds-checked reading of untrusted packet bytes.
 *
 * A cursor is a window [p, end) over captured bytes.  Every read goes through
 * cur_need() first: a header is checked to lie wholly inside the window once,
 * then its fields are read with the be16()/be32() loaders, byte by byte, so
 * no packet byte is ever accessed through a misaligned or aliased pointer.
 * Nothing here trusts a length taken from the packet: callers compare such a
 * length with cur_left() before they use it.
 */
#ifndef TRANSCOPE_BYTES_H
#define TRANSCOPE_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cursor {
	const uint8_t	*p;
	const uint8_t	*end;
};

static inline struct cursor
cur_make(const uint8_t *p, size_t len)
{
	struct cursor c = { p, p + len };
	return c;
}

static inline size_t
cur_left(const struct cursor *c)
{
	return (size_t)(c->end - c->p);
}

static inline bool
cur_need(const struct cursor *c, size_t n)
{
	return cur_left(c) >= n;
}

/* Advance by n bytes; false (and no move) when fewer than n remain. */
static inline bool
cur_skip(struct cursor *c, size_t n)
{
	if (!cur_need(c, n))
		return false;
	c->p += n;
	return true;
}

/* Shrink the window to at most n bytes (a length field limits the data). */
static inline void
cur_limit(struct cursor *c, size_t n)
{
	if (cur_left(c) > n)
		c->end = c->p + n;
}

/* Loaders read byte by byte: no alignment or aliasing assumption, any host. */
static inline uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(((unsigned)p[0] << 8) | p[1]);
}

static inline uint32_t
be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

/* Little-endian: radio headers (radiotap, PPI) and Apple's PKTAP. */
static inline uint16_t
le16(const uint8_t *p)
{
	return (uint16_t)(((unsigned)p[1] << 8) | p[0]);
}

static inline uint32_t
le32(const uint8_t *p)
{
	return ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) |
	    ((uint32_t)p[1] << 8) | (uint32_t)p[0];
}

#endif
