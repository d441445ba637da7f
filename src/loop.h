/*
 * loop.h - a worker's event loop: GLib's context plus the udpmux set,
 * where a wakeup for media datagrams costs one poll() and no GLib work.
 *
 * g_main_loop_run() prepares and checks every source of the context on
 * every wakeup, and a worker wakes for almost every packet (they arrive
 * one by one). This loop asks GLib for its descriptors and next timeout
 * only after GLib has run, and runs GLib again only when one of those
 * descriptors is ready or the timeout has passed. A source attached or
 * changed from a media callback wakes the context (the context is made
 * with G_MAIN_CONTEXT_FLAGS_OWNERLESS_POLLING, so even an attach from the
 * owning thread writes its wakeup descriptor), which is one of GLib's
 * descriptors, so nothing GLib owns waits for a packet-free moment.
 * GLib's timeouts run up to a quarter of their wait (at most 2 ms) late,
 * on the first wakeup after they are due (timer slack, see loop.c).
 */
#ifndef SFU_LOOP_H
#define SFU_LOOP_H

#include <glib.h>

#include "common.h"

/* A context for sfu_loop_run (see above for the flag). */
GMainContext *sfu_loop_context_new(void);

/* Runs ctx on the calling thread until *stop is true (set by something
 * the loop dispatched). If the udpmux set cannot be made, GLib runs
 * alone and udpmux makes its own GSource when a socket is added. */
void sfu_loop_run(GMainContext *ctx, const bool *stop);

/* The most a timeout may run late, µs (default 2000; 0: never). For
 * tests; process-wide, set before loops run. */
void sfu_loop_set_slack(int64_t max_us);

struct sfu_loop_stats {
	uint64_t polls;     /* poll() calls that returned */
	uint64_t glib_runs; /* GLib check and dispatch passes */
};
/* This thread's counters, summed over every run. */
struct sfu_loop_stats sfu_loop_stats(void);

#endif
