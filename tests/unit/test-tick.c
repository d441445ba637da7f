/*
 * test-tick.c - tests src/tick.c: ticks of one period called together
 * each period, a tick stopping itself or another one from its callback
 * (no call after the stop, the others keep theirs), a tick started from
 * a callback, two periods side by side, stop on a stopped tick, and a
 * tick started under another pushed context running with that context.
 */
#include "tick.h"

#include <glib.h>
#include <string.h>

#include "common.h"
#include "tap.h"

struct obj {
	struct sfu_tick tick;
	int calls;
	int stop_self_at;   /* 0: never */
	int stop_other_at;  /* 0: never */
	struct obj *other;
	int calls_at_stop;  /* of other, when this one stopped it */
	struct obj *start;  /* started from the first call */
};

static void on_tick(struct sfu_tick *t)
{
	struct obj *o = SFU_CONTAINER_OF(t, struct obj, tick);

	o->calls++;
	if (o->calls == o->stop_self_at)
		sfu_tick_stop(&o->tick);
	if (o->calls == o->stop_other_at) {
		sfu_tick_stop(&o->other->tick);
		o->calls_at_stop = o->other->calls;
	}
	if (o->calls == 1 && o->start)
		sfu_tick_start(&o->start->tick, 10, on_tick);
}

static void run_until(GMainContext *ctx, const int *calls, int n)
{
	/* a guard for a broken ticker: 2 s of 10 ms periods */
	for (int i = 0; i < 400 && *calls < n; i++)
		g_main_context_iteration(ctx, TRUE);
}

int main(void)
{
	GMainContext *ctx = g_main_context_new();
	struct obj a, b, c, d, e, slow;

	g_main_context_push_thread_default(ctx);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	memset(&d, 0, sizeof(d));
	memset(&e, 0, sizeof(e));
	memset(&slow, 0, sizeof(slow));
	a.stop_self_at = 2;
	b.stop_other_at = 3;
	b.other = &c;
	a.start = &d;
	sfu_tick_start(&a.tick, 10, on_tick);
	sfu_tick_start(&b.tick, 10, on_tick);
	sfu_tick_start(&c.tick, 10, on_tick);
	sfu_tick_start(&e.tick, 10, on_tick);
	sfu_tick_start(&slow.tick, 30, on_tick);

	run_until(ctx, &b.calls, 6);
	is_int(b.calls, 6, "a tick keeps being called");
	is_int(a.calls, 2, "a tick that stopped itself got no more calls");
	ok(a.tick.ticker == NULL, "and reads as stopped");
	is_int(c.calls, b.calls_at_stop,
	       "a tick stopped by another got no more calls");
	ok(c.calls >= 2, "it had its calls until then");
	ok(e.calls >= 5 && e.calls <= 6,
	   "the tick moved into a stopped one's place missed at most one");
	ok(d.calls >= 4, "a tick started from a callback is called");
	ok(slow.calls >= 1 && slow.calls < b.calls,
	   "a longer period has its own, slower timer");

	sfu_tick_stop(&c.tick); /* already stopped: nothing */
	sfu_tick_stop(&b.tick);
	sfu_tick_stop(&d.tick);
	sfu_tick_stop(&e.tick);
	sfu_tick_stop(&slow.tick);
	ok(b.tick.ticker == NULL && slow.tick.ticker == NULL,
	   "every tick stopped");
	/* the tickers were freed with their last tick (valgrind checks) */
	sfu_tick_start(&b.tick, 10, on_tick);
	run_until(ctx, &b.calls, 7);
	is_int(b.calls, 7, "a new ticker after the old one went away");

	/* a tick started under another context belongs to that context's
	 * ticker, not to this thread's first one */
	{
		GMainContext *other = g_main_context_new();
		struct obj x;

		memset(&x, 0, sizeof(x));
		g_main_context_push_thread_default(other);
		sfu_tick_start(&x.tick, 10, on_tick);
		g_main_context_pop_thread_default(other);
		run_until(ctx, &b.calls, 10);
		is_int(x.calls, 0, "another context's tick does not run here");
		run_until(other, &x.calls, 2);
		is_int(x.calls, 2, "it runs with its own context");
		g_main_context_push_thread_default(other);
		sfu_tick_stop(&x.tick);
		g_main_context_pop_thread_default(other);
		g_main_context_unref(other);
	}
	sfu_tick_stop(&b.tick);

	g_main_context_pop_thread_default(ctx);
	g_main_context_unref(ctx);
	return tap_done();
}
