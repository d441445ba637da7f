/*
 * fuzz-rtcp.c - libFuzzer target for src/rtcp.c.
 *
 * The input is one compound RTCP packet. Every packet the iterator yields
 * must lie inside the input, one after another, and every parser runs on
 * it. What parses is rebuilt with the builders and parsed again: report
 * blocks and sender info must come back equal, NACK sequence numbers as
 * the same set, REMB as the same bitrate and SSRCs. The SSRC patches run
 * on a copy. Time helpers get values taken from the input.
 */
#include "rtcp.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define OUT_MAX (4 * 65536 + 64)

static uint8_t out[OUT_MAX];

/* Iterate the single packet a builder wrote (n bytes) out of out. */
static struct sfu_rtcp_pkt reparse(int n)
{
	struct sfu_rtcp_iter it;
	struct sfu_rtcp_pkt pkt, end;

	if (n < 0)
		abort();
	sfu_rtcp_iter_init(&it, out, (size_t)n);
	if (sfu_rtcp_next(&it, &pkt) != 1 || pkt.len != (size_t)n ||
	    sfu_rtcp_next(&it, &end) != 0)
		abort();
	return pkt;
}

static bool blocks_eq(const struct sfu_rtcp_rb *a, const struct sfu_rtcp_rb *b,
		      size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].ssrc != b[i].ssrc ||
		    a[i].fraction_lost != b[i].fraction_lost ||
		    a[i].cumulative_lost != b[i].cumulative_lost ||
		    a[i].ext_highest_seq != b[i].ext_highest_seq ||
		    a[i].jitter != b[i].jitter || a[i].lsr != b[i].lsr ||
		    a[i].dlsr != b[i].dlsr)
			return false;
	return true;
}

static void reports(const struct sfu_rtcp_pkt *pkt)
{
	struct sfu_rtcp_sr sr, sr2;
	struct sfu_rtcp_rr rr, rr2;
	struct sfu_rtcp_pkt b;

	if (sfu_rtcp_parse_sr(pkt, &sr) == 0) {
		b = reparse(sfu_rtcp_build_sr(out, OUT_MAX, sr.ssrc, &sr.info,
					      sr.blocks, sr.count));
		if (sfu_rtcp_parse_sr(&b, &sr2) != 0 || sr2.ssrc != sr.ssrc ||
		    sr2.info.ntp != sr.info.ntp ||
		    sr2.info.rtp_ts != sr.info.rtp_ts ||
		    sr2.info.packets != sr.info.packets ||
		    sr2.info.octets != sr.info.octets ||
		    sr2.count != sr.count ||
		    !blocks_eq(sr.blocks, sr2.blocks, sr.count))
			abort();
	}
	if (sfu_rtcp_parse_rr(pkt, &rr) == 0) {
		b = reparse(sfu_rtcp_build_rr(out, OUT_MAX, rr.ssrc, rr.blocks,
					      rr.count));
		if (sfu_rtcp_parse_rr(&b, &rr2) != 0 || rr2.ssrc != rr.ssrc ||
		    rr2.count != rr.count ||
		    !blocks_eq(rr.blocks, rr2.blocks, rr.count))
			abort();
	}
}

static uint8_t seen[8192], seen2[8192];

static void mark(uint8_t *set, const uint16_t *s, int n)
{
	memset(set, 0, 8192);
	for (int i = 0; i < n; i++)
		set[s[i] >> 3] |= (uint8_t)(1u << (s[i] & 7));
}

static void nack(const struct sfu_rtcp_pkt *pkt)
{
	static uint16_t seqs[1024], back[1024 * 17];
	struct sfu_rtcp_fb fb;
	struct sfu_rtcp_pkt b;
	int n = sfu_rtcp_parse_nack(pkt, &fb, seqs, SFU_ARRAY_SIZE(seqs));
	int m;

	if (n <= 0)
		return;
	if ((size_t)n > SFU_ARRAY_SIZE(seqs) ||
	    fb.fci + fb.fci_len > pkt->body + pkt->body_len)
		abort();
	b = reparse(sfu_rtcp_build_nack(out, OUT_MAX, fb.sender_ssrc,
					fb.media_ssrc, seqs, (size_t)n));
	m = sfu_rtcp_parse_nack(&b, &fb, back, SFU_ARRAY_SIZE(back));
	if (m <= 0 || m > n)
		abort();
	mark(seen, seqs, n);
	mark(seen2, back, m);
	if (memcmp(seen, seen2, sizeof(seen)) != 0)
		abort();
}

