/*
 * dcep.h - the Data Channel Establishment Protocol (RFC 8832) and the
 * WebRTC data channel payload protocol identifiers (RFC 8831 8).
 *
 * DCEP has two messages, both sent on the channel's own SCTP stream with
 * PPID 50: DATA_CHANNEL_OPEN (type 0x03) names the channel and its
 * reliability, DATA_CHANNEL_ACK (type 0x02) accepts it.
 *
 *   OPEN:  type(1)=3  channel type(1)  priority(2)  reliability(4)
 *          label length(2)  protocol length(2)  label  protocol
 *   ACK:   type(1)=2
 *
 * Pure: no I/O, no allocation, no library headers. A parsed OPEN points
 * into the caller's bytes and never outlives them.
 */
#ifndef SFU_DCEP_H
#define SFU_DCEP_H

#include "common.h"

/* SCTP payload protocol identifiers (host order). */
enum sfu_ppid {
	SFU_PPID_DCEP = 50,
	SFU_PPID_STRING = 51,
	SFU_PPID_BINARY_PARTIAL = 52, /* deprecated */
	SFU_PPID_BINARY = 53,
	SFU_PPID_STRING_PARTIAL = 54, /* deprecated */
	SFU_PPID_STRING_EMPTY = 56,
	SFU_PPID_BINARY_EMPTY = 57,
};

enum sfu_dcep_type {
	SFU_DCEP_ACK = 0x02,
	SFU_DCEP_OPEN = 0x03,
};

/* Channel types; the high bit means unordered delivery. */
#define SFU_DCEP_UNORDERED 0x80
enum sfu_dcep_channel {
	SFU_DCEP_RELIABLE = 0x00,
	SFU_DCEP_REXMIT = 0x01, /* partial reliability: retransmissions */
	SFU_DCEP_TIMED = 0x02,  /* partial reliability: lifetime in ms */
	SFU_DCEP_RELIABLE_UNORDERED = 0x80,
	SFU_DCEP_REXMIT_UNORDERED = 0x81,
	SFU_DCEP_TIMED_UNORDERED = 0x82,
};

#define SFU_DCEP_OPEN_HDR 12      /* fixed part of DATA_CHANNEL_OPEN */
#define SFU_DCEP_STR_MAX 0xffff   /* label and protocol length fields */
#define SFU_DCEP_OPEN_MAX (SFU_DCEP_OPEN_HDR + 2 * SFU_DCEP_STR_MAX)

/* A DATA_CHANNEL_OPEN. label and protocol are not NUL-terminated (and
 * may be NULL when their length is 0). */
struct sfu_dcep_open {
	uint8_t channel_type;  /* enum sfu_dcep_channel */
	uint16_t priority;
	uint32_t reliability;  /* retransmissions or ms; 0 when reliable */
	const uint8_t *label;
	size_t label_len;
	const uint8_t *protocol;
	size_t protocol_len;
};

/* A parsed DCEP message: type, and for OPEN its fields. */
struct sfu_dcep_msg {
	enum sfu_dcep_type type;
	struct sfu_dcep_open open; /* zeroed for ACK */
};

/*
 * Parse the DCEP message p (len bytes, p may be NULL when len is 0).
 * OPEN must be exactly as long as its two length fields say and carry a
 * known channel type; ACK must be the single type byte. For reliable
 * channel types the reliability field is ignored (reported as 0), as the
 * RFC asks of receivers. Returns 0, or -EINVAL for anything else (empty,
 * unknown type, truncated, trailing bytes, unknown channel type).
 */
int sfu_dcep_parse(const uint8_t *p, size_t len, struct sfu_dcep_msg *m);

/* The encoded size of o (without validating it). */
size_t sfu_dcep_open_size(const struct sfu_dcep_open *o);

/*
 * Write o as DATA_CHANNEL_OPEN into out (cap bytes). Returns the length
 * written, -EINVAL for an unknown channel type, a label or protocol
 * longer than SFU_DCEP_STR_MAX (or NULL with a nonzero length), or a
 * nonzero reliability on a reliable type, -ENOSPC when cap is too small.
 */
int sfu_dcep_write_open(const struct sfu_dcep_open *o, uint8_t *out,
			size_t cap);

/* Write DATA_CHANNEL_ACK (1 byte). Returns 1 or -ENOSPC. */
int sfu_dcep_write_ack(uint8_t *out, size_t cap);

/* Whether t is one of the six channel types. */
bool sfu_dcep_channel_valid(uint8_t t);
/* Whether channel type t delivers in order. */
bool sfu_dcep_ordered(uint8_t t);
/* A static name for t ("reliable", "rexmit-unordered", ... "unknown"). */
const char *sfu_dcep_channel_name(uint8_t t);

/*
 * The PPID for a message of len bytes: 51/53, or 56/57 when empty (an
 * empty message travels as one zero byte under those, RFC 8831 6.6).
 */
uint32_t sfu_dcep_ppid(bool binary, size_t len);

/*
 * Classify a received PPID. For the six data PPIDs returns 0 and sets
 * *binary, *empty (56, 57: the payload byte is to be ignored) and
 * *partial (52, 54: a deprecated non-final fragment; the message ends
 * with a 51 or 53 on the same stream). Any other PPID (including DCEP's
 * 50) returns -EINVAL and leaves the outputs alone.
 */
int sfu_dcep_ppid_info(uint32_t ppid, bool *binary, bool *empty,
		       bool *partial);

#endif
