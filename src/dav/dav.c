/* The gate every DAV request passes: HTTP Basic (iam/authn.c: the users'
 * passwords, failures counted and locking like sign-in's), a bearer token,
 * or a session cookie, which must carry the CSRF token on methods that
 * change something; then the path is parsed and the method's handler runs.
 * OPTIONS needs no credentials: it says what the server speaks. */
#include "dav/dav.h"

#include <string.h>

#include "calendar/access.h"
#include "calendar/calendars.h"
#include "core/errors.h"
#include "dav/files.h"
#include "dav/methods.h"
#include "dav/reply.h"
#include "dav/schedule.h"
#include "dav/resource.h"
#include "http/response.h"

#define ALLOW "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND, PROPPATCH, REPORT, MKCALENDAR, MKCOL, MOVE, COPY"

static int writes(const char *method)
{
	return strcmp(method, "GET") && strcmp(method, "HEAD") && strcmp(method, "OPTIONS") &&
	       strcmp(method, "PROPFIND") && strcmp(method, "REPORT");
}

static int gate(struct req *r)
{
	if (!r->authenticated)
		return dav_reply_unauthenticated(r), E_UNAUTH;
	if (r->who.via == AUTH_COOKIE && writes(r->method)) {
		const char *tok = req_header(r, "X-CSRF-Token");
		if (!tok || !ids_equal_ct(tok, r->who.csrf))
			return resp_problem(r, 403, "csrf", "missing or wrong X-CSRF-Token header"), E_FORBIDDEN;
	}
	if (r->who.must_change_password)
		return resp_problem(r, 403, "password-change-required",
				    "change your password first (POST /api/v1/me/password)"),
		       E_FORBIDDEN;
	if (r->who.email_validation_pending)
		return resp_problem(r, 403, "email-validation-required",
				    "confirm your e-mail address first: follow the link we sent you"),
		       E_FORBIDDEN;
	return 0;
}

/* a user who owns calendars has a default one from the first look at the home */
static int ensure_default(struct req *r, struct db *db)
{
	struct calendar def;
	int rc;
	if (!calendar_owner_role(r->who.role))
		return 0;
	if ((rc = store_calendar_default(db, r->who.account_id, r->who.user_id, &def)) != E_NOTFOUND)
		return rc;
	if ((rc = store_begin(db, 1)))
		return rc;
	if ((rc = calendar_ensure_default(db, r->who.account_id, r->who.user_id, r->who.display_name, &def)) ||
	    (rc = store_commit(db)))
		store_rollback(db);
	return rc;
}

static int dispatch(struct req *r, int (*fn)(struct req *, struct db *, const struct dav_path *))
{
	int rc = gate(r);
	if (rc)
		return rc;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	struct dav_path p;
	dav_path_parse(r->arena, req_param(r, "path"), &p);
	if (p.kind == DAV_NONE)
		return dav_resource_not_found(r);
	if (p.kind == DAV_HOME && !strcmp(p.user_id, r->who.user_id) && (rc = ensure_default(r, db)))
		return rc;
	if (p.kind == DAV_FILE && fn != dav_proppatch) /* plain collections inside a calendar */
		return dav_file_method(r, db, &p);
	return fn(r, db, &p);
}

static int propfind(struct req *r)
{
	return dispatch(r, dav_propfind);
}
static int proppatch(struct req *r)
{
	return dispatch(r, dav_proppatch);
}
static int report(struct req *r)
{
	return dispatch(r, dav_report);
}
static int get(struct req *r)
{
	return dispatch(r, dav_object_get);
}
static int put(struct req *r)
{
	return dispatch(r, dav_object_put);
}
static int delete (struct req *r)
{
	return dispatch(r, dav_object_delete);
}
static int mkcalendar(struct req *r)
{
	return dispatch(r, dav_mkcalendar);
}
static int move(struct req *r)
{
	return dispatch(r, dav_object_move);
}
static int post(struct req *r)
{
	return dispatch(r, dav_schedule_post);
}

static int options(struct req *r)
{
	resp_header(r, "DAV", "1, 3, calendar-access, calendar-auto-schedule, extended-mkcol");
	resp_header(r, "Allow", ALLOW);
	return resp_empty(r, 200);
}

/* RFC 6764 section 5: the context path; also where "/dav" without its
 * slash leads (a collection's URL ends with one) */
static int well_known(struct req *r)
{
	resp_header(r, "Location", "/dav/");
	return resp_raw(r, 301, "text/plain; charset=utf-8", "/dav/\n", 6);
}

/* PROPFIND on the addresses a user may type instead of /dav/ (RFC 6764
 * section 6, RFC 5397): "/", "/dav", "/.well-known/caldav(/)". It is
 * answered in place, as the DAV root at the address asked (resource.c),
 * after the same gate (401 asks for credentials), because clients such as
 * python-caldav look for the href they asked for and lose
 * current-user-principal after a redirect. GET of the last two still
 * redirects; GET / stays the web app's (http/server.c). */
static int server_root(struct req *r)
{
	int rc = gate(r);
	if (rc)
		return rc;
	struct db *db = store_db();
	if (!db)
		return E_DB;
	struct dav_path p = {.kind = DAV_ROOT, .server_root = 1};
	return dav_propfind(r, db, &p);
}

#define DAV ROUTE_PUBLIC | ROUTE_RAW_BODY | ROUTE_NO_CSRF

const struct route dav_routes[] = {
	{"GET", "/.well-known/caldav", well_known, ROUTE_PUBLIC},
	{"PROPFIND", "/.well-known/caldav", server_root, DAV},
	{"OPTIONS", "/.well-known/caldav", options, DAV},
	{"GET", "/.well-known/caldav/", well_known, ROUTE_PUBLIC},
	{"PROPFIND", "/.well-known/caldav/", server_root, DAV},
	{"OPTIONS", "/.well-known/caldav/", options, DAV},
	{"GET", "/dav", well_known, ROUTE_PUBLIC},
	{"PROPFIND", "/dav", server_root, DAV},
	{"OPTIONS", "/dav", options, DAV},
	{"PROPFIND", "/", server_root, DAV},
	{"OPTIONS", "/", options, DAV},
	{"OPTIONS", "/dav/{path*}", options, DAV},
	{"PROPFIND", "/dav/{path*}", propfind, DAV},
	{"PROPPATCH", "/dav/{path*}", proppatch, DAV},
	{"REPORT", "/dav/{path*}", report, DAV},
	{"GET", "/dav/{path*}", get, DAV},
	{"PUT", "/dav/{path*}", put, DAV},
	{"DELETE", "/dav/{path*}", delete, DAV},
	{"MKCALENDAR", "/dav/{path*}", mkcalendar, DAV},
	{"MKCOL", "/dav/{path*}", mkcalendar, DAV},
	{"MOVE", "/dav/{path*}", move, DAV},
	{"COPY", "/dav/{path*}", move, DAV},
	{"POST", "/dav/{path*}", post, DAV}, /* the schedule outbox (schedule.c) */
	{0},
};
