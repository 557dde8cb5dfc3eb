/* Calendar sync's tables (store/sync.h, migrations 035-036): connections, the
 * providers' rooms, the event mapping and the outbound jobs. Claims are a
 * read then a compare-and-set on lease_until, so that several nodes share
 * the work without a lock held across a provider call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

static void cp(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

static const char *or_null(const char *s)
{
	return s && *s ? s : NULL;
}

/* E_NOTFOUND when an UPDATE or DELETE of one keyed row changed none */
static int one(int rc)
{
	return rc < 0 ? rc : rc == 0 ? E_NOTFOUND : 0;
}

/* ---- sync_connections ---- */

#define CONN_COLS                                                                                                \
	"account_id, provider, status, detail, error_code, error_params, settings, secret_sealed, token_sealed," \
	" token_expires_at, checked_at, connected_at, last_push_at, last_full_at, events_synced,"                \
	" conflicts_resolved, created_by, created_at, updated_at"

void sync_connection_free(struct sync_connection *c)
{
	free(c->secret_sealed);
	free(c->token_sealed);
	c->secret_sealed = c->token_sealed = NULL;
}

static int conn_row(struct db_rows *r, struct sync_connection *c)
{
	memset(c, 0, sizeof *c);
	cp(c->account_id, sizeof c->account_id, db_text(r, 0));
	cp(c->provider, sizeof c->provider, db_text(r, 1));
	cp(c->status, sizeof c->status, db_text(r, 2));
	cp(c->detail, sizeof c->detail, db_text(r, 3));
	cp(c->error_code, sizeof c->error_code, db_text(r, 4));
	cp(c->error_params, sizeof c->error_params, db_text(r, 5));
	cp(c->settings, sizeof c->settings, db_text(r, 6));
	const char *s = db_text(r, 7), *t = db_text(r, 8);
	if ((s && !(c->secret_sealed = strdup(s))) || (t && !(c->token_sealed = strdup(t)))) {
		sync_connection_free(c);
		return E_NOMEM;
	}
	c->token_expires_at = db_int(r, 9);
	c->checked_at = db_int(r, 10);
	c->connected_at = db_int(r, 11);
	c->last_push_at = db_int(r, 12);
	c->last_full_at = db_int(r, 13);
	c->events_synced = db_int(r, 14);
	c->conflicts_resolved = db_int(r, 15);
	cp(c->created_by, sizeof c->created_by, db_text(r, 16));
	c->created_at = db_int(r, 17);
	c->updated_at = db_int(r, 18);
	return 0;
}

int store_sync_connection_get(struct db *db, const char *account_id, const char *provider, struct sync_connection *out)
{
	struct db_rows *r;
	memset(out, 0, sizeof *out);
	int rc = db_query(db, &r, "SELECT " CONN_COLS " FROM sync_connections WHERE account_id = ? AND provider = ?",
			  "ss", account_id, provider);
	if (rc)
		return rc;
	rc = db_next(r);
	rc = rc == 1 ? conn_row(r, out) : rc == 0 ? E_NOTFOUND : rc;
	db_rows_free(r);
	return rc;
}

int store_sync_connections_list(struct db *db, const char *account_id, struct sync_connection out[SYNC_PROVIDERS],
				int *n)
{
	struct db_rows *r;
	*n = 0;
	int rc = db_query(db, &r,
			  "SELECT " CONN_COLS " FROM sync_connections WHERE account_id = ? ORDER BY CASE provider"
			  " WHEN 'google' THEN 0 WHEN 'microsoft' THEN 1 ELSE 2 END",
			  "s", account_id);
	if (rc)
		return rc;
	while (*n < SYNC_PROVIDERS && (rc = db_next(r)) == 1 && !(rc = conn_row(r, &out[*n])))
		(*n)++;
	db_rows_free(r);
	if (rc < 0)
		for (int i = 0; i < *n; i++)
			sync_connection_free(&out[i]);
	return rc < 0 ? rc : 0;
}

int store_sync_connection_step1(struct db *db, const char *account_id, const char *provider, const char *settings,
				const char *secret_sealed, const char *created_by, int64_t now)
{
	int rc = db_exec(db,
			 "INSERT INTO sync_connections (account_id, provider, status, settings, secret_sealed,"
			 " created_by, created_at, updated_at) VALUES (?, ?, 'step1_done', ?, ?, ?, ?, ?)"
			 " ON CONFLICT (account_id, provider) DO UPDATE SET status = 'step1_done', detail = NULL,"
			 " error_code = NULL, error_params = NULL, settings = excluded.settings,"
			 " secret_sealed = excluded.secret_sealed, token_sealed = NULL, token_expires_at = NULL,"
			 " checked_at = NULL, updated_at = excluded.updated_at",
			 "sssssii", account_id, provider, settings ? settings : "{}", secret_sealed,
			 or_null(created_by), now, now);
	return rc < 0 ? rc : 0;
}

