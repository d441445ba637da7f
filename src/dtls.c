/*
 * dtls.c - OpenSSL DTLS with a custom write BIO.
 *
 * Input goes through a memory BIO, one datagram per BIO_write. Output
 * goes through our own BIO whose write sends each record batch OpenSSL
 * flushes as its own datagram, so handshake flights are never glued into
 * datagrams larger than the MTU. The peer's certificate is accepted
 * during the handshake and checked against the SDP fingerprint once the
 * handshake completes: WebRTC authenticates by fingerprint, not by a CA.
 */
#define SFU_LOG_MODULE "dtls"
#include "dtls.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <strings.h>

#include "log.h"

#define DTLS_MTU 1200

struct sfu_dtls_ctx {
	SSL_CTX *ssl_ctx;
	BIO_METHOD *out_method;
	char fingerprint[32 * 3];
};

struct sfu_dtls {
	SSL *ssl;
	BIO *in; /* memory BIO we write received datagrams into */
	enum sfu_dtls_state state;
	bool is_server;
	const EVP_MD *fp_md;
	char fp[EVP_MAX_MD_SIZE * 3];
	const struct sfu_dtls_ops *ops;
	void *arg;
};

const char *sfu_dtls_state_name(enum sfu_dtls_state s)
{
	static const char *const names[] = { "new", "connecting", "connected",
					     "failed", "closed" };
	return (unsigned)s < SFU_ARRAY_SIZE(names) ? names[s] : "?";
}

/* ---- the output BIO ---------------------------------------------------- */

static int out_write(BIO *b, const char *data, int len)
{
	struct sfu_dtls *d = BIO_get_data(b);

	if (d && len > 0)
		d->ops->send(d->arg, (const uint8_t *)data, (size_t)len);
	return len;
}

static long out_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	switch (cmd) {
	case BIO_CTRL_FLUSH:
		return 1;
	case BIO_CTRL_DGRAM_QUERY_MTU:
	case BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
		return DTLS_MTU;
	case BIO_CTRL_WPENDING:
	case BIO_CTRL_PENDING:
		return 0;
	default:
		return 0;
	}
}

static int out_create(BIO *b)
{
	BIO_set_init(b, 1);
	return 1;
}

/* ---- context ------------------------------------------------------------ */

/*
 * Handshake retransmission: OpenSSL waits a full second before resending a
 * lost flight. The first flight is often lost while the other side's ICE
 * is still settling, so start at 100 ms and double up to 3 s, as WebRTC
 * stacks do.
 */
static unsigned int dtls_timer(SSL *ssl, unsigned int previous_us)
{
	(void)ssl;
	if (previous_us == 0)
		return 100000;
	return previous_us >= 1500000 ? 3000000 : previous_us * 2;
}

static int accept_any(int ok, X509_STORE_CTX *store)
{
	(void)ok;
	(void)store;
	return 1; /* checked against the SDP fingerprint after the handshake */
}

struct sfu_dtls_ctx *sfu_dtls_ctx_new(const struct sfu_cert *cert)
{
	struct sfu_dtls_ctx *c = sfu_xcalloc(1, sizeof(*c));
	SSL_CTX *s = SSL_CTX_new(DTLS_method());

	c->ssl_ctx = s;
	if (!s || !SSL_CTX_set_min_proto_version(s, DTLS1_2_VERSION) ||
	    SSL_CTX_use_certificate(s, sfu__cert_x509(cert)) != 1 ||
	    SSL_CTX_use_PrivateKey(s, sfu__cert_pkey(cert)) != 1 ||
	    SSL_CTX_set_cipher_list(s, "ECDHE-ECDSA-AES128-GCM-SHA256:"
				       "ECDHE-ECDSA-AES256-GCM-SHA384:"
				       "ECDHE-ECDSA-CHACHA20-POLY1305:"
				       "ECDHE-RSA-AES128-GCM-SHA256:"
				       "ECDHE-RSA-AES256-GCM-SHA384") != 1 ||
	    /* 0 means success for this one. */
	    SSL_CTX_set_tlsext_use_srtp(s, "SRTP_AEAD_AES_128_GCM:"
					   "SRTP_AES128_CM_SHA1_80") != 0) {
		log_error("cannot set up the DTLS context");
		sfu_dtls_ctx_free(c);
		return NULL;
	}
	SSL_CTX_set_verify(s, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
			   accept_any);
	SSL_CTX_set_read_ahead(s, 1);
	sfu_strlcpy(c->fingerprint, sfu_cert_fingerprint(cert),
		    sizeof(c->fingerprint));
	c->out_method = BIO_meth_new(BIO_TYPE_SOURCE_SINK | BIO_get_new_index(),
				     "starling dtls out");
	BIO_meth_set_write(c->out_method, out_write);
	BIO_meth_set_ctrl(c->out_method, out_ctrl);
	BIO_meth_set_create(c->out_method, out_create);
	return c;
}

