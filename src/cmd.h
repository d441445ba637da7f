/*
 * cmd.h - what crosses between the control thread and the media workers.
 *
 * Control -> worker: struct sfu_cmd, posted to the worker that owns the
 * room (rooms are pinned to a worker by a hash of their name). Everything
 * is copied into the command, so no pointer into control-thread state
 * crosses the thread boundary; participants are named by session id.
 *
 * Worker -> control: struct sfu_event, handed synchronously (on the worker
 * thread) to the emit hook, which renders it and posts the text to the
 * control thread's mailbox. Events point into worker-owned objects that
 * are valid only during the call.
 */
#ifndef SFU_CMD_H
#define SFU_CMD_H

#include "common.h"

#include "mailbox.h"
#include "names.h"

/* The contract's error codes (PROTOCOL 1). */
enum sfu_err {
	SFU_ERR_NONE = 0,
	SFU_ERR_BAD_REQUEST,
	SFU_ERR_INVALID_ROOM,
	SFU_ERR_UNAUTHORIZED,
	SFU_ERR_ROOM_FULL,
	SFU_ERR_NOT_JOINED,
	SFU_ERR_ALREADY_JOINED,
	SFU_ERR_BAD_SDP,
	SFU_ERR_GLARE,
	SFU_ERR_RATE_LIMITED,
	SFU_ERR_TOO_LARGE,
	SFU_ERR_INTERNAL,
};

const char *sfu_err_code(enum sfu_err err);

enum sfu_cmd_type {
	SFU_CMD_JOIN,
	SFU_CMD_LEAVE,
	SFU_CMD_MUTE,
	SFU_CMD_DISCONNECT, /* the socket dropped: start the grace period */
	SFU_CMD_OFFER,
	SFU_CMD_ANSWER,
	SFU_CMD_CANDIDATE,
};

#define SFU_MAX_LABELS 16
#define SFU_LABEL_MAX 64

/* A label the client gave a section it sends on (offer "tracks"). */
struct sfu_cmd_label {
	char mid[33];
	char label[SFU_LABEL_MAX + 1];
};

struct sfu_cmd {
	struct sfu_mailbox_node node;
	enum sfu_cmd_type type;
	uint64_t session;  /* control's id for the WebSocket */
	uint32_t join_seq; /* which join of this session it belongs to */
	uint64_t seq;      /* the session's command number (see DONE) */
	char req_id[SFU_REQ_ID_MAX]; /* the request's "id" as JSON text, or "" */
	char room[SFU_ROOM_NAME_MAX + 1];
	/* JOIN */
	char name[SFU_DISPLAY_NAME_MAX_BYTES + 1];
	char resume[SFU_TOKEN_LEN + 1];
	bool can_publish;
	/* MUTE */
	char track[SFU_ID_MAX + 1];
	bool muted;
	/* OFFER, ANSWER: the SDP; CANDIDATE: "candidate:..." (owned) */
	char *text;
	size_t text_len;
	struct sfu_cmd_label labels[SFU_MAX_LABELS];
	size_t n_labels;
	bool end_of_candidates; /* CANDIDATE: null */
};

struct sfu_cmd *sfu_cmd_new(enum sfu_cmd_type type, uint64_t session);
void sfu_cmd_free(struct sfu_cmd *cmd);
/* For sfu_mailbox_free(). */
void sfu_cmd_free_node(struct sfu_mailbox_node *node);

struct sfu_room;
struct sfu_participant;
struct sfu_track;

enum sfu_event_type {
	SFU_EV_JOINED,             /* to the joiner */
	SFU_EV_ERROR,              /* to the requester */
	SFU_EV_PARTICIPANT_JOINED, /* to each other participant */
	SFU_EV_PARTICIPANT_LEFT,   /* to each other participant */
	SFU_EV_TRACK_MUTED,        /* to each other participant */
	SFU_EV_KICKED,             /* to the kicked one; the socket closes */
	SFU_EV_ROOM_CLOSED,        /* to everyone; the sockets close */
	SFU_EV_ANSWER,             /* to the offerer: sdp */
	SFU_EV_OFFER,              /* to a participant: sdp, nego */
	SFU_EV_CANDIDATE,          /* to a participant: candidate, mid */
	SFU_EV_TRACK_ADDED,        /* to each other participant */
	SFU_EV_TRACK_REMOVED,      /* to each other participant */
	SFU_EV_DONE,               /* the worker finished command seq */
};

struct sfu_nego;

/* What the control thread should believe about the session afterwards. */
enum sfu_session_effect {
	SFU_EFFECT_NONE,
	SFU_EFFECT_JOINED, /* the join of join_seq succeeded */
	SFU_EFFECT_IDLE,   /* the join of join_seq failed or ended */
};

struct sfu_event {
	enum sfu_event_type type;
	uint64_t to;       /* recipient session */
	const char *req_id; /* JSON text of the request id, or "" */
	uint32_t join_seq;
	enum sfu_session_effect effect;
	const struct sfu_room *room;
	const struct sfu_participant *who; /* subject of the event */
	const struct sfu_track *track;
	enum sfu_err err;
	const char *message; /* ERROR: human text */
	const char *reason;  /* KICKED, ROOM_CLOSED */
	bool resumed;        /* JOINED */
	const char *sdp;     /* ANSWER, OFFER */
	const struct sfu_nego *nego; /* OFFER: for the mid -> track map */
	const char *candidate; /* CANDIDATE */
	const char *mid;       /* CANDIDATE: the BUNDLE-tag section */
	uint64_t seq;          /* DONE */
};

typedef void (*sfu_emit_fn)(void *ctx, const struct sfu_event *ev);

#endif
