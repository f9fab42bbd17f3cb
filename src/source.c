/*
 * Offline sources: see source.h.
 *
 * The merge keeps one pending frame per file (libpcap's buffer for it) and
 * hands out the earliest; ties go to the file named first, so the order is
 * deterministic.  With one file, or files that do not overlap in time, the
 * stream is simply each file in turn.
 */
#include "config.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <stdio.h>
#ifdef HAVE_STDIO_EXT_H
#include <stdio_ext.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "xmalloc.h"

struct source_file {
	char		*path;
	pcap_t		*pcap;
	int		 dlt;
	int		 done;		/* no more frames (pcap stays open) */
	int		 pending;	/* a frame is waiting in hdr/data */
	struct pcap_pkthdr *hdr;
	const u_char	*data;
	uint64_t	 size;		/* file size, 0 if unknown (a pipe) */
	uint64_t	 read;		/* bytes read when it ended */
	int		 has_filter;
	struct bpf_program filter;	/* applied here, record by record */
	uint32_t	 rec_hdr;	/* pcap record header size; 0: pcapng */
	uint64_t	 next_off;	/* pcap: where the next record starts */
	char		*iobuf;		/* the stream's buffer, freed after it */
};

struct source {
	struct source_file *files;
	int		 nfiles;
	int		 last;		/* file whose frame went out last, or -1 */
	int		 live;
	int		 live_fd;	/* to poll(); -1 if none */
	int		 timeout_ms;
	pcap_dumper_t	*dumper;
};

static int	compile_filter(pcap_t *, const char *, struct bpf_program *,
		    char *, enum source_status *);

static uint64_t
ts_to_ns(const struct timeval *tv)
{
	/* Opened with nanosecond precision: tv_usec holds nanoseconds. */
	if (tv->tv_sec < 0)
		return 0;
	return (uint64_t)tv->tv_sec * 1000000000ULL + (uint64_t)tv->tv_usec;
}

/*
 * The record header size of a classic pcap file from its magic number, or
 * 0 for pcapng, a pipe, or anything else (offsets are then approximate).
 */
static uint32_t
pcap_record_header_size(const char *path)
{
	uint8_t m[4];
	uint32_t le, be;
	FILE *fp;

	if (strcmp(path, "-") == 0 || (fp = fopen(path, "rb")) == NULL)
		return 0;
	if (fread(m, 1, 4, fp) != 4) {
		fclose(fp);
		return 0;
	}
	fclose(fp);
	le = (uint32_t)m[0] | (uint32_t)m[1] << 8 | (uint32_t)m[2] << 16 |
	    (uint32_t)m[3] << 24;
	be = (uint32_t)m[3] | (uint32_t)m[2] << 8 | (uint32_t)m[1] << 16 |
	    (uint32_t)m[0] << 24;
	if (le == 0xa1b2c3d4 || be == 0xa1b2c3d4 || le == 0xa1b23c4d ||
	    be == 0xa1b23c4d)
		return 16;
	if (le == 0xa1b2cd34 || be == 0xa1b2cd34)
		return 24;		/* Kuznetzov's modified format */
	return 0;
}

/*
 * Read buffer per file.  stdio's default (the file system's block size,
 * 4 KiB) costs a read(2) every ~30 packets: a third of the time of a bare
 * libpcap loop goes to system calls.  1 MiB makes that vanish; with many
 * files merged, less each, so the total stays a few MiB.
 */
#define READ_BUFFER_MAX		(1024 * 1024)
#define READ_BUFFER_MIN		(64 * 1024)
#define READ_BUFFER_TOTAL	(8 * 1024 * 1024)

static size_t
read_buffer_size(int nfiles)
{
	size_t n = READ_BUFFER_TOTAL / (size_t)(nfiles > 0 ? nfiles : 1);

	return n > READ_BUFFER_MAX ? READ_BUFFER_MAX :
	    n < READ_BUFFER_MIN ? READ_BUFFER_MIN : n;
}

/*
 * pcap_open_offline() with nanosecond timestamps, but on a stream we open
 * with a large buffer.  Errors read as libpcap's own ("PATH: cause").
 */
static pcap_t *
open_offline(struct source_file *sf, const char *path, size_t bufsize,
    char *pcap_err)
{
	pcap_t *p;
	FILE *fp;

	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(pcap_err, PCAP_ERRBUF_SIZE, "%s: %s", path,
		    strerror(errno));
		return NULL;
	}
	/*
	 * glibc ignores the size unless given the buffer.  stdin outlives
	 * pcap_close(), so its buffer must too.  setvbuf() fails only if
	 * I/O has started (stdin named twice): the default then serves.
	 */
	if (fp == stdin) {
		static char stdin_buf[READ_BUFFER_MAX];

		(void)setvbuf(fp, stdin_buf, _IOFBF, sizeof stdin_buf);
	} else {
		sf->iobuf = xmalloc(bufsize);
		(void)setvbuf(fp, sf->iobuf, _IOFBF, bufsize);
	}
