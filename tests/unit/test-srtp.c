/*
 * test-srtp.c - tests src/srtp.c and the OpenSSL ciphers of
 * src/srtp_ossl.c against libsrtp's own (NSS) ones: sessions made before
 * the replacement keep libsrtp's, sessions made after it use ours, so
 * packets protected by one are unprotected by the other, in both
 * directions, for SRTP and SRTCP, for AEAD_AES_128_GCM and for
 * AES_CM_128_HMAC_SHA1_80 (and every session key of ours comes from our
 * AES-ICM key derivation). Then the failures: a changed payload, header
 * or tag, a replay, packets too short to hold a tag.
 *
 * Then src/srtp_gcm.c, the native GCM RTP protect: its KDF on RFC 3711's
 * vector, and packet by packet against a stock libsrtp outbound session
 * with the same key (the same return, the same bytes), every packet it
 * protects opened by a stock libsrtp receiver and by ours: wraps to ROC 2
 * and past, a number from before a wrap sent after it, a repeated index,
 * the replay window's edge, CSRCs, both extension forms, padding, empty
 * and 1500-byte packets, a pseudo-random walk; malformed headers; more
 * SSRCs than its table holds; the key's packet limit.
 */
#include "srtp-int.h"

#include <errno.h>
#include <limits.h>
#include <srtp2/srtp.h>
#include <string.h>

#include "tap.h"

#define PAYLOAD 160

static size_t rtp(uint8_t *p, uint16_t seq, uint32_t ssrc)
{
	p[0] = 0x80;
	p[1] = 96;
	p[2] = (uint8_t)(seq >> 8);
	p[3] = (uint8_t)seq;
	memset(p + 4, 0, 4); /* timestamp */
	p[4] = (uint8_t)(seq >> 4);
	p[8] = (uint8_t)(ssrc >> 24);
	p[9] = (uint8_t)(ssrc >> 16);
	p[10] = (uint8_t)(ssrc >> 8);
	p[11] = (uint8_t)ssrc;
	for (int i = 0; i < PAYLOAD; i++)
		p[12 + i] = (uint8_t)(i * 7 + seq);
	return 12 + PAYLOAD;
}

static size_t rtcp_rr(uint8_t *p, uint32_t ssrc)
{
	p[0] = 0x80;
	p[1] = 201;
	p[2] = 0;
	p[3] = 1;
	p[4] = (uint8_t)(ssrc >> 24);
	p[5] = (uint8_t)(ssrc >> 16);
	p[6] = (uint8_t)(ssrc >> 8);
	p[7] = (uint8_t)ssrc;
	return 8;
}

static void keys(struct sfu_srtp_keys *k, enum sfu_srtp_profile p,
		 uint8_t local, uint8_t remote)
{
	memset(k, 0, sizeof(*k));
	k->profile = p;
	for (int i = 0; i < SFU_SRTP_MAX_KEY; i++) {
		k->local[i] = (uint8_t)(local + i);
		k->remote[i] = (uint8_t)(remote + i);
	}
}

/* n RTP packets from -> to; returns how many arrived intact. */
static int rtp_round_trips(struct sfu_srtp *from, struct sfu_srtp *to,
			   uint32_t ssrc, int n)
{
	uint8_t pkt[512], want[512];
	int good = 0;

	for (int i = 0; i < n; i++) {
		size_t len = rtp(pkt, (uint16_t)(1000 + i), ssrc), wlen = len;
		memcpy(want, pkt, len);
		if (sfu_srtp_protect(from, pkt, &len) < 0 || len <= wlen ||
		    memcmp(pkt + 12, want + 12, PAYLOAD) == 0)
			continue;
		if (sfu_srtp_unprotect(to, pkt, &len) == 0 && len == wlen &&
		    memcmp(pkt, want, len) == 0)
			good++;
	}
	return good;
}

