/*
 * The report sink: see report.h.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include "jsonw.h"
#include "writer.h"
#include "report.h"
#include "xmalloc.h"

/*
 * Where one finished flow's serialised records lie in the spill file: the
 * first (JSON line, or text table line) at off, the second (text long
 * view) right after it.  24 bytes a flow: a million flows cost 24 MB.
 */
struct spill_entry {
	uint64_t	id;
	uint64_t	off;
	uint32_t	len[2];
};

struct report_sink {
	bool		 json;
	bool		 long_view;
	struct report_options opt;
	struct report_summary summary;
	struct findings	*findings;
	size_t		 failed_assertions;
	FILE		*spill;
	struct spill_entry *entries;
	double		*keys;		/* per entry, only with --sort */
	size_t		 n, cap;
	int		 error;		/* errno of the first spill failure */
	bool		 one_line;
	off_t		 spill_off;	/* bytes written to the spill so far */
	struct jw	 w;		/* the JSON record being built */
	/*
	 * Streaming: each finished flow goes straight to this output, in the
	 * order flows finish, and the spill file is not used.
	 */
	FILE		*stream;
	uint64_t	 streamed;	/* flows written to the stream */
	/* Streaming in a thread of its own: it owns stream, w, streamed. */
	struct flow_writer *writer;
	/* Flows finished since the last interval report, serialised. */
	FILE		*interval;
	char		*interval_buf;
	size_t		 interval_len;
	uint64_t	 interval_flows;
};

static FILE	*spill_open(void);
static void	 record_flow(void *, const struct flow *);

struct report_sink *
report_sink_new(const struct report_options *opt)
{
	struct report_sink *rs;
	FILE *fp = spill_open();

	if (fp == NULL)
		return NULL;
	rs = xcalloc(1, sizeof *rs);
	rs->opt = *opt;
	rs->json = opt->json;
	rs->long_view = opt->long_view;
	rs->spill = fp;
	rs->findings = findings_new();
	return rs;
}

size_t
report_sink_failed_assertions(const struct report_sink *rs)
{
	return rs->failed_assertions;
}

static double
sort_key(enum report_sort sort, const struct flow *f)
{
	const struct tcp_conn *c = flow_tcp(f);
	int d;
	double v = 0;

	switch (sort) {
	case SORT_BYTES:
		return (double)(f->dir[0].bytes + f->dir[1].bytes);
	case SORT_PACKETS:
		return (double)(f->dir[0].packets + f->dir[1].packets);
	case SORT_RETRANSMISSIONS:
		return c == NULL ? 0 :
		    (double)(c->dir[0].c.retransmissions_total +
		    c->dir[1].c.retransmissions_total);
	case SORT_RTT:
		/* The slower direction's mean RTT. */
		for (d = 0; c != NULL && d < 2; d++)
			if (rtt_stats_mean(&c->dir[d].rtt) > v)
				v = rtt_stats_mean(&c->dir[d].rtt);
		return v;
	case SORT_DURATION:
		return (double)(f->last_ts - f->first_ts);
	default:
		return 0;
	}
}

void
report_sink_set_one_line(struct report_sink *rs, bool on)
{
	rs->one_line = on;
}

bool
report_sink_stream(struct report_sink *rs, FILE *out)
{
	if (!rs->json || rs->opt.sort != SORT_NONE || rs->opt.top != 0 ||
	    rs->interval != NULL || rs->n > 0)
		return false;
	rs->stream = out;
	return true;
}

void
report_sink_interval_begin(struct report_sink *rs)
{
	if (rs->interval != NULL)
		fclose(rs->interval);
	free(rs->interval_buf);
	rs->interval_buf = NULL;
	rs->interval_len = 0;
	rs->interval_flows = 0;
	rs->interval = open_memstream(&rs->interval_buf, &rs->interval_len);
}

