/*
 * Unit tests of the input layer: the pcapng reader (source_pcapng.c) on
 * hand-built blocks, good and hostile, in both byte orders; the byte
 * stream (source_stream.c) on plain and compressed files; and the source
 * (source.c) on a file whose interfaces have different link types: the
 * filter per link type, the packets per interface, -w's refusal.
 */
#include "config.h"

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef HAVE_ZLIB
#include <zlib.h>
#endif

#include "source.h"
#include "source_pcapng.h"
#include "source_stream.h"
#include "suites.h"

/* ------------------------------------------------------------ building */

struct ng {
	uint8_t		b[1 << 17];
	size_t		n;
	int		be;		/* write big-endian */
};

static void
put_u8(struct ng *g, uint8_t v)
{
	ck_assert_uint_lt(g->n, sizeof g->b);
	g->b[g->n++] = v;
}

static void
put_u16(struct ng *g, uint16_t v)
{
	if (g->be) {
		put_u8(g, (uint8_t)(v >> 8));
		put_u8(g, (uint8_t)v);
	} else {
		put_u8(g, (uint8_t)v);
		put_u8(g, (uint8_t)(v >> 8));
	}
}

static void
put_u32(struct ng *g, uint32_t v)
{
	if (g->be) {
		put_u16(g, (uint16_t)(v >> 16));
		put_u16(g, (uint16_t)v);
	} else {
		put_u16(g, (uint16_t)v);
		put_u16(g, (uint16_t)(v >> 16));
	}
}

static void
put_bytes(struct ng *g, const void *p, size_t n)
{
	ck_assert_uint_le(g->n + n, sizeof g->b);
	memcpy(g->b + g->n, p, n);
	g->n += n;
}

static void
pad4(struct ng *g)
{
	while (g->n % 4 != 0)
		put_u8(g, 0);
}

/* Begin a block; block_end() writes both lengths.  Returns its start. */
static size_t
block_begin(struct ng *g, uint32_t type)
{
	size_t at = g->n;

	put_u32(g, type);
	put_u32(g, 0);
	return at;
}

static void
block_end(struct ng *g, size_t at)
{
	uint32_t len = (uint32_t)(g->n - at + 4);
	size_t save;

	put_u32(g, len);
	save = g->n;
	g->n = at + 4;
	put_u32(g, len);
	g->n = save;
}

static size_t
shb(struct ng *g, int be)
{
	size_t at;

	g->be = be;
	at = block_begin(g, 0x0a0d0d0a);
	put_u32(g, 0x1a2b3c4d);
	put_u16(g, 1);
	put_u16(g, 0);
	put_u32(g, 0xffffffff);		/* section length: unknown */
	put_u32(g, 0xffffffff);
	block_end(g, at);
	return at;
}

static void
option(struct ng *g, uint16_t code, const void *v, uint16_t len)
{
	put_u16(g, code);
	put_u16(g, len);
	put_bytes(g, v, len);
	pad4(g);
}

/* An IDB; tsresol 0: none given; tsoffset given if nonzero. */
static size_t
idb(struct ng *g, uint16_t linktype, uint32_t snaplen, const char *name,
    uint8_t tsresol, int64_t tsoffset)
{
	size_t at = block_begin(g, 1);

	put_u16(g, linktype);
	put_u16(g, 0);
	put_u32(g, snaplen);
	if (name != NULL)
		option(g, 2, name, (uint16_t)strlen(name));
	if (tsresol != 0)
		option(g, 9, &tsresol, 1);
	if (tsoffset != 0) {
		put_u16(g, 14);
		put_u16(g, 8);
		put_u32(g, g->be ? (uint32_t)((uint64_t)tsoffset >> 32) :
		    (uint32_t)tsoffset);
		put_u32(g, g->be ? (uint32_t)tsoffset :
		    (uint32_t)((uint64_t)tsoffset >> 32));
	}
	put_u16(g, 0);			/* opt_endofopt */
	put_u16(g, 0);
	block_end(g, at);
	return at;
}

/* An EPB of caplen bytes (0x45 then a counter), claiming len. */
static size_t
epb(struct ng *g, uint32_t iface, uint64_t t, uint32_t caplen,
    uint32_t len)
{
	size_t at = block_begin(g, 6);
	uint32_t i;

	put_u32(g, iface);
	put_u32(g, (uint32_t)(t >> 32));
	put_u32(g, (uint32_t)t);
	put_u32(g, caplen);
	put_u32(g, len);
	for (i = 0; i < caplen; i++)
		put_u8(g, i == 0 ? 0x45 : (uint8_t)i);
	pad4(g);
	block_end(g, at);
	return at;
}

static size_t
spb(struct ng *g, uint32_t len)
{
	size_t at = block_begin(g, 3);
	uint32_t i;

	put_u32(g, len);
	for (i = 0; i < len; i++)
		put_u8(g, (uint8_t)i);
	pad4(g);
	block_end(g, at);
	return at;
}

