/*
 * shortconns: traffic generator for the transcope benchmark's short.pcap.
 *
 *   shortconns server --addr A [--tcp-port 8080] [--udp-port 9053]
 *                     [--threads 16]
 *   shortconns client --addr A --conns N --udp N [--tcp-port 8080]
 *                     [--udp-port 9053] [--tcp-threads 6]
 *                     [--udp-threads 2] [--seed S]
 *
 * TCP (port 8080): each connection is connect, one small request line
 *     "REQ <resp_size> <mode> <padding>\n", one response of resp_size
 *     bytes, close.  mode C (70%): the client closes first with FIN;
 *     S (20%): the server closes first with FIN, then the client;
 *     R (10%): the client aborts with RST (SO_LINGER 0) after the response.
 *     Client ports are ephemeral (the kernel picks them; widen
 *     net.ipv4.ip_local_port_range and set net.ipv4.tcp_tw_reuse=1 in the
 *     client namespace for 100k connections).
 * UDP (port 9053): request/response "Q <resp_size> <seq> <padding>" ->
 *     resp_size bytes.  The client opens a socket (new ephemeral port), does
 *     1..15 exchanges on it and closes it, like a chatty DNS-ish client.
 *
 * The server runs until SIGINT/SIGTERM.  The client prints what it did on
 * stderr and exits 1 if more than 1% of the connections or exchanges failed.
 * Sizes and modes are pseudo-random but deterministic for a given --seed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_RESP 8192

static struct sockaddr_in tcp_addr, udp_addr;
static char fill[MAX_RESP];

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static uint64_t rnd(uint64_t *s)
{
	/* xorshift64* */
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static unsigned range(uint64_t *s, unsigned lo, unsigned hi)
{
	return lo + (unsigned)(rnd(s) % (hi - lo + 1));
}

static int send_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void set_timeout(int fd, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------ server */

static int tcp_listen_fd, udp_fd;
static atomic_ulong srv_tcp, srv_udp;

static void *tcp_server_thread(void *arg)
{
	char buf[2048];
	(void)arg;
	for (;;) {
		int fd = accept(tcp_listen_fd, NULL, NULL);
		size_t have = 0;
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			die("accept");
		}
		set_timeout(fd, 10000);
		while (have < sizeof buf - 1) {
			ssize_t n = recv(fd, buf + have, sizeof buf - 1 - have, 0);
			if (n <= 0)
				break;
			have += (size_t)n;
			if (memchr(buf, '\n', have))
				break;
		}
		buf[have] = 0;
		unsigned size = 0;
		char mode = 0;
		if (sscanf(buf, "REQ %u %c", &size, &mode) == 2 && size <= MAX_RESP &&
		    send_all(fd, fill, size) == 0) {
			if (mode != 'S') {
				/* wait for the client's FIN or RST, then close */
				while (recv(fd, buf, sizeof buf, 0) > 0)
					;
			}
			atomic_fetch_add(&srv_tcp, 1);
		}
		close(fd);
	}
	return NULL;
}

static void *udp_server_thread(void *arg)
{
	char buf[2048];
	(void)arg;
	for (;;) {
		struct sockaddr_in from;
		socklen_t fl = sizeof from;
		ssize_t n = recvfrom(udp_fd, buf, sizeof buf - 1, 0, (struct sockaddr *)&from, &fl);
		unsigned size;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("recvfrom");
		}
		buf[n] = 0;
		if (sscanf(buf, "Q %u", &size) == 1 && size <= 1400) {
			sendto(udp_fd, fill, size, 0, (struct sockaddr *)&from, fl);
			atomic_fetch_add(&srv_udp, 1);
		}
	}
	return NULL;
}

