/*
 * client_media.c - one bench participant's media (client-int.h):
 * synthetic Opus and VP8 sent on a timer once the transport is up, with
 * a ring of sent video for NACKs; received RTP accounted per
 * subscription; RTCP feedback (PLI, FIR, NACK) acted on; and the
 * peers' callbacks.
 */
#include <glib.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "client.h"
#include "common.h"
#include "peer.h"
#include "rtcp.h"
#include "rtp.h"
#include "client-int.h"

/* ---- media out ------------------------------------------------------- */

static void send_rtp(struct bench_client *c, uint8_t *pkt, size_t len, bool video)
{
	uint8_t buf[BENCH_PKT_MAX + SFU_SRTP_TRAILER];
	int rc;

	if (video) {
		struct ring_slot *s = &c->ring[sfu_get_be16(pkt + 2) % RING];
		s->seq = sfu_get_be16(pkt + 2);
		s->len = (uint16_t)len;
		s->used = true;
		memcpy(s->pkt, pkt, len);
	}
	memcpy(buf, pkt, len);
	synth_stamp(buf, len, (uint64_t)bench_now_ns());
	rc = sfu_peer_send_rtp(c->peer, buf, len);
	if (rc < 0) {
		c->n.send_errors++;
		return;
	}
	c->n.sent_bytes += len;
	if (c->env->measuring)
		c->n.window_sent++;
	if (video)
		c->n.sent_video++;
	else
		c->n.sent_audio++;
}

static void send_audio(struct bench_client *c, int64_t now)
{
	uint8_t pkt[BENCH_PKT_MAX];
	size_t len = synth_audio(&c->audio, (uint64_t)now, c->env->audio_payload,
				 pkt, sizeof(pkt));

	if (len)
		send_rtp(c, pkt, len, false);
}

static void send_frame(struct bench_client *c, int64_t now)
{
	const struct bench_env *e = c->env;
	bool key = c->want_key || c->frames == 0 ||
		   now - c->last_key_ns >= (int64_t)e->key_interval_ms * 1000000;
	size_t n;

	n = synth_video_frame(&c->video, &e->video, key, c->picture_id++,
			      90000 / e->fps, (uint64_t)now, c->frame);
	if (!n) {
		bclient_fail(c, "bad video configuration");
		return;
	}
	if (key) {
		c->want_key = false;
		c->last_key_ns = now;
		c->n.keyframes_sent++;
	}
	c->frames++;
	for (size_t i = 0; i < n; i++)
		send_rtp(c, c->frame->pkt[i], c->frame->len[i], true);
}

static gboolean on_media_timer(gpointer data)
{
	struct bench_client *c = data;
	int64_t now = bench_now_ns();
	int64_t frame_ns = 1000000000 / (int64_t)c->env->fps;
	int64_t next;

	if (!c->sending)
		return G_SOURCE_CONTINUE;
	/* Catch up on whatever is due (a late wakeup sends a burst, as a
	 * real sender would after a stall; never more than 5 at once). */
	for (int i = 0; i < 5 && now >= c->next_audio_ns; i++) {
		send_audio(c, now);
		c->next_audio_ns += 20000000;
	}
	if (now >= c->next_audio_ns)
		c->next_audio_ns = now + 20000000;
	for (int i = 0; i < 3 && now >= c->next_video_ns && c->sending; i++) {
		send_frame(c, now);
		c->next_video_ns += frame_ns;
	}
	if (now >= c->next_video_ns)
		c->next_video_ns = now + frame_ns;
	next = SFU_MIN(c->next_audio_ns, c->next_video_ns);
	g_source_set_ready_time(c->timer,
				g_get_monotonic_time() + (next - now) / 1000);
	return G_SOURCE_CONTINUE;
}

static gboolean timer_dispatch(GSource *s, GSourceFunc cb, gpointer data)
{
	g_source_set_ready_time(s, -1);
	return cb(data);
}

static GSourceFuncs timer_funcs = { .dispatch = timer_dispatch };

static void start_sending(struct bench_client *c)
{
	int64_t now = bench_now_ns();
	uint32_t phase;

	if (c->sending || c->stopped)
		return;
	c->sending = true;
	/* Random phases, so participants do not send in lockstep. */
	sfu_random_bytes(&phase, sizeof(phase));
	c->next_audio_ns = now + (int64_t)(phase % 20000) * 1000;
	c->next_video_ns = now + (int64_t)(phase % 33000) * 1000;
	c->timer = g_source_new(&timer_funcs, sizeof(GSource));
	g_source_set_callback(c->timer, on_media_timer, c, NULL);
	g_source_set_priority(c->timer, G_PRIORITY_HIGH);
	g_source_set_ready_time(c->timer, g_get_monotonic_time());
	g_source_attach(c->timer, g_main_context_get_thread_default());
}

void bench_client_stop_sending(struct bench_client *c)
{
	c->sending = false;
	c->stopped = true;
	if (c->timer) {
		g_source_destroy(c->timer);
		g_source_unref(c->timer);
		c->timer = NULL;
	}
}

/* ---- media in -------------------------------------------------------- */