int store_sync_connection_status(struct db *db, const char *account_id, const char *provider, const char *status,
				 const char *detail, const char *error_code, const char *error_params, int64_t now)
{
	return one(db_exec(db,
			   "UPDATE sync_connections SET connected_at = CASE WHEN ? = 'connected' AND status <>"
			   " 'connected' THEN ? ELSE connected_at END, status = ?, detail = ?, error_code = ?,"
			   " error_params = ?, checked_at = ?, updated_at = ? WHERE account_id = ? AND provider = ?",
			   "sissssiiss", status, now, status, or_null(detail), or_null(error_code),
			   or_null(error_params), now, now, account_id, provider));
}

int store_sync_connection_token(struct db *db, const char *account_id, const char *provider, const char *token_sealed,
				int64_t expires_at, int64_t now)
{
	return one(db_exec(db,
			   "UPDATE sync_connections SET token_sealed = ?, token_expires_at = ?, updated_at = ?"
			   " WHERE account_id = ? AND provider = ?",
			   "siiss", or_null(token_sealed), token_sealed ? expires_at : 0, now, account_id, provider));
}

int store_sync_connection_note(struct db *db, const char *account_id, const char *provider, int64_t events_synced,
			       int64_t conflicts_resolved, int64_t push_at, int64_t full_at, int64_t now)
{
	return one(db_exec(db,
			   "UPDATE sync_connections SET events_synced = events_synced + ?,"
			   " conflicts_resolved = conflicts_resolved + ?,"
			   " last_push_at = CASE WHEN ? > 0 THEN ? ELSE last_push_at END,"
			   " last_full_at = CASE WHEN ? > 0 THEN ? ELSE last_full_at END, updated_at = ?"
			   " WHERE account_id = ? AND provider = ?",
			   "iiiiiiiss", events_synced, conflicts_resolved, push_at, push_at, full_at, full_at, now,
			   account_id, provider));
}

int store_sync_connection_delete(struct db *db, const char *account_id, const char *provider)
{
	return one(db_exec(db, "DELETE FROM sync_connections WHERE account_id = ? AND provider = ?", "ss", account_id,
			   provider));
}

/* ---- sync_rooms ---- */

#define ROOM_COLS                                                                                                     \
	"s.account_id, s.provider, s.provider_room_id, s.email, s.name, s.capacity, s.building, s.floor, s.features," \
	" s.category, s.seen_at, s.room_id, r.name, s.state, s.sync_token, s.dirty_at, s.dirty_seq, s.full_due_at,"   \
	" s.channel_id, s.channel_resource_id, s.channel_token_hash, s.channel_expires_at, s.subscription_id,"        \
	" s.subscription_expires_at, s.client_state_hash, s.lease_until, s.last_sync_at, s.last_error,"               \
	" s.error_code, w.error, w.error_code, w.action FROM sync_rooms s"                                            \
	" LEFT JOIN rooms r ON r.account_id = s.account_id AND r.id = s.room_id"                                      \
	" LEFT JOIN sync_jobs w ON w.account_id = s.account_id AND w.provider = s.provider"                           \
	" AND w.provider_room_id = s.provider_room_id AND w.event_id = (SELECT f.event_id FROM sync_jobs f"           \
	" WHERE f.account_id = s.account_id AND f.provider = s.provider AND f.provider_room_id = s.provider_room_id"  \
	" AND f.status = 'failed' ORDER BY f.updated_at DESC, f.event_id LIMIT 1)"

