/*
 * sdp-int.h - small helpers shared by sdp.c (the parser), sdp_str.c (the
 * string views) and sdp_util.c (lookups and the writer). Nothing else
 * includes it.
 */
#ifndef SFU_SDP_INT_H
#define SFU_SDP_INT_H

#include "sdp.h"

/* sdp_str.c */
/* The next space-separated word of *rest, which moves past it and the
 * spaces after it. Empty at the end. */
struct sfu_str sfu__str_word(struct sfu_str *rest);
/* Split s at its first c into head and tail. Without a c, head is s,
 * tail is empty and the result false. */
bool sfu__str_split(struct sfu_str s, char c, struct sfu_str *head,
		    struct sfu_str *tail);
/* s without leading and trailing spaces. */
struct sfu_str sfu__str_trim(struct sfu_str s);
/* Parse s as a decimal number in [min, max]: digits only, no sign, no
 * spaces, no overflow. */
bool sfu__str_num64(struct sfu_str s, uint64_t min, uint64_t max,
		    uint64_t *out);
/* The same for 32 bits; *out is left alone on failure. */
bool sfu__str_num32(struct sfu_str s, uint32_t min, uint32_t max,
		    uint32_t *out);

/* sdp.c */
/* The index of payload type pt in m's formats, or -1. */
int sfu__sdp_format_index(const struct sfu_sdp_media *m, uint32_t pt);
/* "sendrecv", "sendonly", "recvonly", "inactive". */
extern const char *const sfu__sdp_dir_names[4];

#endif
