/*
 * worker.c - the media worker thread.
 *
 * States: created -> running (thread started, loop spinning) -> stopped
 * (loop left, rooms freed on the worker thread, thread joined).
 *
 * The loop (loop.c: GLib's context plus the udpmux set of media sockets)
 * runs two sources of the worker's own: the mailbox source, ready whenever
 * commands are queued (the mailbox wakes the context on its empty ->
 * non-empty edge), and a 250 ms tick that expires resume deadlines. Media
 * sources (ICE agents, timers) attach to the same context, so all of a
 * room's work stays on one thread and nothing it owns is locked.
 */
#define SFU_LOG_MODULE "worker"
#include "worker.h"

#include <glib.h>
#include <pthread.h>
#include <stdlib.h>

#include "clock.h"
#include "log.h"
#include "loop.h"
#include "outbox.h"
#include "udpmux.h"

#define TICK_MS 250

struct sfu_worker {
	struct sfu_worker_opts opts;
	GMainContext *ctx;
	bool stopping; /* set on the worker thread by the stop command */
	struct sfu_mailbox *mailbox;
	struct sfu_rooms *rooms;
	pthread_t thread;
	bool started;
};

/* A synchronous call from the control plane (sfu_worker_call). */
struct call {
	struct sfu_cmd base; /* type unused; identifies via fn != NULL */
	void (*fn)(struct sfu_rooms *rooms, void *arg);
	void *arg;
	pthread_mutex_t lock;
	pthread_cond_t done_cv;
	bool done;
};

/* Commands, calls and the stop request share the mailbox; the latter two
 * carry marker types no real command uses. Stopping through the mailbox
 * (not a flag set from outside) cannot be lost if it comes before
 * the loop starts running. */
#define CALL_MARKER ((enum sfu_cmd_type)-1)
#define STOP_MARKER ((enum sfu_cmd_type)-2)
#define RUN_MARKER ((enum sfu_cmd_type)-3)

/* An asynchronous closure (sfu_worker_run). */
struct run {
	struct sfu_cmd base;
	void (*fn)(void *arg);
	void *arg;
};

static __thread struct sfu_worker *current;

struct mailbox_source {
	GSource base;
	struct sfu_worker *w;
};

static void wake(void *arg)
{
	g_main_context_wakeup(arg);
}

static void run_call(struct sfu_worker *w, struct call *c)
{
	c->fn(w->rooms, c->arg);
	pthread_mutex_lock(&c->lock);
	c->done = true;
	pthread_cond_signal(&c->done_cv);
	pthread_mutex_unlock(&c->lock);
}

static void drain(struct sfu_worker *w)
{
	struct sfu_mailbox_node *n = sfu_mailbox_take_all(w->mailbox), *next;
	int64_t now = sfu_now_ms();

	for (; n; n = next) {
		struct sfu_cmd *cmd = SFU_CONTAINER_OF(n, struct sfu_cmd, node);
		next = n->next;
		if (cmd->type == CALL_MARKER) {
			run_call(w, (struct call *)cmd);
			continue; /* the caller owns and frees it */
		}
		if (cmd->type == RUN_MARKER) {
			struct run *r = (struct run *)cmd;
			r->fn(r->arg);
			free(r);
			continue;
		}
		if (cmd->type == STOP_MARKER) {
			w->stopping = true;
		} else {
			struct sfu_event done = { .type = SFU_EV_DONE,
						  .to = cmd->session,
						  .seq = cmd->seq };
			sfu_rooms_handle(w->rooms, cmd, now);
			/* Lets the control thread release replies it held
			 * back to keep the session's order. */
			if (cmd->seq)
				w->opts.emit(w->opts.emit_ctx, &done);
		}
		sfu_cmd_free(cmd);
	}
}

static gboolean mb_prepare(GSource *src, gint *timeout)
{
	*timeout = -1;
	return sfu_mailbox_pending(((struct mailbox_source *)src)->w->mailbox);
}

static gboolean mb_check(GSource *src)
{
	return sfu_mailbox_pending(((struct mailbox_source *)src)->w->mailbox);
}

static gboolean mb_dispatch(GSource *src, GSourceFunc cb, gpointer data)
{
	drain(((struct mailbox_source *)src)->w);
	return G_SOURCE_CONTINUE;
}

static GSourceFuncs mailbox_funcs = {
	.prepare = mb_prepare,
	.check = mb_check,
	.dispatch = mb_dispatch,
};

static gboolean on_tick(gpointer data)
{
	struct sfu_worker *w = data;

	sfu_rooms_tick(w->rooms, sfu_now_ms());
	return G_SOURCE_CONTINUE;
}

