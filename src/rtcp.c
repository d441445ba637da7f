/*
 * rtcp.c - RTCP compound iteration, parsing and building.
 *
 * The SFU terminates RTCP per hop: it reads reports and feedback from
 * each peer (sfu_rtcp_next + a parser per kind it acts on), writes its
 * own RR to publishers and SR to subscribers, relays keyframe requests
 * and NACKs toward publishers after patching their SSRCs, and recognises
 * transport-cc feedback without decoding it here. All reads are bounded
 * by the length a packet was iterated with; padding is stripped by the
 * iterator, so parsers see only the body.
 *
 *   packet   parser               builder
 *   SR       sfu_rtcp_parse_sr    sfu_rtcp_build_sr
 *   RR       sfu_rtcp_parse_rr    sfu_rtcp_build_rr
 *   SDES     (skipped)            sfu_rtcp_build_sdes (one CNAME)
 *   BYE      sfu_rtcp_parse_bye   -
 *   NACK     sfu_rtcp_parse_nack  sfu_rtcp_build_nack
 *   PLI      sfu_rtcp_parse_pli   sfu_rtcp_build_pli
 *   FIR      sfu_rtcp_parse_fir   sfu_rtcp_build_fir
 *   REMB     sfu_rtcp_parse_remb  sfu_rtcp_build_remb
 *   TWCC     (kind only)          -
 */
#include "rtcp.h"

#define HDR 4                 /* version/count, type, length */
#define RB_LEN 24             /* one report block */
#define SI_LEN 20             /* SR sender info */
#define FB_LEN 8              /* sender SSRC + media SSRC */
#define MAX_PKT (4 * 65536)   /* the 16-bit length field's reach */
#define NTP_UNIX_OFFSET 2208988800ULL /* 1900-01-01 to 1970-01-01, s */

void sfu_rtcp_iter_init(struct sfu_rtcp_iter *it, const uint8_t *p,
			size_t len)
{
	it->p = p;
	it->len = len;
	it->off = 0;
}

int sfu_rtcp_next(struct sfu_rtcp_iter *it, struct sfu_rtcp_pkt *pkt)
{
	const uint8_t *p;
	size_t rest, plen;

	if (it->off == it->len)
		return 0;
	if (it->off > it->len || it->len - it->off < HDR)
		goto bad;
	rest = it->len - it->off;
	p = it->p + it->off;
	plen = 4 * ((size_t)sfu_get_be16(p + 2) + 1);
	if ((p[0] >> 6) != 2 || plen > rest)
		goto bad;
	pkt->pt = p[1];
	pkt->count = p[0] & 0x1f;
	pkt->padding = (p[0] & 0x20) != 0;
	pkt->p = p;
	pkt->len = plen;
	pkt->off = it->off;
	pkt->body = p + HDR;
	pkt->body_len = plen - HDR;
	if (pkt->padding) {
		uint8_t pad = p[plen - 1];
		if (pad == 0 || pad > pkt->body_len)
			goto bad;
		pkt->body_len -= pad;
	}
	it->off += plen;
	return 1;
bad:
	it->off = SIZE_MAX; /* stay failed */
	return -EINVAL;
}

static bool is_remb(const struct sfu_rtcp_pkt *pkt)
{
	return pkt->body_len >= FB_LEN + 4 &&
	       memcmp(pkt->body + FB_LEN, "REMB", 4) == 0;
}

enum sfu_rtcp_kind sfu_rtcp_kind(const struct sfu_rtcp_pkt *pkt)
{
	switch (pkt->pt) {
	case SFU_RTCP_SR:
		return SFU_RTCP_KIND_SR;
	case SFU_RTCP_RR:
		return SFU_RTCP_KIND_RR;
	case SFU_RTCP_SDES:
		return SFU_RTCP_KIND_SDES;
	case SFU_RTCP_BYE:
		return SFU_RTCP_KIND_BYE;
	case SFU_RTCP_APP:
		return SFU_RTCP_KIND_APP;
	case SFU_RTCP_XR:
		return SFU_RTCP_KIND_XR;
	case SFU_RTCP_RTPFB:
		if (pkt->count == SFU_RTCP_FMT_NACK)
			return SFU_RTCP_KIND_NACK;
		if (pkt->count == SFU_RTCP_FMT_TWCC)
			return SFU_RTCP_KIND_TWCC;
		return SFU_RTCP_KIND_OTHER;
	case SFU_RTCP_PSFB:
		if (pkt->count == SFU_RTCP_FMT_PLI)
			return SFU_RTCP_KIND_PLI;
		if (pkt->count == SFU_RTCP_FMT_FIR)
			return SFU_RTCP_KIND_FIR;
		if (pkt->count == SFU_RTCP_FMT_AFB && is_remb(pkt))
			return SFU_RTCP_KIND_REMB;
		return SFU_RTCP_KIND_OTHER;
	default:
		return SFU_RTCP_KIND_OTHER;
	}
}