/* The obsolete Packet Block. */
static size_t
pb(struct ng *g, uint16_t iface, uint64_t t, uint32_t caplen)
{
	size_t at = block_begin(g, 2);
	uint32_t i;

	put_u16(g, iface);
	put_u16(g, 0);			/* drops */
	put_u32(g, (uint32_t)(t >> 32));
	put_u32(g, (uint32_t)t);
	put_u32(g, caplen);
	put_u32(g, caplen);
	for (i = 0; i < caplen; i++)
		put_u8(g, (uint8_t)i);
	pad4(g);
	block_end(g, at);
	return at;
}

/* A block of a type the reader skips, with n bytes of body. */
static void
other_block(struct ng *g, uint32_t type, size_t n)
{
	size_t at = block_begin(g, type);

	while (n-- > 0)
		put_u8(g, 0x5a);
	pad4(g);
	block_end(g, at);
}

static struct pcapng *
open_mem(struct ng *g, FILE **fp, char *err)
{
	*fp = fmemopen(g->b, g->n, "rb");
	ck_assert_ptr_nonnull(*fp);
	return pcapng_open(*fp, err);
}

/* ------------------------------------------------------------ reading */

START_TEST(test_pcapng_sections_and_orders)
{
	struct ng g = { .n = 0 };
	char err[PCAPNG_ERRBUF_SIZE];
	struct pcapng_packet p;
	struct pcapng *ng;
	FILE *fp;

	shb(&g, 0);
	idb(&g, 1, 0, "eth0", 0, 0);
	epb(&g, 0, 1700000000123456ULL, 60, 60);
	/* Big-endian section: raw IP at 2^-20 s, 1000 s added. */
	shb(&g, 1);
	idb(&g, 101, 96, "tun0", 0x80 | 20, 1000);
	epb(&g, 0, (5ULL << 20) | (1ULL << 19), 40, 1500);
	spb(&g, 200);
	pb(&g, 0, 7ULL << 20, 20);
	ng = open_mem(&g, &fp, err);
	ck_assert_msg(ng != NULL, "%s", err);

	ck_assert_int_eq(pcapng_next(ng, &p, err), 1);
	ck_assert_int_eq(p.iface, 0);
	ck_assert_uint_eq(p.ts_ns, 1700000000123456000ULL);
	ck_assert_uint_eq(p.caplen, 60);
	ck_assert_uint_eq(p.data[0], 0x45);

	ck_assert_int_eq(pcapng_next(ng, &p, err), 1);
	ck_assert_int_eq(p.iface, 1);
	ck_assert_uint_eq(p.ts_ns, 1005500000000ULL);
	ck_assert_uint_eq(p.caplen, 40);
	ck_assert_uint_eq(p.len, 1500);

	/* The SPB: interface 0 of its section, cut to its snaplen (96). */
	ck_assert_int_eq(pcapng_next(ng, &p, err), 1);
	ck_assert_int_eq(p.iface, 1);
	ck_assert_uint_eq(p.len, 200);
	ck_assert_uint_eq(p.caplen, 96);
	ck_assert_uint_eq(p.ts_ns, 1000000000000ULL);	/* only the offset */

	ck_assert_int_eq(pcapng_next(ng, &p, err), 1);
	ck_assert_int_eq(p.iface, 1);
	ck_assert_uint_eq(p.ts_ns, 1007000000000ULL);
	ck_assert_int_eq(pcapng_next(ng, &p, err), 0);

	ck_assert_int_eq(pcapng_interface_count(ng), 2);
	ck_assert_str_eq(pcapng_interface(ng, 0)->name, "eth0");
	ck_assert_int_eq(pcapng_interface(ng, 0)->dlt, 1);
	ck_assert_int_eq(pcapng_interface(ng, 0)->section, 0);
	ck_assert_uint_eq(pcapng_interface(ng, 0)->tsresol, 6);
	ck_assert_str_eq(pcapng_interface(ng, 1)->name, "tun0");
	ck_assert_int_eq(pcapng_interface(ng, 1)->dlt, 12);	/* DLT_RAW */
	ck_assert_int_eq(pcapng_interface(ng, 1)->linktype, 101);
	ck_assert_int_eq(pcapng_interface(ng, 1)->section, 1);
	ck_assert_uint_eq(pcapng_interface(ng, 1)->snaplen, 96);
	pcapng_close(ng);
	fclose(fp);
}
END_TEST

/* if_tsresol: each way of scaling to nanoseconds, as libpcap does. */
START_TEST(test_pcapng_timestamp_resolutions)
{
	static const struct {
		uint8_t		tsresol;
		uint64_t	t;
		uint64_t	ns;
	} cases[] = {
		{ 9, 1234567890123456789ULL, 1234567890123456789ULL },
		{ 3, 1700000000123ULL, 1700000000123000000ULL },
		{ 12, 1700000000123456789ULL, 1700000ULL * 1000000000ULL +
		    123456789ULL / 1000 },
		{ 0x80 | 10, (1000ULL << 10) | 512, 1000500000000ULL },
		{ 0x80 | 32, (3ULL << 32) | (1ULL << 30), 3250000000ULL },
		{ 0x80 | 40, (1ULL << 40) | (1ULL << 38), 1250000000ULL },
		{ 0, 1700000000000001ULL, 1700000000000001000ULL },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ng g = { .n = 0 };
		char err[PCAPNG_ERRBUF_SIZE];
		struct pcapng_packet p;
		struct pcapng *ng;
		FILE *fp;

		shb(&g, (int)(i % 2));
		idb(&g, 1, 0, NULL, cases[i].tsresol, 0);
		epb(&g, 0, cases[i].t, 14, 14);
		ng = open_mem(&g, &fp, err);
		ck_assert_msg(ng != NULL, "%s", err);
		ck_assert_int_eq(pcapng_next(ng, &p, err), 1);
		ck_assert_msg(p.ts_ns == cases[i].ns, "case %zu: %llu, not "
		    "%llu", i, (unsigned long long)p.ts_ns,
		    (unsigned long long)cases[i].ns);
		pcapng_close(ng);
		fclose(fp);
	}
}
END_TEST

