/*
 * wire.h - renders worker events and control replies as the contract's
 * JSON text (PROTOCOL 1.2). Runs on worker threads and the control thread
 * alike: it only reads the objects it is given.
 */
#ifndef SFU_WIRE_H
#define SFU_WIRE_H

#include "common.h"

#include "cmd.h"
#include "config.h"

struct sfu_wire;

/* Prepares what every `joined` repeats (ice_servers) from cfg. */
struct sfu_wire *sfu_wire_new(const struct sfu_config *cfg);
void sfu_wire_free(struct sfu_wire *w);

/* The event as a malloc'd JSON text. */
char *sfu_wire_event(const struct sfu_wire *w, const struct sfu_event *ev);

/* {"type":"error","id":..,"code":..,"message":..}; req_id "" omits id. */
char *sfu_wire_error(const char *req_id, enum sfu_err err, const char *message);

/* {"type":<type>,"id":..} for acknowledgements such as "left". */
char *sfu_wire_ack(const char *type, const char *req_id);

#endif
