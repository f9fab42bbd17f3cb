/*
 * transcope: wiring and exit codes.  main() hands a subcommand to its entry
 * in cmd.c's table; otherwise it parses the options (cli.c) and runs one
 * analysis: open the source and the files to write (outfile.c), read
 * (run.c), write the report, and choose the exit status.
 *
 * Only the command layer (this file, cli.c, run.c, outfile.c and the
 * commands) prints errors or chooses exit codes; every module below reports
 * failure through its return value and an error buffer.  Whatever fails,
 * everything opened is closed in one place, analysis_close().
 *
 * Exit codes: 0 success, 1 usage error (bad option or filter), 2 input or
 * output error (file missing, not a capture, damaged, unwritable), 3 an
 * --assert failed (cli.h), 4 out of memory (xmalloc.h).
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "analyzer.h"
#include "cli.h"
#include "cmd.h"
#include "decode.h"
#include "events.h"
#include "outfile.h"
#include "report.h"
#include "run.h"
#include "source.h"

/* What one analysis opens; all zero before analysis_open(). */
struct analysis {
	struct source		*src;
	struct event_log	 evlog;
	struct report_sink	*sink;
	struct outfile_report	 out;
	struct analyzer		 an;
};

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

/* -D */
static int
list_interfaces(void)
{
	char errbuf[SOURCE_ERRBUF_SIZE];

	if (source_list_interfaces(stdout, errbuf) != 0) {
		fprintf(stderr, "transcope: %s\n", errbuf);
		return EXIT_INPUT;
	}
	return 0;
}

/*
 * Everything before the first packet, in an order that shows in the
 * messages: the source (a bad filter is a usage error), -w, then -Z once
 * both are open, --events, the report's spill file, the report.  0, or the
 * exit status.
 */
static int
analysis_open(struct analysis *a, const struct options *opt)
{
	char errbuf[SOURCE_ERRBUF_SIZE];
	enum source_status st;

	if (opt->live.device != NULL)
		a->src = source_open_live(&opt->live, opt->filter, errbuf, &st);
	else {
		/* Two threads: a compressed file is decoded in one more. */
		source_set_decode_ahead(run_threads(opt) == 2);
		a->src = source_open_files(opt->files, opt->nfiles,
		    opt->filter, errbuf, &st);
	}
	if (a->src == NULL) {
		fprintf(stderr, "transcope: %s\n", errbuf);
		return st == SOURCE_ERR_FILTER ? EXIT_USAGE : EXIT_INPUT;
	}
	if (opt->dumppath != NULL &&
	    outfile_pcap_open(a->src, opt->dumppath) != 0)
		return EXIT_INPUT;
	if (opt->user != NULL && drop_privileges(opt->user) != 0)
		return EXIT_INPUT;
	if (opt->eventspath != NULL && outfile_events_open(&a->evlog,
	    opt->eventspath, opt->report.format) != 0)
		return EXIT_INPUT;
	if ((a->sink = report_sink_new(&opt->report)) == NULL) {
		fprintf(stderr, "transcope: cannot create a temporary file: "
		    "%s\n", strerror(errno));
		return EXIT_INPUT;
	}
	if (outfile_report_open(&a->out, opt->outpath) != 0)
		return EXIT_INPUT;
	/*
	 * JSON flow records go out as flows finish, unless something else
	 * shares the output: interval records, or --events -.
	 */
	if (!opt->interval_ns &&
	    !(a->evlog.out == stdout && a->out.fp == stdout))
		report_sink_stream(a->sink, a->out.fp);
	analyzer_init(&a->an, &opt->tcp);
	analyzer_set_final(&a->an, &opt->analyzer, report_sink_flow, a->sink);
	if (a->evlog.out != NULL) {
		analyzer_set_events(&a->an, event_log_packet, &a->evlog);
	}
	return 0;
}

static void
assertions_print(const struct report_options *ro)
{
	size_t k;

	for (k = 0; k < ro->nassertions; k++) {
		const struct assertion *a = &ro->assertions[k];

		if (a->passed)
			continue;
		if (a->have_actual)
			fprintf(stderr, "transcope: assertion failed: "
			    "%s (actual %.6g)\n", a->text, a->actual);
		else
			fprintf(stderr, "transcope: assertion failed: "
			    "%s (no value: no samples)\n", a->text);
	}
}

/*
 * After the last packet: the flows still open, --events, the report, then
 * the --assert verdict, which only a complete report can give.  status is
 * the reading's; returns the run's.
 */
static int
analysis_finish(struct analysis *a, const struct options *opt,
    struct report_info *ri, int status)
{
	analyzer_finish(&a->an);
	ri->files = opt->files;
	ri->nfiles = opt->nfiles;
	ri->ninterfaces = source_interfaces(a->src, &ri->interfaces);
	ri->long_view = opt->report.long_view;
	if (outfile_events_close(&a->evlog, opt->eventspath) != 0)
		status = EXIT_INPUT;
	if (outfile_report_write(&a->out, a->sink, &a->an, ri) != 0)
		status = EXIT_INPUT;
	else if (report_sink_failed_assertions(a->sink) > 0) {
		assertions_print(&opt->report);
		if (status == 0)
			status = EXIT_ASSERT;
	}
	return status;
}

/* Every way out of an analysis comes here: nothing leaks. */
static void
analysis_close(struct analysis *a)
{
	report_sink_free(a->sink);	/* its writer thread before output */
	outfile_report_abandon(&a->out);
	outfile_events_abandon(&a->evlog);
	analyzer_free(&a->an);
	source_close(a->src);
}

/* --no-decap, --tunnel-port: decode's tables, before anything decodes. */
static void
tunnels_configure(const struct options *opt)
{
	int i;

	if (opt->no_decap)
		decode_set_tunnels(false);
	for (i = 0; i < opt->ntunnel_ports; i++)
		decode_tunnel_port(opt->tunnel_ports[i].type,
		    opt->tunnel_ports[i].port);
}

static int
analyse(const struct options *opt)
{
	struct analysis a;
	struct report_info ri;
	int status;

	tunnels_configure(opt);
	memset(&a, 0, sizeof a);
	if ((status = analysis_open(&a, opt)) == 0) {
		status = run_capture(opt, a.src, &a.an, a.sink, &ri) != 0 ?
		    EXIT_INPUT : 0;
		status = analysis_finish(&a, opt, &ri, status);
	}
	analysis_close(&a);
	return status;
}

int
main(int argc, char **argv)
{
	const struct cmd_entry *cmd;
	struct options opt;
	int status = 0;

	if ((cmd = cmd_find(argc, argv)) != NULL)
		return cmd->exec(argc - 1, argv + 1);	/* nothing allocated */
	cli_init(&opt, argc);
	if (cli_parse(&opt, argc, argv, &status))
		status = opt.list ? list_interfaces() : analyse(&opt);
	cli_free(&opt);
	return status;
}
