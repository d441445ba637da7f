/*
 * srtp_ossl.c - AES-128-GCM for libsrtp2 on OpenSSL, replacing the
 * cipher Debian's libsrtp2 brings (NSS).
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
 *
 * libsrtp runs the self-test below (GCM test case 4 of McGrew and
 * Viega's GCM specification) and its own random round trips before it
 * accepts the type; if that fails the NSS cipher stays.
 */
#define SFU_LOG_MODULE "srtp"
#include "srtp.h"

#include <openssl/evp.h>
#include <srtp2/cipher.h>
#include <srtp2/srtp.h>
#include <stdlib.h>

#include "log.h"

#define KEY_LEN 16
#define KEY_LEN_WSALT SRTP_AES_GCM_128_KEY_LEN_WSALT /* 16 + 12 */
#define IV_LEN 12

struct gcm {
	EVP_CIPHER_CTX *ctx;
	int tag_len;
	int dir; /* srtp_cipher_direction_t of the last set_iv */
};

static const srtp_cipher_type_t gcm_type;

static srtp_err_status_t gcm_alloc(srtp_cipher_pointer_t *cp, int key_len,
				   int tag_len)
{
	srtp_cipher_t *c;
	struct gcm *g;

	if (key_len != KEY_LEN_WSALT || (tag_len != 8 && tag_len != 16))
		return srtp_err_status_bad_param;
	c = calloc(1, sizeof(*c) + sizeof(*g));
	if (!c)
		return srtp_err_status_alloc_fail;
	g = (struct gcm *)(c + 1);
	g->ctx = EVP_CIPHER_CTX_new();
	if (!g->ctx) {
		free(c);
		return srtp_err_status_alloc_fail;
	}
	g->tag_len = tag_len;
	g->dir = srtp_direction_any;
	c->type = &gcm_type;
	c->state = g;
	c->key_len = key_len;
	c->algorithm = SRTP_AES_GCM_128;
	*cp = c;
	return srtp_err_status_ok;
}

static srtp_err_status_t gcm_dealloc(srtp_cipher_pointer_t c)
{
	struct gcm *g = c->state;

	EVP_CIPHER_CTX_free(g->ctx);
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
	.dealloc = gcm_dealloc,
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

int sfu__srtp_use_openssl_gcm(void)
{
	srtp_err_status_t st = srtp_replace_cipher_type(&gcm_type,
							SRTP_AES_GCM_128);

	if (st != srtp_err_status_ok) {
		log_warn("OpenSSL AES-GCM for SRTP failed libsrtp's self-test "
			 "(%d); keeping libsrtp's own", (int)st);
		return -EIO;
	}
	return 0;
}
