/*
 * Capture bytes from plain or compressed files: see source_stream.h.
 *
 * Why libraries: each of these formats is a large, subtle specification
 * (deflate's Huffman tables, zstd's FSE and Huffman entropy stages, LZMA2's
 * range coder, the Burrows-Wheeler transform), and their reference
 * decoders are small, fast, fuzzed for years and on every Linux system
 * already.  transcope only drives them: one "step" function per format
 * that decodes from the input buffer into the caller's buffer.
 *
 * The shape of a compressed stream:
 *
 *	fd --read(2)--> in[] --step()--> window --stream_take()--> reader
 *	                               (or the FILE's buffer --fread--> reader)
 *
 * `in` holds at most STREAM_INBUF compressed bytes; the step writes into
 * the stream's window (win[], the size of the buffer a FILE would have,
 * 1 MiB), where stream_take() hands out pointers: the decompressed bytes
 * are written once and not copied again, but for the rare record across
 * the window's end (moved to its start before it is filled again).  A
 * stdio FILE, for the readers that want one, gets the same bytes copied
 * into its own buffer.  Every format may be concatenated (gzip members,
 * zstd and lz4 frames, xz streams, bzip2 streams, as `cat a.gz b.gz`
 * or pbzip2 make); a clean end is only at such a boundary, so a file cut
 * anywhere else is reported as truncated, never silently short.  A plain
 * file or pipe goes the same way with read(2) for the step.
 *
 * With stream_set_decode_ahead(true), a compressed regular file is
 * decoded by a thread of its own into a ring of STREAM_CHUNKS chunks, and
 * the window is the chunk the reader is in: on two CPUs the decoding then
 * overlaps the parsing and decoding of packets.  A chunk goes back to the
 * thread when the reader takes bytes past it (next_chunk()), so a pointer
 * stream_take() gave stays good until the next call.  Only the reader's
 * side touches cur, the window and raw_pos; the decoder's state is the
 * thread's until its last chunk is published, so stream_error() says
 * nothing before the reader has drained them.
 *
 * The first bytes of the file tell the format; for a compressed file the
 * first bytes of what it decompresses to are decoded at once too, so that
 * stream_head() can tell pcap from pcapng before the reader starts.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef HAVE_STDIO_EXT_H
#include <stdio_ext.h>
#endif

#ifdef HAVE_ISAL
#include <isa-l/igzip_lib.h>
#elif defined(HAVE_ZLIB)
#include <zlib.h>
#endif
#ifdef HAVE_ZSTD
#include <zstd.h>
#include <zstd_errors.h>
#endif
#ifdef HAVE_LZMA
#include <lzma.h>
#endif
#ifdef HAVE_BZIP2
#include <bzlib.h>
#endif
#ifdef HAVE_LZ4
#include <lz4frame.h>
#endif

#include "source_stream.h"
#include "xmalloc.h"

#define STREAM_INBUF	(256 * 1024)	/* compressed bytes per read(2) */
#define STREAM_CHUNKS	4		/* decoded ahead by the thread */
#define STREAM_CHUNK	(1024 * 1024)
/*
 * Streams decoded ahead at once, at most: each costs a thread and its
 * chunks (4 MiB, all touched once it runs ahead), so a merge of hundreds
 * of compressed files took hundreds of threads and as many times 4 MiB
 * (200 .gz files: 900 MB).  The streams opened after these decode in the
 * reader's thread; on the CPUs this is for, a few decoders keep it busy.
 */
#define STREAM_AHEAD_MAX	4

/* Decoded bytes the decoder thread hands the reader. */
struct stream_chunk {
	uint8_t		*buf;
	size_t		 len;
	uint64_t	 raw_pos;	/* compressed bytes consumed up to it */
	bool		 last;		/* the data ended or failed after it */
};
#define STREAM_MAGIC	8		/* bytes that tell a format */

struct codec;

struct stream {
	/*
	 * Decoded bytes in memory not yet handed out: in win[] (filled by
	 * stream_take()), in head[], or in the decoder thread's chunk
	 * (st->cur).  Whatever reads on (stream_take(), or a FILE made after
	 * it) takes these first.  First, for stream_window().
	 */
	struct stream_window w;
	enum stream_codec codec;
	const struct codec *c;		/* its decoder, if compressed */
	FILE		*fp;
	int		 fd;		/* what fp reads, for a cookie FILE */
	bool		 own_fd;	/* not standard input */
	bool		 regular;	/* a regular file, read from start */
	size_t		 bufsize;	/* fp's buffer, or the window's */
	char		*iobuf;		/* fp's buffer, freed after fp */

	uint8_t		*win;		/* the window, when not elsewhere */
	size_t		 win_size;
	bool		 taken;		/* stream_take() has been used */
	uint8_t		*prefix;	/* stream_file_resume(): given first */
	size_t		 prefix_len;
	size_t		 prefix_pos;

	/* A cookie FILE's input: compressed bytes, or a pipe's first bytes. */
	uint8_t		*in;
	size_t		 in_pos;
	size_t		 in_len;
	bool		 in_eof;	/* read(2) said end of file */
	uint64_t	 raw_read;	/* bytes read(2) from fd */

	/* The decoded head (stream_head()), handed out before the rest. */
	uint8_t		 head[STREAM_HEAD];
	size_t		 head_len;
	size_t		 head_pos;

