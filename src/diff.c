/*
 * transcope diff: compare two JSON reports (see diff.h and diff_usage()).
 *
 * Both reports are read whole and kept as json-c trees; flows are matched by
 * endpoints, then each metric family is compared against its tolerance.
 * Nothing about the reports' shape is trusted: a missing field or one of the
 * wrong type is absent and simply not compared.  The output depends only on
 * the two files and the options, byte for byte.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "diff.h"
#include "xmalloc.h"

#define DIFF_EXIT_OK		0
#define DIFF_EXIT_USAGE		1
#define DIFF_EXIT_INPUT		2
#define DIFF_EXIT_CHANGED	3

#ifndef JSON_C_TO_STRING_NOSLASHESCAPE
#define JSON_C_TO_STRING_NOSLASHESCAPE 0
#endif
#define DIFF_JSON_FLAGS (JSON_C_TO_STRING_PLAIN|JSON_C_TO_STRING_NOSLASHESCAPE)

/* Where a field lives: in the flow object, or in each of c2s and s2c. */
enum scope { SCOPE_FLOW, SCOPE_DIR };

struct field {
	const char	*path;	/* dotted, below the flow or direction */
	enum scope	 scope;
	bool		 count_only; /* a count: a relative tolerance is 0 */
};

struct family {
	const char	*name;
	const char	*dflt;	/* default tolerance, as typed */
	bool		 times;	/* has times: takes s, ms, us units */
	const struct field *fields; /* ends with a NULL path */
};

static const struct field f_packets[] = {
	{ "packets", SCOPE_DIR, false }, { NULL, SCOPE_DIR, false }
};
static const struct field f_bytes[] = {
	{ "bytes", SCOPE_DIR, false }, { "payload_bytes", SCOPE_DIR, false },
	{ "unique_payload_bytes", SCOPE_DIR, false }, { NULL, SCOPE_DIR, false }
};
static const struct field f_retrans[] = {
	{ "retransmissions.total", SCOPE_DIR, false },
	{ "retransmissions.rto", SCOPE_DIR, false },
	{ "retransmissions.fast", SCOPE_DIR, false },
	{ "retransmissions.spurious", SCOPE_DIR, false },
	{ "retransmissions.probe", SCOPE_DIR, false },
	{ NULL, SCOPE_DIR, false }
};
static const struct field f_ooo[] = {
	{ "out_of_order", SCOPE_DIR, false }, { NULL, SCOPE_DIR, false }
};
static const struct field f_lost[] = {
	{ "lost_segments", SCOPE_DIR, false }, { NULL, SCOPE_DIR, false }
};
static const struct field f_netdup[] = {
	{ "network_duplicates", SCOPE_DIR, false }, { NULL, SCOPE_DIR, false }
};
static const struct field f_dupack[] = {
	{ "dup_acks", SCOPE_DIR, false }, { NULL, SCOPE_DIR, false }
};
static const struct field f_zwin[] = {
	{ "zero_window.count", SCOPE_DIR, false },
	{ "zero_window.duration_s", SCOPE_DIR, false },
	{ NULL, SCOPE_DIR, false }
};
static const struct field f_rtt[] = {
	{ "rtt.mean_s", SCOPE_DIR, false }, { "rtt.p50_s", SCOPE_DIR, false },
	{ "rtt.p95_s", SCOPE_DIR, false }, { "rtt.max_s", SCOPE_DIR, false },
	{ "rtt.min_s", SCOPE_DIR, false }, { NULL, SCOPE_DIR, false }
};
static const struct field f_rto[] = {
	{ "rto.srtt_s", SCOPE_DIR, false }, { "rto.rto_s", SCOPE_DIR, false },
	{ "rto.timeouts", SCOPE_DIR, false }, { NULL, SCOPE_DIR, false }
};
static const struct field f_thru[] = {
	{ "throughput_bps", SCOPE_DIR, false },
	{ "goodput_bps", SCOPE_DIR, false }, { NULL, SCOPE_DIR, false }
};
static const struct field f_hs[] = {
	{ "handshake.rtt_s", SCOPE_FLOW, false },
	{ "handshake.client_rtt_s", SCOPE_FLOW, false },
	{ "handshake.server_rtt_s", SCOPE_FLOW, false },
	{ "handshake.syn_retries", SCOPE_FLOW, true },
	{ "handshake.synack_retries", SCOPE_FLOW, true },
	{ NULL, SCOPE_FLOW, false }
};
static const struct field f_dur[] = {
	{ "duration_s", SCOPE_FLOW, false }, { NULL, SCOPE_FLOW, false }
};

