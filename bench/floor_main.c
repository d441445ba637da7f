/*
 * floor_main.c - bench/floor: this machine's forwarding floor with
 * Starling's libraries (floor.h), for AEAD_AES_128_GCM and
 * AES_CM_128_HMAC_SHA1_80, in µs of CPU per forwarded packet.
 *
 *   bench/floor [--subscribers N] [--seconds S] [--json FILE]
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "floor.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: floor [--subscribers N (5)] [--seconds S (3)] "
		   "[--json FILE]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "subscribers", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 's' },
		{ "json", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const enum sfu_srtp_profile profiles[] = {
		SFU_SRTP_AEAD_AES_128_GCM, SFU_SRTP_AES128_CM_SHA1_80
	};
	unsigned n = 5;
	double seconds = 3;
	const char *json_path = NULL;
	json_t *all = json_array();
	int c;

	while ((c = getopt_long(argc, argv, "n:s:j:h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			n = (unsigned)atoi(optarg);
			break;
		case 's':
			seconds = atof(optarg);
			break;
		case 'j':
			json_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (n < 1 || n > 1000 || seconds <= 0) {
		usage(stderr);
		return 2;
	}
	if (sfu_srtp_global_init() < 0) {
		fprintf(stderr, "floor: srtp_init failed\n");
		return 1;
	}
	printf("floor: single thread, unprotect once + %u x (rewrite, protect, "
	       "send on a connected socket; 8 protected, then sent), bench packet mix\n", n);
	printf("%-24s %10s %12s %14s %14s\n", "profile", "packets", "forwarded",
	       "cpu us/fwd", "wall us/fwd");
	for (size_t i = 0; i < 2; i++) {
		struct floor_result r;
		if (floor_measure(profiles[i], n, seconds, &r) < 0)
			return 1;
		printf("%-24s %10llu %12llu %14.3f %14.3f\n",
		       sfu_srtp_profile_name(r.profile),
		       (unsigned long long)r.packets_in,
		       (unsigned long long)r.forwarded, r.us_per_forwarded,
		       r.wall_us_per_forwarded);
		json_array_append_new(
			all, json_pack("{s:s, s:i, s:I, s:I, s:I, s:f, s:f, s:f, s:f}",
				       "profile", sfu_srtp_profile_name(r.profile),
				       "subscribers", (int)n, "packets_in",
				       (json_int_t)r.packets_in, "forwarded",
				       (json_int_t)r.forwarded, "send_errors",
				       (json_int_t)r.send_errors, "cpu_s", r.cpu_s,
				       "wall_s", r.wall_s, "cpu_us_per_forwarded",
				       r.us_per_forwarded, "wall_us_per_forwarded",
				       r.wall_us_per_forwarded));
	}
	if (json_path && json_dump_file(all, json_path, JSON_INDENT(2)) < 0) {
		fprintf(stderr, "floor: cannot write %s\n", json_path);
		return 1;
	}
	json_decref(all);
	sfu_srtp_global_shutdown();
	return 0;
}
