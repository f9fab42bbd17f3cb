/*
 * Offline sources: see source.h.
 *
 * Each file is a byte stream (source_stream.c: plain, or decompressed as
 * it is read) that one of two readers parses: for pcap, whose every frame
 * has the file's link type, source_pcap.c in place (the common form) or
 * libpcap (any other, and whatever source_pcap.c leaves to it); for
 * pcapng, whose frames each have their own interface's, source_pcapng.c.  One reader for all
 * pcapng, not libpcap where it can: libpcap refuses interfaces of
 * different link types (or snapshot lengths) in one file, does not say
 * which interface a packet came from, and the two convert timestamps the
 * same way, so a pcapng file libpcap could read gives the same report.
 *
 * The merge keeps one pending frame per file and hands out the earliest;
 * ties go to the file named first, so the order is deterministic.  With
 * one file, or files that do not overlap in time, the stream is simply
 * each file in turn.
 *
 * A BPF filter is compiled once per link type of a file: for a pcap file
 * on its pcap_t, for a pcapng file on a pcap_open_dead() of each link type
 * its interfaces have, as they are described.
 */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "source_pcap.h"
#include "source_pcapng.h"
#include "source_stream.h"
#include "xmalloc.h"

/* A compiled filter for one link type (pcapng files). */
struct link_filter {
	int		 dlt;
	struct bpf_program prog;
};

struct source_file {
	char		*path;
	struct stream	*stream;	/* its bytes; NULL for a live source */
	pcap_t		*pcap;		/* pcap files, and live */
	/*
	 * A pcap file of the common form is read in place (source_pcap.h);
	 * its pcap_t, opened on a copy of its header (file_hdr), only says
	 * what libpcap makes of it, until libpcap reads on.
	 */
	struct pcap_records *recs;
	uint8_t		 file_hdr[PCAP_FILE_HEADER];
	struct pcapng	*ng;		/* pcapng files */
	int		 dlt;		/* pcap: the file's link type */
	int		 done;		/* no more frames (pcap stays open) */
	int		 pending;	/* a frame is waiting in fr/ph */
	struct raw_frame fr;		/* the pending frame */
	struct pcap_pkthdr ph;		/* ... as libpcap describes it */
	int		 fr_iface;	/* ... and its interface */
	uint64_t	 size;		/* file size, 0 if unknown (a pipe) */
	uint64_t	 read;		/* bytes read when it ended */
	int		 has_filter;
	struct bpf_program filter;	/* pcap: applied here, record by record */
	uint32_t	 rec_hdr;	/* pcap record header size; 0: pcapng */
	uint64_t	 next_off;	/* pcap: where the next record starts */

	/* Its interfaces (a pcap file has one), with what is counted. */
	struct source_interface *ifaces;
	int		 nifaces;
	int		 ifaces_cap;
	int		*iface_filter;	/* pcapng: index into filters */
	struct link_filter *filters;
	int		 nfilters;
};

