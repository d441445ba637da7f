/*
 * delay.h - a delay histogram with fixed bucket bounds (microseconds), the
 * shape Prometheus histograms have: a count per bound of the samples at
 * or below it, plus the count, sum and maximum of all samples.
 *
 * The server keeps one per worker for the time a media datagram spends in
 * it (udpmux.c: from the kernel queuing it to the end of the sends it
 * caused); the admin API reports it (docs/admin-api.md) and the bench
 * takes the difference of two snapshots for its measured window. Adding a
 * sample is a short scan from the lowest bound, since most samples are
 * small. Pure: no I/O, no allocation.
 */
#ifndef SFU_DELAY_H
#define SFU_DELAY_H

#include <stddef.h>
#include <stdint.h>

/* The bounds, µs, ascending; samples above the last go to the +Inf
 * bucket (index SFU_DELAY_BOUNDS). */
#define SFU_DELAY_BOUNDS 22
extern const uint32_t sfu_delay_bound_us[SFU_DELAY_BOUNDS];

struct sfu_delay_hist {
	uint64_t bucket[SFU_DELAY_BOUNDS + 1]; /* not cumulative */
	uint64_t count;
	uint64_t sum_us;
	uint64_t max_us;
};

void sfu_delay_add(struct sfu_delay_hist *h, uint64_t us);
void sfu_delay_merge(struct sfu_delay_hist *to,
		     const struct sfu_delay_hist *from);
/* to = later - earlier, for two snapshots of one histogram (max stays
 * later's: a maximum cannot be subtracted). */
void sfu_delay_diff(struct sfu_delay_hist *to, const struct sfu_delay_hist *later,
		    const struct sfu_delay_hist *earlier);
/* The q-quantile (0 < q < 1) in µs, interpolated linearly inside its
 * bucket as Prometheus' histogram_quantile does, and never above the
 * maximum; 0 when empty. */
double sfu_delay_quantile(const struct sfu_delay_hist *h, double q);

#endif
