/*
 * srtp_gcm.c - outbound SRTP for AEAD_AES_128_GCM RTP without libsrtp.
 *
 * Every packet a publisher sends is protected once per subscriber, so
 * this is the server's most frequent SRTP call. libsrtp finds a packet's
 * stream by walking a linked list of every SSRC the session has sent
 * (a cache miss per node), and adds layers of its own (MKI dispatch, key
 * limit, replay bitmap) around the cipher. This file does the same work
 * in one pass over one compact struct per outbound session:
 *
 *   - session keys: derived once from the master key and salt with the
 *     SRTP KDF (RFC 3711 section 4.3, as RFC 7714 section 11 asks): the
 *     RTP encryption key (label 0x00) and the 12-byte salt (label 0x02).
 *     libsrtp pads the 96-bit master salt with two zero octets on the
 *     right to make the KDF's 112-bit salt; browsers interoperate with
 *     that, so we do the same.
 *   - one EVP AES-128-GCM context, keyed once; per packet only its IV.
 *   - the index of each SSRC (ROC and highest sequence number sent) in an
 *     open-addressed table that starts at 128 slots and doubles when it
 *     is three quarters full (on the first packet of a new SSRC, i.e.
 *     when a subscription starts), up to 8192 slots; an SSRC that finds
 *     it full at that size is left to libsrtp for good (srtp.c), whose
 *     stream for it is then the only one that ever sees it (the table
 *     never grows again, so no SSRC changes hands).
 *
 * What a packet gets, byte for byte what libsrtp 2.5 gives it (the unit
 * test compares the two): IV = (0x0000 || SSRC || ROC || SEQ) XOR salt;
 * AAD = the header with its CSRCs and extension; the payload encrypted in
 * place; the 16-byte tag after it (RFC 7714 section 8). Like libsrtp the
 * version and padding bits are not looked at; a header whose CSRCs or
 * extension run past the end is refused; the same index may be sent
 * again (a NACK answered without RTX), but not one older than the replay
 * window (libsrtp refuses those even then); the key protects at most
 * 2^48 - 2 packets (libsrtp's count for RFC 7714's 2^48).
 *
 * Owned: the EVP context and the keys in it (cleared on free). Per
 * packet: no allocation, no lock, no log. One thread at a time, like the
 * libsrtp session it sits beside.
 */
#include "srtp-int.h"

#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <stdlib.h>

#define TAG_LEN 16
#define IV_LEN 12
#define SLOTS0 128    /* the table's first size, a power of two */
#define SLOTS_MAX 8192 /* its last: SFU__SRTP_GCM_SSRCS = 3/4 of it */
#define LABEL_RTP_KEY 0x00
#define LABEL_RTP_SALT 0x02
/* libsrtp counts a key's use down from 2^48 - 1 and refuses the packet
 * that reaches 0. */
#define KEY_PACKETS ((UINT64_C(1) << 48) - 2)

_Static_assert(SFU__SRTP_GCM_SSRCS == SLOTS_MAX * 3 / 4,
	       "linear probing wants a quarter of the slots free");

/* One outbound SSRC: the highest packet index sent, ROC << 16 | SEQ. */
struct slot {
	uint64_t high;
	uint32_t ssrc;
	uint32_t used;
};

struct sfu__srtp_gcm {
	EVP_CIPHER_CTX *ctx; /* keyed with the session key */
	uint8_t salt[IV_LEN]; /* the session salt */
	unsigned n;           /* slots in use */
	unsigned cap;         /* slots, a power of two */
	unsigned shift;       /* 32 - log2(cap): the hash's top bits */
	unsigned max;         /* most SSRCs it may hold (tests lower it) */
	uint64_t left;        /* packets the key may still protect */
	struct slot *slot;
};

int sfu__srtp_kdf(const uint8_t key[16], const uint8_t *salt,
		  size_t salt_len, uint8_t label, uint8_t out[16])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t x[16] = { 0 };
	int n, rc = -EIO;

	/* x = (salt, zero-padded to 112 bits) XOR (label || 48-bit r = 0)
	 * aligned right in 112 bits, so the label lands on octet 7; the
	 * counter's low 16 bits start at 0 and only the first block is
	 * needed, so counter mode is one ECB block. */
	if (salt_len > 14)
		salt_len = 14;
	memcpy(x, salt, salt_len);
	x[7] ^= label;
	if (c && EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, key, NULL) == 1 &&
	    EVP_CIPHER_CTX_set_padding(c, 0) == 1 &&
	    EVP_EncryptUpdate(c, out, &n, x, sizeof(x)) == 1 && n == 16)
		rc = 0;
	EVP_CIPHER_CTX_free(c);
	OPENSSL_cleanse(x, sizeof(x));
	return rc;
}

