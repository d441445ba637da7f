/*
 * room.c - rooms and membership on one worker.
 *
 * A room exists while it has participants, or until closed when the admin
 * API created it (persistent). A participant is attached to a session or,
 * after its socket dropped, detached until its resume deadline; a join
 * with its resume token re-attaches it. Rooms are kept in a hash table by
 * name; sessions are indexed so a command finds its participant at once.
 *
 * GLib's containers are used as base data structures here; no other
 * library is.
 */
#define SFU_LOG_MODULE "room"
#include "room.h"

#include <glib.h>
#include <malloc.h>
#include <stdlib.h>

#include "clock.h"
#include "log.h"
#include "media.h"
#include "room-t.h"

static void room_free(struct sfu_room *r);

struct sfu_rooms *sfu_rooms_new(const struct sfu_room_limits *lim,
				sfu_emit_fn emit, void *emit_ctx)
{
	struct sfu_rooms *rs = sfu_xcalloc(1, sizeof(*rs));

	rs->lim = *lim;
	rs->rooms = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
					  (GDestroyNotify)room_free);
	rs->sessions = g_hash_table_new_full(g_int64_hash, g_int64_equal,
					     g_free, NULL);
	rs->where = g_hash_table_new(g_direct_hash, g_direct_equal);
	rs->emit = emit;
	rs->emit_ctx = emit_ctx;
	return rs;
}

void sfu_rooms_free(struct sfu_rooms *rs)
{
	if (!rs)
		return;
	/* Release this worker's share of the global room count. */
	if (rs->lim.room_count)
		__atomic_sub_fetch(rs->lim.room_count,
				   (int)g_hash_table_size(rs->rooms),
				   __ATOMIC_RELAXED);
	g_hash_table_destroy(rs->sessions);
	g_hash_table_destroy(rs->where);
	g_hash_table_destroy(rs->rooms);
	free(rs);
}

static void room_free(struct sfu_room *r)
{
	for (guint i = 0; i < r->participants->len; i++)
		sfu_participant_free(g_ptr_array_index(r->participants, i));
	g_ptr_array_free(r->participants, TRUE);
	free(r);
}

/* Reserve one slot of the server-wide room limit. */
static bool room_slot_take(struct sfu_rooms *rs)
{
	int *count = rs->lim.room_count;

	if (!count)
		return true;
	if (__atomic_add_fetch(count, 1, __ATOMIC_RELAXED) > rs->lim.max_rooms) {
		__atomic_sub_fetch(count, 1, __ATOMIC_RELAXED);
		return false;
	}
	return true;
}

static struct sfu_room *room_new(struct sfu_rooms *rs, const char *name,
				 int max_participants)
{
	struct sfu_room *r;

	if (!room_slot_take(rs))
		return NULL;
	r = sfu_xcalloc(1, sizeof(*r));
	sfu_strlcpy(r->name, name, sizeof(r->name));
	r->max_participants = max_participants > 0 ? max_participants
						   : rs->lim.max_participants;
	r->created_at_ms = sfu_wall_ms();
	r->participants = g_ptr_array_new();
	r->owner = rs;
	g_hash_table_insert(rs->rooms, r->name, r);
	log_info("room %s created", r->name);
	return r;
}

static void room_destroy(struct sfu_rooms *rs, struct sfu_room *r)
{
	log_info("room %s closed", r->name);
	if (rs->lim.room_count)
		__atomic_sub_fetch(rs->lim.room_count, 1, __ATOMIC_RELAXED);
	g_hash_table_remove(rs->rooms, r->name);
}

int sfu_rooms_create(struct sfu_rooms *rs, const char *name,
		     int max_participants, int64_t now_ms)
{
	struct sfu_room *r;

	(void)now_ms;
	if (!sfu_room_name_valid(name, strlen(name)))
		return -EINVAL;
	if (g_hash_table_lookup(rs->rooms, name))
		return -EEXIST;
	r = room_new(rs, name, max_participants);
	if (!r)
		return -ENOSPC;
	r->persistent = true;
	return 0;
}

