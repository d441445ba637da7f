/*
 * client-int.h - the participant's insides, shared by client.c (SDP,
 * Starling's signaling, lifecycle), client_media.c (media, accounting,
 * the peers' callbacks) and janus.c (Janus VideoRoom signaling). Not
 * for main.c.
 */
#ifndef BENCH_CLIENT_INT_H
#define BENCH_CLIENT_INT_H

#include <glib.h>
#include <jansson.h>

#include "client.h"
#include "peer.h"
#include "sdp.h"
#include "ws.h"

#define AUDIO_PT 111
#define VIDEO_PT 96
#define MID_AUDIO "0"
#define MID_VIDEO "1"
#define MID_DATA "2"
#define RING 256 /* sent video packets kept for NACKs */

struct ring_slot {
	uint16_t seq;
	uint16_t len;
	bool used;
	uint8_t pkt[BENCH_PKT_MAX];
};

/* Janus VideoRoom state (janus.c): one session, a publisher handle and
 * one multistream subscriber handle, each with its own PeerConnection. */
struct janus_state {
	uint64_t session, pub_handle, sub_handle, feed_id;
	uint64_t room;
	struct sfu_peer *sub_peer;      /* receives everyone else */
	bool sub_joined;                /* subscriber handle joined */
	bool sub_busy;                  /* a subscribe/offer round is open */
	bool sub_remote_set;
	GArray *subscribed;             /* feed ids asked for */
	GArray *pending;                /* feed ids to ask for */
	GSource *keepalive;
	unsigned txn;
};

struct bench_client {
	struct bench_env *env;
	unsigned index;
	char *room, *name, *you;
	struct bws *ws;
	struct sfu_peer *peer; /* publishes (and, for Starling, receives) */
	bool remote_set, sending, stopped, connected;
	char failure[256];
	int64_t join_ns, connected_ns;
	int next_id;

	struct synth_stream audio, video;
	uint32_t audio_ssrc, video_ssrc, rtcp_ssrc;
	int64_t next_audio_ns, next_video_ns, last_key_ns;
	uint64_t frames;
	uint16_t picture_id;
	bool want_key;
	GSource *timer;
	struct synth_frame *frame;
	struct ring_slot *ring;

	struct bench_sub **subs; /* [n_senders * 2] */
	struct bench_client_counters n;

	struct janus_state j;
};

/* client.c, for janus.c and client_media.c */
void bclient_fail(struct bench_client *c, const char *fmt, ...) SFU_PRINTF(2, 3);
void bclient_send_json(struct bench_client *c, json_t *msg);
/* Our first offer: audio + video sendonly (+ the data section). */
char *bclient_offer_sdp(struct bench_client *c, bool data);
/* The answer to a remote offer; own: sections MID_AUDIO/MID_VIDEO are
 * ours (Starling's single PeerConnection), else everything is received.
 * candidates: put our candidates in the first section. NULL on a bad
 * offer (failure set). */
char *bclient_answer_sdp(struct bench_client *c, struct sfu_peer *pc,
			 const char *offer, bool own, bool candidates);
/* Apply a remote description's transport and candidates to pc. */
int bclient_apply_remote(struct bench_client *c, struct sfu_peer *pc,
			 const char *sdp, bool is_offer);

/* client_media.c, for client.c and janus.c */
/* The publishing peer's ops (state CONNECTED starts sending) and the
 * receive-only peer's. */
extern const struct sfu_peer_ops bclient_pub_ops, bclient_sub_ops;
struct sfu_peer *bclient_new_peer(struct bench_client *c, bool controlling,
				  const struct sfu_peer_ops *ops);

/* janus.c */
int janus_start(struct bench_client *c);
void janus_message(struct bench_client *c, json_t *msg);
void janus_free(struct bench_client *c);

#endif
