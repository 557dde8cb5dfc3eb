/* The Zoom tables (store/zoom.h). The refresh lease and the token save are
 * compare-and-set UPDATEs on token_version, so that nodes sharing a
 * PostgreSQL database agree on who refreshes without holding a transaction
 * open across the call to Zoom. */
#include "store/zoom.h"

#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

static void copy_text(char *dst, size_t size, const char *src)
{
	size_t n = src ? strnlen(src, size - 1) : 0;
	memcpy(dst, src ? src : "", n);
	dst[n] = 0;
}
#define COPY(dst, rows, col) copy_text(dst, sizeof(dst), db_text(rows, col))

static int ok(int rc)
{
	return rc < 0 ? rc : 0;
}

/* ---- Zoom accounts ---- */

int store_zoom_account_get(struct db *db, const char *zoom_user_id, struct zoom_account *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT zoom_user_id, zoom_account_id, email, display_name, plan, time_zone,"
			  " COALESCE(access_sealed, ''), COALESCE(refresh_sealed, ''), expires_at, token_version,"
			  " COALESCE(refresh_lease_until, 0), created_at, updated_at"
			  " FROM zoom_accounts WHERE zoom_user_id = ?",
			  "s", zoom_user_id);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		COPY(out->zoom_user_id, r, 0);
		COPY(out->zoom_account_id, r, 1);
		COPY(out->email, r, 2);
		COPY(out->display_name, r, 3);
		COPY(out->plan, r, 4);
		COPY(out->time_zone, r, 5);
		COPY(out->access_sealed, r, 6);
		COPY(out->refresh_sealed, r, 7);
		out->expires_at = db_int(r, 8);
		out->token_version = db_int(r, 9);
		out->refresh_lease_until = db_int(r, 10);
		out->created_at = db_int(r, 11);
		out->updated_at = db_int(r, 12);
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int store_zoom_account_authorized(struct db *db, const struct zoom_account *a, int64_t now)
{
	int rc = db_exec(db,
			 "INSERT INTO zoom_accounts (zoom_user_id, zoom_account_id, email, display_name, plan,"
			 " time_zone, access_sealed, refresh_sealed, expires_at, token_version, refresh_lease_until,"
			 " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, NULL, ?, ?)"
			 " ON CONFLICT (zoom_user_id) DO UPDATE SET zoom_account_id = excluded.zoom_account_id,"
			 " email = excluded.email, display_name = excluded.display_name, plan = excluded.plan,"
			 " time_zone = excluded.time_zone, access_sealed = excluded.access_sealed,"
			 " refresh_sealed = excluded.refresh_sealed, expires_at = excluded.expires_at,"
			 " token_version = zoom_accounts.token_version + 1, refresh_lease_until = NULL,"
			 " created_at = excluded.created_at, updated_at = excluded.updated_at",
			 "ssssssssiii", a->zoom_user_id, a->zoom_account_id, a->email, a->display_name, a->plan,
			 a->time_zone, a->access_sealed, a->refresh_sealed, a->expires_at, now, now);
	if (rc < 0)
		return rc;
	rc = db_exec(db,
		     "UPDATE zoom_connections SET status = 'connected', error = NULL, error_code = NULL,"
		     " error_params = NULL, retry_at = NULL, updated_at = ? WHERE zoom_user_id = ?",
		     "is", now, a->zoom_user_id);
	if (rc < 0)
		return rc;
	return store_zoom_changed_user(db, a->zoom_user_id);
}

int store_zoom_lease_take(struct db *db, const char *zoom_user_id, int64_t version, int64_t now, int64_t until)
{
	int rc = db_exec(db,
			 "UPDATE zoom_accounts SET refresh_lease_until = ? WHERE zoom_user_id = ? AND token_version = ?"
			 " AND (refresh_lease_until IS NULL OR refresh_lease_until < ?)",
			 "isii", until, zoom_user_id, version, now);
	return rc < 0 ? rc : rc > 0;
}

int store_zoom_tokens_save(struct db *db, const char *zoom_user_id, int64_t version, const char *access_sealed,
			   const char *refresh_sealed, int64_t expires_at, int64_t now)
{
	int rc = db_exec(db,
			 "UPDATE zoom_accounts SET access_sealed = ?, refresh_sealed = ?, expires_at = ?,"
			 " token_version = token_version + 1, refresh_lease_until = NULL, updated_at = ?"
			 " WHERE zoom_user_id = ? AND token_version = ?",
			 "ssiisi", access_sealed, refresh_sealed, expires_at, now, zoom_user_id, version);
	if (rc < 0)
		return rc;
	return rc ? 0 : E_CONFLICT;
}

