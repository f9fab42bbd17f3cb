/*
 * The pcapng reader: see source_pcapng.h.
 *
 * A block is read whole into one buffer (grown to the largest block seen,
 * never past PCAPNG_MAX_BLOCK) with two fread()s, its header and the rest,
 * as libpcap does; then a bounded cursor walks it.  The buffer is the only
 * per-file allocation that depends on the input, besides one small record
 * per interface.
 *
 * Interfaces: each section (SHB) numbers its own from 0; the reader keeps
 * every interface of the file in one list (in the order described) and, for
 * the current section, the map from its numbers to that list.  So packets
 * of the second section's interface 0 are counted apart from the first
 * section's, as capinfos and tshark count them.
 *
 * Byte order is a property of the section: each SHB's byte-order magic sets
 * it for the blocks up to the next SHB.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "source_pcapng.h"
#include "xmalloc.h"

#define BT_SHB		0x0a0d0d0au
#define BT_IDB		0x00000001u
#define BT_PB		0x00000002u	/* obsolete Packet Block */
#define BT_SPB		0x00000003u
#define BT_EPB		0x00000006u
#define BYTE_ORDER_MAGIC 0x1a2b3c4du

#define OPT_ENDOFOPT	0
#define IF_NAME		2
#define IF_TSRESOL	9
#define IF_TSOFFSET	14

/* libpcap's MAXIMUM_SNAPLEN: no frame is longer. */
#define SNAPLEN_MAX	262144u

#define LINKTYPE_NFLOG	239

struct pcapng {
	FILE		*fp;
	uint8_t		*buf;		/* the block being read */
	size_t		 bufsize;
	uint64_t	 offset;	/* bytes of the file read */
	uint64_t	 block_off;	/* where the current block starts */
	bool		 big_endian;	/* this section's byte order */
	int		 section;	/* SHBs seen, less one */

	struct pcapng_interface *ifaces;	/* the whole file's */
	int		 nifaces;
	int		 ifaces_cap;
	int		*section_ifaces;	/* this section's numbers -> ifaces */
	int		 section_count;
	int		 section_cap;
	/* Per interface, as ifaces: its tick rate, for timestamps. */
	uint64_t	*units;

	/* pcapng_open() reads up to the first packet and keeps it here. */
	int		 pending;	/* 0 none, 1 a packet, -1 damage */
	bool		 at_end;
	struct pcapng_packet pending_pkt;
	char		 pending_err[PCAPNG_ERRBUF_SIZE];
};

bool
pcapng_magic(const uint8_t *head, size_t n)
{
	return n >= 4 && head[0] == 0x0a && head[1] == 0x0d &&
	    head[2] == 0x0d && head[3] == 0x0a;
}

