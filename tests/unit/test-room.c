/*
 * test-room.c - tests src/room.c and src/participant.c through the
 * worker's command interface, with an emit hook that records every event:
 * joining (who is told what), unique ids, room and server limits with the
 * shared room counter, auto_create and persistent rooms, leave, mute,
 * disconnect with and without a grace period, resume (detached, still
 * attached, wrong or expired token), and the join_seq and session effect
 * carried by each event.
 */
#include "room.h"

#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "tap.h"

/* ---- event recorder -------------------------------------------------- */

/* What the tests need of an event, copied while the pointers are valid. */
struct rec {
	enum sfu_event_type type;
	uint64_t to;
	enum sfu_err err;
	enum sfu_session_effect effect;
	uint32_t join_seq;
	bool resumed;
	char who[SFU_ID_MAX + 1];
	char room[SFU_ROOM_NAME_MAX + 1];
	char req_id[SFU_REQ_ID_MAX];
	char track[SFU_ID_MAX + 1];
	bool track_muted;
	char reason[64];
	bool has_message;
};

#define MAX_EVENTS 256
static struct rec ev[MAX_EVENTS];
static int nev;
static int overflow;

static void record(void *ctx, const struct sfu_event *e)
{
	struct rec *r;

	(void)ctx;
	if (nev == MAX_EVENTS) {
		overflow++;
		return;
	}
	r = &ev[nev++];
	memset(r, 0, sizeof(*r));
	r->type = e->type;
	r->to = e->to;
	r->err = e->err;
	r->effect = e->effect;
	r->join_seq = e->join_seq;
	r->resumed = e->resumed;
	if (e->who)
		sfu_strlcpy(r->who, sfu_participant_id(e->who), sizeof(r->who));
	if (e->room)
		sfu_strlcpy(r->room, sfu_room_name(e->room), sizeof(r->room));
	if (e->req_id)
		sfu_strlcpy(r->req_id, e->req_id, sizeof(r->req_id));
	if (e->track) {
		sfu_strlcpy(r->track, e->track->id, sizeof(r->track));
		r->track_muted = e->track->muted;
	}
	if (e->reason)
		sfu_strlcpy(r->reason, e->reason, sizeof(r->reason));
	r->has_message = e->message && e->message[0];
}

static void clear(void)
{
	nev = 0;
}

/* The only event sent to session `to` since clear(), or NULL when there
 * is none or more than one. */
static const struct rec *only_to(uint64_t to)
{
	const struct rec *found = NULL;

	for (int i = 0; i < nev; i++) {
		if (ev[i].to != to)
			continue;
		if (found)
			return NULL;
		found = &ev[i];
	}
	return found;
}

static int count_to(uint64_t to)
{
	int n = 0;

	for (int i = 0; i < nev; i++)
		n += ev[i].to == to;
	return n;
}

/* ---- commands -------------------------------------------------------- */

static struct sfu_room_limits base_limits(void)
{
	struct sfu_room_limits lim = {
		.max_participants = 3,
		.max_rooms = 100,
		.auto_create = true,
		.resume_grace_ms = 0,
		.max_tracks = 4,
		.room_count = NULL,
	};
	return lim;
}

static struct sfu_rooms *rooms(const struct sfu_room_limits *lim)
{
	clear();
	return sfu_rooms_new(lim, record, NULL);
}

/* Join session to room as name with join_seq; resume may be NULL. */
static void join_full(struct sfu_rooms *rs, uint64_t session, uint32_t seq,
		      const char *room, const char *name, const char *resume,
		      const char *req_id)
{
	struct sfu_cmd *c = sfu_cmd_new(SFU_CMD_JOIN, session);

	c->join_seq = seq;
	sfu_strlcpy(c->room, room, sizeof(c->room));
	sfu_strlcpy(c->name, name, sizeof(c->name));
	if (resume)
		sfu_strlcpy(c->resume, resume, sizeof(c->resume));
	if (req_id)
		sfu_strlcpy(c->req_id, req_id, sizeof(c->req_id));
	clear();
	sfu_rooms_handle(rs, c, 0);
	sfu_cmd_free(c);
}

static void join(struct sfu_rooms *rs, uint64_t session, const char *room)
{
	join_full(rs, session, 1, room, "Someone", NULL, NULL);
}

static void simple(struct sfu_rooms *rs, enum sfu_cmd_type type,
		   uint64_t session, int64_t now_ms)
{
	struct sfu_cmd *c = sfu_cmd_new(type, session);

	clear();
	sfu_rooms_handle(rs, c, now_ms);
	sfu_cmd_free(c);
}

