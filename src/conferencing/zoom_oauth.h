/* Connecting a Zoom account to a conference's connection: POST …/connect
 * answers the authorize URL (PKCE S256, single-use state bound to the
 * connection and the clicking administrator), GET /oauth/zoom/callback
 * finishes it, and Marketplace installs wait for an administrator to attach
 * them to conferences (GET/POST /api/v1/zoom/installs/{token}). */
#ifndef CONFERENCING_ZOOM_OAUTH_H
#define CONFERENCING_ZOOM_OAUTH_H

#include "http/router.h"

extern const struct route zoom_oauth_routes[];

/* a connection's name as both the connection routes and an install's
 * attach take it: not blank, no control characters; 0, or E_INVALID after
 * answering with a field error on "name" */
int zoom_connection_name_check(struct req *r, const char *name);

struct db;
/* Marketplace installs nobody attached within their hour (and used ones):
 * the install rows go, and their Zoom account is revoked at Zoom and deleted
 * when no connection uses it; then Zoom accounts no connection or install
 * references any more (their conference or account was deleted), revoked and
 * deleted alike: at most max of each per call, outside any transaction.
 * Run after each Marketplace install (5), each GET /api/v1/zoom (1) and every
 * minute by the Zoom worker (20). */
void zoom_installs_sweep(struct db *db, int max);

#endif
