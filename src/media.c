/*
 * media.c - a participant's media session: RTP in (decrypted by the
 * peer) to its streams and on to their forwards; RTCP in (SR, RR, NACK,
 * PLI, FIR) to the right stream or forward; RTCP out on a 100 ms tick
 * (NACKs for what we lost, and once a second RR + REMB to the publisher
 * and SR to each subscriber).
 *
 * The per-packet path allocates nothing and logs nothing: packets are
 * rebuilt in one scratch buffer per worker thread.
 */
#define SFU_LOG_MODULE "media"
#include "media.h"

#include <glib.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
#include "codec.h"
#include "log.h"
#include "media-t.h"
#include "room.h"
#include "rtcp.h"
#include "sctp.h"

#define TICK_MS 100
#define REPORT_TICKS 10 /* one RTCP report a second */

static __thread uint8_t scratch[SFU_SCRATCH];

/*
 * A packet's copies are protected STAGE at a time and then sent: the
 * kernel's send path is long enough to push the cipher code and state
 * out of the first-level caches, so alternating the two made every
 * protect and every send start cold. STAGE buffers of SFU_SCRATCH bytes
 * per worker (13 KB) stay well inside the L1/L2 budget.
 */
#define STAGE 8
static __thread uint8_t stage[STAGE][SFU_SCRATCH];

/*
 * Every subscriber's forward is cold when a packet comes (see STAGE), and
 * prepare takes a miss on it and another on its section's state, one
 * subscriber after another. Asking for all of them first lets the misses
 * overlap: the forwards' hot lines for the whole fan-out, then (once
 * those are on their way) each one's section state.
 */
static void prefetch_fanout(const struct sfu_stream *s)
{
	for (size_t i = 0; i < s->n_fwd; i++) {
		const char *f = (const char *)s->fwd[i];
		const char *end = f + offsetof(struct sfu_forward, ext_map);
		for (; f < end; f += 64)
			__builtin_prefetch(f, 1);
		__builtin_prefetch(end - 1, 1); /* f need not be line-aligned */
	}
	for (size_t i = 0; i < s->n_fwd; i++)
		__builtin_prefetch(s->fwd[i]->out, 1);
}

static void forward_all(struct sfu_stream *s, const uint8_t *pkt,
			const struct sfu_rtp *r, bool key, int64_t now)
{
	struct sfu_forward *f[STAGE];
	size_t len[STAGE];

	prefetch_fanout(s);
	for (size_t i = 0; i < s->n_fwd;) {
		size_t n = 0;
		for (; i < s->n_fwd && n < STAGE; i++) {
			len[n] = sfu__forward_prepare(s->fwd[i], pkt, r, key,
						      now, stage[n]);
			if (len[n])
				f[n++] = s->fwd[i];
		}
		for (size_t j = 0; j < n; j++)
			sfu__forward_transmit(f[j], stage[j], len[j], r, now);
	}
}

static uint32_t random32(void)
{
	uint32_t v;

	do
		sfu_random_bytes(&v, sizeof(v));
	while (v == 0);
	return v;
}

/* ---- helpers for forward.c ---------------------------------------------- */

void sfu__media_forward_added(struct sfu_media *m, struct sfu_forward *f)
{
	m->fwd[f->section] = f;
}

void sfu__media_forward_removed(struct sfu_media *m, struct sfu_forward *f)
{
	if (m->fwd[f->section] == f)
		m->fwd[f->section] = NULL;
}

struct sfu_out_state *sfu__media_out_state(struct sfu_media *m, size_t section)
{
	return &m->out[section];
}

uint16_t sfu__media_next_twcc(struct sfu_media *m)
{
	return m->twcc_seq++;
}

int sfu__media_send_rtp(struct sfu_media *m, uint8_t *buf, size_t len)
{
	return sfu_peer_send_rtp(m->peer, buf, len);
}

int sfu__media_protect_rtp(struct sfu_media *m, uint8_t *buf, size_t *len)
{
	return sfu_peer_protect_rtp(m->peer, buf, len);
}

int sfu__media_transmit(struct sfu_media *m, const uint8_t *buf, size_t len)
{
	return sfu_peer_transmit(m->peer, buf, len);
}

/* ---- RTCP out ------------------------------------------------------------- */

static void send_rtcp(struct sfu_media *m, uint8_t *buf, int len)
{
	if (len > 0)
		sfu_peer_send_rtcp(m->peer, buf, (size_t)len);
}

