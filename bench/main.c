/*
 * main.c - starling-bench: N rooms of P participants against a running
 * SFU, over real ICE, DTLS-SRTP and RTP (client.h). Every participant
 * publishes synthetic Opus and VP8 and subscribes to everyone else in
 * its room. Reports per-subscription loss, reordering, duplicates, one-way
 * latency and join-to-first-packet, and the server's CPU time per
 * forwarded packet over the measured window, as a table and JSON.
 *
 * Phases: join (one participant every --join-interval ms), setup (until
 * every subscription has media, at most --setup-timeout s), the measured
 * window (--seconds), a drain (1 s without sending), then the floor
 * (floor.h) for the same fan-out, then the report (report.c).
 */
#include <getopt.h>
#include <glib-unix.h>
#include <glib.h>
#include <jansson.h>
#include <math.h>
#include <netdb.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cert.h"
#include "client.h"
#include "common.h"
#include "dtls.h"
#include "floor.h"
#include "log.h"
#include "run.h"
#include "srtp.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: starling-bench --url ws://HOST:PORT/ws [options]\n"
		"  --rooms N            rooms (1)\n"
		"  --participants P     participants per room (3)\n"
		"  --seconds S          measured window (10)\n"
		"  --server-pid PID     sample the server's CPU and RSS from /proc\n"
		"  --json FILE          write the results as JSON\n"
		"  --ice-ip ADDR        our host candidate address (127.0.0.1)\n"
		"  --join-interval MS   between two joins (100)\n"
		"  --setup-timeout S    for every subscription to get media (30)\n"
		"  --video-kbps K       per publisher (1000)\n"
		"  --fps F              video frames per second (30)\n"
		"  --key-interval MS    between keyframes (2000)\n"
		"  --audio-bytes B      audio payload bytes (100)\n"
		"  --floor-seconds S    floor measurement per profile (2; 0 = skip)\n"
		"  --threads N          client threads, rooms spread over them (1..4; 1)\n"
		"  --target T           starling (PROTOCOL.md signaling) or janus\n"
		"                       (VideoRoom over ws://HOST:8188/, janus-protocol)\n"
		"  --label TEXT         name of the target in the report (the target)\n"
		"  --room-prefix NAME   rooms are NAME-0, NAME-1, ... (bench-PID); two\n"
		"                       benches with one prefix share their rooms\n"
		"  --admin URL          Starling's admin API (http://127.0.0.1:8081): its\n"
		"                       counters go into the report\n"
		"  --admin-secret S     bearer secret for --admin\n"
		"  --fail-on-loss       exit 3 when any packet was lost\n"
		"  --verbose            log signaling\n");
}

