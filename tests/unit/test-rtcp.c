/*
 * test-rtcp.c - tests src/rtcp.c: compound iteration over hand-built
 * packets and its refusals (version, length, tails, padding), every
 * truncation of a compound (exact-size heap copies for the sanitizers),
 * each parser against byte-level fixtures, each builder round-tripped
 * through the parsers, NACK packing across the 65535 wrap, REMB
 * mantissa/exponent, NTP conversions, RTT math and the SSRC patches.
 */
#include "rtcp.h"

#include <stdlib.h>

#include "tap.h"

/* SR with one report block, then SDES with CNAME "ab". */
static const uint8_t sr_sdes[] = {
	0x81, 200, 0x00, 0x0c,             /* SR, RC=1, length 12 */
	0x11, 0x22, 0x33, 0x44,            /* sender ssrc */
	0xe8, 0x00, 0x00, 0x01,            /* NTP seconds */
	0x80, 0x00, 0x00, 0x00,            /* NTP fraction: .5 */
	0x00, 0x01, 0x00, 0x00,            /* RTP ts 65536 */
	0x00, 0x00, 0x01, 0x00,            /* packets 256 */
	0x00, 0x01, 0x00, 0x00,            /* octets 65536 */
	0xaa, 0xbb, 0xcc, 0xdd,            /* block: ssrc */
	0x40, 0xff, 0xff, 0xfe,            /* fraction 64, lost -2 */
	0x00, 0x02, 0x00, 0x10,            /* ext highest seq */
	0x00, 0x00, 0x00, 0x20,            /* jitter */
	0x12, 0x34, 0x56, 0x78,            /* lsr */
	0x00, 0x01, 0x80, 0x00,            /* dlsr 1.5 s */
	0x81, 202, 0x00, 0x02,             /* SDES, SC=1, length 2 */
	0x11, 0x22, 0x33, 0x44,            /* chunk ssrc */
	0x01, 0x02, 'a', 'b',              /* CNAME "ab" */
};

/* RR (no blocks) + NACK (pid 65535 with blp 0x8001) + PLI. */
static const uint8_t rr_nack_pli[] = {
	0x80, 201, 0x00, 0x01, 0x01, 0x01, 0x01, 0x01,
	0x81, 205, 0x00, 0x03, 0x02, 0x02, 0x02, 0x02, 0x03, 0x03, 0x03, 0x03,
	0xff, 0xff, 0x80, 0x01,
	0x81, 206, 0x00, 0x02, 0x04, 0x04, 0x04, 0x04, 0x05, 0x05, 0x05, 0x05,
};

static uint8_t *dup_exact(const uint8_t *p, size_t len)
{
	uint8_t *d = malloc(len ? len : 1);

	if (len)
		memcpy(d, p, len);
	return d;
}

/* Iterate one packet out of p; -EINVAL / 0 / 1 as sfu_rtcp_next. */
static int first(const uint8_t *p, size_t len, struct sfu_rtcp_pkt *pkt)
{
	struct sfu_rtcp_iter it;

	sfu_rtcp_iter_init(&it, p, len);
	return sfu_rtcp_next(&it, pkt);
}

static void iterate_sr_sdes(void)
{
	struct sfu_rtcp_iter it;
	struct sfu_rtcp_pkt pkt;
	struct sfu_rtcp_sr sr;
	struct sfu_rtcp_rr rr;

	sfu_rtcp_iter_init(&it, sr_sdes, sizeof(sr_sdes));
	is_int(sfu_rtcp_next(&it, &pkt), 1, "SR: first packet");
	is_int(pkt.pt, 200, "SR: type");
	is_int(pkt.count, 1, "SR: RC");
	is_int(pkt.len, 52, "SR: length");
	is_int(pkt.off, 0, "SR: offset");
	is_int(pkt.body_len, 48, "SR: body");
	is_int(sfu_rtcp_kind(&pkt), SFU_RTCP_KIND_SR, "SR: kind");
	is_int(sfu_rtcp_parse_sr(&pkt, &sr), 0, "SR parses");
	is_int(sr.ssrc, 0x11223344, "SR: ssrc");
	ok(sr.info.ntp == ((uint64_t)0xe8000001 << 32 | 0x80000000),
	   "SR: NTP");
	is_int(sr.info.rtp_ts, 65536, "SR: rtp ts");
	is_int(sr.info.packets, 256, "SR: packets");
	is_int(sr.info.octets, 65536, "SR: octets");
	is_int(sr.count, 1, "SR: one block");
	is_int(sr.blocks[0].ssrc, 0xaabbccdd, "block ssrc");
	is_int(sr.blocks[0].fraction_lost, 64, "block fraction");
	is_int(sr.blocks[0].cumulative_lost, -2, "block lost sign-extended");
	is_int(sr.blocks[0].ext_highest_seq, 0x20010, "block highest");
	is_int(sr.blocks[0].jitter, 32, "block jitter");
	is_int(sr.blocks[0].lsr, 0x12345678, "block lsr");
	is_int(sr.blocks[0].dlsr, 0x18000, "block dlsr");
	is_int(sfu_rtcp_parse_rr(&pkt, &rr), -EINVAL, "SR is not an RR");
	is_int(sfu_rtcp_next(&it, &pkt), 1, "SDES: second packet");
	is_int(pkt.off, 52, "SDES: offset");
	is_int(sfu_rtcp_kind(&pkt), SFU_RTCP_KIND_SDES, "SDES: kind");
	is_int(sfu_rtcp_next(&it, &pkt), 0, "end of compound");
	is_int(sfu_rtcp_next(&it, &pkt), 0, "end stays end");
}

