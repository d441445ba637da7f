/*
 * log.h - leveled, module-tagged logging to stderr.
 *
 * A line is "2026-11-21T19:43:47.123Z info  room: text". Each .c file that
 * logs defines SFU_LOG_MODULE before including this header. Logging is
 * control-plane only: nothing on the per-packet path calls it.
 */
#ifndef SFU_LOG_H
#define SFU_LOG_H

#include "common.h"

enum sfu_log_level {
	SFU_LOG_ERROR = 0,
	SFU_LOG_WARN,
	SFU_LOG_INFO,
	SFU_LOG_DEBUG,
};

void sfu_log_set_level(enum sfu_log_level level);
enum sfu_log_level sfu_log_get_level(void);

/* Parse "error", "warn", "info" or "debug". Returns 0 or -EINVAL. */
int sfu_log_level_parse(const char *s, enum sfu_log_level *out);
const char *sfu_log_level_name(enum sfu_log_level level);

void sfu_log(enum sfu_log_level level, const char *module, const char *fmt, ...)
	SFU_PRINTF(3, 4);

extern int sfu__log_level;

#ifndef SFU_LOG_MODULE
#define SFU_LOG_MODULE "main"
#endif

#define SFU_LOG_AT(lvl, ...)                                 \
	do {                                                 \
		if ((int)(lvl) <= sfu__log_level)            \
			sfu_log(lvl, SFU_LOG_MODULE, __VA_ARGS__); \
	} while (0)

#define log_error(...) SFU_LOG_AT(SFU_LOG_ERROR, __VA_ARGS__)
#define log_warn(...) SFU_LOG_AT(SFU_LOG_WARN, __VA_ARGS__)
#define log_info(...) SFU_LOG_AT(SFU_LOG_INFO, __VA_ARGS__)
#define log_debug(...) SFU_LOG_AT(SFU_LOG_DEBUG, __VA_ARGS__)

#endif
