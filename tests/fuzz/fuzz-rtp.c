/*
 * fuzz-rtp.c - libFuzzer target for src/rtp.c, src/demux.c and
 * src/codec.c.
 *
 * The input is one datagram. It is classified, parsed as RTP, and when
 * it parses: the view must add up to the input, every extension element
 * must lie inside the block, and the packet is rewritten with an
 * extension map and header values derived from a hash of the input. The
 * rewritten packet must parse, carry the new header, the same CSRCs,
 * payload and padding, and exactly the mapped elements in order plus
 * transport-cc. RTX wrap must unwrap to the original seq and payload.
 * Keyframe detection runs for every codec on the payload and the input;
 * codec name lookup and 16-bit sequence unwrapping are held against
 * their definitions.
 */
#include "codec.h"
#include "demux.h"
#include "rtp.h"

#include <stdlib.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OUT_MAX 4096

static uint32_t hash(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static void check_view(const uint8_t *d, size_t size, const struct sfu_rtp *r)
{
	struct sfu_rtp_ext_iter it;
	const uint8_t *v;
	size_t l;
	uint8_t id;

	if (r->header_len + r->payload_len + r->padding_len != size ||
	    r->payload_off != r->header_len || r->version != 2)
		abort();
	if (r->extension && r->ext_off + r->ext_len > r->header_len)
		abort();
	if (sfu_rtp_ext_iter_init(&it, d, r) != 0)
		return;
	while (sfu_rtp_ext_next(&it, &id, &v, &l) == 1) {
		if (id == 0 || v < d + r->ext_off ||
		    v + l > d + r->ext_off + r->ext_len)
			abort();
		if (!it.two_byte && (id > 14 || l < 1 || l > 16))
			abort();
	}
}

/* The next element of it whose mapped id is nonzero, or 0 at the end. */
static uint8_t next_mapped(struct sfu_rtp_ext_iter *it, bool has,
			   const struct sfu_rtp_rewrite *rw,
			   const uint8_t **v, size_t *l)
{
	uint8_t id;

	while (has && sfu_rtp_ext_next(it, &id, v, l) == 1) {
		uint8_t m = rw->ext_map ? rw->ext_map[id] : 0;
		if (m != 0 && m != rw->twcc_id)
			return m;
	}
	return 0;
}

/* The rewritten packet out must hold exactly the mapped elements of in,
 * in order, then transport-cc. */
static void check_ext(const uint8_t *in, const struct sfu_rtp *r,
		      const uint8_t *out, const struct sfu_rtp *o,
		      const struct sfu_rtp_rewrite *rw)
{
	struct sfu_rtp_ext_iter a, b;
	bool has_a = sfu_rtp_ext_iter_init(&a, in, r) == 0;
	bool has_b = sfu_rtp_ext_iter_init(&b, out, o) == 0;
	const uint8_t *va, *vb;
	size_t la, lb;
	uint8_t ida, idb;

	if (o->extension != has_b)
		abort();
	while ((ida = next_mapped(&a, has_a, rw, &va, &la)) != 0) {
		if (!has_b || sfu_rtp_ext_next(&b, &idb, &vb, &lb) != 1 ||
		    idb != ida || lb != la || memcmp(va, vb, la) != 0)
			abort();
	}
	if (rw->twcc_id != 0) {
		if (!has_b || sfu_rtp_ext_next(&b, &idb, &vb, &lb) != 1 ||
		    idb != rw->twcc_id || lb != 2 ||
		    sfu_get_be16(vb) != rw->twcc_seq)
			abort();
	}
	if (has_b && sfu_rtp_ext_next(&b, &idb, &vb, &lb) != 0)
		abort();
}

/* Some element of the two-byte block in p cannot be one-byte. */
static bool needs_two_byte(const uint8_t *p, const struct sfu_rtp *o)
{
	struct sfu_rtp_ext_iter it;
	const uint8_t *v;
	size_t l;
	uint8_t id;

	sfu_rtp_ext_iter_init(&it, p, o);
	while (sfu_rtp_ext_next(&it, &id, &v, &l) == 1)
		if (id > 14 || l < 1 || l > 16)
			return true;
	return false;
}

static void check_rewrite(const uint8_t *in, const struct sfu_rtp *r,
			  const struct sfu_rtp_rewrite *rw, const uint8_t *out,
			  int n)
{
	struct sfu_rtp o;

	if (n < 0)
		return;
	if (sfu_rtp_parse(out, (size_t)n, &o) != 0)
		abort();
	if (o.ssrc != rw->ssrc || o.pt != (rw->pt & 0x7f) ||
	    o.seq != rw->seq || o.ts != rw->ts || o.marker != r->marker ||
	    o.cc != r->cc || o.payload_len != r->payload_len ||
	    o.padding_len != r->padding_len)
		abort();
	if (memcmp(out + 12, in + 12, 4 * (size_t)r->cc) != 0 ||
	    memcmp(out + o.payload_off, in + r->payload_off,
		   r->payload_len + r->padding_len) != 0)
		abort();
	check_ext(in, r, out, &o, rw);
	if (!o.extension)
		return;
	if (o.ext_profile == SFU_RTP_EXT_ONE_BYTE && !rw->one_byte_ok)
		abort();
	if (o.ext_profile == SFU_RTP_EXT_TWO_BYTE && rw->one_byte_ok &&
	    !needs_two_byte(out, &o))
		abort();
	if (o.ext_profile != SFU_RTP_EXT_ONE_BYTE &&
	    o.ext_profile != SFU_RTP_EXT_TWO_BYTE)
		abort();
}

static void check_rtx(const uint8_t *in, const struct sfu_rtp *r,
		      const struct sfu_rtp_rewrite *rw, uint8_t *out)
{
	struct sfu_rtp x, orig;
	uint16_t osn;
	int n = sfu_rtx_wrap(in, r, rw, r->seq, out, OUT_MAX);

	if (n < 0)
		return;
	if (sfu_rtp_parse(out, (size_t)n, &x) != 0 || x.padding ||
	    sfu_rtx_unwrap(out, &x, &osn, &orig) != 0 || osn != r->seq ||
	    orig.payload_len != r->payload_len ||
	    memcmp(out + orig.payload_off, in + r->payload_off,
		   r->payload_len) != 0)
		abort();
}

static void keyframes(const uint8_t *p, size_t n)
{
	for (int c = SFU_CODEC_NONE; c <= SFU_CODEC_RTX; c++)
		(void)sfu_codec_is_keyframe((enum sfu_codec)c, p, n);
}

static void rewrite_all(const uint8_t *d, size_t size,
			const struct sfu_rtp *r, uint32_t h)
{
	static uint8_t out[OUT_MAX];
	uint8_t map[256];
	struct sfu_rtp_rewrite rw = {
		.ssrc = h, .pt = (uint8_t)(h >> 3), .seq = (uint16_t)(h >> 7),
		.ts = h * 2654435761u, .ext_map = (h & 1) ? NULL : map,
		.one_byte_ok = (h & 2) != 0,
		.twcc_id = (h & 4) ? (uint8_t)(h >> 11) : 0,
		.twcc_seq = (uint16_t)(h >> 13),
	};
	size_t cap = (h & 8) ? (h >> 16) % (size + 64) : OUT_MAX;
	int n;

	for (int i = 0; i < 256; i++) {
		uint32_t k = (h ^ (uint32_t)i * 0x9e3779b9u) >> 13;
		map[i] = (k & 3) == 0 ? 0 : (uint8_t)(k >> 2);
		if ((h & 16) && map[i] > 14)
			map[i] = (uint8_t)(1 + map[i] % 14);
	}
	n = sfu_rtp_rewrite(d, r, &rw, out, cap);
	if (n != -ENOSPC && n != -EINVAL && (n < 0 || (size_t)n > cap))
		abort();
	check_rewrite(d, r, &rw, out, n);
	check_rtx(d, r, &rw, out);
}

/* Codec names and sequence arithmetic, on the input as text and as
 * 16-bit numbers, against their defining properties. */
static void misc(const uint8_t *data, size_t size)
{
	struct sfu_seq_ext s = { 0 };
	enum sfu_codec c = sfu_codec_from_name((const char *)data, size);
	const char *name = sfu_codec_name(c);

	if (c != SFU_CODEC_NONE &&
	    (strlen(name) != size || strncasecmp(name, (const char *)data,
						 size) != 0))
		abort();
	for (size_t i = 0; i + 1 < size && i < 64; i += 2) {
		uint16_t seq = sfu_get_be16(data + i);
		int64_t before = s.highest, ext;
		bool newer = sfu_seq_newer(seq, (uint16_t)before);

		ext = sfu_seq_ext_update(&s, seq);
		if ((uint16_t)ext != seq || s.highest < before ||
		    (i > 0 && (ext - before > 32768 || before - ext > 32768)) ||
		    (i > 0 && newer != (ext > before)) ||
		    (seq != (uint16_t)before &&
		     newer == sfu_seq_newer((uint16_t)before, seq)))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sfu_rtp r, orig;
	const uint8_t *v;
	size_t l;
	uint16_t osn;
	uint32_t h = hash(data, size);
	enum sfu_pkt_kind k = sfu_demux(data, size);

	if (k > SFU_PKT_UNKNOWN || !*sfu_demux_name(k))
		abort();
	keyframes(data, size);
	misc(data, size);
	if (sfu_rtp_parse(data, size, &r) != 0)
		return 0;
	if (k == SFU_PKT_RTP && size < 12)
		abort();
	check_view(data, size, &r);
	if (sfu_rtp_ext_find(data, &r, (uint8_t)h, &v, &l) == 0 &&
	    (v < data || v + l > data + size))
		abort();
	keyframes(data + r.payload_off, r.payload_len);
	if (sfu_rtx_unwrap(data, &r, &osn, &orig) == 0)
		keyframes(data + orig.payload_off, orig.payload_len);
	rewrite_all(data, size, &r, h);
	return 0;
}
