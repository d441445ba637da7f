/*
 * cert.h - the server's DTLS certificate: an ECDSA P-256 key and a
 * self-signed certificate made at start (or loaded from PEM files), and
 * its SHA-256 fingerprint for a=fingerprint. Shared read-only by all
 * workers. OpenSSL's headers are included by cert.c and dtls.c only.
 */
#ifndef SFU_CERT_H
#define SFU_CERT_H

#include "common.h"

struct sfu_cert;

/* A fresh key and certificate valid for 30 days. NULL on failure. */
struct sfu_cert *sfu_cert_generate(void);
/* PEM files; NULL with a malloc'd message in *err on failure. */
struct sfu_cert *sfu_cert_load(const char *cert_path, const char *key_path,
			       char **err);
void sfu_cert_free(struct sfu_cert *c);

/* "AB:CD:..." (SHA-256, upper-case hex), for a=fingerprint:sha-256. */
const char *sfu_cert_fingerprint(const struct sfu_cert *c);

/* For dtls.c: the OpenSSL X509 and EVP_PKEY. */
void *sfu__cert_x509(const struct sfu_cert *c);
void *sfu__cert_pkey(const struct sfu_cert *c);

/*
 * Format a digest as colon-separated upper-case hex into out (3 * n
 * bytes). Shared with dtls.c for the peer's fingerprint.
 */
void sfu__fingerprint_hex(const uint8_t *md, size_t n, char *out);

#endif
