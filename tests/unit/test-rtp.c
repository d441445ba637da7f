/*
 * test-rtp.c - tests src/rtp.c: parsing of hand-built packets (CSRCs,
 * one-byte and two-byte extensions, padding), refusal of malformed ones,
 * every truncation of valid packets (copied to exact-size heap buffers so
 * the sanitizers catch any over-read), extension lookup edge cases, the
 * forwarding rewrite (id mapping, form choice, transport-cc, space
 * checks), RTX wrap/unwrap round trips, in-place patches and sequence
 * arithmetic across the 16-bit wrap.
 */
#include "rtp.h"

#include <stdlib.h>

#include "tap.h"

/* A packet with 2 CSRCs, a one-byte extension block (id 1 audio level,
 * padding byte, id 3 transport-cc), 5 payload bytes, 3 padding bytes. */
static const uint8_t full[] = {
	0xb2, 0x80 | 96, 0x12, 0x34,       /* V=2 P X CC=2, M, pt 96, seq */
	0xde, 0xad, 0xbe, 0xef,            /* ts */
	0x01, 0x02, 0x03, 0x04,            /* ssrc */
	0xc0, 0x00, 0x00, 0x01,            /* csrc 1 */
	0xc0, 0x00, 0x00, 0x02,            /* csrc 2 */
	0xbe, 0xde, 0x00, 0x02,            /* one-byte profile, 2 words */
	0x10, 0x85,                        /* id 1 len 1: 0x85 */
	0x00,                              /* padding byte */
	0x31, 0xab, 0xcd,                  /* id 3 len 2: 0xabcd */
	0x00, 0x00,                        /* padding to the word */
	'h', 'e', 'l', 'l', 'o',           /* payload */
	0x00, 0x00, 0x03,                  /* padding, count 3 */
};

/* Two-byte extension form: id 20 empty, id 1 three bytes, id 200 one. */
static const uint8_t two[] = {
	0x90, 100, 0x00, 0x07, 0, 0, 0, 9, 0xaa, 0xbb, 0xcc, 0xdd,
	0x10, 0x05, 0x00, 0x03,            /* two-byte profile 0x1005 */
	20, 0,                             /* id 20, empty */
	0,                                 /* padding byte */
	1, 3, 'a', 'b', 'c',               /* id 1, 3 bytes */
	200, 1, 0x7f,                      /* id 200, 1 byte */
	0,                                 /* padding */
	0x42,                              /* payload */
};

static uint8_t *dup_exact(const uint8_t *p, size_t len)
{
	uint8_t *d = malloc(len ? len : 1);

	if (len)
		memcpy(d, p, len);
	return d;
}

static int parse_copy(const uint8_t *p, size_t len, struct sfu_rtp *r)
{
	uint8_t *d = dup_exact(p, len);
	int rc = sfu_rtp_parse(d, len, r);

	free(d);
	return rc;
}

static void parse_full(void)
{
	struct sfu_rtp r;

	is_int(sfu_rtp_parse(full, sizeof(full), &r), 0, "full: parses");
	is_int(r.version, 2, "full: version");
	ok(r.padding, "full: P");
	ok(r.extension, "full: X");
	ok(r.marker, "full: M");
	is_int(r.cc, 2, "full: cc");
	is_int(r.pt, 96, "full: pt");
	is_int(r.seq, 0x1234, "full: seq");
	is_int(r.ts, 0xdeadbeef, "full: ts");
	is_int(r.ssrc, 0x01020304, "full: ssrc");
	is_int(r.ext_profile, 0xbede, "full: profile");
	is_int(r.ext_off, 24, "full: ext data offset");
	is_int(r.ext_len, 8, "full: ext data length");
	is_int(r.header_len, 32, "full: header length");
	is_int(r.payload_off, 32, "full: payload offset");
	is_int(r.payload_len, 5, "full: payload length");
	is_int(r.padding_len, 3, "full: padding length");
	ok(memcmp(full + r.payload_off, "hello", 5) == 0, "full: payload");
}

