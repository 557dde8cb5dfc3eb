/* POST /api/v1/calendars/{id}/import takes text/calendar (editors); with
 * ?notify=true the people its meetings invite are told, as the importer's
 * own writes would tell them, and by default nobody is;
 * GET /api/v1/calendars/{id}/export gives the whole calendar (viewers see
 * private and confidential events as busy blocks, freebusy grantees only
 * busy blocks). */
#include "calendar/transfer.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "calendar/access.h"
#include "calendar/assemble.h"
#include "calendar/event_store.h"
#include "calendar/import.h"
#include "core/errors.h"
#include "http/response.h"
#include "api/audit.h"

static int import(struct req *r)
{
	int rc, role;
	struct calendar c;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	if ((rc = calendar_load(r, db, req_param(r, "id"), CAL_ROLE_EDITOR, &c, &role)))
		return rc;
	const char *ct = req_header(r, "Content-Type");
	if (!ct || strncasecmp(ct, "text/calendar", 13))
		return resp_problem(r, 415, "unsupported-media-type", "send the file as Content-Type: text/calendar");
	if (!r->body.len)
		return resp_problem(r, 422, "invalid-ics", "the body is empty: send an iCalendar file");
	const char *notify = req_query(r, "notify");
	if (notify && strcmp(notify, "true") && strcmp(notify, "false"))
		return resp_problem_ext(r, 400, "invalid-query", "notify is true or false",
					json_pack("{s:s}", "field", "notify")),
		       E_INVALID;
	struct sched_actor who = event_caller(r);
	struct import_result res;
	struct ics_error err;
	struct booking_result booking = {0};
	struct booking_actor actor = {r->who.user_id, r->who.role};
	rc = calendar_import(db, &c, r->body.data, r->body.len, &actor, notify && !strcmp(notify, "true") ? &who : NULL,
			     NULL, NULL, &res, &err, &booking);
	if (rc == E_CONFLICT && booking.refused) {
		json_t *ext =
			json_pack("{s:o}", "conflicts", booking_conflicts_json(&booking, c.time_zone, resp_lang(r)));
		booking_result_free(&booking);
		return resp_problem_ext(r, 409, "booking-conflict",
					"a room invited by an imported event refuses it; nothing was imported", ext);
	}
	booking_result_free(&booking);
	if (rc == E_FORBIDDEN && res.external[0])
		return event_external_problem(r, res.external);
	if (rc == E_INVALID) {
		json_t *ext = json_pack("{s:i}", "line", err.line);
		if (*err.property)
			json_object_set_new(ext, "property", json_string(err.property));
		return resp_problem_ext(r, 422, "invalid-ics", ics_error_text(&err, resp_lang(r)), ext);
	}
	if (rc)
		return rc;
	json_t *out = json_pack("{s:i, s:i, s:i, s:I}", "created", res.created, "updated", res.updated, "unchanged",
				res.unchanged, "skipped", (json_int_t)res.skipped);
	if (res.created || res.updated) {
		/* recorded after the import's own transaction: a summary, not the events */
		if ((rc = store_begin(db, 1)) ||
		    (rc = audit_record(r, db, "calendar.import", "calendar", c.id, c.name, NULL,
				       json_deep_copy(out))) ||
		    (rc = store_commit(db)))
			store_rollback(db);
	}
	return resp_json(r, 200, out);
}

static int export(struct req *r)
{
	int rc, role;
	struct calendar c;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	if ((rc = calendar_load(r, db, req_param(r, "id"), CAL_ROLE_FREEBUSY, &c, &role)))
		return rc;
	enum assemble_detail d = role >= CAL_ROLE_EDITOR   ? ASSEMBLE_FULL
				 : role == CAL_ROLE_VIEWER ? ASSEMBLE_PUBLIC_ONLY
							   : ASSEMBLE_BUSY;
	struct buf b = {0};
	if ((rc = store_begin(db, 0)) || (rc = calendar_assemble(db, &c, INT64_MIN, INT64_MAX, d, &b))) {
		store_rollback(db);
		buf_free(&b);
		return rc;
	}
	store_rollback(db);
	/* a file name from the calendar's name, without quotes or path characters */
	char name[80];
	int j = 0;
	for (const char *p = c.name; *p && j < 60; p++)
		name[j++] = (*p == '"' || *p == '/' || *p == '\\' || (unsigned char)*p < 32) ? '_' : *p;
	name[j] = 0;
	resp_header(r, "Content-Disposition", arena_printf(r->arena, "attachment; filename=\"%s.ics\"", name));
	rc = resp_raw(r, 200, "text/calendar; charset=utf-8", b.data, b.len);
	buf_free(&b);
	return rc;
}

const struct route transfer_routes[] = {
	{"POST", "/api/v1/calendars/{id}/import", import, ROUTE_RAW_BODY},
	{"GET", "/api/v1/calendars/{id}/export", export, 0},
	{0},
};
