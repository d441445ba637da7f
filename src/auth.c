/*
 * auth.c - join token verification on top of libjwt.
 *
 * libjwt checks the signature; this file insists on the algorithm itself
 * (so "alg":"none" or an RS256 header never passes) and on the claims.
 */
#include "auth.h"

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

/* Claims of an already verified token. */
static int check_claims(jwt_t *jwt, const char *room, int64_t now_s,
			struct sfu_auth_claims *out, char *why, size_t whylen)
{
	const char *claim_room, *name;
	long exp;
	int pub;

	errno = 0;
	exp = jwt_get_grant_int(jwt, "exp");
	if (errno != 0)
		return fail(why, whylen, "token has no integer exp claim");
	if ((int64_t)exp <= now_s)
		return fail(why, whylen, "token expired");
	claim_room = jwt_get_grant(jwt, "room");
	if (!claim_room)
		return fail(why, whylen, "token has no room claim");
	if (strcmp(claim_room, "*") != 0 && strcmp(claim_room, room) != 0)
		return fail(why, whylen, "token is for another room");
	out->name[0] = '\0';
	name = jwt_get_grant(jwt, "name");
	if (name && sfu_display_name_normalize(name, strlen(name), out->name))
		return fail(why, whylen, "token name claim is not a valid name");
	out->can_publish = true;
	errno = 0;
	pub = jwt_get_grant_bool(jwt, "can_publish");
	if (errno == 0) {
		out->can_publish = pub != 0;
	} else {
		/* Present but not a boolean is an error, absent is not. */
		char *raw = jwt_get_grants_json(jwt, "can_publish");
		bool present = raw != NULL;
		free(raw);
		if (present)
			return fail(why, whylen,
				    "token can_publish must be a boolean");
	}
	return 0;
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
	if (jwt_get_alg(jwt) != JWT_ALG_HS256)
		rc = fail(why, whylen, "token must be signed with HS256");
	else
		rc = check_claims(jwt, room, now_s, out, why, whylen);
	jwt_free(jwt);
	return rc;
}