static void iterate_rr_nack_pli(void)
{
	struct sfu_rtcp_iter it;
	struct sfu_rtcp_pkt pkt;
	struct sfu_rtcp_rr rr;
	struct sfu_rtcp_fb fb;
	struct sfu_rtcp_sr sr;
	uint16_t seqs[32];

	sfu_rtcp_iter_init(&it, rr_nack_pli, sizeof(rr_nack_pli));
	sfu_rtcp_next(&it, &pkt);
	is_int(sfu_rtcp_parse_rr(&pkt, &rr), 0, "RR parses");
	ok(rr.ssrc == 0x01010101 && rr.count == 0, "RR: ssrc, no blocks");
	is_int(sfu_rtcp_parse_sr(&pkt, &sr), -EINVAL, "RR is not an SR");
	sfu_rtcp_next(&it, &pkt);
	is_int(sfu_rtcp_kind(&pkt), SFU_RTCP_KIND_NACK, "NACK kind");
	is_int(sfu_rtcp_parse_nack(&pkt, &fb, seqs, 32), 3, "NACK: 3 seqs");
	ok(fb.sender_ssrc == 0x02020202 && fb.media_ssrc == 0x03030303,
	   "NACK ssrcs");
	ok(seqs[0] == 65535 && seqs[1] == 0 && seqs[2] == 15,
	   "NACK expands across the wrap");
	is_int(sfu_rtcp_parse_nack(&pkt, &fb, seqs, 2), 2, "NACK bounded");
	is_int(sfu_rtcp_parse_pli(&pkt, &fb), -EINVAL, "NACK is not a PLI");
	sfu_rtcp_next(&it, &pkt);
	is_int(sfu_rtcp_kind(&pkt), SFU_RTCP_KIND_PLI, "PLI kind");
	is_int(sfu_rtcp_parse_pli(&pkt, &fb), 0, "PLI parses");
	ok(fb.sender_ssrc == 0x04040404 && fb.media_ssrc == 0x05050505,
	   "PLI ssrcs");
	is_int(fb.fci_len, 0, "PLI has no FCI");
	is_int(sfu_rtcp_parse_nack(&pkt, &fb, seqs, 32), -EINVAL,
	       "PLI is not a NACK");
	is_int(sfu_rtcp_next(&it, &pkt), 0, "end");
}

