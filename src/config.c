/*
 * config.c - the keyword table and everything that fills struct sfu_config
 * from it: built-in defaults, an INI file and, through sfu_config_set(),
 * command-line flags and STARLING_* environment variables (config_env.c).
 *
 * The table is the single source of truth: each default is its row's text
 * run through the same setter as a file value, so a default can never be
 * something the parser refuses. Setters check a value fully before they
 * store it, so a refused value leaves the previous one in place.
 *
 * A file takes two passes, because GKeyFile reports no line numbers. Our
 * line scanner checks the syntax, refuses unknown sections, unknown keys
 * and duplicate keys, and notes each key's line; GKeyFile then parses a
 * copy holding only the accepted lines and unescapes the values (\s \t \n
 * \r \\), which are applied in file order as "name:line". Syntax errors
 * anywhere are thus reported before bad values.
 *
 * A key may appear once per file: a second one is an error naming the
 * first line, since "last one wins" would silently resolve exactly the
 * mistake (an edited copy left below the original) worth reporting.
 */
#include "config.h"
#include "config-int.h"

#include <arpa/inet.h>
#include <glib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

/* Row for section.key stored in the field section_key; ROWF names it. */
#define ROWF(sec, name, type, field, lo, hi, def, help)                   \
	{ #sec, #name, SFU_CONF_##type, offsetof(struct sfu_config, field), \
	  lo, hi, def, help }
