/*
 * transcope diff OLD.json NEW.json: the command (cmd.h) that compares two
 * JSON reports and says what changed beyond tolerances.  This file is its
 * command line: --help, the options, the tolerances they set, and the exit
 * status; the work is in diff-load.c, diff-match.c, diff-compare.c and
 * diff-print.c (see diff.h).
 *
 * Exit codes: 0 within tolerance, 3 not, 1 usage error, 2 input error (or
 * standard output unwritable).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "diff.h"
#include "xmalloc.h"

#define DIFF_EXIT_OK		0
#define DIFF_EXIT_USAGE		1
#define DIFF_EXIT_INPUT		2
#define DIFF_EXIT_CHANGED	3

static void
diff_usage(FILE *out)
{
	fputs(
"usage: transcope diff [-h] [--json] [--strict] [--tolerance spec]...\n"
"                      [--ignore families] old.json new.json\n"
"\n"
"Compare two transcope --json reports (of --interval NDJSON, the final\n"
"report) and print what changed: flows added or removed, state changes,\n"
"and counters and timings that moved beyond their tolerances.  Flows are\n"
"matched by protocol, client and server address and port (flows sharing\n"
"them pair up in id order), then by the same ignoring the client port.\n"
"\n"
"      --json               one JSON document instead of text\n"
"      --tolerance SPEC     FAMILY=VALUE[,FAMILY=VALUE...]; VALUE is N\n"
"                           (absolute, in the field's unit: times may end\n"
"                           in s, ms or us), N% (of the old value) or off;\n"
"                           FAMILY all sets every family\n"
"      --ignore LIST        families not to compare (as FAMILY=off)\n"
"      --strict             history changes count too (else only shown)\n"
"  -h, --help               this help\n"
"\n"
"Families, default tolerances and fields (of c2s and s2c unless 'flow'):\n"
"  packets=0              packets; the capture's packets and undecoded\n"
"  bytes=0                bytes, payload_bytes, unique_payload_bytes\n"
"  retransmissions=0      retransmissions.total, .rto, .fast, .spurious,\n"
"                         .probe\n"
"  out_of_order=0         out_of_order\n"
"  lost_segments=0        lost_segments\n"
"  network_duplicates=0   network_duplicates\n"
"  dup_acks=0             dup_acks\n"
"  zero_window=0          zero_window.count, zero_window.duration_s\n"
"  rtt=10%                rtt.mean_s, .p50_s, .p95_s, .max_s, .min_s\n"
"  rto=20%                rto.srtt_s, rto.rto_s, rto.timeouts\n"
"  throughput=20%         throughput_bps, goodput_bps\n"
"  handshake=10%          flow: handshake.rtt_s, .client_rtt_s,\n"
"                         .server_rtt_s, .syn_retries, .synack_retries\n"
"                         (the retry counts take an absolute N only:\n"
"                         with N% any change of them counts)\n"
"  duration=10%           flow: duration_s\n"
"\n"
"A value is beyond tolerance when |new - old| > N, or > N% of |old| (so\n"
"with N% any change from 0 is); a value that becomes null or stops being\n"
"null always is.  Flows added or removed and state changes always count.\n"
"\n"
"Exit status: 0 within tolerance, 3 changes beyond tolerance, 1 usage\n"
"error, 2 a report missing, unreadable, not JSON or not a transcope report.\n",
	    out);
}

static int
family_find(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < DIFF_NFAMILIES; i++) {
		if (strlen(diff_families[i].name) == len &&
		    strncmp(diff_families[i].name, name, len) == 0)
			return (int)i;
	}
	return -1;
}

/* Parse one VALUE: off, N, N% or N with a time unit. */
static bool
tolerance_parse(const char *s, bool times, struct diff_tolerance *t,
    const char **why)
{
	char	*end;
	double	 v;

	memset(t, 0, sizeof *t);
	if (strcmp(s, "off") == 0) {
		t->off = true;
		return true;
	}
	if (*s == '\0' || *s == '+' || *s == '-' || *s == ' ') {
		*why = "expected off, a number or a percentage";
		return false;
	}
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno != 0 || !isfinite(v) || v < 0) {
		*why = "expected off, a number or a percentage";
		return false;
	}
	if (strcmp(end, "%") == 0)
		t->relative = true;
	else if (strcmp(end, "s") == 0 || strcmp(end, "ms") == 0 ||
	    strcmp(end, "us") == 0) {
		if (!times) {
			*why = "a time unit on a family of counts";
			return false;
		}
		if (strcmp(end, "ms") == 0)
			v /= 1e3;
		else if (strcmp(end, "us") == 0)
			v /= 1e6;
	} else if (*end != '\0') {
		*why = "expected off, a number or a percentage";
		return false;
	}
	t->value = v;
	return true;
}

static void
tolerances_default(struct diff_tolerance *tol)
{
	const char	*why;
	size_t		 i;

	for (i = 0; i < DIFF_NFAMILIES; i++) {
		if (!tolerance_parse(diff_families[i].dflt,
		    diff_families[i].times, &tol[i], &why))
			abort();
	}
}

static void
bad_family(const char *opt, const char *name, size_t len)
{
	fprintf(stderr, "transcope: diff: %s: unknown family '%.*s' (one of "
	    "packets, bytes, retransmissions, out_of_order, lost_segments, "
	    "network_duplicates, dup_acks, zero_window, rtt, rto, throughput, "
	    "handshake, duration, all)\n", opt, (int)len, name);
}

