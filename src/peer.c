/*
 * peer.c - ICE + DTLS + SRTP glue for one participant.
 *
 * Incoming datagrams are demultiplexed by their first byte: DTLS goes to
 * the handshake (and later SCTP), SRTP/SRTCP is decrypted in place and
 * handed up. Nothing here allocates per packet.
 */
#define SFU_LOG_MODULE "peer"
#include "peer.h"

#include <glib.h>
#include <stdlib.h>

#include "demux.h"
#include "log.h"

struct sfu_peer {
	struct sfu_ice *ice;
	struct sfu_dtls *dtls;
	struct sfu_srtp *srtp;
	struct sfu_dtls_ctx *dtls_ctx;
	enum sfu_peer_state state;
	enum sfu_srtp_profile profile;
	bool dtls_server;
	int connect_timeout_ms;
	GSource *dtls_timer, *connect_timer;
	struct sfu_peer_counters n;
	const struct sfu_peer_ops *ops;
	void *arg;
};

const char *sfu_peer_state_name(enum sfu_peer_state s)
{
	static const char *const names[] = { "new", "connecting", "connected",
					     "failed" };
	return (unsigned)s < SFU_ARRAY_SIZE(names) ? names[s] : "?";
}

static void stop_timer(GSource **t)
{
	if (*t) {
		g_source_destroy(*t);
		g_source_unref(*t);
		*t = NULL;
	}
}

static GSource *start_timer(int ms, GSourceFunc fn, void *data)
{
	GSource *t = g_timeout_source_new((guint)ms);

	g_source_set_callback(t, fn, data, NULL);
	g_source_attach(t, g_main_context_get_thread_default());
	return t;
}

static void set_failed(struct sfu_peer *p, const char *why)
{
	if (p->state == SFU_PEER_FAILED)
		return;
	p->state = SFU_PEER_FAILED;
	stop_timer(&p->dtls_timer);
	stop_timer(&p->connect_timer);
	log_info("transport failed: %s", why);
	p->ops->state(p->arg, SFU_PEER_FAILED, why);
}

/* ---- DTLS --------------------------------------------------------------- */

static gboolean on_dtls_timer(gpointer data);

static void arm_dtls_timer(struct sfu_peer *p)
{
	int ms;

	stop_timer(&p->dtls_timer);
	if (!p->dtls || (ms = sfu_dtls_timeout_ms(p->dtls)) < 0)
		return;
	p->dtls_timer = start_timer(ms > 0 ? ms : 1, on_dtls_timer, p);
}

static gboolean on_dtls_timer(gpointer data)
{
	struct sfu_peer *p = data;

	g_source_unref(p->dtls_timer);
	p->dtls_timer = NULL;
	sfu_dtls_timeout(p->dtls);
	if (p->state != SFU_PEER_FAILED)
		arm_dtls_timer(p);
	return G_SOURCE_REMOVE;
}

static void dtls_send(void *arg, const uint8_t *data, size_t len)
{
	struct sfu_peer *p = arg;

	if (sfu_ice_send(p->ice, data, len) < 0)
		p->n.send_errors++;
}

static void dtls_connected(void *arg, const struct sfu_srtp_keys *keys)
{
	struct sfu_peer *p = arg;

	p->srtp = sfu_srtp_new(keys);
	if (!p->srtp) {
		set_failed(p, "cannot create SRTP sessions");
		return;
	}
	p->profile = keys->profile;
	stop_timer(&p->connect_timer);
	p->state = SFU_PEER_CONNECTED;
	log_debug("connected with %s", sfu_srtp_profile_name(keys->profile));
	p->ops->state(p->arg, SFU_PEER_CONNECTED, NULL);
}

static void dtls_failed(void *arg, const char *why)
{
	set_failed(arg, why);
}

static void dtls_data(void *arg, const uint8_t *data, size_t len)
{
	struct sfu_peer *p = arg;

	if (p->ops->data)
		p->ops->data(p->arg, data, len);
}

static const struct sfu_dtls_ops dtls_ops = {
	.send = dtls_send,
	.connected = dtls_connected,
	.failed = dtls_failed,
	.data = dtls_data,
};

/* ---- ICE ---------------------------------------------------------------- */

static void ice_recv(void *arg, uint8_t *data, size_t len)
{
	struct sfu_peer *p = arg;
	size_t n = len;

	p->n.rx_packets++;
	p->n.rx_bytes += len;
	switch (sfu_demux(data, len)) {
	case SFU_PKT_DTLS:
		if (p->dtls) {
			sfu_dtls_input(p->dtls, data, len);
			arm_dtls_timer(p);
		}
		return;
	case SFU_PKT_RTP:
		if (!p->srtp) {
			p->n.dropped_early++;
		} else if (sfu_srtp_unprotect(p->srtp, data, &n) == 0) {
			p->ops->rtp(p->arg, data, n);
		} else {
			p->n.dropped_srtp++;
		}
		return;
	case SFU_PKT_RTCP:
		if (!p->srtp) {
			p->n.dropped_early++;
		} else if (sfu_srtp_unprotect_rtcp(p->srtp, data, &n) == 0) {
			p->ops->rtcp(p->arg, data, n);
		} else {
			p->n.dropped_srtp++;
		}
		return;
	default:
		p->n.dropped_unknown++;
		return;
	}
}