	bool		 boundary;	/* between members/frames: may end */
	bool		 ended;		/* no more output, whatever follows */
	bool		 failed;
	uint64_t	 out_pos;	/* decoded bytes handed to stdio */
	char		 err[STREAM_ERRBUF_SIZE];

	/*
	 * A compressed regular file is decoded ahead by a thread of its own
	 * into a ring of chunks; cookie_read() copies from them.  The
	 * decoder's state above (in[], u, failed, ended) is then the
	 * thread's alone until it has published its last chunk.
	 */
	bool		 ahead;
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;
	struct stream_chunk chunks[STREAM_CHUNKS];
	uint64_t	 produced;	/* under lock: chunks filled */
	uint64_t	 consumed;	/* under lock: chunks given back */
	bool		 stop;		/* under lock: the reader has closed */
	struct stream_chunk *cur;	/* the reader's chunk, or NULL */
	size_t		 cur_pos;	/* bytes of it already taken */
	uint64_t	 raw_pos;	/* the reader's view of raw_consumed() */
	bool		 drained;	/* the reader took the last chunk */

	union {
#ifdef HAVE_ISAL
		struct {
			struct inflate_state s;
			struct isal_gzip_header hdr;	/* the member's */
			bool	 hdr_read;	/* so inflate the data */
		}		 isal;
#elif defined(HAVE_ZLIB)
		z_stream	 z;
#endif
#ifdef HAVE_ZSTD
		ZSTD_DCtx	*zs;
#endif
#ifdef HAVE_LZMA
		lzma_stream	 xz;
#endif
#ifdef HAVE_BZIP2
		bz_stream	 bz;
#endif
#ifdef HAVE_LZ4
		LZ4F_dctx	*lz4;
#endif
		int		 none;
	}		 u;
	bool		 decoder_live;	/* u holds a decoder to end */
};

/*
 * A format: how to recognise it, and its decoder.  step() decodes from
 * st->in[in_pos, in_len) into out (at most n bytes), advances in_pos, sets
 * *made and st->boundary (or st->ended); -1 with st->err set on damage.
 */
struct codec {
	enum stream_codec id;
	const char	*name;
	uint8_t		 magic[STREAM_MAGIC];
	size_t		 magic_len;
	int		(*init)(struct stream *);
	int		(*step)(struct stream *, uint8_t *out, size_t n,
			    size_t *made);
	void		(*end)(struct stream *);
	const char	*unsupported;	/* formats recognised only to say so */
};

static void
stream_fail(struct stream *st, const char *why)
{
	if (st->failed)
		return;
	st->failed = true;
	snprintf(st->err, sizeof st->err, "%s", why);
}

static void
read_failed(struct stream *st)
{
	char msg[96];

	snprintf(msg, sizeof msg, "read error: %s", strerror(errno));
	stream_fail(st, msg);
}

/* Where in the compressed file the decoder is, for messages. */
static uint64_t
raw_consumed(const struct stream *st)
{
	return st->raw_read - (uint64_t)(st->in_len - st->in_pos);
}

/* A window or dictionary over STREAM_MEMLIMIT: refused, not damaged. */
#define TOO_MUCH_MEMORY(codec)						\
	codec "-compressed data that needs more than 128 MiB of memory to "	\
	"decompress (a window or dictionary that large), which transcope "	\
	"refuses: decompress it first"

/*
 * Where in the file is not said: decoders find damage where a checksum
 * or a table fails, not where the bad bytes are.
 */
static void
stream_damaged(struct stream *st, const char *why)
{
	char msg[160];

	snprintf(msg, sizeof msg, "%s-compressed data is damaged: %s",
	    stream_codec_name(st->codec), why);
	stream_fail(st, msg);
}

/* ------------------------------------------------------------ gzip */

#ifdef HAVE_ISAL
/*
 * ISA-L's inflate, where configure found it: 1.3 to 2 times zlib's speed
 * on bench's captures (bulk.pcap.gz: 1.45 s of a CPU against 1.95 s;
 * short.pcap.gz: 0.30 s against 0.61 s), and decompressing is what a
 * .pcap.gz costs.  Members, trailing data and damage as with zlib below.
 */
static int
gzip_init(struct stream *st)
{
	memset(&st->u.isal, 0, sizeof st->u.isal);
	isal_inflate_init(&st->u.isal.s);
	isal_gzip_header_init(&st->u.isal.hdr);
	st->u.isal.hdr_read = false;
	return 0;
}

