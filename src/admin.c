/*
 * admin.c - the admin API's routes and answers.
 *
 * Requests are a table of (method, path pattern, handler). Everything a
 * handler reports lives on a media worker, so it runs a small function on
 * that worker (sfu_worker_call): the worker reads its own rooms between
 * packets, without any lock on the hot path, and the control thread waits
 * for the few microseconds that takes. GET /metrics is admin_metrics.c.
 */
#define SFU_LOG_MODULE "admin"
#include "admin-int.h"

#include <jansson.h>
#include <stdlib.h>

#include "clock.h"
#include "log.h"
#include "media.h"
#include "names.h"
#include "participant.h"
#include "room.h"

#define MAX_SEGMENTS 6


struct route_args {
	char seg[MAX_SEGMENTS][SFU_ROOM_NAME_MAX + 8];
	size_t n;
};

bool sfu_admin_authorized(const char *header, const char *secret)
{
	static const char prefix[] = "Bearer ";

	if (!header || !secret || strncmp(header, prefix, sizeof(prefix) - 1))
		return false;
	return sfu_secret_equal(header + sizeof(prefix) - 1, secret);
}

struct sfu_admin *sfu_admin_new(const struct sfu_config *cfg,
				struct sfu_worker **workers, int n_workers)
{
	struct sfu_admin *a = sfu_xcalloc(1, sizeof(*a));

	a->cfg = cfg;
	a->workers = workers;
	a->n_workers = n_workers;
	a->started_ms = sfu_now_ms();
	return a;
}

void sfu_admin_free(struct sfu_admin *a)
{
	free(a);
}

/* ---- answers --------------------------------------------------------------- */

static void answer(struct sfu_admin_response *out, int status, json_t *body)
{
	out->status = status;
	out->content_type = "application/json";
	out->body = json_dumps(body, JSON_COMPACT);
	json_decref(body);
}

static void fail_json(struct sfu_admin_response *out, int status, const char *code,
		  const char *message)
{
	answer(out, status,
	       json_pack("{s:{s:s,s:s}}", "error", "code", code, "message",
			 message));
}

/* ---- reading a worker's rooms (on that worker) ------------------------------ */

static json_t *track_json(const struct sfu_track *t, const struct sfu_media *m)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:b}", "id", t->id, "kind",
			      sfu_track_kind_name(t->kind), "label", t->label,
			      "muted", t->muted);
	struct sfu_stream_info si;

	for (size_t i = 0; m && i < sfu_media_stream_count(m); i++) {
		sfu_media_stream_info(m, i, &si);
		if (strcmp(si.track, t->id) != 0)
			continue;
		json_object_update_new(o, json_pack(
			"{s:s,s:I,s:I,s:I,s:I,s:I,s:f,s:I,s:I,s:I}", "codec",
			si.codec, "ssrc", (json_int_t)si.ssrc, "packets",
			(json_int_t)si.packets, "bytes", (json_int_t)si.bytes,
			"bitrate_bps", (json_int_t)si.bitrate_bps, "packets_lost",
			(json_int_t)si.packets_lost, "jitter_ms", si.jitter_ms,
			"nacks_sent", (json_int_t)si.nacks_sent, "plis_sent",
			(json_int_t)si.plis_sent, "keyframes",
			(json_int_t)si.keyframes));
	}
	return o;
}

static json_t *subscriptions_json(const struct sfu_media *m)
{
	json_t *list = json_array();
	struct sfu_forward_info fi;

	for (size_t i = 0; m && i < sfu_media_section_count(m); i++) {
		if (!sfu_media_forward_info(m, i, &fi))
			continue;
		json_array_append_new(list, json_pack(
			"{s:s,s:s,s:s,s:b,s:I,s:I,s:I,s:I,s:I,s:I,s:i}", "track",
			fi.track, "participant", fi.participant, "mid", fi.mid,
			"active", fi.active, "packets", (json_int_t)fi.packets,
			"bytes", (json_int_t)fi.bytes, "bitrate_bps",
			(json_int_t)fi.bitrate_bps, "nacks_received",
			(json_int_t)fi.nacks_received, "retransmitted",
			(json_int_t)fi.retransmitted, "plis_received",
			(json_int_t)fi.plis_received, "rtt_ms", fi.rtt_ms));
	}
	return list;
}

