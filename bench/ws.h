/*
 * ws.h - a minimal RFC 6455 WebSocket client for the bench's signaling:
 * ws:// only, text frames, on the calling thread's GLib main context.
 * Connecting and the opening handshake block (the server is local);
 * afterwards frames are read from a main-context watch and written with
 * short blocking waits when the socket buffer is full.
 */
#ifndef BENCH_WS_H
#define BENCH_WS_H

#include <stddef.h>

struct bws_ops {
	/* One complete text message (NUL-terminated for convenience). */
	void (*message)(void *arg, const char *text, size_t len);
	/* The connection closed or failed; no callbacks follow. */
	void (*closed)(void *arg, const char *why);
};

struct bws;

/* Connect to url ("ws://host:port/path"). NULL with a message in
 * err (errlen bytes) on failure. */
struct bws *bws_connect(const char *url, const struct bws_ops *ops, void *arg,
			char *err, size_t errlen);
/* The same, asking for a subprotocol (Sec-WebSocket-Protocol), or
 * NULL for none. */
struct bws *bws_connect_proto(const char *url, const char *protocol,
			      const struct bws_ops *ops, void *arg, char *err,
			      size_t errlen);
/* Send one text message. Returns 0 or -1 (closed). */
int bws_send(struct bws *ws, const char *text, size_t len);
/* Send a close frame and free. Safe from inside a callback. */
void bws_close(struct bws *ws);

#endif
