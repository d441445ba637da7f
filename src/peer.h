/*
 * peer.h - one participant's transport: ICE (ice.c) carrying DTLS
 * (dtls.c) and SRTP (srtp.c), with RFC 7983 demultiplexing (demux.c).
 * The domain above sees decrypted RTP and RTCP, and hands packets to send.
 *
 * States: NEW (agent gathering) -> CONNECTING (remote description set,
 * ICE checks and DTLS handshake) -> CONNECTED (SRTP keys in place) ->
 * FAILED (ICE failed, consent lost, DTLS failed, or no connection within
 * the connect timeout) | CLOSED (freed).
 */
#ifndef SFU_PEER_H
#define SFU_PEER_H

#include "common.h"

#include "dtls.h"
#include "ice.h"
#include "srtp.h"

enum sfu_peer_state {
	SFU_PEER_NEW,
	SFU_PEER_CONNECTING,
	SFU_PEER_CONNECTED,
	SFU_PEER_FAILED,
};

const char *sfu_peer_state_name(enum sfu_peer_state s);

struct sfu_peer_ops {
	/* Decrypted RTP / RTCP; the buffer may be modified and is the
	 * peer's until return. */
	void (*rtp)(void *arg, uint8_t *pkt, size_t len);
	void (*rtcp)(void *arg, uint8_t *pkt, size_t len);
	void (*state)(void *arg, enum sfu_peer_state state, const char *why);
	/* A trickled local candidate ("candidate:..."); may be NULL. */
	void (*candidate)(void *arg, const char *cand);
	/* DTLS application data (SCTP); may be NULL. */
	void (*data)(void *arg, const uint8_t *data, size_t len);
};

struct sfu_peer_opts {
	struct sfu_ice_opts ice;
	struct sfu_dtls_ctx *dtls;
	int connect_timeout_ms; /* from the remote description to CONNECTED */
};

/* Per-peer counters of what was dropped, for the stats. */
struct sfu_peer_counters {
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t dropped_unknown, dropped_srtp, dropped_early, send_errors;
};

struct sfu_peer;

struct sfu_peer *sfu_peer_new(const struct sfu_peer_opts *opts,
			      const struct sfu_peer_ops *ops, void *arg);
/* Safe from inside the peer's own callbacks. */
void sfu_peer_free(struct sfu_peer *p);

/*
 * Apply the remote description's transport: ICE credentials, the DTLS
 * fingerprint, and our DTLS role. The first call starts the connect
 * timer and DTLS; later calls must repeat the same values (no ICE
 * restart): -ENOTSUP otherwise, -EINVAL on bad values.
 */
int sfu_peer_set_remote(struct sfu_peer *p, const char *ufrag, const char *pwd,
			const char *fp_hash, const char *fp, bool dtls_server);
int sfu_peer_add_candidate(struct sfu_peer *p, const char *cand, size_t len);
void sfu_peer_end_of_candidates(struct sfu_peer *p);

/*
 * Protect and send. pkt must have SFU_SRTP_TRAILER spare bytes after len.
 * Returns 0, -ENOTCONN before CONNECTED, or another negative errno.
 */
int sfu_peer_send_rtp(struct sfu_peer *p, uint8_t *pkt, size_t len);
int sfu_peer_send_rtcp(struct sfu_peer *p, uint8_t *pkt, size_t len);
/*
 * The two halves of sfu_peer_send_rtp, for a caller that protects a
 * packet's copies for several peers before sending any of them (the
 * crypto code and the kernel's send path each stay warm in the cache for
 * the whole run). protect updates *len; transmit takes what it left.
 */
int sfu_peer_protect_rtp(struct sfu_peer *p, uint8_t *pkt, size_t *len);
int sfu_peer_transmit(struct sfu_peer *p, const uint8_t *pkt, size_t len);
/* DTLS application data (SCTP). */
int sfu_peer_send_data(struct sfu_peer *p, const uint8_t *data, size_t len);

enum sfu_peer_state sfu_peer_state(const struct sfu_peer *p);
const struct sfu_ice *sfu_peer_ice(const struct sfu_peer *p);
enum sfu_dtls_state sfu_peer_dtls_state(const struct sfu_peer *p);
enum sfu_srtp_profile sfu_peer_srtp_profile(const struct sfu_peer *p);
const struct sfu_peer_counters *sfu_peer_counters(const struct sfu_peer *p);
/* Whether we are the DTLS server (answer a=setup:passive). */
bool sfu_peer_dtls_server(const struct sfu_peer *p);

#endif