static int
gzip_step(struct stream *st, uint8_t *out, size_t n, size_t *made)
{
	struct inflate_state *z = &st->u.isal.s;
	const char *why;
	int r;

	if (st->boundary) {
		if (st->in_pos == st->in_len) {
			*made = 0;
			return 0;
		}
		if (st->in[st->in_pos] != 0x1f) {
			st->ended = true;
			*made = 0;
			return 0;
		}
		isal_inflate_reset(z);
		isal_gzip_header_init(&st->u.isal.hdr);
		st->u.isal.hdr_read = false;
		st->boundary = false;
	}
	z->next_in = st->in + st->in_pos;
	z->avail_in = (uint32_t)(st->in_len - st->in_pos);
	z->next_out = out;
	z->avail_out = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	/*
	 * The member's header is read here, into a header record of ours
	 * (names, comments and extra fields not kept), and only the deflate
	 * data and trailer by isal_inflate(): left to isal_inflate() (crc_flag
	 * ISAL_GZIP) the header is read into a record of its own that it
	 * leaves partly unset (valgrind sees decisions on it).
	 */
	if (!st->u.isal.hdr_read) {
		r = isal_read_gzip_header(z, &st->u.isal.hdr);
		st->in_pos = st->in_len - z->avail_in;
		*made = 0;
		if (r == ISAL_END_INPUT)
			return 0;		/* more input, or a short file */
		if (r != ISAL_DECOMP_OK)
			goto damaged;
		st->u.isal.hdr_read = true;
		z->crc_flag = ISAL_GZIP_NO_HDR_VER;	/* trailer and CRC */
	}
	r = isal_inflate(z);
	st->in_pos = st->in_len - z->avail_in;
	*made = (size_t)(z->next_out - out);
	if (r == ISAL_DECOMP_OK) {
		/* A member ends with its trailer checked. */
		if (z->block_state == ISAL_BLOCK_FINISH)
			st->boundary = true;
		return 0;
	}
	switch (r) {
	case ISAL_INVALID_BLOCK:	why = "invalid block"; break;
	case ISAL_INVALID_SYMBOL:	why = "invalid code"; break;
	case ISAL_INVALID_LOOKBACK:	why = "invalid distance"; break;
	case ISAL_INVALID_WRAPPER:	why = "incorrect header"; break;
	case ISAL_UNSUPPORTED_METHOD:	why = "unknown compression method";
		break;
	case ISAL_INCORRECT_CHECKSUM:	why = "incorrect data check"; break;
	default:			why = "invalid data"; break;
	}
	stream_damaged(st, why);
	return -1;
damaged:
	switch (r) {
	case ISAL_UNSUPPORTED_METHOD:	why = "unknown compression method";
		break;
	case ISAL_INCORRECT_CHECKSUM:	why = "incorrect header check"; break;
	default:			why = "incorrect header"; break;
	}
	stream_damaged(st, why);
	return -1;
}

static void
gzip_end(struct stream *st)
{
	(void)st;		/* ISA-L's state holds no memory of its own */
}
#elif defined(HAVE_ZLIB)
static int
gzip_init(struct stream *st)
{
	memset(&st->u.z, 0, sizeof st->u.z);
	/* 15: the largest window; + 16: the gzip wrapper, not zlib's. */
	if (inflateInit2(&st->u.z, 15 + 16) != Z_OK) {
		stream_fail(st, "cannot start zlib's decoder");
		return -1;
	}
	return 0;
}

static int
gzip_step(struct stream *st, uint8_t *out, size_t n, size_t *made)
{
	z_stream *z = &st->u.z;
	int r;

	if (st->boundary) {
		/*
		 * A member ended.  Another may follow (gzip -c a b, pigz);
		 * anything else is trailing data, which gzip ignores too.
		 */
		if (st->in_pos == st->in_len) {
			*made = 0;
			return 0;
		}
		if (st->in[st->in_pos] != 0x1f) {
			st->ended = true;
			*made = 0;
			return 0;
		}
		inflateReset(z);
		st->boundary = false;
	}
	z->next_in = st->in + st->in_pos;
	z->avail_in = (uInt)(st->in_len - st->in_pos);
	z->next_out = out;
	z->avail_out = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
	r = inflate(z, Z_NO_FLUSH);
	st->in_pos = st->in_len - z->avail_in;
	*made = (size_t)(z->next_out - out);
	switch (r) {
	case Z_OK:
	case Z_BUF_ERROR:		/* no progress possible: more input */
		return 0;
	case Z_STREAM_END:
		st->boundary = true;
		return 0;
	case Z_MEM_ERROR:
		stream_fail(st, "zlib: out of memory");
		return -1;
	default:
		stream_damaged(st, z->msg != NULL ? z->msg : "invalid data");
		return -1;
	}
}

static void
gzip_end(struct stream *st)
{
	inflateEnd(&st->u.z);
}
#endif

/* ------------------------------------------------------------ zstd */

#ifdef HAVE_ZSTD
static int
zstd_init(struct stream *st)
{
	int wlog = 0;

	if ((st->u.zs = ZSTD_createDCtx()) == NULL) {
		stream_fail(st, "cannot start zstd's decoder");
		return -1;
	}
	/* The window, zstd's memory, at most STREAM_MEMLIMIT. */
	while ((1u << (wlog + 1)) <= STREAM_MEMLIMIT)
		wlog++;
	ZSTD_DCtx_setParameter(st->u.zs, ZSTD_d_windowLogMax, wlog);
	return 0;
}

static int
zstd_step(struct stream *st, uint8_t *out, size_t n, size_t *made)
{
	ZSTD_inBuffer in = { st->in + st->in_pos, st->in_len - st->in_pos, 0 };
	ZSTD_outBuffer o = { out, n, 0 };
	size_t r = ZSTD_decompressStream(st->u.zs, &o, &in);

	st->in_pos += in.pos;
	*made = o.pos;
	if (ZSTD_isError(r)) {
		if (ZSTD_getErrorCode(r) ==
		    ZSTD_error_frameParameter_windowTooLarge)
			stream_fail(st, TOO_MUCH_MEMORY("zstd"));
		else
			stream_damaged(st, ZSTD_getErrorName(r));
		return -1;
	}
	/*
	 * 0: a frame is complete and flushed; the next may begin.  A call
	 * that did nothing (no input left) says what a next frame would
	 * need, which changes nothing.
	 */
	if (in.pos > 0 || o.pos > 0)
		st->boundary = r == 0;
	return 0;
}

