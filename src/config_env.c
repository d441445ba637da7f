/*
 * config_env.c - STARLING_<SECTION>_<KEY>=value environment variables,
 * each applied through sfu_config_set() as a command-line flag would be.
 * Split from config.c, which owns the table and the setters.
 */
#include "config.h"
#include "config-int.h"

#include <stdlib.h>
#include <string.h>

/* Short names, as in config.c. */
#define fail sfu__config_fail
#define show sfu__config_show

#define ENV_PREFIX "STARLING_"

/* One STARLING_<SECTION>_<KEY>=value entry; name has namelen bytes. */
static int apply_env_one(struct sfu_config *c, const char *name,
			 size_t namelen, const char *value, char **err)
{
	const char *rest = name + strlen(ENV_PREFIX);
	size_t restlen = namelen - strlen(ENV_PREFIX), seclen;
	const char *us = memchr(rest, '_', restlen);
	char buf[SHOW_MAX + 4], *origin, *lower;
	int rc;

	if (strspn(rest, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") < restlen ||
	    !us || us == rest || us + 1 == rest + restlen)
		return fail(err, -ENOENT,
			    "env %s: not a setting (expected "
			    "STARLING_<SECTION>_<KEY> in upper case)",
			    show(buf, name, namelen));
	/* Lower-case section and key into one buffer, split at the '_'. */
	lower = sfu_xstrndup(rest, restlen);
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	seclen = (size_t)(us - rest);
	lower[seclen] = '\0';
	origin = sfu_xasprintf("env %s", show(buf, name, namelen));
	rc = sfu_config_set(c, lower, lower + seclen + 1, value, origin, err);
	free(origin);
	free(lower);
	return rc;
}

int sfu_config_apply_env(struct sfu_config *c, char *const *envp, char **err)
{
	for (char *const *e = envp; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		int rc;

		if (strncmp(*e, ENV_PREFIX, strlen(ENV_PREFIX)) != 0 || !eq)
			continue;
		rc = apply_env_one(c, *e, (size_t)(eq - *e), eq + 1, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}
