/*
 * --assert: threshold checks over the report, for CI.
 *
 * The language is one comparison per assertion, nothing else:
 *
 *	FIELD OP NUMBER[UNIT]
 *
 * FIELD is one of the names listed in transcope(1) (ASSERTIONS), e.g.
 * retransmission_rate, state.RSTR, handshake.rtt_s.p95; OP is one of
 * < <= > >= == !=; UNIT is optional: s, ms, us (the number is then converted
 * to seconds) or % (divided by 100).  Parsing rejects unknown fields and bad
 * syntax up front, so a typo fails the run before any packet is read.
 * An assertion whose field has no value (a percentile with no samples) fails.
 */
#ifndef TRANSCOPE_THRESHOLD_H
#define TRANSCOPE_THRESHOLD_H

#include <stdbool.h>
#include <stddef.h>

#include "analyzer.h"
#include "summary.h"

enum assert_op { AOP_LT, AOP_LE, AOP_GT, AOP_GE, AOP_EQ, AOP_NE };

struct assertion {
	char		*text;		/* as given */
	char		*field;
	enum assert_op	 op;
	double		 threshold;
	bool		 have_actual;
	double		 actual;
	bool		 passed;
};

/* 0, or -1 with errbuf saying what is wrong.  Free with assertion_clear. */
int	assertion_parse(const char *text, struct assertion *, char *errbuf,
	    size_t len);
void	assertion_eval(struct assertion *, const struct report_summary *,
	    const struct analyzer *);
void	assertion_clear(struct assertion *);
const char *assert_op_name(enum assert_op);

#endif
