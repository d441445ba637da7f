/*
 * test-stream.c - tests src/stream.c, a publisher's inbound track, with
 * hand-built RTP packets and a fake clock: in-order reception, gaps and
 * the NACK schedule (retry spacing, SFU_NACK_RETRIES), late packets that
 * fill a gap (RTX-recovered ones rebuilt as the original), duplicates,
 * the 16-bit wrap, the RFC 3550 report block (fraction and cumulative
 * loss, extended highest sequence number, jitter, LSR/DLSR), the
 * retransmission ring, keyframe-request throttling and timestamp
 * extrapolation with and without a sender report.
 */
#include "media-t.h"

#include <stdlib.h>

#include "tap.h"

#define T0 10000000LL /* 10 s: a monotonic clock well past its start */
#define MS 1000LL
#define SSRC 0x11223344u
#define RTX_SSRC 0x55667788u

struct pkt {
	uint8_t b[64];
	size_t len;
	struct sfu_rtp r;
};

/* An RTP packet byte by byte: V=2, no padding, no extension, no CSRC;
 * the payload is 4 bytes derived from seq so each packet differs. */
static void mk(struct pkt *p, uint8_t pt, uint16_t seq, uint32_t ts,
	       uint32_t ssrc)
{
	memset(p, 0, sizeof(*p));
	p->b[0] = 0x80;
	p->b[1] = pt;
	p->b[2] = (uint8_t)(seq >> 8);
	p->b[3] = (uint8_t)seq;
	p->b[4] = (uint8_t)(ts >> 24);
	p->b[5] = (uint8_t)(ts >> 16);
	p->b[6] = (uint8_t)(ts >> 8);
	p->b[7] = (uint8_t)ts;
	p->b[8] = (uint8_t)(ssrc >> 24);
	p->b[9] = (uint8_t)(ssrc >> 16);
	p->b[10] = (uint8_t)(ssrc >> 8);
	p->b[11] = (uint8_t)ssrc;
	p->b[12] = 0xa0;
	p->b[13] = (uint8_t)(seq >> 8);
	p->b[14] = (uint8_t)seq;
	p->b[15] = 0x5a;
	p->len = 16;
	if (sfu_rtp_parse(p->b, p->len, &p->r) != 0)
		abort();
}

static bool rx(struct sfu_stream *s, uint16_t seq, uint32_t ts, int64_t now)
{
	struct pkt p;

	mk(&p, s->codec.pt, seq, ts, SSRC);
	return sfu__stream_receive(s, p.b, &p.r, now);
}

static struct sfu_stream *video_stream(bool nack, size_t ring)
{
	struct sfu_msec sec;

	memset(&sec, 0, sizeof(sec));
	sfu_strlcpy(sec.mid, "1", sizeof(sec.mid));
	sec.kind = SFU_SDP_VIDEO;
	sec.role = SFU_MSEC_MEDIA;
	sec.codec.codec = SFU_CODEC_VP8;
	sec.codec.pt = 96;
	sec.codec.rtx_pt = 97;
	sec.codec.clock = 90000;
	sec.codec.fb = (uint8_t)((nack ? SFU_FB_NACK : 0) | SFU_FB_NACK_PLI);
	sec.client_sends = true;
	sec.in_ssrc = SSRC;
	sec.in_rtx_ssrc = RTX_SSRC;
	sec.ext.mid = 4;
	return sfu__stream_new(NULL, 1, "track-v", &sec, ring);
}

static struct sfu_stream *audio_stream(void)
{
	struct sfu_msec sec;

	memset(&sec, 0, sizeof(sec));
	sec.kind = SFU_SDP_AUDIO;
	sec.role = SFU_MSEC_MEDIA;
	sec.codec.codec = SFU_CODEC_OPUS;
	sec.codec.pt = 111;
	sec.codec.clock = 48000;
	sec.codec.channels = 2;
	sec.in_ssrc = SSRC;
	return sfu__stream_new(NULL, 0, "track-a", &sec, 0);
}

static bool has_seq(const uint16_t *v, size_t n, uint16_t seq)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == seq)
			return true;
	return false;
}