/* ---- events ---------------------------------------------------------- */

void sfu__room_emit_error(struct sfu_rooms *rs, const struct sfu_cmd *cmd,
		       enum sfu_err err, const char *message,
		       enum sfu_session_effect effect)
{
	struct sfu_event ev = {
		.type = SFU_EV_ERROR,
		.to = cmd->session,
		.req_id = cmd->req_id,
		.join_seq = cmd->join_seq,
		.effect = effect,
		.err = err,
		.message = message,
	};
	rs->emit(rs->emit_ctx, &ev);
}

/* Tell every attached participant of r but `except` about ev. */
void sfu__room_emit_others(struct sfu_rooms *rs, struct sfu_room *r,
			const struct sfu_participant *except,
			struct sfu_event *ev)
{
	ev->req_id = "";
	ev->room = r;
	for (guint i = 0; i < r->participants->len; i++) {
		struct sfu_participant *p = g_ptr_array_index(r->participants, i);
		if (p == except || sfu_participant_session(p) == 0)
			continue;
		ev->to = sfu_participant_session(p);
		rs->emit(rs->emit_ctx, ev);
	}
}

/* ---- membership ------------------------------------------------------ */

static void session_index(struct sfu_rooms *rs, struct sfu_participant *p)
{
	uint64_t *key = g_new(uint64_t, 1);

	*key = sfu_participant_session(p);
	g_hash_table_insert(rs->sessions, key, p);
}

static void session_unindex(struct sfu_rooms *rs, uint64_t session)
{
	g_hash_table_remove(rs->sessions, &session);
}

static struct sfu_participant *find_in_room(struct sfu_room *r,
					    bool (*match)(const struct sfu_participant *,
							  const char *),
					    const char *key)
{
	for (guint i = 0; i < r->participants->len; i++) {
		struct sfu_participant *p = g_ptr_array_index(r->participants, i);
		if (match(p, key))
			return p;
	}
	return NULL;
}

static bool match_id(const struct sfu_participant *p, const char *id)
{
	return strcmp(sfu_participant_id(p), id) == 0;
}

static bool match_resume(const struct sfu_participant *p, const char *tok)
{
	/* The token is a credential. */
	return sfu_secret_equal(tok, sfu_participant_resume_token(p));
}

static void new_participant_id(struct sfu_room *r, char *out)
{
	do {
		out[0] = 'p';
		sfu_random_hex(out + 1, 6);
	} while (find_in_room(r, match_id, out));
}

/* Remove p from r, tell the others, and drop an empty transient room. */
void sfu__participant_remove(struct sfu_rooms *rs, struct sfu_room *r,
			       struct sfu_participant *p, const char *why)
{
	struct sfu_event ev = { .type = SFU_EV_PARTICIPANT_LEFT, .who = p };

	log_info("room %s: %s (%s) left: %s", r->name, sfu_participant_id(p),
		 sfu_participant_name(p), why);
	sfu__media_add_totals(sfu_participant_media(p), &rs->gone);
	if (sfu_participant_session(p))
		session_unindex(rs, sfu_participant_session(p));
	g_hash_table_remove(rs->where, p);
	g_ptr_array_remove(r->participants, p);
	rs->n_participants--;
	if (!r->closing)
		sfu__room_emit_others(rs, r, p, &ev);
	/* Freeing its media detaches the others' sections that carried
	 * its tracks; they then get an offer without them. */
	sfu_participant_free(p);
	rs->trim = true;
	if (r->participants->len == 0 && !r->persistent)
		room_destroy(rs, r);
	else if (!r->closing)
		sfu__room_flush_offers(rs, r);
}

