/*
 * fuzz-config.c - libFuzzer target for the configuration file parser.
 *
 * Arbitrary bytes go to sfu_config_load_data() as a file's text; whatever
 * it accepts then goes through sfu_config_validate(). Neither may crash,
 * leak or read outside the input: libFuzzer passes it in a buffer of
 * exactly size bytes with no NUL after it, so a scanner that relies on a
 * terminator trips AddressSanitizer.
 */
#include "config.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sfu_config c;
	char *err = NULL;
	int rc;

	sfu_config_init(&c);
	rc = sfu_config_load_data(&c, (const char *)data, size, "fuzz", &err);
	if (rc == 0)
		rc = sfu_config_validate(&c, &err);
	/* Every failure must explain itself, and no success leave a message. */
	if ((rc < 0) != (err != NULL) || (err && !err[0]))
		abort();
	free(err);
	sfu_config_clear(&c);
	return 0;
}
