/*
 * synth.c - synthetic Opus and VP8 RTP packets with a trailing bench
 * header (see synth.h).
 */
#include "synth.h"

#include <string.h>

#include "rtp.h"

void bench_hdr_write(uint8_t *p, const struct bench_hdr *h)
{
	sfu_put_be32(p, BENCH_MAGIC);
	sfu_put_be16(p + 4, h->sender);
	p[6] = h->kind;
	p[7] = h->flags;
	sfu_put_be32(p + 8, h->seq);
	sfu_put_be32(p + 12, (uint32_t)(h->send_ns >> 32));
	sfu_put_be32(p + 16, (uint32_t)h->send_ns);
}

int bench_hdr_read(const uint8_t *payload, size_t len, struct bench_hdr *h)
{
	const uint8_t *p;

	if (len < BENCH_HDR_LEN)
		return -1;
	p = payload + len - BENCH_HDR_LEN;
	if (sfu_get_be32(p) != BENCH_MAGIC)
		return -1;
	h->sender = sfu_get_be16(p + 4);
	h->kind = p[6];
	h->flags = p[7];
	h->seq = sfu_get_be32(p + 8);
	h->send_ns = (uint64_t)sfu_get_be32(p + 12) << 32 | sfu_get_be32(p + 16);
	return 0;
}

void synth_stream_init(struct synth_stream *s, enum bench_kind kind,
		       uint16_t sender, uint32_t ssrc, uint8_t pt,
		       uint16_t first_seq, uint32_t first_ts)
{
	memset(s, 0, sizeof(*s));
	s->kind = (uint8_t)kind;
	s->sender = sender;
	s->ssrc = ssrc;
	s->pt = pt;
	s->seq = first_seq;
	s->ts = first_ts;
}

static void rtp_header(uint8_t *p, const struct synth_stream *s, bool marker)
{
	p[0] = 0x80; /* V=2, no padding, no extension, no CSRC */
	p[1] = (uint8_t)((marker ? 0x80 : 0) | (s->pt & 0x7f));
	sfu_put_be16(p + 2, s->seq);
	sfu_put_be32(p + 4, s->ts);
	sfu_put_be32(p + 8, s->ssrc);
}

/* Deterministic filler, different per stream and packet. */
static void fill(uint8_t *p, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
}

static void trailer(struct synth_stream *s, uint8_t *p, uint8_t flags,
		    uint64_t now_ns)
{
	struct bench_hdr h = {
		.sender = s->sender,
		.kind = s->kind,
		.flags = flags,
		.seq = s->bench_seq++,
		.send_ns = now_ns,
	};

	bench_hdr_write(p, &h);
}

size_t synth_audio(struct synth_stream *s, uint64_t now_ns, size_t payload_len,
		   uint8_t *out, size_t cap)
{
	size_t len = SFU_RTP_HDR_LEN + payload_len;

	if (payload_len < BENCH_HDR_LEN + 1 || len > cap)
		return 0;
	rtp_header(out, s, false);
	/* An Opus TOC byte: config 31 (CELT FB 20 ms), stereo=0, code 0. */
	out[SFU_RTP_HDR_LEN] = 0xf8;
	fill(out + SFU_RTP_HDR_LEN + 1, payload_len - 1 - BENCH_HDR_LEN,
	     s->ssrc ^ s->seq);
	trailer(s, out + len - BENCH_HDR_LEN, 0, now_ns);
	s->seq++;
	s->ts += 960;
	return len;
}

#define VP8_DESC_LEN 4 /* X=1, I=1 + M=1 15-bit picture id */

static void vp8_descriptor(uint8_t *p, bool start, uint16_t picture_id)
{
	p[0] = (uint8_t)(0x80 | (start ? 0x10 : 0)); /* X, S, PID 0 */
	p[1] = 0x80;                                 /* I */
	p[2] = (uint8_t)(0x80 | ((picture_id >> 8) & 0x7f));
	p[3] = (uint8_t)picture_id;
}

