/*
 * media-t.h - the types of the media path, shared by media.c (one
 * participant's transport and RTCP), stream.c (a publisher's inbound
 * track) and forward.c (one subscriber's outbound copy of a stream).
 * Types live apart from functions, as in haproxy's *-t.h headers; only
 * these three files see inside them.
 *
 * Ownership: a participant's struct sfu_media owns its peer, its
 * negotiation state, its streams and the forwards it receives. A stream
 * lists the forwards that copy it (an array: the per-packet loop walks it)
 * and each forward points back at its stream; both lists are kept in step
 * by forward_new/forward_free.
 */
#ifndef SFU_MEDIA_T_H
#define SFU_MEDIA_T_H

#include "common.h"

#include "negotiation.h"
#include "peer.h"
#include "rtcp.h"
#include "rtp.h"
#include "sctp.h"
#include "tick.h"

#include <glib.h>

#define SFU_RTP_MAX 1500            /* largest RTP packet we keep */
#define SFU_NACK_MAX_MISSING 64     /* sequence numbers a stream chases */
#define SFU_NACK_RETRIES 3
#define SFU_KEYFRAME_INTERVAL_US 500000 /* PLI/FIR at most this often... */
#define SFU_KEYFRAME_ANSWERED_US 100000 /* ...unless a keyframe came since */

struct sfu_media;
struct sfu_forward;

/* Bytes over a window of about a second: the stats' bitrate. */
struct sfu_bitrate {
	uint64_t bytes, start_us, bps;
};

static inline void sfu__bitrate_add(struct sfu_bitrate *b, size_t len,
				    int64_t now_us)
{
	int64_t span = now_us - (int64_t)b->start_us;

	b->bytes += len;
	if (span >= 1000000) {
		/* A window that spans a long silence says nothing. */
		b->bps = span > 2000000 ? 0 : b->bytes * 8 * 1000000 / (uint64_t)span;
		b->bytes = 0;
		b->start_us = (uint64_t)now_us;
	}
}

/* The bitrate, or 0 when the window has since gone quiet. */
static inline uint64_t sfu__bitrate_read(const struct sfu_bitrate *b,
					 int64_t now_us)
{
	return now_us - (int64_t)b->start_us > 2000000 ? 0 : b->bps;
}

/* One slot of a stream's retransmission ring. */
struct sfu_ring_slot {
	uint16_t seq;
	uint16_t len; /* 0: empty */
	uint8_t data[SFU_RTP_MAX];
};

struct sfu_missing {
	uint16_t seq;
	uint8_t tries;
	int64_t next_us; /* when to NACK it again */
};

struct sfu_stream_stats {
	uint64_t packets, bytes;
	uint64_t nacks_sent, plis_sent, firs_sent;
	uint64_t keyframes, retransmits_in, dropped;
	int64_t lost; /* cumulative, RFC 3550 (may be negative) */
	struct sfu_bitrate rate;
};

struct sfu_stream {
	struct sfu_media *owner;
	size_t section;
	char track[SFU_ID_MAX + 1];
	enum sfu_sdp_kind kind;
	struct sfu_codec_params codec; /* the publisher's */
	struct sfu_ext_ids ext;        /* the publisher's ids */
	uint32_t ssrc, rtx_ssrc;       /* 0 until known */
	/* Receive state (RFC 3550 A.1, A.3, A.8). */
	struct sfu_seq_ext seq;
	int64_t base_ext, highest_ext;
	uint64_t received, expected_prior, received_prior;
	double jitter; /* in timestamp units */
	int64_t last_transit;
	bool started;
	uint32_t last_ts;
	int64_t last_arrival_us;
	/* The publisher's last SR, for LSR/DLSR and timestamp mapping. */
	uint32_t sr_lsr;
	uint64_t sr_ntp;
	uint32_t sr_rtp;
	int64_t sr_arrival_us;
	/* Loss recovery and keyframes. */
	struct sfu_missing missing[SFU_NACK_MAX_MISSING];
	size_t n_missing;
	int64_t last_keyframe_req_us;
	bool keyframe_since_req; /* the last request was answered */
	uint8_t fir_seq;
	struct sfu_ring_slot *ring;
	size_t ring_size; /* a power of two, or 0 */
	/* Forwards copying this stream. */
	struct sfu_forward **fwd;
	size_t n_fwd, cap_fwd;
	struct sfu_stream_stats st;
};