static void *thread_main(void *arg)
{
	struct sfu_worker *w = arg;
	GSource *mb, *tick;

	g_main_context_push_thread_default(w->ctx);
	current = w;
	mb = g_source_new(&mailbox_funcs, sizeof(struct mailbox_source));
	((struct mailbox_source *)mb)->w = w;
	/* no block/unblock around each dispatch: see on_recv in ice.c */
	g_source_set_can_recurse(mb, TRUE);
	g_source_attach(mb, w->ctx);
	tick = g_timeout_source_new(TICK_MS);
	g_source_set_callback(tick, on_tick, w, NULL);
	g_source_attach(tick, w->ctx);

	log_debug("worker %d running", w->opts.index);
	sfu_loop_run(w->ctx, &w->stopping);

	/* Commands queued before the stop still run, so nothing leaks. */
	drain(w);
	g_source_destroy(tick);
	g_source_unref(tick);
	g_source_destroy(mb);
	g_source_unref(mb);
	sfu_rooms_free(w->rooms);
	w->rooms = NULL;
	g_main_context_pop_thread_default(w->ctx);
	log_debug("worker %d stopped", w->opts.index);
	return NULL;
}

struct sfu_worker *sfu_worker_new(const struct sfu_worker_opts *opts)
{
	struct sfu_worker *w = sfu_xcalloc(1, sizeof(*w));

	w->opts = *opts;
	w->ctx = sfu_loop_context_new();
	w->mailbox = sfu_mailbox_new(wake, w->ctx);
	w->rooms = sfu_rooms_new(&opts->limits, opts->emit, opts->emit_ctx);
	return w;
}

int sfu_worker_start(struct sfu_worker *w)
{
	int rc = pthread_create(&w->thread, NULL, thread_main, w);

	if (rc != 0)
		return -rc;
	w->started = true;
	return 0;
}

void sfu_worker_post(struct sfu_worker *w, struct sfu_cmd *cmd)
{
	sfu_mailbox_post(w->mailbox, &cmd->node);
}

void sfu_worker_call(struct sfu_worker *w,
		     void (*fn)(struct sfu_rooms *rooms, void *arg), void *arg)
{
	struct call c;

	memset(&c, 0, sizeof(c));
	c.base.type = CALL_MARKER;
	c.fn = fn;
	c.arg = arg;
	if (!w->started) {
		fn(w->rooms, arg);
		return;
	}
	pthread_mutex_init(&c.lock, NULL);
	pthread_cond_init(&c.done_cv, NULL);
	sfu_mailbox_post(w->mailbox, &c.base.node);
	pthread_mutex_lock(&c.lock);
	while (!c.done)
		pthread_cond_wait(&c.done_cv, &c.lock);
	pthread_mutex_unlock(&c.lock);
	pthread_mutex_destroy(&c.lock);
	pthread_cond_destroy(&c.done_cv);
}

void sfu_worker_run(struct sfu_worker *w, void (*fn)(void *arg), void *arg)
{
	struct run *r = sfu_xcalloc(1, sizeof(*r));

	r->base.type = RUN_MARKER;
	r->fn = fn;
	r->arg = arg;
	sfu_mailbox_post(w->mailbox, &r->base.node);
}

void sfu_worker_io_stats(struct sfu_worker_io *io)
{
	struct sfu_loop_stats ls = sfu_loop_stats();
	struct sfu_udpmux_stats us = sfu_udpmux_stats();
	struct sfu_outbox_stats os = sfu_outbox_stats();

	io->wakeups = ls.polls;
	io->glib_runs = ls.glib_runs;
	io->receive_calls = us.batches;
	io->datagrams_in = us.datagrams;
	io->held_datagrams = os.datagrams;
	io->held_sends = os.sends;
	io->gso_sends = os.gso_sends;
	io->delay = us.delay;
}

struct sfu_worker *sfu_worker_current(void)
{
	return current;
}

void sfu_worker_stop(struct sfu_worker *w)
{
	if (!w->started)
		return;
	sfu_mailbox_post(w->mailbox, &sfu_cmd_new(STOP_MARKER, 0)->node);
	pthread_join(w->thread, NULL);
	w->started = false;
}

void sfu_worker_free(struct sfu_worker *w)
{
	if (!w)
		return;
	sfu_worker_stop(w);
	sfu_rooms_free(w->rooms);
	sfu_mailbox_free(w->mailbox, sfu_cmd_free_node);
	g_main_context_unref(w->ctx);
	free(w);
}

int sfu_worker_index(const struct sfu_worker *w)
{
	return w->opts.index;
}

int sfu_worker_for_room(const char *name, int n)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 16777619u;
	return n > 0 ? (int)(h % (uint32_t)n) : 0;
}
