/*
 * ratelimit.h - a token bucket in integer milli-tokens, for per-socket
 * signaling limits. Pure and header-only: the caller passes the time.
 */
#ifndef SFU_RATELIMIT_H
#define SFU_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct sfu_ratelimit {
	int64_t tokens;  /* milli-tokens available */
	int64_t burst;   /* milli-tokens at most */
	int64_t rate;    /* tokens per second == milli-tokens per ms */
	int64_t last_ms; /* when tokens was last refilled */
};

/* rate tokens per second sustained; burst tokens at most. Starts full. */
static inline void sfu_ratelimit_init(struct sfu_ratelimit *rl, int rate,
				      int burst, int64_t now_ms)
{
	rl->rate = rate;
	rl->burst = (int64_t)burst * 1000;
	rl->tokens = rl->burst;
	rl->last_ms = now_ms;
}

/* Take one token. Returns false (and takes nothing) when empty. */
static inline bool sfu_ratelimit_take(struct sfu_ratelimit *rl, int64_t now_ms)
{
	int64_t elapsed, fill_ms;

	/* A clock that jumps back adds nothing; the subtraction is done in
	 * unsigned arithmetic so extreme values cannot overflow. */
	elapsed = now_ms > rl->last_ms
			  ? (int64_t)((uint64_t)now_ms - (uint64_t)rl->last_ms)
			  : 0;
	if (elapsed > 0) {
		/* Never add more than fills the bucket, so no product
		 * overflows however long the idle time or large the rate. */
		fill_ms = (rl->burst - rl->tokens) / (rl->rate > 0 ? rl->rate : 1) + 1;
		if (elapsed > fill_ms)
			elapsed = fill_ms;
		rl->tokens += elapsed * rl->rate;
		if (rl->tokens > rl->burst)
			rl->tokens = rl->burst;
		rl->last_ms = now_ms;
	}
	if (rl->tokens < 1000)
		return false;
	rl->tokens -= 1000;
	return true;
}

#endif
