/*
 * The read loop (see run.h).  There are three ways to read, chosen once:
 *
 *   files, two threads   the reader thread (pipeline.c) reads and decodes
 *                        batches of packets while this thread analyses
 *                        the batch before; not with -w, which must write
 *                        only what is analysed, nor with --interval;
 *   files, one thread    frames in runs of 256 through source_read(),
 *                        libpcap's own loop when there is one file;
 *   live or --interval   frame by frame through source_next(), which
 *                        returns every timeout_ms even when nothing comes,
 *                        so --duration, --interval and signals are seen.
 *
 * All three give the analysis the same packets in the same order, so the
 * report does not depend on the choice.  Damage in a file is reported
 * where it is found and the reading goes on with the other files.
 *
 * SIGINT and SIGTERM stop a live capture: the handler sets a flag and
 * breaks the source out of its wait, and the loop ends as at the end of a
 * file, so the report is written.  Progress (files, stderr a terminal)
 * asks the stream its offset only every PROGRESS_EVERY packets, and prints
 * at most twice a second.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pipeline.h"
#include "run.h"

/* Large files, stderr a terminal: bytes read, rate and time left. */
struct progress {
	bool		on;
	uint64_t	start_ns;
	uint64_t	last_ns;
	bool		shown;
};

#define PROGRESS_EVERY	65536		/* packets between clock reads */

struct run {
	const struct options	*opt;
	struct source		*src;
	struct analyzer		*an;
	struct report_sink	*sink;
	struct progress		 pg;
	uint64_t		 deadline;	/* monotonic; 0: none */
	uint64_t		 next_report;	/* monotonic; 0: none */
	uint64_t		 interval_start; /* realtime */
	uint64_t		 interval_index;
	uint64_t		 last_packets;	/* at the last interval */
	uint64_t		 last_bytes;
	uint64_t		 since_ts;
	int			 status;	/* 0, or -1 (see run.h) */
	char			 errbuf[SOURCE_ERRBUF_SIZE];
};

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

/* Signals, --duration, progress and --interval, before the first packet. */
static void
run_start(struct run *r)
{
	const struct options *opt = r->opt;

	if (source_is_live(r->src)) {
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_stop_signal;
		sigemptyset(&sa.sa_mask);
		signal_source = r->src;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		if (!opt->quiet)
			fprintf(stderr, "transcope: listening on %s, snaplen "
			    "%d\n", opt->live.device, opt->live.snaplen);
		if (opt->duration_ns)
			r->deadline = now_ns(CLOCK_MONOTONIC) +
			    opt->duration_ns;
	}
	if (!source_is_live(r->src) && !opt->quiet && isatty(STDERR_FILENO)) {
		r->pg.on = true;
		r->pg.start_ns = r->pg.last_ns = now_ns(CLOCK_MONOTONIC);
	}
	if (opt->interval_ns) {
		r->next_report = now_ns(CLOCK_MONOTONIC) + opt->interval_ns;
		r->interval_start = now_ns(CLOCK_REALTIME);
		report_sink_interval_begin(r->sink);
		/* The stream is NDJSON: the final report is one line too. */
		report_sink_set_one_line(r->sink, true);
	}
}

/* Files, two threads: batches of decoded packets from the reader. */
static void
read_pipeline(struct run *r, struct pipeline *pl)
{
	for (;;) {
		struct pipeline_batch *b = pipeline_next(pl);
		uint32_t k;
		bool end;

		for (k = 0; k < b->n; k++) {
			/*
			 * The views were written by the reader's CPU: ask for
			 * the ones ahead while this one is analysed.
			 */
			if (k + 8 < b->n) {
				const char *ahead =
				    (const char *)&b->pkts[k + 8];

				__builtin_prefetch(ahead);
				__builtin_prefetch(ahead + 64);
				__builtin_prefetch(ahead + 128);
			}
			analyzer_packet(r->an, &b->pkts[k]);
		}
		if (r->pg.on && b->bytes_total != 0)
			progress_update(&r->pg, b->bytes_done, b->bytes_total,
			    r->an->stats.packets);
		if (b->damaged) {
			/* Report what was read; say where the damage is. */
			fprintf(stderr, "transcope: %s\n", b->errbuf);
			r->status = -1;
		}
		end = b->end;
		pipeline_release(pl);
		if (end)
			break;
	}
}

/*
 * Files in one thread: frames in runs, through libpcap's own loop when
 * there is one file (source_read()).
 */
static void
read_files(struct run *r)
{
	uint64_t count = r->opt->count_limit, packets = 0, next_progress = 0;

	for (;;) {
		uint64_t done, total;
		int max = 256, got, rc;

		if (count && count - packets < (uint64_t)max)
			max = (int)(count - packets);
		rc = source_read(r->src, max, analyze_frame, r->an, r->errbuf,
		    &got);
		packets += (uint64_t)got;
		if (rc < 0) {
			/* Report what was read; say where the damage is. */
			fprintf(stderr, "transcope: %s\n", r->errbuf);
			r->status = -1;
		}
		if (rc == 0 || (count && packets >= count))
			break;
		if (r->pg.on && r->an->stats.packets >= next_progress) {
			/* Asking the stream its offset is a system call. */
			next_progress = r->an->stats.packets + PROGRESS_EVERY;
			source_progress(r->src, &done, &total);
			progress_update(&r->pg, done, total,
			    r->an->stats.packets);
		}
	}
}

