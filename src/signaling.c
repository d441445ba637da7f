/*
 * signaling.c - sessions and the request table of the WebSocket protocol.
 *
 * Session states (control thread's view):
 *   IDLE    --join-->  JOINING  --worker: joined-->  JOINED
 *   JOINING --worker: error/kicked--> IDLE;  JOINING/JOINED --leave--> IDLE
 * Each join gets a new join_seq; worker events that change the state carry
 * the join_seq they belong to, and stale ones (from a join the client has
 * since left) are delivered but do not change the state.
 *
 * Requests are a table of (type, handler, parameter schema). A frame is
 * checked for size, rate, JSON shape and schema before its handler runs.
 *
 * Replies leave in request order although some are made here and some by
 * a worker: a reply made here waits while a command of the session is at
 * a worker, and a command for another worker waits until the first
 * worker is done (each worker reports every command done). Commands for
 * the same worker go at once: its mailbox keeps them in order.
 */
#define SFU_LOG_MODULE "signaling"
#include "signaling.h"

#include <glib.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "auth.h"
#include "clock.h"
#include "log.h"
#include "msg.h"
#include "names.h"
#include "ratelimit.h"
#include "wire.h"

enum sess_state { SESS_IDLE, SESS_JOINING, SESS_JOINED };

/* A reply or command held back to keep the session's replies in order. */
struct pending {
	struct pending *next;
	struct sfu_cmd *cmd; /* a command for worker `target`, or NULL */
	int target;
	char *text;          /* else a reply made here */
	int close_code;      /* close after the reply (too_large) */
};

struct sfu_session {
	uint64_t id;
	struct sfu_signaling *sig;
	/* Ordering: commands posted and finished (the workers report each
	 * one done), the worker of the newest one, and what waits. */
	uint64_t posted, done;
	int last_target;
	struct pending *head, *tail;
	const struct sfu_transport_ops *ops;
	void *transport;
	enum sess_state state;
	bool ever_joined;
	bool closing;
	bool too_large;
	int worker;
	uint32_t join_seq;
	struct sfu_ratelimit rl;
	int64_t opened_ms;
};

struct sfu_signaling {
	const struct sfu_config *cfg;
	struct sfu_wire *wire;
	struct sfu_auth *auth;
	struct sfu_mailbox *outbox; /* struct out, from the workers */
	void (*wake)(void *);
	void *wake_arg;
	struct sfu_worker **workers;
	int n_workers;
	GHashTable *sessions; /* &session->id -> session */
	uint64_t next_id;
};

/* A rendered message on its way from a worker to a socket, or (text
 * NULL) the news that the session's command number done_seq is done. */
struct out {
	struct sfu_mailbox_node node;
	uint64_t session;
	char *text;
	int close_code;
	uint32_t join_seq;
	enum sfu_session_effect effect;
	uint64_t done_seq;
};

static void out_free(struct sfu_mailbox_node *n)
{
	struct out *o = SFU_CONTAINER_OF(n, struct out, node);

	free(o->text);
	free(o);
}

static void wake_trampoline(void *arg)
{
	struct sfu_signaling *sig = arg;

	if (sig->wake)
		sig->wake(sig->wake_arg);
}

struct sfu_signaling *sfu_signaling_new(const struct sfu_config *cfg)
{
	struct sfu_signaling *sig = sfu_xcalloc(1, sizeof(*sig));

	sig->cfg = cfg;
	sig->wire = sfu_wire_new(cfg);
	sig->auth = sfu_auth_new(cfg->auth_secret);
	sig->outbox = sfu_mailbox_new(wake_trampoline, sig);
	sig->sessions = g_hash_table_new(g_int64_hash, g_int64_equal);
	sig->next_id = 1;
	return sig;
}

