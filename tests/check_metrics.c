/*
 * The metric table against the program and its documentation: every
 * --assert field is in the man page's ASSERTIONS, every --sort key in the
 * man page, every JSON member a report writes is named in
 * doc/json-schema.md, and every summary metric's JSON path exists in a
 * real report.
 */
#include "config.h"

#include <ctype.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "metrics.h"
#include "report.h"
#include "suites.h"

static char *
slurp(const char *rel)
{
	const char *top = getenv("top_srcdir");
	char path[4096], *buf;
	long n;
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", top != NULL ? top : ".", rel);
	fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	ck_assert_int_ge(n, 0);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* The text of the man page section called name, up to the next .Sh. */
static char *
man_section(char *man, const char *name)
{
	char head[64], *s, *e;

	snprintf(head, sizeof head, "\n.Sh %s\n", name);
	s = strstr(man, head);
	ck_assert_msg(s != NULL, "no section %s in the man page", name);
	s += strlen(head);
	if ((e = strstr(s, "\n.Sh ")) != NULL)
		*e = '\0';
	return s;
}

/* Whether word occurs in text with no name character either side. */
static bool
has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = strstr(text, word); p != NULL; p = strstr(p + 1, word)) {
		bool before = p > text && (isalnum((unsigned char)p[-1]) ||
		    p[-1] == '_');
		bool after = isalnum((unsigned char)p[n]) || p[n] == '_';

		if (!before && !after)
			return true;
	}
	return false;
}

START_TEST(test_assert_fields_in_man_page)
{
	char *man = slurp("man/transcope.1"), *sec;
	const struct metric *t;
	size_t i, n;

	sec = man_section(man, "ASSERTIONS");
	t = metrics_table(&n);
	for (i = 0; i < n; i++) {
		if (t[i].scope != METRIC_SUMMARY)
			continue;
		ck_assert_msg(has_word(sec, t[i].name),
		    "--assert field %s is not in transcope(1) ASSERTIONS",
		    t[i].name);
	}
	free(man);
}
END_TEST

START_TEST(test_sort_keys_in_man_page)
{
	char *man = slurp("man/transcope.1"), *opt;
	const struct metric *t;
	size_t i, n;

	opt = strstr(man, "\n.It Fl Fl sort");
	ck_assert_ptr_nonnull(opt);
	t = metrics_table(&n);
	for (i = 0; i < n; i++)
		if (t[i].flags & METRIC_SORT)
			ck_assert_msg(has_word(opt, t[i].name),
			    "--sort key %s is not in transcope(1)", t[i].name);
	free(man);
}
END_TEST

/* The report of a capture of captures/, parsed. */
static json_object *
report_of(const char *name)
{
	const char *top = getenv("top_srcdir");
	char path[4096], errbuf[SOURCE_ERRBUF_SIZE], *paths[1], *buf = NULL;
	struct report_info ri = { 0 };
	enum source_status st;
	struct source *src;
	struct raw_frame fr;
	struct analyzer an;
	json_object *o;
	size_t len = 0;
	FILE *mem;

	snprintf(path, sizeof path, "%s/captures/%s", top != NULL ? top : ".",
	    name);
	paths[0] = path;
	src = source_open_files(paths, 1, NULL, errbuf, &st);
	ck_assert_msg(src != NULL, "%s", errbuf);
	analyzer_init(&an, NULL);
	while (source_next(src, &fr, errbuf) == 1)
		analyzer_frame(&an, &fr);
	analyzer_finish(&an);
	source_close(src);
	ri.files = paths;
	ri.nfiles = 1;
	mem = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(mem);
	ck_assert_int_eq(report_json(mem, &an, &ri), 0);
	fclose(mem);
	analyzer_free(&an);
	o = json_tokener_parse(buf);
	ck_assert_msg(o != NULL, "the report of %s is not JSON", name);
	free(buf);
	return o;
}

