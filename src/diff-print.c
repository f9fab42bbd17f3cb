/*
 * transcope diff: the changes as text, one line each between a header and a
 * verdict, or as one JSON document: {"diff": header, "changes": [...]} with
 * one change a line (see diff.h; the fields are in transcope(1)).
 *
 * Strings come from the reports, which may hold anything: text output
 * escapes all but printable ASCII, and JSON output goes through json-c.
 */
#include "config.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "diff.h"

static const char *const kind_names[] = {
	"metric", "state", "history", "added", "removed", "capture"
};

/* Text from a report, with anything but printable ASCII escaped. */
static void
put_text(FILE *out, const char *s)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '\\')
			fputc(*p, out);
		else
			fprintf(out, "\\x%02x", *p);
	}
}

static void
value_text(FILE *out, json_object *v)
{
	if (v == NULL)
		fputs("null", out);
	else if (json_object_is_type(v, json_type_string))
		put_text(out, json_object_get_string(v));
	else
		put_text(out, json_object_to_json_string_ext(v,
		    DIFF_JSON_FLAGS));
}

static void
endpoint_text(FILE *out, const char *ip, int64_t port)
{
	char	p[32];

	if (port >= 0)
		snprintf(p, sizeof p, "%lld", (long long)port);
	else
		snprintf(p, sizeof p, "?");
	if (ip == NULL)
		fprintf(out, "?:%s", p);
	else if (strchr(ip, ':') != NULL) {
		fputc('[', out);
		put_text(out, ip);
		fprintf(out, "]:%s", p);
	} else {
		put_text(out, ip);
		fprintf(out, ":%s", p);
	}
}

static void
flow_text(FILE *out, const struct diff_flow *fr, const struct diff_flow *old)
{
	fprintf(out, "flow %lld", (long long)fr->id);
	if (old != NULL && old->cport != fr->cport && old->cport >= 0)
		fprintf(out, " (old %lld, client port %lld)",
		    (long long)old->id, (long long)old->cport);
	else if (old != NULL && old->id != fr->id)
		fprintf(out, " (old %lld)", (long long)old->id);
	fputc(' ', out);
	put_text(out, fr->proto != NULL ? fr->proto : "?");
	fputc(' ', out);
	endpoint_text(out, fr->cip, fr->cport);
	fputs(" -> ", out);
	endpoint_text(out, fr->sip, fr->sport);
}

static void
change_text(FILE *out, const struct diff_change *c)
{
	const char	*d;

	switch (c->kind) {
	case CH_ADDED:
		fputs("added: ", out);
		flow_text(out, c->n, NULL);
		fputc('\n', out);
		return;
	case CH_REMOVED:
		fputs("removed: ", out);
		flow_text(out, c->o, NULL);
		fputc('\n', out);
		return;
	case CH_CAPTURE:
		fputs("capture", out);
		break;
	default:
		flow_text(out, c->n, c->o);
		break;
	}
	fprintf(out, ": %s ", c->field);
	value_text(out, c->oldv);
	fputs(" -> ", out);
	value_text(out, c->newv);
	if (c->kind == CH_HISTORY && !c->counted)
		fputs(" (not counted without --strict)", out);
	if (c->tol[0] != '\0') {
		fputs(" (", out);
		if (c->delta != NULL) {
			d = json_object_to_json_string_ext(c->delta,
			    DIFF_JSON_FLAGS);
			fprintf(out, "%s%s, ", *d != '-' ? "+" : "", d);
		}
		if (c->pct[0] != '\0')
			fprintf(out, "%s, ", c->pct);
		fprintf(out, "tolerance %s)", c->tol);
	}
	fputc('\n', out);
}

static void
plural(FILE *out, size_t n, const char *one, const char *many)
{
	fprintf(out, "%zu %s", n, n == 1 ? one : many);
}

void
diff_print_text(FILE *out, const struct diff_report *o,
    const struct diff_report *n, const struct diff_changes *cs)
{
	size_t	i;

	fprintf(out, "transcope diff %s %s\n", o->path, n->path);
	plural(out, cs->matched, "flow", "flows");
	fprintf(out, " matched, %zu added, %zu removed; ", cs->added,
	    cs->removed);
	plural(out, cs->counted, "change", "changes");
	fputs(" beyond tolerance", out);
	if (cs->uncounted != 0) {
		fputs(", ", out);
		plural(out, cs->uncounted, "history change", "history changes");
		fputs(" not counted", out);
	}
	fputc('\n', out);
	for (i = 0; i < cs->n; i++)
		change_text(out, &cs->v[i]);
	if (cs->counted == 0)
		fputs("within tolerance\n", out);
	else {
		plural(out, cs->counted, "change", "changes");
		fputs(" beyond tolerance\n", out);
	}
}

