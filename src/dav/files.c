/* Plain WebDAV collections and files inside a calendar collection (RFC 4791
 * section 4.2 allows collections that are not calendar collections there):
 * MKCOL, PUT, GET/HEAD, DELETE, PROPFIND, COPY and MOVE on paths below
 * /dav/calendars/<user>/<calendar>/<dir>/, for generic WebDAV clients and
 * litmus. A calendar collection itself still holds calendar data only
 * (supported-calendar-data), and no calendar collection is made below one
 * (calendar-collection-location-ok). Reports and feeds never see them;
 * access follows the calendar's role (viewer reads, editor writes). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "calendar/access.h"
#include "core/clock.h"
#include "core/errors.h"
#include "core/ids.h"
#include "dav/deadprops.h"
#include "dav/files.h"
#include "dav/methods.h"
#include "dav/props.h"
#include "dav/reply.h"
#include "dav/xml.h"
#include "http/response.h"

#define FILE_MAX (1024 * 1024)  /* one file's body */
#define CALENDAR_FILES_MAX 1000 /* plain resources in one calendar */
#define CALENDAR_BYTES_MAX (16 * 1024 * 1024)
#define PATH_MAX_BYTES 1024

/* segments of 1 to 255 bytes, no control characters, not "." or ".." */
static int path_valid(const char *path)
{
	size_t n = strlen(path);
	if (!n || n > PATH_MAX_BYTES)
		return 0;
	for (const char *s = path; *s;) {
		const char *e = strchr(s, '/');
		size_t l = e ? (size_t)(e - s) : strlen(s);
		char seg[256];
		if (!l || l > 255)
			return 0;
		memcpy(seg, s, l);
		seg[l] = 0;
		if (!dav_name_valid(seg))
			return 0;
		if (!e)
			break;
		s = e + 1;
	}
	return 1;
}

/* the collection holding path ("a/b/" for "a/b/c" and "a/b/c/"), "" for the calendar */
static const char *parent_of(struct arena *a, const char *path)
{
	size_t n = strlen(path);
	if (n && path[n - 1] == '/')
		n--;
	while (n && path[n - 1] != '/')
		n--;
	return arena_strndup(a, path, n);
}

static int is_dir(const char *path)
{
	size_t n = strlen(path);
	return n && path[n - 1] == '/';
}

/* does the collection dir exist ("" is the calendar) */
static int dir_exists(struct req *r, struct db *db, const struct calendar *c, const char *dir)
{
	struct dav_file f;
	return !*dir || !store_dav_file_get(db, r->arena, c->account_id, c->id, dir, &f);
}

/* loads the resource at p; when path names a collection without its '/'
 * (or a file with one), the existing one is taken */
static int load(struct req *r, struct db *db, const struct dav_path *p, struct dav_res *res)
{
	int rc = dav_resource_load(r, db, p, res);
	if (rc || res->exists || !path_valid(p->name))
		return rc;
	size_t n = strlen(p->name);
	const char *other =
		is_dir(p->name) ? arena_strndup(r->arena, p->name, n - 1) : arena_printf(r->arena, "%s/", p->name);
	struct dav_path q = *p;
	q.name = other;
	struct dav_res alt;
	if ((rc = dav_resource_load(r, db, &q, &alt)))
		return rc;
	if (alt.exists)
		*res = alt;
	return 0;
}

static int need(struct req *r, const struct dav_res *res, int role)
{
	if (res->role >= role)
		return 0;
	return dav_reply_need_privilege(r, res->href, DAV_NS, role == CAL_ROLE_VIEWER ? "read" : "write-content",
					role == CAL_ROLE_VIEWER ? "you may see free/busy time only on this calendar"
								: "this calendar is shared with you read-only"),
	       E_FORBIDDEN;
}

static int quota(struct req *r, struct db *db, const struct calendar *c, size_t adding)
{
	int64_t bytes, count;
	int rc = store_dav_files_size(db, c->account_id, c->id, &bytes, &count);
	if (rc)
		return rc;
	if (count + 1 > CALENDAR_FILES_MAX || bytes + (int64_t)adding > CALENDAR_BYTES_MAX)
		return dav_reply_error(r, 507, CONVENE_NS, "quota",
				       "a calendar holds at most %d plain resources and %d MiB of them",
				       CALENDAR_FILES_MAX, CALENDAR_BYTES_MAX >> 20),
		       E_TOOLARGE;
	return 0;
}

