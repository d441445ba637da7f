/*
 * test-msg.c - tests src/msg.c: what sfu_msg_parse lets through (objects,
 * U+0000 escapes) and what it refuses (other JSON, duplicates, bad UTF-8,
 * deep nesting, trailing bytes), sfu_msg_type, sfu_msg_check against flat
 * and nested schemas (required, nullable, each type, byte limits, U+0000,
 * per-member schemas, unknown members), and the request id rules of
 * sfu_msg_req_id with its exact JSON text.
 */
#include "msg.h"

#include <stdio.h>
#include <stdlib.h>

#include "names.h"
#include "tap.h"

/* Length of a string literal, embedded NULs included. */
#define L(s) (sizeof(s) - 1)

static char why[256];

/* Parse text of len bytes; NULL when refused (why holds the reason). */
static json_t *parse(const char *text, size_t len)
{
	why[0] = '\0';
	return sfu_msg_parse(text, len, why, sizeof(why));
}

static void parse_ok(const char *text, size_t len, const char *what)
{
	json_t *o = parse(text, len);

	ok(o != NULL, "parse %s: accepted", what);
	if (!o)
		printf("#   why: %s\n", why);
	json_decref(o);
}

/* Refused, with a reason that starts with prefix. */
static void parse_bad(const char *text, size_t len, const char *prefix,
		      const char *what)
{
	json_t *o = parse(text, len);

	ok(o == NULL, "parse %s: refused", what);
	if (!ok(strncmp(why, prefix, strlen(prefix)) == 0,
		"parse %s: reason starts \"%s\"", what, prefix))
		printf("#   why: %s\n", why);
	json_decref(o);
}

#define PARSE(s) parse(s, L(s))
#define PARSE_OK(s, what) parse_ok(s, L(s), what)
#define PARSE_BAD(s, prefix, what) parse_bad(s, L(s), prefix, what)

static const char NOT_OBJ[] = "a message must be a JSON object";

/* "[[[...]]]" nested depth deep inside a message. */
static char *nested(int depth, size_t *len)
{
	const char *pre = "{\"type\":\"x\",\"a\":";
	size_t pl = strlen(pre), n = pl + 2 * (size_t)depth + 1;
	char *s = sfu_xmalloc(n + 1);

	memcpy(s, pre, pl);
	memset(s + pl, '[', (size_t)depth);
	memset(s + pl + depth, ']', (size_t)depth);
	s[n - 1] = '}';
	s[n] = '\0';
	*len = n;
	return s;
}