int store_zoom_lease_release(struct db *db, const char *zoom_user_id, int64_t version)
{
	return ok(db_exec(db,
			  "UPDATE zoom_accounts SET refresh_lease_until = NULL WHERE zoom_user_id = ? AND"
			  " token_version = ?",
			  "si", zoom_user_id, version));
}

int store_zoom_account_needs_reconnect(struct db *db, const char *zoom_user_id, const char *code, const char *error,
				       int64_t now)
{
	int rc = db_exec(db,
			 "UPDATE zoom_accounts SET access_sealed = NULL, refresh_sealed = NULL,"
			 " token_version = token_version + 1, refresh_lease_until = NULL, updated_at = ?"
			 " WHERE zoom_user_id = ?",
			 "is", now, zoom_user_id);
	if (rc < 0)
		return rc;
	rc = db_exec(db,
		     "UPDATE zoom_connections SET status = 'needs_reconnect', error = ?, error_code = ?,"
		     " error_params = NULL, updated_at = ? WHERE zoom_user_id = ?",
		     "ssis", error, code, now, zoom_user_id);
	if (rc < 0)
		return rc;
	return store_zoom_changed_user(db, zoom_user_id);
}

int store_zoom_account_refs(struct db *db, const char *zoom_user_id, int64_t *n)
{
	return db_query_int(db, n, "SELECT COUNT(*) FROM zoom_connections WHERE zoom_user_id = ?", "s", zoom_user_id);
}

int store_zoom_account_orphan(struct db *db, char zoom_user_id[ZOOM_ID_MAX])
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT a.zoom_user_id FROM zoom_accounts a WHERE NOT EXISTS (SELECT 1 FROM"
			  " zoom_connections c WHERE c.zoom_user_id = a.zoom_user_id) AND NOT EXISTS (SELECT 1 FROM"
			  " zoom_installs i WHERE i.zoom_user_id = a.zoom_user_id) AND NOT EXISTS (SELECT 1 FROM"
			  " zoom_meeting_jobs j WHERE j.zoom_user_id = a.zoom_user_id AND j.status = 'pending')"
			  " ORDER BY a.updated_at LIMIT 1",
			  "");
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		copy_text(zoom_user_id, ZOOM_ID_MAX, db_text(r, 0));
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int store_zoom_account_delete(struct db *db, const char *zoom_user_id)
{
	int rc = db_exec(db, "DELETE FROM zoom_meetings WHERE zoom_user_id = ?", "s", zoom_user_id);
	if (rc >= 0)
		rc = db_exec(db, "DELETE FROM zoom_installs WHERE zoom_user_id = ?", "s", zoom_user_id);
	if (rc >= 0)
		rc = db_exec(db, "DELETE FROM zoom_accounts WHERE zoom_user_id = ?", "s", zoom_user_id);
	return ok(rc);
}

/* ---- connections ---- */

#define ZC_COLS                                                                                              \
	"account_id, id, conference_id, name, status, COALESCE(zoom_user_id, ''), COALESCE(created_by, '')," \
	" COALESCE(refreshed_at, 0), COALESCE(retry_at, 0), COALESCE(error, ''), created_at, updated_at,"    \
	" COALESCE(error_code, ''), COALESCE(error_params, '')"

static void row_zc(struct db_rows *r, struct zoom_connection *c)
{
	COPY(c->account_id, r, 0);
	COPY(c->id, r, 1);
	COPY(c->conference_id, r, 2);
	COPY(c->name, r, 3);
	COPY(c->status, r, 4);
	COPY(c->zoom_user_id, r, 5);
	COPY(c->created_by, r, 6);
	c->refreshed_at = db_int(r, 7);
	c->retry_at = db_int(r, 8);
	COPY(c->error, r, 9);
	c->created_at = db_int(r, 10);
	c->updated_at = db_int(r, 11);
	COPY(c->error_code, r, 12);
	COPY(c->error_params, r, 13);
}

int store_zoom_connection_insert(struct db *db, const struct zoom_connection *c)
{
	return ok(db_exec(db,
			  "INSERT INTO zoom_connections (account_id, id, conference_id, name, status, zoom_user_id,"
			  " created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  "sssssssii", c->account_id, c->id, c->conference_id, c->name, c->status,
			  c->zoom_user_id[0] ? c->zoom_user_id : NULL, c->created_by[0] ? c->created_by : NULL,
			  c->created_at, c->updated_at));
}

