/*
 * test-bench-synth.c - tests bench/synth.c: the bench header round trip
 * and its rejection of short or foreign payloads; Opus-like packets
 * (header fields, sequence and timestamp steps); VP8-like frames (packet
 * count and sizes, descriptor S bit and picture id, marker on the last
 * packet only, one timestamp per frame, keyframe detection by the
 * server's own sfu_codec_is_keyframe on the first packet of keyframes
 * only, the frame tag and dimensions); bad configurations.
 */
#include "synth.h"

#include <stdlib.h>

#include "codec.h"
#include "rtp.h"
#include "tap.h"

static void test_header(void)
{
	uint8_t buf[64];
	struct bench_hdr h = { .sender = 513, .kind = BENCH_VIDEO,
			       .flags = BENCH_FLAG_KEY, .seq = 0xdeadbeef,
			       .send_ns = 0x0123456789abcdefull },
			 g;

	memset(buf, 0xaa, sizeof(buf));
	bench_hdr_write(buf + 10, &h);
	ok(bench_hdr_read(buf, 10 + BENCH_HDR_LEN, &g) == 0, "header reads back");
	is_int(g.sender, 513, "sender");
	is_int(g.kind, BENCH_VIDEO, "kind");
	is_int(g.flags, BENCH_FLAG_KEY, "flags");
	ok(g.seq == 0xdeadbeef, "seq");
	ok(g.send_ns == 0x0123456789abcdefull, "send time");
	ok(bench_hdr_read(buf + 1, 9 + BENCH_HDR_LEN, &g) == 0,
	   "found from the end of any payload");
	ok(bench_hdr_read(buf, BENCH_HDR_LEN - 1, &g) < 0, "short payload refused");
	buf[10] ^= 1;
	ok(bench_hdr_read(buf, 10 + BENCH_HDR_LEN, &g) < 0, "bad magic refused");
}

static void test_audio(void)
{
	struct synth_stream s;
	uint8_t pkt[BENCH_PKT_MAX];
	struct sfu_rtp r;
	struct bench_hdr h;
	uint32_t ssrc;
	uint16_t seq;
	uint8_t pt;
	size_t len;
	bool all = true;

	synth_stream_init(&s, BENCH_AUDIO, 7, 0xcafe, 111, 65534, 4294967000u);
	for (int i = 0; i < 5; i++) {
		len = synth_audio(&s, 1000 + (uint64_t)i, 100, pkt, sizeof(pkt));
		all &= len == SFU_RTP_HDR_LEN + 100;
		all &= sfu_rtp_parse(pkt, len, &r) == 0;
		all &= r.pt == 111 && r.ssrc == 0xcafe && !r.marker && !r.extension;
		all &= r.seq == (uint16_t)(65534 + i);
		all &= r.ts == 4294967000u + 960u * (uint32_t)i;
		all &= r.payload_len == 100;
		all &= synth_parse(pkt, len, &h, &ssrc, &seq, &pt) == 0;
		all &= h.seq == (uint32_t)i && h.sender == 7 && h.kind == BENCH_AUDIO;
		all &= h.send_ns == 1000 + (uint64_t)i && ssrc == 0xcafe && pt == 111;
	}
	ok(all, "audio: 5 packets, seq/ts wrap and step 960, bench seq 0..4");
	synth_stamp(pkt, len, 0x1122334455667788ull);
	ok(synth_parse(pkt, len, &h, &ssrc, &seq, &pt) == 0 &&
	   h.send_ns == 0x1122334455667788ull && h.seq == 4 && h.sender == 7,
	   "stamp: a new send time, the rest of the header kept");
	ok(synth_audio(&s, 0, BENCH_HDR_LEN, pkt, sizeof(pkt)) == 0,
	   "audio payload must hold more than the header");
	ok(synth_audio(&s, 0, 100, pkt, 50) == 0, "audio: small buffer refused");
}

