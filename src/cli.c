/*
 * cli.c - getopt_long over a table of flags, each naming the key it sets.
 *
 * Flags are collected first and applied last, so they win over the file
 * and the environment whatever their position on the command line.
 */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <unistd.h>

struct flag {
	const char *name;
	int short_opt; /* 0: long only */
	const char *section, *key; /* NULL: handled specially */
	const char *arg, *help;
};

enum { OPT_CONFIG = 'c', OPT_SET = 'o', OPT_HELP = 'h', OPT_VERSION = 'V' };

static const struct flag flags[] = {
	{ "config", 'c', NULL, NULL, "FILE", "read the configuration from FILE" },
	{ "bind", 'b', "http", "bind", "ADDR", "HTTP listen address (http.bind)" },
	{ "port", 'p', "http", "port", "PORT", "HTTP port (http.port)" },
	{ "html", 0, "http", "root", "DIR", "bundled client directory (http.root)" },
	{ "admin-bind", 0, "admin", "bind", "ADDR", "admin listen address (admin.bind)" },
	{ "admin-port", 0, "admin", "port", "PORT", "admin port (admin.port)" },
	{ "media-ips", 0, "media", "ips", "LIST", "ICE host candidate addresses (media.ips)" },
	{ "public-ip", 0, "media", "public_ip", "ADDR", "1:1 NAT public address (media.public_ip)" },
	{ "port-range", 0, "media", "port_range", "LO-HI", "UDP media ports (media.port_range)" },
	{ "workers", 'w', "media", "workers", "N", "media worker threads, 0 = CPUs (media.workers)" },
	{ "max-participants", 0, "rooms", "max_participants", "N", "per room (rooms.max_participants)" },
	{ "log-level", 'l', "log", "level", "LEVEL", "error, warn, info or debug (log.level)" },
	{ "set", 'o', NULL, NULL, "SECTION.KEY=VALUE", "set any configuration key" },
	{ "help", 'h', NULL, NULL, NULL, "show this help and exit" },
	{ "version", 'V', NULL, NULL, NULL, "show the version and exit" },
};

static void usage(FILE *out, const char *default_conf)
{
	size_t n;
	const struct sfu_config_key *keys = sfu_config_keys(&n);

	fprintf(out, "Usage: starling [OPTION]...\n"
		     "A WebRTC selective forwarding unit.\n\n");
	for (size_t i = 0; i < SFU_ARRAY_SIZE(flags); i++) {
		const struct flag *f = &flags[i];
		char left[64];
		snprintf(left, sizeof(left), "%s%c%s--%s%s%s",
			 f->short_opt ? "-" : "  ",
			 f->short_opt ? f->short_opt : ' ',
			 f->short_opt ? ", " : "  ", f->name,
			 f->arg ? " " : "", f->arg ? f->arg : "");
		fprintf(out, "  %-30s %s\n", left, f->help);
	}
	fprintf(out, "\nWithout -c, %s is read if it exists.\n"
		     "Every key can also be set by STARLING_<SECTION>_<KEY>.\n"
		     "Keys (section.key = default):\n", default_conf);
	for (size_t i = 0; i < n; i++)
		fprintf(out, "  %s.%s = %s\n", keys[i].section, keys[i].key,
			keys[i].def ? keys[i].def : "");
}

struct pending {
	const char *section, *key, *value, *origin;
	char *owned; /* for --set, the split copy */
};

/* Split "section.key=value" from --set into p. Returns 0 or -EINVAL. */
static int split_set(const char *arg, struct pending *p)
{
	char *copy = sfu_xstrdup(arg), *dot, *eq;

	eq = strchr(copy, '=');
	dot = strchr(copy, '.');
	if (!eq || !dot || dot > eq) {
		free(copy);
		return -EINVAL;
	}
	*dot = '\0';
	*eq = '\0';
	p->owned = copy;
	p->section = copy;
	p->key = dot + 1;
	p->value = eq + 1;
	p->origin = "--set";
	return 0;
}

