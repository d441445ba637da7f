/*
 * rtp.c - RTP parsing and the per-subscriber rewrite on the forwarding
 * hot path.
 *
 * A packet is parsed once into a struct sfu_rtp view (no copy); each
 * forward then builds its own outgoing copy with sfu_rtp_rewrite(), which
 * is the only copy a forwarded packet gets before SRTP. The rewrite walks
 * the header extensions twice: once to decide the outgoing form (one-byte
 * or two-byte, RFC 8285) and size, once to write. Nothing here allocates,
 * and every read is bounded by the length the packet was parsed with.
 */
#include "rtp.h"

int sfu_rtp_parse(const uint8_t *p, size_t len, struct sfu_rtp *out)
{
	size_t off, rest;

	if (len < SFU_RTP_HDR_LEN || (p[0] >> 6) != 2)
		return -EINVAL;
	out->version = 2;
	out->padding = (p[0] & 0x20) != 0;
	out->extension = (p[0] & 0x10) != 0;
	out->cc = p[0] & 0x0f;
	out->marker = (p[1] & 0x80) != 0;
	out->pt = p[1] & 0x7f;
	out->seq = sfu_get_be16(p + 2);
	out->ts = sfu_get_be32(p + 4);
	out->ssrc = sfu_get_be32(p + 8);
	out->ext_profile = 0;
	out->ext_off = 0;
	out->ext_len = 0;
	off = SFU_RTP_HDR_LEN + 4 * (size_t)out->cc;
	if (off > len)
		return -EINVAL;
	if (out->extension) {
		if (len - off < 4)
			return -EINVAL;
		out->ext_profile = sfu_get_be16(p + off);
		out->ext_len = 4 * (size_t)sfu_get_be16(p + off + 2);
		off += 4;
		if (out->ext_len > len - off)
			return -EINVAL;
		out->ext_off = off;
		off += out->ext_len;
	}
	out->header_len = off;
	out->payload_off = off;
	rest = len - off;
	out->padding_len = 0;
	if (out->padding) {
		/* The count includes itself, so 0 is malformed; RFC 3550
		 * 5.1 allows a padding-only packet (payload_len 0). */
		if (rest == 0 || p[len - 1] == 0 || p[len - 1] > rest)
			return -EINVAL;
		out->padding_len = p[len - 1];
		rest -= out->padding_len;
	}
	out->payload_len = rest;
	return 0;
}

static bool profile_one_byte(uint16_t profile)
{
	return profile == SFU_RTP_EXT_ONE_BYTE;
}

static bool profile_two_byte(uint16_t profile)
{
	return (profile & SFU_RTP_EXT_TWO_BYTE_MASK) == SFU_RTP_EXT_TWO_BYTE;
}

int sfu_rtp_ext_iter_init(struct sfu_rtp_ext_iter *it, const uint8_t *pkt,
			  const struct sfu_rtp *r)
{
	it->p = NULL;
	it->len = 0;
	it->off = 0;
	it->two_byte = false;
	if (!r->extension || r->ext_len == 0)
		return -ENOENT;
	if (!profile_one_byte(r->ext_profile) &&
	    !profile_two_byte(r->ext_profile))
		return -ENOENT;
	it->p = pkt + r->ext_off;
	it->len = r->ext_len;
	it->two_byte = profile_two_byte(r->ext_profile);
	return 0;
}

static int ext_next_one_byte(struct sfu_rtp_ext_iter *it, uint8_t *id,
			     const uint8_t **val, size_t *len)
{
	while (it->off < it->len) {
		uint8_t b = it->p[it->off];
		size_t l = (size_t)(b & 0x0f) + 1;

		if ((b >> 4) == 0) { /* padding byte */
			it->off++;
			continue;
		}
		/* Id 15 is reserved: stop, as RFC 8285 4.2 asks. */
		if ((b >> 4) == 15 || l > it->len - it->off - 1)
			break;
		*id = b >> 4;
		*val = it->p + it->off + 1;
		*len = l;
		it->off += 1 + l;
		return 1;
	}
	it->off = it->len;
	return 0;
}

static int ext_next_two_byte(struct sfu_rtp_ext_iter *it, uint8_t *id,
			     const uint8_t **val, size_t *len)
{
	while (it->off < it->len) {
		size_t l;

		if (it->p[it->off] == 0) { /* padding byte */
			it->off++;
			continue;
		}
		if (it->len - it->off < 2)
			break;
		l = it->p[it->off + 1];
		if (l > it->len - it->off - 2)
			break;
		*id = it->p[it->off];
		*val = it->p + it->off + 2;
		*len = l;
		it->off += 2 + l;
		return 1;
	}
	it->off = it->len;
	return 0;
}

