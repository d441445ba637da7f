/*
 * outbox.c - held sends, flushed as UDP GSO runs (see outbox.h).
 */
#define SFU_LOG_MODULE "outbox"
#include "outbox.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"
#include "log.h"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

/* A held datagram. The slots sit together, apart from the bytes, so
 * that a flush looking for one socket's datagrams reads a few
 * contiguous cache lines rather than one line per 1.6 KB buffer. */
struct slot {
	int fd; /* -1: sent or forgotten */
	uint16_t len;
	uint64_t *errors;
	uint8_t *data; /* its buffer in struct outbox's buf */
};

struct outbox {
	unsigned depth;
	size_t n;
	struct sfu_outbox_stats st;
	struct slot slot[SFU_OUTBOX_SLOTS];
	uint8_t buf[SFU_OUTBOX_SLOTS][SFU_OUTBOX_MAX];
};

/* On the heap, made at a thread's first use: a few hundred KB that
 * only the worker threads need (static TLS would be zeroed for every
 * thread the process starts, GLib's and libnice's included). */
static __thread struct outbox *tl;
static pthread_key_t tl_key; /* frees a thread's outbox when it exits */
static pthread_once_t tl_once = PTHREAD_ONCE_INIT;
/* Cleared for good when the kernel lacks UDP_SEGMENT (probed once) or
 * refuses it (no checksum offload on the route's device, IPsec). */
static atomic_bool gso_ok = true;
static pthread_once_t probed = PTHREAD_ONCE_INIT;

/* Kernels before 4.18 ignore a SOL_UDP control message and would send
 * the whole run as one datagram; the socket option came in the same
 * release, so a kernel that refuses it must not get the message. */
static void probe(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0), seg = 1200;

	if (fd < 0)
		return;
	if (setsockopt(fd, SOL_UDP, UDP_SEGMENT, &seg, sizeof(seg)) < 0) {
		atomic_store(&gso_ok, false);
		log_info("no UDP GSO in this kernel (%s): one datagram per "
			 "send", strerror(errno));
	}
	close(fd);
}

/* Whether to send runs with UDP_SEGMENT (probing the kernel once). */
static bool gso_on(void)
{
	pthread_once(&probed, probe);
	return atomic_load_explicit(&gso_ok, memory_order_relaxed);
}

static void tl_free(void *box)
{
	free(box);
}

static void tl_make_key(void)
{
	if (pthread_key_create(&tl_key, tl_free) != 0) {
		log_error("outbox: pthread_key_create failed");
		abort();
	}
}

/* This thread's outbox, made on first use. */
static struct outbox *box(void)
{
	if (!tl) {
		pthread_once(&tl_once, tl_make_key);
		tl = sfu_xcalloc(1, sizeof(*tl));
		for (size_t i = 0; i < SFU_OUTBOX_SLOTS; i++)
			tl->slot[i].data = tl->buf[i];
		pthread_setspecific(tl_key, tl);
	}
	return tl;
}

/* Whether datagram j (of len[j] bytes) may join a run of j - i
 * datagrams and bytes bytes: the kernel takes at most UDP_MAX_SEGMENTS
 * segments (64 since UDP GSO came in 4.18; newer kernels may allow
 * more), and the whole run must fit in one UDP datagram's 64 KB before
 * GSO cuts it. */
static bool run_has_room(size_t i, size_t j, size_t bytes, size_t len)
{
	return j - i < SFU_OUTBOX_RUN_SEGS &&
	       bytes + len <= SFU_OUTBOX_RUN_BYTES;
}

size_t sfu__outbox_runs(const size_t *len, size_t n, size_t *run)
{
	size_t runs = 0;

	for (size_t i = 0; i < n;) {
		size_t j = i + 1, bytes = len[i];
		/* the kernel counts segments by length: an empty datagram
		 * cannot be one (it would vanish), so it goes alone */
		while (j < n && len[i] > 0 && len[j] == len[i] &&
		       run_has_room(i, j, bytes, len[j]))
			bytes += len[j++];
		/* a shorter datagram may end the run: GSO's last segment */
		if (j < n && len[j] > 0 && len[j] < len[i] &&
		    run_has_room(i, j, bytes, len[j]))
			j++;
		run[runs++] = j - i;
		i = j;
	}
	return runs;
}

static void fail(struct slot *s)
{
	tl->st.errors++;
	if (s->errors)
		(*s->errors)++;
}

