/*
 * transcope diff: what changed between two paired flows, and between the
 * two captures (see diff.h).
 *
 * What is compared comes from the metric table (metrics.c): each flow and
 * direction metric names its tolerance family.  The families below give
 * each family's default tolerance and whether it holds times, and their
 * order; --tolerance, --ignore and the JSON output's tolerances follow it
 * (diff's --help lists the families again, by hand).
 * A field is compared only when both reports have it as a number or null; a
 * move beyond the family's tolerance, or to or from null, is a change,
 * recorded with references to both values and the difference written as
 * precisely as its operands were.  The list of changes is in output order:
 * the capture, then matched flows by new id (state, history, flow fields,
 * then c2s and s2c), then flows added, then removed.
 */
#include "config.h"

#include <json-c/json.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "metrics.h"
#include "xmalloc.h"

/* The order here is the order of the output and of the tolerances. */
const struct diff_family diff_families[] = {
	{ "packets",		"0",	false },
	{ "bytes",		"0",	false },
	{ "retransmissions",	"0",	false },
	{ "out_of_order",	"0",	false },
	{ "lost_segments",	"0",	false },
	{ "network_duplicates",	"0",	false },
	{ "dup_acks",		"0",	false },
	{ "zero_window",	"0",	true },
	{ "rtt",		"10%",	true },
	{ "rto",		"20%",	true },
	{ "throughput",		"20%",	false },
	{ "handshake",		"10%",	true },
	{ "duration",		"10%",	true },
};
_Static_assert(sizeof diff_families / sizeof diff_families[0] ==
    DIFF_NFAMILIES, "DIFF_NFAMILIES is the length of diff_families");

void
diff_tolerance_format(const struct diff_tolerance *t, char *buf, size_t len)
{
	if (t->off)
		snprintf(buf, len, "off");
	else if (t->relative)
		snprintf(buf, len, "%g%%", t->value);
	else
		snprintf(buf, len, "%g", t->value);
}

static struct diff_change *
change_add(struct diff_changes *cs, enum diff_change_kind kind, bool counted,
    const struct diff_flow *o, const struct diff_flow *n, const char *field)
{
	struct diff_change	*c;

	if (cs->n == cs->alloc) {
		cs->alloc = cs->alloc == 0 ? 16 : cs->alloc * 2;
		cs->v = xreallocarray(cs->v, cs->alloc, sizeof *cs->v);
	}
	c = &cs->v[cs->n++];
	memset(c, 0, sizeof *c);
	c->kind = kind;
	c->counted = counted;
	c->o = o;
	c->n = n;
	if (field != NULL)
		snprintf(c->field, sizeof c->field, "%s", field);
	if (counted)
		cs->counted++;
	else
		cs->uncounted++;
	return c;
}

void
diff_changes_free(struct diff_changes *cs)
{
	size_t	i;

	for (i = 0; i < cs->n; i++) {
		json_object_put(cs->v[i].oldv);
		json_object_put(cs->v[i].newv);
		json_object_put(cs->v[i].delta);
	}
	free(cs->v);
}

enum vkind { V_ABSENT, V_NULL, V_NUM };

/* Look up a dotted path of at most a few components. */
static enum vkind
path_get(json_object *o, const char *path, json_object **out)
{
	char		 key[64];
	const char	*p = path, *dot;
	size_t		 len;

	*out = NULL;
	for (;;) {
		dot = strchr(p, '.');
		len = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (len >= sizeof key)
			return V_ABSENT;
		memcpy(key, p, len);
		key[len] = '\0';
		if (o == NULL || !json_object_is_type(o, json_type_object) ||
		    !json_object_object_get_ex(o, key, &o))
			return V_ABSENT;
		if (dot == NULL)
			break;
		p = dot + 1;
	}
	*out = o;
	if (o == NULL)
		return V_NULL;
	if (json_object_is_type(o, json_type_int) ||
	    json_object_is_type(o, json_type_double))
		return V_NUM;
	return V_ABSENT;
}

/* Decimals written after the point, or -1 for an exponent form. */
static int
decimals(json_object *v)
{
	const char	*s, *dot;
	int		 n = 0;

	s = json_object_to_json_string_ext(v, DIFF_JSON_FLAGS);
	if (strpbrk(s, "eE") != NULL)
		return -1;
	if ((dot = strchr(s, '.')) == NULL)
		return 0;
	for (dot++; *dot >= '0' && *dot <= '9'; dot++)
		n++;
	return n;
}

/*
 * The difference new - old, as a JSON number written like its operands;
 * NULL when it is not finite.
 */
