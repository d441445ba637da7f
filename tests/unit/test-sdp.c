/*
 * test-sdp.c - tests src/sdp.c: realistic offers from Chrome (Opus, VP8,
 * VP9, H264 with RTX and rtcp-fb, header extensions, SSRCs, BUNDLE, a
 * data channel), Firefox (session-level fingerprint, extmap directions,
 * a=msid without a=ssrc msid, a=fmtp before a=rtpmap) and aiortc
 * (candidates inline), with CRLF and LF; what is inherited from the
 * session; every bound, exactly at and one past it; malformed lines,
 * numbers and attributes with their reasons and line numbers; every
 * prefix and random mutations of the offers (no crash); the lookup
 * helpers; and the writer.
 */
#include "sdp.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "tap.h"

/* Length of a string literal, embedded NULs included. */
#define L(s) (sizeof(s) - 1)

static struct sfu_sdp sdp; /* ~330 KB: not on the stack */
static char why[256];

/* A NUL-terminated copy of a view, from a ring of buffers so that several
 * can appear in one assertion. */
static const char *c(struct sfu_str s)
{
	static char ring[8][512];
	static unsigned next;
	char *b = ring[next++ % 8];
	size_t n = SFU_MIN(s.len, sizeof(ring[0]) - 1);

	if (n)
		memcpy(b, s.p, n);
	b[n] = '\0';
	return b;
}

static int parse(const char *text, size_t len)
{
	return sfu_sdp_parse(text, len, &sdp, why, sizeof(why));
}

/* Parsed without error. */
static void good(const char *text, size_t len, const char *what)
{
	int r = parse(text, len);

	is_int(r, 0, "%s: accepted", what);
	if (r)
		printf("#   why: %s\n", why);
}

/* Refused with err and a reason containing want (when not NULL). */
static void bad(const char *text, size_t len, int err, const char *want,
		const char *what)
{
	int r = parse(text, len);

	is_int(r, err, "%s: refused", what);
	if (want && !ok(strstr(why, want) != NULL, "%s: reason has \"%s\"",
			what, want))
		printf("#   why: %s\n", why);
}

#define GOOD(s, what) good(s, L(s), what)
#define BAD(s, err, want, what) bad(s, L(s), err, want, what)

/* A text built line by line, for the inputs too big to write out. */
static char big[SFU_SDP_MAX_TEXT + 8192];
static size_t blen;

static void add(const char *fmt, ...) SFU_PRINTF(1, 2);

static void add(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	blen += (size_t)vsnprintf(big + blen, sizeof(big) - blen, fmt, ap);
	va_end(ap);
	if (blen >= sizeof(big))
		abort();
}

/* Start big with a session header and one audio m-section with pt 96
 * and 97 when media is true. */
static void start(bool media)
{
	blen = 0;
	add("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n");
	if (media)
		add("m=audio 9 UDP/TLS/RTP/SAVPF 96 97\r\n");
}

/* v= and o=: the least a valid SDP has. */
#define HEAD_VO "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n"
/* The session header every small case starts with: lines 1-4. */
#define HEAD "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
/* Line 5: an audio m-section with payload types 111 and 0. */
#define AUDIO "m=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\n"
/* ---- offers as browsers send them ------------------------------------ */

static const char CHROME[] =
	"v=0\r\n"
	"o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
	"s=-\r\n"
	"t=0 0\r\n"
	"a=group:BUNDLE 0 1 2\r\n"
	"a=extmap-allow-mixed\r\n"
	"a=msid-semantic: WMS 3a5b0c1e-7d7f-4e21-9b0a-5b1cbd9e1f2a\r\n"
	"m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n"
	"c=IN IP4 0.0.0.0\r\n"
	"a=rtcp:9 IN IP4 0.0.0.0\r\n"
	"a=ice-ufrag:Hx7d\r\n"
	"a=ice-pwd:mKkqz2S0cKpxXuA2lmC8Fq7H\r\n"
	"a=ice-options:trickle\r\n"
	"a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08\r\n"
	"a=setup:actpass\r\n"
	"a=mid:0\r\n"
	"a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
	"a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
	"a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
	"a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
	"a=sendrecv\r\n"
	"a=msid:3a5b0c1e-7d7f-4e21-9b0a-5b1cbd9e1f2a 6f1d2a7c-0b3e-4c55-8d61-2e9f4a7b8c90\r\n"
	"a=rtcp-mux\r\n"
	"a=rtpmap:111 opus/48000/2\r\n"
	"a=rtcp-fb:111 transport-cc\r\n"
	"a=fmtp:111 minptime=10;useinbandfec=1\r\n"
	"a=rtpmap:63 red/48000/2\r\n"
	"a=fmtp:63 111/111\r\n"
	"a=rtpmap:9 G722/8000\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:13 CN/8000\r\n"
	"a=rtpmap:110 telephone-event/48000\r\n"
	"a=rtpmap:126 telephone-event/8000\r\n"
	"a=ssrc:3735928559 cname:k3ZP4xzvV4P3xwpM\r\n"
	"a=ssrc:3735928559 msid:3a5b0c1e-7d7f-4e21-9b0a-5b1cbd9e1f2a 6f1d2a7c-0b3e-4c55-8d61-2e9f4a7b8c90\r\n"
	"m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 102 103 106 107 108\r\n"
	"c=IN IP4 0.0.0.0\r\n"
	"a=rtcp:9 IN IP4 0.0.0.0\r\n"
	"a=ice-ufrag:Hx7d\r\n"
	"a=ice-pwd:mKkqz2S0cKpxXuA2lmC8Fq7H\r\n"
	"a=ice-options:trickle\r\n"
	"a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08\r\n"
	"a=setup:actpass\r\n"
	"a=mid:1\r\n"
	"a=extmap:14 urn:ietf:params:rtp-hdrext:toffset\r\n"
	"a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
	"a=extmap:13 urn:3gpp:video-orientation\r\n"
	"a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
	"a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay\r\n"
	"a=extmap:6 http://www.webrtc.org/experiments/rtp-hdrext/video-content-type\r\n"
	"a=extmap:7 http://www.webrtc.org/experiments/rtp-hdrext/video-timing\r\n"
	"a=extmap:8 http://www.webrtc.org/experiments/rtp-hdrext/color-space\r\n"
	"a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
	"a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\r\n"
	"a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id\r\n"
	"a=sendrecv\r\n"
	"a=msid:3a5b0c1e-7d7f-4e21-9b0a-5b1cbd9e1f2a 9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d\r\n"
	"a=rtcp-mux\r\n"
	"a=rtcp-rsize\r\n"
	"a=rtpmap:96 VP8/90000\r\n"
	"a=rtcp-fb:96 goog-remb\r\n"
	"a=rtcp-fb:96 transport-cc\r\n"
	"a=rtcp-fb:96 ccm fir\r\n"
	"a=rtcp-fb:96 nack\r\n"
	"a=rtcp-fb:96 nack pli\r\n"
	"a=rtpmap:97 rtx/90000\r\n"
	"a=fmtp:97 apt=96\r\n"
	"a=rtpmap:98 VP9/90000\r\n"
	"a=rtcp-fb:98 goog-remb\r\n"
	"a=rtcp-fb:98 transport-cc\r\n"
	"a=rtcp-fb:98 ccm fir\r\n"
	"a=rtcp-fb:98 nack\r\n"
	"a=rtcp-fb:98 nack pli\r\n"
	"a=fmtp:98 profile-id=0\r\n"
	"a=rtpmap:99 rtx/90000\r\n"
	"a=fmtp:99 apt=98\r\n"
	"a=rtpmap:102 H264/90000\r\n"
	"a=rtcp-fb:102 goog-remb\r\n"
	"a=rtcp-fb:102 transport-cc\r\n"
	"a=rtcp-fb:102 ccm fir\r\n"
	"a=rtcp-fb:102 nack\r\n"
	"a=rtcp-fb:102 nack pli\r\n"
	"a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
	"a=rtpmap:103 rtx/90000\r\n"
	"a=fmtp:103 apt=102\r\n"
	"a=rtpmap:106 red/90000\r\n"
	"a=rtpmap:107 rtx/90000\r\n"
	"a=fmtp:107 apt=106\r\n"
	"a=rtpmap:108 ulpfec/90000\r\n"
	"a=ssrc-group:FID 1111111111 2222222222\r\n"
	"a=ssrc:1111111111 cname:k3ZP4xzvV4P3xwpM\r\n"
	"a=ssrc:1111111111 msid:3a5b0c1e-7d7f-4e21-9b0a-5b1cbd9e1f2a 9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d\r\n"
	"a=ssrc:2222222222 cname:k3ZP4xzvV4P3xwpM\r\n"
	"a=ssrc:2222222222 msid:3a5b0c1e-7d7f-4e21-9b0a-5b1cbd9e1f2a 9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d\r\n"
	"m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
	"c=IN IP4 0.0.0.0\r\n"
	"a=ice-ufrag:Hx7d\r\n"
	"a=ice-pwd:mKkqz2S0cKpxXuA2lmC8Fq7H\r\n"
	"a=ice-options:trickle\r\n"
	"a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08\r\n"
	"a=setup:actpass\r\n"
	"a=mid:2\r\n"
	"a=sctp-port:5000\r\n"
	"a=max-message-size:262144\r\n";

