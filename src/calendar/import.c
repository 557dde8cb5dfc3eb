/* Import: ics_parse_import checks the whole file before it hands over the
 * first object, and everything is stored in one transaction, so a bad line
 * anywhere leaves the calendar as it was. The transaction begins with the
 * first object handed over, after the parse: parsing a large file must not
 * hold the writer lock that every other account's writes wait for. Each
 * event is written by event_write (calendar/event_store.h); the people it
 * invites are told only when the importer asks for it (notify): a file of
 * old meetings must not mail anyone. */
#include "calendar/import.h"

#include <stdio.h>
#include <string.h>

#include "calendar/event_store.h"
#include "core/budget.h"
#include "core/errors.h"

struct ctx {
	struct db *db;
	const struct calendar *c;
	const struct booking_actor *actor;
	const struct sched_actor *notify;
	struct booking_result *booking;
	struct arena *a;
	struct import_result *res;
	const char *external; /* the refusal's provider */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *pctx;
	int in_tx;
};

static void relay_progress(void *p, size_t done, size_t total)
{
	struct ctx *x = p;
	x->progress(x->pctx, done, total);
}

static int store_one(void *p, struct ics_object *o)
{
	struct ctx *x = p;
	struct event_row cur;
	struct event_written wr;
	int rc;
	if (budget_spent()) /* each object books its rooms: a file of many is long work */
		return E_TIMEOUT;
	if (!x->in_tx) {
		if ((rc = store_begin(x->db, 1)))
			return rc;
		x->in_tx = 1;
	}
	rc = event_fetch_uid(x->db, x->a, x->c, o->master.uid, &cur);
	if (rc && rc != E_NOTFOUND)
		return rc;
	struct event_write w = {
		x->c, rc ? NULL : &cur, NULL, o, x->actor, x->notify, x->notify ? EVENT_DELIVER : EVENT_QUIET, 0};
	rc = event_write(x->db, x->a, &w, &wr);
	if (rc == E_CONFLICT && wr.booked.refused && x->booking) { /* the caller reports the refusal */
		booking_result_free(x->booking);
		*x->booking = wr.booked;
		memset(&wr.booked, 0, sizeof wr.booked);
	}
	if (rc == E_FORBIDDEN && wr.external)
		x->external = wr.external;
	if (!rc) {
		if (wr.saved.created)
			x->res->created++;
		else if (wr.saved.unchanged)
			x->res->unchanged++;
		else
			x->res->updated++;
	}
	event_written_free(&wr);
	return rc;
}

int calendar_import(struct db *db, const struct calendar *c, const char *text, size_t len,
		    const struct booking_actor *actor, const struct sched_actor *notify,
		    void (*progress)(void *ctx, size_t done, size_t total), void *pctx, struct import_result *res,
		    struct ics_error *err, struct booking_result *booking)
{
	struct arena *a = arena_new();
	struct ctx x = {db, c, actor, notify, booking, a, res, NULL, progress, pctx, 0};
	memset(res, 0, sizeof *res);
	memset(err, 0, sizeof *err);
	int rc = ics_parse_import(text, len, c->time_zone, store_one, &x, progress ? relay_progress : NULL,
				  &res->skipped, err);
	if (!rc && x.in_tx)
		rc = store_commit(db);
	if (rc) {
		if (x.in_tx)
			store_rollback(db);
		memset(res, 0, sizeof *res);
		if (rc == E_FORBIDDEN && x.external)
			snprintf(res->external, sizeof res->external, "%s", x.external);
	} else if (progress) {
		progress(pctx, len, len);
	}
	arena_free(a);
	return rc;
}