struct sfu__srtp_gcm *sfu__srtp_gcm_new(const uint8_t *master)
{
	const uint8_t *msalt = master + SFU__SRTP_GCM_KEY;
	struct sfu__srtp_gcm *g = sfu_xcalloc(1, sizeof(*g));
	uint8_t key[16], salt[16];
	int ok;

	ok = sfu__srtp_kdf(master, msalt, SFU__SRTP_GCM_SALT, LABEL_RTP_KEY,
			   key) == 0 &&
	     sfu__srtp_kdf(master, msalt, SFU__SRTP_GCM_SALT, LABEL_RTP_SALT,
			   salt) == 0 &&
	     (g->ctx = EVP_CIPHER_CTX_new()) != NULL &&
	     EVP_EncryptInit_ex(g->ctx, EVP_aes_128_gcm(), NULL, key, NULL) == 1 &&
	     EVP_CIPHER_CTX_ctrl(g->ctx, EVP_CTRL_AEAD_SET_IVLEN, IV_LEN,
				 NULL) == 1;
	memcpy(g->salt, salt, IV_LEN);
	g->left = KEY_PACKETS;
	g->cap = SLOTS0;
	g->shift = 32 - 7;
	g->max = SFU__SRTP_GCM_SSRCS;
	g->slot = sfu_xcalloc(g->cap, sizeof(*g->slot));
	_Static_assert(SLOTS0 == 1u << 7, "shift = 32 - log2(SLOTS0)");
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(salt, sizeof(salt));
	if (!ok) {
		sfu__srtp_gcm_free(g);
		return NULL;
	}
	return g;
}

void sfu__srtp_gcm_free(struct sfu__srtp_gcm *g)
{
	if (!g)
		return;
	EVP_CIPHER_CTX_free(g->ctx); /* clears the key schedule */
	OPENSSL_cleanse(g->salt, sizeof(g->salt));
	free(g->slot);
	free(g);
}

unsigned sfu__srtp_gcm_ssrcs(const struct sfu__srtp_gcm *g)
{
	return g->n;
}

void sfu__srtp_gcm_set_left(struct sfu__srtp_gcm *g, uint64_t packets)
{
	g->left = packets;
}

void sfu__srtp_gcm_set_max(struct sfu__srtp_gcm *g, unsigned ssrcs)
{
	g->max = ssrcs < SFU__SRTP_GCM_SSRCS ? ssrcs : SFU__SRTP_GCM_SSRCS;
}

/* The header's length (CSRCs and extension included), or 0 when the
 * packet cannot hold it: libsrtp's checks, in its order. */
static size_t header_len(const uint8_t *p, size_t len)
{
	size_t h;

	if (len < 12)
		return 0;
	h = 12 + 4 * (size_t)(p[0] & 0x0f);
	if (len < h)
		return 0;
	if (p[0] & 0x10) {
		if (len < h + 4)
			return 0;
		h += 4 + 4 * (size_t)(p[h + 2] << 8 | p[h + 3]);
		if (len < h)
			return 0;
	}
	return h;
}

/* The slot of ssrc, or the empty one where it would go. A slot is never
 * emptied and a quarter of them stay free, so a probe ends at the first
 * unused one. */
static struct slot *lookup(struct sfu__srtp_gcm *g, uint32_t ssrc)
{
	unsigned i = (ssrc * 0x9e3779b1u) >> g->shift; /* Fibonacci hashing */

	for (;; i = (i + 1) & (g->cap - 1)) {
		struct slot *s = &g->slot[i];
		if (!s->used || s->ssrc == ssrc)
			return s;
	}
}

/* Twice the slots, everything rehashed; false at the largest size. */
static bool grow(struct sfu__srtp_gcm *g)
{
	struct slot *old = g->slot;
	unsigned old_cap = g->cap;

	if (g->cap >= SLOTS_MAX)
		return false;
	g->cap *= 2;
	g->shift--;
	g->slot = sfu_xcalloc(g->cap, sizeof(*g->slot));
	for (unsigned i = 0; i < old_cap; i++)
		if (old[i].used)
			*lookup(g, old[i].ssrc) = old[i];
	free(old);
	return true;
}

/* The slot of ssrc, found or made room for; NULL when a new SSRC finds
 * no room (the table at its largest, or at the tests' limit). */
static struct slot *find(struct sfu__srtp_gcm *g, uint32_t ssrc)
{
	struct slot *s = lookup(g, ssrc);

