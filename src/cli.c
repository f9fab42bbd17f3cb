/*
 * The analysis command line (see cli.h): the option table, usage(), and
 * parsing into struct options.
 *
 * Each option's value is checked as it is met and a bad one stops the run
 * at once, with a one-line message on stderr and EXIT_USAGE, before
 * anything is opened: so the first bad argument is the one reported, and
 * "-h --bogus" prints the help where "--bogus -h" is an error.  After the
 * options come capture files (-r, or operands that look like one) and then
 * a BPF expression: the rest of the arguments, joined by spaces as tcpdump
 * does.  The switch over options is cut by what the options are about
 * (output, analysis, input) and each part answers NOT_MINE for the others.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "metrics.h"
#include "xmalloc.h"

enum {
	OPT_JSON = 256, OPT_FORMAT, OPT_RTO_MIN, OPT_CLOCK_G, OPT_MAX_FLOWS,
	OPT_TCP_TIMEOUT, OPT_SYN_TIMEOUT, OPT_CLOSED_TIMEOUT, OPT_UDP_TIMEOUT,
	OPT_FINISHED_TIMEOUT,
	OPT_DURATION, OPT_INTERVAL, OPT_PROTO, OPT_TOP, OPT_SORT, OPT_ASSERT,
	OPT_EVENTS,
	OPT_THREADS, OPT_TUNNEL_PORT, OPT_NO_DECAP
};

/* Live capture: the default snaplen holds every header transcope reads. */
#define DEFAULT_SNAPLEN	512

