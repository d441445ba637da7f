/*
 * test-negotiation.c - tests src/negotiation.c and src/negotiation_sdp.c:
 * the per-participant negotiation state machine, driven by realistic
 * Chrome, Firefox and aiortc descriptions parsed with sfu_sdp_parse, with
 * every description the server writes parsed back the same way.
 *
 * Covered: what a client offer sets (roles, codec choice and preference,
 * RTX, feedback, extension ids, SSRCs, published/unpublished sections),
 * the answer text (sections, BUNDLE, DTLS roles, directions, rejected and
 * data sections, candidates), placing remote tracks (new and reused
 * sections, the client's payload types, -ENOTSUP, payload-type
 * collisions), server offers, glare, the client's answers, when to offer,
 * client re-offers (adding, stopping, reusing sections), refused offers,
 * and sfu_codec_params_match.
 */
#include "negotiation.h"

#include <stdio.h>
#include <stdlib.h>

#include "tap.h"

/* ---- fixtures ----------------------------------------------------------- */

#define FP_C "8B:87:09:8A:5D:C2:F3:33:EF:C5:B1:F6:84:3A:3D:D6:A3:E2:9C:17:4C:E7:46:3B:1B:CE:84:98:DD:8E:AF:7B"
#define FP_F "53:0C:7E:19:AA:41:92:C8:05:E7:3B:66:D1:20:FF:8A:4C:9E:33:01:7D:B2:58:E4:A0:6F:12:C9:84:3D:57:BE"
#define FP_A "D2:9F:31:6A:07:C4:88:5B:E0:1D:73:A9:46:BC:2E:F5:90:38:61:DA:17:7E:C3:4F:8B:25:E6:09:B1:54:FA:6C"
#define FP_S "11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00"

#define EXT_LEVEL "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
#define EXT_AST "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
#define EXT_TWCC "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"
#define EXT_MID "urn:ietf:params:rtp-hdrext:sdes:mid"

/* Chrome (M120-ish, Unified Plan, max-bundle). */
#define CH_SESS(ver, bundle)                                               \
	"v=0\r\n"                                                          \
	"o=- 4611731400430051336 " ver " IN IP4 127.0.0.1\r\n"             \
	"s=-\r\n"                                                          \
	"t=0 0\r\n"                                                        \
	"a=group:BUNDLE " bundle "\r\n"                                    \
	"a=extmap-allow-mixed\r\n"                                         \
	"a=msid-semantic: WMS s1\r\n"
#define CH_TR                                                              \
	"c=IN IP4 0.0.0.0\r\n"                                             \
	"a=rtcp:9 IN IP4 0.0.0.0\r\n"                                      \
	"a=ice-ufrag:Chr1\r\n"                                             \
	"a=ice-pwd:chromeicepwd0123456789ab\r\n"                           \
	"a=ice-options:trickle\r\n"                                        \
	"a=fingerprint:sha-256 " FP_C "\r\n"                               \
	"a=setup:actpass\r\n"
#define CH_AUDIO(mid, dir, ssrcs)                                          \
	"m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n" CH_TR    \
	"a=mid:" mid "\r\n"                                                \
	"a=extmap:1 " EXT_LEVEL "\r\n"                                     \
	"a=extmap:2 " EXT_AST "\r\n"                                       \
	"a=extmap:3 " EXT_TWCC "\r\n"                                      \
	"a=extmap:4 " EXT_MID "\r\n" dir                                   \
	"a=rtcp-mux\r\n"                                                   \
	"a=rtcp-rsize\r\n"                                                 \
	"a=rtpmap:111 opus/48000/2\r\n"                                    \
	"a=rtcp-fb:111 transport-cc\r\n"                                   \
	"a=fmtp:111 minptime=10;useinbandfec=1\r\n"                        \
	"a=rtpmap:63 red/48000/2\r\n"                                      \
	"a=fmtp:63 111/111\r\n"                                            \
	"a=rtpmap:9 G722/8000\r\n"                                         \
	"a=rtpmap:0 PCMU/8000\r\n"                                         \
	"a=rtpmap:8 PCMA/8000\r\n"                                         \
	"a=rtpmap:13 CN/8000\r\n"                                          \
	"a=rtpmap:110 telephone-event/48000\r\n"                           \
	"a=rtpmap:126 telephone-event/8000\r\n" ssrcs
#define FB(pt)                                                             \
	"a=rtcp-fb:" pt " goog-remb\r\n"                                   \
	"a=rtcp-fb:" pt " transport-cc\r\n"                                \
	"a=rtcp-fb:" pt " ccm fir\r\n"                                     \
	"a=rtcp-fb:" pt " nack\r\n"                                        \
	"a=rtcp-fb:" pt " nack pli\r\n"
#define CH_VIDEO(mid, dir, ssrcs)                                          \
	"m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 102 103 106 107 127 125 35 36\r\n" \
	CH_TR                                                              \
	"a=mid:" mid "\r\n"                                                \
	"a=extmap:14 urn:ietf:params:rtp-hdrext:toffset\r\n"               \
	"a=extmap:2 " EXT_AST "\r\n"                                       \
	"a=extmap:13 urn:3gpp:video-orientation\r\n"                       \
	"a=extmap:3 " EXT_TWCC "\r\n"                                      \
	"a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay\r\n" \
	"a=extmap:4 " EXT_MID "\r\n"                                       \
	"a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\r\n"    \
	"a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id\r\n" \
	dir                                                                \
	"a=rtcp-mux\r\n"                                                   \
	"a=rtcp-rsize\r\n"                                                 \
	"a=rtpmap:96 VP8/90000\r\n" FB("96")                               \
	"a=rtpmap:97 rtx/90000\r\n"                                        \
	"a=fmtp:97 apt=96\r\n"                                             \
	"a=rtpmap:98 VP9/90000\r\n" FB("98")                               \
	"a=fmtp:98 profile-id=0\r\n"                                       \
	"a=rtpmap:99 rtx/90000\r\n"                                        \
	"a=fmtp:99 apt=98\r\n"                                             \
	"a=rtpmap:102 H264/90000\r\n" FB("102")                            \
	"a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\n" \
	"a=rtpmap:103 rtx/90000\r\n"                                       \
	"a=fmtp:103 apt=102\r\n"                                           \
	"a=rtpmap:106 H264/90000\r\n" FB("106")                            \
	"a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n" \
	"a=rtpmap:107 rtx/90000\r\n"                                       \
	"a=fmtp:107 apt=106\r\n"                                           \
	"a=rtpmap:127 H264/90000\r\n" FB("127")                            \
	"a=fmtp:127 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f\r\n" \
	"a=rtpmap:125 rtx/90000\r\n"                                       \
	"a=fmtp:125 apt=127\r\n"                                           \
	"a=rtpmap:35 AV1/90000\r\n" FB("35")                               \
	"a=rtpmap:36 rtx/90000\r\n"                                        \
	"a=fmtp:36 apt=35\r\n" ssrcs
#define CH_VIDEO_STOPPED(mid)                                              \
	"m=video 0 UDP/TLS/RTP/SAVPF 96 97\r\n" CH_TR                      \
	"a=mid:" mid "\r\n"                                                \
	"a=inactive\r\n"                                                   \
	"a=rtcp-mux\r\n"                                                   \
	"a=rtpmap:96 VP8/90000\r\n"                                        \
	"a=rtpmap:97 rtx/90000\r\n"                                        \
	"a=fmtp:97 apt=96\r\n"
#define CH_DATA(mid)                                                       \
	"m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"             \
	"c=IN IP4 0.0.0.0\r\n"                                             \
	"a=ice-ufrag:Chr1\r\n"                                             \
	"a=ice-pwd:chromeicepwd0123456789ab\r\n"                           \
	"a=ice-options:trickle\r\n"                                        \
	"a=fingerprint:sha-256 " FP_C "\r\n"                               \
	"a=setup:actpass\r\n"                                              \
	"a=mid:" mid "\r\n"                                                \
	"a=sctp-port:5000\r\n"                                             \
	"a=max-message-size:262144\r\n"

#define SR_A "a=sendrecv\r\na=msid:s1 mic1\r\n"
#define SSRC_A "a=ssrc:1001 cname:chromecname\r\na=ssrc:1001 msid:s1 mic1\r\n"
#define SR_V "a=sendrecv\r\na=msid:s1 cam1\r\n"
#define SSRC_V                                                             \
	"a=ssrc-group:FID 2001 2002\r\n"                                   \
	"a=ssrc:2001 cname:chromecname\r\n"                                \
	"a=ssrc:2001 msid:s1 cam1\r\n"                                     \
	"a=ssrc:2002 cname:chromecname\r\n"                                \
	"a=ssrc:2002 msid:s1 cam1\r\n"
#define SO_S "a=sendonly\r\na=msid:s2 screen1\r\n"
#define SSRC_S                                                             \
	"a=ssrc-group:FID 4001 4002\r\n"                                   \
	"a=ssrc:4001 cname:chromecname\r\n"                                \
	"a=ssrc:4002 cname:chromecname\r\n"
#define RO "a=recvonly\r\n"

static const char chrome1[] =
	CH_SESS("2", "0 1 2")
	CH_AUDIO("0", SR_A, SSRC_A)
	CH_VIDEO("1", SR_V, SSRC_V)
	CH_DATA("2");

/* A re-offer after the server added sections 3, 4 and 5 and the client
 * added a screen share (6). */
static const char chrome_h[] =
	CH_SESS("3", "0 1 2 3 4 5 6")
	CH_AUDIO("0", SR_A, SSRC_A)
	CH_VIDEO("1", SR_V, SSRC_V)
	CH_DATA("2")
	CH_AUDIO("3", RO, "")
	CH_VIDEO("4", RO, "")
	CH_VIDEO("5", RO, "")
	CH_VIDEO("6", SO_S, SSRC_S);

/* The camera stopped: its section has port 0 and left the BUNDLE. */
static const char chrome_i[] =
	CH_SESS("4", "0 2 3 4 5 6")
	CH_AUDIO("0", SR_A, SSRC_A)
	CH_VIDEO_STOPPED("1")
	CH_DATA("2")
	CH_AUDIO("3", RO, "")
	CH_VIDEO("4", RO, "")
	CH_VIDEO("5", RO, "")
	CH_VIDEO("6", SO_S, SSRC_S);

/* addTrack reused the transceiver of the server's section 3. */
static const char chrome_j[] =
	CH_SESS("5", "0 2 3 4 5 6")
	CH_AUDIO("0", SR_A, SSRC_A)
	CH_VIDEO_STOPPED("1")
	CH_DATA("2")
	CH_AUDIO("3", "a=sendrecv\r\na=msid:s3 mic2\r\n",
		 "a=ssrc:3001 cname:chromecname\r\na=ssrc:3001 msid:s3 mic2\r\n")
	CH_VIDEO("4", RO, "")
	CH_VIDEO("5", RO, "")
	CH_VIDEO("6", SO_S, SSRC_S);

/* A new camera recycles the stopped section 1 under a new mid. */
static const char chrome_l[] =
	CH_SESS("6", "0 7 2 3 4 5 6")
	CH_AUDIO("0", SR_A, SSRC_A)
	CH_VIDEO("7", "a=sendonly\r\na=msid:s4 cam2\r\n",
		 "a=ssrc-group:FID 5001 5002\r\na=ssrc:5001 cname:chromecname\r\n"
		 "a=ssrc:5002 cname:chromecname\r\n")
	CH_DATA("2")
	CH_AUDIO("3", "a=sendrecv\r\na=msid:s3 mic2\r\n",
		 "a=ssrc:3001 cname:chromecname\r\na=ssrc:3001 msid:s3 mic2\r\n")
	CH_VIDEO("4", RO, "")
	CH_VIDEO("5", RO, "")
	CH_VIDEO("6", SO_S, SSRC_S);

/* Chrome's answers to server offers. */
#define CA_TR                                                              \
	"c=IN IP4 0.0.0.0\r\n"                                             \
	"a=ice-ufrag:Chr1\r\n"                                             \
	"a=ice-pwd:chromeicepwd0123456789ab\r\n"                           \
	"a=ice-options:trickle\r\n"                                        \
	"a=fingerprint:sha-256 " FP_C "\r\n"                               \
	"a=setup:active\r\n"
