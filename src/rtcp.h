/*
 * rtcp.h - RTCP (RFC 3550, 4585, 5104) as an SFU uses it: iteration over
 * a compound packet, parsers for the packets it acts on (SR, RR, NACK,
 * PLI, FIR, REMB, BYE), builders for those it sends, NTP time helpers and
 * in-place SSRC patches for feedback it relays.
 *
 * Pure: no I/O, no allocation, no library headers. Parsed views point
 * into the caller's bytes. Builders write into a caller buffer and return
 * the length written or -ENOSPC (nothing useful is left in the buffer).
 */
#ifndef SFU_RTCP_H
#define SFU_RTCP_H

#include "common.h"
#include "rtp.h"

enum {
	SFU_RTCP_SR = 200,
	SFU_RTCP_RR = 201,
	SFU_RTCP_SDES = 202,
	SFU_RTCP_BYE = 203,
	SFU_RTCP_APP = 204,
	SFU_RTCP_RTPFB = 205,
	SFU_RTCP_PSFB = 206,
	SFU_RTCP_XR = 207,
};

/* Feedback message types (the 5-bit count field of RTPFB / PSFB). */
enum {
	SFU_RTCP_FMT_NACK = 1,  /* RTPFB, RFC 4585 */
	SFU_RTCP_FMT_TWCC = 15, /* RTPFB, draft-holmer transport-cc */
	SFU_RTCP_FMT_PLI = 1,   /* PSFB, RFC 4585 */
	SFU_RTCP_FMT_FIR = 4,   /* PSFB, RFC 5104 */
	SFU_RTCP_FMT_AFB = 15,  /* PSFB application layer: REMB */
};

/* What a packet is, for dispatch. */
enum sfu_rtcp_kind {
	SFU_RTCP_KIND_SR,
	SFU_RTCP_KIND_RR,
	SFU_RTCP_KIND_SDES,
	SFU_RTCP_KIND_BYE,
	SFU_RTCP_KIND_APP,
	SFU_RTCP_KIND_NACK,
	SFU_RTCP_KIND_TWCC,
	SFU_RTCP_KIND_PLI,
	SFU_RTCP_KIND_FIR,
	SFU_RTCP_KIND_REMB,
	SFU_RTCP_KIND_XR,
	SFU_RTCP_KIND_OTHER, /* another type or feedback format */
};

#define SFU_RTCP_MAX_BLOCKS 31     /* report blocks per SR/RR */
#define SFU_RTCP_REMB_MAX_SSRCS 32 /* REMB SSRCs kept by the parser */

/* One packet of a compound: its header and where its parts lie. */
struct sfu_rtcp_pkt {
	uint8_t pt;          /* packet type, 200..207 and others */
	uint8_t count;       /* RC / SC / FMT: the 5 low bits of byte 0 */
	bool padding;        /* P bit */
	const uint8_t *p;    /* the whole packet, header included */
	size_t len;          /* 4 * (length + 1) */
	size_t off;          /* offset of p in the compound */
	const uint8_t *body; /* after the 4-byte header */
	size_t body_len;     /* without padding */
};

struct sfu_rtcp_iter {
	const uint8_t *p;
	size_t len, off;
};

/* Start iterating the compound packet p (len bytes). */
void sfu_rtcp_iter_init(struct sfu_rtcp_iter *it, const uint8_t *p,
			size_t len);

/*
 * Next packet of the compound into *pkt. Returns 1, 0 at the end, or
 * -EINVAL (and again on every later call) for a version other than 2, a
 * tail shorter than a header, a length field past the buffer, or a
 * padding count of 0 or beyond the body.
 */
int sfu_rtcp_next(struct sfu_rtcp_iter *it, struct sfu_rtcp_pkt *pkt);

/* Classify a packet from sfu_rtcp_next(). */
enum sfu_rtcp_kind sfu_rtcp_kind(const struct sfu_rtcp_pkt *pkt);

/* One report block (RFC 3550 6.4.1). */
struct sfu_rtcp_rb {
	uint32_t ssrc;
	uint8_t fraction_lost;   /* fixed point, /256 */
	int32_t cumulative_lost; /* 24-bit signed */
	uint32_t ext_highest_seq;
	uint32_t jitter;
	uint32_t lsr;            /* compact NTP of the last SR, 0 = none */
	uint32_t dlsr;           /* 1/65536 s since that SR */
};

struct sfu_rtcp_sender_info {
	uint64_t ntp;
	uint32_t rtp_ts;
	uint32_t packets;
	uint32_t octets;
};

struct sfu_rtcp_sr {
	uint32_t ssrc;
	struct sfu_rtcp_sender_info info;
	uint8_t count;
	struct sfu_rtcp_rb blocks[SFU_RTCP_MAX_BLOCKS];
};

struct sfu_rtcp_rr {
	uint32_t ssrc;
	uint8_t count;
	struct sfu_rtcp_rb blocks[SFU_RTCP_MAX_BLOCKS];
};

/* The common part of RTPFB and PSFB messages (RFC 4585 6.1). */
struct sfu_rtcp_fb {
	uint32_t sender_ssrc;
	uint32_t media_ssrc;
	const uint8_t *fci; /* feedback control information */
	size_t fci_len;
};

struct sfu_rtcp_fir_entry {
	uint32_t ssrc;
	uint8_t seq;
};

struct sfu_rtcp_remb {
	uint32_t sender_ssrc;
	uint64_t bitrate;  /* bits per second, saturated at UINT64_MAX */
	uint8_t num_ssrcs; /* as sent */
	uint8_t n;         /* stored in ssrcs: at most REMB_MAX_SSRCS */
	uint32_t ssrcs[SFU_RTCP_REMB_MAX_SSRCS];
};

