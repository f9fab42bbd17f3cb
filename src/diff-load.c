/*
 * transcope diff: reading a report (see diff.h for the whole command).
 *
 * A report is read whole and parsed with json-c's tokener, value after
 * value, so that both a --json report and --interval NDJSON (one record a
 * line, the final report last) load the same way: the last value with a
 * "transcope" object wins.  Each flow's key (protocol, client and server
 * address and port, its tunnels, id) is picked out once into a struct
 * diff_flow; the
 * accessors here return NULL or a default for anything absent or of the
 * wrong type, which is how the rest of the command ignores odd shapes.
 */
#include "config.h"

#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "xmalloc.h"

static bool
read_file(const char *path, char **bufp, size_t *lenp, const char **cause)
{
	FILE	*f;
	char	*buf = NULL;
	size_t	 len = 0, alloc = 0, n;

	if ((f = fopen(path, "rb")) == NULL) {
		*cause = strerror(errno);
		return false;
	}
	for (;;) {
		if (alloc - len < 65536) {
			if (alloc > SIZE_MAX / 2 - 65536) {
				*cause = "file too large";
				goto fail;
			}
			alloc = alloc * 2 + 65536;
			buf = xreallocarray(buf, alloc, 1);
		}
		n = fread(buf + len, 1, alloc - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		*cause = errno != 0 ? strerror(errno) : "read error";
		goto fail;
	}
	fclose(f);
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return true;

fail:
	fclose(f);
	free(buf);
	return false;
}

json_object *
diff_obj_get(json_object *o, const char *key)
{
	json_object	*v;

	if (o == NULL || !json_object_is_type(o, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

const char *
diff_obj_string(json_object *o, const char *key)
{
	json_object	*v = diff_obj_get(o, key);

	if (v == NULL || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int64_t
diff_obj_int(json_object *o, const char *key, int64_t dflt)
{
	json_object	*v = diff_obj_get(o, key);

	if (v == NULL || !json_object_is_type(v, json_type_int))
		return dflt;
	return json_object_get_int64(v);
}

static bool
is_report(json_object *o)
{
	json_object	*t = diff_obj_get(o, "transcope");

	return t != NULL && json_object_is_type(t, json_type_object);
}

/*
 * Parse every JSON value in the file (one for a report, one a line for
 * --interval NDJSON) and keep the last that is a transcope report.
 */
static int
report_parse(const char *buf, size_t len, json_object **out,
    char *cause, size_t causelen)
{
	json_tokener		*tok;
	json_object		*o, *found = NULL;
	enum json_tokener_error	 jerr;
	size_t			 off = 0;
	bool			 any = false;

	if (memchr(buf, '\0', len) != NULL) {
		snprintf(cause, causelen, "not JSON (contains a NUL byte)");
		return -1;
	}
	if (len > INT_MAX) {
		snprintf(cause, causelen, "file too large");
		return -1;
	}
	if ((tok = json_tokener_new()) == NULL)
		fatal_nomem("out of memory (json tokener)");
	for (;;) {
		while (off < len && (buf[off] == ' ' || buf[off] == '\t' ||
		    buf[off] == '\n' || buf[off] == '\r'))
			off++;
		if (off == len)
			break;
		json_tokener_reset(tok);
		o = json_tokener_parse_ex(tok, buf + off, (int)(len - off));
		jerr = json_tokener_get_error(tok);
		if (o == NULL) {
			if (jerr == json_tokener_continue ||
			    jerr == json_tokener_success)
				snprintf(cause, causelen,
				    "not JSON (unexpected end of file)");
			else
				snprintf(cause, causelen, "not JSON (%s at "
				    "byte %zu)", json_tokener_error_desc(jerr),
				    off + json_tokener_get_parse_end(tok));
			goto fail;
		}
		any = true;
		off += json_tokener_get_parse_end(tok);
		if (is_report(o)) {
			json_object_put(found);
			found = o;
		} else
			json_object_put(o);
	}
	json_tokener_free(tok);
	if (!any) {
		snprintf(cause, causelen, "not JSON (empty file)");
		json_object_put(found);
		return -1;
	}
	if (found == NULL) {
		snprintf(cause, causelen, "not a transcope report (no "
		    "\"transcope\" object)");
		return -1;
	}
	*out = found;
	return 0;

fail:
	json_tokener_free(tok);
	json_object_put(found);
	return -1;
}

int
diff_flow_cmp_id(const void *a, const void *b)
{
	const struct diff_flow	*x = *(struct diff_flow *const *)a;
	const struct diff_flow	*y = *(struct diff_flow *const *)b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->idx != y->idx)
		return x->idx < y->idx ? -1 : 1;
	return 0;
}

/*
 * A flow's tunnels: the array as json-c writes it (the key: types, outer
 * addresses and ids must all agree), and a word per layer to print.
 */
static void
tunnel_extract(struct diff_flow *fr, json_object *t)
{
	size_t	 i, n, used = 0;
	int	 k;

	if (t == NULL || !json_object_is_type(t, json_type_array) ||
	    (n = json_object_array_length(t)) == 0)
		return;
	fr->tunnel = t;
	fr->tunnel_key = json_object_to_json_string_ext(t, DIFF_JSON_FLAGS);
	for (i = 0; i < n && used < sizeof fr->tunnel_short; i++) {
		json_object	*l = json_object_array_get_idx(t, i);
		const char	*type = diff_obj_string(l, "type");
		int64_t		 id = diff_obj_int(l, "id", -1);

		if (id >= 0)
			k = snprintf(fr->tunnel_short + used,
			    sizeof fr->tunnel_short - used, "%s%s:%lld",
			    i ? "/" : "", type != NULL ? type : "?",
			    (long long)id);
		else
			k = snprintf(fr->tunnel_short + used,
			    sizeof fr->tunnel_short - used, "%s%s",
			    i ? "/" : "", type != NULL ? type : "?");
		if (k < 0)
			break;
		used += (size_t)k;
	}
}

static void
flow_extract(struct diff_flow *fr, json_object *o, size_t idx)
{
	json_object	*c, *s;

	memset(fr, 0, sizeof *fr);
	fr->obj = o;
	fr->idx = idx;
	fr->id = diff_obj_int(o, "id", 0);
	fr->proto = diff_obj_string(o, "proto");
	c = diff_obj_get(o, "client");
	s = diff_obj_get(o, "server");
	fr->cip = diff_obj_string(c, "ip");
	fr->sip = diff_obj_string(s, "ip");
	fr->cport = diff_obj_int(c, "port", -1);
	fr->sport = diff_obj_int(s, "port", -1);
	tunnel_extract(fr, diff_obj_get(o, "tunnel"));
}

int
diff_report_load(struct diff_report *r, const char *path)
{
	json_object	*flows, *o;
	char		*buf, cause[256];
	const char	*why;
	size_t		 len, i, n;

	memset(r, 0, sizeof *r);
	r->path = path;
	if (!read_file(path, &buf, &len, &why)) {
		fprintf(stderr, "transcope: diff: %s: %s\n", path, why);
		return -1;
	}
	if (report_parse(buf, len, &r->root, cause, sizeof cause) != 0) {
		fprintf(stderr, "transcope: diff: %s: %s\n", path, cause);
		free(buf);
		return -1;
	}
	free(buf);

	flows = diff_obj_get(r->root, "flows");
	n = 0;
	if (flows != NULL && json_object_is_type(flows, json_type_array))
		n = json_object_array_length(flows);
	r->flows = xcalloc(n + 1, sizeof *r->flows);
	r->byid = xcalloc(n + 1, sizeof *r->byid);
	for (i = 0; i < n; i++) {
		o = json_object_array_get_idx(flows, i);
		if (o == NULL || !json_object_is_type(o, json_type_object))
			continue;
		flow_extract(&r->flows[r->nflows], o, i);
		r->byid[r->nflows] = &r->flows[r->nflows];
		r->nflows++;
	}
	qsort(r->byid, r->nflows, sizeof *r->byid, diff_flow_cmp_id);
	return 0;
}

void
diff_report_free(struct diff_report *r)
{
	json_object_put(r->root);
	free(r->flows);
	free(r->byid);
}