/* The VP8 payload header (RFC 6386 9.1): the 3-byte frame tag, and for a
 * keyframe the start code and the dimensions. Returns its length. */
static size_t vp8_frame_header(uint8_t *p, bool key, size_t frame_bytes,
			       uint16_t w, uint16_t h)
{
	uint32_t first_part = (uint32_t)(frame_bytes / 2) & 0x7ffff;
	uint32_t tag = (key ? 0u : 1u) | 0u << 1 /* version */ |
		       1u << 4 /* show_frame */ | first_part << 5;

	p[0] = (uint8_t)tag;
	p[1] = (uint8_t)(tag >> 8);
	p[2] = (uint8_t)(tag >> 16);
	if (!key)
		return 3;
	p[3] = 0x9d;
	p[4] = 0x01;
	p[5] = 0x2a;
	p[6] = (uint8_t)w;
	p[7] = (uint8_t)((w >> 8) & 0x3f);
	p[8] = (uint8_t)h;
	p[9] = (uint8_t)((h >> 8) & 0x3f);
	return 10;
}

size_t synth_video_frame(struct synth_stream *s, const struct synth_video_cfg *cfg,
			 bool key, uint16_t picture_id, uint32_t ts_step,
			 uint64_t now_ns, struct synth_frame *out)
{
	size_t total = key ? cfg->key_bytes : cfg->frame_bytes;
	size_t per, n, done = 0;

	if (cfg->max_payload > BENCH_PKT_MAX - SFU_RTP_HDR_LEN - 32 ||
	    cfg->max_payload < VP8_DESC_LEN + BENCH_HDR_LEN + 16 || total < 10)
		return 0;
	per = cfg->max_payload - VP8_DESC_LEN - BENCH_HDR_LEN;
	n = (total + per - 1) / per;
	if (n > SYNTH_VIDEO_MAX_PKTS)
		return 0;
	/* Spread the frame evenly over its packets, as encoders do. */
	per = (total + n - 1) / n;
	for (size_t i = 0; i < n; i++) {
		uint8_t *p = out->pkt[i];
		size_t chunk = SFU_MIN(per, total - done);
		size_t off = SFU_RTP_HDR_LEN, hdr = 0;

		rtp_header(p, s, i == n - 1);
		vp8_descriptor(p + off, i == 0, picture_id);
		off += VP8_DESC_LEN;
		if (i == 0)
			hdr = vp8_frame_header(p + off, key, total, cfg->width,
					       cfg->height);
		fill(p + off + hdr, chunk - hdr, s->ssrc ^ s->seq);
		off += chunk;
		trailer(s, p + off, key && i == 0 ? BENCH_FLAG_KEY : 0, now_ns);
		out->len[i] = off + BENCH_HDR_LEN;
		s->seq++;
		done += chunk;
	}
	out->n = n;
	out->key = key;
	s->ts += ts_step;
	return n;
}

void synth_stamp(uint8_t *pkt, size_t len, uint64_t now_ns)
{
	uint8_t *p;

	if (len < BENCH_HDR_LEN)
		return;
	p = pkt + len - BENCH_HDR_LEN;
	sfu_put_be32(p + 12, (uint32_t)(now_ns >> 32));
	sfu_put_be32(p + 16, (uint32_t)now_ns);
}

int synth_parse(const uint8_t *pkt, size_t len, struct bench_hdr *h,
		uint32_t *ssrc, uint16_t *rtp_seq, uint8_t *pt)
{
	struct sfu_rtp r;

	if (sfu_rtp_parse(pkt, len, &r) < 0)
		return -1;
	if (bench_hdr_read(pkt + r.payload_off, r.payload_len, h) < 0)
		return -1;
	*ssrc = r.ssrc;
	*rtp_seq = r.seq;
	*pt = r.pt;
	return 0;
}