static json_object *
endpoint_json(const char *ip, int64_t port)
{
	json_object	*e = json_object_new_object();

	json_object_object_add(e, "ip",
	    ip != NULL ? json_object_new_string(ip) : NULL);
	json_object_object_add(e, "port",
	    port >= 0 ? json_object_new_int64(port) : NULL);
	return e;
}

static json_object *
change_json(const struct diff_change *c)
{
	const struct diff_flow	*fr = c->n != NULL ? c->n : c->o;
	json_object		*j = json_object_new_object();

	json_object_object_add(j, "kind", json_object_new_string(
	    kind_names[c->kind]));
	json_object_object_add(j, "counted", json_object_new_boolean(
	    c->counted));
	json_object_object_add(j, "flow_old",
	    c->o != NULL ? json_object_new_int64(c->o->id) : NULL);
	json_object_object_add(j, "flow_new",
	    c->n != NULL ? json_object_new_int64(c->n->id) : NULL);
	if (fr != NULL) {
		json_object_object_add(j, "proto", fr->proto != NULL ?
		    json_object_new_string(fr->proto) : NULL);
		json_object_object_add(j, "client",
		    endpoint_json(fr->cip, fr->cport));
		json_object_object_add(j, "server",
		    endpoint_json(fr->sip, fr->sport));
	} else {
		json_object_object_add(j, "proto", NULL);
		json_object_object_add(j, "client", NULL);
		json_object_object_add(j, "server", NULL);
	}
	json_object_object_add(j, "field", c->field[0] != '\0' ?
	    json_object_new_string(c->field) : NULL);
	json_object_object_add(j, "old", json_object_get(c->oldv));
	json_object_object_add(j, "new", json_object_get(c->newv));
	json_object_object_add(j, "delta", json_object_get(c->delta));
	json_object_object_add(j, "tolerance", c->tol[0] != '\0' ?
	    json_object_new_string(c->tol) : NULL);
	return j;
}

void
diff_print_json(FILE *out, const struct diff_report *o,
    const struct diff_report *n, const struct diff_changes *cs,
    const struct diff_options *opt)
{
	json_object	*h, *t, *j;
	char		 buf[32];
	size_t		 i;

	h = json_object_new_object();
	json_object_object_add(h, "old", json_object_new_string(o->path));
	json_object_object_add(h, "new", json_object_new_string(n->path));
	json_object_object_add(h, "matched", json_object_new_int64(
	    (int64_t)cs->matched));
	json_object_object_add(h, "added", json_object_new_int64(
	    (int64_t)cs->added));
	json_object_object_add(h, "removed", json_object_new_int64(
	    (int64_t)cs->removed));
	json_object_object_add(h, "changes", json_object_new_int64(
	    (int64_t)cs->counted));
	json_object_object_add(h, "uncounted", json_object_new_int64(
	    (int64_t)cs->uncounted));
	json_object_object_add(h, "within_tolerance", json_object_new_boolean(
	    cs->counted == 0));
	json_object_object_add(h, "strict", json_object_new_boolean(
	    opt->strict));
	t = json_object_new_object();
	for (i = 0; i < DIFF_NFAMILIES; i++) {
		diff_tolerance_format(&opt->tol[i], buf, sizeof buf);
		json_object_object_add(t, diff_families[i].name,
		    json_object_new_string(buf));
	}
	json_object_object_add(h, "tolerances", t);
	fprintf(out, "{\"diff\":%s,\n\"changes\":[",
	    json_object_to_json_string_ext(h, DIFF_JSON_FLAGS));
	json_object_put(h);
	for (i = 0; i < cs->n; i++) {
		j = change_json(&cs->v[i]);
		fprintf(out, "%s\n%s", i == 0 ? "" : ",",
		    json_object_to_json_string_ext(j, DIFF_JSON_FLAGS));
		json_object_put(j);
	}
	fputs("]}\n", out);
}
