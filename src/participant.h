/*
 * participant.h - one member of a room, owned by the room (and so by the
 * room's worker). It is attached to a signaling session, or detached for
 * the resume grace period after its socket dropped.
 */
#ifndef SFU_PARTICIPANT_H
#define SFU_PARTICIPANT_H

#include "common.h"

#include "names.h"

enum sfu_track_kind {
	SFU_TRACK_AUDIO,
	SFU_TRACK_VIDEO,
};

#define SFU_TRACK_LABEL_MAX 64

/* A published track: a value object, so its type is public. */
struct sfu_track {
	char id[SFU_ID_MAX + 1];
	enum sfu_track_kind kind;
	char label[SFU_TRACK_LABEL_MAX + 1];
	bool muted;
	int section; /* the publisher's m-section carrying it */
};

const char *sfu_track_kind_name(enum sfu_track_kind kind);

struct sfu_participant;
struct sfu_media;
struct sfu_rooms;

/* id and name are copied. The resume token is made here. */
struct sfu_participant *sfu_participant_new(const char *id, const char *name,
					    bool can_publish, int64_t wall_ms);
void sfu_participant_free(struct sfu_participant *p);

const char *sfu_participant_id(const struct sfu_participant *p);
const char *sfu_participant_name(const struct sfu_participant *p);
const char *sfu_participant_resume_token(const struct sfu_participant *p);
bool sfu_participant_can_publish(const struct sfu_participant *p);
int64_t sfu_participant_joined_at(const struct sfu_participant *p);

/* The session it is attached to, 0 when detached. */
uint64_t sfu_participant_session(const struct sfu_participant *p);
uint32_t sfu_participant_join_seq(const struct sfu_participant *p);
void sfu_participant_attach(struct sfu_participant *p, uint64_t session,
			    uint32_t join_seq);
/* Detach; it is removed when now_ms passes deadline_ms. */
void sfu_participant_detach(struct sfu_participant *p, int64_t deadline_ms);
/* 0 while attached. */
int64_t sfu_participant_deadline(const struct sfu_participant *p);

size_t sfu_participant_track_count(const struct sfu_participant *p);
const struct sfu_track *sfu_participant_track_at(const struct sfu_participant *p,
						 size_t i);
struct sfu_track *sfu_participant_find_track(struct sfu_participant *p,
					     const char *id);
/* Adds a track (id and label copied). Returns it, or NULL past max. */
struct sfu_track *sfu_participant_add_track(struct sfu_participant *p,
					    const char *id,
					    enum sfu_track_kind kind,
					    const char *label, size_t max);
/* Returns 0 or -ENOENT. */
int sfu_participant_remove_track(struct sfu_participant *p, const char *id);
/* The track published on section, or NULL. */
struct sfu_track *sfu_participant_track_by_section(struct sfu_participant *p,
						   int section);

/* The participant's media session, or NULL before its first offer. The
 * participant owns it: sfu_participant_free() frees it. */
struct sfu_media *sfu_participant_media(const struct sfu_participant *p);
void sfu_participant_set_media(struct sfu_participant *p, struct sfu_media *m);

/* The worker's rooms it belongs to (for callbacks that start from the
 * participant, such as a media failure). */
struct sfu_rooms *sfu_participant_rooms(const struct sfu_participant *p);
void sfu_participant_set_rooms(struct sfu_participant *p, struct sfu_rooms *rs);

#endif
