/*
 * http.c - libwebsockets glue for the public listener.
 *
 * Plain HTTP: GET /healthz, and the files under html_root (resolved by
 * static.c, which refuses paths that could leave it). WebSocket upgrades are accepted
 * only on /ws, by the "starling" protocol, which lws picks by default
 * because browsers send no subprotocol.
 *
 * Each WebSocket connection is a struct conn (lws's per-session data): it
 * reassembles fragmented messages up to signaling.max_message, and queues
 * outgoing frames, at most SEND_QUEUE_MAX bytes, so a client that does
 * not read cannot make the server grow without bound. Closing is always
 * deferred to the writeable callback, after the queued frames.
 */
#define SFU_LOG_MODULE "http"
#include "http.h"

#include <libwebsockets.h>
#include <stdlib.h>
#include <strings.h>

#include "admin.h"
#include "clock.h"
#include "log.h"
#include "static.h"

#define SEND_QUEUE_MAX (1024 * 1024)
#define DISCARD_MAX (16 * 1024 * 1024)

struct sfu_http {
	const struct sfu_config *cfg;
	struct sfu_signaling *sig;
	struct sfu_admin *admin;
	struct lws_context *ctx;
	struct lws_vhost *vhost, *admin_vhost;
	struct lws_http_mount admin_mount;
	lws_sorted_usec_list_t tick;
	char *html_root;
	struct lws_http_mount mounts[1];
};

struct frame {
	struct frame *next;
	size_t len;
	unsigned char buf[]; /* LWS_PRE bytes of headroom, then the text */
};

struct conn {
	struct lws *wsi;
	struct sfu_session *sess;
	struct frame *head, *tail;
	size_t queued;
	char *rx;
	size_t rx_len, rx_cap;
	bool in_message, rx_binary, oversize;
	size_t discarded; /* bytes of an oversized message skipped */
	bool close_pending;
	int close_code;
	char close_reason[64];
};

static struct sfu_http *http_of(struct lws *wsi)
{
	return lws_context_user(lws_get_context(wsi));
}

/* ---- transport ops for signaling -------------------------------------- */

static void conn_close(void *transport, int code, const char *reason)
{
	struct conn *c = transport;

	if (c->close_pending)
		return;
	c->close_pending = true;
	c->close_code = code;
	sfu_strlcpy(c->close_reason, reason, sizeof(c->close_reason));
	lws_callback_on_writable(c->wsi);
}

static void conn_send(void *transport, const char *text, size_t len)
{
	struct conn *c = transport;
	struct frame *f;

	if (c->close_pending)
		return;
	if (c->queued + len > SEND_QUEUE_MAX) {
		log_warn("closing a socket whose client does not read");
		conn_close(c, SFU_CLOSE_POLICY, "send queue overflow");
		return;
	}
	f = sfu_xmalloc(sizeof(*f) + LWS_PRE + len);
	f->next = NULL;
	f->len = len;
	memcpy(f->buf + LWS_PRE, text, len);
	if (c->tail)
		c->tail->next = f;
	else
		c->head = f;
	c->tail = f;
	c->queued += len;
	lws_callback_on_writable(c->wsi);
}

static const struct sfu_transport_ops conn_ops = {
	.send = conn_send,
	.close = conn_close,
};

static void conn_release(struct conn *c)
{
	struct frame *f, *next;

	for (f = c->head; f; f = next) {
		next = f->next;
		free(f);
	}
	c->head = c->tail = NULL;
	free(c->rx);
	c->rx = NULL;
}

/* ---- WebSocket -------------------------------------------------------- */

static bool is_ws_path(struct lws *wsi)
{
	char uri[16];

	if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) < 0)
		return false;
	return strcmp(uri, "/ws") == 0;
}

/*
 * http.allowed_origins: a browser's upgrade must come from a listed
 * origin. Requests without an Origin header (not from a browser page) are
 * let through: only browsers send it, and anything else could fake it.
 */
static bool origin_allowed(struct sfu_http *h, struct lws *wsi)
{
	const char *list = h->cfg->http_allowed_origins;
	char origin[256];
	int n;

	if (!list)
		return true;
	n = lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN);
	if (n <= 0)
		return true;
	if (n >= (int)sizeof(origin) ||
	    lws_hdr_copy(wsi, origin, sizeof(origin), WSI_TOKEN_ORIGIN) < 0)
		return false;
	for (const char *p = list; *p;) {
		size_t len;
		while (*p == ' ' || *p == ',')
			p++;
		len = strcspn(p, ", ");
		if (len && len == strlen(origin) && strncasecmp(p, origin, len) == 0)
			return true;
		p += len;
	}
	log_info("refused a WebSocket from origin %s", origin);
	return false;
}

