/*
 * admin-int.h - what admin.c (the JSON routes) and admin_metrics.c (the
 * Prometheus exposition) share: the admin object, a room's sums and the
 * server-wide totals, both read on the workers' threads.
 */
#ifndef SFU_ADMIN_INT_H
#define SFU_ADMIN_INT_H

#include "admin.h"
#include "room.h"
#include "worker.h"

struct sfu_admin {
	const struct sfu_config *cfg;
	struct sfu_worker **workers;
	int n_workers;
	int64_t started_ms;
};

/* Counts and bitrates of one room (on its worker). */
struct room_sums {
	size_t participants, tracks;
	uint64_t bitrate_in, bitrate_out;
};
void sfu__admin_sum_room(const struct sfu_room *r, struct room_sums *s);

/* Server-wide counters, summed over workers; io[i] is worker i's. */
struct totals {
	uint64_t rooms, participants, tracks;
	uint64_t subscriptions_missing; /* sfu_media_subscriptions_missing */
	struct sfu_rooms_totals t; /* gone + live */
	struct sfu_worker_io *io;  /* n_io of them */
	int n_io;
	struct sfu_delay_hist delay; /* since start, every worker */
};
/* Fills *tot (asking every worker); sfu__admin_totals_done frees it. */
void sfu__admin_gather_totals(struct sfu_admin *a, struct totals *tot);
void sfu__admin_totals_done(struct totals *tot);

/* GET /metrics. */
void sfu__admin_metrics(struct sfu_admin *a, struct sfu_admin_response *out);

#endif
