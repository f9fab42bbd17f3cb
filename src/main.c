/*
 * transcope: wiring and exit codes.  main() hands a subcommand to its entry
 * in cmd.c's table; otherwise it parses the options (cli.c), opens the
 * source and the files to write (outfile.c), reads (run.c), writes the
 * report and chooses the exit status.
 *
 * Only the command layer (this file, cli.c, run.c, outfile.c and the
 * commands) prints errors or chooses exit codes; every module below reports
 * failure through its return value and an error buffer.
 *
 * Exit codes: 0 success, 1 usage error (bad option or filter), 2 input or
 * output error (file missing, not a capture, damaged, unwritable), 3 an
 * --assert failed (cli.h).
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
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
#include "report.h"
#include "run.h"
#include "source.h"
#include "xmalloc.h"

/* In main(): leave through its cleanup with this exit status. */
#define EXIT_WITH(code)	do { status = (code); goto done; } while (0)

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

int
main(int argc, char **argv)
{
	struct options opt;
	struct report_sink *sink;
	struct analyzer an;
	struct source *src;
	struct report_info ri;
	enum source_status st;
	char errbuf[SOURCE_ERRBUF_SIZE];
	struct event_log evlog = { NULL, false };
	struct outfile_report rout = { NULL, "", false, NULL };
	int status = 0;
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
	if (run_capture(&opt, src, &an, sink, &ri) != 0)
		status = EXIT_INPUT;
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
	report_sink_free(sink);	/* its writer thread before the output */
	sink = NULL;
	outfile_report_abandon(&rout);
	outfile_events_abandon(&evlog);
	analyzer_free(&an);
	source_close(src);
	cli_free(&opt);
	return status;
}
