/*
 * forward.c - one subscriber's copy of a stream.
 *
 * Each packet is rebuilt into the worker's scratch buffer with the
 * subscriber's SSRC, payload type, sequence number, timestamp and
 * header-extension ids, then protected with the subscriber's SRTP
 * context and sent on its ICE agent: in two steps (prepare, transmit),
 * so that media.c can protect a packet's copies for several subscribers
 * before it sends any of them. Sequence numbers and timestamps
 * continue from what the subscriber's section last carried, so a section
 * reused for another track plays on without a jump. Video waits for a
 * keyframe before its first packet, so the subscriber's decoder starts
 * clean.
 */
#include <stdlib.h>

#include "codec.h"
#include "media-t.h"
#include "rtcp.h"
#include "srtp.h"

static void build_ext_map(struct sfu_forward *f, const struct sfu_msec *sec)
{
	const struct sfu_ext_ids *in = &f->stream->ext, *out = &sec->ext;

	memset(f->ext_map, 0, sizeof(f->ext_map));
	/* The MID element names the publisher's section, which means
	 * nothing to the subscriber; SSRCs are signalled, so drop it. */
	if (in->abs_send_time && out->abs_send_time)
		f->ext_map[in->abs_send_time] = out->abs_send_time;
	if (in->audio_level && out->audio_level)
		f->ext_map[in->audio_level] = out->audio_level;
	f->rw.ext_map = f->ext_map;
	f->rw.one_byte_ok = out->abs_send_time <= 14 && out->audio_level <= 14 &&
			    out->twcc <= 14;
	f->rw.twcc_id = out->twcc;
}

void sfu__forward_refresh(struct sfu_forward *f, const struct sfu_msec *sec)
{
	build_ext_map(f, sec);
}

struct sfu_forward *sfu__forward_new(struct sfu_stream *s, struct sfu_media *sub,
				     size_t section, const struct sfu_msec *sec)
{
	struct sfu_forward *f = sfu_xcalloc(1, sizeof(*f));

	f->stream = s;
	f->sub = sub;
	f->section = section;
	f->out = sfu__media_out_state(sub, section);
	f->rw.ssrc = sec->out_ssrc;
	f->rw.pt = sec->codec.pt;
	if (sec->codec.rtx_pt && (sec->codec.fb & SFU_FB_NACK)) {
		f->rtx_pt = sec->codec.rtx_pt;
		f->rtx_ssrc = sec->out_rtx_ssrc;
	}
	build_ext_map(f, sec);
	f->need_keyframe = s->kind == SFU_SDP_VIDEO;
	f->st.rtt_ms = -1;
	if (s->n_fwd == s->cap_fwd) {
		s->cap_fwd = s->cap_fwd ? 2 * s->cap_fwd : 4;
		s->fwd = sfu_xrealloc(s->fwd, s->cap_fwd * sizeof(*s->fwd));
	}
	s->fwd[s->n_fwd++] = f;
	sfu__media_forward_added(sub, f);
	return f;
}

void sfu__forward_free(struct sfu_forward *f)
{
	struct sfu_stream *s;

	if (!f)
		return;
	s = f->stream;
	for (size_t i = 0; i < s->n_fwd; i++)
		if (s->fwd[i] == f) {
			s->fwd[i] = s->fwd[--s->n_fwd];
			break;
		}
	sfu__media_forward_removed(f->sub, f);
	free(f);
}

/* Choose the deltas so this forward continues its section's numbering. */
static void start(struct sfu_forward *f, const struct sfu_rtp *r, int64_t now_us)
{
	struct sfu_out_state *out = f->out;
	uint16_t next_seq;
	uint32_t next_ts;

	if (out->used) {
		int64_t step = (now_us - out->last_us) *
			       (int64_t)f->stream->codec.clock / 1000000;
		next_seq = (uint16_t)(out->last_seq + 1);
		next_ts = out->last_ts + (uint32_t)(step > 0 ? step : 1);
	} else {
		/* Random starting points, as RFC 3550 asks. */
		uint8_t rnd[8];
		sfu_random_bytes(rnd, sizeof(rnd));
		next_seq = (uint16_t)(sfu_get_be16(rnd) & 0x7fff);
		next_ts = sfu_get_be32(rnd + 2);
		out->rtx_seq = sfu_get_be16(rnd + 6);
		out->used = true;
	}
	f->seq_delta = (uint16_t)(next_seq - r->seq);
	f->ts_delta = next_ts - r->ts;
	f->started = true;
}