static void conn_receive(struct sfu_http *h, struct conn *c, const void *in,
			 size_t len)
{
	size_t max = (size_t)h->cfg->signaling_max_message;

	if (!c->in_message) {
		c->in_message = true;
		c->oversize = false;
		c->rx_len = 0;
		c->rx_binary = lws_frame_is_binary(c->wsi);
	}
	/* An oversized message is read to its end before the error and the
	 * close go out: closing with unread input makes the kernel reset the
	 * connection, and the client would never see why. A sender that
	 * goes on far past the limit is cut off anyway. */
	if (!c->oversize && c->rx_len + len > max) {
		c->oversize = true;
		c->discarded = 0;
	}
	if (c->oversize) {
		c->discarded += len;
		if (c->discarded > DISCARD_MAX)
			sfu_signaling_too_large(h->sig, c->sess);
	}
	if (!c->oversize) {
		if (c->rx_len + len > c->rx_cap) {
			c->rx_cap = SFU_MIN(SFU_MAX(c->rx_cap * 2, c->rx_len + len),
					    max);
			c->rx = sfu_xrealloc(c->rx, c->rx_cap);
		}
		if (len)
			memcpy(c->rx + c->rx_len, in, len);
		c->rx_len += len;
	}
	if (lws_is_final_fragment(c->wsi) &&
	    lws_remaining_packet_payload(c->wsi) == 0) {
		c->in_message = false;
		if (c->oversize)
			sfu_signaling_too_large(h->sig, c->sess);
		else
			sfu_signaling_receive(h->sig, c->sess, c->rx, c->rx_len,
					      c->rx_binary);
	}
}

static int conn_writeable(struct conn *c)
{
	struct frame *f = c->head;

	if (f) {
		int n = lws_write(c->wsi, f->buf + LWS_PRE, f->len,
				  LWS_WRITE_TEXT);
		if (n < (int)f->len)
			return -1;
		c->head = f->next;
		if (!c->head)
			c->tail = NULL;
		c->queued -= f->len;
		free(f);
		if (c->head) {
			lws_callback_on_writable(c->wsi);
			return 0;
		}
	}
	if (c->close_pending) {
		lws_close_reason(c->wsi, (enum lws_close_status)c->close_code,
				 (unsigned char *)c->close_reason,
				 strlen(c->close_reason));
		return -1;
	}
	return 0;
}

static int ws_callback(struct lws *wsi, enum lws_callback_reasons reason,
		       void *user, void *in, size_t len)
{
	struct conn *c = user;
	struct sfu_http *h;

	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		return is_ws_path(wsi) && origin_allowed(http_of(wsi), wsi) ? 0 : -1;
	case LWS_CALLBACK_ESTABLISHED:
		h = http_of(wsi);
		memset(c, 0, sizeof(*c));
		c->wsi = wsi;
		c->sess = sfu_signaling_open(h->sig, &conn_ops, c);
		return 0;
	case LWS_CALLBACK_RECEIVE:
		if (c->sess)
			conn_receive(http_of(wsi), c, in, len);
		return 0;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		return c->sess ? conn_writeable(c) : 0;
	case LWS_CALLBACK_CLOSED:
		if (c->sess)
			sfu_signaling_closed(http_of(wsi)->sig, c->sess);
		c->sess = NULL;
		conn_release(c);
		return 0;
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		/* A worker posted events, or a signal asked us to stop. */
		h = lws_context_user(lws_get_context(wsi));
		if (h)
			sfu_signaling_deliver(h->sig);
		return 0;
	default:
		return 0;
	}
}

/* ---- plain HTTP: /healthz and the client's files ---------------------- */

static const char health_body[] = "{\"status\":\"ok\"}";