static void get_rb(const uint8_t *p, struct sfu_rtcp_rb *rb)
{
	uint32_t lost = sfu_get_be24(p + 5);

	rb->ssrc = sfu_get_be32(p);
	rb->fraction_lost = p[4];
	/* 24-bit two's complement, sign-extended */
	rb->cumulative_lost = (int32_t)(lost ^ 0x800000) - 0x800000;
	rb->ext_highest_seq = sfu_get_be32(p + 8);
	rb->jitter = sfu_get_be32(p + 12);
	rb->lsr = sfu_get_be32(p + 16);
	rb->dlsr = sfu_get_be32(p + 20);
}

static void put_rb(uint8_t *p, const struct sfu_rtcp_rb *rb)
{
	int32_t lost = SFU_MAX(SFU_MIN(rb->cumulative_lost, 0x7fffff),
			       -0x800000);

	sfu_put_be32(p, rb->ssrc);
	p[4] = rb->fraction_lost;
	sfu_put_be24(p + 5, (uint32_t)lost & 0xffffff);
	sfu_put_be32(p + 8, rb->ext_highest_seq);
	sfu_put_be32(p + 12, rb->jitter);
	sfu_put_be32(p + 16, rb->lsr);
	sfu_put_be32(p + 20, rb->dlsr);
}

int sfu_rtcp_parse_sr(const struct sfu_rtcp_pkt *pkt, struct sfu_rtcp_sr *sr)
{
	const uint8_t *b = pkt->body;

	if (pkt->pt != SFU_RTCP_SR ||
	    pkt->body_len < 4 + SI_LEN + (size_t)pkt->count * RB_LEN)
		return -EINVAL;
	sr->ssrc = sfu_get_be32(b);
	sr->info.ntp = (uint64_t)sfu_get_be32(b + 4) << 32 |
		       sfu_get_be32(b + 8);
	sr->info.rtp_ts = sfu_get_be32(b + 12);
	sr->info.packets = sfu_get_be32(b + 16);
	sr->info.octets = sfu_get_be32(b + 20);
	sr->count = pkt->count;
	for (size_t i = 0; i < pkt->count; i++)
		get_rb(b + 4 + SI_LEN + i * RB_LEN, &sr->blocks[i]);
	return 0;
}

int sfu_rtcp_parse_rr(const struct sfu_rtcp_pkt *pkt, struct sfu_rtcp_rr *rr)
{
	const uint8_t *b = pkt->body;

	if (pkt->pt != SFU_RTCP_RR ||
	    pkt->body_len < 4 + (size_t)pkt->count * RB_LEN)
		return -EINVAL;
	rr->ssrc = sfu_get_be32(b);
	rr->count = pkt->count;
	for (size_t i = 0; i < pkt->count; i++)
		get_rb(b + 4 + i * RB_LEN, &rr->blocks[i]);
	return 0;
}

int sfu_rtcp_parse_fb(const struct sfu_rtcp_pkt *pkt, struct sfu_rtcp_fb *fb)
{
	if ((pkt->pt != SFU_RTCP_RTPFB && pkt->pt != SFU_RTCP_PSFB) ||
	    pkt->body_len < FB_LEN)
		return -EINVAL;
	fb->sender_ssrc = sfu_get_be32(pkt->body);
	fb->media_ssrc = sfu_get_be32(pkt->body + 4);
	fb->fci = pkt->body + FB_LEN;
	fb->fci_len = pkt->body_len - FB_LEN;
	return 0;
}