/* --interval: the record of the interval that just ended.  0 or -1. */
static int
interval_tick(struct run *r)
{
	const struct analyzer *an = r->an;
	struct interval_info ii;

	memset(&ii, 0, sizeof ii);
	ii.index = ++r->interval_index;
	ii.start_ns = r->interval_start;
	ii.end_ns = r->interval_start = now_ns(CLOCK_REALTIME);
	ii.packets = an->stats.packets - r->last_packets;
	ii.bytes = an->stats.wire_bytes - r->last_bytes;
	ii.since_ts = r->since_ts;
	ii.have_drops = source_drops(r->src, &ii.kernel_dropped,
	    &ii.interface_dropped) == 0;
	if (report_interval(stdout, r->sink, an, &ii) != 0) {
		fprintf(stderr, "transcope: standard output: %s\n",
		    strerror(errno));
		return -1;
	}
	source_dump_flush(r->src);
	r->last_packets = an->stats.packets;
	r->last_bytes = an->stats.wire_bytes;
	r->since_ts = an->stats.last_ts;
	r->next_report += r->opt->interval_ns;
	return 0;
}

/*
 * Live, or files with --interval: frame by frame, looking at the clock
 * between frames and at each timeout of a live source.
 */
static void
read_frames(struct run *r)
{
	uint64_t count = r->opt->count_limit, packets = 0;
	struct raw_frame fr;
	int rc;

	while (!stop_requested) {
		rc = source_next(r->src, &fr, r->errbuf);
		if (rc == 0)
			break;
		if (rc < 0) {
			/* Report what was read; say where the damage is. */
			fprintf(stderr, "transcope: %s\n", r->errbuf);
			r->status = -1;
			if (source_is_live(r->src))
				break;
			continue;
		}
		if (rc == 1) {
			analyzer_frame(r->an, &fr);
			if (count && ++packets >= count)
				break;
			if (r->pg.on &&
			    r->an->stats.packets % PROGRESS_EVERY == 0) {
				uint64_t done, total;

				source_progress(r->src, &done, &total);
				progress_update(&r->pg, done, total,
				    r->an->stats.packets);
			}
		}
		if (!r->deadline && !r->next_report)
			continue;
		if (r->deadline && now_ns(CLOCK_MONOTONIC) >= r->deadline)
			break;
		if (r->next_report &&
		    now_ns(CLOCK_MONOTONIC) >= r->next_report &&
		    interval_tick(r) != 0) {
			r->status = -1;
			break;
		}
	}
}

/* After the last packet: a live capture's drop counts, and a warning. */
static void
run_finish(struct run *r, struct report_info *ri)
{
	const char *dev = r->opt->live.device;

	progress_end(&r->pg);
	memset(ri, 0, sizeof *ri);
	if (!source_is_live(r->src))
		return;
	ri->interface = dev;
	ri->have_drops = source_drops(r->src, &ri->kernel_dropped,
	    &ri->interface_dropped) == 0;
	if (ri->have_drops && !r->opt->quiet &&
	    (ri->kernel_dropped || ri->interface_dropped))
		fprintf(stderr, "transcope: warning: %s dropped %llu packets "
		    "in the kernel and %llu in the interface: the report is "
		    "incomplete\n", dev, (unsigned long long)ri->kernel_dropped,
		    (unsigned long long)ri->interface_dropped);
}

int
run_threads(const struct options *opt)
{
	if (opt->threads != 0)
		return opt->threads;
	return sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? 2 : 1;
}

int
run_capture(const struct options *opt, struct source *src,
    struct analyzer *an, struct report_sink *sink, struct report_info *ri)
{
	struct run r;
	struct pipeline *pl = NULL;
	int threads = run_threads(opt);

	memset(&r, 0, sizeof r);
	r.opt = opt;
	r.src = src;
	r.an = an;
	r.sink = sink;
	run_start(&r);
	if (threads == 2 && !source_is_live(src)) {
		/*
		 * Files: flow records are formatted, and packets read and
		 * decoded, while the analysis goes on; but -w must write
		 * only what is analysed, so it reads here.
		 */
		report_sink_use_writer(sink);
		if (opt->dumppath == NULL && !opt->interval_ns)
			pl = pipeline_start(src, opt->count_limit, r.pg.on);
	}
	if (pl != NULL)
		read_pipeline(&r, pl);
	else if (!source_is_live(src) && !opt->interval_ns)
		read_files(&r);
	else
		read_frames(&r);
	pipeline_stop(pl);
	signal_source = NULL;
	run_finish(&r, ri);
	return r.status;
}