/*
 * The limits of if_tsresol (2^-63, 10^-19) and of if_tsoffset: integer
 * arithmetic only, no shift of 64 or more, no signed overflow (UBSan in
 * the ASan build would stop here), a time before 1970 as 0.
 */
START_TEST(test_pcapng_extreme_timestamps)
{
	static const struct {
		uint8_t		tsresol;
		int64_t		tsoffset;
		uint64_t	t;
		uint64_t	ns;
	} cases[] = {
		{ 0x80 | 63, 0, (1ULL << 63) | (1ULL << 62), 1500000000ULL },
		{ 0x80 | 63, 0, UINT64_MAX, 1999999999ULL },
		{ 19, 0, 15000000000000000000ULL, 1500000000ULL },
		{ 19, 0, UINT64_MAX, 1844674407ULL },
		{ 0x80, 0, 5, 5000000000ULL },		/* 2^-0: seconds */
		{ 6, INT64_MIN, 1000000, 0 },
		{ 6, -1000, 2000000, 0 },
		{ 6, 1000, 2000000, 1002000000000ULL },
		{ 0x80 | 63, INT64_MIN + 1, 1ULL << 63, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ng g = { .n = 0 };
		char err[PCAPNG_ERRBUF_SIZE];
		struct pcapng_packet p;
		struct pcapng *ng;
		FILE *fp;

		shb(&g, (int)(i % 2));
		idb(&g, 1, 0, NULL, cases[i].tsresol, cases[i].tsoffset);
		epb(&g, 0, cases[i].t, 14, 14);
		ng = open_mem(&g, &fp, err);
		ck_assert_msg(ng != NULL, "%s", err);
		ck_assert_int_eq(pcapng_next(ng, &p, err), 1);
		ck_assert_msg(p.ts_ns == cases[i].ns, "case %zu: %llu, not "
		    "%llu", i, (unsigned long long)p.ts_ns,
		    (unsigned long long)cases[i].ns);
		pcapng_close(ng);
		fclose(fp);
	}
}
END_TEST

START_TEST(test_pcapng_skips_other_blocks)
{
	struct ng g = { .n = 0 };
	char err[PCAPNG_ERRBUF_SIZE];
	struct pcapng_packet p;
	struct pcapng *ng;
	FILE *fp;
	int n = 0;

	shb(&g, 0);
	other_block(&g, 4, 40);			/* name resolution */
	idb(&g, 1, 65535, NULL, 0, 0);
	epb(&g, 0, 1, 60, 60);
	other_block(&g, 5, 28);			/* interface statistics */
	other_block(&g, 0x0000000a, 16);	/* decryption secrets */
	other_block(&g, 0x00000bad, 12);	/* custom */
	other_block(&g, 0x40000bad, 0);		/* custom, not to copy */
	other_block(&g, 0x12345678, 100);	/* unknown */
	epb(&g, 0, 2, 60, 60);
	ng = open_mem(&g, &fp, err);
	ck_assert_msg(ng != NULL, "%s", err);
	while (pcapng_next(ng, &p, err) == 1)
		n++;
	ck_assert_int_eq(n, 2);
	pcapng_close(ng);
	fclose(fp);
}
END_TEST

/* What each hostile file does to the reader. */
enum hostile {
	H_ZERO_LENGTH, H_NOT_MULTIPLE_OF_4, H_TRAILER_MISMATCH, H_HUGE,
	H_PAST_EOF, H_UNKNOWN_IFACE, H_NO_IDB, H_CAPLEN_OVER_BLOCK,
	H_OPTION_OVERRUN, H_BAD_TSRESOL, H_BAD_BOM, H_BAD_VERSION,
	H_SHORT_EPB, H_MAX
};

/*
 * A good packet, then one damaged block; returns where that block starts
 * and the words the error must have.
 */
static size_t
hostile(struct ng *g, enum hostile h, const char **words)
{
	size_t at;

	shb(g, 0);
	if (h != H_NO_IDB)
		idb(g, 1, 0, NULL, 0, 0);
	else
		other_block(g, 4, 8);
	at = g->n;
	switch (h) {
	case H_ZERO_LENGTH:
		put_u32(g, 6);
		put_u32(g, 0);
		put_u32(g, 0);
		*words = "block length 0";
		break;
	case H_NOT_MULTIPLE_OF_4:
		put_u32(g, 6);
		put_u32(g, 50);
		put_bytes(g, g->b, 42);
		*words = "multiple of 4";
		break;
	case H_TRAILER_MISMATCH:
		epb(g, 0, 1, 10, 10);
		g->b[g->n - 4] ^= 4;
		*words = "lengths";
		break;
	case H_HUGE:
		put_u32(g, 6);
		put_u32(g, 0xfffffff0);
		*words = "over the limit";
		break;
	case H_PAST_EOF:
		epb(g, 0, 1, 60, 60);
		g->n -= 20;
		*words = "truncated";
		break;
	case H_UNKNOWN_IFACE:
		epb(g, 5, 1, 10, 10);
		*words = "interface 5";
		break;
	case H_NO_IDB:
		epb(g, 0, 1, 10, 10);
		*words = "describes 0 interfaces";
		break;
	case H_CAPLEN_OVER_BLOCK:
		at = epb(g, 0, 1, 16, 16);
		g->b[at + 8 + 12] = 200;	/* caplen 200 in 16 bytes */
		*words = "200 captured bytes";
		break;
	case H_OPTION_OVERRUN:
		at = g->n;
		{
			size_t b = block_begin(g, 1);

			put_u16(g, 1);
			put_u16(g, 0);
			put_u32(g, 0);
			put_u16(g, 2);		/* if_name of 300 bytes */
			put_u16(g, 300);
			put_bytes(g, "eth0", 4);
			block_end(g, b);
		}
		*words = "runs past its block";
		break;
	case H_BAD_TSRESOL:
		at = idb(g, 1, 0, NULL, 30, 0);
		*words = "too fine";
		break;
	case H_BAD_BOM:
		at = shb(g, 0);
		g->b[at + 8] = 0x99;
		*words = "byte-order magic";
		break;
	case H_BAD_VERSION:
		at = shb(g, 0);
		g->b[at + 12] = 2;		/* major 2 */
		*words = "version 2.0";
		break;
	case H_SHORT_EPB:
		at = g->n;
		{
			size_t b = block_begin(g, 6);

			put_u32(g, 0);
			put_u32(g, 0);
			block_end(g, b);
		}
		*words = "shorter than its fixed part";
		break;
	default:
		break;
	}
	return at;
}

START_TEST(test_pcapng_hostile)
{
	enum hostile h = (enum hostile)_i;
	struct ng g = { .n = 0 };
	char err[PCAPNG_ERRBUF_SIZE], want[64];
	struct pcapng_packet p;
	const char *words = NULL;
	struct pcapng *ng;
	size_t at;
	FILE *fp;
	int r;

	at = hostile(&g, h, &words);
	ng = open_mem(&g, &fp, err);
	ck_assert_msg(ng != NULL, "%s", err);
	err[0] = '\0';
	r = pcapng_next(ng, &p, err);
	ck_assert_msg(r == -1, "case %d: %d", (int)h, r);
	ck_assert_msg(strstr(err, words) != NULL, "case %d: '%s' lacks '%s'",
	    (int)h, err, words);
	snprintf(want, sizeof want, "byte offset %zu", at);
	ck_assert_msg(strstr(err, want) != NULL, "case %d: '%s' lacks '%s'",
	    (int)h, err, want);
	/* Nothing more is read after damage. */
	ck_assert_int_eq(pcapng_next(ng, &p, err), 0);
	pcapng_close(ng);
	fclose(fp);
}
END_TEST

START_TEST(test_pcapng_caplen_over_snaplen)
{
	struct ng g = { .n = 0 };
	char err[PCAPNG_ERRBUF_SIZE];
	struct pcapng_packet p;
	struct pcapng *ng;
	FILE *fp;

	shb(&g, 0);
	idb(&g, 1, 64, NULL, 0, 0);
	epb(&g, 0, 1, 100, 100);
	ng = open_mem(&g, &fp, err);
	ck_assert_msg(ng != NULL, "%s", err);
	ck_assert_int_eq(pcapng_next(ng, &p, err), 1);
	ck_assert_uint_eq(p.caplen, 64);	/* cut, as libpcap cuts pcap */
	ck_assert_uint_eq(p.len, 100);
	pcapng_close(ng);
	fclose(fp);
}
END_TEST

START_TEST(test_pcapng_too_many_interfaces)
{
	struct ng *g = calloc(1, sizeof *g);
	char err[PCAPNG_ERRBUF_SIZE];
	struct pcapng_packet p;
	struct pcapng *ng;
	FILE *fp;
	int i;

	ck_assert_ptr_nonnull(g);
	shb(g, 0);
	for (i = 0; i <= PCAPNG_MAX_INTERFACES; i++) {
		size_t at = block_begin(g, 1);

		put_u16(g, 1);
		put_u16(g, 0);
		put_u32(g, 0);
		block_end(g, at);
	}
	ng = open_mem(g, &fp, err);
	ck_assert_msg(ng != NULL, "%s", err);
	ck_assert_int_eq(pcapng_next(ng, &p, err), -1);
	ck_assert_msg(strstr(err, "interface descriptions") != NULL, "%s",
	    err);
	ck_assert_int_eq(pcapng_interface_count(ng), PCAPNG_MAX_INTERFACES);
	pcapng_close(ng);
	fclose(fp);
	free(g);
}
END_TEST

START_TEST(test_pcapng_not_a_section)
{
	struct ng g = { .n = 0 };
	char err[PCAPNG_ERRBUF_SIZE];
	FILE *fp;

	/* Starts like pcapng, but cut inside its section header. */
	shb(&g, 0);
	g.n = 10;
	fp = fmemopen(g.b, g.n, "rb");
	ck_assert_ptr_null(pcapng_open(fp, err));
	ck_assert_msg(strstr(err, "truncated") != NULL, "%s", err);
	fclose(fp);
	ck_assert(!pcapng_magic(g.b, 3));
	ck_assert(pcapng_magic(g.b, 4));
}
END_TEST

/* ------------------------------------------------------------ streams */

static char *
temp_file(const void *p, size_t n)
{
	char *path = strdup("/tmp/transcope-check-XXXXXX");
	int fd;

	ck_assert_ptr_nonnull(path);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, p, n), (ssize_t)n);
	close(fd);
	return path;
}