void sfu_signaling_free(struct sfu_signaling *sig)
{
	GHashTableIter it;
	gpointer key, val;

	if (!sig)
		return;
	g_hash_table_iter_init(&it, sig->sessions);
	while (g_hash_table_iter_next(&it, &key, &val))
		free(val);
	g_hash_table_destroy(sig->sessions);
	sfu_mailbox_free(sig->outbox, out_free);
	sfu_auth_free(sig->auth);
	sfu_wire_free(sig->wire);
	free(sig);
}

void sfu_signaling_set_wake(struct sfu_signaling *sig, void (*wake)(void *),
			    void *arg)
{
	sig->wake = wake;
	sig->wake_arg = arg;
}

void sfu_signaling_set_workers(struct sfu_signaling *sig,
			       struct sfu_worker **workers, int n)
{
	sig->workers = workers;
	sig->n_workers = n;
}

/* ---- worker -> control ------------------------------------------------ */

void sfu_signaling_emit(void *ctx, const struct sfu_event *ev)
{
	struct sfu_signaling *sig = ctx;
	struct out *o = sfu_xcalloc(1, sizeof(*o));

	o->session = ev->to;
	if (ev->type == SFU_EV_DONE) {
		o->done_seq = ev->seq;
		sfu_mailbox_post(sig->outbox, &o->node);
		return;
	}
	o->text = sfu_wire_event(sig->wire, ev);
	o->join_seq = ev->join_seq;
	o->effect = ev->effect;
	if (ev->type == SFU_EV_KICKED || ev->type == SFU_EV_ROOM_CLOSED)
		o->close_code = SFU_CLOSE_NORMAL;
	sfu_mailbox_post(sig->outbox, &o->node);
}

static void flush_pending(struct sfu_signaling *sig, struct sfu_session *s);

static void apply_effect(struct sfu_session *s, const struct out *o)
{
	if (o->effect == SFU_EFFECT_NONE || o->join_seq != s->join_seq)
		return;
	if (o->effect == SFU_EFFECT_JOINED && s->state == SESS_JOINING) {
		s->state = SESS_JOINED;
		s->ever_joined = true;
	} else if (o->effect == SFU_EFFECT_IDLE) {
		s->state = SESS_IDLE;
	}
}

void sfu_signaling_deliver(struct sfu_signaling *sig)
{
	struct sfu_mailbox_node *n = sfu_mailbox_take_all(sig->outbox), *next;

	for (; n; n = next) {
		struct out *o = SFU_CONTAINER_OF(n, struct out, node);
		struct sfu_session *s;

		next = n->next;
		s = g_hash_table_lookup(sig->sessions, &o->session);
		if (s && !o->text) {
			s->done = SFU_MAX(s->done, o->done_seq);
			flush_pending(sig, s);
		} else if (s && !s->closing) {
			apply_effect(s, o);
			s->ops->send(s->transport, o->text, strlen(o->text));
			if (o->close_code) {
				s->closing = true;
				s->ops->close(s->transport, o->close_code,
					      "closed by server");
			}
		}
		out_free(n);
	}
}

/* ---- replies ---------------------------------------------------------- */

static void deliver_text(struct sfu_session *s, char *text, int close_code)
{
	if (!s->closing) {
		s->ops->send(s->transport, text, strlen(text));
		if (close_code) {
			s->closing = true;
			s->ops->close(s->transport, close_code,
				      "message too large");
		}
	}
	free(text);
}

static bool can_go(const struct sfu_session *s, const struct pending *p)
{
	if (s->posted == s->done)
		return true;
	return p->cmd && p->target == s->last_target;
}

static void go(struct sfu_signaling *sig, struct sfu_session *s,
	       struct pending *p)
{
	if (p->cmd) {
		p->cmd->seq = ++s->posted;
		s->last_target = p->target;
		sfu_worker_post(sig->workers[p->target], p->cmd);
	} else {
		deliver_text(s, p->text, p->close_code);
	}
}

static void flush_pending(struct sfu_signaling *sig, struct sfu_session *s)
{
	while (s->head && can_go(s, s->head)) {
		struct pending *p = s->head;
		s->head = p->next;
		if (!s->head)
			s->tail = NULL;
		go(sig, s, p);
		free(p);
	}
}

