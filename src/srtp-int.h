/*
 * srtp-int.h - what srtp.c (the libsrtp sessions) and srtp_gcm.c (our
 * own outbound AEAD_AES_128_GCM RTP protect) share, and the hooks the
 * unit test and the fuzz target use. Not for other modules.
 */
#ifndef SFU_SRTP_INT_H
#define SFU_SRTP_INT_H

#include "srtp.h"

/* Replay window of every libsrtp session (srtp.c) and the distance back
 * that an outbound packet's index may have from the highest one sent:
 * libsrtp's protect refuses one older than its window even with repeated
 * indexes allowed, and srtp_gcm.c refuses the same ones. */
#define SFU__SRTP_WINDOW 1024

/* The GCM master key and master salt (RFC 7714: 128 and 96 bits). */
#define SFU__SRTP_GCM_KEY 16
#define SFU__SRTP_GCM_SALT 12

/* Most SSRCs srtp_gcm.c tracks per session (its table grows to hold
 * them); RTP from further ones goes to libsrtp (sfu__srtp_gcm_protect
 * returns SFU__SRTP_GCM_FULL). */
#define SFU__SRTP_GCM_SSRCS 6144
#define SFU__SRTP_GCM_FULL 1

struct sfu__srtp_gcm;

/* An outbound session from master key || master salt (28 bytes, as
 * sfu_srtp_keys holds them). NULL if OpenSSL fails. */
struct sfu__srtp_gcm *sfu__srtp_gcm_new(const uint8_t *master);
void sfu__srtp_gcm_free(struct sfu__srtp_gcm *g);

/*
 * Protect one RTP packet in place as libsrtp would (sfu_srtp_protect's
 * contract). Returns 0, -EINVAL (malformed), -EALREADY (older than the
 * window), -EKEYEXPIRED (the key's packet limit is reached), -EIO
 * (OpenSSL failed), or SFU__SRTP_GCM_FULL when the packet's SSRC is new
 * and the table is full: the caller then protects it with libsrtp (this
 * packet already counted against the key's limit).
 */
int sfu__srtp_gcm_protect(struct sfu__srtp_gcm *g, uint8_t *pkt, size_t *len);

/* The first 16 bytes of the SRTP key derivation's keystream (RFC 3711
 * section 4.3, key derivation rate 0) for label: AES-128 of the master
 * salt, padded with zeros to 14 bytes, XOR the label at octet 7, times
 * 2^16. 0 or -EIO. */
int sfu__srtp_kdf(const uint8_t key[16], const uint8_t *salt,
		  size_t salt_len, uint8_t label, uint8_t out[16]);

/* For tests: how many SSRCs the table holds; how many packets the key
 * may still protect (libsrtp's count: 2^48 - 2 at the start). */
unsigned sfu__srtp_gcm_ssrcs(const struct sfu__srtp_gcm *g);
void sfu__srtp_gcm_set_left(struct sfu__srtp_gcm *g, uint64_t packets);
/* For tests: hold at most ssrcs SSRCs (at most SFU__SRTP_GCM_SSRCS), so
 * the fallback to libsrtp is reached without thousands of streams. */
void sfu__srtp_gcm_set_max(struct sfu__srtp_gcm *g, unsigned ssrcs);

/* For tests: a session's native part (NULL unless GCM), and turning it
 * off, so that the session protects RTP with libsrtp alone: the
 * reference the native path is compared with. */
struct sfu__srtp_gcm *sfu__srtp_gcm_of(struct sfu_srtp *s);
void sfu__srtp_native_off(struct sfu_srtp *s);

#endif