#define CA_SESS(bundle)                                                    \
	"v=0\r\no=- 4611731400430051336 9 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" \
	"a=group:BUNDLE " bundle "\r\na=msid-semantic: WMS s1\r\n"
#define CA_SEC(kind, fmts, mid, dir, maps)                                 \
	"m=" kind " 9 UDP/TLS/RTP/SAVPF " fmts "\r\n" CA_TR                \
	"a=mid:" mid "\r\na=" dir "\r\na=rtcp-mux\r\na=rtcp-rsize\r\n" maps
#define CA_DATA(mid)                                                       \
	"m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n" CA_TR       \
	"a=mid:" mid "\r\na=sctp-port:5000\r\na=max-message-size:262144\r\n"
#define OPUS_MAP "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
#define VP8_MAP "a=rtpmap:96 VP8/90000\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\na=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n"
#define H264_MAP                                                           \
	"a=rtpmap:102 H264/90000\r\n"                                      \
	"a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\n" \
	"a=rtpmap:103 rtx/90000\r\na=fmtp:103 apt=102\r\n"
#define CA_OWN                                                             \
	CA_SEC("audio", "111", "0", "sendonly", OPUS_MAP SSRC_A)           \
	CA_SEC("video", "96 97", "1", "sendonly", VP8_MAP SSRC_V)          \
	CA_DATA("2")

/* Section 3 taken, 4 answered without the offered payload type, 5 not
 * received (inactive). */
static const char chrome_ans_e[] =
	CA_SESS("0 1 2 3 4 5") CA_OWN
	CA_SEC("audio", "111", "3", "recvonly", OPUS_MAP)
	CA_SEC("video", "97", "4", "recvonly", "a=rtpmap:97 rtx/90000\r\n")
	CA_SEC("video", "102 103", "5", "inactive", H264_MAP);
static const char chrome_ans_f[] =
	CA_SESS("0 1 2 3 4 5") CA_OWN
	CA_SEC("audio", "111", "3", "inactive", OPUS_MAP)
	CA_SEC("video", "96 97", "4", "inactive", VP8_MAP)
	CA_SEC("video", "102 103", "5", "inactive", H264_MAP);
static const char chrome_ans_g[] =
	CA_SESS("0 1 2 3 4 5") CA_OWN
	CA_SEC("audio", "111", "3", "recvonly", OPUS_MAP)
	CA_SEC("video", "96 97", "4", "recvonly", VP8_MAP)
	CA_SEC("video", "102 103", "5", "inactive", H264_MAP);

/* Firefox (115-ish). Transport per section, fingerprint at session level. */
#define FF_TR(setup)                                                       \
	"c=IN IP4 0.0.0.0\r\n"                                             \
	"a=ice-pwd:ff0a1b2c3d4e5f60718293a4b5c6d7e8\r\n"                   \
	"a=ice-ufrag:f00d1e2a\r\n"                                         \
	"a=setup:" setup "\r\n"
#define FIREFOX(setup)                                                     \
	"v=0\r\n"                                                          \
	"o=mozilla...THIS_IS_SDPARTA-115.0 7021859349582339000 0 IN IP4 0.0.0.0\r\n" \
	"s=-\r\n"                                                          \
	"t=0 0\r\n"                                                        \
	"a=fingerprint:sha-256 " FP_F "\r\n"                               \
	"a=group:BUNDLE 0 1 2\r\n"                                         \
	"a=ice-options:trickle\r\n"                                        \
	"a=msid-semantic:WMS *\r\n"                                        \
	"m=audio 9 UDP/TLS/RTP/SAVPF 109 9 0 8 101\r\n" FF_TR(setup)       \
	"a=sendrecv\r\n"                                                   \
	"a=extmap:1 " EXT_LEVEL "\r\n"                                     \
	"a=extmap:2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level\r\n" \
	"a=extmap:3 " EXT_MID "\r\n"                                       \
	"a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1\r\n"     \
	"a=fmtp:101 0-15\r\n"                                              \
	"a=mid:0\r\n"                                                      \
	"a=msid:{5f3c8a9e-1b2d-4e6f-8a7b-9c0d1e2f3a4b} {a1b2c3d4-e5f6-4789-abcd-ef0123456789}\r\n" \
	"a=rtcp-mux\r\n"                                                   \
	"a=rtpmap:109 opus/48000/2\r\n"                                    \
	"a=rtpmap:9 G722/8000/1\r\n"                                       \
	"a=rtpmap:0 PCMU/8000\r\n"                                         \
	"a=rtpmap:8 PCMA/8000\r\n"                                         \
	"a=rtpmap:101 telephone-event/8000\r\n"                            \
	"a=ssrc:3127348392 cname:{0e3a1c2b-4d5e-6f70-8192-a3b4c5d6e7f8}\r\n" \
	"m=video 9 UDP/TLS/RTP/SAVPF 120 124 121 125 126 127 97 98 123 122 119\r\n" \
	FF_TR(setup)                                                       \
	"a=sendrecv\r\n"                                                   \
	"a=extmap:3 " EXT_MID "\r\n"                                       \
	"a=extmap:4 " EXT_AST "\r\n"                                       \
	"a=extmap:5 urn:ietf:params:rtp-hdrext:toffset\r\n"                \
	"a=extmap:6/recvonly http://www.webrtc.org/experiments/rtp-hdrext/playout-delay\r\n" \
	"a=extmap:7 " EXT_TWCC "\r\n"                                      \
	"a=fmtp:126 profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1\r\n" \
	"a=fmtp:97 profile-level-id=42e01f;level-asymmetry-allowed=1\r\n"  \
	"a=fmtp:120 max-fs=12288;max-fr=60\r\n"                            \
	"a=fmtp:124 apt=120\r\n"                                           \
	"a=fmtp:121 max-fs=12288;max-fr=60\r\n"                            \
	"a=fmtp:125 apt=121\r\n"                                           \
	"a=fmtp:127 apt=126\r\n"                                           \
	"a=fmtp:98 apt=97\r\n"                                             \
	"a=fmtp:119 apt=122\r\n"                                           \
	"a=mid:1\r\n"                                                      \
	"a=msid:{5f3c8a9e-1b2d-4e6f-8a7b-9c0d1e2f3a4b} {b2c3d4e5-f6a7-4890-bcde-f01234567890}\r\n" \
	"a=rtcp-fb:120 nack\r\n"                                           \
	"a=rtcp-fb:120 nack pli\r\n"                                       \
	"a=rtcp-fb:120 ccm fir\r\n"                                        \
	"a=rtcp-fb:120 goog-remb\r\n"                                      \
	"a=rtcp-fb:120 transport-cc\r\n"                                   \
	"a=rtcp-fb:121 nack\r\n"                                           \
	"a=rtcp-fb:121 nack pli\r\n"                                       \
	"a=rtcp-fb:121 ccm fir\r\n"                                        \
	"a=rtcp-fb:126 nack\r\n"                                           \
	"a=rtcp-fb:126 nack pli\r\n"                                       \
	"a=rtcp-fb:126 ccm fir\r\n"                                        \
	"a=rtcp-fb:97 nack\r\n"                                            \
	"a=rtcp-mux\r\n"                                                   \
	"a=rtcp-rsize\r\n"                                                 \
	"a=rtpmap:120 VP8/90000\r\n"                                       \
	"a=rtpmap:124 rtx/90000\r\n"                                       \
	"a=rtpmap:121 VP9/90000\r\n"                                       \
	"a=rtpmap:125 rtx/90000\r\n"                                       \
	"a=rtpmap:126 H264/90000\r\n"                                      \
	"a=rtpmap:127 rtx/90000\r\n"                                       \
	"a=rtpmap:97 H264/90000\r\n"                                       \
	"a=rtpmap:98 rtx/90000\r\n"                                        \
	"a=rtpmap:123 ulpfec/90000\r\n"                                    \
	"a=rtpmap:122 red/90000\r\n"                                       \
	"a=rtpmap:119 rtx/90000\r\n"                                       \
	"a=ssrc:2231627014 cname:{0e3a1c2b-4d5e-6f70-8192-a3b4c5d6e7f8}\r\n" \
	"a=ssrc:632943048 cname:{0e3a1c2b-4d5e-6f70-8192-a3b4c5d6e7f8}\r\n" \
	"a=ssrc-group:FID 2231627014 632943048\r\n"                        \
	"m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n" FF_TR(setup) \
	"a=sendrecv\r\n"                                                   \
	"a=mid:2\r\n"                                                      \
	"a=sctp-port:5000\r\n"                                             \
	"a=max-message-size:1073741823\r\n"

static const char firefox_actpass[] = FIREFOX("actpass");
static const char firefox_active[] = FIREFOX("active");
static const char firefox_passive[] = FIREFOX("passive");

/* aiortc 1.x: real ports, candidates inline, legacy SCTP form. */
#define AIO_TR                                                             \
	"c=IN IP4 192.0.2.33\r\n"                                          \
	"a=rtcp:9 IN IP4 0.0.0.0\r\n"                                      \
	"a=candidate:0b1c2d3e4f 1 udp 2130706431 192.0.2.33 43222 typ host\r\n" \
	"a=end-of-candidates\r\n"                                          \
	"a=ice-ufrag:aIoR\r\n"                                             \
	"a=ice-pwd:aiortcicepasswordxyz0123\r\n"                           \
	"a=fingerprint:sha-256 " FP_A "\r\n"                               \
	"a=setup:actpass\r\n"
#define AIO_SESS(bundle)                                                   \
	"v=0\r\n"                                                          \
	"o=- 3912345678 3912345678 IN IP4 0.0.0.0\r\n"                     \
	"s=-\r\n"                                                          \
	"t=0 0\r\n"                                                        \
	"a=group:BUNDLE " bundle "\r\n"                                    \
	"a=msid-semantic:WMS *\r\n"
#define AIO_DATA(mid)                                                      \
	"m=application 43222 DTLS/SCTP 5000\r\n" AIO_TR                    \
	"a=mid:" mid "\r\n"                                                \
	"a=sctpmap:5000 webrtc-datachannel 65535\r\n"

static const char aiortc_pub[] =
	AIO_SESS("0 1 2")
	"m=audio 43222 UDP/TLS/RTP/SAVPF 96 0 8\r\n" AIO_TR
	"a=sendrecv\r\n"
	"a=extmap:1 " EXT_MID "\r\n"
	"a=extmap:2 " EXT_LEVEL "\r\n"
	"a=mid:0\r\n"
	"a=msid:9f1e2d3c-aaaa-bbbb-cccc-0123456789ab 5e6f7a8b-aaaa-bbbb-cccc-0123456789ab\r\n"
	"a=rtcp-mux\r\n"
	"a=ssrc:2712345001 cname:aiortc-cname\r\n"
	"a=rtpmap:96 opus/48000/2\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"m=video 43222 UDP/TLS/RTP/SAVPF 97 98 99 100 101 102\r\n" AIO_TR
	"a=sendrecv\r\n"
	"a=extmap:1 " EXT_MID "\r\n"
	"a=extmap:2 " EXT_AST "\r\n"
	"a=mid:1\r\n"
	"a=msid:9f1e2d3c-aaaa-bbbb-cccc-0123456789ab 6a7b8c9d-aaaa-bbbb-cccc-0123456789ab\r\n"
	"a=rtcp-mux\r\n"
	"a=ssrc-group:FID 2712345002 2712345003\r\n"
	"a=ssrc:2712345002 cname:aiortc-cname\r\n"
	"a=ssrc:2712345003 cname:aiortc-cname\r\n"
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
	AIO_DATA("2");

static const char aiortc_recv[] = AIO_SESS("0") AIO_DATA("0");

/* Single-section offers for codec choice (Chrome-style transport). */
#define GEN_SESS(bundle)                                                   \
	"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"              \
	"a=group:BUNDLE " bundle "\r\n"
#define GEN(kind, mid, fmts, maps)                                         \
	"m=" kind " 9 UDP/TLS/RTP/SAVPF " fmts "\r\n" CH_TR                \
	"a=mid:" mid "\r\na=sendonly\r\na=rtcp-mux\r\n" maps               \
	"a=ssrc:77 cname:x\r\n"

