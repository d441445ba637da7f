/*
 * codec.c - codec names, clock rates and keyframe detection.
 *
 * Keyframe detection lets the SFU start a new subscriber, or resume a
 * forward after loss, on a picture the decoder can use, and tells it when
 * a pending keyframe request has been answered. It reads only the RTP
 * payload descriptor and the first bytes of the codec payload, each read
 * checked against the payload length, so any byte string is safe input.
 */
#include "codec.h"

static const struct {
	enum sfu_codec codec;
	const char *name;
	uint32_t clock;
} codecs[] = {
	{ SFU_CODEC_OPUS, "opus", 48000 },
	{ SFU_CODEC_VP8, "VP8", 90000 },
	{ SFU_CODEC_VP9, "VP9", 90000 },
	{ SFU_CODEC_H264, "H264", 90000 },
	{ SFU_CODEC_RTX, "rtx", 0 },
};

static char ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* s (len bytes) equals the NUL-terminated lit, ASCII case folded. */
static bool name_eq(const char *s, size_t len, const char *lit)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (lit[i] == '\0' || ascii_lower(s[i]) != ascii_lower(lit[i]))
			return false;
	return lit[i] == '\0';
}

enum sfu_codec sfu_codec_from_name(const char *name, size_t len)
{
	for (size_t i = 0; i < SFU_ARRAY_SIZE(codecs); i++)
		if (name_eq(name, len, codecs[i].name))
			return codecs[i].codec;
	return SFU_CODEC_NONE;
}

const char *sfu_codec_name(enum sfu_codec c)
{
	for (size_t i = 0; i < SFU_ARRAY_SIZE(codecs); i++)
		if (codecs[i].codec == c)
			return codecs[i].name;
	return "";
}

uint32_t sfu_codec_clock_rate(enum sfu_codec c)
{
	for (size_t i = 0; i < SFU_ARRAY_SIZE(codecs); i++)
		if (codecs[i].codec == c)
			return codecs[i].clock;
	return 0;
}

bool sfu_codec_is_video(enum sfu_codec c)
{
	return c == SFU_CODEC_VP8 || c == SFU_CODEC_VP9 ||
	       c == SFU_CODEC_H264;
}

/*
 * VP8 (RFC 7741 4.2): X R N S R PID | I L T K RSV | [M PictureID 7/15] |
 * [TL0PICIDX] | [TID Y KEYIDX], then the VP8 payload header, whose first
 * byte ends in the P (inverse key frame) bit; a key frame's 3-byte frame
 * tag is followed by the start code 9d 01 2a.
 */
static bool vp8_keyframe(const uint8_t *p, size_t len)
{
	size_t o = 1;

	if (len < 1 || !(p[0] & 0x10) || (p[0] & 0x07) != 0)
		return false; /* not the start of partition 0 */
	if (p[0] & 0x80) {
		uint8_t x;

		if (len < 2)
			return false;
		x = p[1];
		o = 2;
		if (x & 0x80) { /* I: M bit selects a 15-bit picture id */
			if (o >= len)
				return false;
			o += (p[o] & 0x80) ? 2 : 1;
		}
		if (x & 0x40) /* L: TL0PICIDX */
			o++;
		if (x & 0x30) /* T or K: TID/Y/KEYIDX byte */
			o++;
	}
	if (o > len || len - o < 10)
		return false;
	if (p[o] & 0x01)
		return false;
	return p[o + 3] == 0x9d && p[o + 4] == 0x01 && p[o + 5] == 0x2a;
}

/* Skip a VP9 scalability structure at p + *o; false when truncated. */
static bool vp9_skip_ss(const uint8_t *p, size_t len, size_t *o)
{
	uint8_t ss, ng;

	if (*o >= len)
		return false;
	ss = p[(*o)++];
	if (ss & 0x10) /* Y: width and height per spatial layer */
		*o += 4 * (size_t)((ss >> 5) + 1);
	if (!(ss & 0x08)) /* G: picture group description */
		return *o <= len;
	if (*o >= len)
		return false;
	ng = p[(*o)++];
	for (unsigned i = 0; i < ng; i++) {
		if (*o >= len)
			return false;
		*o += 1 + (size_t)((p[*o] >> 2) & 0x03); /* R P_DIFFs */
	}
	return *o <= len;
}

/*
 * VP9 (RFC 9628 4.2): I P L F B E V Z | [M PictureID] | [TID U SID D |
 * TL0PICIDX when not flexible] | [P_DIFFs] | [SS]. A keyframe packet
 * begins a frame (B) that is not inter-picture predicted (P=0) on
 * spatial layer 0, and the descriptor must be followed by payload.
 */
static bool vp9_keyframe(const uint8_t *p, size_t len)
{
	size_t o = 1;

	if (len < 1 || !(p[0] & 0x08) || (p[0] & 0x40))
		return false;
	if (p[0] & 0x80) { /* I */
		if (o >= len)
			return false;
		o += (p[o] & 0x80) ? 2 : 1;
	}
	if (p[0] & 0x20) { /* L */
		if (o >= len)
			return false;
		if ((p[o] & 0x0e) != 0 || (p[o] & 0x01)) /* SID != 0, D */
			return false;
		o += (p[0] & 0x10) ? 1 : 2;
	}
	/* P=0, so a flexible descriptor carries no P_DIFFs here. */
	if ((p[0] & 0x02) && !vp9_skip_ss(p, len, &o))
		return false;
	return o < len;
}

static bool h264_key_nal(uint8_t type)
{
	return type == 5 || type == 7; /* IDR slice, SPS */
}

/* H.264 (RFC 6184 5): single NAL (1..23), STAP-A (24), FU-A (28). */
static bool h264_keyframe(const uint8_t *p, size_t len)
{
	uint8_t type;

	if (len < 1 || (p[0] & 0x80)) /* forbidden_zero_bit */
		return false;
	type = p[0] & 0x1f;
	if (type >= 1 && type <= 23)
		return h264_key_nal(type);
	if (type == 28) /* FU header: S E R Type */
		return len >= 2 && (p[1] & 0x80) && (p[1] & 0x1f) == 5;
	if (type != 24)
		return false;
	for (size_t o = 1; len - o >= 2;) {
		size_t size = (size_t)(p[o] << 8 | p[o + 1]);

		o += 2;
		if (size > len - o)
			return false;
		if (size > 0 && h264_key_nal(p[o] & 0x1f))
			return true;
		o += size;
	}
	return false;
}

bool sfu_codec_is_keyframe(enum sfu_codec c, const uint8_t *payload,
			   size_t len)
{
	switch (c) {
	case SFU_CODEC_VP8:
		return vp8_keyframe(payload, len);
	case SFU_CODEC_VP9:
		return vp9_keyframe(payload, len);
	case SFU_CODEC_H264:
		return h264_keyframe(payload, len);
	default:
		return false;
	}
}
