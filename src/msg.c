/*
 * msg.c - generic schema checks for signaling messages.
 */
#include "msg.h"

#include <stdio.h>
#include <stdlib.h>

#include "names.h"

json_t *sfu_msg_parse(const char *data, size_t len, char *why, size_t whylen)
{
	json_error_t jerr;
	json_t *obj;

	/* JSON_REJECT_DUPLICATES: a message with two "type" keys is
	 * ambiguous, and we would rather say so than pick one. */
	obj = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL,
			 &jerr);
	if (!obj) {
		snprintf(why, whylen, "not JSON: %s", jerr.text);
		return NULL;
	}
	if (!json_is_object(obj)) {
		snprintf(why, whylen, "a message must be a JSON object");
		json_decref(obj);
		return NULL;
	}
	return obj;
}

static bool has_nul(const json_t *s)
{
	return memchr(json_string_value(s), '\0', json_string_length(s)) != NULL;
}

const char *sfu_msg_type(const json_t *obj)
{
	const json_t *type = json_object_get(obj, "type");

	if (!json_is_string(type) || has_nul(type))
		return NULL;
	return json_string_value(type);
}

static const char *type_name(enum sfu_field_type t)
{
	switch (t) {
	case SFU_F_STRING:
		return "a string";
	case SFU_F_INT:
		return "an integer";
	case SFU_F_BOOL:
		return "a boolean";
	case SFU_F_OBJECT:
		return "an object";
	case SFU_F_OBJECT_OR_NULL:
		return "an object or null";
	}
	return "?";
}

static bool type_ok(const json_t *v, enum sfu_field_type t)
{
	switch (t) {
	case SFU_F_STRING:
		return json_is_string(v);
	case SFU_F_INT:
		return json_is_integer(v);
	case SFU_F_BOOL:
		return json_is_boolean(v);
	case SFU_F_OBJECT:
		return json_is_object(v);
	case SFU_F_OBJECT_OR_NULL:
		return json_is_object(v) || json_is_null(v);
	}
	return false;
}

static int check_each(const json_t *obj, const struct sfu_field *f,
		      char *why, size_t whylen);

static int check_value(const json_t *v, const struct sfu_field *f, char *why,
		       size_t whylen)
{
	if (!type_ok(v, f->type)) {
		snprintf(why, whylen, "\"%s\" must be %s", f->name,
			 type_name(f->type));
		return -EINVAL;
	}
	if (f->type == SFU_F_STRING) {
		if (f->max_len && json_string_length(v) > f->max_len) {
			snprintf(why, whylen, "\"%s\" is longer than %zu bytes",
				 f->name, f->max_len);
			return -EINVAL;
		}
		if (!f->allow_nul && has_nul(v)) {
			snprintf(why, whylen, "\"%s\" must not contain U+0000",
				 f->name);
			return -EINVAL;
		}
	}
	if (json_is_object(v) && f->fields &&
	    sfu_msg_check(v, f->fields, why, whylen))
		return -EINVAL;
	if (json_is_object(v) && f->each && check_each(v, f, why, whylen))
		return -EINVAL;
	return 0;
}

/* Every member of obj must be an object matching f->each. */
static int check_each(const json_t *obj, const struct sfu_field *f,
		      char *why, size_t whylen)
{
	const char *key;
	json_t *member;

	json_object_foreach((json_t *)obj, key, member) {
		if (!json_is_object(member)) {
			snprintf(why, whylen, "\"%s\" members must be objects",
				 f->name);
			return -EINVAL;
		}
		if (sfu_msg_check(member, f->each, why, whylen))
			return -EINVAL;
	}
	return 0;
}

int sfu_msg_check(const json_t *obj, const struct sfu_field *fields, char *why,
		  size_t whylen)
{
	for (const struct sfu_field *f = fields; f && f->name; f++) {
		const json_t *v = json_object_get(obj, f->name);
		if (v && json_is_null(v) && f->nullable)
			v = NULL;
		if (!v) {
			if (f->required) {
				snprintf(why, whylen, "\"%s\" is required",
					 f->name);
				return -EINVAL;
			}
			continue;
		}
		if (check_value(v, f, why, whylen))
			return -EINVAL;
	}
	return 0;
}

int sfu_msg_req_id(const json_t *obj, char *out, size_t outsz)
{
	const json_t *id = json_object_get(obj, "id");
	char *text;
	size_t n;

	out[0] = '\0';
	if (!id)
		return 0;
	if (json_is_string(id)) {
		const char *s = json_string_value(id);
		size_t chars = 0;
		/* Count characters, not bytes: the limit is 64 characters. */
		for (size_t i = 0; i < json_string_length(id); i++)
			chars += ((unsigned char)s[i] & 0xc0) != 0x80;
		if (chars > 64)
			return -EINVAL;
	} else if (!json_is_integer(id)) {
		return -EINVAL;
	}
	text = json_dumps(id, JSON_ENCODE_ANY | JSON_COMPACT);
	if (!text)
		return -EINVAL;
	n = strlen(text);
	if (n >= outsz) {
		free(text);
		return -EINVAL;
	}
	memcpy(out, text, n + 1);
	free(text);
	return 0;
}