static void mute(struct sfu_rooms *rs, uint64_t session, const char *track,
		 bool muted)
{
	struct sfu_cmd *c = sfu_cmd_new(SFU_CMD_MUTE, session);

	sfu_strlcpy(c->track, track, sizeof(c->track));
	c->muted = muted;
	c->join_seq = 4;
	clear();
	sfu_rooms_handle(rs, c, 0);
	sfu_cmd_free(c);
}

static void tick(struct sfu_rooms *rs, int64_t now_ms)
{
	clear();
	sfu_rooms_tick(rs, now_ms);
}

/* The id of session's participant ("" when none), copied. */
static const char *id_of(struct sfu_rooms *rs, uint64_t session)
{
	static char ids[8][SFU_ID_MAX + 1];
	static int slot;
	struct sfu_participant *p = sfu_rooms_by_session(rs, session);
	char *out = ids[slot++ % 8];

	sfu_strlcpy(out, p ? sfu_participant_id(p) : "", SFU_ID_MAX + 1);
	return out;
}

static void token_of(struct sfu_rooms *rs, uint64_t session,
		     char out[SFU_TOKEN_LEN + 1])
{
	struct sfu_participant *p = sfu_rooms_by_session(rs, session);

	sfu_strlcpy(out, p ? sfu_participant_resume_token(p) : "",
		    SFU_TOKEN_LEN + 1);
}

/* Check the single event a session got. */
static void expect(uint64_t to, enum sfu_event_type type, const char *what)
{
	const struct rec *r = only_to(to);

	ok(r && r->type == type, "%s: one event of type %d to %llu", what,
	   (int)type, (unsigned long long)to);
}

static void expect_error(uint64_t to, enum sfu_err err,
			 enum sfu_session_effect effect, uint32_t seq,
			 const char *what)
{
	const struct rec *r = only_to(to);

	ok(r && r->type == SFU_EV_ERROR, "%s: an error to %llu", what,
	   (unsigned long long)to);
	if (!r)
		return;
	is_str(sfu_err_code(r->err), sfu_err_code(err), "%s: code", what);
	is_int(r->effect, effect, "%s: effect", what);
	is_int(r->join_seq, seq, "%s: join_seq", what);
	ok(r->has_message, "%s: a message", what);
}

/* Pairs of participants in r that share an id. */
static int duplicate_ids(const struct sfu_room *r)
{
	size_t n = sfu_room_participant_count(r);
	int dup = 0;

	for (size_t i = 0; i < n; i++) {
		const struct sfu_participant *p = sfu_room_participant_at(r, i);
		for (size_t j = i + 1; j < n; j++) {
			const struct sfu_participant *q =
				sfu_room_participant_at(r, j);
			dup += !strcmp(sfu_participant_id(p),
				       sfu_participant_id(q));
		}
	}
	return dup;
}

static bool id_well_formed(const char *id)
{
	if (id[0] != 'p' || strlen(id) != 13)
		return false;
	for (int i = 1; i < 13; i++)
		if (!strchr("0123456789abcdef", id[i]))
			return false;
	return true;
}

/* ---- tests ----------------------------------------------------------- */