static void room_row(struct db_rows *r, struct sync_room *o)
{
	memset(o, 0, sizeof *o);
	cp(o->account_id, sizeof o->account_id, db_text(r, 0));
	cp(o->provider, sizeof o->provider, db_text(r, 1));
	cp(o->provider_room_id, sizeof o->provider_room_id, db_text(r, 2));
	cp(o->email, sizeof o->email, db_text(r, 3));
	cp(o->name, sizeof o->name, db_text(r, 4));
	o->capacity = db_is_null(r, 5) ? -1 : (int)db_int(r, 5);
	cp(o->building, sizeof o->building, db_text(r, 6));
	cp(o->floor, sizeof o->floor, db_text(r, 7));
	cp(o->features, sizeof o->features, db_text(r, 8));
	cp(o->category, sizeof o->category, db_text(r, 9));
	o->seen_at = db_int(r, 10);
	cp(o->room_id, sizeof o->room_id, db_text(r, 11));
	cp(o->room_name, sizeof o->room_name, db_text(r, 12));
	cp(o->state, sizeof o->state, db_text(r, 13));
	cp(o->sync_token, sizeof o->sync_token, db_text(r, 14));
	o->dirty_at = db_int(r, 15);
	o->dirty_seq = db_int(r, 16);
	o->full_due_at = db_int(r, 17);
	cp(o->channel_id, sizeof o->channel_id, db_text(r, 18));
	cp(o->channel_resource_id, sizeof o->channel_resource_id, db_text(r, 19));
	cp(o->channel_token_hash, sizeof o->channel_token_hash, db_text(r, 20));
	o->channel_expires_at = db_int(r, 21);
	cp(o->subscription_id, sizeof o->subscription_id, db_text(r, 22));
	o->subscription_expires_at = db_int(r, 23);
	cp(o->client_state_hash, sizeof o->client_state_hash, db_text(r, 24));
	o->lease_until = db_int(r, 25);
	o->last_sync_at = db_int(r, 26);
	cp(o->last_error, sizeof o->last_error, db_text(r, 27));
	cp(o->error_code, sizeof o->error_code, db_text(r, 28));
	cp(o->write_error, sizeof o->write_error, db_text(r, 29));
	cp(o->write_error_code, sizeof o->write_error_code, db_text(r, 30));
	cp(o->write_action, sizeof o->write_action, db_text(r, 31));
}

/* the one room a query keyed by unique columns finds (the arguments past
 * what types names are not read) */
static int room_query(struct db *db, struct sync_room *out, const char *where, const char *types, const char *a,
		      const char *b, const char *c)
{
	struct db_rows *r;
	char sql[2048];
	memset(out, 0, sizeof *out);
	snprintf(sql, sizeof sql, "SELECT " ROOM_COLS " WHERE %s", where);
	int rc = db_query(db, &r, sql, types, a, b, c);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1)
		room_row(r, out);
	db_rows_free(r);
	return rc == 1 ? 0 : rc == 0 ? E_NOTFOUND : rc;
}

int store_sync_room_upsert(struct db *db, const struct sync_room *r, int64_t now)
{
	int rc = db_exec(db,
			 "INSERT INTO sync_rooms (account_id, provider, provider_room_id, email, name, capacity,"
			 " building, floor, features, category, seen_at)"
			 " VALUES (?, ?, ?, ?, ?, CASE WHEN ? < 0 THEN NULL ELSE ? END, ?, ?, ?, ?, ?)"
			 " ON CONFLICT (account_id, provider, provider_room_id) DO UPDATE SET email = excluded.email,"
			 " name = excluded.name, capacity = excluded.capacity, building = excluded.building,"
			 " floor = excluded.floor, features = excluded.features, category = excluded.category,"
			 " seen_at = excluded.seen_at",
			 "sssssiissssi", r->account_id, r->provider, r->provider_room_id, r->email, r->name,
			 (int64_t)r->capacity, (int64_t)r->capacity, or_null(r->building), or_null(r->floor),
			 r->features[0] ? r->features : "[]", or_null(r->category), now);
	return rc < 0 ? rc : 0;
}

int store_sync_room_get(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			struct sync_room *out)
{
	return room_query(db, out, "s.account_id = ? AND s.provider = ? AND s.provider_room_id = ?", "sss", account_id,
			  provider, provider_room_id);
}

int store_sync_room_of_room(struct db *db, const char *account_id, const char *room_id, struct sync_room *out)
{
	return room_query(db, out, "s.account_id = ? AND s.room_id = ? AND s.state = 'linked'", "ss", account_id,
			  room_id, NULL);
}

int store_sync_rooms_linked(struct db *db, const char *account_id)
{
	struct db_rows *r;
	int rc = db_query(db, &r, "SELECT 1 FROM sync_rooms WHERE account_id = ? AND room_id IS NOT NULL LIMIT 1", "s",
			  account_id);
	if (rc)
		return rc;
	rc = db_next(r);
	db_rows_free(r);
	return rc;
}

int store_sync_rooms_list(struct db *db, const char *account_id, const char *provider, int max, store_sync_room_cb cb,
			  void *ctx)
{
	struct db_rows *r;
	struct sync_room *o = malloc(sizeof *o);
	if (!o)
		return E_NOMEM;
	int rc = db_query(db, &r,
			  "SELECT " ROOM_COLS " WHERE s.account_id = ? AND s.provider = ?"
			  " ORDER BY s.name, s.provider_room_id LIMIT ?",
			  "ssi", account_id, provider, (int64_t)max);
	if (rc) {
		free(o);
		return rc;
	}
	while ((rc = db_next(r)) == 1) {
		room_row(r, o);
		if ((rc = cb(ctx, o)))
			break;
	}
	db_rows_free(r);
	free(o);
	return rc;
}

