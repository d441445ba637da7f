/*
 * fuzz-dcep.c - libFuzzer target for src/dcep.c and the data channel
 * receive path of src/sctp_channel.c.
 *
 * 1. The input is parsed as one DCEP message. When it parses, writing it
 *    back must give the input again (but for the reliability field of
 *    reliable channels, which the parser reports as 0), into a buffer of
 *    exactly the reported size, and one byte less must be -ENOSPC. The
 *    classification helpers are held against their definitions for the
 *    first bytes and a PPID taken from the input.
 *
 * 2. The input is also cut into records [sid:2][kind:1][flags:1][len:2]
 *    [bytes] fed to a fake association as received SCTP pieces (kind
 *    picks the PPID: DCEP, the six data PPIDs, or a stray one; flags
 *    carry end-of-record) or as API calls (send, open, close, peer
 *    reset, reset done, partial delivery abort). sctp_channel.c is
 *    linked against the stand-ins below for the usrsctp glue of sctp.c
 *    (a link seam: sctp.o is not pulled in). Every delivered message
 *    must fit max_receive, arrive on an open channel, and empty PPIDs
 *    must give empty messages; channels never exceed max_channels.
 */
#include "dcep.h"
#include "sctp-int.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RECEIVE 4096
#define MAX_CHANNELS 8

static uint32_t fake_flags; /* from the input: how the glue answers */

void sfu__sctp_hold(struct sfu_sctp *s)
{
	s->refs++;
}

void sfu__sctp_unref(struct sfu_sctp *s)
{
	s->refs--;
}

bool sfu__sctp_begin(struct sfu_sctp *s)
{
	bool was = s->dispatching;

	s->dispatching = true;
	return was;
}

void sfu__sctp_end(struct sfu_sctp *s, bool was)
{
	s->dispatching = was;
}

int sfu__sctp_sendv(struct sfu_sctp *s, uint16_t sid, uint32_t ppid,
		    bool unordered, enum sfu__sctp_pr pr, uint32_t pr_value,
		    const uint8_t *data, size_t len)
{
	(void)unordered, (void)pr, (void)pr_value, (void)data;
	if (sid >= SFU_SCTP_STREAMS || len == 0 || !s->ch[sid] ||
	    (ppid != SFU_PPID_DCEP && len > s->o.max_message_size + 1))
		abort();
	fake_flags = fake_flags >> 1 | fake_flags << 31;
	return (fake_flags & 3) == 0 ? -EAGAIN : 0;
}

int sfu__sctp_reset_streams(struct sfu_sctp *s, const uint16_t *list,
			    size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] >= SFU_SCTP_STREAMS ||
		    s->rs[list[i]] != SFU__RS_WANT)
			abort();
	return (fake_flags & 4) ? -EALREADY : 0;
}

static struct sfu_sctp *current;

static void on_send(void *arg, const uint8_t *d, size_t len)
{
	(void)arg, (void)d, (void)len;
}

static void on_open(void *arg, uint16_t sid, const char *label,
		    const char *protocol)
{
	(void)arg;
	if (!current->ch[sid] || strlen(label) > SFU_SCTP_LABEL_MAX ||
	    strlen(protocol) > SFU_SCTP_LABEL_MAX)
		abort();
}

static void on_message(void *arg, uint16_t sid, bool binary,
		       const uint8_t *d, size_t len)
{
	(void)arg, (void)binary;
	if (!current->ch[sid] || len > MAX_RECEIVE || (len && !d))
		abort();
	for (size_t i = 0; i < len; i++) /* readable, for the sanitizer */
		fake_flags += d[i];
}

static void on_closed(void *arg, uint16_t sid)
{
	(void)arg;
	if (current->ch[sid])
		abort();
}

static void on_lost(void *arg)
{
	(void)arg;
}

static const struct sfu_sctp_ops ops = {
	.send = on_send, .open = on_open, .message = on_message,
	.closed = on_closed, .lost = on_lost,
};

