/*
 * static.c - safe path resolution for static files.
 *
 * Two independent guards against leaving the root: the path is refused
 * lexically when any segment is "." or "..", and the resolved real path
 * (symlinks followed) must still lie under root.
 */
#include "static.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "names.h"

/* Lexical checks on the decoded path. */
static int check_segments(const char *uri, size_t len)
{
	size_t i = 1, start;

	while (i <= len) {
		start = i;
		while (i < len && uri[i] != '/')
			i++;
		size_t seg = i - start;
		if ((seg == 1 && uri[start] == '.') ||
		    (seg == 2 && uri[start] == '.' && uri[start + 1] == '.'))
			return -EINVAL;
		if (seg > 0 && uri[start] == '.')
			return -ENOENT; /* hidden files are not served */
		i++;
	}
	return 0;
}

int sfu_static_resolve(const char *root, const char *uri, size_t len,
		       char *out, size_t outsz)
{
	char joined[PATH_MAX], real[PATH_MAX];
	size_t rootlen = strlen(root);
	struct stat st;
	int rc, n;

	if (len == 0 || uri[0] != '/' || memchr(uri, '\0', len) ||
	    memchr(uri, '\\', len) || !sfu_utf8_valid(uri, len))
		return -EINVAL;
	rc = check_segments(uri, len);
	if (rc)
		return rc;
	n = snprintf(joined, sizeof(joined), "%s%.*s%s", root, (int)len, uri,
		     uri[len - 1] == '/' ? "index.html" : "");
	if (n < 0 || (size_t)n >= sizeof(joined))
		return -ENOENT;
	if (!realpath(joined, real))
		return -ENOENT;
	if (strncmp(real, root, rootlen) != 0 || real[rootlen] != '/')
		return -ENOENT;
	if (stat(real, &st) != 0 || !S_ISREG(st.st_mode))
		return -ENOENT;
	if (sfu_strlcpy(out, real, outsz) >= outsz)
		return -ENOENT;
	return 0;
}

const char *sfu_static_mime(const char *path)
{
	static const struct {
		const char *ext, *mime;
	} types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".mjs", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".json", "application/json" },
		{ ".webmanifest", "application/manifest+json" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".jpg", "image/jpeg" },
		{ ".ico", "image/x-icon" },
		{ ".woff2", "font/woff2" },
		{ ".txt", "text/plain; charset=utf-8" },
	};
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');

	if (dot && (!slash || dot > slash))
		for (size_t i = 0; i < SFU_ARRAY_SIZE(types); i++)
			if (strcmp(dot, types[i].ext) == 0)
				return types[i].mime;
	return "application/octet-stream";
}