static void request_keyframe(struct sfu_stream *s, int64_t now_us)
{
	struct sfu_media *pub = s->owner;
	int n;

	/* Not before the publisher can hear it: the throttle would count a
	 * request that never left (the tick asks again once connected). */
	if (!s->ssrc || sfu_peer_state(pub->peer) != SFU_PEER_CONNECTED ||
	    !sfu__stream_keyframe_allowed(s, now_us))
		return;
	if (!(s->codec.fb & SFU_FB_NACK_PLI) && (s->codec.fb & SFU_FB_CCM_FIR)) {
		n = sfu_rtcp_build_fir(scratch, SFU_RTP_MAX, pub->rtcp_ssrc,
				       s->ssrc, s->fir_seq++);
		s->st.firs_sent++;
	} else {
		n = sfu_rtcp_build_pli(scratch, SFU_RTP_MAX, pub->rtcp_ssrc,
				       s->ssrc);
		s->st.plis_sent++;
	}
	send_rtcp(pub, scratch, n);
}

/*
 * A subscriber that waits for a keyframe gets nothing until one comes, so
 * a request that the throttle held back, or that got lost, is repeated
 * (at the throttle's pace) while any active forward still waits.
 */
static void keyframe_if_waiting(struct sfu_stream *s, int64_t now_us)
{
	for (size_t i = 0; i < s->n_fwd; i++)
		if (s->fwd[i]->active && s->fwd[i]->need_keyframe) {
			request_keyframe(s, now_us);
			return;
		}
}

static void send_nacks(struct sfu_media *m, struct sfu_stream *s, int64_t now_us)
{
	uint16_t seqs[SFU_NACK_MAX_MISSING];
	size_t n = sfu__stream_due_nacks(s, now_us, seqs, SFU_ARRAY_SIZE(seqs));

	if (n && s->ssrc)
		send_rtcp(m, scratch,
			  sfu_rtcp_build_nack(scratch, SFU_RTP_MAX, m->rtcp_ssrc,
					      s->ssrc, seqs, n));
}

/* RR for every stream we receive, SDES, and REMB for the video ones. */
static void report_to_publisher(struct sfu_media *m, int64_t now_us)
{
	struct sfu_rtcp_rb blocks[MEDIA_MAX_PUBS];
	uint32_t video[MEDIA_MAX_PUBS];
	size_t nb = 0, nv = 0;
	int len, n;

	for (size_t i = 0; i < m->n_pubs; i++) {
		struct sfu_stream *s = m->pubs[i];
		if (!s->started)
			continue;
		sfu__stream_report_block(s, now_us, &blocks[nb++]);
		if (s->kind == SFU_SDP_VIDEO && (s->codec.fb & SFU_FB_REMB))
			video[nv++] = s->ssrc;
	}
	if (nb == 0)
		return;
	len = sfu_rtcp_build_rr(scratch, SFU_RTP_MAX, m->rtcp_ssrc, blocks, nb);
	if (len < 0)
		return;
	n = sfu_rtcp_build_sdes(scratch + len, SFU_RTP_MAX - (size_t)len,
				m->rtcp_ssrc, m->cname, strlen(m->cname));
	len += n > 0 ? n : 0;
	if (nv) {
		n = sfu_rtcp_build_remb(scratch + len, SFU_RTP_MAX - (size_t)len,
					m->rtcp_ssrc, m->env->remb_bps, video, nv);
		len += n > 0 ? n : 0;
	}
	send_rtcp(m, scratch, len);
}

/* An SR + SDES compound for every forward this participant receives. */
static void report_to_subscriber(struct sfu_media *m, int64_t now_us)
{
	uint64_t ntp = sfu_ntp_from_unix_us((uint64_t)sfu_wall_us());

	for (size_t i = 0; i < m->nego.n; i++) {
		struct sfu_forward *f = m->fwd[i];
		struct sfu_rtcp_sender_info si;
		int len, n;
		if (!f || !f->started)
			continue;
		sfu__forward_sender_info(f, now_us, &si);
		si.ntp = ntp;
		len = sfu_rtcp_build_sr(scratch, SFU_RTP_MAX, f->rw.ssrc, &si,
					NULL, 0);
		if (len < 0)
			continue;
		n = sfu_rtcp_build_sdes(scratch + len, SFU_RTP_MAX - (size_t)len,
					f->rw.ssrc, m->cname, strlen(m->cname));
		send_rtcp(m, scratch, len + (n > 0 ? n : 0));
	}
}

