/*
 * room_media.c - offers, answers and candidates, and the room-wide
 * consequences of publishing: who receives which track.
 *
 * A client offer is applied to its negotiation state; sections it starts
 * sending on become tracks (track_added to the others, and a forward into
 * every other participant's session), sections it stops become
 * track_removed. Then it gets its answer, and every participant whose
 * negotiation changed gets a server offer (the newcomer's first one
 * carries everything already in the room).
 */
#define SFU_LOG_MODULE "room"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
#include "jsonstr.h"
#include "log.h"
#include "media.h"
#include "names.h"
#include "negotiation.h"
#include "room-t.h"
#include "sdp.h"

static struct sfu_room *room_of(struct sfu_rooms *rs, struct sfu_participant *p)
{
	return g_hash_table_lookup(rs->where, p);
}

static void emit_to(struct sfu_rooms *rs, struct sfu_participant *p,
		    struct sfu_event *ev)
{
	ev->to = sfu_participant_session(p);
	if (!ev->req_id)
		ev->req_id = "";
	if (ev->to)
		rs->emit(rs->emit_ctx, ev);
}

/* ---- transport failure: remove at a safe point ------------------------- */

struct doomed {
	struct sfu_rooms *rs;
	char room[SFU_ROOM_NAME_MAX + 1];
	char id[SFU_ID_MAX + 1];
	char why[96];
};

static gboolean remove_doomed(gpointer data)
{
	struct doomed *d = data;
	struct sfu_room *r = g_hash_table_lookup(d->rs->rooms, d->room);
	struct sfu_participant *p = NULL;

	for (guint i = 0; r && !p && i < r->participants->len; i++)
		if (strcmp(sfu_participant_id(g_ptr_array_index(r->participants, i)),
			   d->id) == 0)
			p = g_ptr_array_index(r->participants, i);
	if (p) {
		struct sfu_event ev = {
			.type = SFU_EV_KICKED,
			.join_seq = sfu_participant_join_seq(p),
			.effect = SFU_EFFECT_IDLE,
			.room = r,
			.who = p,
			.reason = d->why,
		};
		emit_to(d->rs, p, &ev);
		sfu__participant_remove(d->rs, r, p, d->why);
	}
	return G_SOURCE_REMOVE;
}

static void media_failed(void *owner, const char *why)
{
	struct sfu_participant *p = owner;
	struct sfu_rooms *rs = sfu_participant_rooms(p);
	struct sfu_room *r = room_of(rs, p);
	struct doomed *d = sfu_xcalloc(1, sizeof(*d));
	GSource *idle = g_idle_source_new();

	d->rs = rs;
	sfu_strlcpy(d->room, r->name, sizeof(d->room));
	sfu_strlcpy(d->id, sfu_participant_id(p), sizeof(d->id));
	snprintf(d->why, sizeof(d->why), "media connection failed: %s", why);
	g_source_set_callback(idle, remove_doomed, d, free);
	g_source_attach(idle, g_main_context_get_thread_default());
	g_source_unref(idle);
}

static void media_candidate(void *owner, const char *cand)
{
	struct sfu_participant *p = owner;
	struct sfu_media *m = sfu_participant_media(p);
	const struct sfu_nego *n = sfu_media_nego(m);
	struct sfu_event ev = { .type = SFU_EV_CANDIDATE, .candidate = cand };

	for (size_t i = 0; i < n->n && !ev.mid; i++)
		if (n->sec[i].role != SFU_MSEC_REJECTED)
			ev.mid = n->sec[i].mid;
	ev.room = room_of(sfu_participant_rooms(p), p);
	ev.who = p;
	emit_to(sfu_participant_rooms(p), p, &ev);
}

/* ---- chat (PROTOCOL 1.3) ---------------------------------------------------- */

#define CHAT_MAX_TEXT (16 * 1024)

