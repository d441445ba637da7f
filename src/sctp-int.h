/*
 * sctp-int.h - what sctp.c (the usrsctp glue: global state, timers,
 * events, the socket) and sctp_channel.c (data channels: DCEP, send
 * queues, reassembly, stream resets) share. Not for other modules.
 *
 * Fields marked "lock" belong to sctp.c and are only touched under its
 * process-wide mutex; everything else belongs to the owner thread.
 */
#ifndef SFU_SCTP_INT_H
#define SFU_SCTP_INT_H

#include "sctp.h"

struct socket;
struct sfu_worker;
struct sfu__sctp_ev;
struct sfu__sctp_tick;

/* A message waiting for room in usrsctp's send buffer. */
struct sfu__sctp_msg {
	struct sfu__sctp_msg *next;
	uint32_t ppid;
	size_t len;
	uint8_t data[];
};

struct sfu__sctp_channel {
	uint16_t sid;
	uint8_t type; /* enum sfu_dcep_channel */
	uint32_t reliability;
	bool ours, acked, closing;
	char *label, *protocol;
	struct sfu__sctp_msg *q_head, **q_tail;
	size_t q_bytes;
};

/* Per-stream outgoing reset state (sfu_sctp.rs). */
#define SFU__RS_WANT 1    /* to be requested */
#define SFU__RS_PENDING 2 /* requested, not yet done */

struct sfu_sctp {
	/* lock */
	void *key; /* AF_CONN address and ulp_info: a never-reused id */
	struct socket *sock;
	struct sfu__sctp_ev *ev_head, **ev_tail;
	unsigned refs;
	bool posted, on_local, writable_pending;
	struct sfu_sctp *local_next;
	struct sfu__sctp_tick *tick;
	/* Set at creation. */
	struct sfu_worker *owner;
	struct sfu_sctp_opts o;
	const struct sfu_sctp_ops *ops;
	void *arg;
	/* Owner thread. */
	bool up, lost, dead, dispatching;
	uint16_t n_out, n_in;
	struct sfu__sctp_channel **ch; /* by sid, SFU_SCTP_STREAMS */
	unsigned n_channels, rr;
	size_t queued; /* messages in all channel queues */
	struct {
		bool active, discard;
		uint16_t sid;
		uint8_t *buf;
		size_t len, cap;
	} r;
	uint8_t rs[SFU_SCTP_STREAMS];
	struct sfu_sctp_counters c;
};

/* Partial reliability policies for sfu__sctp_sendv. */
enum sfu__sctp_pr { SFU__PR_NONE, SFU__PR_RTX, SFU__PR_TTL };

/* sctp.c */
void sfu__sctp_hold(struct sfu_sctp *s);
void sfu__sctp_unref(struct sfu_sctp *s);
/* Bracket an API call on s's channels: holds s, and defers its ops
 * (which could free channels under the caller) to sfu__sctp_end. */
bool sfu__sctp_begin(struct sfu_sctp *s);
void sfu__sctp_end(struct sfu_sctp *s, bool was);
/* One whole message to usrsctp. 0, -EAGAIN without room, or -errno. */
int sfu__sctp_sendv(struct sfu_sctp *s, uint16_t sid, uint32_t ppid,
		    bool unordered, enum sfu__sctp_pr pr, uint32_t pr_value,
		    const uint8_t *data, size_t len);
/* Reset the n outgoing streams in list. 0 or -errno (-EALREADY...). */
int sfu__sctp_reset_streams(struct sfu_sctp *s, const uint16_t *list,
			    size_t n);

/* sctp_channel.c, called by sctp.c on the owner thread */
void sfu__sctp_data(struct sfu_sctp *s, uint16_t sid, uint32_t ppid,
		    bool eor, const uint8_t *data, size_t len);
void sfu__sctp_drain(struct sfu_sctp *s);
/* The peer reset its outgoing stream sid (our incoming). */
void sfu__sctp_peer_reset(struct sfu_sctp *s, uint16_t sid);
/* Our outgoing reset of sid finished (or failed); retry waiting ones. */
void sfu__sctp_reset_done(struct sfu_sctp *s, const uint16_t *list,
			  size_t n);
void sfu__sctp_reasm_abort(struct sfu_sctp *s, uint16_t sid);
void sfu__sctp_lost(struct sfu_sctp *s, const char *why);
void sfu__sctp_channels_free(struct sfu_sctp *s);

#endif