static void test_parse(void)
{
	json_t *o;
	char *deep;
	size_t len;

	o = PARSE("{\"type\":\"join\",\"room\":\"r1\"}");
	ok(o && json_is_object(o), "parse: a join message");
	is_str(json_string_value(json_object_get(o, "room")), "r1",
	       "parse: members kept");
	json_decref(o);
	PARSE_OK(" \n{ \"type\" : \"\" }\r\n\t ", "empty type, white space");
	PARSE_OK("{\"type\":\"x\",\"a\":{\"type\":1}}", "nested type");
	PARSE_OK("{\"type\":\"caf\xc3\xa9\"}", "UTF-8 in type");
	PARSE_OK("{\"type\":\"\\u00e9\\ud83d\\ude00\"}", "escaped pair");
	parse_ok("{\"type\":\"x\"}GARBAGE", 12, "length stops early");
	/* "type" is sfu_msg_type's business now, not the parser's. */
	PARSE_OK("{}", "empty object");
	PARSE_OK("{\"type\":5}", "type a number");
	/* U+0000 passes the parser so the field checks can name it. */
	PARSE_OK("{\"type\":\"a\\u0000b\"}", "\\u0000 in type");
	PARSE_OK("{\"type\":\"x\",\"name\":\"\\u0000\"}",
		 "\\u0000 in another member");

	PARSE_BAD("hello", "not JSON", "bare word");
	PARSE_BAD("{type:\"x\"}", "not JSON", "unquoted key");
	PARSE_BAD("{\"type\":\"x\",}", "not JSON", "trailing comma");
	PARSE_BAD("{'type':'x'}", "not JSON", "single quotes");
	PARSE_BAD("", "not JSON", "empty input");
	PARSE_BAD("   ", "not JSON", "white space only");
	PARSE_BAD("{", "not JSON", "truncated object");
	PARSE_BAD("{\"type\":\"x", "not JSON", "truncated string");
	PARSE_BAD("[]", NOT_OBJ, "empty array");
	PARSE_BAD("[{\"type\":\"x\"}]", NOT_OBJ, "array of a message");
	/* jansson refuses bare scalars at top level without DECODE_ANY. */
	PARSE_BAD("\"join\"", "", "string");
	PARSE_BAD("42", "", "number");
	PARSE_BAD("null", "", "null");
	PARSE_BAD("true", "", "true");
	PARSE_BAD("{\"type\":\"a\",\"type\":\"b\"}", "not JSON",
		  "duplicate type");
	PARSE_BAD("{\"type\":\"a\",\"x\":1,\"x\":1}", "not JSON",
		  "duplicate other key");
	PARSE_BAD("{\"type\":\"a\",\"o\":{\"k\":1,\"k\":2}}", "not JSON",
		  "duplicate nested key");
	PARSE_BAD("{\"type\":\"j\xff\"}", "not JSON", "byte FF in a string");
	PARSE_BAD("{\"type\":\"j\xc3\"}", "not JSON", "truncated UTF-8");
	PARSE_BAD("{\"type\":\"\xc0\x80\"}", "not JSON", "overlong NUL");
	PARSE_BAD("{\"type\":\"\xed\xa0\x80\"}", "not JSON",
		  "encoded surrogate");
	PARSE_BAD("{\"type\":\"x\",\"k\xff\":1}", "not JSON", "bad UTF-8 key");
	PARSE_BAD("{\"type\":\"x\",\"a\\u0000\":1}", "not JSON",
		  "\\u0000 in a key");
	PARSE_BAD("{\"type\":\"\\ud800\"}", "not JSON",
		  "lone surrogate escape");
	PARSE_BAD("{\"type\":\"a\0b\"}", "not JSON", "raw NUL in a string");
	PARSE_BAD("{\"type\":\"x\"}\0", "not JSON", "raw NUL after object");
	PARSE_BAD("{\"type\":\"x\"} garbage", "not JSON", "trailing garbage");
	PARSE_BAD("{\"type\":\"x\"}{\"type\":\"y\"}", "not JSON",
		  "two objects");
	PARSE_BAD("{\"type\":\"x\"}]", "not JSON", "trailing bracket");

	deep = nested(30, &len);
	parse_ok(deep, len, "arrays nested 30 deep");
	free(deep);
	deep = nested(100000, &len);
	o = parse(deep, len);
	ok(o == NULL, "parse: arrays nested 100000 deep refused");
	ok(strncmp(why, "not JSON", 8) == 0, "parse: deep nesting reason");
	json_decref(o);
	free(deep);

	/* The reason fits a small buffer. */
	memset(why, 'X', sizeof(why));
	o = sfu_msg_parse("nope", 4, why, 8);
	ok(o == NULL && strlen(why) == 7, "parse: reason truncated to whylen");
}

/* sfu_msg_type of the message text: want NULL when it has none. */
static void type_is(const char *text, size_t len, const char *want,
		    const char *what)
{
	json_t *o = parse(text, len);

	if (!o) {
		ok(0, "type %s: test message parses (%s)", what, why);
		return;
	}
	is_str(sfu_msg_type(o), want, "type %s", what);
	json_decref(o);
}

#define TYPE_IS(s, want, what) type_is(s, L(s), want, what)

