/*
 * pcaploop: the floor for the transcope benchmark.
 *
 * A bare libpcap pcap_loop() over a capture file that touches each packet
 * only as much as any analyzer must: it counts the packet, adds up the
 * captured length and reads one byte of the packet data (so the data is
 * really pulled through the cache).  Any analyzer reading the same file
 * through libpcap cannot be faster than this.
 *
 * Usage: pcaploop [-b BYTES] FILE
 * Prints "packets N caplen_bytes B check C" on stdout.
 *
 * -b gives the file a stdio buffer of BYTES (as transcope does, 1 MiB)
 * instead of the default (4 KiB): the floor for any reader that also
 * chooses its buffer.
 *
 * Build: cc -O2 -o pcaploop pcaploop.c $(pcap-config --cflags --libs)
 */
#define _DEFAULT_SOURCE /* u_char etc. in <pcap/pcap.h> under -std=c11 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>

struct acc {
	uint64_t packets;
	uint64_t bytes;
	uint64_t check;
};

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct acc *a = (struct acc *)(void *)user;

	a->packets++;
	a->bytes += h->caplen;
	if (h->caplen > 0)
		a->check += data[h->caplen - 1];
}

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	struct acc a = { 0, 0, 0 };
	pcap_t *p;

	size_t bufsize = 0;
	const char *path;

	if (argc == 4 && strcmp(argv[1], "-b") == 0) {
		bufsize = (size_t)strtoul(argv[2], NULL, 10);
		path = argv[3];
	} else if (argc == 2)
		path = argv[1];
	else {
		fprintf(stderr, "usage: %s [-b BYTES] FILE\n", argv[0]);
		return 2;
	}
	if (bufsize > 0) {
		FILE *fp = fopen(path, "rb");
		char *buf = malloc(bufsize);

		if (fp == NULL || buf == NULL) {
			perror(path);
			return 1;
		}
		setvbuf(fp, buf, _IOFBF, bufsize);	/* freed at exit */
		p = pcap_fopen_offline(fp, err);
	} else
		p = pcap_open_offline(path, err);
	if (p == NULL) {
		fprintf(stderr, "pcaploop: %s\n", err);
		return 1;
	}
	if (pcap_loop(p, -1, on_packet, (u_char *)&a) == PCAP_ERROR) {
		fprintf(stderr, "pcaploop: %s: %s\n", path, pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	pcap_close(p);
	printf("packets %" PRIu64 " caplen_bytes %" PRIu64 " check %" PRIu64 "\n",
	       a.packets, a.bytes, a.check);
	return 0;
}