/*
 * Parsers. Each takes a packet from sfu_rtcp_next() and returns 0 (or a
 * count where said), or -EINVAL when the packet is not of that kind or
 * is shorter than what it declares. Extra trailing bytes are allowed.
 */
int sfu_rtcp_parse_sr(const struct sfu_rtcp_pkt *pkt, struct sfu_rtcp_sr *sr);
int sfu_rtcp_parse_rr(const struct sfu_rtcp_pkt *pkt, struct sfu_rtcp_rr *rr);
/* Any RTPFB or PSFB: sender and media SSRC plus the FCI view. */
int sfu_rtcp_parse_fb(const struct sfu_rtcp_pkt *pkt, struct sfu_rtcp_fb *fb);
/* Generic NACK: expands every PID+BLP into seqs (at most max of them, in
 * packet order) and returns how many were stored. */
int sfu_rtcp_parse_nack(const struct sfu_rtcp_pkt *pkt, struct sfu_rtcp_fb *fb,
			uint16_t *seqs, size_t max);
int sfu_rtcp_parse_pli(const struct sfu_rtcp_pkt *pkt, struct sfu_rtcp_fb *fb);
/* FIR: stores up to max entries and returns how many were stored. */
int sfu_rtcp_parse_fir(const struct sfu_rtcp_pkt *pkt, struct sfu_rtcp_fb *fb,
		       struct sfu_rtcp_fir_entry *e, size_t max);
int sfu_rtcp_parse_remb(const struct sfu_rtcp_pkt *pkt,
			struct sfu_rtcp_remb *remb);
/* BYE: stores up to max SSRCs and returns how many were stored. */
int sfu_rtcp_parse_bye(const struct sfu_rtcp_pkt *pkt, uint32_t *ssrcs,
		       size_t max);

/*
 * Builders: each writes one RTCP packet at out (cap bytes) and returns
 * its length, -ENOSPC when cap is too small, or -EINVAL for arguments out
 * of range (more than 31 blocks, an empty NACK list, a CNAME over 255
 * bytes, more than 255 REMB SSRCs).
 */
int sfu_rtcp_build_rr(uint8_t *out, size_t cap, uint32_t ssrc,
		      const struct sfu_rtcp_rb *blocks, size_t n);
int sfu_rtcp_build_sr(uint8_t *out, size_t cap, uint32_t ssrc,
		      const struct sfu_rtcp_sender_info *info,
		      const struct sfu_rtcp_rb *blocks, size_t n);
/* One chunk with one CNAME item, null-terminated and padded to 32 bits. */
int sfu_rtcp_build_sdes(uint8_t *out, size_t cap, uint32_t ssrc,
			const char *cname, size_t cname_len);
/* Packs seqs (ascending in wrap-around order for the tightest packing;
 * any order is still correct) into PID+BLP pairs. */
int sfu_rtcp_build_nack(uint8_t *out, size_t cap, uint32_t sender,
			uint32_t media, const uint16_t *seqs, size_t n);
int sfu_rtcp_build_pli(uint8_t *out, size_t cap, uint32_t sender,
		       uint32_t media);
int sfu_rtcp_build_fir(uint8_t *out, size_t cap, uint32_t sender,
		       uint32_t media, uint8_t seq);
int sfu_rtcp_build_remb(uint8_t *out, size_t cap, uint32_t sender,
			uint64_t bitrate, const uint32_t *ssrcs, size_t n);

/*
 * REMB bitrate encoding: the largest mantissa (18 bits) and smallest
 * exponent (6 bits) with mantissa << exp <= bps (exact when bps fits 18
 * significant bits). Decoding saturates at UINT64_MAX.
 */
void sfu_remb_encode(uint64_t bps, uint8_t *exp, uint32_t *mantissa);
uint64_t sfu_remb_decode(uint8_t exp, uint32_t mantissa);

/* 64-bit NTP time (RFC 3550 4) of a Unix time in microseconds. */
uint64_t sfu_ntp_from_unix_us(uint64_t us);
/* Unix microseconds of a 64-bit NTP time (era 0, i.e. until 2036). */
uint64_t sfu_ntp_to_unix_us(uint64_t ntp);

/* The middle 32 bits of an NTP time, as LSR and DLSR use. */
static inline uint32_t sfu_ntp_compact(uint64_t ntp)
{
	return (uint32_t)(ntp >> 16);
}

/*
 * Round-trip time in ms (rounded) from a report block's lsr and dlsr and
 * the block's arrival time as compact NTP: arrival - lsr - dlsr. Returns
 * -1 when lsr is 0 (no SR reached the peer yet); a negative difference
 * (clock steps, bogus DLSR) gives 0.
 */
int sfu_rtcp_rtt_ms(uint32_t arrival, uint32_t lsr, uint32_t dlsr);

/*
 * In-place patches of one packet p (len bytes, e.g. pkt->p + its
 * length) that the SFU relays. media_ssrc: the media source of a NACK or
 * other RTPFB or of a PLI, or every FIR entry's SSRC. sender_ssrc: the
 * sender of an SR, RR, RTPFB or PSFB. Return 0, or -EINVAL for other
 * packets or a packet too short for the field.
 */
int sfu_rtcp_patch_media_ssrc(uint8_t *p, size_t len, uint32_t media_ssrc);
int sfu_rtcp_patch_sender_ssrc(uint8_t *p, size_t len, uint32_t sender_ssrc);

#endif
