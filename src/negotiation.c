/*
 * negotiation.c - applying offers and answers to the section list, and
 * placing remote tracks in sections. The SDP text is written by
 * negotiation_sdp.c from the same state.
 *
 * A client offer is applied to a copy of the state first, so an offer
 * that turns out to be unacceptable halfway changes nothing.
 */
#include "negotiation.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#define FAIL(...)                                      \
	do {                                           \
		snprintf(why, whylen, __VA_ARGS__);    \
		return -EINVAL;                        \
	} while (0)

static bool copy_str(char *dst, size_t cap, struct sfu_str s)
{
	if (s.len >= cap)
		return false;
	if (s.len) /* an absent view may have a NULL pointer */
		memcpy(dst, s.p, s.len);
	dst[s.len] = '\0';
	return true;
}

void sfu_nego_init(struct sfu_nego *n, uint64_t sess_id)
{
	memset(n, 0, sizeof(*n));
	n->sess_id = sess_id & 0x7fffffffffffffffULL;
	n->version = 1;
}

int sfu_nego_find_mid(const struct sfu_nego *n, const char *mid, size_t len)
{
	for (size_t i = 0; i < n->n; i++)
		if (strlen(n->sec[i].mid) == len && memcmp(n->sec[i].mid, mid, len) == 0)
			return (int)i;
	return -1;
}

/* ---- codecs ----------------------------------------------------------- */

/* profile_idc and constraint flags of an H.264 profile-level-id, or the
 * default (constrained baseline) when absent. */
static void h264_profile(const struct sfu_codec_params *c, char out[5])
{
	const char *p = strstr(c->fmtp, "profile-level-id=");

	memcpy(out, "42e0", 5);
	if (p && strlen(p + 17) >= 4)
		for (int i = 0; i < 4; i++)
			out[i] = (char)(p[17 + i] | 0x20); /* lower-case hex */
}

static bool h264_mode1(const struct sfu_codec_params *c)
{
	return strstr(c->fmtp, "packetization-mode=1") != NULL;
}

static int vp9_profile(const struct sfu_codec_params *c)
{
	const char *p = strstr(c->fmtp, "profile-id=");

	return p ? atoi(p + 11) : 0;
}

bool sfu_codec_params_match(const struct sfu_codec_params *a,
			    const struct sfu_codec_params *b)
{
	char pa[5], pb[5];

	if (a->codec != b->codec || a->clock != b->clock)
		return false;
	if (a->codec == SFU_CODEC_H264) {
		h264_profile(a, pa);
		h264_profile(b, pb);
		/* Constrained baseline (42e0) and baseline (4200) streams are
		 * interchangeable for a constrained-baseline encoder's output. */
		if (memcmp(pa, "4200", 4) == 0)
			memcpy(pa, "42e0", 4);
		if (memcmp(pb, "4200", 4) == 0)
			memcpy(pb, "42e0", 4);
		return h264_mode1(a) && h264_mode1(b) && memcmp(pa, pb, 4) == 0;
	}
	if (a->codec == SFU_CODEC_VP9)
		return vp9_profile(a) == vp9_profile(b);
	return true;
}

/* The rtx payload type whose apt is pt, or 0. */
static uint8_t rtx_for(const struct sfu_sdp_media *m, uint8_t pt)
{
	for (size_t i = 0; i < m->n_formats; i++) {
		const struct sfu_sdp_format *f = &m->formats[i];
		struct sfu_str apt;
		if (!sfu_str_caseeq(f->name, "rtx"))
			continue;
		apt = sfu_sdp_fmtp_param(f, "apt");
		if (apt.len && (uint8_t)atoi(apt.p) == pt &&
		    (apt.len < 2 || apt.p[0] != '0'))
			return f->pt;
	}
	return 0;
}

/* Read one format into params; false for codecs we do not forward. */
static bool format_params(const struct sfu_sdp_media *m,
			  const struct sfu_sdp_format *f,
			  struct sfu_codec_params *out)
{
	uint8_t fb_ok = m->kind == SFU_SDP_VIDEO
				? (SFU_FB_NACK | SFU_FB_NACK_PLI | SFU_FB_CCM_FIR |
				   SFU_FB_REMB)
				: 0;

