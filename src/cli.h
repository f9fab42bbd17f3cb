/*
 * The analysis command line: every option parsed into one struct options,
 * which the rest of the command layer (main.c, run.c) only reads; the one
 * exception is the --assert list, whose results the report fills in.
 * Subcommands ("transcope diff") parse their own options (cmd.h).
 *
 * Exit statuses, as usage() states them, are here because the parser is
 * the first to choose one; main() chooses the others.
 */
#ifndef TRANSCOPE_CLI_H
#define TRANSCOPE_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "analyzer.h"
#include "decode.h"
#include "report.h"
#include "source.h"
#include "tcp.h"

#define EXIT_USAGE	1	/* bad option, value or filter */
#define EXIT_INPUT	2	/* input or output error */
#define EXIT_ASSERT	3	/* an --assert failed */
/* 4, EXIT_NOMEM: out of memory (xmalloc.h) */

/* --tunnel-port TYPE:PORT */
struct tunnel_port_option {
	char			 type[16];	/* "vxlan", "geneve", ... */
	uint16_t		 port;
};

struct options {
	struct tcp_config	 tcp;		/* --rto-min, --clock-... */
	struct analyzer_config	 analyzer;	/* --max-flows, timeouts */
	struct report_options	 report;	/* format, -l, --proto, --top,
						   --sort, --assert (owned) */
	struct live_options	 live;		/* -i, -s, -p, -B */
	char			**files;	/* -r and operands (argv's) */
	int			 nfiles;
	char			*filter;	/* BPF expression, or NULL */
	const char		*outpath;	/* -o, or NULL: stdout */
	const char		*dumppath;	/* -w */
	const char		*eventspath;	/* --events */
	const char		*user;		/* -Z */
	bool			 quiet;		/* -q */
	bool			 list;		/* -D */
	unsigned long long	 count_limit;	/* -c; 0: no limit */
	uint64_t		 duration_ns;	/* --duration; 0: none */
	uint64_t		 interval_ns;	/* --interval; 0: none */
	int			 threads;	/* --threads; 0: by CPUs */
	bool			 no_decap;	/* --no-decap */
	struct tunnel_port_option tunnel_ports[DECODE_TUNNEL_PORTS_MAX];
	int			 ntunnel_ports;	/* --tunnel-port */
};

/* The defaults, with room for argc capture files. */
void	cli_init(struct options *, int argc);
/*
 * Parse argv into the options.  true: go on (with -D, list and stop);
 * false: stop now with *status (help, version, or a usage error already
 * printed).  Operands are not looked at after -D.
 */
bool	cli_parse(struct options *, int argc, char **argv, int *status);
void	cli_free(struct options *);

#endif
