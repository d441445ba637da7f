/*
 * test-names.c - tests src/names.c: the room name pattern, the UTF-8
 * decoder (boundaries, overlongs, surrogates, range, truncation, stray
 * continuation bytes, an exhaustive round trip) and display name
 * normalization (trimming, length in characters, control characters,
 * embedded NUL, invalid UTF-8, exact output).
 */
#include "names.h"

#include <stdio.h>
#include <stdlib.h>

#include "tap.h"

/* Length of a string literal, embedded NULs included. */
#define L(s) (sizeof(s) - 1)
/* The checks below on a literal, measured with its embedded NULs. */
#define DEC_OK(s, ...) dec_ok(s, L(s), __VA_ARGS__)
#define DEC_BAD(s, ...) dec_bad(s, L(s), __VA_ARGS__)
#define NORM_OK(s, ...) norm_ok(s, L(s), __VA_ARGS__)
#define NORM_BAD(s, ...) norm_bad(s, L(s), __VA_ARGS__)

/* ---- room names ------------------------------------------------------ */

static bool room_ok_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static void test_room_names(void)
{
	char buf[80];
	int wrong = 0;

	ok(sfu_room_name_valid("a", 1), "room: one character");
	ok(sfu_room_name_valid("AZaz09_.-", 9), "room: every class of char");
	ok(sfu_room_name_valid("..", 2), "room: \"..\" matches the pattern");
	ok(sfu_room_name_valid(".", 1), "room: \".\" matches the pattern");
	ok(sfu_room_name_valid("-", 1), "room: a lone '-'");
	ok(!sfu_room_name_valid("", 0), "room: empty refused");
	ok(!sfu_room_name_valid("abc", 0), "room: length 0 refused");

	memset(buf, 'x', sizeof(buf));
	ok(sfu_room_name_valid(buf, 64), "room: 64 characters");
	ok(!sfu_room_name_valid(buf, 65), "room: 65 characters refused");
	ok(!sfu_room_name_valid(buf, 80), "room: 80 characters refused");

	ok(!sfu_room_name_valid("a/b", 3), "room: '/' refused");
	ok(!sfu_room_name_valid("/", 1), "room: lone '/' refused");
	ok(!sfu_room_name_valid("../x", 4), "room: \"../x\" refused");
	ok(!sfu_room_name_valid("a b", 3), "room: space refused");
	ok(!sfu_room_name_valid(" ab", 3), "room: leading space refused");
	ok(!sfu_room_name_valid("ab\n", 3), "room: newline refused");
	ok(!sfu_room_name_valid("caf\xc3\xa9", 5), "room: non-ASCII refused");
	ok(!sfu_room_name_valid("\xff", 1), "room: byte 0xff refused");
	ok(!sfu_room_name_valid("ab\0cd", 5), "room: NUL inside refused");
	ok(sfu_room_name_valid("ab\0cd", 2),
	   "room: explicit length stops before the NUL");
	ok(!sfu_room_name_valid("ab\0", 3), "room: trailing NUL refused");

	/* Every byte value, alone and in the middle of a valid name. */
	for (int c = 0; c < 256; c++) {
		char one = (char)c;
		char three[3] = { 'a', (char)c, 'b' };
		bool want = room_ok_char((unsigned char)c);
		if (sfu_room_name_valid(&one, 1) != want ||
		    sfu_room_name_valid(three, 3) != want)
			wrong++;
	}
	is_int(wrong, 0, "room: all 256 byte values classified as the regex");
}

/* ---- UTF-8 decoding -------------------------------------------------- */

static void dec_ok(const char *s, size_t n, size_t want_len, uint32_t want_cp,
		   const char *what)
{
	uint32_t cp = 0xdeadbeef;
	size_t got = sfu_utf8_decode((const unsigned char *)s, n, &cp);

	is_int(got, want_len, "decode %s: length", what);
	is_int(cp, want_cp, "decode %s: code point", what);
}

static void dec_bad(const char *s, size_t n, const char *what)
{
	uint32_t cp = 0;

	is_int(sfu_utf8_decode((const unsigned char *)s, n, &cp), 0,
	       "decode %s: refused", what);
}

/* Encode cp as UTF-8 the plain way (no checks); returns the length. */
static size_t enc(uint32_t cp, unsigned char *out)
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xc0 | (cp >> 6));
		out[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xe0 | (cp >> 12));
		out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | (cp >> 18));
	out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

