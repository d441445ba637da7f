/*
 * client.h - one bench participant: a signaling WebSocket and one
 * PeerConnection (ICE controlling, DTLS client, GCM SRTP) that publishes
 * synthetic Opus and VP8 and receives everyone else's media, like a
 * browser. Runs on the calling thread's GLib main context.
 */
#ifndef BENCH_CLIENT_H
#define BENCH_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "stats.h"
#include "synth.h"

struct sfu_dtls_ctx;

/* Shared by every client of a run. */
struct bench_env {
	const char *url;
	const char *ice_ips;     /* host addresses for our candidates */
	struct sfu_dtls_ctx *dtls;
	const char *fingerprint; /* of our certificate */
	unsigned n_senders;      /* all participants of the run */
	struct synth_video_cfg video;
	unsigned fps;
	unsigned key_interval_ms;
	size_t audio_payload;
	bool janus;              /* Janus VideoRoom instead of Starling */
	volatile bool measuring; /* inside the measured window (set by the
				    run's thread, read by the clients') */
	bool verbose;
};

/* What one client receives from one remote stream. */
struct bench_sub {
	uint16_t sender;
	uint8_t kind;
	uint32_t ssrc;            /* as the server sends it */
	int64_t first_ns;         /* first packet */
	uint64_t window_packets;  /* received inside the measured window */
	uint64_t window_bytes;
	struct acct acct;
	struct hist lat_us;       /* one-way latency, measured window */
};

struct bench_client;

struct bench_client *bench_client_new(struct bench_env *env, unsigned index,
				      const char *room, const char *name);
void bench_client_free(struct bench_client *c);

/* Connect the WebSocket and join. Returns 0 or -1 (see failure). */
int bench_client_start(struct bench_client *c);
/* Stop publishing (the connection stays up to drain). */
void bench_client_stop_sending(struct bench_client *c);

/* State, for the run's progress and report. */
bool bench_client_connected(const struct bench_client *c);
/* Why the client failed, or NULL. */
const char *bench_client_failure(const struct bench_client *c);
unsigned bench_client_index(const struct bench_client *c);
const char *bench_client_name(const struct bench_client *c);
const char *bench_client_srtp(const struct bench_client *c);
int64_t bench_client_join_ns(const struct bench_client *c);
/* When the publishing transport connected (DTLS done), or 0. */
int64_t bench_client_connected_ns(const struct bench_client *c);
/* Subscription of stream (sender, kind), or NULL when nothing came. */
const struct bench_sub *bench_client_sub(const struct bench_client *c,
					 unsigned sender, enum bench_kind kind);

struct bench_client_counters {
	uint64_t sent_audio, sent_video, sent_bytes, send_errors;
	uint64_t window_sent;   /* packets sent inside the measured window */
	uint64_t keyframes_sent;
	uint64_t plis, firs, nacks, retransmitted;
	uint64_t rx_bad;        /* RTP without a bench header */
	uint64_t offers;        /* server offers answered */
	uint64_t srtp_dropped;  /* from the peer's counters */
};
void bench_client_counters(const struct bench_client *c,
			   struct bench_client_counters *out);

/* CLOCK_MONOTONIC in nanoseconds (the bench header's clock). */
int64_t bench_now_ns(void);
/* Inside a receive callback: when the kernel received the datagram being
 * handled (udpmux.h), on bench_now_ns()'s clock, so a packet's latency
 * leaves out the time it waited for this thread; else bench_now_ns(). */
int64_t bench_rx_ns(void);

#endif
