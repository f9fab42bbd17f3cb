/*
 * The report, -w and --events files (see outfile.h).
 *
 * The report's temporary file is made with mkstemp() beside the target, so
 * the rename stays within one file system.  A target that exists and is not
 * a regular file (/dev/stdout, a FIFO, /dev/null, any symbolic link) is
 * written directly instead: renaming over it would replace the device or
 * the link.  The -w file belongs to the source, which writes each frame as
 * it delivers it; opening it is all that happens here.
 *
 * A run that is killed (SIGINT or SIGTERM while files are read, SIGHUP,
 * SIGPIPE) or exits from deep inside (out of memory, exit status 4) never
 * reaches outfile_report_abandon(): a handler of those signals and an
 * atexit() function remove the temporary file then, and the signal goes on
 * to end the process as before.  A live capture later takes SIGINT and
 * SIGTERM for itself (run.c), to write its report and rename it.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzer.h"
#include "events.h"
#include "outfile.h"
#include "report.h"
#include "source.h"

/* The temporary report file while it exists, for the two below. */
static const char *volatile pending_tmp;

static void
pending_remove(void)
{
	const char *tmp = pending_tmp;

	if (tmp != NULL)
		unlink(tmp);
}

static void
on_fatal_signal(int sig)
{
	pending_remove();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Remove the temporary file however the process ends from now on. */
static void
pending_set(const char *tmp)
{
	static const int sigs[] = { SIGHUP, SIGINT, SIGTERM, SIGPIPE };
	static bool installed;
	struct sigaction sa, old;
	size_t i;

	pending_tmp = tmp;
	if (installed)
		return;
	installed = true;
	atexit(pending_remove);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		/* One ignored (nohup, a background job) stays ignored. */
		if (sigaction(sigs[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
}

int
outfile_report_open(struct outfile_report *o, const char *path)
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
			return -1;
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
		return -1;
	}
	pending_set(o->tmp);
	return 0;
}

void
outfile_report_abandon(struct outfile_report *o)
{
	if (o->path != NULL && o->fp != NULL) {
		fclose(o->fp);
		if (!o->direct)
			unlink(o->tmp);
	}
	o->fp = NULL;
	pending_tmp = NULL;
}

int
outfile_report_write(struct outfile_report *o, struct report_sink *sink,
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
		if (rc == 0)
			pending_tmp = NULL;	/* it is the report now */
		if (rc != 0) {
			fprintf(stderr, "transcope: %s: %s\n", o->path,
			    strerror(errno));
			if (!o->direct)
				unlink(o->tmp);
			return -1;
		}
	} else if (fflush(stdout) != 0 || rc != 0) {
		fprintf(stderr, "transcope: standard output: %s\n",
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
outfile_pcap_open(struct source *src, const char *path)
{
	char errbuf[SOURCE_ERRBUF_SIZE];

	if (source_dump_open(src, path, errbuf) != 0) {
		fprintf(stderr, "transcope: %s\n", errbuf);
		return -1;
	}
	return 0;
}

int
outfile_events_open(struct event_log *log, const char *path,
    const struct format *fmt)
{
	log->fmt = fmt;
	log->out = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	if (log->out == NULL) {
		fprintf(stderr, "transcope: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
outfile_events_close(struct event_log *log, const char *path)
{
	int rc = 0;

	if (log->out != NULL && log->out != stdout && fclose(log->out) != 0) {
		fprintf(stderr, "transcope: %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	log->out = NULL;
	return rc;
}

void
outfile_events_abandon(struct event_log *log)
{
	if (log->out != NULL && log->out != stdout)
		fclose(log->out);
	log->out = NULL;
}