static void test_join(void)
{
	struct sfu_room_limits lim = base_limits();
	struct sfu_rooms *rs = rooms(&lim);
	const struct rec *r;
	struct sfu_room *room;
	char id1[SFU_ID_MAX + 1], id2[SFU_ID_MAX + 1], id3[SFU_ID_MAX + 1];
	char tok[SFU_TOKEN_LEN + 1];

	is_int(sfu_rooms_count(rs), 0, "join: no rooms at first");
	ok(sfu_rooms_find(rs, "r1") == NULL, "join: r1 absent at first");

	join_full(rs, 1, 11, "r1", "Alice", NULL, "\"req-1\"");
	is_int(nev, 1, "join: first joiner gets one event");
	r = only_to(1);
	ok(r && r->type == SFU_EV_JOINED, "join: JOINED to the joiner");
	if (r) {
		is_int(r->effect, SFU_EFFECT_JOINED, "join: effect JOINED");
		is_int(r->join_seq, 11, "join: join_seq carried");
		ok(!r->resumed, "join: not resumed");
		is_str(r->req_id, "\"req-1\"", "join: req_id carried");
		is_str(r->room, "r1", "join: room named");
		ok(id_well_formed(r->who), "join: id looks like p+12 hex (%s)",
		   r->who);
	}
	sfu_strlcpy(id1, id_of(rs, 1), sizeof(id1));
	ok(r && strcmp(r->who, id1) == 0, "join: event names the joiner");
	is_int(sfu_rooms_count(rs), 1, "join: a room was created");
	room = sfu_rooms_find(rs, "r1");
	ok(room != NULL, "join: r1 found");
	is_int(sfu_room_participant_count(room), 1, "join: one participant");
	is_int(sfu_room_max_participants(room), 3, "join: default max");
	is_str(sfu_participant_name(sfu_rooms_by_session(rs, 1)), "Alice",
	       "join: name kept");
	ok(sfu_participant_can_publish(sfu_rooms_by_session(rs, 1)),
	   "join: can_publish from the command");
	is_int(sfu_participant_session(sfu_rooms_by_session(rs, 1)), 1,
	       "join: participant attached to its session");
	token_of(rs, 1, tok);
	is_int(strlen(tok), SFU_TOKEN_LEN, "join: resume token length");

	join_full(rs, 2, 7, "r1", "Bob", NULL, NULL);
	sfu_strlcpy(id2, id_of(rs, 2), sizeof(id2));
	is_int(nev, 2, "join 2: two events");
	r = only_to(2);
	ok(r && r->type == SFU_EV_JOINED && r->join_seq == 7,
	   "join 2: JOINED with its join_seq");
	r = only_to(1);
	ok(r && r->type == SFU_EV_PARTICIPANT_JOINED,
	   "join 2: participant_joined to the first");
	ok(r && strcmp(r->who, id2) == 0, "join 2: names the new one");
	ok(r && strcmp(r->req_id, "") == 0, "join 2: no req_id to others");
	ok(r && r->effect == SFU_EFFECT_NONE, "join 2: no effect on others");

	join_full(rs, 3, 1, "r1", "Carol", NULL, NULL);
	sfu_strlcpy(id3, id_of(rs, 3), sizeof(id3));
	is_int(nev, 3, "join 3: three events");
	expect(3, SFU_EV_JOINED, "join 3");
	expect(1, SFU_EV_PARTICIPANT_JOINED, "join 3 to 1");
	expect(2, SFU_EV_PARTICIPANT_JOINED, "join 3 to 2");
	ok(strcmp(id1, id2) && strcmp(id1, id3) && strcmp(id2, id3),
	   "join: ids unique (%s %s %s)", id1, id2, id3);
	is_int(sfu_rooms_participant_total(rs), 3, "join: total 3");
	is_str(sfu_participant_id(sfu_room_participant_at(room, 0)), id1,
	       "join: join order kept");
	ok(sfu_room_participant_at(room, 3) == NULL,
	   "join: participant_at past the end is NULL");

	join_full(rs, 4, 9, "r1", "Dan", NULL, "5");
	is_int(nev, 1, "full: only the joiner hears");
	expect_error(4, SFU_ERR_ROOM_FULL, SFU_EFFECT_IDLE, 9, "full");
	is_str(only_to(4) ? only_to(4)->req_id : NULL, "5", "full: req_id");
	ok(sfu_rooms_by_session(rs, 4) == NULL, "full: not indexed");
	is_int(sfu_room_participant_count(room), 3, "full: still 3");

	/* A second room on the same worker. */
	join(rs, 4, "r2");
	expect(4, SFU_EV_JOINED, "join r2");
	is_int(sfu_rooms_count(rs), 2, "join: two rooms");
	is_int(sfu_rooms_participant_total(rs), 4, "join: total 4");

	/* Many joins in a big room: ids stay unique. */
	sfu_rooms_free(rs);
	lim.max_participants = 200;
	rs = rooms(&lim);
	for (uint64_t s = 100; s < 300; s++)
		join(rs, s, "big");
	is_int(nev, 200, "big: the 200th join tells 199 others and itself");
	room = sfu_rooms_find(rs, "big");
	is_int(sfu_room_participant_count(room), 200, "big: 200 joined");
	is_int(duplicate_ids(room), 0, "big: 200 unique ids");
	sfu_rooms_free(rs);
}

