/* clock.h - monotonic and wall clocks in the units the server uses. */
#ifndef SFU_CLOCK_H
#define SFU_CLOCK_H

#include <stdint.h>

/* Monotonic milliseconds, for timeouts and rates. */
int64_t sfu_now_ms(void);
/* Monotonic microseconds, for the media path. */
int64_t sfu_now_us(void);
/* Milliseconds since the Unix epoch, for timestamps shown to people. */
int64_t sfu_wall_ms(void);
/* Microseconds since the Unix epoch, for NTP timestamps in RTCP. */
int64_t sfu_wall_us(void);

#endif
