/*
 * Allocation that never returns NULL: out of memory is not an outcome any
 * caller can handle usefully, so these print one line and exit (tmux's rule)
 * with EXIT_NOMEM, a status of its own: a script can tell a machine short of
 * memory (retry elsewhere, or with --max-flows) from a bad capture (2).
 * Callers own what they get and release it with free().
 */
#ifndef TRANSCOPE_XMALLOC_H
#define TRANSCOPE_XMALLOC_H

#include <stddef.h>

/* transcope(1), EXIT STATUS; main.c has the others. */
#define EXIT_NOMEM	4

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
_Noreturn void fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
/* Out of memory outside these functions (a library's allocation failed). */
_Noreturn void fatal_nomem(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#endif
