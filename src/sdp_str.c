/*
 * sdp_str.c - the string views (struct sfu_str) SDP is read with:
 * comparisons, words, splits, trimming and bounded decimal numbers. Split
 * from sdp.c, the parser, which is their main user.
 */
#include "sdp.h"
#include "sdp-int.h"

#include <string.h>
#include <strings.h>

bool sfu_str_eq(struct sfu_str s, const char *lit)
{
	size_t n = strlen(lit);

	return s.len == n && (n == 0 || memcmp(s.p, lit, n) == 0);
}

/* ASCII only: the server never calls setlocale, so this is the C locale. */
bool sfu_str_caseeq(struct sfu_str s, const char *lit)
{
	size_t n = strlen(lit);

	return s.len == n && (n == 0 || strncasecmp(s.p, lit, n) == 0);
}

/* The next space-separated word of *rest, which moves past it and the
 * spaces after it. Empty at the end. */
struct sfu_str sfu__str_word(struct sfu_str *rest)
{
	const char *s = rest->p, *end, *w;
	struct sfu_str out;

	if (rest->len == 0)
		return *rest;
	end = s + rest->len;
	while (s < end && *s == ' ')
		s++;
	w = s;
	while (s < end && *s != ' ')
		s++;
	out = (struct sfu_str){ w, (size_t)(s - w) };
	while (s < end && *s == ' ')
		s++;
	*rest = (struct sfu_str){ s, (size_t)(end - s) };
	return out;
}

/* Split s at its first c into head and tail. Without a c, head is s, tail
 * is empty and the result false. */
bool sfu__str_split(struct sfu_str s, char c, struct sfu_str *head,
		  struct sfu_str *tail)
{
	const char *at = s.len ? memchr(s.p, c, s.len) : NULL;

	if (!at) {
		*head = s;
		*tail = (struct sfu_str){ s.p, 0 };
		return false;
	}
	*head = (struct sfu_str){ s.p, (size_t)(at - s.p) };
	*tail = (struct sfu_str){ at + 1, s.len - head->len - 1 };
	return true;
}

/* s without leading and trailing spaces. */
struct sfu_str sfu__str_trim(struct sfu_str s)
{
	while (s.len && s.p[0] == ' ')
		s.p++, s.len--;
	while (s.len && s.p[s.len - 1] == ' ')
		s.len--;
	return s;
}

/* Parse s as a decimal number in [min, max]: digits only, no sign, no
 * spaces, no overflow. */
bool sfu__str_num64(struct sfu_str s, uint64_t min, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (s.len == 0)
		return false;
	for (size_t i = 0; i < s.len; i++) {
		unsigned d = (unsigned)((unsigned char)s.p[i] - '0');
		if (d > 9 || v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return v >= min;
}

bool sfu__str_num32(struct sfu_str s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;
	bool good = sfu__str_num64(s, min, max, &v);

	*out = good ? (uint32_t)v : *out;
	return good;
}
