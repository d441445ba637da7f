/*
 * test-bench-stats.c - tests bench/stats.c: loss, reorder and duplicate
 * accounting (in order, gaps, reordering, duplicates, a start mid-stream,
 * packets older than the first one, jumps past the window, too-old
 * packets); the latency histogram (bucket bounds, quantiles against exact
 * values, min/max clamping, merge); the /proc parsers, /proc/net/snmp.
 */
#include "stats.h"

#include <stdlib.h>

#include "tap.h"

static struct acct a;

static void feed(const uint32_t *seqs, size_t n)
{
	acct_init(&a);
	for (size_t i = 0; i < n; i++)
		acct_add(&a, seqs[i]);
}

static void test_acct(void)
{
	static const uint32_t gap[] = { 10, 11, 14, 15 };
	static const uint32_t reorder[] = { 0, 2, 1, 3 };
	static const uint32_t dup[] = { 0, 1, 1, 2, 0 };
	static const uint32_t before_first[] = { 10, 11, 9, 12 };
	static const uint32_t reorder_dup[] = { 0, 3, 1, 2, 1, 3 };

	acct_init(&a);
	is_int(acct_expected(&a), 0, "empty: nothing expected");
	for (uint32_t s = 1000; s < 2000; s++)
		acct_add(&a, s);
	is_int(acct_expected(&a), 1000, "in order: expected from the first seq");
	is_int(acct_lost(&a), 0, "in order: no loss");
	ok(a.reordered == 0 && a.duplicates == 0, "in order: no reorder, no dup");

	feed(gap, 4);
	is_int(acct_lost(&a), 2, "gap: 2 lost");
	is_int(a.reordered, 0, "gap: nothing reordered");

	feed(reorder, 4);
	is_int(acct_lost(&a), 0, "reorder: no loss");
	is_int(a.reordered, 1, "reorder: one out of order");

	feed(dup, 5);
	is_int(a.duplicates, 2, "duplicates counted");
	is_int(a.received, 5, "duplicates are received");
	is_int(a.unique, 3, "but not unique");
	is_int(acct_lost(&a), 0, "duplicates do not hide loss");

	feed(before_first, 4);
	is_int(acct_expected(&a), 4, "older than the first extends the range");
	is_int(acct_lost(&a), 0, "and is not lost");
	is_int(a.reordered, 1, "and is out of order");

	feed(reorder_dup, 6);
	ok(a.unique == 4 && a.duplicates == 2 && a.reordered == 2,
	   "reordered then duplicated");

	/* A jump past the window forgets what it knew. */
	acct_init(&a);
	acct_add(&a, 0);
	acct_add(&a, 1);
	acct_add(&a, 1 + ACCT_WINDOW + 5);
	is_int(acct_lost(&a), ACCT_WINDOW + 4, "jump past the window: lost");
	acct_add(&a, 1);
	is_int(a.too_old, 1, "too old to check: counted once");
	is_int(a.duplicates, 0, "and not as a duplicate");

	/* The bitmap is cleared as the window moves: a seq one window
	 * later is new, not a duplicate of its alias. */
	acct_init(&a);
	for (uint32_t s = 0; s < 3 * ACCT_WINDOW; s++)
		acct_add(&a, s);
	ok(a.duplicates == 0 && acct_lost(&a) == 0 && a.unique == 3 * ACCT_WINDOW,
	   "three windows in order: clean");
	acct_add(&a, 3 * ACCT_WINDOW - 2);
	is_int(a.duplicates, 1, "a recent duplicate after wrapping the bitmap");

	/* Every other packet lost, across the window several times. */
	acct_init(&a);
	for (uint32_t s = 0; s < 4 * ACCT_WINDOW; s += 2)
		acct_add(&a, s);
	is_int(acct_lost(&a), 2 * ACCT_WINDOW - 1, "half lost");
}

static void test_hist_buckets(void)
{
	bool ok_bounds = true, ok_mono = true;
	size_t prev = 0;

	for (uint64_t v = 0; v < 5000000; v += (v < 1000 ? 1 : v / 97)) {
		size_t b = hist_bucket(v);
		ok_bounds &= hist_bucket_low(b) <= v;
		ok_bounds &= b + 1 >= HIST_BUCKETS || v < hist_bucket_low(b + 1);
		ok_mono &= b >= prev;
		prev = b;
	}
	ok(ok_bounds, "every value lies inside its bucket");
	ok(ok_mono, "buckets grow with the value");
	is_int(hist_bucket(127), 127, "exact below 128");
	is_int(hist_bucket_low(hist_bucket(128)), 128, "128 starts a bucket");
	ok(hist_bucket(UINT64_MAX) == HIST_BUCKETS - 1, "huge values clamp");
}

