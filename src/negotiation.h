/*
 * negotiation.h - one participant's side of its single PeerConnection:
 * the ordered list of m-sections, the codec and header-extension choice
 * of each, and the perfect-negotiation state machine with the server as
 * the impolite peer (PROTOCOL 1.3).
 *
 * States: STABLE <-> HAVE_LOCAL_OFFER (the server's offer awaits the
 * client's answer). A client offer in HAVE_LOCAL_OFFER is glare: refused,
 * the server keeps its offer. Changes that arrive while an offer is out
 * set needs_offer, and the next offer follows the answer.
 *
 * Section roles: MEDIA (audio or video: the client may publish on it, and
 * the server may send one remote track on it; a section with no remote
 * track is reused for the next track of its kind), DATA (the SCTP
 * association), REJECTED (port 0). Sections keep their order forever, as
 * JSEP requires.
 *
 * Pure: works on parsed SDP (sdp.h) and writes SDP text; no I/O.
 */
#ifndef SFU_NEGOTIATION_H
#define SFU_NEGOTIATION_H

#include "common.h"

#include "codec.h"
#include "names.h"
#include "sdp.h"

#define SFU_NEGO_MAX_SECTIONS 64
#define SFU_NEGO_MAX_CAPS 16

enum sfu_msec_role {
	SFU_MSEC_MEDIA,
	SFU_MSEC_DATA,
	SFU_MSEC_REJECTED,
};

/* A codec as negotiated with one participant (its payload types). */
struct sfu_codec_params {
	enum sfu_codec codec;
	uint8_t pt;
	uint8_t rtx_pt; /* 0: no RTX */
	uint32_t clock;
	uint8_t channels;
	uint8_t fb; /* SFU_FB_* */
	char fmtp[192];
};

/* Header extension ids as negotiated with one participant (0 = off). */
struct sfu_ext_ids {
	uint8_t mid, abs_send_time, audio_level, twcc;
};

#define SFU_EXT_MID "urn:ietf:params:rtp-hdrext:sdes:mid"
#define SFU_EXT_ABS_SEND_TIME "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
#define SFU_EXT_AUDIO_LEVEL "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
#define SFU_EXT_TWCC "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"

/*
 * An audio or video section can carry media both ways at once: a client
 * that calls addTrack may reuse a transceiver the server's offer created,
 * so "the client publishes" and "the server sends a remote track" are two
 * flags of one section rather than two kinds of section.
 */
struct sfu_msec {
	char mid[33];
	enum sfu_sdp_kind kind;
	enum sfu_msec_role role;       /* MEDIA, DATA or REJECTED */
	char reject_fmt[32];           /* REJECTED: the m= format to echo */
	char kind_text[16];            /* REJECTED: the m= media type */
	struct sfu_codec_params codec; /* both directions share it */
	struct sfu_ext_ids ext;
	/* The client publishes on this section. */
	bool client_sends;
	uint32_t in_ssrc, in_rtx_ssrc; /* from its a=ssrc, 0 if unsignalled */
	char track[SFU_ID_MAX + 1];    /* the track id the room gave it */
	/* The server sends a remote track on this section. The SSRCs belong
	 * to the section, so a reused section keeps them (forward.c keeps
	 * sequence numbers and timestamps continuous). */
	bool server_sends;
	bool accepted; /* the client's answer took our codec */
	/* Its track went away (sfu_nego_detach): PROTOCOL.md has the section
	 * go inactive before it carries another track, so it is not reused
	 * until the client answered an offer that showed it inactive
	 * (retire_offered: the last offer did). */
	bool retiring, retire_offered;
	uint32_t out_ssrc, out_rtx_ssrc;
	char pub_participant[SFU_ID_MAX + 1];
	char pub_track[SFU_ID_MAX + 1];
	/* DATA */
	uint16_t sctp_port;
	uint32_t max_message_size;
	bool legacy_sctp; /* "DTLS/SCTP <port>" + a=sctpmap (older clients) */
};

enum sfu_nego_state {
	SFU_NEGO_STABLE,
	SFU_NEGO_HAVE_LOCAL_OFFER,
};