static void test_type(void)
{
	TYPE_IS("{\"type\":\"join\"}", "join", "a string");
	TYPE_IS("{\"type\":\"\"}", "", "empty string");
	TYPE_IS("{\"a\":1,\"type\":\"x\",\"b\":2}", "x", "among others");
	TYPE_IS("{}", NULL, "absent");
	TYPE_IS("{\"room\":\"r\"}", NULL, "object without type");
	TYPE_IS("{\"type\":5}", NULL, "a number");
	TYPE_IS("{\"type\":null}", NULL, "null");
	TYPE_IS("{\"type\":true}", NULL, "a boolean");
	TYPE_IS("{\"type\":[\"x\"]}", NULL, "an array");
	TYPE_IS("{\"type\":{}}", NULL, "an object");
	TYPE_IS("{\"Type\":\"x\"}", NULL, "keys are case-sensitive");
	TYPE_IS("{\"type\":\"a\\u0000b\"}", NULL, "U+0000 inside");
	TYPE_IS("{\"type\":\"join\\u0000\"}", NULL, "U+0000 at the end");
	TYPE_IS("{\"o\":{\"type\":\"x\"}}", NULL, "nested type is not it");
}

/* ---- sfu_msg_check --------------------------------------------------- */

static const struct sfu_field schema[] = {
	{ .name = "room", .type = SFU_F_STRING, .required = true,
	  .max_len = 64 },
	{ .name = "name", .type = SFU_F_STRING, .max_len = 10 },
	{ .name = "count", .type = SFU_F_INT },
	{ .name = "flag", .type = SFU_F_BOOL },
	{ .name = "opts", .type = SFU_F_OBJECT },
	{ .name = "sdp", .type = SFU_F_OBJECT_OR_NULL },
	{ .name = "blob", .type = SFU_F_STRING, .allow_nul = true },
	{ .name = "opt", .type = SFU_F_STRING, .nullable = true },
	{ .name = NULL },
};

/* Check the message text against fields; want_why NULL means valid. */
static void check_len(const struct sfu_field *fields, const char *text,
		      size_t len, const char *want_why, const char *what)
{
	json_t *o = parse(text, len);
	int rc;

	if (!o) {
		ok(0, "check %s: test message parses (%s)", what, why);
		return;
	}
	why[0] = '\0';
	rc = sfu_msg_check(o, fields, why, sizeof(why));
	if (want_why) {
		is_int(rc, -EINVAL, "check %s: refused", what);
		is_str(why, want_why, "check %s: reason", what);
	} else {
		is_int(rc, 0, "check %s: accepted", what);
		if (rc)
			printf("#   why: %s\n", why);
	}
	json_decref(o);
}

static void check(const struct sfu_field *fields, const char *text,
		  const char *want_why, const char *what)
{
	check_len(fields, text, strlen(text), want_why, what);
}

