/*
 * sctp_channel.c - data channels on an association (RFC 8831, DCEP RFC
 * 8832): the channel table, per-channel bounded send queues, message
 * reassembly, and closing by stream reset. Runs on the association's
 * owner thread only; reaches usrsctp through sctp.c (sctp-int.h).
 *
 * Channel states: ours, unacked (OPEN sent; data may already flow,
 * ordered) -> open (ACK or any data from the peer; ops->open) ->
 * closing (our outgoing stream reset requested) -> freed once the peer
 * has reset its outgoing stream too (ops->closed). A peer's channel is
 * open from its OPEN (we ACK at once).
 *
 * Stream ids: the DTLS client uses even ids, the server odd (RFC 8832
 * 6) for the channels it opens. Some peers pick by another rule (aiortc
 * by its ICE role), so a peer's OPEN is taken on any free stream; ours
 * keep to our parity and skip streams in use. An OPEN on a stream in
 * use, past max_channels, or with a label or protocol over
 * SFU_SCTP_LABEL_MAX is refused by resetting the stream.
 *
 * Reassembly: usrsctp delivers a large message in pieces (partial
 * delivery) and the deprecated PPIDs 52/54 split one message into
 * several; both are joined in one buffer per association, bounded by
 * max_receive. Plain SCTP DATA never interleaves two messages' pieces,
 * so a second partial message on another stream is only possible from a
 * broken peer: the first is then dropped.
 */
#define SFU_LOG_MODULE "sctp"
#include "sctp-int.h"

#include <stdlib.h>

#include "dcep.h"
#include "log.h"

typedef struct sfu__sctp_channel channel_t;

static channel_t *channel_get(struct sfu_sctp *s, uint16_t sid)
{
	return sid < SFU_SCTP_STREAMS ? s->ch[sid] : NULL;
}

static channel_t *channel_new(struct sfu_sctp *s, uint16_t sid,
			      const struct sfu_dcep_open *o, bool ours)
{
	channel_t *ch = sfu_xcalloc(1, sizeof(*ch));

	ch->sid = sid;
	ch->type = o->channel_type;
	ch->reliability = o->reliability;
	ch->ours = ours;
	ch->acked = !ours;
	ch->label = sfu_xstrndup(o->label ? (const char *)o->label : "",
				 o->label_len);
	ch->protocol = sfu_xstrndup(
		o->protocol ? (const char *)o->protocol : "", o->protocol_len);
	ch->q_tail = &ch->q_head;
	s->ch[sid] = ch;
	s->n_channels++;
	return ch;
}

static void queue_clear(struct sfu_sctp *s, channel_t *ch)
{
	struct sfu__sctp_msg *m;

	while ((m = ch->q_head)) {
		ch->q_head = m->next;
		s->queued--;
		free(m);
	}
	ch->q_tail = &ch->q_head;
	ch->q_bytes = 0;
}

static void channel_free(struct sfu_sctp *s, channel_t *ch)
{
	queue_clear(s, ch);
	s->ch[ch->sid] = NULL;
	s->n_channels--;
	free(ch->label);
	free(ch->protocol);
	free(ch);
}

void sfu__sctp_channels_free(struct sfu_sctp *s)
{
	for (unsigned i = 0; i < SFU_SCTP_STREAMS; i++)
		if (s->ch[i])
			channel_free(s, s->ch[i]);
}

static void queue_push(struct sfu_sctp *s, channel_t *ch, uint32_t ppid,
		       const uint8_t *data, size_t len)
{
	struct sfu__sctp_msg *m = sfu_xmalloc(sizeof(*m) + len);

	m->next = NULL;
	m->ppid = ppid;
	m->len = len;
	memcpy(m->data, data, len);
	*ch->q_tail = m;
	ch->q_tail = &m->next;
	ch->q_bytes += len;
	s->queued++;
}

/* One message to usrsctp with ch's delivery. DCEP is reliable and
 * ordered; so is data until the ACK (RFC 8832 6). */
