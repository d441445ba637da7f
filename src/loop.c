/*
 * loop.c - the worker's event loop (see loop.h for why).
 *
 * One pass: if GLib ran last time (or never), prepare and query the
 * context for its descriptors and timeout; poll those plus the udpmux
 * set; drain the set if it is readable; run GLib's check and dispatch if
 * one of its descriptors is ready or its timeout has passed. Between two
 * GLib runs the query's answer stays valid: GLib's state changes only in
 * its own dispatch, from other threads (which wake the context), or from
 * a media callback attaching or changing a source (which, with the
 * ownerless-polling flag, wakes it too). A source removed meanwhile can
 * only leave an early timeout, which costs one empty check.
 *
 * Timer slack: the poll waits a little past GLib's next timeout (a
 * quarter of the wait, at most 2 ms), and a media wakeup after the
 * timeout runs GLib. Under media the worker wakes hundreds of times a
 * second, so the 10 ms SCTP tick, the 100 ms media tick and the rest
 * mostly ride on a wakeup that happens anyway instead of costing one of
 * their own (on a VM, a wakeup costs more than the work it does).
 */
#define SFU_LOG_MODULE "loop"
#include "loop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "udpmux.h"

struct loop {
	GMainContext *ctx;
	GPollFD *fds; /* [0] is the udpmux set, then GLib's */
	int cap, n_glib;
	int max_prio;
	int64_t deadline; /* GLib's next timeout (monotonic µs), or -1 */
	int64_t late;     /* the deadline plus its slack: the poll's end */
};

static __thread struct sfu_loop_stats tl_stats;
static int64_t slack_max_us = 2000;

void sfu_loop_set_slack(int64_t max_us)
{
	slack_max_us = max_us > 0 ? max_us : 0;
}

GMainContext *sfu_loop_context_new(void)
{
	return g_main_context_new_with_flags(
		G_MAIN_CONTEXT_FLAGS_OWNERLESS_POLLING);
}

static void glib_query(struct loop *l)
{
	int timeout = -1, n;

	g_main_context_prepare(l->ctx, &l->max_prio);
	while ((n = g_main_context_query(l->ctx, l->max_prio, &timeout,
					 l->fds + 1, l->cap - 1)) >
	       l->cap - 1) {
		l->cap = n + 1 + 8;
		l->fds = sfu_xrealloc(l->fds, (size_t)l->cap * sizeof(*l->fds));
	}
	l->n_glib = n;
	if (timeout < 0) {
		l->deadline = l->late = -1;
		return;
	}
	l->deadline = g_get_monotonic_time() + (int64_t)timeout * 1000;
	l->late = l->deadline + SFU_MIN((int64_t)timeout * 1000 / 4, slack_max_us);
}

static int wait_ms(const struct loop *l)
{
	int64_t left;

	if (l->late < 0)
		return -1;
	left = l->late - g_get_monotonic_time();
	if (left <= 0)
		return 0;
	return left / 1000 >= INT32_MAX ? INT32_MAX : (int)((left + 999) / 1000);
}

/* One poll and what it found. Returns whether GLib ran. */
static bool pass(struct loop *l)
{
	bool glib = false;
	int rc;

	for (int i = 0; i <= l->n_glib; i++)
		l->fds[i].revents = 0;
	rc = g_poll(l->fds, (guint)l->n_glib + 1, wait_ms(l));
	if (rc < 0 && errno != EINTR)
		log_warn("poll: %s", strerror(errno));
	tl_stats.polls++;
	if (l->fds[0].revents)
		sfu_udpmux_loop_dispatch();
	for (int i = 1; i <= l->n_glib && !glib; i++)
		glib = l->fds[i].revents != 0;
	if (!glib && l->deadline >= 0)
		glib = g_get_monotonic_time() >= l->deadline;
	if (!glib)
		return false;
	tl_stats.glib_runs++;
	if (g_main_context_check(l->ctx, l->max_prio, l->fds + 1, l->n_glib))
		g_main_context_dispatch(l->ctx);
	return true;
}

void sfu_loop_run(GMainContext *ctx, const bool *stop)
{
	struct loop l = { .ctx = ctx, .cap = 16 };
	int mux = sfu_udpmux_loop_fd();

	if (mux < 0)
		log_warn("no udpmux set for this loop: %s", strerror(-mux));
	if (!g_main_context_acquire(ctx)) {
		log_error("the loop's context is owned by another thread");
		return;
	}
	l.fds = sfu_xcalloc((size_t)l.cap, sizeof(*l.fds));
	l.fds[0] = (GPollFD){ .fd = mux, .events = G_IO_IN };
	for (bool glib_ran = true; !*stop;) {
		if (glib_ran)
			glib_query(&l);
		glib_ran = pass(&l);
	}
	g_main_context_release(ctx);
	free(l.fds);
	sfu_udpmux_loop_release();
}

struct sfu_loop_stats sfu_loop_stats(void)
{
	return tl_stats;
}
