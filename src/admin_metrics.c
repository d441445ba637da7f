/*
 * admin_metrics.c - GET /metrics: the admin API's figures in the
 * Prometheus text exposition format (0.0.4): server-wide gauges and
 * counters, the forward delay histogram, per-worker I/O counters and
 * per-room gauges. Everything is gathered on the workers' threads, as
 * for the JSON routes (admin.c).
 */
#include "admin-int.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "clock.h"

struct text {
	char *buf;
	size_t len, cap;
};

static void SFU_PRINTF(2, 3) put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < t->cap - t->len)
			break;
		t->cap = t->cap * 2 + (size_t)(n > 0 ? n : 0) + 256;
		t->buf = sfu_xrealloc(t->buf, t->cap);
	}
	t->len += (size_t)n;
}

static void metric(struct text *t, const char *name, const char *type,
		   const char *help, uint64_t value)
{
	put(t, "# HELP %s %s\n# TYPE %s %s\n%s %llu\n", name, help, name, type,
	    name, (unsigned long long)value);
}

static void delay_metrics(struct text *t, const struct sfu_delay_hist *h)
{
	static const char name[] = "starling_forward_delay_seconds";
	uint64_t cum = 0;

	put(t, "# HELP %s Time from the kernel receiving a media datagram to the "
	       "server having sent what it caused.\n# TYPE %s histogram\n",
	    name, name);
	for (size_t i = 0; i < SFU_DELAY_BOUNDS; i++) {
		cum += h->bucket[i];
		put(t, "%s_bucket{le=\"%g\"} %llu\n", name,
		    sfu_delay_bound_us[i] / 1e6, (unsigned long long)cum);
	}
	put(t, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.6f\n%s_count %llu\n", name,
	    (unsigned long long)h->count, name, (double)h->sum_us / 1e6, name,
	    (unsigned long long)h->count);
}

/* A counter family whose value is a uint64_t member of some struct. */
struct field {
	const char *name, *help;
	size_t offset;
};
#define FIELD(type, name, member, help) { name, help, offsetof(type, member) }

static uint64_t field_value(const void *base, const struct field *f)
{
	return *(const uint64_t *)((const char *)base + f->offset);
}

/* Per-worker counters, one family per field of struct sfu_worker_io. */
#define IO(name, member, help) FIELD(struct sfu_worker_io, name, member, help)
static const struct field io_counters[] = {
	IO("starling_worker_wakeups_total", wakeups,
	   "Times the worker's loop woke."),
	IO("starling_worker_glib_runs_total", glib_runs,
	   "Wakeups that ran GLib's sources (timers, signaling, libnice)."),
	IO("starling_worker_receive_calls_total", receive_calls,
	   "recvmmsg calls that returned datagrams on the worker's own sockets."),
	IO("starling_worker_datagrams_received_total", datagrams_in,
	   "Datagrams the worker read from its own sockets."),
	IO("starling_worker_held_datagrams_total", held_datagrams,
	   "Datagrams sent after their receive batch, through the outbox."),
	IO("starling_worker_held_sends_total", held_sends,
	   "System calls the outbox's datagrams took."),
	IO("starling_worker_gso_sends_total", gso_sends,
	   "Outbox sends that carried several datagrams (UDP GSO)."),
};

static void worker_metrics(struct text *t, const struct totals *tot)
{
	for (size_t k = 0; k < SFU_ARRAY_SIZE(io_counters); k++) {
		put(t, "# HELP %s %s\n# TYPE %s counter\n", io_counters[k].name,
		    io_counters[k].help, io_counters[k].name);
		for (int i = 0; i < tot->n_io; i++)
			put(t, "%s{worker=\"%d\"} %llu\n", io_counters[k].name, i,
			    (unsigned long long)field_value(&tot->io[i],
							    &io_counters[k]));
	}
}

/* Per-room gauges, one family at a time. */
enum room_family { RF_PARTICIPANTS, RF_TRACKS, RF_IN, RF_OUT, RF_COUNT };

static const struct {
	const char *name, *help;
} room_families[RF_COUNT] = {
	{ "starling_room_participants", "Participants in the room." },
	{ "starling_room_tracks", "Published tracks in the room." },
	{ "starling_room_receive_bits_per_second",
	  "Media bitrate the room's publishers send to the server." },
	{ "starling_room_send_bits_per_second",
	  "Media bitrate the server sends to the room's subscribers." },
};