	memset(out, 0, sizeof(*out));
	if (!f->has_rtpmap)
		return false;
	out->codec = sfu_codec_from_name(f->name.p, f->name.len);
	if (out->codec == SFU_CODEC_NONE || out->codec == SFU_CODEC_RTX)
		return false;
	if ((out->codec == SFU_CODEC_OPUS) != (m->kind == SFU_SDP_AUDIO))
		return false;
	out->pt = f->pt;
	out->clock = f->clock;
	out->channels = f->channels;
	out->fb = (uint8_t)((f->fb | m->fb_all) & fb_ok);
	if (!copy_str(out->fmtp, sizeof(out->fmtp), f->fmtp))
		return false;
	if (out->codec == SFU_CODEC_H264 && !h264_mode1(out))
		return false;
	if (out->clock != sfu_codec_clock_rate(out->codec))
		return false;
	if (m->kind == SFU_SDP_VIDEO)
		out->rtx_pt = rtx_for(m, f->pt);
	return true;
}

/* The codec we take from a client's section: Opus for audio; for video
 * VP8, then H.264 (constrained baseline first), then VP9, because the
 * widest-supported codec lets every subscriber receive the track. */
static bool choose_codec(const struct sfu_sdp_media *m,
			 struct sfu_codec_params *out)
{
	static const enum sfu_codec order[] = { SFU_CODEC_OPUS, SFU_CODEC_VP8,
						SFU_CODEC_H264, SFU_CODEC_VP9 };
	struct sfu_codec_params c, best;
	int best_rank = 99;

	for (size_t i = 0; i < m->n_formats; i++) {
		char prof[5];
		int rank = 0;
		if (!format_params(m, &m->formats[i], &c))
			continue;
		while (order[rank] != c.codec)
			rank++;
		rank *= 2;
		if (c.codec == SFU_CODEC_H264) {
			h264_profile(&c, prof);
			rank += memcmp(prof, "42e0", 4) != 0;
		}
		if (rank < best_rank)
			best_rank = rank, best = c;
	}
	if (best_rank == 99)
		return false;
	*out = best;
	return true;
}

/* Keep the section's codec if the client's offer still lists it. */
static bool keep_codec(const struct sfu_sdp_media *m, struct sfu_codec_params *c)
{
	struct sfu_codec_params f;

	for (size_t i = 0; i < m->n_formats; i++)
		if (format_params(m, &m->formats[i], &f) &&
		    f.pt == c->pt && sfu_codec_params_match(&f, c)) {
			c->rtx_pt = f.rtx_pt;
			c->fb = f.fb;
			return true;
		}
	return false;
}

static void learn_caps(struct sfu_nego *n, const struct sfu_sdp_media *m)
{
	struct sfu_codec_params c;
	struct sfu_ext_ids *e = &n->caps_ext[m->kind == SFU_SDP_VIDEO];

	for (size_t i = 0; i < m->n_formats; i++) {
		bool known = false;
		if (!format_params(m, &m->formats[i], &c))
			continue;
		for (size_t j = 0; j < n->n_caps && !known; j++)
			known = sfu_codec_params_match(&n->caps[j], &c);
		if (!known && n->n_caps < SFU_NEGO_MAX_CAPS)
			n->caps[n->n_caps++] = c;
	}
	for (size_t i = 0; i < m->n_extmaps; i++) {
		const struct sfu_sdp_extmap *x = &m->extmaps[i];
		uint8_t *known = sfu_str_eq(x->uri, SFU_EXT_MID) ? &n->ext_known.mid
			       : sfu_str_eq(x->uri, SFU_EXT_ABS_SEND_TIME) ? &n->ext_known.abs_send_time
			       : sfu_str_eq(x->uri, SFU_EXT_AUDIO_LEVEL) ? &n->ext_known.audio_level
			       : sfu_str_eq(x->uri, SFU_EXT_TWCC) ? &n->ext_known.twcc
			       : NULL;
		if (x->id >= 1 && x->id <= 14)
			n->ext_used |= (uint16_t)(1u << x->id);
		if (known && !*known)
			*known = x->id;
	}
	if (!e->mid)
		e->mid = sfu_sdp_extmap_id(m, SFU_EXT_MID);
	if (!e->abs_send_time)
		e->abs_send_time = sfu_sdp_extmap_id(m, SFU_EXT_ABS_SEND_TIME);
	if (!e->audio_level && m->kind == SFU_SDP_AUDIO)
		e->audio_level = sfu_sdp_extmap_id(m, SFU_EXT_AUDIO_LEVEL);
	if (!e->twcc)
		e->twcc = sfu_sdp_extmap_id(m, SFU_EXT_TWCC);
}

