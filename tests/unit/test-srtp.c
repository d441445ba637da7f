/*
 * test-srtp.c - tests src/srtp.c and the OpenSSL ciphers of
 * src/srtp_ossl.c against libsrtp's own (NSS) ones: sessions made before
 * the replacement keep libsrtp's, sessions made after it use ours, so
 * packets protected by one are unprotected by the other, in both
 * directions, for SRTP and SRTCP, for AEAD_AES_128_GCM and for
 * AES_CM_128_HMAC_SHA1_80 (and every session key of ours comes from our
 * AES-ICM key derivation). Then the failures: a changed payload, header
 * or tag, a replay, packets too short to hold a tag.
 */
#include "srtp.h"

#include <errno.h>
#include <srtp2/srtp.h>
#include <string.h>

#include "tap.h"

#define PAYLOAD 160

static size_t rtp(uint8_t *p, uint16_t seq, uint32_t ssrc)
{
	p[0] = 0x80;
	p[1] = 96;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	memset(p + 4, 0, 4); /* timestamp */
	p[4] = (uint8_t)(seq >> 4);
	p[8] = (uint8_t)(ssrc >> 24);
	p[9] = (uint8_t)(ssrc >> 16);
	p[10] = (uint8_t)(ssrc >> 8);
	p[11] = (uint8_t)ssrc;
	for (int i = 0; i < PAYLOAD; i++)
		p[12 + i] = (uint8_t)(i * 7 + seq);
	return 12 + PAYLOAD;
}

static size_t rtcp_rr(uint8_t *p, uint32_t ssrc)
{
	p[0] = 0x80;
	p[1] = 201;
	p[2] = 0;
	p[3] = 1;
	p[4] = (uint8_t)(ssrc >> 24);
	p[5] = (uint8_t)(ssrc >> 16);
	p[6] = (uint8_t)(ssrc >> 8);
	p[7] = (uint8_t)ssrc;
	return 8;
}

static void keys(struct sfu_srtp_keys *k, enum sfu_srtp_profile p,
		 uint8_t local, uint8_t remote)
{
	memset(k, 0, sizeof(*k));
	k->profile = p;
	for (int i = 0; i < SFU_SRTP_MAX_KEY; i++) {
		k->local[i] = (uint8_t)(local + i);
		k->remote[i] = (uint8_t)(remote + i);
	}
}

/* n RTP packets from -> to; returns how many arrived intact. */
static int rtp_round_trips(struct sfu_srtp *from, struct sfu_srtp *to,
			   uint32_t ssrc, int n)
{
	uint8_t pkt[512], want[512];
	int good = 0;

	for (int i = 0; i < n; i++) {
		size_t len = rtp(pkt, (uint16_t)(1000 + i), ssrc), wlen = len;
		memcpy(want, pkt, len);
		if (sfu_srtp_protect(from, pkt, &len) < 0 || len <= wlen ||
		    memcmp(pkt + 12, want + 12, PAYLOAD) == 0)
			continue;
		if (sfu_srtp_unprotect(to, pkt, &len) == 0 && len == wlen &&
		    memcmp(pkt, want, len) == 0)
			good++;
	}
	return good;
}

static int rtcp_round_trips(struct sfu_srtp *from, struct sfu_srtp *to,
			    uint32_t ssrc, int n)
{
	uint8_t pkt[128], want[128];
	int good = 0;

	for (int i = 0; i < n; i++) {
		size_t len = rtcp_rr(pkt, ssrc), wlen = len;
		memcpy(want, pkt, len);
		if (sfu_srtp_protect_rtcp(from, pkt, &len) < 0)
			continue;
		if (sfu_srtp_unprotect_rtcp(to, pkt, &len) == 0 &&
		    len == wlen && memcmp(pkt, want, len) == 0)
			good++;
	}
	return good;
}