static void parse_minimal(void)
{
	uint8_t p[12] = { 0x80, 0x6f, 0xff, 0xff, 0, 0, 0, 1, 0, 0, 0, 2 };
	struct sfu_rtp r;

	is_int(sfu_rtp_parse(p, 12, &r), 0, "12-byte packet parses");
	ok(!r.marker && !r.padding && !r.extension, "minimal: no flags");
	is_int(r.pt, 111, "minimal: pt 111");
	is_int(r.seq, 65535, "minimal: seq");
	is_int(r.header_len, 12, "minimal: header 12");
	is_int(r.payload_len, 0, "minimal: empty payload");
	is_int(r.ext_len, 0, "minimal: no extension");
}

static void parse_bad(void)
{
	uint8_t p[64];
	struct sfu_rtp r;

	for (int v = 0; v < 4; v++) {
		if (v == 2)
			continue;
		memcpy(p, full, sizeof(full));
		p[0] = (uint8_t)((p[0] & 0x3f) | v << 6);
		is_int(sfu_rtp_parse(p, sizeof(full), &r), -EINVAL,
		       "version %d refused", v);
	}
	is_int(sfu_rtp_parse(full, 11, &r), -EINVAL, "11 bytes refused");
	is_int(sfu_rtp_parse(full, 0, &r), -EINVAL, "0 bytes refused");

	memset(p, 0, sizeof(p));
	p[0] = 0x8f; /* 15 CSRCs need 72 bytes */
	is_int(parse_copy(p, 64, &r), -EINVAL, "CSRC list past the end");
	p[0] = 0x90; /* X without room for the extension header */
	is_int(parse_copy(p, 15, &r), -EINVAL, "truncated ext header");
	p[12] = 0xbe, p[13] = 0xde, p[14] = 0, p[15] = 2;
	is_int(parse_copy(p, 23, &r), -EINVAL, "ext length past the end");
	is_int(parse_copy(p, 24, &r), 0, "ext exactly filling the packet");
	is_int(r.payload_len, 0, "ext-only packet: empty payload");
	p[14] = 0xff, p[15] = 0xff;
	is_int(parse_copy(p, 64, &r), -EINVAL, "ext length 0xffff refused");

	memcpy(p, full, sizeof(full));
	p[sizeof(full) - 1] = 0;
	is_int(sfu_rtp_parse(p, sizeof(full), &r), -EINVAL, "padding 0");
	p[sizeof(full) - 1] = 9;
	is_int(sfu_rtp_parse(p, sizeof(full), &r), -EINVAL,
	       "padding beyond the payload");
	p[sizeof(full) - 1] = 8;
	is_int(sfu_rtp_parse(p, sizeof(full), &r), 0,
	       "padding of the whole payload");
	is_int(r.payload_len, 0, "padding-only: payload 0");
	is_int(r.padding_len, 8, "padding-only: padding 8");
	is_int(sfu_rtp_parse(p, 32, &r), -EINVAL,
	       "P set with no byte after the header");
}

/* Every prefix parses as an error or as a view that adds up. */
static void truncations(const uint8_t *pkt, size_t len, const char *what)
{
	int bad = 0, okays = 0;

	for (size_t n = 0; n <= len; n++) {
		struct sfu_rtp r;
		uint8_t *d = dup_exact(pkt, n);
		const uint8_t *v;
		size_t vl;

		if (sfu_rtp_parse(d, n, &r) == 0) {
			okays++;
			if (r.header_len + r.payload_len + r.padding_len != n ||
			    r.payload_off != r.header_len ||
			    (r.extension && r.ext_off + r.ext_len > n))
				bad++;
			for (unsigned id = 0; id < 256; id++)
				if (sfu_rtp_ext_find(d, &r, (uint8_t)id, &v,
						     &vl) == 0 &&
				    (v < d || v + vl > d + n))
					bad++;
		}
		free(d);
	}
	is_int(bad, 0, "%s: every truncation consistent", what);
	ok(okays >= 1, "%s: the whole packet parses", what);
}

