/* Teams of an account: /api/v1/teams, sub-teams, members and the rights a
 * team enables, and the team's JSON shape. */
#ifndef IAM_TEAMS_H
#define IAM_TEAMS_H

#include <jansson.h>

#include "http/router.h"
#include "store/store.h"

extern const struct route teams_routes[];

/* {id, name, parent_id, child_count, member_count, rights, created_at} */
json_t *teams_json(struct db *db, const struct team *t);

#endif
