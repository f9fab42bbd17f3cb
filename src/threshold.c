/*
 * The --assert expression language: see threshold.h.  Fields are the
 * summary metrics of the metric table (metrics.c); nothing is evaluated but
 * one comparison.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "threshold.h"
#include "xmalloc.h"

static const char *const op_names[] = { "<", "<=", ">", ">=", "==", "!=" };

const char *
assert_op_name(enum assert_op op)
{
	return op_names[op];
}

/*
 * The value of field, from the metric table; false when it has none.
 * *known says whether the name exists at all (checked at parse time with
 * empty data).
 */
static bool
field_value(const char *field, const struct report_summary *sm,
    const struct analyzer *an, bool *known, double *out)
{
	struct metric_src src = { .summary = sm, .an = an };
	const struct metric *m;
	const char *arg;

	if ((m = metric_find(METRIC_SUMMARY, field, &arg)) == NULL) {
		*known = false;
		return false;
	}
	return metric_read(m, &src, arg, known, out);
}

int
assertion_parse(const char *text, struct assertion *a, char *errbuf,
    size_t len)
{
	static const struct report_summary empty;
	const char *p = text, *start;
	char *end;
	double v;
	bool known;

	memset(a, 0, sizeof *a);
	while (isspace((unsigned char)*p))
		p++;
	start = p;
	while (isalnum((unsigned char)*p) || *p == '_' || *p == '.')
		p++;
	if (p == start) {
		snprintf(errbuf, len, "--assert '%s': expected a field name "
		    "first", text);
		return -1;
	}
	a->field = xmalloc((size_t)(p - start) + 1);
	memcpy(a->field, start, (size_t)(p - start));
	a->field[p - start] = '\0';
	while (isspace((unsigned char)*p))
		p++;
	if (strncmp(p, "<=", 2) == 0) { a->op = AOP_LE; p += 2; }
	else if (strncmp(p, ">=", 2) == 0) { a->op = AOP_GE; p += 2; }
	else if (strncmp(p, "==", 2) == 0) { a->op = AOP_EQ; p += 2; }
	else if (strncmp(p, "!=", 2) == 0) { a->op = AOP_NE; p += 2; }
	else if (*p == '<') { a->op = AOP_LT; p++; }
	else if (*p == '>') { a->op = AOP_GT; p++; }
	else {
		snprintf(errbuf, len, "--assert '%s': expected one of "
		    "< <= > >= == != after '%s'", text, a->field);
		goto fail;
	}
	while (isspace((unsigned char)*p))
		p++;
	errno = 0;
	v = strtod(p, &end);
	if (end == p || errno != 0 || !isfinite(v)) {
		snprintf(errbuf, len, "--assert '%s': expected a number after "
		    "'%s'", text, op_names[a->op]);
		goto fail;
	}
	p = end;
	if (strncmp(p, "ms", 2) == 0) { v /= 1e3; p += 2; }
	else if (strncmp(p, "us", 2) == 0) { v /= 1e6; p += 2; }
	else if (*p == 's') p++;
	else if (*p == '%') { v /= 100; p++; }
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '\0') {
		snprintf(errbuf, len, "--assert '%s': unexpected '%s' at the "
		    "end", text, p);
		goto fail;
	}
	a->threshold = v;
	(void)field_value(a->field, &empty, NULL, &known, &v);
	if (!known) {
		snprintf(errbuf, len, "--assert '%s': unknown field '%s' (the "
		    "fields are listed in transcope(1), ASSERTIONS)", text,
		    a->field);
		goto fail;
	}
	a->text = xstrdup(text);
	return 0;
fail:
	free(a->field);
	a->field = NULL;
	return -1;
}

void
assertion_eval(struct assertion *a, const struct report_summary *sm,
    const struct analyzer *an)
{
	bool known;
	double x;

	a->have_actual = field_value(a->field, sm, an, &known, &x);
	a->actual = a->have_actual ? x : 0;
	if (!a->have_actual) {
		a->passed = false;
		return;
	}
	switch (a->op) {
	case AOP_LT: a->passed = x < a->threshold; break;
	case AOP_LE: a->passed = x <= a->threshold; break;
	case AOP_GT: a->passed = x > a->threshold; break;
	case AOP_GE: a->passed = x >= a->threshold; break;
	case AOP_EQ: a->passed = x == a->threshold; break;
	case AOP_NE: a->passed = x != a->threshold; break;
	}
}

void
assertion_clear(struct assertion *a)
{
	free(a->text);
	free(a->field);
	memset(a, 0, sizeof *a);
}