static void ext_find_basic(void)
{
	struct sfu_rtp r;
	const uint8_t *v;
	size_t l;

	sfu_rtp_parse(full, sizeof(full), &r);
	is_int(sfu_rtp_ext_find(full, &r, 1, &v, &l), 0, "one-byte: id 1");
	is_int(l, 1, "id 1 length 1");
	is_int(v[0], 0x85, "id 1 value");
	is_int(sfu_rtp_ext_find(full, &r, 3, &v, &l), 0, "one-byte: id 3");
	is_int(l, 2, "id 3 length 2");
	is_int(sfu_get_be16(v), 0xabcd, "id 3 value after a padding byte");
	is_int(sfu_rtp_ext_find(full, &r, 2, &v, &l), -ENOENT, "id 2 absent");
	is_int(sfu_rtp_ext_find(full, &r, 0, &v, &l), -ENOENT, "id 0 never");

	is_int(sfu_rtp_parse(two, sizeof(two), &r), 0, "two-byte parses");
	is_int(r.ext_profile, 0x1005, "two-byte profile with appbits");
	is_int(r.payload_len, 1, "two-byte payload");
	is_int(sfu_rtp_ext_find(two, &r, 20, &v, &l), 0, "two-byte: id 20");
	is_int(l, 0, "id 20 is empty");
	is_int(sfu_rtp_ext_find(two, &r, 1, &v, &l), 0, "two-byte: id 1");
	ok(l == 3 && memcmp(v, "abc", 3) == 0, "id 1 value abc");
	is_int(sfu_rtp_ext_find(two, &r, 200, &v, &l), 0, "two-byte: id 200");
	ok(l == 1 && v[0] == 0x7f, "id 200 value");

	sfu_rtp_parse(full, 12, &r);
	is_int(sfu_rtp_ext_find(full, &r, 1, &v, &l), -ENOENT, "no X: none");
}

/* A packet with an extension block of the given profile and data. */
static size_t mk_ext(uint8_t *p, uint16_t profile, const uint8_t *data,
		     size_t words)
{
	memset(p, 0, 16);
	p[0] = 0x90;
	p[1] = 96;
	sfu_put_be16(p + 12, profile);
	sfu_put_be16(p + 14, (uint16_t)words);
	memcpy(p + 16, data, 4 * words);
	return 16 + 4 * words;
}

static void ext_find_edges(void)
{
	static const uint8_t stop15[] = { 0x10, 1, 0xf0, 0x20, 9, 0, 0, 0 };
	static const uint8_t overrun[] = { 0x10, 1, 0x2f, 0, 0, 0, 0, 0 };
	static const uint8_t two_over[] = { 5, 1, 0xaa, 7, 9, 0, 0, 0 };
	static const uint8_t pads[] = { 0, 0, 0, 0, 0, 0x40, 0x99, 0 };
	static const uint8_t odd[] = { 0x10, 1, 0, 0 };
	uint8_t p[64];
	struct sfu_rtp r;
	const uint8_t *v;
	size_t l, n;

	n = mk_ext(p, 0xbede, stop15, 2);
	sfu_rtp_parse(p, n, &r);
	is_int(sfu_rtp_ext_find(p, &r, 1, &v, &l), 0, "before id 15: found");
	is_int(sfu_rtp_ext_find(p, &r, 2, &v, &l), -ENOENT,
	       "id 15 stops parsing");
	n = mk_ext(p, 0xbede, overrun, 2);
	sfu_rtp_parse(p, n, &r);
	is_int(sfu_rtp_ext_find(p, &r, 1, &v, &l), 0, "before overrun");
	is_int(sfu_rtp_ext_find(p, &r, 2, &v, &l), -ENOENT,
	       "element past the block is not returned");
	n = mk_ext(p, 0x1000, two_over, 2);
	sfu_rtp_parse(p, n, &r);
	is_int(sfu_rtp_ext_find(p, &r, 5, &v, &l), 0, "two-byte id 5");
	is_int(sfu_rtp_ext_find(p, &r, 7, &v, &l), -ENOENT,
	       "two-byte element past the block");
	n = mk_ext(p, 0xbede, pads, 2);
	sfu_rtp_parse(p, n, &r);
	is_int(sfu_rtp_ext_find(p, &r, 4, &v, &l), 0, "after 6 padding bytes");
	ok(l == 1 && v[0] == 0x99, "id 4 value after the padding");
	n = mk_ext(p, 0x1234, odd, 1);
	sfu_rtp_parse(p, n, &r);
	is_int(sfu_rtp_ext_find(p, &r, 1, &v, &l), -ENOENT,
	       "unknown profile: nothing found");
	n = mk_ext(p, 0xbede, odd, 0);
	sfu_rtp_parse(p, n, &r);
	is_int(sfu_rtp_ext_find(p, &r, 1, &v, &l), -ENOENT, "empty block");
}

