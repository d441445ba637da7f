/* clock.c - thin wrappers over clock_gettime. */
#include "clock.h"

#include <time.h>

int64_t sfu_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t sfu_now_ms(void)
{
	return sfu_now_us() / 1000;
}

int64_t sfu_wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t sfu_wall_ms(void)
{
	return sfu_wall_us() / 1000;
}
