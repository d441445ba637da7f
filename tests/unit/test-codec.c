/*
 * test-codec.c - tests src/codec.c: name lookup (case, length, unknown
 * names), clock rates, and keyframe detection for VP8 (each optional
 * descriptor field, 7- and 15-bit picture ids), VP9 (flexible and
 * non-flexible descriptors, scalability structure, layers), H.264 (single
 * NAL, STAP-A, FU-A); every truncation of each keyframe packet, plus
 * random payloads in exact-size heap buffers for the sanitizers.
 */
#include "codec.h"

#include <stdlib.h>

#include "tap.h"

#define KEY(c, a) sfu_codec_is_keyframe(c, a, sizeof(a))

/* VP8 key frame payload header: frame tag (P=0, show), start code,
 * 640x480. */
#define VP8_KEY_HDR 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01

static const uint8_t vp8_plain[] = { 0x10, VP8_KEY_HDR };
static const uint8_t vp8_pid15[] = { 0x90, 0x80, 0x81, 0x23, VP8_KEY_HDR };
static const uint8_t vp8_all[] = { 0x90, 0xf0, 0x05, 0x07, 0x40,
				   VP8_KEY_HDR };
static const uint8_t vp8_k[] = { 0x90, 0x10, 0x00, VP8_KEY_HDR };

/* VP9 non-flexible: I (15-bit id), L, B, V with Y and G. */
static const uint8_t vp9_ss[] = {
	0xaa, 0x80, 0x05, 0x00, 0x00,  /* descriptor, pic id, layers, tl0 */
	0x18, 0x02, 0x80, 0x01, 0xe0,  /* SS: N_S=0 Y G, 640x480 */
	0x01, 0x04, 0x01,              /* N_G=1, T0 R=1, P_DIFF 1 */
	0x82, 0x49, 0x83,              /* payload */
};
static const uint8_t vp9_flex[] = { 0x98, 0x05, 0x82 };
static const uint8_t vp9_flex_layer[] = { 0xb8, 0x05, 0x00, 0x82 };

static const uint8_t h264_stap[] = { 0x78, 0x00, 0x02, 0x67, 0x42,
				     0x00, 0x01, 0x68 };
static const uint8_t h264_stap_idr[] = { 0x78, 0x00, 0x00, 0x00, 0x01,
					 0x06, 0x00, 0x02, 0x65, 0x88 };
static const uint8_t h264_fua[] = { 0x7c, 0x85, 0x88 };

static void names(void)
{
	static const struct {
		const char *s;
		enum sfu_codec c;
	} cases[] = {
		{ "opus", SFU_CODEC_OPUS }, { "OPUS", SFU_CODEC_OPUS },
		{ "Opus", SFU_CODEC_OPUS }, { "VP8", SFU_CODEC_VP8 },
		{ "vp8", SFU_CODEC_VP8 },   { "VP9", SFU_CODEC_VP9 },
		{ "vp9", SFU_CODEC_VP9 },   { "H264", SFU_CODEC_H264 },
		{ "h264", SFU_CODEC_H264 }, { "rtx", SFU_CODEC_RTX },
		{ "RTX", SFU_CODEC_RTX },   { "red", SFU_CODEC_NONE },
		{ "VP", SFU_CODEC_NONE },   { "VP80", SFU_CODEC_NONE },
		{ "", SFU_CODEC_NONE },     { "H265", SFU_CODEC_NONE },
		{ "AV1", SFU_CODEC_NONE },  { "opus ", SFU_CODEC_NONE },
	};

	for (size_t i = 0; i < SFU_ARRAY_SIZE(cases); i++)
		is_int(sfu_codec_from_name(cases[i].s, strlen(cases[i].s)),
		       cases[i].c, "name \"%s\"", cases[i].s);
	is_int(sfu_codec_from_name("VP8xx", 3), SFU_CODEC_VP8,
	       "length bounds the name");
	is_str(sfu_codec_name(SFU_CODEC_OPUS), "opus", "opus name");
	is_str(sfu_codec_name(SFU_CODEC_H264), "H264", "H264 name");
	is_str(sfu_codec_name(SFU_CODEC_NONE), "", "no name for NONE");
	is_int(sfu_codec_clock_rate(SFU_CODEC_OPUS), 48000, "opus 48 kHz");
	is_int(sfu_codec_clock_rate(SFU_CODEC_VP8), 90000, "VP8 90 kHz");
	is_int(sfu_codec_clock_rate(SFU_CODEC_VP9), 90000, "VP9 90 kHz");
	is_int(sfu_codec_clock_rate(SFU_CODEC_H264), 90000, "H264 90 kHz");
	is_int(sfu_codec_clock_rate(SFU_CODEC_RTX), 0, "RTX: depends");
	is_int(sfu_codec_clock_rate(SFU_CODEC_NONE), 0, "NONE: 0");
	ok(sfu_codec_is_video(SFU_CODEC_VP9) &&
		   !sfu_codec_is_video(SFU_CODEC_OPUS) &&
		   !sfu_codec_is_video(SFU_CODEC_RTX),
	   "is_video");
}

