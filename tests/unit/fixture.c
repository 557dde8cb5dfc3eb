/* The unit tests' database set-up, written once (it was copied into each
 * test that needed a database). Every test gets its own directory, so tests
 * of several files may run side by side. */
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"

struct fixture fx;

int fixture_open(struct fixture *f)
{
	char url[512], err[512];
	int applied = 0;
	memset(f, 0, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/convene-unit-XXXXXX");
	if (!mkdtemp(f->dir)) {
		perror("fixture: mkdtemp");
		return -1;
	}
	/* CONVENE_UNIT_DB: a PostgreSQL database instead (scripts/pg-test.sh),
	 * for the store's own tests; its migrations may be applied already */
	const char *pg = getenv("CONVENE_UNIT_DB");
	if (pg && *pg)
		snprintf(url, sizeof url, "%s", pg);
	else
		snprintf(url, sizeof url, "sqlite:%s/t.db", f->dir);
	if (store_init(url, err, sizeof err) || !(f->db = store_db()) ||
	    store_migrate(f->db, &applied, err, sizeof err) || (applied < 1 && !(pg && *pg))) {
		fprintf(stderr, "fixture: database %s: %s\n", url, err);
		return -1;
	}
	struct account a = {0};
	ids_new("acc", a.id);
	snprintf(a.name, sizeof a.name, "Unit");
	a.created_at = clock_now();
	struct company c = {0};
	memcpy(c.account_id, a.id, sizeof a.id);
	ids_new("cmp", c.id);
	snprintf(c.name, sizeof c.name, "Default");
	c.is_default = 1;
	c.created_at = a.created_at;
	if (store_account_insert(f->db, &a) || store_company_insert(f->db, &c)) {
		fprintf(stderr, "fixture: account: %s\n", store_error(f->db));
		return -1;
	}
	memcpy(f->account_id, a.id, sizeof a.id);
	memcpy(f->company_id, c.id, sizeof c.id);
	struct user admin;
	if (fixture_user(f, "admin@unit.test", "admin", &admin))
		return -1;
	memcpy(f->admin_id, admin.id, sizeof admin.id);
	return 0;
}

int fixture_close(struct fixture *f)
{
	store_close_thread();
	f->db = NULL;
	if (!*f->dir)
		return 0;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	return system(cmd) == 0 ? 0 : -1;
}

int fixture_setup(void **state)
{
	(void)state;
	return fixture_open(&fx);
}

int fixture_teardown(void **state)
{
	(void)state;
	return fixture_close(&fx);
}

int fixture_user(struct fixture *f, const char *email, const char *role, struct user *out)
{
	struct user *u = out;
	memset(u, 0, sizeof *u);
	memcpy(u->account_id, f->account_id, sizeof u->account_id);
	ids_new("usr", u->id);
	snprintf(u->email, sizeof u->email, "%s", email);
	snprintf(u->display_name, sizeof u->display_name, "User %s", email);
	snprintf(u->role, sizeof u->role, "%s", role);
	snprintf(u->status, sizeof u->status, "active");
	u->created_at = u->updated_at = clock_now();
	if (store_user_insert(f->db, u)) {
		fprintf(stderr, "fixture: user %s: %s\n", email, store_error(f->db));
		return -1;
	}
	return 0;
}

static void calendar_fill(struct fixture *f, const char *name, const char *tz, struct calendar *c)
{
	memset(c, 0, sizeof *c);
	memcpy(c->account_id, f->account_id, sizeof c->account_id);
	ids_new("cal", c->id);
	snprintf(c->name, sizeof c->name, "%s", name);
	snprintf(c->colour, sizeof c->colour, "#6b7280");
	snprintf(c->time_zone, sizeof c->time_zone, "%s", tz);
	snprintf(c->public_detail, sizeof c->public_detail, "busy");
	c->feed_days_back = 90;
	c->feed_days_ahead = 730;
	c->version = 1;
	c->created_at = c->updated_at = clock_now();
}

int fixture_calendar(struct fixture *f, const char *owner_id, const char *tz, struct calendar *out)
{
	calendar_fill(f, "Calendar", tz, out);
	snprintf(out->owner_id, sizeof out->owner_id, "%s", owner_id);
	if (store_calendar_insert(f->db, out)) {
		fprintf(stderr, "fixture: calendar: %s\n", store_error(f->db));
		return -1;
	}
	return 0;
}

int fixture_room(struct fixture *f, const char *name, const char *email, struct room *out)
{
	struct calendar c;
	struct room *r = out;
	memset(r, 0, sizeof *r);
	memcpy(r->account_id, f->account_id, sizeof r->account_id);
	ids_new("room", r->id);
	snprintf(r->name, sizeof r->name, "%s", name);
	snprintf(r->email, sizeof r->email, "%s", email);
	snprintf(r->category, sizeof r->category, "conference_room");
	r->capacity = 8;
	r->max_ahead = 365 * 86400LL;
	r->created_at = r->updated_at = clock_now();
	calendar_fill(f, name, "UTC", &c);
	snprintf(c.room_id, sizeof c.room_id, "%s", r->id);
	memcpy(r->calendar_id, c.id, sizeof r->calendar_id);
	if (store_calendar_insert(f->db, &c) || store_room_insert(f->db, r)) {
		fprintf(stderr, "fixture: room %s: %s\n", name, store_error(f->db));
		return -1;
	}
	return 0;
}
