/*
 * ws.c - the bench's WebSocket client (ws.h). Frames out are masked
 * (RFC 6455 5.3); frames in must not be. Continuation frames are joined;
 * ping is answered with pong; close ends the connection.
 */
#include "ws.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

#define WS_MAX_MESSAGE (4 * 1024 * 1024)

struct bws {
	int fd;
	GSource *watch;
	GByteArray *in;  /* unparsed bytes */
	GByteArray *msg; /* a fragmented message being joined */
	bool closed, in_callback, free_pending;
	const struct bws_ops *ops;
	void *arg;
};

static int parse_url(const char *url, char *host, size_t hlen, char *port,
		     size_t plen, const char **path)
{
	const char *p, *slash, *colon;

	if (strncmp(url, "ws://", 5) != 0)
		return -1;
	p = url + 5;
	slash = strchr(p, '/');
	if (!slash)
		slash = p + strlen(p);
	colon = memchr(p, ':', (size_t)(slash - p));
	if (colon) {
		snprintf(host, hlen, "%.*s", (int)(colon - p), p);
		snprintf(port, plen, "%.*s", (int)(slash - colon - 1), colon + 1);
	} else {
		snprintf(host, hlen, "%.*s", (int)(slash - p), p);
		snprintf(port, plen, "80");
	}
	*path = *slash ? slash : "/";
	return host[0] ? 0 : -1;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			if (poll(&pfd, 1, 5000) <= 0)
				return -1;
			continue;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int send_frame(struct bws *ws, uint8_t opcode, const uint8_t *data,
		      size_t len)
{
	uint8_t hdr[14], mask[4];
	size_t h = 0;
	uint8_t *buf;
	int rc;

	hdr[h++] = (uint8_t)(0x80 | opcode);
	if (len < 126) {
		hdr[h++] = (uint8_t)(0x80 | len);
	} else if (len <= 0xffff) {
		hdr[h++] = 0x80 | 126;
		hdr[h++] = (uint8_t)(len >> 8);
		hdr[h++] = (uint8_t)len;
	} else {
		hdr[h++] = 0x80 | 127;
		for (int i = 7; i >= 0; i--)
			hdr[h++] = (uint8_t)((uint64_t)len >> (8 * i));
	}
	sfu_random_bytes(mask, sizeof(mask));
	memcpy(hdr + h, mask, 4);
	h += 4;
	buf = sfu_xmalloc(h + len);
	memcpy(buf, hdr, h);
	for (size_t i = 0; i < len; i++)
		buf[h + i] = data[i] ^ mask[i % 4];
	rc = write_all(ws->fd, buf, h + len);
	free(buf);
	return rc;
}

int bws_send(struct bws *ws, const char *text, size_t len)
{
	if (ws->closed)
		return -1;
	return send_frame(ws, 0x1, (const uint8_t *)text, len);
}

static void destroy(struct bws *ws)
{
	if (ws->watch) {
		g_source_destroy(ws->watch);
		g_source_unref(ws->watch);
	}
	if (ws->fd >= 0)
		close(ws->fd);
	g_byte_array_unref(ws->in);
	g_byte_array_unref(ws->msg);
	free(ws);
}

static void set_closed(struct bws *ws, const char *why)
{
	if (ws->closed)
		return;
	ws->closed = true;
	if (ws->ops->closed && !ws->free_pending)
		ws->ops->closed(ws->arg, why);
}

/* Parse complete frames from ws->in. Returns false when closed. */
static bool parse_frames(struct bws *ws)
{
	while (!ws->closed && !ws->free_pending) {
		const uint8_t *p = ws->in->data;
		size_t n = ws->in->len, h = 2;
		uint64_t len;
		uint8_t op;
		bool fin;

		if (n < 2)
			return true;
		fin = p[0] & 0x80;
		op = p[0] & 0x0f;
		if (p[1] & 0x80) {
			set_closed(ws, "masked frame from the server");
			return false;
		}
		len = p[1] & 0x7f;
		if (len == 126) {
			if (n < 4)
				return true;
			len = (uint64_t)p[2] << 8 | p[3];
			h = 4;
		} else if (len == 127) {
			if (n < 10)
				return true;
			len = 0;
			for (int i = 0; i < 8; i++)
				len = len << 8 | p[2 + i];
			h = 10;
		}
		if (len > WS_MAX_MESSAGE) {
			set_closed(ws, "frame too large");
			return false;
		}
		if (n < h + len)
			return true;
		switch (op) {
		case 0x0: /* continuation */
		case 0x1: /* text */
		case 0x2: /* binary */
			g_byte_array_append(ws->msg, p + h, (guint)len);
			if (fin) {
				guint8 nul = 0;
				g_byte_array_append(ws->msg, &nul, 1);
				ws->ops->message(ws->arg, (const char *)ws->msg->data,
						 ws->msg->len - 1);
				g_byte_array_set_size(ws->msg, 0);
			}
			break;
		case 0x8: /* close */
			send_frame(ws, 0x8, p + h, len >= 2 ? 2 : 0);
			set_closed(ws, "closed by the server");
			return false;
		case 0x9: /* ping */
			send_frame(ws, 0xa, p + h, (size_t)len);
			break;
		default: /* pong and reserved */
			break;
		}
		g_byte_array_remove_range(ws->in, 0, (guint)(h + len));
	}
	return !ws->closed;
}

static gboolean on_readable(gint fd, GIOCondition cond, gpointer data)
{
	struct bws *ws = data;
	GSource *self = ws->watch;
	uint8_t buf[16384];

	ws->in_callback = true;
	for (;;) {
		ssize_t r = recv(fd, buf, sizeof(buf), 0);
		if (r > 0) {
			g_byte_array_append(ws->in, buf, (guint)r);
			continue;
		}
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (r < 0 && errno == EINTR)
			continue;
		parse_frames(ws);
		set_closed(ws, r == 0 ? "connection closed" : strerror(errno));
		break;
	}
	if (!ws->closed)
		parse_frames(ws);
	ws->in_callback = false;
	if (!ws->closed && !ws->free_pending)
		return G_SOURCE_CONTINUE;
	/* Removed by returning G_SOURCE_REMOVE. */
	ws->watch = NULL;
	g_source_unref(self);
	if (ws->free_pending)
		destroy(ws);
	return G_SOURCE_REMOVE;
}

static char *accept_key(const char *key)
{
	static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
	GChecksum *c = g_checksum_new(G_CHECKSUM_SHA1);
	guint8 digest[20];
	gsize dlen = sizeof(digest);
	char *out;

	g_checksum_update(c, (const guchar *)key, (gssize)strlen(key));
	g_checksum_update(c, (const guchar *)guid, (gssize)strlen(guid));
	g_checksum_get_digest(c, digest, &dlen);
	g_checksum_free(c);
	out = g_base64_encode(digest, dlen);
	return out;
}

static int dial(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	int fd = -1;

	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
			    ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static int handshake(struct bws *ws, const char *host, const char *port,
		     const char *path, const char *protocol, char *err,
		     size_t errlen)
{
	uint8_t nonce[16];
	char *key, *want, *req, buf[4096];
	size_t got = 0;
	char *end = NULL;
	int rc = -1;

	sfu_random_bytes(nonce, sizeof(nonce));
	key = g_base64_encode(nonce, sizeof(nonce));
	want = accept_key(key);
	req = sfu_xasprintf("GET %s HTTP/1.1\r\nHost: %s:%s\r\n"
			    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
			    "Sec-WebSocket-Key: %s\r\n"
			    "%s%s%s"
			    "Sec-WebSocket-Version: 13\r\n\r\n",
			    path, host, port, key,
			    protocol ? "Sec-WebSocket-Protocol: " : "",
			    protocol ? protocol : "", protocol ? "\r\n" : "");
	if (write_all(ws->fd, (const uint8_t *)req, strlen(req)) < 0) {
		snprintf(err, errlen, "cannot send the handshake");
		goto out;
	}
	while (!end) {
		ssize_t r = recv(ws->fd, buf + got, sizeof(buf) - 1 - got, 0);
		if (r <= 0) {
			snprintf(err, errlen, "no handshake reply");
			goto out;
		}
		got += (size_t)r;
		buf[got] = '\0';
		end = strstr(buf, "\r\n\r\n");
		if (!end && got >= sizeof(buf) - 1) {
			snprintf(err, errlen, "handshake reply too long");
			goto out;
		}
	}
	*end = '\0';
	if (strncmp(buf, "HTTP/1.1 101", 12) != 0) {
		snprintf(err, errlen, "handshake refused: %.60s", buf);
		goto out;
	}
	{
		char *line = strcasestr(buf, "\r\nSec-WebSocket-Accept:");
		char *v = line ? line + 23 : NULL;
		while (v && *v == ' ')
			v++;
		if (!v || strncmp(v, want, strlen(want)) != 0) {
			snprintf(err, errlen, "bad Sec-WebSocket-Accept");
			goto out;
		}
	}
	/* Bytes after the reply are frames already. */
	g_byte_array_append(ws->in, (const guint8 *)end + 4,
			    (guint)(got - (size_t)(end + 4 - buf)));
	rc = 0;
out:
	g_free(key);
	g_free(want);
	free(req);
	return rc;
}

struct bws *bws_connect(const char *url, const struct bws_ops *ops, void *arg,
			char *err, size_t errlen)
{
	return bws_connect_proto(url, NULL, ops, arg, err, errlen);
}

struct bws *bws_connect_proto(const char *url, const char *protocol,
			      const struct bws_ops *ops, void *arg, char *err,
			      size_t errlen)
{
	char host[256], port[16];
	const char *path;
	struct bws *ws;

	if (parse_url(url, host, sizeof(host), port, sizeof(port), &path) < 0) {
		snprintf(err, errlen, "bad URL %s (ws://host:port/path)", url);
		return NULL;
	}
	ws = sfu_xcalloc(1, sizeof(*ws));
	ws->ops = ops;
	ws->arg = arg;
	ws->in = g_byte_array_new();
	ws->msg = g_byte_array_new();
	ws->fd = dial(host, port);
	if (ws->fd < 0) {
		snprintf(err, errlen, "cannot connect to %s:%s", host, port);
		destroy(ws);
		return NULL;
	}
	if (handshake(ws, host, port, path, protocol, err, errlen) < 0) {
		destroy(ws);
		return NULL;
	}
	g_unix_set_fd_nonblocking(ws->fd, TRUE, NULL);
	ws->watch = g_unix_fd_source_new(ws->fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
	g_source_set_callback(ws->watch, (GSourceFunc)(void (*)(void))on_readable,
			      ws, NULL);
	g_source_attach(ws->watch, g_main_context_get_thread_default());
	return ws;
}

void bws_close(struct bws *ws)
{
	static const uint8_t normal[2] = { 0x03, 0xe8 }; /* 1000 */

	if (!ws)
		return;
	if (!ws->closed)
		send_frame(ws, 0x8, normal, sizeof(normal));
	ws->closed = true;
	if (ws->in_callback) {
		/* Freed when the read callback unwinds. */
		ws->free_pending = true;
		return;
	}
	destroy(ws);
}