static int rtcp_round_trips(struct sfu_srtp *from, struct sfu_srtp *to,
			    uint32_t ssrc, int n)
{
	uint8_t pkt[128], want[128];
	int good = 0;

	for (int i = 0; i < n; i++) {
		size_t len = rtcp_rr(pkt, ssrc), wlen = len;
		memcpy(want, pkt, len);
		if (sfu_srtp_protect_rtcp(from, pkt, &len) < 0)
			continue;
		if (sfu_srtp_unprotect_rtcp(to, pkt, &len) == 0 &&
		    len == wlen && memcmp(pkt, want, len) == 0)
			good++;
	}
	return good;
}

static void failures(struct sfu_srtp *from, struct sfu_srtp *to)
{
	uint8_t pkt[512], copy[512];
	size_t len = rtp(pkt, 5000, 0x5555), clen;

	sfu_srtp_protect(from, pkt, &len);
	memcpy(copy, pkt, len);
	clen = len;
	pkt[20] ^= 1;
	is_int(sfu_srtp_unprotect(to, pkt, &len), -EACCES,
	       "a changed payload fails authentication");
	memcpy(pkt, copy, clen);
	len = clen;
	pkt[5] ^= 1; /* timestamp: in the AAD */
	is_int(sfu_srtp_unprotect(to, pkt, &len), -EACCES,
	       "a changed header fails authentication");
	memcpy(pkt, copy, clen);
	len = clen;
	pkt[len - 1] ^= 0x80;
	is_int(sfu_srtp_unprotect(to, pkt, &len), -EACCES,
	       "a changed tag fails authentication");
	memcpy(pkt, copy, clen);
	len = clen;
	is_int(sfu_srtp_unprotect(to, pkt, &len), 0,
	       "the untouched packet still passes after those failures");
	memcpy(pkt, copy, clen);
	len = clen;
	is_int(sfu_srtp_unprotect(to, pkt, &len), -EALREADY,
	       "a replay is refused");
	for (size_t cut = 0; cut <= 28; cut += 4) {
		memcpy(pkt, copy, clen);
		len = 12 + cut; /* header and less than payload + tag */
		if (sfu_srtp_unprotect(to, pkt, &len) == 0) {
			ok(0, "a packet cut to %zu bytes passed", len);
			return;
		}
	}
	ok(1, "packets too short for their tag are refused");
}

/* libsrtp's session `theirs` and our `ours`, keyed as each other's peer. */
static void cross_check(struct sfu_srtp *theirs, struct sfu_srtp *ours,
			const char *profile, uint32_t ssrc)
{
	is_int(rtp_round_trips(theirs, ours, ssrc + 1, 200), 200,
	       "%s: SRTP from libsrtp's opens with ours", profile);
	is_int(rtp_round_trips(ours, theirs, ssrc + 2, 200), 200,
	       "%s: SRTP from ours opens with libsrtp's", profile);
	is_int(rtcp_round_trips(theirs, ours, ssrc + 3, 50), 50,
	       "%s: SRTCP from libsrtp's opens with ours", profile);
	is_int(rtcp_round_trips(ours, theirs, ssrc + 4, 50), 50,
	       "%s: SRTCP from ours opens with libsrtp's", profile);
	failures(theirs, ours);
	failures(ours, theirs);
}

/* ---- the native GCM protect against libsrtp's ---------------------------- */

#define MAXPKT 1500 /* the largest RTP packet the server keeps (SFU_RTP_MAX) */

/* What a packet carries besides its payload. */
struct shape {
	uint8_t cc;     /* CSRCs */
	uint8_t ext;    /* 0: none, 1: one-byte (0xBEDE), 2: two-byte (0x100x) */
	bool pad;       /* the P bit and 4 octets of padding */
	size_t payload; /* SIZE_MAX: as much as fits MAXPKT */
};

static const struct shape shapes[] = {
	{ 0, 0, false, PAYLOAD },  { 2, 0, false, PAYLOAD },
	{ 0, 1, false, PAYLOAD },  { 0, 2, false, 40 },
	{ 15, 1, false, 20 },      { 0, 0, false, 0 },
	{ 1, 2, true, 100 },       { 0, 1, false, SIZE_MAX },
	{ 0, 0, false, SIZE_MAX }, { 3, 0, false, 1 },
};

