/*
 * negotiation_sdp.c - writes our answers and offers from the section list
 * (negotiation.h). Every description carries the whole list in order;
 * an offer and an answer differ only in what the state machine does.
 */
#include "negotiation.h"

#include <stdio.h>
#include <stdlib.h>

static const char *dir_of(const struct sfu_msec *s)
{
	if (s->server_sends)
		return s->client_sends ? "sendrecv" : "sendonly";
	return s->client_sends ? "recvonly" : "inactive";
}

static void write_session(struct sfu_sdp_writer *w, const struct sfu_nego *n)
{
	char group[SFU_NEGO_MAX_SECTIONS * 34 + 16];
	size_t len = (size_t)snprintf(group, sizeof(group), "a=group:BUNDLE");

	sfu_sdp_line(w, "v=0");
	sfu_sdp_line(w, "o=- %llu %u IN IP4 0.0.0.0",
		     (unsigned long long)n->sess_id, n->version);
	sfu_sdp_line(w, "s=-");
	sfu_sdp_line(w, "t=0 0");
	for (size_t i = 0; i < n->n; i++)
		if (n->sec[i].role != SFU_MSEC_REJECTED)
			len += (size_t)snprintf(group + len, sizeof(group) - len,
						" %s", n->sec[i].mid);
	sfu_sdp_line(w, "%s", group);
	if (n->allow_mixed)
		sfu_sdp_line(w, "a=extmap-allow-mixed");
	sfu_sdp_line(w, "a=msid-semantic: WMS *");
}

static void write_transport(struct sfu_sdp_writer *w,
			    const struct sfu_local_desc *l, bool first)
{
	/* Offers say actpass (JSEP requires it, and strict answerers check);
	 * the answerer keeps the roles the first exchange settled. */
	const char *setup = l->offer ? "actpass"
			    : l->dtls_server ? "passive" : "active";

	sfu_sdp_line(w, "c=IN IP4 0.0.0.0");
	sfu_sdp_line(w, "a=ice-ufrag:%s", l->ice_ufrag);
	sfu_sdp_line(w, "a=ice-pwd:%s", l->ice_pwd);
	sfu_sdp_line(w, "a=ice-options:trickle");
	sfu_sdp_line(w, "a=fingerprint:sha-256 %s", l->fingerprint);
	sfu_sdp_line(w, "a=setup:%s", setup);
	/* Candidates once, in the BUNDLE-tag section; they are the
	 * transport's, not a section's. */
	if (!first)
		return;
	for (size_t i = 0; i < l->n_candidates; i++)
		sfu_sdp_line(w, "a=%s", l->candidates[i]);
}

static void write_codec(struct sfu_sdp_writer *w, const struct sfu_codec_params *c)
{
	const char *name = sfu_codec_name(c->codec);

	if (c->channels > 1)
		sfu_sdp_line(w, "a=rtpmap:%u %s/%u/%u", c->pt, name, c->clock,
			     c->channels);
	else
		sfu_sdp_line(w, "a=rtpmap:%u %s/%u", c->pt, name, c->clock);
	if (c->fb & SFU_FB_REMB)
		sfu_sdp_line(w, "a=rtcp-fb:%u goog-remb", c->pt);
	if (c->fb & SFU_FB_TWCC)
		sfu_sdp_line(w, "a=rtcp-fb:%u transport-cc", c->pt);
	if (c->fb & SFU_FB_CCM_FIR)
		sfu_sdp_line(w, "a=rtcp-fb:%u ccm fir", c->pt);
	if (c->fb & SFU_FB_NACK)
		sfu_sdp_line(w, "a=rtcp-fb:%u nack", c->pt);
	if (c->fb & SFU_FB_NACK_PLI)
		sfu_sdp_line(w, "a=rtcp-fb:%u nack pli", c->pt);
	if (c->fmtp[0])
		sfu_sdp_line(w, "a=fmtp:%u %s", c->pt, c->fmtp);
	if (c->rtx_pt) {
		sfu_sdp_line(w, "a=rtpmap:%u rtx/%u", c->rtx_pt, c->clock);
		sfu_sdp_line(w, "a=fmtp:%u apt=%u", c->rtx_pt, c->pt);
	}
}

static void write_exts(struct sfu_sdp_writer *w, const struct sfu_msec *s)
{
	if (s->ext.audio_level)
		sfu_sdp_line(w, "a=extmap:%u %s", s->ext.audio_level,
			     SFU_EXT_AUDIO_LEVEL);
	if (s->ext.abs_send_time)
		sfu_sdp_line(w, "a=extmap:%u %s", s->ext.abs_send_time,
			     SFU_EXT_ABS_SEND_TIME);
	if (s->ext.twcc)
		sfu_sdp_line(w, "a=extmap:%u %s", s->ext.twcc, SFU_EXT_TWCC);
	if (s->ext.mid)
		sfu_sdp_line(w, "a=extmap:%u %s", s->ext.mid, SFU_EXT_MID);
}

