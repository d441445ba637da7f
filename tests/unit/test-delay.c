/*
 * test-delay.c - tests src/delay.c: samples land in the first bucket whose
 * bound is at or above them (a bound itself included, larger ones in
 * +Inf), merging and differencing snapshots, and quantiles interpolated
 * inside their bucket, clamped to the maximum, for empty, one-sample,
 * uniform and long-tailed histograms.
 */
#include "delay.h"

#include <string.h>

#include "tap.h"

static struct sfu_delay_hist h, g, d;

static void test_buckets(void)
{
	memset(&h, 0, sizeof(h));
	sfu_delay_add(&h, 0);
	sfu_delay_add(&h, 10);
	sfu_delay_add(&h, 11);
	sfu_delay_add(&h, 1000);
	sfu_delay_add(&h, 1001);
	sfu_delay_add(&h, 1000000);
	sfu_delay_add(&h, 1000001);
	sfu_delay_add(&h, UINT32_MAX);
	is_int(h.bucket[0], 2, "0 and 10 are at or below 10");
	is_int(h.bucket[1], 1, "11 is in (10, 25]");
	is_int(h.bucket[11], 1, "1000 is in (750, 1000]");
	is_int(h.bucket[12], 1, "1001 is in (1000, 1500]");
	is_int(h.bucket[SFU_DELAY_BOUNDS - 1], 1, "the last bound holds 1 s");
	is_int(h.bucket[SFU_DELAY_BOUNDS], 2, "beyond it: +Inf");
	is_int(h.count, 8, "count");
	is_int(h.max_us, UINT32_MAX, "max");
	is_int(h.sum_us, 0 + 10 + 11 + 1000 + 1001 + 1000000 + 1000001 +
			 (uint64_t)UINT32_MAX, "sum");
	for (int i = 1; i < SFU_DELAY_BOUNDS; i++)
		if (sfu_delay_bound_us[i] <= sfu_delay_bound_us[i - 1])
			ok(0, "bounds ascend at %d", i);
}

static void test_merge_diff(void)
{
	memset(&h, 0, sizeof(h));
	memset(&g, 0, sizeof(g));
	sfu_delay_add(&h, 40);
	sfu_delay_add(&g, 40);
	sfu_delay_add(&g, 4000);
	sfu_delay_merge(&h, &g);
	is_int(h.count, 3, "merge: counts add");
	is_int(h.bucket[2], 2, "merge: buckets add");
	is_int(h.max_us, 4000, "merge: the larger max");
	is_int(h.sum_us, 4080, "merge: sums add");

	g = h; /* a snapshot, then more samples */
	sfu_delay_add(&h, 120);
	sfu_delay_add(&h, 130);
	sfu_delay_diff(&d, &h, &g);
	is_int(d.count, 2, "diff: the samples between the snapshots");
	is_int(d.bucket[5], 2, "diff: in their bucket");
	is_int(d.bucket[2], 0, "diff: earlier ones gone");
	is_int(d.sum_us, 250, "diff: their sum");
	sfu_delay_diff(&d, &g, &h);
	is_int(d.count, 0, "diff of a later snapshot from an earlier: 0, not a wrap");
}

static void test_quantiles(void)
{
	memset(&h, 0, sizeof(h));
	ok(sfu_delay_quantile(&h, 0.5) == 0, "empty: 0");
	sfu_delay_add(&h, 60);
	ok(sfu_delay_quantile(&h, 0.99) <= 60, "one sample: never above it");
	ok(sfu_delay_quantile(&h, 0.5) > 50, "one sample: inside its bucket");
	ok(sfu_delay_quantile(&h, 1.0) == 60, "q = 1: the max");

	/* 1000 samples spread evenly over (200, 300]: interpolation gives
	 * the quantile within a few µs. */
	memset(&h, 0, sizeof(h));
	for (int i = 1; i <= 1000; i++)
		sfu_delay_add(&h, 200 + (uint64_t)(i + 9) / 10);
	double p50 = sfu_delay_quantile(&h, 0.5), p99 = sfu_delay_quantile(&h, 0.99);
	ok(p50 > 245 && p50 < 255, "uniform (200, 300]: p50 %.1f near 250", p50);
	ok(p99 > 295 && p99 <= 300, "uniform (200, 300]: p99 %.1f near 299", p99);

	/* 98 fast ones, two slow: p50 stays fast, p99 falls in the tail. */
	memset(&h, 0, sizeof(h));
	for (int i = 0; i < 98; i++)
		sfu_delay_add(&h, 80);
	sfu_delay_add(&h, 1200);
	sfu_delay_add(&h, 1400);
	ok(sfu_delay_quantile(&h, 0.5) <= 100, "tail: p50 fast");
	p99 = sfu_delay_quantile(&h, 0.99);
	ok(p99 > 1000 && p99 <= 1400, "tail: p99 %.1f in (1000, 1400]", p99);

	/* Only +Inf: interpolated up to the max. */
	memset(&h, 0, sizeof(h));
	sfu_delay_add(&h, 3000000);
	sfu_delay_add(&h, 5000000);
	p50 = sfu_delay_quantile(&h, 0.5);
	ok(p50 >= 1000000 && p50 <= 5000000, "+Inf only: between the last bound and the max");
}

int main(void)
{
	test_buckets();
	test_merge_diff();
	test_quantiles();
	return tap_done();
}