static int send_msg(struct sfu_sctp *s, channel_t *ch, uint32_t ppid,
		    const uint8_t *data, size_t len)
{
	uint8_t base = ch->type & ~SFU_DCEP_UNORDERED;
	bool dcep = ppid == SFU_PPID_DCEP;
	enum sfu__sctp_pr pr = SFU__PR_NONE;
	int rc;

	if (!dcep && base == SFU_DCEP_REXMIT)
		pr = SFU__PR_RTX;
	else if (!dcep && base == SFU_DCEP_TIMED)
		pr = SFU__PR_TTL;
	rc = sfu__sctp_sendv(s, ch->sid, ppid,
			     !dcep && ch->acked && !sfu_dcep_ordered(ch->type),
			     pr, ch->reliability, data, len);
	if (rc == 0 && !dcep) {
		s->c.messages_out++;
		if (ppid != SFU_PPID_STRING_EMPTY &&
		    ppid != SFU_PPID_BINARY_EMPTY)
			s->c.bytes_out += len;
	}
	return rc;
}

/* Move ch's queue into usrsctp while it has room. */
static int channel_flush(struct sfu_sctp *s, channel_t *ch)
{
	struct sfu__sctp_msg *m;
	int rc;

	while ((m = ch->q_head) && !s->dead) {
		rc = send_msg(s, ch, m->ppid, m->data, m->len);
		if (rc == -EAGAIN)
			return rc;
		if (rc < 0)
			s->c.dropped++;
		if (!(ch->q_head = m->next))
			ch->q_tail = &ch->q_head;
		ch->q_bytes -= m->len;
		s->queued--;
		free(m);
	}
	return 0;
}

/* Send space: drain the queues, channels taking turns. */
void sfu__sctp_drain(struct sfu_sctp *s)
{
	for (unsigned i = 0; i < SFU_SCTP_STREAMS && s->queued && !s->dead;
	     i++) {
		unsigned sid = (s->rr + i) % SFU_SCTP_STREAMS;

		if (s->ch[sid] && channel_flush(s, s->ch[sid]) == -EAGAIN) {
			s->rr = sid;
			return;
		}
	}
}

/* DCEP messages skip the bound: they are tiny and must not be lost. */
static void send_dcep(struct sfu_sctp *s, channel_t *ch, const uint8_t *p,
		      size_t len)
{
	queue_push(s, ch, SFU_PPID_DCEP, p, len);
	channel_flush(s, ch);
}

/* Ask for every stream marked SFU__RS_WANT. usrsctp takes one request
 * at a time: refused ones stay marked for the next reset event. */
static void request_resets(struct sfu_sctp *s)
{
	uint16_t list[SFU_SCTP_STREAMS];
	size_t n = 0;
	int rc;

	for (unsigned i = 0; i < SFU_SCTP_STREAMS; i++)
		if (s->rs[i] == SFU__RS_WANT)
			list[n++] = (uint16_t)i;
	if (!n || !s->up)
		return;
	rc = sfu__sctp_reset_streams(s, list, n);
	for (size_t i = 0; i < n; i++) {
		if (rc == 0)
			s->rs[list[i]] = SFU__RS_PENDING;
		else if (rc != -EALREADY && rc != -EBUSY && rc != -EAGAIN &&
			 rc != -EINPROGRESS)
			s->rs[list[i]] = 0;
	}
}

static void reset_stream(struct sfu_sctp *s, uint16_t sid)
{
	if (sid >= SFU_SCTP_STREAMS || s->rs[sid])
		return;
	s->rs[sid] = SFU__RS_WANT;
	request_resets(s);
}

void sfu__sctp_reset_done(struct sfu_sctp *s, const uint16_t *list,
			  size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] < SFU_SCTP_STREAMS &&
		    s->rs[list[i]] == SFU__RS_PENDING)
			s->rs[list[i]] = 0;
	request_resets(s);
}

static void reasm_reset(struct sfu_sctp *s)
{
	free(s->r.buf);
	memset(&s->r, 0, sizeof(s->r));
}

void sfu__sctp_reasm_abort(struct sfu_sctp *s, uint16_t sid)
{
	if (!s->r.active || s->r.sid != sid)
		return;
	s->c.rx_dropped++;
	reasm_reset(s);
}

void sfu__sctp_peer_reset(struct sfu_sctp *s, uint16_t sid)
{
	channel_t *ch = channel_get(s, sid);

	if (s->r.active && s->r.sid == sid)
		reasm_reset(s);
	if (!ch)
		return;
	if (!ch->closing) {
		ch->closing = true;
		reset_stream(s, sid);
	}
	channel_free(s, ch);
	if (!s->dead && s->ops->closed)
		s->ops->closed(s->arg, sid);
}

void sfu__sctp_lost(struct sfu_sctp *s, const char *why)
{
	if (s->lost)
		return;
	log_debug("association lost: %s", why);
	s->lost = true;
	s->up = false;
	for (unsigned i = 0; i < SFU_SCTP_STREAMS; i++)
		if (s->ch[i])
			queue_clear(s, s->ch[i]);
	if (!s->dead && s->ops->lost)
		s->ops->lost(s->arg);
}

