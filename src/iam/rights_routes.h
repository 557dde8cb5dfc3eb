/* GET /api/v1/rights, and the JSON shapes and problems that the team and
 * manager routes share when they show or change sets of rights. */
#ifndef IAM_RIGHTS_ROUTES_H
#define IAM_RIGHTS_ROUTES_H

#include <jansson.h>
#include <stdint.h>

#include "http/request.h"
#include "http/router.h"

extern const struct route rights_routes[];

/* the names of a set, in catalogue order */
json_t *rights_names_json(uint64_t set);
/* [{group, label, rights: [{name, label, group, prerequisites, dependents[, held]}]}];
 * with_held adds each right's `held` flag from held */
json_t *rights_groups_json(uint64_t held, int with_held);
/* reads {rights: [names]} (the key given); 0, or E_INVALID after a 422 naming an unknown right */
int rights_read_body(struct req *r, json_t *in, const char *key, uint64_t *out);
/* 422 missing-prerequisite: "<right> needs <prerequisite>" */
int rights_problem_missing(struct req *r, int right, int missing);

#endif
