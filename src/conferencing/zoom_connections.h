/* The Zoom connections of a conference, as its administrators manage them:
 * create, list, show (from the meetings cache, no call to Zoom), rename,
 * disconnect (revoking at Zoom when nobody uses the Zoom account any more),
 * refresh, and "start as host"; plus GET /api/v1/zoom, the app's status. */
#ifndef CONFERENCING_ZOOM_CONNECTIONS_H
#define CONFERENCING_ZOOM_CONNECTIONS_H

#include <jansson.h>

#include "http/request.h"
#include "http/router.h"
#include "store/store.h"

extern const struct route zoom_connections_routes[];

/* the connection as the API shows it (with its Zoom account object, or
 * null); with_meetings adds `meetings` from the cache */
json_t *zoom_connection_json(struct db *db, const struct zoom_connection *c, int with_meetings);
/* the Zoom account object {zoom_user_id, email, display_name, account_id,
 * plan, time_zone} */
json_t *zoom_account_json(const struct zoom_account *a);
/* 409 zoom-not-configured / secret-key-missing when the app cannot connect:
 * 0 when it can, else E_CONFLICT after answering */
int zoom_connect_ready(struct req *r);
/* after a connection is gone: when no connection uses the Zoom user any
 * more, revoke at Zoom (a failure is logged) and delete its tokens and
 * meetings. Outside any transaction. */
void zoom_account_release(struct db *db, const char *zoom_user_id);

#endif