/* Room i's name. */
static void room_name(const struct opts *o, unsigned i, char *out, size_t n)
{
	if (o->room_prefix)
		snprintf(out, n, "%s-%u", o->room_prefix, i);
	else
		snprintf(out, n, "bench-%d-%u", (int)getpid(), i);
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "rooms", required_argument, NULL, 'r' },
		{ "participants", required_argument, NULL, 'p' },
		{ "seconds", required_argument, NULL, 's' },
		{ "server-pid", required_argument, NULL, 'P' },
		{ "json", required_argument, NULL, 'j' },
		{ "ice-ip", required_argument, NULL, 'i' },
		{ "join-interval", required_argument, NULL, 'J' },
		{ "setup-timeout", required_argument, NULL, 'T' },
		{ "video-kbps", required_argument, NULL, 'V' },
		{ "fps", required_argument, NULL, 'F' },
		{ "key-interval", required_argument, NULL, 'K' },
		{ "audio-bytes", required_argument, NULL, 'A' },
		{ "floor-seconds", required_argument, NULL, 'f' },
		{ "label", required_argument, NULL, 'l' },
		{ "room-prefix", required_argument, NULL, 'R' },
		{ "target", required_argument, NULL, 't' },
		{ "admin", required_argument, NULL, 'a' },
		{ "threads", required_argument, NULL, 'N' },
		{ "admin-secret", required_argument, NULL, 'S' },
		{ "fail-on-loss", no_argument, NULL, 'L' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct opts){ .rooms = 1, .participants = 3, .seconds = 10,
			    .ice_ip = "127.0.0.1", .join_interval_ms = 100,
			    .setup_timeout = 30, .video_kbps = 1000, .fps = 30,
			    .key_interval_ms = 2000, .audio_bytes = 100,
			    .floor_seconds = 2, .threads = 1 };
	while ((c = getopt_long(argc, argv, "u:r:p:s:P:j:h", lo, NULL)) != -1) {
		switch (c) {
		case 'u': o->url = optarg; break;
		case 'r': o->rooms = (unsigned)atoi(optarg); break;
		case 'p': o->participants = (unsigned)atoi(optarg); break;
		case 's': o->seconds = atof(optarg); break;
		case 'P': o->server_pid = (pid_t)atoi(optarg); break;
		case 'j': o->json = optarg; break;
		case 'i': o->ice_ip = optarg; break;
		case 'J': o->join_interval_ms = (unsigned)atoi(optarg); break;
		case 'T': o->setup_timeout = atof(optarg); break;
		case 'V': o->video_kbps = (unsigned)atoi(optarg); break;
		case 'F': o->fps = (unsigned)atoi(optarg); break;
		case 'K': o->key_interval_ms = (unsigned)atoi(optarg); break;
		case 'A': o->audio_bytes = (unsigned)atoi(optarg); break;
		case 'f': o->floor_seconds = atof(optarg); break;
		case 'l': o->label = optarg; break;
		case 'R': o->room_prefix = optarg; break;
		case 't':
			if (strcmp(optarg, "janus") == 0)
				o->janus = true;
			else if (strcmp(optarg, "starling") != 0)
				return -1;
			break;
		case 'L': o->fail_on_loss = true; break;
		case 'a': o->admin = optarg; break;
		case 'N': o->threads = (unsigned)atoi(optarg); break;
		case 'S': o->admin_secret = optarg; break;
		case 'v': o->verbose = true; break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
	}
	if (!o->label)
		o->label = o->janus ? "janus" : "starling";
	if (!o->url || o->rooms < 1 || o->participants < 2 ||
	    o->rooms * o->participants > 1000 || o->seconds <= 0 ||
	    o->fps < 1 || o->fps > 120 || o->video_kbps < 50 ||
	    o->audio_bytes < BENCH_HDR_LEN + 1 || o->audio_bytes > 1000 ||
	    o->key_interval_ms < 100 || o->threads < 1 || o->threads > 4)
		return -1;
	return 0;
}

/* ---- the run ------------------------------------------------------------ */

/* Subscriptions with media, out of those expected. */
static unsigned subs_ready(const struct run *r, unsigned *expected)
{
	unsigned ready = 0;

	*expected = 0;
	for (unsigned i = 0; i < r->n; i++)
		for (unsigned j = 0; j < r->n; j++) {
			if (i == j || room_of(r, i) != room_of(r, j))
				continue;
			*expected += 2;
			ready += bench_client_sub(r->clients[i], j, BENCH_AUDIO) != NULL;
			ready += bench_client_sub(r->clients[i], j, BENCH_VIDEO) != NULL;
		}
	return ready;
}

static void set_failure(struct run *r, const char *fmt, ...) SFU_PRINTF(2, 3);

static void set_failure(struct run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->failure[0])
		return;
	va_start(ap, fmt);
	vsnprintf(r->failure, sizeof(r->failure), fmt, ap);
	va_end(ap);
}

static int64_t self_cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
	       ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

static bool server_delay(const struct run *r, struct sfu_delay_hist *h);

/* At the window's start (s = &r->cpu0) and end: the server's CPU, ours,
 * the machine's, and the server's delay histogram (read before the CPU
 * at the start and after it at the end, so the reading's own cost stays
 * inside the window). Returns whether the server's CPU was read. */
static bool sample_server(struct run *r, struct proc_sample *s)
{
	bool start = s == &r->cpu0, got = false;

	if (start) {
		r->have_delay = server_delay(r, &r->delay0);
		r->self_cpu0_us = self_cpu_us();
		cpu_sample(&r->mach0);
	} else {
		r->self_cpu1_us = self_cpu_us();
		cpu_sample(&r->mach1);
	}
	if (r->o.server_pid > 0) {
		got = proc_sample(r->o.server_pid, s) == 0;
		if (!got)
			set_failure(r, "server process %d is gone",
				    (int)r->o.server_pid);
	}
	if (!start)
		r->have_delay = r->have_delay && server_delay(r, &r->delay1);
	return got;
}

static struct worker *worker_of(struct run *r, unsigned i)
{
	return &r->workers[room_of(r, i) % r->n_workers];
}

static gboolean start_cb(gpointer data)
{
	bench_client_start(data);
	return G_SOURCE_REMOVE;
}

static gboolean stop_cb(gpointer data)
{
	bench_client_stop_sending(data);
	return G_SOURCE_REMOVE;
}