int store_sync_rooms_linked_of(struct db *db, const char *provider, const char *after_account, const char *after_room,
			       int max, store_sync_room_cb cb, void *ctx)
{
	struct db_rows *r;
	struct sync_room *o = malloc(sizeof *o);
	if (!o)
		return E_NOMEM;
	int rc = db_query(db, &r,
			  "SELECT " ROOM_COLS " JOIN sync_connections c ON c.account_id = s.account_id AND c.provider ="
			  " s.provider WHERE s.provider = ? AND c.status = 'connected' AND s.state = 'linked'"
			  " AND (s.account_id > ? OR (s.account_id = ? AND s.provider_room_id > ?))"
			  " ORDER BY s.account_id, s.provider_room_id LIMIT ?",
			  "ssssi", provider, after_account, after_account, after_room, (int64_t)max);
	if (rc) {
		free(o);
		return rc;
	}
	while ((rc = db_next(r)) == 1) {
		room_row(r, o);
		if ((rc = cb(ctx, o)))
			break;
	}
	db_rows_free(r);
	free(o);
	return rc;
}

int store_sync_room_link(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			 const char *room_id, int64_t now)
{
	int64_t n;
	int rc = db_query_int(db, &n, "SELECT COUNT(*) FROM rooms WHERE account_id = ? AND id = ?", "ss", account_id,
			      room_id);
	if (rc)
		return rc;
	if (!n)
		return E_INVALID;
	return one(db_exec(db,
			   "UPDATE sync_rooms SET room_id = ?, state = 'linked', sync_token = NULL, dirty_at = NULL,"
			   " full_due_at = ?, last_error = NULL, error_code = NULL"
			   " WHERE account_id = ? AND provider = ? AND provider_room_id = ?",
			   "sisss", room_id, now, account_id, provider, provider_room_id));
}

static int set_state(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
		     const char *state)
{
	return one(db_exec(db,
			   "UPDATE sync_rooms SET room_id = NULL, state = ?, sync_token = NULL, dirty_at = NULL,"
			   " full_due_at = NULL, last_error = NULL, error_code = NULL"
			   " WHERE account_id = ? AND provider = ? AND provider_room_id = ?",
			   "ssss", state, account_id, provider, provider_room_id));
}

int store_sync_room_unlink(struct db *db, const char *account_id, const char *provider, const char *provider_room_id)
{
	return set_state(db, account_id, provider, provider_room_id, "available");
}

int store_sync_room_ignore(struct db *db, const char *account_id, const char *provider, const char *provider_room_id)
{
	return set_state(db, account_id, provider, provider_room_id, "ignored");
}

int store_sync_room_dirty(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			  int64_t now)
{
	return one(db_exec(db,
			   "UPDATE sync_rooms SET dirty_at = COALESCE(dirty_at, ?), dirty_seq = dirty_seq + 1"
			   " WHERE account_id = ? AND provider = ? AND provider_room_id = ?",
			   "isss", now, account_id, provider, provider_room_id));
}

int store_sync_room_clean(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			  int64_t seen_seq, int64_t now)
{
	return one(db_exec(db,
			   "UPDATE sync_rooms SET dirty_at = CASE WHEN dirty_seq = ? THEN NULL ELSE dirty_at END,"
			   " lease_until = 0, last_error = NULL, error_code = NULL, last_sync_at = ?"
			   " WHERE account_id = ? AND provider = ? AND provider_room_id = ?",
			   "iisss", seen_seq, now, account_id, provider, provider_room_id));
}

int store_sync_room_set_token(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			      const char *sync_token, int64_t full_due_at)
{
	if (sync_token && strlen(sync_token) >= sizeof((struct sync_room *)0)->sync_token)
		return E_TOOLARGE; /* never cut: a cut token is a broken one */
	return one(db_exec(db,
			   "UPDATE sync_rooms SET sync_token = ?, full_due_at = ?"
			   " WHERE account_id = ? AND provider = ? AND provider_room_id = ?",
			   "sisss", or_null(sync_token), full_due_at, account_id, provider, provider_room_id));
}

int store_sync_room_error(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			  const char *error_code, const char *error)
{
	return one(db_exec(db,
			   "UPDATE sync_rooms SET last_error = ?, error_code = ?, lease_until = 0"
			   " WHERE account_id = ? AND provider = ? AND provider_room_id = ?",
			   "sssss", or_null(error), or_null(error_code), account_id, provider, provider_room_id));
}