static uint16_t
rd16(const struct pcapng *ng, const uint8_t *p)
{
	return ng->big_endian ? (uint16_t)(p[0] << 8 | p[1]) :
	    (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t
rd32_order(bool big_endian, const uint8_t *p)
{
	return big_endian ?
	    (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3] :
	    (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | (uint32_t)p[0];
}

static uint32_t
rd32(const struct pcapng *ng, const uint8_t *p)
{
	return rd32_order(ng->big_endian, p);
}

static uint64_t
rd64(const struct pcapng *ng, const uint8_t *p)
{
	uint64_t lo = rd32(ng, p), hi = rd32(ng, p + 4);

	return ng->big_endian ? lo << 32 | hi : hi << 32 | lo;
}

int
pcapng_linktype_to_dlt(int linktype)
{
	/*
	 * The LINKTYPE_ values files hold equal the DLT_ values from 104 up
	 * and for the classic ones below 100; the rest were renumbered
	 * because platforms disagree on their DLT_ (tcpdump.org's
	 * linktypes list).  DLT_ values here are Linux libpcap's.
	 */
	switch (linktype) {
	case 100:	return 11;	/* ATM_RFC1483 */
	case 101:	return 12;	/* RAW */
	case 102:	return 15;	/* SLIP_BSDOS */
	case 103:	return 16;	/* PPP_BSDOS */
	case 106:	return 19;	/* ATM_CLIP */
	default:	return linktype;
	}
}

static void
damage(struct pcapng *ng, char *errbuf, const char *why)
{
	snprintf(errbuf, PCAPNG_ERRBUF_SIZE,
	    "damaged block at byte offset %llu: %s",
	    (unsigned long long)ng->block_off, why);
}

/*
 * n bytes from the file into p: 1, or 0 at the end of the file before the
 * first byte (when that is allowed), or -1 (errbuf says why).
 */
static int
read_exact(struct pcapng *ng, void *p, size_t n, bool eof_ok, size_t total,
    size_t done, char *errbuf)
{
	size_t got = fread(p, 1, n, ng->fp);

	ng->offset += got;
	if (got == n)
		return 1;
	if (ferror(ng->fp)) {
		snprintf(errbuf, PCAPNG_ERRBUF_SIZE,
		    "read error in the block at byte offset %llu",
		    (unsigned long long)ng->block_off);
		return -1;
	}
	if (got == 0 && eof_ok)
		return 0;
	snprintf(errbuf, PCAPNG_ERRBUF_SIZE, "truncated block at byte offset "
	    "%llu: the file ends after %zu of its %zu bytes",
	    (unsigned long long)ng->block_off, done + got, total);
	return -1;
}

/*
 * The next block into ng->buf: 1 with *type and *len (the whole block,
 * header and trailer included, all in buf), 0 at the end, -1 on damage.
 */
static int
read_block(struct pcapng *ng, uint32_t *type, uint32_t *len, char *errbuf)
{
	uint8_t hdr[12];
	size_t have = 8;
	uint32_t total;
	int r;

	ng->block_off = ng->offset;
	if ((r = read_exact(ng, hdr, 8, true, 8, 0, errbuf)) <= 0)
		return r;
	*type = rd32(ng, hdr);
	if (*type == BT_SHB) {
		uint32_t bom;

		/* Its byte-order magic says how to read its length. */
		if (read_exact(ng, hdr + 8, 4, false, 12, 8, errbuf) < 0)
			return -1;
		have = 12;
		bom = rd32_order(false, hdr + 8);
		if (bom == BYTE_ORDER_MAGIC)
			ng->big_endian = false;
		else if (rd32_order(true, hdr + 8) == BYTE_ORDER_MAGIC)
			ng->big_endian = true;
		else {
			damage(ng, errbuf, "a section header with a bad "
			    "byte-order magic");
			return -1;
		}
	}
	total = rd32(ng, hdr + 4);
	if (total < 12 || total % 4 != 0 || (*type == BT_SHB && total < 28)) {
		char why[96];

		snprintf(why, sizeof why, "block length %u (below %u, or not "
		    "a multiple of 4)", total, *type == BT_SHB ? 28u : 12u);
		damage(ng, errbuf, why);
		return -1;
	}
	if (total > PCAPNG_MAX_BLOCK) {
		char why[96];

		snprintf(why, sizeof why, "block length %u, over the limit "
		    "of %u", total, PCAPNG_MAX_BLOCK);
		damage(ng, errbuf, why);
		return -1;
	}
	if (total > ng->bufsize) {
		size_t n = ng->bufsize;

		while (n < total)
			n *= 2;
		ng->buf = xreallocarray(ng->buf, n, 1);
		ng->bufsize = n;
	}
	memcpy(ng->buf, hdr, have);
	if (read_exact(ng, ng->buf + have, total - have, false, total, have,
	    errbuf) < 0)
		return -1;
	if (rd32(ng, ng->buf + total - 4) != total) {
		damage(ng, errbuf, "the lengths at its start and its end differ");
		return -1;
	}
	*len = total;
	return 1;
}

/* Keep only printable ASCII of an untrusted name. */
static char *
copy_name(const uint8_t *p, size_t n)
{
	char *s;
	size_t i;

	while (n > 0 && p[n - 1] == '\0')	/* some writers add a NUL */
		n--;
	if (n > PCAPNG_MAX_NAME)
		n = PCAPNG_MAX_NAME;
	s = xmalloc(n + 1);
	for (i = 0; i < n; i++)
		s[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '?';
	s[n] = '\0';
	return s;
}

/* An interface's ticks per second from if_tsresol; 0 if unusable. */
static uint64_t
tsresol_units(uint8_t r)
{
	uint64_t u = 1;
	int i;

	if (r & 0x80)
		return (r & 0x7f) <= 63 ? (uint64_t)1 << (r & 0x7f) : 0;
	if (r > 19)		/* 10^20 does not fit in 64 bits */
		return 0;
	for (i = 0; i < r; i++)
		u *= 10;
	return u;
}

/* An IDB's options, from body (after the fixed part) to end. */
static int
idb_options(struct pcapng *ng, const uint8_t *p, const uint8_t *end,
    struct pcapng_interface *ifc, char *errbuf)
{
	bool saw_tsresol = false, saw_tsoffset = false;

	/* Each option takes 4 bytes or more: the loop ends. */
	while (end - p >= 4) {
		uint16_t code = rd16(ng, p), olen = rd16(ng, p + 2);
		size_t padded = ((size_t)olen + 3) & ~(size_t)3;
		char why[96];

		p += 4;
		if (padded > (size_t)(end - p)) {
			snprintf(why, sizeof why, "interface option %u of %u "
			    "bytes runs past its block", code, olen);
			damage(ng, errbuf, why);
			return -1;
		}
		switch (code) {
		case OPT_ENDOFOPT:
			return 0;
		case IF_NAME:
			if (ifc->name == NULL)
				ifc->name = copy_name(p, olen);
			break;
		case IF_TSRESOL:
			if (olen != 1 || saw_tsresol) {
				damage(ng, errbuf, olen != 1 ? "if_tsresol "
				    "of a length other than 1" :
				    "two if_tsresol options");
				return -1;
			}
			saw_tsresol = true;
			ifc->tsresol = p[0];
			if (tsresol_units(p[0]) == 0) {
				snprintf(why, sizeof why, "if_tsresol %s%u is "
				    "too fine", p[0] & 0x80 ? "2^-" : "10^-",
				    p[0] & 0x7f);
				damage(ng, errbuf, why);
				return -1;
			}
			break;
		case IF_TSOFFSET:
			if (olen != 8 || saw_tsoffset) {
				damage(ng, errbuf, olen != 8 ? "if_tsoffset "
				    "of a length other than 8" :
				    "two if_tsoffset options");
				return -1;
			}
			saw_tsoffset = true;
			ifc->tsoffset = (int64_t)rd64(ng, p);
			break;
		default:
			break;
		}
		p += padded;
	}
	return 0;
}

static int
add_interface(struct pcapng *ng, const uint8_t *body, size_t n,
    char *errbuf)
{
	struct pcapng_interface ifc;

	if (n < 8) {
		damage(ng, errbuf, "an interface description shorter than "
		    "its fixed part");
		return -1;
	}
	if (ng->nifaces == PCAPNG_MAX_INTERFACES) {
		char why[96];

		snprintf(why, sizeof why, "more than %d interface "
		    "descriptions", PCAPNG_MAX_INTERFACES);
		damage(ng, errbuf, why);
		return -1;
	}
	memset(&ifc, 0, sizeof ifc);
	ifc.linktype = rd16(ng, body);
	ifc.dlt = pcapng_linktype_to_dlt(ifc.linktype);
	ifc.snaplen = rd32(ng, body + 4);
	ifc.tsresol = 6;		/* the default: microseconds */
	ifc.section = ng->section;
	if (idb_options(ng, body + 8, body + n, &ifc, errbuf) != 0) {
		free(ifc.name);
		return -1;
	}
	if (ng->nifaces == ng->ifaces_cap) {
		ng->ifaces_cap = ng->ifaces_cap ? ng->ifaces_cap * 2 : 8;
		ng->ifaces = xreallocarray(ng->ifaces,
		    (size_t)ng->ifaces_cap, sizeof *ng->ifaces);
		ng->units = xreallocarray(ng->units, (size_t)ng->ifaces_cap,
		    sizeof *ng->units);
	}
	if (ng->section_count == ng->section_cap) {
		ng->section_cap = ng->section_cap ? ng->section_cap * 2 : 8;
		ng->section_ifaces = xreallocarray(ng->section_ifaces,
		    (size_t)ng->section_cap, sizeof *ng->section_ifaces);
	}
	ng->units[ng->nifaces] = tsresol_units(ifc.tsresol);
	ng->section_ifaces[ng->section_count++] = ng->nifaces;
	ng->ifaces[ng->nifaces++] = ifc;
	return 0;
}

static int
section_header(struct pcapng *ng, const uint8_t *body, size_t n,
    char *errbuf)
{
	uint16_t major = rd16(ng, body + 4), minor = rd16(ng, body + 6);

	(void)n;		/* read_block() checked the 16 bytes */
	/*
	 * 1.0 is the format; 1.2 is written by some programs for the same
	 * thing (libpcap reads both and nothing else).
	 */
	if (major != 1 || (minor != 0 && minor != 2)) {
		snprintf(errbuf, PCAPNG_ERRBUF_SIZE, "unsupported pcapng "
		    "version %u.%u (the section at byte offset %llu)", major,
		    minor, (unsigned long long)ng->block_off);
		return -1;
	}
	if (ng->block_off != 0)
		ng->section++;
	ng->section_count = 0;		/* its own interfaces follow */
	return 0;
}

/*
 * Nanoseconds since the epoch, as libpcap computes them for a pcap_t
 * opened with nanosecond precision and transcope then takes them: whole
 * seconds plus the offset, the fraction scaled down by integer division,
 * and a time before 1970 as 0.
 */
static uint64_t
packet_ns(const struct pcapng *ng, int i, uint64_t t)
{
	const struct pcapng_interface *ifc = &ng->ifaces[i];
	uint64_t units = ng->units[i], sec, frac;
	int64_t ssec;

	sec = t / units + (uint64_t)ifc->tsoffset;
	frac = t % units;
	if (ifc->tsresol & 0x80) {
		unsigned k = ifc->tsresol & 0x7f;

		/* frac < 2^k: keep the product under 2^64. */
		if (k <= 34)
			frac = frac * 1000000000u >> k;
		else
			frac = (frac >> (k - 34)) * 1000000000u >> 34;
	} else if (units <= 1000000000u)
		frac *= 1000000000u / units;
	else
		frac /= units / 1000000000u;
	ssec = (int64_t)sec;
	if (ssec < 0)
		return 0;
	return (uint64_t)ssec * 1000000000u + frac;
}

/*
 * NFLOG's TLV lengths and types are in the writer's byte order; turn
 * them into this host's, as libpcap does for a byte-swapped file.
 */
static void
nflog_swap(uint8_t *p, uint32_t caplen)
{
	uint32_t off = 4;		/* family, version, resource id */

	/* Each TLV takes 4 bytes or more: the loop ends. */
	while (off <= caplen && caplen - off >= 4) {
		uint8_t t;
		uint16_t tlen;

		t = p[off]; p[off] = p[off + 1]; p[off + 1] = t;
		t = p[off + 2]; p[off + 2] = p[off + 3]; p[off + 3] = t;
		memcpy(&tlen, p + off, sizeof tlen);	/* now host order */
		if (tlen < 4)
			break;
		tlen = (uint16_t)((tlen + 3) & ~3u);
		if (tlen > caplen - off)
			break;
		off += tlen;
	}
}

static bool
host_big_endian(void)
{
	const uint16_t one = 1;
	uint8_t first;

	memcpy(&first, &one, 1);
	return first == 0;
}

/* Which interface of the file a section's number is; -1 on damage. */
static int
section_iface(struct pcapng *ng, uint32_t id, char *errbuf)
{
	char why[128];

	if (id < (uint32_t)ng->section_count)
		return ng->section_ifaces[id];
	snprintf(why, sizeof why, "a packet of interface %u, but the section "
	    "describes %d interface%s", id, ng->section_count,
	    ng->section_count == 1 ? "" : "s");
	damage(ng, errbuf, why);
	return -1;
}

/* A packet block's fields into *pkt: 1, or -1 on damage. */
static int
packet_block(struct pcapng *ng, uint32_t type, uint8_t *body, size_t n,
    struct pcapng_packet *pkt, char *errbuf)
{
	size_t fixed = type == BT_SPB ? 4 : 20;
	uint32_t id, caplen, len, limit;
	uint64_t t = 0;
	int i;

	if (n < fixed) {
		damage(ng, errbuf, "a packet block shorter than its fixed "
		    "part");
		return -1;
	}
	if (type == BT_SPB) {
		id = 0;
		len = rd32(ng, body);
		caplen = len;
	} else {
		id = type == BT_PB ? rd16(ng, body) : rd32(ng, body);
		t = (uint64_t)rd32(ng, body + 4) << 32 | rd32(ng, body + 8);
		caplen = rd32(ng, body + 12);
		len = rd32(ng, body + 16);
	}
	if ((i = section_iface(ng, id, errbuf)) < 0)
		return -1;
	if (type == BT_SPB) {
		/* Its captured length is implied: what the block holds. */
		if (caplen > n - fixed)
			caplen = (uint32_t)(n - fixed);
	} else if (caplen > n - fixed) {
		char why[128];

		snprintf(why, sizeof why, "a packet of %u captured bytes in a "
		    "block with room for %zu", caplen, n - fixed);
		damage(ng, errbuf, why);
		return -1;
	}
	limit = ng->ifaces[i].snaplen;
	if (limit == 0 || limit > SNAPLEN_MAX)
		limit = SNAPLEN_MAX;
	if (caplen > limit)
		caplen = limit;
	pkt->data = body + fixed;
	pkt->caplen = caplen;
	pkt->len = len;
	pkt->ts_ns = packet_ns(ng, i, t);
	pkt->iface = i;
	if (ng->big_endian != host_big_endian() &&
	    ng->ifaces[i].dlt == LINKTYPE_NFLOG)
		nflog_swap(body + fixed, caplen);
	return 1;
}

/* Blocks up to the next packet: 1, 0 at the end, -1 on damage. */
static int
read_packet(struct pcapng *ng, struct pcapng_packet *pkt, char *errbuf)
{
	uint32_t type, len;
	int r;

	for (;;) {
		if ((r = read_block(ng, &type, &len, errbuf)) <= 0)
			return r;
		/* The body: after type and length, before the trailer. */
		switch (type) {
		case BT_SHB:
			if (section_header(ng, ng->buf + 8, len - 12,
			    errbuf) != 0)
				return -1;
			break;
		case BT_IDB:
			if (add_interface(ng, ng->buf + 8, len - 12,
			    errbuf) != 0)
				return -1;
			break;
		case BT_EPB:
		case BT_SPB:
		case BT_PB:
			return packet_block(ng, type, ng->buf + 8, len - 12,
			    pkt, errbuf);
		default:
			break;		/* not about packets: skipped */
		}
	}
}

struct pcapng *
pcapng_open(FILE *fp, char *errbuf)
{
	struct pcapng *ng = xcalloc(1, sizeof *ng);
	uint32_t type, len;
	int r;

	ng->fp = fp;
	ng->bufsize = 64 * 1024;
	ng->buf = xmalloc(ng->bufsize);
	r = read_block(ng, &type, &len, errbuf);
	if (r == 0)
		snprintf(errbuf, PCAPNG_ERRBUF_SIZE, "truncated: the file "
		    "ends before its first block");
	if (r > 0 && type != BT_SHB) {
		damage(ng, errbuf, "the file does not start with a section "
		    "header");
		r = -1;
	}
	if (r <= 0 || section_header(ng, ng->buf + 8, len - 12,
	    errbuf) != 0) {
		pcapng_close(ng);
		return NULL;
	}
	/* On to the first packet: the interfaces before it are known. */
	ng->pending = read_packet(ng, &ng->pending_pkt, ng->pending_err);
	if (ng->pending == 0) {
		ng->at_end = true;
		ng->pending = 0;
	}
	return ng;
}

int
pcapng_next(struct pcapng *ng, struct pcapng_packet *pkt, char *errbuf)
{
	if (ng->pending == 1) {
		ng->pending = 0;
		*pkt = ng->pending_pkt;
		return 1;
	}
	if (ng->pending < 0) {
		ng->pending = 0;
		ng->at_end = true;
		snprintf(errbuf, PCAPNG_ERRBUF_SIZE, "%s", ng->pending_err);
		return -1;
	}
	if (ng->at_end)
		return 0;
	switch (read_packet(ng, pkt, errbuf)) {
	case 1:
		return 1;
	case 0:
		ng->at_end = true;
		return 0;
	default:
		ng->at_end = true;
		return -1;
	}
}

int
pcapng_interface_count(const struct pcapng *ng)
{
	return ng->nifaces;
}

const struct pcapng_interface *
pcapng_interface(const struct pcapng *ng, int i)
{
	return &ng->ifaces[i];
}

uint64_t
pcapng_offset(const struct pcapng *ng)
{
	return ng->offset;
}

void
pcapng_close(struct pcapng *ng)
{
	int i;

	if (ng == NULL)
		return;
	for (i = 0; i < ng->nifaces; i++)
		free(ng->ifaces[i].name);
	free(ng->ifaces);
	free(ng->units);
	free(ng->section_ifaces);
	free(ng->buf);
	free(ng);
}