static void test_check(void)
{
	static const struct sfu_field unbounded[] = {
		{ .name = "room", .type = SFU_F_STRING, .required = true },
		{ .name = NULL },
	};
	static const struct sfu_field req_nullable[] = {
		{ .name = "sdp", .type = SFU_F_OBJECT, .required = true,
		  .nullable = true },
		{ .name = NULL },
	};
	char buf[2048];

	check(schema, "{\"type\":\"j\",\"room\":\"r\"}", NULL, "minimal");
	check(schema,
	      "{\"type\":\"j\",\"room\":\"r\",\"name\":\"n\",\"count\":-3,"
	      "\"flag\":false,\"opts\":{\"a\":[1]},\"sdp\":{\"x\":1}}",
	      NULL, "every field");
	check(schema, "{\"type\":\"j\",\"room\":\"r\",\"sdp\":null}", NULL,
	      "OBJECT_OR_NULL takes null");
	check(schema, "{\"type\":\"j\",\"room\":\"r\",\"sdp\":{}}", NULL,
	      "OBJECT_OR_NULL takes an object");
	check(schema,
	      "{\"type\":\"j\",\"room\":\"r\",\"zzz\":[1,{}],\"Room\":5}",
	      NULL, "unknown members ignored");
	check(schema, "{\"room\":\"r\"}", NULL, "type is not the schema's");
	check(NULL, "{\"type\":\"j\"}", NULL, "NULL field list");

	check(schema, "{\"type\":\"j\"}", "\"room\" is required",
	      "required missing");
	check(schema, "{\"type\":\"j\",\"name\":\"n\"}", "\"room\" is required",
	      "required missing, optional present");
	check(schema, "{\"type\":\"j\",\"room\":5}",
	      "\"room\" must be a string", "string given a number");
	check(schema, "{\"type\":\"j\",\"room\":null}",
	      "\"room\" must be a string", "string given null");
	check(schema, "{\"type\":\"j\",\"room\":[\"r\"]}",
	      "\"room\" must be a string", "string given an array");
	check(schema, "{\"type\":\"j\",\"room\":\"r\",\"name\":null}",
	      "\"name\" must be a string", "optional string given null");
	check(schema, "{\"type\":\"j\",\"room\":\"r\",\"count\":\"1\"}",
	      "\"count\" must be an integer", "int given a string");
	check(schema, "{\"type\":\"j\",\"room\":\"r\",\"count\":1.5}",
	      "\"count\" must be an integer", "int given a fraction");
	check(schema, "{\"type\":\"j\",\"room\":\"r\",\"count\":1.0}",
	      "\"count\" must be an integer", "int given 1.0");
	check(schema, "{\"type\":\"j\",\"room\":\"r\",\"count\":true}",
	      "\"count\" must be an integer", "int given a boolean");
	check(schema, "{\"type\":\"j\",\"room\":\"r\",\"flag\":1}",
	      "\"flag\" must be a boolean", "bool given 1");
	check(schema, "{\"type\":\"j\",\"room\":\"r\",\"flag\":\"true\"}",
	      "\"flag\" must be a boolean", "bool given a string");
	check(schema, "{\"type\":\"j\",\"room\":\"r\",\"flag\":null}",
	      "\"flag\" must be a boolean", "bool given null");
	check(schema, "{\"type\":\"j\",\"room\":\"r\",\"opts\":[]}",
	      "\"opts\" must be an object", "object given an array");
	check(schema, "{\"type\":\"j\",\"room\":\"r\",\"opts\":null}",
	      "\"opts\" must be an object", "object given null");
	check(schema, "{\"type\":\"j\",\"room\":\"r\",\"sdp\":\"v=0\"}",
	      "\"sdp\" must be an object or null",
	      "OBJECT_OR_NULL given a string");
	check(schema, "{\"type\":\"j\",\"room\":\"r\",\"sdp\":[]}",
	      "\"sdp\" must be an object or null",
	      "OBJECT_OR_NULL given an array");
	check(schema, "{\"type\":\"j\",\"room\":\"r\",\"sdp\":false}",
	      "\"sdp\" must be an object or null",
	      "OBJECT_OR_NULL given false");

	check(schema, "{\"type\":\"j\",\"room\":\"r\",\"name\":\"0123456789\"}",
	      NULL, "max_len exactly");
	check(schema,
	      "{\"type\":\"j\",\"room\":\"r\",\"name\":\"0123456789a\"}",
	      "\"name\" is longer than 10 bytes", "max_len + 1");
	check(schema, "{\"type\":\"j\",\"room\":\"r\",\"name\":\"\"}", NULL,
	      "empty string within max_len");
	check(schema,
	      "{\"type\":\"j\",\"room\":\"r\",\"name\":\"\xc3\xa9\xc3\xa9\xc3"
	      "\xa9\xc3\xa9\xc3\xa9\"}",
	      NULL, "max_len counts bytes: 5 x U+00E9 = 10");
	check(schema,
	      "{\"type\":\"j\",\"room\":\"r\",\"name\":\"\\u00e9\\u00e9\\u00e9"
	      "\\u00e9\\u00e9\\u00e9\"}",
	      "\"name\" is longer than 10 bytes",
	      "max_len counts decoded bytes: 6 x U+00E9 = 12");
	snprintf(buf, sizeof(buf), "{\"type\":\"j\",\"room\":\"%01000d\"}", 0);
	check(unbounded, buf, NULL, "max_len 0 is unbounded");
	check(schema, buf, "\"room\" is longer than 64 bytes",
	      "1000 bytes over 64");

	/* U+0000: refused unless the field allows it. */
	check(schema, "{\"type\":\"j\",\"room\":\"r\\u0000\"}",
	      "\"room\" must not contain U+0000", "U+0000 in a string");
	check(schema, "{\"type\":\"j\",\"room\":\"r\",\"name\":\"\\u0000\"}",
	      "\"name\" must not contain U+0000", "a lone U+0000");
	check(schema, "{\"type\":\"j\",\"room\":\"r\",\"blob\":\"a\\u0000b\"}",
	      NULL, "allow_nul lets U+0000 through");
	check(schema, "{\"type\":\"j\",\"room\":\"r\",\"zz\":\"\\u0000\"}",
	      NULL, "U+0000 in an unknown member is ignored");
	check(schema,
	      "{\"type\":\"j\",\"room\":\"r\",\"name\":\"0123456789\\u0000\"}",
	      "\"name\" is longer than 10 bytes",
	      "U+0000 counts toward max_len");

	/* nullable: null is as good as absent. */
	check(schema, "{\"type\":\"j\",\"room\":\"r\",\"opt\":null}", NULL,
	      "nullable optional given null");
	check(schema, "{\"type\":\"j\",\"room\":\"r\",\"opt\":\"s\"}", NULL,
	      "nullable given a string");
	check(schema, "{\"type\":\"j\",\"room\":\"r\",\"opt\":1}",
	      "\"opt\" must be a string", "nullable given a number");
	check(req_nullable, "{\"sdp\":null}", "\"sdp\" is required",
	      "required nullable given null");
	check(req_nullable, "{}", "\"sdp\" is required",
	      "required nullable absent");
	check(req_nullable, "{\"sdp\":{}}", NULL, "required nullable given {}");
}