/* ---- applying a client offer ------------------------------------------- */

static int check_transport(struct sfu_nego *n, const struct sfu_sdp_media *m,
			   char *why, size_t whylen)
{
	char ufrag[sizeof(n->ice_ufrag)], pwd[sizeof(n->ice_pwd)];
	char hash[sizeof(n->fp_hash)], fp[sizeof(n->fp)];

	if (!copy_str(ufrag, sizeof(ufrag), m->ice_ufrag) || !ufrag[0] ||
	    !copy_str(pwd, sizeof(pwd), m->ice_pwd) || !pwd[0])
		FAIL("missing or oversized a=ice-ufrag / a=ice-pwd");
	if (!copy_str(hash, sizeof(hash), m->fingerprint_hash) || !hash[0] ||
	    !copy_str(fp, sizeof(fp), m->fingerprint) || !fp[0])
		FAIL("missing or oversized a=fingerprint");
	if (n->ice_ufrag[0] &&
	    (strcmp(ufrag, n->ice_ufrag) || strcmp(pwd, n->ice_pwd)))
		FAIL("ICE restarts are not supported");
	if (n->fp[0] && strcasecmp(fp, n->fp))
		FAIL("the DTLS fingerprint changed");
	memcpy(n->ice_ufrag, ufrag, sizeof(ufrag));
	memcpy(n->ice_pwd, pwd, sizeof(pwd));
	memcpy(n->fp_hash, hash, sizeof(hash));
	memcpy(n->fp, fp, sizeof(fp));
	if (m->setup != SFU_SETUP_UNSET)
		n->remote_setup = m->setup;
	return 0;
}

static bool in_bundle(const struct sfu_sdp *sdp, struct sfu_str mid)
{
	for (size_t i = 0; i < sdp->n_bundle; i++)
		if (sdp->bundle[i].len == mid.len &&
		    memcmp(sdp->bundle[i].p, mid.p, mid.len) == 0)
			return true;
	return false;
}

static void reject(struct sfu_msec *s, const struct sfu_sdp_media *m)
{
	s->role = SFU_MSEC_REJECTED;
	s->client_sends = s->server_sends = false;
	/* RFC 3264: a rejected section keeps its media type. */
	if (!copy_str(s->kind_text, sizeof(s->kind_text), m->kind_text))
		sfu_strlcpy(s->kind_text, "audio", sizeof(s->kind_text));
	/* The m= line needs one format; echo the offer's first one. */
	size_t len = 0;
	while (len < m->fmt_text.len && m->fmt_text.p[len] != ' ')
		len++;
	if (len == 0 || len >= sizeof(s->reject_fmt))
		sfu_strlcpy(s->reject_fmt, m->kind == SFU_SDP_APPLICATION
						   ? "webrtc-datachannel"
						   : "0",
			    sizeof(s->reject_fmt));
	else
		copy_str(s->reject_fmt, sizeof(s->reject_fmt),
			 (struct sfu_str){ m->fmt_text.p, len });
}

static void publish_ssrcs(struct sfu_msec *s, const struct sfu_sdp_media *m)
{
	s->in_ssrc = s->in_rtx_ssrc = 0;
	for (size_t i = 0; i < m->n_ssrcs && !s->in_ssrc; i++) {
		bool secondary = false;
		/* The primary SSRC is not the second member of a FID group. */
		for (size_t g = 0; g < m->n_groups; g++)
			if (sfu_str_eq(m->groups[g].semantics, "FID") &&
			    m->groups[g].n >= 2 &&
			    m->groups[g].ssrcs[1] == m->ssrcs[i].ssrc)
				secondary = true;
		if (!secondary)
			s->in_ssrc = m->ssrcs[i].ssrc;
	}
	if (s->in_ssrc)
		s->in_rtx_ssrc = sfu_sdp_rtx_ssrc(m, s->in_ssrc);
}