static void check_roundtrip(const uint8_t *data, size_t size,
			    const struct sfu_dcep_msg *m)
{
	static uint8_t out[SFU_DCEP_OPEN_MAX];
	size_t n;

	if (m->type == SFU_DCEP_ACK) {
		if (size != 1 || sfu_dcep_write_ack(out, 1) != 1 ||
		    out[0] != data[0])
			abort();
		return;
	}
	n = sfu_dcep_open_size(&m->open);
	if (n != size || sfu_dcep_write_open(&m->open, out, n) != (int)n ||
	    sfu_dcep_write_open(&m->open, out, n - 1) != -ENOSPC)
		abort();
	if ((m->open.channel_type & 0x7f) == SFU_DCEP_RELIABLE) {
		if (m->open.reliability != 0 || memcmp(out, data, 4) != 0 ||
		    memcmp(out + 8, data + 8, n - 8) != 0)
			abort();
	} else if (memcmp(out, data, n) != 0) {
		abort();
	}
}

static void check_helpers(const uint8_t *data, size_t size)
{
	bool b, e, p;
	uint32_t ppid = size >= 4 ? (uint32_t)data[0] << 24 | data[1] << 16 |
					    data[2] << 8 | data[3]
				  : size;

	for (size_t i = 0; i < size && i < 4; i++) {
		uint8_t t = data[i];
		bool valid = (t & 0x7f) <= 2;

		if (sfu_dcep_channel_valid(t) != valid ||
		    sfu_dcep_ordered(t) != !(t & 0x80) ||
		    (strcmp(sfu_dcep_channel_name(t), "unknown") != 0) != valid)
			abort();
	}
	if (sfu_dcep_ppid_info(ppid, &b, &e, &p) == 0 &&
	    (ppid < 51 || ppid > 57 || ppid == 55 ||
	     (e && sfu_dcep_ppid(b, 0) != ppid)))
		abort();
}

static uint32_t kind_ppid(uint8_t k)
{
	static const uint32_t ppids[] = { 50, 51, 52, 53, 54, 56, 57, 0 };

	return k < 16 ? ppids[k & 7] : k;
}

static void api_call(struct sfu_sctp *s, uint16_t sid, uint8_t kind,
		     const uint8_t *p, size_t len)
{
	uint16_t list[2] = { sid, (uint16_t)(sid ^ 1) };

	switch (kind) {
	case 16:
		sfu_sctp_send(s, sid, len & 1, p, len);
		break;
	case 17:
		sfu_sctp_open_channel(s, "x", "", len & 1,
				      (int)(len % 3) - 1);
		break;
	case 18:
		sfu_sctp_close_channel(s, sid);
		break;
	case 19:
		sfu__sctp_peer_reset(s, sid);
		break;
	case 20:
		sfu__sctp_reset_done(s, list, 2);
		break;
	case 21:
		sfu__sctp_reasm_abort(s, sid);
		break;
	case 22:
		sfu__sctp_drain(s);
		break;
	}
}

static void channel_records(const uint8_t *data, size_t size)
{
	struct sfu_sctp *s = calloc(1, sizeof(*s));

	current = s;
	s->o = (struct sfu_sctp_opts){ .dtls_server = size & 1,
				       .max_message_size = MAX_RECEIVE,
				       .max_receive = MAX_RECEIVE,
				       .send_buffer = 256,
				       .max_channels = MAX_CHANNELS };
	s->ops = &ops;
	s->up = true;
	s->n_out = s->n_in = SFU_SCTP_STREAMS;
	s->ch = calloc(SFU_SCTP_STREAMS, sizeof(*s->ch));
	while (size >= 6) {
		uint16_t sid = (uint16_t)((data[0] << 8 | data[1]) % 40);
		uint8_t kind = data[2], flags = data[3];
		size_t len = SFU_MIN((size_t)(data[4] << 8 | data[5]),
				     size - 6);
		const uint8_t *p = data + 6;

		fake_flags ^= flags;
		if (kind < 16 || kind > 22)
			sfu__sctp_data(s, sid, kind_ppid(kind), flags & 1, p,
				       len);
		else
			api_call(s, sid, kind, p, len);
		if (s->n_channels > MAX_CHANNELS)
			abort();
		data += 6 + len;
		size -= 6 + len;
	}
	sfu__sctp_lost(s, "end");
	sfu__sctp_channels_free(s);
	if (s->queued != 0 || s->n_channels != 0)
		abort();
	free(s->r.buf);
	free(s->ch);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sfu_dcep_msg m;

	fake_flags = 0;
	check_helpers(data, size);
	if (sfu_dcep_parse(data, size, &m) == 0)
		check_roundtrip(data, size, &m);
	else if (m.type != 0 || m.open.label_len != 0)
		abort();
	channel_records(data, size);
	return 0;
}
