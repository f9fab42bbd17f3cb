/* Allocation wrappers: see xmalloc.h. */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

static _Noreturn void __attribute__((format(printf, 2, 0)))
vdie(int status, const char *fmt, va_list ap)
{
	fputs("transcope: fatal: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	exit(status);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdie(2, fmt, ap);
}

/*
 * A request that cannot be met, too large to compute included: to the
 * user, either way the machine has not the memory for this run.
 */
_Noreturn void
fatal_nomem(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdie(EXIT_NOMEM, fmt, ap);
}

void *
xmalloc(size_t size)
{
	void *p;

	if (size == 0)
		size = 1;
	if ((p = malloc(size)) == NULL)
		fatal_nomem("out of memory (%zu bytes)", size);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if (SIZE_MAX / nmemb < size)
		fatal_nomem("allocation overflow (%zu * %zu)", nmemb, size);
	if ((p = calloc(nmemb, size)) == NULL)
		fatal_nomem("out of memory (%zu * %zu bytes)", nmemb, size);
	return p;
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if (SIZE_MAX / nmemb < size)
		fatal_nomem("allocation overflow (%zu * %zu)", nmemb, size);
	if ((p = realloc(ptr, nmemb * size)) == NULL)
		fatal_nomem("out of memory (%zu * %zu bytes)", nmemb, size);
	return p;
}

char *
xstrdup(const char *s)
{
	size_t len = strlen(s) + 1;

	return memcpy(xmalloc(len), s, len);
}
