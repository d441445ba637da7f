/*
 * server.c - start-up and shutdown order.
 *
 * Start: signaling (needs nothing), HTTP (binds; gives signaling its
 * wakeup), then the workers (they may emit as soon as they run).
 * Stop: workers first (joined; each frees its rooms on its own thread, so
 * no event can be emitted afterwards), then HTTP (closing sockets queues
 * disconnects into the stopped workers' mailboxes, freed with them), then
 * the rest.
 */
#define SFU_LOG_MODULE "server"
#include "server.h"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "admin.h"
#include "cert.h"
#include "dtls.h"
#include "http.h"
#include "log.h"
#include "media.h"
#include "sctp.h"
#include "signaling.h"
#include "srtp.h"
#include "worker.h"

struct sfu_server {
	const struct sfu_config *cfg;
	struct sfu_signaling *sig;
	struct sfu_http *http;
	struct sfu_admin *admin;
	struct sfu_worker **workers;
	int n_workers;
	int room_count; /* shared by the workers, atomically */
	struct sfu_cert *cert;
	struct sfu_dtls_ctx *dtls;
	struct sfu_media_env media; /* read-only, shared by the workers */
	bool srtp_ready;
};

static bool has_index(const char *dir)
{
	char *path = sfu_xasprintf("%s/index.html", dir);
	bool ok = access(path, R_OK) == 0;

	free(path);
	return ok;
}

char *sfu_server_html_root(const struct sfu_config *cfg)
{
	char real[PATH_MAX];

	if (cfg->http_root)
		return realpath(cfg->http_root, real) ? sfu_xstrdup(real) : NULL;
	if (has_index(SFU_DATADIR "/html"))
		return sfu_xstrdup(SFU_DATADIR "/html");
	if (has_index("html") && realpath("html", real))
		return sfu_xstrdup(real);
	return NULL;
}

static int worker_count(const struct sfu_config *cfg)
{
	long n = cfg->media_workers;

	if (n <= 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

static int start_workers(struct sfu_server *srv)
{
	const struct sfu_config *cfg = srv->cfg;

	for (int i = 0; i < srv->n_workers; i++) {
		struct sfu_worker_opts o = {
			.index = i,
			.limits = {
				.max_participants = cfg->rooms_max_participants,
				.max_rooms = cfg->rooms_max_rooms,
				.auto_create = cfg->rooms_auto_create,
				.resume_grace_ms = cfg->rooms_resume_grace_s * 1000,
				.max_tracks = cfg->rooms_max_tracks,
				.room_count = &srv->room_count,
				.media = &srv->media,
			},
			.emit = sfu_signaling_emit,
			.emit_ctx = srv->sig,
		};
		srv->workers[i] = sfu_worker_new(&o);
		if (sfu_worker_start(srv->workers[i]) < 0) {
			log_error("cannot start worker %d", i);
			return -1;
		}
	}
	sfu_signaling_set_workers(srv->sig, srv->workers, srv->n_workers);
	log_info("%d media workers", srv->n_workers);
	return 0;
}

/* The DTLS identity and what every participant's media shares. */
static int setup_media(struct sfu_server *srv)
{
	const struct sfu_config *cfg = srv->cfg;
	char *err = NULL;

	if (sfu_srtp_global_init() < 0) {
		log_error("cannot initialise libsrtp");
		return -1;
	}
	srv->srtp_ready = true;
	if (cfg->media_dtls_cert) {
		srv->cert = sfu_cert_load(cfg->media_dtls_cert, cfg->media_dtls_key,
					  &err);
		if (!srv->cert) {
			log_error("%s", err);
			free(err);
			return -1;
		}
	} else {
		srv->cert = sfu_cert_generate();
	}
	if (!srv->cert || !(srv->dtls = sfu_dtls_ctx_new(srv->cert)))
		return -1;
	log_info("DTLS fingerprint sha-256 %s", sfu_cert_fingerprint(srv->cert));
	srv->media = (struct sfu_media_env){
		.dtls = srv->dtls,
		.ice = {
			.ips = cfg->media_ips,
			.public_ip = cfg->media_public_ip,
			.port_min = cfg->media_port_min,
			.port_max = cfg->media_port_max,
			.stun_server = cfg->media_stun_server,
			.no_own_path = !cfg->media_own_socket,
		},
		.connect_timeout_ms = cfg->media_connect_timeout_s * 1000,
		.remb_bps = (uint64_t)cfg->media_max_bitrate_kbps * 1000,
		.ring_video = (size_t)cfg->media_nack_buffer,
	};
	return 0;
}

struct sfu_server *sfu_server_new(const struct sfu_config *cfg)
{
	struct sfu_server *srv = sfu_xcalloc(1, sizeof(*srv));
	char *root = sfu_server_html_root(cfg);

	srv->cfg = cfg;
	if (!root) {
		log_error("cannot find the client files (index.html); set http.root");
		free(srv);
		return NULL;
	}
	if (setup_media(srv) < 0) {
		free(root);
		sfu_server_free(srv);
		return NULL;
	}
	srv->sig = sfu_signaling_new(cfg);
	/* The array is filled by start_workers; the admin API only uses it
	 * once requests arrive, after that. */
	srv->n_workers = worker_count(cfg);
	srv->workers = sfu_xcalloc((size_t)srv->n_workers, sizeof(*srv->workers));
	srv->admin = sfu_admin_new(cfg, srv->workers, srv->n_workers);
	srv->http = sfu_http_new(cfg, srv->sig, srv->admin, root);
	free(root);
	if (!srv->http || start_workers(srv) < 0) {
		sfu_server_free(srv);
		return NULL;
	}
	if (!cfg->admin_secret)
		log_info("admin API off: set admin.secret to enable it");
	return srv;
}

void sfu_server_run(struct sfu_server *srv, volatile sig_atomic_t *stop)
{
	sfu_http_run(srv->http, stop);
}

void sfu_server_wake(struct sfu_server *srv)
{
	if (srv)
		sfu_http_wake(srv->http);
}

void sfu_server_free(struct sfu_server *srv)
{
	if (!srv)
		return;
	for (int i = 0; i < srv->n_workers; i++)
		if (srv->workers[i])
			sfu_worker_stop(srv->workers[i]);
	sfu_http_free(srv->http);
	for (int i = 0; i < srv->n_workers; i++)
		sfu_worker_free(srv->workers[i]);
	/* Every association went with its room; usrsctp's globals now. */
	sfu_sctp_global_shutdown();
	free(srv->workers);
	sfu_signaling_free(srv->sig);
	sfu_admin_free(srv->admin);
	sfu_dtls_ctx_free(srv->dtls);
	sfu_cert_free(srv->cert);
	if (srv->srtp_ready)
		sfu_srtp_global_shutdown();
	free(srv);
}
