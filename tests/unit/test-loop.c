/*
 * test-loop.c - tests src/loop.c: a worker-style loop on this thread with
 * the udpmux set in it. A socket GLib was watching is handed to the set
 * from GLib's callback (the takeover); datagrams are then delivered
 * without GLib running;
 * a timeout attached from inside a datagram callback still fires (the
 * ownerless-polling wakeup); an idle source attached from another thread
 * wakes the loop and stops it; the set made for the loop outlives it
 * while sockets remain (the next loop takes it), and a set already
 * attached to GLib is refused. Timer slack: a timeout due shortly before
 * a datagram runs on the datagram's wakeup, after it; with no slack it
 * runs on time, before it.
 */
#include "loop.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib-unix.h>
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "udpmux.h"

#define PINGS 20

static struct {
	GMainContext *ctx;
	bool stop, guard_fired, timer_fired, idle_from_thread;
	int rx, tx; /* rx: in the set; tx: sends to it */
	struct sockaddr_in rx_addr;
	int64_t handle;
	int got;
	int pings_left;
	struct sfu_loop_stats at_timer, at_last_ping;
} t;

static int udp_socket(struct sockaddr_in *addr)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	socklen_t len = sizeof(*addr);

	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)addr, sizeof(*addr));
	getsockname(fd, (struct sockaddr *)addr, &len);
	return fd;
}

static void ping(void)
{
	uint8_t b = 0x80;

	sendto(t.tx, &b, 1, 0, (struct sockaddr *)&t.rx_addr,
	       sizeof(t.rx_addr));
}

/* Attaches src to ctx with fn as its callback; ctx keeps the only ref. */
static void attach(GSource *src, GSourceFunc fn, GMainContext *ctx)
{
	g_source_set_callback(src, fn, NULL, NULL);
	g_source_attach(src, ctx);
	g_source_unref(src);
}

static void *late_thread(void *arg)
{
	usleep(20000);
	attach(g_idle_source_new(), (GSourceFunc)arg, t.ctx);
	return NULL;
}

static gboolean on_idle_from_thread(gpointer data)
{
	(void)data;
	t.idle_from_thread = true;
	t.stop = true;
	return G_SOURCE_REMOVE;
}

static gboolean on_timer(gpointer data)
{
	(void)data;
	t.timer_fired = true;
	t.at_timer = sfu_loop_stats();
	t.pings_left = PINGS;
	ping(); /* each datagram's callback sends the next */
	return G_SOURCE_REMOVE;
}

static void on_datagram(void *arg, uint8_t *data, size_t len,
			const struct sockaddr_storage *from)
{
	pthread_t th;

	(void)arg, (void)data, (void)len, (void)from;
	t.got++;
	if (t.got == 3) {
		/* from a media callback, outside GLib's dispatch */
		attach(g_timeout_source_new(10), on_timer,
		       g_main_context_get_thread_default());
	}
	if (t.pings_left > 0 && --t.pings_left > 0) {
		ping();
	} else if (t.got == 3 + PINGS) {
		t.at_last_ping = sfu_loop_stats();
		pthread_create(&th, NULL, late_thread, on_idle_from_thread);
		pthread_detach(th);
	}
}

/* GLib watches rx first and hands it to the set from its own callback,
 * as the worker takes libnice's socket over: the descriptor is in GLib's
 * poll set and joins the udpmux set at the same time. */
static gboolean on_glib_readable(gint fd, GIOCondition cond, gpointer data)
{
	uint8_t b;

	(void)cond, (void)data;
	if (recv(fd, &b, 1, MSG_DONTWAIT) == 1)
		t.got++;
	t.handle = sfu_udpmux_add(t.rx, on_datagram, NULL);
	ok(t.handle > 0, "a socket GLib watched joins the loop's set from "
	   "GLib's own callback");
	return G_SOURCE_REMOVE;
}

static gboolean on_start(gpointer data)
{
	(void)data;
	attach(g_unix_fd_source_new(t.rx, G_IO_IN),
	       G_SOURCE_FUNC(on_glib_readable), t.ctx);
	for (int i = 0; i < 3; i++)
		ping();
	return G_SOURCE_REMOVE;
}

static gboolean on_guard(gpointer data)
{
	(void)data;
	t.guard_fired = true;
	t.stop = true;
	return G_SOURCE_REMOVE;
}

static void refuses_an_attached_set(void)
{
	struct sockaddr_in a;
	int fd = udp_socket(&a);
	int64_t h = sfu_udpmux_add(fd, on_datagram, NULL);

	ok(h > 0, "outside a loop the set is a GSource");
	ok(sfu_udpmux_loop_fd() == -EBUSY, "a loop cannot take that set");
	sfu_udpmux_remove(h);
	close(fd);
}

/* ---- timer slack ---- */

