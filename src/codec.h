/*
 * codec.h - the codecs Starling forwards: names as SDP spells them, RTP
 * clock rates, and keyframe detection from an RTP payload (VP8 RFC 7741,
 * VP9 RFC 9628, H.264 RFC 6184 packetization mode 1).
 *
 * Pure: no I/O, no allocation; every read is bounded by the given length.
 */
#ifndef SFU_CODEC_H
#define SFU_CODEC_H

#include "common.h"

enum sfu_codec {
	SFU_CODEC_NONE,
	SFU_CODEC_OPUS,
	SFU_CODEC_VP8,
	SFU_CODEC_VP9,
	SFU_CODEC_H264,
	SFU_CODEC_RTX,
};

/* The codec an SDP encoding name (len bytes, case-insensitive: "opus",
 * "VP8", "VP9", "H264", "rtx") denotes, or SFU_CODEC_NONE. */
enum sfu_codec sfu_codec_from_name(const char *name, size_t len);

/* The canonical SDP encoding name of c, or "" for SFU_CODEC_NONE. */
const char *sfu_codec_name(enum sfu_codec c);

/* RTP clock rate in Hz: 48000 for Opus, 90000 for video; 0 for NONE and
 * RTX, whose rate is that of the payload type it repairs. */
uint32_t sfu_codec_clock_rate(enum sfu_codec c);

/* True for VP8, VP9 and H.264. */
bool sfu_codec_is_video(enum sfu_codec c);

/*
 * True when payload (len bytes of one RTP packet's payload) starts a
 * keyframe: VP8 first partition start (S=1, PID=0) with P=0 in the
 * payload header and the keyframe start code; VP9 start of a frame (B=1)
 * that is not inter-predicted (P=0) on spatial layer 0 without
 * inter-layer dependency; H.264 an IDR or SPS NAL unit, alone, inside a
 * STAP-A, or starting an FU-A (IDR). False for audio, RTX and anything
 * malformed or truncated.
 */
bool sfu_codec_is_keyframe(enum sfu_codec c, const uint8_t *payload,
			   size_t len);

#endif