static const char FIREFOX[] =
	"v=0\r\n"
	"o=mozilla...THIS_IS_SDPARTA-115.0 7090396398262567539 0 IN IP4 0.0.0.0\r\n"
	"s=-\r\n"
	"t=0 0\r\n"
	"a=fingerprint:sha-256 1D:5C:0A:3E:77:A2:10:9B:C4:5F:E8:2D:61:0B:93:7A:FF:4E:2C:18:B6:D0:39:A5:7E:C1:42:88:0F:6B:D3:E9\r\n"
	"a=group:BUNDLE 0 1\r\n"
	"a=ice-options:trickle\r\n"
	"a=msid-semantic:WMS *\r\n"
	"m=audio 9 UDP/TLS/RTP/SAVPF 109 9 0 8 101\r\n"
	"c=IN IP4 0.0.0.0\r\n"
	"a=sendrecv\r\n"
	"a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
	"a=extmap:2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level\r\n"
	"a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
	"a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1\r\n"
	"a=fmtp:101 0-15\r\n"
	"a=ice-pwd:7a2f0c6e9b4d1a8e3c5f7b9d2e4a6c8f\r\n"
	"a=ice-ufrag:3e9c1a7f\r\n"
	"a=mid:0\r\n"
	"a=msid:{5b7e2c0a-4f1d-4b8e-a3c6-9d2e7f1a0b4c} {a1b2c3d4-e5f6-4789-abcd-ef0123456789}\r\n"
	"a=rtcp-mux\r\n"
	"a=rtpmap:109 opus/48000/2\r\n"
	"a=rtpmap:9 G722/8000/1\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=setup:actpass\r\n"
	"a=ssrc:2863311530 cname:{0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9}\r\n"
	"m=video 9 UDP/TLS/RTP/SAVPF 120 124 121 125 126 127 97 98\r\n"
	"c=IN IP4 0.0.0.0\r\n"
	"a=sendrecv\r\n"
	"a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
	"a=extmap:4 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
	"a=extmap:5 urn:ietf:params:rtp-hdrext:toffset\r\n"
	"a=extmap:6/recvonly http://www.webrtc.org/experiments/rtp-hdrext/playout-delay\r\n"
	"a=extmap:7 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
	"a=fmtp:126 profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1\r\n"
	"a=fmtp:97 profile-level-id=42e01f;level-asymmetry-allowed=1\r\n"
	"a=fmtp:120 max-fs=12288;max-fr=60\r\n"
	"a=fmtp:124 apt=120\r\n"
	"a=fmtp:121 max-fs=12288;max-fr=60\r\n"
	"a=fmtp:125 apt=121\r\n"
	"a=fmtp:127 apt=126\r\n"
	"a=fmtp:98 apt=97\r\n"
	"a=ice-pwd:7a2f0c6e9b4d1a8e3c5f7b9d2e4a6c8f\r\n"
	"a=ice-ufrag:3e9c1a7f\r\n"
	"a=mid:1\r\n"
	"a=msid:{5b7e2c0a-4f1d-4b8e-a3c6-9d2e7f1a0b4c} {0a9b8c7d-6e5f-4a3b-9c2d-1e0f2a3b4c5d}\r\n"
	"a=rtcp-fb:120 nack\r\n"
	"a=rtcp-fb:120 nack pli\r\n"
	"a=rtcp-fb:120 ccm fir\r\n"
	"a=rtcp-fb:120 goog-remb\r\n"
	"a=rtcp-fb:120 transport-cc\r\n"
	"a=rtcp-fb:121 nack\r\n"
	"a=rtcp-fb:121 nack pli\r\n"
	"a=rtcp-fb:121 ccm fir\r\n"
	"a=rtcp-fb:121 goog-remb\r\n"
	"a=rtcp-fb:121 transport-cc\r\n"
	"a=rtcp-fb:126 nack\r\n"
	"a=rtcp-fb:126 nack pli\r\n"
	"a=rtcp-fb:126 ccm fir\r\n"
	"a=rtcp-fb:126 goog-remb\r\n"
	"a=rtcp-fb:126 transport-cc\r\n"
	"a=rtcp-fb:97 nack\r\n"
	"a=rtcp-fb:97 nack pli\r\n"
	"a=rtcp-fb:97 ccm fir\r\n"
	"a=rtcp-fb:97 goog-remb\r\n"
	"a=rtcp-fb:97 transport-cc\r\n"
	"a=rtcp-mux\r\n"
	"a=rtcp-rsize\r\n"
	"a=rtpmap:120 VP8/90000\r\n"
	"a=rtpmap:124 rtx/90000\r\n"
	"a=rtpmap:121 VP9/90000\r\n"
	"a=rtpmap:125 rtx/90000\r\n"
	"a=rtpmap:126 H264/90000\r\n"
	"a=rtpmap:127 rtx/90000\r\n"
	"a=rtpmap:97 H264/90000\r\n"
	"a=rtpmap:98 rtx/90000\r\n"
	"a=setup:actpass\r\n"
	"a=ssrc:1431655765 cname:{0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9}\r\n"
	"a=ssrc:1717986918 cname:{0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9}\r\n"
	"a=ssrc-group:FID 1431655765 1717986918\r\n";

static const char AIORTC[] =
	"v=0\r\n"
	"o=- 3902372212 3902372212 IN IP4 0.0.0.0\r\n"
	"s=-\r\n"
	"t=0 0\r\n"
	"a=group:BUNDLE 0 1\r\n"
	"a=msid-semantic:WMS *\r\n"
	"m=audio 54321 UDP/TLS/RTP/SAVPF 96 0 8\r\n"
	"c=IN IP4 192.168.1.10\r\n"
	"a=sendrecv\r\n"
	"a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
	"a=extmap:2 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
	"a=mid:0\r\n"
	"a=msid:8e6c3b0f-3c1a-4b7e-9f2d-6a5b4c3d2e1f 1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b\r\n"
	"a=rtcp:9 IN IP4 0.0.0.0\r\n"
	"a=rtcp-mux\r\n"
	"a=ssrc:305419896 cname:5f4e3d2c-1b0a-4998-8776-655443322110\r\n"
	"a=rtpmap:96 opus/48000/2\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=candidate:a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1 1 udp 2130706431 192.168.1.10 54321 typ host\r\n"
	"a=candidate:0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e 1 udp 1694498815 203.0.113.7 54321 typ srflx raddr 192.168.1.10 rport 54321\r\n"
	"a=end-of-candidates\r\n"
	"a=ice-ufrag:a1b2\r\n"
	"a=ice-pwd:c3d4e5f6a7b8c9d0e1f2a3b4\r\n"
	"a=fingerprint:sha-256 4A:2B:9C:1D:8E:3F:7A:6B:5C:4D:3E:2F:1A:0B:9C:8D:7E:6F:5A:4B:3C:2D:1E:0F:9A:8B:7C:6D:5E:4F:3A:2B\r\n"
	"a=setup:actpass\r\n"
	"m=video 54321 UDP/TLS/RTP/SAVPF 97 98 99 100 101 102\r\n"
	"c=IN IP4 192.168.1.10\r\n"
	"a=sendrecv\r\n"
	"a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
	"a=extmap:3 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
	"a=mid:1\r\n"
	"a=msid:8e6c3b0f-3c1a-4b7e-9f2d-6a5b4c3d2e1f 2a3b4c5d-6e7f-4809-9a1b-2c3d4e5f6a7b\r\n"
	"a=rtcp:9 IN IP4 0.0.0.0\r\n"
	"a=rtcp-mux\r\n"
	"a=ssrc-group:FID 2596069104 4008636142\r\n"
	"a=ssrc:2596069104 cname:5f4e3d2c-1b0a-4998-8776-655443322110\r\n"
	"a=ssrc:4008636142 cname:5f4e3d2c-1b0a-4998-8776-655443322110\r\n"
	"a=rtpmap:97 VP8/90000\r\n"
	"a=rtcp-fb:97 nack\r\n"
	"a=rtcp-fb:97 nack pli\r\n"
	"a=rtcp-fb:97 goog-remb\r\n"
	"a=rtpmap:98 rtx/90000\r\n"
	"a=fmtp:98 apt=97\r\n"
	"a=rtpmap:99 H264/90000\r\n"
	"a=rtcp-fb:99 nack\r\n"
	"a=rtcp-fb:99 nack pli\r\n"
	"a=rtcp-fb:99 goog-remb\r\n"
	"a=fmtp:99 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\n"
	"a=rtpmap:100 rtx/90000\r\n"
	"a=fmtp:100 apt=99\r\n"
	"a=rtpmap:101 H264/90000\r\n"
	"a=rtcp-fb:101 nack\r\n"
	"a=rtcp-fb:101 nack pli\r\n"
	"a=rtcp-fb:101 goog-remb\r\n"
	"a=fmtp:101 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
	"a=rtpmap:102 rtx/90000\r\n"
	"a=fmtp:102 apt=101\r\n"
	"a=candidate:a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1 1 udp 2130706431 192.168.1.10 54321 typ host\r\n"
	"a=candidate:0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e 1 udp 1694498815 203.0.113.7 54321 typ srflx raddr 192.168.1.10 rport 54321\r\n"
	"a=end-of-candidates\r\n"
	"a=ice-ufrag:a1b2\r\n"
	"a=ice-pwd:c3d4e5f6a7b8c9d0e1f2a3b4\r\n"
	"a=fingerprint:sha-256 4A:2B:9C:1D:8E:3F:7A:6B:5C:4D:3E:2F:1A:0B:9C:8D:7E:6F:5A:4B:3C:2D:1E:0F:9A:8B:7C:6D:5E:4F:3A:2B\r\n"
	"a=setup:actpass\r\n";


