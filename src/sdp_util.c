/*
 * sdp_util.c - lookups over a parsed SDP (sdp.h) and the SDP text
 * writer. Split from sdp.c, which only parses.
 */
#include "sdp.h"
#include "sdp-int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

/* ---- helpers ------------------------------------------------------------ */

const struct sfu_sdp_format *sfu_sdp_format_by_pt(const struct sfu_sdp_media *m,
						   uint8_t pt)
{
	int i = sfu__sdp_format_index(m, pt);

	return i < 0 ? NULL : &m->formats[i];
}

uint8_t sfu_sdp_extmap_id(const struct sfu_sdp_media *m, const char *uri)
{
	for (int i = 0; i < m->n_extmaps; i++)
		if (sfu_str_eq(m->extmaps[i].uri, uri))
			return m->extmaps[i].id;
	return 0;
}

struct sfu_str sfu_sdp_fmtp_param(const struct sfu_sdp_format *f,
				  const char *key)
{
	struct sfu_str rest = f->fmtp, item, k, v;

	while (rest.len) {
		sfu__str_split(rest, ';', &item, &rest);
		if (sfu__str_split(item, '=', &k, &v) && sfu_str_caseeq(sfu__str_trim(k), key))
			return sfu__str_trim(v);
	}
	return (struct sfu_str){ NULL, 0 };
}

uint32_t sfu_sdp_rtx_ssrc(const struct sfu_sdp_media *m, uint32_t primary)
{
	for (int i = 0; i < m->n_groups; i++) {
		const struct sfu_sdp_ssrc_group *g = &m->groups[i];
		if (g->n >= 2 && g->ssrcs[0] == primary &&
		    sfu_str_eq(g->semantics, "FID"))
			return g->ssrcs[1];
	}
	return 0;
}

enum sfu_sdp_dir sfu_sdp_media_dir(const struct sfu_sdp_media *m)
{
	return m->dir == SFU_DIR_UNSET ? SFU_DIR_SENDRECV : m->dir;
}

/* UNSET reads as "sendrecv"; a value outside the enum as "inactive", the
 * one that never sends. */
const char *sfu_sdp_dir_name(enum sfu_sdp_dir dir)
{
	if (dir == SFU_DIR_UNSET)
		return sfu__sdp_dir_names[0];
	if (dir > SFU_DIR_INACTIVE || dir < SFU_DIR_UNSET)
		return sfu__sdp_dir_names[SFU_DIR_INACTIVE - 1];
	return sfu__sdp_dir_names[dir - SFU_DIR_SENDRECV];
}

/* ---- writer ------------------------------------------------------------- */

void sfu_sdp_writer_init(struct sfu_sdp_writer *w)
{
	*w = (struct sfu_sdp_writer){ NULL, 0, 0 };
}

/* Room for extra more bytes, doubling the buffer as needed. */
static void reserve(struct sfu_sdp_writer *w, size_t extra)
{
	size_t need = w->len + extra, cap = w->cap ? w->cap : 256;

	if (need <= w->cap)
		return;
	while (cap < need)
		cap *= 2;
	w->buf = sfu_xrealloc(w->buf, cap);
	w->cap = cap;
}

void sfu_sdp_line(struct sfu_sdp_writer *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0; /* a bad format writes an empty line, not garbage */
	reserve(w, (size_t)n + 3);
	va_start(ap, fmt);
	vsnprintf(w->buf + w->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	memcpy(w->buf + w->len + n, "\r\n", 3);
	w->len += (size_t)n + 2;
}

char *sfu_sdp_writer_take(struct sfu_sdp_writer *w)
{
	char *text;

	reserve(w, 1);
	w->buf[w->len] = '\0';
	text = w->buf;
	sfu_sdp_writer_init(w);
	return text;
}

void sfu_sdp_writer_free(struct sfu_sdp_writer *w)
{
	free(w->buf);
	sfu_sdp_writer_init(w);
}