static json_t *participant_json(const struct sfu_participant *p)
{
	const struct sfu_media *m = sfu_participant_media(p);
	struct sfu_media_info mi = { .ice_state = "new", .dtls_state = "new",
				     .peer_state = "new", .selected_pair = "",
				     .socket_owner = "libnice",
				     .srtp_profile = "none" };
	json_t *tracks = json_array();

	if (m)
		sfu_media_info(m, &mi);
	for (size_t i = 0; i < sfu_participant_track_count(p); i++)
		json_array_append_new(tracks,
				      track_json(sfu_participant_track_at(p, i), m));
	return json_pack(
		"{s:s,s:s,s:I,s:b,s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:I,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I},s:I,s:I,s:I}",
		"id", sfu_participant_id(p), "name", sfu_participant_name(p),
		"joined_at", (json_int_t)sfu_participant_joined_at(p),
		"connected", sfu_participant_session(p) != 0, "ice_state",
		mi.ice_state, "dtls_state", mi.dtls_state, "selected_pair",
		mi.selected_pair, "socket_owner", mi.socket_owner, "srtp_profile", mi.srtp_profile, "tracks",
		tracks, "subscriptions", subscriptions_json(m),
		"subscriptions_missing", (json_int_t)mi.subscriptions_missing,
		"transport",
		"packets_in", (json_int_t)mi.peer.rx_packets, "bytes_in",
		(json_int_t)mi.peer.rx_bytes, "packets_out",
		(json_int_t)mi.peer.tx_packets, "bytes_out",
		(json_int_t)mi.peer.tx_bytes, "dropped_srtp",
		(json_int_t)mi.peer.dropped_srtp, "dropped_unknown",
		(json_int_t)(mi.peer.dropped_unknown + mi.rtp_unknown),
		"send_errors", (json_int_t)mi.peer.send_errors, "dc_messages_in",
		(json_int_t)mi.dc_messages_in, "dc_messages_out",
		(json_int_t)mi.dc_messages_out, "dc_dropped",
		(json_int_t)mi.dc_dropped);
}

void sfu__admin_sum_room(const struct sfu_room *r, struct room_sums *s)
{
	struct sfu_stream_info si;
	struct sfu_forward_info fi;

	memset(s, 0, sizeof(*s));
	s->participants = sfu_room_participant_count(r);
	for (size_t i = 0; i < s->participants; i++) {
		const struct sfu_participant *p = sfu_room_participant_at(r, i);
		const struct sfu_media *m = sfu_participant_media(p);
		s->tracks += sfu_participant_track_count(p);
		for (size_t k = 0; m && k < sfu_media_stream_count(m); k++) {
			sfu_media_stream_info(m, k, &si);
			s->bitrate_in += si.bitrate_bps;
		}
		for (size_t k = 0; m && k < sfu_media_section_count(m); k++)
			if (sfu_media_forward_info(m, k, &fi))
				s->bitrate_out += fi.bitrate_bps;
	}
}

static json_t *room_summary(const struct sfu_room *r)
{
	struct room_sums s;

	sfu__admin_sum_room(r, &s);
	return json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I}", "name",
			 sfu_room_name(r), "participants",
			 (json_int_t)s.participants, "tracks", (json_int_t)s.tracks,
			 "max_participants",
			 (json_int_t)sfu_room_max_participants(r), "created_at",
			 (json_int_t)sfu_room_created_at(r), "bitrate_in_bps",
			 (json_int_t)s.bitrate_in, "bitrate_out_bps",
			 (json_int_t)s.bitrate_out);
}

static void add_participant(const struct sfu_participant *p, struct totals *tot)
{
	const struct sfu_media *m = sfu_participant_media(p);

	tot->participants++;
	tot->tracks += sfu_participant_track_count(p);
	if (m)
		tot->subscriptions_missing += sfu_media_subscriptions_missing(m);
	sfu__media_add_totals(m, &tot->t);
}

static void add_room(const struct sfu_room *r, void *ctx)
{
	struct totals *tot = ctx;

	tot->rooms++;
	for (size_t i = 0; i < sfu_room_participant_count(r); i++)
		add_participant(sfu_room_participant_at(r, i), tot);
}

