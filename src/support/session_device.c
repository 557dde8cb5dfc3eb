/* The device a support session is about: GET /api/v1/support/sessions/{id}/device
 * shows the customer's company, its devices and the one linked; PUT links
 * one of that company's devices ({"device_id": id}) or none (null). Who
 * takes part in the session changes it (technicians serving the portal,
 * admins); a supervisor (support/staff.h) only reads it. Any other
 * company's device, or none such, is refused alike, saying nothing of it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/access.h"
#include "api/tx.h"
#include "core/clock.h"
#include "core/errors.h"
#include "http/jsonin.h"
#include "http/response.h"
#include "support/chat.h"
#include "support/staff.h"

#define SESSION_DEVICES_MAX 100 /* of the company's devices shown */

static json_t *device_json(struct db *db, const struct support_session *s, int *err)
{
	char linked[ID_MAX];
	struct company c;
	int n = 0;
	struct device_filter f = {.company_id = s->company_id, .limit = SESSION_DEVICES_MAX};
	struct device *rows = malloc(SESSION_DEVICES_MAX * sizeof *rows);
	if (!rows)
		*err = E_NOMEM;
	else if (!(*err = store_support_session_device(db, s->account_id, s->id, linked)) &&
		 !(*err = store_company_get(db, s->account_id, s->company_id, &c)))
		*err = store_device_list(db, s->account_id, &f, rows, SESSION_DEVICES_MAX, &n);
	if (*err) {
		free(rows);
		return NULL;
	}
	json_t *devices = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(devices, json_pack("{s:s, s:s, s:s, s:s}", "id", rows[i].id, "name", rows[i].name,
							 "kind", rows[i].kind, "serial", rows[i].serial));
	free(rows);
	return json_pack("{s:{s:s, s:s}, s:o, s:o}", "company", "id", c.id, "name", c.name, "device_id",
			 linked[0] ? json_string(linked) : json_null(), "devices", devices);
}

static int show(struct req *r)
{
	struct support_session s;
	struct db *db;
	int rc = chat_session_load(r, &db, &s, 0);
	if (rc)
		return rc;
	json_t *out = device_json(db, &s, &rc);
	return out ? resp_json(r, 200, out) : rc;
}

static int put(struct req *r)
{
	static const char *const allowed[] = {"device_id", NULL};
	struct support_session s;
	struct db *db;
	json_t *in = NULL;
	const char *device = NULL;
	/* the session first: another account's answers 404 whatever the body */
	int rc = chat_session_load(r, &db, &s, 1);
	if (rc)
		return rc;
	if ((rc = jin_object(r, &in, allowed)))
		return api_abort(db, rc);
	json_t *v = json_object_get(in, "device_id");
	if (!v)
		return api_abort(db, resp_field_error(r, "device_id", "'device_id' is required (null for none)")),
		       E_INVALID;
	if (!json_is_null(v) && (rc = jin_string(r, in, "device_id", JIN_REQUIRED, ID_MAX - 1, &device)))
		return api_abort(db, rc);
	if (device) {
		int yes = 0;
		if (ids_valid(device, "dev") &&
		    (rc = store_support_device_of_company(db, s.account_id, device, s.company_id, &yes)))
			return api_abort(db, rc);
		if (!yes)
			return api_abort(db, resp_field_error(r, "device_id",
							      "'device_id' is not a device of the customer's company")),
			       E_INVALID;
	}
	if ((rc = store_support_session_link_device(db, s.account_id, s.id, device, clock_now())) ||
	    (rc = chat_changed(db, &s, 0, 0)))
		return api_abort(db, rc);
	json_t *out = device_json(db, &s, &rc);
	if (!out)
		return api_abort(db, rc);
	return api_commit_json(r, db, 200, out);
}

const struct route support_session_device_routes[] = {
	{"GET", "/api/v1/support/sessions/{id}/device", show, 0},
	{"PUT", "/api/v1/support/sessions/{id}/device", put, 0},
	{0},
};