static void test_max_rooms(void)
{
	struct sfu_room_limits lim = base_limits();
	struct sfu_rooms *a, *b;
	int room_count = 0;

	lim.max_rooms = 2;
	lim.room_count = &room_count;
	a = rooms(&lim);
	b = sfu_rooms_new(&lim, record, NULL);

	join(a, 1, "ra");
	expect(1, SFU_EV_JOINED, "max_rooms: first room");
	is_int(room_count, 1, "max_rooms: counter 1");
	join(b, 2, "rb");
	expect(2, SFU_EV_JOINED, "max_rooms: second room on the other worker");
	is_int(room_count, 2, "max_rooms: counter 2");
	join(a, 3, "rc");
	expect_error(3, SFU_ERR_ROOM_FULL, SFU_EFFECT_IDLE, 1,
		     "max_rooms: third room");
	is_int(room_count, 2, "max_rooms: counter unchanged by refusal");
	ok(sfu_rooms_find(a, "rc") == NULL, "max_rooms: rc not created");
	join(a, 4, "ra");
	expect(4, SFU_EV_JOINED, "max_rooms: joining an existing room works");
	is_int(sfu_rooms_create(b, "rd", 0, 0), -ENOSPC,
	       "max_rooms: create refused with -ENOSPC");
	is_int(room_count, 2, "max_rooms: counter unchanged by create");

	simple(a, SFU_CMD_LEAVE, 1, 0);
	is_int(room_count, 2, "max_rooms: room kept while someone is in it");
	simple(a, SFU_CMD_LEAVE, 4, 0);
	is_int(room_count, 1, "max_rooms: counter down when the room goes");
	is_int(sfu_rooms_count(a), 0, "max_rooms: worker a has no room");
	join(a, 3, "rc");
	expect(3, SFU_EV_JOINED, "max_rooms: a new room fits again");
	is_int(room_count, 2, "max_rooms: counter 2 again");
	is_int(sfu_rooms_create(a, "re", 0, 0), -ENOSPC,
	       "max_rooms: still full");

	sfu_rooms_free(a);
	is_int(room_count, 1, "max_rooms: free gives back a's rooms");
	is_int(sfu_rooms_create(b, "rf", 0, 0), 0,
	       "max_rooms: create fits after free");
	is_int(room_count, 2, "max_rooms: counter 2 after create");
	sfu_rooms_free(b);
	is_int(room_count, 0, "max_rooms: free gives back b's two rooms");
	sfu_rooms_free(NULL);
	ok(1, "sfu_rooms_free(NULL) is a no-op");
}

static void test_no_auto_create(void)
{
	struct sfu_room_limits lim = base_limits();
	struct sfu_rooms *rs;
	struct sfu_room *room;
	int room_count = 0;

	lim.auto_create = false;
	lim.room_count = &room_count;
	rs = rooms(&lim);

	join_full(rs, 1, 5, "nope", "A", NULL, NULL);
	expect_error(1, SFU_ERR_INVALID_ROOM, SFU_EFFECT_IDLE, 5,
		     "no auto_create");
	is_int(sfu_rooms_count(rs), 0, "no auto_create: no room made");
	is_int(room_count, 0, "no auto_create: counter 0");
	ok(sfu_rooms_by_session(rs, 1) == NULL, "no auto_create: not joined");

	is_int(sfu_rooms_create(rs, "lobby", 0, 0), 0, "create lobby");
	is_int(room_count, 1, "create: counter 1");
	is_int(sfu_rooms_create(rs, "lobby", 0, 0), -EEXIST,
	       "create lobby twice: -EEXIST");
	is_int(sfu_rooms_create(rs, "bad/name", 0, 0), -EINVAL,
	       "create bad name: -EINVAL");
	is_int(sfu_rooms_create(rs, "", 0, 0), -EINVAL,
	       "create empty name: -EINVAL");
	is_int(room_count, 1, "create: refusals leave the counter");
	room = sfu_rooms_find(rs, "lobby");
	ok(room && sfu_room_participant_count(room) == 0,
	   "create: lobby exists empty");
	ok(room && sfu_room_max_participants(room) == 3,
	   "create: 0 takes the default max");

	join(rs, 1, "lobby");
	expect(1, SFU_EV_JOINED, "create: join the created room");
	simple(rs, SFU_CMD_LEAVE, 1, 0);
	is_int(nev, 0, "create: a lone leave tells nobody");
	ok(sfu_rooms_find(rs, "lobby") != NULL,
	   "create: the room persists when empty");
	is_int(room_count, 1, "create: counter kept");
	join(rs, 2, "lobby");
	expect(2, SFU_EV_JOINED, "create: rejoin the persistent room");
	simple(rs, SFU_CMD_DISCONNECT, 2, 0);
	ok(sfu_rooms_find(rs, "lobby") != NULL,
	   "create: persists after a disconnect");

	is_int(sfu_rooms_create(rs, "solo", 1, 0), 0, "create solo max 1");
	is_int(sfu_room_max_participants(sfu_rooms_find(rs, "solo")), 1,
	       "create: max_participants kept");
	join(rs, 3, "solo");
	expect(3, SFU_EV_JOINED, "solo: first");
	join(rs, 4, "solo");
	expect_error(4, SFU_ERR_ROOM_FULL, SFU_EFFECT_IDLE, 1, "solo: second");
	sfu_rooms_free(rs);
	is_int(room_count, 0, "create: free gives back persistent rooms");
}

