/*
 * sdp.c - SDP (RFC 8866) as WebRTC offers and answers use it: a one-pass
 * parser into struct sfu_sdp, and a line writer.
 *
 * The parser's only state is where it is:
 *
 *   state        line                 effect
 *   first line   v=0                  -> session (anything else: -EINVAL)
 *   session      o=                   origin; once, before any m=
 *   session      a=<session attr>     into struct sfu_sdp
 *   session      m=                   -> media[0]
 *   media i      a=<media attr>       into media[i]
 *   media i      m=                   -> media[i+1] (-E2BIG past 64)
 *   end          (text ends)          session transport attributes and
 *                                     direction copied into media lacking
 *                                     them; no o= is -EINVAL
 *
 * Attributes are a table of {name, where, handler, field offsets}, as
 * nginx does its directives; unknown ones, or ones meaningless where they
 * appear (a=rtpmap before any m=), are ignored as RFC 8866 asks. Nothing
 * is allocated: past any bound of sdp.h is -E2BIG. Reasons in why never
 * echo input (they may go into JSON and must stay UTF-8): only line
 * numbers and parsed numbers.
 */
#include "sdp.h"
#include "sdp-int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

struct attr;

struct parser {
	struct sfu_sdp *sdp;
	struct sfu_sdp_media *m; /* NULL at session level */
	enum sfu_sdp_dir session_dir;
	const struct attr *a; /* the attribute being parsed */
	struct sfu_str attr;  /* its whole text, "candidate:..." */
	unsigned line;       /* 1-based; 0 once the text has ended */
	bool have_o;
	bool why_set;
	char *why;
	size_t whylen;
};

/* ---- errors ------------------------------------------------------------ */

/* Write "line N: <reason>" to why unless a reason is already there, and
 * return err, so the most specific reason wins. */
static SFU_PRINTF(3, 4) int fail(struct parser *p, int err, const char *fmt,
				  ...)
{
	va_list ap;
	int n = 0;

	if (p->why_set || !p->why || p->whylen == 0)
		return err;
	p->why_set = true;
	if (p->line)
		n = snprintf(p->why, p->whylen, "line %u: ", p->line);
	if (n < 0 || (size_t)n >= p->whylen)
		return err;
	va_start(ap, fmt);
	vsnprintf(p->why + n, p->whylen - (size_t)n, fmt, ap);
	va_end(ap);
	return err;
}

/* An -E2BIG for the list what, past its bound max. */
static int too_many(struct parser *p, int max, const char *what)
{
	return fail(p, -E2BIG, "more than %d %s", max, what);
}

/* ---- lookups shared by the parser and the helpers ---------------------- */

int sfu__sdp_format_index(const struct sfu_sdp_media *m, uint32_t pt)
{
	for (int i = 0; i < m->n_formats; i++)
		if (m->formats[i].pt == pt)
			return i;
	return -1;
}

const char *const sfu__sdp_dir_names[4] = { "sendrecv", "sendonly", "recvonly",
					 "inactive" };

static enum sfu_sdp_dir dir_of(struct sfu_str s)
{
	for (size_t i = 0; i < SFU_ARRAY_SIZE(sfu__sdp_dir_names); i++)
		if (sfu_str_eq(s, sfu__sdp_dir_names[i]))
			return (enum sfu_sdp_dir)(SFU_DIR_SENDRECV + i);
	return SFU_DIR_UNSET;
}

/* ---- attributes -------------------------------------------------------- */

enum { AT_SESSION = 1, AT_MEDIA = 2, AT_BOTH = 3 };

struct attr {
	const char *name;
	uint8_t where; /* AT_*: elsewhere the attribute is ignored */
	int (*fn)(struct parser *p, struct sfu_str v);
	size_t moff, soff; /* field offsets for the generic setters */
	uint32_t max;      /* for set_num: up to 65535 the field is a u16 */
};

/* The field a generic setter writes: in the media or the session. */
static void *field(struct parser *p)
{
	return p->m ? (char *)p->m + p->a->moff : (char *)p->sdp + p->a->soff;
}

