/*
 * transcope diff: compare two JSON reports and say what changed beyond
 * tolerances.  Exit codes: 0 within tolerance, 3 not, 1 usage error,
 * 2 input error.
 */
#ifndef TRANSCOPE_DIFF_H
#define TRANSCOPE_DIFF_H

/* The command itself is cmd_diff_entry (cmd.h). */

#endif
