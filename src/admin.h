/*
 * admin.h - the admin API (PROTOCOL 2): a route table over requests that
 * http.c has read whole, JSON answers built from worker-owned state on
 * the owning worker's thread (sfu_worker_call), and the Prometheus
 * exposition at /metrics.
 */
#ifndef SFU_ADMIN_H
#define SFU_ADMIN_H

#include "common.h"

#include "config.h"
#include "worker.h"

#define SFU_ADMIN_MAX_BODY (64 * 1024)

struct sfu_admin_request {
	const char *method; /* "GET", "POST", "DELETE", ... */
	const char *path;   /* decoded, without the query */
	const char *authorization; /* the header's value, or NULL */
	const char *body;
	size_t body_len;
	bool body_too_large;
};

struct sfu_admin_response {
	int status;
	const char *content_type;
	char *body; /* malloc'd */
};

struct sfu_admin;

struct sfu_admin *sfu_admin_new(const struct sfu_config *cfg,
				struct sfu_worker **workers, int n_workers);
void sfu_admin_free(struct sfu_admin *a);

/* Answer one request (control thread). */
void sfu_admin_handle(struct sfu_admin *a, const struct sfu_admin_request *rq,
		      struct sfu_admin_response *out);

/* Constant-time check of "Bearer <secret>". */
bool sfu_admin_authorized(const char *header, const char *secret);

#endif
