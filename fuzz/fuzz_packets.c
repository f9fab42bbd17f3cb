/*
 * libFuzzer harness: the whole per-packet pipeline (decode, flow table,
 * TCP analysis, expiry, reports) on a sequence of raw frames.
 *
 * Input: byte 0 picks the link type from a table, then frames, each a
 * 2-byte big-endian length, a 1-byte time step (ms) and the bytes.  Many
 * frames per input let the fuzzer build connections, not only headers.
 *
 * The tunnels are decapsulated, as by default (decode_tunnel_udp.c,
 * decode_gre.c, IP in IP): their dissectors and decode_inner() must hold
 * against any bytes.  Bit 0x20 of byte 0 also asks for payload bytes
 * (every frame is decoded once more and its payload read) and makes UDP
 * ports 53 and 443 Geneve and GTP-U tunnels too, as --tunnel-port does.
 * fuzz/make-seeds.sh writes a seed of tunnelled frames.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "analyzer.h"
#include "decode_int.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz/make-seeds.sh picks byte 0 from this order: keep them in step. */
static const int dlts[] = { 1, 113, 276, 12, 228, 229, 0, 108, 9, 50, 104,
    10, 101, 147, 105, 127, 192, 163, 119, 239, 258, 149 };

static void
fuzz_tunnels(bool more)
{
	if (more) {
		decode_tunnel_port("geneve", 53);
		decode_tunnel_port("gtp", 443);
	} else {
		decode_set_udp_port(53, NULL);
		decode_set_udp_port(443, NULL);
	}
	decode_set_payload_limit(more ? 64 : 0);
}

/* Every payload byte the view references, read. */
static unsigned
payload_sum(const struct raw_frame *fr)
{
	struct packet pkt;
	const uint8_t *p;
	unsigned sum = 0;
	size_t n, i;

	pkt.ts_ns = fr->ts_ns;
	pkt.number = 0;
	decode_packet(fr->dlt, fr->data, fr->caplen, fr->len, &pkt);
	p = packet_payload(&pkt, &n);
	for (i = 0; i < n; i++)
		sum += p[i];
	return sum + pkt.encap_depth;
}

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

	static volatile unsigned sink;
	bool tunnels;

	if (size < 1)
		return 0;
	tunnels = (data[0] & 0x20) != 0;
	fuzz_tunnels(tunnels);
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
		if (tunnels)
			sink += payload_sum(&fr);
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
