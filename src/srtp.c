/*
 * srtp.c - SRTP sessions for DTLS-SRTP: one inbound and one outbound
 * libsrtp2 session per transport, and for AEAD_AES_128_GCM an outbound
 * RTP protect of our own beside them (srtp_gcm.c).
 *
 * Inbound: any SSRC, a replay window of 1024 packets (video reorders).
 * Outbound: any SSRC, and repeated indexes allowed, because answering a
 * NACK without RTX resends a packet under the sequence number it had.
 *
 * Who does what: RTP protect under GCM is srtp_gcm.c's, because it runs
 * once per packet per subscriber and libsrtp's per-packet layers (its
 * per-SSRC list walk above all) cost more than the cipher there; an SSRC
 * srtp_gcm.c has no room for goes to libsrtp instead, for good. RTCP,
 * every unprotect and the AES_CM_128_HMAC_SHA1_80 profile stay
 * libsrtp's (with srtp_ossl.c's ciphers).
 */
#include "srtp-int.h"

#include <srtp2/srtp.h>
#include <stdlib.h>

struct sfu_srtp {
	srtp_t in, out;
	struct sfu__srtp_gcm *gcm; /* GCM's RTP protect; NULL otherwise */
};

size_t sfu_srtp_key_len(enum sfu_srtp_profile p)
{
	return p == SFU_SRTP_NONE ? 0 : 16;
}

size_t sfu_srtp_salt_len(enum sfu_srtp_profile p)
{
	switch (p) {
	case SFU_SRTP_AES128_CM_SHA1_80:
		return 14;
	case SFU_SRTP_AEAD_AES_128_GCM:
		return 12;
	default:
		return 0;
	}
}

const char *sfu_srtp_profile_name(enum sfu_srtp_profile p)
{
	switch (p) {
	case SFU_SRTP_AES128_CM_SHA1_80:
		return "SRTP_AES128_CM_SHA1_80";
	case SFU_SRTP_AEAD_AES_128_GCM:
		return "SRTP_AEAD_AES_128_GCM";
	default:
		return "none";
	}
}

int sfu_srtp_global_init(void)
{
	if (srtp_init() != srtp_err_status_ok)
		return -EIO;
	/* a failure keeps libsrtp's own cipher (logged there) */
	sfu__srtp_use_openssl();
	return 0;
}

void sfu_srtp_global_shutdown(void)
{
	srtp_shutdown();
	sfu__srtp_openssl_shutdown();
}

static void set_crypto(srtp_policy_t *pol, enum sfu_srtp_profile p)
{
	if (p == SFU_SRTP_AEAD_AES_128_GCM) {
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol->rtp);
		srtp_crypto_policy_set_aes_gcm_128_16_auth(&pol->rtcp);
	} else {
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol->rtp);
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&pol->rtcp);
	}
}

static srtp_t session(enum sfu_srtp_profile p, const uint8_t *key, bool inbound)
{
	srtp_policy_t pol;
	srtp_t s = NULL;

	memset(&pol, 0, sizeof(pol));
	set_crypto(&pol, p);
	pol.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
	pol.key = (unsigned char *)key;
	pol.window_size = SFU__SRTP_WINDOW;
	pol.allow_repeat_tx = inbound ? 0 : 1;
	if (srtp_create(&s, &pol) != srtp_err_status_ok)
		return NULL;
	return s;
}

struct sfu_srtp *sfu_srtp_new(const struct sfu_srtp_keys *keys)
{
	struct sfu_srtp *s;

	if (keys->profile != SFU_SRTP_AES128_CM_SHA1_80 &&
	    keys->profile != SFU_SRTP_AEAD_AES_128_GCM)
		return NULL;
	s = sfu_xcalloc(1, sizeof(*s));
	s->in = session(keys->profile, keys->remote, true);
	s->out = session(keys->profile, keys->local, false);
	if (keys->profile == SFU_SRTP_AEAD_AES_128_GCM)
		s->gcm = sfu__srtp_gcm_new(keys->local);
	if (!s->in || !s->out ||
	    (keys->profile == SFU_SRTP_AEAD_AES_128_GCM && !s->gcm)) {
		sfu_srtp_free(s);
		return NULL;
	}
	return s;
}

void sfu_srtp_free(struct sfu_srtp *s)
{
	if (!s)
		return;
	if (s->in)
		srtp_dealloc(s->in);
	if (s->out)
		srtp_dealloc(s->out);
	sfu__srtp_gcm_free(s->gcm);
	free(s);
}

struct sfu__srtp_gcm *sfu__srtp_gcm_of(struct sfu_srtp *s)
{
	return s->gcm;
}

void sfu__srtp_native_off(struct sfu_srtp *s)
{
	sfu__srtp_gcm_free(s->gcm);
	s->gcm = NULL;
}

static int map_err(srtp_err_status_t st)
{
	switch (st) {
	case srtp_err_status_ok:
		return 0;
	case srtp_err_status_auth_fail:
		return -EACCES;
	case srtp_err_status_replay_fail:
	case srtp_err_status_replay_old:
		return -EALREADY;
	case srtp_err_status_key_expired:
		return -EKEYEXPIRED;
	default:
		return -EINVAL;
	}
}

int sfu_srtp_protect(struct sfu_srtp *s, uint8_t *pkt, size_t *len)
{
	int n, rc;

	if (s->gcm) {
		rc = sfu__srtp_gcm_protect(s->gcm, pkt, len);
		if (sfu_likely(rc != SFU__SRTP_GCM_FULL))
			return rc;
	}
	n = (int)*len;
	rc = map_err(srtp_protect(s->out, pkt, &n));
	*len = (size_t)n;
	return rc;
}

int sfu_srtp_protect_rtcp(struct sfu_srtp *s, uint8_t *pkt, size_t *len)
{
	int n = (int)*len;
	int rc = map_err(srtp_protect_rtcp(s->out, pkt, &n));

	*len = (size_t)n;
	return rc;
}

int sfu_srtp_unprotect(struct sfu_srtp *s, uint8_t *pkt, size_t *len)
{
	int n = (int)*len;
	int rc = map_err(srtp_unprotect(s->in, pkt, &n));

	*len = (size_t)n;
	return rc;
}

int sfu_srtp_unprotect_rtcp(struct sfu_srtp *s, uint8_t *pkt, size_t *len)
{
	int n = (int)*len;
	int rc = map_err(srtp_unprotect_rtcp(s->in, pkt, &n));

	*len = (size_t)n;
	return rc;
}
