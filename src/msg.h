/*
 * msg.h - validation of signaling JSON messages against a parameter
 * schema. The dispatch table in signaling.c gives each message type its
 * fields; this file checks a decoded object against them, so handlers
 * only ever see well-typed, bounded input.
 */
#ifndef SFU_MSG_H
#define SFU_MSG_H

#include <jansson.h>

#include "common.h"

enum sfu_field_type {
	SFU_F_STRING,
	SFU_F_INT,
	SFU_F_BOOL,
	SFU_F_OBJECT,
	SFU_F_OBJECT_OR_NULL,
};

struct sfu_field {
	const char *name; /* NULL ends a field list */
	enum sfu_field_type type;
	bool required;
	bool nullable;  /* null is accepted as "absent" */
	bool allow_nul; /* strings: may hold U+0000 (the handler checks) */
	size_t max_len; /* strings: most bytes (0 = unbounded) */
	const struct sfu_field *fields; /* objects: their members' schema */
	const struct sfu_field *each;   /* objects: schema of every member,
					 * each of which must be an object */
};

/*
 * Decode one frame. Returns a new reference to a JSON object, or NULL
 * with a reason in why ("not JSON", ...). Invalid UTF-8 is refused;
 * U+0000 inside strings is let through so the field checks can give the
 * precise error (sfu_msg_check refuses it unless the field allows it).
 */
json_t *sfu_msg_parse(const char *data, size_t len, char *why, size_t whylen);

/* The message's "type" if it is a string without NUL, else NULL. */
const char *sfu_msg_type(const json_t *obj);

/*
 * Check obj against fields, recursively through nested schemas. Unknown
 * members are ignored, so a newer client can send optional extras.
 * Returns 0, or -EINVAL with a reason naming the field in why.
 */
int sfu_msg_check(const json_t *obj, const struct sfu_field *fields, char *why,
		  size_t whylen);

/*
 * The request's "id" as JSON text in out (SFU_REQ_ID_MAX bytes): "" when
 * absent, else a string of at most 64 characters or an integer. Returns 0
 * or -EINVAL for any other id.
 */
int sfu_msg_req_id(const json_t *obj, char *out, size_t outsz);

#endif