static void chat_refused(struct sfu_participant *p, enum sfu_err err,
			 const char *why)
{
	struct sfu_rooms *rs = sfu_participant_rooms(p);
	struct sfu_event ev = {
		.type = SFU_EV_ERROR,
		.req_id = "",
		.err = err,
		.message = why,
	};

	sfu_media_chat_refused(sfu_participant_media(p));
	emit_to(rs, p, &ev);
}

/* A text on p's chat channel goes to every other participant's, with the
 * sender set here, never taken from the text. */
static void media_chat(void *owner, bool binary, const uint8_t *data, size_t len)
{
	struct sfu_participant *p = owner;
	struct sfu_room *r = room_of(sfu_participant_rooms(p), p);
	const char *name = sfu_participant_name(p);
	size_t cap = SFU_JSON_QUOTED_MAX(len) + SFU_JSON_QUOTED_MAX(strlen(name)) + 128;
	char *msg, *o;

	if (binary || !sfu_utf8_valid((const char *)data, len)) {
		chat_refused(p, SFU_ERR_BAD_REQUEST, "chat messages are UTF-8 text");
		return;
	}
	if (len > CHAT_MAX_TEXT) {
		chat_refused(p, SFU_ERR_TOO_LARGE,
			     "chat messages are limited to 16 KiB");
		return;
	}
	o = msg = sfu_xmalloc(cap);
	o += sprintf(o, "{\"from\":\"%s\",\"name\":", sfu_participant_id(p));
	o += sfu_json_quote(o, name, strlen(name));
	o += sprintf(o, ",\"text\":");
	o += sfu_json_quote(o, (const char *)data, len);
	o += sprintf(o, ",\"ts\":%lld}", (long long)sfu_wall_ms());
	for (guint i = 0; i < r->participants->len; i++) {
		struct sfu_participant *q = g_ptr_array_index(r->participants, i);
		if (q != p && sfu_participant_media(q))
			sfu_media_send_chat(sfu_participant_media(q), msg,
					    (size_t)(o - msg));
	}
	free(msg);
}

static const struct sfu_media_ops media_ops = {
	.failed = media_failed,
	.candidate = media_candidate,
	.chat = media_chat,
};

/* ---- offers ---------------------------------------------------------------- */

static void send_offer(struct sfu_rooms *rs, struct sfu_room *r,
		       struct sfu_participant *p)
{
	struct sfu_media *m = sfu_participant_media(p);
	struct sfu_event ev = { .type = SFU_EV_OFFER };
	char *sdp = sfu_media_offer(m);

	ev.sdp = sdp;
	ev.nego = sfu_media_nego(m);
	ev.room = r;
	ev.who = p;
	emit_to(rs, p, &ev);
	free(sdp);
}

static void subscribe_all(const struct sfu_room *r, struct sfu_participant *p,
			  bool quiet);

/*
 * Every change in a room ends here: a track or a participant gone frees
 * sections, an answer makes a detached section reusable. Whoever misses
 * tracks tries them all again, and its count starts over from what
 * still finds no section.
 */
static void retry_missing(struct sfu_room *r)
{
	for (guint i = 0; i < r->participants->len; i++) {
		struct sfu_participant *p = g_ptr_array_index(r->participants, i);
		struct sfu_media *m = sfu_participant_media(p);
		if (!m || sfu_media_subscriptions_missing(m) == 0)
			continue;
		sfu_media_subscriptions_missing_reset(m);
		subscribe_all(r, p, true);
	}
}

void sfu__room_flush_offers(struct sfu_rooms *rs, struct sfu_room *r)
{
	retry_missing(r);
	for (guint i = 0; i < r->participants->len; i++) {
		struct sfu_participant *p = g_ptr_array_index(r->participants, i);
		struct sfu_media *m = sfu_participant_media(p);
		/* A detached participant gets its offer when it resumes. */
		if (m && sfu_participant_session(p) &&
		    sfu_nego_should_offer(sfu_media_nego(m)))
			send_offer(rs, r, p);
	}
}

