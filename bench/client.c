/*
 * client.c - one bench participant (client.h).
 *
 * Signaling follows PROTOCOL 1: join -> joined; our offer (audio and
 * video sendonly plus the chat m=application section) -> answer; then
 * every server offer is answered (recvonly for remote tracks) exactly as
 * a browser with max-bundle and rtcp-mux would.
 */
#include "client.h"

#include <glib.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "common.h"
#include "dtls.h"
#include "peer.h"
#include "sdp.h"
#include "udpmux.h"
#include "ws.h"
#include "client-int.h"

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t bench_now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

int64_t bench_rx_ns(void)
{
	int64_t rx = sfu_udpmux_rx_time(), mono = clock_ns(CLOCK_MONOTONIC);
	int64_t ago;

	if (!rx)
		return mono;
	/* the kernel stamps CLOCK_REALTIME: how long ago, on that clock */
	ago = clock_ns(CLOCK_REALTIME) - rx;
	return ago > 0 ? mono - ago : mono;
}

void bclient_fail(struct bench_client *c, const char *fmt, ...)
{
	va_list ap;

	if (c->failure[0])
		return;
	va_start(ap, fmt);
	vsnprintf(c->failure, sizeof(c->failure), fmt, ap);
	va_end(ap);
	fprintf(stderr, "bench: %s: %s\n", c->name, c->failure);
	c->sending = false;
}

#define fail bclient_fail

static uint32_t rand32(void)
{
	uint32_t v;

	do
		sfu_random_bytes(&v, sizeof(v));
	while (v == 0);
	return v;
}

/* ---- signaling out --------------------------------------------------- */

void bclient_send_json(struct bench_client *c, json_t *msg)
{
	char *text = json_dumps(msg, JSON_COMPACT);

	if (c->env->verbose)
		fprintf(stderr, "bench: %s -> %.300s\n", c->name, text);
	if (!c->ws || bws_send(c->ws, text, strlen(text)) < 0)
		fail(c, "cannot send on the WebSocket");
	free(text);
	json_decref(msg);
}

#define send_json bclient_send_json

/* ---- SDP ------------------------------------------------------------- */

static void transport_lines(struct bench_client *c, struct sfu_peer *pc,
			    struct sfu_sdp_writer *w, const char *setup)
{
	const struct sfu_ice *ice = sfu_peer_ice(pc);

	sfu_sdp_line(w, "c=IN IP4 0.0.0.0");
	sfu_sdp_line(w, "a=ice-ufrag:%s", sfu_ice_ufrag(ice));
	sfu_sdp_line(w, "a=ice-pwd:%s", sfu_ice_pwd(ice));
	sfu_sdp_line(w, "a=ice-options:trickle");
	sfu_sdp_line(w, "a=fingerprint:sha-256 %s", c->env->fingerprint);
	sfu_sdp_line(w, "a=setup:%s", setup);
}

static void add_candidate_line(void *ctx, const char *cand)
{
	sfu_sdp_line(ctx, "a=%s", cand);
}

static void candidate_lines(struct sfu_peer *pc, struct sfu_sdp_writer *w)
{
	sfu_ice_local_candidates((struct sfu_ice *)sfu_peer_ice(pc),
				 add_candidate_line, w);
	sfu_sdp_line(w, "a=end-of-candidates");
}

static void send_ssrc_lines(struct bench_client *c, struct sfu_sdp_writer *w,
			    uint32_t ssrc, const char *track)
{
	sfu_sdp_line(w, "a=msid:bench-%u %s", c->index, track);
	sfu_sdp_line(w, "a=ssrc:%u cname:bench-%u", ssrc, c->index);
	sfu_sdp_line(w, "a=ssrc:%u msid:bench-%u %s", ssrc, c->index, track);
}

static void audio_codec_lines(struct sfu_sdp_writer *w, uint8_t pt)
{
	sfu_sdp_line(w, "a=rtpmap:%u opus/48000/2", pt);
	sfu_sdp_line(w, "a=fmtp:%u minptime=10;useinbandfec=1", pt);
}

static void video_codec_lines(struct sfu_sdp_writer *w, uint8_t pt)
{
	sfu_sdp_line(w, "a=rtpmap:%u VP8/90000", pt);
	sfu_sdp_line(w, "a=rtcp-fb:%u ccm fir", pt);
	sfu_sdp_line(w, "a=rtcp-fb:%u nack", pt);
	sfu_sdp_line(w, "a=rtcp-fb:%u nack pli", pt);
}

