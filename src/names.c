/*
 * names.c - validation of room names and display names.
 *
 * Display names reach every other participant's screen, so they are
 * checked strictly: decoded by hand (no locale), trimmed of white space on
 * both ends, and refused when they hold control characters that could
 * break a UI line or a log line.
 */
#include "names.h"

bool sfu_room_name_valid(const char *s, size_t len)
{
	if (len < 1 || len > SFU_ROOM_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '.' ||
			  c == '-';
		if (!ok)
			return false;
	}
	return true;
}

size_t sfu_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c, min;
	size_t len;

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		len = 2, min = 0x80, c &= 0x1f;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3, min = 0x800, c &= 0x0f;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4, min = 0x10000, c &= 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

bool sfu_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;

	while (len > 0) {
		size_t n = sfu_utf8_decode(p, len, &cp);
		if (n == 0)
			return false;
		p += n;
		len -= n;
	}
	return true;
}

static bool is_space(uint32_t c)
{
	return c == ' ' || (c >= 0x09 && c <= 0x0d) || c == 0x85 ||
	       c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
	       c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
	       c == 0x3000 || c == 0xfeff;
}

static bool is_control(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 ||
	       c == 0x2029;
}

int sfu_display_name_normalize(const char *in, size_t len, char *out)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t start = 0, end = 0, chars = 0, i = 0;
	bool seen = false;
	uint32_t cp;

	/* One pass: validate, and remember where the non-space text is. */
	while (i < len) {
		size_t n = sfu_utf8_decode(p + i, len - i, &cp);
		if (n == 0)
			return -EINVAL;
		if (!is_space(cp)) {
			if (is_control(cp))
				return -EINVAL;
			if (!seen)
				start = i, seen = true;
			end = i + n;
		}
		i += n;
	}
	if (!seen)
		return -EINVAL;
	for (i = start; i < end; chars++) {
		size_t n = sfu_utf8_decode(p + i, end - i, &cp);
		/* Inner white space other than plain spaces is refused too:
		 * a tab or newline inside a name is a control character. */
		if (is_control(cp))
			return -EINVAL;
		i += n;
	}
	if (chars > SFU_DISPLAY_NAME_MAX_CHARS)
		return -EINVAL;
	memcpy(out, in + start, end - start);
	out[end - start] = '\0';
	return 0;
}
