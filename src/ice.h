/*
 * ice.h - full ICE (RFC 8445) with trickle and consent freshness for one
 * participant: one libnice agent, one stream, one component (BUNDLE and
 * rtcp-mux are required). The agent runs on the calling thread's default
 * GMainContext, i.e. the owning worker. Only ice*.c include libnice.
 */
#ifndef SFU_ICE_H
#define SFU_ICE_H

#include "common.h"

enum sfu_ice_state {
	SFU_ICE_NEW,
	SFU_ICE_CHECKING,
	SFU_ICE_CONNECTED,
	SFU_ICE_FAILED,
	SFU_ICE_CLOSED,
};

const char *sfu_ice_state_name(enum sfu_ice_state s);

struct sfu_ice_ops {
	/* A non-STUN datagram arrived; data may be modified in place. */
	void (*recv)(void *arg, uint8_t *data, size_t len);
	void (*state)(void *arg, enum sfu_ice_state state);
	/* A candidate found after the local description was made, as
	 * "candidate:..." (a=candidate value); may be NULL. */
	void (*candidate)(void *arg, const char *cand);
};

struct sfu_ice_opts {
	const char *ips;       /* comma-separated host addresses, or NULL */
	const char *public_ip; /* 1:1 NAT: advertised instead, or NULL */
	int port_min, port_max;
	const char *stun_server; /* "host:port" or NULL */
	bool controlling;        /* the offerer's role: the bench client */
	/* Keep libnice reading the socket after ICE is done (see
	 * ice_own.c); the server sets it when media.own_socket is off. */
	bool no_own_path;
};

struct sfu_ice;

/* Gathers host candidates at once. NULL on failure. */
struct sfu_ice *sfu_ice_new(const struct sfu_ice_opts *opts,
			    const struct sfu_ice_ops *ops, void *arg);
/* Safe inside any of its own callbacks: the agent is released later. */
void sfu_ice_free(struct sfu_ice *ice);

const char *sfu_ice_ufrag(const struct sfu_ice *ice);
const char *sfu_ice_pwd(const struct sfu_ice *ice);

/* Call fn for each local candidate as "candidate:..." text. */
void sfu_ice_local_candidates(struct sfu_ice *ice,
			      void (*fn)(void *ctx, const char *cand), void *ctx);

/* Remote credentials; 0, or -EINVAL. Changing them is an ICE restart,
 * which is refused (-ENOTSUP). */
int sfu_ice_set_remote_credentials(struct sfu_ice *ice, const char *ufrag,
				   const char *pwd);
/* One remote "candidate:..." (len bytes, not NUL-terminated). Returns 0,
 * or -EINVAL for a candidate libnice cannot parse (dropped). */
int sfu_ice_add_remote_candidate(struct sfu_ice *ice, const char *cand,
				 size_t len);
/* The peer said end-of-candidates. */
void sfu_ice_remote_done(struct sfu_ice *ice);

/* Send one datagram. Returns 0 or -EAGAIN/-ENOTCONN. */
int sfu_ice_send(struct sfu_ice *ice, const uint8_t *data, size_t len);

enum sfu_ice_state sfu_ice_state(const struct sfu_ice *ice);
/* "local-addr:port <-> remote-addr:port" (empty before a pair is chosen). */
const char *sfu_ice_selected_pair(const struct sfu_ice *ice);
/* Whether Starling reads the socket itself now (ice_own.c), else libnice. */
bool sfu_ice_owns_socket(const struct sfu_ice *ice);
/* Datagrams that failed after sfu_ice_send had returned 0 (held for
 * a batch, see outbox.h). */
uint64_t sfu_ice_send_errors(const struct sfu_ice *ice);

#endif
