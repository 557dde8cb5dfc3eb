/* The rights catalogue over the API (GET /api/v1/rights, grouped, with
 * labels, prerequisites and dependents) and the JSON helpers the team and
 * manager routes use for sets of rights. */
#include "iam/rights_routes.h"

#include "core/errors.h"
#include "http/jsonin.h"
#include "http/response.h"
#include "api/access.h"
#include "iam/rights.h"

json_t *rights_names_json(uint64_t set)
{
	json_t *a = json_array();
	for (int i = 0; i < RIGHT_COUNT; i++)
		if (set & RIGHT_BIT(i))
			json_array_append_new(a, json_string(rights_info(i)->name));
	return a;
}

static json_t *right_json(int id, uint64_t held, int with_held)
{
	const struct right_info *ri = rights_info(id);
	json_t *o =
		json_pack("{s:s, s:s, s:s, s:o, s:o}", "name", ri->name, "label", ri->label, "group",
			  rights_group_name(ri->group), "prerequisites", rights_names_json(rights_prerequisites(id)),
			  "dependents", rights_names_json(rights_dependents(RIGHT_BIT(id))));
	/* false: kept in the catalogue, but convene does no such thing yet */
	json_object_set_new(o, "used_by_convene", json_boolean(ri->used));
	if (with_held)
		json_object_set_new(o, "held", json_boolean(held & RIGHT_BIT(id)));
	return o;
}

json_t *rights_groups_json(uint64_t held, int with_held)
{
	json_t *groups = json_array();
	for (int g = 0; g < RIGHT_GROUP_COUNT; g++) {
		json_t *items = json_array();
		for (int i = 0; i < RIGHT_COUNT; i++)
			if ((int)rights_info(i)->group == g)
				json_array_append_new(items, right_json(i, held, with_held));
		json_array_append_new(groups,
				      json_pack("{s:s, s:s, s:o}", "group", rights_group_name((enum right_group)g),
						"label", rights_group_label((enum right_group)g), "rights", items));
	}
	return groups;
}

int rights_read_body(struct req *r, json_t *in, const char *key, uint64_t *out)
{
	const char **names = NULL, *unknown = NULL;
	size_t n = 0;
	int rc = jin_string_array(r, in, key, JIN_REQUIRED, 64, 64, &names, &n);
	if (rc)
		return rc;
	if (rights_from_names(names, n, out, &unknown)) {
		resp_field_error(r, key, "unknown right '%.64s' (GET /api/v1/rights lists them)", unknown);
		return E_INVALID;
	}
	return 0;
}

int rights_problem_missing(struct req *r, int right, int missing)
{
	const char *name = rights_info(right)->name, *pre = rights_info(missing)->name;
	return resp_problem_ext(r, 422, "missing-prerequisite",
				arena_printf(r->arena, "%s needs %s; grant %s too", name, pre, pre),
				json_pack("{s:s, s:s, s:s}", "field", "rights", "right", name, "prerequisite", pre));
}

static int catalogue(struct req *r)
{
	int rc;
	if ((rc = access_read_admin(r)))
		return rc;
	json_t *all = json_array();
	for (int i = 0; i < RIGHT_COUNT; i++)
		json_array_append_new(all, right_json(i, 0, 0));
	return resp_json(r, 200, json_pack("{s:o, s:o}", "groups", rights_groups_json(0, 0), "items", all));
}

const struct route rights_routes[] = {
	{"GET", "/api/v1/rights", catalogue, 0},
	{0},
};