/* ---- receiving ---- */

static void opened(struct sfu_sctp *s, channel_t *ch)
{
	ch->acked = true;
	if (!s->dead && s->ops->open)
		s->ops->open(s->arg, ch->sid, ch->label, ch->protocol);
}

static const char *refuse_why(struct sfu_sctp *s, uint16_t sid,
			      const struct sfu_dcep_open *o)
{
	if (sid >= s->n_in || s->rs[sid])
		return "stream not available";
	if (s->n_channels >= s->o.max_channels)
		return "too many channels";
	if (o->label_len > SFU_SCTP_LABEL_MAX ||
	    o->protocol_len > SFU_SCTP_LABEL_MAX)
		return "label or protocol too long";
	if ((o->label_len && memchr(o->label, 0, o->label_len)) ||
	    (o->protocol_len && memchr(o->protocol, 0, o->protocol_len)))
		return "NUL in label or protocol";
	return NULL;
}

static void on_open(struct sfu_sctp *s, uint16_t sid,
		    const struct sfu_dcep_open *o)
{
	const char *why = refuse_why(s, sid, o);
	uint8_t ack[1];
	channel_t *ch;

	if (s->ch[sid]) { /* a second OPEN on a live channel */
		s->c.rx_dropped++;
		return;
	}
	if (why) {
		log_debug("refusing channel %u: %s", sid, why);
		s->c.rx_dropped++;
		reset_stream(s, sid);
		return;
	}
	ch = channel_new(s, sid, o, false);
	sfu_dcep_write_ack(ack, sizeof(ack));
	send_dcep(s, ch, ack, sizeof(ack));
	log_debug("channel %u \"%s\" (%s) opened by the peer", sid, ch->label,
		  sfu_dcep_channel_name(ch->type));
	opened(s, ch);
}

static void on_dcep(struct sfu_sctp *s, uint16_t sid, const uint8_t *p,
		    size_t len)
{
	channel_t *ch = channel_get(s, sid);
	struct sfu_dcep_msg m;

	if (sid >= SFU_SCTP_STREAMS || sfu_dcep_parse(p, len, &m) < 0) {
		s->c.rx_dropped++;
		return;
	}
	if (m.type == SFU_DCEP_OPEN)
		on_open(s, sid, &m.open);
	else if (ch && ch->ours && !ch->acked)
		opened(s, ch);
	else if (!ch || !ch->ours)
		s->c.rx_dropped++; /* an ACK for nothing we opened */
}

/* A whole message. */
static void deliver(struct sfu_sctp *s, uint16_t sid, uint32_t ppid,
		    const uint8_t *p, size_t len)
{
	bool binary, empty, partial;
	channel_t *ch = channel_get(s, sid);

	if (ppid == SFU_PPID_DCEP) {
		on_dcep(s, sid, p, len);
		return;
	}
	if (sfu_dcep_ppid_info(ppid, &binary, &empty, &partial) < 0 || !ch ||
	    ch->closing) {
		s->c.rx_dropped++;
		return;
	}
	if (!ch->acked) /* data from the peer implies its ACK */
		opened(s, ch);
	if (empty)
		len = 0;
	s->c.messages_in++;
	s->c.bytes_in += len;
	if (!s->dead)
		s->ops->message(s->arg, sid, binary, p, len);
}

static void reasm_append(struct sfu_sctp *s, const uint8_t *p, size_t len)
{
	size_t need = s->r.len + len;

	if (s->r.discard)
		return;
	if (need > s->o.max_receive) {
		free(s->r.buf);
		s->r.buf = NULL;
		s->r.discard = true;
		return;
	}
	if (need > s->r.cap) {
		s->r.cap = SFU_MIN(SFU_MAX(need, 2 * s->r.cap),
				   s->o.max_receive);
		s->r.buf = sfu_xrealloc(s->r.buf, s->r.cap);
	}
	memcpy(s->r.buf + s->r.len, p, len);
	s->r.len = need;
}

