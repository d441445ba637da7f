/*
 * floor.h - this machine's floor for forwarding with Starling's libraries,
 * single-threaded: for each incoming packet, SRTP unprotect once, then
 * for each of N subscribers rewrite the header into a buffer, SRTP
 * protect with the subscriber's session and send it with one UDP send
 * from the subscriber's own socket, connected to 127.0.0.1 (a receiver
 * thread drains it). Copies are protected eight at a time and then
 * sent, as the server does: the cheapest order here. The packet mix is
 * the bench's: per second 50 audio packets of about 130 bytes and about
 * 130 video packets of about 1150.
 */
#ifndef BENCH_FLOOR_H
#define BENCH_FLOOR_H

#include <stdbool.h>
#include <stdint.h>

#include "srtp.h"

struct floor_result {
	enum sfu_srtp_profile profile;
	unsigned subscribers;
	uint64_t packets_in;      /* unprotected */
	uint64_t forwarded;       /* protected and sent */
	uint64_t send_errors;
	double wall_s, cpu_s;     /* the loop thread's */
	double us_per_forwarded;  /* CPU time of the loop per forwarded packet */
	double wall_us_per_forwarded;
};

/*
 * Optional: sleep sleep_us after every `every` incoming packets, as a
 * server does between wakeups at light load. The sleep is not CPU time,
 * but what it costs afterwards (caches, TLB and branch predictors that
 * went cold, the system call) is.
 */
struct floor_pace {
	unsigned every;
	unsigned sleep_us;
};

/* Run for about seconds; pace may be NULL (never sleep). Returns 0, or
 * -1 with a message on stderr. */
int floor_measure(enum sfu_srtp_profile profile, unsigned subscribers,
		  double seconds, const struct floor_pace *pace,
		  struct floor_result *out);

#endif
