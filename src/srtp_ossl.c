/*
 * srtp_ossl.c - AES-128-GCM, AES-128-ICM and HMAC-SHA1 for libsrtp2 on
 * OpenSSL, replacing the ones Debian's libsrtp2 brings (NSS).
 *
 * libsrtp does the SRTP part (key derivation, IV, AAD, replay window,
 * ROC, SRTCP index) and calls a cipher type through a table of functions;
 * srtp_replace_cipher_type() is its documented way to swap one. The NSS
 * cipher builds and frees an NSS context (an allocation and a lock) for
 * every packet. This one keeps one EVP context per libsrtp cipher
 * instance (one per stream and direction) and only resets its IV per
 * packet, which on this machine is several times cheaper per packet.
 * The semantics follow libsrtp's own OpenSSL GCM cipher: set_iv picks the
 * direction, encrypt leaves the tag for get_tag, decrypt takes a buffer
 * that ends with the tag, checks it and shortens the length by it.
 * Outbound RTP under GCM does not come here: srtp_gcm.c protects it
 * without libsrtp. This GCM serves unprotect, SRTCP, and RTP from SSRCs
 * that srtp_gcm.c's table had no room for.
 *
 * AES-ICM (counter mode, for AES_CM_128_HMAC_SHA1_80 and for libsrtp's
 * key derivation, whatever the profile) and HMAC-SHA1 follow libsrtp's
 * own: the salt from the key is the counter's offset, the IV is XORed
 * into it; the HMAC restarts from the keyed state for every packet.
 *
 * libsrtp runs the self-tests below (GCM test case 4 of McGrew and
 * Viega's GCM specification, RFC 3711 B.2's keystream, RFC 2202's first
 * HMAC-SHA1 case) and, for ciphers, its own random round trips before it
 * accepts a type; if that fails libsrtp's own stays.
 */
#define SFU_LOG_MODULE "srtp"
#include "srtp.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <srtp2/auth.h>
#include <srtp2/cipher.h>
#include <srtp2/srtp.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define KEY_LEN 16
#define KEY_LEN_WSALT SRTP_AES_GCM_128_KEY_LEN_WSALT /* 16 + 12 */
#define IV_LEN 12

struct gcm {
	EVP_CIPHER_CTX *ctx; /* first: see cipher_alloc */
	int tag_len;
	int dir; /* srtp_cipher_direction_t of the last set_iv */
};

static const srtp_cipher_type_t gcm_type;

/* A libsrtp cipher with our state after it and a fresh EVP context as
 * the state's first member. */
static srtp_err_status_t cipher_alloc(srtp_cipher_pointer_t *cp,
				      const srtp_cipher_type_t *type,
				      int algorithm, int key_len,
				      size_t state_size)
{
	srtp_cipher_t *c = calloc(1, sizeof(*c) + state_size);
	EVP_CIPHER_CTX **ctx;

	if (!c)
		return srtp_err_status_alloc_fail;
	ctx = (EVP_CIPHER_CTX **)(c + 1);
	*ctx = EVP_CIPHER_CTX_new();
	if (!*ctx) {
		free(c);
		return srtp_err_status_alloc_fail;
	}
	c->type = type;
	c->state = ctx;
	c->key_len = key_len;
	c->algorithm = algorithm;
	*cp = c;
	return srtp_err_status_ok;
}

static srtp_err_status_t gcm_alloc(srtp_cipher_pointer_t *cp, int key_len,
				   int tag_len)
{
	srtp_err_status_t st;
	struct gcm *g;

	if (key_len != KEY_LEN_WSALT || (tag_len != 8 && tag_len != 16))
		return srtp_err_status_bad_param;
	st = cipher_alloc(cp, &gcm_type, SRTP_AES_GCM_128, key_len,
			  sizeof(*g));
	if (st != srtp_err_status_ok)
		return st;
	g = (*cp)->state;
	g->tag_len = tag_len;
	g->dir = srtp_direction_any;
	return srtp_err_status_ok;
}

/* The other half of cipher_alloc (the EVP context clears its key). */
static srtp_err_status_t cipher_dealloc(srtp_cipher_pointer_t c)
{
	EVP_CIPHER_CTX_free(*(EVP_CIPHER_CTX **)c->state);
	free(c);
	return srtp_err_status_ok;
}