int sfu_rtcp_parse_nack(const struct sfu_rtcp_pkt *pkt, struct sfu_rtcp_fb *fb,
			uint16_t *seqs, size_t max)
{
	size_t n = 0;

	if (sfu_rtcp_kind(pkt) != SFU_RTCP_KIND_NACK ||
	    sfu_rtcp_parse_fb(pkt, fb) != 0)
		return -EINVAL;
	for (size_t o = 0; o + 4 <= fb->fci_len && n < max; o += 4) {
		uint16_t pid = sfu_get_be16(fb->fci + o);
		uint16_t blp = sfu_get_be16(fb->fci + o + 2);

		seqs[n++] = pid;
		for (unsigned bit = 0; bit < 16 && n < max; bit++)
			if (blp & (1u << bit))
				seqs[n++] = (uint16_t)(pid + bit + 1);
	}
	return (int)n;
}

int sfu_rtcp_parse_pli(const struct sfu_rtcp_pkt *pkt, struct sfu_rtcp_fb *fb)
{
	if (sfu_rtcp_kind(pkt) != SFU_RTCP_KIND_PLI)
		return -EINVAL;
	return sfu_rtcp_parse_fb(pkt, fb);
}

int sfu_rtcp_parse_fir(const struct sfu_rtcp_pkt *pkt, struct sfu_rtcp_fb *fb,
		       struct sfu_rtcp_fir_entry *e, size_t max)
{
	size_t n = 0;

	if (sfu_rtcp_kind(pkt) != SFU_RTCP_KIND_FIR ||
	    sfu_rtcp_parse_fb(pkt, fb) != 0)
		return -EINVAL;
	for (size_t o = 0; o + 8 <= fb->fci_len && n < max; o += 8) {
		e[n].ssrc = sfu_get_be32(fb->fci + o);
		e[n].seq = fb->fci[o + 4];
		n++;
	}
	return (int)n;
}

int sfu_rtcp_parse_remb(const struct sfu_rtcp_pkt *pkt,
			struct sfu_rtcp_remb *remb)
{
	const uint8_t *b = pkt->body;
	size_t num;

	/* sender, media (0), "REMB", num/exp/mantissa, SSRCs */
	if (sfu_rtcp_kind(pkt) != SFU_RTCP_KIND_REMB ||
	    pkt->body_len < FB_LEN + 8)
		return -EINVAL;
	num = b[12];
	if (pkt->body_len - (FB_LEN + 8) < 4 * num)
		return -EINVAL;
	remb->sender_ssrc = sfu_get_be32(b);
	remb->bitrate = sfu_remb_decode(b[13] >> 2,
					sfu_get_be24(b + 13) & 0x3ffff);
	remb->num_ssrcs = (uint8_t)num;
	remb->n = (uint8_t)SFU_MIN(num, (size_t)SFU_RTCP_REMB_MAX_SSRCS);
	for (size_t i = 0; i < remb->n; i++)
		remb->ssrcs[i] = sfu_get_be32(b + FB_LEN + 8 + 4 * i);
	return 0;
}

int sfu_rtcp_parse_bye(const struct sfu_rtcp_pkt *pkt, uint32_t *ssrcs,
		       size_t max)
{
	size_t n = SFU_MIN((size_t)pkt->count, max);

	if (pkt->pt != SFU_RTCP_BYE || pkt->body_len < 4 * (size_t)pkt->count)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		ssrcs[i] = sfu_get_be32(pkt->body + 4 * i);
	return (int)n;
}

/* Header of a packet of len bytes (a multiple of 4). */
static void put_hdr(uint8_t *o, uint8_t count, uint8_t pt, size_t len)
{
	o[0] = (uint8_t)(0x80 | count);
	o[1] = pt;
	sfu_put_be16(o + 2, (uint16_t)(len / 4 - 1));
}

static void put_blocks(uint8_t *o, const struct sfu_rtcp_rb *blocks,
		       size_t n)
{
	for (size_t i = 0; i < n; i++)
		put_rb(o + i * RB_LEN, &blocks[i]);
}

int sfu_rtcp_build_rr(uint8_t *out, size_t cap, uint32_t ssrc,
		      const struct sfu_rtcp_rb *blocks, size_t n)
{
	size_t len = HDR + 4 + n * RB_LEN;

	if (n > SFU_RTCP_MAX_BLOCKS)
		return -EINVAL;
	if (len > cap)
		return -ENOSPC;
	put_hdr(out, (uint8_t)n, SFU_RTCP_RR, len);
	sfu_put_be32(out + 4, ssrc);
	put_blocks(out + 8, blocks, n);
	return (int)len;
}

