/* Feeds are served from the feed cache (calendar/feed_cache.h): the ETag is
 * derived from the calendar's version, the detail and the window's day, so a
 * matching If-None-Match is answered 304 before anything is assembled. The
 * window is the calendar's feed_days_back/ahead around today (UTC days), so
 * a feed moves forward once a day even when nothing changes. */
#include "calendar/feeds.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "calendar/access.h"
#include "calendar/assemble.h"
#include "calendar/feed_cache.h"
#include "calendar/feed_counts.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "http/jsonin.h"
#include "http/response.h"
#include "api/audit.h"
#include "api/tx.h"

#define DAY 86400

static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

static void cache_configure(void)
{
	feed_cache_limit(config_current()->feed_cache);
}

static void http_date(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, n, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* does If-None-Match name etag (a list, possibly weak, or "*")? */
static int etag_matches(const char *inm, const char *etag)
{
	if (!inm)
		return 0;
	if (strstr(inm, "*"))
		return 1;
	size_t n = strlen(etag);
	for (const char *p = strstr(inm, etag); p; p = strstr(p + 1, etag))
		if (p[n] == 0 || p[n] == ',' || p[n] == ' ')
			return 1;
	return 0;
}

static int serve(struct req *r, struct db *db, const struct calendar *c, enum assemble_detail detail)
{
	pthread_once(&cache_once, cache_configure);
	static const char letters[] = {[ASSEMBLE_FULL] = 'f', [ASSEMBLE_BUSY] = 'b', [ASSEMBLE_PUBLIC_ONLY] = 'p'};
	int64_t now = clock_now(), day = now / DAY;
	int64_t from = (day - c->feed_days_back) * DAY, to = (day + c->feed_days_ahead) * DAY;
	char variant[32], etag[80], date[40];
	snprintf(variant, sizeof variant, "%c%lld", letters[detail], (long long)day);
	snprintf(etag, sizeof etag, "\"%lld-%s\"", (long long)c->version, variant);
	resp_header(r, "ETag", etag);
	resp_header(r, "Cache-Control", "private, no-cache");
	struct feed_body *body = NULL;
	const char *data = NULL;
	size_t len = 0;
	int64_t built = 0;
	int hit = feed_cache_acquire(c->id, c->version, variant, &body, &data, &len, &built);
	if (etag_matches(req_header(r, "If-None-Match"), etag)) {
		if (hit) {
			http_date(built, date, sizeof date);
			resp_header(r, "Last-Modified", date);
			feed_cache_release(body);
		}
		return resp_empty(r, 304);
	}
	if (!hit) {
		struct buf b = {0};
		int rc = store_begin(db, 0);
		if (!rc)
			rc = calendar_assemble(db, c, from, to, detail, &b);
		store_rollback(db);
		if (rc) {
			buf_free(&b);
			return rc;
		}
		built = now;
		feed_cache_put(c->id, c->version, variant, b.data ? b.data : "", b.len, built);
		hit = feed_cache_acquire(c->id, c->version, variant, &body, &data, &len, &built);
		if (!hit) { /* not cached (no budget, or too large for it): sent from the build */
			http_date(now, date, sizeof date);
			resp_header(r, "Last-Modified", date);
			rc = resp_raw(r, 200, "text/calendar; charset=utf-8", b.data ? b.data : "", b.len);
			buf_free(&b);
			return rc;
		}
		buf_free(&b);
	}
	http_date(built, date, sizeof date);
	resp_header(r, "Last-Modified", date);
	/* the cached bytes themselves, given back when sent */
	return resp_shared(r, 200, "text/calendar; charset=utf-8", data, len, feed_cache_release, body);
}

/* "NAME.ics" -> NAME in the arena, or NULL */
static char *strip_ics(struct req *r, const char *file)
{
	size_t n = file ? strlen(file) : 0;
	if (n <= 4 || strcmp(file + n - 4, ".ics"))
		return NULL;
	return arena_strndup(r->arena, file, n - 4);
}

static int private_feed(struct req *r)
{
	if (!r->authenticated) {
		resp_header(r, "WWW-Authenticate", "Basic realm=\"convene\", charset=\"UTF-8\"");
		return resp_problem(r, 401, "unauthenticated",
				    req_header(r, "Authorization")
					    ? "the credentials are invalid, or the login is locked for a while"
					    : "sign in with your e-mail address and password (HTTP Basic)");
	}
	if (r->who.must_change_password)
		return resp_problem(r, 403, "password-change-required",
				    "change your password first (POST /api/v1/me/password)");
	struct db *db = store_db();
	if (!db)
		return E_DB;
	const char *id = strip_ics(r, req_param(r, "file"));
	int rc, role;
	struct calendar c;
	if ((rc = calendar_load(r, db, id ? id : "", CAL_ROLE_FREEBUSY, &c, &role)))
		return rc;
	return serve(r, db, &c,
		     role >= CAL_ROLE_EDITOR   ? ASSEMBLE_FULL
		     : role == CAL_ROLE_VIEWER ? ASSEMBLE_PUBLIC_ONLY
					       : ASSEMBLE_BUSY);
}

static int public_feed(struct req *r)
{
	struct db *db = store_db();
	if (!db)
		return E_DB;
	const char *secret = strip_ics(r, req_param(r, "file"));
	struct public_feed f;
	struct calendar c;
	int rc = E_NOTFOUND;
	if (secret && strlen(secret) == SECRET_MAX - 5) {
		char hash[HASH_HEX_MAX];
		ids_hash(secret, hash);
		rc = store_public_feed_by_hash(db, hash, &f);
		if (!rc)
			rc = store_calendar_get(db, f.account_id, f.calendar_id, &c);
	}
	if (rc == E_NOTFOUND)
		return resp_problem(r, 404, "not-found",
				    "no feed at this address (it may have been rotated or revoked)");
	if (rc)
		return rc;
	/* counted in memory, written every few seconds (calendar/feed_counts.h) */
	feed_counts_hit(f.account_id, f.calendar_id, clock_now());
	feed_counts_flush(db, clock_now(), 0);
	return serve(r, db, &c, strcmp(f.detail, "full") ? ASSEMBLE_BUSY : ASSEMBLE_PUBLIC_ONLY);
}

/* ---------------------------------------------------------------- the public feed's settings */

static json_t *feed_json(const struct public_feed *f, const char *secret);

void feeds_public_share_id(const char *calendar_id, char out[ID_MAX])
{
	snprintf(out, ID_MAX, "pub_%s", calendar_id + 4);
}

json_t *feeds_public_json(const struct public_feed *f)
{
	return feed_json(f, NULL);
}

static json_t *feed_json(const struct public_feed *f, const char *secret)
{
	char created[32], rotated[32], fetched[32];
	clock_iso(f->created_at, created, sizeof created);
	json_t *o = json_pack("{s:s, s:s, s:s, s:I}", "calendar_id", f->calendar_id, "detail", f->detail, "created_at",
			      created, "fetch_count", (json_int_t)f->fetch_count);
	if (f->rotated_at)
		clock_iso(f->rotated_at, rotated, sizeof rotated);
	json_object_set_new(o, "rotated_at", f->rotated_at ? json_string(rotated) : json_null());
	if (f->last_fetched_at)
		clock_iso(f->last_fetched_at, fetched, sizeof fetched);
	json_object_set_new(o, "last_fetched_at", f->last_fetched_at ? json_string(fetched) : json_null());
	/* as a share (issue 3 section 7): its id names the calendar */
	char sid[ID_MAX];
	feeds_public_share_id(f->calendar_id, sid);
	json_object_set_new(o, "id", json_string(sid));
	json_object_set_new(o, "kind", json_string("public"));
	json_object_set_new(o, "role", json_string(strcmp(f->detail, "full") ? "freebusy" : "viewer"));
	/* the address holds the secret: shown once, when it is made */
	json_object_set_new(o, "url", json_null());
	json_object_set_new(o, "feed_url", json_null());
	if (secret) {
		char url[700];
		snprintf(url, sizeof url, "%s/feeds/public/%s.ics", config_current()->public_url, secret);
		json_object_set_new(o, "url", json_string(url));
		json_object_set_new(o, "feed_url", json_string(url));
	}
	return o;
}

static int read_detail(struct req *r, const char **detail)
{
	static const char *const allowed[] = {"detail", NULL};
	json_t *in;
	int rc;
	if ((rc = jin_object(r, &in, allowed)) || (rc = jin_string(r, in, "detail", JIN_OPTIONAL, 8, detail)))
		return rc;
	if (*detail && strcmp(*detail, "full") && strcmp(*detail, "busy"))
		return resp_field_error(r, "detail", "detail is 'full' or 'busy'"), E_INVALID;
	return 0;
}

int feeds_public_put(struct req *r)
{
	const char *detail = NULL;
	int rc = read_detail(r, &detail);
	return rc ? rc : feeds_public_set(r, detail, 0);
}

int feeds_public_set(struct req *r, const char *detail, int only_new)
{
	int rc;
	struct calendar c;
	struct public_feed f = {0};
	char secret[SECRET_MAX] = "";
	int created = 0;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = calendar_load(r, db, req_param(r, "id"), CAL_ROLE_MANAGER, &c, NULL)))
		goto fail;
	rc = store_public_feed_get(db, c.account_id, c.id, &f);
	if (!rc && only_new) {
		resp_problem(r, 409, "share-exists",
			     "the calendar already has a public address: rotate it, or change its detail");
		rc = E_CONFLICT;
		goto fail;
	}
	if (rc == E_NOTFOUND) {
		created = 1;
		memcpy(f.account_id, c.account_id, sizeof f.account_id);
		memcpy(f.calendar_id, c.id, sizeof f.calendar_id);
		snprintf(f.detail, sizeof f.detail, "%s", detail ? detail : "busy");
		snprintf(f.created_by, sizeof f.created_by, "%s", r->who.user_id);
		f.created_at = clock_now();
		ids_secret(secret);
		ids_hash(secret, f.secret_hash);
		rc = store_public_feed_put(db, &f);
	} else if (!rc && detail) {
		snprintf(f.detail, sizeof f.detail, "%s", detail);
		rc = store_public_feed_detail(db, c.account_id, c.id, detail);
	}
	if (rc || (rc = audit_record(r, db, created ? "public_feed.create" : "public_feed.update", "calendar", c.id,
				     c.name, NULL, json_pack("{s:s}", "detail", f.detail))))
		goto fail;
	return api_commit_json(r, db, created ? 201 : 200, feed_json(&f, created ? secret : NULL));