static void accept_exts(struct sfu_msec *s, const struct sfu_sdp_media *m)
{
	s->ext.mid = sfu_sdp_extmap_id(m, SFU_EXT_MID);
	s->ext.abs_send_time = sfu_sdp_extmap_id(m, SFU_EXT_ABS_SEND_TIME);
	s->ext.audio_level = m->kind == SFU_SDP_AUDIO
				     ? sfu_sdp_extmap_id(m, SFU_EXT_AUDIO_LEVEL)
				     : 0;
	/* transport-cc only where we send: we give no feedback to
	 * publishers, and a sender that expects it would starve. */
	s->ext.twcc = s->server_sends ? sfu_sdp_extmap_id(m, SFU_EXT_TWCC) : 0;
}

static void note(uint8_t *list, size_t *count, size_t idx)
{
	list[(*count)++] = (uint8_t)idx;
}

/* One audio/video section of a client offer. */
static void offer_media(struct sfu_msec *s, bool is_new,
			const struct sfu_sdp_media *m,
			struct sfu_nego_changes *ch, size_t idx)
{
	enum sfu_sdp_dir dir = sfu_sdp_media_dir(m);
	bool sends = dir == SFU_DIR_SENDRECV || dir == SFU_DIR_SENDONLY;
	bool receives = dir == SFU_DIR_SENDRECV || dir == SFU_DIR_RECVONLY;
	bool was_sending = !is_new && s->client_sends;

	if (is_new || s->role != SFU_MSEC_MEDIA) {
		if (!choose_codec(m, &s->codec)) {
			reject(s, m);
			return;
		}
		s->role = SFU_MSEC_MEDIA;
	} else if (!keep_codec(m, &s->codec) && !choose_codec(m, &s->codec)) {
		if (was_sending)
			note(ch->unpublished, &ch->n_unpublished, idx);
		if (s->server_sends)
			note(ch->refused, &ch->n_refused, idx);
		reject(s, m);
		return;
	}
	if (s->server_sends && !receives) {
		note(ch->refused, &ch->n_refused, idx);
		s->server_sends = false;
	}
	s->client_sends = sends;
	if (sends)
		publish_ssrcs(s, m);
	if (sends && !was_sending)
		note(ch->published, &ch->n_published, idx);
	else if (!sends && was_sending)
		note(ch->unpublished, &ch->n_unpublished, idx);
	accept_exts(s, m);
}

static void offer_section(struct sfu_nego *n, size_t i,
			  const struct sfu_sdp_media *m,
			  struct sfu_nego_changes *ch)
{
	bool is_new = i >= n->n || !n->sec[i].mid[0]; /* or recycled */
	struct sfu_msec *s = &n->sec[i];

	if (is_new) {
		memset(s, 0, sizeof(*s));
		copy_str(s->mid, sizeof(s->mid), m->mid);
		s->kind = m->kind;
	}
	if (m->port == 0) {
		if (!is_new && s->client_sends)
			note(ch->unpublished, &ch->n_unpublished, i);
		if (!is_new && s->server_sends)
			note(ch->refused, &ch->n_refused, i);
		reject(s, m);
	} else if (m->kind == SFU_SDP_APPLICATION) {
		/* RFC 8841's form, or the older draft's ("DTLS/SCTP 5000"
		 * with a=sctpmap) that some clients still send. */
		bool legacy = sfu_str_eq(m->proto, "DTLS/SCTP");
		long port = legacy ? strtol(m->fmt_text.p, NULL, 10) : 0;
		if (!legacy && !sfu_str_eq(m->fmt_text, "webrtc-datachannel")) {
			reject(s, m);
			return;
		}
		if (legacy && (port <= 0 || port > 65535)) {
			reject(s, m);
			return;
		}
		s->role = SFU_MSEC_DATA;
		s->legacy_sctp = legacy;
		s->sctp_port = legacy ? (uint16_t)port
			       : m->sctp_port ? m->sctp_port : 5000;
		s->max_message_size = m->max_message_size;
	} else if (m->kind == SFU_SDP_AUDIO || m->kind == SFU_SDP_VIDEO) {
		offer_media(s, is_new, m, ch, i);
	} else {
		reject(s, m);
	}
}

