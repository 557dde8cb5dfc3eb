/* Conferences over the JSON API: account admins create and delete them and
 * appoint conference administrators; those administrators and the account's
 * admins change them. Each conference owns its schedule, a calendar made with
 * it in the same transaction and deleted with it. */
#ifndef CONFERENCING_CONFERENCES_H
#define CONFERENCING_CONFERENCES_H

#include <jansson.h>

#include "http/router.h"
#include "store/store.h"

extern const struct route conferences_routes[];

/* the conference as answered: its columns, admins_count and can_manage (the
 * caller may change it: every caller who may see it can) */
json_t *conference_json(const struct conference *c, int can_manage);

#endif