static int set_flag(struct parser *p, struct sfu_str v)
{
	(void)v;
	*(bool *)field(p) = true;
	return 0;
}

static int set_text(struct parser *p, struct sfu_str v)
{
	if (v.len == 0)
		return -EINVAL;
	*(struct sfu_str *)field(p) = v;
	return 0;
}

/* A single word: a=ice-ufrag, a=ice-pwd. */
static int set_word(struct parser *p, struct sfu_str v)
{
	if (memchr(v.p, ' ', v.len))
		return -EINVAL;
	return set_text(p, v);
}

/* A number up to the entry's max: a=sctp-port, a=max-message-size. */
static int set_num(struct parser *p, struct sfu_str v)
{
	uint32_t u;

	if (!sfu__str_num32(v, 0, p->a->max, &u))
		return -EINVAL;
	if (p->a->max <= UINT16_MAX)
		*(uint16_t *)field(p) = (uint16_t)u;
	else
		*(uint32_t *)field(p) = u;
	return 0;
}

/* a=group:BUNDLE <mid>...; other semantics (LS, FID) are ignored. */
static int a_group(struct parser *p, struct sfu_str v)
{
	struct sfu_sdp *sdp = p->sdp;
	struct sfu_str sem = sfu__str_word(&v), mid;

	if (sem.len == 0)
		return -EINVAL;
	if (!sfu_str_eq(sem, "BUNDLE"))
		return 0;
	if (sdp->has_bundle)
		return fail(p, -EINVAL, "more than one BUNDLE group");
	sdp->has_bundle = true;
	while ((mid = sfu__str_word(&v)).len) {
		if (sdp->n_bundle >= SFU_SDP_MAX_BUNDLE)
			return too_many(p, SFU_SDP_MAX_BUNDLE, "mids in BUNDLE");
		sdp->bundle[sdp->n_bundle++] = mid;
	}
	return 0;
}

/* a=fingerprint:<hash> <value>. Of several, the first is kept unless a
 * later one is the sha-256 that every DTLS stack supports. */
static int a_fingerprint(struct parser *p, struct sfu_str v)
{
	struct sfu_str *hash = p->m ? &p->m->fingerprint_hash
				    : &p->sdp->fingerprint_hash;
	struct sfu_str *fp = p->m ? &p->m->fingerprint : &p->sdp->fingerprint;
	struct sfu_str h = sfu__str_word(&v), f = sfu__str_word(&v);

	if (h.len == 0 || f.len == 0 || v.len)
		return -EINVAL;
	if (hash->len &&
	    (sfu_str_caseeq(*hash, "sha-256") || !sfu_str_caseeq(h, "sha-256")))
		return 0;
	*hash = h;
	*fp = f;
	return 0;
}

static int a_setup(struct parser *p, struct sfu_str v)
{
	static const char *const names[] = { "actpass", "active", "passive" };
	enum sfu_sdp_setup *dst = p->m ? &p->m->setup : &p->sdp->setup;

	for (size_t i = 0; i < SFU_ARRAY_SIZE(names); i++)
		if (sfu_str_eq(v, names[i])) {
			*dst = (enum sfu_sdp_setup)(SFU_SETUP_ACTPASS + i);
			return 0;
		}
	return fail(p, -EINVAL, "a=setup must be actpass, active or passive");
}

/* a=sendrecv, a=sendonly, a=recvonly, a=inactive: one per section. */
static int a_dir(struct parser *p, struct sfu_str v)
{
	enum sfu_sdp_dir *dst = p->m ? &p->m->dir : &p->session_dir;
	struct sfu_str name = { p->a->name, strlen(p->a->name) };

	(void)v;
	if (*dst != SFU_DIR_UNSET)
		return fail(p, -EINVAL, "more than one direction attribute");
	*dst = dir_of(name);
	return 0;
}

