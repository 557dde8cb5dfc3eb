/* The calendar integration routes of issue 16 §4: the account's
 * connections to Google Workspace, Microsoft 365 and Exchange Server, and
 * their rooms. Account admins only. */
#ifndef SYNC_ROUTES_H
#define SYNC_ROUTES_H

#include "http/router.h"

extern const struct route sync_routes[];

#endif
