/* The providers' push endpoints: POST /webhooks/google (Calendar's
 * events.watch channels) and POST /webhooks/microsoft (Graph's change and
 * lifecycle notifications, and its validation handshake). Each checks the
 * secret the channel or subscription was opened with (only its hash is
 * stored; compared in constant time), marks the room dirty and kicks the
 * sync worker: answered in milliseconds, nothing slow in the request. */
#ifndef SYNC_WEBHOOKS_H
#define SYNC_WEBHOOKS_H

#include "http/router.h"

/* Graph's notifications batch at most a few hundred values */
#define SYNC_WEBHOOK_BODY_MAX (256 * 1024)
#define SYNC_VALIDATION_TOKEN_MAX 1024

extern const struct route sync_webhook_routes[];

#endif
