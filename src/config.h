/*
 * config.h - the server's configuration: one struct, filled from built-in
 * defaults, then an INI file (GLib GKeyFile), then STARLING_<SECTION>_<KEY>
 * environment variables, then command-line flags, in that order.
 *
 * Every key is a row of a keyword table (section, key, type, offset,
 * bounds, default, help), as in nginx's ngx_conf_file.c; generic setters
 * validate values. Errors name where the bad value came from: "file:line: "
 * for the file, "env STARLING_X_Y: " or "--flag: " otherwise.
 */
#ifndef SFU_CONFIG_H
#define SFU_CONFIG_H

#include "common.h"

#include "log.h"

struct sfu_config {
	/* [http] */
	char *http_bind;            /* "0.0.0.0" */
	int http_port;              /* 8080 */
	char *http_root;            /* "" = installed html dir, or ./html */
	char *http_tls_cert;        /* NULL: plain HTTP */
	char *http_tls_key;         /* NULL */
	char *http_allowed_origins; /* NULL: any Origin may open /ws */
	/* [admin] */
	char *admin_bind;           /* "127.0.0.1" */
	int admin_port;             /* 8081 */
	char *admin_secret;         /* NULL = admin API off */
	/* [media] */
	char *media_ips;            /* NULL = every non-loopback address */
	char *media_public_ip;      /* NULL = no 1:1 NAT mapping */
	int media_port_min;         /* 20000 */
	int media_port_max;         /* 40000 */
	int media_workers;          /* 0 = number of online CPUs */
	char *media_stun_server;    /* NULL, else "host:port" */
	char *media_turn_server;    /* NULL, else "host:port" */
	char *media_turn_username;  /* NULL */
	char *media_turn_password;  /* NULL */
	char *media_dtls_cert;      /* NULL: generated at start */
	char *media_dtls_key;       /* NULL */
	int media_max_bitrate_kbps; /* 2500 */
	int media_nack_buffer;      /* 512 packets per video track */
	int media_connect_timeout_s; /* 30 */
	bool media_own_socket;      /* true: ice_own.c reads after ICE */
	/* [auth] */
	char *auth_secret;          /* NULL = rooms open */
	/* [rooms] */
	int rooms_max_participants; /* 100 */
	int rooms_max_rooms;        /* 1000 */
	int rooms_max_tracks;       /* 8 per participant */
	bool rooms_auto_create;     /* true: join creates the room */
	int rooms_resume_grace_s;   /* 15 */
	/* [signaling] */
	int signaling_max_message;  /* 65536 bytes per frame */
	int signaling_rate;         /* 20 messages per second, sustained */
	int signaling_burst;        /* 40 messages at once */
	int signaling_idle_timeout_s; /* 30: a socket that never joins */
	/* [log] */
	enum sfu_log_level log_level; /* info */
};

enum sfu_config_type {
	SFU_CONF_STRING,   /* any string; "" means unset (NULL) */
	SFU_CONF_ADDR,     /* one IPv4 or IPv6 literal */
	SFU_CONF_ADDRS,    /* comma-separated IP literals */
	SFU_CONF_HOSTPORT, /* "host:port" */
	SFU_CONF_INT,      /* decimal integer within [min, max] */
	SFU_CONF_BOOL,     /* true/false, yes/no, on/off, 1/0 */
	SFU_CONF_RANGE,    /* "lo-hi", min <= lo <= hi <= max; two ints */
	SFU_CONF_LEVEL,    /* error, warn, info, debug */
};

struct sfu_config_key {
	const char *section;
	const char *key;
	enum sfu_config_type type;
	size_t offset;   /* of the field (first int of a RANGE) */
	long min, max;   /* for INT and RANGE */
	const char *def; /* default, as it would be written in the file */
	const char *help;
};

/* The keyword table, for --help and the documentation test. */
const struct sfu_config_key *sfu_config_keys(size_t *n);

/* Fill c with the defaults. sfu_config_clear() frees what it holds. */
void sfu_config_init(struct sfu_config *c);
void sfu_config_clear(struct sfu_config *c);

/*
 * Set one key from text. origin prefixes the error ("--http-port" or
 * "env STARLING_HTTP_PORT"). Returns 0, -ENOENT for an unknown key, or
 * -EINVAL for a bad value; on error *err is a malloc'd message.
 */
int sfu_config_set(struct sfu_config *c, const char *section, const char *key,
		   const char *value, const char *origin, char **err);

/*
 * Parse INI text (name is used in messages) and apply every key. Syntax
 * errors, unknown sections or keys and bad values stop at the first one
 * with "name:line: message". Returns 0 or a negative errno.
 */
int sfu_config_load_data(struct sfu_config *c, const char *data, size_t len,
			 const char *name, char **err);
/* Read path and call sfu_config_load_data(). -ENOENT if it is missing. */
int sfu_config_load_file(struct sfu_config *c, const char *path, char **err);

/*
 * Apply every STARLING_<SECTION>_<KEY> variable in envp (NULL-terminated).
 * A STARLING_ variable that names no key is an error, so typos are caught.
 */
int sfu_config_apply_env(struct sfu_config *c, char *const *envp, char **err);

/* Cross-key checks after everything is applied (e.g. port clashes). */
int sfu_config_validate(const struct sfu_config *c, char **err);

#endif