static int http_status(struct lws *wsi, unsigned int code)
{
	if (lws_return_http_status(wsi, code, NULL))
		return -1;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

static int serve_health(struct lws *wsi)
{
	unsigned char buf[LWS_PRE + 512], *start = buf + LWS_PRE, *p = start,
					  *end = buf + sizeof(buf) - 1;

	if (lws_add_http_common_headers(wsi, HTTP_STATUS_OK, "application/json",
					sizeof(health_body) - 1, &p, end) ||
	    lws_add_http_header_by_name(wsi,
					(const unsigned char *)"cache-control:",
					(const unsigned char *)"no-store", 8,
					&p, end) ||
	    lws_finalize_write_http_header(wsi, start, &p, end))
		return -1;
	lws_callback_on_writable(wsi);
	return 0;
}

static int serve_file(struct lws *wsi, const char *uri, size_t len)
{
	static const char extra[] = "x-content-type-options: nosniff\r\n"
				    "cache-control: no-cache\r\n";
	char path[4096];
	int rc;

	rc = sfu_static_resolve(http_of(wsi)->html_root, uri, len, path,
				sizeof(path));
	if (rc == -EINVAL)
		return http_status(wsi, HTTP_STATUS_BAD_REQUEST);
	if (rc)
		return http_status(wsi, HTTP_STATUS_NOT_FOUND);
	rc = lws_serve_http_file(wsi, path, sfu_static_mime(path), extra,
				 (int)sizeof(extra) - 1);
	if (rc < 0 || (rc > 0 && lws_http_transaction_completed(wsi)))
		return -1;
	return 0;
}

/* Every plain HTTP request: only GET (and HEAD, which lws answers from
 * the same path) is served. */
static int on_http(struct lws *wsi)
{
	char uri[2048];
	int len = lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI);

	if (len <= 0)
		return http_status(wsi, HTTP_STATUS_METHOD_NOT_ALLOWED);
	if (len >= (int)sizeof(uri))
		return http_status(wsi, HTTP_STATUS_REQ_URI_TOO_LONG);
	if (lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) < 0)
		return http_status(wsi, HTTP_STATUS_BAD_REQUEST);
	/* lws has percent-decoded the path; a decoded NUL shows up as a
	 * length mismatch, which sfu_static_resolve refuses. */
	log_debug("GET %.*s (%d bytes)", len, uri, len);
	if (len == 8 && memcmp(uri, "/healthz", 8) == 0)
		return serve_health(wsi);
	return serve_file(wsi, uri, (size_t)len);
}

static int http_callback(struct lws *wsi, enum lws_callback_reasons reason,
			 void *user, void *in, size_t len)
{
	unsigned char buf[LWS_PRE + sizeof(health_body)];

	switch (reason) {
	case LWS_CALLBACK_HTTP:
		return on_http(wsi);
	case LWS_CALLBACK_HTTP_WRITEABLE:
		/* Only /healthz writes here; files are sent by lws. */
		memcpy(buf + LWS_PRE, health_body, sizeof(health_body) - 1);
		if (lws_write(wsi, buf + LWS_PRE, sizeof(health_body) - 1,
			      LWS_WRITE_HTTP_FINAL) < 0)
			return -1;
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	case LWS_CALLBACK_HTTP_FILE_COMPLETION:
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	default:
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
}

/* ---- the admin listener ------------------------------------------------- */

/* One admin request and its answer (lws's per-session data). */
struct admin_conn {
	char method[8];
	char path[512];
	char *auth;
	char *body;
	size_t body_len;
	bool too_large;
	char *resp;
	size_t resp_len, resp_off;
};

static void admin_release(struct admin_conn *c)
{
	free(c->auth);
	free(c->body);
	free(c->resp);
	c->auth = c->body = c->resp = NULL;
	c->body_len = c->resp_len = c->resp_off = 0;
	c->too_large = false;
}

/* The method and path of the request; false for methods we never serve. */
static bool admin_start(struct lws *wsi, struct admin_conn *c)
{
	static const struct {
		enum lws_token_indexes tok;
		const char *name;
	} methods[] = {
		{ WSI_TOKEN_GET_URI, "GET" },	    { WSI_TOKEN_POST_URI, "POST" },
		{ WSI_TOKEN_DELETE_URI, "DELETE" }, { WSI_TOKEN_PUT_URI, "PUT" },
		{ WSI_TOKEN_PATCH_URI, "PATCH" },   { WSI_TOKEN_HEAD_URI, "HEAD" },
		{ WSI_TOKEN_OPTIONS_URI, "OPTIONS" },
	};
	int n;

	admin_release(c);
	for (size_t i = 0; i < SFU_ARRAY_SIZE(methods); i++) {
		if (lws_hdr_total_length(wsi, methods[i].tok) <= 0)
			continue;
		sfu_strlcpy(c->method, methods[i].name, sizeof(c->method));
		if (lws_hdr_copy(wsi, c->path, sizeof(c->path), methods[i].tok) < 0)
			c->path[0] = '\0';
		n = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_AUTHORIZATION);
		if (n > 0 && n < 4096) {
			c->auth = sfu_xmalloc((size_t)n + 1);
			if (lws_hdr_copy(wsi, c->auth, n + 1,
					 WSI_TOKEN_HTTP_AUTHORIZATION) < 0)
				c->auth[0] = '\0';
		}
		return true;
	}
	return false;
}

