/*
 * floor_main.c - bench/floor: this machine's forwarding floor with
 * Starling's libraries (floor.h), for AEAD_AES_128_GCM and
 * AES_CM_128_HMAC_SHA1_80, in µs of CPU per forwarded packet.
 *
 *   bench/floor [--subscribers N] [--seconds S] [--pace K:US] [--json FILE]
 *
 * --pace K:US sleeps US µs after every K incoming packets, the way a
 * server idles between wakeups at light load (floor.h); without it the
 * loop never sleeps, which is the floor the targets are measured
 * against.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "floor.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: floor [--subscribers N (5)] [--seconds S (3)] "
		   "[--pace K:US (sleep US after every K packets)] "
		   "[--json FILE]\n");
}

/* "K:US", both positive and sane. */
static int parse_pace(const char *s, struct floor_pace *p)
{
	char *end;
	unsigned long every = strtoul(s, &end, 10), us;

	if (end == s || *end != ':' || every < 1 || every > 100000)
		return -1;
	s = end + 1;
	us = strtoul(s, &end, 10);
	if (end == s || *end || us < 1 || us > 1000000)
		return -1;
	p->every = (unsigned)every;
	p->sleep_us = (unsigned)us;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "subscribers", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 's' },
		{ "json", required_argument, NULL, 'j' },
		{ "pace", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const enum sfu_srtp_profile profiles[] = {
		SFU_SRTP_AEAD_AES_128_GCM, SFU_SRTP_AES128_CM_SHA1_80
	};
	unsigned n = 5;
	double seconds = 3;
	const char *json_path = NULL;
	struct floor_pace pace = { 0, 0 };
	json_t *all = json_array();
	int c;

	while ((c = getopt_long(argc, argv, "n:s:j:p:h", opts, NULL)) != -1) {
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
		case 'p':
			if (parse_pace(optarg, &pace) < 0) {
				usage(stderr);
				return 2;
			}
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
	       "send on a connected socket; 8 protected, then sent), bench "
	       "packet mix", n);
	if (pace.every)
		printf("; sleeps %u us after every %u packets", pace.sleep_us,
		       pace.every);
	printf("\n");
	printf("%-24s %10s %12s %14s %14s\n", "profile", "packets", "forwarded",
	       "cpu us/fwd", "wall us/fwd");
	for (size_t i = 0; i < 2; i++) {
		struct floor_result r;
		if (floor_measure(profiles[i], n, seconds,
				  pace.every ? &pace : NULL, &r) < 0)
			return 1;
		printf("%-24s %10llu %12llu %14.3f %14.3f\n",
		       sfu_srtp_profile_name(r.profile),
		       (unsigned long long)r.packets_in,
		       (unsigned long long)r.forwarded, r.us_per_forwarded,
		       r.wall_us_per_forwarded);
		json_array_append_new(
			all, json_pack("{s:s, s:i, s:i, s:i, s:I, s:I, s:I, s:f, s:f, s:f, s:f}",
				       "profile", sfu_srtp_profile_name(r.profile),
				       "subscribers", (int)n, "pace_every",
				       (int)pace.every, "pace_sleep_us",
				       (int)pace.sleep_us, "packets_in",
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