const char *sfu__dtls_ctx_fingerprint(const struct sfu_dtls_ctx *c)
{
	return c->fingerprint;
}

void sfu_dtls_ctx_free(struct sfu_dtls_ctx *c)
{
	if (!c)
		return;
	SSL_CTX_free(c->ssl_ctx);
	BIO_meth_free(c->out_method);
	free(c);
}

/* ---- connections ------------------------------------------------------- */

static const EVP_MD *md_by_name(const char *name)
{
	if (strcasecmp(name, "sha-256") == 0)
		return EVP_sha256();
	if (strcasecmp(name, "sha-384") == 0)
		return EVP_sha384();
	if (strcasecmp(name, "sha-512") == 0)
		return EVP_sha512();
	if (strcasecmp(name, "sha-1") == 0)
		return EVP_sha1();
	return NULL;
}

struct sfu_dtls *sfu_dtls_new(struct sfu_dtls_ctx *ctx, bool is_server,
			      const char *fp_hash, const char *fp,
			      const struct sfu_dtls_ops *ops, void *arg)
{
	const EVP_MD *md = md_by_name(fp_hash);
	struct sfu_dtls *d;
	BIO *out;

	if (!md || strlen(fp) >= sizeof(d->fp))
		return NULL;
	d = sfu_xcalloc(1, sizeof(*d));
	d->fp_md = md;
	sfu_strlcpy(d->fp, fp, sizeof(d->fp));
	d->is_server = is_server;
	d->ops = ops;
	d->arg = arg;
	d->ssl = SSL_new(ctx->ssl_ctx);
	d->in = BIO_new(BIO_s_mem());
	out = BIO_new(ctx->out_method);
	BIO_set_mem_eof_return(d->in, -1);
	BIO_set_data(out, d);
	SSL_set_bio(d->ssl, d->in, out);
	SSL_set_options(d->ssl, SSL_OP_NO_QUERY_MTU);
	SSL_set_mtu(d->ssl, DTLS_MTU);
	DTLS_set_timer_cb(d->ssl, dtls_timer);
	if (is_server)
		SSL_set_accept_state(d->ssl);
	else
		SSL_set_connect_state(d->ssl);
	return d;
}

void sfu_dtls_free(struct sfu_dtls *d)
{
	if (!d)
		return;
	/* The output BIO must not call back into a freed owner. */
	BIO_set_data(SSL_get_wbio(d->ssl), NULL);
	SSL_free(d->ssl);
	free(d);
}

static void fail(struct sfu_dtls *d, const char *why)
{
	char buf[160];
	unsigned long e = ERR_get_error();

	ERR_clear_error();
	if (d->state == SFU_DTLS_FAILED || d->state == SFU_DTLS_CLOSED)
		return;
	d->state = SFU_DTLS_FAILED;
	if (e) {
		ERR_error_string_n(e, buf, sizeof(buf));
		log_info("DTLS failed: %s (%s)", why, buf);
	} else {
		log_info("DTLS failed: %s", why);
	}
	d->ops->failed(d->arg, why);
}

static bool fingerprint_ok(struct sfu_dtls *d)
{
	X509 *peer = SSL_get1_peer_certificate(d->ssl);
	uint8_t md[EVP_MAX_MD_SIZE];
	char hex[EVP_MAX_MD_SIZE * 3];
	unsigned int n = 0;
	bool ok = false;

	if (peer && X509_digest(peer, d->fp_md, md, &n)) {
		sfu__fingerprint_hex(md, n, hex);
		ok = strcasecmp(hex, d->fp) == 0;
	}
	X509_free(peer);
	return ok;
}

