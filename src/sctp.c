/*
 * sctp.c - SCTP associations over DTLS with usrsctp, and their data
 * channels (DCEP, dcep.c). The only file that includes <usrsctp.h>.
 *
 * usrsctp runs without threads (usrsctp_init_nothreads): it only ever
 * runs inside a call we make. Its state is process-global and there are
 * several workers, so every usrsctp call happens under one mutex, `lock`.
 * Its timers are advanced by usrsctp_handle_timers from a 10 ms GLib
 * timeout on the default context of each thread that owns associations,
 * attached with the thread's first association and destroyed with its
 * last (usrsctp has no next-deadline query, so it polls while needed and
 * never while idle). The elapsed time is measured against one global
 * clock, so any number of workers advance it at the right rate, and a
 * tick that comes less than 10 ms after another worker's skips the walk
 * over every timer that usrsctp_handle_timers does.
 *
 * Callbacks (lower-layer output, received data and notifications, send
 * space) run inside usrsctp with `lock` held, possibly on another thread
 * (a timer on worker B firing for an association of worker A). They never
 * touch the association's state: they append an event to its queue and
 * schedule it, on the thread-local list when the calling thread owns the
 * association (flushed right after the usrsctp call returns and the lock
 * is dropped), else with sfu_worker_run to the owner. Only the owner pops
 * events and calls ops, so ops never run inside usrsctp or under the lock
 * (they may call back into this API), in order, on the owner's thread.
 * A reference count keeps the struct alive while events or closures
 * point at it; usrsctp knows the association only by a never-reused key
 * looked up under the lock, so a late callback after free finds nothing.
 *
 * The callback API (usrsctp_socket with receive and send callbacks) is
 * used rather than the upcall API: usrsctp hands each message (or each
 * partial-delivery piece of a large one) in a malloc'd buffer we keep
 * without copying until the owner processes it, and reports send space
 * after each SACK, which is exactly when queued messages can move on.
 *
 * Sending: whole messages only (no explicit EOR), each of at most
 * max_message_size; the socket buffer holds that much. When usrsctp has
 * no room, messages wait in their channel's queue, bounded by
 * send_buffer bytes; past that they are dropped and counted, so a slow
 * receiver costs at most SO_SNDBUF + channels * send_buffer.
 * Receiving: pieces are reassembled per association (plain DATA chunks
 * do not interleave messages) up to max_receive; larger ones are dropped.
 *
 * Association states: connecting -> up (COMM_UP) -> lost (ops->lost);
 * freed at any point. The channels on top (DCEP, queues, reassembly,
 * stream resets) are in sctp_channel.c, which calls usrsctp only through
 * sfu__sctp_sendv and sfu__sctp_reset_streams below.
 */
#define SFU_LOG_MODULE "sctp"
#include "sctp-int.h"

#include <arpa/inet.h>
#include <glib.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <usrsctp.h>

#include "clock.h"
#include "log.h"
#include "worker.h"

#define TICK_MS 10
#define PATH_MTU 1200 /* SCTP packet; DTLS, UDP, IP and TURN fit around */
#define FINISH_TRIES 200

enum ev_kind { EV_OUT, EV_DATA, EV_WRITABLE, EV_EOF };

/* What a usrsctp callback leaves for the owner. */
struct sfu__sctp_ev {
	struct sfu__sctp_ev *next;
	enum ev_kind kind;
	int flags; /* MSG_EOR, MSG_NOTIFICATION */
	uint16_t sid;
	uint32_t ppid; /* host order */
	uint8_t *data; /* EV_DATA: usrsctp's malloc'd buffer; EV_OUT: below */
	size_t len;
	uint8_t bytes[];
};

