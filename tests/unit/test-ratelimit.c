/*
 * test-ratelimit.c - tests src/ratelimit.h: the burst is allowed and then
 * refused, tokens come back at the configured rate (fractions carried),
 * never beyond the burst, not when the clock steps backwards, and huge
 * idle times or the configured maxima do not overflow.
 */
#include "ratelimit.h"

#include <stdio.h>

#include "tap.h"

/* Take as many tokens as there are at now_ms, up to limit tries. */
static int drain(struct sfu_ratelimit *rl, int64_t now_ms, int limit)
{
	int n = 0;

	while (n < limit && sfu_ratelimit_take(rl, now_ms))
		n++;
	return n;
}

static void test_burst(void)
{
	struct sfu_ratelimit rl;

	sfu_ratelimit_init(&rl, 5, 10, 1000);
	is_int(drain(&rl, 1000, 100), 10, "burst: 10 taken at once");
	ok(!sfu_ratelimit_take(&rl, 1000), "burst: the 11th is refused");
	ok(!sfu_ratelimit_take(&rl, 1000), "burst: and refused again");

	sfu_ratelimit_init(&rl, 1, 1, 0);
	ok(sfu_ratelimit_take(&rl, 0), "burst 1: one taken");
	ok(!sfu_ratelimit_take(&rl, 0), "burst 1: second refused");
	ok(!sfu_ratelimit_take(&rl, 999), "burst 1: not back after 999 ms");
	ok(sfu_ratelimit_take(&rl, 1000), "burst 1: back after 1 s");
}

static void test_refill(void)
{
	struct sfu_ratelimit rl;
	int allowed = 0;

	/* 5 per second: one token every 200 ms. */
	sfu_ratelimit_init(&rl, 5, 10, 1000);
	drain(&rl, 1000, 100);
	ok(!sfu_ratelimit_take(&rl, 1199), "refill: none after 199 ms");
	ok(sfu_ratelimit_take(&rl, 1200), "refill: one after 200 ms, "
					  "the 199 ms carried over");
	ok(!sfu_ratelimit_take(&rl, 1200), "refill: only one");
	for (int64_t t = 1201; t < 1400; t++)
		allowed += sfu_ratelimit_take(&rl, t);
	is_int(allowed, 0, "refill: none in the next 199 1-ms steps");
	ok(sfu_ratelimit_take(&rl, 1400), "refill: one at 400 ms");
	is_int(drain(&rl, 2400, 100), 5, "refill: five after one more second");
	is_int(drain(&rl, 3400, 100), 5, "refill: five again a second later");

	/* A refused take costs nothing. */
	sfu_ratelimit_init(&rl, 5, 10, 0);
	drain(&rl, 0, 100);
	for (int i = 0; i < 50; i++)
		sfu_ratelimit_take(&rl, 100);
	ok(sfu_ratelimit_take(&rl, 200), "refill: refusals do not cost");

	/* Sustained: 10 s of a request every 10 ms gets burst + rate*10. */
	sfu_ratelimit_init(&rl, 5, 10, 0);
	allowed = 0;
	for (int64_t t = 0; t <= 10000; t += 10)
		allowed += sfu_ratelimit_take(&rl, t);
	is_int(allowed, 10 + 5 * 10, "refill: 10 s at 100/s allows 60");

	/* The defaults: 20 per second, burst 40. */
	sfu_ratelimit_init(&rl, 20, 40, 0);
	allowed = 0;
	for (int64_t t = 0; t < 60000; t++)
		allowed += sfu_ratelimit_take(&rl, t);
	is_int(allowed, 40 + 20 * 60 - 1,
	       "refill: a minute of 1000/s at 20/s burst 40");
}

static void test_cap(void)
{
	struct sfu_ratelimit rl;

	sfu_ratelimit_init(&rl, 5, 10, 0);
	drain(&rl, 0, 100);
	is_int(drain(&rl, 3600 * 1000, 100), 10,
	       "cap: an hour idle gives the burst, no more");
	is_int(drain(&rl, 3600 * 1000 + 200, 100), 1,
	       "cap: then the rate again");

	sfu_ratelimit_init(&rl, 5, 10, 0);
	drain(&rl, 0, 3);
	is_int(drain(&rl, 100000, 100), 10,
	       "cap: a partial bucket fills to the burst");
	ok(rl.tokens <= rl.burst, "cap: tokens never above burst");
}

static void test_backwards(void)
{
	struct sfu_ratelimit rl;

	sfu_ratelimit_init(&rl, 5, 10, 10000);
	drain(&rl, 10000, 100);
	ok(!sfu_ratelimit_take(&rl, 5000), "backwards: earlier time refused");
	ok(!sfu_ratelimit_take(&rl, 0), "backwards: far earlier refused");
	ok(!sfu_ratelimit_take(&rl, 10000), "backwards: no tokens on return");
	ok(!sfu_ratelimit_take(&rl, 10199), "backwards: still none at +199");
	ok(sfu_ratelimit_take(&rl, 10200),
	   "backwards: refill counts from the latest time seen");

	/* A clock that stepped back then runs forward from there gets
	 * nothing until it passes the old time again. */
	sfu_ratelimit_init(&rl, 5, 10, 10000);
	drain(&rl, 10000, 100);
	is_int(drain(&rl, 9000, 100), 0, "backwards: none at 9000");
	is_int(drain(&rl, 9900, 100), 0, "backwards: none at 9900");
	is_int(drain(&rl, 10400, 100), 2, "backwards: two at 10400");
	ok(rl.tokens >= 0, "backwards: tokens never negative");
}

static void test_overflow(void)
{
	struct sfu_ratelimit rl;

	sfu_ratelimit_init(&rl, 5, 10, 0);
	drain(&rl, 0, 100);
	is_int(drain(&rl, INT64_MAX, 100), 10, "overflow: idle to INT64_MAX");
	ok(rl.tokens >= 0 && rl.tokens <= rl.burst,
	   "overflow: tokens within [0, burst]");
	ok(!sfu_ratelimit_take(&rl, INT64_MAX), "overflow: then refused");

	sfu_ratelimit_init(&rl, 5, 10, INT64_MAX / 2);
	drain(&rl, INT64_MAX / 2, 100);
	is_int(drain(&rl, INT64_MAX, 100), 10,
	       "overflow: from INT64_MAX/2 to INT64_MAX");

	/* The configuration's maxima: rate 10000/s, burst 100000. */
	sfu_ratelimit_init(&rl, 10000, 100000, 0);
	is_int(drain(&rl, 0, 200000), 100000, "overflow: burst 100000");
	is_int(drain(&rl, 1, 200000), 10, "overflow: 10 per ms at 10000/s");
	is_int(drain(&rl, INT64_MAX, 200000), 100000,
	       "overflow: max rate and burst after INT64_MAX ms");
	ok(rl.tokens >= 0 && rl.tokens <= rl.burst,
	   "overflow: max config tokens within [0, burst]");
}

int main(void)
{
	test_burst();
	test_refill();
	test_cap();
	test_backwards();
	test_overflow();
	return tap_done();
}
