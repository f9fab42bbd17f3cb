/*
 * The subcommand table (see cmd.h): one row per command, looked up by the
 * exact first argument.  The table is short and read once per run, so a
 * linear search is all it needs.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "cmd.h"

static const struct cmd_entry *const cmd_table[] = {
	&cmd_diff_entry,
	NULL
};

const struct cmd_entry *
cmd_find(int argc, char **argv)
{
	const struct cmd_entry *const *e;

	if (argc < 2)
		return NULL;
	for (e = cmd_table; *e != NULL; e++) {
		if (strcmp(argv[1], (*e)->name) == 0)
			return *e;
	}
	return NULL;
}