/* key: the 16-byte session key (libsrtp passes key || salt; the salt
 * goes into the IV it computes itself). */
static srtp_err_status_t gcm_init(void *state, const uint8_t *key)
{
	struct gcm *g = state;

	g->dir = srtp_direction_any;
	if (EVP_CipherInit_ex(g->ctx, EVP_aes_128_gcm(), NULL, key, NULL,
			      1) != 1 ||
	    EVP_CIPHER_CTX_ctrl(g->ctx, EVP_CTRL_GCM_SET_IVLEN, IV_LEN,
				NULL) != 1)
		return srtp_err_status_init_fail;
	return srtp_err_status_ok;
}

static srtp_err_status_t gcm_set_iv(void *state, uint8_t *iv,
				    srtp_cipher_direction_t dir)
{
	struct gcm *g = state;

	if (dir != srtp_direction_encrypt && dir != srtp_direction_decrypt)
		return srtp_err_status_bad_param;
	g->dir = dir;
	if (EVP_CipherInit_ex(g->ctx, NULL, NULL, NULL, iv,
			      dir == srtp_direction_encrypt) != 1)
		return srtp_err_status_init_fail;
	return srtp_err_status_ok;
}

static srtp_err_status_t gcm_set_aad(void *state, const uint8_t *aad,
				     uint32_t len)
{
	struct gcm *g = state;
	int out;

	if (g->dir == srtp_direction_any || len > INT32_MAX ||
	    EVP_CipherUpdate(g->ctx, NULL, &out, aad, (int)len) != 1)
		return srtp_err_status_algo_fail;
	return srtp_err_status_ok;
}

static srtp_err_status_t gcm_encrypt(void *state, uint8_t *buf,
				     unsigned int *len)
{
	struct gcm *g = state;
	int out;

	if (g->dir != srtp_direction_encrypt || *len > INT32_MAX ||
	    EVP_CipherUpdate(g->ctx, buf, &out, buf, (int)*len) != 1)
		return srtp_err_status_algo_fail;
	return srtp_err_status_ok;
}

static srtp_err_status_t gcm_get_tag(void *state, uint8_t *tag,
				     uint32_t *len)
{
	struct gcm *g = state;
	uint8_t none[16];
	int out;

	if (g->dir != srtp_direction_encrypt ||
	    EVP_CipherFinal_ex(g->ctx, none, &out) != 1 ||
	    EVP_CIPHER_CTX_ctrl(g->ctx, EVP_CTRL_GCM_GET_TAG, g->tag_len,
				tag) != 1)
		return srtp_err_status_algo_fail;
	*len = (uint32_t)g->tag_len;
	return srtp_err_status_ok;
}

static srtp_err_status_t gcm_decrypt(void *state, uint8_t *buf,
				     unsigned int *len)
{
	struct gcm *g = state;
	uint8_t none[16];
	int out, n;

	if (g->dir != srtp_direction_decrypt || *len > INT32_MAX ||
	    *len < (unsigned int)g->tag_len)
		return srtp_err_status_bad_param;
	n = (int)*len - g->tag_len;
	if (EVP_CIPHER_CTX_ctrl(g->ctx, EVP_CTRL_GCM_SET_TAG, g->tag_len,
				buf + n) != 1 ||
	    EVP_CipherUpdate(g->ctx, buf, &out, buf, n) != 1)
		return srtp_err_status_algo_fail;
	if (EVP_CipherFinal_ex(g->ctx, none, &out) != 1)
		return srtp_err_status_auth_fail;
	*len = (unsigned int)n;
	return srtp_err_status_ok;
}

