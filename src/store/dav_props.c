/* dav_properties and dav_files (migration 014). A collection's subtree is
 * "every path that starts with it", written substr(path, 1, length(?)) = ?
 * so that no LIKE escaping or collation gets in the way. */
#include "store/dav_props.h"

#include <string.h>

#include "core/errors.h"
#include "store/db.h"

#define UNDER "substr(path, 1, length(?)) = ?"

static const char *dup(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

int store_dav_props_list(struct db *db, struct arena *a, const char *account_id, const char *calendar_id,
			 const char *path, struct dav_dead **out, int *n)
{
	struct db_rows *r;
	int rc = path ? db_query(db, &r,
				 "SELECT path, ns, name, value FROM dav_properties WHERE account_id = ? AND "
				 "calendar_id = ? AND path = ? ORDER BY ns, name",
				 "sss", account_id, calendar_id, path)
		      : db_query(db, &r,
				 "SELECT path, ns, name, value FROM dav_properties WHERE account_id = ? AND "
				 "calendar_id = ? ORDER BY path, ns, name",
				 "ss", account_id, calendar_id);
	int cap = 16;
	*n = 0;
	*out = NULL;
	if (rc)
		return rc;
	struct dav_dead *v = arena_alloc(a, sizeof *v * (size_t)cap);
	while ((rc = db_next(r)) == 1) {
		if (*n == cap) {
			struct dav_dead *w = arena_alloc(a, sizeof *w * (size_t)cap * 2);
			memcpy(w, v, sizeof *v * (size_t)cap);
			v = w, cap *= 2;
		}
		v[*n] = (struct dav_dead){dup(a, db_text(r, 0)), dup(a, db_text(r, 1)), dup(a, db_text(r, 2)),
					  dup(a, db_text(r, 3))};
		(*n)++;
	}
	db_rows_free(r);
	*out = v;
	return rc < 0 ? rc : 0;
}

int store_dav_prop_remove(struct db *db, const char *account_id, const char *calendar_id, const char *path,
			  const char *ns, const char *name)
{
	int rc = db_exec(db,
			 "DELETE FROM dav_properties WHERE account_id = ? AND calendar_id = ? AND path = ? AND ns = ?"
			 " AND name = ?",
			 "sssss", account_id, calendar_id, path, ns, name);
	return rc < 0 ? rc : 0;
}

int store_dav_prop_set(struct db *db, const char *account_id, const char *calendar_id, const char *path, const char *ns,
		       const char *name, const char *value)
{
	int rc = store_dav_prop_remove(db, account_id, calendar_id, path, ns, name);
	if (!rc)
		rc = db_exec(db,
			     "INSERT INTO dav_properties (account_id, calendar_id, path, ns, name, value) "
			     "VALUES (?, ?, ?, ?, ?, ?)",
			     "ssssss", account_id, calendar_id, path, ns, name, value);
	return rc < 0 ? rc : 0;
}

static int sizes(struct db *db, const char *sql, const char *account_id, const char *calendar_id, const char *path,
		 int64_t *bytes, int64_t *count)
{
	struct db_rows *r;
	int rc = path ? db_query(db, &r, sql, "sss", account_id, calendar_id, path)
		      : db_query(db, &r, sql, "ss", account_id, calendar_id);
	*bytes = *count = 0;
	if (rc)
		return rc;
	if ((rc = db_next(r)) == 1) {
		*bytes = db_is_null(r, 0) ? 0 : db_int(r, 0);
		*count = db_int(r, 1);
	}
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_dav_props_size(struct db *db, const char *account_id, const char *calendar_id, const char *path,
			 int64_t *bytes, int64_t *count)
{
	return sizes(db,
		     "SELECT SUM(length(value) + length(ns) + length(name)), COUNT(*) FROM dav_properties "
		     "WHERE account_id = ? AND calendar_id = ? AND path = ?",
		     account_id, calendar_id, path, bytes, count);
}

int store_dav_props_delete(struct db *db, const char *account_id, const char *calendar_id, const char *path, int tree)
{
	int rc = tree ? db_exec(db, "DELETE FROM dav_properties WHERE account_id = ? AND calendar_id = ? AND " UNDER,
				"ssss", account_id, calendar_id, path, path)
		      : db_exec(db, "DELETE FROM dav_properties WHERE account_id = ? AND calendar_id = ? AND path = ?",
				"sss", account_id, calendar_id, path);
	return rc < 0 ? rc : 0;
}

int store_dav_props_copy(struct db *db, const char *account_id, const char *from_cal, const char *from,
			 const char *to_cal, const char *to, int tree, int move)
{
	int rc;
	if (move)
		rc = tree ? db_exec(db,
				    "UPDATE dav_properties SET calendar_id = ?, path = ? || substr(path, length(?) + 1) "
				    "WHERE account_id = ? AND calendar_id = ? AND " UNDER,
				    "sssssss", to_cal, to, from, account_id, from_cal, from, from)
			  : db_exec(db,
				    "UPDATE dav_properties SET calendar_id = ?, path = ? WHERE account_id = ? AND "
				    "calendar_id = ? AND path = ?",
				    "sssss", to_cal, to, account_id, from_cal, from);
	else
		rc = tree ? db_exec(db,
				    "INSERT INTO dav_properties (account_id, calendar_id, path, ns, name, value) "
				    "SELECT account_id, ?, ? || substr(path, length(?) + 1), ns, name, value "
				    "FROM dav_properties WHERE account_id = ? AND calendar_id = ? AND " UNDER,
				    "sssssss", to_cal, to, from, account_id, from_cal, from, from)
			  : db_exec(db,
				    "INSERT INTO dav_properties (account_id, calendar_id, path, ns, name, value) "
				    "SELECT account_id, ?, ?, ns, name, value FROM dav_properties "
				    "WHERE account_id = ? AND calendar_id = ? AND path = ?",
				    "sssss", to_cal, to, account_id, from_cal, from);
	return rc < 0 ? rc : 0;
}

static void file_of(struct arena *a, struct db_rows *r, struct dav_file *f)
{
	f->path = dup(a, db_text(r, 0));
	f->body = db_is_null(r, 1) ? NULL : dup(a, db_text(r, 1));
	f->len = f->body ? strlen(f->body) : 0;
	f->content_type = dup(a, db_text(r, 2));
	f->etag = dup(a, db_text(r, 3));
	f->updated_at = db_int(r, 4);
}

int store_dav_file_get(struct db *db, struct arena *a, const char *account_id, const char *calendar_id,
		       const char *path, struct dav_file *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT path, body, content_type, etag, updated_at FROM dav_files WHERE account_id = ? "
			  "AND calendar_id = ? AND path = ?",
			  "sss", account_id, calendar_id, path);
	if (rc)
		return rc;
	rc = db_next(r);
	if (rc == 1)
		file_of(a, r, out);
	db_rows_free(r);
	return rc == 1 ? 0 : rc < 0 ? rc : E_NOTFOUND;
}

int store_dav_file_put(struct db *db, const char *account_id, const char *calendar_id, const struct dav_file *f)
{
	int rc = db_exec(db, "DELETE FROM dav_files WHERE account_id = ? AND calendar_id = ? AND path = ?", "sss",
			 account_id, calendar_id, f->path);
	if (rc >= 0)
		rc = db_exec(db,
			     "INSERT INTO dav_files (account_id, calendar_id, path, body, content_type, etag, "
			     "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			     "ssssssi", account_id, calendar_id, f->path, f->body, f->content_type, f->etag,
			     f->updated_at);
	return rc < 0 ? rc : 0;
}

int store_dav_file_members(struct db *db, struct arena *a, const char *account_id, const char *calendar_id,
			   const char *dir, struct dav_file **out, int *n)
{
	struct db_rows *r;
	/* one level down: nothing after the member's own name but its trailing '/' */
	int rc = db_query(db, &r,
			  "SELECT path, body, content_type, etag, updated_at FROM dav_files WHERE account_id = ? "
			  "AND calendar_id = ? AND path <> ? AND " UNDER " ORDER BY path",
			  "sssss", account_id, calendar_id, dir, dir, dir);
	int cap = 16;
	size_t dl = strlen(dir);
	*n = 0;
	*out = NULL;
	if (rc)
		return rc;
	struct dav_file *v = arena_alloc(a, sizeof *v * (size_t)cap);
	while ((rc = db_next(r)) == 1) {
		const char *p = db_text(r, 0) + dl, *slash = strchr(p, '/');
		if (slash && slash[1])
			continue;
		if (*n == cap) {
			struct dav_file *w = arena_alloc(a, sizeof *w * (size_t)cap * 2);
			memcpy(w, v, sizeof *v * (size_t)cap);
			v = w, cap *= 2;
		}
		file_of(a, r, &v[(*n)++]);
	}
	db_rows_free(r);
	*out = v;
	return rc < 0 ? rc : 0;
}

int store_dav_files_size(struct db *db, const char *account_id, const char *calendar_id, int64_t *bytes, int64_t *count)
{
	return sizes(db,
		     "SELECT SUM(length(body) + length(path)), COUNT(*) FROM dav_files WHERE account_id = ? "
		     "AND calendar_id = ?",
		     account_id, calendar_id, NULL, bytes, count);
}

int store_dav_file_delete(struct db *db, const char *account_id, const char *calendar_id, const char *path, int tree)
{
	int rc = tree ? db_exec(db, "DELETE FROM dav_files WHERE account_id = ? AND calendar_id = ? AND " UNDER, "ssss",
				account_id, calendar_id, path, path)
		      : db_exec(db, "DELETE FROM dav_files WHERE account_id = ? AND calendar_id = ? AND path = ?",
				"sss", account_id, calendar_id, path);
	if (rc >= 0)
		rc = store_dav_props_delete(db, account_id, calendar_id, path, tree);
	return rc < 0 ? rc : 0;
}

int store_dav_file_copy(struct db *db, const char *account_id, const char *from_cal, const char *from,
			const char *to_cal, const char *to, int tree, int move, int64_t now)
{
	int rc;
	if (move)
		rc = tree ? db_exec(db,
				    "UPDATE dav_files SET calendar_id = ?, path = ? || substr(path, length(?) + 1) "
				    "WHERE account_id = ? AND calendar_id = ? AND " UNDER,
				    "sssssss", to_cal, to, from, account_id, from_cal, from, from)
			  : db_exec(db,
				    "UPDATE dav_files SET calendar_id = ?, path = ? WHERE account_id = ? AND "
				    "calendar_id = ? AND path = ?",
				    "sssss", to_cal, to, account_id, from_cal, from);
	else
		rc = tree ? db_exec(db,
				    "INSERT INTO dav_files (account_id, calendar_id, path, body, content_type, etag, "
				    "updated_at) SELECT account_id, ?, ? || substr(path, length(?) + 1), body, "
				    "content_type, etag || 'c', ? FROM dav_files WHERE account_id = ? AND calendar_id = ? "
				    "AND " UNDER,
				    "sssissss", to_cal, to, from, now, account_id, from_cal, from, from)
			  : db_exec(db,
				    "INSERT INTO dav_files (account_id, calendar_id, path, body, content_type, etag, "
				    "updated_at) SELECT account_id, ?, ?, body, content_type, etag || 'c', ? "
				    "FROM dav_files WHERE account_id = ? AND calendar_id = ? AND path = ?",
				    "ssisss", to_cal, to, now, account_id, from_cal, from);
	if (rc >= 0)
		rc = store_dav_props_copy(db, account_id, from_cal, from, to_cal, to, tree, move);
	return rc < 0 ? rc : 0;
}