/* One of our sending sections (audio or video). */
static void own_section(struct bench_client *c, struct sfu_sdp_writer *w,
			bool video, const char *setup, bool candidates)
{
	sfu_sdp_line(w, "m=%s 9 UDP/TLS/RTP/SAVPF %u", video ? "video" : "audio",
		     video ? VIDEO_PT : AUDIO_PT);
	transport_lines(c, c->peer, w, setup);
	if (candidates)
		candidate_lines(c->peer, w);
	sfu_sdp_line(w, "a=mid:%s", video ? MID_VIDEO : MID_AUDIO);
	sfu_sdp_line(w, "a=sendonly");
	sfu_sdp_line(w, "a=rtcp-mux");
	sfu_sdp_line(w, "a=rtcp-rsize");
	if (video) {
		video_codec_lines(w, VIDEO_PT);
		send_ssrc_lines(c, w, c->video_ssrc, "camera");
	} else {
		audio_codec_lines(w, AUDIO_PT);
		send_ssrc_lines(c, w, c->audio_ssrc, "mic");
	}
}

static void data_section(struct bench_client *c, struct sfu_peer *pc,
			 struct sfu_sdp_writer *w, const char *setup,
			 const char *mid)
{
	sfu_sdp_line(w, "m=application 9 UDP/DTLS/SCTP webrtc-datachannel");
	transport_lines(c, pc, w, setup);
	sfu_sdp_line(w, "a=mid:%s", mid);
	sfu_sdp_line(w, "a=sctp-port:5000");
	sfu_sdp_line(w, "a=max-message-size:262144");
}

static void session_lines(struct sfu_sdp_writer *w, const char *bundle,
			  unsigned version)
{
	sfu_sdp_line(w, "v=0");
	sfu_sdp_line(w, "o=- 4611731400430051336 %u IN IP4 127.0.0.1", version);
	sfu_sdp_line(w, "s=-");
	sfu_sdp_line(w, "t=0 0");
	sfu_sdp_line(w, "a=group:BUNDLE%s", bundle);
	sfu_sdp_line(w, "a=msid-semantic: WMS *");
}

char *bclient_offer_sdp(struct bench_client *c, bool data)
{
	struct sfu_sdp_writer w;

	sfu_sdp_writer_init(&w);
	session_lines(&w, data ? " " MID_AUDIO " " MID_VIDEO " " MID_DATA
			       : " " MID_AUDIO " " MID_VIDEO, 1);
	own_section(c, &w, false, "actpass", true);
	own_section(c, &w, true, "actpass", false);
	if (data)
		data_section(c, c->peer, &w, "actpass", MID_DATA);
	return sfu_sdp_writer_take(&w);
}

static void send_first_offer(struct bench_client *c)
{
	char *sdp = bclient_offer_sdp(c, true);
	json_t *msg;

	msg = json_pack("{s:s, s:i, s:s, s:{s:{s:s}, s:{s:s}}}", "type", "offer",
			"id", c->next_id++, "sdp", sdp, "tracks", MID_AUDIO,
			"label", "mic", MID_VIDEO, "label", "camera");
	free(sdp);
	send_json(c, msg);
}

static char *str_dup(struct sfu_str s)
{
	return sfu_xstrndup(s.p, s.len);
}

static const struct sfu_sdp_format *find_codec(const struct sfu_sdp_media *m,
					       const char *name)
{
	for (size_t i = 0; i < m->n_formats; i++)
		if (sfu_str_caseeq(m->formats[i].name, name))
			return &m->formats[i];
	return NULL;
}

static void reject_section(struct sfu_sdp_writer *w, const struct sfu_sdp_media *m,
			   char *mid)
{
	sfu_sdp_line(w, "m=%.*s 0 %.*s %.*s", (int)m->kind_text.len,
		     m->kind_text.p, (int)m->proto.len, m->proto.p,
		     (int)m->fmt_text.len, m->fmt_text.p);
	sfu_sdp_line(w, "c=IN IP4 0.0.0.0");
	sfu_sdp_line(w, "a=mid:%s", mid);
	sfu_sdp_line(w, "a=inactive");
}

