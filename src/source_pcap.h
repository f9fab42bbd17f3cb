/*
 * The records of a classic pcap file, read in place from its stream
 * (stream_take()) rather than through libpcap: libpcap reads each record
 * with two fread()s into a buffer of its own, which for a plain capture
 * costs about 300 instructions a packet, more than decoding it, and for
 * a compressed one two more copies of every byte (bench/README.md).
 *
 * Only the common form is read here: the file in the host's byte order,
 * version 2.4, 16-byte record headers (the microsecond or the nanosecond
 * magic), each record no longer than the file's snapshot length nor than
 * 262144 bytes.  libpcap reads everything else, so that what transcope
 * reports of an odd or damaged file stays libpcap's judgement, word for
 * word: a file of another form is opened on the stream's FILE as before,
 * and when a record turns out to be one this reader does not judge
 * (longer than the limits, cut short by the end of the file, or the
 * stream failed under it), pcap_records_hand_over() gives libpcap a FILE
 * that starts again with the file header and that record's bytes read so
 * far, then goes on with the rest of the stream.
 *
 * The file header itself is checked by libpcap too: the caller opens it
 * with pcap_fopen_offline() on a copy of the 24 bytes (source.c), which
 * also gives the link type and snapshot length as libpcap maps them.
 */
#ifndef TRANSCOPE_SOURCE_PCAP_H
#define TRANSCOPE_SOURCE_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <pcap/pcap.h>

#include "source_stream.h"

#define PCAP_FILE_HEADER	24

struct pcap_records;

/* Whether a file that starts with hdr (n bytes) is read here. */
bool		 pcap_records_supported(const uint8_t *hdr, size_t n);

/*
 * Read st's records, after its file header (taken here); snapshot is
 * libpcap's snapshot length for the file.
 */
struct pcap_records *pcap_records_open(struct stream *st, int snapshot);

/*
 * The next record: 1 with *h and *data (valid until the next call), as
 * pcap_next_ex() with nanosecond timestamps would give them; 0 at the end
 * of the file; -1 when the record is libpcap's to read (see above).
 */
int		 pcap_records_next(struct pcap_records *,
		    struct pcap_pkthdr *h, const uint8_t **data);

/*
 * After pcap_records_next() returned -1: the FILE libpcap reads on from
 * (the stream's, which libpcap then owns); NULL if it cannot be made.
 */
FILE		*pcap_records_hand_over(struct pcap_records *);

void		 pcap_records_free(struct pcap_records *);

#endif