static json_object *
delta_make(json_object *ov, json_object *nv)
{
	char	buf[64];
	int64_t	a, b;
	double	d;
	int	da, db;

	if (json_object_is_type(ov, json_type_int) &&
	    json_object_is_type(nv, json_type_int)) {
		a = json_object_get_int64(ov);
		b = json_object_get_int64(nv);
		if (!((a < 0 && b > INT64_MAX + a) ||
		    (a > 0 && b < INT64_MIN + a)))
			return json_object_new_int64(b - a);
	}
	d = json_object_get_double(nv) - json_object_get_double(ov);
	if (!isfinite(d))
		return NULL;
	da = decimals(ov);
	db = decimals(nv);
	if (da < 0 || db < 0)
		snprintf(buf, sizeof buf, "%.9g", d);
	else {
		if (da < db)
			da = db;
		if (da > 12)
			da = 12;
		snprintf(buf, sizeof buf, "%.*f", da, d);
		if (strspn(buf, "-0.") == strlen(buf) && buf[0] == '-')
			memmove(buf, buf + 1, strlen(buf));
	}
	return json_object_new_double_s(d, buf);
}

/* Is the move from ov to nv (both present) beyond t? */
static bool
beyond(const struct diff_tolerance *t, enum vkind ok,
    json_object *ov, enum vkind nk, json_object *nv)
{
	double	a, b, d, limit;

	if (ok == V_NULL || nk == V_NULL)
		return ok != nk;
	a = json_object_get_double(ov);
	b = json_object_get_double(nv);
	if (!isfinite(a) || !isfinite(b))
		return strcmp(json_object_to_json_string(ov),
		    json_object_to_json_string(nv)) != 0;
	d = fabs(b - a);
	if (t->relative)
		limit = t->value * fabs(a) / 100;
	else
		limit = t->value;
	/* Slack for binary floating point, far below any written digit. */
	return d > limit + limit * 1e-9;
}

static void
compare_field(struct diff_changes *cs, const struct diff_flow *o,
    const struct diff_flow *n, json_object *oo, json_object *no,
    const char *prefix, const struct diff_field *f,
    const struct diff_tolerance *t)
{
	struct diff_change	*c;
	json_object		*ov, *nv;
	enum vkind		 ok, nk;
	struct diff_tolerance	 eff = *t;
	char			 name[64];
	double			 a, b;

	ok = path_get(oo, f->path, &ov);
	nk = path_get(no, f->path, &nv);
	if (ok == V_ABSENT || nk == V_ABSENT)
		return;
	if (f->count_only && eff.relative) {
		eff.relative = false;
		eff.value = 0;
	}
	if (!beyond(&eff, ok, ov, nk, nv))
		return;
	if (prefix != NULL)
		snprintf(name, sizeof name, "%s.%s", prefix, f->path);
	else
		snprintf(name, sizeof name, "%s", f->path);
	c = change_add(cs, o != NULL ? CH_METRIC : CH_CAPTURE, true, o, n,
	    name);
	c->oldv = json_object_get(ov);
	c->newv = json_object_get(nv);
	if (ok == V_NUM && nk == V_NUM) {
		c->delta = delta_make(ov, nv);
		a = json_object_get_double(ov);
		b = json_object_get_double(nv);
		if (eff.relative && a != 0 && isfinite(a) && isfinite(b))
			snprintf(c->pct, sizeof c->pct, "%+.1f%%",
			    (b - a) / fabs(a) * 100);
	}
	diff_tolerance_format(&eff, c->tol, sizeof c->tol);
}

static void
compare_string(struct diff_changes *cs, const struct diff_flow *o,
    const struct diff_flow *n, const char *key, enum diff_change_kind kind,
    bool counted)
{
	struct diff_change	*c;
	json_object		*ov, *nv;

	ov = diff_obj_get(o->obj, key);
	nv = diff_obj_get(n->obj, key);
	if (ov == NULL || nv == NULL ||
	    !json_object_is_type(ov, json_type_string) ||
	    !json_object_is_type(nv, json_type_string))
		return;
	if (strcmp(json_object_get_string(ov), json_object_get_string(nv)) == 0)
		return;
	c = change_add(cs, kind, counted, o, n, key);
	c->oldv = json_object_get(ov);
	c->newv = json_object_get(nv);
}

/*
 * Compare the fields of one scope of the metric table that belong to
 * family i, in the table's order.
 */
