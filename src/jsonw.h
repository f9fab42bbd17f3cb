/*
 * A small streaming JSON writer into a growing buffer, for the per-flow
 * records: building a json-c object per flow costs far more than the flow's
 * whole analysis.  Output is what json-c writes with
 * JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, byte for byte
 * (the golden tests and tests/check_json.c, which parses it back with json-c,
 * hold it to that).  Keys are the program's literals and are not escaped;
 * they are NULL inside arrays.  String values are escaped.
 *
 * The writer owns its buffer; jw_reset() empties it for reuse, jw_free()
 * releases it.
 */
#ifndef TRANSCOPE_JSONW_H
#define TRANSCOPE_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define JW_MAX_DEPTH	16

struct jw {
	char	*buf;
	size_t	 len;
	size_t	 cap;
	int	 depth;
	bool	 first[JW_MAX_DEPTH];
};

void	jw_reset(struct jw *);
void	jw_free(struct jw *);

void	jw_obj_begin(struct jw *, const char *key);
void	jw_obj_end(struct jw *);
void	jw_arr_begin(struct jw *, const char *key);
void	jw_arr_end(struct jw *);
/*
 * The value writers, out of line; the keyed forms below are inline so that
 * a literal key's length is known at compile time (no strlen per field).
 * jw_grow() makes room: use jw_reserve().
 */
void	jw_digits(struct jw *, uint64_t);
void	jw_int_v(struct jw *, int64_t);
void	jw_bool_v(struct jw *, bool);
void	jw_null_v(struct jw *);
void	jw_str_v(struct jw *, const char *);
void	jw_seconds_v(struct jw *, uint64_t ns);
void	jw_fixed_v(struct jw *, double, int decimals);

void	jw_grow(struct jw *, size_t n);

static inline void
jw_reserve(struct jw *w, size_t n)
{
	if (w->len + n > w->cap)
		jw_grow(w, n);
}

static inline void
jw_raw(struct jw *w, const char *s, size_t n)
{
	jw_reserve(w, n);
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static inline void
jw_char(struct jw *w, char c)
{
	jw_reserve(w, 1);
	w->buf[w->len++] = c;
}

/*
 * A separator if needed, then the key.  Keys are the program's own
 * literals, never data, so they go out as they are; inline, so that for a
 * literal the length and the copy are worked out at compile time.
 */
static inline void
jw_key_n(struct jw *w, const char *key, size_t n)
{
	char *p;

	jw_reserve(w, n + 4);
	p = w->buf + w->len;
	if (!w->first[w->depth])
		*p++ = ',';
	w->first[w->depth] = false;
	if (key != NULL) {
		*p++ = '"';
		memcpy(p, key, n);
		p += n;
		*p++ = '"';
		*p++ = ':';
	}
	w->len = (size_t)(p - w->buf);
}

static inline void
jw_key(struct jw *w, const char *key)
{
	jw_key_n(w, key, key != NULL ? strlen(key) : 0);
}

static inline void
jw_u64(struct jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	jw_digits(w, v);
}

static inline void
jw_int(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	jw_int_v(w, v);
}

static inline void
jw_bool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	jw_bool_v(w, v);
}

static inline void
jw_null(struct jw *w, const char *key)
{
	jw_key(w, key);
	jw_null_v(w);
}

static inline void
jw_str(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str_v(w, s);
}

/* Seconds from nanoseconds: exactly, six decimals. */
static inline void
jw_seconds(struct jw *w, const char *key, uint64_t ns)
{
	jw_key(w, key);
	jw_seconds_v(w, ns);
}

/* A computed value with a fixed number of decimals. */
static inline void
jw_fixed(struct jw *w, const char *key, double v, int decimals)
{
	jw_key(w, key);
	jw_fixed_v(w, v, decimals);
}

#endif