static size_t build(uint8_t *p, const struct shape *sh, uint16_t seq,
		    uint32_t ssrc)
{
	size_t h, n;

	rtp(p, seq, ssrc);
	p[0] = (uint8_t)(0x80 | sh->cc | (sh->ext ? 0x10 : 0) |
			 (sh->pad ? 0x20 : 0));
	h = 12;
	for (int i = 0; i < sh->cc; i++, h += 4)
		memset(p + h, 0xc0 + i, 4);
	if (sh->ext == 1) { /* two elements: id 1 (3 bytes), id 2 (2 bytes) */
		static const uint8_t e[] = { 0xbe, 0xde, 0, 2, 0x12, 9, 8,
					     7, 0x21, 6, 5, 0 };
		memcpy(p + h, e, sizeof(e));
		h += sizeof(e);
	} else if (sh->ext == 2) {
		static const uint8_t e[] = { 0x10, 0x00, 0, 1, 7, 2, 0xab, 0xcd };
		memcpy(p + h, e, sizeof(e));
		h += sizeof(e);
	}
	n = sh->payload == SIZE_MAX ? MAXPKT - h : sh->payload;
	for (size_t i = 0; i < n; i++)
		p[h + i] = (uint8_t)(i * 13 + seq);
	if (sh->pad && n >= 4)
		p[h + n - 1] = 4;
	return h + n;
}

/* Sessions that keep a packet's fate: our native protect, libsrtp's
 * protect with the same key, and two receivers, stock libsrtp (its own
 * ciphers) and ours. */
struct judge {
	struct sfu_srtp *nat, *ref, *stock_in, *ours_in;
	int differ, unopened, n, refused;
	uint8_t out[MAXPKT + SFU_SRTP_TRAILER]; /* the last protected */
	size_t out_len;
};

/* Protect pkt both ways and compare; when want_open, both receivers must
 * open it. Returns what protect returned. */
static int judge(struct judge *j, const uint8_t *pkt, size_t len,
		 bool want_open)
{
	static uint8_t a[MAXPKT + SFU_SRTP_TRAILER], b[sizeof(a)];
	size_t alen = len, blen = len;
	int ra, rb;

	memcpy(a, pkt, len);
	memcpy(b, pkt, len);
	ra = sfu_srtp_protect(j->nat, a, &alen);
	rb = sfu_srtp_protect(j->ref, b, &blen);
	j->n++;
	if (ra != rb || alen != blen || memcmp(a, b, alen) != 0) {
		if (j->differ++ < 3)
			printf("# differs: len %zu seq %u: rc %d/%d len %zu/%zu\n",
			       len, len >= 4 ? pkt[2] << 8 | pkt[3] : 0, ra, rb,
			       alen, blen);
	}
	if (ra < 0)
		j->refused++;
	memcpy(j->out, a, alen);
	j->out_len = alen;
	if (ra == 0 && want_open) {
		struct sfu_srtp *rx[] = { j->stock_in, j->ours_in };
		for (int i = 0; i < 2; i++) {
			size_t n = alen;
			memcpy(b, a, alen);
			if (sfu_srtp_unprotect(rx[i], b, &n) != 0 || n != len ||
			    memcmp(b, pkt, len) != 0)
				j->unopened++;
		}
	}
	return ra;
}

/* Three SSRCs interleaved from sequence numbers just below 65535, every
 * shape in turn, steps of 1 and every tenth 16000, so that each wraps to
 * ROC 2 and past; one number before the first wrap held back and sent
 * after it (so with ROC 0 again). Called again, the SSRCs go on. */
