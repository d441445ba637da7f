/*
 * rtp.h - RTP packets (RFC 3550) as an SFU sees them: a parsed view into
 * the caller's bytes, header extensions (RFC 8285), the per-subscriber
 * rewrite that builds an outgoing copy, RTX (RFC 4588) and 16-bit
 * sequence arithmetic.
 *
 * Pure: no I/O, no allocation, no library headers. A view never outlives
 * the bytes it was parsed from; offsets in it are from the packet start.
 */
#ifndef SFU_RTP_H
#define SFU_RTP_H

#include "common.h"

#define SFU_RTP_HDR_LEN 12
#define SFU_RTP_EXT_ONE_BYTE 0xBEDE      /* RFC 8285 4.2 profile */
#define SFU_RTP_EXT_TWO_BYTE 0x1000      /* RFC 8285 4.3, low 4 bits free */
#define SFU_RTP_EXT_TWO_BYTE_MASK 0xFFF0

/* Big-endian loads and stores; callers check bounds first. */
static inline uint16_t sfu_get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t sfu_get_be24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static inline uint32_t sfu_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void sfu_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void sfu_put_be24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

static inline void sfu_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A parsed RTP packet: header fields plus where each part lies. */
struct sfu_rtp {
	uint8_t version;      /* always 2 after a successful parse */
	bool padding;         /* P bit */
	bool extension;       /* X bit */
	bool marker;          /* M bit */
	uint8_t cc;           /* CSRC count */
	uint8_t pt;           /* payload type, 0..127 */
	uint16_t seq;
	uint32_t ts;
	uint32_t ssrc;
	uint16_t ext_profile; /* "defined by profile" word; 0 without X */
	size_t ext_off;       /* extension data after its 4-byte header */
	size_t ext_len;       /* in bytes, a multiple of 4; 0 without X */
	size_t header_len;    /* 12 + CSRCs + extension block */
	size_t payload_off;   /* == header_len */
	size_t payload_len;   /* excludes padding */
	uint8_t padding_len;  /* trailing padding incl. its count byte */
};

/*
 * Parse the RTP packet p (len bytes) into *out. Returns 0, or -EINVAL for
 * a version other than 2, a header, CSRC list or extension block longer
 * than the packet, or a padding count of 0 or beyond the payload. Only
 * bytes inside [p, p+len) are read; on error *out is unspecified.
 */
int sfu_rtp_parse(const uint8_t *p, size_t len, struct sfu_rtp *out);

/* Walks the elements of one extension block (one-byte or two-byte). */
struct sfu_rtp_ext_iter {
	const uint8_t *p;     /* extension data */
	size_t len, off;
	bool two_byte;
};

/*
 * Start iterating the extension elements of pkt (parsed into r). Returns
 * 0, or -ENOENT when the packet has no extension block of the RFC 8285
 * profiles (the iterator then yields nothing).
 */
int sfu_rtp_ext_iter_init(struct sfu_rtp_ext_iter *it, const uint8_t *pkt,
			  const struct sfu_rtp *r);

/*
 * Next element: stores its id (1..14 one-byte, 1..255 two-byte), value
 * and value length (1..16 one-byte, 0..255 two-byte) and returns 1; 0 at
 * the end. Padding bytes (0) are skipped; a one-byte id 15 ends the walk,
 * as does an element whose value runs past the block (no error: what was
 * already returned stays valid).
 */
int sfu_rtp_ext_next(struct sfu_rtp_ext_iter *it, uint8_t *id,
		     const uint8_t **val, size_t *len);

/*
 * Find extension element id in pkt (parsed into r). Returns 0 and sets
 * *val / *len (a view into pkt), or -ENOENT. The first match wins.
 */
int sfu_rtp_ext_find(const uint8_t *pkt, const struct sfu_rtp *r, uint8_t id,
		     const uint8_t **val, size_t *len);

