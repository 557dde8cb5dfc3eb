/* Reports of the portals (issue 17): per portal, team, technician or day of
 * a period (days of the account's time zone), the sessions, missed chats,
 * offline requests and those answered within a day, wait and handle times;
 * as JSON or CSV. Admins see every portal; managers holding the right
 * `reports` the portals of their companies they manage or that a team they
 * manage serves. POST .../reports/reset starts a portal's figures afresh. */
#include "support/reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/csv.h"
#include "core/errors.h"
#include "http/response.h"
#include "api/access.h"
#include "api/audit.h"
#include "api/tx.h"
#include "ical/ics.h"
#include "store/support_reports.h"
#include "support/portal_open.h"
#include "support/portals.h"

#define PERIOD_DAYS_MAX 366
#define PERIOD_DAYS_DEFAULT 30
#define SESSIONS_MAX 100000 /* one report reads at most this many sessions */
#define ANSWER_WITHIN_S 86400

enum group { BY_PORTAL, BY_TEAM, BY_TECHNICIAN, BY_DAY };
static const char *const group_names[] = {"portal", "team", "technician", "day", NULL};

/* a growable list of durations, for percentiles */
struct durations {
	int64_t *v;
	size_t n, cap;
};

struct figures {
	char key[ID_MAX]; /* the portal's, team's or technician's id ("" none), or the date */
	char name[256];
	char company_id[ID_MAX];
	int64_t sessions, missed, offline, answered_in_day, handle_sum;
	struct durations wait, handle;
};

struct tally {
	enum group by;
	char tz[64];
	struct figures *rows;
	size_t n, cap;
	struct figures total;
};

/* days since 1970-01-01 of a civil date (Howard Hinnant's algorithm) */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, char out[11])
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp + (mp < 10 ? 3 : -9);
	snprintf(out, 11, "%04d-%02d-%02d", (int)(y + (m <= 2)), (int)m, (int)d);
}

/* "YYYY-MM-DD", a real date: its day number */
static int parse_date(const char *s, int64_t *day)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return E_INVALID;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return E_INVALID;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return E_INVALID;
	*day = days_from_civil(y, m, d);
	char back[11];
	civil_from_days(*day, back);
	return strcmp(back, s) ? E_INVALID : 0; /* 2026-02-30 is not a date */
}

/* the UTC instant the local day begins */
static int day_start(const char *tz, int64_t day, int64_t *t)
{
	char local[24];
	civil_from_days(day, local);
	strcat(local, "T00:00:00");
	return ics_local_to_utc(tz, local, t);
}

static int64_t local_day(const char *tz, int64_t t)
{
	char local[32];
	int64_t day = 0;
	ics_utc_to_local(tz, t, local, sizeof local);
	local[10] = 0;
	return parse_date(local, &day) ? t / 86400 : day;
}

static int push(struct durations *d, int64_t v)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		int64_t *n = realloc(d->v, cap * sizeof *n);
		if (!n)
			return E_NOMEM;
		d->v = n, d->cap = cap;
	}
	d->v[d->n++] = v;
	return 0;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* nearest rank: the smallest value with at least pct% of them at or below it */
static json_t *percentile(struct durations *d, int pct)
{
	if (!d->n)
		return json_null();
	size_t rank = (d->n * (size_t)pct + 99) / 100;
	return json_integer(d->v[rank ? rank - 1 : 0]);
}

static int add(struct figures *f, const struct support_report_session *s)
{
	f->sessions++;
	if (s->offline_request) {
		f->offline++;
		if (s->answered_at && s->answered_at - s->created_at <= ANSWER_WITHIN_S)
			f->answered_in_day++;
	} else if (!s->picked_up_at && !strcmp(s->state, "closed")) {
		f->missed++;
	}
	int rc = 0;
	if (!s->offline_request && s->picked_up_at)
		rc = push(&f->wait, s->picked_up_at - s->created_at);
	if (!rc && s->picked_up_at && s->closed_at) {
		f->handle_sum += s->closed_at - s->picked_up_at;
		rc = push(&f->handle, s->closed_at - s->picked_up_at);
	}
	return rc;
}

