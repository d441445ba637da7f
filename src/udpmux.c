/*
 * udpmux.c - the epoll set of taken-over UDP sockets, one per GMainContext.
 *
 * The set is a GSource polling the epoll descriptor, created with the
 * first socket and destroyed with the last, so an idle context keeps
 * nothing; or, under a worker's own loop (loop.c), a set the loop polls,
 * living as long as the loop. Handles carry a serial next to the slot
 * index: a slot freed and reused inside one dispatch (a callback removing
 * its own participant, another joining) never receives the old socket's
 * datagrams, and a stale handle never removes a newer socket.
 *
 * Every socket asks the kernel for receive timestamps (SO_TIMESTAMPNS):
 * after a batch's sends are out, each datagram's time from the kernel
 * queuing it to then goes into the set's delay histogram, i.e. what the
 * server adds to a packet's trip, waiting for the thread included.
 */
#define SFU_LOG_MODULE "udpmux"
#include "udpmux.h"

#include <errno.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "outbox.h"

#define EVENTS 64
/* Batches per socket per wakeup before the next socket gets its turn;
 * epoll is level-triggered, so what is left is reported again. */
#define ROUNDS 4

struct slot {
	int fd;
	bool used;
	uint32_t serial; /* of the add: handles never repeat */
	sfu_udpmux_fn fn;
	void *arg;
};

struct mux {
	GSource source; /* first: the mux is the GSource */
	int epfd;
	bool dead;
	bool loop; /* polled by the thread's own loop, not attached */
	GMainContext *ctx; /* whose set this is */
	struct slot *slots;
	uint32_t n_slots, n_used;
	struct sfu_udpmux_stats st;
	struct mmsghdr msgs[SFU_UDPMUX_BATCH];
	struct iovec iov[SFU_UDPMUX_BATCH];
	struct sockaddr_storage from[SFU_UDPMUX_BATCH];
	/* room for SCM_TIMESTAMPNS; a kernel that adds more truncates */
	union {
		struct cmsghdr align;
		uint8_t b[CMSG_SPACE(sizeof(struct timespec))];
	} ctl[SFU_UDPMUX_BATCH];
	int64_t rx_ns[SFU_UDPMUX_BATCH]; /* CLOCK_REALTIME, 0: unknown */
	uint8_t buf[SFU_UDPMUX_BATCH][SFU_UDPMUX_MAX_DATAGRAM + 1];
};

/* The sets by GMainContext (a worker's, or whatever a thread pushed as
 * its default: the bench frees its clients from its main thread with each
 * client thread's context pushed). Looked up on add and remove only. */
static GMutex sets_lock;
static GHashTable *sets; /* GMainContext * -> struct mux * */
static struct sfu_udpmux_stats gone; /* of destroyed sets; sets_lock */
static uint32_t last_serial;         /* sets_lock */
/* The set a loop on this thread polls (sfu_udpmux_loop_fd): found
 * without the lock on every wakeup. */
static __thread struct mux *tl_loop;
/* The receive time of the datagram being delivered (sfu_udpmux_rx_time). */
static __thread int64_t tl_rx_ns;

static GMainContext *current_ctx(void)
{
	GMainContext *ctx = g_main_context_get_thread_default();

	return ctx ? ctx : g_main_context_default();
}

static struct mux *mux_find(GMainContext *ctx)
{
	struct mux *m;

	g_mutex_lock(&sets_lock);
	m = sets ? g_hash_table_lookup(sets, ctx) : NULL;
	g_mutex_unlock(&sets_lock);
	return m;
}

static struct slot *slot_of(struct mux *m, int64_t handle)
{
	uint32_t idx = (uint32_t)(handle & 0xffffffff) - 1;
	uint32_t serial = (uint32_t)(handle >> 32);

	if (m->dead || idx >= m->n_slots || !m->slots[idx].used ||
	    m->slots[idx].serial != serial)
		return NULL;
	return &m->slots[idx];
}

/* The batch to the socket's callback. A datagram not delivered (too
 * large, or its socket removed by an earlier callback of the batch)
 * gets no delay sample either. */
