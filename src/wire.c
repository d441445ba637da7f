/*
 * wire.c - JSON rendering of the contract's server -> client messages.
 *
 * The ice_servers list is built once at start from the configuration and
 * deep-copied into each `joined`, so worker threads never share a jansson
 * value that another thread could be changing.
 */
#include "wire.h"

#include <jansson.h>
#include <stdlib.h>

#include "negotiation.h"
#include "participant.h"
#include "room.h"

struct sfu_wire {
	json_t *ice_servers;
};

static json_t *ice_server(const char *scheme, const char *hostport,
			  const char *user, const char *pass)
{
	json_t *s = json_object();
	char *url = sfu_xasprintf("%s:%s", scheme, hostport);

	json_object_set_new(s, "urls", json_string(url));
	free(url);
	if (user)
		json_object_set_new(s, "username", json_string(user));
	if (pass)
		json_object_set_new(s, "credential", json_string(pass));
	return s;
}

struct sfu_wire *sfu_wire_new(const struct sfu_config *cfg)
{
	struct sfu_wire *w = sfu_xcalloc(1, sizeof(*w));

	w->ice_servers = json_array();
	if (cfg->media_stun_server)
		json_array_append_new(w->ice_servers,
				      ice_server("stun", cfg->media_stun_server,
						 NULL, NULL));
	if (cfg->media_turn_server)
		json_array_append_new(w->ice_servers,
				      ice_server("turn", cfg->media_turn_server,
						 cfg->media_turn_username,
						 cfg->media_turn_password));
	return w;
}

void sfu_wire_free(struct sfu_wire *w)
{
	if (!w)
		return;
	json_decref(w->ice_servers);
	free(w);
}

static char *dump(json_t *msg)
{
	char *text = json_dumps(msg, JSON_COMPACT);

	json_decref(msg);
	if (!text)
		abort(); /* only on allocation failure */
	return text;
}

static json_t *with_type(const char *type, const char *req_id)
{
	json_t *msg = json_object();

	json_object_set_new(msg, "type", json_string(type));
	if (req_id && req_id[0])
		json_object_set_new(msg, "id",
				    json_loads(req_id, JSON_DECODE_ANY, NULL));
	return msg;
}

static json_t *track_json(const struct sfu_track *t)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_string(t->id));
	json_object_set_new(o, "kind", json_string(sfu_track_kind_name(t->kind)));
	json_object_set_new(o, "label", json_string(t->label));
	json_object_set_new(o, "muted", json_boolean(t->muted));
	return o;
}

static json_t *participant_json(const struct sfu_participant *p)
{
	json_t *o = json_object(), *tracks = json_array();

	json_object_set_new(o, "id", json_string(sfu_participant_id(p)));
	json_object_set_new(o, "name", json_string(sfu_participant_name(p)));
	for (size_t i = 0; i < sfu_participant_track_count(p); i++)
		json_array_append_new(tracks,
				      track_json(sfu_participant_track_at(p, i)));
	json_object_set_new(o, "tracks", tracks);
	return o;
}

static json_t *joined_json(const struct sfu_wire *w, const struct sfu_event *ev)
{
	json_t *msg = with_type("joined", ev->req_id), *others = json_array();

	json_object_set_new(msg, "room", json_string(sfu_room_name(ev->room)));
	json_object_set_new(msg, "you", json_string(sfu_participant_id(ev->who)));
	for (size_t i = 0; i < sfu_room_participant_count(ev->room); i++) {
		const struct sfu_participant *p =
			sfu_room_participant_at(ev->room, i);
		if (p != ev->who)
			json_array_append_new(others, participant_json(p));
	}
	json_object_set_new(msg, "participants", others);
	json_object_set_new(msg, "ice_servers", json_deep_copy(w->ice_servers));
	json_object_set_new(msg, "resume",
			    json_string(sfu_participant_resume_token(ev->who)));
	json_object_set_new(msg, "resumed", json_boolean(ev->resumed));
	return msg;
}

/* {"<mid>": {"participant": id, "track": id}} for the remote tracks. */
static json_t *offer_tracks(const struct sfu_nego *n)
{
	json_t *map = json_object();

	for (size_t i = 0; i < n->n; i++) {
		const struct sfu_msec *s = &n->sec[i];
		json_t *o;
		if (s->role != SFU_MSEC_MEDIA || !s->server_sends)
			continue;
		o = json_object();
		json_object_set_new(o, "participant", json_string(s->pub_participant));
		json_object_set_new(o, "track", json_string(s->pub_track));
		json_object_set_new(map, s->mid, o);
	}
	return map;
}