static void test_already_joined(void)
{
	struct sfu_room_limits lim = base_limits();
	struct sfu_rooms *rs = rooms(&lim);
	const char *id;

	join(rs, 1, "r");
	id = id_of(rs, 1);
	join_full(rs, 1, 2, "r", "again", NULL, NULL);
	is_int(nev, 1, "twice: one event");
	expect_error(1, SFU_ERR_ALREADY_JOINED, SFU_EFFECT_NONE, 2,
		     "twice, same room");
	join_full(rs, 1, 3, "other", "again", NULL, NULL);
	expect_error(1, SFU_ERR_ALREADY_JOINED, SFU_EFFECT_NONE, 3,
		     "twice, other room");
	ok(sfu_rooms_find(rs, "other") == NULL, "twice: other room not made");
	is_str(id_of(rs, 1), id, "twice: still the same participant");
	is_int(sfu_rooms_participant_total(rs), 1, "twice: one participant");
	sfu_rooms_free(rs);
}

static void test_leave(void)
{
	struct sfu_room_limits lim = base_limits();
	struct sfu_rooms *rs = rooms(&lim);
	const struct rec *r;
	char id2[SFU_ID_MAX + 1];

	join(rs, 1, "r");
	join(rs, 2, "r");
	join(rs, 3, "r");
	sfu_strlcpy(id2, id_of(rs, 2), sizeof(id2));
	simple(rs, SFU_CMD_LEAVE, 2, 0);
	is_int(nev, 2, "leave: two events");
	is_int(count_to(2), 0, "leave: nothing to the leaver");
	r = only_to(1);
	ok(r && r->type == SFU_EV_PARTICIPANT_LEFT && !strcmp(r->who, id2),
	   "leave: participant_left to 1 names the leaver");
	r = only_to(3);
	ok(r && r->type == SFU_EV_PARTICIPANT_LEFT && !strcmp(r->who, id2),
	   "leave: participant_left to 3 names the leaver");
	ok(sfu_rooms_by_session(rs, 2) == NULL, "leave: unindexed");
	is_int(sfu_room_participant_count(sfu_rooms_find(rs, "r")), 2,
	       "leave: two remain");

	simple(rs, SFU_CMD_LEAVE, 2, 0);
	is_int(nev, 0, "leave twice: silent");
	simple(rs, SFU_CMD_LEAVE, 99, 0);
	is_int(nev, 0, "leave unknown session: silent");

	join(rs, 2, "r");
	expect(2, SFU_EV_JOINED, "leave: the same session may join again");
	ok(strcmp(id_of(rs, 2), id2) != 0, "leave: rejoin gets a new id");

	simple(rs, SFU_CMD_LEAVE, 1, 0);
	simple(rs, SFU_CMD_LEAVE, 2, 0);
	ok(sfu_rooms_find(rs, "r") != NULL, "leave: room kept with one left");
	simple(rs, SFU_CMD_LEAVE, 3, 0);
	is_int(nev, 0, "leave: last one tells nobody");
	ok(sfu_rooms_find(rs, "r") == NULL, "leave: empty room destroyed");
	is_int(sfu_rooms_count(rs), 0, "leave: no rooms");
	is_int(sfu_rooms_participant_total(rs), 0, "leave: no participants");
	sfu_rooms_free(rs);
}

