/*
 * room-t.h - the insides of a worker's rooms, shared by room.c
 * (membership) and room_media.c (offers, answers, tracks and who receives
 * what). Nothing else includes it.
 */
#ifndef SFU_ROOM_T_H
#define SFU_ROOM_T_H

#include <glib.h>

#include "room.h"

struct sfu_room {
	char name[SFU_ROOM_NAME_MAX + 1];
	int max_participants;
	bool persistent;
	bool closing; /* being closed: no per-participant news */
	int64_t created_at_ms;
	GPtrArray *participants; /* struct sfu_participant *, join order */
	struct sfu_rooms *owner;
};

struct sfu_rooms {
	struct sfu_room_limits lim;
	GHashTable *rooms;    /* name -> struct sfu_room * (owned) */
	GHashTable *sessions; /* session (boxed uint64) -> participant */
	GHashTable *where;    /* struct sfu_participant * -> struct sfu_room * */
	size_t n_participants;
	struct sfu_rooms_totals gone;
	bool trim; /* someone left: return freed memory at the next tick */
	sfu_emit_fn emit;
	void *emit_ctx;
};

/* room.c */
void sfu__room_emit_error(struct sfu_rooms *rs, const struct sfu_cmd *cmd,
			  enum sfu_err err, const char *message,
			  enum sfu_session_effect effect);
/* Tell every attached participant of r but except about ev. */
void sfu__room_emit_others(struct sfu_rooms *rs, struct sfu_room *r,
			   const struct sfu_participant *except,
			   struct sfu_event *ev);
/* Remove p from r, tell the others, drop an empty transient room. */
void sfu__participant_remove(struct sfu_rooms *rs, struct sfu_room *r,
			     struct sfu_participant *p, const char *why);

/* room_media.c */
void sfu__rooms_media_cmd(struct sfu_rooms *rs, const struct sfu_cmd *cmd);
/* Send an offer to every participant of r whose negotiation wants one. */
void sfu__room_flush_offers(struct sfu_rooms *rs, struct sfu_room *r);
/* p resumed on a new socket: repeat an offer it may have missed. */
void sfu__participant_resumed(struct sfu_rooms *rs, struct sfu_room *r,
			      struct sfu_participant *p);

#endif