static void wraps(struct judge *j)
{
	static uint8_t pkt[MAXPKT];
	static const uint32_t ssrc[3] = { 0xa0000001, 0xa0000002, 0x0000a003 };
	static uint64_t ext[3] = { 65530, 65533, 65535 }; /* indexes */
	static int k;
	size_t len;

	for (int i = 0; i < 600; i++) {
		int s = i % 3;
		if (s == 0 && ext[s] == 65534)
			ext[s]++; /* held back */
		len = build(pkt, &shapes[k++ % SFU_ARRAY_SIZE(shapes)],
			    (uint16_t)ext[s], ssrc[s]);
		judge(j, pkt, len, true);
		if (s == 0 && ext[s] == 65538) {
			len = build(pkt, &shapes[1], 65534, ssrc[0]);
			is_int(judge(j, pkt, len, true), 0,
			       "65534, sent after 0, 1 and 2, is protected "
			       "with ROC 0");
		}
		ext[s] += i / 3 % 10 == 9 ? 16000 : 1;
	}
	ok(ext[0] >> 16 >= 2 && ext[1] >> 16 >= 2 && ext[2] >> 16 >= 2,
	   "the SSRCs reached ROC %u, %u, %u", (unsigned)(ext[0] >> 16),
	   (unsigned)(ext[1] >> 16), (unsigned)(ext[2] >> 16));
}

/* One packet sent twice (a NACK answered without RTX): the same bytes
 * both times, as libsrtp gives; a receiver calls the second a replay. */
static void repeat(struct judge *j)
{
	static uint8_t pkt[MAXPKT], once[MAXPKT + SFU_SRTP_TRAILER];
	size_t len = build(pkt, &shapes[1], 4242, 0xa0000004), n1, n;

	is_int(judge(j, pkt, len, true), 0, "a packet protected and opened");
	memcpy(once, j->out, j->out_len);
	n1 = j->out_len;
	is_int(judge(j, pkt, len, false), 0,
	       "the same packet again (a repeated index) is protected");
	ok(j->out_len == n1 && memcmp(j->out, once, n1) == 0,
	   "to the same bytes");
	n = n1;
	is_int(sfu_srtp_unprotect(j->stock_in, once, &n), -EALREADY,
	       "which a receiver calls a replay");
}

/* The window: an index 1023 behind the highest is protected, 1024 behind
 * refused (libsrtp's protect refuses those even with repeats allowed). */
static void window(struct judge *j)
{
	static uint8_t pkt[MAXPKT];
	const uint32_t ssrc = 0xa0000005;
	size_t len;

	len = build(pkt, &shapes[0], 60000, ssrc);
	judge(j, pkt, len, true);
	len = build(pkt, &shapes[0], 2000, ssrc); /* ROC 1 */
	judge(j, pkt, len, true);
	len = build(pkt, &shapes[0], 2000 - 1024, ssrc);
	is_int(judge(j, pkt, len, false), -EALREADY,
	       "an index 1024 behind the highest is refused");
	len = build(pkt, &shapes[0], 2000 - 1023, ssrc);
	is_int(judge(j, pkt, len, true), 0, "one 1023 behind is protected");
	len = build(pkt, &shapes[0], (uint16_t)(2000 - 3000), ssrc);
	is_int(judge(j, pkt, len, false), -EALREADY,
	       "one before the wrap, far behind, is refused");
}

static uint32_t rnd(uint32_t *x)
{
	*x = *x * 1103515245u + 12345u;
	return *x >> 8;
}

/* Pseudo-random packets, SSRCs, shapes, versions and steps (back, by
 * up to 1100; forward, past half the sequence space; anywhere), now and
 * then cut short (often malformed): the same fate both ways. */
static void random_walk(struct judge *j)
{
	static uint8_t pkt[MAXPKT];
	uint16_t seq[5] = { 1, 30000, 32768, 32769, 65535 };
	uint32_t x = 12345;

	for (int i = 0; i < 4000; i++) {
		uint32_t r = rnd(&x), s = r % 5, step = rnd(&x);
		size_t len;
		switch (r >> 4 & 7) {
		case 0: seq[s] = (uint16_t)(seq[s] - step % 1100); break;
		case 1: seq[s] = (uint16_t)(seq[s] + 32000 + step % 1500); break;
		case 2: seq[s] = (uint16_t)(seq[s] + step); break;
		default: seq[s]++; break;
		}
		len = build(pkt, &shapes[(r >> 8) % SFU_ARRAY_SIZE(shapes)],
			    seq[s], 0xc0000000 + s);
		pkt[0] ^= (uint8_t)((r >> 12 & 3) << 6); /* any version */
		if ((r >> 14 & 7) == 0)
			len = rnd(&x) % (len + 1);
		judge(j, pkt, len, false);
	}
}

