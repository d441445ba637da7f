/*
 * config-int.h - the error helpers config.c (the table, setters, file
 * and validation) shares with config_env.c (STARLING_* variables).
 * Nothing else includes it.
 */
#ifndef SFU_CONFIG_INT_H
#define SFU_CONFIG_INT_H

#include <stddef.h>

#include "common.h"

/* Longest piece of user text quoted in an error message. */
#define SHOW_MAX 40

/* Store a formatted message in *err (if err is not NULL) and return rc. */
int sfu__config_fail(char **err, int rc, const char *fmt, ...) SFU_PRINTF(3, 4);
/* Copy user text into buf for an error message: at most SHOW_MAX bytes,
 * unprintable ones as '?'. buf must hold SHOW_MAX + 4 bytes. */
const char *sfu__config_show(char *buf, const char *s, size_t len);

#endif