static void ice_state(void *arg, enum sfu_ice_state st)
{
	struct sfu_peer *p = arg;

	log_debug("ICE %s", sfu_ice_state_name(st));
	if (st == SFU_ICE_FAILED)
		set_failed(p, p->state == SFU_PEER_CONNECTED
				      ? "ICE consent lost"
				      : "ICE connectivity checks failed");
	else if (st == SFU_ICE_CONNECTED && p->dtls && !p->dtls_server &&
		 sfu_dtls_state(p->dtls) == SFU_DTLS_NEW) {
		/* As DTLS client, speak first once a path exists. */
		sfu_dtls_start(p->dtls);
		arm_dtls_timer(p);
	}
}

static void ice_candidate(void *arg, const char *cand)
{
	struct sfu_peer *p = arg;

	if (p->ops->candidate)
		p->ops->candidate(p->arg, cand);
}

static const struct sfu_ice_ops ice_ops = {
	.recv = ice_recv,
	.state = ice_state,
	.candidate = ice_candidate,
};

/* ---- lifecycle ---------------------------------------------------------- */

struct sfu_peer *sfu_peer_new(const struct sfu_peer_opts *o,
			      const struct sfu_peer_ops *ops, void *arg)
{
	struct sfu_peer *p = sfu_xcalloc(1, sizeof(*p));

	p->ops = ops;
	p->arg = arg;
	p->dtls_ctx = o->dtls;
	p->connect_timeout_ms = o->connect_timeout_ms;
	p->ice = sfu_ice_new(&o->ice, &ice_ops, p);
	if (!p->ice) {
		free(p);
		return NULL;
	}
	return p;
}

void sfu_peer_free(struct sfu_peer *p)
{
	if (!p)
		return;
	stop_timer(&p->dtls_timer);
	stop_timer(&p->connect_timer);
	if (p->dtls) {
		sfu_dtls_close(p->dtls);
		sfu_dtls_free(p->dtls);
	}
	sfu_srtp_free(p->srtp);
	sfu_ice_free(p->ice);
	free(p);
}

static gboolean on_connect_timeout(gpointer data)
{
	struct sfu_peer *p = data;

	g_source_unref(p->connect_timer);
	p->connect_timer = NULL;
	set_failed(p, "no connection before the connect timeout");
	return G_SOURCE_REMOVE;
}

int sfu_peer_set_remote(struct sfu_peer *p, const char *ufrag, const char *pwd,
			const char *fp_hash, const char *fp, bool dtls_server)
{
	int rc = sfu_ice_set_remote_credentials(p->ice, ufrag, pwd);

	if (rc)
		return rc;
	if (p->dtls)
		return dtls_server == p->dtls_server ? 0 : -ENOTSUP;
	p->dtls = sfu_dtls_new(p->dtls_ctx, dtls_server, fp_hash, fp, &dtls_ops, p);
	if (!p->dtls)
		return -EINVAL;
	p->dtls_server = dtls_server;
	p->state = SFU_PEER_CONNECTING;
	if (dtls_server)
		sfu_dtls_start(p->dtls);
	if (p->connect_timeout_ms > 0)
		p->connect_timer = start_timer(p->connect_timeout_ms,
					       on_connect_timeout, p);
	return 0;
}

int sfu_peer_add_candidate(struct sfu_peer *p, const char *cand, size_t len)
{
	return sfu_ice_add_remote_candidate(p->ice, cand, len);
}

void sfu_peer_end_of_candidates(struct sfu_peer *p)
{
	sfu_ice_remote_done(p->ice);
}

static int protect(struct sfu_peer *p, uint8_t *pkt, size_t *len, bool rtcp)
{
	int rc;

	if (p->state != SFU_PEER_CONNECTED)
		return -ENOTCONN;
	rc = rtcp ? sfu_srtp_protect_rtcp(p->srtp, pkt, len)
		  : sfu_srtp_protect(p->srtp, pkt, len);
	if (rc)
		p->n.send_errors++;
	return rc;
}

int sfu_peer_transmit(struct sfu_peer *p, const uint8_t *pkt, size_t len)
{
	int rc = sfu_ice_send(p->ice, pkt, len);

	if (rc) {
		p->n.send_errors++;
		return rc;
	}
	p->n.tx_packets++;
	p->n.tx_bytes += len;
	return 0;
}

int sfu_peer_protect_rtp(struct sfu_peer *p, uint8_t *pkt, size_t *len)
{
	return protect(p, pkt, len, false);
}

int sfu_peer_send_rtp(struct sfu_peer *p, uint8_t *pkt, size_t len)
{
	int rc = protect(p, pkt, &len, false);

	return rc ? rc : sfu_peer_transmit(p, pkt, len);
}

int sfu_peer_send_rtcp(struct sfu_peer *p, uint8_t *pkt, size_t len)
{
	int rc = protect(p, pkt, &len, true);

	return rc ? rc : sfu_peer_transmit(p, pkt, len);
}

int sfu_peer_send_data(struct sfu_peer *p, const uint8_t *data, size_t len)
{
	return p->dtls ? sfu_dtls_send(p->dtls, data, len) : -ENOTCONN;
}

enum sfu_peer_state sfu_peer_state(const struct sfu_peer *p)
{
	return p->state;
}

const struct sfu_ice *sfu_peer_ice(const struct sfu_peer *p)
{
	return p->ice;
}

enum sfu_dtls_state sfu_peer_dtls_state(const struct sfu_peer *p)
{
	return p->dtls ? sfu_dtls_state(p->dtls) : SFU_DTLS_NEW;
}

enum sfu_srtp_profile sfu_peer_srtp_profile(const struct sfu_peer *p)
{
	return p->profile;
}

const struct sfu_peer_counters *sfu_peer_counters(const struct sfu_peer *p)
{
	return &p->n;
}

bool sfu_peer_dtls_server(const struct sfu_peer *p)
{
	return p->dtls_server;
}
