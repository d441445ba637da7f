/*
 * room.h - a worker's rooms and the membership rules of the contract.
 *
 * Each media worker owns one struct sfu_rooms: its rooms, their
 * participants, and a session -> participant index. Everything here runs
 * on that worker's thread only, so nothing is locked. Outcomes are told
 * through the emit hook (see cmd.h), which renders and delivers them.
 */
#ifndef SFU_ROOM_H
#define SFU_ROOM_H

#include "common.h"

#include "cmd.h"
#include "participant.h"

struct sfu_media_env;

struct sfu_room_limits {
	int max_participants; /* default per room */
	int max_rooms;        /* across all workers, see room_count */
	bool auto_create;     /* join creates a missing room */
	int resume_grace_ms;  /* 0 = a dropped socket leaves at once */
	int max_tracks;       /* per participant */
	int *room_count;      /* shared by all workers, updated atomically */
	const struct sfu_media_env *media; /* NULL: offers are refused */
};

struct sfu_rooms;
struct sfu_room;

/* lim is copied. emit is called synchronously for every outcome. */
struct sfu_rooms *sfu_rooms_new(const struct sfu_room_limits *lim,
				sfu_emit_fn emit, void *emit_ctx);
/* Frees every room and participant without emitting anything. */
void sfu_rooms_free(struct sfu_rooms *rs);

/* Carry out one command from the control thread. */
void sfu_rooms_handle(struct sfu_rooms *rs, const struct sfu_cmd *cmd,
		      int64_t now_ms);

/* Remove detached participants whose grace period ended. */
void sfu_rooms_tick(struct sfu_rooms *rs, int64_t now_ms);

/*
 * Create an empty room that stays until closed (the admin API's rooms).
 * max_participants 0 takes the default. Returns 0, -EEXIST, -ENOSPC
 * (server room limit) or -EINVAL (bad name).
 */
int sfu_rooms_create(struct sfu_rooms *rs, const char *name,
		     int max_participants, int64_t now_ms);

size_t sfu_rooms_count(const struct sfu_rooms *rs);
size_t sfu_rooms_participant_total(const struct sfu_rooms *rs);
struct sfu_room *sfu_rooms_find(const struct sfu_rooms *rs, const char *name);
/* The participant attached to session, or NULL. */
struct sfu_participant *sfu_rooms_by_session(const struct sfu_rooms *rs,
					     uint64_t session);

/* Call fn for every room of this worker. */
void sfu_rooms_foreach(const struct sfu_rooms *rs,
		       void (*fn)(const struct sfu_room *r, void *ctx), void *ctx);

/* Close a room: its participants get room_closed and their sockets
 * close. Returns 0 or -ENOENT. */
int sfu_rooms_close(struct sfu_rooms *rs, const char *name, const char *reason);
/* Kick one participant: it gets kicked, the others participant_left.
 * Returns 0 or -ENOENT (no such room or participant). */
int sfu_rooms_kick(struct sfu_rooms *rs, const char *room, const char *id,
		   const char *reason);

/* Counters of participants that have left, for server-wide totals. */
struct sfu_rooms_totals {
	uint64_t packets_in, bytes_in, packets_out, bytes_out;
	uint64_t nacks_received, retransmitted, plis_received;
	uint64_t nacks_sent, plis_sent;
	uint64_t participants_total; /* joins since start */
};
const struct sfu_rooms_totals *sfu_rooms_gone(const struct sfu_rooms *rs);

const struct sfu_participant *sfu_room_find_participant(const struct sfu_room *r,
							const char *id);
const char *sfu_room_name(const struct sfu_room *r);
int sfu_room_max_participants(const struct sfu_room *r);
int64_t sfu_room_created_at(const struct sfu_room *r);
size_t sfu_room_participant_count(const struct sfu_room *r);
const struct sfu_participant *sfu_room_participant_at(const struct sfu_room *r,
						      size_t i);

#endif