static void test_new(void)
{
	struct sfu_stream *s = video_stream(true, 64);

	ok(s != NULL, "stream created");
	is_int(s->ssrc, SSRC, "ssrc from in_ssrc");
	is_int(s->rtx_ssrc, RTX_SSRC, "rtx ssrc from in_rtx_ssrc");
	is_int(s->kind, SFU_SDP_VIDEO, "kind from the section");
	is_int(s->codec.pt, 96, "publisher's codec copied");
	is_int(s->ext.mid, 4, "publisher's ext ids copied");
	is_str(s->track, "track-v", "track id");
	is_int(s->section, 1, "section index");
	is_int(s->ring_size, 64, "ring allocated");
	ok(sfu__stream_ring_get(s, 0) == NULL, "empty ring has nothing");
	sfu__stream_free(s);
	sfu__stream_free(NULL);
	ok(1, "free(NULL) is harmless");
}

static void test_in_order(void)
{
	struct sfu_stream *s = video_stream(true, 64);
	uint16_t seqs[16];
	bool all = true;

	for (int i = 0; i < 10; i++)
		all &= rx(s, (uint16_t)(100 + i), 5000u + 1800u * (uint32_t)i,
			  T0 + i * 20 * MS);
	ok(all, "ten packets in order accepted");
	is_int(s->received, 10, "received counted");
	is_int(s->st.packets, 10, "packets stat");
	is_int(s->st.bytes, 40, "payload bytes stat");
	is_int(s->base_ext, 100, "base seq");
	is_int(s->highest_ext, 109, "highest seq");
	is_int(s->n_missing, 0, "nothing missing");
	is_int(sfu__stream_due_nacks(s, T0 + 10 * 20 * MS, seqs, 16), 0,
	       "no NACK due");
	is_int(s->last_ts, 5000 + 1800 * 9, "last_ts is the newest packet's");
	is_int(s->last_arrival_us, T0 + 9 * 20 * MS, "last arrival");
	ok(s->jitter < 0.001, "regular arrival: no jitter (%f)", s->jitter);
	sfu__stream_free(s);
}

static void test_gaps_and_nacks(void)
{
	struct sfu_stream *s = video_stream(true, 64);
	uint16_t seqs[16];
	int64_t t = T0;
	size_t n;

	rx(s, 500, 0, t);
	rx(s, 501, 1800, t + 20 * MS);
	ok(rx(s, 504, 4 * 1800, t + 80 * MS), "packet after a gap accepted");
	is_int(s->n_missing, 2, "502 and 503 missing");
	t += 80 * MS;
	n = sfu__stream_due_nacks(s, t, seqs, 16);
	is_int(n, 2, "two NACKs due at once");
	ok(has_seq(seqs, n, 502) && has_seq(seqs, n, 503), "for 502 and 503");
	is_int(s->st.nacks_sent, 1, "one NACK message counted");
	is_int(sfu__stream_due_nacks(s, t + 1 * MS, seqs, 16), 0,
	       "not again right away");
	is_int(sfu__stream_due_nacks(s, t + 99 * MS, seqs, 16), 0,
	       "not before the retry spacing");
	n = sfu__stream_due_nacks(s, t + 100 * MS, seqs, 16);
	is_int(n, 2, "second try after the spacing");
	n = sfu__stream_due_nacks(s, t + 200 * MS, seqs, 16);
	is_int(n, 2, "third try");
	is_int(SFU_NACK_RETRIES, 3, "three retries configured");
	n = sfu__stream_due_nacks(s, t + 300 * MS, seqs, 16);
	is_int(n, 0, "given up after SFU_NACK_RETRIES tries");
	is_int(s->n_missing, 0, "missing list emptied");
	is_int(s->st.nacks_sent, 3, "three NACK messages counted");

	/* max limits how many come out; the rest wait for the next call. */
	rx(s, 510, 10 * 1800, t + 400 * MS);
	is_int(s->n_missing, 5, "505..509 missing");
	n = sfu__stream_due_nacks(s, t + 400 * MS, seqs, 3);
	is_int(n, 3, "capped by max");
	n = sfu__stream_due_nacks(s, t + 400 * MS, seqs, 16);
	is_int(n, 2, "the other two next time");
	sfu__stream_free(s);

	/* Without NACK feedback negotiated, gaps are not chased. */
	s = video_stream(false, 64);
	rx(s, 1, 0, T0);
	rx(s, 5, 0, T0 + MS);
	is_int(s->n_missing, 0, "no NACK fb: nothing chased");
	is_int(sfu__stream_due_nacks(s, T0 + MS, seqs, 16), 0, "no NACK due");
	sfu__stream_free(s);

	/* A jump larger than the list chases only the newest numbers. */
	s = video_stream(true, 64);
	rx(s, 1000, 0, T0);
	rx(s, 3000, 0, T0 + MS);
	is_int(s->n_missing, SFU_NACK_MAX_MISSING, "huge gap capped");
	n = sfu__stream_due_nacks(s, T0 + MS, seqs, 16);
	is_int(n, 16, "due NACKs capped by max");
	ok(!has_seq(seqs, n, 1001), "old numbers of a huge jump not chased");
	sfu__stream_free(s);
}

