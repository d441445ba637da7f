/*
 * test-sctp.c - tests src/sctp.c and src/sctp_channel.c: two
 * associations wired back to back in one thread (no worker, so ops run
 * directly). Packets each side sends are queued and pumped to the other
 * in a loop, never by recursion; time is simulated with
 * sfu_sctp_advance, except for the retransmission, which needs real
 * time and runs through the GLib timer source.
 *
 * Covers: the association coming up, DCEP opens from either side
 * (label, protocol, stream id parity), text, binary and empty messages
 * both ways, a 200 KB message reassembled whole, -EMSGSIZE over the
 * peer's maximum, -ENOTCONN on unknown channels, the bounded send
 * buffer dropping and counting while the peer reads nothing (and the
 * rest arriving in order afterwards), retransmission after a lost
 * packet, unordered partially reliable channels, closing a channel by
 * stream reset, freeing one side giving `lost` on the other (also from
 * inside its own op), a graceful shutdown,
 * sfu_sctp_global_shutdown, and then the same pair on two real worker
 * threads, packets crossing through sfu_worker_run, each worker's timer
 * source running usrsctp's timers for both (so callbacks for one worker's
 * association fire on the other and are handed over).
 */
#include "sctp.h"
#include "dcep.h"
#include "sctp-int.h"

#include <glib.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "tap.h"
#include "worker.h"

struct pkt {
	struct pkt *next;
	size_t len;
	uint8_t data[];
};

struct side {
	const char *name;
	struct sfu_sctp *s;
	struct pkt *out, **out_tail; /* sent, not yet delivered */
	size_t out_count;
	bool hold;     /* keep what it sends (the peer reads nothing) */
	int drop_next; /* lose this many of its next packets */
	struct side *peer;
	/* what its ops saw */
	int opens, closes, lost, messages;
	int open_sid, closed_sid, msg_sid;
	char label[64], protocol[64];
	bool msg_binary;
	uint8_t *msg;
	size_t msg_len;
	uint32_t next_seq; /* for in-order checks */
	bool in_order;
};

static size_t max_packet; /* the path MTU set on the sockets holds */

static void on_send(void *arg, const uint8_t *data, size_t len)
{
	struct side *d = arg;
	struct pkt *p;

	max_packet = SFU_MAX(max_packet, len);
	if (d->drop_next > 0) {
		d->drop_next--;
		return;
	}
	p = malloc(sizeof(*p) + len);
	p->next = NULL;
	p->len = len;
	memcpy(p->data, data, len);
	*d->out_tail = p;
	d->out_tail = &p->next;
	d->out_count++;
}

static void on_open(void *arg, uint16_t sid, const char *label,
		    const char *protocol)
{
	struct side *d = arg;

	d->opens++;
	d->open_sid = sid;
	snprintf(d->label, sizeof(d->label), "%s", label);
	snprintf(d->protocol, sizeof(d->protocol), "%s", protocol);
}

static void on_message(void *arg, uint16_t sid, bool binary,
		       const uint8_t *data, size_t len)
{
	struct side *d = arg;

	d->messages++;
	d->msg_sid = sid;
	d->msg_binary = binary;
	free(d->msg);
	d->msg = malloc(len ? len : 1);
	if (len)
		memcpy(d->msg, data, len);
	d->msg_len = len;
	if (len >= 4) {
		uint32_t seq;
		memcpy(&seq, data, 4);
		if (seq != d->next_seq)
			d->in_order = false;
		d->next_seq = seq + 1;
	}
}

static void on_closed(void *arg, uint16_t sid)
{
	struct side *d = arg;

	d->closes++;
	d->closed_sid = sid;
}

static void on_lost(void *arg)
{
	((struct side *)arg)->lost++;
}

static const struct sfu_sctp_ops ops = {
	.send = on_send, .open = on_open, .message = on_message,
	.closed = on_closed, .lost = on_lost,
};

static struct side A = { .name = "A" }, B = { .name = "B" };

static int send_str(struct sfu_sctp *s, uint16_t sid, const char *text)
{
	return sfu_sctp_send(s, sid, false, (const uint8_t *)text,
			     strlen(text));
}

