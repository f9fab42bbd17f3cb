/*
 * transcope: command line, wiring and exit codes.  Only this file prints
 * errors or exits; every module below reports failure through its return
 * value and an error buffer.
 *
 * Exit codes: 0 success, 1 usage error (bad option or filter), 2 input or
 * output error (file missing, not a capture, damaged, unwritable).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <time.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzer.h"
#include "diff.h"
#include "events.h"
#include "pipeline.h"
#include "report.h"
#include "source.h"
#include "xmalloc.h"

#define EXIT_USAGE	1
#define EXIT_INPUT	2
#define EXIT_ASSERT	3	/* an --assert failed */

enum {
	OPT_JSON = 256, OPT_FORMAT, OPT_RTO_MIN, OPT_CLOCK_G, OPT_MAX_FLOWS,
	OPT_TCP_TIMEOUT, OPT_SYN_TIMEOUT, OPT_CLOSED_TIMEOUT, OPT_UDP_TIMEOUT,
	OPT_FINISHED_TIMEOUT,
	OPT_DURATION, OPT_INTERVAL, OPT_PROTO, OPT_TOP, OPT_SORT, OPT_ASSERT,
	OPT_EVENTS,
	OPT_THREADS
};

/* Live capture: the default snaplen holds every header transcope reads. */
#define DEFAULT_SNAPLEN	512

/* In main(): leave through its cleanup with this exit status. */
#define EXIT_WITH(code)	do { status = (code); goto done; } while (0)

static volatile sig_atomic_t stop_requested;
static struct source *signal_source;

static void
on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
	if (signal_source != NULL)
		source_break(signal_source);
}

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
"                 [-r] file ... [expression]\n"
"       transcope -i interface [-p] [-s snaplen] [-B KiB] [-Z user]\n"
"                 [--duration seconds] [options] [expression]\n"
"       transcope -D\n"
"\n"
"Analyse the TCP and UDP flows in pcap or pcapng capture files.  Several\n"
"files are merged in time order.  A trailing expression is a BPF filter,\n"
"as for tcpdump.\n"
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
"  -w, --write FILE            also write the packets read to FILE (pcap)\n"
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
"      --threads 1|2           files: 2 reads and decodes packets, and\n"
"                              writes JSON flow records, in threads of\n"
"                              their own while flows are analysed (default\n"
"                              2 with 2 or more CPUs); same report either way\n"
"  -h, --help                  this help\n"
"  -V, --version               print the version\n"
"\n"
"Exit status: 0 success, 1 usage error, 2 input or output error,\n"
"3 an --assert failed, 4 out of memory.  transcope diff OLD.json NEW.json\n"
"compares reports (transcope diff --help).\n"
"See transcope(1) for the report fields.\n", out);
}

/* A source_frame_fn: one frame through the analysis. */
static void
analyze_frame(void *an, const struct raw_frame *fr)
{
	analyzer_frame(an, fr);
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
	    ".dmp", ".dump", ".gz" };
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

static uint64_t
now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* tcpdump's -Z: give up root once the interface is open. */
static int
drop_privileges(const char *user)
{
	struct passwd *pw = getpwnam(user);

	if (pw == NULL) {
		fprintf(stderr, "transcope: -Z %s: no such user\n", user);
		return -1;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 ||
	    setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		fprintf(stderr, "transcope: -Z %s: cannot change to that user: "
		    "%s\n", user, strerror(errno));
		return -1;
	}
	if (pw->pw_uid != 0 && setuid(0) == 0) {
		fprintf(stderr, "transcope: -Z %s: could regain root\n", user);
		return -1;
	}
	return 0;
}

/* Large files, stderr a terminal: bytes read, rate and time left. */
struct progress {
	bool		on;
	uint64_t	start_ns;
	uint64_t	last_ns;
	bool		shown;
};

#define PROGRESS_EVERY	65536		/* packets between clock reads */

static void
progress_update(struct progress *pg, uint64_t done, uint64_t total,
    uint64_t packets)
{
	uint64_t now = now_ns(CLOCK_MONOTONIC);
	double el, rate, eta;

	if (now - pg->last_ns < 500000000ULL)
		return;
	pg->last_ns = now;
	if (total == 0 || now - pg->start_ns < 1000000000ULL)
		return;		/* nothing to measure, or about to finish */
	el = (double)(now - pg->start_ns) / 1e9;
	rate = (double)packets / el;
	eta = done > 0 ? el * (double)(total - done) / (double)done : 0;
	fprintf(stderr, "\rtranscope: %3.0f%%  %.1f of %.1f MB  %.2f M "
	    "packets/s  ETA %.0f s   ", 100.0 * (double)done / (double)total,
	    (double)done / 1e6, (double)total / 1e6, rate / 1e6, eta);
	pg->shown = true;
}