static void feedback(const struct sfu_rtcp_pkt *pkt)
{
	struct sfu_rtcp_fb fb;
	struct sfu_rtcp_fir_entry e[16];
	struct sfu_rtcp_remb remb, r2;
	struct sfu_rtcp_pkt b;
	int n;

	if (sfu_rtcp_parse_fb(pkt, &fb) == 0 &&
	    (fb.fci < pkt->body || fb.fci + fb.fci_len > pkt->p + pkt->len))
		abort();
	sfu_rtcp_parse_pli(pkt, &fb);
	n = sfu_rtcp_parse_fir(pkt, &fb, e, SFU_ARRAY_SIZE(e));
	if (n > (int)SFU_ARRAY_SIZE(e))
		abort();
	if (n > 0) {
		b = reparse(sfu_rtcp_build_fir(out, OUT_MAX, fb.sender_ssrc,
					       e[0].ssrc, e[0].seq));
		if (sfu_rtcp_parse_fir(&b, &fb, e + 1, 1) != 1 ||
		    e[1].ssrc != e[0].ssrc || e[1].seq != e[0].seq)
			abort();
	}
	if (sfu_rtcp_parse_remb(pkt, &remb) != 0)
		return;
	if (remb.n > SFU_RTCP_REMB_MAX_SSRCS || remb.n > remb.num_ssrcs)
		abort();
	b = reparse(sfu_rtcp_build_remb(out, OUT_MAX, remb.sender_ssrc,
					remb.bitrate, remb.ssrcs, remb.n));
	if (sfu_rtcp_parse_remb(&b, &r2) != 0 || r2.n != remb.n ||
	    memcmp(r2.ssrcs, remb.ssrcs, 4 * (size_t)remb.n) != 0 ||
	    (remb.bitrate != UINT64_MAX && r2.bitrate != remb.bitrate))
		abort();
}

static void patches(const struct sfu_rtcp_pkt *pkt)
{
	static uint8_t copy[OUT_MAX];

	memcpy(copy, pkt->p, pkt->len);
	sfu_rtcp_patch_media_ssrc(copy, pkt->len, 0x12345678);
	sfu_rtcp_patch_sender_ssrc(copy, pkt->len, 0x9abcdef0);
	sfu_rtcp_patch_media_ssrc(copy, pkt->len > 12 ? 12 : pkt->len, 1);
}

static void times(const uint8_t *d, size_t size)
{
	uint64_t v = 0, us;

	for (size_t i = 0; i < size && i < 8; i++)
		v = v << 8 | d[i];
	(void)sfu_rtcp_rtt_ms((uint32_t)v, (uint32_t)(v >> 16),
			      (uint32_t)(v >> 32));
	us = v % 4000000000000000ULL; /* before 2096: NTP era 0 or 1 */
	if (sfu_ntp_to_unix_us(sfu_ntp_from_unix_us(us)) != us)
		abort();
	(void)sfu_ntp_compact(sfu_ntp_from_unix_us(v));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sfu_rtcp_iter it;
	struct sfu_rtcp_pkt pkt;
	size_t expect = 0;
	uint32_t ssrcs[64];
	int rc;

	sfu_rtcp_iter_init(&it, data, size);
	while ((rc = sfu_rtcp_next(&it, &pkt)) == 1) {
		if (pkt.p != data + expect || pkt.off != expect ||
		    pkt.len > size - expect || pkt.len < 4 ||
		    pkt.body + pkt.body_len > pkt.p + pkt.len)
			abort();
		expect += pkt.len;
		(void)sfu_rtcp_kind(&pkt);
		reports(&pkt);
		nack(&pkt);
		feedback(&pkt);
		if (sfu_rtcp_parse_bye(&pkt, ssrcs, SFU_ARRAY_SIZE(ssrcs)) >
		    (int)SFU_ARRAY_SIZE(ssrcs))
			abort();
		patches(&pkt);
	}
	if (rc == 0 && expect != size)
		abort();
	times(data, size);
	return 0;
}