static void test_hist_quantiles(void)
{
	struct hist *h = malloc(sizeof(*h)), *g = malloc(sizeof(*g));
	uint64_t p50, p99;

	hist_init(h);
	is_int(hist_quantile(h, 0.5), 0, "empty: 0");
	hist_add(h, 4321);
	is_int(hist_quantile(h, 0.5), 4321, "one sample: clamped to it");
	is_int(hist_quantile(h, 0.99), 4321, "one sample: p99 too");

	hist_init(h);
	for (uint64_t v = 1; v <= 100; v++)
		hist_add(h, v);
	is_int(hist_quantile(h, 0.5), 50, "1..100: exact p50");
	is_int(hist_quantile(h, 0.99), 99, "1..100: exact p99");
	is_int(hist_quantile(h, 1.0), 100, "1..100: max");
	ok(hist_mean(h) > 50.49 && hist_mean(h) < 50.51, "1..100: mean");

	hist_init(h);
	for (uint64_t v = 1; v <= 100000; v++)
		hist_add(h, v);
	p50 = hist_quantile(h, 0.5);
	p99 = hist_quantile(h, 0.99);
	ok(p50 > 50000 * 0.984 && p50 < 50000 * 1.016, "1..1e5: p50 %llu within 1.6%%",
	   (unsigned long long)p50);
	ok(p99 > 99000 * 0.984 && p99 < 99000 * 1.016, "1..1e5: p99 %llu within 1.6%%",
	   (unsigned long long)p99);

	/* A tail: 98 fast samples and 2 slow ones. */
	hist_init(h);
	for (int i = 0; i < 98; i++)
		hist_add(h, 100);
	hist_add(h, 10000);
	hist_add(h, 20000);
	is_int(hist_quantile(h, 0.5), 100, "tail: p50 fast");
	p99 = hist_quantile(h, 0.99);
	ok(p99 > 9800 && p99 < 10200, "tail: p99 is the first slow one (%llu)",
	   (unsigned long long)p99);

	hist_init(g);
	hist_add(g, 7);
	hist_merge(g, h);
	ok(g->n == 101 && g->min == 7 && g->max == 20000, "merge: n, min, max");
	free(h);
	free(g);
}

static void test_proc(void)
{
	static const char stat[] =
		"1234 (my (odd) name) S 1 1234 1234 0 -1 4194560 2000 0 0 0 "
		"150 25 0 0 20 0 7 0 12345 1000000 500 18446744073709551615\n";
	static const char status[] = "Name:\tstarling\nVmPeak:\t 9000 kB\n"
				     "VmHWM:\t   30000 kB\nVmRSS:\t   24900 kB\n"
				     "Threads:\t7\n";
	uint64_t ticks = 0, rss = 0, hwm = 0;
	int threads = 0;

	ok(proc_parse_stat(stat, &ticks, &threads) == 0, "stat parses");
	is_int(ticks, 175, "utime + stime");
	is_int(threads, 7, "threads");
	ok(proc_parse_stat("1234 (x S 1", &ticks, &threads) < 0, "no ')' refused");
	ok(proc_parse_stat("1 (x) S 1 2 3", &ticks, &threads) < 0,
	   "truncated stat refused");
	ok(proc_parse_status(status, &rss, &hwm) == 0, "status parses");
	is_int(rss, 24900, "VmRSS");
	is_int(hwm, 30000, "VmHWM");
	ok(proc_parse_status("Name:\tx\n", &rss, &hwm) < 0, "no VmRSS refused");
}

static void test_snmp(void)
{
	static const char snmp[] =
		"Ip: Forwarding DefaultTTL\nIp: 1 64\n"
		"Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors "
		"SndbufErrors InCsumErrors IgnoredMulti MemErrors\n"
		"Udp: 1000 2 7 900 5 3 0 0 0\n"
		"UdpLite: InDatagrams NoPorts\nUdpLite: 0 0\n";
	struct udp_sample u;

	ok(udp_parse_snmp(snmp, &u) == 0, "snmp parses");
	ok(u.in_datagrams == 1000 && u.out_datagrams == 900, "datagrams");
	ok(u.in_errors == 7 && u.rcvbuf_errors == 5 && u.sndbuf_errors == 3,
	   "errors");
	ok(udp_parse_snmp("Ip: a\nIp: 1\n", &u) < 0, "no Udp lines refused");
}

static void test_cpu(void)
{
	struct cpu_sample c;

	ok(cpu_parse_stat("cpu  100 5 50 1000 20 3 2 10 0 0\ncpu0 1 2 3 4\n", &c) == 0,
	   "/proc/stat parses");
	is_int(c.busy, 170, "busy: user nice system irq softirq steal");
	is_int(c.total, 1190, "total adds idle and iowait");
	ok(cpu_parse_stat("intr 1 2 3\n", &c) < 0, "no cpu line refused");
}

int main(void)
{
	test_cpu();
	test_snmp();
	test_acct();
	test_hist_buckets();
	test_hist_quantiles();
	test_proc();
	return tap_done();
}
