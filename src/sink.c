/*
 * The report core: see sink.h.
 *
 * A record is built in one buffer (struct jw: the format fills it) and
 * then written where it goes: the stream, or the spill file with an index
 * entry; also, with interval reports, the buffer of the current interval.
 * Nothing here looks at the bytes.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "jsonw.h"
#include "metrics.h"
#include "sink.h"
#include "writer.h"
#include "xmalloc.h"

/*
 * Where one finished flow's records lie in the spill file: the flow record
 * at off, its detail record (if any) right after it.  24 bytes a flow: a
 * million flows cost 24 MB.
 */
struct spill_entry {
	uint64_t	id;
	uint64_t	off;
	uint32_t	len[2];
};

struct sink {
	const struct format *fmt;
	struct fmt_doc	 doc;
	const struct metric *sort;	/* NULL: id order */
	uint64_t	 top;
	FILE		*spill;
	struct spill_entry *entries;
	double		*keys;		/* per entry, only with --sort */
	size_t		 n, cap;
	int		 error;		/* errno of the first spill failure */
	off_t		 spill_off;	/* bytes written to the spill so far */
	struct jw	 rec;		/* the record being built */
	/*
	 * Streaming: each finished flow goes straight to this output, in the
	 * order flows finish, and the spill file is not used.
	 */
	FILE		*stream;
	uint64_t	 streamed;	/* flows written to the stream */
	/* Streaming in a thread of its own: it owns stream, rec, streamed. */
	struct flow_writer *writer;
	/*
	 * Interval reports: the records of the flows finished since the last
	 * one, back to back, and where each ends.
	 */
	bool		 intervals;
	struct jw	 iv_recs;
	size_t		*iv_ends;
	size_t		 iv_n, iv_cap;
};

static FILE	*spill_open(void);
static void	 record_flow(void *, const struct flow *);

struct sink *
sink_new(const struct format *fmt, const struct fmt_doc *doc,
    const struct metric *sort, uint64_t top)
{
	struct sink *sk;
	FILE *fp = spill_open();

	if (fp == NULL)
		return NULL;
	sk = xcalloc(1, sizeof *sk);
	sk->fmt = fmt;
	sk->doc = *doc;
	sk->sort = sort;
	sk->top = top;
	sk->spill = fp;
	jw_reset(&sk->rec);
	return sk;
}

void
sink_free(struct sink *sk)
{
	if (sk == NULL)
		return;
	flow_writer_finish(sk->writer);
	jw_free(&sk->rec);
	jw_free(&sk->iv_recs);
	free(sk->iv_ends);
	fclose(sk->spill);
	free(sk->entries);
	free(sk->keys);
	free(sk);
}

void
sink_set_one_line(struct sink *sk, bool on)
{
	sk->doc.one_line = on;
}

bool
sink_stream(struct sink *sk, FILE *out)
{
	if (!sk->fmt->streams || sk->sort != NULL || sk->top != 0 ||
	    sk->intervals || sk->n > 0)
		return false;
	sk->stream = out;
	return true;
}

bool
sink_use_writer(struct sink *sk)
{
	/* Interval reports read the records as they come: not then. */
	if (sk->writer != NULL || sk->intervals || sk->streamed > 0 ||
	    sk->n > 0)
		return false;
	sk->writer = flow_writer_start(record_flow, sk);
	return sk->writer != NULL;
}

bool
sink_flow(struct sink *sk, struct flow *f)
{
	if (sk->writer != NULL) {
		flow_writer_push(sk->writer, f);
		return true;		/* the writer frees it */
	}
	record_flow(sk, f);
	return false;
}

/* The flow's --sort key, read through the metric table. */
static double
sort_key(const struct metric *m, const struct flow *f)
{
	struct metric_src src = { .flow = f };
	bool known;
	double v;

	return metric_read(m, &src, "", &known, &v) ? v : 0;
}