static int a_mid(struct parser *p, struct sfu_str v)
{
	struct sfu_sdp *sdp = p->sdp;

	if (p->m->mid.len)
		return fail(p, -EINVAL, "more than one a=mid");
	for (int i = 0; i < sdp->n_media; i++)
		if (v.len && sdp->media[i].mid.len == v.len &&
		    memcmp(sdp->media[i].mid.p, v.p, v.len) == 0)
			return fail(p, -EINVAL, "a=mid repeats m-section %d's",
				    i + 1);
	if (v.len == 0 || memchr(v.p, ' ', v.len))
		return -EINVAL;
	p->m->mid = v;
	return 0;
}

/* The format whose payload type is the word w, for a=<name>:<pt> ... */
static int pt_format(struct parser *p, struct sfu_str w,
		     struct sfu_sdp_format **out)
{
	const char *name = p->a->name;
	uint32_t pt;
	int i;

	if (!sfu__str_num32(w, 0, 127, &pt))
		return fail(p, -EINVAL, "bad payload type in a=%s", name);
	i = sfu__sdp_format_index(p->m, pt);
	if (i < 0)
		return fail(p, -EINVAL,
			    "a=%s for payload type %u not in the m= line", name,
			    pt);
	*out = &p->m->formats[i];
	return 0;
}

/* a=rtpmap:<pt> <name>/<clock>[/<channels>] */
static int a_rtpmap(struct parser *p, struct sfu_str v)
{
	struct sfu_sdp_format *f;
	struct sfu_str enc, name, clock, chans;
	uint32_t rate, ch = 0;
	bool has_ch;
	int err = pt_format(p, sfu__str_word(&v), &f);

	if (err)
		return err;
	if (f->has_rtpmap)
		return fail(p, -EINVAL, "a=rtpmap repeated for payload type %u",
			    f->pt);
	enc = sfu__str_word(&v);
	sfu__str_split(enc, '/', &name, &clock);
	has_ch = sfu__str_split(clock, '/', &clock, &chans);
	if (v.len || name.len == 0 ||
	    !sfu__str_num32(clock, 1, UINT32_MAX, &rate) ||
	    (has_ch && !sfu__str_num32(chans, 1, 255, &ch)))
		return -EINVAL;
	f->name = name;
	f->clock = rate;
	f->channels = (uint8_t)ch;
	f->has_rtpmap = true;
	return 0;
}

/* a=fmtp:<pt> <parameters> */
static int a_fmtp(struct parser *p, struct sfu_str v)
{
	struct sfu_sdp_format *f;
	int err = pt_format(p, sfu__str_word(&v), &f);

	if (err)
		return err;
	if (f->fmtp.len)
		return fail(p, -EINVAL, "a=fmtp repeated for payload type %u",
			    f->pt);
	if (v.len == 0)
		return -EINVAL;
	f->fmtp = v;
	return 0;
}

static uint8_t fb_flag(struct sfu_str type, struct sfu_str sub)
{
	if (sfu_str_eq(type, "nack"))
		return sub.len == 0		  ? SFU_FB_NACK
		       : sfu_str_eq(sub, "pli") ? SFU_FB_NACK_PLI
						  : 0;
	if (sfu_str_eq(type, "ccm") && sfu_str_eq(sub, "fir"))
		return SFU_FB_CCM_FIR;
	if (sfu_str_eq(type, "goog-remb"))
		return SFU_FB_REMB;
	if (sfu_str_eq(type, "transport-cc"))
		return SFU_FB_TWCC;
	return 0;
}

/* a=rtcp-fb:<pt|*> <type> [<subtype>]; unknown types are ignored. */
static int a_rtcp_fb(struct parser *p, struct sfu_str v)
{
	struct sfu_str pt = sfu__str_word(&v), type = sfu__str_word(&v);
	struct sfu_str sub = sfu__str_word(&v);
	struct sfu_sdp_format *f;
	int err;

	if (type.len == 0)
		return -EINVAL;
	if (sfu_str_eq(pt, "*")) {
		p->m->fb_all |= fb_flag(type, sub);
		return 0;
	}
	err = pt_format(p, pt, &f);
	if (err)
		return err;
	f->fb |= fb_flag(type, sub);
	return 0;
}

