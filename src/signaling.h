/*
 * signaling.h - the WebSocket protocol's control-thread half (PROTOCOL 1):
 * sessions, the request table, limits, and delivery of worker events.
 *
 * The transport (http.c) owns the sockets and calls in with whole
 * messages; signaling answers through the transport's ops. Workers report
 * through sfu_signaling_emit(), which renders on the worker thread and
 * posts the text here; sfu_signaling_deliver() hands it to the sockets.
 */
#ifndef SFU_SIGNALING_H
#define SFU_SIGNALING_H

#include "common.h"

#include "cmd.h"
#include "config.h"
#include "worker.h"

struct sfu_transport_ops {
	/* Queue one text frame. */
	void (*send)(void *transport, const char *text, size_t len);
	/* Close after the queued frames are sent. */
	void (*close)(void *transport, int code, const char *reason);
};

/* WebSocket close codes the server uses. */
#define SFU_CLOSE_NORMAL 1000
#define SFU_CLOSE_POLICY 1008
#define SFU_CLOSE_TOO_BIG 1009

struct sfu_signaling;
struct sfu_session;

struct sfu_signaling *sfu_signaling_new(const struct sfu_config *cfg);
void sfu_signaling_free(struct sfu_signaling *sig);

/* Called once the transport can be woken (from any thread). */
void sfu_signaling_set_wake(struct sfu_signaling *sig, void (*wake)(void *),
			    void *arg);
void sfu_signaling_set_workers(struct sfu_signaling *sig,
			       struct sfu_worker **workers, int n);

/* The workers' emit hook; ctx is the struct sfu_signaling. */
void sfu_signaling_emit(void *ctx, const struct sfu_event *ev);

/* Control thread only, from here on. */
struct sfu_session *sfu_signaling_open(struct sfu_signaling *sig,
				       const struct sfu_transport_ops *ops,
				       void *transport);
/* One whole message; binary frames are refused with bad_request. */
void sfu_signaling_receive(struct sfu_signaling *sig, struct sfu_session *s,
			   const char *data, size_t len, bool binary);
/* The current message passed signaling.max_message: answer and close. */
void sfu_signaling_too_large(struct sfu_signaling *sig, struct sfu_session *s);
/* The socket is gone; s is freed. */
void sfu_signaling_closed(struct sfu_signaling *sig, struct sfu_session *s);
/* Hand queued worker events to their sockets. */
void sfu_signaling_deliver(struct sfu_signaling *sig);
/* Close sockets that never joined within signaling.idle_timeout_s. */
void sfu_signaling_tick(struct sfu_signaling *sig, int64_t now_ms);

size_t sfu_signaling_session_count(const struct sfu_signaling *sig);

#endif