static struct {
	bool stop;
	int got, got_at_timer;
	int tx;
	struct sockaddr_in to;
} sl;

static void *send_later(void *arg)
{
	uint8_t b = 0x80;

	usleep((useconds_t)(uintptr_t)arg);
	sendto(sl.tx, &b, 1, 0, (struct sockaddr *)&sl.to, sizeof(sl.to));
	return NULL;
}

static void on_slack_datagram(void *arg, uint8_t *data, size_t len,
			      const struct sockaddr_storage *from)
{
	(void)arg, (void)data, (void)len, (void)from;
	sl.got++;
}

static gboolean on_slack_timer(gpointer data)
{
	(void)data;
	sl.got_at_timer = sl.got;
	return G_SOURCE_REMOVE;
}

static gboolean on_slack_stop(gpointer data)
{
	(void)data;
	sl.stop = true;
	return G_SOURCE_REMOVE;
}

/* A 800 ms timeout and a datagram at 880 ms: with the slack's cap at
 * 300 ms the timeout may wait until 1000 ms (a quarter of its 800), so
 * it runs on the datagram's wakeup; with no slack it runs at 800 ms.
 * Both margins are 80 ms or more, far beyond scheduling jitter. */
static int timer_vs_datagram(int64_t slack_us)
{
	GMainContext *ctx = sfu_loop_context_new();
	struct sockaddr_in tx_addr;
	int rx = udp_socket(&sl.to);
	int64_t h;
	pthread_t th;

	sl.tx = udp_socket(&tx_addr);
	sl.stop = false;
	sl.got = 0;
	sl.got_at_timer = -1;
	sfu_loop_set_slack(slack_us);
	g_main_context_push_thread_default(ctx);
	h = sfu_udpmux_add(rx, on_slack_datagram, NULL);
	attach(g_timeout_source_new(800), on_slack_timer, ctx);
	attach(g_timeout_source_new(1300), on_slack_stop, ctx);
	pthread_create(&th, NULL, send_later, (void *)(uintptr_t)880000);
	sfu_loop_run(ctx, &sl.stop);
	pthread_join(th, NULL);
	sfu_udpmux_remove(h);
	sfu_udpmux_loop_release();
	g_main_context_pop_thread_default(ctx);
	g_main_context_unref(ctx);
	close(rx);
	close(sl.tx);
	ok(sl.got == 1, "the datagram arrived (slack %lld us)", (long long)slack_us);
	return sl.got_at_timer;
}

static void timer_slack(void)
{
	is_int(timer_vs_datagram(300000), 1,
	       "with slack, a timeout just due runs on the next datagram's "
	       "wakeup, after it");
	is_int(timer_vs_datagram(0), 0, "without slack it runs on time, before it");
	sfu_loop_set_slack(2000);
}

int main(void)
{
	struct sockaddr_in tx_addr;
	GSource *guard;
	struct sfu_udpmux_stats st;

	refuses_an_attached_set();
	t.ctx = sfu_loop_context_new();
	g_main_context_push_thread_default(t.ctx);
	t.rx = udp_socket(&t.rx_addr);
	t.tx = udp_socket(&tx_addr);
	attach(g_idle_source_new(), on_start, t.ctx);
	guard = g_timeout_source_new(5000);
	g_source_set_callback(guard, on_guard, NULL, NULL);
	g_source_attach(guard, t.ctx);

	sfu_loop_run(t.ctx, &t.stop);

	ok(!t.guard_fired, "the loop stopped on its own, not by the guard");
	ok(t.timer_fired,
	   "a timeout attached inside a datagram callback fired");
	is_int(t.got, 3 + PINGS, "every datagram was delivered");
	ok(t.at_last_ping.polls - t.at_timer.polls >= PINGS - 1,
	   "each ping took a pass of the loop");
	ok(t.at_last_ping.glib_runs == t.at_timer.glib_runs,
	   "passes that only found datagrams did not run GLib");
	ok(t.idle_from_thread, "a source attached from another thread ran");

	st = sfu_udpmux_stats();
	ok(st.datagrams >= (uint64_t)(2 + PINGS),
	   "the set counted those it delivered");
	ping();
	ok(sfu_udpmux_loop_fd() >= 0,
	   "a set left with a socket in it is taken by the next loop");
	usleep(1000);
	sfu_udpmux_loop_dispatch();
	is_int(t.got, 3 + PINGS + 1, "and its socket still delivers");
	sfu_udpmux_remove(t.handle);
	sfu_udpmux_loop_release();

	g_source_destroy(guard);
	g_source_unref(guard);
	g_main_context_pop_thread_default(t.ctx);
	g_main_context_unref(t.ctx);
	close(t.rx);
	close(t.tx);
	timer_slack();
	return tap_done();
}