static void test_utf8_decode(void)
{
	int wrong = 0;

	DEC_OK("A", 1, 'A', "ASCII");
	DEC_OK("\0", 1, 0, "NUL");
	DEC_OK("\x7f", 1, 0x7f, "U+007F");
	DEC_OK("\xc2\x80", 2, 0x80, "U+0080");
	DEC_OK("\xc3\xa9", 2, 0xe9, "U+00E9");
	DEC_OK("\xdf\xbf", 2, 0x7ff, "U+07FF");
	DEC_OK("\xe0\xa0\x80", 3, 0x800, "U+0800");
	DEC_OK("\xe2\x82\xac", 3, 0x20ac, "U+20AC");
	DEC_OK("\xed\x9f\xbf", 3, 0xd7ff, "U+D7FF");
	DEC_OK("\xee\x80\x80", 3, 0xe000, "U+E000");
	DEC_OK("\xef\xbf\xbf", 3, 0xffff, "U+FFFF");
	DEC_OK("\xf0\x90\x80\x80", 4, 0x10000, "U+10000");
	DEC_OK("\xf0\x9f\x98\x80", 4, 0x1f600, "U+1F600");
	DEC_OK("\xf4\x8f\xbf\xbf", 4, 0x10ffff, "U+10FFFF");
	DEC_OK("\xc3\xa9zz", 2, 0xe9, "reads one sequence only");

	DEC_BAD("", "empty");
	DEC_BAD("\xc0\x80", "overlong NUL C0 80");
	DEC_BAD("\xc0\xaf", "overlong '/' C0 AF");
	DEC_BAD("\xc1\xbf", "overlong C1 BF");
	DEC_BAD("\xe0\x80\x80", "overlong E0 80 80");
	DEC_BAD("\xe0\x9f\xbf", "overlong E0 9F BF");
	DEC_BAD("\xf0\x80\x80\x80", "overlong F0 80 80 80");
	DEC_BAD("\xf0\x8f\xbf\xbf", "overlong F0 8F BF BF");
	DEC_BAD("\xed\xa0\x80", "surrogate U+D800");
	DEC_BAD("\xed\xaf\xbf", "surrogate U+DBFF");
	DEC_BAD("\xed\xb0\x80", "surrogate U+DC00");
	DEC_BAD("\xed\xbf\xbf", "surrogate U+DFFF");
	DEC_BAD("\xf4\x90\x80\x80", "U+110000");
	DEC_BAD("\xf7\xbf\xbf\xbf", "U+1FFFFF");
	DEC_BAD("\xf5\x80\x80\x80", "lead byte F5");
	DEC_BAD("\xf8\x88\x80\x80\x80", "five-byte form");
	DEC_BAD("\xfc\x84\x80\x80\x80\x80", "six-byte form");
	DEC_BAD("\xfe", "byte FE");
	DEC_BAD("\xff", "byte FF");
	DEC_BAD("\x80", "lone continuation 80");
	DEC_BAD("\xbf", "lone continuation BF");
	DEC_BAD("\x80\x80\x80", "continuation run");
	DEC_BAD("\xc3", "truncated 2-byte");
	DEC_BAD("\xe2\x82", "truncated 3-byte");
	DEC_BAD("\xe2", "truncated 3-byte at lead");
	DEC_BAD("\xf0\x9f\x98", "truncated 4-byte");
	dec_bad("\xe2\x82\xac", 2, "n shorter than the sequence");
	DEC_BAD("\xc3\x41", "2-byte with ASCII second");
	DEC_BAD("\xe2\x28\xa1", "3-byte with bad second");
	DEC_BAD("\xe2\x82\x28", "3-byte with bad third");
	DEC_BAD("\xf0\x9f\x98\xc0", "4-byte with bad fourth");
	DEC_BAD("\xc3\xc3", "lead byte where continuation belongs");

	/* Every scalar value round-trips; every surrogate is refused. */
	for (uint32_t c = 0; c <= 0x10ffff; c++) {
		unsigned char b[4];
		uint32_t got = 0xffffffff;
		size_t n = enc(c, b);
		size_t r = sfu_utf8_decode(b, n, &got);
		bool sur = c >= 0xd800 && c <= 0xdfff;
		if (sur ? r != 0 : (r != n || got != c))
			wrong++;
	}
	is_int(wrong, 0, "decode: all of U+0000..U+10FFFF round-trip");

	/* Every two-byte lead with every second byte: valid iff C2..DF
	 * followed by a continuation byte. */
	wrong = 0;
	for (int a = 0x80; a < 0x100; a++) {
		for (int b = 0; b < 0x100; b++) {
			unsigned char s[2] = { (unsigned char)a,
					       (unsigned char)b };
			uint32_t cp;
			size_t r = sfu_utf8_decode(s, 2, &cp);
			bool two = a >= 0xc2 && a <= 0xdf && (b & 0xc0) == 0x80;
			if (two ? r != 2 : r == 2)
				wrong++;
		}
	}
	is_int(wrong, 0, "decode: two-byte table exact");
}