/* One remote track's section: recvonly with the offered codec. */
static bool recv_section(struct bench_client *c, struct sfu_peer *pc,
			 struct sfu_sdp_writer *w, const struct sfu_sdp_media *m,
			 const char *mid, bool candidates)
{
	bool audio = m->kind == SFU_SDP_AUDIO;
	const struct sfu_sdp_format *f = find_codec(m, audio ? "opus" : "VP8");
	enum sfu_sdp_dir dir = sfu_sdp_media_dir(m);
	uint8_t fb;

	if (!f)
		return false;
	fb = f->fb | m->fb_all;
	sfu_sdp_line(w, "m=%s 9 UDP/TLS/RTP/SAVPF %u", audio ? "audio" : "video",
		     f->pt);
	transport_lines(c, pc, w, "active");
	if (candidates)
		candidate_lines(pc, w);
	sfu_sdp_line(w, "a=mid:%s", mid);
	sfu_sdp_line(w, "a=%s", dir == SFU_DIR_SENDONLY || dir == SFU_DIR_SENDRECV
					? "recvonly"
					: "inactive");
	sfu_sdp_line(w, "a=rtcp-mux");
	sfu_sdp_line(w, "a=rtcp-rsize");
	if (f->channels)
		sfu_sdp_line(w, "a=rtpmap:%u %.*s/%u/%u", f->pt, (int)f->name.len,
			     f->name.p, f->clock, f->channels);
	else
		sfu_sdp_line(w, "a=rtpmap:%u %.*s/%u", f->pt, (int)f->name.len,
			     f->name.p, f->clock);
	if (f->fmtp.len)
		sfu_sdp_line(w, "a=fmtp:%u %.*s", f->pt, (int)f->fmtp.len, f->fmtp.p);
	if (fb & SFU_FB_CCM_FIR)
		sfu_sdp_line(w, "a=rtcp-fb:%u ccm fir", f->pt);
	if (fb & SFU_FB_NACK)
		sfu_sdp_line(w, "a=rtcp-fb:%u nack", f->pt);
	if (fb & SFU_FB_NACK_PLI)
		sfu_sdp_line(w, "a=rtcp-fb:%u nack pli", f->pt);
	return true;
}

char *bclient_answer_sdp(struct bench_client *c, struct sfu_peer *pc,
			 const char *text, bool own, bool candidates)
{
	struct sfu_sdp *sdp = g_malloc0(sizeof(*sdp));
	struct sfu_sdp_writer body, all;
	GString *bundle = g_string_new("");
	char why[200], *out = NULL;

	if (sfu_sdp_parse(text, strlen(text), sdp, why, sizeof(why)) < 0) {
		fail(c, "cannot parse the server's offer: %s", why);
		goto done;
	}
	sfu_sdp_writer_init(&body);
	for (size_t i = 0; i < sdp->n_media; i++) {
		const struct sfu_sdp_media *m = &sdp->media[i];
		char *mid = str_dup(m->mid);
		bool ok = m->port != 0;

		if (ok && m->kind == SFU_SDP_APPLICATION) {
			data_section(c, pc, &body, "active", mid);
		} else if (ok && own && strcmp(mid, MID_AUDIO) == 0) {
			own_section(c, &body, false, "active", false);
		} else if (ok && own && strcmp(mid, MID_VIDEO) == 0) {
			own_section(c, &body, true, "active", false);
		} else if (ok && (m->kind == SFU_SDP_AUDIO || m->kind == SFU_SDP_VIDEO)) {
			ok = recv_section(c, pc, &body, m, mid, candidates);
			candidates &= !ok;
		} else {
			ok = false;
		}
		if (ok)
			g_string_append_printf(bundle, " %s", mid);
		else
			reject_section(&body, m, mid);
		free(mid);
	}
	sfu_sdp_writer_init(&all);
	session_lines(&all, bundle->str, 2 + (unsigned)c->n.offers);
	out = sfu_xasprintf("%s%s", all.buf ? all.buf : "", body.buf ? body.buf : "");
	sfu_sdp_writer_free(&all);
	sfu_sdp_writer_free(&body);
	c->n.offers++;
done:
	g_string_free(bundle, TRUE);
	g_free(sdp);
	return out;
}

static void answer_server_offer(struct bench_client *c, const char *text)
{
	char *out = bclient_answer_sdp(c, c->peer, text, true, false);

	if (!out)
		return;
	send_json(c, json_pack("{s:s, s:s}", "type", "answer", "sdp", out));
	free(out);
}

