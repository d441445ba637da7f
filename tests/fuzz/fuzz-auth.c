/*
 * fuzz-auth.c - libFuzzer target for join token verification.
 *
 * The input is a token, made NUL-terminated, checked for room "r1" at a
 * fixed time. When its first byte is 0x80 or above, the low six bits give
 * the length of a room name that follows, chosen by the fuzzer, and the
 * rest is the token. Whatever sfu_auth_check() says must be consistent:
 * a refusal has a reason that echoes neither secret nor token; an
 * acceptance carries an HS256 signature that OpenSSL agrees with, a room
 * claim the room matches, and a name that is a valid display name.
 */
#include "auth.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The seeds in corpus/auth are signed with this secret. */
#define SECRET "starling-fuzz-secret-0123456789abcdef"
#define NOW 1700000000

static struct sfu_auth *auth;

/* Decode base64url (no padding) into out; returns length or -1. */
static long b64url_decode(const char *s, size_t n, unsigned char *out)
{
	uint32_t acc = 0;
	int bits = 0;
	long o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int v;
		if (c >= 'A' && c <= 'Z')
			v = c - 'A';
		else if (c >= 'a' && c <= 'z')
			v = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			v = c - '0' + 52;
		else if (c == '-')
			v = 62;
		else if (c == '_')
			v = 63;
		else
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	return o;
}

/* True when the token's third part is the HMAC-SHA256 of the first two. */
static bool signature_ok(const char *tok)
{
	const char *d1 = strchr(tok, '.'), *d2;
	unsigned char mac[EVP_MAX_MD_SIZE], sig[4096];
	size_t maclen = 0;
	long siglen;

	if (!d1 || !(d2 = strchr(d1 + 1, '.')))
		return false;
	if (!EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, SECRET,
		       strlen(SECRET), (const unsigned char *)tok,
		       (size_t)(d2 - tok), mac, sizeof(mac), &maclen))
		abort();
	siglen = b64url_decode(d2 + 1, strlen(d2 + 1), sig);
	return siglen == (long)maclen && memcmp(sig, mac, maclen) == 0;
}

/* The claims of an accepted token, decoded here: room must match, exp be
 * in the future, and can_publish only true when the claim says so. When
 * this decoder cannot read the payload, there is nothing to compare. */
static void claims_ok(const char *tok, const char *room,
		      const struct sfu_auth_claims *out)
{
	const char *d1 = strchr(tok, '.'), *d2 = strchr(d1 + 1, '.');
	unsigned char body[4096];
	long n = b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), body);
	json_t *js, *r, *exp, *pub;

	if (n < 0 || !(js = json_loadb((const char *)body, (size_t)n, 0, NULL)))
		return;
	r = json_object_get(js, "room");
	exp = json_object_get(js, "exp");
	pub = json_object_get(js, "can_publish");
	if (!json_is_string(r) || (strcmp(json_string_value(r), "*") != 0 &&
				   strcmp(json_string_value(r), room) != 0))
		abort();
	if (!json_is_integer(exp) || json_integer_value(exp) <= NOW)
		abort();
	if (out->can_publish && pub && !json_is_true(pub))
		abort();
	json_decref(js);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sfu_auth_claims out;
	char room[64], why[128], name[SFU_DISPLAY_NAME_MAX_BYTES + 1];
	char *tok;
	int rc;

	if (!auth)
		auth = sfu_auth_new(SECRET);
	strcpy(room, "r1");
	if (size > 0 && data[0] >= 0x80) {
		size_t n = data[0] & 0x3f;
		if (n > size - 1)
			n = size - 1;
		memcpy(room, data + 1, n);
		room[n] = '\0';
		data += 1 + n;
		size -= 1 + n;
	}
	tok = malloc(size + 1);
	if (!tok)
		abort();
	memcpy(tok, data, size);
	tok[size] = '\0';

	why[0] = '\0';
	rc = sfu_auth_check(auth, tok, room, NOW, &out, why, sizeof(why));
	if (rc != 0 && rc != -EACCES)
		abort();
	if (rc != 0 && (!why[0] || strstr(why, SECRET) ||
			(strlen(tok) > 8 && strstr(why, tok))))
		abort();
	if (rc == 0) {
		if (!signature_ok(tok))
			abort();
		claims_ok(tok, room, &out);
		if (out.name[0] &&
		    (sfu_display_name_normalize(out.name, strlen(out.name),
						name) != 0 ||
		     strcmp(name, out.name) != 0))
			abort();
	}
	free(tok);
	return 0;
}