struct sfu_nego {
	enum sfu_nego_state state;
	bool answered_first; /* the client's first offer was answered */
	bool needs_offer;
	bool allow_mixed;    /* a=extmap-allow-mixed */
	uint64_t sess_id;
	uint32_t version;
	struct sfu_msec sec[SFU_NEGO_MAX_SECTIONS];
	size_t n;
	size_t n_known; /* sections the client has seen in a description */
	/* What the client can receive, learnt from its offers (its PTs). */
	struct sfu_codec_params caps[SFU_NEGO_MAX_CAPS];
	size_t n_caps;
	struct sfu_ext_ids caps_ext[2]; /* [0] audio, [1] video */
	/* Header extension ids the client's offers used, for any URI (one
	 * bit per one-byte id 1..14), and its ids for the URIs we send, so
	 * ids we pick never clash inside the BUNDLE. */
	uint16_t ext_used;
	struct sfu_ext_ids ext_known;
	/* The client's transport, from its first description. */
	char ice_ufrag[257], ice_pwd[257];
	char fp_hash[16], fp[200];
	enum sfu_sdp_setup remote_setup;
};

/* Our transport, written into every description. */
struct sfu_local_desc {
	const char *ice_ufrag, *ice_pwd;
	const char *fingerprint; /* sha-256 */
	bool dtls_server;        /* answers: a=setup:passive, else active */
	bool offer;              /* set by the writer: offers say actpass */
	const char *const *candidates; /* "candidate:..." */
	size_t n_candidates;
	bool end_of_candidates; /* no more will be trickled */
	const char *cname;
};

/* What an offer or answer changed, by section index. */
struct sfu_nego_changes {
	uint8_t published[SFU_NEGO_MAX_SECTIONS]; /* client started sending */
	size_t n_published;
	uint8_t unpublished[SFU_NEGO_MAX_SECTIONS]; /* client stopped */
	size_t n_unpublished;
	uint8_t refused[SFU_NEGO_MAX_SECTIONS]; /* remote track not taken */
	size_t n_refused;
	uint8_t accepted[SFU_NEGO_MAX_SECTIONS]; /* remote track taken */
	size_t n_accepted;
};

/* sess_id seeds the o= line. */
void sfu_nego_init(struct sfu_nego *n, uint64_t sess_id);

/*
 * Apply a client offer. Returns 0, -EBUSY on glare (nothing changed; also
 * when sections of ours wait for an offer the client has not seen yet:
 * the server's pending offer wins, as the impolite peer's does),
 * or -EINVAL (why says what) for an offer we cannot take: no BUNDLE, no
 * rtcp-mux, missing ICE credentials or fingerprint, changed transport
 * (ICE restart), sections removed or reordered, too many sections.
 */
int sfu_nego_apply_offer(struct sfu_nego *n, const struct sfu_sdp *sdp,
			 struct sfu_nego_changes *ch, char *why, size_t whylen);

/* The answer to the offer just applied (malloc'd text). */
char *sfu_nego_answer(struct sfu_nego *n, const struct sfu_local_desc *l);

/* Our offer (malloc'd text); the state becomes HAVE_LOCAL_OFFER. */
char *sfu_nego_offer(struct sfu_nego *n, const struct sfu_local_desc *l);

/*
 * Apply the client's answer to our offer. Returns 0, or -EINVAL when
 * there is no offer out or the answer does not match it.
 */
int sfu_nego_apply_answer(struct sfu_nego *n, const struct sfu_sdp *sdp,
			  struct sfu_nego_changes *ch, char *why,
			  size_t whylen);

/*
 * Carry a remote track: a section of that kind that sends nothing (and
 * that the client does not publish on) is reused, else one is appended. pub is the publisher's
 * codec. Returns the section index, -ENOTSUP when the client cannot
 * receive the codec, or -ENOSPC. Sets needs_offer. A new section sends
 * with new_ssrc/new_rtx_ssrc; a reused one keeps its own.
 */
int sfu_nego_attach(struct sfu_nego *n, enum sfu_sdp_kind kind,
		    const struct sfu_codec_params *pub, const char *participant,
		    const char *track, uint32_t new_ssrc, uint32_t new_rtx_ssrc);
/* The section stops carrying its remote track. Sets needs_offer. */
void sfu_nego_detach(struct sfu_nego *n, size_t idx);

/* Whether an offer should be sent now. */
bool sfu_nego_should_offer(const struct sfu_nego *n);

/* The section with this mid, or -1. */
int sfu_nego_find_mid(const struct sfu_nego *n, const char *mid, size_t len);

/* Whether media encoded as a can be sent to a receiver of b (same codec
 * and, for H.264, packetization mode 1 and the same profile). */
bool sfu_codec_params_match(const struct sfu_codec_params *a,
			    const struct sfu_codec_params *b);

#endif