static void same_fate(struct judge *j, const char *what)
{
	is_int(j->differ, 0, "%s: %d packets, native = libsrtp's, byte for "
	       "byte (%d refused by both)", what, j->n, j->refused);
	is_int(j->unopened, 0, "%s: stock libsrtp and ours open each", what);
	j->differ = j->unopened = j->n = j->refused = 0;
}

/* Refused where libsrtp refuses, with nothing changed: afterwards the
 * table holds no new SSRC and the indexes are where they were. */
static void malformed(struct judge *j)
{
	static uint8_t pkt[MAXPKT], copy[MAXPKT];
	struct sfu__srtp_gcm *g = sfu__srtp_gcm_of(j->nat);
	unsigned before = sfu__srtp_gcm_ssrcs(g);
	const uint32_t ssrc = 0xa0000001; /* known from wraps() */
	struct {
		const char *what;
		uint8_t b0, ext[4];
		size_t len;
	} bad[] = {
		{ "empty", 0x80, { 0 }, 0 },
		{ "11 bytes", 0x80, { 0 }, 11 },
		{ "CSRCs past the end", 0x82, { 0 }, 19 },
		{ "no room for the extension header", 0x90, { 0 }, 15 },
		{ "extension past the end", 0x90, { 0xbe, 0xde, 0, 3 }, 27 },
		{ "CSRCs and extension past the end", 0x91,
		  { 0, 0, 0, 0 }, 19 },
	};
	int fails = 0, differ = 0;

	for (size_t i = 0; i < SFU_ARRAY_SIZE(bad); i++) {
		for (int known = 0; known < 2; known++) {
			size_t len = bad[i].len;
			rtp(pkt, 30000, known ? ssrc : 0xbad00000 + (uint32_t)i);
			pkt[0] = bad[i].b0;
			memcpy(pkt + 12 + 4 * (bad[i].b0 & 15), bad[i].ext, 4);
			memcpy(copy, pkt, sizeof(pkt));
			if (sfu_srtp_protect(j->nat, pkt, &len) != -EINVAL ||
			    len != bad[i].len || memcmp(pkt, copy, MAXPKT))
				fails++, printf("# %s\n", bad[i].what);
			len = bad[i].len;
			if (sfu_srtp_protect(j->ref, pkt, &len) != -EINVAL)
				differ++;
		}
	}
	is_int(fails, 0, "malformed headers: -EINVAL, the packet untouched");
	is_int(differ, 0, "libsrtp refuses the same ones");
	is_int(sfu__srtp_gcm_ssrcs(g), before, "no SSRC taken by them");
	{
		size_t len = (size_t)INT_MAX + 1;
		rtp(pkt, 1, ssrc);
		is_int(sfu_srtp_protect(j->nat, pkt, &len), -EINVAL,
		       "a length past INT_MAX is refused");
	}
	wraps(j); /* the same SSRCs, on from where they were */
	same_fate(j, "after them");
}

/* More SSRCs than the table may hold (lowered to 96 here; it is
 * SFU__SRTP_GCM_SSRCS): the ones past it go to libsrtp and still wrap
 * right; every packet counts against the key's limit. */
