/*
 * fuzz-names.c - libFuzzer target for src/names.c.
 *
 * The same bytes go to the room name check, the UTF-8 validator and
 * display name normalization. Each is held against an independent model
 * written here: the room name regex, the Unicode well-formed byte table
 * (Table 3-7), and the display name rules restated here; a normalized
 * name must also be valid UTF-8 of 1 to 64 characters with no leading or
 * trailing white space and no control character or NUL, a substring of
 * the input, and a fixed point of normalization.
 */
#include "names.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool model_room_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static bool model_room(const uint8_t *s, size_t n)
{
	if (n < 1 || n > 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!model_room_char(s[i]))
			return false;
	return true;
}

/* Length of the well-formed sequence at s per Unicode Table 3-7, or 0. */
static size_t model_seq(const uint8_t *s, size_t n)
{
	uint8_t a = s[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (a < 0x80)
		return 1;
	if (a >= 0xc2 && a <= 0xdf)
		len = 2;
	else if (a >= 0xe0 && a <= 0xef)
		len = 3;
	else if (a >= 0xf0 && a <= 0xf4)
		len = 4;
	else
		return 0;
	if (a == 0xe0)
		lo = 0xa0;
	else if (a == 0xed)
		hi = 0x9f;
	else if (a == 0xf0)
		lo = 0x90;
	else if (a == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

static bool model_utf8(const uint8_t *s, size_t n)
{
	while (n > 0) {
		size_t k = model_seq(s, n);
		if (k == 0)
			return false;
		s += k;
		n -= k;
	}
	return true;
}

/* White space trimmed from display names: ASCII, Unicode White_Space
 * and the BOM. */
static bool model_space(uint32_t c)
{
	return c == 0x20 || (c >= 0x09 && c <= 0x0d) || c == 0x85 ||
	       c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
	       c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
	       c == 0x3000 || c == 0xfeff;
}

static bool model_control(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 ||
	       c == 0x2029;
}

/* Display name rules restated: the trimmed span of a valid UTF-8 input,
 * when it is 1 to 64 characters without controls. Returns its length and
 * start, or false. */
static bool model_name(const uint8_t *s, size_t n, size_t *start,
		       size_t *len)
{
	size_t i = 0, b = 0, e = 0, chars = 0;
	bool seen = false;

	if (!model_utf8(s, n))
		return false;
	while (i < n) {
		uint32_t cp;
		size_t k = sfu_utf8_decode(s + i, n - i, &cp);
		if (!model_space(cp)) {
			if (!seen)
				b = i, seen = true;
			e = i + k;
		}
		i += k;
	}
	if (!seen)
		return false;
	for (i = b; i < e; chars++) {
		uint32_t cp;
		i += sfu_utf8_decode(s + i, e - i, &cp);
		if (model_control(cp))
			return false;
	}
	if (chars > SFU_DISPLAY_NAME_MAX_CHARS)
		return false;
	*start = b;
	*len = e - b;
	return true;
}

static void check_normalized(const uint8_t *in, size_t size, const char *out)
{
	const uint8_t *p = (const uint8_t *)out;
	size_t len = strlen(out), chars = 0, i = 0;
	uint32_t cp, first = 0, last = 0;
	char again[SFU_DISPLAY_NAME_MAX_BYTES + 1];

	if (len == 0 || len > SFU_DISPLAY_NAME_MAX_BYTES || !model_utf8(p, len))
		abort();
	while (i < len) {
		size_t k = sfu_utf8_decode(p + i, len - i, &cp);
		if (k == 0 || model_control(cp))
			abort();
		if (chars++ == 0)
			first = cp;
		last = cp;
		i += k;
	}
	if (chars > SFU_DISPLAY_NAME_MAX_CHARS || model_space(first) ||
	    model_space(last))
		abort();
	if (!memmem(in, size, out, len))
		abort();
	if (sfu_display_name_normalize(out, len, again) != 0 ||
	    strcmp(again, out) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[SFU_DISPLAY_NAME_MAX_BYTES + 1];
	const char *s = (const char *)data;
	size_t start, len;
	uint32_t cp;

	if (sfu_room_name_valid(s, size) != model_room(data, size))
		abort();
	if (sfu_utf8_valid(s, size) != model_utf8(data, size))
		abort();
	if (size > 0) {
		size_t k = sfu_utf8_decode(data, size, &cp);
		if (k != model_seq(data, size) || k > size)
			abort();
	}
	if (sfu_display_name_normalize(s, size, out) == 0) {
		if (!model_name(data, size, &start, &len) ||
		    strlen(out) != len || memcmp(out, data + start, len) != 0)
			abort();
		check_normalized(data, size, out);
	} else if (model_name(data, size, &start, &len)) {
		abort();
	}
	return 0;
}