/* {"<mid>": {"participant", "track", "kind", "label"}} for what the
 * answered client publishes: how it learns its own track ids. */
static json_t *answer_tracks(const struct sfu_event *ev)
{
	json_t *map = json_object();

	for (size_t i = 0; ev->who && i < sfu_participant_track_count(ev->who); i++) {
		const struct sfu_track *t = sfu_participant_track_at(ev->who, i);
		json_t *o;
		if (!ev->nego || t->section < 0 || (size_t)t->section >= ev->nego->n)
			continue;
		o = track_json(t);
		json_object_set_new(o, "participant",
				    json_string(sfu_participant_id(ev->who)));
		json_object_set_new(o, "track", json_string(t->id));
		json_object_del(o, "id");
		json_object_set_new(map, ev->nego->sec[t->section].mid, o);
	}
	return map;
}

static json_t *media_json(const struct sfu_event *ev)
{
	json_t *msg, *c;

	switch (ev->type) {
	case SFU_EV_ANSWER:
		msg = with_type("answer", ev->req_id);
		json_object_set_new(msg, "sdp", json_string(ev->sdp));
		json_object_set_new(msg, "tracks", answer_tracks(ev));
		return msg;
	case SFU_EV_OFFER:
		msg = with_type("offer", NULL);
		json_object_set_new(msg, "sdp", json_string(ev->sdp));
		json_object_set_new(msg, "tracks", offer_tracks(ev->nego));
		return msg;
	case SFU_EV_CANDIDATE:
		msg = with_type("candidate", NULL);
		c = json_object();
		json_object_set_new(c, "candidate", json_string(ev->candidate));
		json_object_set_new(c, "sdpMid", json_string(ev->mid ? ev->mid : "0"));
		json_object_set_new(c, "sdpMLineIndex", json_integer(0));
		json_object_set_new(msg, "candidate", c);
		return msg;
	case SFU_EV_TRACK_ADDED:
		msg = with_type("track_added", NULL);
		json_object_set_new(msg, "participant",
				    json_string(sfu_participant_id(ev->who)));
		json_object_set_new(msg, "track", track_json(ev->track));
		return msg;
	case SFU_EV_TRACK_REMOVED:
		msg = with_type("track_removed", NULL);
		json_object_set_new(msg, "participant",
				    json_string(sfu_participant_id(ev->who)));
		json_object_set_new(msg, "track", json_string(ev->track->id));
		return msg;
	default:
		return NULL;
	}
}

char *sfu_wire_event(const struct sfu_wire *w, const struct sfu_event *ev)
{
	json_t *msg = media_json(ev);

	if (msg)
		return dump(msg);
	switch (ev->type) {
	case SFU_EV_JOINED:
		return dump(joined_json(w, ev));
	case SFU_EV_ERROR:
		return sfu_wire_error(ev->req_id, ev->err, ev->message);
	case SFU_EV_PARTICIPANT_JOINED:
		msg = with_type("participant_joined", NULL);
		json_object_set_new(msg, "participant", participant_json(ev->who));
		return dump(msg);
	case SFU_EV_PARTICIPANT_LEFT:
		msg = with_type("participant_left", NULL);
		json_object_set_new(msg, "participant",
				    json_string(sfu_participant_id(ev->who)));
		return dump(msg);
	case SFU_EV_TRACK_MUTED:
		msg = with_type("track_muted", NULL);
		json_object_set_new(msg, "participant",
				    json_string(sfu_participant_id(ev->who)));
		json_object_set_new(msg, "track", json_string(ev->track->id));
		json_object_set_new(msg, "muted", json_boolean(ev->track->muted));
		return dump(msg);
	case SFU_EV_KICKED:
	case SFU_EV_ROOM_CLOSED:
		msg = with_type(ev->type == SFU_EV_KICKED ? "kicked"
							  : "room_closed",
				NULL);
		json_object_set_new(msg, "reason",
				    json_string(ev->reason ? ev->reason : ""));
		return dump(msg);
	default:
		break;
	}
	return sfu_wire_error(ev->req_id, SFU_ERR_INTERNAL, "unknown event");
}

char *sfu_wire_error(const char *req_id, enum sfu_err err, const char *message)
{
	json_t *msg = with_type("error", req_id);

	json_object_set_new(msg, "code", json_string(sfu_err_code(err)));
	json_object_set_new(msg, "message", json_string(message ? message : ""));
	return dump(msg);
}

char *sfu_wire_ack(const char *type, const char *req_id)
{
	return dump(with_type(type, req_id));
}
