/*
 * Reports: the text report (summary, flow table, optional long view) and
 * the JSON document (schema in doc/json-schema.md).  Both read a finished
 * analyzer and write to a stdio stream; they return 0, or -1 on a write
 * error (errno set).  Output depends only on the input and the options, so
 * it is byte-for-byte reproducible.
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

int	report_text(FILE *, const struct analyzer *, const struct report_info *);
int	report_json(FILE *, const struct analyzer *, const struct report_info *);

/* Shared formatting helpers. */
void		 format_addr(const uint8_t *addr, int ip_version, char *buf,
		    size_t len);
const char	*link_type_label(int dlt);
const char	*role_source_name(enum flow_role_source);
const char	*close_by(const struct flow *);
const char	*close_how(const struct flow *);
double		 ns_to_s(uint64_t ns);

#endif
