/*
 * fuzz-sdp.c - libFuzzer target for src/sdp.c.
 *
 * The input is SDP text. Whatever sfu_sdp_parse() says must hold
 * together: a refusal is -EINVAL or -E2BIG with a printable ASCII reason
 * (reasons never echo input); an acceptance has every count within its
 * bound, every view inside the input and free of NUL, CR and LF, payload
 * types and mids that do not repeat, and helpers that agree with the
 * lists they search.
 */
#include "sdp.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *lo, *hi; /* the input, for view checks */

static void check_view(struct sfu_str s)
{
	if (s.len == 0)
		return;
	if (s.p < lo || s.p + s.len > hi)
		abort();
	for (size_t i = 0; i < s.len; i++)
		if (s.p[i] == '\0' || s.p[i] == '\r' || s.p[i] == '\n')
			abort();
}

static void check_why(const char *why, size_t cap)
{
	size_t n = strnlen(why, cap);

	if (n == 0 || n == cap)
		abort();
	for (size_t i = 0; i < n; i++)
		if (why[i] < 0x20 || why[i] > 0x7e)
			abort();
}

static void check_formats(const struct sfu_sdp_media *m)
{
	if (m->n_formats > SFU_SDP_MAX_FORMATS)
		abort();
	for (int i = 0; i < m->n_formats; i++) {
		const struct sfu_sdp_format *f = &m->formats[i];
		if (f->pt > 127 || sfu_sdp_format_by_pt(m, f->pt) != f)
			abort();
		if (f->has_rtpmap != (f->name.len > 0) ||
		    (f->has_rtpmap && f->clock == 0))
			abort();
		check_view(f->name);
		check_view(f->fmtp);
		check_view(sfu_sdp_fmtp_param(f, "apt"));
		check_view(sfu_sdp_fmtp_param(f, "packetization-mode"));
	}
}

static void check_lists(const struct sfu_sdp_media *m)
{
	if (m->n_extmaps > SFU_SDP_MAX_EXTMAPS ||
	    m->n_ssrcs > SFU_SDP_MAX_SSRCS || m->n_groups > SFU_SDP_MAX_GROUPS ||
	    m->n_candidates > SFU_SDP_MAX_CANDIDATES)
		abort();
	for (int i = 0; i < m->n_extmaps; i++) {
		const struct sfu_sdp_extmap *e = &m->extmaps[i];
		if (e->id == 0 || e->uri.len == 0 || e->dir > SFU_DIR_INACTIVE)
			abort();
		check_view(e->uri);
	}
	for (int i = 0; i < m->n_ssrcs; i++) {
		check_view(m->ssrcs[i].cname);
		check_view(m->ssrcs[i].msid);
		sfu_sdp_rtx_ssrc(m, m->ssrcs[i].ssrc);
	}
	for (int i = 0; i < m->n_groups; i++) {
		if (m->groups[i].n == 0 || m->groups[i].n > 4)
			abort();
		check_view(m->groups[i].semantics);
	}
	for (int i = 0; i < m->n_candidates; i++) {
		if (m->candidates[i].len < 10 ||
		    memcmp(m->candidates[i].p, "candidate:", 10) != 0)
			abort();
		check_view(m->candidates[i]);
	}
}

static void check_media(const struct sfu_sdp *sdp, int k)
{
	const struct sfu_sdp_media *m = &sdp->media[k];
	const struct sfu_str views[] = {
		m->kind_text,	  m->proto,	   m->fmt_text,
		m->mid,		  m->ice_ufrag,	   m->ice_pwd,
		m->ice_options,	  m->fingerprint_hash, m->fingerprint,
		m->msid_stream,	  m->msid_track,
	};

	if (m->kind > SFU_SDP_OTHER || m->kind_text.len == 0 ||
	    m->proto.len == 0 || m->dir > SFU_DIR_INACTIVE ||
	    m->setup > SFU_SETUP_PASSIVE)
		abort();
	for (size_t i = 0; i < SFU_ARRAY_SIZE(views); i++)
		check_view(views[i]);
	for (int i = 0; i < k; i++)
		if (m->mid.len && sdp->media[i].mid.len == m->mid.len &&
		    memcmp(sdp->media[i].mid.p, m->mid.p, m->mid.len) == 0)
			abort();
	if (sfu_sdp_media_dir(m) == SFU_DIR_UNSET ||
	    !sfu_sdp_dir_name(m->dir))
		abort();
	check_formats(m);
	check_lists(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sfu_sdp *sdp;
	char why[128];
	int r;

	if (!sdp)
		sdp = malloc(sizeof(*sdp));
	if (!sdp)
		abort();
	lo = (const char *)data;
	hi = lo + size;
	r = sfu_sdp_parse((const char *)data, size, sdp, why, sizeof(why));
	if (r != 0) {
		if ((r != -EINVAL && r != -E2BIG) || sdp->n_media != 0)
			abort();
		check_why(why, sizeof(why));
		return 0;
	}
	if (why[0] != '\0' || sdp->n_media > SFU_SDP_MAX_MEDIA ||
	    sdp->n_bundle > SFU_SDP_MAX_BUNDLE ||
	    (sdp->n_bundle && !sdp->has_bundle))
		abort();
	check_view(sdp->origin_sess_id);
	check_view(sdp->origin_sess_version);
	for (int i = 0; i < sdp->n_bundle; i++)
		check_view(sdp->bundle[i]);
	for (int k = 0; k < sdp->n_media; k++)
		check_media(sdp, k);
	return 0;
}
