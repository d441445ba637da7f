/*
 * janus.c - the bench participant against Janus's VideoRoom plugin over
 * its WebSocket transport (subprotocol "janus-protocol"), as the Janus
 * JavaScript library would drive it: one session; a publisher handle
 * (join as publisher, then configure with our offer: audio + video
 * sendonly, Janus answers); one multistream subscriber handle (join as
 * subscriber with every known feed, later "subscribe" for new ones; Janus
 * offers, we answer with "start"). Each handle has its own
 * PeerConnection, which is how Janus works. Media and accounting are
 * client.c's.
 */
#include <stdio.h>
#include <stdlib.h>

#include "client-int.h"
#include "common.h"

static char *txn(struct bench_client *c, const char *what)
{
	return sfu_xasprintf("%s-%u", what, ++c->j.txn);
}

/* Send {"janus": kind, ...} with session (and handle) filled in. */
static void jsend(struct bench_client *c, const char *what, json_t *msg,
		  uint64_t handle)
{
	char *t = txn(c, what);

	json_object_set_new(msg, "transaction", json_string(t));
	if (c->j.session)
		json_object_set_new(msg, "session_id", json_integer((json_int_t)c->j.session));
	if (handle)
		json_object_set_new(msg, "handle_id", json_integer((json_int_t)handle));
	free(t);
	bclient_send_json(c, msg);
}

static void plugin_message(struct bench_client *c, const char *what,
			   uint64_t handle, json_t *body, json_t *jsep)
{
	json_t *msg = json_pack("{s:s, s:o}", "janus", "message", "body", body);

	if (jsep)
		json_object_set_new(msg, "jsep", jsep);
	jsend(c, what, msg, handle);
}

static void trickle_done(struct bench_client *c, uint64_t handle)
{
	jsend(c, "trickle",
	      json_pack("{s:s, s:{s:b}}", "janus", "trickle", "candidate",
			"completed", 1),
	      handle);
}