static int admin_write(struct lws *wsi, struct admin_conn *c);

static int admin_respond(struct lws *wsi, struct admin_conn *c)
{
	struct sfu_admin_request rq = {
		.method = c->method, .path = c->path, .authorization = c->auth,
		.body = c->body, .body_len = c->body_len,
		.body_too_large = c->too_large,
	};
	struct sfu_admin_response rs;
	unsigned char buf[LWS_PRE + 1024], *start = buf + LWS_PRE, *p = start,
					   *end = buf + sizeof(buf) - 1;

	sfu_admin_handle(http_of(wsi)->admin, &rq, &rs);
	free(c->resp);
	c->resp = rs.body;
	c->resp_len = rs.body ? strlen(rs.body) : 0;
	c->resp_off = 0;
	if (lws_add_http_common_headers(wsi, (unsigned int)rs.status,
					rs.content_type, c->resp_len, &p, end) ||
	    lws_add_http_header_by_name(wsi,
					(const unsigned char *)"cache-control:",
					(const unsigned char *)"no-store", 8,
					&p, end) ||
	    lws_finalize_write_http_header(wsi, start, &p, end))
		return -1;
	/* A small answer goes out with its headers, so a pipelined request
	 * that lws hands us next cannot land between the two. */
	if (c->resp_len <= 8192)
		return admin_write(wsi, c);
	lws_callback_on_writable(wsi);
	return 0;
}

