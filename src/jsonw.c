/*
 * Streaming JSON writer: see jsonw.h.
 */
#include "config.h"

#include <math.h>
#include <stdarg.h>
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

static unsigned
digit_count(uint64_t v)
{
	unsigned n = 1;

	for (;;) {
		if (v < 10)
			return n;
		if (v < 100)
			return n + 1;
		if (v < 1000)
			return n + 2;
		if (v < 10000)
			return n + 3;
		v /= 10000;
		n += 4;
	}
}

char *
jw_put_digits(char *p, uint64_t v)
{
	char *end = p + digit_count(v);

	digits_back(end, v);
	return end;
}

/* Two digits of v < 100. */
static char *
put_pair(char *p, unsigned v)
{
	memcpy(p, digit_pairs + v * 2, 2);
	return p + 2;
}

char *
jw_put_seconds(char *p, uint64_t ns)
{
	uint64_t s = ns / 1000000000u;
	unsigned us = (unsigned)(ns % 1000000000u / 1000u);

	p = jw_put_digits(p, s);
	*p++ = '.';
	p = put_pair(p, us / 10000);
	p = put_pair(p, us / 100 % 100);
	return put_pair(p, us % 100);
}

/*
 * printf("%.*f") rounds the exact binary value of v.  v * 10^decimals is
 * rounded once more when it is computed; that can only matter when the
 * product lands exactly on a half (below 2^52 its fraction is a multiple of
 * its ulp, so any other fraction stays on its side of the half), and there
 * fma() gives the exact remainder that decides it.  Larger values, negative
 * ones and non-numbers go to printf.
 */
char *
jw_put_fixed(char *p, double v, int decimals)
{
	static const double p10[] = { 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
	    1e8, 1e9 };
	char tmp[40], *end = tmp + sizeof tmp, *q = end;
	double x = 0, r;
	uint64_t n;
	int i, len;

	if (decimals >= 0 && decimals <= 9)
		x = v * p10[decimals];
	if (decimals < 0 || decimals > 9 || !(v >= 0) || signbit(v) ||
	    !(x < 4503599627370496.0)) {
		len = snprintf(p, JW_FIXED_MAX, "%.*f", decimals, v);
		if (len < 0)
			len = 0;
		else if (len >= JW_FIXED_MAX)
			len = JW_FIXED_MAX - 1;
		return p + len;
	}
	r = (double)(uint64_t)x;
	n = (uint64_t)r;
	if (x - r > 0.5)
		n++;
	else if (x - r == 0.5) {
		double rest = fma(v, p10[decimals], -x);

		if (rest > 0 || (rest == 0 && (n & 1)))
			n++;
	}
	if (decimals == 0)
		return jw_put_digits(p, n);
	for (i = decimals; i >= 2; i -= 2) {
		unsigned k = (unsigned)(n % 100) * 2;

		n /= 100;
		*--q = digit_pairs[k + 1];
		*--q = digit_pairs[k];
	}
	if (i == 1) {
		*--q = (char)('0' + n % 10);
		n /= 10;
	}
	*--q = '.';
	q = digits_back(q, n);
	memcpy(p, q, (size_t)(end - q));
	return p + (end - q);
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

void
jw_push(struct jw *w)
{
	if (w->depth + 1 >= JW_MAX_DEPTH)
		fatalx("JSON nested too deep");
	w->first[++w->depth] = true;
}

void
jw_str_v(struct jw *w, const char *s)
{
	jw_quoted(w, s);
}

void
jw_printf(struct jw *w, const char *fmt, ...)
{
	va_list ap;
	size_t room;
	int n;

	/* Most text records fit the room left; else grow once and redo. */
	jw_reserve(w, 256);
	room = w->cap - w->len;
	va_start(ap, fmt);
	n = vsnprintf(w->buf + w->len, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= room) {
		jw_reserve(w, (size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(w->buf + w->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	w->len += (size_t)n;
}
