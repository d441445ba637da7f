/*
 * media.h - one participant's media session: its transport (peer.h), its
 * negotiation state (negotiation.h), the streams it publishes and the
 * forwards it receives, and the RTCP it exchanges. Runs on the room's
 * worker; the room (room.c) decides who subscribes to what.
 */
#ifndef SFU_MEDIA_H
#define SFU_MEDIA_H

#include "common.h"

#include "dtls.h"
#include "ice.h"
#include "negotiation.h"
#include "peer.h"
#include "sdp.h"

/* What every participant's media of one worker shares. */
struct sfu_media_env {
	struct sfu_dtls_ctx *dtls;
	struct sfu_ice_opts ice;
	int connect_timeout_ms;
	uint64_t remb_bps;  /* the bitrate we allow each publisher */
	size_t ring_video;  /* retransmission slots per video stream (2^n) */
};

struct sfu_media_ops {
	/* The transport failed: ICE, consent, DTLS or the connect timeout.
	 * Called from inside a callback: defer the teardown. */
	void (*failed)(void *owner, const char *why);
	/* A trickled local candidate ("candidate:..."). */
	void (*candidate)(void *owner, const char *cand);
	/* A message on the participant's "chat" data channel. */
	void (*chat)(void *owner, bool binary, const uint8_t *data, size_t len);
};

struct sfu_media;

/* Creates the ICE agent (gathering host candidates). NULL on failure. */
struct sfu_media *sfu_media_new(const struct sfu_media_env *env,
				const struct sfu_media_ops *ops, void *owner);
/* Frees the forwards it receives and the streams it publishes with
 * theirs (their subscribers' sections are detached, see
 * sfu_media_drop_stream). Not from inside its own callbacks. */
void sfu_media_free(struct sfu_media *m);

struct sfu_nego *sfu_media_nego(struct sfu_media *m);

/* After applying a client description: our transport parameters from it,
 * and its candidates. Returns 0 or a negative errno (why says it). */
int sfu_media_set_remote(struct sfu_media *m, const struct sfu_sdp *sdp,
			 char *why, size_t whylen);
/* Our answer / offer (malloc'd SDP text). */
char *sfu_media_answer(struct sfu_media *m);
char *sfu_media_offer(struct sfu_media *m);
int sfu_media_add_candidate(struct sfu_media *m, const char *cand, size_t len);
void sfu_media_end_of_candidates(struct sfu_media *m);

/* The client publishes on section: start receiving it as a stream. */
void sfu_media_publish(struct sfu_media *m, size_t section, const char *track);
/* The client stopped: drop the stream and detach every subscriber's
 * section that carried it (they then need an offer). */
void sfu_media_drop_stream(struct sfu_media *m, size_t section);
/* The track id of the stream published on section, or NULL. */
const char *sfu_media_stream_track(const struct sfu_media *m, size_t section);

/*
 * Make sub receive the stream pub publishes on pub_section, in a section
 * of sub's (attached through sfu_nego_attach). Returns the section index
 * or a negative errno (-ENOTSUP: sub cannot decode it; -ENOSPC: every one
 * of sub's SFU_NEGO_MAX_SECTIONS sections is in use, counted in
 * sfu_media_subscriptions_missing).
 */
int sfu_media_subscribe(struct sfu_media *sub, struct sfu_media *pub,
			size_t pub_section, const char *pub_participant);
/* Subscriptions refused with -ENOSPC since the last reset: the tracks m
 * lacks for want of a section, when every refused one is retried after
 * the reset. */
unsigned sfu_media_subscriptions_missing(const struct sfu_media *m);
void sfu_media_subscriptions_missing_reset(struct sfu_media *m);
/* Whether sub receives pub's stream of pub_section already. */
bool sfu_media_subscribed(const struct sfu_media *sub,
			  const struct sfu_media *pub, size_t pub_section);

/* A description changed sections' extension ids: forwards follow. */
void sfu_media_refresh(struct sfu_media *m);

/* The client's answer took (or refused) what section carries. */
void sfu_media_section_accepted(struct sfu_media *m, size_t section);
void sfu_media_section_refused(struct sfu_media *m, size_t section);

/* Send text on the participant's "chat" channel. Returns 0, or a negative
 * errno when it has none open or its send buffer is full (then the message
 * is dropped and counted). */
int sfu_media_send_chat(struct sfu_media *m, const char *text, size_t len);
/* A chat message of this participant's was refused (too long, not text). */
void sfu_media_chat_refused(struct sfu_media *m);

enum sfu_peer_state sfu_media_state(const struct sfu_media *m);
const struct sfu_peer *sfu_media_peer(const struct sfu_media *m);

#endif

/* ---- statistics, for the admin API (read on the worker thread) -------- */

struct sfu_stream_info {
	const char *track;
	enum sfu_sdp_kind kind;
	const char *codec;
	uint32_t ssrc;
	uint64_t packets, bytes, bitrate_bps;
	int64_t packets_lost;
	double jitter_ms;
	uint64_t nacks_sent, plis_sent, keyframes, retransmits_in;
};

struct sfu_forward_info {
	const char *track;       /* the publisher's track id */
	const char *participant; /* the publisher */
	const char *mid;
	uint32_t ssrc;
	uint64_t packets, bytes, bitrate_bps;
	uint64_t nacks_received, retransmitted, plis_received;
	int rtt_ms; /* -1 before the first RR with an LSR */
	bool active;
};

struct sfu_media_info {
	const char *ice_state, *dtls_state, *peer_state;
	const char *selected_pair; /* "" before one is chosen */
	const char *socket_owner;  /* "starling" or "libnice" */
	const char *srtp_profile;
	struct sfu_peer_counters peer;
	uint64_t rtp_unknown, rtp_bad, rtcp_bad;
	uint64_t dc_messages_in, dc_messages_out, dc_dropped;
	uint64_t subscriptions_missing; /* see sfu_media_subscribe */
};

void sfu_media_info(const struct sfu_media *m, struct sfu_media_info *out);
size_t sfu_media_stream_count(const struct sfu_media *m);
void sfu_media_stream_info(const struct sfu_media *m, size_t i,
			   struct sfu_stream_info *out);
/* Forwards m receives, by section: false where the section has none. */
bool sfu_media_forward_info(const struct sfu_media *m, size_t section,
			    struct sfu_forward_info *out);
size_t sfu_media_section_count(const struct sfu_media *m);

struct sfu_rooms_totals;
/* Add m's counters (NULL: nothing) to totals, when its participant goes. */
void sfu__media_add_totals(const struct sfu_media *m,
			   struct sfu_rooms_totals *totals);
