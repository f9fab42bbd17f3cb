/*
 * Subcommands: "transcope NAME ARGS..." runs the command NAME with argv
 * starting at NAME, as tmux's cmd_table does; any other command line is the
 * analysis (main.c).  Each command lives in a file of its own, cmd-NAME.c,
 * which defines a struct cmd_entry and keeps everything else static; a new
 * command is that file, a row in cmd_table (cmd.c) and a line in
 * Makefile.am.
 *
 * Only the first argument names a command, and only exactly: in
 * "transcope --json diff" the word is a filter expression, as it always was.
 * A command parses its own options (getopt from optind 1), prints its own
 * messages and returns its exit status; main() returns that unchanged.
 */
#ifndef TRANSCOPE_CMD_H
#define TRANSCOPE_CMD_H

struct cmd_entry {
	const char	*name;
	int		(*exec)(int argc, char **argv);	/* argv[0]: name */
};

extern const struct cmd_entry cmd_diff_entry;

/* The command that argv[1] names, or NULL: run the analysis. */
const struct cmd_entry *cmd_find(int argc, char **argv);

#endif