int sfu_rtp_ext_next(struct sfu_rtp_ext_iter *it, uint8_t *id,
		     const uint8_t **val, size_t *len)
{
	if (it->two_byte)
		return ext_next_two_byte(it, id, val, len);
	return ext_next_one_byte(it, id, val, len);
}

int sfu_rtp_ext_find(const uint8_t *pkt, const struct sfu_rtp *r, uint8_t id,
		     const uint8_t **val, size_t *len)
{
	struct sfu_rtp_ext_iter it;
	const uint8_t *v;
	size_t l;
	uint8_t got;

	if (id == 0 || sfu_rtp_ext_iter_init(&it, pkt, r) != 0)
		return -ENOENT;
	while (sfu_rtp_ext_next(&it, &got, &v, &l) == 1) {
		if (got == id) {
			*val = v;
			*len = l;
			return 0;
		}
	}
	return -ENOENT;
}

/* The outgoing id of incoming element id, 0 to drop it. */
static uint8_t map_id(const struct sfu_rtp_rewrite *rw, uint8_t id)
{
	uint8_t m;

	if (!rw->ext_map)
		return 0;
	m = rw->ext_map[id];
	/* Our own transport-cc value replaces whatever came in. */
	if (m != 0 && m == rw->twcc_id)
		return 0;
	return m;
}

static bool one_byte_fits(uint8_t id, size_t len)
{
	return id >= 1 && id <= 14 && len >= 1 && len <= 16;
}

/* The outgoing extension block: form and data size (without padding). */
struct ext_plan {
	size_t count;
	size_t one_len; /* data bytes in one-byte form */
	size_t two_len; /* data bytes in two-byte form */
	bool one_byte;
};

static void ext_plan_add(struct ext_plan *pl, uint8_t id, size_t len)
{
	pl->count++;
	pl->one_len += 1 + len;
	pl->two_len += 2 + len;
	if (!one_byte_fits(id, len))
		pl->one_byte = false;
}

static void ext_plan(const uint8_t *in, const struct sfu_rtp *r,
		     const struct sfu_rtp_rewrite *rw, struct ext_plan *pl)
{
	struct sfu_rtp_ext_iter it;
	const uint8_t *v;
	size_t l;
	uint8_t id;

	pl->count = 0;
	pl->one_len = 0;
	pl->two_len = 0;
	pl->one_byte = rw->one_byte_ok;
	if (sfu_rtp_ext_iter_init(&it, in, r) == 0) {
		while (sfu_rtp_ext_next(&it, &id, &v, &l) == 1) {
			uint8_t m = map_id(rw, id);
			if (m != 0)
				ext_plan_add(pl, m, l);
		}
	}
	if (rw->twcc_id != 0)
		ext_plan_add(pl, rw->twcc_id, 2);
}

static size_t ext_put(uint8_t *o, bool one_byte, uint8_t id,
		      const uint8_t *v, size_t l)
{
	if (one_byte) {
		o[0] = (uint8_t)(id << 4 | (l - 1));
		memcpy(o + 1, v, l);
		return 1 + l;
	}
	o[0] = id;
	o[1] = (uint8_t)l;
	if (l > 0)
		memcpy(o + 2, v, l);
	return 2 + l;
}

/* Write the elements planned in pl at o; returns the bytes written. */
static size_t ext_write(const uint8_t *in, const struct sfu_rtp *r,
			const struct sfu_rtp_rewrite *rw,
			const struct ext_plan *pl, uint8_t *o)
{
	struct sfu_rtp_ext_iter it;
	const uint8_t *v;
	uint8_t id, twcc[2];
	size_t l, n = 0;

	if (sfu_rtp_ext_iter_init(&it, in, r) == 0) {
		while (sfu_rtp_ext_next(&it, &id, &v, &l) == 1) {
			uint8_t m = map_id(rw, id);
			if (m != 0)
				n += ext_put(o + n, pl->one_byte, m, v, l);
		}
	}
	if (rw->twcc_id != 0) {
		sfu_put_be16(twcc, rw->twcc_seq);
		n += ext_put(o + n, pl->one_byte, rw->twcc_id, twcc, 2);
	}
	return n;
}