static struct figures *row_for(struct tally *t, const char *key)
{
	for (size_t i = t->n; i-- > 0;) /* newest first: days and bursts come together */
		if (!strcmp(t->rows[i].key, key))
			return &t->rows[i];
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct figures *n = realloc(t->rows, cap * sizeof *n);
		if (!n)
			return NULL;
		t->rows = n, t->cap = cap;
	}
	struct figures *f = &t->rows[t->n++];
	memset(f, 0, sizeof *f);
	snprintf(f->key, sizeof f->key, "%s", key);
	return f;
}

static int count(void *ctx, const struct support_report_session *s)
{
	struct tally *t = ctx;
	char day[11];
	const char *key = "", *name = "";
	switch (t->by) {
	case BY_PORTAL:
		key = s->portal_id, name = s->portal_title;
		break;
	case BY_TEAM:
		key = s->team_id, name = s->team_name;
		break;
	case BY_TECHNICIAN:
		key = s->technician_id, name = s->technician_name;
		break;
	case BY_DAY:
		civil_from_days(local_day(t->tz, s->created_at), day);
		key = name = day;
		break;
	}
	struct figures *f = row_for(t, key);
	if (!f)
		return E_NOMEM;
	if (!f->name[0])
		snprintf(f->name, sizeof f->name, "%s", name);
	if (t->by == BY_PORTAL)
		snprintf(f->company_id, sizeof f->company_id, "%s", s->company_id);
	int rc = add(f, s);
	return rc ? rc : add(&t->total, s);
}

static void figures_free(struct figures *f)
{
	free(f->wait.v);
	free(f->handle.v);
}

static json_t *figures_json(struct figures *f)
{
	if (f->wait.n) /* qsort wants a real pointer, even for nothing */
		qsort(f->wait.v, f->wait.n, sizeof(int64_t), cmp64);
	if (f->handle.n)
		qsort(f->handle.v, f->handle.n, sizeof(int64_t), cmp64);
	int64_t nh = (int64_t)f->handle.n;
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o}", "sessions", (json_int_t)f->sessions, "missed",
			 (json_int_t)f->missed, "offline_requests", (json_int_t)f->offline, "answered_within_day",
			 (json_int_t)f->answered_in_day, "picked_up", (json_int_t)f->wait.n, "wait_p50_s",
			 percentile(&f->wait, 50), "wait_p90_s", percentile(&f->wait, 90), "handle_mean_s",
			 nh ? json_integer((f->handle_sum + nh / 2) / nh) : json_null(), "handle_p50_s",
			 percentile(&f->handle, 50));
}

static int by_name(const void *a, const void *b)
{
	const struct figures *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->key, y->key);
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct figures *)a)->key, ((const struct figures *)b)->key);
}

/* the portals a manager's reports cover: of their companies (or assigned to
 * them), that they manage or a team they manage serves, where `reports` is
 * theirs; ids into out (SUPPORT_REPORT_PORTALS_MAX) */
static int manager_portals(struct req *r, struct db *db, char (*out)[ID_MAX], int *n)
{
	enum { TEAMS_MAX = 500, PAGE = 100 };
	struct team *teams = arena_alloc(r->arena, sizeof(struct team) * TEAMS_MAX);
	struct portal *page = arena_alloc(r->arena, sizeof(struct portal) * PAGE);
	char serving[PORTAL_TEAMS_MAX][ID_MAX];
	int nteams = 0, rc;
	*n = 0;
	if ((rc = store_team_managed_list(db, r->who.account_id, r->who.user_id, teams, TEAMS_MAX, &nteams)))
		return rc;
	char after[ID_MAX] = "";
	for (;;) {
		struct portal_filter f = {.after_id = after, .seen_by = r->who.user_id, .limit = PAGE};
		int np = 0;
		if ((rc = store_portal_list(db, r->who.account_id, &f, page, PAGE, &np)))
			return rc;
		for (int i = 0; i < np && !rc; i++) {
			struct portal *p = &page[i];
			int mine = 0, ns = 0;
			if ((rc = store_portal_managed_by(db, p->account_id, p->id, r->who.user_id, &mine)) ||
			    (!mine && (rc = portals_serving_teams(db, p, serving, &ns))))
				break;
			for (int k = 0; k < ns && !mine; k++)
				for (int j = 0; j < nteams && !mine; j++)
					mine = !strcmp(serving[k], teams[j].id);
			if (mine &&
			    (rc = portals_holds_right(db, r->who.account_id, p, r->who.user_id, r->who.role,
						      "reports")) == 1 &&
			    *n < SUPPORT_REPORT_PORTALS_MAX)
				snprintf(out[(*n)++], ID_MAX, "%s", p->id);
			rc = rc < 0 ? rc : 0;
		}
		if (!rc && np == PAGE)
			snprintf(after, sizeof after, "%s", page[PAGE - 1].id);
		for (int i = 0; i < np; i++)
			store_portal_free(&page[i]);
		if (rc || np < PAGE)
			return rc;
	}
}

