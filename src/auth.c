/*
 * auth.c - join token verification on top of libjwt.
 *
 * libjwt checks the signature; this file insists on the algorithm itself
 * (so "alg":"none" or an RS256 header never passes) and on the claims.
 */
#include "auth.h"

#include <jansson.h>
#include <jwt.h>
#include <stdio.h>
#include <stdlib.h>

struct sfu_auth {
	unsigned char *key;
	size_t key_len;
};

struct sfu_auth *sfu_auth_new(const char *secret)
{
	struct sfu_auth *a;

	if (!secret || !secret[0])
		return NULL;
	a = sfu_xcalloc(1, sizeof(*a));
	a->key_len = strlen(secret);
	a->key = (unsigned char *)sfu_xstrdup(secret);
	return a;
}

void sfu_auth_free(struct sfu_auth *a)
{
	if (!a)
		return;
	/* The secret should not linger in freed memory. */
	explicit_bzero(a->key, a->key_len);
	free(a->key);
	free(a);
}

static int fail(char *why, size_t whylen, const char *reason)
{
	snprintf(why, whylen, "%s", reason);
	return -EACCES;
}

/*
 * Claims of an already verified token. libjwt's typed getters read a
 * claim of the wrong type as 0 without an error, so the claims are read
 * from their JSON and every type is checked here.
 */
static int check_claims(jwt_t *jwt, const char *room, int64_t now_s,
			struct sfu_auth_claims *out, char *why, size_t whylen)
{
	char *text = jwt_get_grants_json(jwt, NULL);
	json_t *claims = text ? json_loads(text, 0, NULL) : NULL;
	const json_t *exp, *croom, *name, *pub;
	int rc = -EACCES;

	free(text);
	if (!json_is_object(claims)) {
		fail(why, whylen, "token claims are not a JSON object");
		goto out;
	}
	exp = json_object_get(claims, "exp");
	croom = json_object_get(claims, "room");
	name = json_object_get(claims, "name");
	pub = json_object_get(claims, "can_publish");
	if (!json_is_integer(exp))
		fail(why, whylen, "token has no integer exp claim");
	else if (json_integer_value(exp) <= now_s)
		fail(why, whylen, "token expired");
	else if (!json_is_string(croom))
		fail(why, whylen, "token has no room claim");
	else if (strcmp(json_string_value(croom), "*") != 0 &&
		 strcmp(json_string_value(croom), room) != 0)
		fail(why, whylen, "token is for another room");
	else if (name && (!json_is_string(name) ||
			  sfu_display_name_normalize(json_string_value(name),
						     json_string_length(name),
						     out->name)))
		fail(why, whylen, "token name claim is not a valid name");
	else if (pub && !json_is_boolean(pub))
		fail(why, whylen, "token can_publish must be a boolean");
	else
		rc = 0;
	if (rc == 0) {
		if (!name)
			out->name[0] = '\0';
		out->can_publish = !pub || json_is_true(pub);
	}
out:
	json_decref(claims);
	return rc;
}

/* The header's alg must be exactly "HS256" (libjwt ignores case). */
static bool alg_exact(jwt_t *jwt)
{
	char *text = jwt_get_headers_json(jwt, NULL);
	json_t *hdr = text ? json_loads(text, 0, NULL) : NULL;
	bool ok = json_is_string(json_object_get(hdr, "alg")) &&
		  strcmp(json_string_value(json_object_get(hdr, "alg")),
			 "HS256") == 0;

	free(text);
	json_decref(hdr);
	return ok;
}

int sfu_auth_check(const struct sfu_auth *a, const char *token,
		   const char *room, int64_t now_s,
		   struct sfu_auth_claims *out, char *why, size_t whylen)
{
	jwt_t *jwt = NULL;
	int rc;

	if (!token || !token[0])
		return fail(why, whylen, "a token is required");
	if (strlen(token) > SFU_AUTH_TOKEN_MAX)
		return fail(why, whylen, "token too long");
	/* libjwt 1.10 overflows a malloc(0) on an empty header or payload. */
	if (token[0] == '.' || strstr(token, "..") ||
	    jwt_decode(&jwt, token, a->key, (int)a->key_len) != 0 || !jwt)
		return fail(why, whylen, "token is malformed or its signature is wrong");
	if (jwt_get_alg(jwt) != JWT_ALG_HS256 || !alg_exact(jwt))
		rc = fail(why, whylen, "token must be signed with HS256");
	else
		rc = check_claims(jwt, room, now_s, out, why, whylen);
	jwt_free(jwt);
	return rc;
}