void sfu__sctp_data(struct sfu_sctp *s, uint16_t sid, uint32_t ppid,
		    bool eor, const uint8_t *data, size_t len)
{
	bool end = eor && ppid != SFU_PPID_STRING_PARTIAL &&
		   ppid != SFU_PPID_BINARY_PARTIAL;
	uint8_t *buf;
	size_t n;

	if (s->r.active && s->r.sid != sid && !end) {
		s->c.rx_dropped++; /* interleaved pieces: drop the older */
		reasm_reset(s);
	}
	if (!s->r.active || s->r.sid != sid) {
		if (end && len > s->o.max_receive) {
			/* usrsctp hands a whole message in one piece when it
			 * fits its receive window, which can be larger than
			 * what we promised to accept */
			s->c.rx_dropped++;
			return;
		}
		if (end) {
			deliver(s, sid, ppid, data, len);
			return;
		}
		s->r.active = true;
		s->r.sid = sid;
	}
	reasm_append(s, data, len);
	if (!end)
		return;
	if (s->r.discard) {
		s->c.rx_dropped++;
		reasm_reset(s);
		return;
	}
	buf = s->r.buf, n = s->r.len;
	s->r.buf = NULL;
	reasm_reset(s);
	deliver(s, sid, ppid, buf, n);
	free(buf);
}

/* ---- the API ---- */

int sfu_sctp_send(struct sfu_sctp *s, uint16_t sid, bool binary,
		  const uint8_t *data, size_t len)
{
	static const uint8_t zero;
	channel_t *ch = channel_get(s, sid);
	uint32_t ppid = sfu_dcep_ppid(binary, len);
	int rc = -EAGAIN;
	bool was;

	if (!s->up || s->dead || !ch || ch->closing)
		return -ENOTCONN;
	if (len > s->o.max_message_size)
		return -EMSGSIZE;
	if (!len) /* empty: one ignored byte under PPID 56/57 */
		data = &zero, len = 1;
	was = sfu__sctp_begin(s);
	if (!ch->q_head)
		rc = send_msg(s, ch, ppid, data, len);
	if (rc == -EAGAIN) {
		/* An idle channel takes any message; a busy one up to
		 * send_buffer bytes in all. */
		if (ch->q_bytes && ch->q_bytes + len > s->o.send_buffer) {
			s->c.dropped++;
			rc = -ENOBUFS;
		} else {
			queue_push(s, ch, ppid, data, len);
			rc = 0;
		}
	}
	sfu__sctp_end(s, was);
	return rc;
}

static int pick_sid(struct sfu_sctp *s)
{
	for (unsigned sid = s->o.dtls_server ? 1 : 0; sid < s->n_out; sid += 2)
		if (!s->ch[sid] && !s->rs[sid])
			return (int)sid;
	return -EMFILE;
}

int sfu_sctp_open_channel(struct sfu_sctp *s, const char *label,
			  const char *protocol, bool ordered, int max_rexmit)
{
	struct sfu_dcep_open o = { 0 };
	uint8_t *buf;
	int sid, n;
	bool was;

	if (!s->up || s->dead)
		return -ENOTCONN;
	o.label = (const uint8_t *)(label ? label : "");
	o.protocol = (const uint8_t *)(protocol ? protocol : "");
	o.label_len = strlen((const char *)o.label);
	o.protocol_len = strlen((const char *)o.protocol);
	if (o.label_len > SFU_SCTP_LABEL_MAX ||
	    o.protocol_len > SFU_SCTP_LABEL_MAX)
		return -EINVAL;
	if (s->n_channels >= s->o.max_channels || (sid = pick_sid(s)) < 0)
		return -EMFILE;
	o.channel_type = max_rexmit < 0 ? SFU_DCEP_RELIABLE : SFU_DCEP_REXMIT;
	if (!ordered)
		o.channel_type |= SFU_DCEP_UNORDERED;
	o.reliability = max_rexmit < 0 ? 0 : (uint32_t)max_rexmit;
	buf = sfu_xmalloc(sfu_dcep_open_size(&o));
	n = sfu_dcep_write_open(&o, buf, sfu_dcep_open_size(&o));
	was = sfu__sctp_begin(s);
	send_dcep(s, channel_new(s, (uint16_t)sid, &o, true), buf, (size_t)n);
	sfu__sctp_end(s, was);
	free(buf);
	return sid;
}

void sfu_sctp_close_channel(struct sfu_sctp *s, uint16_t sid)
{
	channel_t *ch = channel_get(s, sid);
	bool was;

	if (!ch || ch->closing || s->dead)
		return;
	was = sfu__sctp_begin(s);
	ch->closing = true;
	queue_clear(s, ch);
	reset_stream(s, sid);
	sfu__sctp_end(s, was);
}