static void w_totals(struct sfu_rooms *rs, void *ctx)
{
	struct totals *tot = ctx;
	const struct sfu_rooms_totals *g = sfu_rooms_gone(rs);

	tot->t.packets_in += g->packets_in;
	tot->t.bytes_in += g->bytes_in;
	tot->t.packets_out += g->packets_out;
	tot->t.bytes_out += g->bytes_out;
	tot->t.nacks_received += g->nacks_received;
	tot->t.retransmitted += g->retransmitted;
	tot->t.plis_received += g->plis_received;
	tot->t.nacks_sent += g->nacks_sent;
	tot->t.plis_sent += g->plis_sent;
	tot->t.participants_total += g->participants_total;
	sfu_rooms_foreach(rs, add_room, tot);
	sfu_worker_io_stats(&tot->io[sfu_worker_index(sfu_worker_current())]);
}

void sfu__admin_gather_totals(struct sfu_admin *a, struct totals *tot)
{
	memset(tot, 0, sizeof(*tot));
	tot->n_io = a->n_workers;
	tot->io = sfu_xcalloc((size_t)a->n_workers, sizeof(*tot->io));
	for (int i = 0; i < a->n_workers; i++)
		sfu_worker_call(a->workers[i], w_totals, tot);
	for (int i = 0; i < a->n_workers; i++)
		sfu_delay_merge(&tot->delay, &tot->io[i].delay);
}

void sfu__admin_totals_done(struct totals *tot)
{
	free(tot->io);
	tot->io = NULL;
}

static void append_summary(const struct sfu_room *r, void *ctx)
{
	json_array_append_new(ctx, room_summary(r));
}

static void w_list(struct sfu_rooms *rs, void *ctx)
{
	sfu_rooms_foreach(rs, append_summary, ctx);
}

/* One room or participant, by name and id, and what to do with it. */
struct target {
	const char *room, *id;
	int max_participants;
	json_t *result;
	int rc;
};

static void w_room(struct sfu_rooms *rs, void *ctx)
{
	struct target *t = ctx;
	const struct sfu_room *r = sfu_rooms_find(rs, t->room);
	json_t *list;

	if (!r)
		return;
	t->result = room_summary(r);
	list = json_array();
	for (size_t i = 0; i < sfu_room_participant_count(r); i++)
		json_array_append_new(list,
				      participant_json(sfu_room_participant_at(r, i)));
	json_object_set_new(t->result, "participants", list);
}

static void w_participant(struct sfu_rooms *rs, void *ctx)
{
	struct target *t = ctx;
	const struct sfu_room *r = sfu_rooms_find(rs, t->room);
	const struct sfu_participant *p = r ? sfu_room_find_participant(r, t->id)
					    : NULL;

	if (p)
		t->result = participant_json(p);
}

static void w_create(struct sfu_rooms *rs, void *ctx)
{
	struct target *t = ctx;

	t->rc = sfu_rooms_create(rs, t->room, t->max_participants, sfu_now_ms());
}

static void w_close(struct sfu_rooms *rs, void *ctx)
{
	struct target *t = ctx;

	t->rc = sfu_rooms_close(rs, t->room, "closed by the operator");
}

static void w_kick(struct sfu_rooms *rs, void *ctx)
{
	struct target *t = ctx;

	t->rc = sfu_rooms_kick(rs, t->room, t->id, "removed by the operator");
}

static struct sfu_worker *owner(struct sfu_admin *a, const char *room)
{
	return a->workers[sfu_worker_for_room(room, a->n_workers)];
}

/* ---- handlers ----------------------------------------------------------------- */

typedef void (*handler_fn)(struct sfu_admin *a, const struct route_args *args,
			   const struct sfu_admin_request *rq,
			   struct sfu_admin_response *out);

/* The delay histogram: quantiles for people, cumulative buckets (the
 * last one, "le": null, is +Inf) for programs that difference two
 * snapshots, as the bench does. */
static json_t *delay_json(const struct sfu_delay_hist *h)
{
	json_t *buckets = json_array();
	uint64_t cum = 0;

	for (size_t i = 0; i <= SFU_DELAY_BOUNDS; i++) {
		cum += h->bucket[i];
		json_array_append_new(buckets, json_pack(
			"{s:o,s:I}", "le", i < SFU_DELAY_BOUNDS
			? json_integer(sfu_delay_bound_us[i]) : json_null(),
			"count", (json_int_t)cum));
	}
	return json_pack("{s:I,s:I,s:I,s:i,s:i,s:i,s:o}", "count",
			 (json_int_t)h->count, "sum", (json_int_t)h->sum_us,
			 "max", (json_int_t)h->max_us, "p50",
			 (int)sfu_delay_quantile(h, 0.5), "p90",
			 (int)sfu_delay_quantile(h, 0.9), "p99",
			 (int)sfu_delay_quantile(h, 0.99), "buckets", buckets);
}

