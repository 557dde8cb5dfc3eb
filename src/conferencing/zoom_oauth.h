/* Connecting a Zoom account to a conference's connection: POST …/connect
 * answers the authorize URL (PKCE S256, single-use state bound to the
 * connection and the clicking administrator), GET /oauth/zoom/callback
 * finishes it, and Marketplace installs wait for an administrator to attach
 * them to conferences (GET/POST /api/v1/zoom/installs/{token}). */
#ifndef CONFERENCING_ZOOM_OAUTH_H
#define CONFERENCING_ZOOM_OAUTH_H

#include "http/router.h"

extern const struct route zoom_oauth_routes[];

#endif
