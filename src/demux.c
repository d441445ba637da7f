/*
 * demux.c - per-datagram classification on the receive path (RFC 7983).
 *
 * Everything the ICE agent hands over after connectivity checks goes
 * through sfu_demux() once, before any library sees it: STUN stays with
 * libnice, DTLS goes to the handshake, RTP and RTCP to SRTP. Only the
 * first two bytes and the length are looked at, so this never reads past
 * a short datagram and costs a couple of compares per packet.
 *
 *   first byte   kind
 *   0..3         STUN
 *   16..19       ZRTP (unknown here)
 *   20..63       DTLS
 *   64..79       TURN channel (unknown here)
 *   128..191     RTP, or RTCP when (second byte & 0x7f) is 64..95
 */
#include "demux.h"

enum sfu_pkt_kind sfu_demux(const uint8_t *p, size_t len)
{
	uint8_t b0, pt;

	if (len == 0)
		return SFU_PKT_UNKNOWN;
	b0 = p[0];
	if (b0 <= 3)
		return len >= SFU_DEMUX_MIN_STUN ? SFU_PKT_STUN
						 : SFU_PKT_UNKNOWN;
	if (b0 >= 20 && b0 <= 63)
		return len >= SFU_DEMUX_MIN_DTLS ? SFU_PKT_DTLS
						 : SFU_PKT_UNKNOWN;
	if (b0 < 128 || b0 > 191 || len < 2)
		return SFU_PKT_UNKNOWN;
	/* RFC 5761 section 4: RTP payload types 64..95 are avoided so that
	 * RTCP packet types 192..223 can share the port. */
	pt = p[1] & 0x7f;
	if (pt >= 64 && pt <= 95)
		return len >= SFU_DEMUX_MIN_RTCP ? SFU_PKT_RTCP
						 : SFU_PKT_UNKNOWN;
	return len >= SFU_DEMUX_MIN_RTP ? SFU_PKT_RTP : SFU_PKT_UNKNOWN;
}

const char *sfu_demux_name(enum sfu_pkt_kind k)
{
	switch (k) {
	case SFU_PKT_STUN:
		return "stun";
	case SFU_PKT_DTLS:
		return "dtls";
	case SFU_PKT_RTP:
		return "rtp";
	case SFU_PKT_RTCP:
		return "rtcp";
	default:
		return "unknown";
	}
}