/* Every backticked word of the schema document, as one string of lines. */
static bool
schema_names(const char *doc, const char *key)
{
	const char *p = doc, *e;

	while ((p = strchr(p, '`')) != NULL && (e = strchr(p + 1, '`')) != NULL) {
		char span[512];
		size_t n = (size_t)(e - p - 1);

		if (n < sizeof span) {
			memcpy(span, p + 1, n);
			span[n] = '\0';
			if (has_word(span, key))
				return true;
		}
		p = e + 1;
	}
	return false;
}

/* Each member name under o must be in the schema document. */
static void
walk(json_object *o, const char *doc, const char *where)
{
	if (json_object_is_type(o, json_type_array)) {
		size_t i, n = json_object_array_length(o);

		for (i = 0; i < n; i++)
			walk(json_object_array_get_idx(o, i), doc, where);
		return;
	}
	if (!json_object_is_type(o, json_type_object))
		return;
	json_object_object_foreach(o, key, val) {
		char path[512];

		snprintf(path, sizeof path, "%s.%s", where, key);
		ck_assert_msg(schema_names(doc, key),
		    "JSON member %s is not in doc/json-schema.md", path);
		walk(val, doc, path);
	}
}

START_TEST(test_json_members_in_schema)
{
	static const char *const names[] = {
		"bulk-loss-v4.pcap", "bulk-loss-v6.pcap", "udp-v4.pcap",
		"short-conns.pcap", "tun-vxlan-in-gre.pcap"
	};
	char *doc = slurp("doc/json-schema.md");
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		json_object *o = report_of(names[i]);

		walk(o, doc, names[i]);
		json_object_put(o);
	}
	free(doc);
}
END_TEST

static json_object *
at(json_object *o, const char *path)
{
	char buf[256], *save = NULL, *tok;

	snprintf(buf, sizeof buf, "%s", path);
	for (tok = strtok_r(buf, ".", &save); tok != NULL && o != NULL;
	    tok = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(o, tok, &o))
			return NULL;
	return o;
}

START_TEST(test_summary_metrics_in_report)
{
	json_object *o = report_of("bulk-loss-v4.pcap"), *flows, *f;
	const struct metric *t;
	size_t i, n;

	t = metrics_table(&n);
	flows = at(o, "flows");
	ck_assert_ptr_nonnull(flows);
	f = json_object_array_get_idx(flows, 0);
	for (i = 0; i < n; i++) {
		const char *p = t[i].json;

		if (p == NULL)
			continue;
		if (t[i].scope == METRIC_SUMMARY)
			ck_assert_msg(at(o, p) != NULL,
			    "metric %s: no %s in the report", t[i].name, p);
		else if (t[i].scope == METRIC_DIR)
			ck_assert_msg(at(json_object_object_get(f, "c2s"), p)
			    != NULL, "metric %s: no c2s.%s in a flow",
			    t[i].name, p);
		else
			ck_assert_msg(at(f, p) != NULL,
			    "metric %s: no %s in a flow", t[i].name, p);
	}
	json_object_put(o);
}
END_TEST

START_TEST(test_metric_find)
{
	const struct metric *m;
	const char *arg;

	m = metric_find(METRIC_SUMMARY, "state.RSTR", &arg);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(arg, "RSTR");
	m = metric_find(METRIC_SUMMARY, "undecoded", &arg);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(arg, "");
	ck_assert_ptr_null(metric_find(METRIC_SUMMARY, "undecodedx", &arg));
	ck_assert_ptr_null(metric_find(METRIC_SUMMARY, "duration", &arg));
	m = metric_find(METRIC_FLOW, "duration", &arg);
	ck_assert_ptr_nonnull(m);
	ck_assert(m->flags & METRIC_SORT);
}
END_TEST

Suite *
metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("table");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_metric_find);
	tcase_add_test(tc, test_assert_fields_in_man_page);
	tcase_add_test(tc, test_sort_keys_in_man_page);
	tcase_add_test(tc, test_summary_metrics_in_report);
	tcase_add_test(tc, test_json_members_in_schema);
	suite_add_tcase(s, tc);
	return s;
}
