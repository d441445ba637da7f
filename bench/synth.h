/*
 * synth.h - the bench's synthetic media: RTP packets that look like Opus
 * audio and VP8 video (valid VP8 payload descriptors and keyframe headers,
 * so the server's keyframe detection works) and carry a bench header with
 * the sender, a per-stream sequence number and the send time.
 *
 * Pure: no I/O, no allocation. The bench header is the last
 * BENCH_HDR_LEN bytes of every payload (audio and video alike), so a
 * receiver finds it without parsing the codec payload, and RTX-wrapped
 * copies carry it too.
 */
#ifndef BENCH_SYNTH_H
#define BENCH_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BENCH_MAGIC 0x53424e48u /* "SBNH" */
#define BENCH_HDR_LEN 20
#define BENCH_PKT_MAX 1500 /* plaintext packet buffer (plus SRTP room) */

enum bench_kind { BENCH_AUDIO = 0, BENCH_VIDEO = 1 };

/* Layout (big-endian): magic(4) sender(2) kind(1) flags(1) seq(4)
 * send_ns(8). flags bit 0: the packet starts a keyframe. */
struct bench_hdr {
	uint16_t sender;
	uint8_t kind;
	uint8_t flags;
	uint32_t seq;
	uint64_t send_ns;
};

#define BENCH_FLAG_KEY 0x01

void bench_hdr_write(uint8_t *p, const struct bench_hdr *h);
/* Reads the header from the last BENCH_HDR_LEN bytes of payload.
 * Returns 0, or -1 when too short or the magic does not match. */
int bench_hdr_read(const uint8_t *payload, size_t len, struct bench_hdr *h);

/* One outgoing stream's RTP and bench state. */
struct synth_stream {
	uint32_t ssrc;
	uint8_t pt;
	uint16_t seq;        /* next RTP sequence number */
	uint32_t ts;         /* RTP timestamp of the next frame */
	uint32_t bench_seq;  /* next bench sequence number */
	uint16_t sender;
	uint8_t kind;
};

void synth_stream_init(struct synth_stream *s, enum bench_kind kind,
		       uint16_t sender, uint32_t ssrc, uint8_t pt,
		       uint16_t first_seq, uint32_t first_ts);

/* Write one Opus-sized audio packet of payload_len bytes (at least
 * BENCH_HDR_LEN + 1) into out. Timestamp step 960 (20 ms at 48 kHz).
 * Returns the packet length, or 0 when cap is too small. */
size_t synth_audio(struct synth_stream *s, uint64_t now_ns, size_t payload_len,
		   uint8_t *out, size_t cap);

/* Video frame layout. */
struct synth_video_cfg {
	size_t frame_bytes; /* VP8 data bytes of a delta frame */
	size_t key_bytes;   /* of a keyframe */
	size_t max_payload; /* RTP payload bytes per packet, at most */
	uint16_t width, height;
};

#define SYNTH_VIDEO_MAX_PKTS 64

/* Packets of one frame, each BENCH_PKT_MAX bytes of buffer. */
struct synth_frame {
	uint8_t pkt[SYNTH_VIDEO_MAX_PKTS][BENCH_PKT_MAX];
	size_t len[SYNTH_VIDEO_MAX_PKTS];
	size_t n;
	bool key;
};

/*
 * Build one VP8-like frame: a descriptor (X=1, I=1 with a 15-bit picture
 * id, S=1 on the first packet, PID 0) on every packet; the first packet's
 * data starts with the VP8 frame tag (P=0 and the 9d 01 2a start code
 * plus width/height for a keyframe); marker on the last packet; one RTP
 * timestamp for the frame, then ts += ts_step. Returns the packet count,
 * 0 on bad configuration (too many packets, payload too small).
 */
size_t synth_video_frame(struct synth_stream *s, const struct synth_video_cfg *cfg,
			 bool key, uint16_t picture_id, uint32_t ts_step,
			 uint64_t now_ns, struct synth_frame *out);

/* Set the send time of a finished packet's bench header (its last
 * BENCH_HDR_LEN bytes) to now_ns: done just before the packet is
 * protected and sent, so the time a sender's own burst takes to go out
 * is not counted as the server's. */
void synth_stamp(uint8_t *pkt, size_t len, uint64_t now_ns);

/* The payload view of a packet as the bench receives it: parses the RTP
 * header and the trailing bench header. Returns 0 or -1. */
int synth_parse(const uint8_t *pkt, size_t len, struct bench_hdr *h,
		uint32_t *ssrc, uint16_t *rtp_seq, uint8_t *pt);

#endif
