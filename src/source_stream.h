/*
 * The bytes of one capture file, whatever it was stored in: a plain file,
 * standard input (a pipe or a redirected file), or either of those
 * compressed with gzip, zstd, xz, bzip2 or lz4.  The format is told by the
 * first bytes (magic numbers), never by the file's name, so `x.pcap.gz`,
 * `x.pcap` that is really zstd, and `zcat x.gz | transcope -` all work.
 *
 * A stream is read one of two ways, from its first byte on:
 *
 *   - stream_take(): the next n bytes in place, where they already are in
 *     memory (read(2) or decoded into the stream's window, or a chunk the
 *     decoder thread filled), copied only when they straddle the end of
 *     one: what the pcap record reader (source_pcap.c) uses, so a packet
 *     is read without a copy through stdio;
 *   - stream_file(): a stdio FILE, for libpcap (pcap_fopen_offline()) and
 *     the pcapng reader.  A plain regular file (or a redirected standard
 *     input) is the FILE itself, given a large buffer: nothing stands
 *     between the reader and read(2), and ftell() is a file offset.
 *     Anything else is a FILE made with fopencookie() whose read function
 *     decompresses (or, for a plain pipe, first gives back the bytes read
 *     to tell the format) straight into the FILE's buffer.
 *
 * stream_file_resume() goes from the first way to the second: a FILE that
 * gives back some bytes already taken, then the rest of the stream.
 *
 * Decompression runs in the thread that reads the capture (the reader
 * thread, pipeline.c), in steps of the FILE's buffer; or, after
 * stream_set_decode_ahead(true) (transcope's default on two CPUs), for a
 * compressed regular file in a thread of its own that decodes ahead into
 * a few 1 MiB chunks while the reader parses the ones before (at most a
 * few such streams at once: of a merge of many files, the later ones
 * decode in the reader's thread).  Its memory is bounded whatever the
 * input: fixed buffers, and each library's window capped
 * (STREAM_MEMLIMIT); a "decompression bomb" costs time, not memory.
 *
 * A damaged or truncated compressed stream makes the FILE's read fail
 * (ferror(), errno EIO) after every byte decoded before the damage has been
 * delivered; stream_error() then says why, and the caller names the file.
 * Errors follow libpcap's convention: NULL or -1, and a message in the
 * caller's buffer of STREAM_ERRBUF_SIZE bytes.
 *
 * Ownership: the struct stream owns its FILE and buffers.  stream_close()
 * closes the FILE and frees everything; when the FILE was handed to libpcap,
 * which closes it in pcap_close(), stream_free() frees the rest afterwards.
 */
#ifndef TRANSCOPE_SOURCE_STREAM_H
#define TRANSCOPE_SOURCE_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define STREAM_ERRBUF_SIZE	256

/* The first bytes stream_head() can show: a pcap file's header. */
#define STREAM_HEAD		24

/* Most memory one decompressor may use (its window or dictionary). */
#define STREAM_MEMLIMIT		(128u * 1024 * 1024)

enum stream_codec {
	STREAM_PLAIN = 0,
	STREAM_GZIP,
	STREAM_ZSTD,
	STREAM_XZ,
	STREAM_BZIP2,
	STREAM_LZ4
};

struct stream;

/*
 * Open path ("-": standard input) and tell its format from its first
 * bytes.  bufsize is the FILE's buffer.  NULL if the file cannot be
 * opened, is compressed in a way this build cannot read, or its
 * decompressor cannot start; errbuf says why, without the file's name.
 */
struct stream	*stream_open(const char *path, size_t bufsize, char *errbuf);

/*
 * The FILE to read the capture's bytes from, made the first time (NULL,
 * errno set, if it cannot be).  Not after stream_take().
 */
FILE		*stream_file(struct stream *);

/*
 * The bytes a stream holds in memory, decoded and not yet taken: the
 * first member of struct stream, so that taking bytes that are there
 * already is a few instructions inline (stream_take(), and a reader that
 * looks before it takes: stream_window()).
 */
struct stream_window {
	const uint8_t	*cp;
	const uint8_t	*cend;
};

static inline struct stream_window *
stream_window(struct stream *st)
{
	return (struct stream_window *)(void *)st;
}

const uint8_t	*stream_take_more(struct stream *, size_t n, size_t *got);

/*
 * The next n bytes: a pointer to them, valid until the next call or
 * stream_close(), with *got == n; fewer only at the end of the data or
 * when it fails (then stream_error() says why, as for a FILE).
 */
static inline const uint8_t *
stream_take(struct stream *st, size_t n, size_t *got)
{
	struct stream_window *w = stream_window(st);
	const uint8_t *p = w->cp;

	if ((size_t)(w->cend - p) < n)
		return stream_take_more(st, n, got);
	w->cp = p + n;
	*got = n;
	return p;
}

/*
 * After stream_take(): a FILE that yields prefix (n bytes, copied) and
 * then the stream from where stream_take() left it.  NULL if the FILE was
 * made already, or cannot be.
 */
FILE		*stream_file_resume(struct stream *, const uint8_t *prefix,
		    size_t n);

/*
 * The first bytes of the capture (decompressed), up to STREAM_HEAD,
 * without taking them: what tells pcap from pcapng, and a pcap file's
 * header.  Returns how many.
 */
size_t		 stream_head(const struct stream *, const uint8_t **head);

enum stream_codec stream_codec(const struct stream *);
/* "gzip", "zstd", ...; NULL for a plain file. */
const char	*stream_codec_name(enum stream_codec);

/* Why the FILE's last read failed, if decompression failed; else NULL. */
const char	*stream_error(const struct stream *);

/*
 * Bytes of the file itself (compressed, if it is) consumed so far, for
 * progress; the FILE must still be open.
 */
uint64_t	 stream_position(const struct stream *);

/*
 * For the streams opened from now on: decode a compressed regular file
 * in a thread of its own (true), or in the reader's (false, the default).
 * Pipes are always decoded in the reader's: a thread blocked on one could
 * not be stopped; so are the streams opened while a few others
 * (STREAM_AHEAD_MAX in source_stream.c) have a thread.
 */
void		 stream_set_decode_ahead(bool on);

/* Close the FILE (unless it is stdin) and free everything. */
void		 stream_close(struct stream *);
/* Free everything but the FILE, which its new owner has closed. */
void		 stream_free(struct stream *);

#endif
