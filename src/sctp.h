/*
 * sctp.h - one participant's SCTP association (RFC 8831) over its DTLS
 * transport, with its data channels (DCEP, RFC 8832). Wraps usrsctp;
 * nothing else includes <usrsctp.h>.
 *
 * States: CONNECTING (sfu_sctp_new sent INIT) -> UP (ops->open may fire
 * for channels) -> LOST (ops->lost: abort, shutdown or failure; nothing
 * more is called) | freed.
 *
 * Threading: an association belongs to the thread that created it (its
 * worker, sfu_worker_current() at sfu_sctp_new). Every function here is
 * called on that thread, and every op is called on it, never from inside
 * usrsctp. usrsctp itself is process-global and serialised by one mutex
 * in sctp.c; its timers run from each worker's GMainContext while that
 * worker has associations (see sctp.c).
 */
#ifndef SFU_SCTP_H
#define SFU_SCTP_H

#include "common.h"

/* The a=max-message-size we advertise: the largest message we accept. */
#define SFU_SCTP_MAX_RECEIVE 262144
/* Bounds applied to the options (0 picks the default). */
#define SFU_SCTP_DEFAULT_MESSAGE 65536 /* RFC 8841: attribute absent */
#define SFU_SCTP_MAX_SEND_CAP (1024 * 1024)
#define SFU_SCTP_DEFAULT_BUFFER (256 * 1024)
#define SFU_SCTP_DEFAULT_CHANNELS 16
#define SFU_SCTP_LABEL_MAX 1024 /* longer labels or protocols are refused */
#define SFU_SCTP_STREAMS 1024

struct sfu_sctp_ops {
	/* An SCTP packet for the DTLS transport (sfu_peer_send_data). */
	void (*send)(void *arg, const uint8_t *data, size_t len);
	/* A channel opened: by the peer (DCEP OPEN, already acked), or one
	 * of ours once the peer acked it. May be NULL. */
	void (*open)(void *arg, uint16_t sid, const char *label,
		     const char *protocol);
	/* A whole, reassembled message; empty ones have len 0. */
	void (*message)(void *arg, uint16_t sid, bool binary,
			const uint8_t *data, size_t len);
	/* A channel closed (its streams were reset). May be NULL. */
	void (*closed)(void *arg, uint16_t sid);
	/* The association ended (abort, shutdown, failure). Called once;
	 * free the association afterwards (may be from inside this op). */
	void (*lost)(void *arg);
};

struct sfu_sctp_opts {
	uint16_t local_port, remote_port; /* a=sctp-port, ours and theirs */
	bool dtls_server;       /* our channels get odd ids, else even */
	size_t max_message_size; /* remote a=max-message-size; 0: 65536;
				  * capped at SFU_SCTP_MAX_SEND_CAP */
	size_t max_receive;     /* largest message we take; 0: MAX_RECEIVE */
	size_t send_buffer;     /* per channel, bytes; 0: DEFAULT_BUFFER */
	unsigned max_channels;  /* open at once; 0: DEFAULT_CHANNELS */
};

/* Counters for the stats; owned by the association. */
struct sfu_sctp_counters {
	uint64_t messages_in, messages_out, bytes_in, bytes_out;
	uint64_t dropped;    /* messages refused for a full send buffer */
	uint64_t rx_dropped; /* incoming: oversized, unknown channel, bad DCEP */
	uint64_t packets_in, packets_out;
};

struct sfu_sctp;

/*
 * Create the association and start connecting (both sides send INIT in
 * WebRTC; SCTP resolves the collision). Initialises usrsctp on first use.
 * Returns NULL if usrsctp refuses the socket.
 */
struct sfu_sctp *sfu_sctp_new(const struct sfu_sctp_opts *o,
			      const struct sfu_sctp_ops *ops, void *arg);

/*
 * Abort the association if it is still up (the peer sees an ABORT at
 * once: the DTLS transport goes away with the participant, so a
 * SHUTDOWN handshake could not finish), release it in usrsctp and free
 * it. The ABORT goes out through ops->send before this returns; no op
 * is called afterwards. Owner thread only; safe from inside an op.
 * NULL is a no-op.
 */
void sfu_sctp_free(struct sfu_sctp *s);

/* Begin a graceful SHUTDOWN (after queued data is acknowledged);
 * ops->lost follows when it completes. Returns 0 or -ENOTCONN. */
int sfu_sctp_shutdown(struct sfu_sctp *s);

/* An SCTP packet from DTLS application data. */
void sfu_sctp_input(struct sfu_sctp *s, const uint8_t *data, size_t len);

/*
 * Send a whole message on channel sid. Returns 0 (sent or queued),
 * -EMSGSIZE over max_message_size, -ENOBUFS when the channel's send
 * buffer is full (the message is dropped and counted), -ENOTCONN when
 * the association is not up or sid is not an open channel.
 */
int sfu_sctp_send(struct sfu_sctp *s, uint16_t sid, bool binary,
		  const uint8_t *data, size_t len);

/*
 * Open a channel of ours with DCEP: ordered or not, reliable
 * (max_rexmit < 0) or with at most max_rexmit retransmissions. Returns
 * its stream id (messages may be sent at once; ops->open fires on the
 * ACK), -ENOTCONN before the association is up, -EMFILE when out of
 * streams or channels, -EINVAL for a label or protocol that is too long.
 */
int sfu_sctp_open_channel(struct sfu_sctp *s, const char *label,
			  const char *protocol, bool ordered, int max_rexmit);

/* Close channel sid by resetting its outgoing stream (RFC 8831 6.7);
 * ops->closed fires when the peer has reset its side too. */
void sfu_sctp_close_channel(struct sfu_sctp *s, uint16_t sid);

/* Whether the association is up (COMM_UP seen, not lost). */
bool sfu_sctp_is_up(const struct sfu_sctp *s);

const struct sfu_sctp_counters *sfu_sctp_counters(const struct sfu_sctp *s);

/*
 * Advance usrsctp's clock by ms and run its expired timers; results go
 * to the associations' owners. The workers' timer sources do this with
 * the measured time; tests call it to simulate time.
 */
void sfu_sctp_advance(uint32_t ms);

/*
 * Release usrsctp's global state (usrsctp_finish) once every
 * association is freed; for the server's shutdown and tests. usrsctp is
 * initialised again on the next sfu_sctp_new. Returns 0, or -EBUSY if
 * associations remain.
 */
int sfu_sctp_global_shutdown(void);

#endif