/* How many caps below n fail with -ENOSPC (all of them, when right). */
static int short_caps(const struct sfu_rtp *r,
		      const struct sfu_rtp_rewrite *rw, bool rtx, int n)
{
	uint8_t out[128];
	int count = 0;

	for (int cap = 0; cap < n; cap++) {
		int rc = rtx ? sfu_rtx_wrap(full, r, rw, 1, out, (size_t)cap)
			     : sfu_rtp_rewrite(full, r, rw, out, (size_t)cap);
		count += rc == -ENOSPC;
	}
	return count;
}

static void rewrite_basic(void)
{
	struct sfu_rtp r, o;
	struct sfu_rtp_rewrite rw = { .ssrc = 0xcafef00d, .pt = 0xff,
				      .seq = 7, .ts = 1000 };
	uint8_t out[128];
	int n;

	sfu_rtp_parse(full, sizeof(full), &r);
	n = sfu_rtp_rewrite(full, &r, &rw, out, sizeof(out));
	is_int(n, 12 + 8 + 5 + 3, "no map, no twcc: header without ext");
	is_int(sfu_rtp_parse(out, (size_t)n, &o), 0, "rewritten parses");
	ok(!o.extension, "X cleared");
	is_int(o.ssrc, 0xcafef00d, "new ssrc");
	is_int(o.pt, 127, "pt masked to 7 bits");
	is_int(o.seq, 7, "new seq");
	is_int(o.ts, 1000, "new ts");
	ok(o.marker, "marker kept");
	is_int(o.cc, 2, "CSRC count kept");
	is_int(sfu_get_be32(out + 16), 0xc0000002, "CSRCs kept");
	ok(o.payload_len == 5 && !memcmp(out + o.payload_off, "hello", 5),
	   "payload kept");
	ok(o.padding && o.padding_len == 3, "padding kept");
	is_int(short_caps(&r, &rw, false, n), n, "-ENOSPC for every cap below");
	is_int(sfu_rtp_rewrite(full, &r, &rw, out, (size_t)n), n,
	       "exact cap is enough");
}

