/*
 * Allocation that never returns NULL: out of memory is not an outcome any
 * caller can handle usefully, so these print one line and exit (tmux's rule).
 * Callers own what they get and release it with free().
 */
#ifndef TRANSCOPE_XMALLOC_H
#define TRANSCOPE_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
_Noreturn void fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#endif