int store_sync_room_retry_at(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			     int64_t at)
{
	return one(db_exec(db,
			   "UPDATE sync_rooms SET lease_until = ? WHERE account_id = ? AND provider = ? AND"
			   " provider_room_id = ?",
			   "isss", at, account_id, provider, provider_room_id));
}

int store_sync_room_claim(struct db *db, int64_t now, int64_t until, struct sync_room *out)
{
	/* another thread or node may take the room found first: the next one
	 * due is looked for then, a few times, rather than idling a pass */
	for (int tries = 0; tries < 4; tries++) {
		struct db_rows *r;
		memset(out, 0, sizeof *out);
		/* pushes first (dirty_at), then full checks, oldest first */
		int rc = db_query(
			db, &r,
			"SELECT " ROOM_COLS " JOIN sync_connections c ON c.account_id = s.account_id AND c.provider ="
			" s.provider WHERE c.status = 'connected' AND s.state = 'linked' AND s.lease_until <= ?"
			" AND (s.dirty_at IS NOT NULL OR s.full_due_at <= ?)"
			" ORDER BY CASE WHEN s.dirty_at IS NULL THEN 1 ELSE 0 END, COALESCE(s.dirty_at, s.full_due_at)"
			" LIMIT 1",
			"ii", now, now);
		if (rc)
			return rc;
		rc = db_next(r);
		if (rc == 1)
			room_row(r, out);
		db_rows_free(r);
		if (rc != 1)
			return rc;
		/* taken only if nobody took it meanwhile */
		int n = db_exec(db,
				"UPDATE sync_rooms SET lease_until = ? WHERE account_id = ? AND provider = ? AND"
				" provider_room_id = ? AND lease_until <= ? AND state = 'linked'",
				"isssi", until, out->account_id, out->provider, out->provider_room_id, now);
		if (n < 0)
			return n;
		if (n > 0) {
			out->lease_until = until;
			return 1;
		}
	}
	return 0;
}

int store_sync_room_set_channel(struct db *db, const char *account_id, const char *provider,
				const char *provider_room_id, const char *channel_id, const char *resource_id,
				const char *token_hash, int64_t expires_at)
{
	int none = !channel_id || !*channel_id;
	return one(db_exec(db,
			   "UPDATE sync_rooms SET channel_id = ?, channel_resource_id = ?, channel_token_hash = ?,"
			   " channel_expires_at = ? WHERE account_id = ? AND provider = ? AND provider_room_id = ?",
			   "sssisss", none ? NULL : channel_id, none ? NULL : or_null(resource_id),
			   none ? NULL : or_null(token_hash), none ? 0 : expires_at, account_id, provider,
			   provider_room_id));
}

int store_sync_room_set_subscription(struct db *db, const char *account_id, const char *provider,
				     const char *provider_room_id, const char *subscription_id, int64_t expires_at,
				     const char *client_state_hash)
{
	int none = !subscription_id || !*subscription_id;
	return one(db_exec(db,
			   "UPDATE sync_rooms SET subscription_id = ?, subscription_expires_at = ?,"
			   " client_state_hash = ? WHERE account_id = ? AND provider = ? AND provider_room_id = ?",
			   "sissss", none ? NULL : subscription_id, none ? 0 : expires_at,
			   none ? NULL : or_null(client_state_hash), account_id, provider, provider_room_id));
}

int store_sync_room_by_channel(struct db *db, const char *channel_id, struct sync_room *out)
{
	return room_query(db, out, "s.channel_id = ?", "s", channel_id, NULL, NULL);
}

int store_sync_room_by_subscription(struct db *db, const char *subscription_id, struct sync_room *out)
{
	return room_query(db, out, "s.subscription_id = ?", "s", subscription_id, NULL, NULL);
}

/* ---- sync_events ---- */

#define EVENT_COLS                                                                                    \
	"account_id, provider, provider_room_id, provider_event_id, event_id, origin, provider_etag," \
	" provider_created_at, ical_uid, updated_at FROM sync_events"

static void event_row(struct db_rows *r, struct sync_event *e)
{
	memset(e, 0, sizeof *e);
	cp(e->account_id, sizeof e->account_id, db_text(r, 0));
	cp(e->provider, sizeof e->provider, db_text(r, 1));
	cp(e->provider_room_id, sizeof e->provider_room_id, db_text(r, 2));
	cp(e->provider_event_id, sizeof e->provider_event_id, db_text(r, 3));
	cp(e->event_id, sizeof e->event_id, db_text(r, 4));
	cp(e->origin, sizeof e->origin, db_text(r, 5));
	cp(e->provider_etag, sizeof e->provider_etag, db_text(r, 6));
	e->provider_created_at = db_int(r, 7);
	cp(e->ical_uid, sizeof e->ical_uid, db_text(r, 8));
	e->updated_at = db_int(r, 9);
}