static void
zstd_end(struct stream *st)
{
	ZSTD_freeDCtx(st->u.zs);
}
#endif

/* ------------------------------------------------------------ xz */

#ifdef HAVE_LZMA
static int
xz_init(struct stream *st)
{
	static const lzma_stream init = LZMA_STREAM_INIT;

	st->u.xz = init;
	/* Concatenated: streams one after another, with padding. */
	if (lzma_stream_decoder(&st->u.xz, STREAM_MEMLIMIT,
	    LZMA_CONCATENATED) != LZMA_OK) {
		stream_fail(st, "cannot start liblzma's decoder");
		return -1;
	}
	return 0;
}

static int
xz_step(struct stream *st, uint8_t *out, size_t n, size_t *made)
{
	lzma_stream *x = &st->u.xz;
	lzma_ret r;

	x->next_in = st->in + st->in_pos;
	x->avail_in = st->in_len - st->in_pos;
	x->next_out = out;
	x->avail_out = n;
	/* Only told the input is over can it tell a clean end. */
	r = lzma_code(x, st->in_eof ? LZMA_FINISH : LZMA_RUN);
	st->in_pos = st->in_len - x->avail_in;
	*made = n - x->avail_out;
	switch (r) {
	case LZMA_OK:
		return 0;
	case LZMA_STREAM_END:
		st->ended = true;
		return 0;
	case LZMA_BUF_ERROR:
		/* No progress: more input, or (at its end) a short file. */
		return 0;
	case LZMA_MEMLIMIT_ERROR:
		stream_fail(st, TOO_MUCH_MEMORY("xz"));
		return -1;
	case LZMA_MEM_ERROR:
		stream_fail(st, "liblzma: out of memory");
		return -1;
	case LZMA_FORMAT_ERROR:
		stream_damaged(st, "not in the xz format");
		return -1;
	case LZMA_OPTIONS_ERROR:
		stream_damaged(st, "unsupported options");
		return -1;
	default:
		stream_damaged(st, "compressed data is corrupt");
		return -1;
	}
}

static void
xz_end(struct stream *st)
{
	lzma_end(&st->u.xz);
}
#endif

/* ------------------------------------------------------------ bzip2 */

#ifdef HAVE_BZIP2
static int
bzip2_init(struct stream *st)
{
	memset(&st->u.bz, 0, sizeof st->u.bz);
	if (BZ2_bzDecompressInit(&st->u.bz, 0, 0) != BZ_OK) {
		stream_fail(st, "cannot start libbz2's decoder");
		return -1;
	}
	return 0;
}

static int
bzip2_step(struct stream *st, uint8_t *out, size_t n, size_t *made)
{
	bz_stream *bz = &st->u.bz;
	int r;

	if (st->boundary) {
		/* Another stream (pbzip2, cat), or trailing data, ignored. */
		if (st->in_pos == st->in_len) {
			*made = 0;
			return 0;
		}
		if (st->in[st->in_pos] != 'B') {
			st->ended = true;
			*made = 0;
			return 0;
		}
		BZ2_bzDecompressEnd(bz);
		memset(bz, 0, sizeof *bz);
		if (BZ2_bzDecompressInit(bz, 0, 0) != BZ_OK) {
			st->decoder_live = false;
			stream_fail(st, "cannot start libbz2's decoder");
			return -1;
		}
		st->boundary = false;
	}
	bz->next_in = (char *)(st->in + st->in_pos);
	bz->avail_in = (unsigned)(st->in_len - st->in_pos);
	bz->next_out = (char *)out;
	bz->avail_out = n > UINT32_MAX ? UINT32_MAX : (unsigned)n;
	r = BZ2_bzDecompress(bz);
	st->in_pos = st->in_len - bz->avail_in;
	*made = (size_t)((uint8_t *)bz->next_out - out);
	switch (r) {
	case BZ_OK:
		return 0;
	case BZ_STREAM_END:
		st->boundary = true;
		return 0;
	case BZ_MEM_ERROR:
		stream_fail(st, "libbz2: out of memory");
		return -1;
	case BZ_DATA_ERROR_MAGIC:
		stream_damaged(st, "not in the bzip2 format");
		return -1;
	default:
		stream_damaged(st, "data integrity error");
		return -1;
	}
}

static void
bzip2_end(struct stream *st)
{
	BZ2_bzDecompressEnd(&st->u.bz);
}
#endif

/* ------------------------------------------------------------ lz4 */

#ifdef HAVE_LZ4
static int
lz4_init(struct stream *st)
{
	if (LZ4F_isError(LZ4F_createDecompressionContext(&st->u.lz4,
	    LZ4F_VERSION))) {
		stream_fail(st, "cannot start lz4's decoder");
		return -1;
	}
	return 0;
}

static int
lz4_step(struct stream *st, uint8_t *out, size_t n, size_t *made)
{
	size_t dst = n, src = st->in_len - st->in_pos;
	size_t r = LZ4F_decompress(st->u.lz4, out, &dst, st->in + st->in_pos,
	    &src, NULL);

	st->in_pos += src;
	*made = dst;
	if (LZ4F_isError(r)) {
		stream_damaged(st, LZ4F_getErrorName(r));
		return -1;
	}
	/* 0: a frame is complete; the context starts the next by itself. */
	if (src > 0 || dst > 0)
		st->boundary = r == 0;
	return 0;
}