#define ROW(sec, name, type, lo, hi, def, help) \
	ROWF(sec, name, type, sec##_##name, lo, hi, def, help)

static const struct sfu_config_key keys[] = {
	ROW(http, bind, ADDR, 0, 0, "0.0.0.0", "HTTP and WebSocket address"),
	ROW(http, port, INT, 1, 65535, "8080", "HTTP and WebSocket TCP port"),
	ROW(http, root, STRING, 0, 0, "",
	    "HTML client directory (empty: installed html dir, or ./html)"),
	ROW(http, tls_cert, STRING, 0, 0, NULL,
	    "PEM certificate chain: serve HTTPS and WSS (needs tls_key)"),
	ROW(http, tls_key, STRING, 0, 0, NULL, "PEM private key for tls_cert"),
	ROW(http, allowed_origins, STRING, 0, 0, NULL,
	    "comma-separated Origins allowed to open /ws (unset: any)"),
	ROW(admin, bind, ADDR, 0, 0, "127.0.0.1", "admin API address"),
	ROW(admin, port, INT, 1, 65535, "8081", "admin API TCP port"),
	ROW(admin, secret, STRING, 0, 0, NULL,
	    "admin API bearer secret (unset: admin API off)"),
	ROW(media, ips, ADDRS, 0, 0, NULL,
	    "ICE host addresses, comma-separated (unset: all non-loopback)"),
	ROW(media, public_ip, ADDR, 0, 0, NULL, "public address of a 1:1 NAT"),
	ROWF(media, port_range, RANGE, media_port_min, 1024, 65535,
	     "20000-40000", "UDP media ports, LO-HI"),
	ROW(media, workers, INT, 0, 64, "0", "media threads (0: one per CPU)"),
	ROW(media, stun_server, HOSTPORT, 0, 0, NULL, "STUN server, host:port"),
	ROW(media, turn_server, HOSTPORT, 0, 0, NULL, "TURN server, host:port"),
	ROW(media, turn_username, STRING, 0, 0, NULL, "TURN username"),
	ROW(media, turn_password, STRING, 0, 0, NULL, "TURN password"),
	ROW(media, dtls_cert, STRING, 0, 0, NULL,
	    "DTLS certificate PEM file (none: generated at start)"),
	ROW(media, dtls_key, STRING, 0, 0, NULL, "DTLS private key PEM file"),
	ROW(media, max_bitrate_kbps, INT, 100, 100000, "2500",
	    "bitrate each publisher may send (REMB)"),
	ROW(media, nack_buffer, INT, 0, 8192, "512",
	    "packets kept per video track to answer NACKs"),
	ROW(media, connect_timeout_s, INT, 5, 600, "30",
	    "time allowed from offer to a working connection"),
	ROW(media, own_socket, BOOL, 0, 0, "true",
	    "read a connected participant's socket with recvmmsg, not libnice"),
	ROW(auth, secret, STRING, 0, 0, NULL,
	    "HS256 secret for join tokens (unset: rooms are open)"),
	ROW(rooms, max_participants, INT, 1, 10000, "100",
	    "participants per room"),
	ROW(rooms, max_rooms, INT, 1, 100000, "1000", "rooms per server"),
	ROW(rooms, max_tracks, INT, 1, 32, "8",
	    "tracks one participant may publish"),
	ROW(rooms, auto_create, BOOL, 0, 0, "true",
	    "joining a missing room creates it"),
	ROW(rooms, resume_grace_s, INT, 0, 3600, "15",
	    "seconds a dropped participant may resume"),
	ROW(signaling, max_message, INT, 1024, 16777216, "65536",
	    "largest signaling message, bytes"),
	ROW(signaling, rate, INT, 1, 10000, "20",
	    "signaling messages per second per socket"),
	ROW(signaling, burst, INT, 1, 100000, "40",
	    "signaling messages a socket may send at once"),
	ROW(signaling, idle_timeout_s, INT, 0, 86400, "30",
	    "seconds a socket may stay without joining (0: never)"),
	ROW(log, level, LEVEL, 0, 0, "info", "error, warn, info or debug"),
};

/* A RANGE row stores two ints side by side; the setter relies on it. */
_Static_assert(offsetof(struct sfu_config, media_port_max) ==
	       offsetof(struct sfu_config, media_port_min) + sizeof(int),
	       "media_port_min/max must be adjacent");

const struct sfu_config_key *sfu_config_keys(size_t *n)
{
	*n = SFU_ARRAY_SIZE(keys);
	return keys;
}

/* Store a formatted message in *err (if err is not NULL) and return rc. */
int sfu__config_fail(char **err, int rc, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return rc;
	va_start(ap, fmt);
	if (vasprintf(err, fmt, ap) < 0)
		abort();
	va_end(ap);
	return rc;
}

/*
 * Copy user text into buf for an error message: at most SHOW_MAX bytes,
 * anything unprintable replaced by '?', so binary junk cannot garble a
 * terminal or a log line. buf must hold SHOW_MAX + 4 bytes.
 */
const char *sfu__config_show(char *buf, const char *s, size_t len)
{
	size_t n = SFU_MIN(len, (size_t)SHOW_MAX);

	/* char may be signed: bytes >= 0x80 are negative and become '?'. */
	for (size_t i = 0; i < n; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	strcpy(buf + n, len > n ? "..." : "");
	return buf;
}

/* This file reports errors everywhere; keep the calls short. */
#define fail sfu__config_fail
#define show sfu__config_show

/* Shrink [*b, *e) to drop blanks (space, tab) at both ends. */
static void trim(const char **b, const char **e)
{
	while (*b < *e && (**b == ' ' || **b == '\t'))
		(*b)++;
	while (*e > *b && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
		(*e)--;
}

static bool is_pointer_type(enum sfu_config_type t)
{
	return t == SFU_CONF_STRING || t == SFU_CONF_ADDR ||
	       t == SFU_CONF_ADDRS || t == SFU_CONF_HOSTPORT;
}

/* Keys whose values must never appear in a message or a log. */
static bool is_secret(const struct sfu_config_key *k)
{
	return strstr(k->key, "secret") || strstr(k->key, "password");
}

/* Keys without a default may be unset again by an empty value. */
static bool is_optional(const struct sfu_config_key *k)
{
	return is_pointer_type(k->type) && (!k->def || !k->def[0]);
}

static void *field_at(struct sfu_config *c, const struct sfu_config_key *k)
{
	return (char *)c + k->offset;
}

static void store_str(struct sfu_config *c, const struct sfu_config_key *k,
		      char *v)
{
	char **field = field_at(c, k);

	free(*field);
	*field = v;
}

static bool name_is(const char *want, const char *s, size_t len)
{
	return strlen(want) == len && memcmp(want, s, len) == 0;
}

/* Index of the row for sec.key (any key of sec if key is NULL), or -1. */
static int find_row(const char *sec, size_t seclen, const char *key,
		    size_t keylen)
{
	for (size_t i = 0; i < SFU_ARRAY_SIZE(keys); i++)
		if (name_is(keys[i].section, sec, seclen) &&
		    (!key || name_is(keys[i].key, key, keylen)))
			return (int)i;
	return -1;
}

/* Message for a name not in the table; a line number n adds ":n". */
static int fail_unknown(char **err, int rc, const char *origin, size_t line,
			const char *sec, size_t seclen, const char *key,
			size_t keylen)
{
	char s[SHOW_MAX + 4], k[SHOW_MAX + 4], at[24] = "";

	if (line)
		snprintf(at, sizeof(at), ":%zu", line);
	show(s, sec, seclen);
	if (find_row(sec, seclen, NULL, 0) < 0)
		return fail(err, rc, "%s%s: unknown section [%s]", origin, at,
			    s);
	return fail(err, rc, "%s%s: unknown key '%s' in section [%s]", origin,
		    at, show(k, key, keylen), s);
}

/*
 * Parse [s, s+len) as a decimal integer: an optional '-' and digits, no
 * spaces, no '+', no hex. Huge values saturate instead of wrapping, so the
 * bounds check that follows reports them as out of range.
 */
static bool parse_dec(const char *s, size_t len, long *out)
{
	bool neg = len > 0 && s[0] == '-';
	size_t i = neg ? 1 : 0;
	long long v = 0;

	if (i == len)
		return false;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v < 1000000000000LL)
			v = v * 10 + (s[i] - '0');
	}
	*out = (long)(neg ? -v : v);
	return true;
}

/*
 * Parse the IP literal [s, s+len) into 16 bytes. Returns its family, or 0
 * if it is not one; *any tells whether it is the wildcard 0.0.0.0 or ::.
 */
static int addr_parse(const char *s, size_t len, unsigned char out[16],
		      bool *any)
{
	static const unsigned char zero[16];
	char buf[INET6_ADDRSTRLEN + 1];
	int family = 0;

	memset(out, 0, 16);
	if (len > 0 && len < sizeof(buf)) {
		memcpy(buf, s, len);
		buf[len] = '\0';
		if (inet_pton(AF_INET, buf, out) == 1)
			family = AF_INET;
		else if (inet_pton(AF_INET6, buf, out) == 1)
			family = AF_INET6;
	}
	*any = memcmp(out, zero, 16) == 0;
	return family;
}

static bool is_ip(const char *s, size_t len)
{
	unsigned char addr[16];
	bool any;

	return addr_parse(s, len, addr, &any) != 0;
}

/* [s, s+len) is followed by a ':', which stops the strspn(). */
static bool is_hostname(const char *s, size_t len)
{
	return len > 0 && len <= 253 && s[0] != '-' && s[0] != '.' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz"
			 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.") == len;
}

static int set_string(struct sfu_config *c, const struct sfu_config_key *k,
		      const char *v, char **why)
{
	(void)why;
	store_str(c, k, v[0] ? sfu_xstrdup(v) : NULL);
	return 0;
}

/*
 * ADDR and ADDRS: one address, or a list. A list is stored re-joined with
 * bare commas, so users of the value can split it without trimming.
 */
static int set_addrs(struct sfu_config *c, const struct sfu_config_key *k,
		     const char *v, char **why)
{
	char *out = sfu_xmalloc(strlen(v) + 1), *o = out;
	char buf[SHOW_MAX + 4];
	const char *p = v;

	for (;;) {
		const char *comma =
			k->type == SFU_CONF_ADDRS ? strchr(p, ',') : NULL;
		const char *b = p, *e = comma ? comma : p + strlen(p);

		trim(&b, &e);
		if (b == e && k->type == SFU_CONF_ADDRS) {
			free(out);
			return fail(why, -EINVAL, "empty item in address list");
		}
		if (!is_ip(b, (size_t)(e - b))) {
			free(out);
			return fail(why, -EINVAL,
				    "'%s' is not an IPv4 or IPv6 address",
				    show(buf, b, (size_t)(e - b)));
		}
		if (o != out)
			*o++ = ',';
		memcpy(o, b, (size_t)(e - b));
		o += e - b;
		if (!comma)
			break;
		p = comma + 1;
	}
	*o = '\0';
	store_str(c, k, out);
	return 0;
}

static int set_hostport(struct sfu_config *c, const struct sfu_config_key *k,
			const char *v, char **why)
{
	const char *colon, *host = v;
	size_t hostlen;
	char buf[SHOW_MAX + 4];
	long port;
	bool good;

	if (v[0] == '[') {
		const char *close = strchr(v, ']');
		host = v + 1;
		hostlen = close ? (size_t)(close - host) : 0;
		colon = close && close[1] == ':' ? close + 1 : NULL;
		good = close && memchr(host, ':', hostlen) &&
		       is_ip(host, hostlen);
	} else {
		colon = strrchr(v, ':');
		hostlen = colon ? (size_t)(colon - v) : 0;
		good = is_hostname(host, hostlen);
	}
	good = good && colon &&
	       parse_dec(colon + 1, strlen(colon + 1), &port) && port >= 1 &&
	       port <= 65535;
	if (!good)
		return fail(why, -EINVAL,
			    "'%s' is not host:port (IPv6 as [addr]:port)",
			    show(buf, v, strlen(v)));
	store_str(c, k, sfu_xstrdup(v));
	return 0;
}

static int set_int(struct sfu_config *c, const struct sfu_config_key *k,
		   const char *v, char **why)
{
	long n;

	if (!parse_dec(v, strlen(v), &n) || n < k->min || n > k->max)
		return fail(why, -EINVAL,
			    "must be an integer between %ld and %ld", k->min,
			    k->max);
	*(int *)field_at(c, k) = (int)n;
	return 0;
}

static int set_bool(struct sfu_config *c, const struct sfu_config_key *k,
		    const char *v, char **why)
{
	/* Pairs: an even index is true, the odd one after it false. */
	static const char *const words[] = { "true", "false", "yes", "no",
					     "on",   "off",   "1",   "0" };

	for (size_t i = 0; i < SFU_ARRAY_SIZE(words); i++) {
		if (strcasecmp(v, words[i]) == 0) {
			*(bool *)field_at(c, k) = i % 2 == 0;
			return 0;
		}
	}
	return fail(why, -EINVAL,
		    "must be true or false (or yes/no, on/off, 1/0)");
}

static int set_range(struct sfu_config *c, const struct sfu_config_key *k,
		     const char *v, char **why)
{
	/* Start at v + 1 so that a leading '-' is a bad number, not a split. */
	const char *dash = v[0] ? strchr(v + 1, '-') : NULL;
	const char *lb = v, *le = dash, *hb = dash ? dash + 1 : NULL, *he;
	long lo, hi;
	int *field = field_at(c, k);

	if (!dash)
		goto bad;
	he = hb + strlen(hb);
	trim(&lb, &le);
	trim(&hb, &he);
	if (!parse_dec(lb, (size_t)(le - lb), &lo) ||
	    !parse_dec(hb, (size_t)(he - hb), &hi) || lo < k->min ||
	    hi > k->max || lo > hi)
		goto bad;
	field[0] = (int)lo;
	field[1] = (int)hi;
	return 0;
bad:
	return fail(why, -EINVAL, "must be LO-HI with %ld <= LO <= HI <= %ld",
		    k->min, k->max);
}

static int set_level(struct sfu_config *c, const struct sfu_config_key *k,
		     const char *v, char **why)
{
	for (int i = SFU_LOG_ERROR; i <= SFU_LOG_DEBUG; i++) {
		enum sfu_log_level l = (enum sfu_log_level)i;
		if (strcasecmp(v, sfu_log_level_name(l)) == 0) {
			*(enum sfu_log_level *)field_at(c, k) = l;
			return 0;
		}
	}
	return fail(why, -EINVAL, "must be one of error, warn, info, debug");
}

typedef int (*setter_fn)(struct sfu_config *c, const struct sfu_config_key *k,
			 const char *v, char **why);

static const setter_fn setters[] = {
	[SFU_CONF_STRING] = set_string,     [SFU_CONF_ADDR] = set_addrs,
	[SFU_CONF_ADDRS] = set_addrs,       [SFU_CONF_HOSTPORT] = set_hostport,
	[SFU_CONF_INT] = set_int,           [SFU_CONF_BOOL] = set_bool,
	[SFU_CONF_RANGE] = set_range,       [SFU_CONF_LEVEL] = set_level,
};

/*
 * Apply v to row k. Strings are taken verbatim (a secret may well start
 * with a space); every other type is trimmed first, so "8080 " from an
 * environment variable is fine. An empty value unsets an optional key.
 */
static int set_key(struct sfu_config *c, const struct sfu_config_key *k,
		   const char *v, const char *origin, char **err)
{
	const char *b = v, *e = v + strlen(v);
	char *why = NULL, *tmp;
	int rc;

	if (k->type != SFU_CONF_STRING)
		trim(&b, &e);
	if (b == e && is_optional(k)) {
		store_str(c, k, NULL);
		return 0;
	}
	tmp = sfu_xstrndup(b, (size_t)(e - b));
	rc = setters[k->type](c, k, tmp, &why);
	free(tmp);
	if (rc == 0)
		return 0;
	/* Belt and braces: no setter quotes a secret, but none ever may. */
	rc = fail(err, rc, "%s: %s.%s: %s", origin, k->section, k->key,
		  is_secret(k) ? "invalid value" : why);
	free(why);
	return rc;
}

int sfu_config_set(struct sfu_config *c, const char *section, const char *key,
		   const char *value, const char *origin, char **err)
{
	int row = find_row(section, strlen(section), key, strlen(key));

	if (!origin)
		origin = "config";
	if (row < 0)
		return fail_unknown(err, -ENOENT, origin, 0, section,
				    strlen(section), key, strlen(key));
	return set_key(c, &keys[row], value ? value : "", origin, err);
}

void sfu_config_init(struct sfu_config *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < SFU_ARRAY_SIZE(keys); i++) {
		const struct sfu_config_key *k = &keys[i];
		char *err = NULL;

		/* A default the setter refuses is a bug in the table above. */
		if (set_key(c, k, k->def ? k->def : "", "default", &err) < 0) {
			fprintf(stderr, "starling: bad built-in default: %s\n",
				err);
			abort();
		}
	}
}