static int run_server(int threads)
{
	int one = 1, big = 8 << 20, i, sig;
	sigset_t set;
	pthread_t t;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	tcp_listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	if (tcp_listen_fd < 0)
		die("socket");
	setsockopt(tcp_listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(tcp_listen_fd, (struct sockaddr *)&tcp_addr, sizeof tcp_addr) < 0)
		die("bind tcp");
	if (listen(tcp_listen_fd, 4096) < 0)
		die("listen");
	udp_fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (udp_fd < 0)
		die("socket");
	setsockopt(udp_fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	if (bind(udp_fd, (struct sockaddr *)&udp_addr, sizeof udp_addr) < 0)
		die("bind udp");

	for (i = 0; i < threads; i++)
		if (pthread_create(&t, NULL, tcp_server_thread, NULL) != 0)
			die("pthread_create");
	for (i = 0; i < 4; i++)
		if (pthread_create(&t, NULL, udp_server_thread, NULL) != 0)
			die("pthread_create");
	fprintf(stderr, "shortconns server: listening on %s tcp %d udp %d\n",
		inet_ntoa(tcp_addr.sin_addr), ntohs(tcp_addr.sin_port), ntohs(udp_addr.sin_port));
	sigwait(&set, &sig);
	fprintf(stderr, "shortconns server: %lu tcp connections, %lu udp replies\n",
		(unsigned long)atomic_load(&srv_tcp), (unsigned long)atomic_load(&srv_udp));
	return 0;
}

/* ------------------------------------------------------------------ client */

struct job {
	unsigned long todo;
	uint64_t seed;
	unsigned long ok, failed, retries, timeouts, sockets;
	unsigned long mode[3];
};

static int tcp_one(struct job *j)
{
	char req[512], buf[MAX_RESP];
	unsigned reqlen = range(&j->seed, 40, 300);
	unsigned r = range(&j->seed, 0, 99);
	unsigned size = r < 60 ? range(&j->seed, 100, 1000)
		      : r < 90 ? range(&j->seed, 1000, 1448)
			       : range(&j->seed, 1449, 6000);
	unsigned m = range(&j->seed, 0, 99);
	char mode = m < 70 ? 'C' : m < 90 ? 'S' : 'R';
	int fd, tries = 0, n;
	size_t got = 0;

	j->mode[mode == 'C' ? 0 : mode == 'S' ? 1 : 2]++;
	for (;;) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			die("socket");
		if (connect(fd, (struct sockaddr *)&tcp_addr, sizeof tcp_addr) == 0)
			break;
		/* out of ephemeral ports (TIME_WAIT) or a transient refusal */
		close(fd);
		if (++tries > 2000 || (errno != EADDRNOTAVAIL && errno != ECONNREFUSED &&
				       errno != EAGAIN && errno != ETIMEDOUT && errno != ECONNRESET))
			return -1;
		j->retries++;
		usleep(1000);
	}
	set_timeout(fd, 5000);
	n = snprintf(req, sizeof req, "REQ %u %c ", size, mode);
	memset(req + n, 'q', reqlen - (unsigned)n - 1);
	req[reqlen - 1] = '\n';
	if (send_all(fd, req, reqlen) < 0)
		goto fail;
	while (got < size) {
		ssize_t k = recv(fd, buf, sizeof buf, 0);
		if (k <= 0)
			goto fail;
		got += (size_t)k;
	}
	if (mode == 'S') {
		while (recv(fd, buf, sizeof buf, 0) > 0)
			;
	} else if (mode == 'R') {
		struct linger lg = { 1, 0 };
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	}
	close(fd);
	return 0;
fail:
	close(fd);
	return -1;
}

static void *tcp_client_thread(void *arg)
{
	struct job *j = arg;
	unsigned long i;
	for (i = 0; i < j->todo; i++) {
		if (tcp_one(j) == 0)
			j->ok++;
		else
			j->failed++;
	}
	return NULL;
}

static void *udp_client_thread(void *arg)
{
	struct job *j = arg;
	char req[256], buf[2048];
	unsigned long done = 0;
	while (done < j->todo) {
		unsigned k = range(&j->seed, 1, 15), i;
		int fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd < 0)
			die("socket");
		if (connect(fd, (struct sockaddr *)&udp_addr, sizeof udp_addr) < 0)
			die("connect udp");
		set_timeout(fd, 200);
		j->sockets++;
		for (i = 0; i < k && done < j->todo; i++, done++) {
			unsigned reqlen = range(&j->seed, 30, 200);
			unsigned size = range(&j->seed, 40, 1200);
			int n = snprintf(req, sizeof req, "Q %u %lu ", size, done);
			memset(req + n, 'q', reqlen - (unsigned)n);
			if (send(fd, req, reqlen, 0) < 0) {
				j->failed++;
				continue;
			}
			if (recv(fd, buf, sizeof buf, 0) < 0)
				j->timeouts++;
			else
				j->ok++;
		}
		close(fd);
	}
	return NULL;
}