static const uint8_t t_key[KEY_LEN_WSALT] = {
	0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c, 0x6d, 0x6a,
	0x8f, 0x94, 0x67, 0x30, 0x83, 0x08, 0xfe, 0xff, 0xe9, 0x92,
	0x86, 0x65, 0x73, 0x1c, 0x6d, 0x6a, 0x8f, 0x94,
};
static uint8_t t_iv[IV_LEN] = {
	0xca, 0xfe, 0xba, 0xbe, 0xfa, 0xce, 0xdb, 0xad, 0xde, 0xca, 0xf8, 0x88,
};
static const uint8_t t_pt[60] = {
	0xd9, 0x31, 0x32, 0x25, 0xf8, 0x84, 0x06, 0xe5, 0xa5, 0x59, 0x09, 0xc5,
	0xaf, 0xf5, 0x26, 0x9a, 0x86, 0xa7, 0xa9, 0x53, 0x15, 0x34, 0xf7, 0xda,
	0x2e, 0x4c, 0x30, 0x3d, 0x8a, 0x31, 0x8a, 0x72, 0x1c, 0x3c, 0x0c, 0x95,
	0x95, 0x68, 0x09, 0x53, 0x2f, 0xcf, 0x0e, 0x24, 0x49, 0xa6, 0xb5, 0x25,
	0xb1, 0x6a, 0xed, 0xf5, 0xaa, 0x0d, 0xe6, 0x57, 0xba, 0x63, 0x7b, 0x39,
};
static const uint8_t t_aad[20] = {
	0xfe, 0xed, 0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef, 0xfe, 0xed,
	0xfa, 0xce, 0xde, 0xad, 0xbe, 0xef, 0xab, 0xad, 0xda, 0xd2,
};
static const uint8_t t_ct[76] = {
	0x42, 0x83, 0x1e, 0xc2, 0x21, 0x77, 0x74, 0x24, 0x4b, 0x72, 0x21, 0xb7,
	0x84, 0xd0, 0xd4, 0x9c, 0xe3, 0xaa, 0x21, 0x2f, 0x2c, 0x02, 0xa4, 0xe0,
	0x35, 0xc1, 0x7e, 0x23, 0x29, 0xac, 0xa1, 0x2e, 0x21, 0xd5, 0x14, 0xb2,
	0x54, 0x66, 0x93, 0x1c, 0x7d, 0x8f, 0x6a, 0x5a, 0xac, 0x84, 0xaa, 0x05,
	0x1b, 0xa3, 0x0b, 0x39, 0x6a, 0x0a, 0xac, 0x97, 0x3d, 0x58, 0xe0, 0x91,
	/* tag */
	0x5b, 0xc9, 0x4f, 0xbc, 0x32, 0x21, 0xa5, 0xdb, 0x94, 0xfa, 0xe9, 0x5a,
	0xe7, 0x12, 0x1a, 0x47,
};

static const srtp_cipher_test_case_t gcm_test = {
	.key_length_octets = KEY_LEN_WSALT,
	.key = t_key,
	.idx = t_iv,
	.plaintext_length_octets = sizeof(t_pt),
	.plaintext = t_pt,
	.ciphertext_length_octets = sizeof(t_ct),
	.ciphertext = t_ct,
	.aad_length_octets = sizeof(t_aad),
	.aad = t_aad,
	.tag_length_octets = 16,
	.next_test_case = NULL,
};

static const srtp_cipher_type_t gcm_type = {
	.alloc = gcm_alloc,
	.dealloc = cipher_dealloc,
	.init = gcm_init,
	.set_aad = gcm_set_aad,
	.encrypt = gcm_encrypt,
	.decrypt = gcm_decrypt,
	.set_iv = gcm_set_iv,
	.get_tag = gcm_get_tag,
	.description = "AES-128 GCM using OpenSSL EVP (Starling)",
	.test_data = &gcm_test,
	.id = SRTP_AES_GCM_128,
};

/* ---- AES-128-ICM --------------------------------------------------------- */

#define ICM_KEY_LEN_WSALT SRTP_AES_ICM_128_KEY_LEN_WSALT /* 16 + 14 */

struct icm {
	EVP_CIPHER_CTX *ctx; /* first: see cipher_alloc */
	uint8_t offset[16]; /* the salt, last two octets zero */
};

static const srtp_cipher_type_t icm_type;

static srtp_err_status_t icm_alloc(srtp_cipher_pointer_t *cp, int key_len,
				   int tag_len)
{
	(void)tag_len;
	if (key_len != ICM_KEY_LEN_WSALT)
		return srtp_err_status_bad_param;
	return cipher_alloc(cp, &icm_type, SRTP_AES_ICM_128, key_len,
			    sizeof(struct icm));
}