/* The order here is the order of the output and of the tolerances. */
static const struct family families[] = {
	{ "packets",		"0",	false,	f_packets },
	{ "bytes",		"0",	false,	f_bytes },
	{ "retransmissions",	"0",	false,	f_retrans },
	{ "out_of_order",	"0",	false,	f_ooo },
	{ "lost_segments",	"0",	false,	f_lost },
	{ "network_duplicates",	"0",	false,	f_netdup },
	{ "dup_acks",		"0",	false,	f_dupack },
	{ "zero_window",	"0",	true,	f_zwin },
	{ "rtt",		"10%",	true,	f_rtt },
	{ "rto",		"20%",	true,	f_rto },
	{ "throughput",		"20%",	false,	f_thru },
	{ "handshake",		"10%",	true,	f_hs },
	{ "duration",		"10%",	true,	f_dur },
};
#define NFAMILIES (sizeof families / sizeof families[0])
#define FAMILY_PACKETS 0

struct tolerance {
	bool	off;
	bool	relative;	/* value is a percentage of |old| */
	double	value;
};

/* One flow of a report, with its key picked out. */
struct flowrec {
	json_object	*obj;	/* borrowed from the report */
	int64_t		 id;
	size_t		 idx;		/* position in the flows array */
	const char	*proto;		/* NULL when absent */
	const char	*cip;
	const char	*sip;
	int64_t		 cport;		/* -1 when absent */
	int64_t		 sport;
	struct flowrec	*peer;	/* matched flow of the other report */
};

struct report {
	const char	*path;
	json_object	*root;
	struct flowrec	*flows;
	size_t		 nflows;
	struct flowrec **byid;		/* flows sorted by id */
};

enum change_kind {
	CH_METRIC, CH_STATE, CH_HISTORY, CH_ADDED, CH_REMOVED, CH_CAPTURE
};
static const char *const kind_names[] = {
	"metric", "state", "history", "added", "removed", "capture"
};

struct change {
	enum change_kind	 kind;
	bool			 counted;
	const struct flowrec	*o;	/* NULL for added and capture */
	const struct flowrec	*n;	/* NULL: removed and capture */
	char			 field[64];
	json_object		*oldv;	/* owned references, or NULL */
	json_object		*newv;
	json_object		*delta;
	char			 tol[32];	/* "" unless a metric */
	char			 pct[32];	/* relative change (text) */
};

struct changes {
	struct change	*v;
	size_t		 n;
	size_t		 alloc;
	size_t		 counted;
	size_t		 uncounted;
};

struct diff_options {
	bool			json;
	bool			strict;
	struct tolerance	tol[NFAMILIES];
};

