/*
 * participant.c - a room member's identity, session binding and tracks.
 *
 * States: attached (session != 0, deadline 0) and detached (session 0,
 * deadline set). The room moves it between them and removes it when the
 * deadline passes; this file only keeps the state.
 */
#include "participant.h"

#include <stdlib.h>

#include "media.h"

struct sfu_participant {
	char id[SFU_ID_MAX + 1];
	char name[SFU_DISPLAY_NAME_MAX_BYTES + 1];
	char resume[SFU_TOKEN_LEN + 1];
	bool can_publish;
	int64_t joined_at_ms;
	uint64_t session;
	uint32_t join_seq;
	int64_t deadline_ms;
	struct sfu_track *tracks;
	size_t n_tracks, cap_tracks;
	struct sfu_media *media;
	struct sfu_rooms *rooms;
};

const char *sfu_track_kind_name(enum sfu_track_kind kind)
{
	return kind == SFU_TRACK_AUDIO ? "audio" : "video";
}

struct sfu_participant *sfu_participant_new(const char *id, const char *name,
					    bool can_publish, int64_t wall_ms)
{
	struct sfu_participant *p = sfu_xcalloc(1, sizeof(*p));

	sfu_strlcpy(p->id, id, sizeof(p->id));
	sfu_strlcpy(p->name, name, sizeof(p->name));
	sfu_random_hex(p->resume, SFU_TOKEN_LEN / 2);
	p->can_publish = can_publish;
	p->joined_at_ms = wall_ms;
	return p;
}

void sfu_participant_free(struct sfu_participant *p)
{
	if (!p)
		return;
	sfu_media_free(p->media);
	free(p->tracks);
	free(p);
}

const char *sfu_participant_id(const struct sfu_participant *p)
{
	return p->id;
}

const char *sfu_participant_name(const struct sfu_participant *p)
{
	return p->name;
}

const char *sfu_participant_resume_token(const struct sfu_participant *p)
{
	return p->resume;
}

bool sfu_participant_can_publish(const struct sfu_participant *p)
{
	return p->can_publish;
}

int64_t sfu_participant_joined_at(const struct sfu_participant *p)
{
	return p->joined_at_ms;
}

uint64_t sfu_participant_session(const struct sfu_participant *p)
{
	return p->session;
}

uint32_t sfu_participant_join_seq(const struct sfu_participant *p)
{
	return p->join_seq;
}

void sfu_participant_attach(struct sfu_participant *p, uint64_t session,
			    uint32_t join_seq)
{
	p->session = session;
	p->join_seq = join_seq;
	p->deadline_ms = 0;
}

void sfu_participant_detach(struct sfu_participant *p, int64_t deadline_ms)
{
	p->session = 0;
	p->deadline_ms = deadline_ms;
}

int64_t sfu_participant_deadline(const struct sfu_participant *p)
{
	return p->deadline_ms;
}

size_t sfu_participant_track_count(const struct sfu_participant *p)
{
	return p->n_tracks;
}

const struct sfu_track *sfu_participant_track_at(const struct sfu_participant *p,
						 size_t i)
{
	return i < p->n_tracks ? &p->tracks[i] : NULL;
}

struct sfu_track *sfu_participant_find_track(struct sfu_participant *p,
					     const char *id)
{
	for (size_t i = 0; i < p->n_tracks; i++)
		if (strcmp(p->tracks[i].id, id) == 0)
			return &p->tracks[i];
	return NULL;
}

struct sfu_track *sfu_participant_add_track(struct sfu_participant *p,
					    const char *id,
					    enum sfu_track_kind kind,
					    const char *label, size_t max)
{
	struct sfu_track *t;

	if (p->n_tracks >= max)
		return NULL;
	if (p->n_tracks == p->cap_tracks) {
		p->cap_tracks = p->cap_tracks ? p->cap_tracks * 2 : 4;
		p->tracks = sfu_xrealloc(p->tracks,
					 p->cap_tracks * sizeof(*p->tracks));
	}
	t = &p->tracks[p->n_tracks++];
	memset(t, 0, sizeof(*t));
	sfu_strlcpy(t->id, id, sizeof(t->id));
	sfu_strlcpy(t->label, label, sizeof(t->label));
	t->kind = kind;
	return t;
}

int sfu_participant_remove_track(struct sfu_participant *p, const char *id)
{
	for (size_t i = 0; i < p->n_tracks; i++) {
		if (strcmp(p->tracks[i].id, id) == 0) {
			memmove(&p->tracks[i], &p->tracks[i + 1],
				(p->n_tracks - i - 1) * sizeof(*p->tracks));
			p->n_tracks--;
			return 0;
		}
	}
	return -ENOENT;
}

struct sfu_track *sfu_participant_track_by_section(struct sfu_participant *p,
						   int section)
{
	for (size_t i = 0; i < p->n_tracks; i++)
		if (p->tracks[i].section == section)
			return &p->tracks[i];
	return NULL;
}

struct sfu_media *sfu_participant_media(const struct sfu_participant *p)
{
	return p->media;
}

void sfu_participant_set_media(struct sfu_participant *p, struct sfu_media *m)
{
	p->media = m;
}

struct sfu_rooms *sfu_participant_rooms(const struct sfu_participant *p)
{
	return p->rooms;
}

void sfu_participant_set_rooms(struct sfu_participant *p, struct sfu_rooms *rs)
{
	p->rooms = rs;
}