static void test_late_and_duplicates(void)
{
	struct sfu_stream *s = video_stream(true, 64);
	uint16_t seqs[16];
	struct pkt rtx, p;
	struct sfu_rtp orig;
	const struct sfu_ring_slot *slot;
	uint16_t osn;
	size_t n;

	rx(s, 10, 0, T0);
	rx(s, 11, 1800, T0 + 20 * MS);
	rx(s, 14, 4 * 1800, T0 + 80 * MS);
	is_int(s->n_missing, 2, "12 and 13 missing");
	ok(rx(s, 12, 2 * 1800, T0 + 90 * MS), "late 12 accepted");
	is_int(s->st.retransmits_in, 1, "counted as a retransmit");
	is_int(s->n_missing, 1, "only 13 still missing");
	n = sfu__stream_due_nacks(s, T0 + 90 * MS, seqs, 16);
	ok(n == 1 && seqs[0] == 13, "only 13 is NACKed");
	is_int(s->highest_ext, 14, "highest unchanged by a late packet");
	is_int(s->last_ts, 4 * 1800, "last_ts unchanged by a late packet");
	ok(sfu__stream_ring_get(s, 12) != NULL, "late packet is in the ring");

	/* 13 comes back as RTX (RFC 4588): unwrapped, it is stored as the
	 * original packet under the stream's own SSRC and payload type. */
	memset(&rtx, 0, sizeof(rtx));
	rtx.b[0] = 0x80;
	rtx.b[1] = 97;
	rtx.b[2] = 0x00;
	rtx.b[3] = 0x07; /* RTX's own seq 7 */
	rtx.b[4] = 0;
	rtx.b[5] = 0;
	rtx.b[6] = (uint8_t)((3 * 1800) >> 8);
	rtx.b[7] = (uint8_t)(3 * 1800);
	rtx.b[8] = 0x55;
	rtx.b[9] = 0x66;
	rtx.b[10] = 0x77;
	rtx.b[11] = 0x88;
	rtx.b[12] = 0x00; /* osn 13 */
	rtx.b[13] = 13;
	rtx.b[14] = 0xa0; /* the original payload */
	rtx.b[15] = 0x00;
	rtx.b[16] = 13;
	rtx.b[17] = 0x5a;
	rtx.len = 18;
	is_int(sfu_rtp_parse(rtx.b, rtx.len, &rtx.r), 0, "RTX packet parses");
	is_int(sfu_rtx_unwrap(rtx.b, &rtx.r, &osn, &orig), 0, "RTX unwraps");
	is_int(osn, 13, "osn");
	orig.pt = 96; /* as media.c does */
	ok(sfu__stream_receive(s, rtx.b, &orig, T0 + 100 * MS),
	   "RTX-recovered 13 accepted");
	is_int(s->st.retransmits_in, 2, "second retransmit counted");
	is_int(s->n_missing, 0, "nothing missing any more");
	slot = sfu__stream_ring_get(s, 13);
	ok(slot != NULL, "recovered packet in the ring");
	mk(&p, 96, 13, 3 * 1800, SSRC);
	ok(slot && slot->len == p.len && memcmp(slot->data, p.b, p.len) == 0,
	   "ring holds the original packet (own SSRC, PT, seq, payload)");

	/* Duplicates. */
	uint64_t before = s->received;
	ok(!rx(s, 13, 3 * 1800, T0 + 110 * MS), "duplicate of a recovered packet refused");
	ok(!rx(s, 11, 1800, T0 + 110 * MS), "duplicate of an old packet refused");
	ok(!rx(s, 14, 4 * 1800, T0 + 110 * MS), "duplicate of the newest refused");
	is_int(s->received, before, "duplicates not counted as received");
	is_int(s->st.retransmits_in, 2, "duplicates not counted as retransmits");
	ok(rx(s, 15, 5 * 1800, T0 + 120 * MS), "next packet accepted");
	sfu__stream_free(s);
}