static void
lz4_end(struct stream *st)
{
	LZ4F_freeDecompressionContext(st->u.lz4);
}
#endif

/* ------------------------------------------------------------ formats */

#define NO_DECODER	NULL, NULL, NULL

static const struct codec codecs[] = {
	{ STREAM_GZIP, "gzip", { 0x1f, 0x8b }, 2,
#if defined(HAVE_ISAL) || defined(HAVE_ZLIB)
	    gzip_init, gzip_step, gzip_end, NULL },
#else
	    NO_DECODER, NULL },
#endif
	{ STREAM_ZSTD, "zstd", { 0x28, 0xb5, 0x2f, 0xfd }, 4,
#ifdef HAVE_ZSTD
	    zstd_init, zstd_step, zstd_end, NULL },
#else
	    NO_DECODER, NULL },
#endif
	{ STREAM_XZ, "xz", { 0xfd, '7', 'z', 'X', 'Z', 0x00 }, 6,
#ifdef HAVE_LZMA
	    xz_init, xz_step, xz_end, NULL },
#else
	    NO_DECODER, NULL },
#endif
	{ STREAM_BZIP2, "bzip2", { 'B', 'Z', 'h' }, 3,
#ifdef HAVE_BZIP2
	    bzip2_init, bzip2_step, bzip2_end, NULL },
#else
	    NO_DECODER, NULL },
#endif
	{ STREAM_LZ4, "lz4", { 0x04, 0x22, 0x4d, 0x18 }, 4,
#ifdef HAVE_LZ4
	    lz4_init, lz4_step, lz4_end, NULL },
#else
	    NO_DECODER, NULL },
#endif
	/* Recognised to say so clearly, rather than "unknown format". */
	{ STREAM_PLAIN, "lz4 legacy", { 0x02, 0x21, 0x4c, 0x18 }, 4,
	    NO_DECODER, "lz4-compressed in the legacy format (lz4 -l), which "
	    "transcope does not read: decompress it first (lz4 -d)" },
	{ STREAM_PLAIN, "compress", { 0x1f, 0x9d }, 2,
	    NO_DECODER, "compressed with compress(1) (.Z), which transcope "
	    "does not read: decompress it first (gzip -d)" },
};

const char *
stream_codec_name(enum stream_codec c)
{
	size_t i;

	if (c == STREAM_PLAIN)
		return NULL;
	for (i = 0; i < sizeof codecs / sizeof codecs[0]; i++)
		if (codecs[i].id == c)
			return codecs[i].name;
	return NULL;
}

static const struct codec *
codec_of(const uint8_t *head, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof codecs / sizeof codecs[0]; i++)
		if (n >= codecs[i].magic_len &&
		    memcmp(head, codecs[i].magic, codecs[i].magic_len) == 0)
			return &codecs[i];
	/*
	 * A skippable frame (magic 0x184D2A50 to 0x184D2A5F, little-endian)
	 * first: pzstd writes one before each frame, and zstd's decoder
	 * skips them.  lz4's format has the same frames, but no lz4 tool
	 * writes one first; such a file is told damaged zstd, not unknown.
	 */
	if (n >= 4 && (head[0] & 0xf0) == 0x50 && head[1] == 0x2a &&
	    head[2] == 0x4d && head[3] == 0x18)
		for (i = 0; i < sizeof codecs / sizeof codecs[0]; i++)
			if (codecs[i].id == STREAM_ZSTD)
				return &codecs[i];
	return NULL;
}

/* ------------------------------------------------------------ reading */

/* More compressed bytes into in[]; -1 on a read error. */
static int
refill(struct stream *st)
{
	ssize_t n;

	do
		n = read(st->fd, st->in, STREAM_INBUF);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		read_failed(st);
		return -1;
	}
	st->in_pos = 0;
	st->in_len = (size_t)n;
	st->raw_read += (uint64_t)n;
	if (n == 0)
		st->in_eof = true;
	return 0;
}

/*
 * Decode into buf until it is full, the data ends or is damaged: the
 * bytes decoded before damage are returned first, the failure on the
 * next call.
 */
static size_t
decode(struct stream *st, uint8_t *buf, size_t size)
{
	const struct codec *c = st->c;
	size_t got = 0, made, before;
	int r;

	while (got < size && !st->failed && !st->ended) {
		if (st->in_pos == st->in_len && !st->in_eof &&
		    refill(st) != 0)
			break;
		before = st->in_pos;
		made = 0;
		r = c->step(st, buf + got, size - got, &made);
		got += made;		/* what came before damage counts */
		if (r != 0)
			break;
		if (made > 0 || st->in_pos != before || st->ended)
			continue;
		/* No progress: more input, a clean end, or a short file. */
		if (st->in_pos < st->in_len)
			stream_damaged(st, "the decoder cannot go on");
		else if (!st->in_eof)
			continue;
		else if (st->boundary)
			st->ended = true;
		else {
			char msg[96];

			snprintf(msg, sizeof msg, "%s-compressed data ends "
			    "early: the file is truncated", c->name);
			stream_fail(st, msg);
		}
	}
	return got;
}