static void side_init(struct side *d, struct side *peer, bool server,
		      size_t max_msg, size_t send_buffer)
{
	struct sfu_sctp_opts o = { .local_port = 5000, .remote_port = 5000,
				   .dtls_server = server,
				   .max_message_size = max_msg,
				   .send_buffer = send_buffer };

	d->out_tail = &d->out;
	d->peer = peer;
	d->in_order = true;
	d->s = sfu_sctp_new(&o, &ops, d);
}

/* Deliver what d sent to its peer (unless held). Returns how many. */
static int deliver(struct side *d)
{
	struct pkt *p;
	int n = 0;

	while (!d->hold && (p = d->out)) {
		if (!(d->out = p->next))
			d->out_tail = &d->out;
		d->out_count--;
		if (d->peer->s)
			sfu_sctp_input(d->peer->s, p->data, p->len);
		free(p);
		n++;
	}
	return n;
}

static void drop_all(struct side *d)
{
	struct pkt *p;

	while ((p = d->out)) {
		d->out = p->next;
		free(p);
	}
	d->out_tail = &d->out;
	d->out_count = 0;
}

/* Pump both ways; when quiet, let 10 ms pass. Stops when done() says
 * so or after max_ms of simulated time. Returns whether done. */
static bool pump(bool (*done)(void), int max_ms)
{
	for (int t = 0; t <= max_ms;) {
		if (deliver(&A) + deliver(&B) > 0)
			continue;
		if (done && done())
			return true;
		sfu_sctp_advance(10);
		t += 10;
	}
	return done ? done() : true;
}

static bool both_up(void)
{
	return sfu_sctp_is_up(A.s) && sfu_sctp_is_up(B.s);
}

static int target;
static bool b_has_target(void)
{
	return B.messages >= target;
}

static bool a_has_target(void)
{
	return A.messages >= target;
}

static void test_connect(void)
{
	side_init(&A, &B, true, 262144, 16384);
	side_init(&B, &A, false, 0, 0);
	ok(A.s && B.s, "both created");
	ok(!sfu_sctp_is_up(A.s), "not up before packets flow");
	is_int(sfu_sctp_open_channel(A.s, "x", "", true, -1), -ENOTCONN,
	       "open before up");
	ok(A.out_count > 0 && B.out_count > 0, "both sent INIT");
	ok(pump(both_up, 1000), "association up");
}

static bool opens_done(void)
{
	return A.opens == target && B.opens == target;
}

static void test_open(void)
{
	int sid = sfu_sctp_open_channel(B.s, "chat", "json", true, -1);

	is_int(sid, 0, "DTLS client's first channel is 0");
	target = 1;
	ok(pump(opens_done, 1000), "open seen on both sides");
	is_int(A.open_sid, 0, "A: sid 0");
	is_str(A.label, "chat", "A: label");
	is_str(A.protocol, "json", "A: protocol");
	is_str(B.label, "chat", "B: acked with its label");
	sid = sfu_sctp_open_channel(A.s, "server", NULL, true, -1);
	is_int(sid, 1, "DTLS server's first channel is 1");
	target = 2;
	ok(pump(opens_done, 1000), "second open on both sides");
	is_int(B.open_sid, 1, "B: sid 1");
	is_str(B.label, "server", "B: label");
	is_str(B.protocol, "", "B: empty protocol");
}

static bool msg_roundtrip(struct side *from, struct side *to, uint16_t sid,
			  bool binary, const void *data, size_t len)
{
	int before = to->messages;

	if (sfu_sctp_send(from->s, sid, binary, data, len) != 0)
		return false;
	target = before + 1;
	if (!pump(to == &B ? b_has_target : a_has_target, 2000))
		return false;
	return to->messages == before + 1 && to->msg_sid == sid &&
	       to->msg_binary == binary && to->msg_len == len &&
	       (!len || memcmp(to->msg, data, len) == 0);
}

