/*
 * test-demux.c - tests src/demux.c: every first-byte range of RFC 7983,
 * the RFC 5761 RTP/RTCP split on the second byte (with and without the
 * marker bit), and the minimum lengths of each kind.
 */
#include "demux.h"

#include "tap.h"

static enum sfu_pkt_kind kind2(uint8_t b0, uint8_t b1, size_t len)
{
	uint8_t buf[64] = { 0 };

	buf[0] = b0;
	buf[1] = b1;
	return sfu_demux(buf, len);
}

static void first_byte_ranges(void)
{
	int stun = 0, dtls = 0, rtp = 0, unknown = 0;

	for (unsigned b = 0; b < 256; b++) {
		enum sfu_pkt_kind k = kind2((uint8_t)b, 96, 64);
		bool want_stun = b <= 3, want_dtls = b >= 20 && b <= 63;
		bool want_rtp = b >= 128 && b <= 191;

		stun += (k == SFU_PKT_STUN) == want_stun;
		dtls += (k == SFU_PKT_DTLS) == want_dtls;
		rtp += (k == SFU_PKT_RTP) == want_rtp;
		unknown += (k == SFU_PKT_UNKNOWN) ==
			   !(want_stun || want_dtls || want_rtp);
	}
	is_int(stun, 256, "STUN exactly for first byte 0..3");
	is_int(dtls, 256, "DTLS exactly for first byte 20..63");
	is_int(rtp, 256, "RTP exactly for first byte 128..191 (pt 96)");
	is_int(unknown, 256, "UNKNOWN for ZRTP, TURN channel and the rest");
}

static void rtp_rtcp_split(void)
{
	int n = 0;

	for (unsigned b1 = 0; b1 < 256; b1++) {
		unsigned pt = b1 & 0x7f;
		enum sfu_pkt_kind want = pt >= 64 && pt <= 95 ? SFU_PKT_RTCP
							      : SFU_PKT_RTP;
		n += kind2(0x80, (uint8_t)b1, 12) == want;
	}
	is_int(n, 256, "RTCP exactly when second byte & 0x7f is 64..95");
	is_int(kind2(0x80, 200, 8), SFU_PKT_RTCP, "SR (200) is RTCP");
	is_int(kind2(0x81, 201, 8), SFU_PKT_RTCP, "RR (201) is RTCP");
	is_int(kind2(0x81, 202, 8), SFU_PKT_RTCP, "SDES (202) is RTCP");
	is_int(kind2(0x81, 203, 8), SFU_PKT_RTCP, "BYE (203) is RTCP");
	is_int(kind2(0x81, 205, 8), SFU_PKT_RTCP, "RTPFB (205) is RTCP");
	is_int(kind2(0x81, 206, 8), SFU_PKT_RTCP, "PSFB (206) is RTCP");
	is_int(kind2(0x80, 111, 12), SFU_PKT_RTP, "Opus pt 111 is RTP");
	is_int(kind2(0x90, 0x80 | 96, 12), SFU_PKT_RTP,
	       "VP8 pt 96 with marker is RTP");
	is_int(kind2(0x80, 0, 12), SFU_PKT_RTP, "pt 0 is RTP");
	is_int(kind2(0x80, 127, 12), SFU_PKT_RTP, "pt 127 is RTP");
}

static void lengths(void)
{
	static const uint8_t dtls[13] = { 22, 0xfe, 0xfd };

	is_int(sfu_demux(NULL, 0), SFU_PKT_UNKNOWN, "empty is UNKNOWN");
	is_int(kind2(0x80, 96, 1), SFU_PKT_UNKNOWN, "1 byte is UNKNOWN");
	is_int(kind2(0x80, 96, 11), SFU_PKT_UNKNOWN, "11-byte RTP UNKNOWN");
	is_int(kind2(0x80, 96, 12), SFU_PKT_RTP, "12-byte RTP");
	is_int(kind2(0x80, 200, 7), SFU_PKT_UNKNOWN, "7-byte RTCP UNKNOWN");
	is_int(kind2(0x80, 200, 8), SFU_PKT_RTCP, "8-byte RTCP");
	is_int(kind2(0x00, 0x01, 19), SFU_PKT_UNKNOWN, "19-byte STUN");
	is_int(kind2(0x00, 0x01, 20), SFU_PKT_STUN, "20-byte STUN");
	is_int(sfu_demux(dtls, 12), SFU_PKT_UNKNOWN, "12-byte DTLS");
	is_int(sfu_demux(dtls, 13), SFU_PKT_DTLS, "13-byte DTLS record");
	is_int(kind2(0x40, 0, 64), SFU_PKT_UNKNOWN, "TURN channel 0x40");
	is_int(kind2(0x10, 0, 64), SFU_PKT_UNKNOWN, "ZRTP 16");
	is_int(kind2(0xc0, 96, 64), SFU_PKT_UNKNOWN, "version 3 byte 0xc0");
}

static void names(void)
{
	is_str(sfu_demux_name(SFU_PKT_STUN), "stun", "name stun");
	is_str(sfu_demux_name(SFU_PKT_DTLS), "dtls", "name dtls");
	is_str(sfu_demux_name(SFU_PKT_RTP), "rtp", "name rtp");
	is_str(sfu_demux_name(SFU_PKT_RTCP), "rtcp", "name rtcp");
	is_str(sfu_demux_name(SFU_PKT_UNKNOWN), "unknown", "name unknown");
}

int main(void)
{
	first_byte_ranges();
	rtp_rtcp_split();
	lengths();
	names();
	return tap_done();
}