static void
compare_family(struct diff_changes *cs, const struct diff_flow *o,
    const struct diff_flow *n, json_object *oo, json_object *no,
    const char *prefix, enum metric_scope scope, size_t i,
    const struct diff_tolerance *tol)
{
	const struct metric	*t;
	size_t			 k, nmetrics;

	t = metrics_table(&nmetrics);
	for (k = 0; k < nmetrics; k++) {
		struct diff_field f;

		if (t[k].scope != scope || t[k].family == NULL ||
		    strcmp(t[k].family, diff_families[i].name) != 0)
			continue;
		f.path = t[k].json;
		f.scope = scope == METRIC_DIR ? SCOPE_DIR : SCOPE_FLOW;
		f.count_only = (t[k].flags & METRIC_COUNT_ONLY) != 0;
		compare_field(cs, o, n, oo, no, prefix, &f, tol);
	}
}

static void
compare_flows(struct diff_changes *cs, const struct diff_flow *o,
    const struct diff_flow *n, const struct diff_options *opt)
{
	static const char *const dirs[] = { "c2s", "s2c" };
	size_t			 i, d;

	compare_string(cs, o, n, "state", CH_STATE, true);
	compare_string(cs, o, n, "history", CH_HISTORY, opt->strict);
	for (i = 0; i < DIFF_NFAMILIES; i++)
		if (!opt->tol[i].off)
			compare_family(cs, o, n, o->obj, n->obj, NULL,
			    METRIC_FLOW, i, &opt->tol[i]);
	for (d = 0; d < 2; d++)
		for (i = 0; i < DIFF_NFAMILIES; i++)
			if (!opt->tol[i].off)
				compare_family(cs, o, n,
				    diff_obj_get(o->obj, dirs[d]),
				    diff_obj_get(n->obj, dirs[d]), dirs[d],
				    METRIC_DIR, i, &opt->tol[i]);
}

/* Sum of capture.undecoded, or NULL when it is not an object. */
static json_object *
undecoded_total(json_object *root)
{
	json_object	*u;
	int64_t		 sum = 0, v;

	u = diff_obj_get(diff_obj_get(root, "capture"), "undecoded");

	if (u == NULL || !json_object_is_type(u, json_type_object))
		return NULL;
	json_object_object_foreach(u, key, val) {
		(void)key;
		if (!json_object_is_type(val, json_type_int))
			continue;
		v = json_object_get_int64(val);
		if (v > 0)
			sum = v > INT64_MAX - sum ? INT64_MAX : sum + v;
	}
	return json_object_new_int64(sum);
}

static void
compare_capture(struct diff_changes *cs, const struct diff_report *o,
    const struct diff_report *n, const struct diff_options *opt)
{
	static const struct diff_field packets = { "packets", SCOPE_FLOW,
	    false };
	static const struct diff_field undecoded = { "undecoded", SCOPE_FLOW,
	    false };
	json_object		*ou, *nu, *oc, *nc;

	if (opt->tol[DIFF_FAMILY_PACKETS].off)
		return;
	compare_field(cs, NULL, NULL, diff_obj_get(o->root, "capture"),
	    diff_obj_get(n->root, "capture"), NULL, &packets,
	    &opt->tol[DIFF_FAMILY_PACKETS]);
	ou = undecoded_total(o->root);
	nu = undecoded_total(n->root);
	if (ou != NULL && nu != NULL) {
		oc = json_object_new_object();
		nc = json_object_new_object();
		json_object_object_add(oc, "undecoded", ou);
		json_object_object_add(nc, "undecoded", nu);
		compare_field(cs, NULL, NULL, oc, nc, NULL, &undecoded,
		    &opt->tol[DIFF_FAMILY_PACKETS]);
		json_object_put(oc);
		json_object_put(nc);
	} else {
		json_object_put(ou);
		json_object_put(nu);
	}
}

void
diff_compare(struct diff_changes *cs, const struct diff_report *o,
    const struct diff_report *n, const struct diff_options *opt)
{
	size_t	i;

	memset(cs, 0, sizeof *cs);
	compare_capture(cs, o, n, opt);
	for (i = 0; i < n->nflows; i++) {
		if (n->byid[i]->peer != NULL) {
			cs->matched++;
			compare_flows(cs, n->byid[i]->peer, n->byid[i], opt);
		}
	}
	for (i = 0; i < n->nflows; i++) {
		if (n->byid[i]->peer == NULL) {
			cs->added++;
			change_add(cs, CH_ADDED, true, NULL, n->byid[i], NULL);
		}
	}
	for (i = 0; i < o->nflows; i++) {
		if (o->byid[i]->peer == NULL) {
			cs->removed++;
			change_add(cs, CH_REMOVED, true, o->byid[i], NULL,
			    NULL);
		}
	}
}
