/*
 * sdp.h - SDP (RFC 8866) as WebRTC uses it (JSEP, RFC 8829): a parser
 * into fixed-size structures of views into the caller's text, and a
 * writer into a growing buffer.
 *
 * Pure: no I/O, no library headers, and parsing allocates nothing (every
 * list has a fixed bound; input beyond a bound is an error, so a hostile
 * SDP cannot make the server allocate). The text must outlive the parsed
 * struct, whose strings point into it (not NUL-terminated).
 */
#ifndef SFU_SDP_H
#define SFU_SDP_H

#include "common.h"

#define SFU_SDP_MAX_TEXT (256 * 1024) /* longer SDP is refused */
#define SFU_SDP_MAX_LINE 4096        /* longer lines are refused */
#define SFU_SDP_MAX_MEDIA 64
#define SFU_SDP_MAX_FORMATS 48        /* payload types per m-section */
#define SFU_SDP_MAX_EXTMAPS 24
#define SFU_SDP_MAX_SSRCS 16
#define SFU_SDP_MAX_GROUPS 8          /* a=ssrc-group per m-section */
#define SFU_SDP_MAX_CANDIDATES 32
#define SFU_SDP_MAX_BUNDLE SFU_SDP_MAX_MEDIA

/* A view into the parsed text. len 0 means absent. */
struct sfu_str {
	const char *p;
	size_t len;
};

/* True when s equals the NUL-terminated lit. */
bool sfu_str_eq(struct sfu_str s, const char *lit);
/* Case-insensitive variant (codec names are case-insensitive). */
bool sfu_str_caseeq(struct sfu_str s, const char *lit);

enum sfu_sdp_kind {
	SFU_SDP_AUDIO,
	SFU_SDP_VIDEO,
	SFU_SDP_APPLICATION,
	SFU_SDP_OTHER,
};

enum sfu_sdp_dir {
	SFU_DIR_UNSET = 0, /* no direction attribute: sendrecv */
	SFU_DIR_SENDRECV,
	SFU_DIR_SENDONLY,
	SFU_DIR_RECVONLY,
	SFU_DIR_INACTIVE,
};

enum sfu_sdp_setup {
	SFU_SETUP_UNSET = 0,
	SFU_SETUP_ACTPASS,
	SFU_SETUP_ACTIVE,
	SFU_SETUP_PASSIVE,
};

/* a=rtcp-fb flags of a payload type (or of "*"). */
enum {
	SFU_FB_NACK = 1 << 0,
	SFU_FB_NACK_PLI = 1 << 1,
	SFU_FB_CCM_FIR = 1 << 2,
	SFU_FB_REMB = 1 << 3,
	SFU_FB_TWCC = 1 << 4,
};

struct sfu_sdp_format {
	uint8_t pt;
	struct sfu_str name; /* encoding name from a=rtpmap, e.g. "VP8" */
	uint32_t clock;
	uint8_t channels;    /* 0 when not given */
	struct sfu_str fmtp; /* the parameters after "a=fmtp:<pt> " */
	uint8_t fb;          /* SFU_FB_* */
	bool has_rtpmap;
};

struct sfu_sdp_extmap {
	uint8_t id;          /* 1..14 one-byte, 15..255 two-byte */
	struct sfu_str uri;
	enum sfu_sdp_dir dir; /* SFU_DIR_UNSET when not given */
};

struct sfu_sdp_ssrc {
	uint32_t ssrc;
	struct sfu_str cname;
	struct sfu_str msid; /* the a=ssrc:<n> msid:<value> value, if any */
};

struct sfu_sdp_ssrc_group {
	struct sfu_str semantics; /* "FID", "SIM", ... */
	uint32_t ssrcs[4];
	uint8_t n;
};