static void on_tick(struct sfu_tick *t)
{
	struct sfu_media *m = SFU_CONTAINER_OF(t, struct sfu_media, tick);
	int64_t now = sfu_now_us();

	if (sfu_peer_state(m->peer) != SFU_PEER_CONNECTED)
		return;
	for (size_t i = 0; i < m->n_pubs; i++) {
		send_nacks(m, m->pubs[i], now);
		keyframe_if_waiting(m->pubs[i], now);
	}
	if (++m->ticks % REPORT_TICKS == 0) {
		report_to_publisher(m, now);
		report_to_subscriber(m, now);
	}
}

/* ---- RTP in ----------------------------------------------------------------- */

static struct sfu_stream *stream_by_ssrc(struct sfu_media *m, uint32_t ssrc,
					 bool *rtx)
{
	for (size_t i = 0; i < m->n_pubs; i++) {
		if (m->pubs[i]->ssrc == ssrc) {
			*rtx = false;
			return m->pubs[i];
		}
		if (m->pubs[i]->rtx_ssrc == ssrc) {
			*rtx = true;
			return m->pubs[i];
		}
	}
	return NULL;
}

/* An SSRC the SDP did not announce: bind it through the MID element. */
static struct sfu_stream *stream_by_mid(struct sfu_media *m, const uint8_t *pkt,
					const struct sfu_rtp *r, bool *rtx)
{
	for (size_t i = 0; i < m->n_pubs; i++) {
		struct sfu_stream *s = m->pubs[i];
		const struct sfu_msec *sec = &m->nego.sec[s->section];
		const uint8_t *val;
		size_t len;
		if (!s->ext.mid ||
		    sfu_rtp_ext_find(pkt, r, s->ext.mid, &val, &len) < 0 ||
		    len != strlen(sec->mid) || memcmp(val, sec->mid, len) != 0)
			continue;
		*rtx = s->codec.rtx_pt && r->pt == s->codec.rtx_pt;
		if (*rtx && !s->rtx_ssrc)
			s->rtx_ssrc = r->ssrc;
		else if (!*rtx && !s->ssrc)
			s->ssrc = r->ssrc;
		else
			return NULL;
		return s;
	}
	return NULL;
}

static void on_rtp(void *arg, uint8_t *pkt, size_t len)
{
	struct sfu_media *m = arg;
	int64_t now = sfu_now_us();
	struct sfu_stream *s;
	struct sfu_rtp r;
	bool rtx = false, key = false;

	if (sfu_rtp_parse(pkt, len, &r) < 0) {
		m->n.rtp_bad++;
		return;
	}
	s = stream_by_ssrc(m, r.ssrc, &rtx);
	if (!s && !(s = stream_by_mid(m, pkt, &r, &rtx))) {
		m->n.rtp_unknown++;
		return;
	}
	if (rtx) {
		struct sfu_rtp orig;
		uint16_t osn;
		if (sfu_rtx_unwrap(pkt, &r, &osn, &orig) < 0)
			return;
		r = orig;
		r.pt = s->codec.pt;
	} else if (r.pt != s->codec.pt) {
		m->n.rtp_wrong_pt++;
		return;
	}
	if (!sfu__stream_receive(s, pkt, &r, now))
		return;
	if (s->kind == SFU_SDP_VIDEO) {
		key = sfu_codec_is_keyframe(s->codec.codec, pkt + r.payload_off,
					    r.payload_len);
		s->st.keyframes += key;
		if (key)
			sfu__stream_keyframe_seen(s);
	}
	forward_all(s, pkt, &r, key, now);
	if (s->n_missing)
		send_nacks(m, s, now);
}

/* ---- RTCP in ---------------------------------------------------------------- */

static struct sfu_forward *forward_by_ssrc(struct sfu_media *m, uint32_t ssrc)
{
	for (size_t i = 0; i < m->nego.n; i++)
		if (m->fwd[i] && (m->fwd[i]->rw.ssrc == ssrc ||
				  (m->fwd[i]->rtx_ssrc && m->fwd[i]->rtx_ssrc == ssrc)))
			return m->fwd[i];
	return NULL;
}

static void on_report_blocks(struct sfu_media *m, const struct sfu_rtcp_rb *b,
			     size_t n)
{
	uint32_t now = sfu_ntp_compact(sfu_ntp_from_unix_us((uint64_t)sfu_wall_us()));

	for (size_t i = 0; i < n; i++) {
		struct sfu_forward *f = forward_by_ssrc(m, b[i].ssrc);
		int rtt;
		if (!f)
			continue;
		rtt = sfu_rtcp_rtt_ms(now, b[i].lsr, b[i].dlsr);
		if (rtt >= 0)
			f->st.rtt_ms = rtt;
		f->st.fraction_lost = b[i].fraction_lost;
		f->st.cumulative_lost = b[i].cumulative_lost;
	}
}

