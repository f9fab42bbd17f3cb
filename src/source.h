/*
 * Packet sources: one or more capture files read through libpcap (pcap or
 * pcapng), merged into one time-ordered stream as mergecap would, without
 * loading any of them whole.
 *
 * Errors follow libpcap's convention: functions return a status and fill a
 * caller-supplied buffer of SOURCE_ERRBUF_SIZE bytes with "FILE: cause".
 */
#ifndef TRANSCOPE_SOURCE_H
#define TRANSCOPE_SOURCE_H

#include <stdint.h>

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

/* Open every path (NULL filter: no filter). NULL on error, errbuf says why. */
struct source	*source_open_files(char *const *paths, int npaths,
		    const char *filter, char *errbuf, enum source_status *st);

/*
 * The next frame in time order: 1 with *fr filled, 0 at the end of all
 * input, -1 when a file is damaged (errbuf names the file and the byte
 * offset; that file is closed and the others go on, so call again).
 */
int		 source_next(struct source *, struct raw_frame *fr, char *errbuf);

int		 source_file_count(const struct source *);
const char	*source_file_name(const struct source *, int i);
void		 source_close(struct source *);

#endif
