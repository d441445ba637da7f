/*
 * ice_own.c - once ICE is done, the server reads its socket itself.
 *
 * libnice receives one datagram per system call through GIO, with its
 * agent lock, an address object and a final EAGAIN read per wakeup, and
 * each agent's socket is one more GSource for the worker's loop to poll
 * and check. Once a host pair is selected and its checks have
 * succeeded (CONNECTED: the peer nominated it), nothing on the socket
 * needs libnice but STUN consent: the
 * peer's binding requests to answer, and our own every ~5 s (RFC 7675).
 * So the first datagram after that destroys libnice's socket source
 * (from inside its own dispatch, the only handle libnice gives on it),
 * the socket joins the worker's udpmux set (epoll + recvmmsg), and STUN
 * is built and checked with libnice's own STUN library. Agents created
 * for this run without libnice's consent checks (ice.c), since their
 * responses would now arrive here.
 *
 * Only datagrams from the selected remote address are taken; others
 * (the peer's checks on other pairs) are dropped, so those pairs fail
 * and the peer stays on the nominated one. libnice's own checks still in
 * flight on other pairs fail the same way, which leaves the selected
 * pair alone.
 */
#define SFU_LOG_MODULE "ice"
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <stun/usages/ice.h>

#include "clock.h"
#include "ice-int.h"
#include "log.h"
#include "udpmux.h"

#define CONSENT_MIN_MS 4000	/* RFC 7675: 4 to 6 s, randomized */
#define CONSENT_SPREAD_MS 2000
#define CONSENT_TIMEOUT_MS 30000
#define STUN_MAX 548

static bool same_peer(const struct sockaddr_storage *a,
		      const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a,
					  *y = (const void *)b;
		return x->sin6_port == y->sin6_port &&
		       memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
	}
	return false;
}

/* A request must be for us: USERNAME "<our ufrag>:<theirs>", keyed
 * with our password. */
static bool check_user(StunAgent *agent, StunMessage *msg, uint8_t *user,
		       uint16_t user_len, uint8_t **key, size_t *key_len,
		       void *data)
{
	struct sfu_ice *ice = data;
	size_t ul = strlen(ice->ufrag);

	(void)agent, (void)msg;
	if (!user || user_len <= ul || memcmp(user, ice->ufrag, ul) != 0 ||
	    user[ul] != ':')
		return false;
	*key = (uint8_t *)ice->pwd;
	*key_len = strlen(ice->pwd);
	return true;
}

static void on_stun(struct sfu_ice *ice, uint8_t *data, size_t len)
{
	StunMessage msg, reply;
	uint8_t out[STUN_MAX];
	size_t n = sizeof(out);
	bool control = false;
	StunUsageIceReturn r;

	if (stun_agent_validate(&ice->stun, &msg, data, len, check_user, ice) !=
		    STUN_VALIDATION_SUCCESS ||
	    stun_message_get_method(&msg) != STUN_BINDING)
		return;
	switch (stun_message_get_class(&msg)) {
	case STUN_REQUEST:
		r = stun_usage_ice_conncheck_create_reply(
			&ice->stun, &msg, &reply, out, &n, &ice->direct_to,
			ice->direct_to_len, &control, ice->tie,
			STUN_USAGE_ICE_COMPATIBILITY_RFC5245);
		if ((r == STUN_USAGE_ICE_RETURN_SUCCESS ||
		     r == STUN_USAGE_ICE_RETURN_ROLE_CONFLICT) && n > 0)
			(void)sfu__ice_direct_send(ice, out, n);
		break;
	case STUN_RESPONSE: /* to one of ours: id and integrity checked */
		ice->consent_ms = sfu_now_ms();
		break;
	default: /* an error answer grants nothing; the timer decides */
		break;
	}
}

static void own_recv(void *arg, uint8_t *data, size_t len,
		     const struct sockaddr_storage *from)
{
	struct sfu_ice *ice = arg;

	if (!same_peer(from, &ice->direct_to))
		return;
	if (len >= 20 && data[0] <= 3) /* RFC 7983: STUN */
		on_stun(ice, data, len);
	else
		ice->ops->recv(ice->arg, data, len);
}