static void on_nack(struct sfu_media *m, const struct sfu_rtcp_pkt *pkt)
{
	uint16_t seqs[128];
	struct sfu_rtcp_fb fb;
	struct sfu_forward *f;
	int n = sfu_rtcp_parse_nack(pkt, &fb, seqs, SFU_ARRAY_SIZE(seqs));

	if (n <= 0 || !(f = forward_by_ssrc(m, fb.media_ssrc)))
		return;
	f->st.nacks_received++;
	for (int i = 0; i < n; i++)
		sfu__forward_retransmit(f, seqs[i], scratch);
}

static void on_keyframe_request(struct sfu_media *m, uint32_t media_ssrc,
				int64_t now_us)
{
	struct sfu_forward *f = forward_by_ssrc(m, media_ssrc);

	if (!f)
		return;
	f->st.plis_received++;
	request_keyframe(f->stream, now_us);
}

static void on_rtcp_packet(struct sfu_media *m, const struct sfu_rtcp_pkt *pkt,
			   int64_t now_us)
{
	struct sfu_rtcp_fir_entry fir[8];
	struct sfu_rtcp_sr sr;
	struct sfu_rtcp_rr rr;
	struct sfu_rtcp_fb fb;
	bool rtx;
	int n;

	switch (sfu_rtcp_kind(pkt)) {
	case SFU_RTCP_KIND_SR:
		if (sfu_rtcp_parse_sr(pkt, &sr) == 0) {
			struct sfu_stream *s = stream_by_ssrc(m, sr.ssrc, &rtx);
			if (s && !rtx)
				sfu__stream_on_sr(s, sr.info.ntp, sr.info.rtp_ts, now_us);
			on_report_blocks(m, sr.blocks, sr.count);
		}
		break;
	case SFU_RTCP_KIND_RR:
		if (sfu_rtcp_parse_rr(pkt, &rr) == 0)
			on_report_blocks(m, rr.blocks, rr.count);
		break;
	case SFU_RTCP_KIND_NACK:
		on_nack(m, pkt);
		break;
	case SFU_RTCP_KIND_PLI:
		if (sfu_rtcp_parse_pli(pkt, &fb) == 0)
			on_keyframe_request(m, fb.media_ssrc, now_us);
		break;
	case SFU_RTCP_KIND_FIR:
		n = sfu_rtcp_parse_fir(pkt, &fb, fir, SFU_ARRAY_SIZE(fir));
		for (int i = 0; i < n; i++)
			on_keyframe_request(m, fir[i].ssrc, now_us);
		break;
	default:
		break; /* SDES, BYE, REMB, transport-cc: nothing to do */
	}
}

static void on_rtcp(void *arg, uint8_t *pkt, size_t len)
{
	struct sfu_media *m = arg;
	struct sfu_rtcp_iter it;
	struct sfu_rtcp_pkt p;
	int64_t now = sfu_now_us();
	int rc;

	sfu_rtcp_iter_init(&it, pkt, len);
	while ((rc = sfu_rtcp_next(&it, &p)) == 1)
		on_rtcp_packet(m, &p, now);
	if (rc < 0)
		m->n.rtcp_bad++;
}

/* ---- transport events --------------------------------------------------------- */

static void activate(struct sfu_media *m, size_t i, int64_t now_us)
{
	struct sfu_forward *f = m->fwd[i];

	if (!f || f->active || !m->nego.sec[i].accepted ||
	    sfu_peer_state(m->peer) != SFU_PEER_CONNECTED)
		return;
	f->active = true;
	/* A new subscriber needs a keyframe to start decoding. */
	request_keyframe(f->stream, now_us);
}

static void on_peer_state(void *arg, enum sfu_peer_state st, const char *why)
{
	struct sfu_media *m = arg;

	if (st == SFU_PEER_CONNECTED) {
		int64_t now = sfu_now_us();
		for (size_t i = 0; i < m->nego.n; i++)
			activate(m, i, now);
		sfu__media_start_sctp(m);
	} else if (st == SFU_PEER_FAILED) {
		m->ops->failed(m->owner, why ? why : "transport failed");
	}
}