static void
fill_pattern(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + i / 251);
}

START_TEST(test_stream_plain)
{
	static uint8_t data[300000], back[sizeof data];
	char err[STREAM_ERRBUF_SIZE], *path;
	const uint8_t *head;
	struct stream *st;

	fill_pattern(data, sizeof data);
	path = temp_file(data, sizeof data);
	st = stream_open(path, 65536, err);
	ck_assert_msg(st != NULL, "%s", err);
	ck_assert_int_eq(stream_codec(st), STREAM_PLAIN);
	ck_assert_uint_eq(stream_head(st, &head), STREAM_HEAD);
	ck_assert_mem_eq(head, data, 8);
	ck_assert_uint_eq(fread(back, 1, sizeof back, stream_file(st)),
	    sizeof back);
	ck_assert_mem_eq(back, data, sizeof data);
	ck_assert_uint_eq(stream_position(st), sizeof data);
	ck_assert_ptr_null(stream_error(st));
	stream_close(st);
	unlink(path);
	free(path);

	ck_assert_ptr_null(stream_open("/nonexistent/x", 4096, err));
	ck_assert_msg(strstr(err, "No such file") != NULL, "%s", err);
}
END_TEST

#ifdef HAVE_ZLIB
/* data gzip-compressed into out (two members if split); its length. */
static size_t
gzip_bytes(const uint8_t *data, size_t n, uint8_t *out, size_t cap,
    size_t split)
{
	size_t done = 0, at = 0;

	while (at < n || at == 0) {
		z_stream z;
		size_t chunk = split != 0 && n - at > split ? split : n - at;

		memset(&z, 0, sizeof z);
		ck_assert_int_eq(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
		    Z_DEFAULT_STRATEGY), Z_OK);
		z.next_in = (uint8_t *)(uintptr_t)(data + at);
		z.avail_in = (uInt)chunk;
		z.next_out = out + done;
		z.avail_out = (uInt)(cap - done);
		ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
		done = cap - z.avail_out;
		deflateEnd(&z);
		at += chunk;
		if (n == 0)
			break;
	}
	return done;
}