/* The record in sk->rec also goes into the current interval's list. */
static void
interval_keep(struct sink *sk)
{
	if (sk->iv_n == sk->iv_cap) {
		sk->iv_cap = sk->iv_cap ? sk->iv_cap * 2 : 64;
		sk->iv_ends = xreallocarray(sk->iv_ends, sk->iv_cap,
		    sizeof *sk->iv_ends);
	}
	jw_raw(&sk->iv_recs, sk->rec.buf, sk->rec.len);
	sk->iv_ends[sk->iv_n++] = sk->iv_recs.len;
}

/* One flow record to the stream (in the writer thread, if there is one). */
static void
stream_flow(struct sink *sk, const struct flow *f)
{
	if (sk->streamed == 0)
		sk->fmt->open(sk->stream, &sk->doc, NULL);
	jw_reset(&sk->rec);
	sk->fmt->flow(&sk->rec, &sk->doc, f);
	if (sk->fmt->separator != NULL)
		sk->fmt->separator(sk->stream, &sk->doc, sk->streamed);
	fwrite(sk->rec.buf, 1, sk->rec.len, sk->stream);
	sk->streamed++;
}

/* The record and the detail record of f into the spill file. */
static void
spill_flow(struct sink *sk, const struct flow *f)
{
	struct spill_entry *e;

	if (sk->n == sk->cap) {
		sk->cap = sk->cap ? sk->cap + sk->cap / 2 : 1024;
		sk->entries = xreallocarray(sk->entries, sk->cap,
		    sizeof *sk->entries);
		if (sk->sort != NULL)
			sk->keys = xreallocarray(sk->keys, sk->cap,
			    sizeof *sk->keys);
	}
	if (sk->sort != NULL)
		sk->keys[sk->n] = sort_key(sk->sort, f);
	e = &sk->entries[sk->n++];
	e->id = f->id;
	e->off = (uint64_t)sk->spill_off;
	jw_reset(&sk->rec);
	sk->fmt->flow(&sk->rec, &sk->doc, f);
	fwrite(sk->rec.buf, 1, sk->rec.len, sk->spill);
	e->len[0] = (uint32_t)sk->rec.len;
	sk->spill_off += e->len[0];
	if (sk->intervals)
		interval_keep(sk);
	e->len[1] = 0;
	if (sk->fmt->flow_detail != NULL) {
		jw_reset(&sk->rec);
		sk->fmt->flow_detail(&sk->rec, &sk->doc, f);
		fwrite(sk->rec.buf, 1, sk->rec.len, sk->spill);
		e->len[1] = (uint32_t)sk->rec.len;
		sk->spill_off += e->len[1];
	}
	if (ferror(sk->spill) && sk->error == 0)
		sk->error = errno ? errno : EIO;
}

/*
 * The records of one finished flow, streamed or spilled.  In the writer
 * thread when there is one, which then alone touches the stream, the
 * spill, the index and the record buffer.
 */
