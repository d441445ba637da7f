/*
 * stream.c - a publisher's inbound track: receive statistics (RFC 3550
 * A.1 sequence tracking, A.3 loss, A.8 jitter), the retransmission ring,
 * the list of sequence numbers to NACK, keyframe-request throttling, and
 * the mapping of the publisher's SR for our own SRs.
 *
 * Per packet: no allocation (the ring is allocated with the stream), no
 * logging.
 */
#include <math.h>
#include <stdlib.h>

#include "codec.h"
#include "media-t.h"
#include "rtcp.h"

struct sfu_stream *sfu__stream_new(struct sfu_media *owner, size_t section,
				   const char *track,
				   const struct sfu_msec *sec, size_t ring_size)
{
	struct sfu_stream *s = sfu_xcalloc(1, sizeof(*s));

	s->owner = owner;
	s->section = section;
	sfu_strlcpy(s->track, track, sizeof(s->track));
	s->kind = sec->kind;
	s->codec = sec->codec;
	s->ext = sec->ext;
	s->ssrc = sec->in_ssrc;
	s->rtx_ssrc = sec->in_rtx_ssrc;
	if (ring_size) {
		s->ring = sfu_xcalloc(ring_size, sizeof(*s->ring));
		s->ring_size = ring_size;
	}
	return s;
}

void sfu__stream_free(struct sfu_stream *s)
{
	if (!s)
		return;
	free(s->ring);
	free(s->fwd);
	free(s);
}

static void missing_remove(struct sfu_stream *s, uint16_t seq)
{
	for (size_t i = 0; i < s->n_missing; i++)
		if (s->missing[i].seq == seq) {
			s->missing[i] = s->missing[--s->n_missing];
			return;
		}
}

/* Note the sequence numbers between the old highest and ext as lost. */
static void missing_add(struct sfu_stream *s, int64_t from, int64_t to,
			int64_t now_us)
{
	if (!(s->codec.fb & SFU_FB_NACK))
		return;
	/* A huge jump is a restart, not loss worth chasing. */
	if (to - from > SFU_NACK_MAX_MISSING)
		from = to - SFU_NACK_MAX_MISSING;
	for (int64_t e = from; e < to; e++) {
		if (s->n_missing == SFU_NACK_MAX_MISSING)
			memmove(s->missing, s->missing + 1,
				--s->n_missing * sizeof(s->missing[0]));
		s->missing[s->n_missing++] = (struct sfu_missing){
			.seq = (uint16_t)e, .tries = 0, .next_us = now_us
		};
	}
}

static void ring_put(struct sfu_stream *s, const uint8_t *pkt,
		     const struct sfu_rtp *r)
{
	struct sfu_ring_slot *slot;
	size_t len = r->payload_off + r->payload_len + r->padding_len;

	if (!s->ring_size || len > SFU_RTP_MAX)
		return;
	slot = &s->ring[r->seq & (s->ring_size - 1)];
	/* An RTX-recovered packet is rebuilt as the original. */
	if (r->ssrc != s->ssrc) {
		struct sfu_rtp_rewrite same = {
			.ssrc = s->ssrc, .pt = r->pt, .seq = r->seq, .ts = r->ts,
			.ext_map = NULL,
		};
		int n = sfu_rtp_rewrite(pkt, r, &same, slot->data, SFU_RTP_MAX);
		slot->len = n > 0 ? (uint16_t)n : 0;
	} else {
		memcpy(slot->data, pkt, len);
		slot->len = (uint16_t)len;
	}
	slot->seq = r->seq;
}

const struct sfu_ring_slot *sfu__stream_ring_get(const struct sfu_stream *s,
						 uint16_t seq)
{
	const struct sfu_ring_slot *slot;

	if (!s->ring_size)
		return NULL;
	slot = &s->ring[seq & (s->ring_size - 1)];
	return slot->len && slot->seq == seq ? slot : NULL;
}

static void update_jitter(struct sfu_stream *s, const struct sfu_rtp *r,
			  int64_t now_us)
{
	int64_t arrival = now_us * (int64_t)s->codec.clock / 1000000;
	int64_t transit = arrival - (int64_t)r->ts;

	if (s->started) {
		int64_t d = transit - s->last_transit;
		s->jitter += (fabs((double)d) - s->jitter) / 16.0;
	}
	s->last_transit = transit;
}

