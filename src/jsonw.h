/*
 * A small streaming JSON writer into a growing buffer, for the per-flow
 * records: building a json-c object per flow costs far more than the flow's
 * whole analysis.  Output is what json-c writes with
 * JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, byte for byte
 * (the golden tests and tests/check_json.c, which parses it back with json-c,
 * hold it to that).  Keys are the program's literals and are not escaped;
 * they are NULL inside arrays.  String values are escaped.
 *
 * Each keyed writer makes room once for the separator, the key and the
 * longest value it can write, then writes through a plain pointer: a record
 * of some 200 fields is most of what a short connection costs, so the
 * per-field work is kept to copying a literal and formatting a number.
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

/*
 * Room a number needs: an integer or seconds value (at most 20 digits, a
 * point and six decimals), and a fixed-decimals one, which for values
 * outside the fast path is printf's %.9f of up to DBL_MAX.
 */
#define JW_NUM_MAX	32
#define JW_FIXED_MAX	336

struct jw {
	char	*buf;
	size_t	 len;
	size_t	 cap;
	int	 depth;
	bool	 first[JW_MAX_DEPTH];
};

void	jw_reset(struct jw *);
void	jw_free(struct jw *);

/*
 * Number formatters: each writes at p, which has room for JW_NUM_MAX
 * (jw_put_fixed: JW_FIXED_MAX) bytes, and returns the end of what it wrote.
 */
char	*jw_put_digits(char *p, uint64_t);
char	*jw_put_seconds(char *p, uint64_t ns);
char	*jw_put_fixed(char *p, double, int decimals);

void	jw_str_v(struct jw *, const char *);
void	jw_grow(struct jw *, size_t n);
/*
 * Formatted text appended as it is, no JSON about it: a format that is not
 * JSON (the text report) builds its records in the same buffer, so the
 * report core moves every format's records one way.
 */
void	jw_printf(struct jw *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

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
 * Room for a separator, the key and then extra bytes; writes the separator
 * if needed and the key, and returns where the value goes.  Keys are the
 * program's own literals, never data, so they go out as they are; inline,
 * so that for a literal the length and the copy are worked out at compile
 * time.
 */
static inline char *
jw_key_p(struct jw *w, const char *key, size_t n, size_t extra)
{
	char *p;

	jw_reserve(w, n + 4 + extra);
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
	return p;
}

static inline void
jw_end_p(struct jw *w, char *p)
{
	w->len = (size_t)(p - w->buf);
}

#define JW_KEYLEN(key)	((key) != NULL ? strlen(key) : 0)

static inline void
jw_key(struct jw *w, const char *key)
{
	jw_end_p(w, jw_key_p(w, key, JW_KEYLEN(key), 0));
}

static inline void
jw_u64(struct jw *w, const char *key, uint64_t v)
{
	char *p = jw_key_p(w, key, JW_KEYLEN(key), JW_NUM_MAX);

	/* Most counters of most flows are small. */
	if (v < 10)
		*p++ = (char)('0' + v);
	else
		p = jw_put_digits(p, v);
	jw_end_p(w, p);
}

static inline void
jw_int(struct jw *w, const char *key, int64_t v)
{
	char *p = jw_key_p(w, key, JW_KEYLEN(key), JW_NUM_MAX);

	if (v < 0) {
		*p++ = '-';
		p = jw_put_digits(p, (uint64_t)0 - (uint64_t)v);
	} else
		p = jw_put_digits(p, (uint64_t)v);
	jw_end_p(w, p);
}

static inline void
jw_bool(struct jw *w, const char *key, bool v)
{
	char *p = jw_key_p(w, key, JW_KEYLEN(key), 5);

	if (v) {
		memcpy(p, "true", 4);
		p += 4;
	} else {
		memcpy(p, "false", 5);
		p += 5;
	}
	jw_end_p(w, p);
}

static inline void
jw_null(struct jw *w, const char *key)
{
	char *p = jw_key_p(w, key, JW_KEYLEN(key), 4);

	memcpy(p, "null", 4);
	jw_end_p(w, p + 4);
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
	char *p = jw_key_p(w, key, JW_KEYLEN(key), JW_NUM_MAX);

	jw_end_p(w, jw_put_seconds(p, ns));
}

/* A computed value with a fixed number of decimals (0 to 9). */
static inline void
jw_fixed(struct jw *w, const char *key, double v, int decimals)
{
	char *p = jw_key_p(w, key, JW_KEYLEN(key), JW_FIXED_MAX);

	jw_end_p(w, jw_put_fixed(p, v, decimals));
}

void	jw_push(struct jw *);

/* An object or array opens: its key if any, the bracket, a new level. */
static inline void
jw_open(struct jw *w, const char *key, char bracket)
{
	char *p = jw_key_p(w, key, JW_KEYLEN(key), 1);

	*p++ = bracket;
	jw_end_p(w, p);
	jw_push(w);
}

static inline void
jw_obj_begin(struct jw *w, const char *key)
{
	jw_open(w, key, '{');
}

static inline void
jw_arr_begin(struct jw *w, const char *key)
{
	jw_open(w, key, '[');
}

static inline void
jw_obj_end(struct jw *w)
{
	w->depth--;
	jw_char(w, '}');
}

static inline void
jw_arr_end(struct jw *w)
{
	w->depth--;
	jw_char(w, ']');
}

#endif