static int check_offer_shape(const struct sfu_nego *n, const struct sfu_sdp *sdp,
			     char *why, size_t whylen)
{
	if (sdp->n_media == 0)
		FAIL("the offer has no m-section");
	if (sdp->n_media > SFU_NEGO_MAX_SECTIONS)
		FAIL("more than %d m-sections", SFU_NEGO_MAX_SECTIONS);
	if (sdp->n_media < n->n)
		FAIL("m-sections may not be removed");
	if (!sdp->has_bundle)
		FAIL("BUNDLE is required (a=group:BUNDLE)");
	for (size_t i = 0; i < sdp->n_media; i++) {
		const struct sfu_sdp_media *m = &sdp->media[i];
		if (!m->mid.len || m->mid.len >= sizeof(n->sec[0].mid))
			FAIL("m-section %zu has no usable a=mid", i);
		if (i < n->n && !sfu_str_eq(m->mid, n->sec[i].mid) &&
		    n->sec[i].role != SFU_MSEC_REJECTED)
			FAIL("m-section %zu changed its mid", i);
		if (m->port == 0)
			continue;
		if (!in_bundle(sdp, m->mid))
			FAIL("m-section %.*s is not in the BUNDLE group",
			     (int)m->mid.len, m->mid.p);
		if (m->kind != SFU_SDP_APPLICATION && !m->rtcp_mux)
			FAIL("rtcp-mux is required");
	}
	return 0;
}

/* The first accepted section's transport is the bundle's. */
static const struct sfu_sdp_media *bundle_media(const struct sfu_sdp *sdp)
{
	for (size_t i = 0; i < sdp->n_media; i++)
		if (sdp->media[i].port != 0)
			return &sdp->media[i];
	return NULL;
}

int sfu_nego_apply_offer(struct sfu_nego *n, const struct sfu_sdp *sdp,
			 struct sfu_nego_changes *ch, char *why, size_t whylen)
{
	const struct sfu_sdp_media *tm;
	struct sfu_nego *t;
	int rc;

	memset(ch, 0, sizeof(*ch));
	if (n->state == SFU_NEGO_HAVE_LOCAL_OFFER || n->n > n->n_known) {
		snprintf(why, whylen, "the server's offer is pending");
		return -EBUSY;
	}
	rc = check_offer_shape(n, sdp, why, whylen);
	if (rc)
		return rc;
	if (!(tm = bundle_media(sdp)))
		FAIL("every m-section is rejected");
	t = sfu_xmalloc(sizeof(*t));
	*t = *n;
	rc = check_transport(t, tm, why, whylen);
	if (rc == 0) {
		for (size_t i = 0; i < sdp->n_media; i++) {
			if (i < t->n && t->sec[i].role == SFU_MSEC_REJECTED &&
			    !sfu_str_eq(sdp->media[i].mid, t->sec[i].mid))
				memset(&t->sec[i], 0, sizeof(t->sec[i]));
			offer_section(t, i, &sdp->media[i], ch);
			if (i >= t->n)
				t->n = i + 1;
			if (sdp->media[i].port && sdp->media[i].kind != SFU_SDP_APPLICATION)
				learn_caps(t, &sdp->media[i]);
		}
		t->allow_mixed = sdp->extmap_allow_mixed;
		*n = *t;
	}
	free(t);
	return rc;
}

/* ---- applying a client answer ------------------------------------------ */

