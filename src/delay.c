/*
 * delay.c - the fixed-bound delay histogram (delay.h).
 *
 * The bounds are dense between 50 µs and 2 ms, where a forwarding
 * server's delay lives and where the 1 ms mark that matters to a call
 * is, and sparse beyond, up to a second.
 */
#include "delay.h"

const uint32_t sfu_delay_bound_us[SFU_DELAY_BOUNDS] = {
	10,   25,   50,   75,    100,   150,   200,    300,
	400,  500,  750,  1000,  1500,  2000,  3000,   5000,
	10000, 25000, 50000, 100000, 250000, 1000000,
};

void sfu_delay_add(struct sfu_delay_hist *h, uint64_t us)
{
	size_t i = 0;

	while (i < SFU_DELAY_BOUNDS && us > sfu_delay_bound_us[i])
		i++;
	h->bucket[i]++;
	h->count++;
	h->sum_us += us;
	if (us > h->max_us)
		h->max_us = us;
}

void sfu_delay_merge(struct sfu_delay_hist *to,
		     const struct sfu_delay_hist *from)
{
	for (size_t i = 0; i <= SFU_DELAY_BOUNDS; i++)
		to->bucket[i] += from->bucket[i];
	to->count += from->count;
	to->sum_us += from->sum_us;
	if (from->max_us > to->max_us)
		to->max_us = from->max_us;
}

static uint64_t minus(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

void sfu_delay_diff(struct sfu_delay_hist *to, const struct sfu_delay_hist *later,
		    const struct sfu_delay_hist *earlier)
{
	for (size_t i = 0; i <= SFU_DELAY_BOUNDS; i++)
		to->bucket[i] = minus(later->bucket[i], earlier->bucket[i]);
	to->count = minus(later->count, earlier->count);
	to->sum_us = minus(later->sum_us, earlier->sum_us);
	to->max_us = later->max_us;
}

double sfu_delay_quantile(const struct sfu_delay_hist *h, double q)
{
	uint64_t total = 0, seen = 0;
	double want, lo = 0, hi, v;
	size_t i;

	for (i = 0; i <= SFU_DELAY_BOUNDS; i++)
		total += h->bucket[i];
	if (!total || q <= 0 || q >= 1)
		return total && q >= 1 ? (double)h->max_us : 0;
	want = q * (double)total;
	for (i = 0; i < SFU_DELAY_BOUNDS; i++) {
		if ((double)(seen + h->bucket[i]) >= want)
			break;
		seen += h->bucket[i];
		lo = sfu_delay_bound_us[i];
	}
	/* In the +Inf bucket the maximum is the only upper end known. */
	hi = i < SFU_DELAY_BOUNDS ? sfu_delay_bound_us[i] : (double)h->max_us;
	if (hi < lo)
		hi = lo;
	v = lo + (hi - lo) * (want - (double)seen) / (double)h->bucket[i];
	return h->max_us && v > (double)h->max_us ? (double)h->max_us : v;
}
