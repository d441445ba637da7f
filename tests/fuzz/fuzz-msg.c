/*
 * fuzz-msg.c - libFuzzer target for signaling message validation.
 *
 * Arbitrary bytes go to sfu_msg_parse(); what it accepts goes through
 * sfu_msg_type(), sfu_msg_check() against flat and nested schemas like
 * signaling.c's, and sfu_msg_req_id(). Invariants checked: every refusal
 * has a reason, a type never holds U+0000, and a request id comes back as
 * JSON text that fits its buffer and decodes to the same value.
 */
#include "msg.h"

#include <stdlib.h>

#include "names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct sfu_field join_fields[] = {
	{ .name = "room", .type = SFU_F_STRING, .required = true,
	  .allow_nul = true },
	{ .name = "name", .type = SFU_F_STRING, .required = true,
	  .allow_nul = true },
	{ .name = "token", .type = SFU_F_STRING },
	{ .name = "resume", .type = SFU_F_STRING, .max_len = 256 },
	{ .name = NULL },
};

static const struct sfu_field mute_fields[] = {
	{ .name = "track", .type = SFU_F_STRING, .required = true },
	{ .name = "muted", .type = SFU_F_BOOL, .required = true },
	{ .name = NULL },
};

static const struct sfu_field track_fields[] = {
	{ .name = "label", .type = SFU_F_STRING, .max_len = 64 },
	{ .name = "kind", .type = SFU_F_STRING, .max_len = 5 },
	{ .name = NULL },
};

static const struct sfu_field offer_fields[] = {
	{ .name = "sdp", .type = SFU_F_STRING, .required = true },
	{ .name = "tracks", .type = SFU_F_OBJECT, .each = track_fields },
	{ .name = NULL },
};

static const struct sfu_field ice_fields[] = {
	{ .name = "candidate", .type = SFU_F_STRING, .required = true,
	  .max_len = 1024 },
	{ .name = "sdpMid", .type = SFU_F_STRING, .nullable = true,
	  .max_len = 64 },
	{ .name = "sdpMLineIndex", .type = SFU_F_INT, .nullable = true },
	{ .name = "usernameFragment", .type = SFU_F_STRING, .nullable = true,
	  .max_len = 256 },
	{ .name = NULL },
};

static const struct sfu_field candidate_fields[] = {
	{ .name = "candidate", .type = SFU_F_OBJECT_OR_NULL, .required = true,
	  .fields = ice_fields },
	{ .name = NULL },
};

/* Every field type and option at once. */
static const struct sfu_field mixed_fields[] = {
	{ .name = "a", .type = SFU_F_STRING, .max_len = 8 },
	{ .name = "b", .type = SFU_F_INT, .nullable = true },
	{ .name = "c", .type = SFU_F_BOOL },
	{ .name = "d", .type = SFU_F_OBJECT, .fields = mixed_fields },
	{ .name = "e", .type = SFU_F_OBJECT_OR_NULL, .each = mixed_fields },
	{ .name = NULL },
};

static const struct sfu_field *const schemas[] = {
	join_fields, mute_fields, offer_fields, candidate_fields, mixed_fields,
};

static void check_req_id(const json_t *obj)
{
	char out[SFU_REQ_ID_MAX], tiny[4];
	const json_t *id = json_object_get(obj, "id");
	json_t *back;
	int rc;

	memset(out, 'X', sizeof(out));
	rc = sfu_msg_req_id(obj, out, sizeof(out));
	if (rc != 0 && rc != -EINVAL)
		abort();
	if (memchr(out, '\0', sizeof(out)) == NULL)
		abort();
	if (rc == 0 && !id && out[0] != '\0')
		abort();
	if (rc == 0 && id) {
		if (!json_is_string(id) && !json_is_integer(id))
			abort();
		back = json_loads(out, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
		if (!back || !json_equal(back, (json_t *)id))
			abort();
		json_decref(back);
	}
	if (rc != 0 && out[0] != '\0')
		abort();
	/* A buffer too small is refused, never overrun (ASan watches). */
	rc = sfu_msg_req_id(obj, tiny, sizeof(tiny));
	if (rc == 0 && strlen(tiny) >= sizeof(tiny))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[128];
	const char *type;
	json_t *obj;
	int rc;

	why[0] = '\0';
	obj = sfu_msg_parse((const char *)data, size, why, sizeof(why));
	if (!obj) {
		if (!why[0])
			abort();
		return 0;
	}
	if (!json_is_object(obj))
		abort();
	type = sfu_msg_type(obj);
	if (type && strlen(type) !=
			    json_string_length(json_object_get(obj, "type")))
		abort();
	for (size_t i = 0; i < SFU_ARRAY_SIZE(schemas); i++) {
		why[0] = '\0';
		rc = sfu_msg_check(obj, schemas[i], why, sizeof(why));
		if (rc != 0 && (rc != -EINVAL || !why[0]))
			abort();
	}
	check_req_id(obj);
	json_decref(obj);
	return 0;
}