static void emit_joined(struct sfu_rooms *rs, const struct sfu_cmd *cmd,
			struct sfu_room *r, struct sfu_participant *p,
			bool resumed)
{
	struct sfu_event ev = {
		.type = SFU_EV_JOINED,
		.to = cmd->session,
		.req_id = cmd->req_id,
		.join_seq = cmd->join_seq,
		.effect = SFU_EFFECT_JOINED,
		.room = r,
		.who = p,
		.resumed = resumed,
	};
	rs->emit(rs->emit_ctx, &ev);
}

/* Re-attach p to the session of cmd. Returns true when it did. */
static bool try_resume(struct sfu_rooms *rs, struct sfu_room *r,
		       const struct sfu_cmd *cmd, int64_t now_ms)
{
	struct sfu_participant *p;
	int64_t deadline;
	uint64_t old;

	if (!r || cmd->resume[0] == '\0')
		return false;
	p = find_in_room(r, match_resume, cmd->resume);
	if (!p)
		return false;
	/* Past its deadline it is gone, even if the tick has not run. */
	deadline = sfu_participant_deadline(p);
	if (deadline && now_ms >= deadline)
		return false;
	old = sfu_participant_session(p);
	if (old) {
		struct sfu_event ev = {
			.type = SFU_EV_KICKED,
			.to = old,
			.req_id = "",
			.join_seq = sfu_participant_join_seq(p),
			.effect = SFU_EFFECT_IDLE,
			.room = r,
			.who = p,
			.reason = "resumed",
		};
		session_unindex(rs, old);
		rs->emit(rs->emit_ctx, &ev);
	}
	sfu_participant_attach(p, cmd->session, cmd->join_seq);
	session_index(rs, p);
	log_info("room %s: %s resumed", r->name, sfu_participant_id(p));
	emit_joined(rs, cmd, r, p, true);
	sfu__participant_resumed(rs, r, p);
	return true;
}

static void handle_join(struct sfu_rooms *rs, const struct sfu_cmd *cmd,
			int64_t now_ms)
{
	struct sfu_room *r = g_hash_table_lookup(rs->rooms, cmd->room);
	struct sfu_event ev = { .type = SFU_EV_PARTICIPANT_JOINED };
	struct sfu_participant *p;
	char id[SFU_ID_MAX + 1];

	if (g_hash_table_lookup(rs->sessions, &cmd->session)) {
		sfu__room_emit_error(rs, cmd, SFU_ERR_ALREADY_JOINED, "already joined",
			   SFU_EFFECT_NONE);
		return;
	}
	if (try_resume(rs, r, cmd, now_ms))
		return;
	if (!r && !rs->lim.auto_create) {
		sfu__room_emit_error(rs, cmd, SFU_ERR_INVALID_ROOM, "no such room",
			   SFU_EFFECT_IDLE);
		return;
	}
	if (!r && !(r = room_new(rs, cmd->room, 0))) {
		sfu__room_emit_error(rs, cmd, SFU_ERR_ROOM_FULL,
			   "the server holds its maximum number of rooms",
			   SFU_EFFECT_IDLE);
		return;
	}
	if ((int)r->participants->len >= r->max_participants) {
		sfu__room_emit_error(rs, cmd, SFU_ERR_ROOM_FULL, "the room is full",
			   SFU_EFFECT_IDLE);
		return;
	}
	new_participant_id(r, id);
	p = sfu_participant_new(id, cmd->name, cmd->can_publish, sfu_wall_ms());
	sfu_participant_set_rooms(p, rs);
	sfu_participant_attach(p, cmd->session, cmd->join_seq);
	g_ptr_array_add(r->participants, p);
	g_hash_table_insert(rs->where, p, r);
	session_index(rs, p);
	rs->n_participants++;
	rs->gone.participants_total++;
	log_info("room %s: %s (%s) joined", r->name, id, cmd->name);
	emit_joined(rs, cmd, r, p, false);
	ev.who = p;
	sfu__room_emit_others(rs, r, p, &ev);
}