/* --tolerance FAMILY=VALUE[,...] */
static bool
tolerance_spec(const char *spec, struct diff_tolerance *tol)
{
	struct diff_tolerance	 t;
	const char		*p = spec, *comma, *eq, *why = NULL;
	char			*item;
	size_t			 len, i;
	int			 f;
	bool			 ok;

	for (;;) {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		eq = memchr(p, '=', len);
		if (eq == NULL || eq == p) {
			fprintf(stderr, "transcope: diff: --tolerance '%s': "
			    "expected FAMILY=VALUE[,FAMILY=VALUE...]\n", spec);
			return false;
		}
		f = -1;
		if (!((size_t)(eq - p) == 3 && strncmp(p, "all", 3) == 0) &&
		    (f = family_find(p, (size_t)(eq - p))) < 0) {
			bad_family("--tolerance", p, (size_t)(eq - p));
			return false;
		}
		item = xmalloc(len - (size_t)(eq - p));
		memcpy(item, eq + 1, len - (size_t)(eq - p) - 1);
		item[len - (size_t)(eq - p) - 1] = '\0';
		if (f >= 0)
			ok = tolerance_parse(item, diff_families[f].times, &t,
			    &why);
		else
			ok = tolerance_parse(item, true, &t, &why);
		if (!ok) {
			fprintf(stderr, "transcope: diff: --tolerance '%s': "
			    "bad value '%s' for %.*s: %s\n", spec, item,
			    (int)(eq - p), p, why);
			free(item);
			return false;
		}
		free(item);
		if (f >= 0)
			tol[f] = t;
		else {
			for (i = 0; i < DIFF_NFAMILIES; i++)
				tol[i] = t;
		}
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	return true;
}

/* --ignore FAMILY[,...] */
static bool
ignore_spec(const char *spec, struct diff_tolerance *tol)
{
	const char	*p = spec, *comma;
	size_t		 len, i;
	int		 f;

	for (;;) {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (len == 3 && strncmp(p, "all", 3) == 0) {
			for (i = 0; i < DIFF_NFAMILIES; i++)
				tol[i].off = true;
		} else if ((f = family_find(p, len)) >= 0)
			tol[f].off = true;
		else {
			bad_family("--ignore", p, len);
			return false;
		}
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	return true;
}

static const struct option diff_long_options[] = {
	{ "json",	no_argument,		NULL, 'j' },
	{ "strict",	no_argument,		NULL, 'S' },
	{ "tolerance",	required_argument,	NULL, 't' },
	{ "ignore",	required_argument,	NULL, 'I' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL,		0,			NULL, 0 }
};

/* The options into *opt: -1 to go on, else the exit status. */
static int
cmd_diff_parse(struct diff_options *opt, int argc, char **argv)
{
	int	ch;

	memset(opt, 0, sizeof *opt);
	tolerances_default(opt->tol);
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", diff_long_options,
	    NULL)) != -1) {
		switch (ch) {
		case 'j':
			opt->json = true;
			break;
		case 'S':
			opt->strict = true;
			break;
		case 't':
			if (!tolerance_spec(optarg, opt->tol))
				return DIFF_EXIT_USAGE;
			break;
		case 'I':
			if (!ignore_spec(optarg, opt->tol))
				return DIFF_EXIT_USAGE;
			break;
		case 'h':
			diff_usage(stdout);
			return DIFF_EXIT_OK;
		case ':':
			fprintf(stderr, "transcope: diff: option '%s' needs a "
			    "value (see transcope diff --help)\n",
			    argv[optind - 1]);
			return DIFF_EXIT_USAGE;
		default:
			if (optopt != 0 && optopt < 256)
				fprintf(stderr, "transcope: diff: unknown "
				    "option '-%c' (see transcope diff "
				    "--help)\n", optopt);
			else
				fprintf(stderr, "transcope: diff: unknown "
				    "option '%s' (see transcope diff --help)\n",
				    argv[optind - 1]);
			return DIFF_EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "transcope: diff: expected two reports, "
		    "old.json new.json (see transcope diff --help)\n");
		return DIFF_EXIT_USAGE;
	}
	return -1;
}

static int
cmd_diff_exec(int argc, char **argv)
{
	struct diff_options	 opt;
	struct diff_report	 o, n;
	struct diff_changes	 cs;
	int			 rc;

	if ((rc = cmd_diff_parse(&opt, argc, argv)) >= 0)
		return rc;
	if (diff_report_load(&o, argv[optind]) != 0)
		return DIFF_EXIT_INPUT;
	if (diff_report_load(&n, argv[optind + 1]) != 0) {
		diff_report_free(&o);
		return DIFF_EXIT_INPUT;
	}
	diff_match(&o, &n);
	diff_compare(&cs, &o, &n, &opt);
	if (opt.json)
		diff_print_json(stdout, &o, &n, &cs, &opt);
	else
		diff_print_text(stdout, &o, &n, &cs);
	rc = cs.counted == 0 ? DIFF_EXIT_OK : DIFF_EXIT_CHANGED;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "transcope: diff: standard output: %s\n",
		    strerror(errno));
		rc = DIFF_EXIT_INPUT;
	}

	diff_changes_free(&cs);
	diff_report_free(&o);
	diff_report_free(&n);
	return rc;
}

const struct cmd_entry cmd_diff_entry = { "diff", cmd_diff_exec };
