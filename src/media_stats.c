/*
 * media_stats.c - what a media session reports to the admin API: the
 * transport's state and counters, and per published stream and per
 * forward received. Read on the owning worker (sfu_worker_call).
 */
#include "clock.h"
#include "codec.h"
#include "media-t.h"
#include "media.h"
#include "room.h"

/* ---- statistics ----------------------------------------------------------------- */

void sfu_media_info(const struct sfu_media *m, struct sfu_media_info *out)
{
	const struct sfu_ice *ice = sfu_peer_ice(m->peer);

	memset(out, 0, sizeof(*out));
	out->peer_state = sfu_peer_state_name(sfu_peer_state(m->peer));
	out->ice_state = sfu_ice_state_name(sfu_ice_state(ice));
	out->dtls_state = sfu_dtls_state_name(sfu_peer_dtls_state(m->peer));
	out->selected_pair = sfu_ice_selected_pair(ice);
	out->socket_owner = sfu_ice_owns_socket(ice) ? "starling" : "libnice";
	out->srtp_profile = sfu_srtp_profile_name(sfu_peer_srtp_profile(m->peer));
	out->peer = *sfu_peer_counters(m->peer);
	/* sends held for a batch fail after sfu_peer_transmit returned */
	out->peer.send_errors += sfu_ice_send_errors(sfu_peer_ice(m->peer));
	out->rtp_unknown = m->n.rtp_unknown + m->n.rtp_wrong_pt;
	out->rtp_bad = m->n.rtp_bad;
	out->rtcp_bad = m->n.rtcp_bad;
	out->dc_messages_in = m->dc_in;
	out->dc_messages_out = m->dc_out;
	out->dc_dropped = m->dc_dropped;
	out->subscriptions_missing = m->n.subs_missing;
}

size_t sfu_media_stream_count(const struct sfu_media *m)
{
	return m->n_pubs;
}

void sfu_media_stream_info(const struct sfu_media *m, size_t i,
			   struct sfu_stream_info *out)
{
	const struct sfu_stream *s = m->pubs[i];
	int64_t now = sfu_now_us();

	memset(out, 0, sizeof(*out));
	out->track = s->track;
	out->kind = s->kind;
	out->codec = sfu_codec_name(s->codec.codec);
	out->ssrc = s->ssrc;
	out->packets = s->st.packets;
	out->bytes = s->st.bytes;
	out->bitrate_bps = sfu__bitrate_read(&s->st.rate, now);
	out->packets_lost = s->started
				    ? s->highest_ext - s->base_ext + 1 - (int64_t)s->received
				    : 0;
	out->jitter_ms = s->codec.clock ? s->jitter * 1000.0 / s->codec.clock : 0;
	out->nacks_sent = s->st.nacks_sent;
	out->plis_sent = s->st.plis_sent + s->st.firs_sent;
	out->keyframes = s->st.keyframes;
	out->retransmits_in = s->st.retransmits_in;
}

size_t sfu_media_section_count(const struct sfu_media *m)
{
	return m->nego.n;
}

bool sfu_media_forward_info(const struct sfu_media *m, size_t section,
			    struct sfu_forward_info *out)
{
	const struct sfu_forward *f = section < SFU_NEGO_MAX_SECTIONS
					      ? m->fwd[section]
					      : NULL;
	const struct sfu_msec *sec = &m->nego.sec[section];

	if (!f)
		return false;
	memset(out, 0, sizeof(*out));
	out->track = f->stream->track;
	out->participant = sec->pub_participant;
	out->mid = sec->mid;
	out->ssrc = f->rw.ssrc;
	out->packets = f->st.packets;
	out->bytes = f->st.bytes;
	out->bitrate_bps = sfu__bitrate_read(&f->st.rate, sfu_now_us());
	out->nacks_received = f->st.nacks_received;
	out->retransmitted = f->st.retransmitted;
	out->plis_received = f->st.plis_received;
	out->rtt_ms = f->st.rtt_ms;
	out->active = f->active;
	return true;
}

void sfu__media_add_totals(const struct sfu_media *m,
			   struct sfu_rooms_totals *t)
{
	struct sfu_forward_info fi;
	struct sfu_stream_info si;
	struct sfu_media_info mi;

	if (!m)
		return;
	sfu_media_info(m, &mi);
	t->packets_in += mi.peer.rx_packets;
	t->bytes_in += mi.peer.rx_bytes;
	t->packets_out += mi.peer.tx_packets;
	t->bytes_out += mi.peer.tx_bytes;
	for (size_t i = 0; i < m->n_pubs; i++) {
		sfu_media_stream_info(m, i, &si);
		t->nacks_sent += si.nacks_sent;
		t->plis_sent += si.plis_sent;
	}
	for (size_t i = 0; i < m->nego.n; i++) {
		if (!sfu_media_forward_info(m, i, &fi))
			continue;
		t->nacks_received += fi.nacks_received;
		t->retransmitted += fi.retransmitted;
		t->plis_received += fi.plis_received;
	}
}
