/*
 * What the text and JSON reporters share: address formatting and the few
 * derived values both show, so the two never disagree.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

#include "report.h"
#include "xmalloc.h"

/* Where one finished flow's serialised records lie in the spill file. */
struct spill_entry {
	uint64_t	id;
	off_t		off[2];		/* JSON: line; text: table line, long */
	uint32_t	len[2];
};

struct report_sink {
	bool		 json;
	bool		 long_view;
	FILE		*spill;
	struct spill_entry *entries;
	size_t		 n, cap;
	int		 error;		/* errno of the first spill failure */
};

struct report_sink *
report_sink_new(bool json, bool long_view)
{
	struct report_sink *rs;
	FILE *fp = tmpfile();

	if (fp == NULL)
		return NULL;
	rs = xcalloc(1, sizeof *rs);
	rs->json = json;
	rs->long_view = long_view;
	rs->spill = fp;
	return rs;
}

void
report_sink_free(struct report_sink *rs)
{
	if (rs == NULL)
		return;
	fclose(rs->spill);
	free(rs->entries);
	free(rs);
}

void
report_sink_flow(void *ctx, const struct flow *f)
{
	struct report_sink *rs = ctx;
	struct spill_entry *e;
	off_t start;

	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 1024;
		rs->entries = xreallocarray(rs->entries, rs->cap,
		    sizeof *rs->entries);
	}
	e = &rs->entries[rs->n++];
	e->id = f->id;
	start = ftello(rs->spill);
	if (rs->json)
		report_json_flow(rs->spill, f);
	else
		report_text_flow_line(rs->spill, f);
	e->off[0] = start;
	e->len[0] = (uint32_t)(ftello(rs->spill) - start);
	e->off[1] = ftello(rs->spill);
	if (!rs->json && rs->long_view && f->tcp != NULL)
		report_text_flow_long(rs->spill, f);
	e->len[1] = (uint32_t)(ftello(rs->spill) - e->off[1]);
	if (ferror(rs->spill) && rs->error == 0)
		rs->error = errno ? errno : EIO;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct spill_entry *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
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
		if (fseeko(rs->spill, e->off[k], SEEK_SET) != 0 ||
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
	if (rs->error != 0 || fflush(rs->spill) != 0) {
		errno = rs->error ? rs->error : errno;
		return -1;
	}
	qsort(rs->entries, rs->n, sizeof *rs->entries, entry_cmp);
	if (rs->json) {
		report_json_head(out, an, ri);
		fputs(",\n\"flows\":[", out);
		if (spill_copy(rs, out, 0, ",\n", "\n") != 0)
			return -1;
		fputs("\n]}\n", out);
	} else {
		report_text_head(out, an, ri);
		report_text_table_head(out);
		if (spill_copy(rs, out, 0, NULL, NULL) != 0)
			return -1;
		if (rs->long_view && spill_copy(rs, out, 1, NULL, NULL) != 0)
			return -1;
	}
	return ferror(out) ? -1 : 0;
}

/* The one-shot reports: every flow still in the analyzer, through a sink. */
static int
report_all(FILE *out, const struct analyzer *an, const struct report_info *ri,
    bool json)
{
	struct report_sink *rs = report_sink_new(json, ri->long_view);
	const struct flow *f;
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

void
format_addr(const uint8_t *addr, int ip_version, char *buf, size_t len)
{
	if (inet_ntop(ip_version == 6 ? AF_INET6 : AF_INET, addr, buf,
	    (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}

const char *
link_type_label(int dlt)
{
	const char *name = pcap_datalink_val_to_name(dlt);

	return name != NULL ? name : "UNKNOWN";
}

const char *
role_source_name(enum flow_role_source r)
{
	switch (r) {
	case ROLE_SYN:		return "syn";
	case ROLE_SYNACK:	return "synack";
	case ROLE_PORTS:	return "ports";
	default:		return "first_packet";
	}
}

/* The side that closed first (FIN or RST, whichever came first). */
const char *
close_by(const struct flow *f)
{
	const struct tcp_conn *c = f->tcp;
	int d;

	if (c == NULL)
		return "none";
	d = c->first_fin_dir;
	if (c->first_rst_dir >= 0 && (d < 0 || close_how(f)[0] == 'r'))
		d = c->first_rst_dir;
	return d < 0 ? "none" : d == DIR_C2S ? "client" : "server";
}

const char *
close_how(const struct flow *f)
{
	const struct tcp_conn *c = f->tcp;

	if (c == NULL || (c->first_fin_dir < 0 && c->first_rst_dir < 0))
		return "none";
	if (c->first_fin_dir < 0)
		return "rst";
	if (c->first_rst_dir < 0)
		return "fin";
	/* Both: whichever came first closed the connection. */
	return c->rst_phase == PHASE_CLOSING ? "fin" : "rst";
}

double
ns_to_s(uint64_t ns)
{
	return (double)ns / 1e9;
}