static void failures(struct sfu_srtp *from, struct sfu_srtp *to)
{
	uint8_t pkt[512], copy[512];
	size_t len = rtp(pkt, 5000, 0x5555), clen;

	sfu_srtp_protect(from, pkt, &len);
	memcpy(copy, pkt, len);
	clen = len;
	pkt[20] ^= 1;
	is_int(sfu_srtp_unprotect(to, pkt, &len), -EACCES,
	       "a changed payload fails authentication");
	memcpy(pkt, copy, clen);
	len = clen;
	pkt[5] ^= 1; /* timestamp: in the AAD */
	is_int(sfu_srtp_unprotect(to, pkt, &len), -EACCES,
	       "a changed header fails authentication");
	memcpy(pkt, copy, clen);
	len = clen;
	pkt[len - 1] ^= 0x80;
	is_int(sfu_srtp_unprotect(to, pkt, &len), -EACCES,
	       "a changed tag fails authentication");
	memcpy(pkt, copy, clen);
	len = clen;
	is_int(sfu_srtp_unprotect(to, pkt, &len), 0,
	       "the untouched packet still passes after those failures");
	memcpy(pkt, copy, clen);
	len = clen;
	is_int(sfu_srtp_unprotect(to, pkt, &len), -EALREADY,
	       "a replay is refused");
	for (size_t cut = 0; cut <= 28; cut += 4) {
		memcpy(pkt, copy, clen);
		len = 12 + cut; /* header and less than payload + tag */
		if (sfu_srtp_unprotect(to, pkt, &len) == 0) {
			ok(0, "a packet cut to %zu bytes passed", len);
			return;
		}
	}
	ok(1, "packets too short for their tag are refused");
}

/* libsrtp's session `theirs` and our `ours`, keyed as each other's peer. */
static void cross_check(struct sfu_srtp *theirs, struct sfu_srtp *ours,
			const char *profile, uint32_t ssrc)
{
	is_int(rtp_round_trips(theirs, ours, ssrc + 1, 200), 200,
	       "%s: SRTP from libsrtp's opens with ours", profile);
	is_int(rtp_round_trips(ours, theirs, ssrc + 2, 200), 200,
	       "%s: SRTP from ours opens with libsrtp's", profile);
	is_int(rtcp_round_trips(theirs, ours, ssrc + 3, 50), 50,
	       "%s: SRTCP from libsrtp's opens with ours", profile);
	is_int(rtcp_round_trips(ours, theirs, ssrc + 4, 50), 50,
	       "%s: SRTCP from ours opens with libsrtp's", profile);
	failures(theirs, ours);
	failures(ours, theirs);
}

int main(void)
{
	struct sfu_srtp_keys ka, kc, kcm1, kcm2;
	struct sfu_srtp *nss, *ossl, *cm1, *cm2;

	ok(sfu_srtp_new(&(struct sfu_srtp_keys){ 0 }) == NULL,
	   "no session without a profile");
	is_int(sfu_srtp_global_init(), 0, "libsrtp starts with our GCM");
	sfu_srtp_global_shutdown();

	/* srtp_init alone (after a shutdown it loads its built-in ciphers
	 * again): sessions with libsrtp's own GCM */
	keys(&ka, SFU_SRTP_AEAD_AES_128_GCM, 1, 101);
	keys(&kc, SFU_SRTP_AEAD_AES_128_GCM, 101, 1);
	is_int(srtp_init(), srtp_err_status_ok, "libsrtp's own init");
	keys(&kcm1, SFU_SRTP_AES128_CM_SHA1_80, 7, 77);
	keys(&kcm2, SFU_SRTP_AES128_CM_SHA1_80, 77, 7);
	nss = sfu_srtp_new(&ka);
	cm1 = sfu_srtp_new(&kcm1);
	ok(nss && cm1, "sessions with libsrtp's GCM, ICM and HMAC");
	is_int(sfu__srtp_use_openssl(), 0,
	       "the OpenSSL GCM, ICM and HMAC-SHA1 pass libsrtp's self-tests");
	ossl = sfu_srtp_new(&kc);
	cm2 = sfu_srtp_new(&kcm2);
	ok(ossl && cm2, "sessions with the OpenSSL ones (keys derived with "
	   "the OpenSSL ICM)");

	cross_check(nss, ossl, "AEAD_AES_128_GCM", 0x1000);
	cross_check(cm1, cm2, "AES_CM_128_HMAC_SHA1_80", 0x2000);

	sfu_srtp_free(nss);
	sfu_srtp_free(ossl);
	sfu_srtp_free(cm1);
	sfu_srtp_free(cm2);
	sfu_srtp_global_shutdown();
	return tap_done();
}