static void handle_leave(struct sfu_rooms *rs, const struct sfu_cmd *cmd)
{
	struct sfu_participant *p = g_hash_table_lookup(rs->sessions,
							&cmd->session);

	/* The control thread already answered; a join that failed leaves
	 * nothing behind, so a missing participant is not an error here. */
	if (p)
		sfu__participant_remove(rs, g_hash_table_lookup(rs->where, p), p,
				   "leave");
}

static void handle_disconnect(struct sfu_rooms *rs, const struct sfu_cmd *cmd,
			      int64_t now_ms)
{
	struct sfu_participant *p = g_hash_table_lookup(rs->sessions,
							&cmd->session);
	struct sfu_room *r;

	if (!p)
		return;
	r = g_hash_table_lookup(rs->where, p);
	if (rs->lim.resume_grace_ms <= 0) {
		sfu__participant_remove(rs, r, p, "socket closed");
		return;
	}
	session_unindex(rs, cmd->session);
	sfu_participant_detach(p, now_ms + rs->lim.resume_grace_ms);
	log_info("room %s: %s detached, may resume for %d ms", r->name,
		 sfu_participant_id(p), rs->lim.resume_grace_ms);
}

static void handle_mute(struct sfu_rooms *rs, const struct sfu_cmd *cmd)
{
	struct sfu_participant *p = g_hash_table_lookup(rs->sessions,
							&cmd->session);
	struct sfu_event ev = { .type = SFU_EV_TRACK_MUTED };
	struct sfu_track *t;

	if (!p) {
		sfu__room_emit_error(rs, cmd, SFU_ERR_NOT_JOINED, "not joined",
			   SFU_EFFECT_NONE);
		return;
	}
	t = sfu_participant_find_track(p, cmd->track);
	if (!t) {
		sfu__room_emit_error(rs, cmd, SFU_ERR_BAD_REQUEST,
			   "track is not one of yours", SFU_EFFECT_NONE);
		return;
	}
	if (t->muted == cmd->muted)
		return;
	t->muted = cmd->muted;
	ev.who = p;
	ev.track = t;
	sfu__room_emit_others(rs, g_hash_table_lookup(rs->where, p), p, &ev);
}

void sfu_rooms_handle(struct sfu_rooms *rs, const struct sfu_cmd *cmd,
		      int64_t now_ms)
{
	switch (cmd->type) {
	case SFU_CMD_JOIN:
		handle_join(rs, cmd, now_ms);
		break;
	case SFU_CMD_LEAVE:
		handle_leave(rs, cmd);
		break;
	case SFU_CMD_MUTE:
		handle_mute(rs, cmd);
		break;
	case SFU_CMD_DISCONNECT:
		handle_disconnect(rs, cmd, now_ms);
		break;
	case SFU_CMD_OFFER:
	case SFU_CMD_ANSWER:
	case SFU_CMD_CANDIDATE:
		sfu__rooms_media_cmd(rs, cmd);
		break;
	}
}

void sfu_rooms_tick(struct sfu_rooms *rs, int64_t now_ms)
{
	/* Participants that left freed their rings and buffers; hand the
	 * memory back to the system so a server's size follows its load
	 * (glibc keeps freed memory in per-thread arenas otherwise). */
	if (rs->trim) {
		rs->trim = false;
		malloc_trim(0);
	}
	GPtrArray *expired = g_ptr_array_new();
	GHashTableIter it;
	gpointer key, val;

	/* Collect first: removing may destroy rooms under the iterator. */
	g_hash_table_iter_init(&it, rs->where);
	while (g_hash_table_iter_next(&it, &key, &val)) {
		int64_t deadline = sfu_participant_deadline(key);
		if (deadline && now_ms >= deadline)
			g_ptr_array_add(expired, key);
	}
	for (guint i = 0; i < expired->len; i++) {
		struct sfu_participant *p = g_ptr_array_index(expired, i);
		sfu__participant_remove(rs, g_hash_table_lookup(rs->where, p), p,
				   "resume grace period ended");
	}
	g_ptr_array_free(expired, TRUE);
}

