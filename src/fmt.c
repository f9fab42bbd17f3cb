/*
 * The formats there are, by name: see fmt.h.  A new format adds its table
 * here and nowhere else in the report core.
 */
#include "config.h"

#include <string.h>

#include "fmt.h"

static const struct format *const formats[] = {
	&format_text,
	&format_json,
};

const struct format *
format_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}