static int run_client(unsigned long conns, unsigned long udp, int tthreads, int uthreads,
		      uint64_t seed)
{
	struct job *jobs = calloc((size_t)(tthreads + uthreads), sizeof *jobs);
	pthread_t *tids = calloc((size_t)(tthreads + uthreads), sizeof *tids);
	struct job tot = { 0 }, utot = { 0 };
	double t0 = now(), el;
	int i;

	if (!jobs || !tids)
		die("calloc");
	for (i = 0; i < tthreads + uthreads; i++) {
		int tcp = i < tthreads;
		unsigned long total = tcp ? conns : udp;
		int n = tcp ? tthreads : uthreads, idx = tcp ? i : i - tthreads;
		jobs[i].todo = total / (unsigned long)n + ((unsigned long)idx < total % (unsigned long)n);
		jobs[i].seed = (seed + 1) * 0x9E3779B97F4A7C15ULL + (uint64_t)i * 7919 + 1;
		if (pthread_create(&tids[i], NULL, tcp ? tcp_client_thread : udp_client_thread,
				   &jobs[i]) != 0)
			die("pthread_create");
	}
	for (i = 0; i < tthreads + uthreads; i++) {
		struct job *t = i < tthreads ? &tot : &utot;
		pthread_join(tids[i], NULL);
		t->ok += jobs[i].ok;
		t->failed += jobs[i].failed;
		t->retries += jobs[i].retries;
		t->timeouts += jobs[i].timeouts;
		t->sockets += jobs[i].sockets;
		t->mode[0] += jobs[i].mode[0];
		t->mode[1] += jobs[i].mode[1];
		t->mode[2] += jobs[i].mode[2];
	}
	el = now() - t0;
	fprintf(stderr,
		"shortconns client: tcp: %lu ok, %lu failed, %lu connect retries "
		"(modes C/S/R %lu/%lu/%lu); udp: %lu exchanges ok, %lu timeouts, %lu send errors, "
		"%lu sockets; %.1f s\n",
		tot.ok, tot.failed, tot.retries, tot.mode[0], tot.mode[1], tot.mode[2], utot.ok,
		utot.timeouts, utot.failed, utot.sockets, el);
	free(jobs);
	free(tids);
	if (tot.failed * 100 > conns || (utot.timeouts + utot.failed) * 100 > udp)
		return 1;
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: shortconns server --addr A [--tcp-port P] [--udp-port P] [--threads N]\n"
		"       shortconns client --addr A --conns N --udp N [--tcp-port P] [--udp-port P]\n"
		"                         [--tcp-threads N] [--udp-threads N] [--seed S]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *addr = NULL;
	int tport = 8080, uport = 9053, threads = 16, tthreads = 6, uthreads = 2, i, server;
	unsigned long conns = 0, udp = 0;
	uint64_t seed = 1;

	if (argc < 2)
		usage();
	if (strcmp(argv[1], "server") == 0)
		server = 1;
	else if (strcmp(argv[1], "client") == 0)
		server = 0;
	else
		usage();
	for (i = 2; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v)
			usage();
		i++;
		if (!strcmp(o, "--addr"))
			addr = v;
		else if (!strcmp(o, "--tcp-port"))
			tport = atoi(v);
		else if (!strcmp(o, "--udp-port"))
			uport = atoi(v);
		else if (!strcmp(o, "--threads"))
			threads = atoi(v);
		else if (!strcmp(o, "--tcp-threads"))
			tthreads = atoi(v);
		else if (!strcmp(o, "--udp-threads"))
			uthreads = atoi(v);
		else if (!strcmp(o, "--conns"))
			conns = strtoul(v, NULL, 10);
		else if (!strcmp(o, "--udp"))
			udp = strtoul(v, NULL, 10);
		else if (!strcmp(o, "--seed"))
			seed = strtoull(v, NULL, 10);
		else
			usage();
	}
	if (!addr || threads < 1 || tthreads < 1 || uthreads < 1)
		usage();
	memset(fill, 'r', sizeof fill);
	tcp_addr.sin_family = udp_addr.sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &tcp_addr.sin_addr) != 1)
		usage();
	udp_addr.sin_addr = tcp_addr.sin_addr;
	tcp_addr.sin_port = htons((uint16_t)tport);
	udp_addr.sin_port = htons((uint16_t)uport);
	return server ? run_server(threads) : run_client(conns, udp, tthreads, uthreads, seed);
}
