/* test-jsonstr.c - JSON string escaping. */
#include <stdlib.h>

#include "jsonstr.h"
#include "tap.h"

static const char *q(const char *s, size_t len)
{
	static char buf[SFU_JSON_QUOTED_MAX(64)];

	sfu_json_quote(buf, s, len);
	return buf;
}

int main(void)
{
	char big[SFU_JSON_QUOTED_MAX(256)];
	char in[256];
	size_t n;

	is_str(q("", 0), "\"\"", "empty");
	is_str(q("hi", 2), "\"hi\"", "plain");
	is_str(q("a\"b\\c", 5), "\"a\\\"b\\\\c\"", "quote and backslash");
	is_str(q("\n\r\t", 3), "\"\\n\\r\\t\"", "short escapes");
	is_str(q("\x01\x1f\x7f", 3), "\"\\u0001\\u001f\\u007f\"", "control characters");
	is_str(q("a\0b", 3), "\"a\\u0000b\"", "NUL");
	is_str(q("\xe2\x80\xa8\xe2\x80\xa9", 6), "\"\\u2028\\u2029\"", "line separators");
	is_str(q("\xc3\xa9\xf0\x9f\x98\x80", 6), "\"\xc3\xa9\xf0\x9f\x98\x80\"", "UTF-8 kept");
	is_str(q("</script>", 9), "\"</script>\"", "slash kept");
	memset(in, 1, sizeof(in));
	n = sfu_json_quote(big, in, sizeof(in));
	is_int(n, 6 * 256 + 2, "worst case fits the bound");
	is_int(big[n], 0, "NUL-terminated");
	return tap_done();
}