/* Send now, or queue behind what must go first. */
static void submit(struct sfu_session *s, struct sfu_cmd *cmd, int target,
		   char *text, int close_code)
{
	struct pending p = { NULL, cmd, target, text, close_code }, *q;

	if (!s->head && can_go(s, &p)) {
		go(s->sig, s, &p);
		return;
	}
	q = sfu_xmalloc(sizeof(*q));
	*q = p;
	if (s->tail)
		s->tail->next = q;
	else
		s->head = q;
	s->tail = q;
}

static void free_pending(struct sfu_session *s)
{
	while (s->head) {
		struct pending *p = s->head;
		s->head = p->next;
		sfu_cmd_free(p->cmd);
		free(p->text);
		free(p);
	}
	s->tail = NULL;
}

static void send_text(struct sfu_session *s, char *text)
{
	submit(s, NULL, 0, text, 0);
}

static void reply_error(struct sfu_session *s, const char *req_id,
			enum sfu_err err, const char *message)
{
	send_text(s, sfu_wire_error(req_id, err, message));
}

static void post(struct sfu_signaling *sig, struct sfu_session *s,
		 struct sfu_cmd *cmd)
{
	cmd->join_seq = s->join_seq;
	submit(s, cmd, s->worker, NULL, 0);
}

/* ---- handlers --------------------------------------------------------- */

struct request {
	struct sfu_signaling *sig;
	struct sfu_session *s;
	json_t *msg;
	const char *req_id;
};

static const char *str(const json_t *msg, const char *key)
{
	return json_string_value(json_object_get(msg, key));
}

/* Fill the name and publish right of cmd from the token, if auth is on. */
static int join_auth(struct request *rq, struct sfu_cmd *cmd)
{
	struct sfu_auth_claims claims;
	char why[128];

	if (!rq->sig->auth)
		return 0;
	if (sfu_auth_check(rq->sig->auth, str(rq->msg, "token"), cmd->room,
			   (int64_t)time(NULL), &claims, why, sizeof(why))) {
		log_info("session %" PRIu64 ": join refused: %s", rq->s->id, why);
		reply_error(rq->s, rq->req_id, SFU_ERR_UNAUTHORIZED, why);
		return -EACCES;
	}
	if (claims.name[0])
		sfu_strlcpy(cmd->name, claims.name, sizeof(cmd->name));
	cmd->can_publish = claims.can_publish;
	return 0;
}

static void on_join(struct request *rq)
{
	const json_t *jname = json_object_get(rq->msg, "name");
	const json_t *jroom = json_object_get(rq->msg, "room");
	const char *room = json_string_value(jroom), *resume;
	struct sfu_session *s = rq->s;
	struct sfu_cmd *cmd;

	if (s->state != SESS_IDLE) {
		reply_error(s, rq->req_id, SFU_ERR_ALREADY_JOINED,
			    "this socket has already joined a room");
		return;
	}
	cmd = sfu_cmd_new(SFU_CMD_JOIN, s->id);
	sfu_strlcpy(cmd->req_id, rq->req_id, sizeof(cmd->req_id));
	/* A bad field is bad_request before any room rule applies. */
	if (sfu_display_name_normalize(json_string_value(jname),
				       json_string_length(jname), cmd->name)) {
		reply_error(s, rq->req_id, SFU_ERR_BAD_REQUEST,
			    "names are 1 to 64 characters, no control characters");
		sfu_cmd_free(cmd);
		return;
	}
	if (!sfu_room_name_valid(room, json_string_length(jroom))) {
		reply_error(s, rq->req_id, SFU_ERR_INVALID_ROOM,
			    "room names are 1 to 64 of A-Z a-z 0-9 _ . -");
		sfu_cmd_free(cmd);
		return;
	}
	sfu_strlcpy(cmd->room, room, sizeof(cmd->room));
	if (join_auth(rq, cmd)) {
		sfu_cmd_free(cmd);
		return;
	}
	resume = str(rq->msg, "resume");
	if (resume && strlen(resume) == SFU_TOKEN_LEN)
		sfu_strlcpy(cmd->resume, resume, sizeof(cmd->resume));
	s->worker = sfu_worker_for_room(room, rq->sig->n_workers);
	s->join_seq++;
	s->state = SESS_JOINING;
	post(rq->sig, s, cmd);
}