static void test_check_nested(void)
{
	static const struct sfu_field track[] = {
		{ .name = "kind", .type = SFU_F_STRING, .required = true,
		  .max_len = 5 },
		{ .name = "muted", .type = SFU_F_BOOL },
		{ .name = NULL },
	};
	static const struct sfu_field desc[] = {
		{ .name = "sdp", .type = SFU_F_STRING, .required = true },
		{ .name = "type", .type = SFU_F_STRING, .required = true },
		{ .name = NULL },
	};
	static const struct sfu_field publish[] = {
		{ .name = "desc", .type = SFU_F_OBJECT, .required = true,
		  .fields = desc },
		{ .name = "tracks", .type = SFU_F_OBJECT, .each = track },
		{ .name = "maybe", .type = SFU_F_OBJECT_OR_NULL,
		  .fields = desc },
		{ .name = NULL },
	};

	check(publish, "{\"desc\":{\"sdp\":\"v=0\",\"type\":\"offer\"}}", NULL,
	      "nested: valid");
	check(publish, "{\"desc\":{\"type\":\"offer\"}}", "\"sdp\" is required",
	      "nested: member missing");
	check(publish, "{\"desc\":{\"sdp\":1,\"type\":\"offer\"}}",
	      "\"sdp\" must be a string", "nested: member wrong type");
	check(publish,
	      "{\"desc\":{\"sdp\":\"\\u0000\",\"type\":\"offer\"}}",
	      "\"sdp\" must not contain U+0000", "nested: U+0000 in a member");
	check(publish, "{\"desc\":[]}", "\"desc\" must be an object",
	      "nested: not an object");
	check(publish,
	      "{\"desc\":{\"sdp\":\"v=0\",\"type\":\"offer\"},\"maybe\":null}",
	      NULL, "nested: OBJECT_OR_NULL null skips its schema");
	check(publish,
	      "{\"desc\":{\"sdp\":\"v=0\",\"type\":\"offer\"},\"maybe\":{}}",
	      "\"sdp\" is required",
	      "nested: OBJECT_OR_NULL object is checked");

	check(publish,
	      "{\"desc\":{\"sdp\":\"\",\"type\":\"\"},\"tracks\":{}}", NULL,
	      "each: empty map");
	check(publish,
	      "{\"desc\":{\"sdp\":\"\",\"type\":\"\"},\"tracks\":{"
	      "\"t1\":{\"kind\":\"audio\"},\"t2\":{\"kind\":\"video\","
	      "\"muted\":true}}}",
	      NULL, "each: two valid members");
	check(publish,
	      "{\"desc\":{\"sdp\":\"\",\"type\":\"\"},\"tracks\":{"
	      "\"t1\":{\"kind\":\"audio\"},\"t2\":5}}",
	      "\"tracks\" members must be objects", "each: a number member");
	check(publish,
	      "{\"desc\":{\"sdp\":\"\",\"type\":\"\"},\"tracks\":{"
	      "\"t1\":null}}",
	      "\"tracks\" members must be objects", "each: a null member");
	check(publish,
	      "{\"desc\":{\"sdp\":\"\",\"type\":\"\"},\"tracks\":{"
	      "\"t1\":{\"kind\":\"audio\"},\"t2\":{\"muted\":true}}}",
	      "\"kind\" is required", "each: member missing a field");
	check(publish,
	      "{\"desc\":{\"sdp\":\"\",\"type\":\"\"},\"tracks\":{"
	      "\"t1\":{\"kind\":\"screen\"}}}",
	      "\"kind\" is longer than 5 bytes", "each: member over max_len");
	check(publish,
	      "{\"desc\":{\"sdp\":\"\",\"type\":\"\"},\"tracks\":[]}",
	      "\"tracks\" must be an object", "each: an array");
}

