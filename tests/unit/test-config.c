/*
 * test-config.c - tests src/config.c: defaults, every value type, file:line
 * messages, the scanner's syntax errors, environment variables, precedence,
 * malformed input, secrets kept out of messages, cross-key validation, and
 * that conf/starling.conf documents exactly the built-in defaults.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "tap.h"

#define NAME "t.conf"

/* Load text into a fresh config; the result and message are kept. */
struct run {
	struct sfu_config c;
	int rc;
	char *err;
};

static void run_load(struct run *r, const char *text, size_t len)
{
	sfu_config_init(&r->c);
	r->err = NULL;
	r->rc = sfu_config_load_data(&r->c, text, len, NAME, &r->err);
}

static void run_done(struct run *r)
{
	sfu_config_clear(&r->c);
	free(r->err);
	r->err = NULL;
}

/* The file text must load, or fail with exactly want. */
static void load_expect(const char *text, const char *want, const char *what)
{
	struct run r;

	run_load(&r, text, strlen(text));
	if (want) {
		is_int(r.rc, -EINVAL, "%s: fails", what);
		is_str(r.err, want, "%s: message", what);
	} else {
		is_int(r.rc, 0, "%s: loads", what);
		if (r.rc)
			printf("#   %s\n", r.err);
	}
	run_done(&r);
}

/* Set one key on a default config; returns rc, *out gets the message. */
static int set1(struct sfu_config *c, const char *sec, const char *key,
		const char *v, char **out)
{
	char *err = NULL;
	int rc = sfu_config_set(c, sec, key, v, "--x", &err);

	if (out)
		*out = err;
	else
		free(err);
	return rc;
}

/* Is sec.key = v accepted on a default config? */
static bool accepts(const char *sec, const char *key, const char *v)
{
	struct sfu_config c;
	int rc;

	sfu_config_init(&c);
	rc = set1(&c, sec, key, v, NULL);
	sfu_config_clear(&c);
	return rc == 0;
}

/* What a string key holds after sec.key = v (copied, caller frees). */
static char *str_after(const char *sec, const char *key, const char *v,
		       size_t offset)
{
	struct sfu_config c;
	char *s;

	sfu_config_init(&c);
	set1(&c, sec, key, v, NULL);
	s = *(char **)(void *)((char *)&c + offset);
	s = s ? strdup(s) : NULL;
	sfu_config_clear(&c);
	return s;
}

