/*
 * Streaming JSON writer: see jsonw.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "xmalloc.h"

void
jw_grow(struct jw *w, size_t n)
{
	while (w->len + n > w->cap)
		w->cap = w->cap ? w->cap * 2 : 4096;
	w->buf = xreallocarray(w->buf, w->cap, 1);
}

/* The string with json-c's escapes (no slash escape). */
static void
jw_quoted(struct jw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n;

	/* The common case, nothing to escape: one copy. */
	for (n = 0; s[n] != '\0'; n++)
		if ((unsigned char)s[n] < 0x20 || s[n] == '"' || s[n] == '\\')
			break;
	if (s[n] == '\0') {
		jw_reserve(w, n + 2);
		w->buf[w->len++] = '"';
		memcpy(w->buf + w->len, s, n);
		w->len += n;
		w->buf[w->len++] = '"';
		return;
	}
	jw_char(w, '"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '"':  jw_raw(w, "\\\"", 2); break;
		case '\\': jw_raw(w, "\\\\", 2); break;
		case '\b': jw_raw(w, "\\b", 2); break;
		case '\f': jw_raw(w, "\\f", 2); break;
		case '\n': jw_raw(w, "\\n", 2); break;
		case '\r': jw_raw(w, "\\r", 2); break;
		case '\t': jw_raw(w, "\\t", 2); break;
		default:
			if (c < 0x20) {
				char u[6] = { '\\', 'u', '0', '0', hex[c >> 4],
				    hex[c & 15] };

				jw_raw(w, u, sizeof u);
			} else
				jw_char(w, (char)c);
		}
	}
	jw_char(w, '"');
}

static const char digit_pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

/* Decimal digits of v, written backwards ending at end; returns the start. */
static char *
digits_back(char *end, uint64_t v)
{
	while (v >= 100) {
		unsigned i = (unsigned)(v % 100) * 2;

		v /= 100;
		*--end = digit_pairs[i + 1];
		*--end = digit_pairs[i];
	}
	if (v >= 10) {
		*--end = digit_pairs[v * 2 + 1];
		*--end = digit_pairs[v * 2];
	} else
		*--end = (char)('0' + v);
	return end;
}

void
jw_digits(struct jw *w, uint64_t v)
{
	char tmp[24], *start;

	if (v < 10) {
		jw_char(w, (char)('0' + v));
		return;
	}
	start = digits_back(tmp + sizeof tmp, v);
	jw_raw(w, start, (size_t)(tmp + sizeof tmp - start));
}

void
jw_reset(struct jw *w)
{
	w->len = 0;
	w->depth = 0;
	w->first[0] = true;
}

void
jw_free(struct jw *w)
{
	free(w->buf);
	memset(w, 0, sizeof *w);
}

static void
jw_open(struct jw *w, const char *key, char c)
{
	jw_key(w, key);
	jw_char(w, c);
	if (w->depth + 1 >= JW_MAX_DEPTH)
		fatalx("JSON nested too deep");
	w->first[++w->depth] = true;
}

void
jw_obj_begin(struct jw *w, const char *key)
{
	jw_open(w, key, '{');
}

void
jw_obj_end(struct jw *w)
{
	w->depth--;
	jw_char(w, '}');
}

void
jw_arr_begin(struct jw *w, const char *key)
{
	jw_open(w, key, '[');
}

void
jw_arr_end(struct jw *w)
{
	w->depth--;
	jw_char(w, ']');
}

void
jw_int_v(struct jw *w, int64_t v)
{
	if (v < 0) {
		jw_char(w, '-');
		jw_digits(w, (uint64_t)0 - (uint64_t)v);
	} else
		jw_digits(w, (uint64_t)v);
}

void
jw_bool_v(struct jw *w, bool v)
{
	if (v)
		jw_raw(w, "true", 4);
	else
		jw_raw(w, "false", 5);
}

void
jw_null_v(struct jw *w)
{
	jw_raw(w, "null", 4);
}

void
jw_str_v(struct jw *w, const char *s)
{
	jw_quoted(w, s);
}

void
jw_seconds_v(struct jw *w, uint64_t ns)
{
	uint64_t us = ns % 1000000000u / 1000u;
	char tmp[32], *end = tmp + sizeof tmp, *p = end;
	unsigned i;

	/* Six decimals: three pairs, then the integer part. */
	for (i = 0; i < 3; i++) {
		unsigned k = (unsigned)(us % 100) * 2;

		us /= 100;
		*--p = digit_pairs[k + 1];
		*--p = digit_pairs[k];
	}
	*--p = '.';
	p = digits_back(p, ns / 1000000000u);
	jw_raw(w, p, (size_t)(end - p));
}

void
jw_fixed_v(struct jw *w, double v, int decimals)
{
	static const double p10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
	    1e8, 1e9 };
	char buf[64];
	double x, r;
	uint64_t n, ip, fp, scale;
	int i, len;

	if (!(v >= 0 && v < 1e9) || decimals < 0 || decimals > 9) {
		/* Out of the fast path's range: printf, which is exact. */
		len = snprintf(buf, sizeof buf, "%.*f", decimals, v);
		if (len > 0)
			jw_raw(w, buf, (size_t)len < sizeof buf ? (size_t)len :
			    sizeof buf - 1);
		return;
	}
	/* Integer formatting, rounding half to even on a tie as printf. */
	x = v * p10[decimals];
	r = (double)(uint64_t)x;
	n = (uint64_t)r;
	if (x - r > 0.5 || (x - r == 0.5 && (n & 1)))
		n++;
	scale = (uint64_t)p10[decimals];
	ip = n / scale;
	fp = n % scale;
	jw_digits(w, ip);
	if (decimals == 0)
		return;
	buf[0] = '.';
	for (i = decimals; i >= 1; i--) {
		buf[i] = (char)('0' + fp % 10);
		fp /= 10;
	}
	jw_raw(w, buf, (size_t)decimals + 1);
}