fail:
	return api_abort(db, rc);
}

/* loads the calendar (manager) and its public feed: 404 when it has none */
static int load_feed(struct req *r, struct db *db, struct calendar *c, struct public_feed *f)
{
	int rc = calendar_load(r, db, req_param(r, "id"), CAL_ROLE_MANAGER, c, NULL);
	if (rc)
		return rc;
	rc = store_public_feed_get(db, c->account_id, c->id, f);
	if (rc == E_NOTFOUND)
		resp_problem(r, 404, "not-found", "this calendar has no public feed");
	return rc;
}

static int feed_show(struct req *r)
{
	struct db *db = store_db();
	if (!db)
		return E_DB;
	feed_counts_flush(db, clock_now(), 1); /* this node's counts are exact */
	struct calendar c;
	struct public_feed f;
	int rc = load_feed(r, db, &c, &f);
	return rc ? rc : resp_json(r, 200, feed_json(&f, NULL));
}

int feeds_public_rotate(struct req *r)
{
	struct calendar c;
	struct public_feed f;
	char secret[SECRET_MAX];
	int rc;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = load_feed(r, db, &c, &f)))
		goto fail;
	ids_secret(secret);
	ids_hash(secret, f.secret_hash);
	f.rotated_at = clock_now();
	if ((rc = store_public_feed_rotate(db, c.account_id, c.id, f.secret_hash, f.rotated_at)) ||
	    (rc = audit_record(r, db, "public_feed.rotate", "calendar", c.id, c.name, NULL, NULL)))
		goto fail;
	return api_commit_json(r, db, 200, feed_json(&f, secret));
