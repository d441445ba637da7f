/*
 * static.h - maps request paths to the bundled client's files. Pure (no
 * libwebsockets), so it is unit-tested and fuzzed; http.c serves what it
 * resolves.
 */
#ifndef SFU_STATIC_H
#define SFU_STATIC_H

#include "common.h"

/*
 * Resolve the decoded request path uri (len bytes, may hold NUL) under the
 * directory root (an absolute, real path). "/" and paths ending in "/"
 * mean their index.html. Refuses (-EINVAL, answer 400) a path that does
 * not start with "/", holds NUL, a backslash or invalid UTF-8, or has a
 * "." or ".." segment; returns -ENOENT (404) for hidden files, missing
 * files, non-regular files and anything whose real path leaves root.
 * On success writes the real path to out and returns 0.
 */
int sfu_static_resolve(const char *root, const char *uri, size_t len,
		       char *out, size_t outsz);

/* The Content-Type for a file name, by extension. */
const char *sfu_static_mime(const char *path);

#endif
