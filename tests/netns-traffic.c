/*
 * Traffic for the live-capture test (tests/live-netns.sh), with nothing but
 * libc so it runs on a bare machine:
 *
 *   netns-traffic server ADDR PORT
 *	TCP on PORT: read each connection to EOF, answer REPLY_BYTES, close.
 *	UDP on PORT+1: echo every datagram.  Runs until killed.
 *   netns-traffic client ADDR PORT CONNS BYTES DATAGRAMS
 *	CONNS TCP connections that send BYTES each and read the reply, then
 *	DATAGRAMS UDP datagrams of 100 bytes, each waiting for its echo.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define REPLY_BYTES	2000

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

static struct sockaddr_in
address(const char *ip, int port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, ip, &sin.sin_addr) != 1) {
		fprintf(stderr, "bad address %s\n", ip);
		exit(1);
	}
	return sin;
}

static void
server(const char *ip, int port)
{
	struct sockaddr_in sin = address(ip, port), usin = address(ip, port + 1);
	int ls, us, one = 1;
	char buf[65536];

	if ((ls = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
	    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(ls, (struct sockaddr *)&sin, sizeof sin) < 0 ||
	    listen(ls, 16) < 0)
		die("tcp listen");
	if ((us = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    bind(us, (struct sockaddr *)&usin, sizeof usin) < 0)
		die("udp bind");
	if (fork() == 0) {
		for (;;) {		/* the UDP echo */
			struct sockaddr_in from;
			socklen_t fl = sizeof from;
			ssize_t n = recvfrom(us, buf, sizeof buf, 0,
			    (struct sockaddr *)&from, &fl);

			if (n > 0)
				sendto(us, buf, (size_t)n, 0,
				    (struct sockaddr *)&from, fl);
		}
	}
	for (;;) {
		int c = accept(ls, NULL, NULL);
		ssize_t n;

		if (c < 0)
			continue;
		while ((n = read(c, buf, sizeof buf)) > 0)
			;
		memset(buf, 'r', REPLY_BYTES);
		if (write(c, buf, REPLY_BYTES) != REPLY_BYTES)
			perror("reply");
		close(c);
	}
}

static int
client(const char *ip, int port, int conns, int bytes, int datagrams)
{
	struct sockaddr_in sin = address(ip, port), usin = address(ip, port + 1);
	struct timeval tv = { 1, 0 };
	char buf[65536];
	int i, us, failed = 0;

	memset(buf, 'd', sizeof buf);
	for (i = 0; i < conns; i++) {
		int s = socket(AF_INET, SOCK_STREAM, 0), left = bytes, got = 0;
		ssize_t n;

		if (s < 0 || connect(s, (struct sockaddr *)&sin, sizeof sin) < 0)
			die("connect");
		while (left > 0) {
			n = write(s, buf, left < (int)sizeof buf ? (size_t)left :
			    sizeof buf);
			if (n <= 0)
				die("write");
			left -= (int)n;
		}
		shutdown(s, SHUT_WR);
		while ((n = read(s, buf, sizeof buf)) > 0)
			got += (int)n;
		if (got != REPLY_BYTES) {
			fprintf(stderr, "connection %d: reply %d bytes\n", i, got);
			failed++;
		}
		close(s);
	}
	if ((us = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    setsockopt(us, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
	    connect(us, (struct sockaddr *)&usin, sizeof usin) < 0)
		die("udp");
	for (i = 0; i < datagrams; i++) {
		if (send(us, buf, 100, 0) != 100 || recv(us, buf, 100, 0) != 100) {
			fprintf(stderr, "datagram %d: no echo\n", i);
			failed++;
		}
	}
	close(us);
	return failed ? 1 : 0;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "server") == 0)
		server(argv[2], atoi(argv[3]));
	else if (argc == 7 && strcmp(argv[1], "client") == 0)
		return client(argv[2], atoi(argv[3]), atoi(argv[4]),
		    atoi(argv[5]), atoi(argv[6]));
	fprintf(stderr, "usage: netns-traffic server ADDR PORT | "
	    "client ADDR PORT CONNS BYTES DATAGRAMS\n");
	return 2;
}
