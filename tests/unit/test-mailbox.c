/*
 * test-mailbox.c - tests src/mailbox.c: FIFO order, take_all emptying the
 * queue, the pending flag, the wake callback firing only on the empty ->
 * non-empty edge, freeing with queued nodes, and a multi-producer stress
 * run in which one consumer sees every node exactly once and in each
 * producer's order.
 */
#include "mailbox.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include "tap.h"

struct item {
	struct sfu_mailbox_node node;
	int producer;
	int seq;
};

static struct item *item_new(int producer, int seq)
{
	struct item *it = sfu_xcalloc(1, sizeof(*it));

	it->producer = producer;
	it->seq = seq;
	return it;
}

static struct item *item_of(struct sfu_mailbox_node *n)
{
	return SFU_CONTAINER_OF(n, struct item, node);
}

static int freed;

static void item_free_node(struct sfu_mailbox_node *n)
{
	freed++;
	free(item_of(n));
}

/* Free a taken list; returns how many nodes it held. */
static int list_free(struct sfu_mailbox_node *n)
{
	int count = 0;

	while (n) {
		struct sfu_mailbox_node *next = n->next;
		free(item_of(n));
		n = next;
		count++;
	}
	return count;
}

struct wake_rec {
	int calls;
	void *last_arg;
};

static void wake_count(void *arg)
{
	struct wake_rec *w = arg;

	w->calls++;
	w->last_arg = arg;
}

static void test_fifo(void)
{
	struct sfu_mailbox *mb = sfu_mailbox_new(NULL, NULL);
	struct sfu_mailbox_node *n;
	int seq = 0, in_order = 1;

	ok(mb != NULL, "new without wake");
	ok(!sfu_mailbox_pending(mb), "fresh mailbox is not pending");
	ok(sfu_mailbox_take_all(mb) == NULL, "take_all on empty is NULL");

	for (int i = 0; i < 5; i++)
		sfu_mailbox_post(mb, &item_new(0, i)->node);
	ok(sfu_mailbox_pending(mb), "pending after posts");

	n = sfu_mailbox_take_all(mb);
	ok(!sfu_mailbox_pending(mb), "not pending after take_all");
	ok(sfu_mailbox_take_all(mb) == NULL, "second take_all is empty");
	for (struct sfu_mailbox_node *m = n; m; m = m->next, seq++)
		in_order &= item_of(m)->seq == seq;
	ok(in_order, "nodes come out oldest first");
	is_int(seq, 5, "all five nodes in the list");
	is_int(list_free(n), 5, "list is NULL-terminated");

	/* The queue works again after being emptied. */
	sfu_mailbox_post(mb, &item_new(0, 10)->node);
	sfu_mailbox_post(mb, &item_new(0, 11)->node);
	n = sfu_mailbox_take_all(mb);
	ok(n && item_of(n)->seq == 10 && n->next &&
		   item_of(n->next)->seq == 11 && n->next->next == NULL,
	   "refilled queue keeps order");
	list_free(n);

	/* A node whose next held garbage is re-terminated by post. */
	{
		struct item *it = item_new(0, 20);
		it->node.next = (struct sfu_mailbox_node *)&it->seq;
		sfu_mailbox_post(mb, &it->node);
		n = sfu_mailbox_take_all(mb);
		ok(n == &it->node && n->next == NULL,
		   "post clears a stale next pointer");
		list_free(n);
	}
	sfu_mailbox_free(mb, item_free_node);
}

static void test_wake_edge(void)
{
	struct wake_rec w = { 0, NULL };
	struct sfu_mailbox *mb = sfu_mailbox_new(wake_count, &w);

	is_int(w.calls, 0, "wake: not called by new");
	sfu_mailbox_post(mb, &item_new(0, 0)->node);
	is_int(w.calls, 1, "wake: called on first post");
	ok(w.last_arg == &w, "wake: gets its argument");
	sfu_mailbox_post(mb, &item_new(0, 1)->node);
	sfu_mailbox_post(mb, &item_new(0, 2)->node);
	is_int(w.calls, 1, "wake: not called while non-empty");
	is_int(list_free(sfu_mailbox_take_all(mb)), 3, "wake: three taken");
	is_int(w.calls, 1, "wake: not called by take_all");
	sfu_mailbox_take_all(mb);
	is_int(w.calls, 1, "wake: not called by an empty take_all");
	sfu_mailbox_post(mb, &item_new(0, 3)->node);
	is_int(w.calls, 2, "wake: called again after the queue emptied");
	sfu_mailbox_post(mb, &item_new(0, 4)->node);
	is_int(w.calls, 2, "wake: once per edge");
	list_free(sfu_mailbox_take_all(mb));
	sfu_mailbox_free(mb, NULL);
	is_int(w.calls, 2, "wake: not called by free");
}

