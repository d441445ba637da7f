/*
 * http.h - the public HTTP listener (libwebsockets): the bundled client's
 * static files, GET /healthz and the signaling WebSocket at /ws. It runs
 * on the control thread; the only file that includes libwebsockets.
 */
#ifndef SFU_HTTP_H
#define SFU_HTTP_H

#include <signal.h>

#include "common.h"

#include "admin.h"
#include "config.h"
#include "signaling.h"

struct sfu_http;

/* Binds the listeners (the admin one when admin.secret is set and admin
 * is given). NULL (with a log line) when it cannot. */
struct sfu_http *sfu_http_new(const struct sfu_config *cfg,
			      struct sfu_signaling *sig, struct sfu_admin *admin,
			      const char *html_root);
/* Serve until *stop becomes non-zero. */
void sfu_http_run(struct sfu_http *h, volatile sig_atomic_t *stop);
/* Wake the service loop; safe from any thread and from a signal handler. */
void sfu_http_wake(void *h);
/* Closes every connection (each session is told), then frees. */
void sfu_http_free(struct sfu_http *h);

#endif