static void on_candidate(void *arg, const char *cand)
{
	struct sfu_media *m = arg;

	if (m->ops->candidate)
		m->ops->candidate(m->owner, cand);
}

static const struct sfu_peer_ops peer_ops = {
	.rtp = on_rtp,
	.rtcp = on_rtcp,
	.state = on_peer_state,
	.candidate = on_candidate,
	.data = sfu__media_on_data,
};

static void keep_candidate(void *ctx, const char *cand)
{
	struct sfu_media *m = ctx;

	m->cands = sfu_xrealloc(m->cands, (m->n_cands + 1) * sizeof(*m->cands));
	m->cands[m->n_cands++] = sfu_xstrdup(cand);
}

struct sfu_media *sfu_media_new(const struct sfu_media_env *env,
				const struct sfu_media_ops *ops, void *owner)
{
	struct sfu_media *m = sfu_xcalloc(1, sizeof(*m));
	struct sfu_peer_opts po = {
		.ice = env->ice,
		.dtls = env->dtls,
		.connect_timeout_ms = env->connect_timeout_ms,
	};
	uint64_t sess;

	m->env = env;
	m->ops = ops;
	m->owner = owner;
	m->peer = sfu_peer_new(&po, &peer_ops, m);
	if (!m->peer) {
		free(m);
		return NULL;
	}
	sfu_random_bytes(&sess, sizeof(sess));
	sfu_nego_init(&m->nego, sess);
	m->rtcp_ssrc = random32();
	m->chat_sid = -1;
	sfu_random_hex(m->cname, 8);
	sfu_ice_local_candidates((struct sfu_ice *)sfu_peer_ice(m->peer),
				 keep_candidate, m);
	/* One timer for all of the thread's participants; their once a
	 * second reports still spread over the ten ticks of that second. */
	m->ticks = random32() % REPORT_TICKS;
	sfu_tick_start(&m->tick, TICK_MS, on_tick);
	return m;
}

void sfu_media_free(struct sfu_media *m)
{
	if (!m)
		return;
	sfu_tick_stop(&m->tick);
	for (size_t i = 0; i < SFU_NEGO_MAX_SECTIONS; i++)
		sfu__forward_free(m->fwd[i]);
	while (m->n_pubs)
		sfu_media_drop_stream(m, m->pubs[0]->section);
	/* Before the peer: its ABORT still goes out over DTLS. */
	sfu_sctp_free(m->sctp);
	sfu_peer_free(m->peer);
	for (size_t i = 0; i < m->n_cands; i++)
		free(m->cands[i]);
	free(m->cands);
	free(m);
}

struct sfu_nego *sfu_media_nego(struct sfu_media *m)
{
	return &m->nego;
}

/* ---- descriptions ---------------------------------------------------------- */

int sfu_media_set_remote(struct sfu_media *m, const struct sfu_sdp *sdp,
			 char *why, size_t whylen)
{
	const struct sfu_nego *n = &m->nego;
	bool server = n->remote_setup != SFU_SETUP_PASSIVE;
	int rc;

	rc = sfu_peer_set_remote(m->peer, n->ice_ufrag, n->ice_pwd, n->fp_hash,
				 n->fp, server);
	if (rc == -ENOTSUP) {
		snprintf(why, whylen, "the transport cannot change (no ICE restart)");
		return rc;
	} else if (rc) {
		snprintf(why, whylen, "unusable ICE credentials or fingerprint");
		return rc;
	}
	for (size_t i = 0; i < sdp->n_media; i++) {
		const struct sfu_sdp_media *md = &sdp->media[i];
		for (size_t c = 0; c < md->n_candidates; c++)
			sfu_peer_add_candidate(m->peer, md->candidates[c].p,
					       md->candidates[c].len);
		if (md->end_of_candidates)
			sfu_peer_end_of_candidates(m->peer);
	}
	sfu__media_start_sctp(m); /* a DATA section added while connected */
	return 0;
}

static void local_desc(struct sfu_media *m, struct sfu_local_desc *l)
{
	const struct sfu_ice *ice = sfu_peer_ice(m->peer);

	memset(l, 0, sizeof(*l));
	l->ice_ufrag = sfu_ice_ufrag(ice);
	l->ice_pwd = sfu_ice_pwd(ice);
	l->fingerprint = sfu__dtls_ctx_fingerprint(m->env->dtls);
	l->dtls_server = m->nego.remote_setup != SFU_SETUP_PASSIVE;
	l->candidates = (const char *const *)m->cands;
	l->n_candidates = m->n_cands;
	/* Host candidates are all there is unless a STUN server can add a
	 * reflexive one later. */
	l->end_of_candidates = m->env->ice.stun_server == NULL;
	l->cname = m->cname;
}