/* Per section of the subscriber: outbound continuity survives reuse. */
struct sfu_out_state {
	bool used;
	uint16_t last_seq;
	uint32_t last_ts;
	int64_t last_us;
	uint16_t rtx_seq;
};

struct sfu_forward_stats {
	uint64_t packets, bytes;
	uint64_t nacks_received, retransmitted, plis_received;
	int rtt_ms;
	struct sfu_bitrate rate;
	uint8_t fraction_lost;
	int32_t cumulative_lost;
};

/*
 * What every forwarded packet touches comes first (about three cache
 * lines with the stats), the 256-byte extension map last: the kernel's
 * send path between two packets leaves all of it cold, and media.c
 * prefetches these lines for a packet's whole fan-out at once.
 */
struct sfu_forward {
	struct sfu_stream *stream;
	struct sfu_media *sub;
	struct sfu_out_state *out; /* the subscriber's section, sub->out[] */
	size_t section;
	bool active;         /* accepted by the subscriber's answer */
	bool need_keyframe;  /* video waits for one before sending */
	bool started;        /* seq/ts deltas are set */
	uint16_t seq_delta;
	uint32_t ts_delta;
	struct sfu_rtp_rewrite rw;
	uint32_t rtx_ssrc;
	uint8_t rtx_pt;
	struct sfu_forward_stats st;
	uint8_t ext_map[256];
};


/* ---- between media.c, stream.c and forward.c -------------------------- */

struct sfu_stream *sfu__stream_new(struct sfu_media *owner, size_t section,
				   const char *track,
				   const struct sfu_msec *sec, size_t ring_size);
void sfu__stream_free(struct sfu_stream *s);
/* A packet (parsed into r) of this stream arrived at now_us. Returns false
 * for a duplicate, which is not forwarded. */
bool sfu__stream_receive(struct sfu_stream *s, const uint8_t *pkt,
			 const struct sfu_rtp *r, int64_t now_us);
/* The packet with sequence number seq from the ring, or NULL. */
const struct sfu_ring_slot *sfu__stream_ring_get(const struct sfu_stream *s,
						 uint16_t seq);
/* Sequence numbers due a NACK now (fills seqs, returns how many). */
size_t sfu__stream_due_nacks(struct sfu_stream *s, int64_t now_us,
			     uint16_t *seqs, size_t max);
/* Whether a keyframe request may go out now (and note that it does). */
bool sfu__stream_keyframe_allowed(struct sfu_stream *s, int64_t now_us);
/* A keyframe arrived: the publisher answered, the next subscriber that
 * waits may ask again sooner. */
void sfu__stream_keyframe_seen(struct sfu_stream *s);
/* The report block for our RR, updating the interval counters. */
void sfu__stream_report_block(struct sfu_stream *s, int64_t now_us,
			      struct sfu_rtcp_rb *rb);
/* The publisher's SR arrived. */
void sfu__stream_on_sr(struct sfu_stream *s, uint64_t ntp, uint32_t rtp_ts,
		       int64_t now_us);
/* The stream's RTP timestamp at now_us, extrapolated. */
uint32_t sfu__stream_ts_at(const struct sfu_stream *s, int64_t now_us);

struct sfu_forward *sfu__forward_new(struct sfu_stream *s, struct sfu_media *sub,
				     size_t section, const struct sfu_msec *sec);
