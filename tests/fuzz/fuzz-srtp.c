/*
 * fuzz-srtp.c - libFuzzer target for src/srtp.c with the OpenSSL ciphers
 * of src/srtp_ossl.c and the native GCM protect of src/srtp_gcm.c (what
 * every SRTP and SRTCP datagram from the network, and every RTP packet
 * forwarded to a subscriber, goes through).
 *
 * The first byte picks the profile (bit 0: GCM or AES-CM + HMAC-SHA1)
 * and, under GCM, the mode (bit 1). Datagram mode: the rest is one
 * datagram. It is unprotected as SRTP and as SRTCP by a session that has
 * never seen it: nothing may crash, and what passes must not grow. Then,
 * when it looks like RTP (or RTCP), it is protected by one fresh session
 * and unprotected by its peer: that must succeed and give back the same
 * bytes. Under GCM every datagram is also protected as RTP, whatever it
 * looks like, by the native path and by libsrtp alone (a session with
 * the same key and the native path off): the two must agree on the
 * result and on every byte.
 *
 * Script mode (GCM): the rest is a sequence of packets, 4 bytes each
 * (SSRC out of 256, more than the native table may hold here: its limit
 * is lowered to 96, as the unit test does; sequence
 * number; payload length and header shape), all through one session
 * pair, so the index estimate, the replay window and the table's
 * fallback are driven: native and libsrtp must agree on each, and the
 * peer must open each (or call it a replay) to the same bytes.
 */
#include "srtp-int.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX 1500

struct trio {
	struct sfu_srtp *a, *ref, *b; /* a: native; ref: libsrtp alone */
};

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

/* pkt protected as RTP natively and by libsrtp: the same fate. Then the
 * peer opens it to pkt again: it must, when it is RTP of version 2 (or
 * call it a replay, when repeats is set), and never to other bytes. */
static void native_vs_libsrtp(const struct trio *t, const uint8_t *pkt,
			      size_t len, bool repeats)
{
	static uint8_t x[MAX + SFU_SRTP_TRAILER], y[sizeof(x)];
	size_t nx = len, ny = len;
	int rx, ry;

	memcpy(x, pkt, len);
	memcpy(y, pkt, len);
	rx = sfu_srtp_protect(t->a, x, &nx);
	ry = sfu_srtp_protect(t->ref, y, &ny);
	if (rx != ry || nx != ny || memcmp(x, y, nx) != 0)
		abort();
	if (rx != 0)
		return;
	rx = sfu_srtp_unprotect(t->b, x, &nx);
	if (rx == 0 && (nx != len || memcmp(x, pkt, len) != 0))
		abort();
	if (rx != 0 && pkt[0] >> 6 == 2 && !(repeats && rx == -EALREADY))
		abort(); /* -EACCES: the two sides disagree on the index */
}

/* Script mode: 4 bytes a packet. */
static void script(const struct trio *t, const uint8_t *d, size_t size)
{
	static uint8_t pkt[MAX];

	for (; size >= 4; d += 4, size -= 4) {
		size_t h = 12, len;
		memset(pkt, 0, 16);
		pkt[0] = 0x80 | (d[3] & 0x80 ? 0x10 : 0) | (d[3] >> 5 & 3);
		pkt[1] = 96;
		pkt[2] = d[1];
		pkt[3] = d[2];
		pkt[8] = 0x5a;
		pkt[11] = d[0];
		h += 4 * (size_t)(pkt[0] & 15);
		if (pkt[0] & 0x10) {
			pkt[h] = 0xbe, pkt[h + 1] = 0xde, pkt[h + 3] = 1;
			h += 8;
		}
		len = h + (size_t)(d[3] & 31) * 37;
		for (size_t i = 12; i < len; i++)
			pkt[i] = (uint8_t)(i + d[1]);
		native_vs_libsrtp(t, pkt, len, true);
	}
}

static bool trio_new(struct trio *t, enum sfu_srtp_profile p)
{
	struct sfu_srtp_keys ka, kb;

	keys(&ka, p, 0);
	keys(&kb, p, 1);
	t->a = sfu_srtp_new(&ka);
	t->ref = sfu_srtp_new(&ka);
	t->b = sfu_srtp_new(&kb);
	if (!t->a || !t->ref || !t->b)
		return false;
	sfu__srtp_native_off(t->ref);
	if (sfu__srtp_gcm_of(t->a))
		sfu__srtp_gcm_set_max(sfu__srtp_gcm_of(t->a), 96);
	return true;
}

static void trio_free(struct trio *t)
{
	sfu_srtp_free(t->a);
	sfu_srtp_free(t->ref);
	sfu_srtp_free(t->b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool inited;
	static uint8_t buf[MAX + SFU_SRTP_TRAILER];
	enum sfu_srtp_profile p;
	struct trio t;
	uint8_t mode;
	size_t n;

	if (!inited) {
		if (sfu_srtp_global_init() < 0)
			abort();
		inited = true;
	}
	if (size < 1 || size - 1 > MAX)
		return 0;
	mode = data[0];
	p = mode & 1 ? SFU_SRTP_AEAD_AES_128_GCM : SFU_SRTP_AES128_CM_SHA1_80;
	data++, size--;
	if (!trio_new(&t, p))
		abort();
	if (p == SFU_SRTP_AEAD_AES_128_GCM && (mode & 2)) {
		script(&t, data, size);
		trio_free(&t);
		return 0;
	}

	memcpy(buf, data, size);
	n = size;
	if (sfu_srtp_unprotect(t.b, buf, &n) == 0 && n > size)
		abort();
	memcpy(buf, data, size);
	n = size;
	if (sfu_srtp_unprotect_rtcp(t.b, buf, &n) == 0 && n > size)
		abort();

	if (p == SFU_SRTP_AEAD_AES_128_GCM)
		native_vs_libsrtp(&t, data, size, false);
	if (size >= 12 && data[0] >> 6 == 2 && !(data[1] >= 192 && data[1] <= 223)) {
		if (p != SFU_SRTP_AEAD_AES_128_GCM) /* done just above */
			round_trip(t.a, t.b, data, size, false);
	} else if (size >= 8 && data[0] >> 6 == 2) {
		round_trip(t.a, t.b, data, size, true);
	}
	trio_free(&t);
	return 0;
}