static void test_mute(void)
{
	struct sfu_room_limits lim = base_limits();
	struct sfu_rooms *rs = rooms(&lim);
	struct sfu_participant *p;
	struct sfu_track *t;
	const struct rec *r;
	const char *id1;

	mute(rs, 9, "t1", true);
	expect_error(9, SFU_ERR_NOT_JOINED, SFU_EFFECT_NONE, 4,
		     "mute unknown session");

	join(rs, 1, "r");
	join(rs, 2, "r");
	join(rs, 3, "r");
	id1 = id_of(rs, 1);
	mute(rs, 1, "t1", true);
	is_int(nev, 1, "mute unknown track: one event");
	expect_error(1, SFU_ERR_BAD_REQUEST, SFU_EFFECT_NONE, 4,
		     "mute unknown track");

	p = sfu_rooms_by_session(rs, 1);
	t = sfu_participant_add_track(p, "t1", SFU_TRACK_AUDIO, "mic", 4);
	ok(t != NULL && !t->muted, "add_track: unmuted at first");
	t = sfu_participant_add_track(p, "t2", SFU_TRACK_VIDEO, "cam", 4);
	ok(t != NULL, "add_track: second");
	is_int(sfu_participant_track_count(p), 2, "add_track: two tracks");

	mute(rs, 2, "t1", true);
	expect_error(2, SFU_ERR_BAD_REQUEST, SFU_EFFECT_NONE, 4,
		     "mute someone else's track");

	mute(rs, 1, "t1", true);
	is_int(nev, 2, "mute: two events");
	is_int(count_to(1), 0, "mute: nothing to the muter");
	r = only_to(2);
	ok(r && r->type == SFU_EV_TRACK_MUTED, "mute: track_muted to 2");
	ok(r && !strcmp(r->who, id1) && !strcmp(r->track, "t1") &&
		   r->track_muted,
	   "mute: names participant, track and state");
	expect(3, SFU_EV_TRACK_MUTED, "mute: track_muted to 3");
	ok(sfu_participant_find_track(p, "t1")->muted, "mute: track muted");
	ok(!sfu_participant_find_track(p, "t2")->muted, "mute: other unmuted");

	mute(rs, 1, "t1", true);
	is_int(nev, 0, "mute: no change, no event");
	mute(rs, 1, "t1", false);
	r = only_to(2);
	ok(r && r->type == SFU_EV_TRACK_MUTED && !r->track_muted,
	   "unmute: told with state false");

	/* A detached participant's tracks cannot be muted by its old
	 * session, and it is told nothing. */
	lim.resume_grace_ms = 1000;
	sfu_rooms_free(rs);
	rs = rooms(&lim);
	join(rs, 1, "r");
	join(rs, 2, "r");
	p = sfu_rooms_by_session(rs, 2);
	sfu_participant_add_track(p, "a", SFU_TRACK_AUDIO, "", 4);
	simple(rs, SFU_CMD_DISCONNECT, 1, 0);
	mute(rs, 1, "a", true);
	expect_error(1, SFU_ERR_NOT_JOINED, SFU_EFFECT_NONE, 4,
		     "mute by a detached session");
	mute(rs, 2, "a", true);
	is_int(nev, 0, "mute: a detached participant is not told");

	/* Track limit. */
	ok(sfu_participant_add_track(p, "b", SFU_TRACK_AUDIO, "", 2) != NULL,
	   "add_track: up to max");
	ok(sfu_participant_add_track(p, "c", SFU_TRACK_AUDIO, "", 2) == NULL,
	   "add_track: NULL past max");
	is_int(sfu_participant_remove_track(p, "a"), 0, "remove_track");
	is_int(sfu_participant_remove_track(p, "a"), -ENOENT,
	       "remove_track twice: -ENOENT");
	is_str(sfu_participant_track_at(p, 0)->id, "b",
	       "remove_track: the rest moved up");
	sfu_rooms_free(rs);
}

static void test_grace(void)
{
	struct sfu_room_limits lim = base_limits();
	struct sfu_rooms *rs;
	const struct rec *r;
	char id1[SFU_ID_MAX + 1];

	lim.resume_grace_ms = 5000;
	rs = rooms(&lim);
	join(rs, 1, "r");
	join(rs, 2, "r");
	sfu_strlcpy(id1, id_of(rs, 1), sizeof(id1));

	simple(rs, SFU_CMD_DISCONNECT, 1, 1000);
	is_int(nev, 0, "grace: disconnect tells nobody yet");
	ok(sfu_rooms_by_session(rs, 1) == NULL, "grace: session unindexed");
	is_int(sfu_room_participant_count(sfu_rooms_find(rs, "r")), 2,
	       "grace: still a member");
	is_int(sfu_participant_deadline(sfu_room_participant_at(
		       sfu_rooms_find(rs, "r"), 0)),
	       6000, "grace: deadline now + grace");

	join(rs, 3, "r");
	is_int(nev, 2, "grace: a join meanwhile tells attached ones only");
	is_int(count_to(1), 0, "grace: nothing to the dropped session");
	expect(2, SFU_EV_PARTICIPANT_JOINED, "grace: join told to 2");

	tick(rs, 3000);
	is_int(nev, 0, "grace: tick before the deadline");
	tick(rs, 5999);
	is_int(nev, 0, "grace: tick 1 ms before the deadline");
	tick(rs, 6000);
	is_int(nev, 2, "grace: tick at the deadline removes");
	r = only_to(2);
	ok(r && r->type == SFU_EV_PARTICIPANT_LEFT && !strcmp(r->who, id1),
	   "grace: participant_left to 2 names the dropped one");
	expect(3, SFU_EV_PARTICIPANT_LEFT, "grace: participant_left to 3");
	is_int(sfu_room_participant_count(sfu_rooms_find(rs, "r")), 2,
	       "grace: two remain");
	tick(rs, 100000);
	is_int(nev, 0, "grace: removed only once");

	/* Everyone drops: the room goes when the last deadline passes. */
	simple(rs, SFU_CMD_DISCONNECT, 2, 10000);
	simple(rs, SFU_CMD_DISCONNECT, 3, 12000);
	tick(rs, 15000);
	is_int(nev, 0, "grace: 2 removed, nobody attached to tell");
	ok(sfu_rooms_find(rs, "r") != NULL, "grace: room kept for 3");
	tick(rs, 17000);
	ok(sfu_rooms_find(rs, "r") == NULL, "grace: room gone after the last");
	is_int(sfu_rooms_participant_total(rs), 0, "grace: nobody left");

	/* Leaving is final even with a grace period. */
	join(rs, 1, "r");
	join(rs, 2, "r");
	simple(rs, SFU_CMD_LEAVE, 1, 0);
	expect(2, SFU_EV_PARTICIPANT_LEFT, "grace: leave is immediate");
	simple(rs, SFU_CMD_DISCONNECT, 99, 0);
	is_int(nev, 0, "grace: disconnect of an unknown session is silent");
	sfu_rooms_free(rs);
}