/* ---- sfu_msg_req_id -------------------------------------------------- */

static char idbuf[SFU_REQ_ID_MAX];

/* The id of message text: rc, with idbuf holding the JSON text. */
static int req_id(const char *text)
{
	json_t *o = parse(text, strlen(text));
	int rc;

	if (!o)
		return -1000;
	memset(idbuf, 'X', sizeof(idbuf));
	rc = sfu_msg_req_id(o, idbuf, sizeof(idbuf));
	json_decref(o);
	return rc;
}

static void id_ok(const char *text, const char *want, const char *what)
{
	is_int(req_id(text), 0, "req_id %s: accepted", what);
	is_str(idbuf, want, "req_id %s: text", what);
}

static void id_bad(const char *text, const char *what)
{
	is_int(req_id(text), -EINVAL, "req_id %s: refused", what);
	is_str(idbuf, "", "req_id %s: out emptied", what);
}

/* A message whose id is a string of n copies of unit. */
static const char *id_msg(const char *unit, int n)
{
	static char buf[1024];
	size_t len = (size_t)snprintf(buf, sizeof(buf),
				      "{\"type\":\"x\",\"id\":\"");

	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s",
					unit);
	snprintf(buf + len, sizeof(buf) - len, "\"}");
	return buf;
}

/* The JSON text "\"" + n copies of unit + "\"". */
static const char *quoted(const char *unit, int n)
{
	static char buf[1024];
	size_t len = 1;

	buf[0] = '"';
	for (int i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s",
					unit);
	snprintf(buf + len, sizeof(buf) - len, "\"");
	return buf;
}