static int bad_query(struct req *r, const char *field, const char *detail)
{
	return resp_problem_ext(r, 400, "invalid-query", detail, json_pack("{s:s}", "field", field));
}

static const char *const csv_header[] = {
	"key",       "name",       "sessions",   "missed",        "offline_requests", "answered_within_day",
	"picked_up", "wait_p50_s", "wait_p90_s", "handle_mean_s", "handle_p50_s",     NULL};

static int csv_number(struct buf *b, json_t *v)
{
	char n[24] = "";
	if (json_is_integer(v))
		snprintf(n, sizeof n, "%lld", (long long)json_integer_value(v));
	return csv_field(b, n, 0);
}

static int send_csv(struct req *r, json_t *out)
{
	struct buf b = {0};
	int rc = 0;
	for (int i = 0; csv_header[i] && !rc; i++)
		rc = csv_field(&b, csv_header[i], i == 0);
	rc = rc ? rc : csv_row_end(&b);
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(out, "rows"), i, row)
	{
		json_t *key = json_object_get(row, "key");
		if (rc || (rc = csv_field(&b, json_is_string(key) ? json_string_value(key) : "", 1)) ||
		    (rc = csv_text_field(&b, json_string_value(json_object_get(row, "name")), 0)))
			break;
		for (int k = 2; csv_header[k] && !rc; k++)
			rc = csv_number(&b, json_object_get(row, csv_header[k]));
		rc = rc ? rc : csv_row_end(&b);
	}
	if (rc) {
		buf_free(&b);
		return rc;
	}
	char *disposition = arena_printf(r->arena, "attachment; filename=\"support-report-%s-%s-%s.csv\"",
					 json_string_value(json_object_get(out, "group")),
					 json_string_value(json_object_get(out, "from")),
					 json_string_value(json_object_get(out, "to")));
	resp_header(r, "Content-Disposition", disposition);
	rc = resp_raw(r, 200, "text/csv; charset=utf-8", b.data ? b.data : "", b.len);
	buf_free(&b);
	return rc;
}

static int wants_csv(struct req *r, int *csv)
{
	const char *format = req_query(r, "format"), *accept = req_header(r, "Accept");
	*csv = 0;
	if (format && strcmp(format, "json") && strcmp(format, "csv"))
		return bad_query(r, "format", "format must be json or csv"), E_INVALID;
	*csv = format ? !strcmp(format, "csv") : accept && strstr(accept, "text/csv") != NULL;
	return 0;
}

/* the query's filters, checked against what the caller sees */
static int check_filters(struct req *r, struct db *db, const char *portal_id, const char *team_id,
			 const char *company_id, char (*portals)[ID_MAX], int np, int admin)
{
	if (portal_id) {
		int found = admin;
		struct portal p;
		if (admin) {
			int rc = store_portal_get(db, r->who.account_id, portal_id, &p);
			if (rc && rc != E_NOTFOUND)
				return rc;
			found = !rc;
			if (!rc)
				store_portal_free(&p);
		}
		for (int i = 0; i < np && !found; i++)
			found = !strcmp(portals[i], portal_id);
		if (!found)
			return resp_problemf(r, 404, "not-found", "no portal '%.40s' in this account", portal_id),
			       E_NOTFOUND;
	}
	if (team_id) {
		int yes = 0, rc = store_support_team_exists(db, r->who.account_id, team_id, &yes);
		if (rc)
			return rc;
		if (!yes)
			return resp_problemf(r, 404, "not-found", "no team '%.40s' in this account", team_id),
			       E_NOTFOUND;
	}
	if (company_id) {
		struct company c;
		int rc = store_company_get(db, r->who.account_id, company_id, &c);
		if (!rc)
			rc = access_company_sees(r, db, (const char(*)[ID_MAX])company_id, 1);
		if (rc == E_NOTFOUND)
			return resp_problemf(r, 404, "not-found", "no company '%.40s' in this account", company_id),
			       E_NOTFOUND;
		return rc;
	}
	return 0;
}