/* The VideoRoom room number of our room name (FNV-1a, 31 bits). */
static uint64_t room_number(const char *name)
{
	uint32_t h = 2166136261u;

	for (const char *p = name; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	return (h & 0x7fffffff) | 1;
}

static gboolean on_keepalive(gpointer data)
{
	struct bench_client *c = data;

	if (c->j.session && !c->failure[0])
		jsend(c, "keepalive", json_pack("{s:s}", "janus", "keepalive"), 0);
	return G_SOURCE_CONTINUE;
}

int janus_start(struct bench_client *c)
{
	c->j.room = room_number(c->room);
	c->j.subscribed = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	c->j.pending = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	jsend(c, "create", json_pack("{s:s}", "janus", "create"), 0);
	return c->failure[0] ? -1 : 0;
}

void janus_free(struct bench_client *c)
{
	if (c->j.keepalive) {
		g_source_destroy(c->j.keepalive);
		g_source_unref(c->j.keepalive);
		c->j.keepalive = NULL;
	}
	if (c->j.session && c->ws && !c->failure[0])
		jsend(c, "destroy", json_pack("{s:s}", "janus", "destroy"), 0);
	sfu_peer_free(c->j.sub_peer);
	c->j.sub_peer = NULL;
	if (c->j.subscribed)
		g_array_free(c->j.subscribed, TRUE);
	if (c->j.pending)
		g_array_free(c->j.pending, TRUE);
	c->j.subscribed = c->j.pending = NULL;
}

static bool has_feed(GArray *a, uint64_t id)
{
	for (guint i = 0; i < a->len; i++)
		if (g_array_index(a, uint64_t, i) == id)
			return true;
	return false;
}

/* Ask for the pending feeds: join the subscriber handle the first time,
 * "subscribe" afterwards; one negotiation round at a time. */
static void subscribe_pending(struct bench_client *c)
{
	json_t *streams, *body;

	if (c->j.sub_busy || !c->j.sub_handle || c->j.pending->len == 0)
		return;
	streams = json_array();
	for (guint i = 0; i < c->j.pending->len; i++) {
		uint64_t id = g_array_index(c->j.pending, uint64_t, i);
		json_array_append_new(streams, json_pack("{s:I}", "feed", (json_int_t)id));
		g_array_append_val(c->j.subscribed, id);
	}
	g_array_set_size(c->j.pending, 0);
	if (!c->j.sub_joined) {
		body = json_pack("{s:s, s:s, s:I, s:o}", "request", "join", "ptype",
				 "subscriber", "room", (json_int_t)c->j.room,
				 "streams", streams);
		c->j.sub_joined = true;
	} else {
		body = json_pack("{s:s, s:o}", "request", "subscribe", "streams",
				 streams);
	}
	c->j.sub_busy = true;
	plugin_message(c, "subscribe", c->j.sub_handle, body, NULL);
}

static void note_publishers(struct bench_client *c, json_t *list)
{
	size_t i;
	json_t *p;

	json_array_foreach(list, i, p) {
		uint64_t id = (uint64_t)json_integer_value(json_object_get(p, "id"));
		if (!id || id == c->j.feed_id || has_feed(c->j.subscribed, id) ||
		    has_feed(c->j.pending, id))
			continue;
		g_array_append_val(c->j.pending, id);
	}
	subscribe_pending(c);
}

static void join_publisher(struct bench_client *c)
{
	plugin_message(c, "join", c->j.pub_handle,
		       json_pack("{s:s, s:s, s:I, s:s}", "request", "join", "ptype",
				 "publisher", "room", (json_int_t)c->j.room,
				 "display", c->name),
		       NULL);
}

static void publish(struct bench_client *c)
{
	char *sdp;

	c->peer = bclient_new_peer(c, true, &bclient_pub_ops);
	if (!c->peer)
		return;
	sdp = bclient_offer_sdp(c, false);
	plugin_message(c, "configure", c->j.pub_handle,
		       json_pack("{s:s, s:b, s:b}", "request", "configure", "audio",
				 1, "video", 1),
		       json_pack("{s:s, s:s}", "type", "offer", "sdp", sdp));
	free(sdp);
	trickle_done(c, c->j.pub_handle);
}

/* Janus offered the subscriber PeerConnection (first or updated). */
static void answer_subscriber(struct bench_client *c, const char *sdp)
{
	char *answer;

	if (!c->j.sub_peer) {
		/* Janus offers, so it is ICE-controlling and we are not. */
		c->j.sub_peer = bclient_new_peer(c, false, &bclient_sub_ops);
		if (!c->j.sub_peer)
			return;
	}
	if (bclient_apply_remote(c, c->j.sub_peer, sdp, true) < 0)
		return;
	answer = bclient_answer_sdp(c, c->j.sub_peer, sdp, false, true);
	if (!answer)
		return;
	plugin_message(c, "start", c->j.sub_handle,
		       json_pack("{s:s}", "request", "start"),
		       json_pack("{s:s, s:s}", "type", "answer", "sdp", answer));
	free(answer);
	if (!c->j.sub_remote_set)
		trickle_done(c, c->j.sub_handle);
	c->j.sub_remote_set = true;
	c->j.sub_busy = false;
	subscribe_pending(c);
}

static void on_success(struct bench_client *c, const char *t, json_t *msg)
{
	json_t *data = json_object_get(msg, "data");
	json_t *pdata = json_object_get(json_object_get(msg, "plugindata"), "data");
	uint64_t id = (uint64_t)json_integer_value(json_object_get(data, "id"));

	if (strncmp(t, "create-", 7) == 0) {
		c->j.session = id;
		c->j.keepalive = g_timeout_source_new_seconds(20);
		g_source_set_callback(c->j.keepalive, on_keepalive, c, NULL);
		g_source_attach(c->j.keepalive, g_main_context_get_thread_default());
		jsend(c, "attach-pub",
		      json_pack("{s:s, s:s}", "janus", "attach", "plugin",
				"janus.plugin.videoroom"),
		      0);
		jsend(c, "attach-sub",
		      json_pack("{s:s, s:s}", "janus", "attach", "plugin",
				"janus.plugin.videoroom"),
		      0);
	} else if (strncmp(t, "attach-pub-", 11) == 0) {
		c->j.pub_handle = id;
		/* Create the room (427 "already exists" is fine), then join. */
		plugin_message(c, "room", id,
			       json_pack("{s:s, s:I, s:i, s:s, s:s, s:b}", "request",
					 "create", "room", (json_int_t)c->j.room,
					 "publishers", 64, "audiocodec", "opus",
					 "videocodec", "vp8", "notify_joining", 0),
			       NULL);
	} else if (strncmp(t, "attach-sub-", 11) == 0) {
		c->j.sub_handle = id;
		subscribe_pending(c);
	} else if (strncmp(t, "room-", 5) == 0) {
		json_int_t code = json_integer_value(json_object_get(pdata, "error_code"));
		if (code && code != 427) {
			const char *e = json_string_value(json_object_get(pdata, "error"));
			bclient_fail(c, "VideoRoom create: %s", e ? e : "error");
			return;
		}
		join_publisher(c);
	}
}

/* A plugin event on one of our handles. */
static void on_event(struct bench_client *c, json_t *msg)
{
	uint64_t sender = (uint64_t)json_integer_value(json_object_get(msg, "sender"));
	json_t *data = json_object_get(json_object_get(msg, "plugindata"), "data");
	json_t *jsep = json_object_get(msg, "jsep");
	const char *vr = json_string_value(json_object_get(data, "videoroom"));
	const char *sdp = json_string_value(json_object_get(jsep, "sdp"));
	const char *type = json_string_value(json_object_get(jsep, "type"));
	json_int_t code = json_integer_value(json_object_get(data, "error_code"));

	if (code) {
		const char *e = json_string_value(json_object_get(data, "error"));
		bclient_fail(c, "VideoRoom error %lld: %s", (long long)code,
			     e ? e : "?");
		return;
	}
	if (sender == c->j.pub_handle) {
		if (vr && strcmp(vr, "joined") == 0) {
			c->j.feed_id = (uint64_t)json_integer_value(
				json_object_get(data, "id"));
			free(c->you);
			c->you = sfu_xasprintf("%llu", (unsigned long long)c->j.feed_id);
			publish(c);
		}
		if (sdp && type && strcmp(type, "answer") == 0 && c->peer &&
		    bclient_apply_remote(c, c->peer, sdp, false) == 0)
			c->remote_set = true;
		if (json_is_array(json_object_get(data, "publishers")))
			note_publishers(c, json_object_get(data, "publishers"));
	} else if (sender == c->j.sub_handle) {
		if (sdp && type && strcmp(type, "offer") == 0)
			answer_subscriber(c, sdp);
	}
}

void janus_message(struct bench_client *c, json_t *msg)
{
	const char *kind = json_string_value(json_object_get(msg, "janus"));
	const char *t = json_string_value(json_object_get(msg, "transaction"));

	if (!kind)
		return;
	if (strcmp(kind, "success") == 0 && t) {
		on_success(c, t, msg);
	} else if (strcmp(kind, "event") == 0) {
		on_event(c, msg);
	} else if (strcmp(kind, "error") == 0) {
		const char *e = json_string_value(
			json_object_get(json_object_get(msg, "error"), "reason"));
		bclient_fail(c, "Janus error: %s", e ? e : "?");
	} else if (strcmp(kind, "hangup") == 0 || strcmp(kind, "detached") == 0) {
		const char *r = json_string_value(json_object_get(msg, "reason"));
		if (!c->stopped)
			bclient_fail(c, "Janus %s: %s", kind, r ? r : "");
	}
	/* ack, keepalive, webrtcup, media, slowlink, trickle: nothing to do */
}