int
report_interval(FILE *out, struct report_sink *rs, const struct analyzer *an,
    const struct interval_info *ii)
{
	const struct flow *f;
	uint64_t active = 0;
	bool first = true;

	if (rs->interval != NULL)
		fflush(rs->interval);
	for (f = flow_table_first(an->flows); f != NULL; f = f->next)
		if (f->last_ts > ii->since_ts)
			active++;
	if (rs->json) {
		jw_reset(&rs->w);
		jw_obj_begin(&rs->w, NULL);
		jw_obj_begin(&rs->w, "interval");
		jw_u64(&rs->w, "index", ii->index);
		jw_seconds(&rs->w, "start_ts", ii->start_ns);
		jw_seconds(&rs->w, "end_ts", ii->end_ns);
		jw_u64(&rs->w, "packets", ii->packets);
		jw_u64(&rs->w, "bytes", ii->bytes);
		jw_u64(&rs->w, "flows_active", active);
		jw_u64(&rs->w, "flows_finished", rs->interval_flows);
		jw_u64(&rs->w, "flows_live", flow_table_live(an->flows));
		jw_u64(&rs->w, "flows_total", flow_table_count(an->flows));
		if (ii->have_drops) {
			jw_u64(&rs->w, "kernel_dropped", ii->kernel_dropped);
			jw_u64(&rs->w, "interface_dropped",
			    ii->interface_dropped);
		}
		jw_obj_end(&rs->w);
		jw_arr_begin(&rs->w, "flows");
		/* The records follow, written as they are, then "]}". */
		fwrite(rs->w.buf, 1, rs->w.len, out);
		if (rs->interval_len > 0) {
			/* Finished flows were written one per line: join. */
			char *p = rs->interval_buf, *nl;

			while ((nl = memchr(p, '\n', rs->interval_len -
			    (size_t)(p - rs->interval_buf))) != NULL) {
				if (!first)
					fputc(',', out);
				fwrite(p, 1, (size_t)(nl - p), out);
				first = false;
				p = nl + 1;
			}
		}
		for (f = flow_table_first(an->flows); f != NULL; f = f->next) {
			if (f->last_ts <= ii->since_ts)
				continue;
			if (!first)
				fputc(',', out);
			jw_reset(&rs->w);
			report_json_flow_jw(&rs->w, f);
			fwrite(rs->w.buf, 1, rs->w.len, out);
			first = false;
		}
		fputs("]}\n", out);
	} else {
		fprintf(out, "--- interval %" PRIu64 ": %" PRIu64 " packets, %"
		    PRIu64 " bytes, %" PRIu64 " flows active, %" PRIu64
		    " finished, %zu in memory", ii->index, ii->packets,
		    ii->bytes, active, rs->interval_flows,
		    flow_table_live(an->flows));
		if (ii->have_drops)
			fprintf(out, ", dropped by kernel %" PRIu64
			    ", by interface %" PRIu64, ii->kernel_dropped,
			    ii->interface_dropped);
		fputc('\n', out);
		report_text_table_head(out);
		if (rs->interval_len > 0)
			fwrite(rs->interval_buf, 1, rs->interval_len, out);
		for (f = flow_table_first(an->flows); f != NULL; f = f->next)
			if (f->last_ts > ii->since_ts)
				report_text_flow_line(out, f);
	}
	fflush(out);
	report_sink_interval_begin(rs);
	return ferror(out) ? -1 : 0;
}

void
report_sink_free(struct report_sink *rs)
{
	if (rs == NULL)
		return;
	flow_writer_finish(rs->writer);
	if (rs->interval != NULL)
		fclose(rs->interval);
	free(rs->interval_buf);
	summary_free(&rs->summary);
	findings_free(rs->findings);
	jw_free(&rs->w);
	fclose(rs->spill);
	free(rs->entries);
	free(rs->keys);
	free(rs);
}

/* One flow record to the stream (in the writer thread, if there is one). */
static void
stream_flow(void *ctx, const struct flow *f)
{
	struct report_sink *rs = ctx;
	const char *nl = rs->one_line ? "" : "\n";

	if (rs->streamed++ == 0) {
		report_json_open(rs->stream, nl);
		fputs(nl, rs->stream);
	} else {
		putc(',', rs->stream);
		fputs(nl, rs->stream);
	}
	jw_reset(&rs->w);
	report_json_flow_jw(&rs->w, f);
	fwrite(rs->w.buf, 1, rs->w.len, rs->stream);
}

bool
report_sink_use_writer(struct report_sink *rs)
{
	/* Interval reports read the records as they come: not then. */
	if (rs->writer != NULL || rs->interval != NULL || rs->streamed > 0 ||
	    rs->n > 0)
		return false;
	rs->writer = flow_writer_start(record_flow, rs);
	return rs->writer != NULL;
}