struct sfu_sdp_media {
	enum sfu_sdp_kind kind;
	struct sfu_str kind_text; /* "audio", "video", "application", ... */
	uint16_t port;            /* 0 = rejected / stopped */
	struct sfu_str proto;     /* "UDP/TLS/RTP/SAVPF", "UDP/DTLS/SCTP" */
	struct sfu_str fmt_text;  /* the m= line's format list as written */
	struct sfu_str mid;
	enum sfu_sdp_dir dir;
	bool rtcp_mux, rtcp_rsize, bundle_only;
	/* Transport attributes; an m-section's own override the session's. */
	struct sfu_str ice_ufrag, ice_pwd, ice_options;
	struct sfu_str fingerprint_hash; /* e.g. "sha-256" */
	struct sfu_str fingerprint;      /* "AB:CD:..." */
	enum sfu_sdp_setup setup;
	struct sfu_sdp_format formats[SFU_SDP_MAX_FORMATS];
	uint8_t n_formats;
	uint8_t fb_all; /* rtcp-fb flags given for "*" */
	struct sfu_sdp_extmap extmaps[SFU_SDP_MAX_EXTMAPS];
	uint8_t n_extmaps;
	bool extmap_allow_mixed;
	struct sfu_sdp_ssrc ssrcs[SFU_SDP_MAX_SSRCS];
	uint8_t n_ssrcs;
	struct sfu_sdp_ssrc_group groups[SFU_SDP_MAX_GROUPS];
	uint8_t n_groups;
	struct sfu_str msid_stream, msid_track; /* a=msid:<stream> <track> */
	struct sfu_str candidates[SFU_SDP_MAX_CANDIDATES]; /* "candidate:..." */
	uint8_t n_candidates;
	bool end_of_candidates;
	bool has_rid, has_simulcast; /* simulcast is not supported yet */
	uint16_t sctp_port;          /* a=sctp-port, 0 when absent */
	uint32_t max_message_size;   /* a=max-message-size, 0 when absent */
};

struct sfu_sdp {
	struct sfu_str origin_sess_id, origin_sess_version;
	/* Session-level transport attributes (used by media that lack them). */
	struct sfu_str ice_ufrag, ice_pwd, ice_options;
	struct sfu_str fingerprint_hash, fingerprint;
	enum sfu_sdp_setup setup;
	bool extmap_allow_mixed;
	struct sfu_str bundle[SFU_SDP_MAX_BUNDLE]; /* a=group:BUNDLE mids */
	uint8_t n_bundle;
	bool has_bundle;
	struct sfu_sdp_media media[SFU_SDP_MAX_MEDIA];
	uint8_t n_media;
};

/*
 * Parse len bytes of SDP text (CRLF or LF line ends). Session-level
 * transport attributes are copied into media sections that lack them.
 * Returns 0, or a negative errno with a human reason in why:
 * -EINVAL malformed (bad line, missing v=/o=/m= fields, bad numbers,
 * duplicate mid or payload type, a=fmtp/rtcp-fb for an unknown pt),
 * -E2BIG past a bound (text, line, or any list above).
 * Unknown attributes are ignored.
 */
int sfu_sdp_parse(const char *text, size_t len, struct sfu_sdp *out, char *why,
		  size_t whylen);

/* Find a format by payload type; NULL if absent. */
const struct sfu_sdp_format *sfu_sdp_format_by_pt(const struct sfu_sdp_media *m,
						   uint8_t pt);
/* Find the extmap id for uri; 0 if absent. */
uint8_t sfu_sdp_extmap_id(const struct sfu_sdp_media *m, const char *uri);
/* The fmtp parameter value of key ("apt", "packetization-mode", ...) in
 * f's fmtp, or an empty str. Keys compare case-insensitively. */
struct sfu_str sfu_sdp_fmtp_param(const struct sfu_sdp_format *f,
				  const char *key);
/* The FID (RTX) partner of primary, or 0. */
uint32_t sfu_sdp_rtx_ssrc(const struct sfu_sdp_media *m, uint32_t primary);
/* The direction, with UNSET read as SENDRECV. */
enum sfu_sdp_dir sfu_sdp_media_dir(const struct sfu_sdp_media *m);
const char *sfu_sdp_dir_name(enum sfu_sdp_dir dir);

/* ---- writing ---------------------------------------------------------- */

/* A growing text buffer. Lines are written with CRLF. */
struct sfu_sdp_writer {
	char *buf;
	size_t len, cap;
};

void sfu_sdp_writer_init(struct sfu_sdp_writer *w);
/* Append one line, printf-style, plus CRLF. */
void sfu_sdp_line(struct sfu_sdp_writer *w, const char *fmt, ...)
	SFU_PRINTF(2, 3);
/* Take the NUL-terminated text (caller frees) and reset the writer. */
char *sfu_sdp_writer_take(struct sfu_sdp_writer *w);
void sfu_sdp_writer_free(struct sfu_sdp_writer *w);

#endif