static void test_messages(void)
{
	static const uint8_t bin[] = { 0, 1, 2, 0xff };
	const struct sfu_sctp_counters *c = sfu_sctp_counters(A.s);

	ok(msg_roundtrip(&B, &A, 0, false, "hello", 5), "text B->A");
	ok(msg_roundtrip(&A, &B, 0, true, bin, 4), "binary A->B");
	ok(msg_roundtrip(&A, &B, 1, false, "on 1", 4), "text on A's channel");
	ok(msg_roundtrip(&B, &A, 1, true, bin, 1), "binary B->A on 1");
	ok(msg_roundtrip(&A, &B, 0, false, "", 0), "empty text A->B");
	ok(msg_roundtrip(&B, &A, 0, true, "", 0), "empty binary B->A");
	ok(msg_roundtrip(&B, &A, 0, false, NULL, 0), "empty, NULL data");
	is_int(c->messages_in, 4, "A counted 4 in");
	is_int(c->messages_out, 3, "A counted 3 out");
	is_int(c->bytes_out, 8, "A bytes out (empty counts 0)");
	ok(c->packets_in > 0 && c->packets_out > 0, "A counted packets");
	is_int(send_str(A.s, 7, "x"), -ENOTCONN,
	       "unknown channel");
	is_int(send_str(A.s, 4000, "x"), -ENOTCONN,
	       "sid out of range");
}

static void test_large(void)
{
	size_t n = 200 * 1024;
	uint8_t *big = malloc(262145);

	for (size_t i = 0; i < 262145; i++)
		big[i] = (uint8_t)(i * 7 + (i >> 9));
	ok(msg_roundtrip(&A, &B, 0, true, big, n), "200 KB arrives whole");
	is_int(B.msg_len, n, "200 KB length");
	ok(max_packet > 1000 && max_packet <= 1200, "packets up to 1200 bytes"
	   " (%zu)", max_packet);
	ok(msg_roundtrip(&A, &B, 0, true, big, 262144), "262144 arrives");
	is_int(sfu_sctp_send(A.s, 0, true, big, 262145), -EMSGSIZE,
	       "over the peer's maximum");
	is_int(sfu_sctp_send(B.s, 0, true, big, 65537), -EMSGSIZE,
	       "over the 64 KiB default");
	ok(msg_roundtrip(&B, &A, 0, false, big, 65536), "64 KiB default ok");
	free(big);
}

/* usrsctp can hand over a whole message larger than max_receive in one
 * piece (it fits the receive window); it is dropped, not delivered. */
static void test_whole_oversized(void)
{
	size_t max = SFU_SCTP_MAX_RECEIVE, n = max + 1;
	uint8_t *big = calloc(1, n);
	uint64_t before = sfu_sctp_counters(B.s)->rx_dropped;
	int msgs = B.messages;

	sfu__sctp_data(B.s, 0, SFU_PPID_BINARY, true, big, n);
	is_int(B.messages, msgs, "a whole message over max_receive is not "
	       "delivered");
	is_int(sfu_sctp_counters(B.s)->rx_dropped, before + 1,
	       "and is counted as dropped");
	sfu__sctp_data(B.s, 0, SFU_PPID_BINARY, true, big, max);
	is_int(B.messages, msgs + 1, "max_receive itself is delivered");
	is_int(B.msg_len, max, "whole");
	free(big);
}

/* B reads nothing: A's channel buffer fills, then drops. */
static void test_bounded(void)
{
	uint8_t m[1000] = { 0 };
	int sent = 0, nobufs = 0, other = 0, before = B.messages;
	uint64_t dropped0 = sfu_sctp_counters(A.s)->dropped;

	A.hold = true;
	B.next_seq = 0;
	B.in_order = true;
	for (uint32_t i = 0; i < 600; i++) {
		int rc;

		memcpy(m, &i, 4);
		rc = sfu_sctp_send(A.s, 1, true, m, sizeof(m));
		if (rc == 0) {
			if (sent != (int)i)
				other++; /* accepted after a drop */
			sent++;
		} else if (rc == -ENOBUFS) {
			nobufs++;
		} else {
			other++;
		}
	}
	ok(nobufs > 0, "drops once the buffers are full (%d)", nobufs);
	ok(sent >= 16 && sent < 600, "accepted %d", sent);
	is_int(other, 0, "nothing else went wrong");
	is_int(sfu_sctp_counters(A.s)->dropped - dropped0, nobufs,
	       "drops counted");
	ok(A.out_count > 0, "A kept sending into the void");
	A.hold = false;
	target = before + sent;
	ok(pump(b_has_target, 20000), "the accepted ones arrive");
	is_int(B.messages - before, sent, "exactly those");
	ok(B.in_order, "in order");
	is_int(sfu_sctp_send(A.s, 1, true, m, sizeof(m)), 0, "sends again");
	target = B.messages + 1;
	pump(b_has_target, 2000);
}

