/*
 * log.c - formats one line per call and writes it with a single write(2),
 * so lines from the control thread and the workers never interleave.
 */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int sfu__log_level = SFU_LOG_INFO;

static const char *const names[] = { "error", "warn", "info", "debug" };

void sfu_log_set_level(enum sfu_log_level level)
{
	sfu__log_level = (int)level;
}

enum sfu_log_level sfu_log_get_level(void)
{
	return (enum sfu_log_level)sfu__log_level;
}

int sfu_log_level_parse(const char *s, enum sfu_log_level *out)
{
	for (size_t i = 0; i < SFU_ARRAY_SIZE(names); i++) {
		if (strcmp(s, names[i]) == 0) {
			*out = (enum sfu_log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *sfu_log_level_name(enum sfu_log_level level)
{
	return (unsigned)level < SFU_ARRAY_SIZE(names) ? names[level] : "?";
}

void sfu_log(enum sfu_log_level level, const char *module, const char *fmt, ...)
{
	char line[2048];
	struct timespec ts;
	struct tm tm;
	va_list ap;
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof(line),
		     "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %-5s %s: ",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		     tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000L,
		     sfu_log_level_name(level), module);
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	/* One write per line; a short write to stderr is not worth retrying. */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}