static const char h264_pref[] =
	GEN_SESS("v")
	GEN("video", "v", "100 101 104 102 103 98",
	    "a=rtpmap:100 H264/90000\r\n"
	    "a=fmtp:100 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=640c1f\r\n"
	    "a=rtpmap:101 rtx/90000\r\na=fmtp:101 apt=100\r\n"
	    "a=rtpmap:104 H264/90000\r\n"
	    "a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f\r\n"
	    "a=rtpmap:102 H264/90000\r\n"
	    "a=rtcp-fb:102 nack\r\na=rtcp-fb:102 nack pli\r\n"
	    "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
	    "a=rtpmap:103 rtx/90000\r\na=fmtp:103 apt=102\r\n"
	    "a=rtpmap:98 VP9/90000\r\na=fmtp:98 profile-id=0\r\n");

static const char vp9_only[] =
	GEN_SESS("v")
	GEN("video", "v", "98 99 104",
	    "a=rtpmap:98 VP9/90000\r\na=rtcp-fb:98 nack\r\na=fmtp:98 profile-id=0\r\n"
	    "a=rtpmap:99 rtx/90000\r\na=fmtp:99 apt=98\r\n"
	    "a=rtpmap:104 H264/90000\r\n"
	    "a=fmtp:104 packetization-mode=0;profile-level-id=42e01f\r\n");

/* Audio without Opus, then H.264 mode 0 only: both refused. */
static const char unusable[] =
	GEN_SESS("a v d")
	GEN("audio", "a", "0 8", "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n")
	GEN("video", "v", "104",
	    "a=rtpmap:104 H264/90000\r\n"
	    "a=fmtp:104 packetization-mode=0;profile-level-id=42e01f\r\n")
	CH_DATA("d");

/* A client that only receives H.264 (and Opus). */
static const char h264_client[] =
	GEN_SESS("0 1 2")
	"m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" CH_TR
	"a=mid:0\r\na=recvonly\r\na=rtcp-mux\r\na=rtpmap:111 opus/48000/2\r\n"
	"m=video 9 UDP/TLS/RTP/SAVPF 102 103 104 105\r\n" CH_TR
	"a=mid:1\r\na=recvonly\r\na=rtcp-mux\r\n"
	"a=rtpmap:102 H264/90000\r\na=rtcp-fb:102 nack\r\n"
	"a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
	"a=rtpmap:103 rtx/90000\r\na=fmtp:103 apt=102\r\n"
	"a=rtpmap:104 H264/90000\r\n"
	"a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=640c1f\r\n"
	"a=rtpmap:105 rtx/90000\r\na=fmtp:105 apt=104\r\n"
	CH_DATA("2");

/* ---- helpers ------------------------------------------------------------ */

static void *pool[1024];
static size_t n_pool;

static void *keep(void *p)
{
	if (n_pool == sizeof(pool) / sizeof(pool[0]))
		abort();
	pool[n_pool++] = p;
	return p;
}

/* s with every from replaced by to (kept until the end). */
static char *subst(const char *s, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to), n = 0;
	const char *p;
	char *out, *o;

	for (p = s; (p = strstr(p, from)); p += fl)
		n++;
	out = keep(malloc(strlen(s) + n * tl + 1));
	for (o = out; (p = strstr(s, from)); s = p + fl) {
		memcpy(o, s, (size_t)(p - s));
		o += p - s;
		memcpy(o, to, tl);
		o += tl;
	}
	strcpy(o, s);
	return out;
}

static struct sfu_sdp *parse(const char *text)
{
	struct sfu_sdp *sdp = keep(calloc(1, sizeof(*sdp)));
	char why[200];
	int rc = sfu_sdp_parse(text, strlen(text), sdp, why, sizeof(why));

	if (rc)
		printf("# parse failed: %s\n", why);
	return rc ? NULL : sdp;
}

static char why[256];
static struct sfu_nego_changes ch;

static int offer_in(struct sfu_nego *n, const char *text)
{
	struct sfu_sdp *sdp = parse(text);

	why[0] = '\0';
	if (!sdp)
		return -999;
	return sfu_nego_apply_offer(n, sdp, &ch, why, sizeof(why));
}

static int answer_in(struct sfu_nego *n, const char *text)
{
	struct sfu_sdp *sdp = parse(text);

	why[0] = '\0';
	if (!sdp)
		return -999;
	return sfu_nego_apply_answer(n, sdp, &ch, why, sizeof(why));
}

static const char *const cands[] = {
	"candidate:1 1 udp 2122260223 192.0.2.10 40000 typ host",
	"candidate:2 1 udp 1686052607 203.0.113.5 40000 typ srflx raddr 192.0.2.10 rport 40000",
};

static struct sfu_local_desc local(const struct sfu_nego *n)
{
	return (struct sfu_local_desc){
		.ice_ufrag = "SrvU",
		.ice_pwd = "serverpassword0123456789",
		.fingerprint = FP_S,
		/* As media.c decides: the DTLS client is whoever offered
		 * active, else us. */
		.dtls_server = n->remote_setup != SFU_SETUP_PASSIVE,
		.candidates = cands,
		.n_candidates = 2,
		.end_of_candidates = true,
		.cname = "starling-cname",
	};
}

static const char *last_text;

static struct sfu_sdp *answer_out(struct sfu_nego *n)
{
	struct sfu_local_desc l = local(n);
	char *text = keep(sfu_nego_answer(n, &l));

	last_text = text;
	return parse(text);
}

static struct sfu_sdp *offer_out(struct sfu_nego *n)
{
	struct sfu_local_desc l = local(n);
	char *text = keep(sfu_nego_offer(n, &l));

	last_text = text;
	return parse(text);
}

static bool listed(const uint8_t *list, size_t n, size_t idx)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == idx)
			return true;
	return false;
}

static bool in_bundle(const struct sfu_sdp *sdp, const char *mid)
{
	for (size_t i = 0; i < sdp->n_bundle; i++)
		if (sfu_str_eq(sdp->bundle[i], mid))
			return true;
	return false;
}

static unsigned long long sess_version(const struct sfu_sdp *sdp)
{
	char buf[32];
	size_t len = sdp->origin_sess_version.len;

	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, sdp->origin_sess_version.p, len);
	buf[len] = '\0';
	return strtoull(buf, NULL, 10);
}

static char *str(struct sfu_str s)
{
	char *out = keep(malloc(s.len + 1));

	memcpy(out, s.p, s.len);
	out[s.len] = '\0';
	return out;
}

/* Each payload type means the same codec in every section of a BUNDLE. */
static bool pts_consistent(const struct sfu_sdp *sdp)
{
	for (size_t i = 0; i < sdp->n_media; i++)
		for (size_t j = i + 1; j < sdp->n_media; j++)
			for (size_t a = 0; a < sdp->media[i].n_formats; a++) {
				const struct sfu_sdp_format *fa = &sdp->media[i].formats[a];
				const struct sfu_sdp_format *fb =
					sfu_sdp_format_by_pt(&sdp->media[j], fa->pt);
				if (!fb || !fa->has_rtpmap || !fb->has_rtpmap)
					continue; /* rejected sections list bare pts */
				if (!sfu_str_caseeq(fa->name, str(fb->name)) ||
				    fa->clock != fb->clock)
					return false;
			}
	return true;
}

/* Every section of sdp carries our transport. */
static bool our_transport(const struct sfu_sdp *sdp, enum sfu_sdp_setup setup)
{
	for (size_t i = 0; i < sdp->n_media; i++) {
		const struct sfu_sdp_media *m = &sdp->media[i];
		if (!sfu_str_eq(m->ice_ufrag, "SrvU") ||
		    !sfu_str_eq(m->ice_pwd, "serverpassword0123456789") ||
		    !sfu_str_eq(m->fingerprint_hash, "sha-256") ||
		    !sfu_str_eq(m->fingerprint, FP_S) || m->setup != setup)
			return false;
	}
	return true;
}

static struct sfu_codec_params mkcodec(enum sfu_codec c, uint8_t pt,
				       uint8_t rtx_pt, const char *fmtp)
{
	struct sfu_codec_params p;

	memset(&p, 0, sizeof(p));
	p.codec = c;
	p.pt = pt;
	p.rtx_pt = rtx_pt;
	p.clock = sfu_codec_clock_rate(c);
	p.channels = c == SFU_CODEC_OPUS ? 2 : 0;
	p.fb = c == SFU_CODEC_OPUS ? 0 : SFU_FB_NACK | SFU_FB_NACK_PLI;
	sfu_strlcpy(p.fmtp, fmtp, sizeof(p.fmtp));
	return p;
}

#define H264_CB "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"
#define H264_B "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f"
#define H264_HIGH "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=640c1f"
#define H264_MAIN "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f"
#define H264_CB_M0 "level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f"

/* ---- Chrome: the whole life of one participant ------------------------- */