static void table_full(struct judge *j)
{
	static uint8_t pkt[MAXPKT];
	const int max = 96, n = max + 20;
	const uint16_t seqs[] = { 65534, 65535, 0, 1, 2 };
	struct sfu__srtp_gcm *g = sfu__srtp_gcm_of(j->nat);
	size_t len;

	sfu__srtp_gcm_set_left(g, SFU_ARRAY_SIZE(seqs) * (uint64_t)n);
	sfu__srtp_gcm_set_max(g, (unsigned)max);
	for (size_t r = 0; r < SFU_ARRAY_SIZE(seqs); r++)
		for (int i = 0; i < n; i++) {
			len = build(pkt, &shapes[(size_t)i % 4], seqs[r],
				    0xb0000000 + (uint32_t)i * 7919);
			judge(j, pkt, len, true);
		}
	is_int(sfu__srtp_gcm_ssrcs(g), max, "the table holds %d SSRCs", max);
	same_fate(j, "table full");
	len = build(pkt, &shapes[0], 3, 0xb0000000 + (uint32_t)(n - 1) * 7919);
	is_int(sfu_srtp_protect(j->nat, pkt, &len), -EKEYEXPIRED,
	       "libsrtp's packets counted against the key too");
}

/* Past the table's first 128 slots: it grows (several times), every SSRC
 * stays native, and those from before the growth go on where they were
 * (their second and third rounds wrap the ROC). */
static void grows(struct judge *j)
{
	static uint8_t pkt[MAXPKT];
	const int n = 600;
	const uint16_t seqs[] = { 65535, 0, 1 };
	struct sfu__srtp_gcm *g = sfu__srtp_gcm_of(j->nat);
	unsigned before = sfu__srtp_gcm_ssrcs(g);
	size_t len;

	for (size_t r = 0; r < SFU_ARRAY_SIZE(seqs); r++)
		for (int i = 0; i < n; i++) {
			len = build(pkt, &shapes[(size_t)i % 4], seqs[r],
				    0xe0000000 + (uint32_t)i * 104729);
			judge(j, pkt, len, true);
		}
	is_int(sfu__srtp_gcm_ssrcs(g), before + n, "the table grew to hold %d "
	       "more SSRCs, all native", n);
	same_fate(j, "a growing table");
}

static void key_limit(struct sfu_srtp *s)
{
	static uint8_t pkt[MAXPKT + SFU_SRTP_TRAILER];
	int good = 0, expired = 0;

	sfu__srtp_gcm_set_left(sfu__srtp_gcm_of(s), 3);
	for (int i = 0; i < 6; i++) {
		size_t len = rtp(pkt, (uint16_t)(100 + i), 0xd0000000);
		int rc = sfu_srtp_protect(s, pkt, &len);
		good += rc == 0;
		expired += rc == -EKEYEXPIRED;
	}
	ok(good == 3 && expired == 3,
	   "a key protects its limit of packets, then -EKEYEXPIRED");
}

/* RFC 3711 B.3: the KDF's cipher key and salt from its master key. */
static void kdf_vector(void)
{
	static const uint8_t key[16] = {
		0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0,
		0xd6, 0x4f, 0xa3, 0x2c, 0x06, 0xde, 0x41, 0x39,
	};
	static const uint8_t salt[14] = {
		0x0e, 0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe,
		0xeb, 0xb6, 0x96, 0x0b, 0x3a, 0xab, 0xe6,
	};
	static const uint8_t ck[16] = {
		0xc6, 0x1e, 0x7a, 0x93, 0x74, 0x4f, 0x39, 0xee,
		0x10, 0x73, 0x4a, 0xfe, 0x3f, 0xf7, 0xa0, 0x87,
	};
	static const uint8_t cs[14] = {
		0x30, 0xcb, 0xbc, 0x08, 0x86, 0x3d, 0x8c,
		0x85, 0xd4, 0x9d, 0xb3, 0x4a, 0x9a, 0xe1,
	};
	uint8_t out[16], out2[16];

	ok(sfu__srtp_kdf(key, salt, 14, 0, out) == 0 &&
	   memcmp(out, ck, 16) == 0, "KDF: RFC 3711 B.3's cipher key");
	ok(sfu__srtp_kdf(key, salt, 14, 2, out2) == 0 &&
	   memcmp(out2, cs, 14) == 0, "KDF: RFC 3711 B.3's cipher salt");
}

/* A second native session with the same key, for the table, and its
 * libsrtp twin; then a third for the key's limit. */