static void write_ssrcs(struct sfu_sdp_writer *w, const struct sfu_msec *s,
			const char *cname)
{
	const uint32_t ssrcs[2] = { s->out_ssrc, s->codec.rtx_pt ? s->out_rtx_ssrc : 0 };

	sfu_sdp_line(w, "a=msid:%s %s", s->pub_participant, s->pub_track);
	if (ssrcs[1])
		sfu_sdp_line(w, "a=ssrc-group:FID %u %u", ssrcs[0], ssrcs[1]);
	for (int i = 0; i < 2 && ssrcs[i]; i++) {
		sfu_sdp_line(w, "a=ssrc:%u cname:%s", ssrcs[i], cname);
		sfu_sdp_line(w, "a=ssrc:%u msid:%s %s", ssrcs[i],
			     s->pub_participant, s->pub_track);
	}
}

static void write_media(struct sfu_sdp_writer *w, const struct sfu_msec *s,
			const struct sfu_local_desc *l, bool first)
{
	struct sfu_codec_params c = s->codec;

	if (s->server_sends && (c.fb & SFU_FB_NACK) == 0)
		c.rtx_pt = 0; /* RTX only answers NACKs */
	if (s->server_sends && s->ext.twcc)
		c.fb |= SFU_FB_TWCC;
	if (c.rtx_pt)
		sfu_sdp_line(w, "m=%s 9 UDP/TLS/RTP/SAVPF %u %u",
			     s->kind == SFU_SDP_AUDIO ? "audio" : "video", c.pt,
			     c.rtx_pt);
	else
		sfu_sdp_line(w, "m=%s 9 UDP/TLS/RTP/SAVPF %u",
			     s->kind == SFU_SDP_AUDIO ? "audio" : "video", c.pt);
	write_transport(w, l, first);
	sfu_sdp_line(w, "a=mid:%s", s->mid);
	write_exts(w, s);
	sfu_sdp_line(w, "a=%s", dir_of(s));
	sfu_sdp_line(w, "a=rtcp-mux");
	sfu_sdp_line(w, "a=rtcp-rsize");
	write_codec(w, &c);
	if (s->server_sends)
		write_ssrcs(w, s, l->cname);
}

static void write_section(struct sfu_sdp_writer *w, const struct sfu_msec *s,
			  const struct sfu_local_desc *l, bool first)
{
	static const char *const kinds[] = { "audio", "video", "application",
					     "audio" };

	switch (s->role) {
	case SFU_MSEC_MEDIA:
		write_media(w, s, l, first);
		break;
	case SFU_MSEC_DATA:
		/* Our own SCTP port is always 5000; sctp_port is the peer's. */
		if (s->legacy_sctp)
			sfu_sdp_line(w, "m=application 9 DTLS/SCTP %u", 5000u);
		else
			sfu_sdp_line(w, "m=application 9 UDP/DTLS/SCTP webrtc-datachannel");
		write_transport(w, l, first);
		sfu_sdp_line(w, "a=mid:%s", s->mid);
		if (s->legacy_sctp) {
			sfu_sdp_line(w, "a=sctpmap:%u webrtc-datachannel 65535",
				     5000u);
		} else {
			sfu_sdp_line(w, "a=sctp-port:%u", 5000u);
			sfu_sdp_line(w, "a=max-message-size:%u", 262144u);
		}
		break;
	case SFU_MSEC_REJECTED:
		sfu_sdp_line(w, "m=%s 0 %s %s",
			     s->kind_text[0] ? s->kind_text : kinds[s->kind],
			     s->kind == SFU_SDP_APPLICATION ? "UDP/DTLS/SCTP"
							    : "UDP/TLS/RTP/SAVPF",
			     s->reject_fmt[0] ? s->reject_fmt : "0");
		/* Transport lines too: some clients check every section. */
		write_transport(w, l, false);
		sfu_sdp_line(w, "a=mid:%s", s->mid);
		sfu_sdp_line(w, "a=inactive");
		break;
	}
}

static char *write_all(struct sfu_nego *n, const struct sfu_local_desc *l)
{
	struct sfu_sdp_writer w;
	bool first = true;

	sfu_sdp_writer_init(&w);
	write_session(&w, n);
	for (size_t i = 0; i < n->n; i++) {
		bool tag = first && n->sec[i].role != SFU_MSEC_REJECTED;
		write_section(&w, &n->sec[i], l, tag);
		if (tag) {
			if (l->end_of_candidates)
				sfu_sdp_line(&w, "a=end-of-candidates");
			first = false;
		}
	}
	return sfu_sdp_writer_take(&w);
}

char *sfu_nego_answer(struct sfu_nego *n, const struct sfu_local_desc *l)
{
	struct sfu_local_desc a = *l;

	a.offer = false;
	l = &a;
	n->answered_first = true;
	n->n_known = n->n;
	n->version++;
	return write_all(n, l);
}

char *sfu_nego_offer(struct sfu_nego *n, const struct sfu_local_desc *l)
{
	struct sfu_local_desc o = *l;

	o.offer = true;
	l = &o;
	n->version++;
	n->state = SFU_NEGO_HAVE_LOCAL_OFFER;
	n->needs_offer = false;
	n->n_known = n->n;
	for (size_t i = 0; i < n->n; i++)
		n->sec[i].retire_offered = n->sec[i].retiring;
	return write_all(n, l);
}