static void
diff_usage(FILE *out)
{
	fputs(
"usage: transcope diff [-h] [--json] [--strict] [--tolerance spec]...\n"
"                      [--ignore families] old.json new.json\n"
"\n"
"Compare two transcope --json reports (of --interval NDJSON, the final\n"
"report) and print what changed: flows added or removed, state changes,\n"
"and counters and timings that moved beyond their tolerances.  Flows are\n"
"matched by protocol, client and server address and port (flows sharing\n"
"them pair up in id order), then by the same ignoring the client port.\n"
"\n"
"      --json               one JSON document instead of text\n"
"      --tolerance SPEC     FAMILY=VALUE[,FAMILY=VALUE...]; VALUE is N\n"
"                           (absolute, in the field's unit: times may end\n"
"                           in s, ms or us), N% (of the old value) or off;\n"
"                           FAMILY all sets every family\n"
"      --ignore LIST        families not to compare (as FAMILY=off)\n"
"      --strict             history changes count too (else only shown)\n"
"  -h, --help               this help\n"
"\n"
"Families, default tolerances and fields (of c2s and s2c unless 'flow'):\n"
"  packets=0              packets; the capture's packets and undecoded\n"
"  bytes=0                bytes, payload_bytes, unique_payload_bytes\n"
"  retransmissions=0      retransmissions.total, .rto, .fast, .spurious,\n"
"                         .probe\n"
"  out_of_order=0         out_of_order\n"
"  lost_segments=0        lost_segments\n"
"  network_duplicates=0   network_duplicates\n"
"  dup_acks=0             dup_acks\n"
"  zero_window=0          zero_window.count, zero_window.duration_s\n"
"  rtt=10%                rtt.mean_s, .p50_s, .p95_s, .max_s, .min_s\n"
"  rto=20%                rto.srtt_s, rto.rto_s, rto.timeouts\n"
"  throughput=20%         throughput_bps, goodput_bps\n"
"  handshake=10%          flow: handshake.rtt_s, .client_rtt_s,\n"
"                         .server_rtt_s, .syn_retries, .synack_retries\n"
"                         (the retry counts take an absolute N only:\n"
"                         with N% any change of them counts)\n"
"  duration=10%           flow: duration_s\n"
"\n"
"A value is beyond tolerance when |new - old| > N, or > N% of |old| (so\n"
"with N% any change from 0 is); a value that becomes null or stops being\n"
"null always is.  Flows added or removed and state changes always count.\n"
"\n"
"Exit status: 0 within tolerance, 3 changes beyond tolerance, 1 usage\n"
"error, 2 a report missing, unreadable, not JSON or not a transcope report.\n",
	    out);
}

/* Tolerances. */

static void
tolerance_format(const struct tolerance *t, char *buf, size_t len)
{
	if (t->off)
		snprintf(buf, len, "off");
	else if (t->relative)
		snprintf(buf, len, "%g%%", t->value);
	else
		snprintf(buf, len, "%g", t->value);
}

static int
family_find(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < NFAMILIES; i++) {
		if (strlen(families[i].name) == len &&
		    strncmp(families[i].name, name, len) == 0)
			return (int)i;
	}
	return -1;
}

/* Parse one VALUE: off, N, N% or N with a time unit. */
static bool
tolerance_parse(const char *s, bool times, struct tolerance *t,
    const char **why)
{
	char	*end;
	double	 v;

	memset(t, 0, sizeof *t);
	if (strcmp(s, "off") == 0) {
		t->off = true;
		return true;
	}
	if (*s == '\0' || *s == '+' || *s == '-' || *s == ' ') {
		*why = "expected off, a number or a percentage";
		return false;
	}
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno != 0 || !isfinite(v) || v < 0) {
		*why = "expected off, a number or a percentage";
		return false;
	}
	if (strcmp(end, "%") == 0)
		t->relative = true;
	else if (strcmp(end, "s") == 0 || strcmp(end, "ms") == 0 ||
	    strcmp(end, "us") == 0) {
		if (!times) {
			*why = "a time unit on a family of counts";
			return false;
		}
		if (strcmp(end, "ms") == 0)
			v /= 1e3;
		else if (strcmp(end, "us") == 0)
			v /= 1e6;
	} else if (*end != '\0') {
		*why = "expected off, a number or a percentage";
		return false;
	}
	t->value = v;
	return true;
}

static void
tolerances_default(struct tolerance *tol)
{
	const char	*why;
	size_t		 i;

	for (i = 0; i < NFAMILIES; i++) {
		if (!tolerance_parse(families[i].dflt, families[i].times,
		    &tol[i], &why))
			abort();
	}
}

static void
bad_family(const char *opt, const char *name, size_t len)
{
	fprintf(stderr, "transcope: diff: %s: unknown family '%.*s' (one of "
	    "packets, bytes, retransmissions, out_of_order, lost_segments, "
	    "network_duplicates, dup_acks, zero_window, rtt, rto, throughput, "
	    "handshake, duration, all)\n", opt, (int)len, name);
}