void sfu_config_clear(struct sfu_config *c)
{
	for (size_t i = 0; i < SFU_ARRAY_SIZE(keys); i++)
		if (is_pointer_type(keys[i].type))
			store_str(c, &keys[i], NULL);
	memset(c, 0, sizeof(*c));
}

struct entry {
	const struct sfu_config_key *k;
	size_t line;
	const char *val; /* trimmed raw value, still escaped */
	size_t vallen;
};

struct scan {
	const char *name;
	size_t line;
	const char *sec; /* current [section] in the input, NULL before one */
	size_t seclen;
	size_t seen[SFU_ARRAY_SIZE(keys)]; /* line of each row, 0 = unseen */
	struct entry ents[SFU_ARRAY_SIZE(keys)]; /* no duplicates: fits */
	size_t nents;
	char **err;
};

static int scan_fail(struct scan *s, const char *what)
{
	return fail(s->err, -EINVAL, "%s:%zu: %s", s->name, s->line, what);
}

static int scan_header(struct scan *s, const char *b, const char *e)
{
	const char *close = memchr(b, ']', (size_t)(e - b));

	if (!close)
		return scan_fail(s, "unterminated [section] header");
	if (close + 1 != e)
		return scan_fail(s, "unexpected text after [section] header");
	s->sec = b + 1;
	s->seclen = (size_t)(close - s->sec);
	if (find_row(s->sec, s->seclen, NULL, 0) >= 0)
		return 0;
	/* Not -ENOENT: a caller must not mistake this for a missing file. */
	return fail_unknown(s->err, -EINVAL, s->name, s->line, s->sec,
			    s->seclen, "", 0);
}