static void iterate_bad(void)
{
	uint8_t p[64];
	struct sfu_rtcp_pkt pkt;
	struct sfu_rtcp_iter it;

	is_int(first(NULL, 0, &pkt), 0, "empty: no packets");
	memcpy(p, rr_nack_pli, sizeof(rr_nack_pli));
	for (int v = 0; v < 4; v++) {
		if (v == 2)
			continue;
		p[0] = (uint8_t)((p[0] & 0x3f) | v << 6);
		is_int(first(p, sizeof(rr_nack_pli), &pkt), -EINVAL,
		       "version %d refused", v);
	}
	p[0] = 0x80;
	for (size_t n = 1; n < 4; n++)
		is_int(first(p, n, &pkt), -EINVAL, "%zu-byte tail", n);
	is_int(first(p, 7, &pkt), -EINVAL, "length past the buffer");
	p[3] = 0; /* length 0: a bare header is well-formed */
	is_int(first(p, 8, &pkt), 1, "length 0 packet");
	is_int(pkt.body_len, 0, "length 0: empty body");
	sfu_rtcp_iter_init(&it, p, 6);
	is_int(sfu_rtcp_next(&it, &pkt), 1, "4 bytes then...");
	is_int(sfu_rtcp_next(&it, &pkt), -EINVAL, "...a 2-byte tail");
	is_int(sfu_rtcp_next(&it, &pkt), -EINVAL, "error is sticky");
	p[3] = 1;
	p[0] = 0xa0; /* padding */
	p[7] = 0;
	is_int(first(p, 8, &pkt), -EINVAL, "padding count 0");
	p[7] = 5;
	is_int(first(p, 8, &pkt), -EINVAL, "padding beyond the body");
	p[7] = 4;
	is_int(first(p, 8, &pkt), 1, "padding of the whole body");
	is_int(pkt.body_len, 0, "padding stripped");
	ok(pkt.padding, "padding flag");
	p[3] = 0;
	is_int(first(p, 4, &pkt), -EINVAL, "padding with no body");
}

/* Walk every prefix of a compound with every parser; count anything out
 * of bounds or inconsistent. */
static void truncations(const uint8_t *c, size_t len, const char *what)
{
	int bad = 0, full = 0;

	for (size_t n = 0; n <= len; n++) {
		uint8_t *d = dup_exact(c, n);
		struct sfu_rtcp_iter it;
		struct sfu_rtcp_pkt pkt;
		size_t seen = 0;
		int rc;

		sfu_rtcp_iter_init(&it, d, n);
		while ((rc = sfu_rtcp_next(&it, &pkt)) == 1) {
			struct sfu_rtcp_sr sr;
			struct sfu_rtcp_rr rr;
			struct sfu_rtcp_fb fb;
			uint16_t seqs[64];

			if (pkt.p != d + seen ||
			    pkt.body + pkt.body_len > d + n)
				bad++;
			seen += pkt.len;
			sfu_rtcp_parse_sr(&pkt, &sr);
			sfu_rtcp_parse_rr(&pkt, &rr);
			sfu_rtcp_parse_nack(&pkt, &fb, seqs, 64);
			sfu_rtcp_parse_pli(&pkt, &fb);
		}
		if (rc == 0 && seen != n)
			bad++;
		full += rc == 0;
		free(d);
	}
	is_int(bad, 0, "%s: every truncation stays in bounds", what);
	ok(full >= 2, "%s: empty and whole parse to the end", what);
}

static struct sfu_rtcp_rb block(uint32_t i)
{
	struct sfu_rtcp_rb rb = {
		.ssrc = 0x1000 + i, .fraction_lost = (uint8_t)i,
		.cumulative_lost = (int32_t)i - 16,
		.ext_highest_seq = 0x10000 * i + 7, .jitter = i * 3,
		.lsr = 0xabc00000 + i, .dlsr = 0x10000 + i,
	};
	return rb;
}

static bool rb_eq(const struct sfu_rtcp_rb *a, const struct sfu_rtcp_rb *b)
{
	return a->ssrc == b->ssrc && a->fraction_lost == b->fraction_lost &&
	       a->cumulative_lost == b->cumulative_lost &&
	       a->ext_highest_seq == b->ext_highest_seq &&
	       a->jitter == b->jitter && a->lsr == b->lsr && a->dlsr == b->dlsr;
}