	if (s->used)
		return s;
	if (g->n >= g->max)
		return NULL;
	if (g->n >= g->cap / 4 * 3) {
		if (!grow(g))
			return NULL;
		s = lookup(g, ssrc);
	}
	return s;
}

/*
 * The index of a packet with sequence number seq, from the highest index
 * sent: RFC 3711 Appendix A's estimate (ROC - 1 for a number just before
 * a wrap that is sent after it, ROC + 1 for one past a wrap), except that
 * while the highest index is at most 2^15, ROC is 0 (there is no ROC - 1
 * yet), as in libsrtp. Returns the index's distance from the highest.
 */
static int32_t estimate(uint64_t high, uint16_t seq, uint64_t *index)
{
	uint32_t roc = (uint32_t)(high >> 16);
	int32_t d = (int32_t)seq - (int32_t)(uint16_t)high;

	if (high <= 0x8000) {
		*index = seq;
		return d;
	}
	if ((uint16_t)high < 0x8000) {
		if (d > 0x8000) {
			roc--;
			d -= 0x10000;
		}
	} else if ((int32_t)(uint16_t)high - 0x8000 > (int32_t)seq) {
		roc++;
		d += 0x10000;
	}
	*index = (uint64_t)roc << 16 | seq;
	return d;
}

/* AES-GCM over the packet: header as AAD, payload in place, tag after.
 * OpenSSL 3.0's EVP layer costs more here than the cipher on a small
 * packet; the tag is asked for as a parameter directly because the
 * GET_TAG ctrl would build the same one for every packet. */
static int seal(struct sfu__srtp_gcm *g, const uint8_t iv[IV_LEN],
		uint8_t *pkt, size_t hlen, size_t len)
{
	OSSL_PARAM tag[2] = {
		OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
						  pkt + len, TAG_LEN),
		OSSL_PARAM_construct_end(),
	};
	int out;

	if (EVP_EncryptInit_ex(g->ctx, NULL, NULL, NULL, iv) != 1 ||
	    EVP_EncryptUpdate(g->ctx, NULL, &out, pkt, (int)hlen) != 1 ||
	    (len > hlen && EVP_EncryptUpdate(g->ctx, pkt + hlen, &out,
					     pkt + hlen, (int)(len - hlen)) != 1) ||
	    EVP_EncryptFinal_ex(g->ctx, pkt + len, &out) != 1 || /* no bytes */
	    EVP_CIPHER_CTX_get_params(g->ctx, tag) != 1)
		return -EIO;
	return 0;
}

int sfu__srtp_gcm_protect(struct sfu__srtp_gcm *g, uint8_t *pkt, size_t *len)
{
	size_t hlen = *len <= INT_MAX - TAG_LEN ? header_len(pkt, *len) : 0;
	uint32_t ssrc, roc;
	uint64_t index;
	uint8_t iv[IV_LEN];
	struct slot *s;
	int32_t d;

	if (!hlen)
		return -EINVAL;
	if (g->left == 0)
		return -EKEYEXPIRED;
	ssrc = (uint32_t)pkt[8] << 24 | (uint32_t)pkt[9] << 16 |
	       (uint32_t)pkt[10] << 8 | pkt[11];
	s = find(g, ssrc);
	if (!s) {
		g->left--; /* libsrtp protects it with this same key */
		return SFU__SRTP_GCM_FULL;
	}
	d = estimate(s->high, (uint16_t)(pkt[2] << 8 | pkt[3]), &index);
	if (d <= -SFU__SRTP_WINDOW)
		return -EALREADY;
	roc = (uint32_t)(index >> 16);
	memcpy(iv, g->salt, IV_LEN);
	iv[2] ^= pkt[8], iv[3] ^= pkt[9], iv[4] ^= pkt[10], iv[5] ^= pkt[11];
	iv[6] ^= (uint8_t)(roc >> 24), iv[7] ^= (uint8_t)(roc >> 16);
	iv[8] ^= (uint8_t)(roc >> 8), iv[9] ^= (uint8_t)roc;
	iv[10] ^= pkt[2], iv[11] ^= pkt[3];
	if (seal(g, iv, pkt, hlen, *len) < 0)
		return -EIO;
	if (!s->used) {
		s->used = 1;
		s->ssrc = ssrc;
		g->n++;
	}
	if (d > 0)
		s->high += (uint64_t)d; /* libsrtp's arithmetic, ROC past 2^32 too */
	g->left--;
	*len += TAG_LEN;
	return 0;
}
