/*
 * jsonstr.h - writes a JSON string literal from UTF-8 text. Pure; for the
 * few messages the worker builds on the data path (chat), where pulling a
 * JSON library into the domain is not worth it.
 */
#ifndef SFU_JSONSTR_H
#define SFU_JSONSTR_H

#include "common.h"

/* Bytes sfu_json_quote() may need for len bytes of input (plus NUL). */
#define SFU_JSON_QUOTED_MAX(len) (6 * (len) + 3)

/*
 * Write "..." with the text of in (len bytes, valid UTF-8) escaped as RFC
 * 8259 requires (quote, backslash, control characters; U+2028 and U+2029
 * too, so the result is also safe inside JavaScript source). out must hold
 * SFU_JSON_QUOTED_MAX(len) bytes. Returns the length written (without the
 * NUL).
 */
size_t sfu_json_quote(char *out, const char *in, size_t len);

#endif