/* a=extmap:<id>[/<direction>] <uri> [<attributes>] */
static int a_extmap(struct parser *p, struct sfu_str v)
{
	struct sfu_sdp_media *m = p->m;
	struct sfu_str idw = sfu__str_word(&v), uri = sfu__str_word(&v), dir;
	bool has_dir = sfu__str_split(idw, '/', &idw, &dir);
	struct sfu_sdp_extmap *e;
	uint32_t id;

	if (!sfu__str_num32(idw, 1, 255, &id) || uri.len == 0)
		return -EINVAL;
	if (has_dir && dir_of(dir) == SFU_DIR_UNSET)
		return fail(p, -EINVAL, "bad direction in a=extmap");
	for (int i = 0; i < m->n_extmaps; i++)
		if (m->extmaps[i].id == id)
			return fail(p, -EINVAL, "a=extmap id %u repeated", id);
	if (m->n_extmaps >= SFU_SDP_MAX_EXTMAPS)
		return too_many(p, SFU_SDP_MAX_EXTMAPS, "a=extmap");
	e = &m->extmaps[m->n_extmaps++];
	e->id = (uint8_t)id;
	e->uri = uri;
	e->dir = dir.len ? dir_of(dir) : SFU_DIR_UNSET;
	return 0;
}

/* a=ssrc:<ssrc> <attribute>[:<value>]; one entry per distinct ssrc. */
static int a_ssrc(struct parser *p, struct sfu_str v)
{
	struct sfu_sdp_media *m = p->m;
	struct sfu_str name, value;
	struct sfu_sdp_ssrc *e = NULL;
	uint32_t ssrc;

	if (!sfu__str_num32(sfu__str_word(&v), 0, UINT32_MAX, &ssrc) ||
	    v.len == 0)
		return -EINVAL;
	for (int i = 0; i < m->n_ssrcs && !e; i++)
		if (m->ssrcs[i].ssrc == ssrc)
			e = &m->ssrcs[i];
	if (!e) {
		if (m->n_ssrcs >= SFU_SDP_MAX_SSRCS)
			return too_many(p, SFU_SDP_MAX_SSRCS, "SSRCs");
		e = &m->ssrcs[m->n_ssrcs++];
		e->ssrc = ssrc;
	}
	sfu__str_split(v, ':', &name, &value);
	if (sfu_str_eq(name, "cname"))
		e->cname = value;
	else if (sfu_str_eq(name, "msid"))
		e->msid = value;
	return 0;
}

/* a=ssrc-group:<semantics> <ssrc>... */
static int a_ssrc_group(struct parser *p, struct sfu_str v)
{
	struct sfu_sdp_media *m = p->m;
	struct sfu_sdp_ssrc_group *g;
	struct sfu_str sem = sfu__str_word(&v), w;
	uint32_t ssrc;

	if (sem.len == 0 || v.len == 0)
		return -EINVAL;
	if (m->n_groups >= SFU_SDP_MAX_GROUPS)
		return too_many(p, SFU_SDP_MAX_GROUPS, "a=ssrc-group");
	g = &m->groups[m->n_groups];
	*g = (struct sfu_sdp_ssrc_group){ .semantics = sem };
	while ((w = sfu__str_word(&v)).len) {
		if (!sfu__str_num32(w, 0, UINT32_MAX, &ssrc))
			return -EINVAL;
		if (g->n >= SFU_ARRAY_SIZE(g->ssrcs))
			return too_many(p, (int)SFU_ARRAY_SIZE(g->ssrcs),
					"SSRCs in a=ssrc-group");
		g->ssrcs[g->n++] = ssrc;
	}
	m->n_groups++;
	return 0;
}

/* a=msid:<stream> [<track>]; the first one names the track. */
static int a_msid(struct parser *p, struct sfu_str v)
{
	struct sfu_str stream = sfu__str_word(&v), track = sfu__str_word(&v);

	if (stream.len == 0)
		return -EINVAL;
	if (p->m->msid_stream.len == 0) {
		p->m->msid_stream = stream;
		p->m->msid_track = track;
	}
	return 0;
}

