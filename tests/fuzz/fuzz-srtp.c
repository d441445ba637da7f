/*
 * fuzz-srtp.c - libFuzzer target for src/srtp.c with the OpenSSL ciphers
 * of src/srtp_ossl.c (what every SRTP and SRTCP datagram from the network
 * goes through).
 *
 * The first byte picks the profile (GCM or AES-CM + HMAC-SHA1); the rest
 * is one datagram. It is unprotected as SRTP and as SRTCP by a session
 * that has never seen it: nothing may crash, and what passes must not
 * grow. Then, when it looks like RTP (or RTCP), it is protected by one
 * fresh session and unprotected by its peer: that must succeed and give
 * back the same bytes.
 */
#include "srtp.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX 1500

static void keys(struct sfu_srtp_keys *k, enum sfu_srtp_profile p, int flip)
{
	memset(k, 0, sizeof(*k));
	k->profile = p;
	for (int i = 0; i < SFU_SRTP_MAX_KEY; i++) {
		k->local[i] = (uint8_t)(flip ? 200 - i : i + 1);
		k->remote[i] = (uint8_t)(flip ? i + 1 : 200 - i);
	}
}

static void round_trip(struct sfu_srtp *a, struct sfu_srtp *b,
		       const uint8_t *pkt, size_t len, bool rtcp)
{
	static uint8_t buf[MAX + SFU_SRTP_TRAILER];
	size_t n = len;
	int rc;

	memcpy(buf, pkt, len);
	rc = rtcp ? sfu_srtp_protect_rtcp(a, buf, &n)
		  : sfu_srtp_protect(a, buf, &n);
	if (rc < 0)
		return; /* libsrtp refuses some headers; fine */
	if (n > len + SFU_SRTP_TRAILER)
		abort();
	rc = rtcp ? sfu_srtp_unprotect_rtcp(b, buf, &n)
		  : sfu_srtp_unprotect(b, buf, &n);
	if (rc != 0 || n != len || memcmp(buf, pkt, len) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool inited;
	static uint8_t buf[MAX + SFU_SRTP_TRAILER];
	struct sfu_srtp_keys ka, kb;
	struct sfu_srtp *a, *b;
	enum sfu_srtp_profile p;
	size_t n;

	if (!inited) {
		if (sfu_srtp_global_init() < 0)
			abort();
		inited = true;
	}
	if (size < 1 || size - 1 > MAX)
		return 0;
	p = data[0] & 1 ? SFU_SRTP_AEAD_AES_128_GCM : SFU_SRTP_AES128_CM_SHA1_80;
	data++, size--;
	keys(&ka, p, 0);
	keys(&kb, p, 1);
	a = sfu_srtp_new(&ka);
	b = sfu_srtp_new(&kb);
	if (!a || !b)
		abort();

	memcpy(buf, data, size);
	n = size;
	if (sfu_srtp_unprotect(b, buf, &n) == 0 && n > size)
		abort();
	memcpy(buf, data, size);
	n = size;
	if (sfu_srtp_unprotect_rtcp(b, buf, &n) == 0 && n > size)
		abort();

	if (size >= 12 && data[0] >> 6 == 2 && !(data[1] >= 192 && data[1] <= 223))
		round_trip(a, b, data, size, false);
	else if (size >= 8 && data[0] >> 6 == 2)
		round_trip(a, b, data, size, true);
	sfu_srtp_free(a);
	sfu_srtp_free(b);
	return 0;
}