static void deliver(struct mux *m, int64_t handle, int n)
{
	for (int j = 0; j < n; j++) {
		struct slot *s = slot_of(m, handle);
		size_t len = m->msgs[j].msg_len;

		if (!s || len > SFU_UDPMUX_MAX_DATAGRAM ||
		    (m->msgs[j].msg_hdr.msg_flags & MSG_TRUNC)) {
			m->st.dropped += s != NULL;
			m->rx_ns[j] = 0;
			continue;
		}
		m->st.datagrams++;
		tl_rx_ns = m->rx_ns[j];
		s->fn(s->arg, m->buf[j], len, &m->from[j]);
	}
	tl_rx_ns = 0;
}

static int64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void read_times(struct mux *m, int n)
{
	for (int j = 0; j < n; j++) {
		struct msghdr *h = &m->msgs[j].msg_hdr;
		struct cmsghdr *c;
		struct timespec ts;

		m->rx_ns[j] = 0;
		for (c = CMSG_FIRSTHDR(h); c; c = CMSG_NXTHDR(h, c)) {
			if (c->cmsg_level != SOL_SOCKET ||
			    c->cmsg_type != SCM_TIMESTAMPNS)
				continue;
			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			m->rx_ns[j] = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
		}
	}
}

/* After the batch's sends: one clock read for all of it. A clock stepped
 * back between the two readings gives 0, never a huge delay. */
static void note_delays(struct mux *m, int n)
{
	int64_t now = 0;

	for (int j = 0; j < n; j++) {
		if (!m->rx_ns[j])
			continue;
		if (!now)
			now = realtime_ns();
		sfu_delay_add(&m->st.delay, now > m->rx_ns[j]
			      ? (uint64_t)(now - m->rx_ns[j]) / 1000 : 0);
	}
}

static void drain(struct mux *m, int64_t handle)
{
	for (int round = 0; round < ROUNDS; round++) {
		struct slot *s = slot_of(m, handle);
		int n;

		if (!s)
			return;
		for (int j = 0; j < SFU_UDPMUX_BATCH; j++) {
			m->iov[j] = (struct iovec){ m->buf[j], sizeof(m->buf[j]) };
			m->msgs[j].msg_hdr = (struct msghdr){
				.msg_name = &m->from[j],
				.msg_namelen = sizeof(m->from[j]),
				.msg_iov = &m->iov[j],
				.msg_iovlen = 1,
				.msg_control = m->ctl[j].b,
				.msg_controllen = sizeof(m->ctl[j].b),
			};
		}
		n = recvmmsg(s->fd, m->msgs, SFU_UDPMUX_BATCH, MSG_DONTWAIT,
			     NULL);
		if (n < 0) {
			/* An ICMP error queued on the socket (the peer's port
			 * closed) fails one call; data may still follow. */
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return;
			continue;
		}
		if (n == 0)
			return;
		m->st.batches++;
		read_times(m, n);
		/* what the callbacks send for this batch goes out together
		 * after it (outbox.h): a video frame's packets arrive
		 * together and leave as one GSO send per subscriber */
		sfu_outbox_open();
		deliver(m, handle, n);
		sfu_outbox_flush();
		note_delays(m, n);
		if (n < SFU_UDPMUX_BATCH)
			return;
	}
}

static void mux_run(struct mux *m)
{
	struct epoll_event ev[EVENTS];
	int n = epoll_wait(m->epfd, ev, EVENTS, 0);

	m->st.wakeups++;
	for (int i = 0; i < n && !m->dead; i++)
		drain(m, (int64_t)ev[i].data.u64);
}

static gboolean mux_dispatch(GSource *source, GSourceFunc cb, gpointer data)
{
	(void)cb, (void)data;
	mux_run((struct mux *)source);
	return G_SOURCE_CONTINUE;
}

static void mux_finalize(GSource *source)
{
	struct mux *m = (struct mux *)source;

	close(m->epfd);
	free(m->slots);
}

static GSourceFuncs mux_funcs = {
	.dispatch = mux_dispatch,
	.finalize = mux_finalize,
};

/* attach: become a GSource of the thread's default context; otherwise
 * the thread's own loop polls the descriptor (sfu_udpmux_loop_fd). */
static struct mux *mux_get(bool attach)
{
	GMainContext *ctx = current_ctx();
	struct mux *m = mux_find(ctx);
	int epfd;

	if (m)
		return m;
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		return NULL;
	m = (struct mux *)g_source_new(&mux_funcs, sizeof(*m));
	m->epfd = epfd;
	m->loop = !attach;
	g_source_set_name(&m->source, "udpmux");
	if (attach) {
		/* no block/unblock (two eventfd writes) around each
		 * dispatch */
		g_source_set_can_recurse(&m->source, TRUE);
		g_source_add_unix_fd(&m->source, epfd, G_IO_IN);
		g_source_attach(&m->source, ctx);
	}
	m->ctx = ctx;
	g_mutex_lock(&sets_lock);
	if (!sets)
		sets = g_hash_table_new(NULL, NULL);
	g_hash_table_insert(sets, ctx, m);
	g_mutex_unlock(&sets_lock);
	return m;
}

