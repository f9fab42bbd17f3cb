/*
 * The files a run writes, all opened before the first packet is read: the
 * report (-o FILE, or standard output), a copy of the packets read (-w FILE,
 * written by the source as tcpdump does) and the analysis events (--events
 * FILE, or - for standard output).
 *
 * The report is written atomically: with -o, into a temporary file beside
 * FILE that is renamed over it only once the report is complete, so a run
 * that fails never leaves half a report; outfile_report_abandon() removes
 * the temporary file on every other way out.  It is opened before the
 * analysis starts because JSON flow records are streamed as flows finish.
 *
 * Like the rest of the command layer (main.c, cli.c, run.c), these print
 * their own one-line message ("transcope: FILE: cause") and return -1;
 * main() chooses the exit status.
 */
#ifndef TRANSCOPE_OUTFILE_H
#define TRANSCOPE_OUTFILE_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

struct analyzer;
struct event_log;
struct report_info;
struct report_sink;
struct source;

/* Zeroed before outfile_report_open(), so abandoning it is always safe. */
struct outfile_report {
	const char	*path;		/* -o, or NULL for standard output */
	char		 tmp[PATH_MAX];
	bool		 direct;	/* path itself, no temporary file */
	FILE		*fp;
};

/* Where the report goes (path NULL: standard output).  0 or -1. */
int	outfile_report_open(struct outfile_report *, const char *path);
/* The whole report, then close and rename into place.  0 or -1. */
int	outfile_report_write(struct outfile_report *, struct report_sink *,
	    const struct analyzer *, const struct report_info *);
/* A run that ends before its report: no trace of the temporary file. */
void	outfile_report_abandon(struct outfile_report *);

/* -w: also write every packet read to path.  0 or -1. */
int	outfile_pcap_open(struct source *, const char *path);

/* --events: path "-" is standard output.  0 or -1. */
int	outfile_events_open(struct event_log *, const char *path,
	    const struct format *);
/* Close it at the end of a run, saying if the last writes failed. */
int	outfile_events_close(struct event_log *, const char *path);
/* Close it without a word, on the way out of a failed run. */
void	outfile_events_abandon(struct event_log *);

#endif