static void stop_all(struct run *r)
{
	for (unsigned i = 0; i < r->n; i++)
		g_main_context_invoke(worker_of(r, i)->ctx, stop_cb, r->clients[i]);
}

static gpointer worker_main(gpointer data)
{
	struct worker *w = data;

	g_main_context_push_thread_default(w->ctx);
	g_main_loop_run(w->loop);
	g_main_context_pop_thread_default(w->ctx);
	return NULL;
}

static gboolean on_tick(gpointer data)
{
	struct run *r = data;
	int64_t now = bench_now_ns();
	unsigned expected, ready;

	if (r->phase <= WINDOW) {
		for (unsigned i = 0; i < r->started; i++) {
			const char *why = bench_client_failure(r->clients[i]);
			if (why) {
				set_failure(r, "%s: %s",
					    bench_client_name(r->clients[i]), why);
				break;
			}
		}
		if (r->failure[0] || r->interrupted) {
			if (r->phase == WINDOW) {
				/* Report the partial window too. */
				r->t_window1 = now;
				r->have_cpu = sample_server(r, &r->cpu1);
				r->env.measuring = false;
			}
			stop_all(r);
			r->phase = DONE;
			g_main_loop_quit(r->loop);
			return G_SOURCE_REMOVE;
		}
	}
	switch (r->phase) {
	case JOINING:
		while (r->started < r->n && now >= r->t_next_join) {
			unsigned i = r->started++;
			g_main_context_invoke(worker_of(r, i)->ctx, start_cb,
					      r->clients[i]);
			r->t_next_join += (int64_t)r->o.join_interval_ms * 1000000;
		}
		if (r->started == r->n) {
			r->phase = SETUP;
			r->t_setup_deadline =
				now + (int64_t)(r->o.setup_timeout * 1e9);
		}
		break;
	case SETUP:
		ready = subs_ready(r, &expected);
		if (ready == expected) {
			/* Everyone flows: measure from here. */
			r->env.measuring = true;
			r->t_window0 = now;
			sample_server(r, &r->cpu0);
			r->phase = WINDOW;
			fprintf(stderr, "bench: %u subscriptions flowing after %.1f s; "
					"measuring for %.0f s\n",
				expected, (double)(now - r->t_start) / 1e9,
				r->o.seconds);
		} else if (now >= r->t_setup_deadline) {
			set_failure(r, "only %u of %u subscriptions got media "
				       "within %.0f s", ready, expected,
				    r->o.setup_timeout);
			stop_all(r);
			r->phase = DONE;
			g_main_loop_quit(r->loop);
			return G_SOURCE_REMOVE;
		}
		break;
	case WINDOW:
		if (now - r->t_window0 >= (int64_t)(r->o.seconds * 1e9)) {
			sample_server(r, &r->cpu1);
			r->t_window1 = now;
			r->have_cpu = r->o.server_pid > 0 && !r->failure[0];
			r->env.measuring = false;
			stop_all(r);
			r->phase = DRAIN;
			r->t_drain_end = now + 1000000000;
		}
		break;
	case DRAIN:
		if (now >= r->t_drain_end) {
			r->phase = DONE;
			g_main_loop_quit(r->loop);
			return G_SOURCE_REMOVE;
		}
		break;
	case DONE:
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static gboolean on_signal(gpointer data)
{
	struct run *r = data;

	r->interrupted = true;
	set_failure(r, "interrupted");
	return G_SOURCE_CONTINUE;
}

/* ---- Starling's admin API ----------------------------------------------- */

/* GET base + path with the bearer secret; the JSON body or NULL. */
static json_t *http_get_json(const char *base, const char *path,
			     const char *secret)
{
	char host[256], port[16] = "80", *req, buf[65536];
	const char *p = base, *colon, *slash;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai = NULL;
	GString *resp = g_string_new("");
	json_t *out = NULL;
	const char *body;
	int fd = -1;
	ssize_t n;

	if (strncmp(p, "http://", 7) == 0)
		p += 7;
	slash = strchr(p, '/');
	if (!slash)
		slash = p + strlen(p);
	colon = memchr(p, ':', (size_t)(slash - p));
	snprintf(host, sizeof(host), "%.*s", (int)((colon ? colon : slash) - p), p);
	if (colon)
		snprintf(port, sizeof(port), "%.*s", (int)(slash - colon - 1), colon + 1);
	if (getaddrinfo(host, port, &hints, &ai) != 0)
		goto out;
	fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) < 0)
		goto out;
	req = sfu_xasprintf("GET %s HTTP/1.1\r\nHost: %s\r\n"
			    "Authorization: Bearer %s\r\nConnection: close\r\n\r\n",
			    path, host, secret ? secret : "");
	n = write(fd, req, strlen(req));
	free(req);
	if (n < 0)
		goto out;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		g_string_append_len(resp, buf, n);
	body = strstr(resp->str, "\r\n\r\n");
	if (body && strncmp(resp->str, "HTTP/1.1 200", 12) == 0)
		out = json_loads(body + 4, 0, NULL);
out:
	if (fd >= 0)
		close(fd);
	if (ai)
		freeaddrinfo(ai);
	g_string_free(resp, TRUE);
	return out;
}