/*
 * A loses a packet; the retransmission timer, driven by the GLib source
 * the workers use, brings it. Real time: usrsctp only resends chunks
 * whose wall-clock age passed the RTO, so simulated time cannot do it.
 */
static void test_loss(void)
{
	int before = B.messages;
	gint64 start = g_get_monotonic_time();
	gint64 end = start + 5 * G_USEC_PER_SEC;

	A.drop_next = 1;
	is_int(send_str(A.s, 0, "lost once"), 0, "send");
	deliver(&A);
	deliver(&B);
	is_int(B.messages, before, "lost");
	while (B.messages == before && g_get_monotonic_time() < end) {
		g_main_context_iteration(NULL, TRUE);
		deliver(&A);
		deliver(&B);
	}
	is_int(B.messages, before + 1, "retransmitted (%.2f s)",
	       (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC);
	ok(B.msg_len == 9 && memcmp(B.msg, "lost once", 9) == 0, "intact");
}

static void test_unordered(void)
{
	int sid = sfu_sctp_open_channel(A.s, "lossy", "", false, 0);

	is_int(sid, 3, "next odd id");
	target = A.opens + 1;
	B.opens = A.opens; /* equalise for opens_done */
	target = A.opens + 1;
	pump(opens_done, 1000);
	is_str(B.label, "lossy", "B sees the unordered channel");
	ok(msg_roundtrip(&A, &B, 3, false, "u1", 2), "unordered A->B");
	ok(msg_roundtrip(&B, &A, 3, false, "u2", 2), "unordered B->A");
}

static bool closes_done(void)
{
	return A.closes == target && B.closes == target;
}

static void test_close(void)
{
	sfu_sctp_close_channel(B.s, 0);
	is_int(send_str(B.s, 0, "x"), -ENOTCONN,
	       "closing channel refuses sends");
	target = 1;
	ok(pump(closes_done, 2000), "closed on both sides");
	is_int(A.closed_sid, 0, "A: sid 0 closed");
	is_int(B.closed_sid, 0, "B: sid 0 closed");
	is_int(send_str(A.s, 0, "x"), -ENOTCONN,
	       "A refuses the closed channel");
	ok(msg_roundtrip(&A, &B, 1, false, "still", 5), "others still work");
	is_int(sfu_sctp_open_channel(B.s, "again", "", true, -1), 0,
	       "sid 0 reusable after the reset");
	target = A.opens + 1;
	B.opens = A.opens;
	pump(opens_done, 1000);
	is_str(A.label, "again", "reopened");
}

static bool a_lost(void)
{
	return A.lost > 0;
}

static bool a_lost_b(void)
{
	return B.lost > 0;
}

static void test_free(void)
{
	sfu_sctp_free(B.s);
	B.s = NULL;
	is_int(B.lost, 0, "no op after free");
	ok(pump(a_lost, 1000), "A lost the association");
	is_int(A.lost, 1, "once");
	ok(!sfu_sctp_is_up(A.s), "A is down");
	is_int(send_str(A.s, 1, "x"), -ENOTCONN, "send lost");
	is_int(sfu_sctp_global_shutdown(), -EBUSY, "A still there");
	sfu_sctp_free(A.s);
	A.s = NULL;
	sfu_sctp_free(NULL);
	drop_all(&A);
	drop_all(&B);
	is_int(sfu_sctp_global_shutdown(), 0, "global shutdown");
}

/* Freed from inside its own op, on a second life after shutdown. */
static void free_on_message(void *arg, uint16_t sid, bool binary,
			    const uint8_t *data, size_t len)
{
	struct side *d = arg;

	on_message(arg, sid, binary, data, len);
	sfu_sctp_free(d->s);
	d->s = NULL;
}

static void side_reset(struct side *d, const char *name)
{
	drop_all(d);
	free(d->msg);
	memset(d, 0, sizeof(*d));
	d->name = name;
}

static void test_free_inside(void)
{
	static struct sfu_sctp_ops freeing;
	struct sfu_sctp_opts oa = { .local_port = 5000, .remote_port = 5000,
				    .dtls_server = true };

	side_reset(&A, "A");
	side_reset(&B, "B");
	side_init(&B, &A, false, 0, 0);
	freeing = ops;
	freeing.message = free_on_message;
	A.out_tail = &A.out;
	A.peer = &B;
	A.s = sfu_sctp_new(&oa, &freeing, &A);
	ok(pump(both_up, 1000), "up again after global shutdown");
	is_int(sfu_sctp_open_channel(B.s, "chat", "", true, -1), 0, "open");
	target = 1;
	ok(pump(opens_done, 1000), "opened");
	is_int(send_str(B.s, 0, "bye"), 0, "send");
	target = 1;
	pump(a_has_target, 1000);
	ok(A.s == NULL && A.messages == 1, "A freed inside its message op");
	ok(pump(a_lost_b, 1000), "B saw the abort");
	sfu_sctp_free(B.s);
	side_reset(&A, "A");
	side_reset(&B, "B");
	is_int(sfu_sctp_global_shutdown(), 0, "global shutdown again");
}

static bool both_lost(void)
{
	return A.lost > 0 && B.lost > 0;
}

/* A graceful SHUTDOWN ends the association on both sides. */
static void test_graceful(void)
{
	side_reset(&A, "A");
	side_reset(&B, "B");
	side_init(&A, &B, true, 0, 0);
	side_init(&B, &A, false, 0, 0);
	ok(pump(both_up, 1000), "up");
	is_int(sfu_sctp_shutdown(A.s), 0, "shutdown");
	ok(pump(both_lost, 2000), "both sides ended");
	is_int(A.lost + B.lost, 2, "once each");
	is_int(sfu_sctp_shutdown(A.s), -ENOTCONN, "not twice");
	sfu_sctp_free(A.s);
	sfu_sctp_free(B.s);
	side_reset(&A, "A");
	side_reset(&B, "B");
	is_int(sfu_sctp_global_shutdown(), 0, "global shutdown");
}

/* ---- two workers ---- */

struct tside {
	struct sfu_worker *w;
	struct sfu_sctp *s; /* touched on w's thread only */
	struct tside *peer;
	bool server;
	atomic_int opens, messages, lost, result, drop;
	atomic_size_t last_len;
};

struct tpkt {
	struct tside *to;
	size_t len;
	uint8_t data[];
};

static struct tside TA = { .server = true }, TB;

static void t_input(void *arg)
{
	struct tpkt *p = arg;

	if (p->to->s)
		sfu_sctp_input(p->to->s, p->data, p->len);
	free(p);
}

static void t_send(void *arg, const uint8_t *data, size_t len)
{
	struct tside *t = arg;
	struct tpkt *p;

	if (atomic_load(&t->drop) > 0) {
		atomic_fetch_sub(&t->drop, 1);
		return;
	}
	p = malloc(sizeof(*p) + len);
	p->to = t->peer;
	p->len = len;
	memcpy(p->data, data, len);
	sfu_worker_run(t->peer->w, t_input, p);
}

static void t_open(void *arg, uint16_t sid, const char *label,
		   const char *protocol)
{
	(void)sid, (void)label, (void)protocol;
	atomic_fetch_add(&((struct tside *)arg)->opens, 1);
}

static void t_message(void *arg, uint16_t sid, bool binary,
		      const uint8_t *data, size_t len)
{
	struct tside *t = arg;
	bool intact = true;

	(void)sid, (void)binary;
	for (size_t i = 0; i < len; i++)
		intact &= data[i] == (uint8_t)i;
	atomic_store(&t->last_len, intact ? len : (size_t)-1);
	atomic_fetch_add(&t->messages, 1);
}

static void t_lost(void *arg)
{
	atomic_fetch_add(&((struct tside *)arg)->lost, 1);
}

static const struct sfu_sctp_ops tops = {
	.send = t_send, .open = t_open, .message = t_message,
	.lost = t_lost,
};

static void t_create(void *arg)
{
	struct tside *t = arg;
	struct sfu_sctp_opts o = { .local_port = 5000, .remote_port = 5000,
				   .dtls_server = t->server,
				   .max_message_size = 262144 };

	t->s = sfu_sctp_new(&o, &tops, t);
	atomic_store(&t->result, t->s ? 1 : -1);
}

static void t_open_chat(void *arg)
{
	struct tside *t = arg;

	atomic_store(&t->result, sfu_sctp_open_channel(t->s, "chat", "",
						       true, -1));
}

static void t_send_big(void *arg)
{
	struct tside *t = arg;
	size_t n = 100 * 1024;
	uint8_t *m = malloc(n);

	for (size_t i = 0; i < n; i++)
		m[i] = (uint8_t)i;
	atomic_store(&t->result, sfu_sctp_send(t->s, 0, true, m, n));
	free(m);
}

static void t_send_small(void *arg)
{
	struct tside *t = arg;
	static const uint8_t m[] = { 0, 1, 2, 3 };

	atomic_store(&t->drop, 1);
	atomic_store(&t->result, sfu_sctp_send(t->s, 0, true, m, 4));
}

static void t_free(void *arg)
{
	struct tside *t = arg;

	sfu_sctp_free(t->s);
	t->s = NULL;
	atomic_store(&t->result, 1);
}

static void emit_nothing(void *ctx, const struct sfu_event *ev)
{
	(void)ctx, (void)ev;
}

/* Run fn on t's worker; wait (up to 5 s) for it to set result. */
static int t_call(struct tside *t, void (*fn)(void *))
{
	atomic_store(&t->result, INT32_MIN);
	sfu_worker_run(t->w, fn, t);
	for (int i = 0; i < 5000 && atomic_load(&t->result) == INT32_MIN; i++)
		usleep(1000);
	return atomic_load(&t->result);
}

static bool wait_for(atomic_int *v, int want)
{
	for (int i = 0; i < 5000 && atomic_load(v) < want; i++)
		usleep(1000);
	return atomic_load(v) >= want;
}

static void test_workers(void)
{
	struct sfu_worker_opts wo = { .emit = emit_nothing };
	int rc = -ENOTCONN;

	TA.peer = &TB, TB.peer = &TA;
	TA.w = sfu_worker_new(&wo);
	wo.index = 1;
	TB.w = sfu_worker_new(&wo);
	ok(sfu_worker_start(TA.w) == 0 && sfu_worker_start(TB.w) == 0,
	   "two workers");
	is_int(t_call(&TA, t_create) + t_call(&TB, t_create), 2,
	       "an association on each");
	for (int i = 0; i < 500 && rc == -ENOTCONN; i++) {
		usleep(1000);
		rc = t_call(&TB, t_open_chat);
	}
	is_int(rc, 0, "up across threads; B opened channel 0");
	ok(wait_for(&TA.opens, 1) && wait_for(&TB.opens, 1), "opened");
	is_int(t_call(&TB, t_send_big), 0, "100 KB sent");
	ok(wait_for(&TA.messages, 1), "arrived");
	is_int(atomic_load(&TA.last_len), 100 * 1024, "whole and intact");
	is_int(t_call(&TB, t_send_small), 0, "a packet lost");
	ok(wait_for(&TA.messages, 2), "the timers resent it");
	is_int(atomic_load(&TA.last_len), 4, "intact");
	is_int(t_call(&TA, t_free), 1, "A freed on its worker");
	ok(wait_for(&TB.lost, 1), "B lost it");
	is_int(t_call(&TB, t_free), 1, "B freed on its worker");
	sfu_worker_stop(TA.w);
	sfu_worker_stop(TB.w);
	sfu_worker_free(TA.w);
	sfu_worker_free(TB.w);
	is_int(sfu_sctp_global_shutdown(), 0, "global shutdown");
}

int main(void)
{
	test_connect();
	test_open();
	test_messages();
	test_large();
	test_whole_oversized();
	test_bounded();
	test_loss();
	test_unordered();
	test_close();
	test_free();
	test_free_inside();
	test_graceful();
	test_workers();
	free(A.msg);
	free(B.msg);
	return tap_done();
}