static void
record_flow(void *ctx, const struct flow *f)
{
	struct sink *sk = ctx;

	if (sk->stream != NULL)
		stream_flow(sk, f);
	else
		spill_flow(sk, f);
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct spill_entry *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* With --sort: largest key first, equal keys in first-packet order. */
static void
sort_by_key(struct sink *sk)
{
	struct spill_entry *sorted;
	size_t *perm, i, j, k, h;

	/* An index sort keeps the keys out of the 24-byte entries. */
	perm = xreallocarray(NULL, sk->n, sizeof *perm);
	for (i = 0; i < sk->n; i++)
		perm[i] = i;
	/* Shell sort on the permutation: no context-free qsort needed. */
	for (h = 1; h < sk->n / 3; h = 3 * h + 1)
		;
	for (; h > 0; h /= 3) {
		for (i = h; i < sk->n; i++) {
			size_t p = perm[i];

			for (j = i; j >= h; j -= h) {
				k = perm[j - h];
				if (sk->keys[k] > sk->keys[p] ||
				    (sk->keys[k] == sk->keys[p] &&
				    sk->entries[k].id < sk->entries[p].id))
					break;
				perm[j] = k;
			}
			perm[j] = p;
		}
	}
	sorted = xreallocarray(NULL, sk->n, sizeof *sorted);
	for (i = 0; i < sk->n; i++)
		sorted[i] = sk->entries[perm[i]];
	free(sk->entries);
	sk->entries = sorted;
	sk->cap = sk->n;
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

/*
 * Copy record k (0 the flow record, 1 the detail) of every entry, in
 * order, to out; flow records with the format's separators.
 */
static int
spill_copy(struct sink *sk, FILE *out, int k)
{
	char *buf = NULL;
	size_t cap = 0, i;

	for (i = 0; i < sk->n; i++) {
		const struct spill_entry *e = &sk->entries[i];

		if (e->len[k] == 0)
			continue;
		if (e->len[k] > cap) {
			cap = e->len[k];
			buf = xreallocarray(buf, cap, 1);
		}
		if (fseeko(sk->spill, (off_t)(e->off + (k ? e->len[0] : 0)),
		    SEEK_SET) != 0 ||
		    fread(buf, 1, e->len[k], sk->spill) != e->len[k]) {
			free(buf);
			return -1;
		}
		if (k == 0 && sk->fmt->separator != NULL)
			sk->fmt->separator(out, &sk->doc, i);
		fwrite(buf, 1, e->len[k], out);
	}
	free(buf);
	return 0;
}

int
sink_write(struct sink *sk, FILE *out, const struct fmt_end *end)
{
	/* Every flow record is out before the rest of the document. */
	flow_writer_finish(sk->writer);
	sk->writer = NULL;
	if (sk->error != 0 || fflush(sk->spill) != 0) {
		errno = sk->error ? sk->error : errno;
		return -1;
	}
	if (sk->n > 1 && sk->sort != NULL)
		sort_by_key(sk);
	else if (sk->n > 1)	/* qsort(NULL, 0, ...) is undefined */
		qsort(sk->entries, sk->n, sizeof *sk->entries, entry_cmp);
	if (sk->top != 0 && sk->n > sk->top)
		sk->n = sk->top;
	if (sk->streamed == 0) {
		sk->fmt->open(out, &sk->doc, end);
		if (spill_copy(sk, out, 0) != 0)
			return -1;
		if (sk->fmt->flow_detail != NULL && spill_copy(sk, out, 1) != 0)
			return -1;
	}
	sk->fmt->tail(out, &sk->doc, end, sk->n + sk->streamed);
	return ferror(out) ? -1 : 0;
}

void
sink_interval_begin(struct sink *sk)
{
	sk->intervals = true;
	jw_reset(&sk->iv_recs);
	sk->iv_n = 0;
}

/*
 * The flows finished since the last report (kept as records), then the
 * flows still active that had packets in the interval (formatted now).
 */
int
sink_interval(struct sink *sk, FILE *out, const struct analyzer *an,
    const struct interval_info *ii)
{
	/* An interval report is one NDJSON record in the JSON stream. */
	const struct fmt_doc one_line = { .one_line = true };
	const struct format *fmt = sk->fmt;
	struct fmt_interval iv;
	const struct flow *f;
	uint64_t n = 0;
	size_t i, start = 0;

	memset(&iv, 0, sizeof iv);
	iv.ii = ii;
	for (f = flow_table_first(an->flows); f != NULL; f = f->next)
		if (f->last_ts > ii->since_ts)
			iv.active++;
	iv.finished = sk->iv_n;
	iv.live = flow_table_live(an->flows);
	iv.total = flow_table_count(an->flows);
	fmt->interval(out, &iv);
	for (i = 0; i < sk->iv_n; start = sk->iv_ends[i++]) {
		if (fmt->separator != NULL)
			fmt->separator(out, &one_line, n);
		fwrite(sk->iv_recs.buf + start, 1, sk->iv_ends[i] - start, out);
		n++;
	}
	for (f = flow_table_first(an->flows); f != NULL; f = f->next) {
		if (f->last_ts <= ii->since_ts)
			continue;
		jw_reset(&sk->rec);
		fmt->flow(&sk->rec, &sk->doc, f);
		if (fmt->separator != NULL)
			fmt->separator(out, &one_line, n);
		fwrite(sk->rec.buf, 1, sk->rec.len, out);
		n++;
	}
	if (fmt->interval_end != NULL)
		fmt->interval_end(out);
	fflush(out);
	sink_interval_begin(sk);
	return ferror(out) ? -1 : 0;
}