int store_zoom_connection_get(struct db *db, const char *account_id, const char *conference_id, const char *id,
			      struct zoom_connection *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT " ZC_COLS
			  " FROM zoom_connections WHERE account_id = ? AND conference_id = ? AND id = ?",
			  "sss", account_id, conference_id, id);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		row_zc(r, out);
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int store_zoom_connection_get_any(struct db *db, const char *account_id, const char *id, struct zoom_connection *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r, "SELECT " ZC_COLS " FROM zoom_connections WHERE account_id = ? AND id = ?", "ss",
			  account_id, id);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		row_zc(r, out);
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int store_zoom_connection_list(struct db *db, const char *account_id, const char *conference_id,
			       struct zoom_connection *out, int max, int *n)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT " ZC_COLS " FROM zoom_connections WHERE account_id = ? AND conference_id = ?"
			  " ORDER BY name, id LIMIT ?",
			  "ssd", account_id, conference_id, max);
	if (rc)
		return rc;
	*n = 0;
	while ((rc = db_next(r)) == 1 && *n < max)
		row_zc(r, &out[(*n)++]);
	db_rows_free(r);
	return ok(rc);
}

int store_zoom_connection_count(struct db *db, const char *account_id, const char *conference_id, int64_t *n)
{
	return db_query_int(db, n, "SELECT COUNT(*) FROM zoom_connections WHERE account_id = ? AND conference_id = ?",
			    "ss", account_id, conference_id);
}

static int one_changed(int rc)
{
	if (rc < 0)
		return rc;
	return rc ? 0 : E_NOTFOUND;
}

int store_zoom_connection_rename(struct db *db, const char *account_id, const char *id, const char *name, int64_t now)
{
	return one_changed(
		db_exec(db, "UPDATE zoom_connections SET name = ?, updated_at = ? WHERE account_id = ? AND id = ?",
			"siss", name, now, account_id, id));
}

int store_zoom_connection_attach(struct db *db, const char *account_id, const char *id, const char *zoom_user_id,
				 int64_t now)
{
	return one_changed(db_exec(db,
				   "UPDATE zoom_connections SET zoom_user_id = ?, status = 'connected', error = NULL,"
				   " error_code = NULL, error_params = NULL, retry_at = NULL, updated_at = ?"
				   " WHERE account_id = ? AND id = ?",
				   "siss", zoom_user_id, now, account_id, id));
}

int store_zoom_connection_delete(struct db *db, const char *account_id, const char *id)
{
	return one_changed(
		db_exec(db, "DELETE FROM zoom_connections WHERE account_id = ? AND id = ?", "ss", account_id, id));
}

int store_zoom_fetch_state(struct db *db, const char *zoom_user_id, int64_t refreshed_at, int64_t retry_at,
			   const char *code, const char *params, const char *error, int64_t now)
{
	int no_code = !code || !*code;
	int rc = db_exec(db,
			 "UPDATE zoom_connections SET refreshed_at = CASE WHEN ? > 0 THEN ? ELSE refreshed_at END,"
			 " retry_at = ?, error = ?, error_code = ?, error_params = ?, updated_at = ?"
			 " WHERE zoom_user_id = ? AND status = 'connected'",
			 "iiisssis", refreshed_at, refreshed_at, retry_at > 0 ? retry_at : 0,
			 error && *error ? error : NULL, no_code ? NULL : code,
			 no_code || !params || !*params ? NULL : params, now, zoom_user_id);
	if (rc < 0)
		return rc;
	/* retry_at 0 means none: NULL in the table */
	rc = db_exec(db, "UPDATE zoom_connections SET retry_at = NULL WHERE zoom_user_id = ? AND retry_at = 0", "s",
		     zoom_user_id);
	if (rc < 0)
		return rc;
	return store_zoom_changed_user(db, zoom_user_id);
}

int store_zoom_connections_of_user(struct db *db, const char *zoom_user_id,
				   int (*cb)(void *ctx, const char *account_id, const char *id,
					     const char *conference_id),
				   void *ctx)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT account_id, id, conference_id FROM zoom_connections WHERE zoom_user_id = ?"
			  " ORDER BY account_id, id",
			  "s", zoom_user_id);
	if (rc)
		return rc;
	while ((rc = db_next(r)) == 1) {
		if ((rc = cb(ctx, db_text(r, 0), db_text(r, 1), db_text(r, 2))))
			break;
	}
	db_rows_free(r);
	return ok(rc);
}

int store_zoom_connections_delete_of_user(struct db *db, const char *zoom_user_id, int64_t *n)
{
	int rc = store_zoom_changed_user(db, zoom_user_id);
	if (rc)
		return rc;
	rc = db_exec(db, "DELETE FROM zoom_connections WHERE zoom_user_id = ?", "s", zoom_user_id);
	if (rc < 0)
		return rc;
	if (n)
		*n = rc;
	return 0;
}