static void test_free(void)
{
	struct sfu_mailbox *mb = sfu_mailbox_new(NULL, NULL);
	struct sfu_mailbox_node stack[3];

	freed = 0;
	for (int i = 0; i < 7; i++)
		sfu_mailbox_post(mb, &item_new(0, i)->node);
	sfu_mailbox_free(mb, item_free_node);
	is_int(freed, 7, "free calls free_node for every queued node");

	mb = sfu_mailbox_new(NULL, NULL);
	freed = 0;
	for (int i = 0; i < 4; i++)
		sfu_mailbox_post(mb, &item_new(0, i)->node);
	list_free(sfu_mailbox_take_all(mb));
	sfu_mailbox_post(mb, &item_new(0, 9)->node);
	sfu_mailbox_free(mb, item_free_node);
	is_int(freed, 1, "free skips nodes already taken");

	mb = sfu_mailbox_new(NULL, NULL);
	freed = 0;
	sfu_mailbox_free(mb, item_free_node);
	is_int(freed, 0, "free of an empty mailbox frees no node");

	/* Without free_node the nodes are left to their owner. */
	mb = sfu_mailbox_new(NULL, NULL);
	for (int i = 0; i < 3; i++)
		sfu_mailbox_post(mb, &stack[i]);
	sfu_mailbox_free(mb, NULL);
	ok(1, "free with NULL free_node leaves the nodes alone");

	sfu_mailbox_free(NULL, item_free_node);
	ok(1, "free(NULL) is a no-op");
}

/* ---- stress: 4 producers, one consumer ------------------------------- */

#define PRODUCERS 4
#define PER_PRODUCER 10000

struct stress {
	struct sfu_mailbox *mb;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int woken;  /* set by wake, cleared by the consumer */
	int wakes;  /* wake calls in all */
	int batches; /* non-empty take_all results */
	int received;
	int duplicates, out_of_order, bad;
	unsigned char seen[PRODUCERS][PER_PRODUCER];
	int next_seq[PRODUCERS];
};

struct producer_arg {
	struct stress *st;
	int id;
};

static void stress_wake(void *arg)
{
	struct stress *st = arg;

	pthread_mutex_lock(&st->lock);
	st->woken = 1;
	st->wakes++;
	pthread_cond_signal(&st->cond);
	pthread_mutex_unlock(&st->lock);
}

static void *producer(void *arg)
{
	struct producer_arg *pa = arg;

	for (int i = 0; i < PER_PRODUCER; i++) {
		sfu_mailbox_post(pa->st->mb, &item_new(pa->id, i)->node);
		if (i % 1000 == 0)
			sched_yield();
	}
	return NULL;
}

static void consume(struct stress *st, struct sfu_mailbox_node *n)
{
	if (n)
		st->batches++;
	while (n) {
		struct sfu_mailbox_node *next = n->next;
		struct item *it = item_of(n);
		if (it->producer < 0 || it->producer >= PRODUCERS ||
		    it->seq < 0 || it->seq >= PER_PRODUCER) {
			st->bad++;
		} else {
			if (st->seen[it->producer][it->seq]++)
				st->duplicates++;
			if (it->seq != st->next_seq[it->producer])
				st->out_of_order++;
			st->next_seq[it->producer] = it->seq + 1;
		}
		st->received++;
		free(it);
		n = next;
	}
}

static void *consumer(void *arg)
{
	struct stress *st = arg;

	while (st->received < PRODUCERS * PER_PRODUCER) {
		pthread_mutex_lock(&st->lock);
		while (!st->woken && !sfu_mailbox_pending(st->mb))
			pthread_cond_wait(&st->cond, &st->lock);
		st->woken = 0;
		pthread_mutex_unlock(&st->lock);
		consume(st, sfu_mailbox_take_all(st->mb));
	}
	return NULL;
}

static void test_stress(void)
{
	static struct stress st;
	struct producer_arg pa[PRODUCERS];
	pthread_t prod[PRODUCERS], cons;
	int never_seen = 0;

	pthread_mutex_init(&st.lock, NULL);
	pthread_cond_init(&st.cond, NULL);
	st.mb = sfu_mailbox_new(stress_wake, &st);
	ok(pthread_create(&cons, NULL, consumer, &st) == 0, "stress: consumer");
	for (int i = 0; i < PRODUCERS; i++) {
		pa[i].st = &st;
		pa[i].id = i;
		pthread_create(&prod[i], NULL, producer, &pa[i]);
	}
	for (int i = 0; i < PRODUCERS; i++)
		pthread_join(prod[i], NULL);
	pthread_join(cons, NULL);

	for (int p = 0; p < PRODUCERS; p++)
		for (int i = 0; i < PER_PRODUCER; i++)
			never_seen += st.seen[p][i] == 0;
	is_int(st.received, PRODUCERS * PER_PRODUCER,
	       "stress: every node received");
	is_int(never_seen, 0, "stress: no node missing");
	is_int(st.duplicates, 0, "stress: no node twice");
	is_int(st.bad, 0, "stress: no corrupt node");
	is_int(st.out_of_order, 0, "stress: each producer's order kept");
	ok(!sfu_mailbox_pending(st.mb), "stress: empty at the end");
	ok(sfu_mailbox_take_all(st.mb) == NULL, "stress: nothing left");
	/* Each non-empty batch was opened by exactly one empty -> non-empty
	 * edge, and each edge woke the consumer once. */
	is_int(st.wakes, st.batches, "stress: one wake per non-empty batch");
	ok(st.wakes >= 1 && st.wakes <= PRODUCERS * PER_PRODUCER,
	   "stress: wakes within bounds (%d)", st.wakes);
	sfu_mailbox_free(st.mb, item_free_node);
	pthread_cond_destroy(&st.cond);
	pthread_mutex_destroy(&st.lock);
}

int main(void)
{
	test_fifo();
	test_wake_edge();
	test_free();
	test_stress();
	return tap_done();
}