static void build_reports(void)
{
	struct sfu_rtcp_rb blocks[32];
	struct sfu_rtcp_sender_info si = { 0x0102030405060708ULL, 9, 10, 11 };
	struct sfu_rtcp_pkt pkt;
	struct sfu_rtcp_rr rr;
	struct sfu_rtcp_sr sr;
	uint8_t out[1024];
	int n, same = 0;

	for (uint32_t i = 0; i < 32; i++)
		blocks[i] = block(i);
	n = sfu_rtcp_build_rr(out, sizeof(out), 0x42, NULL, 0);
	is_int(n, 8, "empty RR is 8 bytes");
	ok(first(out, (size_t)n, &pkt) == 1 &&
		   sfu_rtcp_parse_rr(&pkt, &rr) == 0 && rr.count == 0 &&
		   rr.ssrc == 0x42,
	   "empty RR round trip");
	n = sfu_rtcp_build_rr(out, sizeof(out), 0x42, blocks, 31);
	is_int(n, 8 + 31 * 24, "31-block RR length");
	ok(first(out, (size_t)n, &pkt) == 1 &&
		   sfu_rtcp_parse_rr(&pkt, &rr) == 0 && rr.count == 31,
	   "31-block RR parses");
	for (int i = 0; i < 31; i++)
		same += rb_eq(&rr.blocks[i], &blocks[i]);
	is_int(same, 31, "all 31 blocks round trip");
	is_int(sfu_rtcp_build_rr(out, sizeof(out), 1, blocks, 32), -EINVAL,
	       "32 blocks refused");
	is_int(sfu_rtcp_build_rr(out, 31, 1, blocks, 1), -ENOSPC,
	       "RR -ENOSPC");
	n = sfu_rtcp_build_sr(out, sizeof(out), 0x77, &si, blocks + 3, 2);
	is_int(n, 28 + 48, "SR with 2 blocks");
	ok(first(out, (size_t)n, &pkt) == 1 &&
		   sfu_rtcp_parse_sr(&pkt, &sr) == 0,
	   "SR round trip parses");
	ok(sr.ssrc == 0x77 && sr.info.ntp == si.ntp && sr.info.rtp_ts == 9 &&
		   sr.info.packets == 10 && sr.info.octets == 11,
	   "SR sender info");
	ok(sr.count == 2 && rb_eq(&sr.blocks[1], &blocks[4]), "SR blocks");
	is_int(sfu_rtcp_build_sr(out, 75, 1, &si, blocks, 2), -ENOSPC,
	       "SR -ENOSPC");
	is_int(sfu_rtcp_build_sr(out, sizeof(out), 1, &si, blocks, 32),
	       -EINVAL, "SR 32 blocks refused");

	blocks[0].cumulative_lost = -9000000; /* clamps to -2^23 */
	blocks[1].cumulative_lost = 9000000;  /* clamps to 2^23 - 1 */
	n = sfu_rtcp_build_rr(out, sizeof(out), 1, blocks, 2);
	first(out, (size_t)n, &pkt);
	sfu_rtcp_parse_rr(&pkt, &rr);
	is_int(rr.blocks[0].cumulative_lost, -0x800000, "lost clamps low");
	is_int(rr.blocks[1].cumulative_lost, 0x7fffff, "lost clamps high");
	truncations(out, (size_t)n, "built RR");
}

static void build_sdes(void)
{
	static const char name[] = "abcdefghij";
	uint8_t out[300];
	struct sfu_rtcp_pkt pkt;
	int good = 0;

	for (size_t l = 0; l <= 10; l++) {
		int n = sfu_rtcp_build_sdes(out, sizeof(out), 0xbeef, name, l);
		size_t want = 4 + 4 + ((2 + l) / 4 + 1) * 4;

		good += n == (int)want && n % 4 == 0 &&
			first(out, (size_t)n, &pkt) == 1 &&
			pkt.len == (size_t)n &&
			sfu_rtcp_kind(&pkt) == SFU_RTCP_KIND_SDES &&
			pkt.count == 1 && out[8] == 1 && out[9] == l &&
			!memcmp(out + 10, name, l) && out[10 + l] == 0 &&
			out[n - 1] == 0;
	}
	is_int(good, 11, "SDES CNAME of 0..10 bytes: padded, terminated");
	is_int(sfu_rtcp_build_sdes(out, sizeof(out), 1, name, 256), -EINVAL,
	       "CNAME over 255 refused");
	is_int(sfu_rtcp_build_sdes(out, 11, 1, name, 2), -ENOSPC,
	       "SDES -ENOSPC");
}

/* Build a NACK from seqs, parse it back; returns how many seqs came back
 * and the packet length via *len. */
static int nack_round(const uint16_t *seqs, size_t n, uint16_t *back,
		      size_t max, int *len)
{
	uint8_t out[2048];
	struct sfu_rtcp_pkt pkt;
	struct sfu_rtcp_fb fb;

	*len = sfu_rtcp_build_nack(out, sizeof(out), 0xa, 0xb, seqs, n);
	if (*len < 0 || first(out, (size_t)*len, &pkt) != 1)
		return -1;
	if (pkt.pt != 205 || pkt.count != 1)
		return -1;
	return sfu_rtcp_parse_nack(&pkt, &fb, back, max);
}