/*
 * Plain bytes: a pipe's first ones (read to tell the format), then
 * read(2) of the pipe or file.
 */
static size_t
passthrough(struct stream *st, uint8_t *buf, size_t size)
{
	size_t got = 0;
	ssize_t n;

	if (st->in_pos < st->in_len) {
		got = st->in_len - st->in_pos;
		if (got > size)
			got = size;
		memcpy(buf, st->in + st->in_pos, got);
		st->in_pos += got;
	} else if (!st->in_eof) {
		do
			n = read(st->fd, buf, size);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			read_failed(st);
		else if (n == 0)
			st->in_eof = true;
		else {
			got = (size_t)n;
			st->raw_read += got;
		}
	}
	return got;
}

/* The decoder thread: fill chunks until the data ends or fails. */
static void *
decoder_main(void *arg)
{
	struct stream *st = arg;
	struct stream_chunk *ch;
	bool last = false;

	while (!last) {
		pthread_mutex_lock(&st->lock);
		while (st->produced - st->consumed == STREAM_CHUNKS &&
		    !st->stop)
			pthread_cond_wait(&st->cond, &st->lock);
		if (st->stop) {
			pthread_mutex_unlock(&st->lock);
			break;
		}
		ch = &st->chunks[st->produced % STREAM_CHUNKS];
		pthread_mutex_unlock(&st->lock);

		ch->len = decode(st, ch->buf, STREAM_CHUNK);
		ch->raw_pos = raw_consumed(st);
		ch->last = last = st->failed || st->ended;

		pthread_mutex_lock(&st->lock);
		st->produced++;
		pthread_cond_broadcast(&st->cond);
		pthread_mutex_unlock(&st->lock);
	}
	return NULL;
}

/*
 * The reader's side of the decoder thread: the next decoded chunk becomes
 * the window, once the one before (if any) is given back.  false at the
 * end of the data; the chunk may be empty.  Giving a chunk back is what
 * makes a pointer into it (from stream_take()) invalid, which is why it
 * waits for the next call.
 */
static bool
next_chunk(struct stream *st)
{
	struct stream_chunk *ch = st->cur;

	if (ch != NULL) {
		if (ch->last)
			st->drained = true;
		pthread_mutex_lock(&st->lock);
		st->consumed++;
		pthread_cond_broadcast(&st->cond);
		pthread_mutex_unlock(&st->lock);
		st->cur = NULL;
	}
	if (st->drained)
		return false;
	pthread_mutex_lock(&st->lock);
	while (st->produced == st->consumed)
		pthread_cond_wait(&st->cond, &st->lock);
	ch = st->cur = &st->chunks[st->consumed % STREAM_CHUNKS];
	pthread_mutex_unlock(&st->lock);
	st->w.cp = ch->buf;
	st->w.cend = ch->buf + ch->len;
	st->raw_pos = ch->raw_pos;
	return true;
}

/*
 * Bytes not yet in memory, in the reader's thread: the pipe's or file's
 * own, or decoded ones.  (The decoded head is in the window already.)
 */
static size_t
produce(struct stream *st, uint8_t *buf, size_t size)
{
	if (st->codec == STREAM_PLAIN)
		return passthrough(st, buf, size);
	return decode(st, buf, size);
}

static ssize_t
cookie_read(void *cookie, char *buf, size_t size)
{
	struct stream *st = cookie;
	size_t got;

	if (st->prefix_pos < st->prefix_len) {
		got = st->prefix_len - st->prefix_pos;
		if (got > size)
			got = size;
		memcpy(buf, st->prefix + st->prefix_pos, got);
		st->prefix_pos += got;
		return (ssize_t)got;
	}
	if (st->ahead)
		while (st->w.cp == st->w.cend && next_chunk(st))
			;
	if (st->w.cp < st->w.cend) {
		got = (size_t)(st->w.cend - st->w.cp);
		if (got > size)
			got = size;
		memcpy(buf, st->w.cp, got);
		st->w.cp += got;
	} else if (st->ahead)
		got = 0;
	else
		got = produce(st, (uint8_t *)buf, size);
	st->out_pos += got;
	if (got > 0)
		return (ssize_t)got;
	if (st->failed) {
		errno = EIO;
		return -1;
	}
	return 0;
}

/*
 * stream_take() when the window holds fewer than n bytes: those are moved
 * to the start of win[] and more appended, from the decoder thread's
 * chunks (the window then goes on in the chunk) or read or decoded into
 * win[] itself (the window is the rest of win[]).
 */
const uint8_t *
stream_take_more(struct stream *st, size_t n, size_t *got)
{
	size_t have = (size_t)(st->w.cend - st->w.cp), k;

	if (st->win == NULL || n > st->win_size) {
		size_t size = n > st->bufsize ? n : st->bufsize;
		uint8_t *w = xmalloc(size);

		/* The window may be in the old win[] (or nowhere yet). */
		if (have > 0)
			memcpy(w, st->w.cp, have);
		free(st->win);
		st->win = w;
		st->win_size = size;
	} else if (have > 0)
		memmove(st->win, st->w.cp, have);
	st->taken = true;
	if (st->ahead) {
		st->w.cp = st->w.cend;
		while (have < n) {
			if (st->w.cp == st->w.cend) {
				if (!next_chunk(st))
					break;
				continue;
			}
			k = (size_t)(st->w.cend - st->w.cp);
			if (k > n - have)
				k = n - have;
			memcpy(st->win + have, st->w.cp, k);
			st->w.cp += k;
			have += k;
		}
		*got = have;
		return st->win;
	}
	while (have < n &&
	    (k = produce(st, st->win + have, st->win_size - have)) > 0)
		have += k;
	*got = have < n ? have : n;
	st->w.cp = st->win + *got;
	st->w.cend = st->win + have;
	return st->win;
}