#ifdef HAVE_STDIO_EXT_H
	/*
	 * libpcap reads a record with two fread()s, each of which locks the
	 * stream once the process has a second thread.  Only one thread at
	 * a time ever reads a source (the reader thread, or main), so skip
	 * the locks.
	 */
	__fsetlocking(fp, FSETLOCKING_BYCALLER);
#endif
	p = pcap_fopen_offline_with_tstamp_precision(fp,
	    PCAP_TSTAMP_PRECISION_NANO, pcap_err);
	if (p == NULL) {
		/* libpcap closes the stream only once it has opened it. */
		if (fp != stdin)
			fclose(fp);
		free(sf->iobuf);
		sf->iobuf = NULL;
	}
	return p;
}

static void
source_file_close(struct source_file *sf)
{
	sf->read = sf->size;
	if (sf->pcap != NULL)
		pcap_close(sf->pcap);
	sf->pcap = NULL;
	free(sf->iobuf);		/* after the stream that used it */
	sf->iobuf = NULL;
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
	s->live_fd = -1;
	for (i = 0; i < npaths; i++) {
		struct source_file *sf = &s->files[i];

		sf->path = xstrdup(paths[i]);
		pcap_err[0] = '\0';
		sf->pcap = open_offline(sf, paths[i], read_buffer_size(npaths),
		    pcap_err);
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
		{
			struct stat sb;

			if (stat(paths[i], &sb) == 0 && S_ISREG(sb.st_mode))
				sf->size = (uint64_t)sb.st_size;
		}
		sf->rec_hdr = pcap_record_header_size(paths[i]);
		sf->next_off = 24;
		/*
		 * The filter runs here, not inside libpcap, so every record
		 * passes through source_file_fill() and its offset is known
		 * when one turns out damaged.
		 */
		if (filter != NULL) {
			if (compile_filter(sf->pcap, filter, &sf->filter, errbuf,
			    st) != 0) {
				source_close(s);
				return NULL;
			}
			sf->has_filter = 1;
		}
	}
	*st = SOURCE_OK;
	return s;
}

static int
compile_filter(pcap_t *p, const char *filter, struct bpf_program *prog,
    char *errbuf, enum source_status *st)
{
	if (pcap_compile(p, prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
		snprintf(errbuf, SOURCE_ERRBUF_SIZE,
		    "bad filter expression '%s': %s", filter, pcap_geterr(p));
		*st = SOURCE_ERR_FILTER;
		return -1;
	}
	return 0;
}

/* A live capture filters in the kernel. */
static int
set_filter(pcap_t *p, const char *name, const char *filter, char *errbuf,
    enum source_status *st)
{
	struct bpf_program prog;

	if (compile_filter(p, filter, &prog, errbuf, st) != 0)
		return -1;
	if (pcap_setfilter(p, &prog) != 0) {
		snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: cannot set filter: %s",
		    name, pcap_geterr(p));
		pcap_freecode(&prog);
		*st = SOURCE_ERR_FILTER;
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

/* pcap_activate()'s outcome as one clear line. */
static void
activate_error(pcap_t *p, const char *dev, int rc, char *errbuf)
{
	switch (rc) {
	case PCAP_ERROR_NO_SUCH_DEVICE:
		snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: no such device "
		    "(transcope -D lists the interfaces)", dev);
		break;
	case PCAP_ERROR_PERM_DENIED:
		snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: permission denied: "
		    "capturing needs root or the CAP_NET_RAW capability "
		    "(setcap cap_net_raw,cap_net_admin=eip transcope)", dev);
		break;
	case PCAP_ERROR_PROMISC_PERM_DENIED:
		snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: permission denied "
		    "for promiscuous mode: needs CAP_NET_ADMIN (or use -p)",
		    dev);
		break;
	case PCAP_ERROR_IFACE_NOT_UP:
		snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: interface is down",
		    dev);
		break;
	default:
		snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: %s", dev,
		    pcap_geterr(p));
		break;
	}
}