static void
stream_gzip(bool ahead)
{
	static uint8_t data[6000000], back[sizeof data + 10], gz[sizeof data];
	char err[STREAM_ERRBUF_SIZE], *path;
	const uint8_t *head;
	struct stream *st;
	size_t n, got;

	stream_set_decode_ahead(ahead);
	fill_pattern(data, sizeof data);
	/* Two members, as gzip -c a b writes; more than the thread's ring. */
	n = gzip_bytes(data, sizeof data, gz, sizeof gz, 2500000);
	path = temp_file(gz, n);
	st = stream_open(path, 65536, err);
	ck_assert_msg(st != NULL, "%s", err);
	ck_assert_int_eq(stream_codec(st), STREAM_GZIP);
	ck_assert_str_eq(stream_codec_name(STREAM_GZIP), "gzip");
	ck_assert_uint_eq(stream_head(st, &head), STREAM_HEAD);
	ck_assert_mem_eq(head, data, 8);
	got = fread(back, 1, sizeof back, stream_file(st));
	ck_assert_uint_eq(got, sizeof data);
	ck_assert_mem_eq(back, data, sizeof data);
	ck_assert(!ferror(stream_file(st)));
	ck_assert_uint_eq(stream_position(st), n);
	stream_close(st);
	unlink(path);
	free(path);

	/* Cut: what was decoded comes out, then the read fails. */
	path = temp_file(gz, n / 2);
	st = stream_open(path, 65536, err);
	ck_assert_msg(st != NULL, "%s", err);
	got = fread(back, 1, sizeof back, stream_file(st));
	ck_assert_uint_gt(got, 0);
	ck_assert_uint_lt(got, sizeof data);
	ck_assert_mem_eq(back, data, got);
	ck_assert(ferror(stream_file(st)));
	ck_assert_ptr_nonnull(stream_error(st));
	ck_assert_msg(strstr(stream_error(st), "truncated") != NULL, "%s",
	    stream_error(st));
	stream_close(st);
	unlink(path);
	free(path);

	/* Damaged: the check at the end fails. */
	gz[n / 2] ^= 0xff;
	gz[n / 2 + 1] ^= 0xff;
	path = temp_file(gz, n);
	st = stream_open(path, 65536, err);
	ck_assert_msg(st != NULL, "%s", err);
	got = fread(back, 1, sizeof back, stream_file(st));
	ck_assert(ferror(stream_file(st)));
	ck_assert_msg(strstr(stream_error(st), "gzip-compressed data is "
	    "damaged") != NULL, "%s", stream_error(st));
	stream_close(st);
	unlink(path);
	free(path);

	/* Closed before the end: the thread, if any, stops. */
	path = temp_file(gz, n);
	st = stream_open(path, 65536, err);
	ck_assert_msg(st != NULL, "%s", err);
	ck_assert_uint_eq(fread(back, 1, 1000, stream_file(st)), 1000);
	stream_close(st);
	unlink(path);
	free(path);
	stream_set_decode_ahead(false);
}