static int changed_one(void *ctx, const char *account_id, const char *id, const char *conference_id)
{
	(void)account_id;
	(void)conference_id;
	char topic[ID_MAX + 8];
	snprintf(topic, sizeof topic, "zoom:%s", id);
	return store_changed(ctx, topic);
}

int store_zoom_changed_user(struct db *db, const char *zoom_user_id)
{
	return store_zoom_connections_of_user(db, zoom_user_id, changed_one, db);
}

/* ---- meetings ---- */

int store_zoom_meetings_each(struct db *db, const char *zoom_user_id,
			     int (*cb)(void *ctx, const struct zoom_meeting *m), void *ctx)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT meeting_id, uuid, topic, type, start_at, duration, timezone, join_url, passcode,"
			  " agenda, gone, fetched_at FROM zoom_meetings WHERE zoom_user_id = ?"
			  " ORDER BY start_at IS NULL, start_at, meeting_id",
			  "s", zoom_user_id);
	if (rc)
		return rc;
	while ((rc = db_next(r)) == 1) {
		struct zoom_meeting m = {
			.zoom_user_id = zoom_user_id,
			.meeting_id = db_int(r, 0),
			.uuid = db_text(r, 1),
			.topic = db_text(r, 2),
			.type = (int)db_int(r, 3),
			.has_start = !db_is_null(r, 4),
			.start_at = db_is_null(r, 4) ? 0 : db_int(r, 4),
			.duration = (int)db_int(r, 5),
			.timezone = db_text(r, 6),
			.join_url = db_text(r, 7),
			.passcode = db_text(r, 8),
			.agenda = db_text(r, 9),
			.gone = db_int(r, 10) != 0,
			.fetched_at = db_int(r, 11),
		};
		if ((rc = cb(ctx, &m)))
			break;
	}
	db_rows_free(r);
	return ok(rc);
}

int store_zoom_meetings_count(struct db *db, const char *zoom_user_id, int64_t *n)
{
	return db_query_int(db, n, "SELECT COUNT(*) FROM zoom_meetings WHERE zoom_user_id = ?", "s", zoom_user_id);
}

int store_zoom_meetings_replace_begin(struct db *db, const char *zoom_user_id)
{
	return ok(db_exec(db, "UPDATE zoom_meetings SET fetched_at = 0 WHERE zoom_user_id = ?", "s", zoom_user_id));
}

#define ZM_UPSERT                                                                                               \
	"INSERT INTO zoom_meetings (zoom_user_id, meeting_id, uuid, topic, type, start_at, duration, timezone," \
	" join_url, passcode, agenda, gone, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"         \
	" ON CONFLICT (zoom_user_id, meeting_id) DO UPDATE SET uuid = excluded.uuid, topic = excluded.topic,"   \
	" type = excluded.type, start_at = excluded.start_at, duration = excluded.duration,"                    \
	" timezone = excluded.timezone, join_url = excluded.join_url,"                                          \
	" passcode = COALESCE(excluded.passcode, zoom_meetings.passcode), agenda = excluded.agenda,"            \
	" gone = excluded.gone, fetched_at = excluded.fetched_at"

int store_zoom_meeting_upsert(struct db *db, const struct zoom_meeting *m)
{
	const char *topic = m->topic ? m->topic : "";
	int rc;
	/* start_at is NULL for a meeting without a fixed time (type 3) */
	if (m->has_start)
		rc = db_exec(db, ZM_UPSERT, "sissdidsssddi", m->zoom_user_id, m->meeting_id, m->uuid, topic, m->type,
			     m->start_at, m->duration, m->timezone, m->join_url, m->passcode, m->agenda, m->gone,
			     m->fetched_at);
	else
		rc = db_exec(db, ZM_UPSERT, "sissdsdsssddi", m->zoom_user_id, m->meeting_id, m->uuid, topic, m->type,
			     (const char *)NULL, m->duration, m->timezone, m->join_url, m->passcode, m->agenda, m->gone,
			     m->fetched_at);
	return ok(rc);
}

int store_zoom_meetings_replace_end(struct db *db, const char *zoom_user_id)
{
	return ok(
		db_exec(db, "DELETE FROM zoom_meetings WHERE zoom_user_id = ? AND fetched_at = 0", "s", zoom_user_id));
}

int store_zoom_meeting_mark_gone(struct db *db, const char *zoom_user_id, int64_t meeting_id)
{
	int rc = db_exec(db, "UPDATE zoom_meetings SET gone = 1 WHERE zoom_user_id = ? AND meeting_id = ?", "si",
			 zoom_user_id, meeting_id);
	if (rc < 0)
		return rc;
	return store_zoom_changed_user(db, zoom_user_id);
}