static int scan_keyval(struct scan *s, const char *b, const char *e)
{
	const char *eq = memchr(b, '=', (size_t)(e - b));
	const char *kb = b, *ke = eq, *vb, *ve = e;
	char buf[SHOW_MAX + 4];
	int row;

	if (!eq)
		return scan_fail(s, "expected 'key = value', a [section] "
				    "header or a # comment");
	trim(&kb, &ke);
	if (kb == ke)
		return scan_fail(s, "missing key name before '='");
	/* Not quoted: "secret abc=d" would otherwise leak part of a secret. */
	if (strspn(kb, "abcdefghijklmnopqrstuvwxyz0123456789_-."
		       "ABCDEFGHIJKLMNOPQRSTUVWXYZ") < (size_t)(ke - kb))
		return scan_fail(s, "malformed key name before '='");
	if (!s->sec)
		return fail(s->err, -EINVAL,
			    "%s:%zu: key '%s' comes before any [section] header",
			    s->name, s->line, show(buf, kb, (size_t)(ke - kb)));
	row = find_row(s->sec, s->seclen, kb, (size_t)(ke - kb));
	if (row < 0)
		return fail_unknown(s->err, -EINVAL, s->name, s->line, s->sec,
				    s->seclen, kb, (size_t)(ke - kb));
	if (s->seen[row])
		return fail(s->err, -EINVAL,
			    "%s:%zu: duplicate key %s.%s (first set on line %zu)",
			    s->name, s->line, keys[row].section, keys[row].key,
			    s->seen[row]);
	s->seen[row] = s->line;
	vb = eq + 1;
	trim(&vb, &ve);
	s->ents[s->nents++] = (struct entry){ &keys[row], s->line, vb,
					      (size_t)(ve - vb) };
	return 0;
}

