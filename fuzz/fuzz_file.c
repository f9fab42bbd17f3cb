/*
 * libFuzzer harness: a whole capture file through the source layer and the
 * analysis, as `transcope FILE` reads it: source_stream.c (plain, or
 * gzip/zstd/xz/bzip2/lz4 told by the first bytes), then libpcap (pcap) or
 * source_pcapng.c (pcapng), any damage.
 *
 * The two ways the program reads a file are both taken, chosen by the
 * input's size so that a crash reproduces from its file alone: size % 4
 * bit 0 decodes a compressed file ahead in a thread of its own (as
 * --threads 2 does), bit 1 reads in runs through source_read() (libpcap's
 * own loop for one pcap file, as run.c's one-thread path and the reader
 * thread do) instead of frame by frame through source_next(); a run of
 * source_read() stops after a few packets now and then, as -c does, so
 * the source (and a decoder thread) is closed with input left.
 * fuzz/make-seeds.sh also writes compressed forms of some captures.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer.h"
#include "report.h"
#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
frame(void *an, const struct raw_frame *fr)
{
	analyzer_frame(an, fr);
}

/* Everything as source_next() gives it; -1 on damage goes on, as run.c. */
static void
read_frames(struct source *src, struct analyzer *an)
{
	char errbuf[SOURCE_ERRBUF_SIZE];
	struct raw_frame fr;
	int rc;

	while ((rc = source_next(src, &fr, errbuf)) != 0)
		if (rc == 1)
			analyzer_frame(an, &fr);
}

/* In runs, as run.c's read_files(); stops early when the size says so. */
static void
read_runs(struct source *src, struct analyzer *an, size_t size)
{
	char errbuf[SOURCE_ERRBUF_SIZE];
	uint64_t packets = 0, limit = size % 7 == 0 ? 3 : 0;
	int got;

	while (source_read(src, 64, frame, an, errbuf, &got) != 0) {
		packets += (uint64_t)got;
		if (limit != 0 && packets >= limit)
			break;		/* -c: close with input left */
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/transcope-fuzz-XXXXXX";
	char *paths[1] = { path }, errbuf[SOURCE_ERRBUF_SIZE];
	enum source_status st;
	struct source *src;
	struct analyzer an;
	struct report_info ri;
	int fd = mkstemp(path);
	FILE *out;

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	source_set_decode_ahead((size & 1) != 0);
	src = source_open_files(paths, 1, NULL, errbuf, &st);
	if (src != NULL) {
		analyzer_init(&an, NULL);
		if (size & 2)
			read_runs(src, &an, size);
		else
			read_frames(src, &an);
		analyzer_finish(&an);
		if ((out = fopen("/dev/null", "w")) != NULL) {
			memset(&ri, 0, sizeof ri);
			ri.files = paths;
			ri.nfiles = 1;
			ri.ninterfaces = source_interfaces(src, &ri.interfaces);
			report_json(out, &an, &ri);
			fclose(out);
		}
		analyzer_free(&an);
		source_close(src);
	}
	unlink(path);
	return 0;
}