static void nack(void)
{
	static const uint16_t wrap[] = { 65530, 65535, 0, 1, 10 };
	static const uint16_t spread[] = { 1, 2, 3, 17, 18, 40 };
	static const uint16_t dups[] = { 5, 5, 6, 6 };
	uint16_t back[512], many[300];
	uint8_t out[64];
	int len, n, same = 0;

	n = nack_round(wrap, 5, back, 512, &len);
	is_int(len, 16, "wrapped run packs into one pair");
	is_int(n, 5, "wrapped run: 5 back");
	ok(n == 5 && !memcmp(back, wrap, sizeof(wrap)), "wrap: same seqs");
	n = nack_round(spread, 6, back, 512, &len);
	is_int(len, 24, "1..17 one pair, 18 and 40 a pair each");
	ok(n == 6 && !memcmp(back, spread, sizeof(spread)), "spread: same");
	n = nack_round(dups, 4, back, 512, &len);
	ok(n == 2 && back[0] == 5 && back[1] == 6, "duplicates collapse");
	for (int i = 0; i < 300; i++)
		many[i] = (uint16_t)(65000 + 3 * i); /* crosses 65535 */
	n = nack_round(many, 300, back, 512, &len);
	is_int(n, 300, "300 seqs every 3rd, across the wrap");
	for (int i = 0; i < 300 && i < n; i++)
		same += back[i] == many[i];
	is_int(same, 300, "...all the same, in order");
	is_int(len, 12 + 4 * 50, "...6 per pair");
	n = nack_round(many, 300, back, 10, &len);
	is_int(n, 10, "parse output bounded");
	is_int(sfu_rtcp_build_nack(out, sizeof(out), 1, 2, many, 0), -EINVAL,
	       "empty NACK refused");
	is_int(sfu_rtcp_build_nack(out, 15, 1, 2, many, 1), -ENOSPC,
	       "NACK -ENOSPC");
	is_int(sfu_rtcp_build_nack(out, sizeof(out), 1, 2, many, 300),
	       -ENOSPC, "long NACK -ENOSPC");
}

static void pli_fir(void)
{
	uint8_t out[64];
	struct sfu_rtcp_pkt pkt;
	struct sfu_rtcp_fb fb;
	struct sfu_rtcp_fir_entry e[4];
	int n;

	n = sfu_rtcp_build_pli(out, sizeof(out), 0x1111, 0x2222);
	is_int(n, 12, "PLI length");
	ok(first(out, 12, &pkt) == 1 && sfu_rtcp_parse_pli(&pkt, &fb) == 0 &&
		   fb.sender_ssrc == 0x1111 && fb.media_ssrc == 0x2222,
	   "PLI round trip");
	is_int(sfu_rtcp_build_pli(out, 11, 1, 2), -ENOSPC, "PLI -ENOSPC");
	n = sfu_rtcp_build_fir(out, sizeof(out), 0x1111, 0x3333, 42);
	is_int(n, 20, "FIR length");
	first(out, 20, &pkt);
	is_int(sfu_rtcp_kind(&pkt), SFU_RTCP_KIND_FIR, "FIR kind");
	is_int(sfu_rtcp_parse_fir(&pkt, &fb, e, 4), 1, "FIR: one entry");
	ok(fb.media_ssrc == 0 && e[0].ssrc == 0x3333 && e[0].seq == 42,
	   "FIR entry round trip");
	is_int(sfu_rtcp_parse_fir(&pkt, &fb, e, 0), 0, "FIR bounded");
	is_int(sfu_rtcp_parse_pli(&pkt, &fb), -EINVAL, "FIR is not a PLI");
	is_int(sfu_rtcp_build_fir(out, 19, 1, 2, 3), -ENOSPC, "FIR -ENOSPC");
}

static void remb_value(uint64_t bps, const char *what)
{
	uint32_t ssrcs[2] = { 0x1234, 0x5678 };
	uint8_t out[64];
	struct sfu_rtcp_pkt pkt;
	struct sfu_rtcp_remb remb;
	uint64_t got;
	int n = sfu_rtcp_build_remb(out, sizeof(out), 9, bps, ssrcs, 2);

	ok(n == 28 && first(out, 28, &pkt) == 1 &&
		   sfu_rtcp_kind(&pkt) == SFU_RTCP_KIND_REMB &&
		   sfu_rtcp_parse_remb(&pkt, &remb) == 0,
	   "REMB %s: builds and parses", what);
	got = remb.bitrate;
	ok(got <= bps && bps - got <= bps >> 17, "REMB %s: %llu -> %llu",
	   what, (unsigned long long)bps, (unsigned long long)got);
	ok(remb.n == 2 && remb.ssrcs[1] == 0x5678 && remb.sender_ssrc == 9,
	   "REMB %s: ssrcs", what);
}