int bclient_apply_remote(struct bench_client *c, struct sfu_peer *pc,
			 const char *text, bool is_offer)
{
	struct sfu_sdp *sdp = g_malloc0(sizeof(*sdp));
	const struct sfu_sdp_media *m;
	char why[200], *ufrag, *pwd, *hash, *fp;
	bool dtls_server;
	int rc;

	rc = sfu_sdp_parse(text, strlen(text), sdp, why, sizeof(why));
	if (rc < 0 || sdp->n_media == 0) {
		fail(c, "cannot parse the server's description: %s",
		     rc < 0 ? why : "no media");
		g_free(sdp);
		return -1;
	}
	m = &sdp->media[0];
	ufrag = str_dup(m->ice_ufrag);
	pwd = str_dup(m->ice_pwd);
	hash = str_dup(m->fingerprint_hash);
	fp = str_dup(m->fingerprint);
	/* To an offer we answer active (DTLS client); an answer that says
	 * active makes us the server. */
	dtls_server = !is_offer && m->setup == SFU_SETUP_ACTIVE;
	rc = sfu_peer_set_remote(pc, ufrag, pwd, hash, fp, dtls_server);
	if (rc < 0) {
		fail(c, "cannot apply the remote transport (%d)", rc);
	} else {
		for (size_t i = 0; i < sdp->n_media; i++)
			for (size_t k = 0; k < sdp->media[i].n_candidates; k++)
				sfu_peer_add_candidate(pc, sdp->media[i].candidates[k].p,
						       sdp->media[i].candidates[k].len);
		for (size_t i = 0; i < sdp->n_media; i++)
			if (sdp->media[i].end_of_candidates) {
				sfu_peer_end_of_candidates(pc);
				break;
			}
	}
	free(ufrag);
	free(pwd);
	free(hash);
	free(fp);
	g_free(sdp);
	return rc < 0 ? -1 : 0;
}

static void apply_answer(struct bench_client *c, const char *text)
{
	if (bclient_apply_remote(c, c->peer, text, false) == 0)
		c->remote_set = true;
}

/* ---- signaling in ---------------------------------------------------- */

static void on_joined(struct bench_client *c, json_t *msg)
{
	const char *you = json_string_value(json_object_get(msg, "you"));

	free(c->you);
	c->you = sfu_xstrdup(you ? you : "?");
	if (c->peer)
		return;
	/* The offerer is ICE-controlling. */
	c->peer = bclient_new_peer(c, true, &bclient_pub_ops);
	if (c->peer)
		send_first_offer(c);
}

static void on_candidate(struct bench_client *c, json_t *msg)
{
	json_t *cand = json_object_get(msg, "candidate");
	const char *text = json_string_value(json_object_get(cand, "candidate"));

	if (!c->peer)
		return;
	if (!text || !*text)
		sfu_peer_end_of_candidates(c->peer);
	else
		sfu_peer_add_candidate(c->peer, text, strlen(text));
}

static void on_message(void *arg, const char *text, size_t len)
{
	struct bench_client *c = arg;
	json_error_t err;
	json_t *msg = json_loadb(text, len, 0, &err);
	const char *type = json_string_value(json_object_get(msg, "type"));
	const char *sdp = json_string_value(json_object_get(msg, "sdp"));

	if (c->env->verbose)
		fprintf(stderr, "bench: %s <- %.300s\n", c->name, text);
	if (c->env->janus && msg) {
		janus_message(c, msg);
		json_decref(msg);
		return;
	}
	if (!type) {
		fail(c, "bad signaling message: %.100s", text);
	} else if (strcmp(type, "joined") == 0) {
		on_joined(c, msg);
	} else if (strcmp(type, "answer") == 0 && sdp) {
		if (c->peer)
			apply_answer(c, sdp);
	} else if (strcmp(type, "offer") == 0 && sdp) {
		if (!c->remote_set)
			fail(c, "server offer before our offer was answered");
		else
			answer_server_offer(c, sdp);
	} else if (strcmp(type, "candidate") == 0) {
		on_candidate(c, msg);
	} else if (strcmp(type, "error") == 0) {
		const char *code = json_string_value(json_object_get(msg, "code"));
		const char *m = json_string_value(json_object_get(msg, "message"));
		fail(c, "server error %s: %s", code ? code : "?", m ? m : "");
	} else if (strcmp(type, "kicked") == 0 || strcmp(type, "room_closed") == 0) {
		const char *why = json_string_value(json_object_get(msg, "reason"));
		fail(c, "server sent %s: %s", type, why ? why : "");
	}
	json_decref(msg);
}

