/*
 * Offline sources: see source.h.
 *
 * The merge keeps one pending frame per file (libpcap's buffer for it) and
 * hands out the earliest; ties go to the file named first, so the order is
 * deterministic.  With one file, or files that do not overlap in time, the
 * stream is simply each file in turn.
 */
#include "config.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "xmalloc.h"

struct source_file {
	char		*path;
	pcap_t		*pcap;
	int		 dlt;
	int		 pending;	/* a frame is waiting in hdr/data */
	struct pcap_pkthdr *hdr;
	const u_char	*data;
};

struct source {
	struct source_file *files;
	int		 nfiles;
	int		 last;		/* file whose frame went out last, or -1 */
};

static uint64_t
ts_to_ns(const struct timeval *tv)
{
	/* Opened with nanosecond precision: tv_usec holds nanoseconds. */
	if (tv->tv_sec < 0)
		return 0;
	return (uint64_t)tv->tv_sec * 1000000000ULL + (uint64_t)tv->tv_usec;
}

static void
source_file_close(struct source_file *sf)
{
	if (sf->pcap != NULL)
		pcap_close(sf->pcap);
	sf->pcap = NULL;
	sf->pending = 0;
}

struct source *
source_open_files(char *const *paths, int npaths, const char *filter,
    char *errbuf, enum source_status *st)
{
	struct source *s = xcalloc(1, sizeof *s);
	char pcap_err[PCAP_ERRBUF_SIZE];
	int i;

	s->files = xcalloc((size_t)npaths, sizeof *s->files);
	s->nfiles = npaths;
	s->last = -1;
	for (i = 0; i < npaths; i++) {
		struct source_file *sf = &s->files[i];

		sf->path = xstrdup(paths[i]);
		pcap_err[0] = '\0';
		sf->pcap = pcap_open_offline_with_tstamp_precision(paths[i],
		    PCAP_TSTAMP_PRECISION_NANO, pcap_err);
		if (sf->pcap == NULL) {
			size_t n = strlen(paths[i]);

			/* libpcap names the file in some messages, not others. */
			if (strncmp(pcap_err, paths[i], n) == 0 &&
			    pcap_err[n] == ':')
				snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s",
				    pcap_err);
			else
				snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: %s",
				    paths[i], pcap_err);
			*st = SOURCE_ERR_OPEN;
			source_close(s);
			return NULL;
		}
		sf->dlt = pcap_datalink(sf->pcap);
		if (filter != NULL) {
			struct bpf_program prog;

			if (pcap_compile(sf->pcap, &prog, filter, 1,
			    PCAP_NETMASK_UNKNOWN) != 0) {
				snprintf(errbuf, SOURCE_ERRBUF_SIZE,
				    "bad filter expression '%s': %s", filter,
				    pcap_geterr(sf->pcap));
				*st = SOURCE_ERR_FILTER;
				source_close(s);
				return NULL;
			}
			if (pcap_setfilter(sf->pcap, &prog) != 0) {
				snprintf(errbuf, SOURCE_ERRBUF_SIZE,
				    "%s: cannot set filter: %s", paths[i],
				    pcap_geterr(sf->pcap));
				pcap_freecode(&prog);
				*st = SOURCE_ERR_FILTER;
				source_close(s);
				return NULL;
			}
			pcap_freecode(&prog);
		}
	}
	*st = SOURCE_OK;
	return s;
}

/* Make sure sf has a pending frame if it has any left; -1 on damage. */
static int
source_file_fill(struct source_file *sf, char *errbuf)
{
	int r;

	if (sf->pending || sf->pcap == NULL)
		return 0;
	r = pcap_next_ex(sf->pcap, &sf->hdr, &sf->data);
	if (r == 1) {
		sf->pending = 1;
		return 0;
	}
	if (r == PCAP_ERROR) {
		FILE *fp = pcap_file(sf->pcap);
		long off = fp != NULL ? ftell(fp) : -1;

		if (off >= 0)
			snprintf(errbuf, SOURCE_ERRBUF_SIZE,
			    "%s: damaged at byte offset %ld: %s", sf->path, off,
			    pcap_geterr(sf->pcap));
		else
			snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: %s",
			    sf->path, pcap_geterr(sf->pcap));
		source_file_close(sf);
		return -1;
	}
	source_file_close(sf);		/* end of this file */
	return 0;
}

int
source_next(struct source *s, struct raw_frame *fr, char *errbuf)
{
	struct source_file *best = NULL;
	int i, besti = -1;

	if (s->last >= 0) {
		s->files[s->last].pending = 0;
		s->last = -1;
	}
	for (i = 0; i < s->nfiles; i++) {
		struct source_file *sf = &s->files[i];

		if (source_file_fill(sf, errbuf) < 0)
			return -1;
		if (!sf->pending)
			continue;
		if (best == NULL || ts_to_ns(&sf->hdr->ts) <
		    ts_to_ns(&best->hdr->ts)) {
			best = sf;
			besti = i;
		}
	}
	if (best == NULL)
		return 0;
	s->last = besti;
	fr->data = best->data;
	fr->caplen = best->hdr->caplen;
	fr->len = best->hdr->len;
	fr->ts_ns = ts_to_ns(&best->hdr->ts);
	fr->dlt = best->dlt;
	fr->file_index = besti;
	return 1;
}

int
source_file_count(const struct source *s)
{
	return s->nfiles;
}

const char *
source_file_name(const struct source *s, int i)
{
	return s->files[i].path;
}

void
source_close(struct source *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nfiles; i++) {
		source_file_close(&s->files[i]);
		free(s->files[i].path);
	}
	free(s->files);
	free(s);
}