static const char *new_etag(struct arena *a)
{
	char id[ID_MAX];
	ids_new("f", id);
	return arena_strdup(a, id);
}

static int if_match_fails(struct req *r, const struct dav_res *res)
{
	const char *im = req_header(r, "If-Match"), *inm = req_header(r, "If-None-Match");
	const char *etag = res->exists ? arena_printf(r->arena, "\"%s\"", res->file.etag) : NULL;
	if ((im && (!etag || (strcmp(im, "*") && !strstr(im, etag)))) ||
	    (inm && etag && (!strcmp(inm, "*") || strstr(inm, etag))))
		return resp_problem(r, 412, "precondition-failed", "If-Match or If-None-Match does not hold"),
		       E_CONFLICT;
	return 0;
}

static int get(struct req *r, const struct dav_res *res)
{
	if (!res->exists)
		return dav_resource_not_found(r);
	if (need(r, res, CAL_ROLE_VIEWER))
		return E_FORBIDDEN;
	if (!res->file.body)
		return resp_raw(r, 200, "text/plain; charset=utf-8", "A WebDAV collection.\n", 21);
	resp_header(r, "ETag", arena_printf(r->arena, "\"%s\"", res->file.etag));
	return resp_raw(r, 200, *res->file.content_type ? res->file.content_type : "application/octet-stream",
			res->file.body, res->file.len);
}

static int put(struct req *r, struct db *db, const struct dav_res *res)
{
	const char *ctype = req_header(r, "Content-Type");
	const char *parent = parent_of(r->arena, res->name);
	int rc;
	if (need(r, res, CAL_ROLE_EDITOR))
		return E_FORBIDDEN;
	if (is_dir(res->name) || (res->exists && !res->file.body))
		return dav_reply_error(r, 405, NULL, NULL, "a collection has no body to PUT"), E_FORBIDDEN;
	if (!dir_exists(r, db, &res->cal, parent)) {
		/* a '/' in an event's name (x%2Fy.ics arrives as x/y.ics) */
		if (ctype && !strncasecmp(ctype, "text/calendar", 13))
			return dav_reply_error(r, 403, CONVENE_NS, "valid-resource-name",
					       "an event's name is 1 to 255 bytes, without '/' or control characters"),
			       E_FORBIDDEN;
		return dav_reply_error(r, 409, NULL, NULL, "the collection %s does not exist", parent), E_CONFLICT;
	}
	if (r->body.len > FILE_MAX || (r->body.len && memchr(r->body.data, 0, r->body.len)))
		return dav_reply_error(r, 507, CONVENE_NS, "quota",
				       "a plain resource is text of at most %d KiB without NUL bytes", FILE_MAX >> 10),
		       E_TOOLARGE;
	if ((rc = if_match_fails(r, res)) || (rc = quota(r, db, &res->cal, r->body.len)))
		return rc;
	struct dav_file f = {.path = res->name,
			     .body = r->body.data ? r->body.data : "",
			     .len = r->body.len,
			     .content_type = ctype ? ctype : "",
			     .etag = new_etag(r->arena),
			     .updated_at = clock_now()};
	if ((rc = store_dav_file_put(db, res->cal.account_id, res->cal.id, &f)) || (rc = store_commit(db)))
		return rc;
	resp_header(r, "ETag", arena_printf(r->arena, "\"%s\"", f.etag));
	return resp_empty(r, res->exists ? 204 : 201);
}

static int del(struct req *r, struct db *db, const struct dav_res *res)
{
	int rc;
	if (!res->exists)
		return dav_resource_not_found(r);
	if ((rc = need(r, res, CAL_ROLE_EDITOR)) || (rc = if_match_fails(r, res)) ||
	    (rc = store_dav_file_delete(db, res->cal.account_id, res->cal.id, res->file.path, !res->file.body)) ||
	    (rc = store_commit(db)))
		return rc;
	return resp_empty(r, 204);
}