static bool export_keys(struct sfu_dtls *d, struct sfu_srtp_keys *keys)
{
	const SRTP_PROTECTION_PROFILE *p = SSL_get_selected_srtp_profile(d->ssl);
	uint8_t m[2 * SFU_SRTP_MAX_KEY];
	size_t kl, sl;
	const uint8_t *ck, *sk, *cs, *ss;

	memset(keys, 0, sizeof(*keys));
	if (!p)
		return false;
	if (p->id == SRTP_AEAD_AES_128_GCM)
		keys->profile = SFU_SRTP_AEAD_AES_128_GCM;
	else if (p->id == SRTP_AES128_CM_SHA1_80)
		keys->profile = SFU_SRTP_AES128_CM_SHA1_80;
	else
		return false;
	kl = sfu_srtp_key_len(keys->profile);
	sl = sfu_srtp_salt_len(keys->profile);
	if (SSL_export_keying_material(d->ssl, m, 2 * (kl + sl),
				       "EXTRACTOR-dtls_srtp", 19, NULL, 0,
				       0) != 1)
		return false;
	/* RFC 5764 4.2: client key, server key, client salt, server salt. */
	ck = m, sk = m + kl, cs = m + 2 * kl, ss = m + 2 * kl + sl;
	memcpy(keys->local, d->is_server ? sk : ck, kl);
	memcpy(keys->local + kl, d->is_server ? ss : cs, sl);
	memcpy(keys->remote, d->is_server ? ck : sk, kl);
	memcpy(keys->remote + kl, d->is_server ? cs : ss, sl);
	OPENSSL_cleanse(m, sizeof(m));
	return true;
}

static void handshake(struct sfu_dtls *d)
{
	struct sfu_srtp_keys keys;
	int rc = SSL_do_handshake(d->ssl);

	if (rc == 1) {
		if (!fingerprint_ok(d)) {
			fail(d, "the certificate does not match a=fingerprint");
			return;
		}
		if (!export_keys(d, &keys)) {
			fail(d, "no SRTP profile was negotiated");
			return;
		}
		d->state = SFU_DTLS_CONNECTED;
		d->ops->connected(d->arg, &keys);
		OPENSSL_cleanse(&keys, sizeof(keys));
		return;
	}
	rc = SSL_get_error(d->ssl, rc);
	if (rc != SSL_ERROR_WANT_READ && rc != SSL_ERROR_WANT_WRITE)
		fail(d, "handshake error");
}

void sfu_dtls_start(struct sfu_dtls *d)
{
	if (d->state != SFU_DTLS_NEW)
		return;
	d->state = SFU_DTLS_CONNECTING;
	if (!d->is_server)
		handshake(d);
}

static void read_app_data(struct sfu_dtls *d)
{
	uint8_t buf[16384];
	int n;

	while ((n = SSL_read(d->ssl, buf, sizeof(buf))) > 0)
		if (d->ops->data)
			d->ops->data(d->arg, buf, (size_t)n);
	switch (SSL_get_error(d->ssl, n)) {
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		break;
	case SSL_ERROR_ZERO_RETURN:
		d->state = SFU_DTLS_CLOSED;
		ERR_clear_error();
		d->ops->failed(d->arg, "the peer closed DTLS");
		break;
	default:
		ERR_clear_error(); /* a bad record: dropped, not fatal */
		break;
	}
}

void sfu_dtls_input(struct sfu_dtls *d, const uint8_t *data, size_t len)
{
	if (d->state == SFU_DTLS_FAILED || d->state == SFU_DTLS_CLOSED ||
	    len == 0 || len > 65535)
		return;
	if (d->state == SFU_DTLS_NEW)
		d->state = SFU_DTLS_CONNECTING;
	BIO_write(d->in, data, (int)len);
	if (d->state == SFU_DTLS_CONNECTING)
		handshake(d);
	if (d->state == SFU_DTLS_CONNECTED)
		read_app_data(d);
	/* Whatever the handshake did not consume is stale. */
	(void)BIO_reset(d->in);
}

int sfu_dtls_timeout_ms(struct sfu_dtls *d)
{
	struct timeval tv;

	if (d->state != SFU_DTLS_CONNECTING || !DTLSv1_get_timeout(d->ssl, &tv))
		return -1;
	return (int)(tv.tv_sec * 1000 + tv.tv_usec / 1000);
}

void sfu_dtls_timeout(struct sfu_dtls *d)
{
	if (d->state == SFU_DTLS_CONNECTING && DTLSv1_handle_timeout(d->ssl) < 0)
		fail(d, "handshake timed out");
}

int sfu_dtls_send(struct sfu_dtls *d, const uint8_t *data, size_t len)
{
	if (d->state != SFU_DTLS_CONNECTED)
		return -ENOTCONN;
	if (SSL_write(d->ssl, data, (int)len) <= 0) {
		ERR_clear_error();
		return -EIO;
	}
	return 0;
}

void sfu_dtls_close(struct sfu_dtls *d)
{
	if (d->state == SFU_DTLS_CONNECTED) {
		SSL_shutdown(d->ssl);
		d->state = SFU_DTLS_CLOSED;
	}
	ERR_clear_error();
}

enum sfu_dtls_state sfu_dtls_state(const struct sfu_dtls *d)
{
	return d->state;
}

bool sfu_dtls_is_server(const struct sfu_dtls *d)
{
	return d->is_server;
}