static void rewrite_map(void)
{
	uint8_t map[256] = { 0 }, out[128];
	struct sfu_rtp r, o;
	struct sfu_rtp_rewrite rw = { .ssrc = 1, .pt = 96, .ext_map = map,
				      .one_byte_ok = true, .twcc_id = 3,
				      .twcc_seq = 0x1234 };
	const uint8_t *v;
	size_t l;
	int n;

	map[1] = 5; /* audio level moves to id 5; incoming id 3 unmapped */
	sfu_rtp_parse(full, sizeof(full), &r);
	n = sfu_rtp_rewrite(full, &r, &rw, out, sizeof(out));
	ok(n > 0 && sfu_rtp_parse(out, (size_t)n, &o) == 0, "mapped: parses");
	is_int(o.ext_profile, 0xbede, "mapped: one-byte form");
	is_int(o.ext_len, 8, "mapped: 2 + 3 bytes padded to 8");
	ok(sfu_rtp_ext_find(out, &o, 5, &v, &l) == 0 && l == 1 &&
		   v[0] == 0x85,
	   "id 1 moved to id 5");
	is_int(sfu_rtp_ext_find(out, &o, 1, &v, &l), -ENOENT, "id 1 gone");
	ok(sfu_rtp_ext_find(out, &o, 3, &v, &l) == 0 && l == 2 &&
		   sfu_get_be16(v) == 0x1234,
	   "our transport-cc seq written");
	ok(o.payload_len == 5 && !memcmp(out + o.payload_off, "hello", 5),
	   "mapped: payload kept");

	map[3] = 3; /* incoming twcc mapped onto our twcc id: ours wins */
	n = sfu_rtp_rewrite(full, &r, &rw, out, sizeof(out));
	sfu_rtp_parse(out, (size_t)n, &o);
	ok(sfu_rtp_ext_find(out, &o, 3, &v, &l) == 0 &&
		   sfu_get_be16(v) == 0x1234,
	   "incoming twcc replaced, not duplicated");
	is_int(o.ext_len, 8, "still two elements");

	map[1] = 15; /* id 15 cannot be one-byte */
	n = sfu_rtp_rewrite(full, &r, &rw, out, sizeof(out));
	sfu_rtp_parse(out, (size_t)n, &o);
	is_int(o.ext_profile, 0x1000, "id 15 forces two-byte form");
	ok(sfu_rtp_ext_find(out, &o, 15, &v, &l) == 0 && v[0] == 0x85,
	   "two-byte id 15 value");
	ok(sfu_rtp_ext_find(out, &o, 3, &v, &l) == 0 && l == 2,
	   "two-byte twcc");

	map[1] = 5;
	rw.one_byte_ok = false;
	n = sfu_rtp_rewrite(full, &r, &rw, out, sizeof(out));
	sfu_rtp_parse(out, (size_t)n, &o);
	is_int(o.ext_profile, 0x1000, "one_byte_ok false: two-byte form");
	is_int(o.ext_len, 8, "two-byte: 3 + 4 bytes padded to 8");

	rw.one_byte_ok = true;
	rw.twcc_id = 0;
	map[1] = 0;
	map[3] = 0;
	n = sfu_rtp_rewrite(full, &r, &rw, out, sizeof(out));
	sfu_rtp_parse(out, (size_t)n, &o);
	ok(!o.extension && o.header_len == 20, "all dropped: no block");
	rw.twcc_id = 14;
	n = sfu_rtp_rewrite(full, &r, &rw, out, sizeof(out));
	sfu_rtp_parse(out, (size_t)n, &o);
	ok(o.extension && o.ext_profile == 0xbede && o.ext_len == 4,
	   "twcc only: one word");
	rw.twcc_id = 100;
	n = sfu_rtp_rewrite(full, &r, &rw, out, sizeof(out));
	sfu_rtp_parse(out, (size_t)n, &o);
	ok(o.ext_profile == 0x1000 &&
		   sfu_rtp_ext_find(out, &o, 100, &v, &l) == 0,
	   "twcc id 100: two-byte form");
}

static void rewrite_two_byte_input(void)
{
	uint8_t map[256] = { 0 }, out[128];
	struct sfu_rtp r, o;
	struct sfu_rtp_rewrite rw = { .ext_map = map, .one_byte_ok = true };
	const uint8_t *v;
	size_t l;
	int n;

	sfu_rtp_parse(two, sizeof(two), &r);
	map[1] = 2;
	map[200] = 9;
	n = sfu_rtp_rewrite(two, &r, &rw, out, sizeof(out));
	sfu_rtp_parse(out, (size_t)n, &o);
	is_int(o.ext_profile, 0xbede, "two-byte in, small ids: one-byte out");
	ok(sfu_rtp_ext_find(out, &o, 2, &v, &l) == 0 && l == 3 &&
		   !memcmp(v, "abc", 3),
	   "id 1 -> 2 value");
	ok(sfu_rtp_ext_find(out, &o, 9, &v, &l) == 0 && l == 1 &&
		   v[0] == 0x7f,
	   "id 200 -> 9 value");
	map[20] = 4; /* empty value: only the two-byte form can carry it */
	n = sfu_rtp_rewrite(two, &r, &rw, out, sizeof(out));
	sfu_rtp_parse(out, (size_t)n, &o);
	is_int(o.ext_profile, 0x1000, "empty element forces two-byte");
	ok(sfu_rtp_ext_find(out, &o, 4, &v, &l) == 0 && l == 0,
	   "empty element kept");
	ok(out[n - 1] == 0x42 && o.payload_len == 1, "payload after block");
}