static void test_chrome(void)
{
	struct sfu_nego *n = keep(malloc(sizeof(*n)));
	struct sfu_sdp *a, *o;
	struct sfu_codec_params opus = mkcodec(SFU_CODEC_OPUS, 109, 0,
					       "maxplaybackrate=48000;stereo=1;useinbandfec=1");
	struct sfu_codec_params vp8 = mkcodec(SFU_CODEC_VP8, 120, 124, "");
	struct sfu_codec_params h264 = mkcodec(SFU_CODEC_H264, 126, 127, H264_CB);
	struct sfu_codec_params vp9p2 = mkcodec(SFU_CODEC_VP9, 121, 125, "profile-id=2");
	unsigned long long v_answer, v_offer;
	uint32_t ssrc3, rtx4;
	int idx;

	sfu_nego_init(n, 0xfedcba9876543210ULL);
	is_int(n->state, SFU_NEGO_STABLE, "init: stable");
	ok(!n->answered_first && !n->needs_offer && n->n == 0, "init: empty");
	ok(n->sess_id <= 0x7fffffffffffffffULL, "init: session id fits 63 bits");

	/* -- the first offer ---------------------------------------------- */
	is_int(offer_in(n, chrome1), 0, "chrome: first offer applied (%s)", why);
	is_int(n->n, 3, "three sections");
	is_int(n->sec[0].role, SFU_MSEC_MEDIA, "audio is media");
	is_int(n->sec[1].role, SFU_MSEC_MEDIA, "video is media");
	is_int(n->sec[2].role, SFU_MSEC_DATA, "application is data");
	is_str(n->sec[0].mid, "0", "mid 0");
	is_str(n->sec[2].mid, "2", "mid 2");
	is_int(n->sec[0].codec.codec, SFU_CODEC_OPUS, "audio: Opus");
	is_int(n->sec[0].codec.pt, 111, "audio: pt 111");
	is_int(n->sec[0].codec.clock, 48000, "audio: 48 kHz");
	is_int(n->sec[0].codec.channels, 2, "audio: stereo");
	is_int(n->sec[0].codec.rtx_pt, 0, "audio: no RTX");
	is_str(n->sec[0].codec.fmtp, "minptime=10;useinbandfec=1", "audio: fmtp kept");
	is_int(n->sec[1].codec.codec, SFU_CODEC_VP8, "video: VP8 preferred");
	is_int(n->sec[1].codec.pt, 96, "video: pt 96");
	is_int(n->sec[1].codec.rtx_pt, 97, "video: RTX pt from apt=96");
	is_int(n->sec[1].codec.fb,
	       SFU_FB_NACK | SFU_FB_NACK_PLI | SFU_FB_CCM_FIR | SFU_FB_REMB,
	       "video: fb nack, pli, fir, remb (not transport-cc)");
	is_int(n->sec[0].ext.audio_level, 1, "audio: audio-level id 1");
	is_int(n->sec[0].ext.abs_send_time, 2, "audio: abs-send-time id 2");
	is_int(n->sec[0].ext.mid, 4, "audio: mid id 4");
	is_int(n->sec[0].ext.twcc, 0, "audio: no twcc on a published section");
	is_int(n->sec[1].ext.mid, 4, "video: mid id 4");
	is_int(n->sec[1].ext.audio_level, 0, "video: no audio level");
	ok(n->sec[0].client_sends && n->sec[1].client_sends, "client sends both");
	ok(!n->sec[0].server_sends && !n->sec[1].server_sends, "server sends nothing");
	is_int(n->sec[0].in_ssrc, 1001, "audio in_ssrc");
	is_int(n->sec[0].in_rtx_ssrc, 0, "audio: no RTX ssrc");
	is_int(n->sec[1].in_ssrc, 2001, "video in_ssrc: FID primary");
	is_int(n->sec[1].in_rtx_ssrc, 2002, "video in_rtx_ssrc: FID secondary");
	is_int(ch.n_published, 2, "two published");
	ok(listed(ch.published, ch.n_published, 0) &&
		   listed(ch.published, ch.n_published, 1),
	   "published: 0 and 1");
	ok(ch.n_unpublished == 0 && ch.n_refused == 0 && ch.n_accepted == 0,
	   "nothing else changed");
	is_int(n->sec[2].sctp_port, 5000, "sctp port");
	is_int(n->sec[2].max_message_size, 262144, "max message size");
	ok(!n->sec[2].legacy_sctp, "RFC 8841 SCTP form");
	ok(n->allow_mixed, "extmap-allow-mixed noted");
	is_int(n->remote_setup, SFU_SETUP_ACTPASS, "client offered actpass");
	is_str(n->ice_ufrag, "Chr1", "client ufrag noted");
	is_str(n->fp, FP_C, "client fingerprint noted");
	is_int(n->n_caps, 4, "caps: Opus, VP8, VP9, H.264 (mode 0 and dup profiles skipped)");
	is_int(n->caps_ext[1].twcc, 3, "video caps: twcc id 3");
	is_int(n->caps_ext[0].audio_level, 1, "audio caps: audio level id 1");
	ok(!sfu_nego_should_offer(n), "no offer before the first answer");

	/* -- the answer ---------------------------------------------------- */
	a = answer_out(n);
	ok(a != NULL, "answer parses");
	if (!a)
		return;
	ok(n->answered_first, "answered_first");
	is_int(n->n_known, 3, "client knows three sections");
	is_int(a->n_media, 3, "answer: three sections");
	ok(sfu_str_eq(a->media[0].mid, "0") && sfu_str_eq(a->media[1].mid, "1") &&
		   sfu_str_eq(a->media[2].mid, "2"),
	   "answer: mids in order");
	ok(a->has_bundle && a->n_bundle == 3 && in_bundle(a, "0") &&
		   in_bundle(a, "1") && in_bundle(a, "2"),
	   "answer: BUNDLE 0 1 2");
	ok(our_transport(a, SFU_SETUP_PASSIVE), "answer: our ICE/DTLS, setup passive");
	is_int(a->media[0].kind, SFU_SDP_AUDIO, "answer: audio");
	is_int(sfu_sdp_media_dir(&a->media[0]), SFU_DIR_RECVONLY, "answer: audio recvonly");
	is_int(sfu_sdp_media_dir(&a->media[1]), SFU_DIR_RECVONLY, "answer: video recvonly");
	ok(a->media[0].rtcp_mux && a->media[1].rtcp_mux, "answer: rtcp-mux");
	ok(a->media[0].n_formats == 1 && a->media[0].formats[0].pt == 111 &&
		   sfu_str_caseeq(a->media[0].formats[0].name, "opus") &&
		   a->media[0].formats[0].channels == 2,
	   "answer: audio opus/48000/2 only");
	ok(a->media[1].n_formats == 2 && a->media[1].formats[0].pt == 96 &&
		   sfu_str_eq(a->media[1].formats[0].name, "VP8"),
	   "answer: video VP8 96 + RTX");
	{
		const struct sfu_sdp_format *rtx = sfu_sdp_format_by_pt(&a->media[1], 97);
		struct sfu_str apt = rtx ? sfu_sdp_fmtp_param(rtx, "apt") : (struct sfu_str){ 0 };
		ok(rtx && sfu_str_eq(apt, "96"), "answer: rtx 97 apt=96");
	}
	ok((a->media[1].formats[0].fb & (SFU_FB_NACK | SFU_FB_NACK_PLI)) ==
		   (SFU_FB_NACK | SFU_FB_NACK_PLI),
	   "answer: nack and pli for VP8");
	is_int(sfu_sdp_extmap_id(&a->media[0], EXT_MID), 4, "answer: mid ext id 4");
	is_int(sfu_sdp_extmap_id(&a->media[0], EXT_LEVEL), 1, "answer: audio level id 1");
	is_int(sfu_sdp_extmap_id(&a->media[1], EXT_TWCC), 0, "answer: no twcc for a publisher");
	is_int(a->media[0].n_ssrcs, 0, "answer: no ssrc lines for received sections");
	is_int(a->media[2].kind, SFU_SDP_APPLICATION, "answer: application");
	ok(sfu_str_eq(a->media[2].proto, "UDP/DTLS/SCTP") &&
		   sfu_str_eq(a->media[2].fmt_text, "webrtc-datachannel"),
	   "answer: UDP/DTLS/SCTP webrtc-datachannel");
	is_int(a->media[2].sctp_port, 5000, "answer: a=sctp-port:5000");
	ok(a->media[2].max_message_size > 0, "answer: a=max-message-size");
	is_int(a->media[0].n_candidates, 2, "answer: candidates in the first section");
	ok(a->media[0].end_of_candidates, "answer: end-of-candidates there");
	ok(a->media[1].n_candidates == 0 && a->media[2].n_candidates == 0 &&
		   !a->media[1].end_of_candidates,
	   "answer: candidates only once");
	ok(a->extmap_allow_mixed, "answer: extmap-allow-mixed echoed");
	v_answer = sess_version(a);
	{
		char id[32];
		snprintf(id, sizeof(id), "%llu", (unsigned long long)n->sess_id);
		ok(sfu_str_eq(a->origin_sess_id, id), "answer: o= carries the session id");
	}

	/* -- the same offer again changes nothing ------------------------- */
	is_int(offer_in(n, subst(chrome1, " 2 IN IP4", " 3 IN IP4")), 0,
	       "chrome: identical re-offer");
	ok(ch.n_published == 0 && ch.n_unpublished == 0 && ch.n_refused == 0,
	   "re-offer: no changes");
	ok(n->n == 3 && n->sec[1].codec.pt == 96 && n->sec[1].in_ssrc == 2001,
	   "re-offer: sections kept");
	a = answer_out(n);
	ok(a && sess_version(a) > v_answer, "answer version increments");
	v_answer = a ? sess_version(a) : 0;

	/* -- remote tracks arrive ------------------------------------------ */
	idx = sfu_nego_attach(n, SFU_SDP_AUDIO, &opus, "alice", "alice-mic", 0xa0000001, 0);
	is_int(idx, 3, "attach audio: new section 3 (0 is the client's)");
	is_str(n->sec[3].mid, "3", "new section: unique mid 3");
	is_int(n->sec[3].codec.pt, 111, "attach: client's Opus pt, not the publisher's 109");
	is_int(n->sec[3].out_ssrc, 0xa0000001, "attach: out_ssrc");
	ok(n->sec[3].server_sends && !n->sec[3].client_sends && !n->sec[3].accepted,
	   "attach: server sends, not yet accepted");
	is_str(n->sec[3].pub_participant, "alice", "attach: publisher");
	is_str(n->sec[3].pub_track, "alice-mic", "attach: track");
	is_int(n->sec[3].ext.twcc, 3, "attach: client's twcc id");
	is_int(n->sec[3].ext.audio_level, 1, "attach: client's audio level id");
	ok(n->needs_offer, "attach: needs an offer");
	ok(sfu_nego_should_offer(n), "should offer now (answered, stable)");
	idx = sfu_nego_attach(n, SFU_SDP_VIDEO, &vp8, "alice", "alice-cam", 0xa0000002, 0xa0000003);
	is_int(idx, 4, "attach VP8: section 4");
	ok(n->sec[4].codec.pt == 96 && n->sec[4].codec.rtx_pt == 97,
	   "attach VP8: client's pts 96/97 rather than 120/124");
	idx = sfu_nego_attach(n, SFU_SDP_VIDEO, &h264, "bob", "bob-cam", 0xb0000002, 0xb0000003);
	is_int(idx, 5, "attach H.264: section 5");
	is_int(n->sec[5].codec.codec, SFU_CODEC_H264, "attach H.264: codec");
	ok(n->sec[5].codec.pt == 102 || n->sec[5].codec.pt == 106,
	   "attach H.264: a client pt for constrained baseline (%u)", n->sec[5].codec.pt);
	is_int(sfu_nego_attach(n, SFU_SDP_VIDEO, &vp9p2, "bob", "bob-hdr", 1, 2),
	       -ENOTSUP, "attach VP9 profile 2: the client offered only profile 0");
	is_int(n->n, 6, "six sections");

	/* A client offer now would race sections it has not seen. */
	is_int(offer_in(n, subst(chrome1, " 2 IN IP4", " 4 IN IP4")), -EBUSY,
	       "client offer while attached sections wait: -EBUSY");
	ok(why[0] != '\0', "with a reason");
	ok(n->n == 6 && n->state == SFU_NEGO_STABLE, "nothing changed");

	/* -- the server's offer --------------------------------------------- */
	o = offer_out(n);
	ok(o != NULL, "offer parses");
	if (!o)
		return;
	is_int(n->state, SFU_NEGO_HAVE_LOCAL_OFFER, "offer: HAVE_LOCAL_OFFER");
	ok(!n->needs_offer && !sfu_nego_should_offer(n), "offer: nothing more to offer");
	is_int(n->n_known, 6, "offer: six sections known");
	v_offer = sess_version(o);
	ok(v_offer > v_answer, "offer: o= version increments");
	is_int(o->n_media, 6, "offer: six sections");
	ok(our_transport(o, SFU_SETUP_ACTPASS), "offer: setup actpass everywhere");
	ok(o->n_bundle == 6 && in_bundle(o, "5"), "offer: BUNDLE of six");
	is_int(sfu_sdp_media_dir(&o->media[0]), SFU_DIR_RECVONLY, "offer: client's audio recvonly");
	is_int(sfu_sdp_media_dir(&o->media[3]), SFU_DIR_SENDONLY, "offer: remote audio sendonly");
	is_int(sfu_sdp_media_dir(&o->media[4]), SFU_DIR_SENDONLY, "offer: remote video sendonly");
	ok(sfu_str_eq(o->media[3].msid_stream, "alice") &&
		   sfu_str_eq(o->media[3].msid_track, "alice-mic"),
	   "offer: a=msid:<participant> <track>");
	ok(o->media[3].n_ssrcs == 1 && o->media[3].ssrcs[0].ssrc == 0xa0000001 &&
		   sfu_str_eq(o->media[3].ssrcs[0].cname, "starling-cname"),
	   "offer: audio a=ssrc with our cname");
	is_int(o->media[4].n_ssrcs, 2, "offer: video ssrc and RTX ssrc");
	is_int(sfu_sdp_rtx_ssrc(&o->media[4], 0xa0000002), 0xa0000003,
	       "offer: ssrc-group FID");
	is_int(sfu_sdp_extmap_id(&o->media[4], EXT_TWCC), 3, "offer: twcc ext on sent video");
	ok(o->media[4].formats[0].fb & SFU_FB_TWCC, "offer: rtcp-fb transport-cc on sent video");
	ok(sfu_sdp_format_by_pt(&o->media[4], 97) != NULL, "offer: RTX 97 listed");
	ok(pts_consistent(o), "offer: payload types consistent across the bundle");
	is_int(o->media[0].n_candidates, 2, "offer: candidates in the first section");
	is_int(o->media[3].n_candidates, 0, "offer: not repeated");

	/* Glare: the client's offer loses against ours. */
	is_int(offer_in(n, subst(chrome1, " 2 IN IP4", " 4 IN IP4")), -EBUSY,
	       "glare: client offer in HAVE_LOCAL_OFFER refused");
	is_int(n->state, SFU_NEGO_HAVE_LOCAL_OFFER, "glare: our offer stands");

	/* -- the client's answers ------------------------------------------- */
	is_int(answer_in(n, subst(chrome_ans_e, CA_SEC("video", "102 103", "5", "inactive", H264_MAP), "")),
	       -EINVAL, "answer with a section missing: -EINVAL");
	ok(why[0] != '\0', "with a reason");
	is_int(n->state, SFU_NEGO_HAVE_LOCAL_OFFER, "bad answer keeps the offer out");
	is_int(answer_in(n, subst(chrome_ans_e, "a=mid:4\r\n", "a=mid:x4\r\n")), -EINVAL,
	       "answer with another mid: -EINVAL");
	is_int(answer_in(n, chrome_ans_e), 0, "answer applied (%s)", why);
	is_int(n->state, SFU_NEGO_STABLE, "answer: stable");
	ok(ch.n_accepted == 1 && ch.accepted[0] == 3, "answer: 3 accepted");
	ok(n->sec[3].accepted && n->sec[3].server_sends, "section 3 carries its track");
	is_int(ch.n_refused, 2, "answer: two refused");
	ok(listed(ch.refused, ch.n_refused, 4), "refused: 4 (codec pt missing)");
	ok(listed(ch.refused, ch.n_refused, 5), "refused: 5 (not recvonly)");
	ok(!n->sec[4].server_sends && !n->sec[5].server_sends, "refused sections send nothing");
	ok(!sfu_nego_should_offer(n), "nothing to offer after the answer");
	is_int(answer_in(n, chrome_ans_e), -EINVAL, "a second answer: no offer out");

	/* -- a track leaves, its section goes inactive ----------------------- */
	ssrc3 = n->sec[3].out_ssrc;
	sfu_nego_detach(n, 3);
	ok(!n->sec[3].server_sends && !n->sec[3].accepted, "detach: section idle");
	is_int(n->sec[3].out_ssrc, ssrc3, "detach: ssrc kept for reuse");
	ok(sfu_nego_should_offer(n), "detach: offer wanted");
	sfu_nego_detach(n, 3);
	sfu_nego_detach(n, 60);
	ok(1, "detach twice / out of range is harmless");
	o = offer_out(n);
	ok(o && sfu_sdp_media_dir(&o->media[3]) == SFU_DIR_INACTIVE,
	   "offer: detached section inactive");
	ok(o && o->media[3].n_ssrcs == 0 && o->media[3].msid_track.len == 0,
	   "offer: no msid/ssrc on an inactive section");
	ok(o && sess_version(o) > v_offer, "offer: version increments again");
	ok(o && in_bundle(o, "3") && o->media[3].port != 0,
	   "offer: inactive section stays in the bundle");
	is_int(answer_in(n, chrome_ans_f), 0, "answer to the inactive offer");
	ok(ch.n_accepted == 0 && ch.n_refused == 0, "nothing accepted or refused");

	/* -- reuse: the next tracks take the idle sections ------------------- */
	rtx4 = n->sec[4].out_rtx_ssrc;
	idx = sfu_nego_attach(n, SFU_SDP_AUDIO, &opus, "carol", "carol-mic", 0xc0000001, 0);
	is_int(idx, 3, "attach audio: reuses inactive section 3");
	/* A reused section sends the new track under new SSRCs (browsers bind
	 * an SSRC to its first track); numbering continuity is forward.c's. */
	ok(n->sec[3].out_ssrc == 0xc0000001 && n->sec[3].out_ssrc != ssrc3,
	   "reused section: the new track's own out_ssrc");
	ssrc3 = n->sec[3].out_ssrc;
	is_str(n->sec[3].pub_track, "carol-mic", "reused section: new track");
	idx = sfu_nego_attach(n, SFU_SDP_VIDEO, &vp8, "carol", "carol-cam", 0xc0000002, 0xc0000003);
	is_int(idx, 4, "attach video: reuses refused section 4");
	ok(n->sec[4].out_rtx_ssrc == 0xc0000003 && n->sec[4].out_rtx_ssrc != rtx4,
	   "reused section: the new track's own RTX ssrc");
	rtx4 = n->sec[4].out_rtx_ssrc;
	is_int(n->n, 6, "no section added");
	is_int(offer_in(n, subst(chrome1, " 2 IN IP4", " 7 IN IP4")), -EINVAL,
	       "reused sections add none: not glare, but the offer misses sections");
	is_int(n->n, 6, "still six sections");
	o = offer_out(n);
	ok(o && sfu_sdp_media_dir(&o->media[3]) == SFU_DIR_SENDONLY &&
		   o->media[3].n_ssrcs == 1 && o->media[3].ssrcs[0].ssrc == ssrc3,
	   "offer: reused section sendonly with its new ssrc");
	ok(o && sfu_str_eq(o->media[3].msid_stream, "carol") &&
		   sfu_str_eq(o->media[3].msid_track, "carol-mic"),
	   "offer: reused section's new msid");
	is_int(answer_in(n, chrome_ans_g), 0, "answer: 3 and 4 taken");
	ok(ch.n_accepted == 2 && listed(ch.accepted, ch.n_accepted, 3) &&
		   listed(ch.accepted, ch.n_accepted, 4),
	   "accepted 3 and 4");

	/* -- the client adds a screen share ---------------------------------- */
	is_int(offer_in(n, chrome_h), 0, "re-offer adding section 6 (%s)", why);
	is_int(n->n, 7, "seven sections");
	ok(ch.n_published == 1 && ch.published[0] == 6, "published: 6");
	ok(ch.n_refused == 0 && ch.n_unpublished == 0, "nothing refused");
	ok(n->sec[6].client_sends && !n->sec[6].server_sends, "6: client sends");
	ok(n->sec[6].in_ssrc == 4001 && n->sec[6].in_rtx_ssrc == 4002, "6: FID ssrcs");
	ok(n->sec[3].server_sends && n->sec[4].server_sends, "3 and 4 still carry tracks");
	ok(n->sec[3].accepted && n->sec[4].accepted, "and stay accepted");
	a = answer_out(n);
	ok(a && a->n_media == 7, "answer: seven sections");
	if (!a)
		return;
	is_int(sfu_sdp_media_dir(&a->media[3]), SFU_DIR_SENDONLY, "answer: 3 sendonly");
	ok(sfu_str_eq(a->media[4].msid_track, "carol-cam") &&
		   sfu_sdp_rtx_ssrc(&a->media[4], n->sec[4].out_ssrc) == rtx4,
	   "answer: 4 keeps msid and ssrc-group");
	is_int(sfu_sdp_media_dir(&a->media[5]), SFU_DIR_INACTIVE, "answer: 5 inactive");
	is_int(sfu_sdp_media_dir(&a->media[6]), SFU_DIR_RECVONLY, "answer: 6 recvonly");
	ok(sfu_str_eq(a->media[6].mid, "6"), "answer: mid 6");
	is_int(sfu_sdp_extmap_id(&a->media[3], EXT_TWCC), 3, "answer: twcc where we send");
	ok(pts_consistent(a), "answer: payload types consistent");

	/* -- the client stops its camera ------------------------------------- */
	is_int(offer_in(n, chrome_i), 0, "re-offer stopping section 1 (%s)", why);
	ok(ch.n_unpublished == 1 && ch.unpublished[0] == 1, "unpublished: 1");
	is_int(n->sec[1].role, SFU_MSEC_REJECTED, "1: rejected");
	ok(!n->sec[1].client_sends, "1: client no longer sends");
	a = answer_out(n);
	ok(a && a->n_media == 7, "answer: still seven sections");
	if (!a)
		return;
	is_int(a->media[1].port, 0, "answer: 1 has port 0");
	ok(sfu_str_eq(a->media[1].mid, "1"), "answer: 1 keeps its mid");
	is_int(a->media[1].kind, SFU_SDP_VIDEO, "answer: 1 is still video");
	ok(!in_bundle(a, "1") && a->n_bundle == 6, "answer: 1 left the bundle");
	ok(sfu_str_eq(a->media[1].ice_ufrag, "SrvU") && a->media[1].fingerprint.len,
	   "answer: rejected section has ice and fingerprint lines");
	ok(a->media[0].n_candidates == 2 && a->media[1].n_candidates == 0,
	   "answer: candidates stay in section 0");

	/* -- the client publishes on the server's section 3 (addTrack) ------- */
	is_int(offer_in(n, chrome_j), 0, "re-offer: section 3 sendrecv (%s)", why);
	ok(ch.n_published == 1 && ch.published[0] == 3, "published: 3");
	ok(n->sec[3].client_sends && n->sec[3].server_sends, "3: both directions");
	is_int(n->sec[3].in_ssrc, 3001, "3: client's ssrc");
	is_int(n->sec[3].out_ssrc, ssrc3, "3: our ssrc unchanged");
	a = answer_out(n);
	ok(a != NULL, "answer parses");
	if (!a)
		return;
	is_int(sfu_sdp_media_dir(&a->media[3]), SFU_DIR_SENDRECV, "answer: 3 sendrecv");
	ok(sfu_str_eq(a->media[3].msid_track, "carol-mic") &&
		   a->media[3].n_ssrcs == 1 && a->media[3].ssrcs[0].ssrc == ssrc3,
	   "answer: 3 still announces our track");
	/* The section the client now publishes on is not reused. */
	sfu_nego_detach(n, 3);
	ok(n->sec[3].client_sends && !n->sec[3].server_sends, "detach keeps the client's side");
	idx = sfu_nego_attach(n, SFU_SDP_AUDIO, &opus, "dave", "dave-mic", 0xd0000001, 0);
	ok(idx >= 7, "attach: a section the client publishes on is not reused (%d)", idx);
	ok(idx >= 7 && n->sec[idx].out_ssrc == 0xd0000001, "new section, new ssrc");
	o = offer_out(n);
	ok(o && sfu_sdp_media_dir(&o->media[3]) == SFU_DIR_RECVONLY,
	   "offer: 3 back to recvonly");
	ok(o && o->media[1].port == 0 && !in_bundle(o, "1"),
	   "offer: rejected section stays port 0");
	ok(o && pts_consistent(o), "offer: payload types consistent");
	/* Answer it: all mids, 1 rejected. */
	if (o) {
		char *ans = subst(last_text, "a=setup:actpass", "a=setup:active");
		ans = subst(ans, "a=sendonly", "a=recvonly");
		is_int(answer_in(n, ans), 0, "answer to the last offer (%s)", why);
		ok(ch.n_accepted == 1 && ch.accepted[0] == (uint8_t)idx, "new section accepted");
	}
}