int store_zoom_meeting_delete(struct db *db, const char *zoom_user_id, int64_t meeting_id)
{
	int rc = db_exec(db, "DELETE FROM zoom_meetings WHERE zoom_user_id = ? AND meeting_id = ?", "si", zoom_user_id,
			 meeting_id);
	if (rc < 0)
		return rc;
	return store_zoom_changed_user(db, zoom_user_id);
}

int store_zoom_meeting_exists(struct db *db, const char *zoom_user_id, int64_t meeting_id)
{
	int64_t n = 0;
	int rc = db_query_int(db, &n, "SELECT COUNT(*) FROM zoom_meetings WHERE zoom_user_id = ? AND meeting_id = ?",
			      "si", zoom_user_id, meeting_id);
	if (rc)
		return rc;
	return n ? 0 : E_NOTFOUND;
}

/* ---- OAuth states ---- */

int store_zoom_state_insert(struct db *db, const struct zoom_oauth_state *s)
{
	return ok(db_exec(db,
			  "INSERT INTO zoom_oauth_states (state_hash, account_id, connection_id, user_id,"
			  " verifier_sealed, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
			  "sssssi", s->state_hash, s->account_id, s->connection_id, s->user_id, s->verifier_sealed,
			  s->expires_at));
}

int store_zoom_state_use(struct db *db, const char *state_hash, int64_t now, struct zoom_oauth_state *out)
{
	/* the UPDATE decides who used it first: two callbacks racing with one
	 * state see one change each between them */
	int marked = db_exec(db, "UPDATE zoom_oauth_states SET used_at = ? WHERE state_hash = ? AND used_at IS NULL",
			     "is", now, state_hash);
	if (marked < 0)
		return marked;
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT state_hash, account_id, connection_id, user_id, verifier_sealed, expires_at,"
			  " COALESCE(used_at, 0) FROM zoom_oauth_states WHERE state_hash = ?",
			  "s", state_hash);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		COPY(out->state_hash, r, 0);
		COPY(out->account_id, r, 1);
		COPY(out->connection_id, r, 2);
		COPY(out->user_id, r, 3);
		COPY(out->verifier_sealed, r, 4);
		out->expires_at = db_int(r, 5);
		out->used_at = db_int(r, 6);
		rc = marked ? 0 : E_CONFLICT;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int store_zoom_states_purge(struct db *db, int64_t before)
{
	return ok(db_exec(db, "DELETE FROM zoom_oauth_states WHERE expires_at < ?", "i", before));
}

/* ---- Marketplace installs ---- */

int store_zoom_install_insert(struct db *db, const char *token_hash, const char *zoom_user_id, int64_t expires_at)
{
	return ok(db_exec(db, "INSERT INTO zoom_installs (token_hash, zoom_user_id, expires_at) VALUES (?, ?, ?)",
			  "ssi", token_hash, zoom_user_id, expires_at));
}

int store_zoom_install_get(struct db *db, const char *token_hash, int64_t now, char zoom_user_id[ZOOM_ID_MAX])
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT zoom_user_id FROM zoom_installs WHERE token_hash = ? AND used_at IS NULL"
			  " AND expires_at > ?",
			  "si", token_hash, now);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		copy_text(zoom_user_id, ZOOM_ID_MAX, db_text(r, 0));
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	return rc;
}

int store_zoom_install_use(struct db *db, const char *token_hash, int64_t now)
{
	return one_changed(db_exec(db,
				   "UPDATE zoom_installs SET used_at = ? WHERE token_hash = ? AND used_at IS NULL"
				   " AND expires_at > ?",
				   "isi", now, token_hash, now));
}

int store_zoom_install_take_expired(struct db *db, int64_t now, char zoom_user_id[ZOOM_ID_MAX])
{
	struct db_rows *r;
	char hash[HASH_HEX_MAX];
	int rc = db_query(
		db, &r,
		"SELECT token_hash, zoom_user_id FROM zoom_installs WHERE expires_at <= ? OR used_at IS NOT NULL"
		" ORDER BY expires_at LIMIT 1",
		"i", now);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1) {
		copy_text(hash, sizeof hash, db_text(r, 0));
		copy_text(zoom_user_id, ZOOM_ID_MAX, db_text(r, 1));
		rc = 0;
	} else if (rc == 0) {
		rc = E_NOTFOUND;
	}
	db_rows_free(r);
	if (rc)
		return rc;
	return ok(db_exec(db, "DELETE FROM zoom_installs WHERE token_hash = ?", "s", hash));
}