bool sfu__stream_receive(struct sfu_stream *s, const uint8_t *pkt,
			 const struct sfu_rtp *r, int64_t now_us)
{
	int64_t ext = sfu_seq_ext_update(&s->seq, r->seq);

	if (!s->started) {
		s->base_ext = s->highest_ext = ext;
		s->st.rate.start_us = (uint64_t)now_us;
	} else if (ext > s->highest_ext) {
		if (ext > s->highest_ext + 1)
			missing_add(s, s->highest_ext + 1, ext, now_us);
		s->highest_ext = ext;
	} else {
		/* Older than the newest: a duplicate (often an RTX we did
		 * not ask for) if the ring has it, else late or recovered. */
		bool was_missing = false;
		if (sfu__stream_ring_get(s, r->seq))
			return false;
		for (size_t i = 0; i < s->n_missing && !was_missing; i++)
			was_missing = s->missing[i].seq == r->seq;
		if (was_missing) {
			missing_remove(s, r->seq);
			s->st.retransmits_in++;
		}
	}
	update_jitter(s, r, now_us);
	s->started = true;
	s->received++;
	s->st.packets++;
	s->st.bytes += r->payload_len;
	sfu__bitrate_add(&s->st.rate, r->payload_len, now_us);
	if (ext == s->highest_ext) {
		s->last_ts = r->ts;
		s->last_arrival_us = now_us;
	}
	ring_put(s, pkt, r);
	return true;
}

size_t sfu__stream_due_nacks(struct sfu_stream *s, int64_t now_us,
			     uint16_t *seqs, size_t max)
{
	size_t n = 0, i = 0;

	while (i < s->n_missing) {
		struct sfu_missing *m = &s->missing[i];
		if (m->tries >= SFU_NACK_RETRIES) {
			*m = s->missing[--s->n_missing];
			continue;
		}
		if (m->next_us <= now_us && n < max) {
			seqs[n++] = m->seq;
			m->tries++;
			m->next_us = now_us + 100000; /* roughly one RTT */
		}
		i++;
	}
	s->st.nacks_sent += n > 0;
	return n;
}

/*
 * The throttle protects the publisher from a storm of requests while a
 * keyframe is on its way. Once one has come, a subscriber that starts
 * waiting after it needs a new one: waiting out the full interval would
 * leave it without video for up to half a second (as when participants
 * join a few hundred ms apart), so an answered request frees the next
 * one after a short pause instead.
 */
bool sfu__stream_keyframe_allowed(struct sfu_stream *s, int64_t now_us)
{
	int64_t wait = s->keyframe_since_req ? SFU_KEYFRAME_ANSWERED_US
					     : SFU_KEYFRAME_INTERVAL_US;

	if (s->kind != SFU_SDP_VIDEO || now_us - s->last_keyframe_req_us < wait)
		return false;
	s->last_keyframe_req_us = now_us;
	s->keyframe_since_req = false;
	return true;
}

void sfu__stream_keyframe_seen(struct sfu_stream *s)
{
	s->keyframe_since_req = true;
}

void sfu__stream_report_block(struct sfu_stream *s, int64_t now_us,
			      struct sfu_rtcp_rb *rb)
{
	int64_t expected = s->highest_ext - s->base_ext + 1;
	int64_t lost = expected - (int64_t)s->received;
	int64_t exp_int = expected - (int64_t)s->expected_prior;
	int64_t rec_int = (int64_t)s->received - (int64_t)s->received_prior;
	int64_t lost_int = exp_int - rec_int;

	s->expected_prior = (uint64_t)expected;
	s->received_prior = s->received;
	s->st.lost = lost;
	memset(rb, 0, sizeof(*rb));
	rb->ssrc = s->ssrc;
	rb->fraction_lost = exp_int > 0 && lost_int > 0
				    ? (uint8_t)((lost_int << 8) / exp_int)
				    : 0;
	rb->cumulative_lost = lost > 0x7fffff ? 0x7fffff
			      : lost < -0x800000 ? -0x800000 : (int32_t)lost;
	rb->ext_highest_seq = (uint32_t)s->highest_ext;
	rb->jitter = (uint32_t)s->jitter;
	if (s->sr_lsr) {
		rb->lsr = s->sr_lsr;
		rb->dlsr = (uint32_t)((now_us - s->sr_arrival_us) * 65536 / 1000000);
	}
}

void sfu__stream_on_sr(struct sfu_stream *s, uint64_t ntp, uint32_t rtp_ts,
		       int64_t now_us)
{
	s->sr_ntp = ntp;
	s->sr_lsr = sfu_ntp_compact(ntp);
	s->sr_rtp = rtp_ts;
	s->sr_arrival_us = now_us;
}

uint32_t sfu__stream_ts_at(const struct sfu_stream *s, int64_t now_us)
{
	int64_t base_us = s->last_arrival_us;
	uint32_t base_ts = s->last_ts;

	/* The publisher's SR maps its clock to wall time best; without one,
	 * extrapolate from the newest packet. */
	if (s->sr_arrival_us) {
		base_us = s->sr_arrival_us;
		base_ts = s->sr_rtp;
	}
	return base_ts + (uint32_t)((now_us - base_us) * (int64_t)s->codec.clock /
				    1000000);
}
