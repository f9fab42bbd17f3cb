/*
 * Reports: the text report (summary, flow table, optional long view) and
 * the JSON document (schema in doc/json-schema.md).  Output depends only on
 * the input and the options, so it is byte-for-byte reproducible.
 *
 * Flows are reported as they finish: a struct report_sink serialises each
 * finished flow into a temporary file at once (so its analysis state can be
 * freed) and remembers where; report_sink_write() then writes the summary
 * and the flows in id order, which is first-packet order whatever order
 * they finished in.  Memory per finished flow: one small index entry.
 *
 * report_text() and report_json() are the one-shot form for an analyzer
 * that kept all its flows.  All return 0, or -1 on an I/O error (errno).
 */
#ifndef TRANSCOPE_REPORT_H
#define TRANSCOPE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "analyzer.h"

#define REPORT_SCHEMA_VERSION	1

struct report_info {
	char *const	*files;
	int		 nfiles;
	bool		 long_view;	/* text: tcptrace -l style per flow */
};

struct report_sink;

/* NULL when no temporary file can be made (errno set). */
struct report_sink *report_sink_new(bool json, bool long_view);
/* A flow_final_fn: records the finished flow. */
void	report_sink_flow(void *sink, const struct flow *);
int	report_sink_write(struct report_sink *, FILE *,
	    const struct analyzer *, const struct report_info *);
void	report_sink_free(struct report_sink *);

int	report_text(FILE *, const struct analyzer *, const struct report_info *);
int	report_json(FILE *, const struct analyzer *, const struct report_info *);

/* The pieces, for report.c: one flow's records and the surrounding parts. */
void	report_json_flow(FILE *, const struct flow *);
void	report_json_head(FILE *, const struct analyzer *,
	    const struct report_info *);
void	report_text_flow_line(FILE *, const struct flow *);
void	report_text_flow_long(FILE *, const struct flow *);
void	report_text_head(FILE *, const struct analyzer *,
	    const struct report_info *);
void	report_text_table_head(FILE *);

/* Shared formatting helpers. */
void		 format_addr(const uint8_t *addr, int ip_version, char *buf,
		    size_t len);
const char	*link_type_label(int dlt);
const char	*role_source_name(enum flow_role_source);
const char	*close_by(const struct flow *);
const char	*close_how(const struct flow *);
double		 ns_to_s(uint64_t ns);

#endif
