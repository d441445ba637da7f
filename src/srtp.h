/*
 * srtp.h - SRTP/SRTCP protection for one DTLS-SRTP transport: an inbound
 * session keyed with the remote side's key and an outbound one keyed with
 * ours. libsrtp2 (srtp.c and srtp_ossl.c are the only files that include
 * it), except outbound RTP under AEAD_AES_128_GCM (srtp_gcm.c).
 */
#ifndef SFU_SRTP_H
#define SFU_SRTP_H

#include "common.h"

enum sfu_srtp_profile {
	SFU_SRTP_NONE = 0,
	SFU_SRTP_AES128_CM_SHA1_80,
	SFU_SRTP_AEAD_AES_128_GCM,
};

/* Master key followed by master salt, as libsrtp takes them. */
#define SFU_SRTP_MAX_KEY 32

struct sfu_srtp_keys {
	enum sfu_srtp_profile profile;
	uint8_t local[SFU_SRTP_MAX_KEY];  /* we protect with this */
	uint8_t remote[SFU_SRTP_MAX_KEY]; /* we unprotect with this */
};

/* Room SRTP needs after a packet (auth tag, SRTCP index). */
#define SFU_SRTP_TRAILER 32

/* Key and salt lengths of a profile; 0 for NONE. */
size_t sfu_srtp_key_len(enum sfu_srtp_profile p);
size_t sfu_srtp_salt_len(enum sfu_srtp_profile p);
/* The DTLS-SRTP profile name ("SRTP_AEAD_AES_128_GCM", ...). */
const char *sfu_srtp_profile_name(enum sfu_srtp_profile p);

/* Once per process, before any session; and at exit. srtp_init, then
 * libsrtp's AES-128-GCM, AES-128-ICM and HMAC-SHA1 replaced by OpenSSL
 * ones (srtp_ossl.c). */
int sfu_srtp_global_init(void);
void sfu_srtp_global_shutdown(void);
/* The replacement alone: 0, or -EIO when one failed its self-test (that
 * one stays libsrtp's). And freeing what it fetched, after srtp_shutdown. */
int sfu__srtp_use_openssl(void);
void sfu__srtp_openssl_shutdown(void);

struct sfu_srtp;

/* NULL on a bad profile or a libsrtp failure. */
struct sfu_srtp *sfu_srtp_new(const struct sfu_srtp_keys *keys);
void sfu_srtp_free(struct sfu_srtp *s);

/*
 * In place. *len is the packet length in and out. protect needs
 * SFU_SRTP_TRAILER bytes of room after the packet. Return 0, or -EINVAL
 * (malformed), -EACCES (authentication failed), -EALREADY (replay; for
 * protect, an index older than the replay window) or -EKEYEXPIRED (the
 * key has protected as many packets as it may).
 */
int sfu_srtp_protect(struct sfu_srtp *s, uint8_t *pkt, size_t *len);
int sfu_srtp_protect_rtcp(struct sfu_srtp *s, uint8_t *pkt, size_t *len);
int sfu_srtp_unprotect(struct sfu_srtp *s, uint8_t *pkt, size_t *len);
int sfu_srtp_unprotect_rtcp(struct sfu_srtp *s, uint8_t *pkt, size_t *len);

#endif