struct source *
source_open_live(const struct live_options *lo, const char *filter,
    char *errbuf, enum source_status *st)
{
	char pcap_err[PCAP_ERRBUF_SIZE];
	struct source *s;
	pcap_t *p;
	int rc;

	*st = SOURCE_ERR_OPEN;
	pcap_err[0] = '\0';
	p = pcap_create(lo->device, pcap_err);
	if (p == NULL) {
		snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: %s", lo->device,
		    pcap_err);
		return NULL;
	}
	pcap_set_snaplen(p, lo->snaplen);
	pcap_set_promisc(p, lo->promisc);
	pcap_set_timeout(p, lo->timeout_ms);
	pcap_set_immediate_mode(p, 1);
	pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	if (lo->buffer_kib > 0)
		pcap_set_buffer_size(p, lo->buffer_kib * 1024);
	rc = pcap_activate(p);
	if (rc < 0) {
		activate_error(p, lo->device, rc, errbuf);
		pcap_close(p);
		return NULL;
	}
	/*
	 * libpcap keeps waiting inside pcap_next_ex() in immediate mode, so
	 * read non-blocking and wait in our own poll(): then --duration,
	 * --interval and signals are seen even when no packet comes.
	 */
	if (pcap_setnonblock(p, 1, pcap_err) != 0) {
		snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: %s", lo->device,
		    pcap_err);
		pcap_close(p);
		return NULL;
	}
	if (filter != NULL && set_filter(p, lo->device, filter, errbuf,
	    st) != 0) {
		pcap_close(p);
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	s->files = xcalloc(1, sizeof *s->files);
	s->nfiles = 1;
	s->last = -1;
	s->live = 1;
	s->live_fd = pcap_get_selectable_fd(p);
	s->timeout_ms = lo->timeout_ms;
	s->files[0].path = xstrdup(lo->device);
	s->files[0].pcap = p;
	s->files[0].dlt = pcap_datalink(p);
	*st = SOURCE_OK;
	return s;
}

int
source_dump_open(struct source *s, const char *path, char *errbuf)
{
	s->dumper = pcap_dump_open(s->files[0].pcap, path);
	if (s->dumper == NULL) {
		snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: %s", path,
		    pcap_geterr(s->files[0].pcap));
		return -1;
	}
	return 0;
}

void
source_dump_flush(struct source *s)
{
	if (s->dumper != NULL)
		pcap_dump_flush(s->dumper);
}

void
source_break(struct source *s)
{
	if (s->live && s->files[0].pcap != NULL)
		pcap_breakloop(s->files[0].pcap);
}

int
source_drops(struct source *s, uint64_t *kernel, uint64_t *iface)
{
	struct pcap_stat ps;

	if (!s->live || s->files[0].pcap == NULL ||
	    pcap_stats(s->files[0].pcap, &ps) != 0)
		return -1;
	*kernel = ps.ps_drop;
	*iface = ps.ps_ifdrop;
	return 0;
}

void
source_progress(struct source *s, uint64_t *done, uint64_t *total)
{
	int i;

	*done = *total = 0;
	for (i = 0; i < s->nfiles; i++) {
		struct source_file *sf = &s->files[i];
		FILE *fp;
		long off;

		*total += sf->size;
		if (sf->pcap != NULL && !s->live &&
		    (fp = pcap_file(sf->pcap)) != NULL && (off = ftell(fp)) > 0)
			*done += (uint64_t)off;
		else
			*done += sf->read;
	}
}

int
source_is_live(const struct source *s)
{
	return s->live;
}

int
source_list_interfaces(FILE *out, char *errbuf)
{
	char pcap_err[PCAP_ERRBUF_SIZE];
	pcap_if_t *all, *d;
	int i = 0;

	if (pcap_findalldevs(&all, pcap_err) != 0) {
		snprintf(errbuf, SOURCE_ERRBUF_SIZE, "cannot list interfaces: "
		    "%s", pcap_err);
		return -1;
	}
	for (d = all; d != NULL; d = d->next) {
		fprintf(out, "%d.%s", ++i, d->name);
		if (d->description != NULL)
			fprintf(out, " (%s)", d->description);
		fprintf(out, " [%s%s%s]", (d->flags & PCAP_IF_UP) ? "Up" : "Down",
		    (d->flags & PCAP_IF_RUNNING) ? ", Running" : "",
		    (d->flags & PCAP_IF_LOOPBACK) ? ", Loopback" : "");
		fputc('\n', out);
	}
	pcap_freealldevs(all);
	return 0;
}