/* The "forward_delay_us" histogram of GET /admin/server (docs/admin-api.md:
 * cumulative buckets, the last one +Inf) into h; false when there is no
 * admin API, or its buckets are not the ones this build knows. */
static bool server_delay(const struct run *r, struct sfu_delay_hist *h)
{
	json_t *server, *buckets, *b;
	uint64_t prev = 0, cum;
	bool good;
	size_t i;

	if (!r->o.admin || r->o.janus)
		return false;
	server = http_get_json(r->o.admin, "/admin/server", r->o.admin_secret);
	buckets = json_object_get(json_object_get(server, "forward_delay_us"),
				  "buckets");
	good = json_array_size(buckets) == SFU_DELAY_BOUNDS + 1;
	memset(h, 0, sizeof(*h));
	json_array_foreach(buckets, i, b) {
		json_t *le = json_object_get(b, "le");
		if (!good)
			break;
		good = i < SFU_DELAY_BOUNDS
		       ? json_integer_value(le) == sfu_delay_bound_us[i]
		       : json_is_null(le);
		cum = (uint64_t)json_integer_value(json_object_get(b, "count"));
		good = good && cum >= prev;
		h->bucket[i] = cum - prev;
		h->count = prev = cum;
	}
	h->max_us = (uint64_t)json_integer_value(json_object_get(
		json_object_get(server, "forward_delay_us"), "max"));
	json_decref(server);
	return good;
}

/* The server's own view: totals, and per room what publishers lost on
 * the way in and what was retransmitted. NULL when unavailable. */
static json_t *admin_stats(const struct run *r)
{
	json_t *server = http_get_json(r->o.admin, "/admin/server", r->o.admin_secret);
	json_int_t lost = 0, nacks = 0, retx = 0, plis = 0, keys = 0;
	char path[128], room[80];

	if (!server)
		return NULL;
	for (unsigned i = 0; i < r->o.rooms; i++) {
		json_t *rm, *parts, *pp, *t;
		size_t k, m;
		room_name(&r->o, i, room, sizeof(room));
		snprintf(path, sizeof(path), "/admin/rooms/%s", room);
		rm = http_get_json(r->o.admin, path, r->o.admin_secret);
		parts = json_object_get(rm, "participants");
		json_array_foreach(parts, k, pp) {
			json_array_foreach(json_object_get(pp, "tracks"), m, t) {
				lost += json_integer_value(json_object_get(t, "packets_lost"));
				nacks += json_integer_value(json_object_get(t, "nacks_sent"));
				plis += json_integer_value(json_object_get(t, "plis_sent"));
				keys += json_integer_value(json_object_get(t, "keyframes"));
			}
			json_array_foreach(json_object_get(pp, "subscriptions"), m, t)
				retx += json_integer_value(json_object_get(t, "retransmitted"));
		}
		json_decref(rm);
	}
	json_object_set_new(server, "publisher_packets_lost", json_integer(lost));
	json_object_set_new(server, "nacks_sent", json_integer(nacks));
	json_object_set_new(server, "plis_sent", json_integer(plis));
	json_object_set_new(server, "keyframes_received", json_integer(keys));
	json_object_set_new(server, "retransmitted", json_integer(retx));
	return server;
}

/* ---- main --------------------------------------------------------------- */

