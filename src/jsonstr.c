/* jsonstr.c - JSON string escaping (see jsonstr.h). */
#include "jsonstr.h"

#include <stdio.h>

size_t sfu_json_quote(char *out, const char *in, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)in;
	char *o = out;

	*o++ = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = p[i];
		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c == '\n') {
			*o++ = '\\', *o++ = 'n';
		} else if (c == '\r') {
			*o++ = '\\', *o++ = 'r';
		} else if (c == '\t') {
			*o++ = '\\', *o++ = 't';
		} else if (c < 0x20 || c == 0x7f) {
			*o++ = '\\', *o++ = 'u', *o++ = '0', *o++ = '0';
			*o++ = hex[c >> 4], *o++ = hex[c & 15];
		} else if (c == 0xe2 && i + 2 < len && p[i + 1] == 0x80 &&
			   (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)) {
			/* U+2028 and U+2029 end lines in JavaScript. */
			memcpy(o, p[i + 2] == 0xa8 ? "\\u2028" : "\\u2029", 6);
			o += 6;
			i += 2;
		} else {
			*o++ = (char)c;
		}
	}
	*o++ = '"';
	*o = '\0';
	return (size_t)(o - out);
}
