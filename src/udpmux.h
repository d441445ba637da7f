/*
 * udpmux.h - one epoll set per thread for the UDP sockets whose reading
 * the media path has taken over (see ice.c), drained with recvmmsg().
 *
 * GLib polls one file descriptor for the whole set, so a worker with a
 * hundred participants pays for one poll entry and one GSource instead
 * of a hundred, and every readable socket is drained in batches of up to
 * SFU_UDPMUX_BATCH datagrams per system call. Everything runs on the
 * calling thread's default GMainContext, i.e. the owning worker; nothing
 * here is thread-safe or needs to be.
 */
#ifndef SFU_UDPMUX_H
#define SFU_UDPMUX_H

#include <sys/socket.h>

#include "common.h"

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
	uint64_t wakeups;   /* dispatches of the set's GSource */
	uint64_t batches;   /* recvmmsg() calls that returned datagrams */
	uint64_t datagrams; /* delivered */
	uint64_t dropped;   /* truncated (over SFU_UDPMUX_MAX_DATAGRAM) */
};
/* This thread's counters (zero when it never had a set). */
struct sfu_udpmux_stats sfu_udpmux_stats(void);

#endif