static const struct option long_options[] = {
	{ "json",		no_argument,		NULL, OPT_JSON },
	{ "format",		required_argument,	NULL, OPT_FORMAT },
	{ "output",		required_argument,	NULL, 'o' },
	{ "read",		required_argument,	NULL, 'r' },
	{ "long",		no_argument,		NULL, 'l' },
	{ "quiet",		no_argument,		NULL, 'q' },
	{ "rto-min",		required_argument,	NULL, OPT_RTO_MIN },
	{ "clock-granularity",	required_argument,	NULL, OPT_CLOCK_G },
	{ "max-flows",		required_argument,	NULL, OPT_MAX_FLOWS },
	{ "tcp-timeout",	required_argument,	NULL, OPT_TCP_TIMEOUT },
	{ "syn-timeout",	required_argument,	NULL, OPT_SYN_TIMEOUT },
	{ "closed-timeout",	required_argument,	NULL, OPT_CLOSED_TIMEOUT },
	{ "udp-timeout",	required_argument,	NULL, OPT_UDP_TIMEOUT },
	{ "finished-timeout",	required_argument,	NULL, OPT_FINISHED_TIMEOUT },
	{ "interface",		required_argument,	NULL, 'i' },
	{ "snaplen",		required_argument,	NULL, 's' },
	{ "no-promiscuous-mode", no_argument,		NULL, 'p' },
	{ "buffer-size",	required_argument,	NULL, 'B' },
	{ "list-interfaces",	no_argument,		NULL, 'D' },
	{ "count",		required_argument,	NULL, 'c' },
	{ "duration",		required_argument,	NULL, OPT_DURATION },
	{ "interval",		required_argument,	NULL, OPT_INTERVAL },
	{ "write",		required_argument,	NULL, 'w' },
	{ "relinquish-privileges", required_argument,	NULL, 'Z' },
	{ "proto",		required_argument,	NULL, OPT_PROTO },
	{ "top",		required_argument,	NULL, OPT_TOP },
	{ "sort",		required_argument,	NULL, OPT_SORT },
	{ "assert",		required_argument,	NULL, OPT_ASSERT },
	{ "events",		required_argument,	NULL, OPT_EVENTS },
	{ "threads",		required_argument,	NULL, OPT_THREADS },
	{ "tunnel-port",	required_argument,	NULL, OPT_TUNNEL_PORT },
	{ "no-decap",		no_argument,		NULL, OPT_NO_DECAP },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

static void
usage(FILE *out)
{
	fputs(
"usage: transcope [-hlqV] [--json | --format text|json] [-o file] [-w file]\n"
"                 [-c count] [--interval seconds] [--events file]\n"
"                 [--assert expr]... [--proto tcp|udp]\n"
"                 [--top n] [--sort bytes|packets|retransmissions|rtt|duration]\n"
"                 [--rto-min seconds] [--clock-granularity seconds]\n"
"                 [--max-flows n] [--tcp-timeout s] [--syn-timeout s]\n"
"                 [--closed-timeout s] [--finished-timeout s]\n"
"                 [--udp-timeout s] [--threads 1|2]\n"
"                 [--tunnel-port type:port]... [--no-decap]\n"
"                 [-r] file ... [expression]\n"
"       transcope -i interface [-p] [-s snaplen] [-B KiB] [-Z user]\n"
"                 [--duration seconds] [options] [expression]\n"
"       transcope -D\n"
"\n"
"Analyse the TCP and UDP flows in pcap or pcapng capture files, plain or\n"
"compressed (gzip, zstd, xz, bzip2, lz4).  Several files are merged in\n"
"time order.  A trailing expression is a BPF filter, as for tcpdump.\n"
"\n"
"  -r, --read FILE             read FILE (may be repeated; also positional)\n"
"  -i, --interface IFACE       capture live on IFACE until -c, --duration,\n"
"                              SIGINT or SIGTERM, then report\n"
"  -D, --list-interfaces       list the interfaces that can be captured on\n"
"  -p, --no-promiscuous-mode   do not put the interface in promiscuous mode\n"
"  -s, --snaplen BYTES         live: bytes kept per packet (default 512,\n"
"                              enough for every header)\n"
"  -B, --buffer-size KIB       live: kernel capture buffer size\n"
"  -Z, --relinquish-privileges USER  live: run as USER once capturing\n"
"  -w, --write FILE            also write the packets read to FILE (pcap:\n"
"                              one link type)\n"
"  -c, --count N               stop after N packets\n"
"      --duration SECONDS      live: stop after SECONDS\n"
"      --interval SECONDS      report every SECONDS while capturing: text,\n"
"                              or one NDJSON record per interval\n"
"      --json                  write the JSON report (same as --format json)\n"
"      --format text|json      report format (default text)\n"
"  -o, --output FILE           write the report to FILE instead of stdout\n"
"  -l, --long                  text: add a per-connection long view\n"
"      --proto tcp|udp         report only TCP or only UDP flows\n"
"      --top N                 report only the first N flows (by --sort)\n"
"      --sort KEY              order flows by bytes, packets,\n"
"                              retransmissions, rtt or duration, largest\n"
"                              first (default: first packet)\n"
"      --assert EXPR           check FIELD OP NUMBER over the report, e.g.\n"
"                              'retransmission_rate < 0.01'; exit 3 if any\n"
"                              fails (fields: transcope(1), ASSERTIONS)\n"
"      --events FILE           write one line per analysis event to FILE\n"
"                              ('-': standard output), NDJSON with --json\n"
"  -q, --quiet                 no warnings and no progress on stderr\n"
"      --rto-min SECONDS       RFC 6298 lower bound on RTO (default 1;\n"
"                              Linux uses 0.2)\n"
"      --clock-granularity S   RFC 6298 clock granularity G (default 0.001)\n"
"      --max-flows N           keep at most N flows in memory; when full,\n"
"                              finish the idlest (counted as evicted)\n"
"      --tcp-timeout S         finish an established TCP flow idle for S\n"
"                              seconds of capture time (default 3600)\n"
"      --syn-timeout S         ... a TCP flow still in its handshake (30)\n"
"      --closed-timeout S      ... a TCP flow after FINs both ways (10)\n"
"      --finished-timeout S    ... a TCP flow whose last FIN was ACKed, or\n"
"                              that was reset (1)\n"
"      --udp-timeout S         ... a UDP flow (60)\n"
"      --threads 1|2           files: 2 reads and decodes packets (and\n"
"                              decompresses), and writes JSON flow records,\n"
"                              in threads of their own while flows are\n"
"                              analysed (default 2 with 2 or more CPUs);\n"
"                              same report either way\n"
"      --tunnel-port TYPE:PORT UDP PORT carries tunnel TYPE: vxlan, geneve,\n"
"                              gtp (GTP-U) or teredo (may be repeated)\n"
"      --no-decap              do not decapsulate tunnels (VXLAN 4789,\n"
"                              Geneve 6081, GTP-U 2152, Teredo, GRE, IP in\n"
"                              IP): report their outer packets as such\n"
"  -h, --help                  this help\n"
"  -V, --version               print the version\n"
"\n"
"Exit status: 0 success, 1 usage error, 2 input or output error,\n"
"3 an --assert failed, 4 out of memory.  transcope diff OLD.json NEW.json\n"
"compares reports (transcope diff --help).\n"
"See transcope(1) for the report fields.\n", out);
}

static bool
parse_seconds_max(const char *s, double max, uint64_t *ns)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= 0) || v > max)
		return false;
	*ns = (uint64_t)(v * 1e9 + 0.5);
	return true;
}