static void fresh_sessions(struct judge *j, const struct sfu_srtp_keys *k)
{
	struct judge t = { .stock_in = j->stock_in, .ours_in = j->ours_in };
	struct sfu_srtp *lim;

	t.nat = sfu_srtp_new(k);
	t.ref = sfu_srtp_new(k);
	sfu__srtp_native_off(t.ref);
	table_full(&t);
	sfu_srtp_free(t.nat);
	sfu_srtp_free(t.ref);
	lim = sfu_srtp_new(k);
	key_limit(lim);
	sfu_srtp_free(lim);
}

static void native(struct judge *j, const struct sfu_srtp_keys *k)
{
	kdf_vector();
	wraps(j);
	repeat(j);
	window(j);
	same_fate(j, "wraps, repeats, the window");
	random_walk(j);
	same_fate(j, "random");
	malformed(j);
	grows(j);
	fresh_sessions(j, k);
}

int main(void)
{
	struct sfu_srtp_keys ka, kc, kcm1, kcm2, kn, kn_peer;
	struct sfu_srtp *nss, *ossl, *cm1, *cm2;
	struct judge j = { 0 };

	ok(sfu_srtp_new(&(struct sfu_srtp_keys){ 0 }) == NULL,
	   "no session without a profile");
	is_int(sfu_srtp_global_init(), 0, "libsrtp starts with our GCM");
	sfu_srtp_global_shutdown();

	/* srtp_init alone (after a shutdown it loads its built-in ciphers
	 * again): sessions with libsrtp's own GCM */
	keys(&ka, SFU_SRTP_AEAD_AES_128_GCM, 1, 101);
	keys(&kc, SFU_SRTP_AEAD_AES_128_GCM, 101, 1);
	keys(&kn, SFU_SRTP_AEAD_AES_128_GCM, 31, 131);
	keys(&kn_peer, SFU_SRTP_AEAD_AES_128_GCM, 131, 31);
	is_int(srtp_init(), srtp_err_status_ok, "libsrtp's own init");
	keys(&kcm1, SFU_SRTP_AES128_CM_SHA1_80, 7, 77);
	keys(&kcm2, SFU_SRTP_AES128_CM_SHA1_80, 77, 7);
	nss = sfu_srtp_new(&ka);
	cm1 = sfu_srtp_new(&kcm1);
	/* stock libsrtp: the reference protect and a receiver */
	j.ref = sfu_srtp_new(&kn);
	j.stock_in = sfu_srtp_new(&kn_peer);
	ok(nss && cm1 && j.ref && j.stock_in,
	   "sessions with libsrtp's GCM, ICM and HMAC");
	sfu__srtp_native_off(j.ref);
	is_int(sfu__srtp_use_openssl(), 0,
	       "the OpenSSL GCM, ICM and HMAC-SHA1 pass libsrtp's self-tests");
	ossl = sfu_srtp_new(&kc);
	cm2 = sfu_srtp_new(&kcm2);
	ok(ossl && cm2, "sessions with the OpenSSL ones (keys derived with "
	   "the OpenSSL ICM)");
	j.nat = sfu_srtp_new(&kn);
	j.ours_in = sfu_srtp_new(&kn_peer);
	ok(j.nat && j.ours_in && sfu__srtp_gcm_of(j.nat) &&
	   sfu__srtp_gcm_of(ossl) && !sfu__srtp_gcm_of(j.ref) &&
	   !sfu__srtp_gcm_of(cm2), "GCM sessions protect RTP natively, "
	   "AES-CM ones do not");

	cross_check(nss, ossl, "AEAD_AES_128_GCM", 0x1000);
	cross_check(cm1, cm2, "AES_CM_128_HMAC_SHA1_80", 0x2000);
	native(&j, &kn);

	sfu_srtp_free(nss);
	sfu_srtp_free(ossl);
	sfu_srtp_free(cm1);
	sfu_srtp_free(cm2);
	sfu_srtp_free(j.nat);
	sfu_srtp_free(j.ref);
	sfu_srtp_free(j.stock_in);
	sfu_srtp_free(j.ours_in);
	sfu_srtp_global_shutdown();
	return tap_done();
}