static void on_rtp(void *arg, uint8_t *pkt, size_t len)
{
	struct bench_client *c = arg;
	int64_t now = bench_rx_ns();
	struct bench_sub *s, **slot;
	struct bench_hdr h;
	uint32_t ssrc;
	uint16_t seq;
	uint8_t pt;

	if (synth_parse(pkt, len, &h, &ssrc, &seq, &pt) < 0 ||
	    h.sender >= c->env->n_senders || h.kind > BENCH_VIDEO) {
		c->n.rx_bad++;
		return;
	}
	slot = &c->subs[h.sender * 2 + h.kind];
	if (!*slot) {
		s = *slot = g_malloc0(sizeof(*s));
		s->sender = h.sender;
		s->kind = h.kind;
		s->ssrc = ssrc;
		s->first_ns = now;
		acct_init(&s->acct);
		hist_init(&s->lat_us);
	}
	s = *slot;
	acct_add(&s->acct, h.seq);
	if (c->env->measuring) {
		int64_t d = now - (int64_t)h.send_ns;
		s->window_packets++;
		s->window_bytes += len;
		hist_add(&s->lat_us, d > 0 ? (uint64_t)d / 1000 : 0);
	}
}

static void resend(struct bench_client *c, uint16_t seq)
{
	struct ring_slot *s = &c->ring[seq % RING];
	uint8_t buf[BENCH_PKT_MAX + SFU_SRTP_TRAILER];

	if (!s->used || s->seq != seq)
		return;
	memcpy(buf, s->pkt, s->len);
	if (sfu_peer_send_rtp(c->peer, buf, s->len) == 0)
		c->n.retransmitted++;
}

static void on_rtcp(void *arg, uint8_t *pkt, size_t len)
{
	struct bench_client *c = arg;
	struct sfu_rtcp_iter it;
	struct sfu_rtcp_pkt p;
	struct sfu_rtcp_fb fb;
	uint16_t seqs[64];
	int n;

	sfu_rtcp_iter_init(&it, pkt, len);
	while (sfu_rtcp_next(&it, &p) == 1) {
		switch (sfu_rtcp_kind(&p)) {
		case SFU_RTCP_KIND_PLI:
			if (sfu_rtcp_parse_pli(&p, &fb) == 0 &&
			    fb.media_ssrc == c->video_ssrc) {
				c->n.plis++;
				c->want_key = true;
			}
			break;
		case SFU_RTCP_KIND_FIR: {
			struct sfu_rtcp_fir_entry e[4];
			n = sfu_rtcp_parse_fir(&p, &fb, e, SFU_ARRAY_SIZE(e));
			for (int i = 0; i < n; i++)
				if (e[i].ssrc == c->video_ssrc) {
					c->n.firs++;
					c->want_key = true;
				}
			break;
		}
		case SFU_RTCP_KIND_NACK:
			n = sfu_rtcp_parse_nack(&p, &fb, seqs, SFU_ARRAY_SIZE(seqs));
			if (n > 0 && fb.media_ssrc == c->video_ssrc) {
				c->n.nacks++;
				for (int i = 0; i < n; i++)
					resend(c, seqs[i]);
			}
			break;
		default:
			break;
		}
	}
}

static void on_state(void *arg, enum sfu_peer_state st, const char *why)
{
	struct bench_client *c = arg;

	if (st == SFU_PEER_CONNECTED) {
		c->connected = true;
		c->connected_ns = bench_now_ns();
		start_sending(c);
	} else if (st == SFU_PEER_FAILED) {
		bclient_fail(c, "transport failed: %s", why ? why : "?");
	}
}

static void on_local_candidate(void *arg, const char *cand)
{
	struct bench_client *c = arg;

	bclient_send_json(c, json_pack("{s:s, s:{s:s, s:s, s:i}}", "type",
				       "candidate", "candidate", "candidate",
				       cand, "sdpMid", MID_AUDIO,
				       "sdpMLineIndex", 0));
}

const struct sfu_peer_ops bclient_pub_ops = {
	.rtp = on_rtp,
	.rtcp = on_rtcp,
	.state = on_state,
	.candidate = on_local_candidate,
};

static void on_sub_state(void *arg, enum sfu_peer_state st, const char *why)
{
	struct bench_client *c = arg;

	if (st == SFU_PEER_FAILED)
		bclient_fail(c, "receiving transport failed: %s",
			     why ? why : "?");
}

const struct sfu_peer_ops bclient_sub_ops = {
	.rtp = on_rtp,
	.rtcp = on_rtcp,
	.state = on_sub_state,
};

struct sfu_peer *bclient_new_peer(struct bench_client *c, bool controlling,
				  const struct sfu_peer_ops *ops)
{
	struct sfu_peer_opts o = { 0 };
	struct sfu_peer *pc;

	o.ice.ips = c->env->ice_ips;
	o.ice.controlling = controlling;
	o.dtls = c->env->dtls;
	o.connect_timeout_ms = 20000;
	pc = sfu_peer_new(&o, ops, c);
	if (!pc)
		bclient_fail(c, "cannot create a peer connection (ICE)");
	return pc;
}
