/*
 * media_dc.c - a media session's data channels: the SCTP association
 * over its DTLS transport, started once DTLS is up and a DATA section is
 * negotiated (whichever comes last), and the one channel the contract
 * defines, "chat" (PROTOCOL.md); other channels are accepted and
 * ignored.
 */
#define SFU_LOG_MODULE "media"
#include <string.h>

#include "log.h"
#include "media-t.h"
#include "media.h"
#include "sctp.h"

static void sctp_send(void *arg, const uint8_t *data, size_t len)
{
	struct sfu_media *m = arg;

	sfu_peer_send_data(m->peer, data, len);
}

static void sctp_open(void *arg, uint16_t sid, const char *label,
		      const char *protocol)
{
	struct sfu_media *m = arg;

	/* The contract's one channel; others are accepted and ignored. */
	if (strcmp(label, "chat") == 0 && m->chat_sid < 0)
		m->chat_sid = sid;
}

static void sctp_message(void *arg, uint16_t sid, bool binary,
			 const uint8_t *data, size_t len)
{
	struct sfu_media *m = arg;

	m->dc_in++;
	if ((int)sid == m->chat_sid && m->ops->chat)
		m->ops->chat(m->owner, binary, data, len);
}

static void sctp_closed(void *arg, uint16_t sid)
{
	struct sfu_media *m = arg;

	if ((int)sid == m->chat_sid)
		m->chat_sid = -1;
}

static void sctp_lost(void *arg)
{
	struct sfu_media *m = arg;

	log_debug("SCTP association ended");
	m->chat_sid = -1;
}

static const struct sfu_sctp_ops sctp_ops = {
	.send = sctp_send,
	.open = sctp_open,
	.message = sctp_message,
	.closed = sctp_closed,
	.lost = sctp_lost,
};

void sfu__media_start_sctp(struct sfu_media *m)
{
	struct sfu_sctp_opts o = { 0 };
	const struct sfu_msec *data = NULL;

	if (m->sctp || sfu_peer_state(m->peer) != SFU_PEER_CONNECTED)
		return;
	for (size_t i = 0; i < m->nego.n && !data; i++)
		if (m->nego.sec[i].role == SFU_MSEC_DATA)
			data = &m->nego.sec[i];
	if (!data)
		return;
	o.local_port = 5000;
	o.remote_port = data->sctp_port;
	o.dtls_server = sfu_peer_dtls_server(m->peer);
	o.max_message_size = data->max_message_size;
	m->sctp = sfu_sctp_new(&o, &sctp_ops, m);
	if (!m->sctp)
		log_warn("cannot start the SCTP association");
}

void sfu__media_on_data(void *arg, const uint8_t *data, size_t len)
{
	struct sfu_media *m = arg;

	if (m->sctp)
		sfu_sctp_input(m->sctp, data, len);
}

int sfu_media_send_chat(struct sfu_media *m, const char *text, size_t len)
{
	int rc = m->sctp && m->chat_sid >= 0
			 ? sfu_sctp_send(m->sctp, (uint16_t)m->chat_sid, false,
					 (const uint8_t *)text, len)
			 : -ENOTCONN;

	if (rc == 0)
		m->dc_out++;
	else
		m->dc_dropped++;
	return rc;
}

void sfu_media_chat_refused(struct sfu_media *m)
{
	m->dc_dropped++;
}
