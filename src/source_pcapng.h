/*
 * A pcapng reader: every pcapng file, including those whose interfaces have
 * different link types (Ethernet, Linux cooked and loopback in one file, as
 * `tshark -i any -i eth0` or Wireshark write), which libpcap refuses.  Each
 * packet comes with its own interface, and so its own link type, snapshot
 * length and timestamp resolution.
 *
 * It reads blocks (draft-ietf-opsawg-pcapng) from a stdio FILE: Section
 * Header Blocks (either byte order, any number of sections, each with its
 * own interfaces), Interface Description Blocks (link type, snaplen,
 * if_name, if_tsresol in powers of 10 or 2, if_tsoffset), Enhanced, Simple
 * and the obsolete Packet Blocks; every other block (name resolution,
 * statistics, decryption secrets, custom, unknown) is skipped whole.
 *
 * Every length is checked before use: a block's total length (at least 12,
 * a multiple of 4, at most PCAPNG_MAX_BLOCK, equal to the copy in its
 * trailer), each option's length against its block, a packet's captured
 * length against its block.  A packet longer than its interface's snapshot
 * length (or, without one, than 262144 bytes) is cut to it, as libpcap cuts
 * a pcap record.  A block that fails a check, a packet of an interface the
 * section has not described, or a file that ends inside a block is damage:
 * pcapng_next() returns -1 with the byte offset where that block starts,
 * and reads no further.  Memory is one block buffer (at most
 * PCAPNG_MAX_BLOCK) and at most PCAPNG_MAX_INTERFACES interfaces.
 *
 * Timestamps become nanoseconds exactly as libpcap converts them (which
 * overflows for resolutions finer than 2^-34 s; this reader does not), so
 * a pcapng file gives the same report through this reader as through
 * libpcap.
 */
#ifndef TRANSCOPE_SOURCE_PCAPNG_H
#define TRANSCOPE_SOURCE_PCAPNG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define PCAPNG_ERRBUF_SIZE	256
#define PCAPNG_MAX_BLOCK	(16u * 1024 * 1024)
#define PCAPNG_MAX_INTERFACES	4096
#define PCAPNG_MAX_NAME		255	/* bytes of if_name kept */

/* Does a file starting with these bytes look like pcapng? */
bool		 pcapng_magic(const uint8_t *head, size_t n);

struct pcapng_interface {
	char		*name;		/* if_name (printable ASCII), or NULL */
	int		 linktype;	/* LINKTYPE_ as in the file */
	int		 dlt;		/* libpcap's DLT_ for it */
	uint32_t	 snaplen;	/* as in the file; 0: none given */
	uint8_t		 tsresol;	/* if_tsresol: 6 = 10^-6, 0x80|k = 2^-k */
	int64_t		 tsoffset;	/* if_tsoffset: seconds added */
	int		 section;	/* 0, 1, ...: the SHB it belongs to */
};

struct pcapng_packet {
	const uint8_t	*data;		/* valid until the next pcapng_next() */
	uint32_t	 caplen;
	uint32_t	 len;
	uint64_t	 ts_ns;
	int		 iface;		/* pcapng_interface() index */
};

struct pcapng;

/*
 * Start reading fp (which the caller keeps and closes), positioned at a
 * Section Header Block, and read on up to the first packet, so that the
 * interfaces described before it are known.  NULL if the first block is
 * not a valid Section Header Block (errbuf says why).
 */
struct pcapng	*pcapng_open(FILE *fp, char *errbuf);

/*
 * The next packet: 1 with *pkt filled, 0 at the end of the file, -1 on
 * damage (errbuf: the offset and the cause; nothing more is read).  When a
 * read from fp fails, errbuf says "read error" and ferror(fp) is set.
 */
int		 pcapng_next(struct pcapng *, struct pcapng_packet *pkt,
		    char *errbuf);

/* The interfaces described so far, in file order. */
int		 pcapng_interface_count(const struct pcapng *);
const struct pcapng_interface *pcapng_interface(const struct pcapng *,
		    int i);

/* Bytes of the file read so far. */
uint64_t	 pcapng_offset(const struct pcapng *);

void		 pcapng_close(struct pcapng *);

/* LINKTYPE_ (what files hold) to libpcap's DLT_ (what decode uses). */
int		 pcapng_linktype_to_dlt(int linktype);

#endif