static void check_frame(const struct synth_frame *f, const struct synth_video_cfg *cfg,
			bool key, uint16_t pid, uint16_t first_seq, uint32_t ts,
			uint32_t first_bench, const char *what)
{
	size_t vp8 = 0;
	bool all = true;

	for (size_t i = 0; i < f->n; i++) {
		struct sfu_rtp r;
		struct bench_hdr h;
		const uint8_t *p;

		all &= sfu_rtp_parse(f->pkt[i], f->len[i], &r) == 0;
		p = f->pkt[i] + r.payload_off;
		all &= r.payload_len <= cfg->max_payload;
		all &= r.marker == (i == f->n - 1);
		all &= r.seq == (uint16_t)(first_seq + i) && r.ts == ts && r.pt == 96;
		/* Descriptor: X, S on the first packet only, PID 0, I,
		 * M with the 15-bit picture id. */
		all &= p[0] == (i == 0 ? 0x90 : 0x80) && p[1] == 0x80;
		all &= ((p[2] & 0x7f) << 8 | p[3]) == pid && (p[2] & 0x80);
		all &= sfu_codec_is_keyframe(SFU_CODEC_VP8, p, r.payload_len) ==
		       (key && i == 0);
		all &= bench_hdr_read(p, r.payload_len, &h) == 0;
		all &= h.seq == first_bench + i && h.kind == BENCH_VIDEO;
		all &= h.flags == (key && i == 0 ? BENCH_FLAG_KEY : 0);
		vp8 += r.payload_len - 4 - BENCH_HDR_LEN;
	}
	ok(all, "%s: descriptor, marker, seq, ts, keyframe detection, headers", what);
	is_int(vp8, key ? cfg->key_bytes : cfg->frame_bytes, "%s: VP8 bytes", what);
}

static void test_video(void)
{
	struct synth_video_cfg cfg = { .frame_bytes = 4032, .key_bytes = 12096,
				       .max_payload = 1100, .width = 640,
				       .height = 480 };
	struct synth_frame *f = malloc(sizeof(*f));
	struct synth_stream s;
	const uint8_t *p;

	synth_stream_init(&s, BENCH_VIDEO, 2, 0xbeef, 96, 65533, 100);
	is_int(synth_video_frame(&s, &cfg, true, 0x7ffe, 3000, 5, f), 12,
	       "keyframe: 12 packets");
	ok(f->key, "marked as keyframe");
	check_frame(f, &cfg, true, 0x7ffe, 65533, 100, 0, "keyframe");
	p = f->pkt[0] + SFU_RTP_HDR_LEN + 4;
	ok((p[0] & 1) == 0 && (p[0] & 0x10), "keyframe tag: P=0, show_frame");
	ok((p[6] | p[7] << 8) == 640 && (p[8] | p[9] << 8) == 480,
	   "keyframe dimensions 640x480");

	is_int(synth_video_frame(&s, &cfg, false, 0x7fff, 3000, 6, f), 4,
	       "delta frame: 4 packets");
	check_frame(f, &cfg, false, 0x7fff, (uint16_t)(65533 + 12), 3100, 12,
		    "delta frame");
	p = f->pkt[0] + SFU_RTP_HDR_LEN + 4;
	ok(p[0] & 1, "delta tag: P=1");
	is_int(s.ts, 6100, "timestamp advanced by the step per frame");

	cfg.frame_bytes = 100000;
	ok(synth_video_frame(&s, &cfg, false, 1, 3000, 7, f) == 0,
	   "frame needing too many packets refused");
	cfg.frame_bytes = 4032;
	cfg.max_payload = 30;
	ok(synth_video_frame(&s, &cfg, false, 1, 3000, 7, f) == 0,
	   "payload too small for descriptor and header refused");
	cfg.max_payload = 1600;
	ok(synth_video_frame(&s, &cfg, false, 1, 3000, 7, f) == 0,
	   "payload over the packet buffer refused");
	free(f);
}

static void test_parse_rejects(void)
{
	uint8_t pkt[64] = { 0x80, 111 };
	struct bench_hdr h;
	uint32_t ssrc;
	uint16_t seq;
	uint8_t pt;

	ok(synth_parse(pkt, sizeof(pkt), &h, &ssrc, &seq, &pt) < 0,
	   "RTP without a bench header refused");
	pkt[0] = 0x40;
	ok(synth_parse(pkt, sizeof(pkt), &h, &ssrc, &seq, &pt) < 0,
	   "not RTP refused");
}

int main(void)
{
	test_header();
	test_audio();
	test_video();
	test_parse_rejects();
	return tap_done();
}
