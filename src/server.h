/*
 * server.h - assembles a running server from a configuration: the media
 * workers, the signaling control plane and the HTTP listener, and takes
 * them down again in an order that leaks nothing.
 */
#ifndef SFU_SERVER_H
#define SFU_SERVER_H

#include <signal.h>

#include "config.h"

struct sfu_server;

/* Binds and starts everything. NULL (after logging why) on failure. */
struct sfu_server *sfu_server_new(const struct sfu_config *cfg);
/* Serve until *stop is set; call sfu_server_wake() after setting it. */
void sfu_server_run(struct sfu_server *srv, volatile sig_atomic_t *stop);
/* Async-signal-safe wakeup of the control thread. */
void sfu_server_wake(struct sfu_server *srv);
void sfu_server_free(struct sfu_server *srv);

/* Where the bundled client's files are: http.root, the installed copy,
 * or ./html in a source tree. Returns a malloc'd path or NULL. */
char *sfu_server_html_root(const struct sfu_config *cfg);

#endif
