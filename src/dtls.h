/*
 * dtls.h - DTLS 1.2 for DTLS-SRTP (RFC 5764) and, later, SCTP: OpenSSL
 * through a memory BIO for input and a datagram-preserving BIO for output.
 *
 * States: NEW -> CONNECTING (handshake) -> CONNECTED (keys exported,
 * remote fingerprint verified) | FAILED; CONNECTED -> CLOSED (peer's
 * close_notify or sfu_dtls_close). Runs on the owning worker's thread.
 */
#ifndef SFU_DTLS_H
#define SFU_DTLS_H

#include "common.h"

#include "cert.h"
#include "srtp.h"

enum sfu_dtls_state {
	SFU_DTLS_NEW,
	SFU_DTLS_CONNECTING,
	SFU_DTLS_CONNECTED,
	SFU_DTLS_FAILED,
	SFU_DTLS_CLOSED,
};

const char *sfu_dtls_state_name(enum sfu_dtls_state s);

struct sfu_dtls_ops {
	/* Send one datagram to the peer. */
	void (*send)(void *arg, const uint8_t *data, size_t len);
	/* The handshake finished and the fingerprint matched. */
	void (*connected)(void *arg, const struct sfu_srtp_keys *keys);
	/* The handshake failed, or the peer closed. */
	void (*failed)(void *arg, const char *why);
	/* Application data (SCTP); may be NULL. */
	void (*data)(void *arg, const uint8_t *data, size_t len);
};

/* One per process: the SSL_CTX with our certificate and SRTP profiles,
 * AEAD_AES_128_GCM preferred over AES_CM_128_HMAC_SHA1_80. */
struct sfu_dtls_ctx;
struct sfu_dtls_ctx *sfu_dtls_ctx_new(const struct sfu_cert *cert);
void sfu_dtls_ctx_free(struct sfu_dtls_ctx *ctx);
/* Our certificate's fingerprint ("AB:CD:...", SHA-256). */
const char *sfu__dtls_ctx_fingerprint(const struct sfu_dtls_ctx *ctx);

struct sfu_dtls;

/*
 * is_server: we wait for the ClientHello (we answered a=setup:passive).
 * fp_hash/fp: the remote a=fingerprint ("sha-256", "AB:CD:...").
 * NULL for an unknown hash function.
 */
struct sfu_dtls *sfu_dtls_new(struct sfu_dtls_ctx *ctx, bool is_server,
			      const char *fp_hash, const char *fp,
			      const struct sfu_dtls_ops *ops, void *arg);
void sfu_dtls_free(struct sfu_dtls *d);

/* Begin: a client sends its ClientHello; a server just waits. */
void sfu_dtls_start(struct sfu_dtls *d);
/* Feed one received DTLS datagram. */
void sfu_dtls_input(struct sfu_dtls *d, const uint8_t *data, size_t len);
/* Milliseconds until sfu_dtls_timeout() must run, or -1 for none. */
int sfu_dtls_timeout_ms(struct sfu_dtls *d);
void sfu_dtls_timeout(struct sfu_dtls *d);
/* Send application data once CONNECTED. Returns 0 or -ENOTCONN/-EIO. */
int sfu_dtls_send(struct sfu_dtls *d, const uint8_t *data, size_t len);
/* Send close_notify. */
void sfu_dtls_close(struct sfu_dtls *d);

enum sfu_dtls_state sfu_dtls_state(const struct sfu_dtls *d);
bool sfu_dtls_is_server(const struct sfu_dtls *d);

#endif