static void test_req_id(void)
{
	char want[1024];
	json_t *o;

	id_ok("{\"type\":\"x\"}", "", "absent");
	id_ok("{\"type\":\"x\",\"id\":\"abc\"}", "\"abc\"", "string");
	id_ok("{\"type\":\"x\",\"id\":\"\"}", "\"\"", "empty string");
	id_ok("{\"type\":\"x\",\"id\":42}", "42", "integer");
	id_ok("{\"type\":\"x\",\"id\":0}", "0", "zero");
	id_ok("{\"type\":\"x\",\"id\":-7}", "-7", "negative integer");
	id_ok("{\"type\":\"x\",\"id\":-0}", "0", "minus zero");
	id_ok("{\"type\":\"x\",\"id\":9223372036854775807}",
	      "9223372036854775807", "INT64_MAX");
	id_ok("{\"type\":\"x\",\"id\":-9223372036854775808}",
	      "-9223372036854775808", "INT64_MIN");
	id_ok("{\"type\":\"x\",\"id\":\"a\\\"b\\\\c/d\"}", "\"a\\\"b\\\\c/d\"",
	      "escapes re-encoded");
	id_ok("{\"type\":\"x\",\"id\":\"\\u00e9\"}", "\"\xc3\xa9\"",
	      "\\u escape written as UTF-8");
	id_ok("{\"type\":\"x\",\"id\":\"\\u0001\\n\"}", "\"\\u0001\\n\"",
	      "control characters escaped");
	id_ok("{\"type\":\"x\",\"id\":\"a\\u0000b\"}", "\"a\\u0000b\"",
	      "U+0000 escaped, not cut");

	strcpy(want, quoted("a", 64));
	id_ok(id_msg("a", 64), want, "64 ASCII characters");
	id_bad(id_msg("a", 65), "65 ASCII characters");
	strcpy(want, quoted("\xc3\xa9", 64));
	id_ok(id_msg("\xc3\xa9", 64), want, "64 two-byte characters");
	id_bad(id_msg("\xc3\xa9", 65), "65 two-byte characters");
	strcpy(want, quoted("\xf0\x9f\x98\x80", 64));
	id_ok(id_msg("\xf0\x9f\x98\x80", 64), want, "64 emoji");
	id_bad(id_msg("\xf0\x9f\x98\x80", 65), "65 emoji");
	strcpy(want, quoted("\xf0\x9f\x98\x80", 64));
	id_ok(id_msg("\\ud83d\\ude00", 64), want, "64 escaped pairs");
	/* The longest text there is: 64 characters escaped as \u00XX. */
	strcpy(want, quoted("\\u001F", 64));
	id_ok(id_msg("\\u001f", 64), want, "64 escaped controls fit");
	ok(strlen(idbuf) == 386 && strlen(idbuf) < SFU_REQ_ID_MAX,
	   "req_id: worst case %zu bytes fits SFU_REQ_ID_MAX", strlen(idbuf));

	id_bad("{\"type\":\"x\",\"id\":1.5}", "fraction");
	id_bad("{\"type\":\"x\",\"id\":1.0}", "1.0");
	id_bad("{\"type\":\"x\",\"id\":1e3}", "exponent");
	id_bad("{\"type\":\"x\",\"id\":{}}", "object");
	id_bad("{\"type\":\"x\",\"id\":[1]}", "array");
	id_bad("{\"type\":\"x\",\"id\":true}", "true");
	id_bad("{\"type\":\"x\",\"id\":false}", "false");
	id_bad("{\"type\":\"x\",\"id\":null}", "null");

	/* An out buffer too small for the text is refused, not overrun. */
	o = PARSE("{\"type\":\"x\",\"id\":12345}");
	memset(idbuf, 'X', sizeof(idbuf));
	is_int(sfu_msg_req_id(o, idbuf, 5), -EINVAL,
	       "req_id: 5 bytes for 12345");
	is_int(idbuf[0], 0, "req_id: out emptied when too small");
	ok(idbuf[5] == 'X', "req_id: nothing written past outsz");
	is_int(sfu_msg_req_id(o, idbuf, 6), 0, "req_id: 6 bytes suffice");
	is_str(idbuf, "12345", "req_id: exact text in a tight buffer");
	json_decref(o);
}

int main(void)
{
	test_parse();
	test_type();
	test_check();
	test_check_nested();
	test_req_id();
	return tap_done();
}