START_TEST(test_stream_gzip)
{
	stream_gzip(false);
}
END_TEST

/* The same with a thread decoding ahead. */
START_TEST(test_stream_gzip_ahead)
{
	stream_gzip(true);
}
END_TEST

/* This process's threads, from /proc (Linux, as fopencookie() is). */
static int
thread_count(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	int n = -1;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

/*
 * A merge of many compressed files once had a decoder thread and 4 MiB of
 * chunks for each (200 .gz files: 900 MB); at most 4 decode ahead now,
 * the rest in the reader's thread, and each stream still reads whole.
 */
START_TEST(test_stream_ahead_bounded)
{
	/* More than a thread's ring, so that each waits, alive, for it. */
	static uint8_t data[6000000], gz[sizeof data], back[sizeof data + 1];
	char err[STREAM_ERRBUF_SIZE], *path;
	struct stream *st[12];
	int before, i;
	size_t n;

	fill_pattern(data, sizeof data);
	n = gzip_bytes(data, sizeof data, gz, sizeof gz, 0);
	path = temp_file(gz, n);
	stream_set_decode_ahead(true);
	before = thread_count();
	for (i = 0; i < 12; i++) {
		st[i] = stream_open(path, 65536, err);
		ck_assert_msg(st[i] != NULL, "%s", err);
	}
	ck_assert_int_le(thread_count() - before, 4);
	ck_assert_int_ge(thread_count() - before, 1);
	for (i = 0; i < 12; i++) {
		ck_assert_uint_eq(fread(back, 1, sizeof back,
		    stream_file(st[i])), sizeof data);
		ck_assert_mem_eq(back, data, sizeof data);
	}
	/* Closed, they give their places back (a joined thread may stay */
	/* listed a moment). */
	for (i = 0; i < 12; i++)
		stream_close(st[i]);
	for (i = 0; i < 1000 && thread_count() != before; i++)
		usleep(1000);
	ck_assert_int_eq(thread_count(), before);
	for (i = 0; i < 4; i++) {
		st[i] = stream_open(path, 65536, err);
		ck_assert_msg(st[i] != NULL, "%s", err);
	}
	ck_assert_int_eq(thread_count(), before + 4);
	for (i = 0; i < 4; i++)
		stream_close(st[i]);
	stream_set_decode_ahead(false);
	unlink(path);
	free(path);
}
END_TEST

/*
 * Every byte of st by stream_take(), in steps of varied sizes (a byte, a
 * record header, more than the window): equal to data (n bytes), then
 * nothing more.  Returns what was taken.
 */
static size_t
take_all(struct stream *st, const uint8_t *data, size_t n)
{
	static const size_t steps[] = { 1, 16, 7, 1500, 65536, 3, 2500000 };
	size_t at = 0, got, i = 0;
	const uint8_t *p;

	for (;;) {
		size_t want = steps[i++ % (sizeof steps / sizeof steps[0])];

		p = stream_take(st, want, &got);
		ck_assert_uint_le(got, want);
		ck_assert_uint_le(at + got, n);
		if (got > 0)
			ck_assert_mem_eq(p, data + at, got);
		at += got;
		if (got < want)
			break;
	}
	(void)stream_take(st, 1, &got);
	ck_assert_uint_eq(got, 0);
	return at;
}

/* In place, plain and compressed, and a FILE that resumes after. */
static void
stream_taking(bool ahead)
{
	static uint8_t data[3000000], back[sizeof data + 10], gz[sizeof data];
	char err[STREAM_ERRBUF_SIZE], *path, *gzpath;
	const uint8_t *p;
	struct stream *st;
	size_t n, got;
	FILE *fp;

	stream_set_decode_ahead(ahead);
	fill_pattern(data, sizeof data);
	path = temp_file(data, sizeof data);
	n = gzip_bytes(data, sizeof data, gz, sizeof gz, 1100000);
	gzpath = temp_file(gz, n);

	/* A window smaller than some steps: it grows to them. */
	st = stream_open(path, 65536, err);
	ck_assert_msg(st != NULL, "%s", err);
	ck_assert_uint_eq(take_all(st, data, sizeof data), sizeof data);
	ck_assert_uint_eq(stream_position(st), sizeof data);
	ck_assert_ptr_null(stream_error(st));
	stream_close(st);

	st = stream_open(gzpath, 65536, err);
	ck_assert_msg(st != NULL, "%s", err);
	ck_assert_uint_eq(take_all(st, data, sizeof data), sizeof data);
	ck_assert_ptr_null(stream_error(st));
	ck_assert_uint_eq(stream_position(st), n);
	stream_close(st);

	/* Some taken, then a FILE: the prefix given, then the rest. */
	st = stream_open(gzpath, 65536, err);
	ck_assert_msg(st != NULL, "%s", err);
	p = stream_take(st, 1234567, &got);
	ck_assert_uint_eq(got, 1234567);
	ck_assert_mem_eq(p, data, got);
	fp = stream_file_resume(st, data + 1234500, 67);
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fread(back, 1, sizeof back, fp),
	    sizeof data - 1234500);
	ck_assert_mem_eq(back, data + 1234500, sizeof data - 1234500);
	ck_assert(!ferror(fp));
	stream_close(st);

	/* The same on the plain file: the FILE is no longer the file's. */
	st = stream_open(path, 65536, err);
	ck_assert_msg(st != NULL, "%s", err);
	p = stream_take(st, 100, &got);
	ck_assert_uint_eq(got, 100);
	fp = stream_file_resume(st, data, 100);
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fread(back, 1, sizeof back, fp), sizeof data);
	ck_assert_mem_eq(back, data, sizeof data);
	stream_close(st);

	/* Cut: what was decoded is taken, then the failure is said. */
	unlink(gzpath);
	free(gzpath);
	gzpath = temp_file(gz, n / 2);
	st = stream_open(gzpath, 65536, err);
	ck_assert_msg(st != NULL, "%s", err);
	got = take_all(st, data, sizeof data);
	ck_assert_uint_gt(got, 0);
	ck_assert_uint_lt(got, sizeof data);
	ck_assert_ptr_nonnull(stream_error(st));
	ck_assert_msg(strstr(stream_error(st), "truncated") != NULL, "%s",
	    stream_error(st));
	stream_close(st);

	unlink(path);
	unlink(gzpath);
	free(path);
	free(gzpath);
	stream_set_decode_ahead(false);
}