/* ---- realistic offers ------------------------------------------------ */

static void test_chrome_audio(const struct sfu_sdp_media *m)
{
	const struct sfu_sdp_format *f;

	is_int(m->kind, SFU_SDP_AUDIO, "chrome audio: kind");
	is_str(c(m->kind_text), "audio", "chrome audio: kind text");
	is_int(m->port, 9, "chrome audio: port");
	is_str(c(m->proto), "UDP/TLS/RTP/SAVPF", "chrome audio: proto");
	is_str(c(m->fmt_text), "111 63 9 0 8 13 110 126",
	       "chrome audio: format list as written");
	is_str(c(m->mid), "0", "chrome audio: mid");
	is_int(m->dir, SFU_DIR_SENDRECV, "chrome audio: sendrecv");
	ok(m->rtcp_mux && !m->rtcp_rsize && !m->bundle_only,
	   "chrome audio: rtcp-mux only");
	is_str(c(m->ice_ufrag), "Hx7d", "chrome audio: ice-ufrag");
	is_str(c(m->ice_pwd), "mKkqz2S0cKpxXuA2lmC8Fq7H", "chrome audio: ice-pwd");
	is_str(c(m->ice_options), "trickle", "chrome audio: ice-options");
	is_str(c(m->fingerprint_hash), "sha-256", "chrome audio: hash");
	is_int(m->fingerprint.len, 95, "chrome audio: fingerprint length");
	is_str(c((struct sfu_str){ m->fingerprint.p, 8 }), "7B:8B:F0",
	       "chrome audio: fingerprint start");
	is_int(m->setup, SFU_SETUP_ACTPASS, "chrome audio: setup");
	is_int(m->n_formats, 8, "chrome audio: 8 formats");
	f = &m->formats[0];
	ok(f->pt == 111 && f->has_rtpmap && f->clock == 48000 &&
		   f->channels == 2,
	   "chrome audio: 111 opus/48000/2");
	is_str(c(f->name), "opus", "chrome audio: opus name");
	is_str(c(f->fmtp), "minptime=10;useinbandfec=1", "chrome audio: fmtp");
	is_int(f->fb, SFU_FB_TWCC, "chrome audio: opus transport-cc");
	is_str(c(sfu_sdp_fmtp_param(f, "useinbandfec")), "1",
	       "chrome audio: useinbandfec=1");
	is_str(c(m->formats[1].name), "red", "chrome audio: 63 red");
	is_str(c(m->formats[1].fmtp), "111/111", "chrome audio: red fmtp");
	ok(m->formats[3].pt == 0 && m->formats[3].clock == 8000 &&
		   m->formats[3].channels == 0,
	   "chrome audio: PCMU in m= order, no channels");
	is_int(m->formats[7].pt, 126, "chrome audio: last format 126");
	is_int(m->n_extmaps, 4, "chrome audio: 4 extmaps");
	is_int(sfu_sdp_extmap_id(m, "urn:ietf:params:rtp-hdrext:ssrc-audio-level"),
	       1, "chrome audio: audio level id");
	is_int(sfu_sdp_extmap_id(m, "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"),
	       3, "chrome audio: transport-cc id");
	is_int(m->n_ssrcs, 1, "chrome audio: one ssrc");
	ok(m->ssrcs[0].ssrc == 3735928559u, "chrome audio: ssrc 0xdeadbeef");
	is_str(c(m->ssrcs[0].cname), "k3ZP4xzvV4P3xwpM", "chrome audio: cname");
	is_str(c(m->ssrcs[0].msid),
	       "3a5b0c1e-7d7f-4e21-9b0a-5b1cbd9e1f2a 6f1d2a7c-0b3e-4c55-8d61-2e9f4a7b8c90",
	       "chrome audio: ssrc msid");
	is_str(c(m->msid_stream), "3a5b0c1e-7d7f-4e21-9b0a-5b1cbd9e1f2a",
	       "chrome audio: msid stream");
	is_str(c(m->msid_track), "6f1d2a7c-0b3e-4c55-8d61-2e9f4a7b8c90",
	       "chrome audio: msid track");
	is_int(m->n_candidates, 0, "chrome audio: no candidates");
	is_int(m->sctp_port, 0, "chrome audio: no sctp-port");
}

static void test_chrome_video(const struct sfu_sdp_media *m)
{
	const struct sfu_sdp_format *vp8, *rtx, *h264, *fec;
	const uint8_t all = SFU_FB_NACK | SFU_FB_NACK_PLI | SFU_FB_CCM_FIR |
			    SFU_FB_REMB | SFU_FB_TWCC;

	is_int(m->kind, SFU_SDP_VIDEO, "chrome video: kind");
	is_str(c(m->mid), "1", "chrome video: mid");
	ok(m->rtcp_mux && m->rtcp_rsize, "chrome video: rtcp-mux, rtcp-rsize");
	is_int(m->n_formats, 9, "chrome video: 9 formats");
	vp8 = sfu_sdp_format_by_pt(m, 96);
	ok(vp8 && sfu_str_eq(vp8->name, "VP8") && vp8->clock == 90000,
	   "chrome video: 96 VP8/90000");
	ok(vp8 && vp8->fb == all, "chrome video: VP8 has all five rtcp-fb");
	ok(vp8 && vp8->fmtp.len == 0, "chrome video: VP8 no fmtp");
	rtx = sfu_sdp_format_by_pt(m, 97);
	ok(rtx && sfu_str_caseeq(rtx->name, "RTX") && rtx->fb == 0,
	   "chrome video: 97 rtx, no rtcp-fb");
	is_str(rtx ? c(sfu_sdp_fmtp_param(rtx, "apt")) : "", "96",
	       "chrome video: apt=96");
	h264 = sfu_sdp_format_by_pt(m, 102);
	is_str(h264 ? c(sfu_sdp_fmtp_param(h264, "packetization-mode")) : "",
	       "1", "chrome video: packetization-mode=1");
	is_str(h264 ? c(sfu_sdp_fmtp_param(h264, "profile-level-id")) : "",
	       "42e01f", "chrome video: profile-level-id, last parameter");
	is_str(h264 ? c(sfu_sdp_fmtp_param(h264, "level-asymmetry-allowed"))
		    : "",
	       "1", "chrome video: level-asymmetry-allowed, first parameter");
	fec = sfu_sdp_format_by_pt(m, 108);
	ok(fec && sfu_str_eq(fec->name, "ulpfec") && fec->fb == 0,
	   "chrome video: 108 ulpfec");
	ok(sfu_sdp_format_by_pt(m, 100) == NULL, "chrome video: no pt 100");
	is_int(m->n_extmaps, 11, "chrome video: 11 extmaps");
	is_int(sfu_sdp_extmap_id(m, "urn:ietf:params:rtp-hdrext:toffset"), 14,
	       "chrome video: toffset id 14");
	is_int(sfu_sdp_extmap_id(m, "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"),
	       2, "chrome video: abs-send-time id");
	is_int(sfu_sdp_extmap_id(m, "urn:ietf:params:rtp-hdrext:sdes:mid"), 4,
	       "chrome video: mid id");
	is_int(sfu_sdp_extmap_id(m, "urn:ietf:params:rtp-hdrext:ssrc-audio-level"),
	       0, "chrome video: no audio level");
	is_int(m->n_ssrcs, 2, "chrome video: two ssrcs");
	is_int(m->n_groups, 1, "chrome video: one ssrc-group");
	is_str(c(m->groups[0].semantics), "FID", "chrome video: FID");
	ok(sfu_sdp_rtx_ssrc(m, 1111111111u) == 2222222222u,
	   "chrome video: rtx ssrc of the primary");
	is_int(sfu_sdp_rtx_ssrc(m, 2222222222u), 0,
	       "chrome video: the rtx ssrc has no rtx");
	is_str(c(m->ssrcs[1].cname), "k3ZP4xzvV4P3xwpM", "chrome video: cname");
}

