/*
 * common.h - the base every Starling module includes.
 *
 * Allocation never fails from the caller's point of view: sfu_xmalloc and
 * friends abort on exhaustion, so constructors only return NULL for bad
 * input, never for memory. Errors are 0 or a negative errno value.
 */
#ifndef SFU_COMMON_H
#define SFU_COMMON_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SFU_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define SFU_MIN(a, b) ((a) < (b) ? (a) : (b))
#define SFU_MAX(a, b) ((a) > (b) ? (a) : (b))
#define SFU_CONTAINER_OF(ptr, type, member) \
	((type *)(void *)((char *)(ptr)-offsetof(type, member)))

#define sfu_likely(x) __builtin_expect(!!(x), 1)
#define sfu_unlikely(x) __builtin_expect(!!(x), 0)

#define SFU_PRINTF(a, b) __attribute__((format(printf, a, b)))

void *sfu_xmalloc(size_t n);
void *sfu_xcalloc(size_t count, size_t n);
void *sfu_xrealloc(void *p, size_t n);
char *sfu_xstrdup(const char *s);
char *sfu_xstrndup(const char *s, size_t n);
char *sfu_xasprintf(const char *fmt, ...) SFU_PRINTF(1, 2);

/* Fill buf with n bytes from the kernel's CSPRNG. Aborts if it cannot. */
void sfu_random_bytes(void *buf, size_t n);

/* Write n random bytes as 2n lowercase hex digits plus NUL into out. */
void sfu_random_hex(char *out, size_t n);

/*
 * Whether given equals secret, in time that depends on secret's length
 * only (every byte of it is compared), for credentials.
 */
bool sfu_secret_equal(const char *given, const char *secret);

/* Copy at most size-1 bytes of src into dst, always NUL-terminating.
 * Returns strlen(src), so a result >= size means truncation. */
size_t sfu_strlcpy(char *dst, const char *src, size_t size);

#endif