static int admin_write(struct lws *wsi, struct admin_conn *c)
{
	unsigned char buf[LWS_PRE + 16384];
	size_t n = SFU_MIN(c->resp_len - c->resp_off, sizeof(buf) - LWS_PRE);
	bool last = c->resp_off + n == c->resp_len;

	if (n)
		memcpy(buf + LWS_PRE, c->resp + c->resp_off, n);
	if (lws_write(wsi, buf + LWS_PRE, n,
		      last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) < (int)n)
		return -1;
	c->resp_off += n;
	if (!last) {
		lws_callback_on_writable(wsi);
		return 0;
	}
	admin_release(c);
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

static int admin_callback(struct lws *wsi, enum lws_callback_reasons reason,
			  void *user, void *in, size_t len)
{
	struct admin_conn *c = user;

	switch (reason) {
	case LWS_CALLBACK_HTTP:
		if (!admin_start(wsi, c))
			return http_status(wsi, HTTP_STATUS_METHOD_NOT_ALLOWED);
		/* A body comes with POST, PUT and PATCH (when it has a
		 * length); answer at its end. */
		if ((strcmp(c->method, "POST") && strcmp(c->method, "PUT") &&
		     strcmp(c->method, "PATCH")) ||
		    lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH) <= 0)
			return admin_respond(wsi, c);
		return 0;
	case LWS_CALLBACK_HTTP_BODY:
		if (c->too_large || c->body_len + len > SFU_ADMIN_MAX_BODY) {
			c->too_large = true; /* read on, answer 413 at the end */
			return 0;
		}
		c->body = sfu_xrealloc(c->body, c->body_len + len + 1);
		if (len)
			memcpy(c->body + c->body_len, in, len);
		c->body_len += len;
		c->body[c->body_len] = '\0';
		return 0;
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		return admin_respond(wsi, c);
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return c->resp ? admin_write(wsi, c) : 0;
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
	case LWS_CALLBACK_CLOSED_HTTP:
		if (c) /* NULL when closed before a request was parsed */
			admin_release(c);
		return 0;
	default:
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
}

static const struct lws_protocols admin_protocols[] = {
	{ "starling-admin", admin_callback, sizeof(struct admin_conn), 0, 0,
	  NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 },
};

static const struct lws_protocols protocols[] = {
	{ "starling-http", http_callback, 0, 0, 0, NULL, 0 },
	{ "starling", ws_callback, sizeof(struct conn), 4096, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 },
};

/* Make "starling" the protocol for upgrades that name none. */
static const struct lws_protocol_vhost_options pvo_default = {
	NULL, NULL, "default", "1"
};
static const struct lws_protocol_vhost_options pvo = {
	NULL, &pvo_default, "starling", ""
};

/* ---- lifecycle -------------------------------------------------------- */

static void lws_log_emit(int level, const char *line)
{
	size_t n = strlen(line);

	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	sfu_log(level == LLL_ERR ? SFU_LOG_ERROR : SFU_LOG_WARN, "lws", "%.*s",
		(int)n, line);
}

static void on_tick(lws_sorted_usec_list_t *sul)
{
	struct sfu_http *h = lws_container_of(sul, struct sfu_http, tick);

	sfu_signaling_tick(h->sig, sfu_now_ms());
	lws_sul_schedule(h->ctx, 0, &h->tick, on_tick, LWS_US_PER_SEC);
}

static void setup_mounts(struct sfu_http *h)
{
	struct lws_http_mount *all = &h->mounts[0];

	/* Everything is answered by http_callback, so paths are checked by
	 * our own rules (static.c), not lws's file mount. */
	all->mountpoint = "/";
	all->mountpoint_len = 1;
	all->protocol = "starling-http";
	all->origin_protocol = LWSMPRO_CALLBACK;
}

static const char *bind_iface(const char *addr)
{
	/* lws binds every address (v4 and v6) for NULL. */
	if (!addr || strcmp(addr, "0.0.0.0") == 0 || strcmp(addr, "::") == 0)
		return NULL;
	return addr;
}

static int open_admin(struct sfu_http *h)
{
	struct lws_context_creation_info info;

	h->admin_mount.mountpoint = "/";
	h->admin_mount.mountpoint_len = 1;
	h->admin_mount.protocol = "starling-admin";
	h->admin_mount.origin_protocol = LWSMPRO_CALLBACK;
	memset(&info, 0, sizeof(info));
	info.vhost_name = "admin";
	info.port = h->cfg->admin_port;
	info.iface = bind_iface(h->cfg->admin_bind);
	info.protocols = admin_protocols;
	info.mounts = &h->admin_mount;
	info.user = h;
	h->admin_vhost = lws_create_vhost(h->ctx, &info);
	if (!h->admin_vhost) {
		log_error("cannot listen on %s:%d for the admin API",
			  h->cfg->admin_bind, h->cfg->admin_port);
		return -1;
	}
	log_info("admin API on http://%s:%d/admin/ and /metrics",
		 h->cfg->admin_bind, h->cfg->admin_port);
	return 0;
}

struct sfu_http *sfu_http_new(const struct sfu_config *cfg,
			      struct sfu_signaling *sig, struct sfu_admin *admin,
			      const char *html_root)
{
	struct sfu_http *h = sfu_xcalloc(1, sizeof(*h));
	struct lws_context_creation_info info;

	h->cfg = cfg;
	h->sig = sig;
	h->admin = admin;
	h->html_root = sfu_xstrdup(html_root);
	setup_mounts(h);
	lws_set_log_level(LLL_ERR | LLL_WARN, lws_log_emit);

	memset(&info, 0, sizeof(info));
	info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
	if (cfg->http_tls_cert)
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	info.user = h;
	h->ctx = lws_create_context(&info);
	if (!h->ctx) {
		log_error("cannot create the HTTP context");
		goto fail;
	}
	memset(&info, 0, sizeof(info));
	info.vhost_name = "public";
	info.port = cfg->http_port;
	info.iface = bind_iface(cfg->http_bind);
	info.protocols = protocols;
	info.pvo = &pvo;
	info.mounts = h->mounts;
	info.user = h;
	/* With a certificate the same port serves HTTPS and WSS. */
	info.ssl_cert_filepath = cfg->http_tls_cert;
	info.ssl_private_key_filepath = cfg->http_tls_key;
	if (cfg->http_tls_cert)
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	h->vhost = lws_create_vhost(h->ctx, &info);
	if (!h->vhost) {
		log_error("cannot listen on %s:%d", cfg->http_bind, cfg->http_port);
		goto fail;
	}
	sfu_signaling_set_wake(sig, sfu_http_wake, h);
	if (admin && cfg->admin_secret && open_admin(h) < 0)
		goto fail;
	lws_sul_schedule(h->ctx, 0, &h->tick, on_tick, LWS_US_PER_SEC);
	log_info("listening on %s://%s:%d/ (files from %s)",
		 cfg->http_tls_cert ? "https" : "http", cfg->http_bind,
		 cfg->http_port, h->html_root);
	return h;
fail:
	sfu_http_free(h);
	return NULL;
}

void sfu_http_run(struct sfu_http *h, volatile sig_atomic_t *stop)
{
	while (!*stop)
		if (lws_service(h->ctx, 0) < 0)
			break;
}

void sfu_http_wake(void *arg)
{
	struct sfu_http *h = arg;

	if (h && h->ctx)
		lws_cancel_service(h->ctx);
}

void sfu_http_free(struct sfu_http *h)
{
	if (!h)
		return;
	if (h->ctx) {
		sfu_signaling_set_wake(h->sig, NULL, NULL);
		lws_context_destroy(h->ctx);
	}
	free(h->html_root);
	free(h);
}
