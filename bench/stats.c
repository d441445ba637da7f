/*
 * stats.c - loss, reorder, duplicate and latency accounting (stats.h).
 */
#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- sequence accounting ------------------------------------------------ */

void acct_init(struct acct *a)
{
	memset(a, 0, sizeof(*a));
}

static bool bit_get(const struct acct *a, uint32_t seq)
{
	uint32_t i = seq % ACCT_WINDOW;

	return a->seen[i / 8] & (1u << (i % 8));
}

static void bit_set(struct acct *a, uint32_t seq, bool on)
{
	uint32_t i = seq % ACCT_WINDOW;

	if (on)
		a->seen[i / 8] |= (uint8_t)(1u << (i % 8));
	else
		a->seen[i / 8] &= (uint8_t)~(1u << (i % 8));
}

int acct_add(struct acct *a, uint32_t seq)
{
	a->received++;
	if (!a->started) {
		a->started = true;
		a->lowest = a->highest = seq;
		bit_set(a, seq, true);
		a->unique++;
		return 1;
	}
	if (seq > a->highest) {
		/* Clear the bits of the sequence numbers skipped over (and
		 * of the one reused), which the window now reaches. */
		uint64_t gap = (uint64_t)seq - a->highest;
		if (gap >= ACCT_WINDOW) {
			memset(a->seen, 0, sizeof(a->seen));
		} else {
			for (uint32_t s = a->highest + 1; s != seq + 1; s++)
				bit_set(a, s, false);
		}
		a->highest = seq;
		bit_set(a, seq, true);
		a->unique++;
		return 1;
	}
	if (a->highest - seq >= ACCT_WINDOW) {
		/* Too old to check: assume it is new. */
		a->too_old++;
		a->reordered++;
		a->unique++;
		if (seq < a->lowest)
			a->lowest = seq;
		return 1;
	}
	if (seq >= a->lowest && bit_get(a, seq)) {
		a->duplicates++;
		return 0;
	}
	if (seq < a->lowest)
		a->lowest = seq;
	bit_set(a, seq, true);
	a->reordered++;
	a->unique++;
	return 1;
}

uint64_t acct_expected(const struct acct *a)
{
	return a->started ? (uint64_t)a->highest - a->lowest + 1 : 0;
}

uint64_t acct_lost(const struct acct *a)
{
	uint64_t e = acct_expected(a);

	return e > a->unique ? e - a->unique : 0;
}

/* ---- latency histogram -------------------------------------------------- */

void hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
}

static int msb(uint64_t v)
{
	return 63 - __builtin_clzll(v);
}

size_t hist_bucket(uint64_t v)
{
	int shift;
	size_t i;

	if (v < 2 * HIST_SUB)
		return (size_t)v;
	shift = msb(v) - 6; /* v >> shift in [64, 127] */
	i = 2 * HIST_SUB + (size_t)(shift - 1) * HIST_SUB +
	    (size_t)((v >> shift) - HIST_SUB);
	return i < HIST_BUCKETS ? i : HIST_BUCKETS - 1;
}

uint64_t hist_bucket_low(size_t i)
{
	size_t shift;

	if (i < 2 * HIST_SUB)
		return i;
	shift = (i - 2 * HIST_SUB) / HIST_SUB + 1;
	return (uint64_t)(HIST_SUB + (i - 2 * HIST_SUB) % HIST_SUB) << shift;
}

void hist_add(struct hist *h, uint64_t v)
{
	if (h->n == 0 || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->n++;
	h->sum += v;
	h->count[hist_bucket(v)]++;
}

void hist_merge(struct hist *dst, const struct hist *src)
{
	if (!src->n)
		return;
	if (dst->n == 0 || src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	dst->n += src->n;
	dst->sum += src->sum;
	for (size_t i = 0; i < HIST_BUCKETS; i++)
		dst->count[i] += src->count[i];
}

uint64_t hist_quantile(const struct hist *h, double q)
{
	uint64_t want, seen = 0;

	if (!h->n)
		return 0;
	if (q <= 0)
		return h->min;
	if (q >= 1)
		return h->max;
	want = (uint64_t)(q * (double)h->n);
	if ((double)want < q * (double)h->n)
		want++;
	if (want == 0)
		want = 1;
	for (size_t i = 0; i < HIST_BUCKETS; i++) {
		seen += h->count[i];
		if (seen >= want) {
			uint64_t lo = hist_bucket_low(i);
			uint64_t hi = i + 1 < HIST_BUCKETS ? hist_bucket_low(i + 1)
							   : lo + 1;
			uint64_t v = lo + (hi - lo - 1) / 2;
			if (v < h->min)
				v = h->min;
			if (v > h->max)
				v = h->max;
			return v;
		}
	}
	return h->max;
}

double hist_mean(const struct hist *h)
{
	return h->n ? (double)h->sum / (double)h->n : 0;
}

/* ---- /proc -------------------------------------------------------------- */

int proc_parse_stat(const char *text, uint64_t *ticks, int *threads)
{
	/* The command name may hold spaces and parentheses: the fields
	 * start after the last ')'. Field 3 is state; utime and stime are
	 * fields 14 and 15, num_threads field 20. */
	const char *p = strrchr(text, ')');
	unsigned long long v[18];
	int field = 3;

	if (!p)
		return -1;
	p++;
	while (field <= 20) {
		char *end;
		while (*p == ' ')
			p++;
		if (!*p)
			return -1;
		if (field == 3) {
			while (*p && *p != ' ')
				p++;
		} else {
			v[field - 3] = strtoull(p, &end, 10);
			if (end == p)
				return -1;
			p = end;
		}
		field++;
	}
	*ticks = v[14 - 3] + v[15 - 3];
	if (threads)
		*threads = (int)v[20 - 3];
	return 0;
}

static int status_field(const char *text, const char *key, uint64_t *out)
{
	size_t klen = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p) {
		if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
			*out = strtoull(p + klen + 1, NULL, 10);
			return 0;
		}
	}
	return -1;
}