/* One physical line [b, e) without its '\n'. */
static int scan_line(struct scan *s, const char *b, const char *e)
{
	if (e > b && e[-1] == '\r')
		e--;
	if (memchr(b, '\0', (size_t)(e - b)))
		return scan_fail(s, "NUL byte (not a text file?)");
	trim(&b, &e);
	if (b == e || *b == '#' || *b == ';')
		return 0;
	for (const char *p = b; p < e; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			return scan_fail(s, "control character in line");
	if (*b == '[')
		return scan_header(s, b, e);
	return scan_keyval(s, b, e);
}

static int scan_all(struct scan *s, const char *data, size_t len)
{
	const char *p = data, *end = data + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		int rc;

		s->line++;
		rc = scan_line(s, p, eol);
		if (rc < 0)
			return rc;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* GKeyFile input holding only what the scanner accepted. */
static GString *normalise(const struct scan *s)
{
	GString *out = g_string_new(NULL);
	const char *cur = NULL;

	for (size_t i = 0; i < s->nents; i++) {
		const struct entry *en = &s->ents[i];

		if (en->k->section != cur) {
			cur = en->k->section;
			g_string_append_printf(out, "[%s]\n", cur);
		}
		g_string_append_printf(out, "%s=%.*s\n", en->k->key,
				       (int)en->vallen, en->val);
	}
	return out;
}

/* Unescape each value with GKeyFile and apply it, in file order. */
static int apply_entries(struct sfu_config *c, const struct scan *s,
			 GKeyFile *kf, char **err)
{
	for (size_t i = 0; i < s->nents; i++) {
		const struct entry *en = &s->ents[i];
		char *origin = sfu_xasprintf("%s:%zu", s->name, en->line);
		GError *gerr = NULL;
		char *v = g_key_file_get_string(kf, en->k->section, en->k->key,
						&gerr);
		int rc;

		/*
		 * The key exists, so only a value that is not UTF-8 fails;
		 * GKeyFile's own message quotes it, so never pass that on.
		 */
		if (!v) {
			rc = fail(err, -EINVAL, "%s: %s.%s: value is not valid "
				  "UTF-8", origin, en->k->section, en->k->key);
			g_error_free(gerr);
		} else {
			rc = set_key(c, en->k, v, origin, err);
			g_free(v);
		}
		free(origin);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int sfu_config_load_data(struct sfu_config *c, const char *data, size_t len,
			 const char *name, char **err)
{
	struct scan s = { .name = name ? name : "config", .err = err };
	GKeyFile *kf;
	GString *norm;
	int rc;

	rc = scan_all(&s, data, len);
	if (rc < 0)
		return rc;
	norm = normalise(&s);
	kf = g_key_file_new();
	/* The scanner has already refused anything GKeyFile would. */
	if (!g_key_file_load_from_data(kf, norm->str, norm->len,
				       G_KEY_FILE_NONE, NULL))
		rc = fail(err, -EINVAL, "%s: cannot parse", s.name);
	else
		rc = apply_entries(c, &s, kf, err);
	g_key_file_free(kf);
	g_string_free(norm, TRUE);
	return rc;
}

int sfu_config_load_file(struct sfu_config *c, const char *path, char **err)
{
	GError *gerr = NULL;
	char *data = NULL;
	gsize len = 0;
	int rc;

	if (!g_file_get_contents(path, &data, &len, &gerr)) {
		rc = gerr->code == G_FILE_ERROR_NOENT	? -ENOENT :
		     gerr->code == G_FILE_ERROR_ACCES	? -EACCES :
		     gerr->code == G_FILE_ERROR_ISDIR	? -EISDIR : -EIO;
		g_error_free(gerr);
		return fail(err, rc, "%s: %s", path, strerror(-rc));
	}
	rc = sfu_config_load_data(c, data, len, path, err);
	g_free(data);
	return rc;
}

/*
 * Two TCP binds on one port could clash: the same address, or either one
 * a wildcard (a dual-stack :: also takes 0.0.0.0's port on Linux).
 */
static bool binds_overlap(const char *a, const char *b)
{
	unsigned char x[16], y[16];
	bool xany, yany;
	int fa = a ? addr_parse(a, strlen(a), x, &xany) : 0;
	int fb = b ? addr_parse(b, strlen(b), y, &yany) : 0;

	return fa && fb && (xany || yany || (fa == fb && !memcmp(x, y, 16)));
}

/*
 * Does a comma-separated address list hold 0.0.0.0 or ::? Those are fine
 * to bind but mean nothing to a peer told to send media there.
 */
static bool has_wildcard(const char *list)
{
	unsigned char a[16];
	bool any;

	for (const char *p = list; p; p = strchr(p, ',')) {
		p += *p == ',';
		if (addr_parse(p, strcspn(p, ","), a, &any) && any)
			return true;
	}
	return false;
}

int sfu_config_validate(const struct sfu_config *c, char **err)
{
	bool turn = c->media_turn_server != NULL;

	if (c->media_port_max - c->media_port_min < 1)
		return fail(err, -EINVAL,
			    "media.port_range: %d-%d must hold at least 2 ports",
			    c->media_port_min, c->media_port_max);
	/* Without a secret the admin listener never opens, so no clash. */
	if (c->admin_secret && c->admin_port == c->http_port &&
	    binds_overlap(c->http_bind, c->admin_bind))
		return fail(err, -EINVAL,
			    "admin.port: %d is also http.port and the binds "
			    "%s and %s overlap", c->admin_port, c->http_bind,
			    c->admin_bind);
	if (c->media_nack_buffer & (c->media_nack_buffer - 1))
		return fail(err, -EINVAL,
			    "media.nack_buffer: %d is not a power of two",
			    c->media_nack_buffer);
	if ((c->http_tls_cert != NULL) != (c->http_tls_key != NULL))
		return fail(err, -EINVAL,
			    "http.tls_cert and http.tls_key go together");
	if ((c->media_dtls_cert != NULL) != (c->media_dtls_key != NULL))
		return fail(err, -EINVAL,
			    "media.dtls_cert and media.dtls_key go together");
	if (turn != (c->media_turn_username != NULL) ||
	    turn != (c->media_turn_password != NULL))
		return fail(err, -EINVAL,
			    "media.turn_server, turn_username and turn_password "
			    "must be set together");
	if (has_wildcard(c->media_ips) || has_wildcard(c->media_public_ip))
		return fail(err, -EINVAL,
			    "media.ips, media.public_ip: 0.0.0.0 or :: is not "
			    "an address peers can reach");
	return 0;
}