static void test_chrome(void)
{
	const struct sfu_sdp_media *d;

	GOOD(CHROME, "chrome offer");
	is_str(c(sdp.origin_sess_id), "4611731400430051336", "chrome: sess id");
	is_str(c(sdp.origin_sess_version), "2", "chrome: sess version");
	ok(sdp.has_bundle && sdp.n_bundle == 3, "chrome: BUNDLE of 3");
	is_str(c(sdp.bundle[2]), "2", "chrome: third bundled mid");
	ok(sdp.extmap_allow_mixed, "chrome: session extmap-allow-mixed");
	is_int(sdp.ice_ufrag.len, 0, "chrome: no session ice-ufrag");
	is_int(sdp.n_media, 3, "chrome: 3 m-sections");
	test_chrome_audio(&sdp.media[0]);
	test_chrome_video(&sdp.media[1]);
	d = &sdp.media[2];
	is_int(d->kind, SFU_SDP_APPLICATION, "chrome data: kind");
	is_str(c(d->proto), "UDP/DTLS/SCTP", "chrome data: proto");
	is_str(c(d->fmt_text), "webrtc-datachannel", "chrome data: format");
	is_int(d->n_formats, 0, "chrome data: no payload types");
	is_int(d->sctp_port, 5000, "chrome data: sctp-port");
	is_int(d->max_message_size, 262144, "chrome data: max-message-size");
	is_int(d->dir, SFU_DIR_UNSET, "chrome data: no direction");
	is_int(sfu_sdp_media_dir(d), SFU_DIR_SENDRECV, "chrome data: reads sendrecv");
}

/* The Chrome offer with LF line ends parses to the same thing. */
static void test_lf(void)
{
	static char lf[sizeof(CHROME)];
	size_t n = 0;

	for (size_t i = 0; i < L(CHROME); i++)
		if (CHROME[i] != '\r')
			lf[n++] = CHROME[i];
	good(lf, n, "chrome offer with LF");
	ok(sdp.n_media == 3 && sdp.media[1].n_formats == 9 &&
		   sdp.media[1].n_extmaps == 11 && sdp.media[1].n_ssrcs == 2,
	   "LF: same counts");
	is_str(c(sdp.media[1].formats[8].name), "ulpfec", "LF: no CR in names");
	is_str(c(sdp.media[2].ice_pwd), "mKkqz2S0cKpxXuA2lmC8Fq7H",
	       "LF: no CR at the end of values");
	/* Mixed: LF for some lines and CRLF for others, last line unended. */
	GOOD("v=0\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\nm=audio 9 RTP/AVP 0\r\na=mid:x",
	     "mixed line ends, no final line end");
	is_str(c(sdp.media[0].mid), "x", "mixed: last line read");
}

static void test_firefox(void)
{
	const struct sfu_sdp_media *a = &sdp.media[0], *v = &sdp.media[1];
	const struct sfu_sdp_format *f;

	GOOD(FIREFOX, "firefox offer");
	is_str(c(sdp.origin_sess_id), "7090396398262567539", "firefox: sess id");
	is_str(c(sdp.fingerprint_hash), "sha-256", "firefox: session hash");
	ok(sfu_str_eq(a->fingerprint, c(sdp.fingerprint)) &&
		   sfu_str_eq(v->fingerprint, c(sdp.fingerprint)),
	   "firefox: session fingerprint copied into both sections");
	is_str(c(v->fingerprint_hash), "sha-256", "firefox: hash copied");
	is_str(c(a->ice_options), "trickle", "firefox: ice-options copied");
	is_str(c(a->ice_ufrag), "3e9c1a7f", "firefox: media ice-ufrag");
	is_int(a->setup, SFU_SETUP_ACTPASS, "firefox: setup");
	is_int(a->n_extmaps, 3, "firefox audio: 3 extmaps");
	ok(a->extmaps[1].id == 2 && a->extmaps[1].dir == SFU_DIR_RECVONLY,
	   "firefox audio: extmap 2/recvonly");
	is_str(c(a->extmaps[1].uri), "urn:ietf:params:rtp-hdrext:csrc-audio-level",
	       "firefox audio: uri after a direction");
	is_int(a->extmaps[0].dir, SFU_DIR_UNSET, "firefox audio: no direction");
	is_str(c(a->msid_stream), "{5b7e2c0a-4f1d-4b8e-a3c6-9d2e7f1a0b4c}",
	       "firefox audio: msid stream");
	is_str(c(a->msid_track), "{a1b2c3d4-e5f6-4789-abcd-ef0123456789}",
	       "firefox audio: msid track");
	ok(a->n_ssrcs == 1 && a->ssrcs[0].msid.len == 0,
	   "firefox audio: a=ssrc without msid");
	f = sfu_sdp_format_by_pt(a, 109);
	ok(f && f->has_rtpmap && sfu_str_eq(f->name, "opus") &&
		   sfu_str_eq(sfu_sdp_fmtp_param(f, "stereo"), "1"),
	   "firefox audio: fmtp before rtpmap");
	f = sfu_sdp_format_by_pt(a, 9);
	ok(f && f->channels == 1, "firefox audio: G722/8000/1");
	f = sfu_sdp_format_by_pt(a, 101);
	is_str(f ? c(f->fmtp) : "", "0-15", "firefox audio: dtmf fmtp");
	is_int(v->n_formats, 8, "firefox video: 8 formats");
	is_int(v->extmaps[3].dir, SFU_DIR_RECVONLY, "firefox video: playout-delay recvonly");
	f = sfu_sdp_format_by_pt(v, 126);
	is_str(f ? c(sfu_sdp_fmtp_param(f, "PACKETIZATION-MODE")) : "", "1",
	       "firefox video: fmtp key case-insensitive");
	f = sfu_sdp_format_by_pt(v, 97);
	is_int(f ? sfu_sdp_fmtp_param(f, "packetization-mode").len : 99, 0,
	       "firefox video: absent parameter is empty");
	f = sfu_sdp_format_by_pt(v, 121);
	is_int(f ? f->fb : 0,
	       SFU_FB_NACK | SFU_FB_NACK_PLI | SFU_FB_CCM_FIR | SFU_FB_REMB |
		       SFU_FB_TWCC,
	       "firefox video: VP9 feedback");
	ok(sfu_sdp_rtx_ssrc(v, 1431655765u) == 1717986918u,
	   "firefox video: FID after the ssrcs");
}

static void test_aiortc(void)
{
	const struct sfu_sdp_media *a = &sdp.media[0], *v = &sdp.media[1];
	const struct sfu_sdp_format *f;

	GOOD(AIORTC, "aiortc offer");
	is_str(c(sdp.origin_sess_version), "3902372212", "aiortc: version");
	is_int(sdp.setup, SFU_SETUP_UNSET, "aiortc: no session setup");
	is_int(a->port, 54321, "aiortc: real port");
	is_int(a->n_candidates, 2, "aiortc audio: 2 candidates");
	is_str(c(a->candidates[0]),
	       "candidate:a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1 1 udp 2130706431 192.168.1.10 54321 typ host",
	       "aiortc audio: candidate from \"candidate:\"");
	ok(strstr(c(a->candidates[1]), "typ srflx raddr 192.168.1.10 rport 54321"),
	   "aiortc audio: srflx candidate whole");
	ok(a->end_of_candidates && v->end_of_candidates,
	   "aiortc: end-of-candidates");
	is_str(c(v->ice_ufrag), "a1b2", "aiortc video: its own ice-ufrag");
	is_int(v->setup, SFU_SETUP_ACTPASS, "aiortc video: setup");
	is_int(v->n_formats, 6, "aiortc video: 6 formats");
	f = sfu_sdp_format_by_pt(v, 97);
	is_int(f ? f->fb : 0, SFU_FB_NACK | SFU_FB_NACK_PLI | SFU_FB_REMB,
	       "aiortc video: VP8 feedback");
	ok(sfu_sdp_rtx_ssrc(v, 2596069104u) == 4008636142u,
	   "aiortc video: FID before the ssrcs");
	is_int(sfu_sdp_extmap_id(v, "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"),
	       3, "aiortc video: abs-send-time id");
}

/* ---- accepted variations --------------------------------------------- */

static void test_session_inherit(void)
{
	GOOD(HEAD "a=ice-ufrag:su\r\na=ice-pwd:spwd\r\na=setup:passive\r\n"
		  "a=fingerprint:sha-256 AA:BB\r\na=sendonly\r\n"
		  "a=ice-options:trickle renomination\r\n"
	     AUDIO "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=ice-ufrag:mu\r\n"
		  "a=setup:active\r\na=fingerprint:sha-1 CC:DD\r\na=inactive\r\n",
	     "session-level transport");
	is_str(c(sdp.media[0].ice_ufrag), "su", "inherit: ice-ufrag");
	is_str(c(sdp.media[0].ice_pwd), "spwd", "inherit: ice-pwd");
	is_str(c(sdp.media[0].ice_options), "trickle renomination",
	       "inherit: ice-options with a space");
	is_int(sdp.media[0].setup, SFU_SETUP_PASSIVE, "inherit: setup");
	is_str(c(sdp.media[0].fingerprint), "AA:BB", "inherit: fingerprint");
	is_int(sdp.media[0].dir, SFU_DIR_SENDONLY, "inherit: session direction");
	is_str(c(sdp.media[1].ice_ufrag), "mu", "own ice-ufrag wins");
	is_str(c(sdp.media[1].ice_pwd), "spwd", "ice-pwd still inherited");
	is_int(sdp.media[1].setup, SFU_SETUP_ACTIVE, "own setup wins");
	is_str(c(sdp.media[1].fingerprint_hash), "sha-1", "own hash wins");
	is_str(c(sdp.media[1].fingerprint), "CC:DD", "own fingerprint wins");
	is_int(sdp.media[1].dir, SFU_DIR_INACTIVE, "own direction wins");
}

