/* The public view of a portal: what the page needs (presentation, language,
 * business hours, whether it is open) and a stream that tells the page when
 * it opens or closes. The stream listens on "support_staff:<account>", which
 * changes with technicians' presence and load (support sessions) and with the
 * portals (PATCH); business hours open and close by the clock, so a ticker
 * re-renders the streams of each account with open streams at every minute
 * boundary (hours are in minutes): one render per stream a minute at most,
 * and an event only when {open, offline_policy} changed. */
#include "support/portal_public.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/errors.h"
#include "http/response.h"
#include "http/sse.h"
#include "store/store.h"
#include "support/portal_open.h"
#include "support/portal_slug.h"

#define KIDS_MAX 50     /* sub-portals listed (support/portals.h allows as many) */
#define WATCHED_MAX 256 /* accounts the ticker knows; past it, it re-renders every stream */

static int find(struct req *r, struct db *db, const char *slug, struct portal *p, int *old)
{
	int rc = portal_slug_valid(slug) ? store_portal_by_slug(db, slug, p, old) : E_NOTFOUND;
	if (rc == E_NOTFOUND)
		resp_problem(r, 404, "not-found", "there is no portal at this address");
	return rc;
}

static int redirect(struct req *r, const char *prefix, const char *slug, const char *suffix)
{
	char loc[256];
	snprintf(loc, sizeof loc, "%s%s%s", prefix, slug, suffix);
	resp_header(r, "Location", loc);
	resp_header(r, "Cache-Control", "no-cache");
	return resp_empty(r, 308);
}

static int show(struct req *r)
{
	struct db *db = store_db();
	struct portal p = {0}, *kids = arena_alloc(r->arena, sizeof(struct portal) * KIDS_MAX);
	int old = 0, n = 0, open = 0, rc;
	int64_t next = 0;
	json_t *hours = NULL, *tz = NULL, *lang = NULL;
	if (!db)
		return E_DB;
	if ((rc = find(r, db, req_param(r, "slug"), &p, &old)))
		return rc;
	if (old) {
		rc = redirect(r, "/api/v1/public/portals/", p.slug, "");
		goto out;
	}
	if ((rc = portal_setting(db, &p, "business_hours", &hours)) ||
	    (rc = portal_setting(db, &p, "time_zone", &tz)) || (rc = portal_setting(db, &p, "language", &lang)) ||
	    (rc = portal_open_now(db, &p, time(NULL), &open, &next)))
		goto out;
	if (!p.parent_id[0] && (rc = store_portal_children(db, p.account_id, p.id, kids, KIDS_MAX, &n)))
		goto out;
	json_t *subs = json_array();
	for (int i = 0; i < n; i++) {
		json_array_append_new(subs, json_pack("{s:s, s:s}", "slug", kids[i].slug, "title", kids[i].title));
		store_portal_free(&kids[i]);
	}
	char next_iso[32];
	clock_iso(next, next_iso, sizeof next_iso);
	json_t *out =
		json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:s, s:s, s:b, s:O, s:O, s:s, s:o}", "slug", p.slug, "title",
			  p.title, "welcome", p.welcome, "logo", p.logo ? p.logo : "", "accent", p.accent, "language",
			  lang, "customer_auth", p.customer_auth, "offline_policy", p.offline_policy, "open", open,
			  "business_hours", hours, "time_zone", tz, "next_change", next_iso, "sub_portals", subs);
	json_object_update_new(out,
			       json_pack("{s:s, s:s}", "greeting", p.greeting, "offline_message", p.offline_message));
	resp_header(r, "Cache-Control", "no-store");
	rc = resp_json(r, 200, out);
out:
	json_decref(hours);
	json_decref(tz);
	json_decref(lang);
	store_portal_free(&p);
	return rc;
}

/* --- the accounts with open streams, for the ticker --- */

static pthread_mutex_t watched_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	char account_id[ID_MAX];
	int streams;
} watched[WATCHED_MAX];
static int overflow; /* streams not in the table */
static pthread_once_t ticker_once = PTHREAD_ONCE_INIT;