/* Per worker: how often it woke and what a wakeup carried. */
static json_t *workers_json(const struct totals *t)
{
	json_t *list = json_array();

	for (int i = 0; i < t->n_io; i++) {
		const struct sfu_worker_io *io = &t->io[i];
		json_array_append_new(list, json_pack(
			"{s:i,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "index", i,
			"wakeups", (json_int_t)io->wakeups, "glib_runs",
			(json_int_t)io->glib_runs, "receive_calls",
			(json_int_t)io->receive_calls, "datagrams_in",
			(json_int_t)io->datagrams_in, "held_datagrams",
			(json_int_t)io->held_datagrams, "held_sends",
			(json_int_t)io->held_sends, "gso_sends",
			(json_int_t)io->gso_sends));
	}
	return list;
}

static void get_server(struct sfu_admin *a, const struct route_args *args,
		       const struct sfu_admin_request *rq,
		       struct sfu_admin_response *out)
{
	struct totals t;
	json_t *body;

	sfu__admin_gather_totals(a, &t);
	body = json_pack(
		"{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:i}", "version",
		PACKAGE_VERSION, "uptime_s",
		(json_int_t)((sfu_now_ms() - a->started_ms) / 1000), "rooms",
		(json_int_t)t.rooms, "participants", (json_int_t)t.participants,
		"tracks", (json_int_t)t.tracks, "packets_in",
		(json_int_t)t.t.packets_in, "packets_out",
		(json_int_t)t.t.packets_out, "bytes_in", (json_int_t)t.t.bytes_in,
		"bytes_out", (json_int_t)t.t.bytes_out, "worker_threads",
		a->n_workers);
	json_object_set_new(body, "subscriptions_missing",
			    json_integer((json_int_t)t.subscriptions_missing));
	json_object_set_new(body, "forward_delay_us", delay_json(&t.delay));
	json_object_set_new(body, "workers", workers_json(&t));
	sfu__admin_totals_done(&t);
	answer(out, 200, body);
}

static void list_rooms(struct sfu_admin *a, const struct route_args *args,
		       const struct sfu_admin_request *rq,
		       struct sfu_admin_response *out)
{
	json_t *list = json_array();

	for (int i = 0; i < a->n_workers; i++)
		sfu_worker_call(a->workers[i], w_list, list);
	answer(out, 200, list);
}

static void create_room(struct sfu_admin *a, const struct route_args *args,
			const struct sfu_admin_request *rq,
			struct sfu_admin_response *out)
{
	json_t *body = json_loadb(rq->body ? rq->body : "", rq->body_len, 0, NULL);
	const json_t *name = json_object_get(body, "name");
	const json_t *max = json_object_get(body, "max_participants");
	struct target t = { 0 };

	if (!json_is_object(body) || !json_is_string(name) ||
	    !sfu_room_name_valid(json_string_value(name), json_string_length(name)))
		fail_json(out, 400, "bad_request",
		      "the body must be {\"name\": <room name>, \"max_participants\": <1..10000>}");
	else if (max && (!json_is_integer(max) || json_integer_value(max) < 1 ||
			 json_integer_value(max) > 10000))
		fail_json(out, 400, "bad_request",
		      "max_participants must be an integer from 1 to 10000");
	else {
		t.room = json_string_value(name);
		t.max_participants = max ? (int)json_integer_value(max) : 0;
		sfu_worker_call(owner(a, t.room), w_create, &t);
		if (t.rc == -EEXIST)
			fail_json(out, 409, "exists", "the room exists");
		else if (t.rc == -ENOSPC)
			fail_json(out, 503, "room_limit", "the server holds rooms.max_rooms rooms");
		else if (t.rc)
			fail_json(out, 400, "bad_request", "cannot create the room");
		else
			answer(out, 201, json_pack("{s:s,s:i}", "name", t.room,
						   "max_participants",
						   t.max_participants ? t.max_participants
								      : a->cfg->rooms_max_participants));
	}
	json_decref(body);
}

static void get_room(struct sfu_admin *a, const struct route_args *args,
		     const struct sfu_admin_request *rq,
		     struct sfu_admin_response *out)
{
	struct target t = { .room = args->seg[2] };

	sfu_worker_call(owner(a, t.room), w_room, &t);
	if (t.result)
		answer(out, 200, t.result);
	else
		fail_json(out, 404, "not_found", "no such room");
}

