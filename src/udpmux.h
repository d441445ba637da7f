/*
 * udpmux.h - one epoll set per GMainContext for the UDP sockets whose
 * reading the media path has taken over (see ice.c), drained with
 * recvmmsg().
 *
 * GLib polls one file descriptor for the whole set, so a worker with a
 * hundred participants pays for one poll entry and one GSource instead
 * of a hundred, and every readable socket is drained in batches of up to
 * SFU_UDPMUX_BATCH datagrams per system call. Add and remove act on the
 * set of the calling thread's default GMainContext, i.e. the owning
 * worker's (or a context another thread pushed to tear a client down);
 * the set is a GSource of that context, or is polled by the worker's own
 * loop (loop.c). Only the lookup of a context's set is locked.
 */
#ifndef SFU_UDPMUX_H
#define SFU_UDPMUX_H

#include <sys/socket.h>

#include "common.h"
#include "delay.h"

#define SFU_UDPMUX_BATCH 32
/* Datagrams larger than this are dropped (RTP stays under the MTU). */
#define SFU_UDPMUX_MAX_DATAGRAM 2048

/* One datagram; data may be modified in place. The callback may remove
 * its own socket (or any other) from the set. */
typedef void (*sfu_udpmux_fn)(void *arg, uint8_t *data, size_t len,
			      const struct sockaddr_storage *from);

/* Starts watching fd (non-blocking UDP, not owned: never closed here).
 * Returns a handle > 0, or -errno. */
int64_t sfu_udpmux_add(int fd, sfu_udpmux_fn fn, void *arg);
/* Stops delivering for the handle; safe inside any callback. */
void sfu_udpmux_remove(int64_t handle);

struct sfu_udpmux_stats {
	uint64_t wakeups;   /* times the set was found readable */
	uint64_t batches;   /* recvmmsg() calls that returned datagrams */
	uint64_t datagrams; /* delivered */
	uint64_t dropped;   /* truncated (over SFU_UDPMUX_MAX_DATAGRAM) */
	/* per delivered datagram, µs from the kernel's receive timestamp
	 * to the end of the sends of its batch (outbox.h) */
	struct sfu_delay_hist delay;
};
/*
 * For a thread that runs its own poll loop (loop.c) instead of GLib's:
 * the set is made now, is not a GSource, and lives until
 * sfu_udpmux_loop_release(); the loop polls the returned epoll descriptor
 * and calls sfu_udpmux_loop_dispatch() when it is readable. Returns the
 * descriptor or -errno (-EBUSY when the set is already a GSource here).
 * A set released with sockets still in it is polled by no one until the
 * next loop takes it or its last socket is removed.
 */
int sfu_udpmux_loop_fd(void);
void sfu_udpmux_loop_dispatch(void);
void sfu_udpmux_loop_release(void);

/* Inside a callback: the kernel's receive time of the datagram being
 * delivered, CLOCK_REALTIME ns; 0 elsewhere or when the kernel gave
 * none. */
int64_t sfu_udpmux_rx_time(void);

/* The current context's set's counters plus those of destroyed sets. */
struct sfu_udpmux_stats sfu_udpmux_stats(void);

#endif