/* Rejected sections may be recycled by the client under a new mid. */
static void test_recycle(void)
{
	struct sfu_nego *n = keep(malloc(sizeof(*n)));
	struct sfu_sdp *a;
	const char *h = chrome_h;

	sfu_nego_init(n, 42);
	/* Reach the state of chrome_j without server tracks: the client's
	 * own sections only. */
	h = subst(chrome_j, RO, "a=inactive\r\n");
	is_int(offer_in(n, h), 0, "recycle: first offer (%s)", why);
	is_int(n->sec[1].role, SFU_MSEC_REJECTED, "recycle: 1 starts rejected");
	answer_out(n);
	is_int(offer_in(n, subst(chrome_l, RO, "a=inactive\r\n")), 0,
	       "recycle: re-offer with a new mid at index 1 (%s)", why);
	is_str(n->sec[1].mid, "7", "recycle: section 1 takes mid 7");
	is_int(n->sec[1].kind, SFU_SDP_VIDEO, "recycle: section 1 is video");
	is_int(n->sec[1].role, SFU_MSEC_MEDIA, "recycle: media again");
	ok(n->sec[1].client_sends && n->sec[1].in_ssrc == 5001, "recycle: client sends 5001");
	ok(listed(ch.published, ch.n_published, 1), "recycle: published 1");
	is_int(sfu_nego_find_mid(n, "7", 1), 1, "find_mid 7");
	is_int(sfu_nego_find_mid(n, "1", 1), -1, "mid 1 is gone");
	a = answer_out(n);
	ok(a && sfu_str_eq(a->media[1].mid, "7") && a->media[1].kind == SFU_SDP_VIDEO &&
		   a->media[1].port != 0 && in_bundle(a, "7"),
	   "recycle: answer has video mid 7 in the bundle");
}

/* The parts of the state an offer may change (memcmp would read padding). */
static bool same_state(const struct sfu_nego *a, const struct sfu_nego *b)
{
	if (a->state != b->state || a->n != b->n || a->n_known != b->n_known ||
	    a->version != b->version || a->n_caps != b->n_caps ||
	    a->allow_mixed != b->allow_mixed || a->remote_setup != b->remote_setup ||
	    strcmp(a->ice_ufrag, b->ice_ufrag) || strcmp(a->ice_pwd, b->ice_pwd) ||
	    strcmp(a->fp, b->fp))
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const struct sfu_msec *x = &a->sec[i], *y = &b->sec[i];
		if (strcmp(x->mid, y->mid) || x->kind != y->kind || x->role != y->role ||
		    x->codec.codec != y->codec.codec || x->codec.pt != y->codec.pt ||
		    x->codec.rtx_pt != y->codec.rtx_pt ||
		    x->client_sends != y->client_sends ||
		    x->server_sends != y->server_sends || x->in_ssrc != y->in_ssrc ||
		    x->in_rtx_ssrc != y->in_rtx_ssrc || x->ext.mid != y->ext.mid)
			return false;
	}
	return true;
}