static bool
parse_seconds(const char *s, uint64_t *ns)
{
	return parse_seconds_max(s, 3600, ns);
}

/* An idle timeout: seconds, up to a year. */
static bool
parse_timeout(const char *opt, const char *s, uint64_t *ns)
{
	if (parse_seconds_max(s, 366 * 86400.0, ns) && *ns > 0)
		return true;
	fprintf(stderr, "transcope: bad %s '%s' (seconds, more than 0)\n",
	    opt, s);
	return false;
}

/* A positional argument that names a capture rather than starting a filter. */
static bool
looks_like_file(const char *arg)
{
	static const char *const exts[] = { ".pcap", ".pcapng", ".cap",
	    ".dmp", ".dump", ".gz", ".zst", ".xz", ".bz2", ".lz4" };
	struct stat sb;
	size_t i, n = strlen(arg);

	if (strcmp(arg, "-") == 0 || stat(arg, &sb) == 0)
		return true;
	if (strchr(arg, '/') != NULL)
		return true;
	for (i = 0; i < sizeof exts / sizeof exts[0]; i++) {
		size_t e = strlen(exts[i]);

		if (n > e && strcmp(arg + n - e, exts[i]) == 0)
			return true;
	}
	return false;
}

static bool
parse_count(const char *opt, const char *s, unsigned long long max,
    unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' ||
	    *out == 0 || *out > max) {
		fprintf(stderr, "transcope: bad %s '%s' (a positive number)\n",
		    opt, s);
		return false;
	}
	return true;
}