static void
progress_end(struct progress *pg)
{
	if (pg->shown)
		fputs("\r\033[K", stderr);	/* clear the line */
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

/*
 * Where the report goes: standard output, or with -o a temporary file beside
 * the target, renamed over it only once the report is complete, so a failed
 * run never leaves a half-written file.  A target that exists and is not a
 * regular file (/dev/stdout, a FIFO, /dev/null, any symbolic link) is
 * written directly: renaming over it would replace the device or the link.  Opened before the analysis starts,
 * because JSON flow records are streamed as flows finish.
 */
struct report_output {
	const char	*path;		/* -o, or NULL for standard output */
	char		 tmp[PATH_MAX];
	bool		 direct;	/* path itself, no temporary file */
	FILE		*fp;
};

static int
output_open(struct report_output *o, const char *path)
{
	struct stat sb;
	int fd = -1;

	o->path = path;
	o->fp = stdout;
	if (path == NULL)
		return 0;
	/* lstat: /dev/stdout is a link, to a regular file when redirected. */
	if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		o->direct = true;
		if ((o->fp = fopen(path, "w")) == NULL) {
			fprintf(stderr, "transcope: %s: %s\n", path,
			    strerror(errno));
			return EXIT_INPUT;
		}
		return 0;
	}
	errno = ENAMETOOLONG;
	if (snprintf(o->tmp, sizeof o->tmp, "%s.XXXXXX", path) >=
	    (int)sizeof o->tmp || (fd = mkstemp(o->tmp)) < 0 ||
	    (o->fp = fdopen(fd, "w")) == NULL) {
		fprintf(stderr, "transcope: %s: %s\n", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		o->fp = NULL;
		return EXIT_INPUT;
	}
	return 0;
}

/* A run that ends before its report: no trace of the temporary file. */
static void
output_abandon(struct report_output *o)
{
	if (o->path != NULL && o->fp != NULL) {
		fclose(o->fp);
		if (!o->direct)
			unlink(o->tmp);
	}
	o->fp = NULL;
}

static int
write_report(struct report_output *o, struct report_sink *sink,
    const struct analyzer *an, const struct report_info *ri)
{
	int rc;

	rc = report_sink_write(sink, o->fp, an, ri);
	if (o->path != NULL) {
		if (fclose(o->fp) != 0)
			rc = -1;
		o->fp = NULL;
		if (rc == 0 && !o->direct && rename(o->tmp, o->path) != 0)
			rc = -1;
		if (rc != 0) {
			fprintf(stderr, "transcope: %s: %s\n", o->path,
			    strerror(errno));
			if (!o->direct)
				unlink(o->tmp);
			return EXIT_INPUT;
		}
	} else if (fflush(stdout) != 0 || rc != 0) {
		fprintf(stderr, "transcope: standard output: %s\n",
		    strerror(errno));
		return EXIT_INPUT;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct tcp_config cfg;
	struct analyzer_config acfg;
	struct report_sink *sink;
	struct analyzer an;
	struct source *src;
	struct raw_frame fr;
	struct report_info ri;
	enum source_status st;
	char errbuf[SOURCE_ERRBUF_SIZE], **files, *filter = NULL;
	const char *outpath = NULL, *dumppath = NULL, *user = NULL;
	struct live_options lo = { NULL, DEFAULT_SNAPLEN, 1, 0, 100 };
	bool json = false, quiet = false, long_view = false, list = false;
	unsigned long long count_limit = 0, n;
	uint64_t duration_ns = 0, interval_ns = 0, deadline = 0, next_report = 0;
	uint64_t packets = 0, last_packets = 0, last_bytes = 0, since_ts = 0;
	uint64_t interval_start = 0, interval_index = 0, next_progress = 0;
	struct interval_info ii;
	struct report_options ropt;
	struct event_log evlog = { NULL, false };
	const char *eventspath = NULL;
	struct progress pg = { false, 0, 0, false };
	struct report_output rout = { NULL, "", false, NULL };
	char aerr[512];
	int nfiles = 0, ch, i, rc, status = 0, threads = 0;
	struct pipeline *pl = NULL;

	if (argc > 1 && strcmp(argv[1], "diff") == 0)
		return diff_main(argc - 1, argv + 1);	/* nothing allocated yet */

	tcp_config_default(&cfg);
	analyzer_config_default(&acfg);
	memset(&ropt, 0, sizeof ropt);
	memset(&an, 0, sizeof an);
	src = NULL;
	sink = NULL;
	files = xcalloc((size_t)argc + 1, sizeof *files);
	opterr = 0;		/* our own one-line messages, without argv[0] */
	while ((ch = getopt_long(argc, argv, ":B:c:Dhi:lo:pqr:s:Vw:Z:", long_options,
	    NULL)) != -1) {
		switch (ch) {
		case OPT_JSON:
			json = true;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "json") == 0)
				json = true;
			else if (strcmp(optarg, "text") == 0)
				json = false;
			else {
				fprintf(stderr, "transcope: unknown format "
				    "'%s' (use text or json)\n", optarg);
				EXIT_WITH(EXIT_USAGE);
			}
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'r':
			files[nfiles++] = optarg;
			break;
		case 'l':
			long_view = true;
			break;
		case 'q':
			quiet = true;
			break;
		case OPT_RTO_MIN:
			if (!parse_seconds(optarg, &cfg.rto.min_ns)) {
				fprintf(stderr, "transcope: bad --rto-min "
				    "'%s' (seconds, 0 to 3600)\n", optarg);
				EXIT_WITH(EXIT_USAGE);
			}
			break;
		case OPT_CLOCK_G:
			if (!parse_seconds(optarg, &cfg.rto.granularity_ns)) {
				fprintf(stderr, "transcope: bad "
				    "--clock-granularity '%s' (seconds)\n",
				    optarg);
				EXIT_WITH(EXIT_USAGE);
			}
			break;
		case OPT_MAX_FLOWS:
			if (!parse_count("--max-flows", optarg, ULLONG_MAX, &n))
				EXIT_WITH(EXIT_USAGE);
			acfg.max_flows = n;
			break;
		case OPT_TCP_TIMEOUT:
			if (!parse_timeout("--tcp-timeout", optarg,
			    &acfg.timeout_ns[FTC_ESTABLISHED]))
				EXIT_WITH(EXIT_USAGE);
			break;
		case OPT_SYN_TIMEOUT:
			if (!parse_timeout("--syn-timeout", optarg,
			    &acfg.timeout_ns[FTC_EMBRYONIC]))
				EXIT_WITH(EXIT_USAGE);
			break;
		case OPT_CLOSED_TIMEOUT:
			if (!parse_timeout("--closed-timeout", optarg,
			    &acfg.timeout_ns[FTC_CLOSED]))
				EXIT_WITH(EXIT_USAGE);
			break;
		case OPT_FINISHED_TIMEOUT:
			if (!parse_timeout("--finished-timeout", optarg,
			    &acfg.timeout_ns[FTC_FINISHED]))
				EXIT_WITH(EXIT_USAGE);
			break;
		case OPT_UDP_TIMEOUT:
			if (!parse_timeout("--udp-timeout", optarg,
			    &acfg.timeout_ns[FTC_UDP]))
				EXIT_WITH(EXIT_USAGE);
			break;
		case 'i':
			lo.device = optarg;
			break;
		case 's':
			if (!parse_count("-s", optarg, 262144, &n))
				EXIT_WITH(EXIT_USAGE);
			lo.snaplen = (int)n;
			break;
		case 'p':
			lo.promisc = 0;
			break;
		case 'B':
			if (!parse_count("-B", optarg, 4194304, &n))
				EXIT_WITH(EXIT_USAGE);
			lo.buffer_kib = (int)n;
			break;
		case 'D':
			list = true;
			break;
		case 'c':
			if (!parse_count("-c", optarg, ULLONG_MAX, &count_limit))
				EXIT_WITH(EXIT_USAGE);
			break;
		case OPT_DURATION:
			if (!parse_timeout("--duration", optarg, &duration_ns))
				EXIT_WITH(EXIT_USAGE);
			break;
		case OPT_INTERVAL:
			if (!parse_timeout("--interval", optarg, &interval_ns))
				EXIT_WITH(EXIT_USAGE);
			break;
		case 'w':
			dumppath = optarg;
			break;
		case OPT_PROTO:
			if (strcmp(optarg, "tcp") == 0)
				ropt.proto = 6;
			else if (strcmp(optarg, "udp") == 0)
				ropt.proto = 17;
			else {
				fprintf(stderr, "transcope: bad --proto '%s' "
				    "(tcp or udp)\n", optarg);
				EXIT_WITH(EXIT_USAGE);
			}
			break;
		case OPT_TOP:
			if (!parse_count("--top", optarg, ULLONG_MAX, &n))
				EXIT_WITH(EXIT_USAGE);
			ropt.top = n;
			if (ropt.sort == SORT_NONE)
				ropt.sort = SORT_BYTES;
			break;
		case OPT_SORT: {
			static const char *const keys[] = { "", "bytes",
			    "packets", "retransmissions", "rtt", "duration" };
			size_t k;

			for (k = 1; k < sizeof keys / sizeof keys[0]; k++)
				if (strcmp(optarg, keys[k]) == 0)
					break;
			if (k == sizeof keys / sizeof keys[0]) {
				fprintf(stderr, "transcope: bad --sort '%s' "
				    "(bytes, packets, retransmissions, rtt or "
				    "duration)\n", optarg);
				EXIT_WITH(EXIT_USAGE);
			}
			ropt.sort = (enum report_sort)k;
			break;
		}
		case OPT_ASSERT:
			ropt.assertions = xreallocarray(ropt.assertions,
			    ropt.nassertions + 1, sizeof *ropt.assertions);
			if (assertion_parse(optarg,
			    &ropt.assertions[ropt.nassertions], aerr,
			    sizeof aerr) != 0) {
				fprintf(stderr, "transcope: %s\n", aerr);
				EXIT_WITH(EXIT_USAGE);
			}
			ropt.nassertions++;
			break;
		case OPT_EVENTS:
			eventspath = optarg;
			break;
		case OPT_THREADS:
			if (strcmp(optarg, "1") != 0 &&
			    strcmp(optarg, "2") != 0) {
				fprintf(stderr, "transcope: bad --threads '%s' "
				    "(1 or 2)\n", optarg);
				EXIT_WITH(EXIT_USAGE);
			}
			threads = optarg[0] - '0';
			break;
		case 'Z':
			user = optarg;
			break;
		case 'h':
			usage(stdout);
			EXIT_WITH(0);
		case 'V':
			printf("transcope %s\n", PACKAGE_VERSION);
			EXIT_WITH(0);
		case ':':
			fprintf(stderr, "transcope: option '%s' needs a value "
			    "(see transcope --help)\n", argv[optind - 1]);
			EXIT_WITH(EXIT_USAGE);
		default:
			if (optopt != 0 && optopt < 256)
				fprintf(stderr, "transcope: unknown option "
				    "'-%c' (see transcope --help)\n", optopt);
			else
				fprintf(stderr, "transcope: unknown option "
				    "'%s' (see transcope --help)\n",
				    argv[optind - 1]);
			EXIT_WITH(EXIT_USAGE);
		}
	}
	if (list) {
		if (source_list_interfaces(stdout, errbuf) != 0) {
			fprintf(stderr, "transcope: %s\n", errbuf);
			EXIT_WITH(EXIT_INPUT);
		}
		EXIT_WITH(0);
	}
	for (i = optind; i < argc && lo.device == NULL; i++) {
		if (!looks_like_file(argv[i]))
			break;
		files[nfiles++] = argv[i];
	}
	if (i < argc)
		filter = join_args(argv + i, argc - i);
	if (lo.device != NULL && nfiles > 0) {
		fprintf(stderr, "transcope: -i and capture files cannot be "
		    "combined (see transcope --help)\n");
		EXIT_WITH(EXIT_USAGE);
	}
	if (nfiles == 0 && lo.device == NULL) {
		fprintf(stderr, "transcope: no capture file given "
		    "(see transcope --help)\n");
		EXIT_WITH(EXIT_USAGE);
	}

	if (lo.device != NULL)
		src = source_open_live(&lo, filter, errbuf, &st);
	else
		src = source_open_files(files, nfiles, filter, errbuf, &st);
	if (src == NULL) {
		fprintf(stderr, "transcope: %s\n", errbuf);
		EXIT_WITH(st == SOURCE_ERR_FILTER ? EXIT_USAGE : EXIT_INPUT);
	}
	if ((dumppath != NULL && source_dump_open(src, dumppath, errbuf) != 0) ||
	    (user != NULL && drop_privileges(user) != 0)) {
		if (dumppath != NULL && errbuf[0] != '\0')
			fprintf(stderr, "transcope: %s\n", errbuf);
		EXIT_WITH(EXIT_INPUT);
	}
	ropt.json = json;
	ropt.long_view = long_view;
	if (eventspath != NULL) {
		evlog.json = json;
		evlog.out = strcmp(eventspath, "-") == 0 ? stdout :
		    fopen(eventspath, "w");
		if (evlog.out == NULL) {
			fprintf(stderr, "transcope: %s: %s\n", eventspath,
			    strerror(errno));
			EXIT_WITH(EXIT_INPUT);
		}
	}
	if ((sink = report_sink_new(&ropt)) == NULL) {
		fprintf(stderr, "transcope: cannot create a temporary file: "
		    "%s\n", strerror(errno));
		EXIT_WITH(EXIT_INPUT);
	}
	if ((rc = output_open(&rout, outpath)) != 0)
		EXIT_WITH(rc);
	/*
	 * JSON flow records go out as flows finish, unless something else
	 * shares the output: interval records, or --events -.
	 */
	if (!interval_ns && !(evlog.out == stdout && rout.fp == stdout))
		report_sink_stream(sink, rout.fp);
	analyzer_init(&an, &cfg);
	analyzer_set_final(&an, &acfg, report_sink_flow, sink);
	if (evlog.out != NULL) {
		an.on_event = event_log_packet;
		an.event_ctx = &evlog;
	}
	if (source_is_live(src)) {
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_stop_signal;
		sigemptyset(&sa.sa_mask);
		signal_source = src;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		if (!quiet)
			fprintf(stderr, "transcope: listening on %s, snaplen "
			    "%d\n", lo.device, lo.snaplen);
		if (duration_ns)
			deadline = now_ns(CLOCK_MONOTONIC) + duration_ns;
	}
	if (!source_is_live(src) && !quiet && isatty(STDERR_FILENO)) {
		pg.on = true;
		pg.start_ns = pg.last_ns = now_ns(CLOCK_MONOTONIC);
	}
	if (interval_ns) {
		next_report = now_ns(CLOCK_MONOTONIC) + interval_ns;
		interval_start = now_ns(CLOCK_REALTIME);
		report_sink_interval_begin(sink);
		/* The stream is NDJSON: the final report is one line too. */
		report_sink_set_one_line(sink, true);
	}
	if (threads == 0)
		threads = sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? 2 : 1;
	if (threads == 2 && !source_is_live(src)) {
		/*
		 * Files: flow records are formatted, and packets read and
		 * decoded, while the analysis goes on; but -w must write
		 * only what is analysed, so it reads here.
		 */
		report_sink_use_writer(sink);
		if (dumppath == NULL && !interval_ns)
			pl = pipeline_start(src, count_limit, pg.on);
	}
	while (pl != NULL) {
		struct pipeline_batch *b = pipeline_next(pl);
		uint32_t k;
		bool end;

		for (k = 0; k < b->n; k++) {
			/*
			 * The views were written by the reader's CPU: ask for
			 * the ones ahead while this one is analysed.
			 */
			if (k + 8 < b->n) {
				const char *ahead = (const char *)&b->pkts[k + 8];

				__builtin_prefetch(ahead);
				__builtin_prefetch(ahead + 64);
				__builtin_prefetch(ahead + 128);
			}
			analyzer_packet(&an, &b->pkts[k]);
		}
		if (pg.on && b->bytes_total != 0)
			progress_update(&pg, b->bytes_done, b->bytes_total,
			    an.stats.packets);
		if (b->damaged) {
			/* Report what was read; say where the damage is. */
			fprintf(stderr, "transcope: %s\n", b->errbuf);
			status = EXIT_INPUT;
		}
		end = b->end;
		pipeline_release(pl);
		if (end)
			break;
	}
	/*
	 * Files in one thread: frames in runs, through libpcap's own loop
	 * when there is one file (source_read()).
	 */
	while (pl == NULL && !source_is_live(src) && !interval_ns) {
		uint64_t done, total;
		int max = 256, got;

		if (count_limit && count_limit - packets < (uint64_t)max)
			max = (int)(count_limit - packets);
		rc = source_read(src, max, analyze_frame, &an, errbuf, &got);
		packets += (uint64_t)got;
		if (rc < 0) {
			/* Report what was read; say where the damage is. */
			fprintf(stderr, "transcope: %s\n", errbuf);
			status = EXIT_INPUT;
		}
		if (rc == 0 || (count_limit && packets >= count_limit))
			break;
		if (pg.on && an.stats.packets >= next_progress) {
			/* Asking the stream its offset is a system call. */
			next_progress = an.stats.packets + PROGRESS_EVERY;
			source_progress(src, &done, &total);
			progress_update(&pg, done, total, an.stats.packets);
		}
	}
	while (pl == NULL && (source_is_live(src) || interval_ns) &&
	    !stop_requested) {
		rc = source_next(src, &fr, errbuf);
		if (rc == 0)
			break;
		if (rc < 0) {
			/* Report what was read; say where the damage is. */
			fprintf(stderr, "transcope: %s\n", errbuf);
			status = EXIT_INPUT;
			if (source_is_live(src))
				break;
			continue;
		}
		if (rc == 1) {
			analyzer_frame(&an, &fr);
			if (count_limit && ++packets >= count_limit)
				break;
			if (pg.on && an.stats.packets % PROGRESS_EVERY == 0) {
				uint64_t done, total;

				source_progress(src, &done, &total);
				progress_update(&pg, done, total,
				    an.stats.packets);
			}
		}
		if (!deadline && !next_report)
			continue;
		if (deadline && now_ns(CLOCK_MONOTONIC) >= deadline)
			break;
		if (next_report && now_ns(CLOCK_MONOTONIC) >= next_report) {
			memset(&ii, 0, sizeof ii);
			ii.index = ++interval_index;
			ii.start_ns = interval_start;
			ii.end_ns = interval_start = now_ns(CLOCK_REALTIME);
			ii.packets = an.stats.packets - last_packets;
			ii.bytes = an.stats.wire_bytes - last_bytes;
			ii.since_ts = since_ts;
			ii.have_drops = source_drops(src, &ii.kernel_dropped,
			    &ii.interface_dropped) == 0;
			if (report_interval(stdout, sink, &an, &ii) != 0) {
				fprintf(stderr, "transcope: standard output: "
				    "%s\n", strerror(errno));
				status = EXIT_INPUT;
				break;
			}
			source_dump_flush(src);
			last_packets = an.stats.packets;
			last_bytes = an.stats.wire_bytes;
			since_ts = an.stats.last_ts;
			next_report += interval_ns;
		}
	}
	pipeline_stop(pl);
	pl = NULL;
	progress_end(&pg);
	memset(&ri, 0, sizeof ri);
	if (source_is_live(src)) {
		ri.interface = lo.device;
		ri.have_drops = source_drops(src, &ri.kernel_dropped,
		    &ri.interface_dropped) == 0;
		if (ri.have_drops && !quiet &&
		    (ri.kernel_dropped || ri.interface_dropped))
			fprintf(stderr, "transcope: warning: %s dropped "
			    "%llu packets in the kernel and %llu in the "
			    "interface: the report is incomplete\n", lo.device,
			    (unsigned long long)ri.kernel_dropped,
			    (unsigned long long)ri.interface_dropped);
	}
	analyzer_finish(&an);

	ri.files = files;
	ri.nfiles = nfiles;
	ri.long_view = long_view;
	if (evlog.out != NULL && evlog.out != stdout &&
	    fclose(evlog.out) != 0) {
		fprintf(stderr, "transcope: %s: %s\n", eventspath,
		    strerror(errno));
		status = EXIT_INPUT;
	}
	evlog.out = NULL;
	rc = write_report(&rout, sink, &an, &ri);
	if (rc != 0)
		status = rc;
	else if (report_sink_failed_assertions(sink) > 0) {
		size_t k;

		for (k = 0; k < ropt.nassertions; k++) {
			struct assertion *a = &ropt.assertions[k];

			if (a->passed)
				continue;
			if (a->have_actual)
				fprintf(stderr, "transcope: assertion failed: "
				    "%s (actual %.6g)\n", a->text, a->actual);
			else
				fprintf(stderr, "transcope: assertion failed: "
				    "%s (no value: no samples)\n", a->text);
		}
		if (status == 0)
			status = EXIT_ASSERT;
	}
done:
	/* Every way out comes here: nothing leaks, even on a usage error. */
	pipeline_stop(pl);	/* before the source it reads */
	report_sink_free(sink);	/* its writer thread before the output */
	sink = NULL;
	output_abandon(&rout);
	if (evlog.out != NULL && evlog.out != stdout)
		fclose(evlog.out);
	for (i = 0; i < (int)ropt.nassertions; i++)
		assertion_clear(&ropt.assertions[i]);
	free(ropt.assertions);
	analyzer_free(&an);
	signal_source = NULL;
	source_close(src);
	free(filter);
	free(files);
	return status;
}
