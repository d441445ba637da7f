/*
 * names.h - the contract's naming rules (PROTOCOL 1): room names, display
 * names and request ids. Pure functions: no allocation, no I/O.
 */
#ifndef SFU_NAMES_H
#define SFU_NAMES_H

#include "common.h"

#define SFU_ROOM_NAME_MAX 64
/* 64 characters of at most 4 UTF-8 bytes each. */
#define SFU_DISPLAY_NAME_MAX_CHARS 64
#define SFU_DISPLAY_NAME_MAX_BYTES (SFU_DISPLAY_NAME_MAX_CHARS * 4)
/* Participant and track ids the server makes; see sfu_id_new(). */
#define SFU_ID_MAX 24
/* Resume tokens: 128 random bits in hex. */
#define SFU_TOKEN_LEN 32
/* A request id as JSON text: a string of at most 64 characters (each at
 * most 6 bytes once escaped, plus quotes) or an integer. */
#define SFU_REQ_ID_MAX 400

/* True when s (len bytes) matches ^[A-Za-z0-9_.-]{1,64}$. */
bool sfu_room_name_valid(const char *s, size_t len);

/*
 * Trim leading and trailing white space (ASCII and Unicode spaces) from the
 * UTF-8 text in (len bytes) and check what remains: valid UTF-8, 1 to 64
 * characters, no control characters (C0, DEL, C1, U+2028, U+2029) and no
 * NUL. On success writes the trimmed name plus NUL to out, which must hold
 * SFU_DISPLAY_NAME_MAX_BYTES + 1 bytes, and returns 0; else -EINVAL.
 */
int sfu_display_name_normalize(const char *in, size_t len, char *out);

/*
 * Decode one UTF-8 sequence at s (n bytes available). Returns its length
 * and stores the code point, or returns 0 for an invalid, overlong,
 * surrogate or truncated sequence.
 */
size_t sfu_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* True when len bytes at s are valid UTF-8 (no overlongs, surrogates). */
bool sfu_utf8_valid(const char *s, size_t len);

#endif