struct sfu__sctp_tick {
	GMainContext *ctx;
	GSource *src;
	unsigned users;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static bool inited;
static uintptr_t next_key = 1;
static GHashTable *live; /* key -> struct sfu_sctp */
static GSList *ticks;    /* struct sfu__sctp_tick, one per GMainContext */
static int64_t last_tick;
static __thread struct sfu_sctp *local_head, *local_tail;

static void dispatch(struct sfu_sctp *s);
static void destroy(struct sfu_sctp *s);

/* ---- references, events, scheduling ---- */

void sfu__sctp_hold(struct sfu_sctp *s)
{
	pthread_mutex_lock(&lock);
	s->refs++;
	pthread_mutex_unlock(&lock);
}

void sfu__sctp_unref(struct sfu_sctp *s)
{
	unsigned n;

	pthread_mutex_lock(&lock);
	n = --s->refs;
	pthread_mutex_unlock(&lock);
	if (n == 0)
		destroy(s);
}

static void ev_free(struct sfu__sctp_ev *e)
{
	if (e->kind == EV_DATA)
		free(e->data); /* usrsctp's buffer */
	free(e);
}

static struct sfu__sctp_ev *pop(struct sfu_sctp *s)
{
	struct sfu__sctp_ev *e;

	pthread_mutex_lock(&lock);
	e = s->ev_head;
	if (e && !(s->ev_head = e->next))
		s->ev_tail = &s->ev_head;
	if (e && e->kind == EV_WRITABLE)
		s->writable_pending = false;
	pthread_mutex_unlock(&lock);
	return e;
}

/* A closure from another thread's usrsctp call, on the owner. */
static void posted(void *arg)
{
	struct sfu_sctp *s = arg;

	pthread_mutex_lock(&lock);
	s->posted = false;
	pthread_mutex_unlock(&lock);
	dispatch(s);
	sfu__sctp_unref(s);
}

/* Queue e for s and make sure its owner will look. `lock` held. */
static void push(struct sfu_sctp *s, struct sfu__sctp_ev *e)
{
	e->next = NULL;
	*s->ev_tail = e;
	s->ev_tail = &e->next;
	if (!s->owner || s->owner == sfu_worker_current()) {
		if (s->on_local)
			return;
		s->on_local = true;
		s->refs++;
		s->local_next = NULL;
		if (local_tail)
			local_tail->local_next = s;
		else
			local_head = s;
		local_tail = s;
	} else if (!s->posted) {
		s->posted = true;
		s->refs++;
		sfu_worker_run(s->owner, posted, s);
	}
}

/* Deliver what this thread's usrsctp calls left for its associations. */
static void flush_local(void)
{
	struct sfu_sctp *s;

	for (;;) {
		pthread_mutex_lock(&lock);
		s = local_head;
		if (s) {
			if (!(local_head = s->local_next))
				local_tail = NULL;
			s->on_local = false;
		}
		pthread_mutex_unlock(&lock);
		if (!s)
			return;
		dispatch(s);
		sfu__sctp_unref(s);
	}
}

/* Every usrsctp call sits between enter() and leave(). */
static void enter(void)
{
	pthread_mutex_lock(&lock);
}

static void leave(void)
{
	pthread_mutex_unlock(&lock);
	flush_local();
}

/* ---- usrsctp callbacks: `lock` held, any thread ---- */

static struct sfu_sctp *lookup(void *key)
{
	return live ? g_hash_table_lookup(live, key) : NULL;
}

static int on_output(void *key, void *buf, size_t len, uint8_t tos,
		     uint8_t set_df)
{
	struct sfu_sctp *s = lookup(key);
	struct sfu__sctp_ev *e;

	(void)tos, (void)set_df;
	if (!s)
		return 0;
	e = sfu_xcalloc(1, sizeof(*e) + len);
	e->kind = EV_OUT;
	e->data = e->bytes;
	e->len = len;
	memcpy(e->bytes, buf, len);
	push(s, e);
	return 0;
}

static int on_receive(struct socket *so, union sctp_sockstore from,
		      void *data, size_t len, struct sctp_rcvinfo rcv,
		      int flags, void *key)
{
	struct sfu_sctp *s = lookup(key);
	struct sfu__sctp_ev *e;

	(void)so, (void)from;
	if (!s) {
		free(data);
		return 1;
	}
	e = sfu_xcalloc(1, sizeof(*e));
	e->kind = data ? EV_DATA : EV_EOF; /* NULL: the socket is done */
	e->flags = flags;
	e->sid = rcv.rcv_sid;
	e->ppid = ntohl(rcv.rcv_ppid);
	e->data = data;
	e->len = data ? len : 0;
	push(s, e);
	return 1;
}

static int on_send_space(struct socket *so, uint32_t sb_free, void *key)
{
	struct sfu_sctp *s = lookup(key);
	struct sfu__sctp_ev *e;

	(void)so, (void)sb_free;
	if (!s || s->writable_pending)
		return 0;
	s->writable_pending = true;
	e = sfu_xcalloc(1, sizeof(*e));
	e->kind = EV_WRITABLE;
	push(s, e);
	return 0;
}

/* ---- global state: init, timers, shutdown ---- */

static void ensure_init(void)
{
	if (inited)
		return;
	usrsctp_init_nothreads(0, on_output, NULL);
	live = g_hash_table_new(NULL, NULL);
	last_tick = sfu_now_ms();
	inited = true;
}

static gboolean on_tick(gpointer unused)
{
	int64_t now = sfu_now_ms();

	(void)unused;
	enter();
	if (inited && now - last_tick >= TICK_MS) {
		usrsctp_handle_timers((uint32_t)SFU_MIN(now - last_tick,
							INT32_MAX));
		last_tick = now;
	}
	leave();
	return G_SOURCE_CONTINUE;
}

/* The timer source of the calling thread's context. `lock` held. */
static struct sfu__sctp_tick *tick_acquire(void)
{
	GMainContext *ctx = g_main_context_get_thread_default();
	struct sfu__sctp_tick *t;

