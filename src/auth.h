/*
 * auth.h - join tokens (PROTOCOL 1.5): HS256 JWTs with the claims room,
 * name, exp and can_publish. The only file that includes libjwt.
 */
#ifndef SFU_AUTH_H
#define SFU_AUTH_H

#include "common.h"

#include "names.h"

/* Longest token accepted; anything longer is refused before decoding. */
#define SFU_AUTH_TOKEN_MAX 4096

struct sfu_auth_claims {
	char name[SFU_DISPLAY_NAME_MAX_BYTES + 1]; /* "" when absent */
	bool can_publish;
};

struct sfu_auth;

/* secret is copied; NULL or "" returns NULL (auth off). */
struct sfu_auth *sfu_auth_new(const char *secret);
void sfu_auth_free(struct sfu_auth *a);

/*
 * Verify token for room at now_s (Unix seconds): HS256 signature with the
 * secret, alg exactly HS256, exp present and in the future, room equal to
 * the claim or the claim "*", name (if present) a valid display name,
 * can_publish (if present) a boolean. Returns 0 and fills out, or -EACCES
 * with a short reason in why (never the secret or the token).
 */
int sfu_auth_check(const struct sfu_auth *a, const char *token,
		   const char *room, int64_t now_s,
		   struct sfu_auth_claims *out, char *why, size_t whylen);

#endif