static void send_consent(struct sfu_ice *ice)
{
	StunMessage msg;
	uint8_t buf[STUN_MAX];
	char user[2 * 256 + 2];
	size_t n;

	snprintf(user, sizeof(user), "%s:%s", ice->remote_ufrag, ice->ufrag);
	n = stun_usage_ice_conncheck_create(
		&ice->stun, &msg, buf, sizeof(buf), (const uint8_t *)user,
		strlen(user), (const uint8_t *)ice->remote_pwd,
		strlen(ice->remote_pwd), false, false, ice->local_priority,
		ice->tie, NULL, STUN_USAGE_ICE_COMPATIBILITY_RFC5245);
	if (n > 0)
		(void)sfu__ice_direct_send(ice, buf, n);
}

static gboolean on_consent(gpointer data);

static void arm_consent(struct sfu_ice *ice)
{
	guint ms = CONSENT_MIN_MS + g_random_int_range(0, CONSENT_SPREAD_MS);

	ice->consent = g_timeout_source_new(ms);
	g_source_set_callback(ice->consent, on_consent, ice, NULL);
	g_source_attach(ice->consent, g_main_context_get_thread_default());
}

static gboolean on_consent(gpointer data)
{
	struct sfu_ice *ice = data;

	g_source_unref(ice->consent); /* the one dispatching: it ends now */
	ice->consent = NULL;
	if (sfu_now_ms() - ice->consent_ms > CONSENT_TIMEOUT_MS) {
		log_info("no consent from the peer for %d s",
			 CONSENT_TIMEOUT_MS / 1000);
		sfu__ice_own_stop(ice);
		sfu__ice_set_state(ice, SFU_ICE_FAILED); /* may free ice */
		return G_SOURCE_REMOVE;
	}
	send_consent(ice);
	arm_consent(ice);
	return G_SOURCE_REMOVE;
}

void sfu__ice_own_maybe(struct sfu_ice *ice, GSource *src)
{
	const char *name = src ? g_source_get_name(src) : NULL;
	int64_t h;

	if (ice->direct_fd < 0 || !ice->remote_pwd || !ice->remote_ufrag ||
	    !name || strcmp(name, "GSocket") != 0)
		return;
	h = sfu_udpmux_add(ice->direct_fd, own_recv, ice);
	if (h <= 0) {
		log_warn("cannot watch the media socket: %s", strerror((int)-h));
		ice->own_path = false;
		return;
	}
	ice->mux = h;
	/* libnice checks right after this callback that its source is
	 * gone, and stops reading. */
	g_source_destroy(src);
	/* Only the selected peer is read from now on (own_recv drops the
	 * rest), so the kernel may as well filter, and a connected socket
	 * sends on its cached route. libnice's own sendto()s to other
	 * addresses still work on a connected UDP socket. */
	if (connect(ice->direct_fd, (const struct sockaddr *)&ice->direct_to,
		    ice->direct_to_len) == 0)
		ice->direct_connected = true;
	else
		log_debug("connect %s: %s", ice->pair, strerror(errno));
	stun_agent_init(&ice->stun, STUN_ALL_KNOWN_ATTRIBUTES,
			STUN_COMPATIBILITY_RFC5389,
			STUN_AGENT_USAGE_SHORT_TERM_CREDENTIALS |
				STUN_AGENT_USAGE_USE_FINGERPRINT);
	sfu_random_bytes(&ice->tie, sizeof(ice->tie));
	ice->consent_ms = sfu_now_ms();
	arm_consent(ice);
	log_debug("reading %s ourselves", ice->pair);
}

void sfu__ice_own_stop(struct sfu_ice *ice)
{
	if (ice->mux)
		sfu_udpmux_remove(ice->mux);
	ice->mux = 0;
	if (ice->consent) {
		g_source_destroy(ice->consent);
		g_source_unref(ice->consent);
		ice->consent = NULL;
	}
}
