/*
 * libFuzzer harness: the whole per-packet pipeline (decode, flow table,
 * TCP analysis, expiry, reports) on a sequence of raw frames.
 *
 * Input: byte 0 picks the link type from a table, then frames, each a
 * 2-byte big-endian length, a 1-byte time step (ms) and the bytes.  Many
 * frames per input let the fuzzer build connections, not only headers.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "analyzer.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int dlts[] = { 1, 113, 276, 12, 228, 229, 0, 108, 9, 50, 104,
    10, 101, 147 };

static bool
drop_flow(void *ctx, struct flow *f)
{
	(void)ctx;
	(void)f;
	return false;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct analyzer an;
	struct analyzer_config cfg;
	struct raw_frame fr;
	struct report_info ri;
	uint64_t ts = 1000000000ULL;
	size_t off = 1;
	FILE *out;

	if (size < 1)
		return 0;
	memset(&fr, 0, sizeof fr);
	fr.dlt = dlts[data[0] % (sizeof dlts / sizeof dlts[0])];
	analyzer_init(&an, NULL);
	/* Half the inputs with expiry and a tiny flow limit, half without. */
	if (data[0] & 0x80) {
		analyzer_config_default(&cfg);
		cfg.max_flows = 4;
		cfg.timeout_ns[FTC_CLOSED] = 1000000;
		analyzer_set_final(&an, &cfg, drop_flow, NULL);
	}
	while (size - off >= 3) {
		size_t len = ((size_t)data[off] << 8) | data[off + 1];

		ts += (uint64_t)data[off + 2] * 1000000ULL;
		off += 3;
		if (len > size - off)
			len = size - off;
		fr.data = data + off;
		fr.caplen = (uint32_t)len;
		fr.len = (uint32_t)len + (data[0] & 0x40 ? 100 : 0);
		fr.ts_ns = ts;
		analyzer_frame(&an, &fr);
		off += len;
	}
	analyzer_finish(&an);
	if (!(data[0] & 0x80) && (out = fopen("/dev/null", "w")) != NULL) {
		memset(&ri, 0, sizeof ri);
		ri.long_view = true;
		report_json(out, &an, &ri);
		report_text(out, &an, &ri);
		fclose(out);
	}
	analyzer_free(&an);
	return 0;
}