static const char *id_query(struct req *r, const char *name, const char *prefix, const char *detail, int *bad)
{
	const char *v = req_query(r, name);
	if (!v || !*v)
		return NULL;
	if (!ids_valid(v, prefix)) {
		*bad = 1;
		bad_query(r, name, detail);
	}
	return v;
}

static int report(struct req *r)
{
	int rc, csv, group = BY_PORTAL, bad = 0;
	const char *g = req_query(r, "group");
	if (g) {
		for (group = 0; group_names[group] && strcmp(group_names[group], g); group++)
			;
		if (!group_names[group])
			return bad_query(r, "group", "group must be portal, team, technician or day");
	}
	if ((rc = wants_csv(r, &csv)))
		return rc;
	const char *portal_id = id_query(r, "portal_id", "prt", "portal_id must be a portal id", &bad);
	const char *team_id = bad ? NULL : id_query(r, "team_id", "team", "team_id must be a team id", &bad);
	const char *company_id = bad ? NULL : id_query(r, "company_id", "cmp", "company_id must be a company id", &bad);
	if (bad)
		return E_INVALID;
	const char *from_s = req_query(r, "from"), *to_s = req_query(r, "to");
	int64_t from = 0, to = 0;
	if (from_s && *from_s && parse_date(from_s, &from))
		return bad_query(r, "from", "from must be a date written YYYY-MM-DD");
	if (to_s && *to_s && parse_date(to_s, &to))
		return bad_query(r, "to", "to must be a date written YYYY-MM-DD");
	int admin = access_is(r, "admin");
	if (!admin && strcmp(r->who.role, "manager") && strcmp(r->who.role, "api_manager"))
		return resp_problem(r, 403, "forbidden", "you need the right 'reports' to see support reports");
	struct db *db;
	if ((rc = api_begin(&db, 0)))
		return rc;
	struct tally t = {.by = (enum group)group};
	char(*portals)[ID_MAX] = NULL;
	int np = 0;
	json_t *zone = NULL, *out = NULL, *rows = NULL;
	struct portal account = {0}; /* no company: the account's own settings */
	snprintf(account.account_id, sizeof account.account_id, "%s", r->who.account_id);
	if (!admin) {
		if ((rc = portals_holds_right(db, r->who.account_id, NULL, r->who.user_id, r->who.role, "reports")) !=
		    1) {
			if (!rc)
				rc = (resp_problem(r, 403, "forbidden",
						   "you need the right 'reports' to see support reports"),
				      E_FORBIDDEN);
			goto out;
		}
		portals = arena_alloc(r->arena, sizeof(*portals) * SUPPORT_REPORT_PORTALS_MAX);
		if ((rc = manager_portals(r, db, portals, &np)))
			goto out;
	}
	if ((rc = check_filters(r, db, portal_id, team_id, company_id, portals, np, admin)))
		goto out;
	rc = portal_setting(db, &account, "time_zone", &zone);
	snprintf(t.tz, sizeof t.tz, "%s", !rc && json_is_string(zone) ? json_string_value(zone) : "UTC");
	if (!ics_tz_valid(t.tz))
		snprintf(t.tz, sizeof t.tz, "UTC");
	int64_t today = local_day(t.tz, clock_now());
	if (!to_s || !*to_s)
		to = today;
	if (!from_s || !*from_s)
		from = to - (PERIOD_DAYS_DEFAULT - 1);
	if (from > to) {
		rc = (bad_query(r, "from", "from must not be after to"), E_INVALID);
		goto out;
	}
	if (to - from + 1 > PERIOD_DAYS_MAX) {
		rc = (bad_query(r, "to", "a report covers at most 366 days"), E_INVALID);
		goto out;
	}
	struct support_report_filter f = {.team_id = team_id, .company_id = company_id};
	const char *one[1] = {portal_id};
	const char **list = NULL;
	if (portal_id) {
		f.portal_ids = one, f.n_portals = 1;
	} else if (!admin) {
		list = arena_alloc(r->arena, sizeof(char *) * (size_t)(np ? np : 1));
		for (int i = 0; i < np; i++)
			list[i] = portals[i];
		f.portal_ids = list, f.n_portals = np;
	}
	if ((rc = day_start(t.tz, from, &f.from)) || (rc = day_start(t.tz, to + 1, &f.to)))
		goto out;
	rc = store_support_report_scan(db, r->who.account_id, &f, SESSIONS_MAX, count, &t);
	if (rc == E_TOOLARGE) {
		rc = (resp_problemf(r, 422, "too-many-sessions",
				    "the period holds more than %d sessions; choose a shorter one or a portal",
				    SESSIONS_MAX),
		      E_INVALID);
		goto out;
	}
	if (rc)
		goto out;
	if (t.by == BY_DAY) /* every day of the period, those without sessions too */
		for (int64_t d = from; d <= to; d++) {
			char day[11];
			civil_from_days(d, day);
			struct figures *row = row_for(&t, day);
			if (!row) {
				rc = E_NOMEM;
				goto out;
			}
			snprintf(row->name, sizeof row->name, "%s", day);
		}
	if (t.n)
		qsort(t.rows, t.n, sizeof *t.rows, t.by == BY_DAY ? by_key : by_name);
	rows = json_array();
	for (size_t i = 0; i < t.n; i++) {
		json_t *o = figures_json(&t.rows[i]);
		json_object_set_new(o, "key", t.rows[i].key[0] ? json_string(t.rows[i].key) : json_null());
		json_object_set_new(o, "name", json_string(t.rows[i].name));
		if (t.by == BY_PORTAL)
			json_object_set_new(o, "company_id", json_string(t.rows[i].company_id));
		json_array_append_new(rows, o);
	}
	char fs[11], ts[11];
	civil_from_days(from, fs);
	civil_from_days(to, ts);
	out = json_pack("{s:s, s:s, s:s, s:s, s:O, s:o}", "group", group_names[group], "from", fs, "to", ts,
			"time_zone", t.tz, "rows", rows, "totals", figures_json(&t.total));
out:
	store_rollback(db);
	json_decref(zone);
	json_decref(rows);
	for (size_t i = 0; i < t.n; i++)
		figures_free(&t.rows[i]);
	free(t.rows);
	figures_free(&t.total);
	if (rc || !out)
		return rc ? rc : E_NOMEM;
	if (csv) {
		rc = send_csv(r, out);
		json_decref(out);
		return rc;
	}
	return resp_json(r, 200, out);
}