void sfu__participant_resumed(struct sfu_rooms *rs, struct sfu_room *r,
			      struct sfu_participant *p)
{
	struct sfu_media *m = sfu_participant_media(p);

	/* An offer sent while the socket was dropping may be lost: send
	 * it again (answering the same offer twice is harmless). */
	if (m && sfu_media_nego(m)->state == SFU_NEGO_HAVE_LOCAL_OFFER) {
		sfu_media_nego(m)->state = SFU_NEGO_STABLE;
		sfu_media_nego(m)->needs_offer = true;
	}
	sfu__room_flush_offers(rs, r);
}

/* ---- publishing ------------------------------------------------------------- */

static const char *label_for(const struct sfu_cmd *cmd, const char *mid,
			     enum sfu_sdp_kind kind)
{
	for (size_t i = 0; i < cmd->n_labels; i++)
		if (strcmp(cmd->labels[i].mid, mid) == 0)
			return cmd->labels[i].label;
	return kind == SFU_SDP_AUDIO ? "mic" : "camera";
}

static void new_track_id(struct sfu_room *r, char *out)
{
	bool taken;

	do {
		out[0] = 't';
		sfu_random_hex(out + 1, 6);
		taken = false;
		for (guint i = 0; i < r->participants->len && !taken; i++) {
			struct sfu_participant *q = g_ptr_array_index(r->participants, i);
			taken = sfu_participant_find_track(q, out) != NULL;
		}
	} while (taken);
}

/*
 * q receives p's track on pub's section idx. A connection has a fixed
 * number of m-sections (its own, the data channel, one per track it
 * receives); a track that finds every one in use is not sent but counted
 * as missing, and retried when sections may have come free (see
 * retry_missing). The first track q misses is logged; retries are quiet.
 */
static void subscribe(const struct sfu_room *r, struct sfu_participant *q,
		      struct sfu_media *pub, size_t idx,
		      const struct sfu_participant *p, bool quiet)
{
	struct sfu_media *m = sfu_participant_media(q);

	if (sfu_media_subscribe(m, pub, idx, sfu_participant_id(p)) != -ENOSPC ||
	    quiet || sfu_media_subscriptions_missing(m) > 1)
		return;
	log_warn("room %s: %s cannot receive %s's track %s: all %d m-sections "
		 "of its connection are in use (the tracks it misses are "
		 "retried as sections come free, and counted in the admin "
		 "API's subscriptions_missing)", r->name,
		 sfu_participant_id(q), sfu_participant_id(p),
		 sfu_media_stream_track(pub, idx), SFU_NEGO_MAX_SECTIONS);
}

static void publish(struct sfu_rooms *rs, struct sfu_room *r,
		    struct sfu_participant *p, const struct sfu_cmd *cmd,
		    size_t idx)
{
	struct sfu_media *m = sfu_participant_media(p);
	const struct sfu_msec *sec = &sfu_media_nego(m)->sec[idx];
	struct sfu_event ev = { .type = SFU_EV_TRACK_ADDED, .who = p };
	char id[SFU_ID_MAX + 1];
	struct sfu_track *t;

	new_track_id(r, id);
	t = sfu_participant_add_track(p, id, sec->kind == SFU_SDP_AUDIO
						     ? SFU_TRACK_AUDIO
						     : SFU_TRACK_VIDEO,
				      label_for(cmd, sec->mid, sec->kind),
				      (size_t)rs->lim.max_tracks);
	if (!t) {
		sfu_media_nego(m)->sec[idx].client_sends = false;
		return;
	}
	t->section = (int)idx;
	sfu_media_publish(m, idx, id);
	log_info("room %s: %s publishes %s %s (%s)", r->name,
		 sfu_participant_id(p), sfu_track_kind_name(t->kind), id,
		 t->label);
	ev.track = t;
	sfu__room_emit_others(rs, r, p, &ev);
	for (guint i = 0; i < r->participants->len; i++) {
		struct sfu_participant *q = g_ptr_array_index(r->participants, i);
		if (q != p && sfu_participant_media(q))
			subscribe(r, q, m, idx, p, false);
	}
}