static void close_room(struct sfu_admin *a, const struct route_args *args,
		       const struct sfu_admin_request *rq,
		       struct sfu_admin_response *out)
{
	struct target t = { .room = args->seg[2] };

	sfu_worker_call(owner(a, t.room), w_close, &t);
	if (t.rc)
		fail_json(out, 404, "not_found", "no such room");
	else
		answer(out, 200, json_pack("{s:s}", "closed", t.room));
}

static void get_participant(struct sfu_admin *a, const struct route_args *args,
			    const struct sfu_admin_request *rq,
			    struct sfu_admin_response *out)
{
	struct target t = { .room = args->seg[2], .id = args->seg[4] };

	sfu_worker_call(owner(a, t.room), w_participant, &t);
	if (t.result)
		answer(out, 200, t.result);
	else
		fail_json(out, 404, "not_found", "no such room or participant");
}

static void kick(struct sfu_admin *a, const struct route_args *args,
		 const struct sfu_admin_request *rq,
		 struct sfu_admin_response *out)
{
	struct target t = { .room = args->seg[2], .id = args->seg[4] };

	sfu_worker_call(owner(a, t.room), w_kick, &t);
	if (t.rc)
		fail_json(out, 404, "not_found", "no such room or participant");
	else
		answer(out, 200, json_pack("{s:s}", "kicked", t.id));
}


static void metrics(struct sfu_admin *a, const struct route_args *args,
		    const struct sfu_admin_request *rq,
		    struct sfu_admin_response *out)
{
	sfu__admin_metrics(a, out);
}

/* ---- routing ------------------------------------------------------------------- */

static const struct route {
	const char *method;
	const char *pattern; /* segments; "*" matches one */
	handler_fn fn;
} routes[] = {
	{ "GET", "admin/server", get_server },
	{ "GET", "admin/rooms", list_rooms },
	{ "POST", "admin/rooms", create_room },
	{ "GET", "admin/rooms/*", get_room },
	{ "DELETE", "admin/rooms/*", close_room },
	{ "GET", "admin/rooms/*/participants/*", get_participant },
	{ "DELETE", "admin/rooms/*/participants/*", kick },
	{ "GET", "metrics", metrics },
};

/* Split "/a/b/c" into segments. False when there are too many, or one is
 * too long or empty (a path to nothing we serve). */
static bool split_path(const char *path, struct route_args *args)
{
	const char *p = path;

	args->n = 0;
	if (*p == '/')
		p++;
	while (*p) {
		size_t len = strcspn(p, "/");
		if (len == 0 || len >= sizeof(args->seg[0]) || args->n == MAX_SEGMENTS)
			return false;
		memcpy(args->seg[args->n], p, len);
		args->seg[args->n++][len] = '\0';
		p += len;
		if (*p == '/')
			p++;
	}
	return true;
}

static bool matches(const char *pattern, const struct route_args *args)
{
	struct route_args pat;

	if (!split_path(pattern, &pat) || pat.n != args->n)
		return false;
	for (size_t i = 0; i < pat.n; i++) {
		if (strcmp(pat.seg[i], "*") == 0) {
			if (!sfu_room_name_valid(args->seg[i], strlen(args->seg[i])))
				return false;
		} else if (strcmp(pat.seg[i], args->seg[i]) != 0) {
			return false;
		}
	}
	return true;
}

void sfu_admin_handle(struct sfu_admin *a, const struct sfu_admin_request *rq,
		      struct sfu_admin_response *out)
{
	struct route_args args;
	bool path_known = false;

	memset(out, 0, sizeof(*out));
	if (!sfu_admin_authorized(rq->authorization, a->cfg->admin_secret)) {
		fail_json(out, 401, "unauthorized", "a valid bearer token is required");
		return;
	}
	if (rq->body_too_large) {
		fail_json(out, 413, "too_large", "the body is over 64 KiB");
		return;
	}
	if (split_path(rq->path, &args)) {
		for (size_t i = 0; i < SFU_ARRAY_SIZE(routes); i++) {
			if (!matches(routes[i].pattern, &args))
				continue;
			path_known = true;
			if (strcmp(routes[i].method, rq->method) == 0) {
				routes[i].fn(a, &args, rq, out);
				return;
			}
		}
	}
	if (path_known)
		fail_json(out, 405, "method_not_allowed", "that method is not allowed here");
	else
		fail_json(out, 404, "not_found", "no such endpoint");
}