static void test_accepted(void)
{
	const struct sfu_sdp_media *m = &sdp.media[0];

	GOOD(HEAD, "no m-sections");
	is_int(sdp.n_media, 0, "no m-sections: n_media 0");
	GOOD(HEAD "\r\n\r\n", "trailing blank lines");
	GOOD(HEAD "x=unknown\r\nb=AS:30\r\nZ=upper\r\na=foo:bar\r\na=foo\r\n"
		  "a=rtcp-mux\r\na=rtpmap:1 x/1\r\n" AUDIO "a=group:BUNDLE 0\r\n"
		  "a=recvonly\r\n",
	     "unknown lines and misplaced attributes ignored");
	ok(!sdp.has_bundle && sdp.media[0].dir == SFU_DIR_RECVONLY &&
		   !sdp.media[0].rtcp_mux,
	   "misplaced attributes had no effect");
	GOOD(HEAD "s=caf\xc3\xa9 \xff\xfe\r\n", "bytes 0x80-0xff in s=");
	GOOD(HEAD "m=video 0/2 RTP/AVPF 96\r\na=rtcp-fb:* nack\r\n"
		  "a=rtcp-fb:* ccm fir\r\na=rtcp-fb:96 nack sli\r\n"
		  "a=rtcp-fb:96 foo bar\r\na=rtcp-fb:96 ccm tmmbr\r\n"
		  "a=rid:h send\r\na=simulcast:send h;l\r\na=bundle-only\r\n"
		  "a=extmap:15 urn:x\r\na=extmap:255/sendonly urn:y attrs\r\n"
		  "a=extmap-allow-mixed\r\na=ssrc:4294967295 label:x\r\n"
		  "a=ssrc:0 cname:zero\r\na=msid:only-stream\r\n"
		  "a=msid:second ignored\r\n",
	     "port count, rtcp-fb *, rid, extmap ids 15 and 255");
	ok(m->port == 0 && m->fb_all == (SFU_FB_NACK | SFU_FB_CCM_FIR),
	   "port 0, fb_all nack and fir");
	is_int(m->formats[0].fb, 0, "unknown feedback ignored");
	ok(m->has_rid && m->has_simulcast && m->bundle_only &&
		   m->extmap_allow_mixed && !sdp.extmap_allow_mixed,
	   "rid, simulcast, bundle-only, media extmap-allow-mixed");
	ok(m->extmaps[1].id == 255 && m->extmaps[1].dir == SFU_DIR_SENDONLY &&
		   sfu_str_eq(m->extmaps[1].uri, "urn:y"),
	   "extmap 255/sendonly, attributes after the uri dropped");
	ok(m->n_ssrcs == 2 && m->ssrcs[0].ssrc == 4294967295u &&
		   m->ssrcs[0].cname.len == 0,
	   "ssrc 2^32-1 with an unknown attribute");
	is_str(c(m->msid_stream), "only-stream", "msid without a track");
	is_int(m->msid_track.len, 0, "msid: first a=msid kept");
	GOOD(HEAD "m=application 9 DTLS/SCTP 5000\r\na=sctpmap:5000 x 1\r\n"
		  "a=sctp-port:65535\r\na=max-message-size:4294967295\r\n"
		  "m=message 9 TCP/MSRP *\r\n",
	     "legacy DTLS/SCTP and a non-RTP section");
	ok(sdp.media[0].sctp_port == 65535 &&
		   sdp.media[0].max_message_size == 4294967295u,
	   "sctp-port and max-message-size at their maxima");
	ok(sdp.media[1].kind == SFU_SDP_OTHER && sdp.media[1].n_formats == 0,
	   "m=message: other kind, no payload types");
	GOOD(HEAD "a=fingerprint:sha-1 11:11\r\na=fingerprint:sha-256 22:22\r\n"
		  "a=fingerprint:sha-512 33:33\r\n",
	     "three fingerprints");
	is_str(c(sdp.fingerprint), "22:22", "sha-256 preferred among several");
}

/* ---- bounds: exactly at each, then one past ------------------------- */

static void test_bound_media(void)
{
	start(false);
	for (int i = 0; i < SFU_SDP_MAX_MEDIA; i++)
		add("m=audio 9 RTP/AVP 0\r\na=mid:%d\r\n", i);
	good(big, blen, "64 m-sections");
	is_str(c(sdp.media[63].mid), "63", "64 m-sections: last mid");
	add("m=audio 9 RTP/AVP 0\r\n");
	bad(big, blen, -E2BIG, "line 133: more than 64 m-sections",
	    "65 m-sections");
	is_int(sdp.n_media, 0, "refused: n_media reset to 0");

	start(false);
	add("a=group:BUNDLE");
	for (int i = 0; i < SFU_SDP_MAX_BUNDLE; i++)
		add(" %d", i);
	add("\r\n");
	good(big, blen, "64 mids in BUNDLE");
	is_int(sdp.n_bundle, 64, "64 bundled mids");
	blen -= 2;
	add(" 64\r\n");
	bad(big, blen, -E2BIG, "more than 64 mids in BUNDLE", "65 BUNDLE mids");
}

static void test_bound_formats(void)
{
	start(false);
	add("m=video 9 UDP/TLS/RTP/SAVPF");
	for (int i = 0; i < SFU_SDP_MAX_FORMATS; i++)
		add(" %d", 80 + i);
	add("\r\n");
	good(big, blen, "48 formats");
	is_int(sdp.media[0].n_formats, 48, "48 formats kept");
	is_int(sdp.media[0].formats[47].pt, 127, "48th format pt 127");
	blen -= 2;
	add(" 0\r\n");
	bad(big, blen, -E2BIG, "line 5: more than 48 formats", "49 formats");
}

static void test_bound_lists(void)
{
	start(true);
	for (int i = 1; i <= SFU_SDP_MAX_EXTMAPS; i++)
		add("a=extmap:%d urn:x:%d\r\n", i, i);
	good(big, blen, "24 extmaps");
	add("a=extmap:200 urn:y\r\n");
	bad(big, blen, -E2BIG, "more than 24 a=extmap", "25 extmaps");

	start(true);
	for (int i = 0; i < SFU_SDP_MAX_SSRCS; i++)
		add("a=ssrc:%d cname:c\r\na=ssrc:%d msid:s t\r\n", i, i);
	good(big, blen, "16 ssrcs, two lines each");
	is_int(sdp.media[0].n_ssrcs, 16, "one entry per distinct ssrc");
	add("a=ssrc:99 cname:c\r\n");
	bad(big, blen, -E2BIG, "more than 16 SSRCs", "17 ssrcs");

	start(true);
	for (int i = 0; i < SFU_SDP_MAX_GROUPS; i++)
		add("a=ssrc-group:SIM 1 2 3 %d\r\n", i);
	good(big, blen, "8 ssrc-groups of 4");
	ok(sdp.media[0].groups[7].n == 4 && sdp.media[0].groups[7].ssrcs[3] == 7,
	   "8th group's 4th ssrc");
	is_int(sfu_sdp_rtx_ssrc(&sdp.media[0], 1), 0, "SIM is not FID");
	add("a=ssrc-group:FID 1 2\r\n");
	bad(big, blen, -E2BIG, "more than 8 a=ssrc-group", "9 ssrc-groups");
	start(true);
	add("a=ssrc-group:SIM 1 2 3 4 5\r\n");
	bad(big, blen, -E2BIG, "more than 4 SSRCs in a=ssrc-group",
	    "ssrc-group of 5");

	start(true);
	for (int i = 0; i < SFU_SDP_MAX_CANDIDATES; i++)
		add("a=candidate:%d 1 udp 2130706431 10.0.0.1 %d typ host\r\n", i,
		    5000 + i);
	good(big, blen, "32 candidates");
	is_int(sdp.media[0].n_candidates, 32, "32 candidates kept");
	add("a=candidate:x 1 udp 1 10.0.0.1 1 typ host\r\n");
	bad(big, blen, -E2BIG, "more than 32 a=candidate", "33 candidates");
}

static void test_bound_text(void)
{
	char line[SFU_SDP_MAX_LINE + 8];

	memset(line, 'x', sizeof(line));
	start(false);
	add("s=%.*s\r\n", SFU_SDP_MAX_LINE - 2, line);
	good(big, blen, "a line of exactly 4096 bytes");
	start(false);
	add("s=%.*s\n", SFU_SDP_MAX_LINE - 1, line);
	bad(big, blen, -E2BIG, "line 5: longer than 4096 bytes",
	    "a line of 4097 bytes");
	start(false);
	add("a=%.*s", SFU_SDP_MAX_LINE - 1, line);
	bad(big, blen, -E2BIG, "longer than", "a last unended line of 4097");

	start(false);
	while (blen + 4000 < SFU_SDP_MAX_TEXT)
		add("s=%.*s\r\n", 3994, line);
	add("s=%.*s\r\n", (int)(SFU_SDP_MAX_TEXT - blen - 4), line);
	is_int(blen, SFU_SDP_MAX_TEXT, "text of exactly 256 KiB built");
	memset(big + L(HEAD_VO), '\n', blen - L(HEAD_VO));
	good(big, blen, "256 KiB of blank lines after v=0 o= (and quickly)");
	start(false);
	while (blen + 4000 < SFU_SDP_MAX_TEXT)
		add("s=%.*s\r\n", 3994, line);
	add("s=%.*s\r\n", (int)(SFU_SDP_MAX_TEXT - blen - 4), line);
	good(big, blen, "text of exactly 256 KiB");
	add("\n");
	bad(big, blen, -E2BIG, "SDP longer than 262144 bytes",
	    "text of 256 KiB + 1");
}