int proc_parse_status(const char *text, uint64_t *rss_kb, uint64_t *hwm_kb)
{
	if (status_field(text, "VmRSS", rss_kb) < 0)
		return -1;
	if (status_field(text, "VmHWM", hwm_kb) < 0)
		*hwm_kb = *rss_kb;
	return 0;
}

static int read_text(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = '\0';
	return n ? 0 : -1;
}

int proc_sample(pid_t pid, struct proc_sample *out)
{
	char path[64], buf[8192];
	uint64_t ticks;
	long hz = sysconf(_SC_CLK_TCK);

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_text(path, buf, sizeof(buf)) < 0 ||
	    proc_parse_stat(buf, &ticks, &out->threads) < 0)
		return -1;
	out->cpu_us = ticks * 1000000u / (uint64_t)(hz > 0 ? hz : 100);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_text(path, buf, sizeof(buf)) < 0 ||
	    proc_parse_status(buf, &out->rss_kb, &out->hwm_kb) < 0)
		return -1;
	return 0;
}

/* ---- /proc/net/snmp ------------------------------------------------------ */

int udp_parse_snmp(const char *text, struct udp_sample *out)
{
	const char *names = strstr(text, "\nUdp: "), *values;
	char name[64];
	int found = 0;

	if (!names && strncmp(text, "Udp: ", 5) == 0)
		names = text;
	else if (names)
		names++;
	if (!names)
		return -1;
	values = strstr(names + 1, "\nUdp: ");
	if (!values)
		return -1;
	memset(out, 0, sizeof(*out));
	names += 5;
	values += 6;
	for (;;) {
		size_t n = strcspn(names, " \n");
		char *end;
		unsigned long long v;

		if (n == 0 || n >= sizeof(name))
			break;
		memcpy(name, names, n);
		name[n] = '\0';
		v = strtoull(values, &end, 10);
		if (end == values)
			break;
		if (strcmp(name, "InDatagrams") == 0)
			out->in_datagrams = v, found++;
		else if (strcmp(name, "OutDatagrams") == 0)
			out->out_datagrams = v, found++;
		else if (strcmp(name, "InErrors") == 0)
			out->in_errors = v, found++;
		else if (strcmp(name, "RcvbufErrors") == 0)
			out->rcvbuf_errors = v, found++;
		else if (strcmp(name, "SndbufErrors") == 0)
			out->sndbuf_errors = v, found++;
		names += n;
		values = end;
		if (*names != ' ')
			break;
		names++;
	}
	return found ? 0 : -1;
}

int udp_sample(struct udp_sample *out)
{
	char buf[8192];

	if (read_text("/proc/net/snmp", buf, sizeof(buf)) < 0)
		return -1;
	return udp_parse_snmp(buf, out);
}

/* ---- /proc/stat ------------------------------------------------------------ */

int cpu_parse_stat(const char *text, struct cpu_sample *out)
{
	unsigned long long v[8] = { 0 };
	int n;

	n = sscanf(text, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
		   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
	if (n < 4)
		return -1;
	/* user nice system idle iowait irq softirq steal */
	out->busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
	out->total = out->busy + v[3] + v[4];
	return 0;
}

int cpu_sample(struct cpu_sample *out)
{
	char buf[4096];

	if (read_text("/proc/stat", buf, sizeof(buf)) < 0)
		return -1;
	return cpu_parse_stat(buf, out);
}