	if (!ctx)
		ctx = g_main_context_default();
	for (GSList *l = ticks; l; l = l->next) {
		t = l->data;
		if (t->ctx == ctx) {
			t->users++;
			return t;
		}
	}
	t = sfu_xcalloc(1, sizeof(*t));
	t->ctx = ctx;
	t->users = 1;
	t->src = g_timeout_source_new(TICK_MS);
	g_source_set_callback(t->src, on_tick, NULL, NULL);
	g_source_attach(t->src, ctx);
	ticks = g_slist_prepend(ticks, t);
	return t;
}

static void tick_release(struct sfu__sctp_tick *t)
{
	if (--t->users)
		return;
	g_source_destroy(t->src);
	g_source_unref(t->src);
	ticks = g_slist_remove(ticks, t);
	free(t);
}

void sfu_sctp_advance(uint32_t ms)
{
	enter();
	if (inited)
		usrsctp_handle_timers(ms);
	leave();
}

int sfu_sctp_global_shutdown(void)
{
	int i = 0;

	enter();
	if (inited && g_hash_table_size(live) == 0) {
		/* Closed sockets go once their timers ran. */
		while (usrsctp_finish() != 0 && ++i < FINISH_TRIES)
			usrsctp_handle_timers(100);
		if (i < FINISH_TRIES) {
			g_hash_table_destroy(live);
			live = NULL;
			inited = false;
		}
	}
	i = inited ? -EBUSY : 0;
	leave();
	return i;
}

/* ---- calls for sctp_channel.c (owner thread) ---- */

int sfu__sctp_sendv(struct sfu_sctp *s, uint16_t sid, uint32_t ppid,
		    bool unordered, enum sfu__sctp_pr pr, uint32_t pr_value,
		    const uint8_t *data, size_t len)
{
	struct sctp_sendv_spa spa;
	ssize_t n = -1;
	int err = ENOTCONN;

	memset(&spa, 0, sizeof(spa));
	spa.sendv_flags = SCTP_SEND_SNDINFO_VALID;
	spa.sendv_sndinfo.snd_sid = sid;
	spa.sendv_sndinfo.snd_ppid = htonl(ppid);
	spa.sendv_sndinfo.snd_flags = SCTP_EOR | (unordered ? SCTP_UNORDERED
							    : 0);
	if (pr != SFU__PR_NONE) {
		spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
		spa.sendv_prinfo.pr_policy = pr == SFU__PR_RTX
						     ? SCTP_PR_SCTP_RTX
						     : SCTP_PR_SCTP_TTL;
		spa.sendv_prinfo.pr_value = pr_value;
	}
	enter();
	if (s->sock) {
		n = usrsctp_sendv(s->sock, data, len, NULL, 0, &spa,
				  sizeof(spa), SCTP_SENDV_SPA, 0);
		err = errno;
	}
	leave();
	if (n >= 0)
		return 0;
	return err == EWOULDBLOCK || err == EAGAIN ? -EAGAIN : -err;
}

int sfu__sctp_reset_streams(struct sfu_sctp *s, const uint16_t *list,
			    size_t n)
{
	size_t size = sizeof(struct sctp_reset_streams) + n * sizeof(*list);
	struct sctp_reset_streams *r = sfu_xcalloc(1, size);
	int rc = -1, err = ENOTCONN;

	r->srs_assoc_id = SCTP_ALL_ASSOC;
	r->srs_flags = SCTP_STREAM_RESET_OUTGOING;
	r->srs_number_streams = (uint16_t)n;
	memcpy(r->srs_stream_list, list, n * sizeof(*list));
	enter();
	if (s->sock) {
		rc = usrsctp_setsockopt(s->sock, IPPROTO_SCTP,
					SCTP_RESET_STREAMS, r, (socklen_t)size);
		err = errno;
	}
	leave();
	free(r);
	return rc == 0 ? 0 : -err;
}

/* ---- notifications and events (owner thread) ---- */

static void on_assoc_change(struct sfu_sctp *s,
			    const struct sctp_assoc_change *a)
{
	switch (a->sac_state) {
	case SCTP_COMM_UP:
	case SCTP_RESTART:
		s->n_out = SFU_MIN(a->sac_outbound_streams, SFU_SCTP_STREAMS);
		s->n_in = SFU_MIN(a->sac_inbound_streams, SFU_SCTP_STREAMS);
		if (s->up || s->lost)
			break;
		log_debug("association up, %u/%u streams", s->n_out, s->n_in);
		s->up = true;
		sfu__sctp_drain(s);
		break;
	case SCTP_COMM_LOST:
		sfu__sctp_lost(s, "communication lost");
		break;
	case SCTP_SHUTDOWN_COMP:
		sfu__sctp_lost(s, "shut down");
		break;
	case SCTP_CANT_STR_ASSOC:
		sfu__sctp_lost(s, "cannot start");
		break;
	}
}

static void on_stream_reset(struct sfu_sctp *s,
			    const struct sctp_stream_reset_event *e,
			    size_t len)
{
	size_t n = (len - sizeof(*e)) / sizeof(uint16_t);
	uint16_t f = e->strreset_flags;

	if (f & (SCTP_STREAM_RESET_DENIED | SCTP_STREAM_RESET_FAILED))
		log_debug("stream reset refused (flags %#x)", f);
	if ((f & SCTP_STREAM_RESET_INCOMING_SSN) &&
	    !(f & (SCTP_STREAM_RESET_DENIED | SCTP_STREAM_RESET_FAILED)))
		for (size_t i = 0; i < n && !s->dead; i++)
			sfu__sctp_peer_reset(s, e->strreset_stream_list[i]);
	if ((f & SCTP_STREAM_RESET_OUTGOING_SSN) && !s->dead)
		sfu__sctp_reset_done(s, e->strreset_stream_list, n);
	else if (!s->dead)
		sfu__sctp_reset_done(s, NULL, 0);
}

static void on_notification(struct sfu_sctp *s, const uint8_t *p,
			    size_t len)
{
	const union sctp_notification *n = (const void *)p;
	uint32_t pd_stream;

	if (len < sizeof(n->sn_header) || n->sn_header.sn_length > len)
		return;
	switch (n->sn_header.sn_type) {
	case SCTP_ASSOC_CHANGE:
		if (len >= sizeof(n->sn_assoc_change))
			on_assoc_change(s, &n->sn_assoc_change);
		break;
	case SCTP_STREAM_RESET_EVENT:
		if (len >= sizeof(n->sn_strreset_event))
			on_stream_reset(s, &n->sn_strreset_event,
					n->sn_header.sn_length);
		break;
	case SCTP_STREAM_CHANGE_EVENT:
		if (len < sizeof(n->sn_strchange_event))
			break;
		s->n_in = SFU_MIN(n->sn_strchange_event.strchange_instrms,
				  SFU_SCTP_STREAMS);
		s->n_out = SFU_MIN(n->sn_strchange_event.strchange_outstrms,
				   SFU_SCTP_STREAMS);
		break;
	case SCTP_PARTIAL_DELIVERY_EVENT:
		pd_stream = n->sn_pdapi_event.pdapi_stream;
		if (len >= sizeof(n->sn_pdapi_event) && pd_stream <= 0xffff)
			sfu__sctp_reasm_abort(s, (uint16_t)pd_stream);
		break;
	case SCTP_SHUTDOWN_EVENT:
		log_debug("peer shuts down");
		break;
	}
}

static void handle(struct sfu_sctp *s, struct sfu__sctp_ev *e)
{
	switch (e->kind) {
	case EV_OUT:
		s->c.packets_out++;
		s->ops->send(s->arg, e->data, e->len);
		break;
	case EV_DATA:
		if (!(e->flags & MSG_NOTIFICATION))
			sfu__sctp_data(s, e->sid, e->ppid,
				       (e->flags & MSG_EOR) != 0, e->data,
				       e->len);
		else if (e->flags & MSG_EOR)
			on_notification(s, e->data, e->len);
		break;
	case EV_WRITABLE:
		sfu__sctp_drain(s);
		break;
	case EV_EOF:
		sfu__sctp_lost(s, "socket closed");
		break;
	}
}

/* Run s's events on its owner. Not reentrant per association: events
 * arriving meanwhile are picked up by the loop already running. */
static void dispatch(struct sfu_sctp *s)
{
	struct sfu__sctp_ev *e;

	if (s->dispatching)
		return;
	s->dispatching = true;
	while (!s->dead && (e = pop(s))) {
		handle(s, e);
		ev_free(e);
	}
	s->dispatching = false;
}

/* Around an API call that works on s's channels: no op of s runs before
 * sfu__sctp_end (events wait), unless the call comes from inside one. */
bool sfu__sctp_begin(struct sfu_sctp *s)
{
	bool was = s->dispatching;

	sfu__sctp_hold(s);
	s->dispatching = true;
	return was;
}

void sfu__sctp_end(struct sfu_sctp *s, bool was)
{
	s->dispatching = was;
	if (!was)
		dispatch(s);
	sfu__sctp_unref(s);
}

/* ---- the association ---- */

static int set_opt(struct socket *so, int level, int name, const void *v,
		   size_t len)
{
	if (usrsctp_setsockopt(so, level, name, v, (socklen_t)len) == 0)
		return 0;
	log_warn("setsockopt %#x: %s", (unsigned)name, strerror(errno));
	return -1;
}

/* Options before connecting. `lock` held. */
static int configure(struct sfu_sctp *s, struct socket *so)
{
	static const uint16_t events[] = {
		SCTP_ASSOC_CHANGE, SCTP_STREAM_RESET_EVENT,
		SCTP_STREAM_CHANGE_EVENT, SCTP_PARTIAL_DELIVERY_EVENT,
		SCTP_SHUTDOWN_EVENT,
	};
	const int on = 1, sndbuf = (int)s->o.max_message_size;
	struct sctp_assoc_value reset = {
		.assoc_id = SCTP_FUTURE_ASSOC,
		.assoc_value = SCTP_ENABLE_RESET_STREAM_REQ,
	};
	struct sctp_initmsg init = { .sinit_num_ostreams = SFU_SCTP_STREAMS,
				     .sinit_max_instreams = SFU_SCTP_STREAMS };
	struct sctp_rtoinfo rto = { .srto_assoc_id = SCTP_FUTURE_ASSOC,
				    .srto_initial = 1000, .srto_max = 10000,
				    .srto_min = 400 };
	struct sctp_paddrparams pp;
	struct sctp_event ev = { .se_assoc_id = SCTP_FUTURE_ASSOC,
				 .se_on = 1 };
	int rc = usrsctp_set_non_blocking(so, 1);

	memset(&pp, 0, sizeof(pp));
	pp.spp_assoc_id = SCTP_FUTURE_ASSOC;
	pp.spp_flags = SPP_PMTUD_DISABLE;
	/* For AF_CONN usrsctp leaves the common header out of the MTU. */
	pp.spp_pathmtu = PATH_MTU - sizeof(struct sctp_common_header);
	rc |= set_opt(so, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
	rc |= set_opt(so, IPPROTO_SCTP, SCTP_NODELAY, &on, sizeof(on));
	rc |= set_opt(so, IPPROTO_SCTP, SCTP_RECVRCVINFO, &on, sizeof(on));
	rc |= set_opt(so, IPPROTO_SCTP, SCTP_ENABLE_STREAM_RESET, &reset,
		      sizeof(reset));
	rc |= set_opt(so, IPPROTO_SCTP, SCTP_INITMSG, &init, sizeof(init));
	rc |= set_opt(so, IPPROTO_SCTP, SCTP_RTOINFO, &rto, sizeof(rto));
	rc |= set_opt(so, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &pp,
		      sizeof(pp));
	for (size_t i = 0; i < SFU_ARRAY_SIZE(events); i++) {
		ev.se_type = events[i];
		rc |= set_opt(so, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof(ev));
	}
	return rc ? -EINVAL : 0;
}

/* Socket, options, our address, INIT. `lock` held. */
static int start(struct sfu_sctp *s)
{
	struct sockaddr_conn a;
	struct socket *so;

	so = usrsctp_socket(AF_CONN, SOCK_STREAM, IPPROTO_SCTP, on_receive,
			    on_send_space, 0, s->key);
	if (!so)
		return -errno;
	s->sock = so;
	if (configure(s, so) < 0)
		return -EINVAL;
	usrsctp_register_address(s->key);
	memset(&a, 0, sizeof(a));
	a.sconn_family = AF_CONN;
	a.sconn_port = htons(s->o.local_port);
	a.sconn_addr = s->key;
	if (usrsctp_bind(so, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -errno;
	a.sconn_port = htons(s->o.remote_port);
	if (usrsctp_connect(so, (struct sockaddr *)&a, sizeof(a)) < 0 &&
	    errno != EINPROGRESS)
		return -errno;
	return 0;
}

static void apply_defaults(struct sfu_sctp_opts *o)
{
	if (!o->max_message_size)
		o->max_message_size = SFU_SCTP_DEFAULT_MESSAGE;
	o->max_message_size = SFU_MIN(o->max_message_size,
				      (size_t)SFU_SCTP_MAX_SEND_CAP);
	if (!o->max_receive)
		o->max_receive = SFU_SCTP_MAX_RECEIVE;
	if (!o->send_buffer)
		o->send_buffer = SFU_SCTP_DEFAULT_BUFFER;
	if (!o->max_channels)
		o->max_channels = SFU_SCTP_DEFAULT_CHANNELS;
	o->max_channels = SFU_MIN(o->max_channels, SFU_SCTP_STREAMS);
}

static void send_nothing(void *arg, const uint8_t *data, size_t len)
{
	(void)arg, (void)data, (void)len;
}

/* For an association that failed to start: tell its owner nothing. */
static const struct sfu_sctp_ops quiet_ops = { .send = send_nothing };

struct sfu_sctp *sfu_sctp_new(const struct sfu_sctp_opts *o,
			      const struct sfu_sctp_ops *ops, void *arg)
{
	struct sfu_sctp *s = sfu_xcalloc(1, sizeof(*s));
	int rc;

	s->o = *o;
	apply_defaults(&s->o);
	s->ops = ops;
	s->arg = arg;
	s->owner = sfu_worker_current();
	s->refs = 1;
	s->ev_tail = &s->ev_head;
	s->ch = sfu_xcalloc(SFU_SCTP_STREAMS, sizeof(*s->ch));
	enter();
	ensure_init();
	s->key = (void *)next_key++;
	g_hash_table_insert(live, s->key, s);
	s->tick = tick_acquire();
	rc = start(s);
	pthread_mutex_unlock(&lock);
	if (rc < 0) {
		log_warn("cannot start association: %s", strerror(-rc));
		s->ops = &quiet_ops;
		sfu_sctp_free(s);
		return NULL;
	}
	flush_local(); /* the INIT */
	return s;
}

/* The last reference went: only memory is left. */
static void destroy(struct sfu_sctp *s)
{
	struct sfu__sctp_ev *e;

	while ((e = s->ev_head)) {
		s->ev_head = e->next;
		ev_free(e);
	}
	sfu__sctp_channels_free(s);
	free(s->r.buf);
	free(s->ch);
	free(s);
}

/* Abort and close the socket, forget the key. Returns the events left,
 * the ABORT among them. */
static struct sfu__sctp_ev *close_socket(struct sfu_sctp *s)
{
	const struct linger abort_on_close = { .l_onoff = 1, .l_linger = 0 };
	struct sfu__sctp_ev *left;

	enter();
	if (s->sock) {
		usrsctp_setsockopt(s->sock, SOL_SOCKET, SO_LINGER,
				   &abort_on_close, sizeof(abort_on_close));
		usrsctp_close(s->sock);
		s->sock = NULL;
		usrsctp_deregister_address(s->key);
	}
	g_hash_table_remove(live, s->key);
	tick_release(s->tick);
	s->tick = NULL;
	left = s->ev_head;
	s->ev_head = NULL;
	s->ev_tail = &s->ev_head;
	pthread_mutex_unlock(&lock);
	return left;
}

void sfu_sctp_free(struct sfu_sctp *s)
{
	struct sfu__sctp_ev *e, *next;

	if (!s || s->dead)
		return;
	e = close_socket(s);
	s->dead = true; /* from here on, no op but the last packets */
	for (; e; e = next) {
		next = e->next;
		if (e->kind == EV_OUT)
			s->ops->send(s->arg, e->data, e->len);
		ev_free(e);
	}
	flush_local();
	sfu__sctp_unref(s);
}

int sfu_sctp_shutdown(struct sfu_sctp *s)
{
	int rc = -1;

	if (!s->up)
		return -ENOTCONN;
	sfu__sctp_hold(s);
	enter();
	if (s->sock)
		rc = usrsctp_shutdown(s->sock, SHUT_WR);
	leave();
	sfu__sctp_unref(s);
	return rc == 0 ? 0 : -ENOTCONN;
}

void sfu_sctp_input(struct sfu_sctp *s, const uint8_t *data, size_t len)
{
	if (s->dead)
		return;
	s->c.packets_in++;
	sfu__sctp_hold(s);
	enter();
	if (s->sock)
		usrsctp_conninput(s->key, data, len, 0);
	leave();
	sfu__sctp_unref(s);
}

bool sfu_sctp_is_up(const struct sfu_sctp *s)
{
	return s->up;
}

const struct sfu_sctp_counters *sfu_sctp_counters(const struct sfu_sctp *s)
{
	return &s->c;
}
