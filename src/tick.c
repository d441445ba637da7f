/*
 * tick.c - shared periodic timers (tick.h).
 *
 * There is one ticker per GMainContext and period (the context a tick is
 * started under: a worker's, or one a thread pushed), like the udpmux
 * sets, so a tick stopped from another thread with that context pushed
 * finds its ticker. A ticker is a GLib timeout and an array of the ticks
 * it calls; only the list of tickers is shared between threads, and it is
 * locked on start and stop of a ticker only. A tick is removed by moving
 * the last one into its slot, so a callback that stops ticks may make
 * one other tick miss a single period, never get a call after its stop.
 */
#include "tick.h"

#include <glib.h>
#include <stdlib.h>

#include "common.h"

struct sfu_ticker {
	struct sfu_ticker *next;
	GMainContext *ctx;
	unsigned period_ms;
	GSource *src;
	struct sfu_tick **ticks;
	size_t n, cap;
	bool dispatching;
};

static GMutex tickers_lock;
static struct sfu_ticker *tickers; /* tickers_lock */

static void ticker_free(struct sfu_ticker *k)
{
	struct sfu_ticker **p;

	g_mutex_lock(&tickers_lock);
	for (p = &tickers; *p != k; p = &(*p)->next)
		;
	*p = k->next;
	g_mutex_unlock(&tickers_lock);
	g_source_destroy(k->src);
	g_source_unref(k->src);
	free(k->ticks);
	free(k);
}

static gboolean on_timeout(gpointer data)
{
	struct sfu_ticker *k = data;

	k->dispatching = true;
	for (size_t i = 0; i < k->n;) {
		struct sfu_tick *t = k->ticks[i];
		t->fn(t);
		/* stopped itself: the last tick now sits at i */
		if (i < k->n && k->ticks[i] == t)
			i++;
	}
	k->dispatching = false;
	if (k->n == 0)
		ticker_free(k);
	return G_SOURCE_CONTINUE;
}

static struct sfu_ticker *ticker_get(unsigned period_ms)
{
	GMainContext *ctx = g_main_context_get_thread_default();
	struct sfu_ticker *k;

	if (!ctx)
		ctx = g_main_context_default();
	g_mutex_lock(&tickers_lock);
	for (k = tickers; k; k = k->next)
		if (k->ctx == ctx && k->period_ms == period_ms)
			break;
	if (!k) {
		k = sfu_xcalloc(1, sizeof(*k));
		k->ctx = ctx;
		k->period_ms = period_ms;
		k->src = g_timeout_source_new(period_ms);
		g_source_set_callback(k->src, on_timeout, k, NULL);
		g_source_attach(k->src, ctx);
		k->next = tickers;
		tickers = k;
	}
	g_mutex_unlock(&tickers_lock);
	return k;
}

void sfu_tick_start(struct sfu_tick *t, unsigned period_ms,
		    void (*fn)(struct sfu_tick *t))
{
	struct sfu_ticker *k = ticker_get(period_ms);

	if (k->n == k->cap) {
		k->cap = k->cap ? 2 * k->cap : 16;
		k->ticks = sfu_xrealloc(k->ticks, k->cap * sizeof(*k->ticks));
	}
	t->fn = fn;
	t->ticker = k;
	t->idx = k->n;
	k->ticks[k->n++] = t;
}

void sfu_tick_stop(struct sfu_tick *t)
{
	struct sfu_ticker *k = t->ticker;

	if (!k)
		return;
	k->ticks[t->idx] = k->ticks[--k->n];
	k->ticks[t->idx]->idx = t->idx;
	t->ticker = NULL;
	if (k->n == 0 && !k->dispatching)
		ticker_free(k);
}