/* ---- offers refused ------------------------------------------------------- */

static void test_bad_offers(void)
{
	struct sfu_nego *n = keep(malloc(sizeof(*n)));
	struct sfu_nego *copy = keep(malloc(sizeof(*n)));
	static const char *const bundle_line = "a=group:BUNDLE 0 1 2\r\n";

	sfu_nego_init(n, 7);
	is_int(offer_in(n, subst(chrome1, bundle_line, "")), -EINVAL, "no BUNDLE: -EINVAL");
	ok(strstr(why, "BUNDLE") != NULL, "reason names BUNDLE (%s)", why);
	is_int(offer_in(n, subst(chrome1, bundle_line, "a=group:BUNDLE 0 1\r\n")), -EINVAL,
	       "a section outside the BUNDLE: -EINVAL");
	is_int(offer_in(n, subst(chrome1, "a=rtcp-mux\r\n", "")), -EINVAL, "no rtcp-mux: -EINVAL");
	ok(strstr(why, "rtcp-mux") != NULL, "reason names rtcp-mux (%s)", why);
	is_int(offer_in(n, subst(chrome1, "a=ice-ufrag:Chr1\r\n", "")), -EINVAL,
	       "no ice-ufrag: -EINVAL");
	ok(why[0] != '\0', "reason given (%s)", why);
	is_int(offer_in(n, subst(chrome1, "a=ice-pwd:chromeicepwd0123456789ab\r\n", "")), -EINVAL,
	       "no ice-pwd: -EINVAL");
	is_int(offer_in(n, subst(chrome1, "a=fingerprint:sha-256 " FP_C "\r\n", "")), -EINVAL,
	       "no fingerprint: -EINVAL");
	ok(strstr(why, "fingerprint") != NULL, "reason names the fingerprint (%s)", why);
	is_int(offer_in(n, subst(chrome1, "a=mid:1\r\n", "")), -EINVAL, "a section without mid: -EINVAL");
	is_int(offer_in(n, GEN_SESS("") "m=audio 0 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\n"),
	       -EINVAL, "every section rejected: -EINVAL");
	is_int(n->n, 0, "refused offers changed nothing");
	ok(!n->ice_ufrag[0], "not even the transport");

	is_int(offer_in(n, chrome1), 0, "a good offer");
	answer_out(n);
	*copy = *n;
	is_int(offer_in(n, subst(chrome1, "Chr1", "Chr2")), -EINVAL,
	       "changed ufrag (ICE restart): -EINVAL");
	ok(strstr(why, "ICE") != NULL, "reason names ICE (%s)", why);
	is_int(offer_in(n, subst(chrome1, "chromeicepwd0123456789ab", "chromeicepwd0123456789zz")),
	       -EINVAL, "changed ice-pwd: -EINVAL");
	is_int(offer_in(n, subst(chrome1, FP_C, FP_F)), -EINVAL, "changed fingerprint: -EINVAL");
	is_int(offer_in(n, CH_SESS("3", "0 1") CH_AUDIO("0", SR_A, SSRC_A)
				   CH_VIDEO("1", SR_V, SSRC_V)),
	       -EINVAL, "a section removed: -EINVAL");
	ok(strstr(why, "removed") != NULL, "reason: removed (%s)", why);
	is_int(offer_in(n, subst(subst(chrome1, "a=mid:1\r\n", "a=mid:v\r\n"), "BUNDLE 0 1 2",
				 "BUNDLE 0 v 2")),
	       -EINVAL, "a changed mid: -EINVAL");
	ok(strstr(why, "mid") != NULL, "reason: mid (%s)", why);
	is_int(offer_in(n, subst(subst(chrome1, "a=mid:1\r\n", "a=mid:2\r\n"), CH_DATA("2"),
				 CH_DATA("1"))),
	       -EINVAL, "sections reordered: -EINVAL");
	ok(same_state(copy, n), "refused re-offers changed nothing");
	is_int(offer_in(n, subst(chrome1, " 2 IN IP4", " 3 IN IP4")), 0,
	       "the same transport is still fine");
}

/* ---- Firefox ---------------------------------------------------------------- */

static void test_firefox(void)
{
	struct sfu_nego *n = keep(malloc(sizeof(*n)));
	struct sfu_sdp *a;
	struct sfu_codec_params vp8 = mkcodec(SFU_CODEC_VP8, 96, 97, "");
	struct sfu_codec_params h264 = mkcodec(SFU_CODEC_H264, 102, 103, H264_B);

	sfu_nego_init(n, 1);
	is_int(offer_in(n, firefox_actpass), 0, "firefox: offer applied (%s)", why);
	is_int(n->n, 3, "firefox: three sections");
	ok(n->sec[0].codec.codec == SFU_CODEC_OPUS && n->sec[0].codec.pt == 109,
	   "firefox: Opus 109");
	is_str(n->sec[0].codec.fmtp, "maxplaybackrate=48000;stereo=1;useinbandfec=1",
	       "firefox: Opus fmtp");
	ok(n->sec[1].codec.codec == SFU_CODEC_VP8 && n->sec[1].codec.pt == 120,
	   "firefox: VP8 120");
	is_int(n->sec[1].codec.rtx_pt, 124, "firefox: RTX 124 (apt=120)");
	is_str(n->sec[1].codec.fmtp, "max-fs=12288;max-fr=60", "firefox: VP8 fmtp");
	is_int(n->sec[1].codec.fb,
	       SFU_FB_NACK | SFU_FB_NACK_PLI | SFU_FB_CCM_FIR | SFU_FB_REMB, "firefox: fb");
	is_int(n->sec[0].ext.audio_level, 1, "firefox: audio level 1");
	is_int(n->sec[0].ext.mid, 3, "firefox: mid 3");
	is_int(n->sec[1].ext.abs_send_time, 4, "firefox: abs-send-time 4");
	is_int(n->sec[0].in_ssrc, 3127348392u, "firefox: audio ssrc");
	is_int(n->sec[1].in_ssrc, 2231627014u, "firefox: video ssrc (FID primary, listed after)");
	is_int(n->sec[1].in_rtx_ssrc, 632943048u, "firefox: video RTX ssrc");
	is_int(n->sec[2].max_message_size, 1073741823u, "firefox: max-message-size");
	is_str(n->fp_hash, "sha-256", "firefox: session-level fingerprint used");
	is_int(n->remote_setup, SFU_SETUP_ACTPASS, "firefox: actpass");
	ok(!n->allow_mixed, "firefox: no extmap-allow-mixed");
	a = answer_out(n);
	ok(a && our_transport(a, SFU_SETUP_PASSIVE), "firefox actpass: we answer passive");
	ok(a && !a->extmap_allow_mixed, "firefox: no extmap-allow-mixed in the answer");
	ok(a && a->media[1].formats[0].pt == 120 &&
		   sfu_sdp_format_by_pt(&a->media[1], 124) != NULL,
	   "firefox: answer VP8 120 + RTX 124");

	/* Firefox-learnt caps: its pts for remote tracks. */
	is_int(sfu_nego_attach(n, SFU_SDP_VIDEO, &vp8, "p", "t1", 11, 12), 3, "firefox: attach VP8");
	ok(n->sec[3].codec.pt == 120 && n->sec[3].codec.rtx_pt == 124,
	   "firefox: VP8 sent as 120/124");
	is_int(sfu_nego_attach(n, SFU_SDP_VIDEO, &h264, "p", "t2", 13, 14), 4,
	       "firefox: attach H.264 42001f");
	ok(n->sec[4].codec.pt == 126 && n->sec[4].codec.rtx_pt == 127,
	   "firefox: H.264 as its mode-1 126/127, not mode-0 97");
	a = offer_out(n);
	ok(a && pts_consistent(a), "firefox: offer pts consistent");

	sfu_nego_init(n, 1);
	is_int(offer_in(n, firefox_active), 0, "firefox setup:active");
	is_int(n->remote_setup, SFU_SETUP_ACTIVE, "remote_setup active");
	a = answer_out(n);
	ok(a && our_transport(a, SFU_SETUP_PASSIVE), "client active: we answer passive");

	sfu_nego_init(n, 1);
	is_int(offer_in(n, firefox_passive), 0, "firefox setup:passive");
	is_int(n->remote_setup, SFU_SETUP_PASSIVE, "remote_setup passive");
	a = answer_out(n);
	ok(a && our_transport(a, SFU_SETUP_ACTIVE), "client passive: we answer active");
	/* Our later offers still say actpass. */
	is_int(sfu_nego_attach(n, SFU_SDP_AUDIO, &(struct sfu_codec_params){
		       .codec = SFU_CODEC_OPUS, .pt = 111, .clock = 48000, .channels = 2 },
			       "p", "a", 21, 0),
	       3, "firefox: attach Opus");
	ok(n->sec[3].codec.pt == 109, "firefox: Opus as 109");
	a = offer_out(n);
	ok(a && our_transport(a, SFU_SETUP_ACTPASS), "offer after passive: actpass");
}

/* ---- aiortc ------------------------------------------------------------------ */

static void test_aiortc(void)
{
	struct sfu_nego *n = keep(malloc(sizeof(*n)));
	struct sfu_sdp *a, *o;
	struct sfu_codec_params vp8 = mkcodec(SFU_CODEC_VP8, 96, 97, "");
	struct sfu_codec_params vp9 = mkcodec(SFU_CODEC_VP9, 96, 97, "profile-id=0");
	struct sfu_codec_params vp8b = mkcodec(SFU_CODEC_VP8, 100, 101, "");
	struct sfu_codec_params opus97 = mkcodec(SFU_CODEC_OPUS, 97, 0, "");
	struct sfu_codec_params opus111 = mkcodec(SFU_CODEC_OPUS, 111, 0, "");
	int i;

	sfu_nego_init(n, 99);
	is_int(offer_in(n, aiortc_pub), 0, "aiortc: offer applied (%s)", why);
	ok(n->sec[0].codec.codec == SFU_CODEC_OPUS && n->sec[0].codec.pt == 96,
	   "aiortc: Opus 96");
	ok(n->sec[1].codec.codec == SFU_CODEC_VP8 && n->sec[1].codec.pt == 97 &&
		   n->sec[1].codec.rtx_pt == 98,
	   "aiortc: VP8 97 + RTX 98");
	is_int(n->sec[1].codec.fb, SFU_FB_NACK | SFU_FB_NACK_PLI | SFU_FB_REMB, "aiortc: fb");
	is_int(n->sec[0].ext.mid, 1, "aiortc: mid ext 1");
	is_int(n->sec[0].ext.audio_level, 2, "aiortc: audio level 2");
	ok(n->sec[1].in_ssrc == 2712345002u && n->sec[1].in_rtx_ssrc == 2712345003u,
	   "aiortc: FID ssrcs");
	is_int(n->sec[2].role, SFU_MSEC_DATA, "aiortc: legacy data section is data");
	ok(n->sec[2].legacy_sctp, "aiortc: legacy SCTP noted");
	is_int(n->sec[2].sctp_port, 5000, "aiortc: sctp port from the m= line");
	a = answer_out(n);
	ok(a != NULL, "aiortc: answer parses");
	if (!a)
		return;
	ok(sfu_str_eq(a->media[2].proto, "DTLS/SCTP") && sfu_str_eq(a->media[2].fmt_text, "5000"),
	   "aiortc: answer m=application 9 DTLS/SCTP 5000");
	ok(strstr(last_text, "a=sctpmap:5000 webrtc-datachannel") != NULL,
	   "aiortc: answer has a=sctpmap");
	ok(strstr(last_text, "a=sctp-port") == NULL, "aiortc: and no a=sctp-port");
	is_int(a->media[2].kind, SFU_SDP_APPLICATION, "aiortc: application kind");
	ok(a->media[2].port != 0 && in_bundle(a, "2"), "aiortc: data section bundled");

	/* A receive-only aiortc client: only the data channel, nothing learnt. */
	sfu_nego_init(n, 100);
	is_int(offer_in(n, aiortc_recv), 0, "aiortc recv-only: offer (%s)", why);
	is_int(n->n_caps, 0, "recv-only: no caps learnt");
	a = answer_out(n);
	ok(a && a->n_media == 1 && a->media[0].n_candidates == 2,
	   "recv-only: answer with the data section and candidates");
	i = sfu_nego_attach(n, SFU_SDP_VIDEO, &vp8, "p1", "v1", 0x100, 0x101);
	is_int(i, 1, "recv-only: attach VP8 -> section 1");
	ok(n->sec[1].codec.pt == 96 && n->sec[1].codec.rtx_pt == 97,
	   "caps unknown: the publisher's pts 96/97");
	ok(n->sec[1].ext.mid && n->sec[1].ext.twcc && !n->sec[1].ext.audio_level,
	   "caps unknown: default ext ids (mid %u, twcc %u)", n->sec[1].ext.mid,
	   n->sec[1].ext.twcc);
	i = sfu_nego_attach(n, SFU_SDP_VIDEO, &vp9, "p2", "v2", 0x200, 0x201);
	is_int(i, 2, "attach VP9 also on 96 -> section 2");
	ok(n->sec[2].codec.pt != 96 && n->sec[2].codec.pt != 97 && n->sec[2].codec.pt,
	   "VP9 moved off 96/97 (%u)", n->sec[2].codec.pt);
	ok(n->sec[2].codec.rtx_pt && n->sec[2].codec.rtx_pt != 96 &&
		   n->sec[2].codec.rtx_pt != 97 &&
		   n->sec[2].codec.rtx_pt != n->sec[2].codec.pt,
	   "VP9 RTX moved too (%u)", n->sec[2].codec.rtx_pt);
	i = sfu_nego_attach(n, SFU_SDP_VIDEO, &vp8, "p3", "v3", 0x300, 0x301);
	ok(i == 3 && n->sec[3].codec.pt == 96 && n->sec[3].codec.rtx_pt == 97,
	   "another VP8 may share 96/97");
	i = sfu_nego_attach(n, SFU_SDP_VIDEO, &vp8b, "p4", "v4", 0x400, 0x401);
	ok(i == 4 && n->sec[4].codec.pt == 100 && n->sec[4].codec.rtx_pt == 101,
	   "VP8 on free 100/101 keeps them");
	i = sfu_nego_attach(n, SFU_SDP_AUDIO, &opus97, "p5", "a5", 0x500, 0);
	ok(i == 5 && n->sec[5].codec.pt != 97 && n->sec[5].codec.pt != 96 &&
		   n->sec[5].codec.pt != n->sec[2].codec.pt &&
		   n->sec[5].codec.pt != n->sec[2].codec.rtx_pt,
	   "Opus on 97 (an RTX pt here) moved (%u)", n->sec[5].codec.pt);
	i = sfu_nego_attach(n, SFU_SDP_AUDIO, &opus111, "p6", "a6", 0x600, 0);
	ok(i == 6 && n->sec[6].codec.pt == 111, "Opus on free 111 keeps it");
	ok(n->sec[6].ext.audio_level != 0, "audio gets an audio-level id");
	o = offer_out(n);
	ok(o && o->n_media == 7, "recv-only: offer of seven sections");
	ok(o && pts_consistent(o), "recv-only: pts consistent across the bundle");
	ok(o && sfu_str_eq(o->media[0].proto, "DTLS/SCTP"), "legacy form kept in offers");
	ok(o && our_transport(o, SFU_SETUP_ACTPASS), "offer: actpass");
}