static int parse_args(int argc, char **argv, struct pending *pend, size_t *npend,
		      const char **conf, FILE *out, FILE *err,
		      const char *default_conf)
{
	struct option longopts[SFU_ARRAY_SIZE(flags) + 1];
	char shortopts[64], *sp = shortopts;
	int opt, idx;

	memset(longopts, 0, sizeof(longopts));
	for (size_t i = 0; i < SFU_ARRAY_SIZE(flags); i++) {
		longopts[i].name = flags[i].name;
		longopts[i].has_arg = flags[i].arg ? required_argument : no_argument;
		longopts[i].val = 256 + (int)i;
		if (flags[i].short_opt) {
			*sp++ = (char)flags[i].short_opt;
			if (flags[i].arg)
				*sp++ = ':';
		}
	}
	*sp = '\0';
	optind = 1;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, &idx)) != -1) {
		const struct flag *f = NULL;
		if (opt >= 256)
			f = &flags[opt - 256];
		for (size_t i = 0; !f && i < SFU_ARRAY_SIZE(flags); i++)
			if (flags[i].short_opt == opt)
				f = &flags[i];
		if (!f) {
			fprintf(err, "Try 'starling --help'.\n");
			return SFU_CLI_EXIT_FAIL;
		}
		if (f->short_opt == OPT_HELP) {
			usage(out, default_conf);
			return SFU_CLI_EXIT_OK;
		} else if (f->short_opt == OPT_VERSION) {
			fprintf(out, "starling %s\n", PACKAGE_VERSION);
			return SFU_CLI_EXIT_OK;
		} else if (f->short_opt == OPT_CONFIG) {
			*conf = optarg;
		} else if (f->short_opt == OPT_SET) {
			if (split_set(optarg, &pend[*npend])) {
				fprintf(err, "starling: --set takes SECTION.KEY=VALUE\n");
				return SFU_CLI_EXIT_FAIL;
			}
			(*npend)++;
		} else {
			pend[*npend] = (struct pending){ f->section, f->key, optarg,
							 argv[optind - 1], NULL };
			(*npend)++;
		}
	}
	if (optind < argc) {
		fprintf(err, "starling: unexpected argument '%s'\n", argv[optind]);
		return SFU_CLI_EXIT_FAIL;
	}
	return SFU_CLI_RUN;
}

static enum sfu_cli_result fail(FILE *err, char *msg)
{
	fprintf(err, "starling: %s\n", msg);
	free(msg);
	return SFU_CLI_EXIT_FAIL;
}

static enum sfu_cli_result load_sources(struct sfu_config *cfg, const char *conf,
					bool explicit_conf, char *const *envp,
					struct pending *pend, size_t npend,
					FILE *err)
{
	char *msg = NULL;
	int rc;

	if (explicit_conf || access(conf, F_OK) == 0) {
		rc = sfu_config_load_file(cfg, conf, &msg);
		if (rc)
			return fail(err, msg ? msg : sfu_xasprintf("%s: cannot read", conf));
	}
	if (sfu_config_apply_env(cfg, envp, &msg))
		return fail(err, msg);
	for (size_t i = 0; i < npend; i++) {
		if (sfu_config_set(cfg, pend[i].section, pend[i].key,
				   pend[i].value, pend[i].origin, &msg))
			return fail(err, msg);
	}
	if (sfu_config_validate(cfg, &msg))
		return fail(err, msg);
	return SFU_CLI_RUN;
}

enum sfu_cli_result sfu_cli_load(struct sfu_config *cfg, int argc, char **argv,
				 char *const *envp, const char *default_conf,
				 FILE *out, FILE *err)
{
	struct pending *pend = sfu_xcalloc((size_t)argc + 1, sizeof(*pend));
	const char *conf = NULL;
	size_t npend = 0;
	enum sfu_cli_result rc;

	sfu_config_init(cfg);
	rc = parse_args(argc, argv, pend, &npend, &conf, out, err, default_conf);
	if (rc == SFU_CLI_RUN)
		rc = load_sources(cfg, conf ? conf : default_conf, conf != NULL,
				  envp, pend, npend, err);
	for (size_t i = 0; i < npend; i++)
		free(pend[i].owned);
	free(pend);
	return rc;
}
