/*
 * transcope: wiring and exit codes.  main() hands a subcommand to its entry
 * in cmd.c's table; otherwise it parses the options (cli.c), opens the
 * source and the files to write (outfile.c), reads, writes the report and
 * chooses the exit status.
 *
 * Only the command layer (this file, cli.c, outfile.c and the commands)
 * prints errors or chooses exit codes; every module below reports failure
 * through its return value and an error buffer.
 *
 * Exit codes: 0 success, 1 usage error (bad option or filter), 2 input or
 * output error (file missing, not a capture, damaged, unwritable), 3 an
 * --assert failed (cli.h).
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <time.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer.h"
#include "cli.h"
#include "cmd.h"
#include "events.h"
#include "outfile.h"
#include "pipeline.h"
#include "report.h"
#include "source.h"
#include "xmalloc.h"

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

/* A source_frame_fn: one frame through the analysis. */
static void
analyze_frame(void *an, const struct raw_frame *fr)
{
	analyzer_frame(an, fr);
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

int
main(int argc, char **argv)
{
	struct options opt;
	struct report_sink *sink;
	struct analyzer an;
	struct source *src;
	struct raw_frame fr;
	struct report_info ri;
	enum source_status st;
	char errbuf[SOURCE_ERRBUF_SIZE];
	uint64_t deadline = 0, next_report = 0;
	uint64_t packets = 0, last_packets = 0, last_bytes = 0, since_ts = 0;
	uint64_t interval_start = 0, interval_index = 0, next_progress = 0;
	struct interval_info ii;
	struct event_log evlog = { NULL, false };
	struct progress pg = { false, 0, 0, false };
	struct outfile_report rout = { NULL, "", false, NULL };
	int rc, status = 0, threads;
	struct pipeline *pl = NULL;
	const struct cmd_entry *cmd;

	if ((cmd = cmd_find(argc, argv)) != NULL)
		return cmd->exec(argc - 1, argv + 1);	/* nothing allocated yet */

	memset(&an, 0, sizeof an);
	src = NULL;
	sink = NULL;
	cli_init(&opt, argc);
	if (!cli_parse(&opt, argc, argv, &status))
		goto done;
	if (opt.list) {
		if (source_list_interfaces(stdout, errbuf) != 0) {
			fprintf(stderr, "transcope: %s\n", errbuf);
			EXIT_WITH(EXIT_INPUT);
		}
		EXIT_WITH(0);
	}

	if (opt.live.device != NULL)
		src = source_open_live(&opt.live, opt.filter, errbuf, &st);
	else
		src = source_open_files(opt.files, opt.nfiles, opt.filter,
		    errbuf, &st);
	if (src == NULL) {
		fprintf(stderr, "transcope: %s\n", errbuf);
		EXIT_WITH(st == SOURCE_ERR_FILTER ? EXIT_USAGE : EXIT_INPUT);
	}
	if (opt.dumppath != NULL && outfile_pcap_open(src, opt.dumppath) != 0)
		EXIT_WITH(EXIT_INPUT);
	if (opt.user != NULL && drop_privileges(opt.user) != 0)
		EXIT_WITH(EXIT_INPUT);
	if (opt.eventspath != NULL &&
	    outfile_events_open(&evlog, opt.eventspath, opt.report.json) != 0)
		EXIT_WITH(EXIT_INPUT);
	if ((sink = report_sink_new(&opt.report)) == NULL) {
		fprintf(stderr, "transcope: cannot create a temporary file: "
		    "%s\n", strerror(errno));
		EXIT_WITH(EXIT_INPUT);
	}
	if (outfile_report_open(&rout, opt.outpath) != 0)
		EXIT_WITH(EXIT_INPUT);
	/*
	 * JSON flow records go out as flows finish, unless something else
	 * shares the output: interval records, or --events -.
	 */
	if (!opt.interval_ns && !(evlog.out == stdout && rout.fp == stdout))
		report_sink_stream(sink, rout.fp);
	analyzer_init(&an, &opt.tcp);
	analyzer_set_final(&an, &opt.analyzer, report_sink_flow, sink);
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
		if (!opt.quiet)
			fprintf(stderr, "transcope: listening on %s, snaplen "
			    "%d\n", opt.live.device, opt.live.snaplen);
		if (opt.duration_ns)
			deadline = now_ns(CLOCK_MONOTONIC) + opt.duration_ns;
	}
	if (!source_is_live(src) && !opt.quiet && isatty(STDERR_FILENO)) {
		pg.on = true;
		pg.start_ns = pg.last_ns = now_ns(CLOCK_MONOTONIC);
	}
	if (opt.interval_ns) {
		next_report = now_ns(CLOCK_MONOTONIC) + opt.interval_ns;
		interval_start = now_ns(CLOCK_REALTIME);
		report_sink_interval_begin(sink);
		/* The stream is NDJSON: the final report is one line too. */
		report_sink_set_one_line(sink, true);
	}
	threads = opt.threads;
	if (threads == 0)
		threads = sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? 2 : 1;
	if (threads == 2 && !source_is_live(src)) {
		/*
		 * Files: flow records are formatted, and packets read and
		 * decoded, while the analysis goes on; but -w must write
		 * only what is analysed, so it reads here.
		 */
		report_sink_use_writer(sink);
		if (opt.dumppath == NULL && !opt.interval_ns)
			pl = pipeline_start(src, opt.count_limit, pg.on);
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
	while (pl == NULL && !source_is_live(src) && !opt.interval_ns) {
		uint64_t done, total;
		int max = 256, got;

		if (opt.count_limit &&
		    opt.count_limit - packets < (uint64_t)max)
			max = (int)(opt.count_limit - packets);
		rc = source_read(src, max, analyze_frame, &an, errbuf, &got);
		packets += (uint64_t)got;
		if (rc < 0) {
			/* Report what was read; say where the damage is. */
			fprintf(stderr, "transcope: %s\n", errbuf);
			status = EXIT_INPUT;
		}
		if (rc == 0 || (opt.count_limit && packets >= opt.count_limit))
			break;
		if (pg.on && an.stats.packets >= next_progress) {
			/* Asking the stream its offset is a system call. */
			next_progress = an.stats.packets + PROGRESS_EVERY;
			source_progress(src, &done, &total);
			progress_update(&pg, done, total, an.stats.packets);
		}
	}
	while (pl == NULL && (source_is_live(src) || opt.interval_ns) &&
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
			if (opt.count_limit && ++packets >= opt.count_limit)
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
			next_report += opt.interval_ns;
		}
	}
	pipeline_stop(pl);
	pl = NULL;
	progress_end(&pg);
	memset(&ri, 0, sizeof ri);
	if (source_is_live(src)) {
		ri.interface = opt.live.device;
		ri.have_drops = source_drops(src, &ri.kernel_dropped,
		    &ri.interface_dropped) == 0;
		if (ri.have_drops && !opt.quiet &&
		    (ri.kernel_dropped || ri.interface_dropped))
			fprintf(stderr, "transcope: warning: %s dropped "
			    "%llu packets in the kernel and %llu in the "
			    "interface: the report is incomplete\n",
			    opt.live.device,
			    (unsigned long long)ri.kernel_dropped,
			    (unsigned long long)ri.interface_dropped);
	}
	analyzer_finish(&an);

	ri.files = opt.files;
	ri.nfiles = opt.nfiles;
	ri.long_view = opt.report.long_view;
	if (outfile_events_close(&evlog, opt.eventspath) != 0)
		status = EXIT_INPUT;
	if (outfile_report_write(&rout, sink, &an, &ri) != 0)
		status = EXIT_INPUT;
	else if (report_sink_failed_assertions(sink) > 0) {
		size_t k;

		for (k = 0; k < opt.report.nassertions; k++) {
			struct assertion *a = &opt.report.assertions[k];

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
	outfile_report_abandon(&rout);
	outfile_events_abandon(&evlog);
	analyzer_free(&an);
	signal_source = NULL;
	source_close(src);
	cli_free(&opt);
	return status;
}