static void send_one(struct slot *s)
{
	tl->st.sends++;
	if (send(s->fd, s->data, s->len, MSG_DONTWAIT) != (ssize_t)s->len)
		fail(s);
}

/* One run of datagrams for one socket, all of s[0]'s size but maybe
 * the last. */
static void send_run(struct slot **s, size_t n)
{
	struct iovec iov[SFU_OUTBOX_SLOTS];
	char cbuf[CMSG_SPACE(sizeof(uint16_t))];
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = n,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	size_t total = 0;
	uint16_t seg = s[0]->len;

	if (n > 1 && gso_on()) {
		memset(cbuf, 0, sizeof(cbuf));
		for (size_t i = 0; i < n; i++) {
			iov[i] = (struct iovec){ s[i]->data, s[i]->len };
			total += s[i]->len;
		}
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_UDP;
		cm->cmsg_type = UDP_SEGMENT;
		cm->cmsg_len = CMSG_LEN(sizeof(seg));
		memcpy(CMSG_DATA(cm), &seg, sizeof(seg));
		tl->st.sends++;
		if (sendmsg(s[0]->fd, &mh, MSG_DONTWAIT) == (ssize_t)total) {
			tl->st.gso_sends++;
			return;
		}
		if (errno == EIO || errno == ENOPROTOOPT ||
		    errno == EOPNOTSUPP) {
			atomic_store(&gso_ok, false);
			log_warn("UDP GSO refused (%s): sending one datagram "
				 "per call from now on", strerror(errno));
		}
		/* whatever failed (a pending ICMP error fails one call;
		 * EINVAL: segments larger than the route's MTU, which IP
		 * fragments when sent alone), the datagrams go one by one */
	}
	for (size_t i = 0; i < n; i++)
		send_one(s[i]);
}

/* Every held datagram of slot i's socket, in order, as runs. */
static void send_fd(size_t i)
{
	struct slot *s[SFU_OUTBOX_SLOTS];
	size_t len[SFU_OUTBOX_SLOTS], run[SFU_OUTBOX_SLOTS], n = 1, runs;
	int fd = tl->slot[i].fd;

	s[0] = &tl->slot[i];
	len[0] = tl->slot[i].len;
	for (size_t j = i + 1; j < tl->n; j++)
		if (tl->slot[j].fd == fd) {
			s[n] = &tl->slot[j];
			len[n++] = tl->slot[j].len;
		}
	tl->st.datagrams += n;
	runs = sfu__outbox_runs(len, n, run);
	for (size_t r = 0, at = 0; r < runs; at += run[r++])
		send_run(s + at, run[r]);
	for (size_t k = 0; k < n; k++)
		s[k]->fd = -1;
}

static void send_all(void)
{
	for (size_t i = 0; i < tl->n; i++)
		if (tl->slot[i].fd >= 0)
			send_fd(i);
	tl->n = 0;
}

void sfu_outbox_open(void)
{
	box()->depth++;
}

void sfu_outbox_flush(void)
{
	if (!tl || tl->depth == 0 || --tl->depth > 0)
		return;
	send_all();
}

int sfu_outbox_send(int fd, const uint8_t *data, size_t len,
		    uint64_t *errors)
{
	struct slot *s;

	if (!tl || tl->depth == 0 || len > SFU_OUTBOX_MAX) {
		/* nothing held may be overtaken */
		if (tl)
			send_all();
		if (send(fd, data, len, MSG_DONTWAIT) == (ssize_t)len)
			return 0;
		return errno ? -errno : -EIO;
	}
	if (tl->n == SFU_OUTBOX_SLOTS)
		send_all();
	s = &tl->slot[tl->n++];
	s->fd = fd;
	s->len = (uint16_t)len;
	s->errors = errors;
	memcpy(s->data, data, len);
	return 0;
}

void sfu_outbox_forget(int fd)
{
	if (!tl)
		return;
	for (size_t i = 0; i < tl->n; i++)
		if (tl->slot[i].fd == fd)
			tl->slot[i].fd = -1;
}

struct sfu_outbox_stats sfu_outbox_stats(void)
{
	return tl ? tl->st : (struct sfu_outbox_stats){ 0 };
}

bool sfu_outbox_gso(void)
{
	return gso_on();
}

void sfu__outbox_set_gso(bool on)
{
	pthread_once(&probed, probe);
	atomic_store(&gso_ok, on);
}
