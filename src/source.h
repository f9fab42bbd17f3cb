/*
 * Packet sources: one or more capture files (pcap, read by source_pcap.c
 * or libpcap, or pcapng, read by source_pcapng.c; either may be
 * compressed, see source_stream.h), merged into one time-ordered stream as mergecap would,
 * without loading any of them whole; or one live interface.  Either can
 * also write every frame it delivers to a pcap file (-w), as tcpdump does.
 *
 * Each frame carries its own link type: a pcapng file's interfaces may
 * differ (Ethernet, Linux cooked, loopback), and a BPF filter is compiled
 * once per link type.  The source counts the frames it delivers per
 * interface (source_interfaces()), for the report.
 *
 * Errors follow libpcap's convention: functions return a status and fill a
 * caller-supplied buffer of SOURCE_ERRBUF_SIZE bytes with "FILE: cause".
 */
#ifndef TRANSCOPE_SOURCE_H
#define TRANSCOPE_SOURCE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define SOURCE_ERRBUF_SIZE	512

/* One captured frame; data stays valid until the next source_next(). */
struct raw_frame {
	const uint8_t	*data;
	uint32_t	 caplen;
	uint32_t	 len;
	uint64_t	 ts_ns;
	int		 dlt;
	int		 file_index;
};

struct source;

enum source_status {
	SOURCE_OK = 0,
	SOURCE_ERR_OPEN = -1,		/* cannot open or not a capture */
	SOURCE_ERR_FILTER = -2		/* the BPF expression is bad */
};

struct live_options {
	const char	*device;
	int		 snaplen;
	int		 promisc;
	int		 buffer_kib;	/* 0: libpcap's default */
	int		 timeout_ms;	/* how often source_next() returns 2 */
};

#define SOURCE_TIMEOUT	2		/* source_next(): no frame yet */

/*
 * From the next source_open_files() on: decompress each compressed regular
 * file in a thread of its own, ahead of the reader (source_stream.h), or
 * (false, the default) in the thread that reads the source.
 */
void		 source_set_decode_ahead(bool on);

/* Open every path (NULL filter: no filter). NULL on error, errbuf says why. */
struct source	*source_open_files(char *const *paths, int npaths,
		    const char *filter, char *errbuf, enum source_status *st);

/* Open a live interface (pcap_create/pcap_activate). */
struct source	*source_open_live(const struct live_options *,
		    const char *filter, char *errbuf, enum source_status *st);

/*
 * The next frame in time order: 1 with *fr filled, 0 at the end of all
 * input, SOURCE_TIMEOUT when a live source has nothing yet, -1 when a file is
 * damaged or the interface fails (errbuf names the file and the byte offset;
 * that file is closed and the others go on, so call again).
 */
int		 source_next(struct source *, struct raw_frame *fr, char *errbuf);

/*
 * Up to max frames, in the order source_next() gives them, each to fn
 * (whose frame is valid only during the call); *delivered says how many.
 * Returns 1 when more may follow, 0 at the end of all input, -1 when a file
 * turned out damaged after the frames delivered (errbuf says where; call
 * again for the other files).  The fast way to read one file.
 */
typedef void	(*source_frame_fn)(void *ctx, const struct raw_frame *);
int		 source_read(struct source *, int max, source_frame_fn fn,
		    void *ctx, char *errbuf, int *delivered);

/*
 * Also write every delivered frame to path (pcap).  -1 on error, among
 * them input of several link types, which one pcap file cannot hold (also
 * when an interface of another link type turns up later: source_next()
 * then fails for that file).
 */
int		 source_dump_open(struct source *, const char *path,
		    char *errbuf);
void		 source_dump_flush(struct source *);

/* Make a blocked source_next() return; safe in a signal handler. */
void		 source_break(struct source *);

/* Kernel and interface drop counts of a live source; -1 if none. */
int		 source_drops(struct source *, uint64_t *kernel,
		    uint64_t *iface);
int		 source_is_live(const struct source *);

/* Offline: bytes of the input files read so far, and their total size. */
void		 source_progress(struct source *, uint64_t *done,
		    uint64_t *total);

/* Print the capture interfaces, as tcpdump -D does.  -1 on error. */
int		 source_list_interfaces(FILE *, char *errbuf);

/*
 * A capture interface: a pcapng Interface Description Block, a pcap file
 * (which has one), or the live device.
 */
struct source_interface {
	int		 file_index;	/* its file; -1 for a live capture */
	int		 index;		/* in its file, in order of description */
	const char	*name;		/* if_name, the device, or NULL */
	int		 dlt;
	uint32_t	 snaplen;	/* as described; 0: none given */
	char		 ts_resolution[8];	/* "10^-6", "2^-32", ... */
	uint64_t	 packets;	/* frames delivered (after the filter) */
};

/*
 * Every interface described so far, file by file: *list is valid until
 * the next call or source_close().  Read it when no other thread reads
 * the source (after the reader thread has stopped).
 */
int		 source_interfaces(struct source *,
		    const struct source_interface **list);

int		 source_file_count(const struct source *);
const char	*source_file_name(const struct source *, int i);
void		 source_close(struct source *);

#endif
