/*
 * tap.h - a minimal TAP producer for the unit tests (automake's
 * tap-driver.sh reads it). Header-only so each test is one .c file.
 */
#ifndef SFU_TAP_H
#define SFU_TAP_H

#include <stdio.h>
#include <stdarg.h>
#include <string.h>

static int tap__n, tap__failed;

#define ok(cond, ...) tap__ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...)                                              \
	do {                                                                \
		long long g_ = (long long)(got), w_ = (long long)(want);    \
		if (!ok(g_ == w_, __VA_ARGS__))                             \
			printf("#   got %lld, want %lld\n", g_, w_);        \
	} while (0)
#define is_str(got, want, ...)                                              \
	do {                                                                \
		const char *g_ = (got), *w_ = (want);                       \
		if (!ok(g_ && w_ ? strcmp(g_, w_) == 0 : g_ == w_,          \
			__VA_ARGS__))                                       \
			printf("#   got \"%s\", want \"%s\"\n",             \
			       g_ ? g_ : "(null)", w_ ? w_ : "(null)");     \
	} while (0)

__attribute__((format(printf, 4, 5))) static int
tap__ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", pass ? "ok" : "not ok", ++tap__n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		tap__failed++;
		printf("#   at %s:%d\n", file, line);
	}
	return pass;
}

/* Print the plan and return the exit status for main(). */
static inline int tap_done(void)
{
	printf("1..%d\n", tap__n);
	fflush(stdout);
	return tap__failed ? 1 : 0;
}

#endif