static void unpublish(struct sfu_rooms *rs, struct sfu_room *r,
		      struct sfu_participant *p, size_t idx)
{
	struct sfu_track *t = sfu_participant_track_by_section(p, (int)idx);
	struct sfu_event ev = { .type = SFU_EV_TRACK_REMOVED, .who = p };

	sfu_media_drop_stream(sfu_participant_media(p), idx);
	if (!t)
		return;
	ev.track = t;
	sfu__room_emit_others(rs, r, p, &ev);
	sfu_participant_remove_track(p, t->id);
}

/* p receives everything published that it does not receive yet: a
 * newcomer after its first offer, and a participant that misses tracks
 * when sections may have come free (quiet). */
static void subscribe_all(const struct sfu_room *r, struct sfu_participant *p,
			  bool quiet)
{
	struct sfu_media *m = sfu_participant_media(p);

	for (guint i = 0; i < r->participants->len; i++) {
		struct sfu_participant *q = g_ptr_array_index(r->participants, i);
		struct sfu_media *qm = sfu_participant_media(q);
		if (q == p || !qm)
			continue;
		for (size_t t = 0; t < sfu_participant_track_count(q); t++) {
			const struct sfu_track *tr = sfu_participant_track_at(q, t);
			if (!sfu_media_subscribed(m, qm, (size_t)tr->section))
				subscribe(r, p, qm, (size_t)tr->section, q,
					  quiet);
		}
	}
}

/* ---- commands ----------------------------------------------------------------- */

static struct sfu_sdp *parse(struct sfu_rooms *rs, const struct sfu_cmd *cmd)
{
	struct sfu_sdp *sdp = sfu_xmalloc(sizeof(*sdp));
	char why[160], msg[200];

	if (sfu_sdp_parse(cmd->text, cmd->text_len, sdp, why, sizeof(why)) == 0)
		return sdp;
	free(sdp);
	snprintf(msg, sizeof(msg), "cannot parse the SDP: %s", why);
	sfu__room_emit_error(rs, cmd, SFU_ERR_BAD_SDP, msg, SFU_EFFECT_NONE);
	return NULL;
}

static struct sfu_media *ensure_media(struct sfu_rooms *rs,
				      struct sfu_participant *p, bool *created)
{
	struct sfu_media *m = sfu_participant_media(p);

	*created = false;
	if (m || !rs->lim.media)
		return m;
	m = sfu_media_new(rs->lim.media, &media_ops, p);
	if (m) {
		sfu_participant_set_media(p, m);
		*created = true;
	}
	return m;
}

static void apply_changes(struct sfu_rooms *rs, struct sfu_room *r,
			  struct sfu_participant *p, const struct sfu_cmd *cmd,
			  const struct sfu_nego_changes *ch)
{
	struct sfu_media *m = sfu_participant_media(p);

	for (size_t i = 0; i < ch->n_published; i++) {
		if (sfu_participant_can_publish(p))
			publish(rs, r, p, cmd, ch->published[i]);
		else
			sfu_media_nego(m)->sec[ch->published[i]].client_sends = false;
	}
	for (size_t i = 0; i < ch->n_unpublished; i++)
		unpublish(rs, r, p, ch->unpublished[i]);
	for (size_t i = 0; i < ch->n_refused; i++)
		sfu_media_section_refused(m, ch->refused[i]);
	for (size_t i = 0; i < ch->n_accepted; i++)
		sfu_media_section_accepted(m, ch->accepted[i]);
}

static void on_offer(struct sfu_rooms *rs, struct sfu_room *r,
		     struct sfu_participant *p, const struct sfu_cmd *cmd)
{
	struct sfu_event ev = { .type = SFU_EV_ANSWER, .req_id = cmd->req_id };
	struct sfu_nego_changes ch;
	struct sfu_media *m;
	struct sfu_sdp *sdp;
	char why[160];
	bool created;
	int rc;