struct source {
	struct source_file *files;
	int		 nfiles;
	int		 last;		/* file whose frame went out last, or -1 */
	int		 live;
	int		 live_fd;	/* to poll(); -1 if none */
	int		 timeout_ms;
	char		*filter;	/* the expression, for pcapng's new links */
	pcap_dumper_t	*dumper;
	pcap_t		*dump_dead;	/* what the dumper was opened on, if ours */
	int		 dump_dlt;
	struct source_interface *all;	/* source_interfaces() */
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

static const char *
dlt_name(int dlt)
{
	const char *name = pcap_datalink_val_to_name(dlt);

	return name != NULL ? name : "?";
}

/*
 * The record header size of a classic pcap file from its magic number, or
 * 0 for anything else (offsets are then approximate); and the resolution
 * of its timestamps, as pcapng's if_tsresol.
 */
static uint32_t
pcap_record_header_size(const uint8_t *m, size_t n, uint8_t *tsresol)
{
	uint32_t le, be;

	*tsresol = 6;
	if (n < 4)
		return 0;
	le = (uint32_t)m[0] | (uint32_t)m[1] << 8 | (uint32_t)m[2] << 16 |
	    (uint32_t)m[3] << 24;
	be = (uint32_t)m[3] | (uint32_t)m[2] << 8 | (uint32_t)m[1] << 16 |
	    (uint32_t)m[0] << 24;
	if (le == 0xa1b23c4d || be == 0xa1b23c4d)
		*tsresol = 9;
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

/* A new interface of sf; its packets are counted from 0. */
static struct source_interface *
interface_add(struct source_file *sf, int file_index, int dlt,
    uint32_t snaplen, uint8_t tsresol, const char *name)
{
	struct source_interface *ifc;

	if (sf->nifaces == sf->ifaces_cap) {
		sf->ifaces_cap = sf->ifaces_cap ? sf->ifaces_cap * 2 : 4;
		sf->ifaces = xreallocarray(sf->ifaces, (size_t)sf->ifaces_cap,
		    sizeof *sf->ifaces);
		sf->iface_filter = xreallocarray(sf->iface_filter,
		    (size_t)sf->ifaces_cap, sizeof *sf->iface_filter);
	}
	ifc = &sf->ifaces[sf->nifaces];
	memset(ifc, 0, sizeof *ifc);
	ifc->file_index = file_index;
	ifc->index = sf->nifaces;
	ifc->name = name != NULL ? xstrdup(name) : NULL;
	ifc->dlt = dlt;
	ifc->snaplen = snaplen;
	snprintf(ifc->ts_resolution, sizeof ifc->ts_resolution, "%s%u",
	    tsresol & 0x80 ? "2^-" : "10^-", tsresol & 0x7fu);
	sf->iface_filter[sf->nifaces] = -1;
	sf->nifaces++;
	return ifc;
}

/*
 * The filter for a pcapng interface's link type, compiled the first time
 * that link type is seen.  -1 if the expression means nothing for it.
 */
static int
link_filter(struct source_file *sf, int dlt, const char *filter,
    char *errbuf, enum source_status *st)
{
	struct link_filter *lf;
	pcap_t *dead;
	int i, rc;

	for (i = 0; i < sf->nfilters; i++)
		if (sf->filters[i].dlt == dlt)
			return i;
	/* 262144: libpcap's largest snapshot; no filter depends on it. */
	if ((dead = pcap_open_dead(dlt, 262144)) == NULL) {
		snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: cannot compile the "
		    "filter for link type %d", sf->path, dlt);
		*st = SOURCE_ERR_FILTER;
		return -1;
	}
	sf->filters = xreallocarray(sf->filters, (size_t)sf->nfilters + 1,
	    sizeof *sf->filters);
	lf = &sf->filters[sf->nfilters];
	lf->dlt = dlt;
	rc = pcap_compile(dead, &lf->prog, filter, 1, PCAP_NETMASK_UNKNOWN);
	if (rc != 0) {
		snprintf(errbuf, SOURCE_ERRBUF_SIZE, "bad filter expression "
		    "'%s' for link type %s (%d) in %s: %s", filter,
		    dlt_name(dlt), dlt, sf->path, pcap_geterr(dead));
		*st = SOURCE_ERR_FILTER;
	}
	pcap_close(dead);
	if (rc != 0)
		return -1;
	return sf->nfilters++;
}

/*
 * Take up the interfaces a pcapng file has described since the last call:
 * their records, and (if compile) their link type's filter.  -1 (errbuf
 * set) if the filter cannot be compiled for one.
 */
static int
sync_interfaces(struct source *s, struct source_file *sf, int file_index,
    bool compile, char *errbuf, enum source_status *st)
{
	int n = pcapng_interface_count(sf->ng);

	while (sf->nifaces < n) {
		const struct pcapng_interface *ni =
		    pcapng_interface(sf->ng, sf->nifaces);
		int k = sf->nifaces;

		interface_add(sf, file_index, ni->dlt, ni->snaplen,
		    ni->tsresol, ni->name);
		if (compile && s->filter != NULL &&
		    (sf->iface_filter[k] = link_filter(sf, ni->dlt, s->filter,
		    errbuf, st)) < 0)
			return -1;
	}
	return 0;
}

/*
 * A pcap file of the form source_pcap.c reads: libpcap checks its header
 * (a FILE of those 24 bytes), then its records are read in place.  If
 * libpcap cannot open that, it opens the whole stream as for any other
 * file, and says why.
 */
static void
records_open(struct source_file *sf)
{
	char pcap_err[PCAP_ERRBUF_SIZE];
	const uint8_t *head;
	FILE *hf;

	(void)stream_head(sf->stream, &head);
	memcpy(sf->file_hdr, head, PCAP_FILE_HEADER);
	if ((hf = fmemopen(sf->file_hdr, PCAP_FILE_HEADER, "rb")) == NULL)
		return;
	sf->pcap = pcap_fopen_offline_with_tstamp_precision(hf,
	    PCAP_TSTAMP_PRECISION_NANO, pcap_err);
	if (sf->pcap == NULL) {
		fclose(hf);
		return;
	}
	sf->recs = pcap_records_open(sf->stream, pcap_snapshot(sf->pcap));
}

/*
 * A record source_pcap.c leaves to libpcap: libpcap reads the rest of the
 * file from it on.  -1 (errbuf set) if it cannot.
 */
static int
records_hand_over(struct source_file *sf, char *errbuf)
{
	char pcap_err[PCAP_ERRBUF_SIZE];
	FILE *fp = pcap_records_hand_over(sf->recs);
	pcap_t *p = NULL;

	pcap_err[0] = '\0';
	if (fp != NULL)
		p = pcap_fopen_offline_with_tstamp_precision(fp,
		    PCAP_TSTAMP_PRECISION_NANO, pcap_err);
	if (p == NULL) {
		snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: %s", sf->path,
		    fp == NULL ? strerror(errno) : pcap_err);
		return -1;
	}
	pcap_close(sf->pcap);
	sf->pcap = p;
	pcap_records_free(sf->recs);
	sf->recs = NULL;
	return 0;
}