static int reset(struct req *r)
{
	int rc;
	if ((rc = access_read_admin(r)))
		return rc;
	struct db *db;
	struct portal p = {0};
	if ((rc = portals_begin_managed(r, &db, &p)))
		return rc;
	int64_t before = 0, now = clock_now();
	char was[32], at[32];
	if ((rc = portals_require_right(r, db, &p, "reset_portal_reports")) ||
	    (rc = store_portal_reports_reset_at(db, p.account_id, p.id, &before)) ||
	    (rc = store_portal_reports_reset(db, p.account_id, p.id, now)))
		goto fail;
	clock_iso(before, was, sizeof was);
	clock_iso(now, at, sizeof at);
	json_t *old = json_pack("{s:o}", "reports_reset_at", before ? json_string(was) : json_null());
	json_t *new = json_pack("{s:s}", "reports_reset_at", at);
	if ((rc = audit_record(r, db, "portal.reports_reset", "portal", p.id, p.title, old, new)))
		goto fail;
	json_t *body = json_pack("{s:s, s:s}", "portal_id", p.id, "reports_reset_at", at);
	store_portal_free(&p);
	return api_commit_json(r, db, 200, body);
fail:
	store_portal_free(&p);
	return api_abort(db, rc);
}

const struct route support_reports_routes[] = {
	{"GET", "/api/v1/support/reports", report, 0},
	{"POST", "/api/v1/portals/{id}/reports/reset", reset, 0},
	{0},
};