size_t sfu_rooms_count(const struct sfu_rooms *rs)
{
	return g_hash_table_size(rs->rooms);
}

size_t sfu_rooms_participant_total(const struct sfu_rooms *rs)
{
	return rs->n_participants;
}

struct sfu_room *sfu_rooms_find(const struct sfu_rooms *rs, const char *name)
{
	return g_hash_table_lookup(rs->rooms, name);
}

struct sfu_participant *sfu_rooms_by_session(const struct sfu_rooms *rs,
					     uint64_t session)
{
	return g_hash_table_lookup(rs->sessions, &session);
}

const char *sfu_room_name(const struct sfu_room *r)
{
	return r->name;
}

int sfu_room_max_participants(const struct sfu_room *r)
{
	return r->max_participants;
}

int64_t sfu_room_created_at(const struct sfu_room *r)
{
	return r->created_at_ms;
}

size_t sfu_room_participant_count(const struct sfu_room *r)
{
	return r->participants->len;
}

const struct sfu_participant *sfu_room_participant_at(const struct sfu_room *r,
						      size_t i)
{
	return i < r->participants->len ? g_ptr_array_index(r->participants, i)
					: NULL;
}

/* ---- administration ------------------------------------------------------ */

void sfu_rooms_foreach(const struct sfu_rooms *rs,
		       void (*fn)(const struct sfu_room *r, void *ctx), void *ctx)
{
	GHashTableIter it;
	gpointer key, val;

	g_hash_table_iter_init(&it, rs->rooms);
	while (g_hash_table_iter_next(&it, &key, &val))
		fn(val, ctx);
}

const struct sfu_participant *sfu_room_find_participant(const struct sfu_room *r,
							const char *id)
{
	return find_in_room((struct sfu_room *)r, match_id, id);
}

static void emit_goodbye(struct sfu_rooms *rs, struct sfu_room *r,
			 struct sfu_participant *p, enum sfu_event_type type,
			 const char *reason)
{
	struct sfu_event ev = {
		.type = type,
		.to = sfu_participant_session(p),
		.req_id = "",
		.join_seq = sfu_participant_join_seq(p),
		.effect = SFU_EFFECT_IDLE,
		.room = r,
		.who = p,
		.reason = reason,
	};

	if (ev.to)
		rs->emit(rs->emit_ctx, &ev);
}

int sfu_rooms_kick(struct sfu_rooms *rs, const char *room, const char *id,
		   const char *reason)
{
	struct sfu_room *r = g_hash_table_lookup(rs->rooms, room);
	struct sfu_participant *p = r ? find_in_room(r, match_id, id) : NULL;

	if (!p)
		return -ENOENT;
	emit_goodbye(rs, r, p, SFU_EV_KICKED, reason);
	sfu__participant_remove(rs, r, p, "kicked");
	return 0;
}

int sfu_rooms_close(struct sfu_rooms *rs, const char *name, const char *reason)
{
	struct sfu_room *r = g_hash_table_lookup(rs->rooms, name);

	if (!r)
		return -ENOENT;
	/* Everyone is told first, so nobody gets participant_left for the
	 * others of a room that is going away anyway. */
	for (guint i = 0; i < r->participants->len; i++)
		emit_goodbye(rs, r, g_ptr_array_index(r->participants, i),
			     SFU_EV_ROOM_CLOSED, reason);
	r->persistent = false;
	r->closing = true;
	if (r->participants->len == 0) {
		room_destroy(rs, r);
		return 0;
	}
	/* Removing the last participant destroys the room, so count down
	 * rather than look at r after that. */
	for (guint n = r->participants->len; n > 0; n--)
		sfu__participant_remove(rs, r, g_ptr_array_index(r->participants, 0),
					"room closed");
	return 0;
}

const struct sfu_rooms_totals *sfu_rooms_gone(const struct sfu_rooms *rs)
{
	return &rs->gone;
}
