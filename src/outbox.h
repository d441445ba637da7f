/*
 * outbox.h - the datagrams a worker sends while it handles one batch of
 * received ones, held back and sent together at the end of the batch.
 *
 * A video frame arrives as a burst of equal-sized packets (the
 * packetizer cuts the frame into equal parts), so one received batch
 * usually holds several packets of the same stream, and each subscriber
 * then gets several datagrams of one size on one socket. Sent together,
 * consecutive datagrams of one size (and a shorter last one) go down the
 * stack as one UDP GSO send (UDP_SEGMENT): one system call, one route
 * and one pass through IP for the run, cut into datagrams by the NIC or,
 * without offload, at the end of the kernel's path. On the wire nothing
 * changes: each datagram keeps its own UDP header, in the same order.
 *
 * Per thread; no allocation after the first use. Sockets must be
 * connected (send(), no address). A socket about to be closed must be
 * forgotten first (sfu_outbox_forget), since its queued datagrams would
 * go to whatever file gets its number next.
 */
#ifndef SFU_OUTBOX_H
#define SFU_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A received batch (up to 32 datagrams) times its fan-out: a video
 * frame's four packets to 29 subscribers still make runs. */
#define SFU_OUTBOX_SLOTS 128
#define SFU_OUTBOX_MAX 1600 /* larger datagrams are sent at once */
/* What one GSO send may carry (see sfu__outbox_runs). */
#define SFU_OUTBOX_RUN_SEGS 64
#define SFU_OUTBOX_RUN_BYTES 60000

/* Start holding this thread's sends; nests (only the outermost flush
 * sends). */
void sfu_outbox_open(void);
/* Close one level; the outermost sends everything held. */
void sfu_outbox_flush(void);

/*
 * Send len bytes on the connected socket fd: now when no outbox is open
 * (or the datagram is too large), else when the outbox is flushed (or
 * fills up). Returns 0, or -errno of an immediate send. A held datagram
 * that then fails adds one to *errors (may be NULL), which must stay
 * valid until the flush or sfu_outbox_forget(fd).
 */
int sfu_outbox_send(int fd, const uint8_t *data, size_t len,
		    uint64_t *errors);
/* Drop this thread's held datagrams for fd. */
void sfu_outbox_forget(int fd);

struct sfu_outbox_stats {
	uint64_t datagrams; /* held and sent at a flush */
	uint64_t sends;     /* system calls those took */
	uint64_t gso_sends; /* of which UDP_SEGMENT sends (>= 2 datagrams) */
	uint64_t errors;    /* datagrams that failed at a flush */
};
/* This thread's counters. */
struct sfu_outbox_stats sfu_outbox_stats(void);
/* Whether UDP_SEGMENT is used (false once the kernel refused it). */
bool sfu_outbox_gso(void);

/*
 * For tests: the runs flush would send for n datagram lengths of one
 * socket, in order: run[i] is the number of datagrams in the i-th send.
 * Returns the number of runs.
 */
size_t sfu__outbox_runs(const size_t *len, size_t n, size_t *run);
/* For tests: use UDP_SEGMENT or not. */
void sfu__outbox_set_gso(bool on);

#endif
