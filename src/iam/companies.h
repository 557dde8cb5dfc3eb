/* Companies of an account: /api/v1/companies and their members. */
#ifndef IAM_COMPANIES_H
#define IAM_COMPANIES_H

#include <jansson.h>

#include "http/router.h"
#include "store/store.h"

extern const struct route companies_routes[];
json_t *companies_json(const struct company *c);

#endif