static void remb(void)
{
	uint32_t ssrcs[40], m;
	uint8_t out[256], e;
	struct sfu_rtcp_pkt pkt;
	struct sfu_rtcp_remb r;
	int n;

	remb_value(0, "0");
	remb_value(1, "1");
	remb_value((1 << 18) - 1, "2^18-1");
	remb_value(1000000, "10^6");
	remb_value(1000000000, "10^9");
	remb_value(UINT64_MAX, "2^64-1");
	sfu_remb_encode(1000000, &e, &m);
	ok(e == 2 && m == 250000, "10^6 = 250000 << 2 exactly");
	sfu_remb_encode((1 << 18) - 1, &e, &m);
	ok(e == 0 && m == 0x3ffff, "2^18-1 needs no exponent");
	sfu_remb_encode(1 << 18, &e, &m);
	ok(e == 1 && m == 1 << 17, "2^18 = 2^17 << 1");
	sfu_remb_encode(1000000000, &e, &m);
	is_int(sfu_remb_decode(e, m), 999997440, "10^9 rounds down");
	ok(sfu_remb_decode(63, 0x3ffff) == UINT64_MAX, "decode saturates");
	ok(sfu_remb_decode(63, 0) == 0, "zero mantissa is 0");
	for (int i = 0; i < 40; i++)
		ssrcs[i] = (uint32_t)i;
	n = sfu_rtcp_build_remb(out, sizeof(out), 1, 5000, ssrcs, 40);
	ok(n == 20 + 160 && first(out, (size_t)n, &pkt) == 1 &&
		   sfu_rtcp_parse_remb(&pkt, &r) == 0,
	   "REMB with 40 ssrcs");
	ok(r.num_ssrcs == 40 && r.n == SFU_RTCP_REMB_MAX_SSRCS &&
		   r.ssrcs[31] == 31,
	   "REMB keeps the first 32 of 40");
	out[16] = 41; /* claims one SSRC more than it carries */
	first(out, (size_t)n, &pkt);
	is_int(sfu_rtcp_parse_remb(&pkt, &r), -EINVAL, "REMB short list");
	memcpy(out + 12, "REMX", 4);
	first(out, (size_t)n, &pkt);
	is_int(sfu_rtcp_kind(&pkt), SFU_RTCP_KIND_OTHER, "AFB not REMB");
	is_int(sfu_rtcp_parse_remb(&pkt, &r), -EINVAL, "...not parsed");
	is_int(sfu_rtcp_build_remb(out, sizeof(out), 1, 1, ssrcs, 256),
	       -EINVAL, "256 REMB ssrcs refused");
	is_int(sfu_rtcp_build_remb(out, 23, 1, 1, ssrcs, 1), -ENOSPC,
	       "REMB -ENOSPC");
}