/* What one subscriber's copy of a packet gets instead of the original. */
struct sfu_rtp_rewrite {
	uint32_t ssrc;
	uint8_t pt;
	uint16_t seq;
	uint32_t ts;
	const uint8_t *ext_map; /* 256 entries: incoming ext id -> outgoing
				   id, 0 = drop; NULL = drop all extensions */
	bool one_byte_ok;       /* outgoing may use one-byte form when every
				   mapped id <= 14 and every value is 1..16
				   bytes */
	uint8_t twcc_id;        /* outgoing transport-cc ext id (0 = none) */
	uint16_t twcc_seq;      /* its value */
};

/*
 * Build in out (cap bytes) the packet in (parsed into r) as rw says: new
 * SSRC, PT, seq and timestamp; extension elements renumbered through
 * ext_map (unmapped ones dropped, as is any incoming element mapped onto
 * twcc_id, and any block of another profile) plus transport-cc when
 * twcc_id != 0; one-byte form when allowed and possible, else two-byte;
 * no block (X clear) when nothing remains. Marker, CSRCs, payload and
 * padding are kept. in and out must not overlap. Returns the length
 * written, -ENOSPC when cap is too small, or -EINVAL when r does not
 * describe a valid packet layout or the new extension block would not
 * fit its 16-bit length.
 */
int sfu_rtp_rewrite(const uint8_t *in, const struct sfu_rtp *r,
		    const struct sfu_rtp_rewrite *rw, uint8_t *out, size_t cap);

/*
 * Build in out an RTX packet (RFC 4588) carrying in: the header as
 * sfu_rtp_rewrite() makes it from rw (RTX SSRC, PT, seq, ts; extensions
 * mapped), payload = osn (the original sequence number, big-endian) then
 * the original payload. The original padding is not carried (P clear).
 * Returns the length written, -ENOSPC or -EINVAL.
 */
int sfu_rtx_wrap(const uint8_t *in, const struct sfu_rtp *r,
		 const struct sfu_rtp_rewrite *rw, uint16_t osn, uint8_t *out,
		 size_t cap);

/*
 * Unwrap the RTX packet pkt (parsed into r): stores the original sequence
 * number in *osn and, in *orig, a copy of r whose seq is osn and whose
 * payload is the original one (so sfu_rtp_rewrite(pkt, orig, ...)
 * rebuilds the original packet). Returns 0, or -EINVAL when the payload
 * is shorter than 2 bytes.
 */
int sfu_rtx_unwrap(const uint8_t *pkt, const struct sfu_rtp *r, uint16_t *osn,
		   struct sfu_rtp *orig);

/* In-place header patches of a packet of at least 12 bytes. */
static inline void sfu_rtp_set_seq(uint8_t *p, uint16_t seq)
{
	sfu_put_be16(p + 2, seq);
}

static inline void sfu_rtp_set_ts(uint8_t *p, uint32_t ts)
{
	sfu_put_be32(p + 4, ts);
}

static inline void sfu_rtp_set_ssrc(uint8_t *p, uint32_t ssrc)
{
	sfu_put_be32(p + 8, ssrc);
}

/* Keeps the marker bit. */
static inline void sfu_rtp_set_pt(uint8_t *p, uint8_t pt)
{
	p[1] = (uint8_t)((p[1] & 0x80) | (pt & 0x7f));
}

static inline void sfu_rtp_set_marker(uint8_t *p, bool m)
{
	p[1] = (uint8_t)((p[1] & 0x7f) | (m ? 0x80 : 0));
}

/*
 * True when a is newer than b in 16-bit wrap-around order (a - b in
 * 1..32767). At exactly half the space apart the larger value is newer,
 * so exactly one of (a, b) and (b, a) is true whenever a != b.
 */
static inline bool sfu_seq_newer(uint16_t a, uint16_t b)
{
	uint16_t d = (uint16_t)(a - b);

	if (d == 0x8000)
		return a > b;
	return d != 0 && d < 0x8000;
}

/* Unwraps 16-bit sequence numbers into a 64-bit monotonic space. */
struct sfu_seq_ext {
	int64_t highest; /* extended value of the newest seq seen */
	bool started;
};

/*
 * Extend seq relative to the newest value seen so far and return it. The
 * first call returns seq itself; a packet older than that may come out
 * negative. Advances the state only when seq is newer.
 */
int64_t sfu_seq_ext_update(struct sfu_seq_ext *s, uint16_t seq);

#endif