/* a=candidate:<foundation> <component> <transport> <priority> <address>
 * <port> typ <type> ...; kept whole, from "candidate:", for the ICE
 * library, once its fixed fields look right. */
static int a_candidate(struct parser *p, struct sfu_str v)
{
	struct sfu_sdp_media *m = p->m;
	struct sfu_str f[8];
	uint32_t u;

	for (size_t i = 0; i < SFU_ARRAY_SIZE(f); i++)
		if ((f[i] = sfu__str_word(&v)).len == 0)
			return -EINVAL;
	if (!sfu__str_num32(f[1], 1, 256, &u) ||
	    !sfu__str_num32(f[3], 0, UINT32_MAX, &u) ||
	    !sfu__str_num32(f[5], 0, UINT16_MAX, &u) ||
	    !sfu_str_eq(f[6], "typ"))
		return -EINVAL;
	if (m->n_candidates >= SFU_SDP_MAX_CANDIDATES)
		return too_many(p, SFU_SDP_MAX_CANDIDATES, "a=candidate");
	m->candidates[m->n_candidates++] = p->attr;
	return 0;
}

#define M(f) offsetof(struct sfu_sdp_media, f)
#define S(f) offsetof(struct sfu_sdp, f)
#define MEDIA(name, fn) { name, AT_MEDIA, fn, 0, 0, 0 }
#define BOTH(name, fn) { name, AT_BOTH, fn, 0, 0, 0 }
#define M_FIELD(name, fn, f) { name, AT_MEDIA, fn, M(f), 0, 0 }
#define B_FIELD(name, fn, f) { name, AT_BOTH, fn, M(f), S(f), 0 }

/* Most frequent first: a browser offer is mostly a=candidate, a=ssrc,
 * a=rtcp-fb, a=rtpmap and a=fmtp. */
static const struct attr attrs[] = {
	MEDIA("candidate", a_candidate),
	MEDIA("ssrc", a_ssrc),
	MEDIA("rtcp-fb", a_rtcp_fb),
	MEDIA("rtpmap", a_rtpmap),
	MEDIA("fmtp", a_fmtp),
	MEDIA("extmap", a_extmap),
	MEDIA("ssrc-group", a_ssrc_group),
	MEDIA("msid", a_msid),
	MEDIA("mid", a_mid),
	BOTH("sendrecv", a_dir),
	BOTH("sendonly", a_dir),
	BOTH("recvonly", a_dir),
	BOTH("inactive", a_dir),
	BOTH("fingerprint", a_fingerprint),
	BOTH("setup", a_setup),
	B_FIELD("ice-ufrag", set_word, ice_ufrag),
	B_FIELD("ice-pwd", set_word, ice_pwd),
	B_FIELD("ice-options", set_text, ice_options),
	B_FIELD("extmap-allow-mixed", set_flag, extmap_allow_mixed),
	M_FIELD("rtcp-mux", set_flag, rtcp_mux),
	M_FIELD("rtcp-rsize", set_flag, rtcp_rsize),
	M_FIELD("bundle-only", set_flag, bundle_only),
	M_FIELD("end-of-candidates", set_flag, end_of_candidates),
	M_FIELD("rid", set_flag, has_rid),
	M_FIELD("simulcast", set_flag, has_simulcast),
	{ "sctp-port", AT_MEDIA, set_num, M(sctp_port), 0, UINT16_MAX },
	{ "max-message-size", AT_MEDIA, set_num, M(max_message_size), 0,
	  UINT32_MAX },
	{ "group", AT_SESSION, a_group, 0, 0, 0 },
};

#undef MEDIA
#undef BOTH
#undef M_FIELD
#undef B_FIELD
#undef M
#undef S

/* a=<name>[:<value>]: dispatch through the table. */
static int parse_attr(struct parser *p, struct sfu_str v)
{
	struct sfu_str name, value;
	int err;

	v = sfu__str_trim(v);
	p->attr = v;
	sfu__str_split(v, ':', &name, &value);
	for (size_t i = 0; i < SFU_ARRAY_SIZE(attrs); i++) {
		const struct attr *a = &attrs[i];
		if (!sfu_str_eq(name, a->name))
			continue;
		if (!(a->where & (p->m ? AT_MEDIA : AT_SESSION)))
			return 0;
		p->a = a;
		err = a->fn(p, value);
		return err ? fail(p, err, "bad a=%s", a->name) : 0;
	}
	return 0;
}