static void bye_twcc_other(void)
{
	static const uint8_t bye[] = { 0x82, 203, 0, 3, 0, 0, 0, 1, 0, 0, 0, 2,
				       3, 'b', 'y', 'e' };
	static const uint8_t twcc[] = { 0x8f, 205, 0, 2, 0, 0, 0, 1,
					0, 0, 0, 2 };
	static const uint8_t app[] = { 0x80, 204, 0, 2, 0, 0, 0, 1,
				       'n', 'a', 'm', 'e' };
	uint8_t p[16];
	struct sfu_rtcp_pkt pkt;
	struct sfu_rtcp_fb fb;
	uint32_t ssrcs[4];
	uint16_t seqs[4];

	first(bye, sizeof(bye), &pkt);
	is_int(sfu_rtcp_kind(&pkt), SFU_RTCP_KIND_BYE, "BYE kind");
	is_int(sfu_rtcp_parse_bye(&pkt, ssrcs, 4), 2, "BYE: two ssrcs");
	ok(ssrcs[0] == 1 && ssrcs[1] == 2, "BYE ssrcs");
	is_int(sfu_rtcp_parse_bye(&pkt, ssrcs, 1), 1, "BYE bounded");
	memcpy(p, bye, sizeof(bye));
	p[0] = 0x85; /* SC 5 but room for 3 */
	first(p, sizeof(bye), &pkt);
	is_int(sfu_rtcp_parse_bye(&pkt, ssrcs, 4), -EINVAL, "BYE short");
	first(twcc, sizeof(twcc), &pkt);
	is_int(sfu_rtcp_kind(&pkt), SFU_RTCP_KIND_TWCC, "transport-cc kind");
	is_int(sfu_rtcp_parse_nack(&pkt, &fb, seqs, 4), -EINVAL,
	       "transport-cc is not a NACK");
	is_int(sfu_rtcp_parse_fb(&pkt, &fb), 0, "transport-cc fb header");
	first(app, sizeof(app), &pkt);
	is_int(sfu_rtcp_kind(&pkt), SFU_RTCP_KIND_APP, "APP kind");
	is_int(sfu_rtcp_parse_fb(&pkt, &fb), -EINVAL, "APP is not feedback");
	memcpy(p, twcc, sizeof(twcc));
	p[0] = 0x83;
	first(p, sizeof(twcc), &pkt);
	is_int(sfu_rtcp_kind(&pkt), SFU_RTCP_KIND_OTHER, "RTPFB fmt 3");
	p[0] = 0x81;
	p[1] = 207;
	first(p, sizeof(twcc), &pkt);
	is_int(sfu_rtcp_kind(&pkt), SFU_RTCP_KIND_XR, "XR kind");
	p[0] = 0x80;
	p[1] = 205;
	p[3] = 1; /* RTPFB too short for the media ssrc */
	first(p, 8, &pkt);
	is_int(sfu_rtcp_parse_nack(&pkt, &fb, seqs, 4), -EINVAL,
	       "RTPFB fmt 0 is not a NACK");
	p[0] = 0x81;
	first(p, 8, &pkt);
	is_int(sfu_rtcp_parse_nack(&pkt, &fb, seqs, 4), -EINVAL,
	       "NACK without media ssrc refused");
}

static void sr_short(void)
{
	uint8_t p[sizeof(sr_sdes)];
	struct sfu_rtcp_pkt pkt;
	struct sfu_rtcp_sr sr;

	memcpy(p, sr_sdes, sizeof(p));
	p[0] = 0x82; /* RC 2, room for 1 */
	first(p, sizeof(p), &pkt);
	is_int(sfu_rtcp_parse_sr(&pkt, &sr), -EINVAL, "SR RC beyond body");
	p[0] = 0x80;
	p[3] = 5; /* 20-byte body: 4 short of ssrc + sender info */
	first(p, sizeof(p), &pkt);
	is_int(sfu_rtcp_parse_sr(&pkt, &sr), -EINVAL, "SR short info");
	p[3] = 6;
	first(p, sizeof(p), &pkt);
	is_int(sfu_rtcp_parse_sr(&pkt, &sr), 0, "SR with no blocks");
}

static void ntp(void)
{
	static const uint64_t samples[] = { 0, 1, 999999, 1000000,
					    1700000000123456ULL,
					    2085978495999999ULL };
	uint64_t t = sfu_ntp_from_unix_us(0);
	int good = 0;

	ok(t == 2208988800ULL << 32, "Unix epoch in NTP");
	t = sfu_ntp_from_unix_us(1500000);
	ok(t == ((2208988801ULL << 32) | 0x80000000), "1.5 s");
	is_int(sfu_ntp_compact(t), (uint32_t)(2208988801ULL << 16) | 0x8000,
	       "compact NTP is the middle 32 bits");
	for (size_t i = 0; i < SFU_ARRAY_SIZE(samples); i++)
		good += sfu_ntp_to_unix_us(sfu_ntp_from_unix_us(samples[i])) ==
			samples[i];
	is_int(good, (int)SFU_ARRAY_SIZE(samples), "NTP round trips");
	t = sfu_ntp_from_unix_us(2085978496000000ULL + 5000000);
	is_int(t >> 32, 5, "2036 wraps the NTP era");
	ok(sfu_ntp_to_unix_us(t) == 2085978496000000ULL + 5000000,
	   "era 1 converts back");
}

static void rtt(void)
{
	uint32_t lsr = 0x12340000, dlsr = 0x00018000; /* 1.5 s */

	is_int(sfu_rtcp_rtt_ms(lsr + dlsr + 6554, lsr, dlsr), 100, "100 ms");
	is_int(sfu_rtcp_rtt_ms(lsr + dlsr, lsr, dlsr), 0, "0 ms");
	is_int(sfu_rtcp_rtt_ms(lsr + dlsr - 10, lsr, dlsr), 0,
	       "negative clamps to 0");
	is_int(sfu_rtcp_rtt_ms(5, 0, 0), -1, "no LSR: unknown");
	is_int(sfu_rtcp_rtt_ms(0x00001000, 0xffff0000, 0x00010000), 63,
	       "across the 32-bit wrap");
	is_int(sfu_rtcp_rtt_ms(lsr + 65536 * 2, lsr, 0), 2000, "2 s");
	is_int(sfu_rtcp_rtt_ms(lsr + 33, lsr, 0), 1, "sub-ms rounds up");
	is_int(sfu_rtcp_rtt_ms(lsr + 32, lsr, 0), 0, "sub-ms rounds down");
}