/* Only ftell(): where the decoded stream is. */
static int
cookie_seek(void *cookie, off64_t *pos, int whence)
{
	struct stream *st = cookie;

	if ((whence == SEEK_CUR && *pos == 0) ||
	    (whence == SEEK_SET && (uint64_t)*pos == st->out_pos)) {
		*pos = (off64_t)st->out_pos;
		return 0;
	}
	errno = ESPIPE;
	return -1;
}

static int
cookie_close(void *cookie)
{
	(void)cookie;		/* stream_free() frees the state */
	return 0;
}

/* ------------------------------------------------------------ opening */

/* Up to STREAM_HEAD bytes from fd, fewer only at its end. */
static ssize_t
read_head(int fd, uint8_t *buf)
{
	size_t got = 0;
	ssize_t n;

	while (got < STREAM_HEAD) {
		n = read(fd, buf + got, STREAM_HEAD - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static void
set_buffer(struct stream *st, size_t bufsize)
{
	if (st->fp == stdin) {
		/*
		 * glibc ignores the size unless given the buffer.  stdin
		 * outlives every stream, so its buffer must too.  setvbuf()
		 * fails only if I/O has started (stdin named twice): the
		 * default then serves.
		 */
		static char stdin_buf[1024 * 1024];

		(void)setvbuf(st->fp, stdin_buf, _IOFBF, sizeof stdin_buf);
	} else {
		st->iobuf = xmalloc(bufsize);
		(void)setvbuf(st->fp, st->iobuf, _IOFBF, bufsize);
	}
#ifdef HAVE_STDIO_EXT_H
	/*
	 * The reader reads a record with two fread()s, each of which locks
	 * the stream once the process has a second thread.  Only one thread
	 * at a time ever reads a source (the reader thread, or main), so
	 * skip the locks.
	 */
	__fsetlocking(st->fp, FSETLOCKING_BYCALLER);
#endif
}

/* A compressed stream: its decoder, and the first decoded bytes. */
static int
start_decoder(struct stream *st, const struct codec *c, char *errbuf)
{
	size_t n = 0;

	if (c->init(st) != 0) {
		snprintf(errbuf, STREAM_ERRBUF_SIZE, "%s", st->err);
		return -1;
	}
	st->decoder_live = true;
	while (n < STREAM_HEAD && !st->failed && !st->ended) {
		size_t got = decode(st, st->head + n, STREAM_HEAD - n);

		if (got == 0)
			break;
		n += got;
	}
	st->head_len = n;
	/* Damage in the first bytes shows when they are read, as any other. */
	return 0;
}

static bool decode_ahead;
/* Streams with a decoder thread now; freed in the reader's thread too. */
static unsigned ahead_streams;

void
stream_set_decode_ahead(bool on)
{
	decode_ahead = on;
}

/*
 * Decode ahead in a thread; if none can start, or STREAM_AHEAD_MAX
 * streams have one, decode in the reader's.
 */
static void
start_ahead(struct stream *st)
{
	int i;

	if (__atomic_add_fetch(&ahead_streams, 1, __ATOMIC_RELAXED) >
	    STREAM_AHEAD_MAX) {
		__atomic_sub_fetch(&ahead_streams, 1, __ATOMIC_RELAXED);
		return;
	}
	pthread_mutex_init(&st->lock, NULL);
	pthread_cond_init(&st->cond, NULL);
	for (i = 0; i < STREAM_CHUNKS; i++)
		st->chunks[i].buf = xmalloc(STREAM_CHUNK);
	st->ahead = true;
	if (pthread_create(&st->thread, NULL, decoder_main, st) != 0) {
		st->ahead = false;
		for (i = 0; i < STREAM_CHUNKS; i++)
			free(st->chunks[i].buf);
		pthread_cond_destroy(&st->cond);
		pthread_mutex_destroy(&st->lock);
		__atomic_sub_fetch(&ahead_streams, 1, __ATOMIC_RELAXED);
	}
}

struct stream *
stream_open(const char *path, size_t bufsize, char *errbuf)
{
	struct stream *st = xcalloc(1, sizeof *st);
	const struct codec *c;
	uint8_t head[STREAM_HEAD];
	struct stat sb;
	off_t start;
	ssize_t n;

	st->fd = -1;
	st->bufsize = bufsize;
	if (strcmp(path, "-") == 0) {
		/* A terminal holds no capture: say so rather than wait. */
		if (isatty(STDIN_FILENO)) {
			snprintf(errbuf, STREAM_ERRBUF_SIZE, "standard input is "
			    "a terminal, not a capture: pipe one in or name a "
			    "file");
			free(st);
			return NULL;
		}
		st->fd = STDIN_FILENO;
	} else if ((st->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(errbuf, STREAM_ERRBUF_SIZE, "%s", strerror(errno));
		free(st);
		return NULL;
	} else
		st->own_fd = true;
	start = lseek(st->fd, 0, SEEK_CUR);
	if ((n = read_head(st->fd, head)) < 0) {
		snprintf(errbuf, STREAM_ERRBUF_SIZE, "%s", strerror(errno));
		stream_free(st);
		return NULL;
	}
	c = codec_of(head, (size_t)n);
	if (c != NULL && c->unsupported != NULL) {
		snprintf(errbuf, STREAM_ERRBUF_SIZE, "%s", c->unsupported);
		stream_free(st);
		return NULL;
	}
	if (c != NULL && c->init == NULL) {
		snprintf(errbuf, STREAM_ERRBUF_SIZE, "%s-compressed, and this "
		    "transcope was built without %s", c->name, c->name);
		stream_free(st);
		return NULL;
	}
	st->codec = c != NULL ? c->id : STREAM_PLAIN;
	st->c = c;
	/*
	 * A plain file that can be read again from where it started: read
	 * as it is, by the FILE (stream_file()) or by read(2) into the
	 * window (stream_take()).
	 */
	if (st->codec == STREAM_PLAIN && start >= 0 &&
	    fstat(st->fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    lseek(st->fd, start, SEEK_SET) == start) {
		st->regular = true;
		memcpy(st->head, head, (size_t)n);
		st->head_len = (size_t)n;
		st->head_pos = st->head_len;	/* already in the file */
		return st;
	}
	st->in = xmalloc(STREAM_INBUF);
	memcpy(st->in, head, (size_t)n);
	st->in_len = (size_t)n;
	st->raw_read = (uint64_t)n;
	if (n < STREAM_HEAD)
		st->in_eof = true;
	if (st->codec == STREAM_PLAIN) {
		memcpy(st->head, head, (size_t)n);
		st->head_len = (size_t)n;
		st->head_pos = st->head_len;	/* passthrough gives them */
		return st;
	}
	if (start_decoder(st, c, errbuf) != 0) {
		stream_free(st);
		return NULL;
	}
	/* The decoded head is the window's first bytes. */
	st->w.cp = st->head;
	st->w.cend = st->head + st->head_len;
	st->head_pos = st->head_len;
	if (decode_ahead && fstat(st->fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    !st->failed && !st->ended)
		start_ahead(st);
	return st;
}

/* The FILE, the first time it is asked for. */
static int
make_file(struct stream *st)
{
	static const cookie_io_functions_t io = {
		cookie_read, NULL, cookie_seek, cookie_close
	};

	if (st->regular && !st->taken && st->prefix == NULL) {
		/* The file itself: nothing between the reader and read(2). */
		if (st->fd == STDIN_FILENO)
			st->fp = stdin;
		else if ((st->fp = fdopen(st->fd, "rb")) == NULL)
			return -1;
		st->own_fd = false;	/* the FILE has it now */
	} else if ((st->fp = fopencookie(st, "rb", io)) == NULL)
		return -1;
	set_buffer(st, st->bufsize);
	return 0;
}

FILE *
stream_file(struct stream *st)
{
	if (st->fp == NULL && make_file(st) != 0)
		return NULL;
	return st->fp;
}

FILE *
stream_file_resume(struct stream *st, const uint8_t *prefix, size_t n)
{
	if (st->fp != NULL)
		return NULL;
	st->prefix = xmalloc(n > 0 ? n : 1);
	memcpy(st->prefix, prefix, n);
	st->prefix_len = n;
	st->prefix_pos = 0;
	return stream_file(st);
}

enum stream_codec
stream_codec(const struct stream *st)
{
	return st->codec;
}

size_t
stream_head(const struct stream *st, const uint8_t **head)
{
	*head = st->head;
	return st->head_len;
}

const char *
stream_error(const struct stream *st)
{
	/* Decoding ahead, the reader knows of failure only at the end. */
	if (st->ahead && !st->drained)
		return NULL;
	return st->failed ? st->err : NULL;
}

uint64_t
stream_position(const struct stream *st)
{
	long off;

	if (st->regular && st->fp != NULL && st->prefix == NULL &&
	    !st->taken) {
		/* The FILE reads the file itself. */
		off = ftell(st->fp);
		return off > 0 ? (uint64_t)off : 0;
	}
	if (st->codec == STREAM_PLAIN)
		return st->raw_read - (uint64_t)(st->w.cend - st->w.cp);
	return st->ahead ? st->raw_pos : raw_consumed(st);
}

void
stream_free(struct stream *st)
{
	if (st == NULL)
		return;
	if (st->ahead) {
		int i;

		pthread_mutex_lock(&st->lock);
		st->stop = true;
		pthread_cond_broadcast(&st->cond);
		pthread_mutex_unlock(&st->lock);
		pthread_join(st->thread, NULL);
		pthread_cond_destroy(&st->cond);
		pthread_mutex_destroy(&st->lock);
		for (i = 0; i < STREAM_CHUNKS; i++)
			free(st->chunks[i].buf);
		__atomic_sub_fetch(&ahead_streams, 1, __ATOMIC_RELAXED);
	}
	if (st->decoder_live)
		st->c->end(st);
	if (st->own_fd)
		close(st->fd);
	free(st->iobuf);
	free(st->in);
	free(st->win);
	free(st->prefix);
	free(st);
}

void
stream_close(struct stream *st)
{
	if (st == NULL)
		return;
	if (st->fp != NULL && st->fp != stdin)
		fclose(st->fp);
	stream_free(st);
}