static void test_wrap(void)
{
	struct sfu_stream *s = video_stream(true, 64);
	struct sfu_rtcp_rb rb;
	uint16_t seqs[16];
	size_t n;

	ok(rx(s, 65533, 0, T0), "65533");
	ok(rx(s, 65534, 1800, T0 + 20 * MS), "65534");
	ok(rx(s, 65535, 3600, T0 + 40 * MS), "65535");
	ok(rx(s, 0, 5400, T0 + 60 * MS), "0 after 65535");
	ok(rx(s, 1, 7200, T0 + 80 * MS), "1");
	is_int(s->n_missing, 0, "no loss across the wrap");
	is_int(s->highest_ext, 65537, "extended highest seq past 65535");
	sfu__stream_report_block(s, T0 + 100 * MS, &rb);
	is_int(rb.ext_highest_seq, 0x10001, "report: one cycle, seq 1");
	is_int(rb.cumulative_lost, 0, "report: nothing lost");
	is_int(rb.fraction_lost, 0, "report: fraction 0");
	ok(sfu__stream_ring_get(s, 65535) != NULL, "ring holds 65535");
	ok(sfu__stream_ring_get(s, 0) != NULL, "ring holds 0");
	ok(!rx(s, 65535, 3600, T0 + 110 * MS), "duplicate 65535 after the wrap refused");
	sfu__stream_free(s);

	s = video_stream(true, 64);
	rx(s, 65534, 0, T0);
	rx(s, 2, 4 * 1800, T0 + 80 * MS);
	is_int(s->n_missing, 3, "gap across the wrap: 65535, 0, 1");
	n = sfu__stream_due_nacks(s, T0 + 80 * MS, seqs, 16);
	ok(n == 3 && has_seq(seqs, n, 65535) && has_seq(seqs, n, 0) &&
		   has_seq(seqs, n, 1),
	   "NACKs for 65535, 0 and 1");
	ok(rx(s, 0, 2 * 1800, T0 + 90 * MS), "late 0 accepted");
	is_int(s->n_missing, 2, "0 no longer missing");
	sfu__stream_report_block(s, T0 + 100 * MS, &rb);
	is_int(rb.ext_highest_seq, 65538, "ext highest 65536 + 2");
	is_int(rb.cumulative_lost, 2, "two lost");
	sfu__stream_free(s);
}

static void test_report_block(void)
{
	struct sfu_stream *s = video_stream(true, 64);
	struct sfu_rtcp_rb rb;
	int64_t t = T0;
	const uint64_t ntp = 0xe1a2b3c4d5e6f708ULL;

	for (int i = 0; i < 10; i++)
		if (i != 3 && i != 7)
			rx(s, (uint16_t)(1000 + i), 1800u * (uint32_t)i,
			   t + i * 20 * MS);
	sfu__stream_report_block(s, t + 200 * MS, &rb);
	is_int(rb.ssrc, SSRC, "report about the publisher's ssrc");
	is_int(rb.cumulative_lost, 2, "2 of 10 lost");
	is_int(rb.fraction_lost, (2 << 8) / 10, "fraction lost 2/10 in 1/256");
	is_int(rb.ext_highest_seq, 1009, "extended highest");
	is_int(rb.lsr, 0, "no SR yet: LSR 0");
	is_int(rb.dlsr, 0, "no SR yet: DLSR 0");
	is_int(s->st.lost, 2, "lost stat");

	for (int i = 10; i < 20; i++)
		rx(s, (uint16_t)(1000 + i), 1800u * (uint32_t)i, t + i * 20 * MS);
	sfu__stream_report_block(s, t + 400 * MS, &rb);
	is_int(rb.fraction_lost, 0, "no loss in the second interval");
	is_int(rb.cumulative_lost, 2, "cumulative loss kept");
	is_int(rb.ext_highest_seq, 1019, "extended highest advanced");

	ok(rx(s, 1003, 3 * 1800, t + 410 * MS), "late 1003 accepted");
	sfu__stream_report_block(s, t + 420 * MS, &rb);
	is_int(rb.cumulative_lost, 1, "a late packet lowers cumulative loss");
	is_int(rb.fraction_lost, 0, "negative interval loss reads as 0");

	/* 5 expected, 1 received in the next interval. */
	rx(s, 1024, 24 * 1800, t + 480 * MS);
	sfu__stream_report_block(s, t + 500 * MS, &rb);
	is_int(rb.fraction_lost, (4 << 8) / 5, "fraction 4/5");
	is_int(rb.cumulative_lost, 5, "cumulative 1 + 4");

	sfu__stream_on_sr(s, ntp, 123456, t + 600 * MS);
	sfu__stream_report_block(s, t + 850 * MS, &rb);
	is_int(rb.lsr, (uint32_t)(ntp >> 16), "LSR is the middle 32 bits of the SR's NTP");
	is_int(rb.dlsr, 65536 / 4, "DLSR 250 ms in 1/65536 s");
	sfu__stream_report_block(s, t + 1600 * MS, &rb);
	is_int(rb.dlsr, 65536, "DLSR 1 s");
	sfu__stream_free(s);
}