static void sent(struct sfu_forward *f, const struct sfu_rtp *r, int64_t now_us)
{
	f->st.packets++;
	f->st.bytes += r->payload_len;
	/* Payload bytes, like the stream's, so in and out compare. */
	sfu__bitrate_add(&f->st.rate, r->payload_len, now_us);
}

size_t sfu__forward_prepare(struct sfu_forward *f, const uint8_t *pkt,
			    const struct sfu_rtp *r, bool keyframe,
			    int64_t now_us, uint8_t *buf)
{
	struct sfu_out_state *out;
	size_t len;
	int n;

	if (!f->active)
		return 0;
	if (f->need_keyframe) {
		if (!keyframe)
			return 0;
		f->need_keyframe = false;
	}
	if (!f->started)
		start(f, r, now_us);
	f->rw.seq = (uint16_t)(r->seq + f->seq_delta);
	f->rw.ts = r->ts + f->ts_delta;
	if (f->rw.twcc_id)
		f->rw.twcc_seq = sfu__media_next_twcc(f->sub);
	n = sfu_rtp_rewrite(pkt, r, &f->rw, buf, SFU_SCRATCH - SFU_SRTP_TRAILER);
	if (n <= 0)
		return 0;
	out = f->out;
	if (sfu_seq_newer(f->rw.seq, out->last_seq) || out->last_us == 0) {
		out->last_seq = f->rw.seq;
		out->last_ts = f->rw.ts;
		out->last_us = now_us;
	}
	len = (size_t)n;
	return sfu__media_protect_rtp(f->sub, buf, &len) == 0 ? len : 0;
}

void sfu__forward_transmit(struct sfu_forward *f, const uint8_t *buf,
			   size_t len, const struct sfu_rtp *r, int64_t now_us)
{
	if (sfu__media_transmit(f->sub, buf, len) == 0)
		sent(f, r, now_us);
}

void sfu__forward_retransmit(struct sfu_forward *f, uint16_t seq, uint8_t *buf)
{
	const struct sfu_ring_slot *slot;
	struct sfu_rtp r;
	int n;

	if (!f->started)
		return;
	slot = sfu__stream_ring_get(f->stream, (uint16_t)(seq - f->seq_delta));
	if (!slot || sfu_rtp_parse(slot->data, slot->len, &r) < 0)
		return;
	if (f->rtx_pt) {
		struct sfu_out_state *out = f->out;
		struct sfu_rtp_rewrite rtx = f->rw;
		rtx.ssrc = f->rtx_ssrc;
		rtx.pt = f->rtx_pt;
		rtx.seq = out->rtx_seq++;
		rtx.ts = r.ts + f->ts_delta;
		if (rtx.twcc_id)
			rtx.twcc_seq = sfu__media_next_twcc(f->sub);
		n = sfu_rtx_wrap(slot->data, &r, &rtx, seq, buf,
				 SFU_SCRATCH - SFU_SRTP_TRAILER);
	} else {
		struct sfu_rtp_rewrite same = f->rw;
		same.seq = seq;
		same.ts = r.ts + f->ts_delta;
		if (same.twcc_id)
			same.twcc_seq = sfu__media_next_twcc(f->sub);
		n = sfu_rtp_rewrite(slot->data, &r, &same, buf,
				    SFU_SCRATCH - SFU_SRTP_TRAILER);
	}
	if (n > 0 && sfu__media_send_rtp(f->sub, buf, (size_t)n) == 0)
		f->st.retransmitted++;
}

void sfu__forward_sender_info(const struct sfu_forward *f, int64_t now_us,
			      struct sfu_rtcp_sender_info *si)
{
	(void)now_us;
	memset(si, 0, sizeof(*si));
	si->rtp_ts = sfu__stream_ts_at(f->stream, now_us) + f->ts_delta;
	si->packets = (uint32_t)f->st.packets;
	si->octets = (uint32_t)f->st.bytes;
}
