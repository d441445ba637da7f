/*
 * test-outbox.c - tests src/outbox.c: how held datagrams are cut into
 * GSO runs (edge cases included), and on real loopback sockets that
 * held datagrams leave only at the outermost flush, each as its own
 * datagram of its own size, in order per socket, with or without
 * UDP_SEGMENT; that forgetting a socket drops its datagrams, that a
 * too-large datagram or a full outbox sends what is held first, and
 * that failures after the fact are counted.
 */
#include "outbox.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tap.h"

/* ---- the runs splitter ---- */

static int runs_are(const size_t *len, size_t n, const size_t *want,
		    size_t nwant)
{
	size_t run[SFU_OUTBOX_SLOTS], got = sfu__outbox_runs(len, n, run);

	if (got != nwant)
		return 0;
	for (size_t i = 0; i < got; i++)
		if (run[i] != want[i])
			return 0;
	return 1;
}

#define RUNS(name, lens, wants)                                            \
	do {                                                               \
		size_t l_[] = lens, w_[] = wants;                          \
		ok(runs_are(l_, sizeof(l_) / sizeof(l_[0]), w_,            \
			    sizeof(w_) / sizeof(w_[0])),                   \
		   "runs: %s", name);                                      \
	} while (0)
#define L(...) { __VA_ARGS__ }

static void test_runs(void)
{
	size_t run[1] = { 99 };
	size_t all[SFU_OUTBOX_SLOTS], one[1] = { SFU_OUTBOX_RUN_SEGS };
	size_t segs[2] = { SFU_OUTBOX_RUN_SEGS,
			   SFU_OUTBOX_SLOTS - SFU_OUTBOX_RUN_SEGS };
	const size_t per = SFU_OUTBOX_RUN_BYTES / 1200;
	size_t bytes[3] = { per, per, 10 }, byte_tail[2] = { per, 1 };
	size_t seg_tail[2] = { SFU_OUTBOX_RUN_SEGS, 1 };

	is_int(sfu__outbox_runs(NULL, 0, run), 0, "runs: none for nothing");
	is_int(run[0], 99, "runs: nothing written for nothing");
	RUNS("one datagram", L(100), L(1));
	RUNS("equal sizes: one run", L(100, 100, 100), L(3));
	RUNS("a shorter last one joins", L(100, 100, 40), L(3));
	RUNS("only one shorter tail per run", L(100, 100, 40, 40), L(3, 1));
	RUNS("a longer one starts a run", L(100, 200, 200), L(1, 2));
	RUNS("longer then shorter", L(100, 100, 200, 100), L(2, 2));
	RUNS("growing sizes: one each", L(10, 20, 30), L(1, 1, 1));
	RUNS("shrinking sizes: pairs", L(30, 20, 10), L(2, 1));
	RUNS("an empty datagram is no tail", L(100, 100, 0), L(2, 1));
	RUNS("empty datagrams go alone", L(0, 0, 5), L(1, 1, 1));
	for (size_t i = 0; i < SFU_OUTBOX_SLOTS; i++)
		all[i] = 100;
	ok(runs_are(all, SFU_OUTBOX_RUN_SEGS, one, 1), "runs: as many "
	   "datagrams of one size as one send may carry are one run");
	ok(runs_are(all, SFU_OUTBOX_SLOTS, segs, 2), "runs: a full outbox "
	   "of small ones is cut at %d segments", SFU_OUTBOX_RUN_SEGS);
	all[SFU_OUTBOX_RUN_SEGS] = 40;
	ok(runs_are(all, SFU_OUTBOX_RUN_SEGS + 1, seg_tail, 2), "runs: no tail "
	   "joins a run that is full");
	for (size_t i = 0; i < SFU_OUTBOX_SLOTS; i++)
		all[i] = 1200;
	ok(runs_are(all, 2 * per + 10, bytes, 3), "runs: large ones are cut "
	   "at %d bytes", SFU_OUTBOX_RUN_BYTES);
	all[per] = 100;
	ok(runs_are(all, per + 1, byte_tail, 2), "runs: no tail past the byte "
	   "limit");
}

/* ---- loopback sockets ---- */

struct pair {
	int rx, tx; /* tx is connected to rx */
};

