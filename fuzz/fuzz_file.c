/*
 * libFuzzer harness: a whole capture file through libpcap and the
 * pipeline, as `transcope FILE` reads it (pcap or pcapng, any damage).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer.h"
#include "report.h"
#include "source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/transcope-fuzz-XXXXXX";
	char *paths[1] = { path }, errbuf[SOURCE_ERRBUF_SIZE];
	enum source_status st;
	struct source *src;
	struct analyzer an;
	struct raw_frame fr;
	struct report_info ri;
	int fd = mkstemp(path), rc;
	FILE *out;

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	src = source_open_files(paths, 1, NULL, errbuf, &st);
	if (src != NULL) {
		analyzer_init(&an, NULL);
		while ((rc = source_next(src, &fr, errbuf)) != 0)
			if (rc == 1)
				analyzer_frame(&an, &fr);
		analyzer_finish(&an);
		if ((out = fopen("/dev/null", "w")) != NULL) {
			memset(&ri, 0, sizeof ri);
			ri.files = paths;
			ri.nfiles = 1;
			report_json(out, &an, &ri);
			fclose(out);
		}
		analyzer_free(&an);
		source_close(src);
	}
	unlink(path);
	return 0;
}
