/* transcope diff: see diff.h.  (Placeholder until the real one lands.) */
#include "config.h"

#include <stdio.h>

#include "diff.h"

int
diff_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "transcope: diff: not implemented yet\n");
	return 1;
}
