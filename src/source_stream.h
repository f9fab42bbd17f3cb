/*
 * The bytes of one capture file, whatever it was stored in: a plain file,
 * standard input (a pipe or a redirected file), or either of those
 * compressed with gzip, zstd, xz, bzip2 or lz4.  The format is told by the
 * first bytes (magic numbers), never by the file's name, so `x.pcap.gz`,
 * `x.pcap` that is really zstd, and `zcat x.gz | transcope -` all work.
 *
 * stream_open() hands back a stdio FILE that yields the capture's own
 * bytes, for libpcap (pcap_fopen_offline()) or the pcapng reader:
 *
 *   - a plain regular file (or a redirected standard input) is the FILE
 *     itself, given a large buffer: nothing stands between the reader and
 *     read(2), and ftell() is a file offset;
 *   - anything else is a FILE made with fopencookie() whose read function
 *     decompresses (or, for a plain pipe, first gives back the bytes read
 *     to tell the format) straight into the FILE's buffer.
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

/* The FILE to read the capture's bytes from. */
FILE		*stream_file(const struct stream *);

/*
 * The first bytes of the capture (decompressed), up to 8, without taking
 * them from the FILE: what tells pcap from pcapng.  Returns how many.
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
