/*
 * The allocation wrappers (src/xmalloc.c) when memory runs out: the process
 * exits with EXIT_NOMEM (4, transcope(1) EXIT STATUS), not the 2 of an input
 * error, after one line on standard error.
 *
 * Each case forks a child of its own that asks for what cannot be had, and
 * reads its exit status and standard error; so it works with CK_FORK=no too
 * (the valgrind run in .ci/run), where Check's own exit tests would end the
 * whole test program.  A malloc() that really fails is asked for with a size
 * no allocator can serve (glibc and valgrind return NULL); AddressSanitizer
 * aborts on such a size instead, so its build checks only the overflow
 * paths, which fail before calling the allocator.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "suites.h"
#include "xmalloc.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

enum request { REQ_MALLOC, REQ_CALLOC_OVERFLOW, REQ_REALLOCARRAY_OVERFLOW };

/* Volatile: the compiler must not see, or warn about, the impossible sizes. */
static volatile size_t huge = SIZE_MAX;

static void
ask(enum request r)
{
	switch (r) {
	case REQ_MALLOC:
		/* Half the address space: valgrind takes SIZE_MAX for a negative
		 * size, an error of its own. */
		free(xmalloc(huge / 2));
		break;
	case REQ_CALLOC_OVERFLOW:
		free(xcalloc(huge / 2, 3));
		break;
	case REQ_REALLOCARRAY_OVERFLOW:
		free(xreallocarray(NULL, 3, huge / 2));
		break;
	}
}

/* Runs ask(r) in a child; its exit status, its stderr in err. */
static int
run_child(enum request r, char *err, size_t len)
{
	int fds[2], status;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(pipe(fds), 0);
	fflush(NULL);		/* the child must not write our buffers again */
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		ask(r);
		_exit(0);	/* it returned: the test fails on status 0 */
	}
	close(fds[1]);
	while (got < len - 1 &&
	    (n = read(fds[0], err + got, len - 1 - got)) > 0)
		got += (size_t)n;
	err[got] = '\0';
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status), "child killed by signal %d",
	    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return WEXITSTATUS(status);
}

static void
check_nomem(enum request r, const char *message)
{
	char err[4096];

	/* The documented number, not only the macro: a script relies on it. */
	ck_assert_int_eq(EXIT_NOMEM, 4);
	ck_assert_int_eq(run_child(r, err, sizeof err), 4);
	ck_assert_msg(strstr(err, message) != NULL,
	    "stderr '%s' lacks '%s'", err, message);
}

START_TEST(test_malloc_fails)
{
#ifndef UNDER_ASAN
	check_nomem(REQ_MALLOC, "transcope: fatal: out of memory (");
#endif
}
END_TEST

START_TEST(test_calloc_overflow)
{
	check_nomem(REQ_CALLOC_OVERFLOW, "transcope: fatal: allocation overflow (");
}
END_TEST

START_TEST(test_reallocarray_overflow)
{
	check_nomem(REQ_REALLOCARRAY_OVERFLOW,
	    "transcope: fatal: allocation overflow (");
}
END_TEST

Suite *
xmalloc_suite(void)
{
	Suite *s = suite_create("xmalloc");
	TCase *tc = tcase_create("out of memory");

	tcase_add_test(tc, test_malloc_fails);
	tcase_add_test(tc, test_calloc_overflow);
	tcase_add_test(tc, test_reallocarray_overflow);
	suite_add_tcase(s, tc);
	return s;
}