/* ---- refused ---------------------------------------------------------- */

static void test_bad_shape(void)
{
	ok(sfu_sdp_parse("", 0, &sdp, why, sizeof(why)) == -EINVAL &&
		   strcmp(why, "empty SDP") == 0,
	   "empty text: exact reason");
	is_int(sfu_sdp_parse(NULL, 0, &sdp, why, sizeof(why)), -EINVAL,
	       "NULL text");
	BAD("\r\n", -EINVAL, "line 1: SDP must start with v=0", "only a line end");
	BAD("s=-\r\nv=0\r\n", -EINVAL, "line 1: SDP must start with v=0", "no v= first");
	BAD("v=1\r\no=- 1 1 IN IP4 0.0.0.0\r\n", -EINVAL,
	    "line 1: unsupported SDP version", "v=1");
	BAD("v=00\r\n", -EINVAL, "unsupported", "v=00");
	BAD("v=0 \r\n", -EINVAL, "unsupported", "v=0 with a trailing space");
	BAD("v=0\r\n", -EINVAL, "no o= line", "only v=0");
	ok(strcmp(why, "no o= line") == 0, "end-of-text reason has no line");
	BAD("v=0\r\ns=-\r\n", -EINVAL, "no o= line", "no o=");
	BAD(HEAD "v=0\r\n", -EINVAL, "line 5: v= repeated", "v= twice");
	BAD(HEAD "a\r\n", -EINVAL, "line 5: not <letter>=<value>", "a lone letter");
	BAD(HEAD "ab=c\r\n", -EINVAL, "not <letter>=<value>", "two letters");
	BAD(HEAD "=x\r\n", -EINVAL, "not <letter>=<value>", "no letter");
	BAD(HEAD "1=x\r\n", -EINVAL, "not <letter>=<value>", "a digit type");
	BAD(HEAD " a=x\r\n", -EINVAL, "not <letter>=<value>", "leading space");
	BAD(HEAD "a:rtcp-mux\r\n", -EINVAL, "not <letter>=<value>", "a: not a=");
	BAD(HEAD "\r\na=x\r\n", -EINVAL, "line 5: empty line", "empty line inside");
	BAD(HEAD "s=a\0b\r\n", -EINVAL, "line 5: NUL or CR", "NUL inside a line");
	BAD(HEAD "s=a\rb\r\n", -EINVAL, "NUL or CR", "bare CR inside a line");
	BAD(HEAD "s=a\r\r\n", -EINVAL, "NUL or CR", "CR CR LF");
	BAD("v=0\0\r\n", -EINVAL, "line 1: NUL or CR", "NUL after v=0");
	BAD("\xff=0\r\n", -EINVAL, "must start", "0xff first");
	BAD(HEAD "\xff=x\r\n", -EINVAL, "not <letter>", "0xff as the type");
}

static void test_bad_origin_media(void)
{
	BAD("v=0\r\no=- 1 1 IN IP4\r\n", -EINVAL, "line 2: o= needs 6 fields",
	    "o= with 5 fields");
	BAD("v=0\r\no=\r\n", -EINVAL, "o= needs 6 fields", "empty o=");
	BAD("v=0\r\no=- x 1 IN IP4 0.0.0.0\r\n", -EINVAL,
	    "bad session id or version", "non-numeric session id");
	BAD("v=0\r\no=- 1 -1 IN IP4 0.0.0.0\r\n", -EINVAL, "bad session id",
	    "negative version");
	BAD("v=0\r\no=- 18446744073709551616 1 IN IP4 0.0.0.0\r\n", -EINVAL,
	    "bad session id", "session id of 2^64");
	GOOD("v=0\r\no=- 18446744073709551615 0 IN IP4 0.0.0.0\r\n",
	     "session id of 2^64-1");
	BAD(HEAD "o=- 2 2 IN IP4 0.0.0.0\r\n", -EINVAL, "line 5: more than one o=",
	    "two o= lines");
	BAD("v=0\r\nm=audio 9 RTP/AVP 0\r\no=- 1 1 IN IP4 0.0.0.0\r\n", -EINVAL,
	    "line 2: m= before o=", "m= before o=");
	BAD(HEAD "m=audio UDP/TLS/RTP/SAVPF 111\r\n", -EINVAL, "line 5: bad port",
	    "missing port");
	BAD(HEAD "m=audio 9 UDP/TLS/RTP/SAVPF\r\n", -EINVAL,
	    "m= needs <media> <port> <proto> <formats>", "no formats");
	BAD(HEAD "m=audio 9\r\n", -EINVAL, "m= needs", "no proto");
	BAD(HEAD "m=\r\n", -EINVAL, "m= needs", "empty m=");
	BAD(HEAD "m=audio 65536 RTP/AVP 0\r\n", -EINVAL, "bad port", "port 65536");
	GOOD(HEAD "m=audio 65535 RTP/AVP 0\r\n", "port 65535");
	BAD(HEAD "m=audio -1 RTP/AVP 0\r\n", -EINVAL, "bad port", "port -1");
	BAD(HEAD "m=audio 9x RTP/AVP 0\r\n", -EINVAL, "bad port", "port 9x");
	BAD(HEAD "m=audio 99999999999999999999999 RTP/AVP 0\r\n", -EINVAL,
	    "bad port", "port overflowing 64 bits");
	BAD(HEAD "m=audio 9/0 RTP/AVP 0\r\n", -EINVAL, "bad port", "port count 0");
	BAD(HEAD "m=audio 9/ RTP/AVP 0\r\n", -EINVAL, "bad port", "empty port count");
	BAD(HEAD "m=audio \xff RTP/AVP 0\r\n", -EINVAL, "bad port", "0xff port");
	BAD(HEAD "m=audio 9 RTP/AVP 128\r\n", -EINVAL,
	    "line 5: bad payload type in m=", "pt 128");
	BAD(HEAD "m=audio 9 RTP/AVP 0 x\r\n", -EINVAL, "bad payload type",
	    "pt x");
	BAD(HEAD "m=audio 9 RTP/AVP +0\r\n", -EINVAL, "bad payload type", "pt +0");
	BAD(HEAD "m=audio 9 RTP/AVP 0 8 0\r\n", -EINVAL,
	    "payload type 0 repeated in m=", "duplicate pt");
}

static void test_bad_codec_attrs(void)
{
	BAD(HEAD AUDIO "a=rtpmap:96 opus/48000/2\r\n", -EINVAL,
	    "line 6: a=rtpmap for payload type 96 not in the m= line",
	    "rtpmap for an unknown pt");
	BAD(HEAD AUDIO "a=fmtp:96 apt=111\r\n", -EINVAL,
	    "a=fmtp for payload type 96 not in the m= line", "fmtp, unknown pt");
	BAD(HEAD AUDIO "a=rtcp-fb:96 nack\r\n", -EINVAL,
	    "a=rtcp-fb for payload type 96", "rtcp-fb, unknown pt");
	BAD(HEAD AUDIO "a=rtpmap:111 opus/48000/2\r\na=rtpmap:111 opus/48000\r\n",
	    -EINVAL, "line 7: a=rtpmap repeated for payload type 111",
	    "rtpmap twice");
	BAD(HEAD AUDIO "a=fmtp:0 a=1\r\na=fmtp:0 b=2\r\n", -EINVAL,
	    "a=fmtp repeated", "fmtp twice");
	BAD(HEAD AUDIO "a=rtpmap:111 opus/0\r\n", -EINVAL,
	    "line 6: bad a=rtpmap", "clock rate 0");
	BAD(HEAD AUDIO "a=rtpmap:111 opus/4294967296\r\n", -EINVAL,
	    "bad a=rtpmap", "clock rate 2^32");
	GOOD(HEAD AUDIO "a=rtpmap:111 opus/4294967295\r\n", "clock rate 2^32-1");
	BAD(HEAD AUDIO "a=rtpmap:111 opus\r\n", -EINVAL, "bad a=rtpmap", "no clock");
	BAD(HEAD AUDIO "a=rtpmap:111 opus/x\r\n", -EINVAL, "bad a=rtpmap",
	    "clock x");
	BAD(HEAD AUDIO "a=rtpmap:111 opus/48000/0\r\n", -EINVAL, "bad a=rtpmap",
	    "0 channels");
	BAD(HEAD AUDIO "a=rtpmap:111 opus/48000/256\r\n", -EINVAL, "bad a=rtpmap",
	    "256 channels");
	BAD(HEAD AUDIO "a=rtpmap:111 opus/48000/\r\n", -EINVAL, "bad a=rtpmap",
	    "empty channels");
	BAD(HEAD AUDIO "a=rtpmap:111 /48000\r\n", -EINVAL, "bad a=rtpmap",
	    "no name");
	BAD(HEAD AUDIO "a=rtpmap:111 opus/48000 x\r\n", -EINVAL, "bad a=rtpmap",
	    "trailing word");
	BAD(HEAD AUDIO "a=rtpmap:111\r\n", -EINVAL, "bad a=rtpmap", "no encoding");
	BAD(HEAD AUDIO "a=rtpmap:\r\n", -EINVAL, "bad payload type in a=rtpmap",
	    "empty rtpmap");
	BAD(HEAD AUDIO "a=rtpmap:1111 opus/48000\r\n", -EINVAL,
	    "bad payload type in a=rtpmap", "rtpmap pt 1111");
	BAD(HEAD AUDIO "a=fmtp:111\r\n", -EINVAL, "bad a=fmtp", "fmtp without params");
	BAD(HEAD AUDIO "a=rtcp-fb:111\r\n", -EINVAL, "bad a=rtcp-fb", "rtcp-fb without type");
	BAD(HEAD AUDIO "a=rtcp-fb:* \r\n", -EINVAL, "bad a=rtcp-fb", "rtcp-fb * without type");
}