static void vp8(void)
{
	uint8_t p[32];

	ok(KEY(SFU_CODEC_VP8, vp8_plain), "VP8 keyframe, short descriptor");
	ok(KEY(SFU_CODEC_VP8, vp8_pid15), "VP8 keyframe, 15-bit picture id");
	ok(KEY(SFU_CODEC_VP8, vp8_all), "VP8 keyframe, I L T K");
	ok(KEY(SFU_CODEC_VP8, vp8_k), "VP8 keyframe, K only");
	memcpy(p, vp8_plain, sizeof(vp8_plain));
	p[1] |= 0x01;
	ok(!sfu_codec_is_keyframe(SFU_CODEC_VP8, p, sizeof(vp8_plain)),
	   "VP8 P=1 is an interframe");
	memcpy(p, vp8_plain, sizeof(vp8_plain));
	p[0] = 0x00;
	ok(!sfu_codec_is_keyframe(SFU_CODEC_VP8, p, sizeof(vp8_plain)),
	   "VP8 S=0 is not a start");
	p[0] = 0x11;
	ok(!sfu_codec_is_keyframe(SFU_CODEC_VP8, p, sizeof(vp8_plain)),
	   "VP8 PID=1 is not partition 0");
	memcpy(p, vp8_plain, sizeof(vp8_plain));
	p[4] = 0x9c;
	ok(!sfu_codec_is_keyframe(SFU_CODEC_VP8, p, sizeof(vp8_plain)),
	   "VP8 bad start code");
	memcpy(p, vp8_pid15, sizeof(vp8_pid15));
	p[2] = 0x01; /* M=0: a 7-bit id, so the header starts a byte early */
	ok(!sfu_codec_is_keyframe(SFU_CODEC_VP8, p, sizeof(vp8_pid15)),
	   "VP8 M bit decides the picture id size");
	ok(sfu_codec_is_keyframe(SFU_CODEC_VP8, vp8_plain + 0, 11),
	   "VP8: exactly 10 payload header bytes suffice");
}

static void vp9(void)
{
	uint8_t p[32];

	ok(KEY(SFU_CODEC_VP9, vp9_ss), "VP9 keyframe with SS");
	ok(KEY(SFU_CODEC_VP9, vp9_flex), "VP9 flexible keyframe");
	ok(KEY(SFU_CODEC_VP9, vp9_flex_layer), "VP9 flexible, SID 0");
	ok(sfu_codec_is_keyframe(SFU_CODEC_VP9, (const uint8_t[]){ 0x08, 1 },
				 2),
	   "VP9 minimal B only");
	ok(!sfu_codec_is_keyframe(SFU_CODEC_VP9, (const uint8_t[]){ 0x08 }, 1),
	   "VP9 descriptor without payload");
	memcpy(p, vp9_flex, sizeof(vp9_flex));
	p[0] |= 0x40;
	ok(!sfu_codec_is_keyframe(SFU_CODEC_VP9, p, sizeof(vp9_flex)),
	   "VP9 P=1 is inter-predicted");
	p[0] = 0x90;
	ok(!sfu_codec_is_keyframe(SFU_CODEC_VP9, p, sizeof(vp9_flex)),
	   "VP9 B=0 is not a frame start");
	memcpy(p, vp9_flex_layer, sizeof(vp9_flex_layer));
	p[2] = 0x02;
	ok(!sfu_codec_is_keyframe(SFU_CODEC_VP9, p, sizeof(vp9_flex_layer)),
	   "VP9 SID 1 is not the base layer");
	p[2] = 0x01;
	ok(!sfu_codec_is_keyframe(SFU_CODEC_VP9, p, sizeof(vp9_flex_layer)),
	   "VP9 D=1 depends on another layer");
	p[2] = 0xe0; /* TID 7 on SID 0 is fine */
	ok(sfu_codec_is_keyframe(SFU_CODEC_VP9, p, sizeof(vp9_flex_layer)),
	   "VP9 any TID on SID 0");
	memcpy(p, vp9_ss, sizeof(vp9_ss));
	p[10] = 0x05; /* N_G 5 but one group present */
	ok(!sfu_codec_is_keyframe(SFU_CODEC_VP9, p, sizeof(vp9_ss)),
	   "VP9 SS with too many groups");
	ok(!sfu_codec_is_keyframe(SFU_CODEC_VP9, vp9_ss, 13),
	   "VP9 SS without payload");
}