static int mkcol(struct req *r, struct db *db, const struct dav_res *res)
{
	int rc;
	if (!strcmp(r->method, "MKCALENDAR"))
		return dav_reply_error(r, 403, CALDAV_NS, "calendar-collection-location-ok",
				       "a calendar collection is not made inside another one"),
		       E_FORBIDDEN;
	if (r->body.len) {
		xmlDocPtr doc = NULL;
		char why[256];
		int calendar = 0;
		if (!dav_xml_parse(r->body.data, r->body.len, &doc, why, sizeof why) && doc) {
			xmlNode *root = xmlDocGetRootElement(doc);
			calendar = dav_xml_is(root, DAV_NS, "mkcol");
			xmlFreeDoc(doc);
		}
		if (calendar)
			return dav_reply_error(
				       r, 403, CALDAV_NS, "calendar-collection-location-ok",
				       "only plain collections are made inside a calendar (MKCOL without a body)"),
			       E_FORBIDDEN;
		return dav_reply_error(r, 415, NULL, NULL, "MKCOL takes no body here"), E_INVALID;
	}
	if (need(r, res, CAL_ROLE_EDITOR))
		return E_FORBIDDEN;
	if (res->exists)
		return dav_reply_error(r, 405, NULL, NULL, "something exists at this address already"), E_CONFLICT;
	const char *path = is_dir(res->name) ? res->name : arena_printf(r->arena, "%s/", res->name);
	if (!dir_exists(r, db, &res->cal, parent_of(r->arena, path)))
		return dav_reply_error(r, 409, NULL, NULL, "the parent collection does not exist"), E_CONFLICT;
	if ((rc = quota(r, db, &res->cal, 0)))
		return rc;
	struct dav_file f = {.path = path, .content_type = "", .etag = new_etag(r->arena), .updated_at = clock_now()};
	if ((rc = store_dav_file_put(db, res->cal.account_id, res->cal.id, &f)) || (rc = store_commit(db)))
		return rc;
	return resp_empty(r, 201);
}

static int propfind(struct req *r, struct db *db, struct dav_res *res)
{
	const char *depth = req_header(r, "Depth");
	int d = !depth ? -1 : !strcmp(depth, "0") ? 0 : !strcmp(depth, "1") ? 1 : -1;
	struct dav_proplist want;
	int rc;
	if (d < 0)
		return dav_reply_error(r, 403, DAV_NS, "propfind-finite-depth",
				       "Depth is 0 or 1 here (infinity is not served)");
	if (!res->exists)
		return dav_resource_not_found(r);
	if ((rc = dav_propfind_body(r, &want)) || (rc = need(r, res, CAL_ROLE_VIEWER)) ||
	    (rc = dav_dead_load(r, db, res)))
		return rc;
	struct buf b = {0};
	dav_ms_begin(&b);
	rc = dav_props_response(r, res, &want, &b);
	struct dav_file *m = NULL;
	int n = 0;
	if (!rc && d == 1 && !res->file.body)
		rc = store_dav_file_members(db, r->arena, res->cal.account_id, res->cal.id, res->file.path, &m, &n);
	const char *cal_href = dav_href_calendar(r->arena, r->who.user_id, res->segment);
	for (int i = 0; i < n && !rc; i++) {
		struct dav_res mr = *res;
		mr.file = m[i];
		mr.name = m[i].path;
		mr.href = dav_href_file(r->arena, cal_href, m[i].path);
		mr.dead = NULL, mr.ndead = 0;
		if (!(rc = dav_dead_load(r, db, &mr)))
			rc = dav_props_response(r, &mr, &want, &b);
	}
	if (!rc && !dav_ms_end(&b))
		return dav_reply_multistatus(r, &b);
	buf_free(&b);
	return rc ? rc : E_NOMEM;
}

/* COPY and MOVE (RFC 4918 sections 9.8, 9.9) to a plain path in one of the
 * caller's calendars where they are an editor, with the dead properties */
