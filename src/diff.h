/*
 * transcope diff, inside: the files of the command share these types and
 * nothing else (cmd.h has the only public name, cmd_diff_entry).
 *
 * A run goes one way through them:
 *   cmd-diff.c      options and tolerances, then the steps below, exit code
 *   diff-load.c     read a report (JSON or --interval NDJSON) into a
 *                   struct diff_report: the json-c tree and its flows' keys
 *   diff-match.c    pair the flows of the two reports (sets ->peer)
 *   diff-compare.c  the metric families, and the changes beyond tolerance
 *   diff-print.c    the changes as text or as one JSON document
 *
 * Nothing about a report's shape is trusted: a missing field or one of the
 * wrong type is absent and simply not compared.  The output depends only on
 * the two files and the options, byte for byte.
 *
 * Ownership: a struct diff_report owns its json-c tree and its arrays;
 * struct diff_flow and the changes borrow from it, except the old, new and
 * delta values of a change, which hold references of their own.
 */
#ifndef TRANSCOPE_DIFF_H
#define TRANSCOPE_DIFF_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifndef JSON_C_TO_STRING_NOSLASHESCAPE
#define JSON_C_TO_STRING_NOSLASHESCAPE 0
#endif
#define DIFF_JSON_FLAGS (JSON_C_TO_STRING_PLAIN|JSON_C_TO_STRING_NOSLASHESCAPE)

/* Where a field lives: in the flow object, or in each of c2s and s2c. */
enum diff_scope { SCOPE_FLOW, SCOPE_DIR };

struct diff_field {
	const char	*path;	/* dotted, below the flow or direction */
	enum diff_scope	 scope;
	bool		 count_only; /* a count: a relative tolerance is 0 */
};

struct diff_family {
	const char	*name;
	const char	*dflt;	/* default tolerance, as typed */
	bool		 times;	/* has times: takes s, ms, us units */
};

/* The order of the output and of the tolerances (diff-compare.c). */
#define DIFF_NFAMILIES		13
#define DIFF_FAMILY_PACKETS	0
extern const struct diff_family diff_families[];

struct diff_tolerance {
	bool	off;
	bool	relative;	/* value is a percentage of |old| */
	double	value;
};

struct diff_options {
	bool			json;
	bool			strict;
	struct diff_tolerance	tol[DIFF_NFAMILIES];
};

/* One flow of a report, with its key picked out. */
struct diff_flow {
	json_object	*obj;	/* borrowed from the report */
	int64_t		 id;
	size_t		 idx;		/* position in the flows array */
	const char	*proto;		/* NULL when absent */
	const char	*cip;
	const char	*sip;
	int64_t		 cport;		/* -1 when absent */
	int64_t		 sport;
	json_object	*tunnel;	/* its "tunnel" array, or NULL */
	const char	*tunnel_key;	/* that as text (json-c's), or NULL */
	char		 tunnel_short[96];	/* "vxlan:42", or "" */
	struct diff_flow *peer;	/* matched flow of the other report */
};

struct diff_report {
	const char	*path;
	json_object	*root;
	struct diff_flow *flows;
	size_t		 nflows;
	struct diff_flow **byid;	/* flows sorted by id */
};

enum diff_change_kind {
	CH_METRIC, CH_STATE, CH_HISTORY, CH_ADDED, CH_REMOVED, CH_CAPTURE
};

struct diff_change {
	enum diff_change_kind	 kind;
	bool			 counted;
	const struct diff_flow	*o;	/* NULL for added and capture */
	const struct diff_flow	*n;	/* NULL: removed and capture */
	char			 field[64];
	json_object		*oldv;	/* owned references, or NULL */
	json_object		*newv;
	json_object		*delta;
	char			 tol[32];	/* "" unless a metric */
	char			 pct[32];	/* relative change (text) */
};

struct diff_changes {
	struct diff_change *v;
	size_t		 n;
	size_t		 alloc;
	size_t		 counted;
	size_t		 uncounted;
	size_t		 matched;	/* flows */
	size_t		 added;
	size_t		 removed;
};

/* diff-load.c: 0, or -1 with the message printed. */
int		 diff_report_load(struct diff_report *, const char *path);
void		 diff_report_free(struct diff_report *);
/* The member key of an object, or NULL (absent, or o not an object). */
json_object	*diff_obj_get(json_object *o, const char *key);
const char	*diff_obj_string(json_object *o, const char *key);
int64_t		 diff_obj_int(json_object *o, const char *key, int64_t dflt);
/* qsort order of struct diff_flow pointers: id, then position. */
int		 diff_flow_cmp_id(const void *, const void *);

/* diff-match.c */
void		 diff_match(struct diff_report *o, struct diff_report *n);

/* diff-compare.c: fills *cs, which the caller frees. */
void		 diff_compare(struct diff_changes *cs,
		    const struct diff_report *o, const struct diff_report *n,
		    const struct diff_options *);
void		 diff_changes_free(struct diff_changes *);
void		 diff_tolerance_format(const struct diff_tolerance *,
		    char *buf, size_t len);

/* diff-print.c */
void		 diff_print_text(FILE *, const struct diff_report *o,
		    const struct diff_report *n, const struct diff_changes *);
void		 diff_print_json(FILE *, const struct diff_report *o,
		    const struct diff_report *n, const struct diff_changes *,
		    const struct diff_options *);

#endif