static void h264(void)
{
	ok(sfu_codec_is_keyframe(SFU_CODEC_H264, (const uint8_t[]){ 0x65 }, 1),
	   "H264 IDR");
	ok(sfu_codec_is_keyframe(SFU_CODEC_H264, (const uint8_t[]){ 0x67 }, 1),
	   "H264 SPS");
	ok(!sfu_codec_is_keyframe(SFU_CODEC_H264, (const uint8_t[]){ 0x68 },
				  1),
	   "H264 PPS");
	ok(!sfu_codec_is_keyframe(SFU_CODEC_H264, (const uint8_t[]){ 0x41 },
				  1),
	   "H264 non-IDR slice");
	ok(!sfu_codec_is_keyframe(SFU_CODEC_H264, (const uint8_t[]){ 0xe5 },
				  1),
	   "H264 forbidden bit");
	ok(KEY(SFU_CODEC_H264, h264_stap), "STAP-A with SPS");
	ok(KEY(SFU_CODEC_H264, h264_stap_idr), "STAP-A: empty, SEI, IDR");
	ok(!sfu_codec_is_keyframe(SFU_CODEC_H264, h264_stap_idr, 9),
	   "STAP-A IDR cut short");
	ok(!sfu_codec_is_keyframe(SFU_CODEC_H264,
				  (const uint8_t[]){ 0x78, 0, 1, 0x68 }, 4),
	   "STAP-A with PPS only");
	ok(!sfu_codec_is_keyframe(SFU_CODEC_H264,
				  (const uint8_t[]){ 0x78, 0, 9, 0x67 }, 4),
	   "STAP-A size beyond the packet");
	ok(KEY(SFU_CODEC_H264, h264_fua), "FU-A IDR start");
	ok(!sfu_codec_is_keyframe(SFU_CODEC_H264,
				  (const uint8_t[]){ 0x7c, 0x05 }, 2),
	   "FU-A IDR middle");
	ok(!sfu_codec_is_keyframe(SFU_CODEC_H264,
				  (const uint8_t[]){ 0x7c, 0x81 }, 2),
	   "FU-A non-IDR start");
	ok(!sfu_codec_is_keyframe(SFU_CODEC_H264, h264_fua, 1),
	   "FU-A without FU header");
	ok(!sfu_codec_is_keyframe(SFU_CODEC_H264,
				  (const uint8_t[]){ 0x79, 0, 0, 0, 1, 0x65 },
				  6),
	   "STAP-B unsupported");
	ok(!sfu_codec_is_keyframe(SFU_CODEC_H264,
				  (const uint8_t[]){ 0x7d, 0x85, 0, 0 }, 4),
	   "FU-B unsupported");
}

static void others(void)
{
	static const uint8_t opus[] = { 0xfc, 0xff, 0xfe };

	ok(!KEY(SFU_CODEC_OPUS, opus), "Opus: never a keyframe");
	ok(!KEY(SFU_CODEC_RTX, vp8_plain), "RTX: never");
	ok(!KEY(SFU_CODEC_NONE, vp8_plain), "NONE: never");
	for (int c = SFU_CODEC_VP8; c <= SFU_CODEC_H264; c++)
		ok(!sfu_codec_is_keyframe((enum sfu_codec)c, NULL, 0),
		   "codec %d: empty payload", c);
}

/* Every proper prefix of a keyframe packet is refused, read in an
 * exact-size buffer. */
static void truncations(enum sfu_codec c, const uint8_t *p, size_t len,
			size_t min_ok, const char *what)
{
	int wrong = 0;

	for (size_t n = 0; n <= len; n++) {
		uint8_t *d = malloc(n ? n : 1);

		memcpy(d, p, n);
		wrong += sfu_codec_is_keyframe(c, d, n) != (n >= min_ok);
		free(d);
	}
	is_int(wrong, 0, "%s: prefixes below %zu refused", what, min_ok);
}

static void random_payloads(void)
{
	unsigned seed = 12345, keys = 0;

	for (int i = 0; i < 200000; i++) {
		size_t n = (size_t)(i % 40);
		uint8_t *d = malloc(n ? n : 1);

		for (size_t j = 0; j < n; j++) {
			seed = seed * 1103515245u + 12345u;
			d[j] = (uint8_t)(seed >> 16);
		}
		for (int c = SFU_CODEC_NONE; c <= SFU_CODEC_RTX; c++)
			keys += sfu_codec_is_keyframe((enum sfu_codec)c, d, n);
		free(d);
	}
	ok(keys > 0, "random payloads: no crash (%u keyframes)", keys);
}

int main(void)
{
	names();
	vp8();
	vp9();
	h264();
	others();
	truncations(SFU_CODEC_VP8, vp8_plain, sizeof(vp8_plain), 11, "VP8");
	truncations(SFU_CODEC_VP8, vp8_all, sizeof(vp8_all), 15, "VP8 ILTK");
	truncations(SFU_CODEC_VP8, vp8_pid15, sizeof(vp8_pid15), 14,
		    "VP8 15-bit");
	truncations(SFU_CODEC_VP9, vp9_ss, sizeof(vp9_ss), 14, "VP9 SS");
	truncations(SFU_CODEC_VP9, vp9_flex_layer, sizeof(vp9_flex_layer), 4,
		    "VP9 flexible");
	truncations(SFU_CODEC_H264, h264_stap, sizeof(h264_stap), 5,
		    "STAP-A");
	truncations(SFU_CODEC_H264, h264_fua, sizeof(h264_fua), 2, "FU-A");
	random_payloads();
	return tap_done();
}
