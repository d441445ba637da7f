/*
 * cert.c - certificate generation and loading with OpenSSL 3.
 *
 * WebRTC certificates are self-signed and authenticated by the
 * fingerprint carried in the (authenticated) signaling, so the subject
 * and validity only need to be well-formed.
 */
#define SFU_LOG_MODULE "cert"
#include "cert.h"

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

struct sfu_cert {
	X509 *x509;
	EVP_PKEY *pkey;
	char fingerprint[32 * 3];
};

void sfu__fingerprint_hex(const uint8_t *md, size_t n, char *out)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		*out++ = hex[md[i] >> 4];
		*out++ = hex[md[i] & 15];
		*out++ = i + 1 < n ? ':' : '\0';
	}
	if (n == 0)
		*out = '\0';
}

static int finish(struct sfu_cert *c)
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!X509_digest(c->x509, EVP_sha256(), md, &n) || n != 32)
		return -EINVAL;
	sfu__fingerprint_hex(md, n, c->fingerprint);
	return 0;
}

static X509 *self_sign(EVP_PKEY *pkey)
{
	X509 *x = X509_new();
	X509_NAME *name;
	uint8_t serial[8];
	BIGNUM *bn;

	if (!x)
		return NULL;
	RAND_bytes(serial, sizeof(serial));
	serial[0] &= 0x7f; /* a positive serial number */
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	BN_free(bn);
	X509_set_version(x, 2);
	/* Back-dated a day so a peer with a slow clock accepts it. */
	X509_gmtime_adj(X509_getm_notBefore(x), -86400L);
	X509_gmtime_adj(X509_getm_notAfter(x), 30L * 86400L);
	X509_set_pubkey(x, pkey);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)"starling", -1, -1, 0);
	X509_set_issuer_name(x, name);
	if (!X509_sign(x, pkey, EVP_sha256())) {
		X509_free(x);
		return NULL;
	}
	return x;
}

struct sfu_cert *sfu_cert_generate(void)
{
	struct sfu_cert *c = sfu_xcalloc(1, sizeof(*c));

	c->pkey = EVP_EC_gen("P-256");
	if (c->pkey)
		c->x509 = self_sign(c->pkey);
	if (!c->x509 || finish(c)) {
		log_error("cannot make a DTLS certificate");
		sfu_cert_free(c);
		return NULL;
	}
	return c;
}

struct sfu_cert *sfu_cert_load(const char *cert_path, const char *key_path,
			       char **err)
{
	struct sfu_cert *c = sfu_xcalloc(1, sizeof(*c));
	FILE *f;

	if ((f = fopen(cert_path, "r"))) {
		c->x509 = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	if ((f = fopen(key_path, "r"))) {
		c->pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	if (!c->x509 || !c->pkey) {
		*err = sfu_xasprintf("cannot read the DTLS certificate %s or key %s",
				     cert_path, key_path);
	} else if (X509_check_private_key(c->x509, c->pkey) != 1) {
		*err = sfu_xasprintf("the DTLS key %s does not match %s",
				     key_path, cert_path);
	} else if (finish(c)) {
		*err = sfu_xasprintf("cannot hash the DTLS certificate %s",
				     cert_path);
	} else {
		return c;
	}
	ERR_clear_error();
	sfu_cert_free(c);
	return NULL;
}

void sfu_cert_free(struct sfu_cert *c)
{
	if (!c)
		return;
	X509_free(c->x509);
	EVP_PKEY_free(c->pkey);
	free(c);
}

const char *sfu_cert_fingerprint(const struct sfu_cert *c)
{
	return c->fingerprint;
}

void *sfu__cert_x509(const struct sfu_cert *c)
{
	return c->x509;
}

void *sfu__cert_pkey(const struct sfu_cert *c)
{
	return c->pkey;
}