static void rewrite_long_value(void)
{
	uint8_t p[64] = { 0x90, 96 }, map[256] = { 0 }, out[128];
	struct sfu_rtp r, o;
	struct sfu_rtp_rewrite rw = { .ext_map = map, .one_byte_ok = true };
	const uint8_t *v;
	size_t l;
	int n;

	sfu_put_be16(p + 12, 0x1000);
	sfu_put_be16(p + 14, 5); /* id 7 with 17 bytes + pad = 20 bytes */
	p[16] = 7;
	p[17] = 17;
	for (int i = 0; i < 17; i++)
		p[18 + i] = (uint8_t)i;
	sfu_rtp_parse(p, 36, &r);
	map[7] = 7;
	n = sfu_rtp_rewrite(p, &r, &rw, out, sizeof(out));
	sfu_rtp_parse(out, (size_t)n, &o);
	is_int(o.ext_profile, 0x1000, "17-byte value forces two-byte");
	ok(sfu_rtp_ext_find(out, &o, 7, &v, &l) == 0 && l == 17 && v[16] == 16,
	   "17-byte value kept");
	r.version = 0;
	is_int(sfu_rtp_rewrite(p, &r, &rw, out, sizeof(out)), -EINVAL,
	       "tampered view refused");
}

static void rtx(void)
{
	uint8_t map[256], out[128], back[128];
	struct sfu_rtp r, x, orig;
	struct sfu_rtp_rewrite rw = { .ssrc = 0x77, .pt = 97, .seq = 500,
				      .ts = 0xdeadbeef, .ext_map = map,
				      .one_byte_ok = true };
	struct sfu_rtp_rewrite same = { .ssrc = 0x01020304, .pt = 96,
					.seq = 0x1234, .ts = 0xdeadbeef,
					.ext_map = map, .one_byte_ok = true };
	uint16_t osn = 0;
	const uint8_t *v;
	size_t l;
	int n, m;

	for (int i = 0; i < 256; i++)
		map[i] = (uint8_t)i;
	sfu_rtp_parse(full, sizeof(full), &r);
	n = sfu_rtx_wrap(full, &r, &rw, r.seq, out, sizeof(out));
	ok(n > 0 && sfu_rtp_parse(out, (size_t)n, &x) == 0, "RTX parses");
	ok(x.ssrc == 0x77 && x.pt == 97 && x.seq == 500, "RTX header");
	ok(!x.padding, "RTX carries no padding");
	is_int(x.payload_len, 7, "RTX payload: osn + 5");
	is_int(sfu_rtx_unwrap(out, &x, &osn, &orig), 0, "unwrap");
	is_int(osn, 0x1234, "original seq");
	is_int(orig.seq, 0x1234, "orig view seq");
	ok(orig.payload_len == 5 && !memcmp(out + orig.payload_off, "hello",
					    5),
	   "original payload");
	m = sfu_rtp_rewrite(out, &orig, &same, back, sizeof(back));
	is_int(m, (int)sizeof(full) - 3, "restored length without padding");
	ok(m > 0 && sfu_rtp_parse(back, (size_t)m, &x) == 0, "restored parses");
	ok(x.ssrc == r.ssrc && x.pt == r.pt && x.seq == r.seq &&
		   x.ts == r.ts && x.marker && x.cc == 2,
	   "restored header equals the original");
	ok(!memcmp(back + 12, full + 12, 8), "restored CSRCs");
	ok(sfu_rtp_ext_find(back, &x, 3, &v, &l) == 0 && l == 2 &&
		   sfu_get_be16(v) == 0xabcd,
	   "restored extension");
	ok(x.payload_len == 5 && !memcmp(back + x.payload_off, "hello", 5),
	   "restored payload");
	is_int(short_caps(&r, &rw, true, n), n, "RTX -ENOSPC for short caps");
	x.payload_len = 1;
	is_int(sfu_rtx_unwrap(out, &x, &osn, &orig), -EINVAL,
	       "1-byte RTX payload refused");
}