int main(int argc, char **argv)
{
	struct run r;
	struct sfu_cert *cert;
	struct floor_result fl[2];
	size_t n_fl = 0;
	json_t *admin;
	char room[80], name[64];
	unsigned fanout;
	double kps, bytes_per_s;
	int rc;

	memset(&r, 0, sizeof(r));
	if (parse_opts(argc, argv, &r.o) < 0) {
		usage(stderr);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	sfu_log_set_level(r.o.verbose ? SFU_LOG_DEBUG : SFU_LOG_WARN);
	if (sfu_srtp_global_init() < 0 || !(cert = sfu_cert_generate())) {
		fprintf(stderr, "bench: cannot initialise SRTP or a certificate\n");
		return 1;
	}
	r.env.url = r.o.url;
	r.env.ice_ips = r.o.ice_ip;
	r.env.dtls = sfu_dtls_ctx_new(cert);
	r.env.fingerprint = sfu_cert_fingerprint(cert);
	r.env.fps = r.o.fps;
	r.env.key_interval_ms = r.o.key_interval_ms;
	r.env.audio_payload = r.o.audio_bytes;
	r.env.verbose = r.o.verbose;
	r.env.janus = r.o.janus;
	/* Keyframes are 3x a delta frame; together they make video_kbps. */
	kps = 1000.0 / r.o.key_interval_ms;
	bytes_per_s = r.o.video_kbps * 1000.0 / 8;
	r.env.video.frame_bytes = (size_t)(bytes_per_s / (r.o.fps + 2 * kps));
	r.env.video.key_bytes = 3 * r.env.video.frame_bytes;
	r.env.video.max_payload = 1100;
	r.env.video.width = 640;
	r.env.video.height = 480;
	if (!r.env.dtls) {
		fprintf(stderr, "bench: cannot create the DTLS context\n");
		return 1;
	}
	r.n = r.o.rooms * r.o.participants;
	r.env.n_senders = r.n;
	r.clients = sfu_xcalloc(r.n, sizeof(*r.clients));
	for (unsigned i = 0; i < r.n; i++) {
		room_name(&r.o, i / r.o.participants, room, sizeof(room));
		snprintf(name, sizeof(name), "r%u-p%u", i / r.o.participants,
			 i % r.o.participants);
		r.clients[i] = bench_client_new(&r.env, i, room, name);
	}
	r.loop = g_main_loop_new(NULL, FALSE);
	r.n_workers = SFU_MIN(r.o.threads, r.o.rooms);
	for (unsigned i = 0; i < r.n_workers; i++) {
		struct worker *w = &r.workers[i];
		w->ctx = g_main_context_new();
		w->loop = g_main_loop_new(w->ctx, FALSE);
		w->thread = g_thread_new("bench", worker_main, w);
	}
	r.t_start = r.t_next_join = bench_now_ns();
	g_timeout_add(20, on_tick, &r);
	g_unix_signal_add(SIGINT, on_signal, &r);
	g_unix_signal_add(SIGTERM, on_signal, &r);
	fprintf(stderr, "bench: %u room(s) x %u participants -> %s\n", r.o.rooms,
		r.o.participants, r.o.url);
	r.have_udp = udp_sample(&r.udp0) == 0;
	g_main_loop_run(r.loop);
	r.have_udp = r.have_udp && udp_sample(&r.udp1) == 0;
	/* Stop the client threads: from here everything is read from
	 * this thread only. */
	for (unsigned i = 0; i < r.n_workers; i++) {
		g_main_loop_quit(r.workers[i].loop);
		g_thread_join(r.workers[i].thread);
	}

	/* The floor for the same fan-out, before the clients go (the server
	 * idles meanwhile: nobody sends). */
	fanout = r.o.participants - 1;
	if (r.o.floor_seconds > 0 && !r.interrupted) {
		if (floor_measure(SFU_SRTP_AEAD_AES_128_GCM, fanout, r.o.floor_seconds,
				  NULL, &fl[n_fl]) == 0)
			n_fl++;
		if (floor_measure(SFU_SRTP_AES128_CM_SHA1_80, fanout,
				  r.o.floor_seconds, NULL, &fl[n_fl]) == 0)
			n_fl++;
	}
	admin = r.o.admin && !r.o.janus ? admin_stats(&r) : NULL;
	rc = bench_report(&r, fl, n_fl, admin);
	json_decref(admin);

	for (unsigned i = 0; i < r.n; i++) {
		struct worker *w = worker_of(&r, i);
		g_main_context_push_thread_default(w->ctx);
		bench_client_free(r.clients[i]);
		g_main_context_pop_thread_default(w->ctx);
	}
	/* Let the agents' deferred releases run. */
	for (unsigned k = 0; k < r.n_workers; k++)
		for (int i = 0; i < 1000 && g_main_context_iteration(r.workers[k].ctx, FALSE);
		     i++)
			;
	for (unsigned k = 0; k < r.n_workers; k++) {
		g_main_loop_unref(r.workers[k].loop);
		g_main_context_unref(r.workers[k].ctx);
	}
	free(r.clients);
	g_main_loop_unref(r.loop);
	sfu_dtls_ctx_free(r.env.dtls);
	sfu_cert_free(cert);
	return rc;
}