static char *
join_args(char **argv, int argc)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = xmalloc(len);
	s[0] = '\0';
	for (i = 0; i < argc; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

/* What an option handler returns besides an exit status. */
#define GO_ON		(-1)	/* taken; parse on */
#define NOT_MINE	(-2)	/* another handler's option */

/* The --sort key called name: a flow metric marked METRIC_SORT. */
static const struct metric *
sort_metric(const char *name)
{
	const struct metric *m;
	const char *arg;

	m = metric_find(METRIC_FLOW, name, &arg);
	return m != NULL && (m->flags & METRIC_SORT) ? m : NULL;
}

/* "bad --sort 'x' (bytes, packets, ... or duration)", from the table. */
static void
bad_sort(const char *name)
{
	const struct metric *t;
	size_t i, n, nkeys = 0, k = 0;

	t = metrics_table(&n);
	for (i = 0; i < n; i++)
		nkeys += (t[i].flags & METRIC_SORT) != 0;
	fprintf(stderr, "transcope: bad --sort '%s' (", name);
	for (i = 0; i < n; i++) {
		if (!(t[i].flags & METRIC_SORT))
			continue;
		k++;
		fprintf(stderr, "%s%s", k == 1 ? "" : k == nkeys ? " or " :
		    ", ", t[i].name);
	}
	fputs(")\n", stderr);
}

/* The report: its format, file and contents. */
static int
option_output(struct options *o, int ch)
{
	struct report_options *ro = &o->report;
	char aerr[512];
	unsigned long long n;

	switch (ch) {
	case OPT_JSON:
		ro->format = &format_json;
		return GO_ON;
	case OPT_FORMAT:
		if ((ro->format = format_find(optarg)) == NULL) {
			fprintf(stderr, "transcope: unknown format "
			    "'%s' (use text or json)\n", optarg);
			return EXIT_USAGE;
		}
		return GO_ON;
	case 'o':
		o->outpath = optarg;
		return GO_ON;
	case 'l':
		ro->long_view = true;
		return GO_ON;
	case 'q':
		o->quiet = true;
		return GO_ON;
	case OPT_PROTO:
		if (strcmp(optarg, "tcp") == 0)
			ro->proto = 6;
		else if (strcmp(optarg, "udp") == 0)
			ro->proto = 17;
		else {
			fprintf(stderr, "transcope: bad --proto '%s' "
			    "(tcp or udp)\n", optarg);
			return EXIT_USAGE;
		}
		return GO_ON;
	case OPT_TOP:
		if (!parse_count("--top", optarg, ULLONG_MAX, &n))
			return EXIT_USAGE;
		ro->top = n;
		if (ro->sort == NULL)
			ro->sort = sort_metric("bytes");
		return GO_ON;
	case OPT_SORT:
		if ((ro->sort = sort_metric(optarg)) == NULL) {
			bad_sort(optarg);
			return EXIT_USAGE;
		}
		return GO_ON;
	case OPT_ASSERT:
		ro->assertions = xreallocarray(ro->assertions,
		    ro->nassertions + 1, sizeof *ro->assertions);
		if (assertion_parse(optarg, &ro->assertions[ro->nassertions],
		    aerr, sizeof aerr) != 0) {
			fprintf(stderr, "transcope: %s\n", aerr);
			return EXIT_USAGE;
		}
		ro->nassertions++;
		return GO_ON;
	case OPT_EVENTS:
		o->eventspath = optarg;
		return GO_ON;
	}
	return NOT_MINE;
}

/* --tunnel-port TYPE:PORT, at most DECODE_TUNNEL_PORTS_MAX of them. */
static int
tunnel_port(struct options *o, const char *arg)
{
	struct tunnel_port_option *t;
	const char *colon = strrchr(arg, ':');
	unsigned long long port;
	size_t n;
	char *end;

	if (o->ntunnel_ports == DECODE_TUNNEL_PORTS_MAX) {
		fprintf(stderr, "transcope: more than %d --tunnel-port\n",
		    DECODE_TUNNEL_PORTS_MAX);
		return EXIT_USAGE;
	}
	t = &o->tunnel_ports[o->ntunnel_ports];
	n = colon != NULL ? (size_t)(colon - arg) : 0;
	if (n > 0 && n < sizeof t->type) {
		memcpy(t->type, arg, n);
		t->type[n] = '\0';
	} else
		t->type[0] = '\0';
	if (t->type[0] == '\0' || !decode_tunnel_type_known(t->type)) {
		fprintf(stderr, "transcope: bad --tunnel-port '%s' (TYPE:PORT, "
		    "TYPE vxlan, geneve, gtp or teredo)\n", arg);
		return EXIT_USAGE;
	}
	errno = 0;
	port = strtoull(colon + 1, &end, 10);
	if (errno != 0 || end == colon + 1 || *end != '\0' ||
	    colon[1] == '-' || port == 0 || port > 65535) {
		fprintf(stderr, "transcope: bad --tunnel-port '%s' (the port: "
		    "1 to 65535)\n", arg);
		return EXIT_USAGE;
	}
	t->port = (uint16_t)port;
	o->ntunnel_ports++;
	return GO_ON;
}

/* How flows are analysed and timed out, and in how many threads. */
static int
option_analysis(struct options *o, int ch)
{
	unsigned long long n;

	switch (ch) {
	case OPT_TUNNEL_PORT:
		return tunnel_port(o, optarg);
	case OPT_NO_DECAP:
		o->no_decap = true;
		return GO_ON;
	case OPT_RTO_MIN:
		if (!parse_seconds(optarg, &o->tcp.rto.min_ns)) {
			fprintf(stderr, "transcope: bad --rto-min "
			    "'%s' (seconds, 0 to 3600)\n", optarg);
			return EXIT_USAGE;
		}
		return GO_ON;
	case OPT_CLOCK_G:
		if (!parse_seconds(optarg, &o->tcp.rto.granularity_ns)) {
			fprintf(stderr, "transcope: bad "
			    "--clock-granularity '%s' (seconds)\n",
			    optarg);
			return EXIT_USAGE;
		}
		return GO_ON;
	case OPT_MAX_FLOWS:
		if (!parse_count("--max-flows", optarg, ULLONG_MAX, &n))
			return EXIT_USAGE;
		o->analyzer.max_flows = n;
		return GO_ON;
	case OPT_TCP_TIMEOUT:
		return parse_timeout("--tcp-timeout", optarg,
		    &o->analyzer.timeout_ns[FTC_ESTABLISHED]) ? GO_ON :
		    EXIT_USAGE;
	case OPT_SYN_TIMEOUT:
		return parse_timeout("--syn-timeout", optarg,
		    &o->analyzer.timeout_ns[FTC_EMBRYONIC]) ? GO_ON :
		    EXIT_USAGE;
	case OPT_CLOSED_TIMEOUT:
		return parse_timeout("--closed-timeout", optarg,
		    &o->analyzer.timeout_ns[FTC_CLOSED]) ? GO_ON : EXIT_USAGE;
	case OPT_FINISHED_TIMEOUT:
		return parse_timeout("--finished-timeout", optarg,
		    &o->analyzer.timeout_ns[FTC_FINISHED]) ? GO_ON :
		    EXIT_USAGE;
	case OPT_UDP_TIMEOUT:
		return parse_timeout("--udp-timeout", optarg,
		    &o->analyzer.timeout_ns[FTC_UDP]) ? GO_ON : EXIT_USAGE;
	case OPT_THREADS:
		if (strcmp(optarg, "1") != 0 && strcmp(optarg, "2") != 0) {
			fprintf(stderr, "transcope: bad --threads '%s' "
			    "(1 or 2)\n", optarg);
			return EXIT_USAGE;
		}
		o->threads = optarg[0] - '0';
		return GO_ON;
	}
	return NOT_MINE;
}

/* Where packets come from, how many and for how long; -w and -Z. */
static int
option_input(struct options *o, int ch)
{
	unsigned long long n;

	switch (ch) {
	case 'r':
		o->files[o->nfiles++] = optarg;
		return GO_ON;
	case 'i':
		o->live.device = optarg;
		return GO_ON;
	case 's':
		if (!parse_count("-s", optarg, 262144, &n))
			return EXIT_USAGE;
		o->live.snaplen = (int)n;
		return GO_ON;
	case 'p':
		o->live.promisc = 0;
		return GO_ON;
	case 'B':
		if (!parse_count("-B", optarg, 4194304, &n))
			return EXIT_USAGE;
		o->live.buffer_kib = (int)n;
		return GO_ON;
	case 'D':
		o->list = true;
		return GO_ON;
	case 'c':
		if (!parse_count("-c", optarg, ULLONG_MAX, &o->count_limit))
			return EXIT_USAGE;
		return GO_ON;
	case OPT_DURATION:
		return parse_timeout("--duration", optarg, &o->duration_ns) ?
		    GO_ON : EXIT_USAGE;
	case OPT_INTERVAL:
		return parse_timeout("--interval", optarg, &o->interval_ns) ?
		    GO_ON : EXIT_USAGE;
	case 'w':
		o->dumppath = optarg;
		return GO_ON;
	case 'Z':
		o->user = optarg;
		return GO_ON;
	}
	return NOT_MINE;
}

/* --help, --version, and what getopt could not place. */
static int
option_other(int ch, char **argv)
{
	switch (ch) {
	case 'h':
		usage(stdout);
		return 0;
	case 'V':
		printf("transcope %s\n", PACKAGE_VERSION);
		return 0;
	case ':':
		fprintf(stderr, "transcope: option '%s' needs a value "
		    "(see transcope --help)\n", argv[optind - 1]);
		return EXIT_USAGE;
	default:
		if (optopt != 0 && optopt < 256)
			fprintf(stderr, "transcope: unknown option "
			    "'-%c' (see transcope --help)\n", optopt);
		else
			fprintf(stderr, "transcope: unknown option "
			    "'%s' (see transcope --help)\n",
			    argv[optind - 1]);
		return EXIT_USAGE;
	}
}

/*
 * After the options: capture files while the arguments look like one (none
 * with -i), then the filter expression.
 */
static int
operands(struct options *o, int argc, char **argv)
{
	int i, stdin_files;

	for (i = optind; i < argc && o->live.device == NULL; i++) {
		if (!looks_like_file(argv[i]))
			break;
		o->files[o->nfiles++] = argv[i];
	}
	if (i < argc)
		o->filter = join_args(argv + i, argc - i);
	if (o->live.device != NULL && o->nfiles > 0) {
		fprintf(stderr, "transcope: -i and capture files cannot be "
		    "combined (see transcope --help)\n");
		return EXIT_USAGE;
	}
	if (o->nfiles == 0 && o->live.device == NULL) {
		fprintf(stderr, "transcope: no capture file given "
		    "(see transcope --help)\n");
		return EXIT_USAGE;
	}
	/* A second reader of one pipe would get the first one's leftovers. */
	for (i = 0, stdin_files = 0; i < o->nfiles; i++)
		stdin_files += strcmp(o->files[i], "-") == 0;
	if (stdin_files > 1) {
		fprintf(stderr, "transcope: standard input (-) can be read "
		    "only once\n");
		return EXIT_USAGE;
	}
	return GO_ON;
}

void
cli_init(struct options *o, int argc)
{
	memset(o, 0, sizeof *o);
	tcp_config_default(&o->tcp);
	analyzer_config_default(&o->analyzer);
	o->report.format = &format_text;
	o->live.snaplen = DEFAULT_SNAPLEN;
	o->live.promisc = 1;
	o->live.timeout_ms = 100;
	o->files = xcalloc((size_t)argc + 1, sizeof *o->files);
}

bool
cli_parse(struct options *o, int argc, char **argv, int *status)
{
	int ch, rc;

	opterr = 0;		/* our own one-line messages, without argv[0] */
	while ((ch = getopt_long(argc, argv, ":B:c:Dhi:lo:pqr:s:Vw:Z:",
	    long_options, NULL)) != -1) {
		if ((rc = option_output(o, ch)) == NOT_MINE &&
		    (rc = option_analysis(o, ch)) == NOT_MINE &&
		    (rc = option_input(o, ch)) == NOT_MINE)
			rc = option_other(ch, argv);
		if (rc != GO_ON) {
			*status = rc;
			return false;
		}
	}
	if (o->no_decap && o->ntunnel_ports > 0) {
		fprintf(stderr, "transcope: --no-decap and --tunnel-port "
		    "cannot be combined\n");
		*status = EXIT_USAGE;
		return false;
	}
	if (o->list)
		return true;
	if ((rc = operands(o, argc, argv)) != GO_ON) {
		*status = rc;
		return false;
	}
	return true;
}

void
cli_free(struct options *o)
{
	size_t i;

	for (i = 0; i < o->report.nassertions; i++)
		assertion_clear(&o->report.assertions[i]);
	free(o->report.assertions);
	free(o->filter);
	free(o->files);
}