static bool require_joined(struct request *rq)
{
	if (rq->s->state != SESS_IDLE)
		return true;
	reply_error(rq->s, rq->req_id, SFU_ERR_NOT_JOINED,
		    "join a room first");
	return false;
}

static void on_leave(struct request *rq)
{
	struct sfu_session *s = rq->s;

	if (!require_joined(rq))
		return;
	post(rq->sig, s, sfu_cmd_new(SFU_CMD_LEAVE, s->id));
	/* A later event of the join just left must not flip the state. */
	s->join_seq++;
	s->state = SESS_IDLE;
	send_text(s, sfu_wire_ack("left", rq->req_id));
}

static void on_mute(struct request *rq)
{
	struct sfu_cmd *cmd;

	if (!require_joined(rq))
		return;
	cmd = sfu_cmd_new(SFU_CMD_MUTE, rq->s->id);
	sfu_strlcpy(cmd->req_id, rq->req_id, sizeof(cmd->req_id));
	if (sfu_strlcpy(cmd->track, str(rq->msg, "track"),
			sizeof(cmd->track)) >= sizeof(cmd->track)) {
		reply_error(rq->s, rq->req_id, SFU_ERR_BAD_REQUEST,
			    "track is not one of yours");
		sfu_cmd_free(cmd);
		return;
	}
	cmd->muted = json_is_true(json_object_get(rq->msg, "muted"));
	post(rq->sig, rq->s, cmd);
}

/* The offer's "tracks": labels by mid, for the sections it sends on. */
static void offer_labels(const json_t *tracks, struct sfu_cmd *cmd)
{
	const char *mid;
	json_t *v;

	json_object_foreach((json_t *)tracks, mid, v) {
		const char *label = json_string_value(json_object_get(v, "label"));
		struct sfu_cmd_label *l;
		if (cmd->n_labels == SFU_MAX_LABELS)
			break;
		if (!label || strlen(mid) >= sizeof(l->mid))
			continue;
		l = &cmd->labels[cmd->n_labels++];
		sfu_strlcpy(l->mid, mid, sizeof(l->mid));
		sfu_strlcpy(l->label, label, sizeof(l->label));
	}
}

static struct sfu_cmd *sdp_cmd(struct request *rq, enum sfu_cmd_type type)
{
	const json_t *sdp = json_object_get(rq->msg, "sdp");
	struct sfu_cmd *cmd = sfu_cmd_new(type, rq->s->id);

	sfu_strlcpy(cmd->req_id, rq->req_id, sizeof(cmd->req_id));
	cmd->text = sfu_xstrndup(json_string_value(sdp), json_string_length(sdp));
	cmd->text_len = json_string_length(sdp);
	return cmd;
}

static void on_offer(struct request *rq)
{
	struct sfu_cmd *cmd;

	if (!require_joined(rq))
		return;
	cmd = sdp_cmd(rq, SFU_CMD_OFFER);
	offer_labels(json_object_get(rq->msg, "tracks"), cmd);
	post(rq->sig, rq->s, cmd);
}

static void on_answer(struct request *rq)
{
	if (require_joined(rq))
		post(rq->sig, rq->s, sdp_cmd(rq, SFU_CMD_ANSWER));
}

static void on_candidate(struct request *rq)
{
	const json_t *c = json_object_get(rq->msg, "candidate");
	const char *text = json_string_value(json_object_get(c, "candidate"));
	struct sfu_cmd *cmd;

	if (!require_joined(rq))
		return;
	cmd = sfu_cmd_new(SFU_CMD_CANDIDATE, rq->s->id);
	sfu_strlcpy(cmd->req_id, rq->req_id, sizeof(cmd->req_id));
	/* null, or an empty candidate string, ends the client's candidates. */
	if (!text || !text[0]) {
		cmd->end_of_candidates = true;
	} else {
		if (strncmp(text, "a=", 2) == 0)
			text += 2;
		cmd->text = sfu_xstrdup(text);
		cmd->text_len = strlen(text);
	}
	post(rq->sig, rq->s, cmd);
}

