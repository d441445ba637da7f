/*
 * worker.h - a media worker: one thread, its own GMainContext, and the
 * rooms pinned to it. The control thread talks to it only by posting
 * commands to its mailbox; the worker answers through the emit hook.
 */
#ifndef SFU_WORKER_H
#define SFU_WORKER_H

#include "common.h"

#include "cmd.h"
#include "delay.h"
#include "room.h"

struct sfu_worker_opts {
	int index;
	struct sfu_room_limits limits;
	sfu_emit_fn emit; /* called on the worker thread */
	void *emit_ctx;
};

struct sfu_worker;

struct sfu_worker *sfu_worker_new(const struct sfu_worker_opts *opts);
/* Start the thread. Returns 0 or a negative errno. */
int sfu_worker_start(struct sfu_worker *w);
/* Hand cmd to the worker (it frees it). Thread-safe. */
void sfu_worker_post(struct sfu_worker *w, struct sfu_cmd *cmd);

/*
 * Run fn(w's rooms, arg) on the worker thread and wait for it. For the
 * control plane's rare synchronous questions (admin API); never call it
 * from a worker thread.
 */
void sfu_worker_call(struct sfu_worker *w,
		     void (*fn)(struct sfu_rooms *rooms, void *arg), void *arg);

/*
 * Run fn(arg) on the worker thread, later, without waiting. Thread-safe;
 * for work that must happen on the owner of some state (e.g. a library
 * callback that arrived on another thread).
 */
void sfu_worker_run(struct sfu_worker *w, void (*fn)(void *arg), void *arg);

/* A worker's I/O since start: how often its loop woke and how much each
 * wakeup carried (loop.h, udpmux.h, outbox.h). */
struct sfu_worker_io {
	uint64_t wakeups;        /* polls that returned */
	uint64_t glib_runs;      /* of which ran GLib's sources */
	uint64_t receive_calls;  /* recvmmsg calls that returned datagrams */
	uint64_t datagrams_in;   /* on the sockets the worker reads itself */
	uint64_t held_datagrams; /* sent through the outbox */
	uint64_t held_sends;     /* the system calls those took */
	uint64_t gso_sends;      /* of which carried several (UDP GSO) */
	struct sfu_delay_hist delay; /* per datagram in, udpmux.h */
};
/* On a worker thread (inside sfu_worker_call): its counters. */
void sfu_worker_io_stats(struct sfu_worker_io *io);
/* The worker whose thread is running, or NULL off the worker threads. */
struct sfu_worker *sfu_worker_current(void);

/* Stop the loop, free the worker's rooms on its own thread, join it. */
void sfu_worker_stop(struct sfu_worker *w);
void sfu_worker_free(struct sfu_worker *w);

int sfu_worker_index(const struct sfu_worker *w);

/* Which of n workers owns the room called name (stable FNV-1a hash). */
int sfu_worker_for_room(const char *name, int n);

#endif