/* Cheap sanity checks on a view the caller may have altered. */
static bool layout_valid(const struct sfu_rtp *r)
{
	size_t csrc_end = SFU_RTP_HDR_LEN + 4 * (size_t)r->cc;

	if (r->version != 2 || r->cc > 15 || r->header_len < csrc_end ||
	    r->payload_off < r->header_len)
		return false;
	if (r->extension && (r->ext_off < csrc_end + 4 ||
			     r->ext_off > r->header_len ||
			     r->ext_len > r->header_len - r->ext_off))
		return false;
	return r->padding ? r->padding_len > 0 : r->padding_len == 0;
}

/*
 * Write the outgoing header (fixed part, CSRCs, extension block) into
 * out. Returns its length, -ENOSPC if it does not fit in cap - body, or
 * -EINVAL.
 */
static int write_header(const uint8_t *in, const struct sfu_rtp *r,
			const struct sfu_rtp_rewrite *rw, bool padding,
			size_t body, uint8_t *out, size_t cap)
{
	struct ext_plan pl;
	size_t csrc = 4 * (size_t)r->cc, data, block = 0, hlen;

	if (!layout_valid(r))
		return -EINVAL;
	ext_plan(in, r, rw, &pl);
	data = pl.one_byte ? pl.one_len : pl.two_len;
	if (pl.count > 0) {
		block = (data + 3) & ~(size_t)3;
		if (block / 4 > 0xffff)
			return -EINVAL;
	}
	hlen = SFU_RTP_HDR_LEN + csrc + (pl.count > 0 ? 4 + block : 0);
	if (hlen > cap || body > cap - hlen || hlen + body > INT32_MAX)
		return -ENOSPC;
	out[0] = (uint8_t)(0x80 | (padding ? 0x20 : 0) |
			   (pl.count > 0 ? 0x10 : 0) | r->cc);
	out[1] = (uint8_t)((r->marker ? 0x80 : 0) | (rw->pt & 0x7f));
	sfu_put_be16(out + 2, rw->seq);
	sfu_put_be32(out + 4, rw->ts);
	sfu_put_be32(out + 8, rw->ssrc);
	memcpy(out + SFU_RTP_HDR_LEN, in + SFU_RTP_HDR_LEN, csrc);
	if (pl.count > 0) {
		uint8_t *x = out + SFU_RTP_HDR_LEN + csrc;
		size_t n;

		sfu_put_be16(x, pl.one_byte ? SFU_RTP_EXT_ONE_BYTE
					    : SFU_RTP_EXT_TWO_BYTE);
		sfu_put_be16(x + 2, (uint16_t)(block / 4));
		n = ext_write(in, r, rw, &pl, x + 4);
		memset(x + 4 + n, 0, block - n);
	}
	return (int)hlen;
}

int sfu_rtp_rewrite(const uint8_t *in, const struct sfu_rtp *r,
		    const struct sfu_rtp_rewrite *rw, uint8_t *out, size_t cap)
{
	size_t body = r->payload_len + r->padding_len;
	int h = write_header(in, r, rw, r->padding, body, out, cap);

	if (h < 0)
		return h;
	memcpy(out + h, in + r->payload_off, body);
	return h + (int)body;
}

int sfu_rtx_wrap(const uint8_t *in, const struct sfu_rtp *r,
		 const struct sfu_rtp_rewrite *rw, uint16_t osn, uint8_t *out,
		 size_t cap)
{
	size_t body = 2 + r->payload_len;
	int h = write_header(in, r, rw, false, body, out, cap);

	if (h < 0)
		return h;
	sfu_put_be16(out + h, osn);
	memcpy(out + h + 2, in + r->payload_off, r->payload_len);
	return h + (int)body;
}

int sfu_rtx_unwrap(const uint8_t *pkt, const struct sfu_rtp *r, uint16_t *osn,
		   struct sfu_rtp *orig)
{
	if (r->payload_len < 2)
		return -EINVAL;
	*osn = sfu_get_be16(pkt + r->payload_off);
	*orig = *r;
	orig->seq = *osn;
	orig->payload_off = r->payload_off + 2;
	orig->payload_len = r->payload_len - 2;
	return 0;
}

int64_t sfu_seq_ext_update(struct sfu_seq_ext *s, uint16_t seq)
{
	uint16_t last;
	int32_t d;
	int64_t ext;

	if (!s->started) {
		s->started = true;
		s->highest = seq;
		return seq;
	}
	last = (uint16_t)s->highest;
	d = (int16_t)(uint16_t)(seq - last);
	if (d == -32768 && seq > last) /* tie: agree with sfu_seq_newer */
		d = 32768;
	ext = s->highest + d;
	if (ext > s->highest)
		s->highest = ext;
	return ext;
}