char *sfu_media_answer(struct sfu_media *m)
{
	struct sfu_local_desc l;

	local_desc(m, &l);
	return sfu_nego_answer(&m->nego, &l);
}

char *sfu_media_offer(struct sfu_media *m)
{
	struct sfu_local_desc l;

	local_desc(m, &l);
	return sfu_nego_offer(&m->nego, &l);
}

int sfu_media_add_candidate(struct sfu_media *m, const char *cand, size_t len)
{
	return sfu_peer_add_candidate(m->peer, cand, len);
}

void sfu_media_end_of_candidates(struct sfu_media *m)
{
	sfu_peer_end_of_candidates(m->peer);
}

/* ---- publishing and subscribing ------------------------------------------------ */

static struct sfu_stream *pub_at(const struct sfu_media *m, size_t section)
{
	for (size_t i = 0; i < m->n_pubs; i++)
		if (m->pubs[i]->section == section)
			return m->pubs[i];
	return NULL;
}

void sfu_media_publish(struct sfu_media *m, size_t section, const char *track)
{
	const struct sfu_msec *sec = &m->nego.sec[section];

	if (pub_at(m, section) || m->n_pubs == MEDIA_MAX_PUBS)
		return;
	m->pubs[m->n_pubs++] = sfu__stream_new(
		m, section, track, sec,
		sec->kind == SFU_SDP_VIDEO && (sec->codec.fb & SFU_FB_NACK)
			? m->env->ring_video
			: 0);
}

void sfu_media_drop_stream(struct sfu_media *m, size_t section)
{
	struct sfu_stream *s = pub_at(m, section);

	if (!s)
		return;
	while (s->n_fwd) {
		struct sfu_forward *f = s->fwd[0];
		sfu_nego_detach(&f->sub->nego, f->section);
		sfu__forward_free(f);
	}
	for (size_t i = 0; i < m->n_pubs; i++)
		if (m->pubs[i] == s) {
			m->pubs[i] = m->pubs[--m->n_pubs];
			break;
		}
	sfu__stream_free(s);
}

const char *sfu_media_stream_track(const struct sfu_media *m, size_t section)
{
	const struct sfu_stream *s = pub_at(m, section);

	return s ? s->track : NULL;
}

int sfu_media_subscribe(struct sfu_media *sub, struct sfu_media *pub,
			size_t pub_section, const char *pub_participant)
{
	struct sfu_stream *s = pub_at(pub, pub_section);
	int idx;

	if (!s)
		return -ENOENT;
	idx = sfu_nego_attach(&sub->nego, s->kind, &s->codec, pub_participant,
			      s->track, random32(), random32());
	if (idx == -ENOSPC)
		sub->n.subs_missing++;
	if (idx < 0)
		return idx;
	sfu__forward_free(sub->fwd[idx]);
	sfu__forward_new(s, sub, (size_t)idx, &sub->nego.sec[idx]);
	return idx;
}

unsigned sfu_media_subscriptions_missing(const struct sfu_media *m)
{
	return m->n.subs_missing;
}

void sfu_media_subscriptions_missing_reset(struct sfu_media *m)
{
	m->n.subs_missing = 0;
}

bool sfu_media_subscribed(const struct sfu_media *sub,
			  const struct sfu_media *pub, size_t pub_section)
{
	const struct sfu_stream *s = pub_at(pub, pub_section);

	for (size_t i = 0; s && i < s->n_fwd; i++)
		if (s->fwd[i]->sub == sub)
			return true;
	return false;
}

void sfu_media_refresh(struct sfu_media *m)
{
	for (size_t i = 0; i < m->nego.n; i++)
		if (m->fwd[i])
			sfu__forward_refresh(m->fwd[i], &m->nego.sec[i]);
}

void sfu_media_section_accepted(struct sfu_media *m, size_t section)
{
	if (m->fwd[section])
		sfu__forward_refresh(m->fwd[section], &m->nego.sec[section]);
	activate(m, section, sfu_now_us());
}

void sfu_media_section_refused(struct sfu_media *m, size_t section)
{
	sfu__forward_free(m->fwd[section]);
}

enum sfu_peer_state sfu_media_state(const struct sfu_media *m)
{
	return sfu_peer_state(m->peer);
}

const struct sfu_peer *sfu_media_peer(const struct sfu_media *m)
{
	return m->peer;
}

