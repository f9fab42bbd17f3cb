/*
 * pcap records in place: see source_pcap.h.
 *
 * The per-record path is two stream_take() calls (the 16-byte header,
 * then the captured bytes), each a pointer into memory the stream already
 * holds, and the checks libpcap would make that can fail for a file of
 * this form.  What libpcap does with a record of the supported form whose
 * caplen is within the snapshot length and 262144 bytes (its
 * MAXIMUM_SNAPLEN, below every link type's maximum in any version): the
 * timestamp's two 32-bit fields as signed numbers, microseconds scaled to
 * nanoseconds; caplen and len as they are.  Nothing else.
 */
#include "config.h"

#include <string.h>
#include <stdlib.h>

#include "source_pcap.h"
#include "xmalloc.h"

#define TCPDUMP_MAGIC		0xa1b2c3d4u
#define NSEC_TCPDUMP_MAGIC	0xa1b23c4du
#define PCAP_RECORD_HEADER	16
#define MAXIMUM_SNAPLEN		262144u

struct pcap_records {
	struct stream	*st;
	uint32_t	 max_caplen;	/* the snapshot length, at most 262144 */
	bool		 nsec;		/* nanosecond timestamps */
	uint8_t		 file_hdr[PCAP_FILE_HEADER];
	/* For the hand-over: the file header and the record begun. */
	uint8_t		*held;
	size_t		 held_len;
};

bool
pcap_records_supported(const uint8_t *hdr, size_t n)
{
	uint32_t magic;
	uint16_t major, minor;

	if (n < PCAP_FILE_HEADER)
		return false;
	/* In the host's byte order, as libpcap tells a file not swapped. */
	memcpy(&magic, hdr, 4);
	memcpy(&major, hdr + 4, 2);
	memcpy(&minor, hdr + 6, 2);
	return (magic == TCPDUMP_MAGIC || magic == NSEC_TCPDUMP_MAGIC) &&
	    major == 2 && minor == 4;
}

struct pcap_records *
pcap_records_open(struct stream *st, int snapshot)
{
	struct pcap_records *r = xcalloc(1, sizeof *r);
	const uint8_t *p;
	size_t got;
	uint32_t magic;

	r->st = st;
	r->max_caplen = snapshot > 0 && (uint32_t)snapshot < MAXIMUM_SNAPLEN ?
	    (uint32_t)snapshot : MAXIMUM_SNAPLEN;
	p = stream_take(st, PCAP_FILE_HEADER, &got);
	/* The caller saw these bytes in stream_head(): they are there. */
	memcpy(r->file_hdr, p, got);
	memcpy(&magic, r->file_hdr, 4);
	r->nsec = magic == NSEC_TCPDUMP_MAGIC;
	return r;
}

/* Keep the file header and a's and b's bytes for the hand-over. */
static void
hold(struct pcap_records *r, const uint8_t *a, size_t na, const uint8_t *b,
    size_t nb)
{
	free(r->held);
	r->held_len = PCAP_FILE_HEADER + na + nb;
	r->held = xmalloc(r->held_len);
	memcpy(r->held, r->file_hdr, PCAP_FILE_HEADER);
	if (na > 0)
		memcpy(r->held + PCAP_FILE_HEADER, a, na);
	if (nb > 0)
		memcpy(r->held + PCAP_FILE_HEADER + na, b, nb);
}

/* A record's header and bytes as pcap_next_ex() would give them. */
static inline void
record_fill(const struct pcap_records *r, const uint32_t *w,
    struct pcap_pkthdr *h)
{
	h->ts.tv_sec = (int32_t)w[0];
	h->ts.tv_usec = (int32_t)w[1];
	if (!r->nsec)
		h->ts.tv_usec *= 1000;
	h->caplen = w[2];
	h->len = w[3];
}

/*
 * pcap_records_next() when the record is not whole in the window: out of
 * line, so that the usual path saves no registers for it.
 */
static __attribute__((noinline)) int
record_take(struct pcap_records *r, struct pcap_pkthdr *h,
    const uint8_t **data)
{
	uint32_t w[PCAP_RECORD_HEADER / 4];
	const uint8_t *p;
	size_t got;

	p = stream_take(r->st, PCAP_RECORD_HEADER, &got);
	if (got < PCAP_RECORD_HEADER) {
		if (got == 0 && stream_error(r->st) == NULL)
			return 0;
		hold(r, p, got, NULL, 0);
		return -1;
	}
	memcpy(w, p, sizeof w);
	if (w[2] > r->max_caplen) {
		hold(r, p, PCAP_RECORD_HEADER, NULL, 0);
		return -1;
	}
	p = stream_take(r->st, w[2], &got);
	if (got < w[2]) {
		hold(r, (const uint8_t *)w, PCAP_RECORD_HEADER, p, got);
		return -1;
	}
	record_fill(r, w, h);
	/* An empty record still points somewhere, as libpcap's buffer does. */
	*data = p != NULL ? p : r->file_hdr;
	return 1;
}

int
pcap_records_next(struct pcap_records *r, struct pcap_pkthdr *h,
    const uint8_t **data)
{
	struct stream_window *win = stream_window(r->st);
	const uint8_t *p = win->cp;
	size_t left = (size_t)(win->cend - p);
	uint32_t w[PCAP_RECORD_HEADER / 4];

	/* Most records are whole in the window: header and bytes at once. */
	if (left >= PCAP_RECORD_HEADER) {
		memcpy(w, p, sizeof w);
		if (w[2] <= r->max_caplen &&
		    left - PCAP_RECORD_HEADER >= w[2]) {
			record_fill(r, w, h);
			*data = p + PCAP_RECORD_HEADER;
			win->cp = p + PCAP_RECORD_HEADER + w[2];
			return 1;
		}
	}
	return record_take(r, h, data);
}

FILE *
pcap_records_hand_over(struct pcap_records *r)
{
	if (r->held == NULL)
		hold(r, NULL, 0, NULL, 0);
	return stream_file_resume(r->st, r->held, r->held_len);
}

void
pcap_records_free(struct pcap_records *r)
{
	if (r == NULL)
		return;
	free(r->held);
	free(r);
}