bool
report_sink_flow(void *ctx, struct flow *f)
{
	struct report_sink *rs = ctx;

	if (rs->opt.proto != 0 && f->key.proto != rs->opt.proto)
		return false;
	/* The aggregates here; the flow's own records maybe in the writer. */
	summary_add(&rs->summary, f);
	findings_add(rs->findings, f);
	if (rs->writer != NULL) {
		flow_writer_push(rs->writer, f);
		return true;		/* the writer frees it */
	}
	record_flow(rs, f);
	return false;
}

/*
 * The records of one finished flow: streamed, or into the spill file with
 * its index entry (and sort key).  In the writer thread when there is one,
 * which then alone touches the stream, the spill and the index.
 */
static void
record_flow(void *ctx, const struct flow *f)
{
	struct report_sink *rs = ctx;
	struct spill_entry *e;

	if (rs->stream != NULL) {
		stream_flow(rs, f);
		return;
	}
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap + rs->cap / 2 : 1024;
		rs->entries = xreallocarray(rs->entries, rs->cap,
		    sizeof *rs->entries);
		if (rs->opt.sort != SORT_NONE)
			rs->keys = xreallocarray(rs->keys, rs->cap,
			    sizeof *rs->keys);
	}
	if (rs->opt.sort != SORT_NONE)
		rs->keys[rs->n] = sort_key(rs->opt.sort, f);
	e = &rs->entries[rs->n++];
	e->id = f->id;
	e->off = (uint64_t)rs->spill_off;
	if (rs->json) {
		jw_reset(&rs->w);
		report_json_flow_jw(&rs->w, f);
		fwrite(rs->w.buf, 1, rs->w.len, rs->spill);
		e->len[0] = (uint32_t)rs->w.len;
	} else
		e->len[0] = (uint32_t)report_text_flow_line(rs->spill, f);
	rs->spill_off += e->len[0];
	e->len[1] = 0;
	if (!rs->json && rs->long_view && flow_tcp(f) != NULL) {
		/* Opt-in and rare: asking the stream is fine here. */
		report_text_flow_long(rs->spill, f);
		e->len[1] = (uint32_t)(ftello(rs->spill) - rs->spill_off);
		rs->spill_off += e->len[1];
	}
	if (ferror(rs->spill) && rs->error == 0)
		rs->error = errno ? errno : EIO;
	if (rs->interval != NULL) {
		if (rs->json) {
			fwrite(rs->w.buf, 1, rs->w.len, rs->interval);
			fputc('\n', rs->interval);
		} else
			report_text_flow_line(rs->interval, f);
		rs->interval_flows++;
	}
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct spill_entry *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* With --sort: largest key first, equal keys in first-packet order. */
static void
sort_by_key(struct report_sink *rs)
{
	struct spill_entry *sorted;
	size_t *perm, i, j, k, h;

	/* An index sort keeps the keys out of the 24-byte entries. */
	perm = xreallocarray(NULL, rs->n, sizeof *perm);
	for (i = 0; i < rs->n; i++)
		perm[i] = i;
	/* Shell sort on the permutation: no context-free qsort needed. */
	for (h = 1; h < rs->n / 3; h = 3 * h + 1)
		;
	for (; h > 0; h /= 3) {
		for (i = h; i < rs->n; i++) {
			size_t p = perm[i];

			for (j = i; j >= h; j -= h) {
				k = perm[j - h];
				if (rs->keys[k] > rs->keys[p] ||
				    (rs->keys[k] == rs->keys[p] &&
				    rs->entries[k].id < rs->entries[p].id))
					break;
				perm[j] = k;
			}
			perm[j] = p;
		}
	}
	sorted = xreallocarray(NULL, rs->n, sizeof *sorted);
	for (i = 0; i < rs->n; i++)
		sorted[i] = rs->entries[perm[i]];
	free(rs->entries);
	rs->entries = sorted;
	rs->cap = rs->n;
	free(perm);
}

/*
 * The spill file: in $TMPDIR when set (a million-flow report spills a few
 * GB), else where tmpfile() puts it.  Unlinked at once either way.
 */