void sfu__forward_free(struct sfu_forward *f);
/* The section's extension ids changed (the client's answer). */
void sfu__forward_refresh(struct sfu_forward *f, const struct sfu_msec *sec);
/*
 * One packet of the stream for this subscriber: rewritten into buf
 * (SFU_SCRATCH bytes) and protected. Returns the length to transmit, or
 * 0 when the forward skips it (inactive, waiting for a keyframe, not
 * connected yet).
 */
size_t sfu__forward_prepare(struct sfu_forward *f, const uint8_t *pkt,
			    const struct sfu_rtp *r, bool keyframe,
			    int64_t now_us, uint8_t *buf);
/* Send what prepare left in buf; r is the packet it was made from. */
void sfu__forward_transmit(struct sfu_forward *f, const uint8_t *buf,
			   size_t len, const struct sfu_rtp *r, int64_t now_us);
/* Answer a NACK for the forward's (outbound) sequence number seq. */
void sfu__forward_retransmit(struct sfu_forward *f, uint16_t seq, uint8_t *buf);
/* The sender info of our SR for this forward. */
void sfu__forward_sender_info(const struct sfu_forward *f, int64_t now_us,
			      struct sfu_rtcp_sender_info *si);

/* ---- the media session (media.c, media_stats.c) ----------------------- */

#define MEDIA_MAX_PUBS 16

struct sfu_media_counters {
	uint64_t rtp_bad, rtp_unknown, rtp_wrong_pt, rtcp_bad;
	/* Tracks of the room this participant does not receive now, for
	 * want of an m-section (room_media.c retries them). */
	uint32_t subs_missing;
};

struct sfu_media {
	const struct sfu_media_env *env;
	const struct sfu_media_ops *ops;
	void *owner;
	struct sfu_peer *peer;
	struct sfu_nego nego;
	uint32_t rtcp_ssrc;
	char cname[24];
	char **cands;
	size_t n_cands;
	struct sfu_stream *pubs[MEDIA_MAX_PUBS]; /* compact: the RTP lookup list */
	size_t n_pubs;
	struct sfu_forward *fwd[SFU_NEGO_MAX_SECTIONS]; /* by section */
	struct sfu_out_state out[SFU_NEGO_MAX_SECTIONS];
	uint16_t twcc_seq;
	struct sfu_tick tick; /* the worker's shared 100 ms tick */
	unsigned ticks;
	struct sfu_media_counters n;
	/* Data channels: the association, once DTLS is up and a DATA
	 * section was negotiated, and the stream of the "chat" channel. */
	struct sfu_sctp *sctp;
	int chat_sid;
	uint64_t dc_in, dc_out, dc_dropped;
};


/* media.c, for forward.c */
void sfu__media_forward_added(struct sfu_media *m, struct sfu_forward *f);
void sfu__media_forward_removed(struct sfu_media *m, struct sfu_forward *f);
struct sfu_out_state *sfu__media_out_state(struct sfu_media *m, size_t section);
uint16_t sfu__media_next_twcc(struct sfu_media *m);
/* Protect and send; buf has SFU_SRTP_TRAILER spare bytes. */
int sfu__media_send_rtp(struct sfu_media *m, uint8_t *buf, size_t len);
/* The same in two steps (see sfu_peer_protect_rtp). */
int sfu__media_protect_rtp(struct sfu_media *m, uint8_t *buf, size_t *len);
int sfu__media_transmit(struct sfu_media *m, const uint8_t *buf, size_t len);

/* media_dc.c: start the SCTP association once DTLS is up and a DATA
 * section is negotiated, whichever is last (no-op before, or once
 * started); and the peer's decrypted DTLS application data. */
void sfu__media_start_sctp(struct sfu_media *m);
void sfu__media_on_data(void *arg, const uint8_t *data, size_t len);

/* Scratch for one outgoing packet plus the SRTP trailer. */
#define SFU_SCRATCH (SFU_RTP_MAX + 128)

#endif
