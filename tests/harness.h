/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * A small TAP producer for the unit tests (meson's 'tap' protocol).  Each
 * check prints one "ok"/"not ok" line; tap_done() prints the plan.
 */
#ifndef GPO_CEP_TEST_HARNESS_H
#define GPO_CEP_TEST_HARNESS_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failures;

static void tap_ok(int pass, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5), unused));

static void tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", pass ? "" : "not ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!pass) {
		tap_failures++;
		printf("# failed at %s:%d\n", file, line);
	}
	fflush(stdout);
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failures ? 1 : 0;
}

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...)                                                        \
	do {                                                                          \
		long long g_ = (long long)(got), w_ = (long long)(want);              \
		tap_ok(g_ == w_, __FILE__, __LINE__, __VA_ARGS__);                    \
		if (g_ != w_)                                                         \
			printf("#   got %lld, want %lld\n", g_, w_);                      \
	} while (0)
#define is_str(got, want, ...)                                                        \
	do {                                                                          \
		const char *g_ = (got), *w_ = (want);                                 \
		int p_ = g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0;             \
		tap_ok(p_, __FILE__, __LINE__, __VA_ARGS__);                          \
		if (!p_)                                                              \
			printf("#   got '%s'\n#  want '%s'\n", g_ ? g_ : "(null)",        \
			       w_ ? w_ : "(null)");                                       \
	} while (0)
#define is_mem(got, got_len, want, want_len, ...)                                     \
	do {                                                                          \
		int p_ = (size_t)(got_len) == (size_t)(want_len) &&                   \
			 memcmp((got), (want), (want_len)) == 0;                      \
		tap_ok(p_, __FILE__, __LINE__, __VA_ARGS__);                          \
		if (!p_)                                                              \
			printf("#   %zu bytes, want %zu\n", (size_t)(got_len),            \
			       (size_t)(want_len));                                       \
	} while (0)
#define contains(hay, needle, ...)                                                    \
	do {                                                                          \
		const char *h_ = (hay);                                               \
		int p_ = h_ != NULL && strstr(h_, (needle)) != NULL;                  \
		tap_ok(p_, __FILE__, __LINE__, __VA_ARGS__);                          \
		if (!p_)                                                              \
			printf("#   '%s' lacks '%s'\n", h_ ? h_ : "(null)", (needle));   \
	} while (0)

#endif