int store_sync_event_get(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			 const char *provider_event_id, struct sync_event *out)
{
	struct db_rows *r;
	memset(out, 0, sizeof *out);
	int rc = db_query(db, &r,
			  "SELECT " EVENT_COLS " WHERE account_id = ? AND provider = ? AND provider_room_id = ? AND"
			  " provider_event_id = ?",
			  "ssss", account_id, provider, provider_room_id, provider_event_id);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1)
		event_row(r, out);
	db_rows_free(r);
	return rc == 1 ? 0 : rc == 0 ? E_NOTFOUND : rc;
}

int store_sync_events_of_event(struct db *db, const char *account_id, const char *event_id, store_sync_event_cb cb,
			       void *ctx)
{
	struct db_rows *r;
	struct sync_event *e = malloc(sizeof *e);
	if (!e)
		return E_NOMEM;
	int rc = db_query(db, &r,
			  "SELECT " EVENT_COLS " WHERE account_id = ? AND event_id = ?"
			  " ORDER BY provider, provider_room_id, provider_event_id",
			  "ss", account_id, event_id);
	if (rc) {
		free(e);
		return rc;
	}
	while ((rc = db_next(r)) == 1) {
		event_row(r, e);
		if ((rc = cb(ctx, e)))
			break;
	}
	db_rows_free(r);
	free(e);
	return rc;
}

int store_sync_events_each(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			   const char *origin, store_sync_event_cb cb, void *ctx)
{
	struct db_rows *r;
	struct sync_event *e = malloc(sizeof *e);
	if (!e)
		return E_NOMEM;
	int rc = db_query(db, &r,
			  "SELECT " EVENT_COLS " WHERE account_id = ? AND provider = ? AND provider_room_id = ?"
			  " AND origin = ? ORDER BY provider_event_id",
			  "ssss", account_id, provider, provider_room_id, origin);
	if (rc) {
		free(e);
		return rc;
	}
	while ((rc = db_next(r)) == 1) {
		event_row(r, e);
		if ((rc = cb(ctx, e)))
			break;
	}
	db_rows_free(r);
	free(e);
	return rc;
}