/* ---- lines ------------------------------------------------------------- */

/* o=<username> <sess-id> <sess-version> <nettype> <addrtype> <address> */
static int parse_origin(struct parser *p, struct sfu_str v)
{
	struct sfu_str f[6];
	uint64_t n;

	if (p->have_o)
		return fail(p, -EINVAL, "more than one o= line");
	for (size_t i = 0; i < SFU_ARRAY_SIZE(f); i++)
		if ((f[i] = sfu__str_word(&v)).len == 0)
			return fail(p, -EINVAL, "o= needs 6 fields");
	if (!sfu__str_num64(f[1], 0, UINT64_MAX, &n) ||
	    !sfu__str_num64(f[2], 0, UINT64_MAX, &n))
		return fail(p, -EINVAL, "bad session id or version in o=");
	p->sdp->origin_sess_id = f[1];
	p->sdp->origin_sess_version = f[2];
	p->have_o = true;
	return 0;
}

/* True when a '/'-separated component of proto is "RTP". */
static bool proto_is_rtp(struct sfu_str proto)
{
	struct sfu_str part;

	while (proto.len) {
		sfu__str_split(proto, '/', &part, &proto);
		if (sfu_str_eq(part, "RTP"))
			return true;
	}
	return false;
}

/* The m= line's payload types, each a format in m= order. */
static int parse_formats(struct parser *p, struct sfu_sdp_media *m,
			 struct sfu_str list)
{
	struct sfu_str w;
	uint32_t pt;

	while ((w = sfu__str_word(&list)).len) {
		if (!sfu__str_num32(w, 0, 127, &pt))
			return fail(p, -EINVAL, "bad payload type in m=");
		if (sfu__sdp_format_index(m, pt) >= 0)
			return fail(p, -EINVAL,
				    "payload type %u repeated in m=", pt);
		if (m->n_formats >= SFU_SDP_MAX_FORMATS)
			return too_many(p, SFU_SDP_MAX_FORMATS, "formats");
		m->formats[m->n_formats++].pt = (uint8_t)pt;
	}
	return 0;
}

/* m=<media> <port>[/<count>] <proto> <fmt>... */
static int parse_media(struct parser *p, struct sfu_str v)
{
	struct sfu_sdp *sdp = p->sdp;
	struct sfu_sdp_media *m;
	struct sfu_str media, port, count, proto;
	bool has_count;
	uint32_t u, n;
	int err;

	if (!p->have_o)
		return fail(p, -EINVAL, "m= before o=");
	if (sdp->n_media >= SFU_SDP_MAX_MEDIA)
		return too_many(p, SFU_SDP_MAX_MEDIA, "m-sections");
	m = &sdp->media[sdp->n_media];
	memset(m, 0, sizeof(*m));
	media = sfu__str_word(&v);
	port = sfu__str_word(&v);
	proto = sfu__str_word(&v);
	has_count = sfu__str_split(port, '/', &port, &count);
	if (media.len && port.len &&
	    (!sfu__str_num32(port, 0, UINT16_MAX, &u) ||
	     (has_count && !sfu__str_num32(count, 1, UINT16_MAX, &n))))
		return fail(p, -EINVAL, "bad port in m=");
	if (media.len == 0 || port.len == 0 || proto.len == 0 || v.len == 0)
		return fail(p, -EINVAL,
			    "m= needs <media> <port> <proto> <formats>");
	m->port = (uint16_t)u;
	m->kind_text = media;
	m->kind = sfu_str_eq(media, "audio")	     ? SFU_SDP_AUDIO
		  : sfu_str_eq(media, "video")	     ? SFU_SDP_VIDEO
		  : sfu_str_eq(media, "application") ? SFU_SDP_APPLICATION
						     : SFU_SDP_OTHER;
	m->proto = proto;
	m->fmt_text = sfu__str_trim(v);
	if (proto_is_rtp(proto) && (err = parse_formats(p, m, v)) != 0)
		return err;
	sdp->n_media++;
	p->m = m;
	return 0;
}