int sfu_rtcp_build_sr(uint8_t *out, size_t cap, uint32_t ssrc,
		      const struct sfu_rtcp_sender_info *info,
		      const struct sfu_rtcp_rb *blocks, size_t n)
{
	size_t len = HDR + 4 + SI_LEN + n * RB_LEN;

	if (n > SFU_RTCP_MAX_BLOCKS)
		return -EINVAL;
	if (len > cap)
		return -ENOSPC;
	put_hdr(out, (uint8_t)n, SFU_RTCP_SR, len);
	sfu_put_be32(out + 4, ssrc);
	sfu_put_be32(out + 8, (uint32_t)(info->ntp >> 32));
	sfu_put_be32(out + 12, (uint32_t)info->ntp);
	sfu_put_be32(out + 16, info->rtp_ts);
	sfu_put_be32(out + 20, info->packets);
	sfu_put_be32(out + 24, info->octets);
	put_blocks(out + 28, blocks, n);
	return (int)len;
}

int sfu_rtcp_build_sdes(uint8_t *out, size_t cap, uint32_t ssrc,
			const char *cname, size_t cname_len)
{
	/* CNAME item (type, length, text), then 1..4 null octets ending
	 * the item list on a 32-bit boundary (RFC 3550 6.5). */
	size_t items = 2 + cname_len, nulls = 4 - items % 4;
	size_t len = HDR + 4 + items + nulls;

	if (cname_len > 255)
		return -EINVAL;
	if (len > cap)
		return -ENOSPC;
	put_hdr(out, 1, SFU_RTCP_SDES, len);
	sfu_put_be32(out + 4, ssrc);
	out[8] = 1; /* CNAME */
	out[9] = (uint8_t)cname_len;
	if (cname_len > 0)
		memcpy(out + 10, cname, cname_len);
	memset(out + 10 + cname_len, 0, nulls);
	return (int)len;
}

/* Put common feedback header fields; len is the whole packet. */
static void put_fb(uint8_t *o, uint8_t fmt, uint8_t pt, size_t len,
		   uint32_t sender, uint32_t media)
{
	put_hdr(o, fmt, pt, len);
	sfu_put_be32(o + 4, sender);
	sfu_put_be32(o + 8, media);
}

int sfu_rtcp_build_nack(uint8_t *out, size_t cap, uint32_t sender,
			uint32_t media, const uint16_t *seqs, size_t n)
{
	size_t len = HDR + FB_LEN, i = 0;

	if (n == 0)
		return -EINVAL;
	while (i < n) {
		uint16_t pid = seqs[i++], blp = 0;

		/* Fold in followers within 16 of pid; duplicates of pid
		 * vanish, anything else starts a new pair. */
		while (i < n) {
			uint16_t d = (uint16_t)(seqs[i] - pid);
			if (d > 16)
				break;
			if (d > 0)
				blp |= (uint16_t)(1u << (d - 1));
			i++;
		}
		if (len + 4 > cap)
			return -ENOSPC;
		if (len + 4 > MAX_PKT)
			return -EINVAL;
		sfu_put_be16(out + len, pid);
		sfu_put_be16(out + len + 2, blp);
		len += 4;
	}
	put_fb(out, SFU_RTCP_FMT_NACK, SFU_RTCP_RTPFB, len, sender, media);
	return (int)len;
}

int sfu_rtcp_build_pli(uint8_t *out, size_t cap, uint32_t sender,
		       uint32_t media)
{
	size_t len = HDR + FB_LEN;

	if (len > cap)
		return -ENOSPC;
	put_fb(out, SFU_RTCP_FMT_PLI, SFU_RTCP_PSFB, len, sender, media);
	return (int)len;
}

int sfu_rtcp_build_fir(uint8_t *out, size_t cap, uint32_t sender,
		       uint32_t media, uint8_t seq)
{
	size_t len = HDR + FB_LEN + 8;

	if (len > cap)
		return -ENOSPC;
	/* RFC 5104 4.3.1.2: the header's media SSRC is unused (0); the
	 * target is named in the FCI entry. */
	put_fb(out, SFU_RTCP_FMT_FIR, SFU_RTCP_PSFB, len, sender, 0);
	sfu_put_be32(out + 12, media);
	out[16] = seq;
	out[17] = out[18] = out[19] = 0;
	return (int)len;
}

