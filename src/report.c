/*
 * Reports: see report.h.  The glue between the analysis and the report
 * core: --proto, the summary and the findings are fed here, in the
 * analysis thread, before a flow goes to the core (sink.c), perhaps to
 * its writer thread; at the end the findings are finished and the
 * assertions evaluated here, and the core writes them through the format.
 */
#include "config.h"

#include <stdlib.h>

#include "report.h"
#include "xmalloc.h"

struct report_sink {
	struct report_options opt;
	struct sink	*sink;
	struct report_summary summary;
	struct findings	*findings;
	size_t		 failed_assertions;
};

struct report_sink *
report_sink_new(const struct report_options *opt)
{
	const struct format *fmt = opt->format;
	struct fmt_doc doc = { .long_view = opt->long_view };
	struct report_sink *rs;
	struct sink *sk;

	if (fmt == NULL)
		fmt = &format_text;
	if ((sk = sink_new(fmt, &doc, opt->sort, opt->top)) == NULL)
		return NULL;
	rs = xcalloc(1, sizeof *rs);
	rs->opt = *opt;
	rs->sink = sk;
	rs->findings = findings_new();
	return rs;
}

void
report_sink_free(struct report_sink *rs)
{
	if (rs == NULL)
		return;
	sink_free(rs->sink);
	summary_free(&rs->summary);
	findings_free(rs->findings);
	free(rs);
}

size_t
report_sink_failed_assertions(const struct report_sink *rs)
{
	return rs->failed_assertions;
}

void
report_sink_set_one_line(struct report_sink *rs, bool on)
{
	sink_set_one_line(rs->sink, on);
}

bool
report_sink_stream(struct report_sink *rs, FILE *out)
{
	return sink_stream(rs->sink, out);
}

bool
report_sink_use_writer(struct report_sink *rs)
{
	return sink_use_writer(rs->sink);
}

void
report_sink_interval_begin(struct report_sink *rs)
{
	sink_interval_begin(rs->sink);
}

int
report_interval(FILE *out, struct report_sink *rs, const struct analyzer *an,
    const struct interval_info *ii)
{
	return sink_interval(rs->sink, out, an, ii);
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
	return sink_flow(rs->sink, f);
}

int
report_sink_write(struct report_sink *rs, FILE *out,
    const struct analyzer *an, const struct report_info *ri)
{
	struct fmt_end end;
	size_t i;

	end.an = an;
	end.ri = ri;
	end.summary = &rs->summary;
	end.findings = findings_finish(rs->findings, &end.nfindings);
	rs->failed_assertions = 0;
	for (i = 0; i < rs->opt.nassertions; i++) {
		assertion_eval(&rs->opt.assertions[i], &rs->summary, an);
		rs->failed_assertions += !rs->opt.assertions[i].passed;
	}
	end.assertions = rs->opt.assertions;
	end.nassertions = rs->opt.nassertions;
	return sink_write(rs->sink, out, &end);
}

/* The one-shot reports: every flow still in the analyzer, through a sink. */
static int
report_all(FILE *out, const struct analyzer *an, const struct report_info *ri,
    bool json)
{
	struct report_options opt = {
		.format = json ? &format_json : &format_text,
		.long_view = ri->long_view
	};
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
