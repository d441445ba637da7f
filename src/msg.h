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
	size_t max_len; /* strings: most bytes (0 = unbounded) */
};

/*
 * Decode one frame. Returns a new reference to a JSON object whose "type"
 * is a string, or NULL with a reason in why ("not JSON", ...). Rejects
 * NUL characters and invalid UTF-8 (jansson's defaults).
 */
json_t *sfu_msg_parse(const char *data, size_t len, char *why, size_t whylen);

/*
 * Check obj against fields. Unknown members are ignored, so a newer client
 * can send optional extras. Returns 0, or -EINVAL with a reason naming
 * the field in why.
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