static void test_bad_attrs(void)
{
	BAD(HEAD AUDIO "a=extmap:0 urn:x\r\n", -EINVAL, "line 6: bad a=extmap",
	    "extmap id 0");
	BAD(HEAD AUDIO "a=extmap:256 urn:x\r\n", -EINVAL, "bad a=extmap",
	    "extmap id 256");
	BAD(HEAD AUDIO "a=extmap:x urn:x\r\n", -EINVAL, "bad a=extmap", "extmap id x");
	BAD(HEAD AUDIO "a=extmap:1\r\n", -EINVAL, "bad a=extmap", "extmap without uri");
	BAD(HEAD AUDIO "a=extmap:1/sideways urn:x\r\n", -EINVAL,
	    "bad direction in a=extmap", "extmap bad direction");
	BAD(HEAD AUDIO "a=extmap:1/ urn:x\r\n", -EINVAL, "bad direction",
	    "extmap empty direction");
	BAD(HEAD AUDIO "a=extmap:3 urn:x\r\na=extmap:3 urn:y\r\n", -EINVAL,
	    "line 7: a=extmap id 3 repeated", "duplicate extmap id");
	BAD(HEAD AUDIO "a=ssrc:4294967296 cname:x\r\n", -EINVAL, "bad a=ssrc",
	    "ssrc 2^32");
	BAD(HEAD AUDIO "a=ssrc:-1 cname:x\r\n", -EINVAL, "bad a=ssrc", "ssrc -1");
	BAD(HEAD AUDIO "a=ssrc:1\r\n", -EINVAL, "bad a=ssrc", "ssrc without attribute");
	BAD(HEAD AUDIO "a=ssrc-group:FID 1 x\r\n", -EINVAL, "bad a=ssrc-group",
	    "ssrc-group with x");
	BAD(HEAD AUDIO "a=ssrc-group:FID\r\n", -EINVAL, "bad a=ssrc-group",
	    "ssrc-group without ssrcs");
	BAD(HEAD AUDIO "a=mid:a\r\nm=video 9 RTP/AVP 96\r\na=mid:a\r\n", -EINVAL,
	    "line 8: a=mid repeats m-section 1's", "duplicate mid");
	BAD(HEAD AUDIO "a=mid:a\r\na=mid:b\r\n", -EINVAL, "more than one a=mid",
	    "two mids in a section");
	BAD(HEAD AUDIO "a=mid:\r\n", -EINVAL, "bad a=mid", "empty mid");
	BAD(HEAD AUDIO "a=mid:a b\r\n", -EINVAL, "bad a=mid", "mid with a space");
	ok(sfu_sdp_parse(HEAD AUDIO "a=setup:bogus\r\n",
			 L(HEAD AUDIO "a=setup:bogus\r\n"), &sdp, why,
			 sizeof(why)) == -EINVAL &&
		   strcmp(why, "line 6: a=setup must be actpass, active or passive") == 0,
	   "setup:bogus: exact reason");
	BAD(HEAD "a=setup:holdconn\r\n", -EINVAL, "line 5: a=setup must be",
	    "session setup:holdconn");
	BAD(HEAD AUDIO "a=sendonly\r\na=recvonly\r\n", -EINVAL,
	    "more than one direction", "two directions");
	BAD(HEAD "a=inactive\r\na=inactive\r\n", -EINVAL,
	    "more than one direction", "two session directions");
	BAD(HEAD "a=fingerprint:sha-256\r\n", -EINVAL, "bad a=fingerprint",
	    "fingerprint without value");
	BAD(HEAD "a=fingerprint:sha-256 AA BB\r\n", -EINVAL, "bad a=fingerprint",
	    "fingerprint with three words");
	BAD(HEAD "a=ice-ufrag:\r\n", -EINVAL, "bad a=ice-ufrag", "empty ice-ufrag");
	BAD(HEAD "a=ice-pwd:a b\r\n", -EINVAL, "bad a=ice-pwd", "ice-pwd with a space");
	BAD(HEAD AUDIO "a=candidate:1 1 udp 1 10.0.0.1 9 host\r\n", -EINVAL,
	    "bad a=candidate", "candidate without typ");
	BAD(HEAD AUDIO "a=candidate:1 0 udp 1 10.0.0.1 9 typ host\r\n", -EINVAL,
	    "bad a=candidate", "candidate component 0");
	BAD(HEAD AUDIO "a=candidate:1 1 udp 1 10.0.0.1 65536 typ host\r\n",
	    -EINVAL, "bad a=candidate", "candidate port 65536");
	BAD(HEAD AUDIO "a=candidate:\r\n", -EINVAL, "bad a=candidate",
	    "empty candidate");
	BAD(HEAD "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
		 "a=sctp-port:65536\r\n",
	    -EINVAL, "line 6: bad a=sctp-port", "sctp-port 65536");
	BAD(HEAD "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
		 "a=max-message-size:4294967296\r\n",
	    -EINVAL, "bad a=max-message-size", "max-message-size 2^32");
	BAD(HEAD "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
		 "a=sctp-port:x\r\n",
	    -EINVAL, "bad a=sctp-port", "sctp-port x");
	BAD(HEAD "a=group:BUNDLE 0\r\na=group:BUNDLE 1\r\n", -EINVAL,
	    "line 6: more than one BUNDLE group", "two BUNDLE groups");
	BAD(HEAD "a=group:\r\n", -EINVAL, "bad a=group", "group without semantics");
	GOOD(HEAD "a=group:LS 0 1\r\na=group:BUNDLE\r\n", "LS ignored, empty BUNDLE");
	ok(sdp.has_bundle && sdp.n_bundle == 0, "empty BUNDLE group recorded");
}

/* The why buffer: optional, and never overrun when small. */
static void test_why(void)
{
	char small[12];

	memset(small, '#', sizeof(small));
	is_int(sfu_sdp_parse(HEAD AUDIO "a=setup:x\r\n", L(HEAD AUDIO "a=setup:x\r\n"),
			     &sdp, small, 8),
	       -EINVAL, "small why: refused");
	ok(strcmp(small, "line 6:") == 0 && small[8] == '#',
	   "small why: truncated, NUL-terminated, not overrun");
	is_int(sfu_sdp_parse("x", 1, &sdp, NULL, 0), -EINVAL, "why NULL");
	is_int(sfu_sdp_parse(HEAD, L(HEAD), &sdp, NULL, 0), 0, "why NULL, good");
	strcpy(why, "stale");
	GOOD(HEAD, "why cleared on success");
	is_str(why, "", "why empty on success");
}

/* ---- robustness ------------------------------------------------------- */

/* Every prefix of an offer: no crash, and any prefix that ends at a line
 * end past o= is itself a valid SDP. */
static void test_prefixes(const char *text, size_t len, const char *what)
{
	int crashed_or_odd = 0, line_ends = 0, line_ends_ok = 0;

	for (size_t n = 0; n <= len; n++) {
		int r = parse(text, n);
		if (r != 0 && r != -EINVAL && r != -E2BIG)
			crashed_or_odd++;
		if (n > 40 && text[n - 1] == '\n') {
			line_ends++;
			line_ends_ok += r == 0;
		}
	}
	is_int(crashed_or_odd, 0, "%s: every prefix gives 0, -EINVAL or -E2BIG", what);
	ok(line_ends > 20 && line_ends_ok == line_ends,
	   "%s: all %d prefixes ending at a line end parse", what, line_ends);
}

/* Random byte changes to the Chrome offer: results stay in range, views
 * stay inside the text. Deterministic (xorshift). */
