/*
 * The words of the findings: the sentence that explains a finding, the
 * same in every format (the text report's second line of a finding, the
 * JSON report's "explanation").  findings.c keeps typed records only; a
 * new kind of finding gets its sentence here.
 */
#ifndef TRANSCOPE_FMT_FINDING_H
#define TRANSCOPE_FMT_FINDING_H

#include <stddef.h>

#include "findings.h"

/* Longer sentences are cut to this, as they always were. */
#define FORMAT_EXPLANATION_MAX	256

/* The sentence into buf (FORMAT_EXPLANATION_MAX bytes); returns buf. */
const char	*format_finding_explanation(const struct finding *, char *buf,
		    size_t len);

#endif