static const struct sfu_field join_fields[] = {
	/* room and name may hold U+0000: their own rules refuse it with
	 * the precise error (invalid_room, bad_request). */
	{ .name = "room", .type = SFU_F_STRING, .required = true, .allow_nul = true },
	{ .name = "name", .type = SFU_F_STRING, .required = true, .allow_nul = true },
	/* An oversized token is unauthorized (auth.c), not bad_request. */
	{ .name = "token", .type = SFU_F_STRING },
	{ .name = "resume", .type = SFU_F_STRING, .max_len = 256 },
	{ .name = NULL },
};
static const struct sfu_field mute_fields[] = {
	{ .name = "track", .type = SFU_F_STRING, .required = true },
	{ .name = "muted", .type = SFU_F_BOOL, .required = true },
	{ .name = NULL },
};
static const struct sfu_field track_label_fields[] = {
	{ .name = "label", .type = SFU_F_STRING, .max_len = SFU_LABEL_MAX },
	{ .name = NULL },
};
static const struct sfu_field offer_fields[] = {
	{ .name = "sdp", .type = SFU_F_STRING, .required = true },
	{ .name = "tracks", .type = SFU_F_OBJECT, .each = track_label_fields },
	{ .name = NULL },
};
static const struct sfu_field answer_fields[] = {
	{ .name = "sdp", .type = SFU_F_STRING, .required = true },
	{ .name = NULL },
};
static const struct sfu_field ice_candidate_fields[] = {
	{ .name = "candidate", .type = SFU_F_STRING, .required = true, .max_len = 1024 },
	{ .name = "sdpMid", .type = SFU_F_STRING, .nullable = true, .max_len = 64 },
	{ .name = "sdpMLineIndex", .type = SFU_F_INT, .nullable = true },
	{ .name = "usernameFragment", .type = SFU_F_STRING, .nullable = true, .max_len = 256 },
	{ .name = NULL },
};
static const struct sfu_field candidate_fields[] = {
	{ .name = "candidate", .type = SFU_F_OBJECT_OR_NULL, .required = true,
	  .fields = ice_candidate_fields },
	{ .name = NULL },
};
static const struct sfu_field no_fields[] = { { .name = NULL } };

static const struct handler {
	const char *type;
	void (*fn)(struct request *rq);
	const struct sfu_field *fields;
} handlers[] = {
	{ "join", on_join, join_fields },
	{ "leave", on_leave, no_fields },
	{ "mute", on_mute, mute_fields },
	{ "offer", on_offer, offer_fields },
	{ "answer", on_answer, answer_fields },
	{ "candidate", on_candidate, candidate_fields },
};

static const struct handler *find_handler(const char *type)
{
	for (size_t i = 0; i < SFU_ARRAY_SIZE(handlers); i++)
		if (strcmp(handlers[i].type, type) == 0)
			return &handlers[i];
	return NULL;
}

/* ---- sessions --------------------------------------------------------- */

struct sfu_session *sfu_signaling_open(struct sfu_signaling *sig,
				       const struct sfu_transport_ops *ops,
				       void *transport)
{
	struct sfu_session *s = sfu_xcalloc(1, sizeof(*s));
	int64_t now = sfu_now_ms();

	s->id = sig->next_id++;
	s->sig = sig;
	s->ops = ops;
	s->transport = transport;
	s->opened_ms = now;
	sfu_ratelimit_init(&s->rl, sig->cfg->signaling_rate,
			   sig->cfg->signaling_burst, now);
	g_hash_table_insert(sig->sessions, &s->id, s);
	log_debug("session %" PRIu64 " opened", s->id);
	return s;
}