static int pair_open(struct pair *p)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int big = 4 << 20;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	p->rx = socket(AF_INET, SOCK_DGRAM, 0);
	p->tx = socket(AF_INET, SOCK_DGRAM, 0);
	setsockopt(p->rx, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	if (bind(p->rx, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(p->rx, (struct sockaddr *)&a, &len) < 0 ||
	    connect(p->tx, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -1;
	return 0;
}

static void pair_close(struct pair *p)
{
	close(p->rx);
	close(p->tx);
}

/* Datagram i: len bytes, each the value tag + i. */
static int put(const struct pair *p, uint8_t tag, size_t len)
{
	uint8_t buf[4096];

	memset(buf, tag, len);
	return sfu_outbox_send(p->tx, buf, len, NULL);
}

/* What rx holds now, without waiting: sizes and first bytes. */
static size_t drain(const struct pair *p, size_t *len, uint8_t *tag,
		    size_t max)
{
	uint8_t buf[70000];
	size_t n = 0;
	ssize_t r;

	while ((r = recv(p->rx, buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
		if (n < max) {
			len[n] = (size_t)r;
			tag[n] = r ? buf[0] : 0;
			/* every byte must be the datagram's own */
			for (ssize_t k = 1; k < r; k++)
				if (buf[k] != buf[0])
					tag[n] = 0xff;
		}
		n++;
	}
	return n;
}

/* Held until the flush, then each datagram arrives alone. */
static void test_held_then_sent(bool gso)
{
	static const size_t sizes[] = { 1000, 1000, 1000, 300, 1200, 1200,
					0, 0 };
	const size_t n = sizeof(sizes) / sizeof(sizes[0]);
	struct sfu_outbox_stats before = sfu_outbox_stats(), after;
	struct pair p;
	size_t len[16];
	uint8_t tag[16];
	int all = 1;

	sfu__outbox_set_gso(gso);
	if (!ok(pair_open(&p) == 0, "%s: loopback pair", gso ? "gso" : "plain"))
		return;
	sfu_outbox_open();
	for (size_t i = 0; i < n; i++)
		all &= put(&p, (uint8_t)(10 + i), sizes[i]) == 0;
	ok(all, "%s: held sends return 0", gso ? "gso" : "plain");
	is_int(drain(&p, len, tag, 16), 0, "%s: nothing leaves before the "
	       "flush", gso ? "gso" : "plain");
	sfu_outbox_flush();
	is_int(drain(&p, len, tag, 16), n, "%s: every datagram arrives alone",
	       gso ? "gso" : "plain");
	for (size_t i = 0; i < n; i++)
		all &= len[i] == sizes[i] &&
		       tag[i] == (sizes[i] ? 10 + i : 0);
	ok(all, "%s: in order, each of its own size and content",
	   gso ? "gso" : "plain");
	after = sfu_outbox_stats();
	is_int(after.datagrams - before.datagrams, n, "%s: counted",
	       gso ? "gso" : "plain");
	/* 1000x3 + 300 is one run, 1200x2 another, the empty ones alone */
	is_int(after.sends - before.sends, gso ? 4 : n, "%s: %s system calls",
	       gso ? "gso" : "plain", gso ? "four" : "one per datagram");
	is_int(after.gso_sends - before.gso_sends, gso ? 2 : 0,
	       "%s: GSO sends", gso ? "gso" : "plain");
	pair_close(&p);
}

static void test_immediate_and_nested(void)
{
	struct pair p;
	size_t len[8];
	uint8_t tag[8];

	if (!ok(pair_open(&p) == 0, "immediate: loopback pair"))
		return;
	is_int(put(&p, 1, 500), 0, "closed outbox: sent");
	is_int(drain(&p, len, tag, 8), 1, "closed outbox: sent at once");

	sfu_outbox_open();
	sfu_outbox_open();
	put(&p, 2, 500);
	sfu_outbox_flush();
	is_int(drain(&p, len, tag, 8), 0, "nested: the inner flush holds");
	sfu_outbox_flush();
	is_int(drain(&p, len, tag, 8), 1, "nested: the outer flush sends");
	sfu_outbox_flush(); /* one too many: harmless */
	is_int(put(&p, 3, 500), 0, "after an extra flush: still sends");
	is_int(drain(&p, len, tag, 8), 1, "after an extra flush: at once");

	/* too large to hold: what is held goes first, then it */
	sfu_outbox_open();
	put(&p, 4, 500);
	is_int(put(&p, 5, SFU_OUTBOX_MAX + 1), 0, "too large: sent");
	is_int(drain(&p, len, tag, 8), 2, "too large: sent at once, "
	       "with what was held");
	ok(len[0] == 500 && tag[0] == 4 && len[1] == SFU_OUTBOX_MAX + 1 &&
	   tag[1] == 5, "too large: not ahead of what was held");
	sfu_outbox_flush();
	is_int(drain(&p, len, tag, 8), 0, "too large: nothing left to flush");
	pair_close(&p);
}

static void test_full(void)
{
	struct pair p;
	size_t len[SFU_OUTBOX_SLOTS + 1];
	uint8_t tag[SFU_OUTBOX_SLOTS + 1];
	int all = 1;

	if (!ok(pair_open(&p) == 0, "full: loopback pair"))
		return;
	sfu_outbox_open();
	for (int i = 0; i < SFU_OUTBOX_SLOTS; i++)
		put(&p, (uint8_t)i, 800);
	is_int(drain(&p, len, tag, SFU_OUTBOX_SLOTS + 1), 0, "full: %d held",
	       SFU_OUTBOX_SLOTS);
	put(&p, SFU_OUTBOX_SLOTS, 800);
	is_int(drain(&p, len, tag, SFU_OUTBOX_SLOTS + 1), SFU_OUTBOX_SLOTS,
	       "full: one more sends the held ones");
	for (int i = 0; i < SFU_OUTBOX_SLOTS; i++)
		all &= tag[i] == i && len[i] == 800;
	ok(all, "full: in order");
	sfu_outbox_flush();
	is_int(drain(&p, len, tag, SFU_OUTBOX_SLOTS + 1), 1,
	       "full: the last at the flush");
	is_int(tag[0], SFU_OUTBOX_SLOTS, "full: the last one");
	pair_close(&p);
}

static void test_sockets_and_forget(void)
{
	struct pair a, b, c;
	size_t len[8];
	uint8_t tag[8];

	if (!ok(pair_open(&a) == 0 && pair_open(&b) == 0 &&
		pair_open(&c) == 0, "sockets: three loopback pairs"))
		return;
	sfu_outbox_open();
	put(&a, 1, 900);
	put(&b, 2, 900);
	put(&c, 7, 100);
	put(&a, 3, 900);
	put(&b, 4, 400);
	put(&c, 8, 100);
	sfu_outbox_forget(c.tx);
	put(&a, 5, 200);
	sfu_outbox_flush();
	is_int(drain(&a, len, tag, 8), 3, "sockets: a gets its three");
	ok(tag[0] == 1 && tag[1] == 3 && tag[2] == 5 && len[2] == 200,
	   "sockets: a's in its order");
	is_int(drain(&b, len, tag, 8), 2, "sockets: b gets its two");
	ok(tag[0] == 2 && tag[1] == 4 && len[1] == 400,
	   "sockets: b's in its order");
	is_int(drain(&c, len, tag, 8), 0, "forget: c's held ones dropped");
	sfu_outbox_forget(c.tx); /* nothing held: harmless */
	pair_close(&a);
	pair_close(&b);
	pair_close(&c);
}

static bool gso_kernel;

/* Datagrams to a closed port fail after the fact: ICMP makes a later
 * send on the socket fail with ECONNREFUSED. */
static void test_errors(void)
{
	struct sfu_outbox_stats before = sfu_outbox_stats();
	struct pair p;
	uint64_t errors = 0;
	uint8_t buf[600];

	memset(buf, 0, sizeof(buf));
	if (!ok(pair_open(&p) == 0, "errors: loopback pair"))
		return;
	close(p.rx); /* nobody listens there now */
	for (int round = 0; round < 4; round++) {
		sfu_outbox_open();
		for (int i = 0; i < 3; i++)
			sfu_outbox_send(p.tx, buf, sizeof(buf), &errors);
		sfu_outbox_flush();
	}
	ok(errors > 0, "errors: held sends that failed are counted (%llu)",
	   (unsigned long long)errors);
	is_int(sfu_outbox_stats().errors - before.errors, errors,
	       "errors: in the thread's counters too");
	is_int(sfu_outbox_gso(), gso_kernel,
	       "errors: a refused port does not turn GSO off");
	/* unheld: the error is the return value. A send that reports a
	 * pending error sends nothing, so send until one goes out. */
	for (int i = 0; i < 4 && send(p.tx, buf, sizeof(buf), 0) < 0; i++)
		;
	is_int(sfu_outbox_send(p.tx, buf, sizeof(buf), NULL), -ECONNREFUSED,
	       "errors: an immediate send returns -errno");
	close(p.tx);
}

/* The largest runs the splitter makes are ones the kernel takes: every
 * datagram arrives, in order, and each run took one GSO send. */
static void test_largest_runs(void)
{
	const size_t per = SFU_OUTBOX_RUN_BYTES / 1200, n = 2 * per + 1;
	struct sfu_outbox_stats before = sfu_outbox_stats(), after;
	struct pair p;
	size_t len[SFU_OUTBOX_SLOTS];
	uint8_t tag[SFU_OUTBOX_SLOTS];
	int all = 1;

	if (!ok(pair_open(&p) == 0, "largest: loopback pair"))
		return;
	sfu_outbox_open();
	for (size_t i = 0; i < n; i++)
		put(&p, (uint8_t)i, i < 2 * per ? 1200 : 700);
	sfu_outbox_flush();
	is_int(drain(&p, len, tag, SFU_OUTBOX_SLOTS), n,
	       "largest: %zu datagrams of 1200 bytes and a tail arrive", n);
	for (size_t i = 0; i < n; i++)
		all &= tag[i] == i && len[i] == (i < 2 * per ? 1200u : 700u);
	ok(all, "largest: in order, each its own size");
	after = sfu_outbox_stats();
	is_int(after.errors - before.errors, 0, "largest: no errors");
	is_int(after.gso_sends - before.gso_sends, 2,
	       "largest: two GSO sends of %zu bytes", per * 1200);
	is_int(after.sends - before.sends, 3, "largest: the tail alone");
	pair_close(&p);
}

int main(void)
{
	bool gso = sfu_outbox_gso();

	gso_kernel = gso;
	test_runs();
	printf("# UDP GSO in this kernel: %s\n", gso ? "yes" : "no");
	if (gso)
		test_held_then_sent(true);
	test_held_then_sent(false);
	sfu__outbox_set_gso(gso);
	test_immediate_and_nested();
	test_full();
	if (gso)
		test_largest_runs();
	test_sockets_and_forget();
	test_errors();
	return tap_done();
}