START_TEST(test_stream_take)
{
	stream_taking(false);
}
END_TEST

START_TEST(test_stream_take_ahead)
{
	stream_taking(true);
}
END_TEST
#endif

/* Formats recognised only to be refused say so. */
START_TEST(test_stream_unsupported)
{
	static const uint8_t z[] = { 0x1f, 0x9d, 0x90, 0, 0, 0, 0, 0 };
	char err[STREAM_ERRBUF_SIZE], *path = temp_file(z, sizeof z);

	ck_assert_ptr_null(stream_open(path, 4096, err));
	ck_assert_msg(strstr(err, "compress(1)") != NULL, "%s", err);
	unlink(path);
	free(path);
}
END_TEST

/* ------------------------------------------------------------ source */

/* The IPv4/TCP frame of port p in link type dlt's header. */
static size_t
tcp_frame(uint8_t *f, int linktype, uint16_t port)
{
	static const uint8_t ip[] = {
		0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0,
		10, 0, 0, 1, 10, 0, 0, 2
	};
	size_t n = 0;

	if (linktype == 1) {			/* Ethernet */
		memset(f, 0x02, 12);
		f[12] = 0x08;
		f[13] = 0x00;
		n = 14;
	} else if (linktype == 276) {		/* Linux cooked v2 */
		memset(f, 0, 20);
		f[0] = 0x08;			/* protocol: IPv4 */
		f[9] = 1;			/* ARPHRD_ETHER */
		f[11] = 6;			/* address length */
		n = 20;
	}
	memcpy(f + n, ip, sizeof ip);
	n += sizeof ip;
	memset(f + n, 0, 20);
	f[n] = 0x9c;				/* source port 40000 */
	f[n + 1] = 0x40;
	f[n + 2] = (uint8_t)(port >> 8);
	f[n + 3] = (uint8_t)port;
	f[n + 12] = 0x50;
	f[n + 13] = 0x02;			/* SYN */
	return n + 20;
}

static void
epb_frame(struct ng *g, uint32_t iface, uint64_t t, int linktype,
    uint16_t port)
{
	uint8_t f[80];
	size_t n = tcp_frame(f, linktype, port), at = block_begin(g, 6);

	put_u32(g, iface);
	put_u32(g, (uint32_t)(t >> 32));
	put_u32(g, (uint32_t)t);
	put_u32(g, (uint32_t)n);
	put_u32(g, (uint32_t)n);
	put_bytes(g, f, n);
	pad4(g);
	block_end(g, at);
}

/* Ethernet, Linux cooked v2 and raw IP in one file: 2 + 1 + 1 frames. */
static char *
mixed_file(void)
{
	struct ng g = { .n = 0 };

	shb(&g, 0);
	idb(&g, 1, 0, "eth0", 0, 0);
	idb(&g, 276, 0, "any", 0, 0);
	epb_frame(&g, 0, 1, 1, 80);
	epb_frame(&g, 1, 2, 276, 443);
	idb(&g, 101, 0, "tun0", 0, 0);	/* described after a packet */
	epb_frame(&g, 2, 3, 101, 443);
	epb_frame(&g, 0, 4, 1, 443);
	return temp_file(g.b, g.n);
}

