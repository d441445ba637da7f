/*
 * stats.h - the bench's accounting: per-subscription loss, reordering and
 * duplicates from the bench header's 32-bit sequence numbers; a latency
 * histogram with percentiles; the server's CPU time and memory from
 * /proc.
 *
 * Pure except for the two /proc readers at the end (whose parsers are
 * exposed for tests).
 */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Sequence numbers further than this behind the newest one are too old
 * to tell a duplicate from a late packet; they count as late (and as
 * received once). */
#define ACCT_WINDOW 8192

/*
 * One subscription's sequence accounting. The counting starts at the
 * first packet received (a subscriber joins mid-stream, and video waits
 * for a keyframe), so expected = newest - oldest + 1 over what arrived.
 */
struct acct {
	bool started;
	uint32_t lowest, highest; /* oldest and newest sequence seen */
	uint64_t received;        /* every packet, duplicates included */
	uint64_t unique;
	uint64_t duplicates;
	uint64_t reordered;       /* arrived after a newer one */
	uint64_t too_old;         /* beyond the window: counted once */
	uint8_t seen[ACCT_WINDOW / 8]; /* bit (seq % WINDOW) */
};

void acct_init(struct acct *a);
/* Record one packet. Returns 1 for a new packet, 0 for a duplicate. */
int acct_add(struct acct *a, uint32_t seq);
/* newest - oldest + 1, or 0 before the first packet. */
uint64_t acct_expected(const struct acct *a);
/* expected - unique, never negative. */
uint64_t acct_lost(const struct acct *a);

/*
 * Latency histogram: log-linear buckets, exact below 128 µs, then 64
 * buckets per power of two (under 1.6 % relative error).
 */
#define HIST_SUB 64
#define HIST_BUCKETS (128 + 40 * HIST_SUB)

struct hist {
	uint64_t n;
	uint64_t sum;
	uint64_t min, max;
	uint32_t count[HIST_BUCKETS];
};

void hist_init(struct hist *h);
void hist_add(struct hist *h, uint64_t v);
/* Merge src into dst. */
void hist_merge(struct hist *dst, const struct hist *src);
/* The value at quantile q (0..1): the smallest bucket value with at
 * least ceil(q * n) samples at or below it (its midpoint, clamped to
 * [min, max]); 0 when empty. */
uint64_t hist_quantile(const struct hist *h, double q);
double hist_mean(const struct hist *h);
/* Bucket index of v and the smallest value of a bucket (for tests). */
size_t hist_bucket(uint64_t v);
uint64_t hist_bucket_low(size_t i);

/* Process CPU and memory, from /proc/<pid>/stat and /proc/<pid>/status. */
struct proc_sample {
	uint64_t cpu_us;  /* utime + stime of every thread */
	uint64_t rss_kb;  /* VmRSS */
	uint64_t hwm_kb;  /* VmHWM: peak RSS */
	int threads;
};

/* Parse the text of /proc/<pid>/stat: utime + stime in clock ticks and
 * the thread count. Returns 0 or -1. */
int proc_parse_stat(const char *text, uint64_t *ticks, int *threads);
/* Parse the text of /proc/<pid>/status for VmRSS and VmHWM (kB).
 * Returns 0 or -1 when VmRSS is missing. */
int proc_parse_status(const char *text, uint64_t *rss_kb, uint64_t *hwm_kb);
/* Read both for pid. Returns 0 or -1 (no such process). */
int proc_sample(pid_t pid, struct proc_sample *out);

/* The whole machine's CPU time (/proc/stat, first line), in clock
 * ticks: busy = user + nice + system + irq + softirq + steal. */
struct cpu_sample {
	uint64_t busy, total;
};

int cpu_parse_stat(const char *text, struct cpu_sample *out);
int cpu_sample(struct cpu_sample *out);

/* UDP counters of this network namespace (/proc/net/snmp): datagrams
 * dropped because a receive or send buffer was full. In the bench's
 * private namespace they belong to the bench and the server alone. */
struct udp_sample {
	uint64_t in_datagrams, out_datagrams;
	uint64_t in_errors, rcvbuf_errors, sndbuf_errors;
};

/* Parse the text of /proc/net/snmp. Returns 0 or -1 (no Udp lines). */
int udp_parse_snmp(const char *text, struct udp_sample *out);
int udp_sample(struct udp_sample *out);

#endif