int sfu_nego_apply_answer(struct sfu_nego *n, const struct sfu_sdp *sdp,
			  struct sfu_nego_changes *ch, char *why,
			  size_t whylen)
{
	memset(ch, 0, sizeof(*ch));
	if (n->state != SFU_NEGO_HAVE_LOCAL_OFFER)
		FAIL("there is no offer to answer");
	if (sdp->n_media != n->n_known)
		FAIL("the answer has %u m-sections, the offer %zu", sdp->n_media,
		     n->n_known);
	for (size_t i = 0; i < n->n_known; i++)
		if (!sfu_str_eq(sdp->media[i].mid, n->sec[i].mid) &&
		    n->sec[i].role != SFU_MSEC_REJECTED)
			FAIL("m-section %zu has another mid", i);
	for (size_t i = 0; i < n->n_known; i++) {
		const struct sfu_sdp_media *m = &sdp->media[i];
		struct sfu_msec *s = &n->sec[i];
		enum sfu_sdp_dir dir = sfu_sdp_media_dir(m);
		bool takes = m->port && (dir == SFU_DIR_RECVONLY ||
					 dir == SFU_DIR_SENDRECV);
		if (s->retire_offered)
			s->retiring = s->retire_offered = false;
		if (s->role != SFU_MSEC_MEDIA || !s->server_sends)
			continue;
		if (takes && sfu_sdp_format_by_pt(m, s->codec.pt)) {
			/* The answer says which of our extensions it takes. */
			s->ext.mid = s->ext.mid && sfu_sdp_extmap_id(m, SFU_EXT_MID) ? s->ext.mid : 0;
			s->ext.abs_send_time = s->ext.abs_send_time &&
					       sfu_sdp_extmap_id(m, SFU_EXT_ABS_SEND_TIME)
						       ? s->ext.abs_send_time : 0;
			s->ext.audio_level = s->ext.audio_level &&
					     sfu_sdp_extmap_id(m, SFU_EXT_AUDIO_LEVEL)
						     ? s->ext.audio_level : 0;
			s->ext.twcc = s->ext.twcc && sfu_sdp_extmap_id(m, SFU_EXT_TWCC)
					      ? s->ext.twcc : 0;
			if (!s->accepted)
				note(ch->accepted, &ch->n_accepted, i);
			s->accepted = true;
		} else {
			note(ch->refused, &ch->n_refused, i);
			s->server_sends = s->accepted = false;
		}
	}
	n->state = SFU_NEGO_STABLE;
	return 0;
}

/* ---- placing remote tracks ------------------------------------------------ */

/* apt 0: pt would be c's own payload type; else the RTX of apt. */
static bool pt_taken(const struct sfu_nego *n, uint8_t pt,
		     const struct sfu_codec_params *c, uint8_t apt)
{
	for (size_t i = 0; i < n->n; i++) {
		const struct sfu_codec_params *o = &n->sec[i].codec;
		if (n->sec[i].role != SFU_MSEC_MEDIA)
			continue;
		if (o->pt == pt && (apt || !sfu_codec_params_match(o, c)))
			return true;
		if (o->rtx_pt == pt && (!apt || o->pt != apt))
			return true;
	}
	return false;
}

static uint8_t free_pt(const struct sfu_nego *n, uint8_t want,
		       const struct sfu_codec_params *c, uint8_t apt)
{
	if (want != apt && !pt_taken(n, want, c, apt))
		return want;
	for (uint8_t pt = 96; pt < 128; pt++)
		if (pt != apt && !pt_taken(n, pt, c, apt))
			return pt;
	return 0;
}

/* The codec for sending pub's media to this client, in its PT space. */
static int subscriber_codec(const struct sfu_nego *n, enum sfu_sdp_kind kind,
			    const struct sfu_codec_params *pub,
			    struct sfu_codec_params *out)
{
	bool kind_known = false;

	for (size_t i = 0; i < n->n_caps; i++) {
		bool same_kind = (n->caps[i].codec == SFU_CODEC_OPUS) ==
				 (kind == SFU_SDP_AUDIO);
		kind_known |= same_kind;
		if (same_kind && sfu_codec_params_match(pub, &n->caps[i])) {
			*out = n->caps[i];
			return 0;
		}
	}
	if (kind_known)
		return -ENOTSUP;
	/* Nothing learnt (a receive-only client): offer the publisher's
	 * codec and let the answer decide. */
	*out = *pub;
	out->fb = kind == SFU_SDP_VIDEO ? (SFU_FB_NACK | SFU_FB_NACK_PLI |
					   SFU_FB_CCM_FIR)
					: 0;
	out->pt = free_pt(n, pub->pt, pub, 0);
	if (pub->rtx_pt) {
		out->rtx_pt = 0;
		out->rtx_pt = free_pt(n, pub->rtx_pt, out, out->pt);
		if (out->rtx_pt == out->pt)
			out->rtx_pt = 0;
	}
	return out->pt ? 0 : -ENOSPC;
}