void sfu_signaling_receive(struct sfu_signaling *sig, struct sfu_session *s,
			   const char *data, size_t len, bool binary)
{
	char why[160], req_id[SFU_REQ_ID_MAX];
	const struct handler *h;
	struct request rq;
	json_t *msg;

	if (s->closing || s->too_large)
		return;
	if (!sfu_ratelimit_take(&s->rl, sfu_now_ms())) {
		reply_error(s, "", SFU_ERR_RATE_LIMITED,
			    "too many messages; slow down");
		return;
	}
	if (binary) {
		reply_error(s, "", SFU_ERR_BAD_REQUEST,
			    "messages are JSON in text frames");
		return;
	}
	msg = sfu_msg_parse(data, len, why, sizeof(why));
	if (!msg) {
		reply_error(s, "", SFU_ERR_BAD_REQUEST, why);
		return;
	}
	if (sfu_msg_req_id(msg, req_id, sizeof(req_id))) {
		reply_error(s, "", SFU_ERR_BAD_REQUEST,
			    "\"id\" must be a string of at most 64 characters or an integer");
		goto out;
	}
	if (!sfu_msg_type(msg)) {
		reply_error(s, req_id, SFU_ERR_BAD_REQUEST,
			    "\"type\" must be a string");
		goto out;
	}
	h = find_handler(sfu_msg_type(msg));
	if (!h) {
		reply_error(s, req_id, SFU_ERR_BAD_REQUEST, "unknown type");
		goto out;
	}
	if (sfu_msg_check(msg, h->fields, why, sizeof(why))) {
		reply_error(s, req_id, SFU_ERR_BAD_REQUEST, why);
		goto out;
	}
	rq = (struct request){ .sig = sig, .s = s, .msg = msg, .req_id = req_id };
	h->fn(&rq);
out:
	json_decref(msg);
}

void sfu_signaling_too_large(struct sfu_signaling *sig, struct sfu_session *s)
{
	char msg[96];

	if (s->closing || s->too_large)
		return;
	snprintf(msg, sizeof(msg), "messages are limited to %d bytes",
		 sig->cfg->signaling_max_message);
	submit(s, NULL, 0, sfu_wire_error("", SFU_ERR_TOO_LARGE, msg),
	       SFU_CLOSE_TOO_BIG);
	/* Nothing after this frame is read, even while it waits its turn. */
	s->too_large = true;
}

void sfu_signaling_closed(struct sfu_signaling *sig, struct sfu_session *s)
{
	log_debug("session %" PRIu64 " closed", s->id);
	/* Held commands never reached a worker, so dropping them leaves
	 * nothing behind there; the disconnect goes where the session's
	 * participant lives (or would have), behind what was posted. */
	if (s->state != SESS_IDLE) {
		struct sfu_cmd *bye = sfu_cmd_new(SFU_CMD_DISCONNECT, s->id);
		bye->join_seq = s->join_seq;
		sfu_worker_post(sig->workers[s->worker], bye);
	}
	free_pending(s);
	g_hash_table_remove(sig->sessions, &s->id);
	free(s);
}

void sfu_signaling_tick(struct sfu_signaling *sig, int64_t now_ms)
{
	int64_t limit = (int64_t)sig->cfg->signaling_idle_timeout_s * 1000;
	GHashTableIter it;
	gpointer key, val;

	if (limit <= 0)
		return;
	g_hash_table_iter_init(&it, sig->sessions);
	while (g_hash_table_iter_next(&it, &key, &val)) {
		struct sfu_session *s = val;
		if (s->ever_joined || s->state != SESS_IDLE || s->closing ||
		    now_ms - s->opened_ms < limit)
			continue;
		s->closing = true;
		s->ops->close(s->transport, SFU_CLOSE_POLICY,
			      "no join before the idle timeout");
	}
}

size_t sfu_signaling_session_count(const struct sfu_signaling *sig)
{
	return g_hash_table_size(sig->sessions);
}