/* errbuf: why sf could not be read on, and where. */
static void
damage_message(struct source_file *sf, char *errbuf)
{
	FILE *fp = pcap_file(sf->pcap);
	long off = fp != NULL ? ftell(fp) : -1;

	if (sf->rec_hdr != 0)
		snprintf(errbuf, SOURCE_ERRBUF_SIZE,
		    "%s: damaged record at byte offset %llu: %s",
		    sf->path, (unsigned long long)sf->next_off,
		    pcap_geterr(sf->pcap));
	else if (off >= 0)	/* pcapng: where reading stopped */
		snprintf(errbuf, SOURCE_ERRBUF_SIZE,
		    "%s: damaged before byte offset %ld: %s", sf->path,
		    off, pcap_geterr(sf->pcap));
	else
		snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: %s",
		    sf->path, pcap_geterr(sf->pcap));
}

/* Make sure sf has a pending frame if it has any left; -1 on damage. */
static int
source_file_fill(struct source *s, struct source_file *sf, char *errbuf)
{
	int r;

	if (sf->pending || sf->pcap == NULL || sf->done)
		return 0;
	while ((r = pcap_next_ex(sf->pcap, &sf->hdr, &sf->data)) == 1) {
		sf->next_off += sf->rec_hdr + sf->hdr->caplen;
		if (!sf->has_filter || pcap_offline_filter(&sf->filter, sf->hdr,
		    sf->data)) {
			sf->pending = 1;
			return 0;
		}
	}
	if (r == 0) {				/* live: nothing yet */
		if (s->live_fd >= 0) {
			struct pollfd pfd = { s->live_fd, POLLIN, 0 };

			poll(&pfd, 1, s->timeout_ms);	/* EINTR is fine */
		}
		return SOURCE_TIMEOUT;
	}
	if (r == PCAP_ERROR_BREAK) {
		sf->done = 1;			/* live: asked to stop */
		return 0;
	}
	if (r == PCAP_ERROR) {
		damage_message(sf, errbuf);
		if (s->live)
			sf->done = 1;
		else
			source_file_close(sf);
		return -1;
	}
	if (s->live)
		sf->done = 1;
	else
		source_file_close(sf);	/* end of this file */
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
		int r = source_file_fill(s, sf, errbuf);

		if (r < 0)
			return -1;
		if (r == SOURCE_TIMEOUT)
			return SOURCE_TIMEOUT;
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
	if (s->dumper != NULL)
		pcap_dump((u_char *)s->dumper, best->hdr, best->data);
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
	if (s->dumper != NULL)
		pcap_dump_close(s->dumper);
	for (i = 0; i < s->nfiles; i++) {
		if (s->files[i].has_filter)
			pcap_freecode(&s->files[i].filter);
		source_file_close(&s->files[i]);
		free(s->files[i].path);
	}
	free(s->files);
	free(s);
}

/* What source_read() passes through pcap_dispatch() to deliver(). */
struct dispatch {
	struct source_file *sf;
	source_frame_fn	 fn;
	void		*ctx;
	int		 delivered;
};

static void
deliver(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct dispatch *d = (struct dispatch *)(void *)user;
	struct source_file *sf = d->sf;
	struct raw_frame fr;

	sf->next_off += sf->rec_hdr + h->caplen;
	if (sf->has_filter && !pcap_offline_filter(&sf->filter, h, data))
		return;
	fr.data = data;
	fr.caplen = h->caplen;
	fr.len = h->len;
	fr.ts_ns = ts_to_ns(&h->ts);
	fr.dlt = sf->dlt;
	fr.file_index = 0;
	d->fn(d->ctx, &fr);
	d->delivered++;
}

int
source_read(struct source *s, int max, source_frame_fn fn, void *ctx,
    char *errbuf, int *delivered)
{
	struct source_file *sf = &s->files[0];
	struct raw_frame fr;
	int r;

	*delivered = 0;
	if (s->nfiles != 1 || s->live || s->dumper != NULL || sf->pending) {
		/* The merge (or a frame already pending): frame by frame. */
		while (*delivered < max) {
			if ((r = source_next(s, &fr, errbuf)) != 1)
				return r == SOURCE_TIMEOUT ? 1 : r;
			fn(ctx, &fr);
			(*delivered)++;
		}
		return 1;
	}
	if (sf->pcap == NULL)
		return 0;
	/*
	 * One file: libpcap's own loop, as a bare pcap_loop() reads, saves
	 * a call through pcap_next_ex() per packet.
	 */
	{
		struct dispatch d = { sf, fn, ctx, 0 };

		r = pcap_dispatch(sf->pcap, max, deliver, (u_char *)&d);
		*delivered = d.delivered;
	}
	if (r == PCAP_ERROR) {
		damage_message(sf, errbuf);
		source_file_close(sf);
		return -1;
	}
	if (r == 0) {
		source_file_close(sf);		/* the end of the file */
		return 0;
	}
	return 1;
}