struct room_lines {
	struct text fam[RF_COUNT];
};

static void room_metrics(const struct sfu_room *r, void *ctx)
{
	struct room_lines *rl = ctx;
	struct room_sums s;
	uint64_t vals[RF_COUNT];

	sfu__admin_sum_room(r, &s);
	vals[RF_PARTICIPANTS] = s.participants;
	vals[RF_TRACKS] = s.tracks;
	vals[RF_IN] = s.bitrate_in;
	vals[RF_OUT] = s.bitrate_out;
	/* Room names are [A-Za-z0-9_.-]: nothing to escape in the label. */
	for (int f = 0; f < RF_COUNT; f++)
		put(&rl->fam[f], "%s{room=\"%s\"} %llu\n", room_families[f].name,
		    sfu_room_name(r), (unsigned long long)vals[f]);
}

static void w_room_metrics(struct sfu_rooms *rs, void *ctx)
{
	sfu_rooms_foreach(rs, room_metrics, ctx);
}

/* The server-wide counters, as a table over struct sfu_rooms_totals. */
#define COUNTER(name, member, help) \
	FIELD(struct sfu_rooms_totals, name, member, help)
static const struct field counters[] = {
	COUNTER("starling_participants_joined_total", participants_total,
		"Participants that joined since start."),
	COUNTER("starling_packets_in_total", packets_in,
		"Datagrams received on media transports."),
	COUNTER("starling_packets_out_total", packets_out,
		"Datagrams sent on media transports."),
	COUNTER("starling_bytes_in_total", bytes_in,
		"Bytes received on media transports."),
	COUNTER("starling_bytes_out_total", bytes_out,
		"Bytes sent on media transports."),
	COUNTER("starling_nacks_received_total", nacks_received,
		"NACK packets received from subscribers."),
	COUNTER("starling_nacks_sent_total", nacks_sent,
		"NACK packets sent to publishers."),
	COUNTER("starling_plis_received_total", plis_received,
		"PLI and FIR requests received from subscribers."),
	COUNTER("starling_plis_sent_total", plis_sent,
		"PLI and FIR requests sent to publishers."),
	COUNTER("starling_retransmitted_packets_total", retransmitted,
		"Packets resent to subscribers in answer to NACKs."),
};

void sfu__admin_metrics(struct sfu_admin *a, struct sfu_admin_response *out)
{
	struct text t = { 0 };
	struct room_lines rl;
	struct totals tot;

	memset(&rl, 0, sizeof(rl));
	sfu__admin_gather_totals(a, &tot);
	metric(&t, "starling_rooms", "gauge", "Rooms open now.", tot.rooms);
	metric(&t, "starling_participants", "gauge", "Participants in all rooms now.",
	       tot.participants);
	metric(&t, "starling_tracks", "gauge", "Published tracks now.", tot.tracks);
	metric(&t, "starling_subscriptions_missing", "gauge",
	       "Tracks participants do not receive now because their "
	       "connection has every m-section in use.",
	       tot.subscriptions_missing);
	metric(&t, "starling_worker_threads", "gauge", "Media worker threads.",
	       (uint64_t)a->n_workers);
	metric(&t, "starling_uptime_seconds", "gauge", "Seconds since the server started.",
	       (uint64_t)((sfu_now_ms() - a->started_ms) / 1000));
	for (size_t i = 0; i < SFU_ARRAY_SIZE(counters); i++)
		metric(&t, counters[i].name, "counter", counters[i].help,
		       field_value(&tot.t, &counters[i]));
	delay_metrics(&t, &tot.delay);
	worker_metrics(&t, &tot);
	sfu__admin_totals_done(&tot);
	for (int i = 0; i < a->n_workers; i++)
		sfu_worker_call(a->workers[i], w_room_metrics, &rl);
	for (int f = 0; f < RF_COUNT; f++) {
		put(&t, "# HELP %s %s\n# TYPE %s gauge\n%s", room_families[f].name,
		    room_families[f].help, room_families[f].name,
		    rl.fam[f].buf ? rl.fam[f].buf : "");
		free(rl.fam[f].buf);
	}
	out->status = 200;
	out->content_type = "text/plain; version=0.0.4; charset=utf-8";
	out->body = t.buf;
}