static int
count_frames(struct source *s, int *dlts)
{
	char err[SOURCE_ERRBUF_SIZE];
	struct raw_frame fr;
	int n = 0, r;

	while ((r = source_next(s, &fr, err)) == 1)
		dlts[n++] = fr.dlt;
	ck_assert_msg(r == 0, "%s", err);
	return n;
}

START_TEST(test_source_mixed_link_types)
{
	char err[SOURCE_ERRBUF_SIZE], *path = mixed_file();
	char *paths[1] = { path };
	const struct source_interface *ifs;
	enum source_status st;
	struct source *s;
	int dlts[8], n;

	s = source_open_files(paths, 1, NULL, err, &st);
	ck_assert_msg(s != NULL, "%s", err);
	n = count_frames(s, dlts);
	ck_assert_int_eq(n, 4);
	ck_assert_int_eq(dlts[0], 1);
	ck_assert_int_eq(dlts[1], 276);
	ck_assert_int_eq(dlts[2], 12);
	ck_assert_int_eq(dlts[3], 1);
	ck_assert_int_eq(source_interfaces(s, &ifs), 3);
	ck_assert_str_eq(ifs[0].name, "eth0");
	ck_assert_uint_eq(ifs[0].packets, 2);
	ck_assert_uint_eq(ifs[1].packets, 1);
	ck_assert_int_eq(ifs[2].index, 2);
	ck_assert_int_eq(ifs[2].dlt, 12);
	ck_assert_uint_eq(ifs[2].packets, 1);
	ck_assert_str_eq(ifs[2].ts_resolution, "10^-6");
	source_close(s);

	/* One filter per link type: port 443 on all three. */
	s = source_open_files(paths, 1, "tcp dst port 443", err, &st);
	ck_assert_msg(s != NULL, "%s", err);
	n = count_frames(s, dlts);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(source_interfaces(s, &ifs), 3);
	ck_assert_uint_eq(ifs[0].packets, 1);
	ck_assert_uint_eq(ifs[1].packets, 1);
	ck_assert_uint_eq(ifs[2].packets, 1);
	source_close(s);

	/* -w: one pcap file cannot hold them. */
	s = source_open_files(paths, 1, NULL, err, &st);
	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_int_eq(source_dump_open(s, "/dev/null", err), -1);
	ck_assert_msg(strstr(err, "one link type") != NULL, "%s", err);
	source_close(s);
	unlink(path);
	free(path);
}
END_TEST

/*
 * A pcapng file that describes no interface, and an empty file: the
 * source says so, and its interface list is empty (no copy from a NULL
 * list: UBSan caught that once, through the fuzzer).
 */
START_TEST(test_source_no_interfaces)
{
	struct ng g = { .n = 0 };
	char err[SOURCE_ERRBUF_SIZE], *path, *paths[2];
	const struct source_interface *ifs;
	enum source_status st;
	struct source *s;
	int dlts[2];

	shb(&g, 0);
	other_block(&g, 4, 8);
	path = temp_file(g.b, g.n);
	paths[0] = path;
	s = source_open_files(paths, 1, NULL, err, &st);
	ck_assert_msg(s != NULL, "%s", err);
	ck_assert_int_eq(count_frames(s, dlts), 0);
	ck_assert_int_eq(source_interfaces(s, &ifs), 0);
	source_close(s);
	unlink(path);
	free(path);

	path = temp_file("", 0);
	paths[0] = path;
	ck_assert_ptr_null(source_open_files(paths, 1, NULL, err, &st));
	ck_assert_int_eq(st, SOURCE_ERR_OPEN);
	ck_assert_msg(strstr(err, path) == err && strstr(err, "the file is "
	    "empty") != NULL, "%s", err);
	unlink(path);
	free(path);
}
END_TEST

Suite *
source_suite(void)
{
	Suite *s = suite_create("source");
	TCase *tc = tcase_create("pcapng");

	tcase_add_test(tc, test_pcapng_sections_and_orders);
	tcase_add_test(tc, test_pcapng_timestamp_resolutions);
	tcase_add_test(tc, test_pcapng_extreme_timestamps);
	tcase_add_test(tc, test_pcapng_skips_other_blocks);
	tcase_add_loop_test(tc, test_pcapng_hostile, 0, H_MAX);
	tcase_add_test(tc, test_pcapng_caplen_over_snaplen);
	tcase_add_test(tc, test_pcapng_too_many_interfaces);
	tcase_add_test(tc, test_pcapng_not_a_section);
	suite_add_tcase(s, tc);
	tc = tcase_create("stream");
	tcase_add_test(tc, test_stream_plain);
#ifdef HAVE_ZLIB
	tcase_add_test(tc, test_stream_gzip);
	tcase_add_test(tc, test_stream_gzip_ahead);
	tcase_add_test(tc, test_stream_ahead_bounded);
	tcase_add_test(tc, test_stream_take);
	tcase_add_test(tc, test_stream_take_ahead);
#endif
	tcase_add_test(tc, test_stream_unsupported);
	suite_add_tcase(s, tc);
	tc = tcase_create("source");
	tcase_add_test(tc, test_source_mixed_link_types);
	tcase_add_test(tc, test_source_no_interfaces);
	suite_add_tcase(s, tc);
	return s;
}