static void test_mutations(void)
{
	static char buf[sizeof(CHROME)];
	uint32_t x = 2463534242u;
	int odd = 0, accepted = 0;
	static const char bytes[] = { '\0', '\r', '\n', ' ', '/', ':', '=', '9',
				      'a', '\xff', '*', '-' };

	for (int i = 0; i < 3000; i++) {
		memcpy(buf, CHROME, sizeof(buf));
		for (int k = 0; k < 1 + i % 4; k++) {
			x ^= x << 13, x ^= x >> 17, x ^= x << 5;
			buf[x % L(CHROME)] = bytes[(x >> 20) % sizeof(bytes)];
		}
		int r = parse(buf, L(CHROME));
		if (r == 0) {
			accepted++;
			for (int m = 0; m < sdp.n_media; m++) {
				struct sfu_str s = sdp.media[m].fmt_text;
				if (s.p < buf || s.p + s.len > buf + L(CHROME))
					odd++;
			}
		} else if (r != -EINVAL && r != -E2BIG) {
			odd++;
		}
	}
	is_int(odd, 0, "3000 mutations: in-range results, views inside");
	ok(accepted > 0 && accepted < 3000, "mutations: some accepted (%d)",
	   accepted);
}

/* ---- helpers ----------------------------------------------------------- */

static void test_helpers(void)
{
	struct sfu_sdp_format f = { .pt = 96 };
	struct sfu_sdp_media m;

	ok(sfu_str_eq((struct sfu_str){ "abc", 3 }, "abc"), "str_eq");
	ok(!sfu_str_eq((struct sfu_str){ "abc", 2 }, "abc"), "str_eq: length");
	ok(sfu_str_eq((struct sfu_str){ NULL, 0 }, ""), "str_eq: empty");
	ok(sfu_str_caseeq((struct sfu_str){ "H264", 4 }, "h264"), "str_caseeq");
	ok(!sfu_str_caseeq((struct sfu_str){ "H265", 4 }, "h264"),
	   "str_caseeq: differs");

	f.fmtp = (struct sfu_str){ "apt=96", 6 };
	is_str(c(sfu_sdp_fmtp_param(&f, "apt")), "96", "fmtp_param: apt=96");
	f.fmtp = (struct sfu_str){ "minptime=10; useinbandfec=1", 27 };
	is_str(c(sfu_sdp_fmtp_param(&f, "useinbandfec")), "1",
	       "fmtp_param: after \"; \"");
	f.fmtp = (struct sfu_str){ "level-asymmetry-allowed=1", 25 };
	is_int(sfu_sdp_fmtp_param(&f, "level").len, 0,
	       "fmtp_param: a key prefix does not match");
	f.fmtp = (struct sfu_str){ "0-15", 4 };
	is_int(sfu_sdp_fmtp_param(&f, "0-15").len, 0,
	       "fmtp_param: a value-less parameter is empty");
	f.fmtp = (struct sfu_str){ "a=;b=2;", 7 };
	ok(sfu_sdp_fmtp_param(&f, "a").len == 0 &&
		   sfu_str_eq(sfu_sdp_fmtp_param(&f, "b"), "2"),
	   "fmtp_param: empty value, trailing ';'");
	f.fmtp = (struct sfu_str){ NULL, 0 };
	is_int(sfu_sdp_fmtp_param(&f, "apt").len, 0, "fmtp_param: no fmtp");

	memset(&m, 0, sizeof(m));
	ok(sfu_sdp_format_by_pt(&m, 0) == NULL, "format_by_pt: empty section");
	is_int(sfu_sdp_extmap_id(&m, "urn:x"), 0, "extmap_id: none");
	is_int(sfu_sdp_rtx_ssrc(&m, 0), 0, "rtx_ssrc: none");
	is_int(sfu_sdp_media_dir(&m), SFU_DIR_SENDRECV, "media_dir: unset");
	m.dir = SFU_DIR_RECVONLY;
	is_int(sfu_sdp_media_dir(&m), SFU_DIR_RECVONLY, "media_dir: recvonly");
	is_str(sfu_sdp_dir_name(SFU_DIR_UNSET), "sendrecv", "dir_name: unset");
	is_str(sfu_sdp_dir_name(SFU_DIR_SENDRECV), "sendrecv", "dir_name: sendrecv");
	is_str(sfu_sdp_dir_name(SFU_DIR_SENDONLY), "sendonly", "dir_name: sendonly");
	is_str(sfu_sdp_dir_name(SFU_DIR_RECVONLY), "recvonly", "dir_name: recvonly");
	is_str(sfu_sdp_dir_name(SFU_DIR_INACTIVE), "inactive", "dir_name: inactive");
	is_str(sfu_sdp_dir_name((enum sfu_sdp_dir)42), "inactive",
	       "dir_name: out of range reads inactive");
}

/* ---- writer ------------------------------------------------------------ */

static void test_writer(void)
{
	struct sfu_sdp_writer w;
	char *text;
	int wrong = 0;

	sfu_sdp_writer_init(&w);
	text = sfu_sdp_writer_take(&w);
	is_str(text, "", "writer: empty take is \"\"");
	free(text);

	sfu_sdp_line(&w, "v=0");
	sfu_sdp_line(&w, "o=- %llu %d IN IP4 0.0.0.0", 4611731400430051336ULL, 2);
	sfu_sdp_line(&w, "%s", "");
	is_int(w.len, 49, "writer: length counts CRLFs");
	text = sfu_sdp_writer_take(&w);
	is_str(text, "v=0\r\no=- 4611731400430051336 2 IN IP4 0.0.0.0\r\n\r\n",
	       "writer: exact text");
	ok(w.buf == NULL && w.len == 0 && w.cap == 0, "writer: reset by take");
	free(text);

	for (int i = 0; i < 2000; i++)
		sfu_sdp_line(&w, "a=ssrc:%d cname:%0*d", i, i % 50, 0);
	ok(w.cap >= w.len + 1 && (w.cap & (w.cap - 1)) == 0,
	   "writer: capacity grows by doubling");
	text = sfu_sdp_writer_take(&w);
	for (int i = 0, off = 0; i < 2000; i++) {
		char want[128];
		int n = snprintf(want, sizeof(want), "a=ssrc:%d cname:%0*d\r\n", i,
				 i % 50, 0);
		if (strncmp(text + off, want, (size_t)n) != 0)
			wrong++;
		off += n;
	}
	is_int(wrong, 0, "writer: 2000 lines intact");
	free(text);

	sfu_sdp_line(&w, "s=%s", "x");
	sfu_sdp_writer_free(&w);
	ok(w.buf == NULL && w.len == 0, "writer: free resets");
	sfu_sdp_writer_free(&w);
	ok(w.buf == NULL, "writer: free twice is harmless");
}

/* What the writer writes, the parser reads. */
static void test_round_trip(void)
{
	struct sfu_sdp_writer w;
	char *text;

	sfu_sdp_writer_init(&w);
	sfu_sdp_line(&w, "v=0");
	sfu_sdp_line(&w, "o=- %u %u IN IP4 127.0.0.1", 7u, 1u);
	sfu_sdp_line(&w, "s=-");
	sfu_sdp_line(&w, "t=0 0");
	sfu_sdp_line(&w, "a=group:BUNDLE %s %s", "a", "v");
	sfu_sdp_line(&w, "m=audio 9 UDP/TLS/RTP/SAVPF %d", 111);
	sfu_sdp_line(&w, "a=mid:%s", "a");
	sfu_sdp_line(&w, "a=%s", sfu_sdp_dir_name(SFU_DIR_RECVONLY));
	sfu_sdp_line(&w, "a=rtpmap:%d %s/%u/%u", 111, "opus", 48000u, 2u);
	sfu_sdp_line(&w, "m=video 9 UDP/TLS/RTP/SAVPF %d %d", 96, 97);
	sfu_sdp_line(&w, "a=mid:%s", "v");
	sfu_sdp_line(&w, "a=rtpmap:%d VP8/90000", 96);
	sfu_sdp_line(&w, "a=rtpmap:%d rtx/90000", 97);
	sfu_sdp_line(&w, "a=fmtp:%d apt=%d", 97, 96);
	text = sfu_sdp_writer_take(&w);
	good(text, strlen(text), "round trip: written SDP parses");
	ok(sdp.n_media == 2 && sdp.n_bundle == 2 &&
		   sdp.media[0].dir == SFU_DIR_RECVONLY &&
		   sdp.media[0].formats[0].channels == 2,
	   "round trip: structure");
	is_str(c(sfu_sdp_fmtp_param(&sdp.media[1].formats[1], "apt")), "96",
	       "round trip: apt");
	free(text);
}

int main(void)
{
	test_chrome();
	test_lf();
	test_firefox();
	test_aiortc();
	test_session_inherit();
	test_accepted();
	test_bound_media();
	test_bound_formats();
	test_bound_lists();
	test_bound_text();
	test_bad_shape();
	test_bad_origin_media();
	test_bad_codec_attrs();
	test_bad_attrs();
	test_why();
	test_prefixes(CHROME, L(CHROME), "chrome prefixes");
	test_prefixes(FIREFOX, L(FIREFOX), "firefox prefixes");
	test_prefixes(AIORTC, L(AIORTC), "aiortc prefixes");
	test_mutations();
	test_helpers();
	test_writer();
	test_round_trip();
	return tap_done();
}