static FILE *
spill_open(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	FILE *fp;
	int fd;

	if (dir == NULL || *dir == '\0')
		return tmpfile();
	if (snprintf(path, sizeof path, "%s/transcope.XXXXXX", dir) >=
	    (int)sizeof path) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if ((fd = mkstemp(path)) < 0)
		return NULL;
	unlink(path);
	if ((fp = fdopen(fd, "w+")) == NULL)
		close(fd);
	return fp;
}

/* Copy record part k of every entry, in id order, to out. */
static int
spill_copy(struct report_sink *rs, FILE *out, int k, const char *sep,
    const char *first_sep)
{
	char *buf = NULL;
	size_t cap = 0, i;

	for (i = 0; i < rs->n; i++) {
		const struct spill_entry *e = &rs->entries[i];

		if (e->len[k] == 0)
			continue;
		if (e->len[k] > cap) {
			cap = e->len[k];
			buf = xreallocarray(buf, cap, 1);
		}
		if (fseeko(rs->spill, (off_t)(e->off + (k ? e->len[0] : 0)),
		    SEEK_SET) != 0 ||
		    fread(buf, 1, e->len[k], rs->spill) != e->len[k]) {
			free(buf);
			return -1;
		}
		if (sep != NULL)
			fputs(i == 0 ? first_sep : sep, out);
		fwrite(buf, 1, e->len[k], out);
	}
	free(buf);
	return 0;
}

int
report_sink_write(struct report_sink *rs, FILE *out,
    const struct analyzer *an, const struct report_info *ri)
{
	const struct finding *fl;
	size_t nf, i;

	/* Every flow record is out before the rest of the document. */
	flow_writer_finish(rs->writer);
	rs->writer = NULL;
	if (rs->error != 0 || fflush(rs->spill) != 0) {
		errno = rs->error ? rs->error : errno;
		return -1;
	}
	if (rs->n > 1 && rs->opt.sort != SORT_NONE)
		sort_by_key(rs);
	else if (rs->n > 1)	/* qsort(NULL, 0, ...) is undefined */
		qsort(rs->entries, rs->n, sizeof *rs->entries, entry_cmp);
	if (rs->opt.top != 0 && rs->n > rs->opt.top)
		rs->n = rs->opt.top;
	fl = findings_finish(rs->findings, &nf);
	rs->failed_assertions = 0;
	for (i = 0; i < rs->opt.nassertions; i++) {
		assertion_eval(&rs->opt.assertions[i], &rs->summary, an);
		rs->failed_assertions += !rs->opt.assertions[i].passed;
	}
	if (rs->json) {
		const char *nl = rs->one_line ? "" : "\n";
		char sep[3];

		snprintf(sep, sizeof sep, ",%s", nl);
		if (rs->stream == NULL || rs->streamed == 0) {
			report_json_open(out, nl);
			if (spill_copy(rs, out, 0, sep, nl) != 0)
				return -1;
		}
		report_json_tail(out, an, ri, nl, rs->n > 0 || rs->streamed > 0,
		    &rs->summary, fl, nf, &rs->opt);
	} else {
		report_text_head(out, an, ri);
		report_text_table_head(out);
		if (spill_copy(rs, out, 0, NULL, NULL) != 0)
			return -1;
		if (rs->long_view && spill_copy(rs, out, 1, NULL, NULL) != 0)
			return -1;
		report_text_tail(out, &rs->summary, fl, nf, &rs->opt);
	}
	return ferror(out) ? -1 : 0;
}

/* The one-shot reports: every flow still in the analyzer, through a sink. */
static int
report_all(FILE *out, const struct analyzer *an, const struct report_info *ri,
    bool json)
{
	struct report_options opt = { .json = json, .long_view = ri->long_view };
	struct report_sink *rs = report_sink_new(&opt);
	struct flow *f;
	int rc;

	if (rs == NULL)
		return -1;
	for (f = flow_table_first(an->flows); f != NULL; f = f->next)
		report_sink_flow(rs, f);
	rc = report_sink_write(rs, out, an, ri);
	report_sink_free(rs);
	return rc;
}

int
report_json(FILE *out, const struct analyzer *an, const struct report_info *ri)
{
	return report_all(out, an, ri, true);
}

int
report_text(FILE *out, const struct analyzer *an, const struct report_info *ri)
{
	return report_all(out, an, ri, false);
}
