/*
 * tick.h - one periodic timer per GMainContext and period, shared by
 * every object on that context that wants a call each period (each
 * participant's media tick: NACKs, keyframe retries, RTCP reports).
 *
 * A timer per object costs a loop wakeup and a GLib run per object and
 * period, and makes GLib prepare and check one more source on every run;
 * a shared one costs one of each per period however many objects there
 * are. The calls run on the GMainContext that was the calling thread's
 * default when the tick started; stop it on that context's thread (or with
 * that context pushed).
 */
#ifndef SFU_TICK_H
#define SFU_TICK_H

#include <stddef.h>

struct sfu_ticker;

/* Embedded in the object; zero it before the first sfu_tick_start. */
struct sfu_tick {
	void (*fn)(struct sfu_tick *t);
	struct sfu_ticker *ticker; /* NULL when stopped */
	size_t idx;
};

/* Calls fn(t) every period_ms from now on. t must be stopped. */
void sfu_tick_start(struct sfu_tick *t, unsigned period_ms,
		    void (*fn)(struct sfu_tick *t));
/* No more calls; safe inside any tick callback and when stopped. */
void sfu_tick_stop(struct sfu_tick *t);

#endif