/*
 * Open one file: its stream, then libpcap or the pcapng reader.  Errors
 * read "PATH: cause".
 */
static int
source_file_open(struct source *s, struct source_file *sf, int i,
    size_t bufsize, char *errbuf, enum source_status *st)
{
	char pcap_err[PCAP_ERRBUF_SIZE], err[STREAM_ERRBUF_SIZE];
	const char *codec, *why;
	const uint8_t *head;
	struct stat sb;
	size_t nhead;
	uint8_t tsresol;

	*st = SOURCE_ERR_OPEN;
	if ((sf->stream = stream_open(sf->path, bufsize, err)) == NULL) {
		snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: %s", sf->path, err);
		return -1;
	}
	codec = stream_codec_name(stream_codec(sf->stream));
	if (stat(sf->path, &sb) == 0 && S_ISREG(sb.st_mode))
		sf->size = (uint64_t)sb.st_size;
	nhead = stream_head(sf->stream, &head);
	if (nhead == 0 && stream_error(sf->stream) == NULL) {
		/* libpcap would say "truncated dump file": it is empty. */
		if (codec != NULL)
			snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: %s-compressed "
			    "data that is empty: no capture", sf->path, codec);
		else
			snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: %s is empty: "
			    "no capture", sf->path, strcmp(sf->path, "-") == 0 ?
			    "standard input" : "the file");
		return -1;
	}
	if (pcapng_magic(head, nhead)) {
		char ngerr[PCAPNG_ERRBUF_SIZE];

		sf->ng = pcapng_open(stream_file(sf->stream), ngerr);
		if (sf->ng == NULL) {
			why = stream_error(sf->stream);
			snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: %s", sf->path,
			    why != NULL ? why : ngerr);
			return -1;
		}
		return sync_interfaces(s, sf, i, true, errbuf, st);
	}
	sf->rec_hdr = pcap_record_header_size(head, nhead, &tsresol);
	sf->next_off = 24;
	pcap_err[0] = '\0';
	if (pcap_records_supported(head, nhead))
		records_open(sf);
	if (sf->pcap == NULL) {
		FILE *fp = stream_file(sf->stream);

		if (fp == NULL) {
			snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: %s",
			    sf->path, strerror(errno));
			return -1;
		}
		sf->pcap = pcap_fopen_offline_with_tstamp_precision(fp,
		    PCAP_TSTAMP_PRECISION_NANO, pcap_err);
	}
	if (sf->pcap == NULL) {
		size_t n = strlen(sf->path);

		if ((why = stream_error(sf->stream)) != NULL)
			snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: %s",
			    sf->path, why);
		else if (codec != NULL)
			snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: %s-compressed:"
			    " %s", sf->path, codec, pcap_err);
		/* libpcap names the file in some messages, not others. */
		else if (strncmp(pcap_err, sf->path, n) == 0 &&
		    pcap_err[n] == ':')
			snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s", pcap_err);
		else
			snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: %s",
			    sf->path, pcap_err);
		return -1;
	}
	sf->dlt = pcap_datalink(sf->pcap);
	interface_add(sf, i, sf->dlt, (uint32_t)pcap_snapshot(sf->pcap),
	    tsresol, NULL);
	/*
	 * The filter runs here, not inside libpcap, so every record passes
	 * through source_file_fill() and its offset is known when one turns
	 * out damaged.
	 */
	if (s->filter != NULL) {
		if (compile_filter(sf->pcap, s->filter, &sf->filter, errbuf,
		    st) != 0)
			return -1;
		sf->has_filter = 1;
	}
	return 0;
}