static bool same_str(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

/* Field-by-field equality, driven by the keyword table. */
static bool config_equal(const struct sfu_config *a, const struct sfu_config *b)
{
	size_t n;
	const struct sfu_config_key *k = sfu_config_keys(&n);

	for (size_t i = 0; i < n; i++) {
		const char *pa = (const char *)a + k[i].offset;
		const char *pb = (const char *)b + k[i].offset;
		bool eq;

		switch (k[i].type) {
		case SFU_CONF_BOOL:
			eq = *(const bool *)pa == *(const bool *)pb;
			break;
		case SFU_CONF_INT:
		case SFU_CONF_LEVEL:
			eq = *(const int *)(const void *)pa ==
			     *(const int *)(const void *)pb;
			break;
		case SFU_CONF_RANGE:
			eq = memcmp(pa, pb, 2 * sizeof(int)) == 0;
			break;
		default:
			eq = same_str(*(char *const *)(const void *)pa,
				      *(char *const *)(const void *)pb);
		}
		if (!eq) {
			printf("#   differs: %s.%s\n", k[i].section, k[i].key);
			return false;
		}
	}
	return true;
}

static void test_defaults(void)
{
	struct sfu_config c;
	size_t n;
	const struct sfu_config_key *k = sfu_config_keys(&n);

	/* Start from junk: init must not read what was there. */
	memset(&c, 0xa5, sizeof(c));
	sfu_config_init(&c);
	is_int(n, 34, "the table has 34 keys");
	ok(k[0].help && k[0].help[0], "rows carry help text");
	is_str(c.http_bind, "0.0.0.0", "default http.bind");
	is_int(c.http_port, 8080, "default http.port");
	is_str(c.http_root, NULL, "default http.root is unset");
	is_str(c.admin_bind, "127.0.0.1", "default admin.bind");
	is_int(c.admin_port, 8081, "default admin.port");
	is_str(c.admin_secret, NULL, "default admin.secret is unset");
	is_str(c.media_ips, NULL, "default media.ips is unset");
	is_str(c.media_public_ip, NULL, "default media.public_ip is unset");
	is_int(c.media_port_min, 20000, "default port range low");
	is_int(c.media_port_max, 40000, "default port range high");
	is_int(c.media_workers, 0, "default media.workers");
	is_str(c.media_stun_server, NULL, "default stun_server unset");
	is_str(c.media_turn_server, NULL, "default turn_server unset");
	is_str(c.media_turn_username, NULL, "default turn_username unset");
	is_str(c.media_turn_password, NULL, "default turn_password unset");
	is_str(c.auth_secret, NULL, "default auth.secret unset");
	is_int(c.rooms_max_participants, 100, "default max_participants");
	is_int(c.rooms_max_rooms, 1000, "default max_rooms");
	ok(c.rooms_auto_create, "default auto_create is true");
	is_int(c.rooms_resume_grace_s, 15, "default resume_grace_s");
	is_int(c.signaling_max_message, 65536, "default max_message");
	is_int(c.signaling_rate, 20, "default signaling.rate");
	is_int(c.signaling_burst, 40, "default signaling.burst");
	is_int(c.signaling_idle_timeout_s, 30, "default idle_timeout_s");
	is_int(c.log_level, SFU_LOG_INFO, "default log.level");
	is_int(sfu_config_validate(&c, NULL), 0, "defaults validate");
	sfu_config_clear(&c);
	sfu_config_clear(&c);
	ok(c.http_bind == NULL, "clear twice is safe and leaves NULLs");
}

static void test_int(void)
{
	struct sfu_config c;
	char *err = NULL;

	ok(accepts("http", "port", "1"), "int: lower bound");
	ok(accepts("http", "port", "65535"), "int: upper bound");
	ok(!accepts("http", "port", "0"), "int: below bound");
	ok(!accepts("http", "port", "65536"), "int: above bound");
	ok(accepts("http", "port", " 9000 "), "int: blanks around");
	ok(accepts("http", "port", "09000"), "int: leading zero is decimal");
	ok(!accepts("http", "port", "0x1f90"), "int: no hex");
	ok(!accepts("http", "port", "80abc"), "int: no trailing junk");
	ok(!accepts("http", "port", "+80"), "int: no plus sign");
	ok(!accepts("http", "port", "8 0"), "int: no inner space");
	ok(!accepts("http", "port", ""), "int: not empty");
	ok(!accepts("http", "port", "-"), "int: lone minus");
	ok(!accepts("media", "workers", "-1"), "int: negative below 0");
	ok(!accepts("http", "port", "99999999999999999999999"),
	   "int: huge value does not wrap");
	ok(!accepts("http", "port", "4294975392"),
	   "int: 2^32 + 8096 does not wrap to 8096");
	ok(accepts("signaling", "idle_timeout_s", "0"), "int: 0 = never");
	ok(!accepts("signaling", "max_message", "1023"), "max_message min");
	ok(accepts("signaling", "max_message", "16777216"), "max_message max");
	ok(!accepts("media", "workers", "65"), "workers max 64");

	sfu_config_init(&c);
	is_int(set1(&c, "http", "port", "70000", &err), -EINVAL,
	       "int: -EINVAL");
	is_str(err, "--x: http.port: must be an integer between 1 and 65535",
	       "int: message names origin, key and bounds");
	is_int(c.http_port, 8080, "int: a refused value changes nothing");
	free(err);
	sfu_config_clear(&c);
}

static void test_bool_level(void)
{
	static const char *const yes[] = { "true", "TRUE", "Yes", "on", "1" };
	static const char *const no[] = { "false", "No", "OFF", "0" };
	struct sfu_config c;
	bool all = true;

	sfu_config_init(&c);
	for (size_t i = 0; i < SFU_ARRAY_SIZE(no); i++) {
		all &= set1(&c, "rooms", "auto_create", no[i], NULL) == 0 &&
		       !c.rooms_auto_create;
		all &= set1(&c, "rooms", "auto_create", yes[i], NULL) == 0 &&
		       c.rooms_auto_create;
	}
	ok(all, "bool: every spelling, any case");
	ok(!accepts("rooms", "auto_create", "maybe"), "bool: maybe");
	ok(!accepts("rooms", "auto_create", "2"), "bool: 2");
	ok(!accepts("rooms", "auto_create", ""), "bool: empty");

	is_int(set1(&c, "log", "level", "debug", NULL), 0, "level: debug");
	is_int(c.log_level, SFU_LOG_DEBUG, "level: stored");
	is_int(set1(&c, "log", "level", "WARN", NULL), 0, "level: any case");
	is_int(c.log_level, SFU_LOG_WARN, "level: warn stored");
	ok(!accepts("log", "level", "verbose"), "level: unknown word");
	sfu_config_clear(&c);
}

static void test_addr(void)
{
	const size_t pub = offsetof(struct sfu_config, media_public_ip);
	const size_t ips = offsetof(struct sfu_config, media_ips);
	char *s;

	ok(accepts("http", "bind", "::"), "addr: ::");
	ok(accepts("http", "bind", "2001:db8::1"), "addr: IPv6");
	ok(accepts("http", "bind", "192.0.2.1"), "addr: IPv4");
	ok(!accepts("http", "bind", "1.2.3"), "addr: short IPv4");
	ok(!accepts("http", "bind", "256.1.1.1"), "addr: octet too big");
	ok(!accepts("http", "bind", "localhost"), "addr: no names");
	ok(!accepts("http", "bind", ""), "addr: required key not empty");
	ok(!accepts("http", "bind", "10.0.0.1,10.0.0.2"), "addr: only one");
	s = str_after("media", "public_ip", "", pub);
	is_str(s, NULL, "addr: empty unsets an optional key");
	free(s);

	s = str_after("media", "ips", " 10.0.0.1 , 10.0.0.2,::1 ", ips);
	is_str(s, "10.0.0.1,10.0.0.2,::1", "addrs: trimmed and re-joined");
	free(s);
	s = str_after("media", "ips", "127.0.0.1", ips);
	is_str(s, "127.0.0.1", "addrs: one loopback item");
	free(s);
	ok(!accepts("media", "ips", "10.0.0.1,,10.0.0.2"), "addrs: empty item");
	ok(!accepts("media", "ips", "10.0.0.1,"), "addrs: trailing comma");
	ok(!accepts("media", "ips", "10.0.0.1;10.0.0.2"), "addrs: semicolon");

	{
		struct sfu_config c;
		char *err = NULL;

		sfu_config_init(&c);
		set1(&c, "media", "ips", "10.0.0.1, 10.0.0.300", &err);
		is_str(err, "--x: media.ips: '10.0.0.300' is not an IPv4 or "
			    "IPv6 address", "addrs: message names the item");
		free(err);
		sfu_config_clear(&c);
	}
}

static void test_hostport_range(void)
{
	struct sfu_config c;

	ok(accepts("media", "stun_server", "stun.example.org:3478"),
	   "hostport: name");
	ok(accepts("media", "stun_server", "192.0.2.1:3478"), "hostport: v4");
	ok(accepts("media", "turn_server", "[2001:db8::1]:3478"),
	   "hostport: [v6]");
	ok(!accepts("media", "stun_server", "stun.example.org"),
	   "hostport: port missing");
	ok(!accepts("media", "stun_server", "host:0"), "hostport: port 0");
	ok(!accepts("media", "stun_server", "host:65536"), "hostport: big");
	ok(!accepts("media", "stun_server", "host:x"), "hostport: port x");
	ok(!accepts("media", "stun_server", ":3478"), "hostport: no host");
	ok(!accepts("media", "stun_server", "::1:3478"), "hostport: bare v6");
	ok(!accepts("media", "stun_server", "[::1]"), "hostport: [v6] no port");
	ok(!accepts("media", "stun_server", "[1.2.3.4]:3478"),
	   "hostport: brackets are for IPv6");
	ok(!accepts("media", "stun_server", "a b:3478"), "hostport: space");

	sfu_config_init(&c);
	is_int(set1(&c, "media", "port_range", "30000 - 30100", NULL), 0,
	       "range: blanks around the dash");
	ok(c.media_port_min == 30000 && c.media_port_max == 30100,
	   "range: both ends stored");
	sfu_config_clear(&c);
	ok(accepts("media", "port_range", "1024-65535"), "range: full span");
	ok(accepts("media", "port_range", "5000-5000"), "range: lo == hi");
	ok(!accepts("media", "port_range", "1023-2000"), "range: lo < min");
	ok(!accepts("media", "port_range", "5000-65536"), "range: hi > max");
	ok(!accepts("media", "port_range", "6000-5000"), "range: lo > hi");
	ok(!accepts("media", "port_range", "5000"), "range: one number");
	ok(!accepts("media", "port_range", "-5000"), "range: no low");
	ok(!accepts("media", "port_range", "5000-"), "range: no high");
	ok(!accepts("media", "port_range", "5000-6000-7000"), "range: 3 parts");
}

static void test_strings(void)
{
	struct sfu_config c;
	char *err = NULL;

	sfu_config_init(&c);
	is_int(set1(&c, "auth", "secret", " s p ", NULL), 0, "string: set");
	is_str(c.auth_secret, " s p ", "string: taken verbatim from set()");
	is_int(set1(&c, "auth", "secret", "", NULL), 0, "string: empty");
	is_str(c.auth_secret, NULL, "string: empty means unset");
	is_int(set1(&c, "http", "prot", "1", &err), -ENOENT,
	       "set: unknown key");
	is_str(err, "--x: unknown key 'prot' in section [http]",
	       "set: unknown key message");
	free(err);
	is_int(set1(&c, "htp", "port", "1", &err), -ENOENT,
	       "set: unknown section");
	is_str(err, "--x: unknown section [htp]",
	       "set: unknown section message");
	free(err);
	sfu_config_clear(&c);
}

static void test_file(void)
{
	static const char good[] =
		"# comment\n"
		"; another comment\n"
		"\n"
		"  [http]  \n"
		"\tport   =   9000   \r\n"
		"root = \\s/srv/www\\t\n"
		"[media]\n"
		"ips = 10.0.0.1, 10.0.0.2\n"
		"[http]\n"
		"bind = ::\n"
		"[auth]\n"
		"secret = a=b#c;d";
	struct run r;

	run_load(&r, good, strlen(good));
	is_int(r.rc, 0, "file: comments, blanks, CRLF, repeated section");
	is_int(r.c.http_port, 9000, "file: value trimmed");
	is_str(r.c.http_root, " /srv/www\t", "file: GKeyFile escapes");
	is_str(r.c.media_ips, "10.0.0.1,10.0.0.2", "file: addrs");
	is_str(r.c.http_bind, "::", "file: section seen twice");
	is_str(r.c.auth_secret, "a=b#c;d", "file: = # ; inside a value");
	run_done(&r);

	load_expect("", NULL, "file: empty text");
	load_expect("[log]\nlevel = debug", NULL, "file: no final newline");
	load_expect("[http]\n\n# x\n\n[rooms]\nmax_rooms = 5\n"
		    "\nresume_grace_s = 4000\n",
		    NAME ":8: rooms.resume_grace_s: must be an integer between "
			 "0 and 3600", "file: exact line of a bad value");
	load_expect("[http]\nport = 1\n\nprot = 2\n",
		    NAME ":4: unknown key 'prot' in section [http]",
		    "file: unknown key");
	load_expect("# hi\n[htp]\nport = 1\n", NAME ":2: unknown section [htp]",
		    "file: unknown section");
	load_expect("[HTTP]\n", NAME ":1: unknown section [HTTP]",
		    "file: sections are case-sensitive");
	load_expect("[http]\nport 8080\n",
		    NAME ":2: expected 'key = value', a [section] header or a "
			 "# comment", "file: line without =");
	load_expect("[http]\n = 8080\n", NAME ":2: missing key name before '='",
		    "file: missing key");
	load_expect("[http]\nhttp port = 8080\n",
		    NAME ":2: malformed key name before '='",
		    "file: blank inside a key name");
	load_expect("port = 8080\n",
		    NAME ":1: key 'port' comes before any [section] header",
		    "file: key before a section");
	load_expect("\n\n[http\nport = 1\n",
		    NAME ":3: unterminated [section] header",
		    "file: unterminated section");
	load_expect("[http] # web\n",
		    NAME ":1: unexpected text after [section] header",
		    "file: text after a header");
	load_expect("[http]\nport = 1\n[admin]\nport = 2\n[http]\nport = 3\n",
		    NAME ":6: duplicate key http.port (first set on line 2)",
		    "file: duplicate key");
	load_expect("[http]\nport = 80 # web\n",
		    NAME ":2: http.port: must be an integer between 1 and 65535",
		    "file: no comment after a value");
	load_expect("[http]\nport = 99999\n[bogus]\n",
		    NAME ":3: unknown section [bogus]",
		    "file: syntax is checked before values");
}

static void test_malformed(void)
{
	static const char junk[] = "\x7f" "ELF\x02\x01\x01\0\0\0\x03\x00>\x00";
	static const char nul[] = "[http]\nport = 80\0" "80\n";
	size_t big = 1 << 20;
	char *huge = malloc(big + 32);
	struct run r;

	run_load(&r, junk, sizeof(junk) - 1);
	is_str(r.err, NAME ":1: NUL byte (not a text file?)", "junk: binary");
	run_done(&r);
	run_load(&r, nul, sizeof(nul) - 1);
	is_str(r.err, NAME ":2: NUL byte (not a text file?)", "junk: NUL byte");
	run_done(&r);
	load_expect("[http]\nroot = a\rb\n",
		    NAME ":2: control character in line", "junk: lone CR");
	load_expect("[http]\nroot = \xff\xfe\n",
		    NAME ":2: http.root: value is not valid UTF-8",
		    "junk: invalid UTF-8");
	load_expect("[\xff\x01]\n", NAME ":1: control character in line",
		    "junk: control byte in a header");
	load_expect("[]\n", NAME ":1: unknown section []",
		    "junk: empty header");
	load_expect("[[http]]\n", NAME ":1: unexpected text after [section] "
				  "header", "junk: nested brackets");
	load_expect("[http]\nport=\n", NAME ":2: http.port: must be an integer "
				       "between 1 and 65535", "junk: no value");

	/* A 1 MiB key: the message quotes only a bounded prefix of it. */
	memset(huge, 'k', big);
	memcpy(huge, "[http]\n", 7);
	memcpy(huge + big, " = 1\n", 6);
	run_load(&r, huge, strlen(huge));
	ok(r.rc == -EINVAL && r.err && strlen(r.err) < 120,
	   "junk: huge key, short message");
	run_done(&r);
	/* A 1 MiB value is just a long string. */
	memcpy(huge, "[http]\nroot = ", 14);
	huge[big] = '\0';
	run_load(&r, huge, big);
	ok(r.rc == 0 && r.c.http_root && strlen(r.c.http_root) == big - 14,
	   "junk: huge value loads");
	run_done(&r);
	/* Non-terminated input: the length is all that bounds it. */
	memcpy(huge, "[log]\nlevel = warn[[[[", 22);
	run_load(&r, huge, 18);
	is_int(r.c.log_level, SFU_LOG_WARN, "junk: length, not NUL, ends text");
	run_done(&r);
	free(huge);
}

static void test_secrets(void)
{
	static const char *const texts[] = {
		"[auth]\nsecret = hunter2\xff\n",
		"[admin]\nsecret = hunter2\xc3\n",
		"[media]\nturn_password = hunter2\xe2\x82\n",
		"[auth]\nsecret hunter2\n",
		"[auth]\nsecret: hunter2\n",
		"[auth]\nsecret aHVudGVyMg hunter2==\n",
		"secret aHVudGVyMg hunter2==\n",
	};
	bool hidden = true, failed = true;
	struct run r;

	for (size_t i = 0; i < SFU_ARRAY_SIZE(texts); i++) {
		run_load(&r, texts[i], strlen(texts[i]));
		failed &= r.rc == -EINVAL;
		hidden &= r.err && !strstr(r.err, "hunter2");
		if (r.err && strstr(r.err, "hunter2"))
			printf("#   leaked: %s\n", r.err);
		run_done(&r);
	}
	ok(failed, "secrets: bad secret lines fail");
	ok(hidden, "secrets: never quoted in a message");
}

static void test_env(void)
{
	char *env[] = {
		"PATH=/bin",
		"STARLING_HTTP_PORT=9000",
		"STARLING_MEDIA_PORT_RANGE=30000-30010",
		"STARLING_ROOMS_RESUME_GRACE_S=60",
		"STARLING_ROOMS_AUTO_CREATE=no",
		"STARLING_LOG_LEVEL=debug",
		"STARLINGISH=1",
		NULL,
	};
	struct sfu_config c;
	char *err = NULL;

	sfu_config_init(&c);
	is_int(sfu_config_apply_env(&c, env, &err), 0, "env: applies");
	is_int(c.http_port, 9000, "env: http.port");
	ok(c.media_port_min == 30000 && c.media_port_max == 30010,
	   "env: key with underscore (port_range)");
	is_int(c.rooms_resume_grace_s, 60, "env: resume_grace_s");
	ok(!c.rooms_auto_create, "env: bool");
	is_int(c.log_level, SFU_LOG_DEBUG, "env: level");
	is_int(sfu_config_apply_env(&c, NULL, &err), 0, "env: NULL envp");
	{
		char *bad[] = { "STARLING_HTTP_PROT=1", NULL };
		is_int(sfu_config_apply_env(&c, bad, &err), -ENOENT,
		       "env: unknown key");
		is_str(err, "env STARLING_HTTP_PROT: unknown key 'prot' in "
			    "section [http]", "env: unknown key message");
		free(err);
	}
	{
		char *bad[] = { "STARLING_CONFIG=/etc/x", NULL };
		is_int(sfu_config_apply_env(&c, bad, &err), -ENOENT,
		       "env: no section/key split");
		free(err);
	}
	{
		char *bad[] = { "STARLING_http_port=1", NULL };
		is_int(sfu_config_apply_env(&c, bad, &err), -ENOENT,
		       "env: lower case is not a setting");
		free(err);
	}
	{
		char *bad[] = { "STARLING_HTTP_PORT=http", NULL };
		is_int(sfu_config_apply_env(&c, bad, &err), -EINVAL,
		       "env: bad value");
		is_str(err, "env STARLING_HTTP_PORT: http.port: must be an "
			    "integer between 1 and 65535", "env: bad value message");
		free(err);
	}
	{
		char *unset[] = { "STARLING_AUTH_SECRET=x",
				  "STARLING_AUTH_SECRET=", NULL };
		is_int(sfu_config_apply_env(&c, unset, &err), 0, "env: secret");
		is_str(c.auth_secret, NULL,
		       "env: empty value unsets, last wins");
	}
	sfu_config_clear(&c);
}

static void test_precedence(void)
{
	static const char file[] = "[http]\nport = 9000\nbind = ::1\n"
				   "[rooms]\nmax_rooms = 7\n";
	char *env[] = { "STARLING_HTTP_PORT=9100", "STARLING_ROOMS_MAX_ROOMS=8",
			NULL };
	struct run r;

	run_load(&r, file, strlen(file));
	is_int(r.c.http_port, 9000, "precedence: file over default");
	is_int(sfu_config_apply_env(&r.c, env, &r.err), 0, "precedence: env");
	is_int(r.c.http_port, 9100, "precedence: env over file");
	is_int(sfu_config_set(&r.c, "http", "port", "9200", "--http-port",
			      &r.err), 0, "precedence: flag");
	is_int(r.c.http_port, 9200, "precedence: flag over env");
	is_str(r.c.http_bind, "::1", "precedence: file value kept");
	is_int(r.c.rooms_max_rooms, 8, "precedence: env value kept");
	is_int(r.c.admin_port, 8081, "precedence: default kept");
	run_done(&r);
}

static void test_validate(void)
{
	struct sfu_config c;
	char *err = NULL;

	sfu_config_init(&c);
	set1(&c, "admin", "port", "8080", NULL);
	is_int(sfu_config_validate(&c, NULL), 0,
	       "validate: same port is fine while admin is off");
	set1(&c, "admin", "secret", "s3cret", NULL);
	is_int(sfu_config_validate(&c, &err), -EINVAL,
	       "validate: admin and http clash on a wildcard bind");
	is_str(err, "admin.port: 8080 is also http.port and the binds 0.0.0.0 "
		    "and 127.0.0.1 overlap", "validate: clash message");
	free(err);
	set1(&c, "http", "bind", "192.0.2.1", NULL);
	is_int(sfu_config_validate(&c, NULL), 0,
	       "validate: distinct addresses do not clash");
	set1(&c, "admin", "port", "8081", NULL);

	set1(&c, "media", "port_range", "5000-5000", NULL);
	ok(sfu_config_validate(&c, NULL) < 0, "validate: one media port");
	set1(&c, "media", "port_range", "5000-5001", NULL);
	is_int(sfu_config_validate(&c, NULL), 0, "validate: two media ports");

	set1(&c, "media", "turn_server", "turn.example.org:3478", NULL);
	ok(sfu_config_validate(&c, NULL) < 0, "validate: TURN needs a login");
	set1(&c, "media", "turn_username", "u", NULL);
	set1(&c, "media", "turn_password", "p", NULL);
	is_int(sfu_config_validate(&c, NULL), 0, "validate: TURN complete");
	set1(&c, "media", "turn_server", "", NULL);
	ok(sfu_config_validate(&c, NULL) < 0, "validate: login without TURN");
	set1(&c, "media", "turn_username", "", NULL);
	set1(&c, "media", "turn_password", "", NULL);

	set1(&c, "media", "ips", "10.0.0.1,0.0.0.0", NULL);
	ok(sfu_config_validate(&c, NULL) < 0, "validate: wildcard in ips");
	set1(&c, "media", "ips", "10.0.0.1", NULL);
	set1(&c, "media", "public_ip", "::", NULL);
	ok(sfu_config_validate(&c, NULL) < 0, "validate: wildcard public_ip");
	sfu_config_clear(&c);
}

/* Read a whole file into a NUL-terminated buffer, or NULL. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (cap - n < 4096)
			buf = realloc(buf, cap = cap * 2 + 4096);
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/*
 * Uncomment "# [section]" headers and "# key = value" lines naming a real
 * key, marking each row seen; its value must be the row's default text.
 */
static char *uncomment(const char *text, bool *seen, bool *defaults_match)
{
	size_t n;
	const struct sfu_config_key *k = sfu_config_keys(&n);
	char *out = malloc(strlen(text) + 2), *save = NULL, *o = out;
	char *copy = strdup(text), sec[64] = "";

	*defaults_match = true;
	for (char *l = strtok_r(copy, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		char name[64];
		int used = 0;

		if (sscanf(l, "# [%63[a-z]]%n", name, &used) == 1 && used) {
			strcpy(sec, name);
			l += 2;
		} else if (sscanf(l, "# %63[a-z_] =%n", name, &used) == 1 &&
			   used) {
			for (size_t i = 0; i < n; i++) {
				const char *v = l + used + (l[used] == ' ');
				if (strcmp(k[i].section, sec) ||
				    strcmp(k[i].key, name))
					continue;
				seen[i] = true;
				if (!same_str(v, k[i].def ? k[i].def : ""))
					*defaults_match = false;
				l += 2;
			}
		}
		o += sprintf(o, "%s\n", l);
	}
	*o = '\0';
	free(copy);
	return out;
}

static void test_shipped_conf(void)
{
	const char *srcdir = getenv("srcdir");
	char *path = NULL, *text, *plain, *err = NULL;
	struct sfu_config c, def;
	bool seen[64] = { false }, all = true, defaults_match;
	size_t n, len = 0;

	sfu_config_keys(&n);
	if (asprintf(&path, "%s/conf/starling.conf", srcdir ? srcdir : ".") < 0)
		abort();
	sfu_config_init(&def);
	sfu_config_init(&c);
	is_int(sfu_config_load_file(&c, path, &err), 0,
	       "conf/starling.conf loads");
	if (err)
		printf("#   %s\n", err);
	free(err);
	err = NULL;
	ok(config_equal(&c, &def),
	   "conf/starling.conf as shipped sets nothing");
	sfu_config_clear(&c);

	text = slurp(path, &len);
	ok(text != NULL, "conf/starling.conf is readable");
	plain = uncomment(text ? text : "", seen, &defaults_match);
	for (size_t i = 0; i < n; i++)
		all &= seen[i];
	ok(all, "every key in the table is documented in conf/starling.conf");
	ok(defaults_match, "conf/starling.conf shows each default verbatim");
	sfu_config_init(&c);
	is_int(sfu_config_load_data(&c, plain, strlen(plain), "uncommented",
				    &err), 0, "uncommented conf loads");
	if (err)
		printf("#   %s\n", err);
	ok(config_equal(&c, &def), "uncommented conf equals the defaults");
	sfu_config_clear(&c);
	sfu_config_clear(&def);
	free(err);
	free(plain);
	free(text);
	free(path);
}

static void test_load_file(void)
{
	struct sfu_config c;
	char *err = NULL;

	sfu_config_init(&c);
	is_int(sfu_config_load_file(&c, "/nonexistent/starling.conf", &err),
	       -ENOENT, "load_file: missing file is -ENOENT");
	is_str(err, "/nonexistent/starling.conf: No such file or directory",
	       "load_file: message");
	free(err);
	sfu_config_clear(&c);
}

int main(void)
{
	test_defaults();
	test_int();
	test_bool_level();
	test_addr();
	test_hostport_range();
	test_strings();
	test_file();
	test_malformed();
	test_secrets();
	test_env();
	test_precedence();
	test_validate();
	test_shipped_conf();
	test_load_file();
	return tap_done();
}