static void patch(void)
{
	uint8_t p[64], fir[28];
	struct sfu_rtcp_pkt pkt;
	struct sfu_rtcp_fb fb;
	struct sfu_rtcp_fir_entry e[2];
	struct sfu_rtcp_remb r;
	uint32_t one = 5;
	int n;

	n = sfu_rtcp_build_pli(p, sizeof(p), 1, 2);
	is_int(sfu_rtcp_patch_media_ssrc(p, (size_t)n, 0x99), 0, "PLI patch");
	is_int(sfu_rtcp_patch_sender_ssrc(p, (size_t)n, 0x88), 0,
	       "PLI sender patch");
	first(p, (size_t)n, &pkt);
	sfu_rtcp_parse_pli(&pkt, &fb);
	ok(fb.media_ssrc == 0x99 && fb.sender_ssrc == 0x88, "PLI patched");
	n = sfu_rtcp_build_nack(p, sizeof(p), 1, 2, (uint16_t[]){ 7 }, 1);
	is_int(sfu_rtcp_patch_media_ssrc(p, (size_t)n, 0x77), 0, "NACK patch");
	first(p, (size_t)n, &pkt);
	ok(sfu_rtcp_parse_nack(&pkt, &fb, (uint16_t[4]){ 0 }, 4) == 1 &&
		   fb.media_ssrc == 0x77,
	   "NACK patched");
	n = sfu_rtcp_build_fir(fir, sizeof(fir), 1, 2, 3);
	memcpy(fir + 20, fir + 12, 8); /* a second entry */
	fir[3] = 6;
	is_int(sfu_rtcp_patch_media_ssrc(fir, 28, 0x66), 0, "FIR patch");
	first(fir, 28, &pkt);
	ok(sfu_rtcp_parse_fir(&pkt, &fb, e, 2) == 2 && e[0].ssrc == 0x66 &&
		   e[1].ssrc == 0x66 && e[1].seq == 3 && fb.media_ssrc == 0,
	   "FIR entries patched, header untouched");
	is_int(sfu_rtcp_patch_media_ssrc(fir, 16, 1), -EINVAL,
	       "FIR without room for an entry");
	n = sfu_rtcp_build_remb(p, sizeof(p), 1, 100, &one, 1);
	is_int(sfu_rtcp_patch_media_ssrc(p, (size_t)n, 1), -EINVAL,
	       "REMB has no media ssrc to patch");
	first(p, (size_t)n, &pkt);
	ok(sfu_rtcp_parse_remb(&pkt, &r) == 0 && r.ssrcs[0] == 5,
	   "REMB untouched");
	n = sfu_rtcp_build_rr(p, sizeof(p), 1, NULL, 0);
	is_int(sfu_rtcp_patch_media_ssrc(p, (size_t)n, 1), -EINVAL,
	       "RR has no media ssrc");
	is_int(sfu_rtcp_patch_sender_ssrc(p, (size_t)n, 0x55), 0, "RR sender");
	is_int(sfu_get_be32(p + 4), 0x55, "RR sender patched");
	is_int(sfu_rtcp_patch_sender_ssrc(p, 7, 1), -EINVAL, "short packet");
	is_int(sfu_rtcp_patch_media_ssrc(p, 11, 1), -EINVAL, "short FB");
	p[1] = 203;
	is_int(sfu_rtcp_patch_sender_ssrc(p, (size_t)n, 1), -EINVAL, "BYE");
}

int main(void)
{
	iterate_sr_sdes();
	iterate_rr_nack_pli();
	iterate_bad();
	truncations(sr_sdes, sizeof(sr_sdes), "SR+SDES");
	truncations(rr_nack_pli, sizeof(rr_nack_pli), "RR+NACK+PLI");
	build_reports();
	build_sdes();
	nack();
	pli_fir();
	remb();
	bye_twcc_other();
	sr_short();
	ntp();
	rtt();
	patch();
	return tap_done();
}