static void patches(void)
{
	uint8_t p[sizeof(full)];
	struct sfu_rtp r;

	memcpy(p, full, sizeof(full));
	sfu_rtp_set_seq(p, 0xfffe);
	sfu_rtp_set_ts(p, 0x11223344);
	sfu_rtp_set_ssrc(p, 0x55667788);
	sfu_rtp_set_pt(p, 111);
	sfu_rtp_parse(p, sizeof(p), &r);
	is_int(r.seq, 0xfffe, "set_seq");
	is_int(r.ts, 0x11223344, "set_ts");
	is_int(r.ssrc, 0x55667788, "set_ssrc");
	is_int(r.pt, 111, "set_pt");
	ok(r.marker, "set_pt keeps the marker");
	sfu_rtp_set_marker(p, false);
	sfu_rtp_parse(p, sizeof(p), &r);
	ok(!r.marker && r.pt == 111, "set_marker clears M only");
	ok(!memcmp(p + 12, full + 12, sizeof(full) - 12), "rest untouched");
	sfu_put_be24(p, 0xabcdef);
	is_int(sfu_get_be24(p), 0xabcdef, "be24 round trip");
	sfu_put_be32(p, 0x80000001);
	is_int(sfu_get_be32(p), 0x80000001, "be32 round trip");
}

static void seq_newer(void)
{
	int bad = 0;

	ok(sfu_seq_newer(1, 0), "1 newer than 0");
	ok(!sfu_seq_newer(0, 1), "0 not newer than 1");
	ok(!sfu_seq_newer(5, 5), "equal is not newer");
	ok(sfu_seq_newer(0, 65535), "0 newer than 65535 (wrap)");
	ok(sfu_seq_newer(10, 65530), "10 newer than 65530");
	ok(!sfu_seq_newer(65530, 10), "65530 older than 10");
	ok(sfu_seq_newer(32767, 0), "32767 ahead of 0");
	ok(sfu_seq_newer(0x8000, 0) != sfu_seq_newer(0, 0x8000),
	   "half-way apart: exactly one is newer");
	for (unsigned a = 0; a < 65536; a += 97)
		for (unsigned d = 1; d < 65536; d += 31) {
			uint16_t b = (uint16_t)(a + d);
			if (sfu_seq_newer((uint16_t)a, b) ==
			    sfu_seq_newer(b, (uint16_t)a))
				bad++;
		}
	is_int(bad, 0, "antisymmetric over a sample of pairs");
}

static void seq_ext(void)
{
	struct sfu_seq_ext s = { 0 };

	is_int(sfu_seq_ext_update(&s, 65534), 65534, "first is itself");
	is_int(sfu_seq_ext_update(&s, 65535), 65535, "next");
	is_int(sfu_seq_ext_update(&s, 0), 65536, "wrap to 65536");
	is_int(sfu_seq_ext_update(&s, 1), 65537, "then 65537");
	is_int(sfu_seq_ext_update(&s, 65535), 65535, "late packet before wrap");
	is_int(s.highest, 65537, "late packet keeps the highest");
	is_int(sfu_seq_ext_update(&s, 30000), 95536, "jump forward");
	is_int(sfu_seq_ext_update(&s, 62000), 127536, "another jump");
	is_int(sfu_seq_ext_update(&s, 100), 131172, "and across the wrap");
	for (int i = 0; i < 5 * 65536; i += 1000)
		sfu_seq_ext_update(&s, (uint16_t)(100 + i));
	is_int(s.highest, 131072 + 100 + 327000, "monotonic over 5 wraps");

	struct sfu_seq_ext t = { 0 };
	sfu_seq_ext_update(&t, 3);
	is_int(sfu_seq_ext_update(&t, 65534), -2, "older than the first");
	is_int(t.highest, 3, "highest unchanged");
}

int main(void)
{
	parse_full();
	parse_minimal();
	parse_bad();
	truncations(full, sizeof(full), "one-byte packet");
	truncations(two, sizeof(two), "two-byte packet");
	ext_find_basic();
	ext_find_edges();
	rewrite_basic();
	rewrite_map();
	rewrite_two_byte_input();
	rewrite_long_value();
	rtx();
	patches();
	seq_newer();
	seq_ext();
	return tap_done();
}
