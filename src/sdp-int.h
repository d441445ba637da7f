/*
 * sdp-int.h - small helpers shared by sdp.c (the parser) and sdp_util.c
 * (lookups and the writer). Nothing else includes it.
 */
#ifndef SFU_SDP_INT_H
#define SFU_SDP_INT_H

#include "sdp.h"

/* Split s at its first c into head and tail. Without a c, head is s,
 * tail is empty and the result false. */
bool sfu__str_split(struct sfu_str s, char c, struct sfu_str *head,
		    struct sfu_str *tail);
/* s without leading and trailing spaces. */
struct sfu_str sfu__str_trim(struct sfu_str s);
/* The index of payload type pt in m's formats, or -1. */
int sfu__sdp_format_index(const struct sfu_sdp_media *m, uint32_t pt);
/* "sendrecv", "sendonly", "recvonly", "inactive". */
extern const char *const sfu__sdp_dir_names[4];

#endif
