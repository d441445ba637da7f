/*
 * test-udpmux.c - tests src/udpmux.c on loopback sockets: datagrams and
 * their source addresses arriving through the thread's default
 * GMainContext, a burst drained in recvmmsg batches, oversized datagrams
 * dropped and counted, two sockets in one set, a callback removing its
 * own socket (the rest of its batch is not delivered) and another one,
 * a stale handle doing nothing, and the set going away with its last
 * socket and coming back with the next. Every delivered datagram has the
 * kernel's receive time while its callback runs and adds one sample to
 * the set's delay histogram.
 */
#include "udpmux.h"

#include <arpa/inet.h>
#include <glib.h>
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

struct sink {
	int64_t handle;
	int got;
	size_t last_len;
	uint8_t last_first;
	struct sockaddr_storage from;
	int remove_after; /* remove itself at this count (0: never) */
	int64_t also_remove;
	int64_t rx_ns; /* sfu_udpmux_rx_time() in the last callback */
};

static void on_datagram(void *arg, uint8_t *data, size_t len,
			const struct sockaddr_storage *from)
{
	struct sink *s = arg;

	s->got++;
	s->last_len = len;
	s->last_first = len ? data[0] : 0;
	s->from = *from;
	s->rx_ns = sfu_udpmux_rx_time();
	if (s->remove_after && s->got == s->remove_after) {
		sfu_udpmux_remove(s->handle);
		if (s->also_remove)
			sfu_udpmux_remove(s->also_remove);
	}
}

static int udp_socket(struct sockaddr_in *addr)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	socklen_t len = sizeof(*addr);
	int big = 1 << 20;

	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	bind(fd, (struct sockaddr *)addr, sizeof(*addr));
	getsockname(fd, (struct sockaddr *)addr, &len);
	return fd;
}

static void send_n(int from, const struct sockaddr_in *to, int n, size_t len)
{
	static uint8_t buf[4096];

	for (int i = 0; i < n; i++) {
		buf[0] = (uint8_t)i;
		sendto(from, buf, len, 0, (const struct sockaddr *)to,
		       sizeof(*to));
	}
}

/* A client thread adds a socket with its context pushed, as the bench's
 * client threads do; the thread is gone when the socket is removed. */
struct adder {
	GMainContext *ctx;
	int fd;
	struct sink *sink;
};

static void *add_on_thread(void *arg)
{
	struct adder *ad = arg;

	g_main_context_push_thread_default(ad->ctx);
	ad->sink->handle = sfu_udpmux_add(ad->fd, on_datagram, ad->sink);
	g_main_context_pop_thread_default(ad->ctx);
	return NULL;
}

static void spin(GMainContext *ctx)
{
	/* loopback delivery is synchronous; a few turns drain everything */
	for (int i = 0; i < 20; i++)
		g_main_context_iteration(ctx, FALSE);
}

