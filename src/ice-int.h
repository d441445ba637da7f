/*
 * ice-int.h - what ice.c and ice_own.c share: the agent wrapper, and the
 * part of it that takes the selected socket over from libnice once ICE
 * is done (ice_own.c). Includes libnice; nothing else should.
 */
#ifndef SFU_ICE_INT_H
#define SFU_ICE_INT_H

#include <agent.h>
#include <stun/stunagent.h>
#include <sys/socket.h>

#include "ice.h"

struct sfu_ice {
	NiceAgent *agent;
	guint stream;
	enum sfu_ice_state state;
	char *ufrag, *pwd;
	char *remote_ufrag;
	char *public_ip;
	char pair[160];
	/* The selected pair's own UDP socket and peer, when the pair is
	 * not relayed: media goes out with one sendto() there instead of
	 * nice_agent_send() (agent lock, a GSocket message, an address
	 * object per packet). libnice still owns the socket and keeps its
	 * own STUN traffic on it. */
	GSocket *direct;
	int direct_fd;
	struct sockaddr_storage direct_to;
	socklen_t direct_to_len;
	/* Connected to direct_to once taken over: send() then uses the
	 * socket's cached route instead of a lookup per datagram. */
	bool direct_connected;
	uint64_t send_errors; /* held datagrams that failed (outbox.h) */
	/* Taking the socket over (ice_own.c): allowed when the agent has
	 * exactly one socket and runs without libnice's consent checks. */
	bool own_path;
	int64_t mux;	     /* udpmux handle once taken over, else 0 */
	guint32 local_priority;
	char *remote_pwd;
	StunAgent stun;	     /* our own consent requests and replies */
	uint64_t tie;
	GSource *consent;    /* consent timer while taken over */
	int64_t consent_ms;  /* last consent response (or takeover) */
	const struct sfu_ice_ops *ops;
	void *arg;
};

void sfu__ice_set_state(struct sfu_ice *ice, enum sfu_ice_state st);
/* One datagram on the selected pair's socket (direct_fd >= 0): 0, or
 * -EAGAIN when the kernel did not take it whole. */
int sfu__ice_direct_send(struct sfu_ice *ice, const uint8_t *data, size_t len);
/* From the libnice receive callback: take the socket over if due.
 * src is the source dispatching that callback. */
void sfu__ice_own_maybe(struct sfu_ice *ice, GSource *src);
/* Stop reading and the consent timer (free, failure). */
void sfu__ice_own_stop(struct sfu_ice *ice);

#endif