int store_sync_events_unheld(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			     int max, struct sync_event *out, int *n)
{
	struct db_rows *r;
	*n = 0;
	int rc = db_query(db, &r,
			  "SELECT " EVENT_COLS " x WHERE account_id = ? AND provider = ? AND provider_room_id = ?"
			  " AND origin = 'provider' AND NOT EXISTS (SELECT 1 FROM bookings b WHERE"
			  " b.account_id = x.account_id AND b.event_id = x.event_id)"
			  " ORDER BY provider_created_at, provider_event_id LIMIT ?",
			  "sssi", account_id, provider, provider_room_id, (int64_t)max);
	if (rc)
		return rc;
	while (*n < max && (rc = db_next(r)) == 1)
		event_row(r, &out[(*n)++]);
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_sync_events_of_room(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			      const char *origin, int max, struct sync_event *out, int *n)
{
	struct db_rows *r;
	*n = 0;
	int rc = db_query(db, &r,
			  "SELECT " EVENT_COLS " WHERE account_id = ? AND provider = ? AND provider_room_id = ?"
			  " AND origin = ? ORDER BY provider_event_id LIMIT ?",
			  "ssssi", account_id, provider, provider_room_id, origin, (int64_t)max);
	if (rc)
		return rc;
	while (*n < max && (rc = db_next(r)) == 1)
		event_row(r, &out[(*n)++]);
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_sync_events_count(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			    const char *origin, int64_t *n)
{
	return db_query_int(db, n,
			    "SELECT COUNT(*) FROM sync_events WHERE account_id = ? AND provider = ? AND"
			    " provider_room_id = ? AND origin = ?",
			    "ssss", account_id, provider, provider_room_id, origin);
}

/* a mapping of origin convene with no job of its event in its room */
#define UNQUEUED                                                                                            \
	" e.origin = 'convene' AND NOT EXISTS (SELECT 1 FROM sync_jobs j WHERE j.account_id = e.account_id" \
	" AND j.provider = e.provider AND j.provider_room_id = e.provider_room_id AND j.event_id = e.event_id)"

int store_sync_copies_owed(struct db *db, int failed_max, struct sync_event *room)
{
	struct db_rows *r;
	memset(room, 0, sizeof *room);
	int rc = db_query(
		db, &r,
		"SELECT s.account_id, s.provider, s.provider_room_id FROM sync_rooms s JOIN sync_connections c ON"
		" c.account_id = s.account_id AND c.provider = s.provider WHERE s.state <> 'linked' AND"
		" c.status = 'connected' AND NOT EXISTS (SELECT 1 FROM sync_jobs p WHERE p.account_id = s.account_id"
		" AND p.provider = s.provider AND p.provider_room_id = s.provider_room_id AND p.status = 'pending')"
		" AND (SELECT COUNT(*) FROM sync_jobs f WHERE f.account_id = s.account_id AND f.provider = s.provider"
		" AND f.provider_room_id = s.provider_room_id AND f.status = 'failed') < ?"
		" AND EXISTS (SELECT 1 FROM sync_events e WHERE e.account_id = s.account_id AND e.provider ="
		" s.provider AND e.provider_room_id = s.provider_room_id AND" UNQUEUED ") LIMIT 1",
		"i", (int64_t)failed_max);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		cp(room->account_id, sizeof room->account_id, db_text(r, 0));
		cp(room->provider, sizeof room->provider, db_text(r, 1));
		cp(room->provider_room_id, sizeof room->provider_room_id, db_text(r, 2));
	}
	db_rows_free(r);
	return rc;
}

int store_sync_copies_unqueued(struct db *db, const char *account_id, const char *provider,
			       const char *provider_room_id, int max, struct sync_event *out, int *n)
{
	struct db_rows *r;
	*n = 0;
	int rc = db_query(db, &r,
			  "SELECT " EVENT_COLS " e WHERE e.account_id = ? AND e.provider = ? AND e.provider_room_id = ?"
			  " AND" UNQUEUED " ORDER BY e.provider_event_id LIMIT ?",
			  "sssi", account_id, provider, provider_room_id, (int64_t)max);
	if (rc)
		return rc;
	while (*n < max && (rc = db_next(r)) == 1)
		event_row(r, &out[(*n)++]);
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_sync_event_put(struct db *db, const struct sync_event *e, int64_t now)
{
	int rc = db_exec(
		db,
		"INSERT INTO sync_events (account_id, provider, provider_room_id, provider_event_id, event_id,"
		" origin, provider_etag, provider_created_at, ical_uid, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (account_id, provider, provider_room_id, provider_event_id) DO UPDATE SET"
		" event_id = excluded.event_id, origin = excluded.origin, provider_etag = excluded.provider_etag,"
		" provider_created_at = excluded.provider_created_at, ical_uid = excluded.ical_uid,"
		" updated_at = excluded.updated_at",
		"sssssssisi", e->account_id, e->provider, e->provider_room_id, e->provider_event_id, e->event_id,
		e->origin, or_null(e->provider_etag), e->provider_created_at, or_null(e->ical_uid), now);
	return rc < 0 ? rc : 0;
}

int store_sync_event_delete(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			    const char *provider_event_id)
{
	return one(db_exec(db,
			   "DELETE FROM sync_events WHERE account_id = ? AND provider = ? AND provider_room_id = ? AND"
			   " provider_event_id = ?",
			   "ssss", account_id, provider, provider_room_id, provider_event_id));
}

/* ---- sync_jobs ---- */

void sync_job_free(struct sync_job *j)
{
	free(j->body);
	j->body = NULL;
}

int store_sync_job_put(struct db *db, const struct sync_job *j, int64_t next_at, int64_t now)
{
	int rc = db_exec(
		db,
		"INSERT INTO sync_jobs (account_id, provider, provider_room_id, event_id, action, body,"
		" provider_event_id, status, attempts, next_at, lease_until, version, error, created_at, updated_at)"
		" VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, 0, 1, NULL, ?, ?)"
		" ON CONFLICT (account_id, provider, provider_room_id, event_id) DO UPDATE SET"
		" action = CASE WHEN sync_jobs.action = 'insert' AND excluded.action = 'patch' THEN 'insert'"
		" ELSE excluded.action END, body = excluded.body,"
		" provider_event_id = COALESCE(excluded.provider_event_id, sync_jobs.provider_event_id),"
		" status = 'pending', attempts = 0, next_at = excluded.next_at, version = sync_jobs.version + 1,"
		" error = NULL, updated_at = excluded.updated_at",
		"sssssssiii", j->account_id, j->provider, j->provider_room_id, j->event_id, j->action, or_null(j->body),
		or_null(j->provider_event_id), next_at, now, now);
	return rc < 0 ? rc : 0;
}

int store_sync_job_claim(struct db *db, int64_t now, int64_t until, struct sync_job *out)
{
	struct db_rows *r;
	memset(out, 0, sizeof *out);
	int rc = db_query(db, &r,
			  "SELECT account_id, provider, provider_room_id, event_id, action, body, provider_event_id,"
			  " attempts, version FROM sync_jobs WHERE status = 'pending' AND next_at <= ? AND"
			  " lease_until <= ? ORDER BY next_at LIMIT 1",
			  "ii", now, now);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		cp(out->account_id, sizeof out->account_id, db_text(r, 0));
		cp(out->provider, sizeof out->provider, db_text(r, 1));
		cp(out->provider_room_id, sizeof out->provider_room_id, db_text(r, 2));
		cp(out->event_id, sizeof out->event_id, db_text(r, 3));
		cp(out->action, sizeof out->action, db_text(r, 4));
		const char *b = db_text(r, 5);
		if (b && !(out->body = strdup(b)))
			rc = E_NOMEM;
		cp(out->provider_event_id, sizeof out->provider_event_id, db_text(r, 6));
		out->attempts = (int)db_int(r, 7);
		out->version = db_int(r, 8);
	}
	db_rows_free(r);
	if (rc != 1) {
		sync_job_free(out);
		return rc;
	}
	/* taken only if nobody took it meanwhile (another node) */
	int n = db_exec(db,
			"UPDATE sync_jobs SET lease_until = ? WHERE account_id = ? AND provider = ? AND"
			" provider_room_id = ? AND event_id = ? AND lease_until <= ? AND status = 'pending'",
			"issssi", until, out->account_id, out->provider, out->provider_room_id, out->event_id, now);
	if (n <= 0) {
		sync_job_free(out);
		return n < 0 ? n : 0;
	}
	return 1;
}

int store_sync_job_done(struct db *db, const struct sync_job *j)
{
	int rc = db_exec(db,
			 "DELETE FROM sync_jobs WHERE account_id = ? AND provider = ? AND provider_room_id = ? AND"
			 " event_id = ? AND version = ?",
			 "ssssi", j->account_id, j->provider, j->provider_room_id, j->event_id, j->version);
	if (rc == 0) /* replaced since: due again at once */
		rc = db_exec(db,
			     "UPDATE sync_jobs SET lease_until = 0 WHERE account_id = ? AND provider = ? AND"
			     " provider_room_id = ? AND event_id = ?",
			     "ssss", j->account_id, j->provider, j->provider_room_id, j->event_id);
	return rc < 0 ? rc : 0;
}

int store_sync_job_retry(struct db *db, const struct sync_job *j, int64_t next_at, int failed, const char *error_code,
			 const char *error, int64_t now)
{
	int rc = db_exec(db,
			 "UPDATE sync_jobs SET attempts = attempts + 1, next_at = ?, lease_until = 0, status = ?,"
			 " error_code = ?, error = ?, updated_at = ? WHERE account_id = ? AND provider = ? AND"
			 " provider_room_id = ? AND event_id = ? AND version = ?",
			 "isssissssi", next_at, failed ? "failed" : "pending", or_null(error_code), error, now,
			 j->account_id, j->provider, j->provider_room_id, j->event_id, j->version);
	if (rc == 0) /* replaced since: the new one is due as it says */
		rc = db_exec(db,
			     "UPDATE sync_jobs SET lease_until = 0 WHERE account_id = ? AND provider = ? AND"
			     " provider_room_id = ? AND event_id = ?",
			     "ssss", j->account_id, j->provider, j->provider_room_id, j->event_id);
	return rc < 0 ? rc : 0;
}

int store_sync_job_exists(struct db *db, const char *account_id, const char *provider, const char *provider_room_id,
			  const char *event_id)
{
	int64_t n;
	int rc = db_query_int(db, &n,
			      "SELECT COUNT(*) FROM sync_jobs WHERE account_id = ? AND provider = ? AND"
			      " provider_room_id = ? AND event_id = ?",
			      "ssss", account_id, provider, provider_room_id, event_id);
	return rc ? rc : n > 0;
}

int store_sync_jobs_revive(struct db *db, const char *account_id, const char *provider, int64_t now)
{
	int rc = db_exec(db,
			 "UPDATE sync_jobs SET status = 'pending', attempts = 0, next_at = ?, lease_until = 0,"
			 " updated_at = ? WHERE account_id = ? AND provider = ? AND status = 'failed'",
			 "iiss", now, now, account_id, provider);
	return rc < 0 ? rc : 0;
}

int store_sync_jobs_drop(struct db *db, const char *account_id, const char *provider, const char *provider_room_id)
{
	int rc = db_exec(db, "DELETE FROM sync_jobs WHERE account_id = ? AND provider = ? AND provider_room_id = ?",
			 "sss", account_id, provider, provider_room_id);
	return rc < 0 ? rc : 0;
}
