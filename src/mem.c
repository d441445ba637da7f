/*
 * mem.c - allocation that aborts on exhaustion, and the random source.
 *
 * A media server that runs out of memory cannot do anything sensible
 * mid-packet, so every allocation site is spared the NULL check.
 */
#include "common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>

static void oom(size_t n)
{
	fprintf(stderr, "starling: out of memory allocating %zu bytes\n", n);
	abort();
}

void *sfu_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *sfu_xcalloc(size_t count, size_t n)
{
	void *p = calloc(count ? count : 1, n ? n : 1);
	if (!p)
		oom(count * n);
	return p;
}

void *sfu_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

char *sfu_xstrdup(const char *s)
{
	return sfu_xstrndup(s, strlen(s));
}

char *sfu_xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *d = sfu_xmalloc(len + 1);
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

char *sfu_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		oom(0);
	va_end(ap);
	return s;
}

void sfu_random_bytes(void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t r = getrandom(p, n, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			perror("starling: getrandom");
			abort();
		}
		p += r;
		n -= (size_t)r;
	}
}

void sfu_random_hex(char *out, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[64];

	while (n > 0) {
		size_t chunk = SFU_MIN(n, sizeof(raw));
		sfu_random_bytes(raw, chunk);
		for (size_t i = 0; i < chunk; i++) {
			*out++ = hex[raw[i] >> 4];
			*out++ = hex[raw[i] & 15];
		}
		n -= chunk;
	}
	*out = '\0';
}

size_t sfu_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t n = SFU_MIN(len, size - 1);
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

bool sfu_secret_equal(const char *given, const char *secret)
{
	size_t n = strlen(given), m = strlen(secret);
	unsigned char diff = 0;

	for (size_t i = 0; i < m; i++)
		diff |= (unsigned char)(secret[i] ^ (i < n ? given[i] : 0));
	return diff == 0 && n == m;
}