/* --tolerance FAMILY=VALUE[,...] */
static bool
tolerance_spec(const char *spec, struct tolerance *tol)
{
	struct tolerance	 t;
	const char		*p = spec, *comma, *eq, *why = NULL;
	char			*item;
	size_t			 len, i;
	int			 f;
	bool			 ok;

	for (;;) {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		eq = memchr(p, '=', len);
		if (eq == NULL || eq == p) {
			fprintf(stderr, "transcope: diff: --tolerance '%s': "
			    "expected FAMILY=VALUE[,FAMILY=VALUE...]\n", spec);
			return false;
		}
		f = -1;
		if (!((size_t)(eq - p) == 3 && strncmp(p, "all", 3) == 0) &&
		    (f = family_find(p, (size_t)(eq - p))) < 0) {
			bad_family("--tolerance", p, (size_t)(eq - p));
			return false;
		}
		item = xmalloc(len - (size_t)(eq - p));
		memcpy(item, eq + 1, len - (size_t)(eq - p) - 1);
		item[len - (size_t)(eq - p) - 1] = '\0';
		if (f >= 0)
			ok = tolerance_parse(item, families[f].times, &t, &why);
		else
			ok = tolerance_parse(item, true, &t, &why);
		if (!ok) {
			fprintf(stderr, "transcope: diff: --tolerance '%s': "
			    "bad value '%s' for %.*s: %s\n", spec, item,
			    (int)(eq - p), p, why);
			free(item);
			return false;
		}
		free(item);
		if (f >= 0)
			tol[f] = t;
		else {
			for (i = 0; i < NFAMILIES; i++)
				tol[i] = t;
		}
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	return true;
}

/* --ignore FAMILY[,...] */
static bool
ignore_spec(const char *spec, struct tolerance *tol)
{
	const char	*p = spec, *comma;
	size_t		 len, i;
	int		 f;

	for (;;) {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (len == 3 && strncmp(p, "all", 3) == 0) {
			for (i = 0; i < NFAMILIES; i++)
				tol[i].off = true;
		} else if ((f = family_find(p, len)) >= 0)
			tol[f].off = true;
		else {
			bad_family("--ignore", p, len);
			return false;
		}
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	return true;
}

/* Reading a report. */

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

static json_object *
obj_get(json_object *o, const char *key)
{
	json_object	*v;

	if (o == NULL || !json_object_is_type(o, json_type_object))
		return NULL;
	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static const char *
obj_string(json_object *o, const char *key)
{
	json_object	*v = obj_get(o, key);

	if (v == NULL || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int64_t
obj_int(json_object *o, const char *key, int64_t dflt)
{
	json_object	*v = obj_get(o, key);

	if (v == NULL || !json_object_is_type(v, json_type_int))
		return dflt;
	return json_object_get_int64(v);
}

static bool
is_report(json_object *o)
{
	json_object	*t = obj_get(o, "transcope");

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
		fatalx("out of memory (json tokener)");
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

static int
flow_cmp_id(const void *a, const void *b)
{
	const struct flowrec	*x = *(struct flowrec *const *)a;
	const struct flowrec	*y = *(struct flowrec *const *)b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->idx != y->idx)
		return x->idx < y->idx ? -1 : 1;
	return 0;
}

static void
flow_extract(struct flowrec *fr, json_object *o, size_t idx)
{
	json_object	*c, *s;

	memset(fr, 0, sizeof *fr);
	fr->obj = o;
	fr->idx = idx;
	fr->id = obj_int(o, "id", 0);
	fr->proto = obj_string(o, "proto");
	c = obj_get(o, "client");
	s = obj_get(o, "server");
	fr->cip = obj_string(c, "ip");
	fr->sip = obj_string(s, "ip");
	fr->cport = obj_int(c, "port", -1);
	fr->sport = obj_int(s, "port", -1);
}

static int
report_load(struct report *r, const char *path)
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

	flows = obj_get(r->root, "flows");
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
	qsort(r->byid, r->nflows, sizeof *r->byid, flow_cmp_id);
	return 0;
}

static void
report_free(struct report *r)
{
	json_object_put(r->root);
	free(r->flows);
	free(r->byid);
}

/* Matching. */

static int
str_cmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int
int_cmp(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

static int
key_cmp(const struct flowrec *x, const struct flowrec *y, bool full)
{
	int	c;

	if ((c = str_cmp(x->proto, y->proto)) != 0)
		return c;
	if ((c = str_cmp(x->cip, y->cip)) != 0)
		return c;
	if (full && (c = int_cmp(x->cport, y->cport)) != 0)
		return c;
	if ((c = str_cmp(x->sip, y->sip)) != 0)
		return c;
	return int_cmp(x->sport, y->sport);
}

static int
flow_cmp_full(const void *a, const void *b)
{
	const struct flowrec	*x = *(struct flowrec *const *)a;
	const struct flowrec	*y = *(struct flowrec *const *)b;
	int			 c;

	if ((c = key_cmp(x, y, true)) != 0)
		return c;
	return flow_cmp_id(a, b);
}

static int
flow_cmp_part(const void *a, const void *b)
{
	const struct flowrec	*x = *(struct flowrec *const *)a;
	const struct flowrec	*y = *(struct flowrec *const *)b;
	int			 c;

	if ((c = key_cmp(x, y, false)) != 0)
		return c;
	return flow_cmp_id(a, b);
}

/* Collect the unmatched flows of r, sorted for a pass. */
static size_t
unmatched(struct report *r, struct flowrec **v, bool full)
{
	size_t	i, n = 0;

	for (i = 0; i < r->nflows; i++) {
		if (r->flows[i].peer == NULL)
			v[n++] = &r->flows[i];
	}
	qsort(v, n, sizeof *v, full ? flow_cmp_full : flow_cmp_part);
	return n;
}

/*
 * Both lists sorted by key then id: within a run of equal keys, the k-th old
 * flow pairs with the k-th new one.
 */
static void
match_pass(struct report *o, struct report *n, bool full)
{
	struct flowrec	**a, **b;
	size_t		  na, nb, i = 0, j = 0;
	int		  c;

	a = xcalloc(o->nflows + 1, sizeof *a);
	b = xcalloc(n->nflows + 1, sizeof *b);
	na = unmatched(o, a, full);
	nb = unmatched(n, b, full);
	while (i < na && j < nb) {
		c = key_cmp(a[i], b[j], full);
		if (c < 0)
			i++;
		else if (c > 0)
			j++;
		else {
			a[i]->peer = b[j];
			b[j]->peer = a[i];
			i++;
			j++;
		}
	}
	free(a);
	free(b);
}

/* Changes. */

static struct change *
change_add(struct changes *cs, enum change_kind kind, bool counted,
    const struct flowrec *o, const struct flowrec *n, const char *field)
{
	struct change	*c;

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

static void
changes_free(struct changes *cs)
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
beyond(const struct tolerance *t, enum vkind ok,
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
compare_field(struct changes *cs, const struct flowrec *o,
    const struct flowrec *n, json_object *oo, json_object *no,
    const char *prefix, const struct field *f, const struct tolerance *t)
{
	struct change	*c;
	json_object	*ov, *nv;
	enum vkind	 ok, nk;
	struct tolerance eff = *t;
	char		 name[64];
	double		 a, b;

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
	tolerance_format(&eff, c->tol, sizeof c->tol);
}

static void
compare_string(struct changes *cs, const struct flowrec *o,
    const struct flowrec *n, const char *key, enum change_kind kind,
    bool counted)
{
	struct change	*c;
	json_object	*ov, *nv;

	ov = obj_get(o->obj, key);
	nv = obj_get(n->obj, key);
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

static void
compare_flows(struct changes *cs, const struct flowrec *o,
    const struct flowrec *n, const struct diff_options *opt)
{
	static const char *const dirs[] = { "c2s", "s2c" };
	const struct field	*f;
	size_t			 i, d;

	compare_string(cs, o, n, "state", CH_STATE, true);
	compare_string(cs, o, n, "history", CH_HISTORY, opt->strict);
	for (i = 0; i < NFAMILIES; i++) {
		if (opt->tol[i].off)
			continue;
		for (f = families[i].fields; f->path != NULL; f++) {
			if (f->scope == SCOPE_FLOW)
				compare_field(cs, o, n, o->obj, n->obj, NULL,
				    f, &opt->tol[i]);
		}
	}
	for (d = 0; d < 2; d++) {
		for (i = 0; i < NFAMILIES; i++) {
			if (opt->tol[i].off)
				continue;
			for (f = families[i].fields; f->path != NULL; f++) {
				if (f->scope == SCOPE_DIR)
					compare_field(cs, o, n,
					    obj_get(o->obj, dirs[d]),
					    obj_get(n->obj, dirs[d]), dirs[d],
					    f, &opt->tol[i]);
			}
		}
	}
}

/* Sum of capture.undecoded, or NULL when it is not an object. */
static json_object *
undecoded_total(json_object *root)
{
	json_object	*u = obj_get(obj_get(root, "capture"), "undecoded");
	int64_t		 sum = 0, v;

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
compare_capture(struct changes *cs, struct report *o, struct report *n,
    const struct diff_options *opt)
{
	static const struct field packets = { "packets", SCOPE_FLOW, false };
	static const struct field undecoded = { "undecoded", SCOPE_FLOW,
	    false };
	json_object		*ou, *nu, *oc, *nc;

	if (opt->tol[FAMILY_PACKETS].off)
		return;
	compare_field(cs, NULL, NULL, obj_get(o->root, "capture"),
	    obj_get(n->root, "capture"), NULL, &packets,
	    &opt->tol[FAMILY_PACKETS]);
	ou = undecoded_total(o->root);
	nu = undecoded_total(n->root);
	if (ou != NULL && nu != NULL) {
		oc = json_object_new_object();
		nc = json_object_new_object();
		json_object_object_add(oc, "undecoded", ou);
		json_object_object_add(nc, "undecoded", nu);
		compare_field(cs, NULL, NULL, oc, nc, NULL, &undecoded,
		    &opt->tol[FAMILY_PACKETS]);
		json_object_put(oc);
		json_object_put(nc);
	} else {
		json_object_put(ou);
		json_object_put(nu);
	}
}

/* Output. */

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
flow_text(FILE *out, const struct flowrec *fr, const struct flowrec *old)
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
change_text(FILE *out, const struct change *c)
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

static void
output_text(FILE *out, const struct report *o, const struct report *n,
    const struct changes *cs, size_t matched, size_t added, size_t removed)
{
	size_t	i;

	fprintf(out, "transcope diff %s %s\n", o->path, n->path);
	plural(out, matched, "flow", "flows");
	fprintf(out, " matched, %zu added, %zu removed; ", added, removed);
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
change_json(const struct change *c)
{
	const struct flowrec	*fr = c->n != NULL ? c->n : c->o;
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

static void
output_json(FILE *out, const struct report *o, const struct report *n,
    const struct changes *cs, size_t matched, size_t added, size_t removed,
    const struct diff_options *opt)
{
	json_object	*h, *t, *j;
	char		 buf[32];
	size_t		 i;

	h = json_object_new_object();
	json_object_object_add(h, "old", json_object_new_string(o->path));
	json_object_object_add(h, "new", json_object_new_string(n->path));
	json_object_object_add(h, "matched", json_object_new_int64(
	    (int64_t)matched));
	json_object_object_add(h, "added", json_object_new_int64(
	    (int64_t)added));
	json_object_object_add(h, "removed", json_object_new_int64(
	    (int64_t)removed));
	json_object_object_add(h, "changes", json_object_new_int64(
	    (int64_t)cs->counted));
	json_object_object_add(h, "uncounted", json_object_new_int64(
	    (int64_t)cs->uncounted));
	json_object_object_add(h, "within_tolerance", json_object_new_boolean(
	    cs->counted == 0));
	json_object_object_add(h, "strict", json_object_new_boolean(
	    opt->strict));
	t = json_object_new_object();
	for (i = 0; i < NFAMILIES; i++) {
		tolerance_format(&opt->tol[i], buf, sizeof buf);
		json_object_object_add(t, families[i].name,
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

static const struct option diff_long_options[] = {
	{ "json",	no_argument,		NULL, 'j' },
	{ "strict",	no_argument,		NULL, 'S' },
	{ "tolerance",	required_argument,	NULL, 't' },
	{ "ignore",	required_argument,	NULL, 'I' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL,		0,			NULL, 0 }
};

static int
diff_main(int argc, char **argv)
{
	struct diff_options	 opt;
	struct report		 o, n;
	struct changes		 cs;
	size_t			 i, matched = 0, added = 0, removed = 0;
	int			 ch, rc;

	memset(&opt, 0, sizeof opt);
	tolerances_default(opt.tol);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", diff_long_options,
	    NULL)) != -1) {
		switch (ch) {
		case 'j':
			opt.json = true;
			break;
		case 'S':
			opt.strict = true;
			break;
		case 't':
			if (!tolerance_spec(optarg, opt.tol))
				return DIFF_EXIT_USAGE;
			break;
		case 'I':
			if (!ignore_spec(optarg, opt.tol))
				return DIFF_EXIT_USAGE;
			break;
		case 'h':
			diff_usage(stdout);
			return DIFF_EXIT_OK;
		case ':':
			fprintf(stderr, "transcope: diff: option '%s' needs a "
			    "value (see transcope diff --help)\n",
			    argv[optind - 1]);
			return DIFF_EXIT_USAGE;
		default:
			if (optopt != 0 && optopt < 256)
				fprintf(stderr, "transcope: diff: unknown "
				    "option '-%c' (see transcope diff "
				    "--help)\n", optopt);
			else
				fprintf(stderr, "transcope: diff: unknown "
				    "option '%s' (see transcope diff --help)\n",
				    argv[optind - 1]);
			return DIFF_EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "transcope: diff: expected two reports, "
		    "old.json new.json (see transcope diff --help)\n");
		return DIFF_EXIT_USAGE;
	}

	if (report_load(&o, argv[optind]) != 0)
		return DIFF_EXIT_INPUT;
	if (report_load(&n, argv[optind + 1]) != 0) {
		report_free(&o);
		return DIFF_EXIT_INPUT;
	}

	match_pass(&o, &n, true);
	match_pass(&o, &n, false);

	memset(&cs, 0, sizeof cs);
	compare_capture(&cs, &o, &n, &opt);
	for (i = 0; i < n.nflows; i++) {
		if (n.byid[i]->peer != NULL) {
			matched++;
			compare_flows(&cs, n.byid[i]->peer, n.byid[i], &opt);
		}
	}
	for (i = 0; i < n.nflows; i++) {
		if (n.byid[i]->peer == NULL) {
			added++;
			change_add(&cs, CH_ADDED, true, NULL, n.byid[i], NULL);
		}
	}
	for (i = 0; i < o.nflows; i++) {
		if (o.byid[i]->peer == NULL) {
			removed++;
			change_add(&cs, CH_REMOVED, true, o.byid[i], NULL,
			    NULL);
		}
	}

	if (opt.json)
		output_json(stdout, &o, &n, &cs, matched, added, removed, &opt);
	else
		output_text(stdout, &o, &n, &cs, matched, added, removed);
	rc = cs.counted == 0 ? DIFF_EXIT_OK : DIFF_EXIT_CHANGED;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "transcope: diff: standard output: %s\n",
		    strerror(errno));
		rc = DIFF_EXIT_INPUT;
	}

	changes_free(&cs);
	report_free(&o);
	report_free(&n);
	return rc;
}

const struct cmd_entry cmd_diff_entry = { "diff", diff_main };