static srtp_err_status_t icm_dealloc(srtp_cipher_pointer_t c)
{
	struct icm *k = c->state;

	OPENSSL_cleanse(k->offset, sizeof(k->offset)); /* the salt */
	return cipher_dealloc(c);
}

static srtp_err_status_t icm_init(void *state, const uint8_t *key)
{
	struct icm *k = state;

	memset(k->offset, 0, sizeof(k->offset));
	memcpy(k->offset, key + KEY_LEN, SRTP_SALT_LEN);
	if (EVP_EncryptInit_ex(k->ctx, EVP_aes_128_ctr(), NULL, key, NULL) != 1)
		return srtp_err_status_init_fail;
	return srtp_err_status_ok;
}

static srtp_err_status_t icm_set_iv(void *state, uint8_t *iv,
				    srtp_cipher_direction_t dir)
{
	struct icm *k = state;
	uint8_t ctr[16];

	(void)dir; /* a stream cipher: the same both ways */
	for (int i = 0; i < 16; i++)
		ctr[i] = k->offset[i] ^ iv[i];
	if (EVP_EncryptInit_ex(k->ctx, NULL, NULL, NULL, ctr) != 1)
		return srtp_err_status_init_fail;
	return srtp_err_status_ok;
}

static srtp_err_status_t icm_crypt(void *state, uint8_t *buf,
				   unsigned int *len)
{
	struct icm *k = state;
	int out;

	if (*len > INT32_MAX ||
	    EVP_EncryptUpdate(k->ctx, buf, &out, buf, (int)*len) != 1)
		return srtp_err_status_cipher_fail;
	return srtp_err_status_ok;
}

static const uint8_t i_key[ICM_KEY_LEN_WSALT] = {
	0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7,
	0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c, /* salt: */ 0xf0, 0xf1,
	0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb,
	0xfc, 0xfd,
};
static uint8_t i_iv[16];
static const uint8_t i_pt[32];
static const uint8_t i_ct[32] = {
	0xe0, 0x3e, 0xad, 0x09, 0x35, 0xc9, 0x5e, 0x80, 0xe1, 0x66, 0xb1,
	0x6d, 0xd9, 0x2b, 0x4e, 0xb4, 0xd2, 0x35, 0x13, 0x16, 0x2b, 0x02,
	0xd0, 0xf7, 0x2a, 0x43, 0xa2, 0xfe, 0x4a, 0x5f, 0x97, 0xab,
};

static const srtp_cipher_test_case_t icm_test = {
	.key_length_octets = ICM_KEY_LEN_WSALT,
	.key = i_key,
	.idx = i_iv,
	.plaintext_length_octets = sizeof(i_pt),
	.plaintext = i_pt,
	.ciphertext_length_octets = sizeof(i_ct),
	.ciphertext = i_ct,
};

static const srtp_cipher_type_t icm_type = {
	.alloc = icm_alloc,
	.dealloc = icm_dealloc,
	.init = icm_init,
	.encrypt = icm_crypt,
	.decrypt = icm_crypt,
	.set_iv = icm_set_iv,
	.description = "AES-128 ICM using OpenSSL EVP (Starling)",
	.test_data = &icm_test,
	.id = SRTP_AES_ICM_128,
};

/* ---- HMAC-SHA1 ------------------------------------------------------------- */

#define SHA1_LEN 20

static const srtp_auth_type_t hmac_type;
static EVP_MAC *hmac_mac; /* fetched once, before any session */

static srtp_err_status_t hmac_alloc(srtp_auth_pointer_t *ap, int key_len,
				    int out_len)
{
	srtp_auth_t *a;
	EVP_MAC_CTX *m;

	if (key_len < 0 || key_len > SHA1_LEN || out_len < 0 ||
	    out_len > SHA1_LEN)
		return srtp_err_status_bad_param;
	a = calloc(1, sizeof(*a));
	if (!a || !(m = EVP_MAC_CTX_new(hmac_mac))) {
		free(a);
		return srtp_err_status_alloc_fail;
	}
	a->type = &hmac_type;
	a->state = m;
	a->out_len = out_len;
	a->key_len = key_len;
	*ap = a;
	return srtp_err_status_ok;
}

