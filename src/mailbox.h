/*
 * mailbox.h - the only way threads talk: a multi-producer, single-consumer
 * FIFO of intrusive nodes plus a wakeup.
 *
 * Producers post nodes they allocated; ownership passes to the consumer,
 * which takes the whole queue at once. The wake callback runs (on the
 * producer's thread) only when the queue goes from empty to non-empty, so
 * a burst of posts costs one wakeup. Mailboxes carry control messages, not
 * packets, so a mutex is fine here.
 */
#ifndef SFU_MAILBOX_H
#define SFU_MAILBOX_H

#include "common.h"

struct sfu_mailbox_node {
	struct sfu_mailbox_node *next;
};

typedef void (*sfu_mailbox_wake_fn)(void *arg);
typedef void (*sfu_mailbox_free_fn)(struct sfu_mailbox_node *node);

struct sfu_mailbox;

/* wake may be NULL (the consumer polls). */
struct sfu_mailbox *sfu_mailbox_new(sfu_mailbox_wake_fn wake, void *arg);

/* Frees the mailbox and, with free_node, every node still queued. */
void sfu_mailbox_free(struct sfu_mailbox *mb, sfu_mailbox_free_fn free_node);

/* Queue node (the mailbox owns it until taken). Thread-safe. */
void sfu_mailbox_post(struct sfu_mailbox *mb, struct sfu_mailbox_node *node);

/* Take every queued node, oldest first, as a NULL-terminated list. */
struct sfu_mailbox_node *sfu_mailbox_take_all(struct sfu_mailbox *mb);

/* True when something is queued; a cheap check for event-loop sources. */
bool sfu_mailbox_pending(struct sfu_mailbox *mb);

#endif
