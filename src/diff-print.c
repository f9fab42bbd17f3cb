/*
 * transcope diff: the changes as text, one line each between a header and a
 * verdict, or as one JSON document: {"diff": header, "changes": [...]} with
 * one change a line (see diff.h; the fields are in transcope(1)).
 *
 * Strings come from the reports, which may hold anything: text output
 * escapes all but printable ASCII, and JSON output escapes as jsonw does.
 */
#include "config.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "diff.h"
#include "jsonw.h"

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
	if (fr->tunnel_short[0] != '\0') {
		fputs(" in ", out);
		put_text(out, fr->tunnel_short);
	}
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

/* A string member, or null. */
static void
put_str_or_null(struct jw *w, const char *key, const char *s)
{
	if (s != NULL)
		jw_str(w, key, s);
	else
		jw_null(w, key);
}

/*
 * A value taken from one of the reports, written as that report had it
 * (json-c reads it and gives its text back; the writing is jsonw's).
 */
static void
put_value(struct jw *w, const char *key, json_object *v)
{
	const char *text = v != NULL ?
	    json_object_to_json_string_ext(v, DIFF_JSON_FLAGS) : "null";

	jw_key(w, key);
	jw_raw(w, text, strlen(text));
}

static void
endpoint_json(struct jw *w, const char *key, const char *ip, int64_t port)
{
	jw_obj_begin(w, key);
	put_str_or_null(w, "ip", ip);
	if (port >= 0)
		jw_int(w, "port", port);
	else
		jw_null(w, "port");
	jw_obj_end(w);
}

static void
change_json(struct jw *w, const struct diff_change *c)
{
	const struct diff_flow	*fr = c->n != NULL ? c->n : c->o;

	jw_obj_begin(w, NULL);
	jw_str(w, "kind", kind_names[c->kind]);
	jw_bool(w, "counted", c->counted);
	if (c->o != NULL)
		jw_int(w, "flow_old", c->o->id);
	else
		jw_null(w, "flow_old");
	if (c->n != NULL)
		jw_int(w, "flow_new", c->n->id);
	else
		jw_null(w, "flow_new");
	if (fr != NULL) {
		put_str_or_null(w, "proto", fr->proto);
		endpoint_json(w, "client", fr->cip, fr->cport);
		endpoint_json(w, "server", fr->sip, fr->sport);
		if (fr->tunnel != NULL)
			put_value(w, "tunnel", fr->tunnel);
	} else {
		jw_null(w, "proto");
		jw_null(w, "client");
		jw_null(w, "server");
	}
	put_str_or_null(w, "field", c->field[0] != '\0' ? c->field : NULL);
	put_value(w, "old", c->oldv);
	put_value(w, "new", c->newv);
	put_value(w, "delta", c->delta);
	put_str_or_null(w, "tolerance", c->tol[0] != '\0' ? c->tol : NULL);
	jw_obj_end(w);
}

static void
head_json(struct jw *w, const struct diff_report *o,
    const struct diff_report *n, const struct diff_changes *cs,
    const struct diff_options *opt)
{
	char	buf[32];
	size_t	i;

	jw_obj_begin(w, NULL);
	jw_str(w, "old", o->path);
	jw_str(w, "new", n->path);
	jw_int(w, "matched", (int64_t)cs->matched);
	jw_int(w, "added", (int64_t)cs->added);
	jw_int(w, "removed", (int64_t)cs->removed);
	jw_int(w, "changes", (int64_t)cs->counted);
	jw_int(w, "uncounted", (int64_t)cs->uncounted);
	jw_bool(w, "within_tolerance", cs->counted == 0);
	jw_bool(w, "strict", opt->strict);
	jw_obj_begin(w, "tolerances");
	for (i = 0; i < DIFF_NFAMILIES; i++) {
		diff_tolerance_format(&opt->tol[i], buf, sizeof buf);
		jw_str(w, diff_families[i].name, buf);
	}
	jw_obj_end(w);
	jw_obj_end(w);
}

/*
 * {"diff":{...},
 * "changes":[
 * {...},
 * {...}]}
 * written through jsonw, as the reports are; one change a line.
 */
void
diff_print_json(FILE *out, const struct diff_report *o,
    const struct diff_report *n, const struct diff_changes *cs,
    const struct diff_options *opt)
{
	struct jw	w;
	size_t		i;

	memset(&w, 0, sizeof w);
	jw_reset(&w);
	head_json(&w, o, n, cs, opt);
	fputs("{\"diff\":", out);
	fwrite(w.buf, 1, w.len, out);
	fputs(",\n\"changes\":[", out);
	for (i = 0; i < cs->n; i++) {
		jw_reset(&w);
		change_json(&w, &cs->v[i]);
		fputs(i == 0 ? "\n" : ",\n", out);
		fwrite(w.buf, 1, w.len, out);
	}
	fputs("]}\n", out);
	jw_free(&w);
}