static void test_resume(void)
{
	struct sfu_room_limits lim = base_limits();
	struct sfu_rooms *rs;
	const struct rec *r;
	char id1[SFU_ID_MAX + 1], tok[SFU_TOKEN_LEN + 1];

	lim.resume_grace_ms = 5000;
	rs = rooms(&lim);
	join(rs, 1, "r");
	join(rs, 2, "r");
	join(rs, 3, "r");
	sfu_strlcpy(id1, id_of(rs, 1), sizeof(id1));
	token_of(rs, 1, tok);
	ok(strlen(tok) == SFU_TOKEN_LEN, "resume: token from the participant");

	/* Within grace, into a room that is full. */
	simple(rs, SFU_CMD_DISCONNECT, 1, 1000);
	join_full(rs, 5, 3, "r", "Alice", tok, "\"rq\"");
	is_int(nev, 1, "resume: only the resumer hears");
	r = only_to(5);
	ok(r && r->type == SFU_EV_JOINED, "resume: JOINED");
	ok(r && r->resumed, "resume: resumed=true");
	ok(r && !strcmp(r->who, id1), "resume: same id");
	ok(r && r->effect == SFU_EFFECT_JOINED && r->join_seq == 3,
	   "resume: effect JOINED with the new join_seq");
	ok(r && !strcmp(r->req_id, "\"rq\""), "resume: req_id carried");
	is_str(id_of(rs, 5), id1, "resume: indexed by the new session");
	is_int(sfu_participant_deadline(sfu_rooms_by_session(rs, 5)), 0,
	       "resume: deadline cleared");
	is_int(sfu_participant_join_seq(sfu_rooms_by_session(rs, 5)), 3,
	       "resume: join_seq stored");
	tick(rs, 100000);
	is_int(nev, 0, "resume: the old deadline no longer removes it");
	is_int(sfu_room_participant_count(sfu_rooms_find(rs, "r")), 3,
	       "resume: still three");

	/* While still attached: the old session is kicked first. */
	token_of(rs, 5, tok);
	join_full(rs, 6, 8, "r", "Alice", tok, NULL);
	is_int(nev, 2, "resume attached: two events");
	ok(nev == 2 && ev[0].type == SFU_EV_KICKED && ev[0].to == 5 &&
		   ev[1].type == SFU_EV_JOINED && ev[1].to == 6,
	   "resume attached: KICKED to the old, then JOINED to the new");
	r = only_to(5);
	ok(r && !strcmp(r->reason, "resumed"), "kicked: reason \"resumed\"");
	ok(r && r->effect == SFU_EFFECT_IDLE && r->join_seq == 3,
	   "kicked: effect IDLE for the old join_seq");
	ok(r && !strcmp(r->who, id1), "kicked: names the participant");
	r = only_to(6);
	ok(r && r->resumed && !strcmp(r->who, id1) && r->join_seq == 8,
	   "resume attached: JOINED resumed, same id");
	ok(sfu_rooms_by_session(rs, 5) == NULL,
	   "kicked: old session unindexed");
	is_str(id_of(rs, 6), id1, "resume attached: new session indexed");
	simple(rs, SFU_CMD_DISCONNECT, 5, 2000);
	simple(rs, SFU_CMD_LEAVE, 5, 2000);
	tick(rs, 100000);
	is_int(nev, 0, "kicked: the old socket's close changes nothing");
	is_str(id_of(rs, 6), id1, "kicked: participant still on the new one");

	/* Wrong tokens make a new participant. */
	simple(rs, SFU_CMD_LEAVE, 3, 0);
	join_full(rs, 7, 1, "r", "X", "0123456789abcdef0123456789abcdef",
		  NULL);
	r = only_to(7);
	ok(r && r->type == SFU_EV_JOINED && !r->resumed &&
		   strcmp(r->who, id1) != 0,
	   "wrong token: a new participant");
	is_int(count_to(6), 1, "wrong token: others told it joined");
	simple(rs, SFU_CMD_LEAVE, 7, 0);

	token_of(rs, 6, tok);
	tok[SFU_TOKEN_LEN - 1] ^= 1;
	join_full(rs, 7, 1, "r", "X", tok, NULL);
	r = only_to(7);
	ok(r && !r->resumed && strcmp(r->who, id1) != 0,
	   "one-bit-off token: a new participant");
	simple(rs, SFU_CMD_LEAVE, 7, 0);

	token_of(rs, 6, tok);
	tok[8] = '\0';
	join_full(rs, 7, 1, "r", "X", tok, NULL);
	r = only_to(7);
	ok(r && !r->resumed, "token prefix: a new participant");
	simple(rs, SFU_CMD_LEAVE, 7, 0);

	/* The right token for another room does not resume. */
	token_of(rs, 6, tok);
	join_full(rs, 8, 1, "elsewhere", "X", tok, NULL);
	r = only_to(8);
	ok(r && !r->resumed && strcmp(r->who, id1) != 0,
	   "token of another room: a new participant there");
	is_str(id_of(rs, 6), id1, "token of another room: owner untouched");
	simple(rs, SFU_CMD_LEAVE, 8, 0);

	/* Expired: after the tick removed it, the token is worthless. */
	simple(rs, SFU_CMD_DISCONNECT, 6, 20000);
	tick(rs, 25000);
	expect(2, SFU_EV_PARTICIPANT_LEFT, "expired: removed at the deadline");
	join_full(rs, 9, 1, "r", "Alice", tok, NULL);
	r = only_to(9);
	ok(r && r->type == SFU_EV_JOINED && !r->resumed &&
		   strcmp(r->who, id1) != 0,
	   "expired token: a new participant");
	expect(2, SFU_EV_PARTICIPANT_JOINED, "expired token: others told");

	/* A session that is joined cannot resume someone else. */
	token_of(rs, 2, tok);
	join_full(rs, 9, 2, "r", "X", tok, NULL);
	expect_error(9, SFU_ERR_ALREADY_JOINED, SFU_EFFECT_NONE, 2,
		     "resume from a joined session");
	is_int(count_to(2), 0, "resume from a joined session: owner untouched");
	sfu_rooms_free(rs);
}