/* True when nothing but line ends is left. */
static bool only_line_ends(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

/* One line of n bytes at s, its line end removed; rest is what follows.
 * Returns 1 when only blank lines are left, which ends the text. */
static int parse_line(struct parser *p, const char *s, size_t n,
		      const char *rest, size_t restlen)
{
	struct sfu_str v;

	if (n > SFU_SDP_MAX_LINE)
		return fail(p, -E2BIG, "longer than %d bytes",
			    SFU_SDP_MAX_LINE);
	if (p->line == 1 && (n < 2 || s[0] != 'v' || s[1] != '='))
		return fail(p, -EINVAL, "SDP must start with v=0");
	if (n == 0)
		return only_line_ends(rest, restlen)
			       ? 1
			       : fail(p, -EINVAL, "empty line");
	if (memchr(s, '\0', n) || memchr(s, '\r', n))
		return fail(p, -EINVAL, "NUL or CR inside a line");
	if (n < 2 || s[1] != '=' || !((s[0] >= 'a' && s[0] <= 'z') ||
				      (s[0] >= 'A' && s[0] <= 'Z')))
		return fail(p, -EINVAL, "not <letter>=<value>");
	v = (struct sfu_str){ s + 2, n - 2 };
	switch (s[0]) {
	case 'v':
		if (p->line != 1)
			return fail(p, -EINVAL, "v= repeated");
		return sfu_str_eq(v, "0")
			       ? 0
			       : fail(p, -EINVAL, "unsupported SDP version");
	case 'o':
		return parse_origin(p, v);
	case 'm':
		return parse_media(p, v);
	case 'a':
		return parse_attr(p, v);
	default:
		return 0;
	}
}

static void or_str(struct sfu_str *dst, struct sfu_str src)
{
	if (dst->len == 0)
		*dst = src;
}

/* Give media sections the session's transport attributes and direction
 * where they have none of their own. */
static void inherit(struct parser *p)
{
	struct sfu_sdp *sdp = p->sdp;

	for (int i = 0; i < sdp->n_media; i++) {
		struct sfu_sdp_media *m = &sdp->media[i];
		or_str(&m->ice_ufrag, sdp->ice_ufrag);
		or_str(&m->ice_pwd, sdp->ice_pwd);
		or_str(&m->ice_options, sdp->ice_options);
		if (m->fingerprint.len == 0) {
			m->fingerprint_hash = sdp->fingerprint_hash;
			m->fingerprint = sdp->fingerprint;
		}
		if (m->setup == SFU_SETUP_UNSET)
			m->setup = sdp->setup;
		if (m->dir == SFU_DIR_UNSET)
			m->dir = p->session_dir;
	}
}

int sfu_sdp_parse(const char *text, size_t len, struct sfu_sdp *out, char *why,
		  size_t whylen)
{
	struct parser p = { .sdp = out, .why = why, .whylen = whylen };
	size_t pos = 0;
	int err;

	if (why && whylen)
		why[0] = '\0';
	memset(out, 0, offsetof(struct sfu_sdp, media));
	out->n_media = 0;
	if (len > SFU_SDP_MAX_TEXT)
		return fail(&p, -E2BIG, "SDP longer than %d bytes",
			    SFU_SDP_MAX_TEXT);
	if (!text || len == 0)
		return fail(&p, -EINVAL, "empty SDP");
	while (pos < len) {
		const char *s = text + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;

		pos += n + (nl != NULL);
		p.line++;
		if (n && s[n - 1] == '\r')
			n--;
		err = parse_line(&p, s, n, text + pos, len - pos);
		if (err < 0) {
			out->n_media = 0;
			return err;
		}
		if (err > 0)
			break;
	}
	p.line = 0;
	if (!p.have_o)
		return fail(&p, -EINVAL, "no o= line");
	inherit(&p);
	return 0;
}