static void test_jitter(void)
{
	struct sfu_stream *s = video_stream(true, 64);
	struct sfu_rtcp_rb rb;
	/* Arrival delay per packet, ms: a steady stream, then one that
	 * wobbles by 5 ms (450 timestamp units at 90 kHz). */
	static const int delay[] = { 0, 0, 0, 0, 5, 0, 5, 0, 5, 0 };
	uint32_t prev = 0;
	bool growing = true;

	for (int i = 0; i < 4; i++)
		rx(s, (uint16_t)(40 + i), 1800u * (uint32_t)i,
		   T0 + i * 20 * MS + delay[i] * MS);
	sfu__stream_report_block(s, T0, &rb);
	is_int(rb.jitter, 0, "steady arrival: jitter 0");
	rx(s, 44, 1800u * 4, T0 + 4 * 20 * MS + delay[4] * MS);
	sfu__stream_report_block(s, T0, &rb);
	is_int(rb.jitter, 450 / 16, "one 5 ms wobble: J = 450/16");
	prev = rb.jitter;
	for (int i = 5; i < 10; i++) {
		rx(s, (uint16_t)(40 + i), 1800u * (uint32_t)i,
		   T0 + i * 20 * MS + delay[i] * MS);
		sfu__stream_report_block(s, T0, &rb);
		growing &= rb.jitter > prev;
		prev = rb.jitter;
	}
	ok(growing, "jitter grows while arrival keeps wobbling (%u)", prev);
	ok(prev < 450, "jitter stays below the wobble");
	sfu__stream_free(s);
}

static void test_ring(void)
{
	struct sfu_stream *s = video_stream(true, 16);
	const struct sfu_ring_slot *slot;
	struct pkt p;

	for (int i = 0; i < 16; i++)
		rx(s, (uint16_t)(200 + i), 1800u * (uint32_t)i, T0 + i * MS);
	slot = sfu__stream_ring_get(s, 203);
	mk(&p, 96, 203, 1800u * 3, SSRC);
	ok(slot != NULL, "ring has 203");
	ok(slot && slot->seq == 203 && slot->len == p.len &&
		   memcmp(slot->data, p.b, p.len) == 0,
	   "ring returns the bytes of 203");
	ok(sfu__stream_ring_get(s, 200) != NULL, "ring has 200");
	ok(sfu__stream_ring_get(s, 216) == NULL, "not yet 216");
	rx(s, 216, 1800u * 16, T0 + 16 * MS);
	ok(sfu__stream_ring_get(s, 200) == NULL, "200 overwritten by 216");
	slot = sfu__stream_ring_get(s, 216);
	mk(&p, 96, 216, 1800u * 16, SSRC);
	ok(slot && memcmp(slot->data, p.b, p.len) == 0, "216's bytes in its slot");
	ok(sfu__stream_ring_get(s, 201) != NULL, "201 still there");
	ok(sfu__stream_ring_get(s, 200 + 32) == NULL, "a future seq is absent");
	sfu__stream_free(s);

	/* No ring: nothing stored, nothing returned. */
	s = video_stream(true, 0);
	ok(rx(s, 1, 0, T0), "packet accepted without a ring");
	ok(sfu__stream_ring_get(s, 1) == NULL, "no ring: NULL");
	sfu__stream_free(s);
}

