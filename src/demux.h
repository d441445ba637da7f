/*
 * demux.h - tells apart what arrives on one ICE component: STUN, DTLS,
 * RTP and RTCP (RFC 7983 by the first byte, RFC 5761 rtcp-mux by the
 * second). Pure: no I/O, no allocation.
 */
#ifndef SFU_DEMUX_H
#define SFU_DEMUX_H

#include "common.h"

enum sfu_pkt_kind {
	SFU_PKT_STUN,
	SFU_PKT_DTLS,
	SFU_PKT_RTP,
	SFU_PKT_RTCP,
	SFU_PKT_UNKNOWN,
};

/* Shortest datagram of each kind that the classifier accepts. */
#define SFU_DEMUX_MIN_STUN 20 /* STUN message header */
#define SFU_DEMUX_MIN_DTLS 13 /* DTLS record header */
#define SFU_DEMUX_MIN_RTP 12  /* fixed RTP header */
#define SFU_DEMUX_MIN_RTCP 8  /* RTCP header + sender SSRC */

/*
 * Classify the datagram p (len bytes; p may be NULL when len is 0).
 * First byte 0..3 is STUN, 20..63 DTLS, 128..191 RTP or RTCP; RTCP when
 * the second byte with the marker bit masked off is 64..95 (RTCP types
 * 192..223). ZRTP, TURN channels, unknown first bytes and datagrams
 * shorter than their kind's header are SFU_PKT_UNKNOWN.
 */
enum sfu_pkt_kind sfu_demux(const uint8_t *p, size_t len);

/* A static string naming k ("stun", "dtls", "rtp", "rtcp", "unknown"). */
const char *sfu_demux_name(enum sfu_pkt_kind k);

#endif
