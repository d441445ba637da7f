/*
 * floor.c - the forwarding floor (floor.h).
 */
#include "floor.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "common.h"
#include "rtp.h"
#include "synth.h"

#define BATCH 4096 /* distinct protected packets; replayed per session */
#define SLOT (BENCH_PKT_MAX + SFU_SRTP_TRAILER)
#define STAGE 8 /* copies protected before they are sent, as the server */

struct drain {
	int fd;
	atomic_bool stop;
	uint64_t received;
};

static void *drain_main(void *arg)
{
	struct drain *d = arg;
	static uint8_t bufs[32][SLOT];
	struct mmsghdr msgs[32];
	struct iovec iov[32];

	for (int i = 0; i < 32; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = SLOT;
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (!atomic_load(&d->stop)) {
		int n = recvmmsg(d->fd, msgs, 32, 0, NULL);
		if (n > 0)
			d->received += (uint64_t)n;
	}
	return NULL;
}

/* One packet's copies: protected STAGE at a time, then sent, the
 * cheapest order on this machine (as in src/media.c). */
static void forward(const uint8_t *pkt, const struct sfu_rtp *r,
		    struct sfu_srtp **subs, struct sfu_rtp_rewrite *rw,
		    const int *socks, unsigned subscribers,
		    uint8_t (*stage)[SLOT], struct floor_result *out)
{
	size_t len[STAGE];

	for (unsigned k0 = 0; k0 < subscribers; k0 += STAGE) {
		unsigned n = subscribers - k0 < STAGE ? subscribers - k0 : STAGE;
		for (unsigned j = 0; j < n; j++) {
			struct sfu_rtp_rewrite *w = &rw[k0 + j];
			int m;
			w->pt = r->pt;
			w->seq++;
			w->ts = r->ts + 1000;
			m = sfu_rtp_rewrite(pkt, r, w, stage[j], BENCH_PKT_MAX);
			len[j] = m > 0 ? (size_t)m : 0;
			if (m <= 0 || sfu_srtp_protect(subs[k0 + j], stage[j],
						       &len[j]) < 0)
				len[j] = 0;
		}
		for (unsigned j = 0; j < n; j++) {
			if (len[j] && send(socks[k0 + j], stage[j], len[j], 0) >= 0)
				out->forwarded++;
			else
				out->send_errors++;
		}
	}
}

static double ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void random_keys(struct sfu_srtp_keys *k, enum sfu_srtp_profile p)
{
	k->profile = p;
	sfu_random_bytes(k->local, sizeof(k->local));
	sfu_random_bytes(k->remote, sizeof(k->remote));
}

/* BATCH packets in the bench's mix, protected by the publisher. */
static uint8_t *make_batch(enum sfu_srtp_profile profile,
			   struct sfu_srtp_keys *server_keys, size_t *lens)
{
	struct sfu_srtp_keys pub;
	struct sfu_srtp *s;
	struct synth_stream a, v;
	struct synth_video_cfg cfg = { .frame_bytes = 4032, .key_bytes = 4032,
				       .max_payload = 1100, .width = 640,
				       .height = 480 };
	struct synth_frame *f = sfu_xcalloc(1, sizeof(*f));
	uint8_t *batch = sfu_xmalloc((size_t)BATCH * SLOT);
	size_t fi = 0;

	random_keys(&pub, profile);
	random_keys(server_keys, profile);
	memcpy(server_keys->remote, pub.local, sizeof(pub.local));
	s = sfu_srtp_new(&pub);
	synth_stream_init(&a, BENCH_AUDIO, 0, 0x11111111, 111, 1000, 0);
	synth_stream_init(&v, BENCH_VIDEO, 0, 0x22222222, 96, 5000, 0);
	for (size_t i = 0; i < BATCH; i++) {
		uint8_t *p = batch + i * SLOT;
		/* 5 audio of every 18 packets: 50 audio to 130 video. */
		if (i % 18 < 5) {
			lens[i] = synth_audio(&a, 0, 100, p, SLOT);
		} else {
			if (fi == f->n) {
				synth_video_frame(&v, &cfg, false, (uint16_t)i, 3000, 0, f);
				fi = 0;
			}
			memcpy(p, f->pkt[fi], f->len[fi]);
			lens[i] = f->len[fi++];
		}
		if (sfu_srtp_protect(s, p, &lens[i]) < 0) {
			fprintf(stderr, "floor: protect failed\n");
			abort();
		}
	}
	sfu_srtp_free(s);
	free(f);
	return batch;
}

/* The pause between two of a paced floor's wakeups. */
static void pause_for(const struct floor_pace *pace, uint64_t packets)
{
	struct timespec ts;

	if (!pace || pace->every == 0 || packets % pace->every != 0)
		return;
	ts.tv_sec = pace->sleep_us / 1000000;
	ts.tv_nsec = (long)(pace->sleep_us % 1000000) * 1000;
	nanosleep(&ts, NULL);
}

int floor_measure(enum sfu_srtp_profile profile, unsigned subscribers,
		  double seconds, const struct floor_pace *pace,
		  struct floor_result *out)
{
	struct sfu_srtp_keys server_keys, sk;
	struct sfu_srtp **subs = sfu_xcalloc(subscribers, sizeof(*subs));
	struct sfu_rtp_rewrite *rw = sfu_xcalloc(subscribers, sizeof(*rw));
	int *socks = sfu_xcalloc(subscribers, sizeof(*socks));
	size_t *lens = sfu_xcalloc(BATCH, sizeof(*lens));
	uint8_t *batch, work[SLOT], (*stage)[SLOT];
	struct sockaddr_in dst = { .sin_family = AF_INET };
	socklen_t dlen = sizeof(dst);
	struct drain d = { .fd = -1 };
	struct timespec w0, w1, c0, c1;
	pthread_t th;
	int rcvbuf = 8 << 20, rc = -1;
	bool thread = false;

	memset(out, 0, sizeof(*out));
	stage = sfu_xcalloc(STAGE, sizeof(*stage));
	out->profile = profile;
	out->subscribers = subscribers;
	batch = make_batch(profile, &server_keys, lens);
	for (unsigned i = 0; i < subscribers; i++) {
		random_keys(&sk, profile);
		subs[i] = sfu_srtp_new(&sk);
		rw[i].ssrc = 0x30000000u + i;
		rw[i].seq = (uint16_t)(i * 1000);
		socks[i] = -1;
	}
	d.fd = socket(AF_INET, SOCK_DGRAM, 0);
	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(d.fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (d.fd < 0 || bind(d.fd, (struct sockaddr *)&dst, sizeof(dst)) < 0 ||
	    getsockname(d.fd, (struct sockaddr *)&dst, &dlen) < 0) {
		perror("floor: receiver socket");
		goto out;
	}
	{
		struct timeval tv = { .tv_usec = 100000 };
		setsockopt(d.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	}
	for (unsigned i = 0; i < subscribers; i++) {
		/* connected, as the server's sockets are once ICE has
		 * chosen: no route lookup per datagram */
		socks[i] = socket(AF_INET, SOCK_DGRAM, 0);
		if (socks[i] < 0 ||
		    connect(socks[i], (struct sockaddr *)&dst, sizeof(dst)) < 0) {
			perror("floor: socket");
			goto out;
		}
	}
	atomic_init(&d.stop, false);
	if (pthread_create(&th, NULL, drain_main, &d) != 0)
		goto out;
	thread = true;

	clock_gettime(CLOCK_MONOTONIC, &w0);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
	for (;;) {
		/* A fresh inbound session per batch: its replay window has
		 * not seen these indexes yet. */
		struct sfu_srtp *in = sfu_srtp_new(&server_keys);
		for (size_t i = 0; i < BATCH; i++) {
			size_t len = lens[i];
			struct sfu_rtp r;
			memcpy(work, batch + i * SLOT, len);
			if (sfu_srtp_unprotect(in, work, &len) < 0 ||
			    sfu_rtp_parse(work, len, &r) < 0) {
				fprintf(stderr, "floor: unprotect failed\n");
				sfu_srtp_free(in);
				goto stop;
			}
			out->packets_in++;
			forward(work, &r, subs, rw, socks, subscribers, stage,
				out);
			pause_for(pace, out->packets_in);
		}
		sfu_srtp_free(in);
		clock_gettime(CLOCK_MONOTONIC, &w1);
		if (ts_diff(&w0, &w1) >= seconds)
			break;
	}
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
	clock_gettime(CLOCK_MONOTONIC, &w1);
	out->wall_s = ts_diff(&w0, &w1);
	out->cpu_s = ts_diff(&c0, &c1);
	if (out->forwarded) {
		out->us_per_forwarded = out->cpu_s * 1e6 / (double)out->forwarded;
		out->wall_us_per_forwarded = out->wall_s * 1e6 / (double)out->forwarded;
	}
	rc = 0;
stop:
	atomic_store(&d.stop, true);
out:
	if (thread)
		pthread_join(th, NULL);
	for (unsigned i = 0; i < subscribers; i++) {
		sfu_srtp_free(subs[i]);
		if (socks[i] >= 0)
			close(socks[i]);
	}
	if (d.fd >= 0)
		close(d.fd);
	free(subs);
	free(rw);
	free(socks);
	free(lens);
	free(batch);
	free(stage);
	return rc;
}