fail:
	return api_abort(db, rc);
}

int feeds_public_delete(struct req *r)
{
	struct calendar c;
	struct public_feed f;
	int rc;
	struct db *db;
	if ((rc = api_begin(&db, 1)))
		return rc;
	if ((rc = load_feed(r, db, &c, &f)) || (rc = store_public_feed_delete(db, c.account_id, c.id)) ||
	    (rc = audit_record(r, db, "public_feed.delete", "calendar", c.id, c.name,
			       json_pack("{s:s}", "detail", f.detail), NULL)))
		goto fail;
	return api_commit_empty(r, db, 204);
fail:
	return api_abort(db, rc);
}

const struct route feeds_routes[] = {
	{"GET", "/feeds/private/{file}", private_feed, ROUTE_PUBLIC},
	{"GET", "/feeds/calendars/{file}", private_feed, ROUTE_PUBLIC},
	{"GET", "/feeds/public/{file}", public_feed, ROUTE_PUBLIC | ROUTE_SECRET_PARAMS},
	{"GET", "/api/v1/calendars/{id}/public-feed", feed_show, 0},
	{"PUT", "/api/v1/calendars/{id}/public-feed", feeds_public_put, 0},
	{"POST", "/api/v1/calendars/{id}/public-feed/rotate", feeds_public_rotate, 0},
	{"DELETE", "/api/v1/calendars/{id}/public-feed", feeds_public_delete, 0},
	{0},
};