static int copy_move(struct req *r, struct db *db, const struct dav_res *src)
{
	int move = !strcmp(r->method, "MOVE"), rc;
	const char *dest = req_header(r, "Destination"), *ow = req_header(r, "Overwrite");
	const char *depth = req_header(r, "Depth");
	int overwrite = !ow || strcasecmp(ow, "F");
	if (!src->exists)
		return dav_resource_not_found(r);
	if (!dest)
		return resp_problem(r, 400, "destination-required", "MOVE and COPY need a Destination header"),
		       E_INVALID;
	int dir = !src->file.body;
	int tree = dir && (!depth || !strcasecmp(depth, "infinity"));
	if (depth && strcmp(depth, "0") && strcasecmp(depth, "infinity"))
		return dav_reply_error(r, 400, NULL, NULL, "Depth is 0 or infinity"), E_INVALID;
	if (move && dir && !tree)
		return dav_reply_error(r, 400, NULL, NULL, "a collection moves with Depth: infinity"), E_INVALID;
	struct dav_path dp;
	struct dav_res dst;
	if (dav_path_from_href(r->arena, dest, &dp) || (dp.kind != DAV_FILE && dp.kind != DAV_OBJECT) ||
	    strcmp(dp.user_id, r->who.user_id))
		return dav_reply_error(r, 403, CONVENE_NS, "destination",
				       "the Destination is an address inside a collection of one of your calendars"),
		       E_FORBIDDEN;
	if (dp.kind == DAV_OBJECT && !dir)
		return dav_reply_error(r, 403, CALDAV_NS, "supported-calendar-data",
				       "a calendar collection holds calendar data only"),
		       E_FORBIDDEN;
	if (dp.kind == DAV_OBJECT)
		dp.kind = DAV_FILE;
	const char *to = dir && !is_dir(dp.name)   ? arena_printf(r->arena, "%s/", dp.name)
			 : !dir && is_dir(dp.name) ? arena_strndup(r->arena, dp.name, strlen(dp.name) - 1)
						   : dp.name;
	dp.name = to;
	if (!path_valid(to))
		return dav_reply_error(r, 403, CONVENE_NS, "valid-resource-name",
				       "each segment is 1 to 255 bytes without control characters"),
		       E_FORBIDDEN;
	if ((rc = need(r, src, move ? CAL_ROLE_EDITOR : CAL_ROLE_VIEWER)) || (rc = if_match_fails(r, src)))
		return rc;
	if ((rc = load(r, db, &dp, &dst)) || (rc = need(r, &dst, CAL_ROLE_EDITOR)))
		return rc;
	int same_cal = !strcmp(src->cal.id, dst.cal.id);
	if (same_cal && !strcmp(src->file.path, to))
		return dav_reply_error(r, 403, NULL, NULL, "the source and the destination are the same"), E_FORBIDDEN;
	if (same_cal && dir && !strncmp(to, src->file.path, strlen(src->file.path)))
		return dav_reply_error(r, 409, NULL, NULL, "a collection is not copied or moved into itself"),
		       E_CONFLICT;
	if (!dir_exists(r, db, &dst.cal, parent_of(r->arena, to)))
		return dav_reply_error(r, 409, NULL, NULL, "the Destination's parent collection does not exist"),
		       E_CONFLICT;
	if (dst.exists && !overwrite)
		return resp_problem(r, 412, "precondition-failed", "Overwrite: F and the destination exists"),
		       E_CONFLICT;
	if (dst.exists &&
	    (rc = store_dav_file_delete(db, dst.cal.account_id, dst.cal.id, dst.file.path, !dst.file.body)))
		return rc;
	if (!move && (rc = quota(r, db, &dst.cal, src->file.len)))
		return rc;
	if ((rc = store_dav_file_copy(db, src->cal.account_id, src->cal.id, src->file.path, dst.cal.id, to, tree, move,
				      clock_now())) ||
	    (rc = store_commit(db)))
		return rc;
	if (!dst.exists)
		resp_header(r, "Location",
			    dav_href_file(r->arena, dav_href_calendar(r->arena, r->who.user_id, dst.segment), to));
	return resp_empty(r, dst.exists ? 204 : 201);
}

int dav_file_method(struct req *r, struct db *db, const struct dav_path *p)
{
	struct dav_res res;
	int write = strcmp(r->method, "GET") && strcmp(r->method, "HEAD") && strcmp(r->method, "PROPFIND");
	int rc;
	if ((rc = store_begin(db, write)))
		return rc;
	if ((rc = load(r, db, p, &res)))
		goto out;
	if (!path_valid(p->name)) {
		rc = (dav_reply_error(r, 403, CONVENE_NS, "valid-resource-name",
				      "each segment is 1 to 255 bytes without control characters"),
		      E_FORBIDDEN);
		goto out;
	}
	if (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD"))
		rc = get(r, &res);
	else if (!strcmp(r->method, "PUT"))
		rc = put(r, db, &res);
	else if (!strcmp(r->method, "DELETE"))
		rc = del(r, db, &res);
	else if (!strcmp(r->method, "MKCOL") || !strcmp(r->method, "MKCALENDAR"))
		rc = mkcol(r, db, &res);
	else if (!strcmp(r->method, "PROPFIND"))
		rc = propfind(r, db, &res);
	else if (!strcmp(r->method, "COPY") || !strcmp(r->method, "MOVE"))
		rc = copy_move(r, db, &res);
	else
		rc = (dav_reply_error(r, 403, NULL, NULL, "reports are served on calendar collections"), E_FORBIDDEN);
out:
	store_rollback(db);
	return rc;
}