static void on_closed(void *arg, const char *why)
{
	struct bench_client *c = arg;

	if (!c->stopped)
		fail(c, "signaling closed: %s", why);
}

static const struct bws_ops ws_ops = { .message = on_message, .closed = on_closed };

/* ---- lifecycle ------------------------------------------------------- */

struct bench_client *bench_client_new(struct bench_env *env, unsigned index,
				      const char *room, const char *name)
{
	struct bench_client *c = sfu_xcalloc(1, sizeof(*c));

	c->env = env;
	c->index = index;
	c->room = sfu_xstrdup(room);
	c->name = sfu_xstrdup(name);
	c->next_id = 1;
	c->audio_ssrc = rand32();
	c->video_ssrc = rand32();
	c->rtcp_ssrc = rand32();
	synth_stream_init(&c->audio, BENCH_AUDIO, (uint16_t)index, c->audio_ssrc,
			  AUDIO_PT, (uint16_t)rand32(), rand32());
	synth_stream_init(&c->video, BENCH_VIDEO, (uint16_t)index, c->video_ssrc,
			  VIDEO_PT, (uint16_t)rand32(), rand32());
	c->picture_id = (uint16_t)(rand32() & 0x7fff);
	c->frame = g_malloc(sizeof(*c->frame));
	c->ring = g_malloc0(sizeof(*c->ring) * RING);
	c->subs = g_malloc0(sizeof(*c->subs) * env->n_senders * 2);
	return c;
}

int bench_client_start(struct bench_client *c)
{
	char err[256];

	c->join_ns = bench_now_ns();
	c->ws = bws_connect_proto(c->env->url, c->env->janus ? "janus-protocol" : NULL,
				  &ws_ops, c, err, sizeof(err));
	if (!c->ws) {
		fail(c, "%s", err);
		return -1;
	}
	if (c->env->janus)
		return janus_start(c);
	send_json(c, json_pack("{s:s, s:i, s:s, s:s}", "type", "join", "id",
			       c->next_id++, "room", c->room, "name", c->name));
	return c->failure[0] ? -1 : 0;
}

void bench_client_free(struct bench_client *c)
{
	if (!c)
		return;
	bench_client_stop_sending(c);
	if (c->env->janus)
		janus_free(c);
	else if (c->ws && !c->failure[0])
		send_json(c, json_pack("{s:s}", "type", "leave"));
	bws_close(c->ws);
	sfu_peer_free(c->peer);
	for (unsigned i = 0; i < c->env->n_senders * 2; i++)
		g_free(c->subs[i]);
	g_free(c->subs);
	g_free(c->frame);
	g_free(c->ring);
	free(c->room);
	free(c->name);
	free(c->you);
	free(c);
}

bool bench_client_connected(const struct bench_client *c)
{
	return c->connected;
}

const char *bench_client_failure(const struct bench_client *c)
{
	return c->failure[0] ? c->failure : NULL;
}

unsigned bench_client_index(const struct bench_client *c)
{
	return c->index;
}

const char *bench_client_name(const struct bench_client *c)
{
	return c->name;
}

const char *bench_client_srtp(const struct bench_client *c)
{
	return c->peer ? sfu_srtp_profile_name(sfu_peer_srtp_profile(c->peer))
		       : "none";
}

int64_t bench_client_join_ns(const struct bench_client *c)
{
	return c->join_ns;
}

int64_t bench_client_connected_ns(const struct bench_client *c)
{
	return c->connected_ns;
}

const struct bench_sub *bench_client_sub(const struct bench_client *c,
					 unsigned sender, enum bench_kind kind)
{
	if (sender >= c->env->n_senders)
		return NULL;
	return c->subs[sender * 2 + kind];
}

void bench_client_counters(const struct bench_client *c,
			   struct bench_client_counters *out)
{
	*out = c->n;
	if (c->peer) {
		const struct sfu_peer_counters *pc = sfu_peer_counters(c->peer);
		out->srtp_dropped = pc->dropped_srtp;
	}
}
