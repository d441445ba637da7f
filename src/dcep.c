/*
 * dcep.c - DATA_CHANNEL_OPEN / DATA_CHANNEL_ACK (RFC 8832) and the
 * WebRTC PPIDs (RFC 8831). Pure: parses into views of the caller's
 * bytes and writes into the caller's buffer; every length field is
 * checked against what is really there before anything is read.
 */
#include "dcep.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

bool sfu_dcep_channel_valid(uint8_t t)
{
	return (t & ~SFU_DCEP_UNORDERED) <= SFU_DCEP_TIMED;
}

bool sfu_dcep_ordered(uint8_t t)
{
	return (t & SFU_DCEP_UNORDERED) == 0;
}

const char *sfu_dcep_channel_name(uint8_t t)
{
	static const char *const names[] = {
		"reliable", "rexmit", "timed",
		"reliable-unordered", "rexmit-unordered", "timed-unordered",
	};

	if (!sfu_dcep_channel_valid(t))
		return "unknown";
	return names[(t & 3) + (sfu_dcep_ordered(t) ? 0 : 3)];
}

/* Reliable channels carry no reliability parameter. */
static bool is_reliable(uint8_t t)
{
	return (t & ~SFU_DCEP_UNORDERED) == SFU_DCEP_RELIABLE;
}

static int parse_open(const uint8_t *p, size_t len, struct sfu_dcep_open *o)
{
	size_t ll, pl;

	if (len < SFU_DCEP_OPEN_HDR)
		return -EINVAL;
	o->channel_type = p[1];
	if (!sfu_dcep_channel_valid(o->channel_type))
		return -EINVAL;
	o->priority = get16(p + 2);
	o->reliability = is_reliable(p[1]) ? 0 : get32(p + 4);
	ll = get16(p + 8);
	pl = get16(p + 10);
	if (len - SFU_DCEP_OPEN_HDR != ll + pl)
		return -EINVAL; /* truncated, or trailing bytes */
	o->label_len = ll;
	o->label = ll ? p + SFU_DCEP_OPEN_HDR : NULL;
	o->protocol_len = pl;
	o->protocol = pl ? p + SFU_DCEP_OPEN_HDR + ll : NULL;
	return 0;
}

int sfu_dcep_parse(const uint8_t *p, size_t len, struct sfu_dcep_msg *m)
{
	memset(m, 0, sizeof(*m));
	if (!p || len == 0)
		return -EINVAL;
	switch (p[0]) {
	case SFU_DCEP_ACK:
		if (len != 1)
			return -EINVAL;
		m->type = SFU_DCEP_ACK;
		return 0;
	case SFU_DCEP_OPEN:
		m->type = SFU_DCEP_OPEN;
		if (parse_open(p, len, &m->open) == 0)
			return 0;
		memset(m, 0, sizeof(*m));
		return -EINVAL;
	default:
		return -EINVAL;
	}
}

size_t sfu_dcep_open_size(const struct sfu_dcep_open *o)
{
	return SFU_DCEP_OPEN_HDR + o->label_len + o->protocol_len;
}

static bool open_valid(const struct sfu_dcep_open *o)
{
	if (!sfu_dcep_channel_valid(o->channel_type))
		return false;
	if (is_reliable(o->channel_type) && o->reliability != 0)
		return false;
	if (o->label_len > SFU_DCEP_STR_MAX ||
	    o->protocol_len > SFU_DCEP_STR_MAX)
		return false;
	return (o->label || !o->label_len) &&
	       (o->protocol || !o->protocol_len);
}

int sfu_dcep_write_open(const struct sfu_dcep_open *o, uint8_t *out,
			size_t cap)
{
	size_t n;

	if (!open_valid(o))
		return -EINVAL;
	n = sfu_dcep_open_size(o);
	if (!out || cap < n)
		return -ENOSPC;
	out[0] = SFU_DCEP_OPEN;
	out[1] = o->channel_type;
	put16(out + 2, o->priority);
	put32(out + 4, o->reliability);
	put16(out + 8, (uint16_t)o->label_len);
	put16(out + 10, (uint16_t)o->protocol_len);
	if (o->label_len)
		memcpy(out + SFU_DCEP_OPEN_HDR, o->label, o->label_len);
	if (o->protocol_len)
		memcpy(out + SFU_DCEP_OPEN_HDR + o->label_len, o->protocol,
		       o->protocol_len);
	return (int)n;
}

int sfu_dcep_write_ack(uint8_t *out, size_t cap)
{
	if (!out || cap < 1)
		return -ENOSPC;
	out[0] = SFU_DCEP_ACK;
	return 1;
}

uint32_t sfu_dcep_ppid(bool binary, size_t len)
{
	if (binary)
		return len ? SFU_PPID_BINARY : SFU_PPID_BINARY_EMPTY;
	return len ? SFU_PPID_STRING : SFU_PPID_STRING_EMPTY;
}

int sfu_dcep_ppid_info(uint32_t ppid, bool *binary, bool *empty,
		       bool *partial)
{
	switch (ppid) {
	case SFU_PPID_STRING:
	case SFU_PPID_BINARY:
	case SFU_PPID_STRING_EMPTY:
	case SFU_PPID_BINARY_EMPTY:
	case SFU_PPID_STRING_PARTIAL:
	case SFU_PPID_BINARY_PARTIAL:
		break;
	default:
		return -EINVAL;
	}
	*binary = ppid == SFU_PPID_BINARY || ppid == SFU_PPID_BINARY_EMPTY ||
		  ppid == SFU_PPID_BINARY_PARTIAL;
	*empty = ppid == SFU_PPID_STRING_EMPTY ||
		 ppid == SFU_PPID_BINARY_EMPTY;
	*partial = ppid == SFU_PPID_STRING_PARTIAL ||
		   ppid == SFU_PPID_BINARY_PARTIAL;
	return 0;
}