static void stats_add(struct sfu_udpmux_stats *to,
		      const struct sfu_udpmux_stats *from)
{
	to->wakeups += from->wakeups;
	to->batches += from->batches;
	to->datagrams += from->datagrams;
	to->dropped += from->dropped;
	sfu_delay_merge(&to->delay, &from->delay);
}

static void mux_put(struct mux *m)
{
	if (m->n_used > 0 || m->loop)
		return;
	g_mutex_lock(&sets_lock);
	stats_add(&gone, &m->st);
	g_hash_table_remove(sets, m->ctx);
	if (g_hash_table_size(sets) == 0) {
		g_hash_table_destroy(sets);
		sets = NULL;
	}
	g_mutex_unlock(&sets_lock);
	m->dead = true;
	/* freed once a dispatch in progress, if any, has returned */
	g_source_destroy(&m->source);
	g_source_unref(&m->source);
}

int64_t sfu_udpmux_add(int fd, sfu_udpmux_fn fn, void *arg)
{
	struct mux *m = mux_get(true);
	struct epoll_event ev = { .events = EPOLLIN };
	uint32_t idx = 0, serial;
	int64_t handle;

	if (!m)
		return -errno;
	while (idx < m->n_slots && m->slots[idx].used)
		idx++;
	if (idx == m->n_slots) {
		uint32_t n = m->n_slots ? 2 * m->n_slots : 16;
		m->slots = sfu_xrealloc(m->slots, n * sizeof(*m->slots));
		memset(m->slots + m->n_slots, 0,
		       (n - m->n_slots) * sizeof(*m->slots));
		m->n_slots = n;
	}
	g_mutex_lock(&sets_lock);
	if (++last_serial == 0)
		last_serial = 1;
	serial = last_serial;
	g_mutex_unlock(&sets_lock);
	handle = (int64_t)serial << 32 | (idx + 1);
	ev.data.u64 = (uint64_t)handle;
	/* best effort: without it the socket is just not measured */
	(void)setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &(int){ 1 },
			 sizeof(int));
	if (epoll_ctl(m->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int err = errno;
		mux_put(m);
		return -err;
	}
	m->slots[idx] = (struct slot){ .fd = fd, .used = true,
				       .serial = serial, .fn = fn,
				       .arg = arg };
	m->n_used++;
	return handle;
}

void sfu_udpmux_remove(int64_t handle)
{
	struct mux *m = mux_find(current_ctx());
	struct slot *s;

	if (!m || handle <= 0 || !(s = slot_of(m, handle)))
		return;
	epoll_ctl(m->epfd, EPOLL_CTL_DEL, s->fd, NULL);
	s->used = false;
	s->fn = NULL;
	m->n_used--;
	mux_put(m);
}

struct sfu_udpmux_stats sfu_udpmux_stats(void)
{
	struct mux *m = mux_find(current_ctx());
	struct sfu_udpmux_stats s;

	g_mutex_lock(&sets_lock);
	s = gone;
	g_mutex_unlock(&sets_lock);
	if (m)
		stats_add(&s, &m->st);
	return s;
}

int sfu_udpmux_loop_fd(void)
{
	struct mux *m = mux_find(current_ctx());

	if (m && !m->loop && g_source_get_context(&m->source))
		return -EBUSY; /* already a GSource of this thread */
	if (!m && !(m = mux_get(false)))
		return -errno;
	m->loop = true; /* also adopts a set an earlier loop left */
	tl_loop = m;
	return m->epfd;
}

int64_t sfu_udpmux_rx_time(void)
{
	return tl_rx_ns;
}

void sfu_udpmux_loop_dispatch(void)
{
	if (tl_loop && tl_loop->loop)
		mux_run(tl_loop);
}

void sfu_udpmux_loop_release(void)
{
	struct mux *m = mux_find(current_ctx());

	tl_loop = NULL;
	if (!m || !m->loop)
		return;
	m->loop = false;
	/* sockets still in the set keep it until the last is removed;
	 * nothing polls them any more */
	mux_put(m);
}