static void test_keyframe(void)
{
	struct sfu_stream *s = video_stream(true, 16);
	struct sfu_stream *a = audio_stream();

	ok(sfu__stream_keyframe_allowed(s, T0), "first request allowed");
	ok(!sfu__stream_keyframe_allowed(s, T0 + 100 * MS), "100 ms later: throttled");
	ok(!sfu__stream_keyframe_allowed(s, T0 + SFU_KEYFRAME_INTERVAL_US - 1),
	   "just before the interval: throttled");
	ok(sfu__stream_keyframe_allowed(s, T0 + SFU_KEYFRAME_INTERVAL_US),
	   "after the interval: allowed");
	ok(!sfu__stream_keyframe_allowed(s, T0 + SFU_KEYFRAME_INTERVAL_US + 1),
	   "throttled again from the new request");
	ok(!sfu__stream_keyframe_allowed(a, T0), "never for audio");
	/* answered: the next request after a short pause */
	sfu__stream_keyframe_seen(s);
	ok(!sfu__stream_keyframe_allowed(s, T0 + SFU_KEYFRAME_INTERVAL_US +
						 SFU_KEYFRAME_ANSWERED_US - 1),
	   "answered: still not within %d ms", SFU_KEYFRAME_ANSWERED_US / 1000);
	ok(sfu__stream_keyframe_allowed(s, T0 + SFU_KEYFRAME_INTERVAL_US +
						SFU_KEYFRAME_ANSWERED_US),
	   "answered: allowed after %d ms", SFU_KEYFRAME_ANSWERED_US / 1000);
	ok(!sfu__stream_keyframe_allowed(s, T0 + SFU_KEYFRAME_INTERVAL_US +
						 2 * SFU_KEYFRAME_ANSWERED_US),
	   "unanswered again: the full interval");
	sfu__stream_free(s);
	sfu__stream_free(a);
}

static void test_ts_at(void)
{
	struct sfu_stream *s = video_stream(true, 16);
	struct sfu_stream *a = audio_stream();

	rx(s, 1, 90000, T0);
	rx(s, 2, 91800, T0 + 20 * MS);
	is_int(sfu__stream_ts_at(s, T0 + 20 * MS), 91800, "ts at the newest arrival");
	is_int(sfu__stream_ts_at(s, T0 + 1020 * MS), 91800 + 90000,
	       "extrapolated 1 s at 90 kHz");
	rx(s, 4, 95400, T0 + 60 * MS);
	rx(s, 3, 93600, T0 + 500 * MS); /* late: not the newest */
	is_int(sfu__stream_ts_at(s, T0 + 60 * MS), 95400,
	       "a late packet does not move the base");
	sfu__stream_on_sr(s, 0x0123456789abcdefULL, 4000000000u, T0 + 700 * MS);
	is_int(sfu__stream_ts_at(s, T0 + 800 * MS), 4000000000u + 9000,
	       "with an SR: from the SR's timestamp");
	is_int(sfu__stream_ts_at(s, T0 + 700 * MS + 4 * 1000 * MS),
	       (uint32_t)(4000000000u + 360000u),
	       "extrapolation wraps at 2^32");

	a->codec.clock = 48000;
	{
		struct pkt p;
		mk(&p, 111, 7, 1000, SSRC);
		sfu__stream_receive(a, p.b, &p.r, T0);
	}
	is_int(sfu__stream_ts_at(a, T0 + 500 * MS), 1000 + 24000,
	       "audio: 48 kHz extrapolation");
	sfu__stream_free(s);
	sfu__stream_free(a);
}

static void test_bitrate(void)
{
	struct sfu_stream *s = video_stream(true, 16);

	for (int i = 0; i <= 50; i++)
		rx(s, (uint16_t)i, 1800u * (uint32_t)i, T0 + i * 20 * MS);
	/* 50 packets of 4 payload bytes over 1 s, then the 51st closes the
	 * window: (51 * 4) bytes * 8 bits. */
	is_int(s->st.rate.bps, 51 * 4 * 8, "bitrate over the first second");
	sfu__stream_free(s);
}

int main(void)
{
	test_new();
	test_in_order();
	test_gaps_and_nacks();
	test_late_and_duplicates();
	test_wrap();
	test_report_block();
	test_jitter();
	test_ring();
	test_keyframe();
	test_ts_at();
	test_bitrate();
	return tap_done();
}