static void test_utf8_valid(void)
{
	ok(sfu_utf8_valid("", 0), "valid: empty");
	ok(sfu_utf8_valid("hello", 5), "valid: ASCII");
	ok(sfu_utf8_valid("a\0b", 3), "valid: NUL is valid UTF-8");
	ok(sfu_utf8_valid("h\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 10),
	   "valid: mixed lengths");
	ok(!sfu_utf8_valid("abc\xff", 4), "valid: FF at end refused");
	ok(!sfu_utf8_valid("ab\x80" "cd", 5), "valid: stray continuation");
	ok(!sfu_utf8_valid("ab\xe2\x82", 4), "valid: truncated at end");
	ok(sfu_utf8_valid("ab\xe2\x82", 2), "valid: length stops before it");
	ok(!sfu_utf8_valid("\xed\xa0\x80\xed\xb0\x80", 6),
	   "valid: CESU-8 surrogate pair refused");
	ok(!sfu_utf8_valid("\xc0\x80", 2), "valid: modified-UTF-8 NUL refused");
}

/* ---- display names --------------------------------------------------- */

static char out[SFU_DISPLAY_NAME_MAX_BYTES + 1 + 16];

static void norm_ok(const char *in, size_t len, const char *want,
		    const char *what)
{
	int rc;

	memset(out, 'X', sizeof(out));
	rc = sfu_display_name_normalize(in, len, out);
	is_int(rc, 0, "name %s: accepted", what);
	is_str(rc == 0 ? out : NULL, want, "name %s: output", what);
}

static void norm_bad(const char *in, size_t len, const char *what)
{
	memset(out, 'X', sizeof(out));
	is_int(sfu_display_name_normalize(in, len, out), -EINVAL,
	       "name %s: refused", what);
}

/* n copies of unit (u bytes) into buf, with pre and post around them. */
static size_t repeat(char *buf, const char *pre, const char *unit, size_t u,
		     int n, const char *post)
{
	size_t len = strlen(pre);

	memcpy(buf, pre, len);
	for (int i = 0; i < n; i++, len += u)
		memcpy(buf + len, unit, u);
	memcpy(buf + len, post, strlen(post));
	len += strlen(post);
	buf[len] = '\0';
	return len;
}

static void test_display_trim(void)
{
	NORM_OK("Alice", "Alice", "plain");
	NORM_OK("  Alice  ", "Alice", "ASCII spaces trimmed");
	NORM_OK("\t\n\v\f\r Alice \r\n\t", "Alice",
		"ASCII white space trimmed");
	NORM_OK("Ann Lee", "Ann Lee", "inner space kept");
	NORM_OK("  Ann   Lee ", "Ann   Lee", "inner run of spaces kept");
	NORM_OK("\xc2\xa0" "Bob\xc2\xa0", "Bob", "U+00A0 trimmed");
	NORM_OK("\xe3\x80\x80" "Bob\xe3\x80\x80", "Bob", "U+3000 trimmed");
	NORM_OK("\xe2\x80\x83\xe2\x80\x8a" "Bob\xe2\x80\xaf\xe2\x81\x9f", "Bob",
		"U+2003 U+200A U+202F U+205F trimmed");
	NORM_OK("\xe1\x9a\x80" "Bob", "Bob", "U+1680 trimmed");
	NORM_OK("\xef\xbb\xbf" "Bob", "Bob", "leading BOM trimmed");
	NORM_OK("Ann\xc2\xa0Lee", "Ann\xc2\xa0Lee", "inner U+00A0 kept");
	NORM_OK("Ann\xe3\x80\x80Lee", "Ann\xe3\x80\x80Lee",
		"inner U+3000 kept");
	NORM_OK("  Ren\xc3\xa9" "e \xe2\x82\xac ",
		"Ren\xc3\xa9" "e \xe2\x82\xac",
		"multibyte content exact");
	norm_ok("Alice Smith", 5, "Alice", "explicit length honoured");
	NORM_OK("x", "x", "one character");

	NORM_BAD("", "empty");
	NORM_BAD("   ", "spaces only");
	NORM_BAD(" \t\r\n ", "ASCII white space only");
	NORM_BAD("\xc2\xa0\xe3\x80\x80\xe2\x80\x83", "Unicode spaces only");
	NORM_BAD("\xef\xbb\xbf", "BOM only");
}

static void test_display_length(void)
{
	static const char emoji[] = "\xf0\x9f\x98\x80"; /* U+1F600 */
	char buf[600], want[600];
	size_t n;

	n = repeat(buf, "", emoji, 4, 64, "");
	norm_ok(buf, n, buf, "64 emoji (256 bytes)");
	n = repeat(buf, "", emoji, 4, 65, "");
	norm_bad(buf, n, "65 emoji");
	repeat(want, "", emoji, 4, 64, "");
	n = repeat(buf, " \xc2\xa0 ", emoji, 4, 64, "\xe3\x80\x80\t ");
	norm_ok(buf, n, want, "64 emoji inside spaces");

	n = repeat(buf, "", "a", 1, 64, "");
	norm_ok(buf, n, buf, "64 ASCII");
	n = repeat(buf, "", "a", 1, 65, "");
	norm_bad(buf, n, "65 ASCII");
	n = repeat(buf, "", "a", 1, 63, " b");
	norm_bad(buf, n, "65 with an inner space");
	repeat(want, "", "a", 1, 64, "");
	n = repeat(buf, "          ", "a", 1, 64, "          ");
	norm_ok(buf, n, want, "64 ASCII inside 20 spaces");

	n = repeat(buf, "", "\xc3\xa9", 2, 64, "");
	norm_ok(buf, n, buf, "64 two-byte characters");
	n = repeat(buf, "", "\xe2\x82\xac", 3, 65, "");
	norm_bad(buf, n, "65 three-byte characters");
}

static void test_display_control(void)
{
	char c0[4] = { 'a', 0, 'b', 0 };
	int wrong = 0;

	NORM_BAD("a\x01" "b", "U+0001 inside");
	NORM_BAD("\x01" "ab", "U+0001 leading");
	NORM_BAD("ab\x1b", "ESC trailing");
	NORM_BAD("a\x1f" "b", "U+001F inside");
	NORM_BAD("a\x7f" "b", "DEL inside");
	NORM_BAD("ab\x7f", "DEL trailing");
	NORM_BAD("a\xc2\x80" "b", "U+0080 inside");
	NORM_BAD("a\xc2\x85" "b", "U+0085 (NEL) inside");
	NORM_BAD("a\xc2\x9f" "b", "U+009F inside");
	NORM_BAD("a\xe2\x80\xa8" "b", "U+2028 inside");
	NORM_BAD("a\xe2\x80\xa9" "b", "U+2029 inside");
	NORM_BAD("Ann\tLee", "inner tab");
	NORM_BAD("Ann\nLee", "inner newline");
	NORM_BAD("Ann\rLee", "inner CR");
	NORM_BAD("Ann\vLee", "inner VT");
	NORM_BAD("a\0b", "embedded NUL");
	NORM_BAD("ab\0", "trailing NUL");
	NORM_BAD("\0ab", "leading NUL");
	NORM_OK("a\xc2\xa0" "b", "a\xc2\xa0" "b", "U+00A0 inside is fine");

	/* Every C0 control except the trimmed white space, inside a name. */
	for (int c = 0; c < 0x20; c++) {
		c0[1] = (char)c;
		if (sfu_display_name_normalize(c0, 3, out) != -EINVAL)
			wrong++;
	}
	is_int(wrong, 0, "name: every C0 control inside is refused");
	wrong = 0;
	for (int c = 0x80; c < 0xa0; c++) {
		char s[4] = { 'a', (char)(0xc0 | (c >> 6)),
			      (char)(0x80 | (c & 0x3f)), 'b' };
		if (sfu_display_name_normalize(s, 4, out) != -EINVAL)
			wrong++;
	}
	is_int(wrong, 0, "name: every C1 control inside is refused");
}

static void test_display_utf8(void)
{
	NORM_BAD("abc\xff", "FF byte");
	NORM_BAD("\xc0\x80" "abc", "overlong NUL");
	NORM_BAD("ab\xed\xa0\x80", "surrogate");
	NORM_BAD("abc\xe2\x82", "truncated at end");
	NORM_BAD("abc\x80", "lone continuation");
	NORM_BAD("\xf4\x90\x80\x80", "above U+10FFFF");
	NORM_BAD("  \xc3  ", "truncated amid spaces");
	NORM_BAD("Bob \xc2", "truncated trailing sequence");
}

int main(void)
{
	test_room_names();
	test_utf8_decode();
	test_utf8_valid();
	test_display_trim();
	test_display_length();
	test_display_control();
	test_display_utf8();
	return tap_done();
}