static void *ticker(void *arg)
{
	(void)arg;
	for (;;) {
		time_t now = time(NULL);
		sleep((unsigned)(60 - now % 60) + 1); /* just past the minute */
		char(*ids)[ID_MAX] = malloc(sizeof(*ids) * WATCHED_MAX);
		int n = 0, all;
		if (!ids)
			continue;
		pthread_mutex_lock(&watched_lock);
		for (int i = 0; i < WATCHED_MAX; i++)
			if (watched[i].streams)
				memcpy(ids[n++], watched[i].account_id, ID_MAX);
		all = overflow > 0;
		pthread_mutex_unlock(&watched_lock);
		for (int i = 0; i < n && !all; i++) {
			char topic[64];
			snprintf(topic, sizeof topic, "support_staff:%s", ids[i]);
			sse_notify(topic);
		}
		if (all)
			sse_notify("*");
		free(ids);
	}
	return NULL;
}

static void ticker_start(void)
{
	pthread_t t;
	if (!pthread_create(&t, NULL, ticker, NULL))
		pthread_detach(t);
}

static void watch(const char *account_id, int delta)
{
	pthread_mutex_lock(&watched_lock);
	int at = -1, empty = -1;
	for (int i = 0; i < WATCHED_MAX && at < 0; i++) {
		if (watched[i].streams && !strcmp(watched[i].account_id, account_id))
			at = i;
		else if (!watched[i].streams && empty < 0)
			empty = i;
	}
	if (at < 0 && delta > 0 && empty >= 0) {
		at = empty;
		memcpy(watched[at].account_id, account_id, ID_MAX);
	}
	if (at >= 0)
		watched[at].streams += delta;
	else
		overflow += delta;
	pthread_mutex_unlock(&watched_lock);
}

struct stream_ctx {
	char account_id[ID_MAX];
	char portal_id[ID_MAX];
};

static void stream_free(void *ctx)
{
	struct stream_ctx *s = ctx;
	watch(s->account_id, -1);
	free(s);
}

static int render(void *ctx, struct buf *data, char id[SSE_ID_MAX])
{
	struct stream_ctx *s = ctx;
	struct db *db = store_db();
	struct portal p = {0};
	int open = 0;
	int64_t next = 0;
	if (!db)
		return E_BUSY;
	int rc = store_portal_get(db, s->account_id, s->portal_id, &p);
	if (!rc)
		rc = portal_open_now(db, &p, time(NULL), &open, &next);
	if (!rc) {
		snprintf(id, SSE_ID_MAX, "%d.%s", open, p.offline_policy);
		rc = buf_printf(data, "{\"open\":%s,\"offline_policy\":\"%s\"}", open ? "true" : "false",
				p.offline_policy);
	}
	store_portal_free(&p);
	return rc;
}

static int stream(struct req *r)
{
	struct db *db = store_db();
	struct portal p = {0};
	int old = 0, rc;
	if (!db)
		return E_DB;
	if ((rc = find(r, db, req_param(r, "slug"), &p, &old)))
		return rc;
	if (old) {
		rc = redirect(r, "/api/v1/public/portals/", p.slug, "/stream");
		store_portal_free(&p);
		return rc;
	}
	struct stream_ctx *s = calloc(1, sizeof *s);
	if (!s) {
		store_portal_free(&p);
		return E_NOMEM;
	}
	memcpy(s->account_id, p.account_id, ID_MAX);
	memcpy(s->portal_id, p.id, ID_MAX);
	store_portal_free(&p);
	pthread_once(&ticker_once, ticker_start);
	watch(s->account_id, 1);
	char topic[64];
	snprintf(topic, sizeof topic, "support_staff:%s", s->account_id);
	return sse_start(r, topic, "portal", render, s, stream_free);
}

int portal_public_page(struct req *r)
{
	const char *slug = r->path + strlen("/portal/");
	if (strncmp(r->path, "/portal/", 8) || !portal_slug_valid(slug))
		return E_NOTFOUND;
	struct db *db = store_db();
	struct portal p = {0};
	int old = 0;
	if (!db || store_portal_by_slug(db, slug, &p, &old) || !old) {
		store_portal_free(&p);
		return E_NOTFOUND;
	}
	redirect(r, "/portal/", p.slug, "");
	store_portal_free(&p);
	return 0;
}

const struct route portal_public_routes[] = {
	{"GET", "/api/v1/public/portals/{slug}", show, ROUTE_PUBLIC},
	{"GET", "/api/v1/public/portals/{slug}/stream", stream, ROUTE_PUBLIC},
	{0},
};