/* ---- codec choice ------------------------------------------------------------- */

static void test_codec_choice(void)
{
	struct sfu_nego *n = keep(malloc(sizeof(*n)));
	struct sfu_sdp *a;

	sfu_nego_init(n, 5);
	is_int(offer_in(n, h264_pref), 0, "H.264 offer (%s)", why);
	ok(n->sec[0].codec.codec == SFU_CODEC_H264 && n->sec[0].codec.pt == 102,
	   "no VP8: H.264 mode 1 constrained baseline preferred over high and VP9 (%u)",
	   n->sec[0].codec.pt);
	is_int(n->sec[0].codec.rtx_pt, 103, "its RTX");
	is_int(n->sec[0].codec.fb, SFU_FB_NACK | SFU_FB_NACK_PLI, "its fb");
	ok(strstr(n->sec[0].codec.fmtp, "profile-level-id=42e01f") != NULL, "its fmtp");

	sfu_nego_init(n, 5);
	is_int(offer_in(n, vp9_only), 0, "VP9 offer");
	ok(n->sec[0].codec.codec == SFU_CODEC_VP9 && n->sec[0].codec.pt == 98 &&
		   n->sec[0].codec.rtx_pt == 99,
	   "VP9 over H.264 mode 0");

	sfu_nego_init(n, 5);
	is_int(offer_in(n, unusable), 0, "offer with unusable codecs (%s)", why);
	is_int(n->sec[0].role, SFU_MSEC_REJECTED, "audio without Opus rejected");
	is_int(n->sec[1].role, SFU_MSEC_REJECTED, "H.264 mode 0 only rejected");
	is_int(n->sec[2].role, SFU_MSEC_DATA, "data accepted");
	is_int(ch.n_published, 0, "nothing published");
	a = answer_out(n);
	ok(a && a->n_media == 3, "answer: three sections");
	if (!a)
		return;
	ok(a->media[0].port == 0 && a->media[1].port == 0 && a->media[2].port != 0,
	   "answer: 0 and 1 port 0");
	ok(a->n_bundle == 1 && in_bundle(a, "d"), "answer: BUNDLE d");
	ok(a->media[2].n_candidates == 2 && a->media[2].end_of_candidates &&
		   a->media[0].n_candidates == 0,
	   "answer: candidates in the first bundled section");
	ok(sfu_str_eq(a->media[0].mid, "a") && sfu_str_eq(a->media[1].mid, "v"),
	   "answer: rejected sections keep their mids");
	ok(a->media[0].kind == SFU_SDP_AUDIO && a->media[1].kind == SFU_SDP_VIDEO,
	   "answer: rejected sections keep their kinds");
	ok(sfu_str_eq(a->media[0].ice_ufrag, "SrvU"), "answer: rejected section has ice lines");
}

/* A stopped data section, and a section of a kind we do not know. */
static void test_rejected_forms(void)
{
	struct sfu_nego *n = keep(malloc(sizeof(*n)));
	struct sfu_sdp *a;
	static const char with_text[] =
		CH_SESS("2", "0 1 2")
		CH_AUDIO("0", SR_A, SSRC_A)
		"m=text 9 UDP/TLS/RTP/SAVPF 98\r\n" CH_TR
		"a=mid:1\r\na=rtcp-mux\r\na=rtpmap:98 t140/1000\r\n"
		CH_DATA("2");

	sfu_nego_init(n, 5);
	is_int(offer_in(n, chrome1), 0, "offer");
	answer_out(n);
	is_int(offer_in(n, subst(subst(chrome1, "m=application 9", "m=application 0"),
				 "BUNDLE 0 1 2", "BUNDLE 0 1")),
	       0, "re-offer stopping the data section (%s)", why);
	is_int(n->sec[2].role, SFU_MSEC_REJECTED, "data section rejected");
	a = answer_out(n);
	ok(a && a->media[2].port == 0 && a->media[2].kind == SFU_SDP_APPLICATION,
	   "answer: m=application 0");
	ok(a && sfu_str_eq(a->media[2].fmt_text, "webrtc-datachannel"),
	   "answer: rejected data section's format is webrtc-datachannel (got \"%s\")",
	   a ? str(a->media[2].fmt_text) : "");

	sfu_nego_init(n, 5);
	is_int(offer_in(n, with_text), 0, "offer with m=text (%s)", why);
	is_int(n->sec[1].role, SFU_MSEC_REJECTED, "m=text rejected");
	a = answer_out(n);
	ok(a && a->media[1].port == 0, "answer: text port 0");
	ok(a && sfu_str_eq(a->media[1].kind_text, "text"),
	   "answer: the rejected section keeps its media type (got \"%s\")",
	   a ? str(a->media[1].kind_text) : "");
}

/* ---- a client that only takes H.264 -------------------------------------------- */

static void test_h264_client(void)
{
	struct sfu_nego *n = keep(malloc(sizeof(*n)));
	struct sfu_codec_params vp8 = mkcodec(SFU_CODEC_VP8, 96, 97, "");
	struct sfu_codec_params vp9 = mkcodec(SFU_CODEC_VP9, 98, 99, "profile-id=0");
	struct sfu_codec_params cb = mkcodec(SFU_CODEC_H264, 126, 127, H264_CB);
	struct sfu_codec_params base = mkcodec(SFU_CODEC_H264, 102, 103, H264_B);
	struct sfu_codec_params high = mkcodec(SFU_CODEC_H264, 100, 101, H264_HIGH);
	struct sfu_codec_params main_ = mkcodec(SFU_CODEC_H264, 112, 113, H264_MAIN);
	struct sfu_codec_params opus = mkcodec(SFU_CODEC_OPUS, 109, 0, "");
	struct sfu_sdp *o;
	int i;

	sfu_nego_init(n, 8);
	is_int(offer_in(n, h264_client), 0, "H.264 client offer (%s)", why);
	ok(!n->sec[0].client_sends && !n->sec[1].client_sends, "recvonly: nothing published");
	is_int(ch.n_published, 0, "no published list");
	answer_out(n);
	is_int(sfu_nego_attach(n, SFU_SDP_VIDEO, &vp8, "p", "v", 1, 2), -ENOTSUP,
	       "VP8 to an H.264-only client: -ENOTSUP");
	is_int(sfu_nego_attach(n, SFU_SDP_VIDEO, &vp9, "p", "v", 1, 2), -ENOTSUP,
	       "VP9 to an H.264-only client: -ENOTSUP");
	is_int(sfu_nego_attach(n, SFU_SDP_VIDEO, &main_, "p", "v", 1, 2), -ENOTSUP,
	       "H.264 main profile: -ENOTSUP");
	ok(!n->needs_offer, "refused attaches need no offer");
	i = sfu_nego_attach(n, SFU_SDP_VIDEO, &cb, "p", "cb", 3, 4);
	is_int(i, 1, "constrained baseline: reuses the idle recvonly section 1");
	ok(i == 1 && n->sec[1].codec.pt == 102 && n->sec[1].codec.rtx_pt == 103,
	   "sent as the client's 102/103");
	i = sfu_nego_attach(n, SFU_SDP_VIDEO, &base, "p", "b", 5, 6);
	ok(i == 3 && n->sec[3].codec.pt == 102, "baseline 42001f matches 42e01f -> 102");
	i = sfu_nego_attach(n, SFU_SDP_VIDEO, &high, "p", "h", 7, 8);
	ok(i == 4 && n->sec[4].codec.pt == 104 && n->sec[4].codec.rtx_pt == 105,
	   "constrained high 640c1f -> 104/105");
	i = sfu_nego_attach(n, SFU_SDP_AUDIO, &opus, "p", "a", 9, 0);
	ok(i == 0 && n->sec[0].codec.pt == 111, "Opus reuses section 0 as 111");
	ok(n->sec[1].out_ssrc == 3 && n->sec[0].out_ssrc == 9,
	   "reused idle sections take the new ssrcs (they had none)");
	o = offer_out(n);
	ok(o && o->n_media == 5 && sfu_sdp_media_dir(&o->media[1]) == SFU_DIR_SENDONLY,
	   "offer: section 1 sendonly");
	ok(o && pts_consistent(o), "offer: pts consistent");
	/* The client takes 0, 3 (recvonly) and 4 (sendrecv), stops 1. */
	is_int(answer_in(n, CA_SESS("0 2 3 4")
			 CA_SEC("audio", "111", "0", "recvonly", OPUS_MAP)
			 "m=video 0 UDP/TLS/RTP/SAVPF 102\r\nc=IN IP4 0.0.0.0\r\n"
			 "a=mid:1\r\na=inactive\r\na=rtpmap:102 H264/90000\r\n"
			 CA_DATA("2")
			 CA_SEC("video", "102 103", "3", "recvonly", H264_MAP)
			 CA_SEC("video", "104", "4", "sendrecv",
				"a=rtpmap:104 H264/90000\r\n"
				"a=fmtp:104 packetization-mode=1;profile-level-id=640c1f\r\n")),
	       0, "answer with a port-0 section (%s)", why);
	ok(ch.n_refused == 1 && ch.refused[0] == 1, "port 0: refused");
	is_int(ch.n_accepted, 3, "three accepted");
	ok(listed(ch.accepted, ch.n_accepted, 0) && listed(ch.accepted, ch.n_accepted, 3) &&
		   listed(ch.accepted, ch.n_accepted, 4),
	   "accepted 0, 3 and 4 (sendrecv takes it too)");
	ok(!n->sec[1].server_sends && n->sec[4].accepted, "state follows");
}