int main(void)
{
	GMainContext *ctx = g_main_context_new();
	struct sockaddr_in a_addr, b_addr, tx_addr;
	int a = udp_socket(&a_addr), b = udp_socket(&b_addr);
	int tx = udp_socket(&tx_addr);
	struct sink sa = { 0 }, sb = { 0 };
	struct sfu_udpmux_stats st0, st;
	int64_t stale;

	g_main_context_push_thread_default(ctx);

	sa.handle = sfu_udpmux_add(a, on_datagram, &sa);
	ok(sa.handle > 0, "a socket joins the set");
	send_n(tx, &a_addr, 1, 100);
	spin(ctx);
	is_int(sa.got, 1, "one datagram arrives");
	is_int(sa.last_len, 100, "with its length");
	ok(sa.from.ss_family == AF_INET &&
	   ((struct sockaddr_in *)&sa.from)->sin_port == tx_addr.sin_port,
	   "and its source address");
	{
		struct timespec now;
		int64_t now_ns;

		clock_gettime(CLOCK_REALTIME, &now);
		now_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
		ok(sa.rx_ns > 0 && sa.rx_ns <= now_ns &&
		   now_ns - sa.rx_ns < 10 * (int64_t)1000000000,
		   "the callback sees the kernel's receive time");
		is_int(sfu_udpmux_rx_time(), 0, "outside a callback: 0");
		st = sfu_udpmux_stats();
		is_int(st.delay.count, 1, "one delay sample per datagram");
		ok(st.delay.max_us < 10 * 1000000, "a sane delay (%llu us)",
		   (unsigned long long)st.delay.max_us);
	}

	st0 = sfu_udpmux_stats();
	send_n(tx, &a_addr, 100, 1200);
	spin(ctx);
	st = sfu_udpmux_stats();
	is_int(sa.got, 101, "a burst of 100 all arrives");
	ok(st.batches - st0.batches <= 100 / SFU_UDPMUX_BATCH + 2,
	   "in recvmmsg batches (%llu calls)",
	   (unsigned long long)(st.batches - st0.batches));
	is_int(sa.last_first, 99, "the last one last");
	is_int(st.delay.count - st0.delay.count, 100, "and 100 delay samples");

	send_n(tx, &a_addr, 1, SFU_UDPMUX_MAX_DATAGRAM + 1);
	send_n(tx, &a_addr, 1, SFU_UDPMUX_MAX_DATAGRAM);
	spin(ctx);
	st0 = st;
	st = sfu_udpmux_stats();
	is_int(st.dropped - st0.dropped, 1, "an oversized datagram is dropped");
	is_int(sa.got, 102, "the largest allowed one arrives");
	is_int(sa.last_len, SFU_UDPMUX_MAX_DATAGRAM, "whole");
	is_int(st.delay.count - st0.delay.count, 1, "only it has a delay sample");

	sb.handle = sfu_udpmux_add(b, on_datagram, &sb);
	send_n(tx, &a_addr, 3, 50);
	send_n(tx, &b_addr, 4, 50);
	spin(ctx);
	is_int(sa.got, 105, "two sockets in one set: the first");
	is_int(sb.got, 4, "and the second");

	sa.remove_after = sa.got + 2;
	st0 = sfu_udpmux_stats();
	send_n(tx, &a_addr, 10, 50);
	spin(ctx);
	is_int(sa.got, 107, "removing itself inside its callback stops the "
	       "rest of its batch");
	st = sfu_udpmux_stats();
	is_int(st.delay.count - st0.delay.count, 2,
	       "delay samples for the two delivered only");
	is_int(st.dropped, st0.dropped, "the undelivered are not 'dropped'");
	stale = sa.handle;
	send_n(tx, &b_addr, 2, 50);
	spin(ctx);
	is_int(sb.got, 6, "the other socket goes on");
	sfu_udpmux_remove(stale); /* no-op */
	ok(1, "removing a stale handle does nothing");

	sb.remove_after = sb.got + 1;
	send_n(tx, &b_addr, 3, 50);
	spin(ctx);
	is_int(sb.got, 7, "the last socket removes itself");
	send_n(tx, &b_addr, 1, 50);
	spin(ctx);
	is_int(sb.got, 7, "nothing arrives after removal");

	/* Back with the next socket. What a's last batch held beyond the
	 * removal was read and is gone, as for any removed participant. */
	sa.remove_after = 0;
	sa.handle = sfu_udpmux_add(a, on_datagram, &sa);
	ok(sa.handle > 0 && sa.handle != stale, "a new set, a new handle");
	send_n(tx, &a_addr, 2, 50);
	spin(ctx);
	is_int(sa.got, 109, "and datagrams arrive again");
	ok(sfu_udpmux_add(-1, on_datagram, &sa) < 0, "a bad fd is refused");

	/* one callback removing another socket in the same set: whichever
	 * of the two is served first removes both */
	sb.handle = sfu_udpmux_add(b, on_datagram, &sb);
	sb.got = 0;
	sa.got = 0;
	sa.remove_after = sb.remove_after = 1;
	sa.also_remove = sb.handle;
	sb.also_remove = sa.handle;
	send_n(tx, &a_addr, 1, 50);
	send_n(tx, &b_addr, 1, 50);
	spin(ctx);
	is_int(sa.got + sb.got, 1, "a callback removing another socket: that "
	       "one gets nothing more");
	send_n(tx, &a_addr, 1, 50);
	send_n(tx, &b_addr, 1, 50);
	spin(ctx);
	is_int(sa.got + sb.got, 1, "and the set is gone with its last socket");

	{
		/* the set belongs to the context, not the thread: removal
		 * from another thread with the context pushed works (the
		 * bench tears clients down that way) */
		GMainContext *other = g_main_context_new();
		struct sink sc = { 0 };
		struct adder ad = { other, a, &sc };
		pthread_t th;
		uint8_t junk[64];

		/* what the sets above left unread on a */
		while (recv(a, junk, sizeof(junk), MSG_DONTWAIT) > 0)
			;
		pthread_create(&th, NULL, add_on_thread, &ad);
		pthread_join(th, NULL);
		ok(sc.handle > 0, "a socket added on another thread");
		send_n(tx, &a_addr, 1, 50);
		spin(other);
		is_int(sc.got, 1, "is served by that thread's context");
		g_main_context_push_thread_default(other);
		sfu_udpmux_remove(sc.handle);
		g_main_context_pop_thread_default(other);
		send_n(tx, &a_addr, 1, 50);
		spin(other);
		is_int(sc.got, 1, "and removed from here, with its context "
		       "pushed: nothing more is delivered");
		g_main_context_unref(other);
	}

	close(a);
	close(b);
	close(tx);
	g_main_context_pop_thread_default(ctx);
	g_main_context_unref(ctx);
	return tap_done();
}