static srtp_err_status_t hmac_dealloc(srtp_auth_pointer_t a)
{
	EVP_MAC_CTX_free(a->state);
	free(a);
	return srtp_err_status_ok;
}

static srtp_err_status_t hmac_init(void *state, const uint8_t *key,
				   int key_len)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 (char *)"SHA1", 0),
		OSSL_PARAM_construct_end(),
	};

	if (EVP_MAC_init(state, key, (size_t)key_len, params) != 1)
		return srtp_err_status_init_fail;
	return srtp_err_status_ok;
}

static srtp_err_status_t hmac_start(void *state)
{
	/* no key: restart from the keyed state */
	if (EVP_MAC_init(state, NULL, 0, NULL) != 1)
		return srtp_err_status_auth_fail;
	return srtp_err_status_ok;
}

static srtp_err_status_t hmac_update(void *state, const uint8_t *buf,
				     int len)
{
	if (len < 0 || EVP_MAC_update(state, buf, (size_t)len) != 1)
		return srtp_err_status_auth_fail;
	return srtp_err_status_ok;
}

static srtp_err_status_t hmac_compute(void *state, const uint8_t *buf,
				      int len, int tag_len, uint8_t *tag)
{
	uint8_t h[SHA1_LEN];
	size_t n;

	if (tag_len < 0 || tag_len > SHA1_LEN ||
	    hmac_update(state, buf, len) != srtp_err_status_ok ||
	    EVP_MAC_final(state, h, &n, sizeof(h)) != 1 || n != SHA1_LEN)
		return srtp_err_status_auth_fail;
	memcpy(tag, h, (size_t)tag_len);
	return srtp_err_status_ok;
}

static const uint8_t h_key[SHA1_LEN] = {
	0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
	0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b, 0x0b,
};
static const uint8_t h_data[8] = { 'H', 'i', ' ', 'T', 'h', 'e', 'r', 'e' };
static const uint8_t h_tag[SHA1_LEN] = {
	0xb6, 0x17, 0x31, 0x86, 0x55, 0x05, 0x72, 0x64, 0xe2, 0x8b,
	0xc0, 0xb6, 0xfb, 0x37, 0x8c, 0x8e, 0xf1, 0x46, 0xbe, 0x00,
};

static const srtp_auth_test_case_t hmac_test = {
	.key_length_octets = SHA1_LEN,
	.key = h_key,
	.data_length_octets = sizeof(h_data),
	.data = h_data,
	.tag_length_octets = SHA1_LEN,
	.tag = h_tag,
};

static const srtp_auth_type_t hmac_type = {
	.alloc = hmac_alloc,
	.dealloc = hmac_dealloc,
	.init = hmac_init,
	.compute = hmac_compute,
	.update = hmac_update,
	.start = hmac_start,
	.description = "HMAC-SHA1 using OpenSSL EVP_MAC (Starling)",
	.test_data = &hmac_test,
	.id = SRTP_HMAC_SHA1,
};

/* ---- installing them ------------------------------------------------------ */

/* A replacement libsrtp refused (its self-test failed) leaves its own. */
static int installed(srtp_err_status_t st, const char *what)
{
	if (st == srtp_err_status_ok)
		return 0;
	log_warn("OpenSSL %s for SRTP failed libsrtp's self-test (%d); "
		 "keeping libsrtp's own", what, (int)st);
	return -EIO;
}

int sfu__srtp_use_openssl(void)
{
	int rc = 0;

	rc |= installed(srtp_replace_cipher_type(&gcm_type, SRTP_AES_GCM_128),
			"AES-GCM");
	rc |= installed(srtp_replace_cipher_type(&icm_type, SRTP_AES_ICM_128),
			"AES-ICM");
	if (!hmac_mac)
		hmac_mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	rc |= installed(hmac_mac ? srtp_replace_auth_type(&hmac_type,
							  SRTP_HMAC_SHA1)
				 : srtp_err_status_init_fail,
			"HMAC-SHA1");
	return rc ? -EIO : 0;
}

void sfu__srtp_openssl_shutdown(void)
{
	EVP_MAC_free(hmac_mac);
	hmac_mac = NULL;
}