/* Mids the server makes do not collide with the client's. */
static void test_unique_mid(void)
{
	struct sfu_nego *n = keep(malloc(sizeof(*n)));
	struct sfu_codec_params opus = mkcodec(SFU_CODEC_OPUS, 111, 0, "");

	sfu_nego_init(n, 4);
	is_int(offer_in(n, GEN_SESS("3") CH_DATA("3")), 0, "offer with data on mid 3");
	answer_out(n);
	is_int(sfu_nego_attach(n, SFU_SDP_AUDIO, &opus, "p", "a", 1, 0), 1, "attach 1");
	is_int(sfu_nego_attach(n, SFU_SDP_AUDIO, &opus, "p", "b", 2, 0), 2, "attach 2");
	is_int(sfu_nego_attach(n, SFU_SDP_AUDIO, &opus, "p", "c", 3, 0), 3, "attach 3");
	ok(!strcmp(n->sec[1].mid, "1") && !strcmp(n->sec[2].mid, "2"), "mids 1 and 2");
	ok(strcmp(n->sec[3].mid, "3") != 0 && n->sec[3].mid[0],
	   "the fourth section does not take the client's mid 3 (%s)", n->sec[3].mid);
	is_int(sfu_nego_find_mid(n, "3", 1), 0, "mid 3 is still the client's");
}

/* ---- should_offer ------------------------------------------------------------- */

static void test_should_offer(void)
{
	struct sfu_nego *n = keep(malloc(sizeof(*n)));
	struct sfu_codec_params vp8 = mkcodec(SFU_CODEC_VP8, 96, 97, "");

	sfu_nego_init(n, 3);
	is_int(sfu_nego_attach(n, SFU_SDP_VIDEO, &vp8, "p", "v", 1, 2), 0,
	       "attach before any offer: section 0");
	ok(n->needs_offer, "needs_offer set");
	ok(!sfu_nego_should_offer(n), "but not before the first answer");
	is_int(offer_in(n, chrome1), -EBUSY,
	       "the client's first offer against an unseen section: -EBUSY");
	sfu_nego_init(n, 3);
	is_int(offer_in(n, chrome1), 0, "first offer");
	ok(!sfu_nego_should_offer(n), "applied but not answered: no");
	answer_out(n);
	ok(!sfu_nego_should_offer(n), "answered, nothing to offer: no");
	sfu_nego_attach(n, SFU_SDP_VIDEO, &vp8, "p", "v", 1, 2);
	ok(sfu_nego_should_offer(n), "answered, stable, needs_offer: yes");
	offer_out(n);
	sfu_nego_attach(n, SFU_SDP_VIDEO, &vp8, "p", "v2", 3, 4);
	ok(n->needs_offer && !sfu_nego_should_offer(n), "offer out: wait for the answer");
	is_int(offer_in(n, chrome1), -EBUSY, "glare in HAVE_LOCAL_OFFER");
	is_int(answer_in(n, CA_SESS("0 1 2 3") CA_OWN
			 CA_SEC("video", "96 97", "3", "recvonly", VP8_MAP)),
	       0, "answer (%s)", why);
	ok(sfu_nego_should_offer(n), "after the answer: the pending change is offered");
}

/* ---- changes while our offer is out ------------------------------------------- */

static void test_offer_in_flight(void)
{
	struct sfu_nego *n = keep(malloc(sizeof(*n)));
	struct sfu_codec_params vp8 = mkcodec(SFU_CODEC_VP8, 96, 97, "");
	struct sfu_codec_params opus = mkcodec(SFU_CODEC_OPUS, 111, 0, "");
	struct sfu_sdp *o;
	int idx;

	sfu_nego_init(n, 11);
	offer_in(n, chrome1);
	answer_out(n);
	is_int(sfu_nego_attach(n, SFU_SDP_VIDEO, &vp8, "p", "v1", 0x31, 0x32), 3, "attach 3");
	o = offer_out(n);
	ok(o && o->n_media == 4, "offer of four sections out");
	/* A track arrives while the offer is out: a fifth section. */
	is_int(sfu_nego_attach(n, SFU_SDP_AUDIO, &opus, "p", "a1", 0x41, 0), 4,
	       "attach while the offer is out: section 4");
	is_int(answer_in(n, CA_SESS("0 1 2 3") CA_OWN
			 CA_SEC("video", "96 97", "3", "recvonly", VP8_MAP)),
	       0, "the answer to the four-section offer is still valid (%s)", why);
	ok(ch.n_accepted == 1 && ch.accepted[0] == 3, "3 accepted");
	ok(n->sec[4].server_sends && !listed(ch.refused, ch.n_refused, 4),
	   "section 4 (not offered yet) is not refused");
	ok(sfu_nego_should_offer(n), "section 4 is offered next");

	/* Reuse while an offer is out: the answer judges the offered
	 * (inactive) state, not the new track. */
	sfu_nego_init(n, 12);
	offer_in(n, chrome1);
	answer_out(n);
	sfu_nego_attach(n, SFU_SDP_VIDEO, &vp8, "p", "v1", 0x31, 0x32);
	offer_out(n);
	answer_in(n, CA_SESS("0 1 2 3") CA_OWN
		  CA_SEC("video", "96 97", "3", "recvonly", VP8_MAP));
	sfu_nego_detach(n, 3);
	o = offer_out(n);
	ok(o && sfu_sdp_media_dir(&o->media[3]) == SFU_DIR_INACTIVE, "3 offered inactive");
	idx = sfu_nego_attach(n, SFU_SDP_VIDEO, &vp8, "q", "v2", 0x51, 0x52);
	ok(idx == 3 || idx == 4, "attach while out: section %d", idx);
	is_int(answer_in(n, CA_SESS("0 1 2 3") CA_OWN
			 CA_SEC("video", "96 97", "3", "inactive", VP8_MAP)),
	       0, "answer: 3 inactive, as offered (%s)", why);
	ok(idx >= 0 && !listed(ch.refused, ch.n_refused, (size_t)idx) &&
		   n->sec[idx].server_sends,
	   "the new track is not refused by an answer that never saw it");
	ok(sfu_nego_should_offer(n), "and it is offered next");
}

/* A section whose track went away goes inactive before it carries
 * another one (PROTOCOL.md 1.3): it is not reused until the client has
 * answered an offer that showed it inactive. */
static void test_retiring(void)
{
	struct sfu_nego *n = keep(malloc(sizeof(*n)));
	struct sfu_codec_params vp8 = mkcodec(SFU_CODEC_VP8, 96, 97, "");
	struct sfu_sdp *o;
	int idx;

	sfu_nego_init(n, 12);
	offer_in(n, chrome1);
	answer_out(n);
	is_int(sfu_nego_attach(n, SFU_SDP_VIDEO, &vp8, "p", "v1", 0x31, 0x32),
	       3, "retiring: attach 3");
	offer_out(n);
	answer_in(n, CA_SESS("0 1 2 3") CA_OWN
		  CA_SEC("video", "96 97", "3", "recvonly", VP8_MAP));
	sfu_nego_detach(n, 3);
	is_int(sfu_nego_attach(n, SFU_SDP_VIDEO, &vp8, "q", "v2", 0x51, 0x52),
	       4, "retiring: a track right after the detach gets a new section");
	o = offer_out(n);
	ok(o && sfu_sdp_media_dir(&o->media[3]) == SFU_DIR_INACTIVE &&
		   sfu_sdp_media_dir(&o->media[4]) == SFU_DIR_SENDONLY,
	   "retiring: 3 offered inactive, 4 with the new track");
	idx = sfu_nego_attach(n, SFU_SDP_VIDEO, &vp8, "r", "v3", 0x61, 0x62);
	is_int(idx, 5, "retiring: not reused while that offer is out");
	is_int(answer_in(n, CA_SESS("0 1 2 3 4") CA_OWN
			 CA_SEC("video", "96 97", "3", "inactive", VP8_MAP)
			 CA_SEC("video", "96 97", "4", "recvonly", VP8_MAP)),
	       0, "retiring: the answer sees 3 inactive (%s)", why);
	sfu_nego_detach(n, 5);
	is_int(sfu_nego_attach(n, SFU_SDP_VIDEO, &vp8, "s", "v4", 0x71, 0x72),
	       3, "retiring: once answered inactive, 3 is reused");
	ok(!n->sec[5].server_sends && n->sec[5].retiring,
	   "retiring: 5, never offered, waits for an offer of its own");
}

/* ---- sfu_codec_params_match ------------------------------------------------------ */

static void test_match(void)
{
	struct sfu_codec_params cb = mkcodec(SFU_CODEC_H264, 102, 0, H264_CB);
	struct sfu_codec_params b = mkcodec(SFU_CODEC_H264, 106, 0, H264_B);
	struct sfu_codec_params high = mkcodec(SFU_CODEC_H264, 100, 0, H264_HIGH);
	struct sfu_codec_params m0 = mkcodec(SFU_CODEC_H264, 97, 0, H264_CB_M0);
	struct sfu_codec_params upper = mkcodec(SFU_CODEC_H264, 102, 0,
						"packetization-mode=1;profile-level-id=42E01F");
	struct sfu_codec_params other_level = mkcodec(SFU_CODEC_H264, 102, 0,
						      "packetization-mode=1;profile-level-id=42e034");
	struct sfu_codec_params vp9a = mkcodec(SFU_CODEC_VP9, 98, 0, "profile-id=0");
	struct sfu_codec_params vp9none = mkcodec(SFU_CODEC_VP9, 100, 0, "");
	struct sfu_codec_params vp9b = mkcodec(SFU_CODEC_VP9, 98, 0, "profile-id=2");
	struct sfu_codec_params vp8a = mkcodec(SFU_CODEC_VP8, 96, 0, "");
	struct sfu_codec_params vp8b = mkcodec(SFU_CODEC_VP8, 120, 0, "max-fs=12288;max-fr=60");
	struct sfu_codec_params opus = mkcodec(SFU_CODEC_OPUS, 111, 0, "");

	ok(sfu_codec_params_match(&cb, &b), "H.264 42e01f ~ 42001f");
	ok(sfu_codec_params_match(&b, &cb), "H.264 42001f ~ 42e01f");
	ok(!sfu_codec_params_match(&cb, &high), "H.264 42e01f !~ 640c1f");
	ok(!sfu_codec_params_match(&high, &b), "H.264 640c1f !~ 42001f");
	ok(sfu_codec_params_match(&high, &high), "H.264 640c1f ~ itself");
	ok(!sfu_codec_params_match(&cb, &m0), "packetization-mode 0 never matches");
	ok(!sfu_codec_params_match(&m0, &m0), "not even itself");
	ok(sfu_codec_params_match(&cb, &upper), "profile-level-id case-insensitive");
	ok(sfu_codec_params_match(&cb, &other_level), "levels differ: still a match");
	ok(sfu_codec_params_match(&vp9a, &vp9none), "VP9 profile-id 0 ~ absent (0)");
	ok(!sfu_codec_params_match(&vp9a, &vp9b), "VP9 profile 0 !~ 2");
	ok(sfu_codec_params_match(&vp8a, &vp8b), "VP8 ~ VP8 whatever the fmtp/pt");
	ok(!sfu_codec_params_match(&vp8a, &vp9a), "VP8 !~ VP9");
	ok(!sfu_codec_params_match(&opus, &vp8a), "Opus !~ VP8");
	ok(sfu_codec_params_match(&opus, &opus), "Opus ~ Opus");
	opus.clock = 16000;
	ok(!sfu_codec_params_match(&opus, &(struct sfu_codec_params){
			   .codec = SFU_CODEC_OPUS, .clock = 48000 }),
	   "different clock never matches");
}

int main(void)
{
	test_chrome();
	test_recycle();
	test_bad_offers();
	test_firefox();
	test_aiortc();
	test_codec_choice();
	test_rejected_forms();
	test_h264_client();
	test_unique_mid();
	test_should_offer();
	test_offer_in_flight();
	test_retiring();
	test_match();
	for (size_t i = 0; i < n_pool; i++)
		free(pool[i]);
	return tap_done();
}