static void
source_file_close(struct source_file *sf)
{
	sf->read = sf->size;
	if (sf->pcap != NULL && sf->stream != NULL) {
		/*
		 * libpcap closes the stream's FILE (if it was given it; else
		 * the FILE of the header); the rest is ours.
		 */
		pcap_close(sf->pcap);
		pcap_records_free(sf->recs);
		sf->recs = NULL;
		stream_free(sf->stream);
	} else if (sf->pcap != NULL)
		pcap_close(sf->pcap);		/* live */
	else if (sf->stream != NULL) {
		pcapng_close(sf->ng);
		stream_close(sf->stream);
	}
	sf->pcap = NULL;
	sf->ng = NULL;
	sf->stream = NULL;
	sf->pending = 0;
}

void
source_set_decode_ahead(bool on)
{
	stream_set_decode_ahead(on);
}

struct source *
source_open_files(char *const *paths, int npaths, const char *filter,
    char *errbuf, enum source_status *st)
{
	struct source *s = xcalloc(1, sizeof *s);
	int i;

	s->files = xcalloc((size_t)npaths, sizeof *s->files);
	s->nfiles = npaths;
	s->last = -1;
	s->live_fd = -1;
	s->filter = filter != NULL ? xstrdup(filter) : NULL;
	for (i = 0; i < npaths; i++) {
		struct source_file *sf = &s->files[i];

		sf->path = xstrdup(paths[i]);
		if (source_file_open(s, sf, i, read_buffer_size(npaths),
		    errbuf, st) != 0) {
			source_close(s);
			return NULL;
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
	interface_add(&s->files[0], -1, s->files[0].dlt,
	    (uint32_t)pcap_snapshot(p), pcap_get_tstamp_precision(p) ==
	    PCAP_TSTAMP_PRECISION_NANO ? 9 : 6, lo->device);
	*st = SOURCE_OK;
	return s;
}

/*
 * The link type a pcap file written from the input would have: the one
 * every interface described so far shares.  -1 (errbuf says why) if they
 * differ.
 */
static int
dump_link_type(struct source *s, char *errbuf)
{
	const struct source_interface *first = NULL;
	int i, k;

	for (i = 0; i < s->nfiles; i++)
		for (k = 0; k < s->files[i].nifaces; k++) {
			const struct source_interface *ifc =
			    &s->files[i].ifaces[k];

			if (first == NULL)
				first = ifc;
			else if (ifc->dlt != first->dlt) {
				snprintf(errbuf, SOURCE_ERRBUF_SIZE, "-w writes "
				    "pcap, which holds one link type, but the "
				    "input has several: %s (%d) in %s, %s (%d) "
				    "in %s", dlt_name(first->dlt), first->dlt,
				    s->files[first->file_index].path,
				    dlt_name(ifc->dlt), ifc->dlt,
				    s->files[i].path);
				return -1;
			}
		}
	return first != NULL ? first->dlt : DLT_EN10MB;
}

int
source_dump_open(struct source *s, const char *path, char *errbuf)
{
	pcap_t *p = s->files[0].pcap;

	if (!s->live && (s->dump_dlt = dump_link_type(s, errbuf)) < 0)
		return -1;
	if (s->live)
		s->dump_dlt = s->files[0].dlt;
	if (p == NULL) {
		/* pcapng first: a pcap_t of the link type, ns timestamps. */
		s->dump_dead = pcap_open_dead_with_tstamp_precision(
		    s->dump_dlt, 262144, PCAP_TSTAMP_PRECISION_NANO);
		if ((p = s->dump_dead) == NULL) {
			snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: cannot "
			    "write link type %d", path, s->dump_dlt);
			return -1;
		}
	}
	s->dumper = pcap_dump_open(p, path);
	if (s->dumper == NULL) {
		snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: %s", path,
		    pcap_geterr(p));
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

		*total += sf->size;
		if (sf->stream != NULL)
			*done += stream_position(sf->stream);
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

/* errbuf: why sf could not be read on, and where (libpcap's files). */
static void
damage_message(struct source_file *sf, char *errbuf)
{
	const char *why = sf->stream != NULL ? stream_error(sf->stream) : NULL;
	const char *codec = sf->stream != NULL ?
	    stream_codec_name(stream_codec(sf->stream)) : NULL;

	if (why != NULL)		/* decompression failed */
		snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: %s", sf->path, why);
	else if (sf->rec_hdr != 0)
		snprintf(errbuf, SOURCE_ERRBUF_SIZE,
		    "%s: damaged record at byte offset %llu%s: %s",
		    sf->path, (unsigned long long)sf->next_off,
		    codec != NULL ? " of the decompressed data" : "",
		    pcap_geterr(sf->pcap));
	else
		snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: %s",
		    sf->path, pcap_geterr(sf->pcap));
}

/* The frame libpcap just read is the pending one. */
static void
pending_from_pcap(struct source_file *sf, int file_index,
    const struct pcap_pkthdr *h, const u_char *data)
{
	sf->ph = *h;
	sf->fr.data = data;
	sf->fr.caplen = h->caplen;
	sf->fr.len = h->len;
	sf->fr.ts_ns = ts_to_ns(&h->ts);
	sf->fr.dlt = sf->dlt;
	sf->fr.file_index = file_index;
	sf->fr_iface = 0;
	sf->pending = 1;
}

/* A pcap file (or live): a pending frame if any is left; -1 on damage. */
static int
pcap_fill(struct source *s, struct source_file *sf, int file_index,
    char *errbuf)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int r;

	if (sf->recs != NULL) {
		struct pcap_pkthdr rh;
		const uint8_t *rd;

		while ((r = pcap_records_next(sf->recs, &rh, &rd)) == 1) {
			sf->next_off += sf->rec_hdr + rh.caplen;
			if (!sf->has_filter ||
			    pcap_offline_filter(&sf->filter, &rh, rd)) {
				pending_from_pcap(sf, file_index, &rh, rd);
				return 0;
			}
		}
		if (r == 0) {
			source_file_close(sf);	/* end of this file */
			return 0;
		}
		if (records_hand_over(sf, errbuf) != 0) {
			source_file_close(sf);
			return -1;
		}
	}
	while ((r = pcap_next_ex(sf->pcap, &h, &data)) == 1) {
		sf->next_off += sf->rec_hdr + h->caplen;
		if (!sf->has_filter ||
		    pcap_offline_filter(&sf->filter, h, data)) {
			pending_from_pcap(sf, file_index, h, data);
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

/* A pcapng file: a pending frame if any is left; -1 on damage. */
static int
pcapng_fill(struct source *s, struct source_file *sf, int file_index,
    char *errbuf)
{
	char err[PCAPNG_ERRBUF_SIZE];
	struct pcapng_packet pkt;
	enum source_status st;
	const char *why;
	int r, k;

	while ((r = pcapng_next(sf->ng, &pkt, err)) == 1) {
		if (pkt.iface >= sf->nifaces &&
		    sync_interfaces(s, sf, file_index, true, errbuf,
		    &st) != 0) {
			source_file_close(sf);
			return -1;
		}
		if (s->dumper != NULL && sf->ifaces[pkt.iface].dlt !=
		    s->dump_dlt) {
			snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: interface #%d "
			    "has link type %s (%d), but -w writes a pcap file "
			    "of link type %s (%d), which holds one", sf->path,
			    pkt.iface, dlt_name(sf->ifaces[pkt.iface].dlt),
			    sf->ifaces[pkt.iface].dlt, dlt_name(s->dump_dlt),
			    s->dump_dlt);
			source_file_close(sf);
			return -1;
		}
		sf->ph.caplen = pkt.caplen;
		sf->ph.len = pkt.len;
		if (s->filter != NULL) {
			k = sf->iface_filter[pkt.iface];
			if (!pcap_offline_filter(&sf->filters[k].prog, &sf->ph,
			    pkt.data))
				continue;
		}
		sf->ph.ts.tv_sec = (time_t)(pkt.ts_ns / 1000000000u);
		sf->ph.ts.tv_usec = (suseconds_t)(pkt.ts_ns % 1000000000u);
		sf->fr.data = pkt.data;
		sf->fr.caplen = pkt.caplen;
		sf->fr.len = pkt.len;
		sf->fr.ts_ns = pkt.ts_ns;
		sf->fr.dlt = sf->ifaces[pkt.iface].dlt;
		sf->fr.file_index = file_index;
		sf->fr_iface = pkt.iface;
		sf->pending = 1;
		return 0;
	}
	if (r < 0) {
		why = stream_error(sf->stream);
		snprintf(errbuf, SOURCE_ERRBUF_SIZE, "%s: %s", sf->path,
		    why != NULL ? why : err);
	}
	/* Interfaces after the last packet are reported too. */
	(void)sync_interfaces(s, sf, file_index, false, NULL, &st);
	source_file_close(sf);
	return r;
}

/* Make sure sf has a pending frame if it has any left; -1 on damage. */
static int
source_file_fill(struct source *s, struct source_file *sf, int file_index,
    char *errbuf)
{
	if (sf->pending || sf->done)
		return 0;
	if (sf->pcap != NULL)
		return pcap_fill(s, sf, file_index, errbuf);
	if (sf->ng != NULL)
		return pcapng_fill(s, sf, file_index, errbuf);
	return 0;
}

int
source_next(struct source *s, struct raw_frame *fr, char *errbuf)
{
	struct source_file *best = NULL;
	int i;

	if (s->last >= 0) {
		s->files[s->last].pending = 0;
		s->last = -1;
	}
	for (i = 0; i < s->nfiles; i++) {
		struct source_file *sf = &s->files[i];
		int r = source_file_fill(s, sf, i, errbuf);

		if (r < 0)
			return -1;
		if (r == SOURCE_TIMEOUT)
			return SOURCE_TIMEOUT;
		if (!sf->pending)
			continue;
		if (best == NULL || sf->fr.ts_ns < best->fr.ts_ns) {
			best = sf;
			s->last = i;
		}
	}
	if (best == NULL)
		return 0;
	if (s->dumper != NULL)
		pcap_dump((u_char *)s->dumper, &best->ph, best->fr.data);
	best->ifaces[best->fr_iface].packets++;
	*fr = best->fr;
	return 1;
}

int
source_interfaces(struct source *s, const struct source_interface **list)
{
	int i, n = 0;

	for (i = 0; i < s->nfiles; i++)
		n += s->files[i].nifaces;
	free(s->all);
	s->all = xreallocarray(NULL, n > 0 ? (size_t)n : 1, sizeof *s->all);
	for (i = 0, n = 0; i < s->nfiles; i++) {
		/* A pcapng file may describe none: ifaces is NULL then. */
		if (s->files[i].nifaces == 0)
			continue;
		memcpy(s->all + n, s->files[i].ifaces,
		    (size_t)s->files[i].nifaces * sizeof *s->all);
		n += s->files[i].nifaces;
	}
	*list = s->all;
	return n;
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
	int i, k;

	if (s == NULL)
		return;
	if (s->dumper != NULL)
		pcap_dump_close(s->dumper);
	if (s->dump_dead != NULL)
		pcap_close(s->dump_dead);
	for (i = 0; i < s->nfiles; i++) {
		struct source_file *sf = &s->files[i];

		if (sf->has_filter)
			pcap_freecode(&sf->filter);
		for (k = 0; k < sf->nfilters; k++)
			pcap_freecode(&sf->filters[k].prog);
		free(sf->filters);
		source_file_close(sf);
		for (k = 0; k < sf->nifaces; k++)
			free((char *)sf->ifaces[k].name);
		free(sf->ifaces);
		free(sf->iface_filter);
		free(sf->path);
	}
	free(s->files);
	free(s->filter);
	free(s->all);
	free(s);
}

/* What source_read() passes through pcap_dispatch() to deliver(). */
struct dispatch {
	struct source_file *sf;
	source_frame_fn	 fn;
	void		*ctx;
	int		 delivered;
};

/* A record of a single pcap file: filtered, counted, handed to d->fn. */
static inline void
record_out(struct dispatch *d, const struct pcap_pkthdr *h,
    const u_char *data)
{
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
	sf->ifaces[0].packets++;
	d->fn(d->ctx, &fr);
	d->delivered++;
}

static void
deliver(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	record_out((struct dispatch *)(void *)user, h, data);
}

int
source_read(struct source *s, int max, source_frame_fn fn, void *ctx,
    char *errbuf, int *delivered)
{
	struct source_file *sf = &s->files[0];
	struct raw_frame fr;
	int r;

	*delivered = 0;
	if (s->nfiles != 1 || s->live || s->dumper != NULL || sf->pending ||
	    sf->pcap == NULL) {
		/*
		 * The merge, a pcapng file (or a frame already pending):
		 * frame by frame.
		 */
		while (*delivered < max) {
			if ((r = source_next(s, &fr, errbuf)) != 1)
				return r == SOURCE_TIMEOUT ? 1 : r;
			fn(ctx, &fr);
			(*delivered)++;
		}
		return 1;
	}
	if (sf->recs != NULL) {
		/* One pcap file read in place: the same, without libpcap. */
		struct dispatch d = { sf, fn, ctx, 0 };
		struct pcap_pkthdr h;
		const uint8_t *data;
		int n;

		r = 1;
		for (n = 0; n < max &&
		    (r = pcap_records_next(sf->recs, &h, &data)) == 1; n++)
			record_out(&d, &h, data);
		*delivered = d.delivered;
		if (r == 1)
			return 1;
		if (r == 0) {
			source_file_close(sf);	/* the end of the file */
			return 0;
		}
		if (records_hand_over(sf, errbuf) != 0) {
			source_file_close(sf);
			return -1;
		}
		return 1;			/* libpcap reads on */
	}
	/*
	 * One pcap file: libpcap's own loop, as a bare pcap_loop() reads,
	 * saves a call through pcap_next_ex() per packet.
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
