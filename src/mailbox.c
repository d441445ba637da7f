/*
 * mailbox.c - mutex-protected singly linked FIFO.
 *
 * States: empty (head == NULL) and non-empty. The empty -> non-empty edge
 * fires the wake callback; take_all returns the queue to empty.
 */
#include "mailbox.h"

#include <pthread.h>
#include <stdlib.h>

struct sfu_mailbox {
	pthread_mutex_t lock;
	struct sfu_mailbox_node *head, *tail;
	int pending; /* read without the lock by sfu_mailbox_pending() */
	sfu_mailbox_wake_fn wake;
	void *arg;
};

struct sfu_mailbox *sfu_mailbox_new(sfu_mailbox_wake_fn wake, void *arg)
{
	struct sfu_mailbox *mb = sfu_xcalloc(1, sizeof(*mb));

	pthread_mutex_init(&mb->lock, NULL);
	mb->wake = wake;
	mb->arg = arg;
	return mb;
}

void sfu_mailbox_free(struct sfu_mailbox *mb, sfu_mailbox_free_fn free_node)
{
	struct sfu_mailbox_node *n, *next;

	if (!mb)
		return;
	for (n = mb->head; n; n = next) {
		next = n->next;
		if (free_node)
			free_node(n);
	}
	pthread_mutex_destroy(&mb->lock);
	free(mb);
}

void sfu_mailbox_post(struct sfu_mailbox *mb, struct sfu_mailbox_node *node)
{
	bool was_empty;

	node->next = NULL;
	pthread_mutex_lock(&mb->lock);
	was_empty = mb->head == NULL;
	if (was_empty)
		mb->head = node;
	else
		mb->tail->next = node;
	mb->tail = node;
	__atomic_store_n(&mb->pending, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&mb->lock);
	if (was_empty && mb->wake)
		mb->wake(mb->arg);
}

struct sfu_mailbox_node *sfu_mailbox_take_all(struct sfu_mailbox *mb)
{
	struct sfu_mailbox_node *head;

	pthread_mutex_lock(&mb->lock);
	head = mb->head;
	mb->head = mb->tail = NULL;
	__atomic_store_n(&mb->pending, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&mb->lock);
	return head;
}

bool sfu_mailbox_pending(struct sfu_mailbox *mb)
{
	return __atomic_load_n(&mb->pending, __ATOMIC_ACQUIRE) != 0;
}