static void unique_mid(const struct sfu_nego *n, char *out, size_t cap)
{
	for (unsigned k = (unsigned)n->n;; k++) {
		snprintf(out, cap, "%u", k);
		if (sfu_nego_find_mid(n, out, strlen(out)) < 0)
			return;
	}
}

/* The id for one of our URIs: the client's own where it used the URI,
 * else the usual WebRTC one if the client uses that id for nothing, else
 * the lowest free one. taken collects what is handed out. */
static uint8_t ext_id(const struct sfu_nego *n, uint8_t known, uint8_t usual,
		      uint16_t *taken)
{
	uint16_t busy = n->ext_used | *taken;
	uint8_t id = 0;

	if (known)
		id = known;
	else if (!(busy & (1u << usual)))
		id = usual;
	else
		for (uint8_t i = 1; i <= 14 && !id; i++)
			if (!(busy & (1u << i)))
				id = i;
	if (id >= 1 && id <= 14)
		*taken |= (uint16_t)(1u << id);
	return id;
}

static void default_exts(const struct sfu_nego *n, enum sfu_sdp_kind kind,
			 struct sfu_ext_ids *e)
{
	const struct sfu_ext_ids *k = &n->ext_known;
	uint16_t taken = 0;

	/* Known ids first, so a free one is never one the client uses. */
	if (k->audio_level && kind == SFU_SDP_AUDIO)
		taken |= (uint16_t)(1u << k->audio_level);
	e->audio_level = kind == SFU_SDP_AUDIO
				 ? ext_id(n, k->audio_level, 1, &taken)
				 : 0;
	e->abs_send_time = ext_id(n, k->abs_send_time, 2, &taken);
	e->twcc = ext_id(n, k->twcc, 3, &taken);
	e->mid = ext_id(n, k->mid, 4, &taken);
}

int sfu_nego_attach(struct sfu_nego *n, enum sfu_sdp_kind kind,
		    const struct sfu_codec_params *pub, const char *participant,
		    const char *track, uint32_t new_ssrc, uint32_t new_rtx_ssrc)
{
	struct sfu_codec_params c;
	struct sfu_msec *s = NULL;
	int rc = subscriber_codec(n, kind, pub, &c);

	if (rc)
		return rc;
	for (size_t i = 0; i < n->n && !s; i++) {
		struct sfu_msec *o = &n->sec[i];
		if (o->role == SFU_MSEC_MEDIA && o->kind == kind &&
		    !o->server_sends && !o->client_sends && !o->retiring &&
		    n->state == SFU_NEGO_STABLE)
			s = o;
	}
	if (!s) {
		if (n->n >= SFU_NEGO_MAX_SECTIONS)
			return -ENOSPC;
		s = &n->sec[n->n];
		memset(s, 0, sizeof(*s));
		unique_mid(n, s->mid, sizeof(s->mid));
		s->kind = kind;
		s->role = SFU_MSEC_MEDIA;
		s->out_ssrc = new_ssrc;
		s->out_rtx_ssrc = new_rtx_ssrc;
		n->n++;
	}
	/* Every track gets SSRCs of its own, a reused section too: browsers
	 * bind an SSRC to the track they first saw on it, and would decode
	 * the new one without ever showing it. Sequence numbers and
	 * timestamps still continue from the section's last packet. */
	s->out_ssrc = new_ssrc;
	s->out_rtx_ssrc = new_rtx_ssrc;
	s->codec = c;
	default_exts(n, kind, &s->ext);
	s->server_sends = true;
	s->accepted = false;
	sfu_strlcpy(s->pub_participant, participant, sizeof(s->pub_participant));
	sfu_strlcpy(s->pub_track, track, sizeof(s->pub_track));
	n->needs_offer = true;
	return (int)(s - n->sec);
}

void sfu_nego_detach(struct sfu_nego *n, size_t idx)
{
	struct sfu_msec *s;

	if (idx >= n->n || !n->sec[idx].server_sends)
		return;
	s = &n->sec[idx];
	s->server_sends = s->accepted = false;
	s->retiring = true;
	s->retire_offered = false;
	s->pub_participant[0] = s->pub_track[0] = '\0';
	n->needs_offer = true;
}

bool sfu_nego_should_offer(const struct sfu_nego *n)
{
	return n->needs_offer && n->answered_first &&
	       n->state == SFU_NEGO_STABLE;
}