int sfu_rtcp_build_remb(uint8_t *out, size_t cap, uint32_t sender,
			uint64_t bitrate, const uint32_t *ssrcs, size_t n)
{
	size_t len = HDR + FB_LEN + 8 + 4 * n;
	uint32_t mantissa;
	uint8_t exp;

	if (n > 255)
		return -EINVAL;
	if (len > cap)
		return -ENOSPC;
	put_fb(out, SFU_RTCP_FMT_AFB, SFU_RTCP_PSFB, len, sender, 0);
	memcpy(out + 12, "REMB", 4);
	sfu_remb_encode(bitrate, &exp, &mantissa);
	out[16] = (uint8_t)n;
	sfu_put_be24(out + 17, (uint32_t)exp << 18 | mantissa);
	for (size_t i = 0; i < n; i++)
		sfu_put_be32(out + 20 + 4 * i, ssrcs[i]);
	return (int)len;
}

void sfu_remb_encode(uint64_t bps, uint8_t *exp, uint32_t *mantissa)
{
	uint8_t e = 0;

	while ((bps >> e) > 0x3ffff)
		e++;
	*exp = e;
	*mantissa = (uint32_t)(bps >> e);
}

uint64_t sfu_remb_decode(uint8_t exp, uint32_t mantissa)
{
	if (mantissa == 0)
		return 0;
	if (exp >= 64 || mantissa > (UINT64_MAX >> exp))
		return UINT64_MAX;
	return (uint64_t)mantissa << exp;
}

uint64_t sfu_ntp_from_unix_us(uint64_t us)
{
	uint64_t sec = us / 1000000 + NTP_UNIX_OFFSET;
	uint64_t frac = ((us % 1000000) << 32) / 1000000;

	return sec << 32 | frac;
}

uint64_t sfu_ntp_to_unix_us(uint64_t ntp)
{
	uint64_t sec = ntp >> 32, frac = ntp & 0xffffffff;

	if (sec < NTP_UNIX_OFFSET) /* era 1: after 2036-02-07 */
		sec += 1ULL << 32;
	return (sec - NTP_UNIX_OFFSET) * 1000000 +
	       ((frac * 1000000 + (1ULL << 31)) >> 32);
}

int sfu_rtcp_rtt_ms(uint32_t arrival, uint32_t lsr, uint32_t dlsr)
{
	uint32_t d = arrival - lsr - dlsr;

	if (lsr == 0)
		return -1;
	if ((int32_t)d < 0)
		return 0;
	return (int)(((uint64_t)d * 1000 + 32768) >> 16);
}

/* The length of the packet at p as its header says, capped by len. */
static size_t patch_len(const uint8_t *p, size_t len)
{
	return SFU_MIN(len, 4 * ((size_t)sfu_get_be16(p + 2) + 1));
}

int sfu_rtcp_patch_media_ssrc(uint8_t *p, size_t len, uint32_t media_ssrc)
{
	size_t plen, o;

	if (len < HDR + FB_LEN || (p[0] >> 6) != 2)
		return -EINVAL;
	plen = patch_len(p, len);
	if (plen < HDR + FB_LEN)
		return -EINVAL;
	if (p[1] == SFU_RTCP_RTPFB ||
	    (p[1] == SFU_RTCP_PSFB && (p[0] & 0x1f) == SFU_RTCP_FMT_PLI)) {
		sfu_put_be32(p + 8, media_ssrc);
		return 0;
	}
	if (p[1] != SFU_RTCP_PSFB || (p[0] & 0x1f) != SFU_RTCP_FMT_FIR ||
	    plen < HDR + FB_LEN + 8)
		return -EINVAL;
	for (o = HDR + FB_LEN; o + 8 <= plen; o += 8)
		sfu_put_be32(p + o, media_ssrc);
	return 0;
}

int sfu_rtcp_patch_sender_ssrc(uint8_t *p, size_t len, uint32_t sender_ssrc)
{
	if (len < HDR + 4 || (p[0] >> 6) != 2 || patch_len(p, len) < HDR + 4)
		return -EINVAL;
	if (p[1] != SFU_RTCP_SR && p[1] != SFU_RTCP_RR &&
	    p[1] != SFU_RTCP_RTPFB && p[1] != SFU_RTCP_PSFB)
		return -EINVAL;
	sfu_put_be32(p + 4, sender_ssrc);
	return 0;
}