static void test_no_grace(void)
{
	struct sfu_room_limits lim = base_limits();
	struct sfu_rooms *rs;
	int room_count = 0;
	char tok[SFU_TOKEN_LEN + 1], id1[SFU_ID_MAX + 1];
	const struct rec *r;

	lim.room_count = &room_count;
	rs = rooms(&lim);
	join(rs, 1, "r");
	join(rs, 2, "r");
	token_of(rs, 1, tok);
	sfu_strlcpy(id1, id_of(rs, 1), sizeof(id1));
	simple(rs, SFU_CMD_DISCONNECT, 1, 0);
	r = only_to(2);
	ok(r && r->type == SFU_EV_PARTICIPANT_LEFT && !strcmp(r->who, id1),
	   "grace 0: participant_left at once");
	is_int(sfu_room_participant_count(sfu_rooms_find(rs, "r")), 1,
	       "grace 0: removed");
	join_full(rs, 3, 1, "r", "A", tok, NULL);
	r = only_to(3);
	ok(r && !r->resumed && strcmp(r->who, id1), "grace 0: cannot resume");
	simple(rs, SFU_CMD_DISCONNECT, 2, 0);
	simple(rs, SFU_CMD_DISCONNECT, 3, 0);
	ok(sfu_rooms_find(rs, "r") == NULL, "grace 0: empty room destroyed");
	is_int(room_count, 0, "grace 0: counter back to 0");
	sfu_rooms_free(rs);
}

static void test_cmd(void)
{
	struct sfu_cmd *c = sfu_cmd_new(SFU_CMD_JOIN, 42);

	ok(c->type == SFU_CMD_JOIN && c->session == 42, "cmd_new: fields");
	ok(c->can_publish, "cmd_new: can_publish defaults to true");
	ok(c->req_id[0] == 0 && c->resume[0] == 0 && c->join_seq == 0,
	   "cmd_new: zeroed");
	sfu_cmd_free(c);
	is_str(sfu_err_code(SFU_ERR_ROOM_FULL), "room_full", "err_code");
	is_str(sfu_err_code((enum sfu_err)999), "internal",
	       "err_code out of range");
}

int main(void)
{
	sfu_log_set_level(SFU_LOG_ERROR);
	test_join();
	test_max_rooms();
	test_no_auto_create();
	test_already_joined();
	test_leave();
	test_mute();
	test_grace();
	test_resume();
	test_no_grace();
	test_cmd();
	is_int(overflow, 0, "recorder never overflowed");
	return tap_done();
}