	if (!(sdp = parse(rs, cmd)))
		return;
	if (!(m = ensure_media(rs, p, &created))) {
		sfu__room_emit_error(rs, cmd, SFU_ERR_INTERNAL,
				     "no media port is free", SFU_EFFECT_NONE);
		goto out;
	}
	rc = sfu_nego_apply_offer(sfu_media_nego(m), sdp, &ch, why, sizeof(why));
	if (rc == 0)
		rc = sfu_media_set_remote(m, sdp, why, sizeof(why));
	if (rc) {
		sfu__room_emit_error(rs, cmd, rc == -EBUSY ? SFU_ERR_GLARE
							   : SFU_ERR_BAD_SDP,
				     why, SFU_EFFECT_NONE);
		/* After glare the client answers our offer: make sure it has
		 * one (a pending change may not have been offered yet). */
		if (rc == -EBUSY)
			sfu__room_flush_offers(rs, r);
		goto out;
	}
	sfu_media_refresh(m);
	apply_changes(rs, r, p, cmd, &ch);
	/* The answer holds exactly the offer's sections, so what p is to
	 * receive is added after it, for the server's own offer. */
	ev.sdp = sfu_media_answer(m);
	ev.nego = sfu_media_nego(m);
	ev.room = r;
	ev.who = p;
	emit_to(rs, p, &ev);
	free((char *)ev.sdp);
	if (created)
		subscribe_all(r, p, false);
	sfu__room_flush_offers(rs, r);
out:
	free(sdp);
}

static void on_answer(struct sfu_rooms *rs, struct sfu_room *r,
		      struct sfu_participant *p, const struct sfu_cmd *cmd)
{
	struct sfu_media *m = sfu_participant_media(p);
	struct sfu_nego_changes ch;
	struct sfu_sdp *sdp;
	char why[160];

	if (!m || sfu_media_nego(m)->state != SFU_NEGO_HAVE_LOCAL_OFFER) {
		sfu__room_emit_error(rs, cmd, SFU_ERR_BAD_REQUEST,
				     "there is no server offer to answer",
				     SFU_EFFECT_NONE);
		return;
	}
	if (!(sdp = parse(rs, cmd)))
		return;
	if (sfu_nego_apply_answer(sfu_media_nego(m), sdp, &ch, why, sizeof(why)) ||
	    sfu_media_set_remote(m, sdp, why, sizeof(why))) {
		sfu__room_emit_error(rs, cmd, SFU_ERR_BAD_SDP, why,
				     SFU_EFFECT_NONE);
	} else {
		sfu_media_refresh(m);
		apply_changes(rs, r, p, cmd, &ch);
		sfu__room_flush_offers(rs, r);
	}
	free(sdp);
}

static void on_candidate(struct sfu_participant *p, const struct sfu_cmd *cmd)
{
	struct sfu_media *m = sfu_participant_media(p);

	/* Candidates the agent cannot use (mDNS names, TCP) are dropped:
	 * the client learns nothing useful from an error about them. */
	if (!m)
		return;
	if (cmd->end_of_candidates)
		sfu_media_end_of_candidates(m);
	else if (cmd->text)
		sfu_media_add_candidate(m, cmd->text, cmd->text_len);
}

void sfu__rooms_media_cmd(struct sfu_rooms *rs, const struct sfu_cmd *cmd)
{
	struct sfu_participant *p = sfu_rooms_by_session(rs, cmd->session);

	if (!p) {
		if (cmd->type != SFU_CMD_CANDIDATE)
			sfu__room_emit_error(rs, cmd, SFU_ERR_NOT_JOINED,
					     "not joined", SFU_EFFECT_NONE);
		return;
	}
	switch (cmd->type) {
	case SFU_CMD_OFFER:
		on_offer(rs, room_of(rs, p), p, cmd);
		break;
	case SFU_CMD_ANSWER:
		on_answer(rs, room_of(rs, p), p, cmd);
		break;
	default:
		on_candidate(p, cmd);
		break;
	}
}
