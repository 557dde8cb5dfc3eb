/* SQL of the files sent in support chats (see store/support_files.h). The
 * driver's parameters and columns are text, so the bytes travel as hex:
 * decode()/encode() on PostgreSQL (BYTEA), convene_unhex()/hex() on SQLite
 * (BLOB; the function is the SQLite driver's). */
#include "store/support_files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "store/db.h"

#define FILE_COLS "id, session_id, name, content_type, author_kind, COALESCE(author_id, ''), size, created_at"

static void cp(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

static void file_row(struct db_rows *r, struct support_file *f)
{
	cp(f->id, sizeof f->id, db_text(r, 0));
	cp(f->session_id, sizeof f->session_id, db_text(r, 1));
	cp(f->name, sizeof f->name, db_text(r, 2));
	cp(f->content_type, sizeof f->content_type, db_text(r, 3));
	cp(f->author_kind, sizeof f->author_kind, db_text(r, 4));
	cp(f->author_id, sizeof f->author_id, db_text(r, 5));
	f->size = db_int(r, 6);
	f->created_at = db_int(r, 7);
	f->erased = db_int(r, 8) != 0;
}

int store_support_file_add(struct db *db, const char *account_id, const struct support_file *f, const void *data,
			   size_t len)
{
	static const char digits[] = "0123456789abcdef";
	char *hex = malloc(len * 2 + 1);
	if (!hex)
		return E_NOMEM;
	const unsigned char *b = data;
	for (size_t i = 0; i < len; i++) {
		hex[2 * i] = digits[b[i] >> 4];
		hex[2 * i + 1] = digits[b[i] & 15];
	}
	hex[len * 2] = 0;
	int rc = db_exec(db,
			 db_kind(db) == DB_PG
				 ? "INSERT INTO support_files (account_id, id, session_id, name, content_type, size,"
				   " author_kind, author_id, data, created_at)"
				   " VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''), decode(?, 'hex'), ?)"
				 : "INSERT INTO support_files (account_id, id, session_id, name, content_type, size,"
				   " author_kind, author_id, data, created_at)"
				   " VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''), convene_unhex(?), ?)",
			 "sssssisssi", account_id, f->id, f->session_id, f->name, f->content_type, f->size,
			 f->author_kind, f->author_id, hex, f->created_at);
	free(hex);
	return rc < 0 ? rc : 0;
}

int store_support_file_totals(struct db *db, const char *account_id, const char *session_id, int64_t *count,
			      int64_t *bytes)
{
	struct db_rows *r;
	*count = *bytes = 0;
	int rc = db_query(db, &r,
			  "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM support_files WHERE account_id = ?"
			  " AND session_id = ?",
			  "ss", account_id, session_id);
	if (rc)
		return rc;
	if ((rc = db_next(r)) == 1) {
		*count = db_int(r, 0);
		*bytes = db_int(r, 1);
	}
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : 0;
}

int store_support_file_get(struct db *db, const char *account_id, const char *session_id, const char *id,
			   struct support_file *out, unsigned char **data, size_t *len)
{
	struct db_rows *r;
	const char *sql = !data ? "SELECT " FILE_COLS ", CASE WHEN data IS NULL THEN 1 ELSE 0 END FROM support_files"
				  " WHERE account_id = ? AND session_id = ? AND id = ?"
			  : db_kind(db) == DB_PG
				  ? "SELECT " FILE_COLS
				    ", CASE WHEN data IS NULL THEN 1 ELSE 0 END, encode(data, 'hex')"
				    " FROM support_files WHERE account_id = ? AND session_id = ? AND id = ?"
				  : "SELECT " FILE_COLS ", CASE WHEN data IS NULL THEN 1 ELSE 0 END, hex(data)"
				    " FROM support_files WHERE account_id = ? AND session_id = ? AND id = ?";
	if (data) {
		*data = NULL;
		*len = 0;
	}
	int rc = db_query(db, &r, sql, "sss", account_id, session_id, id);
	if (rc)
		return rc;
	if ((rc = db_next(r)) == 1) {
		file_row(r, out);
		const char *hex = data ? db_text(r, 9) : NULL;
		if (hex && !out->erased) {
			size_t n = strlen(hex) / 2;
			if (!(*data = malloc(n ? n : 1)))
				rc = E_NOMEM;
			else {
				for (size_t i = 0; i < n; i++)
					(*data)[i] = (unsigned char)(hexval(hex[2 * i]) * 16 + hexval(hex[2 * i + 1]));
				*len = n;
			}
		}
	}
	db_rows_free(r);
	return rc < 0 ? rc : rc == 0 ? E_NOTFOUND : 0;
}

int store_support_files_list(struct db *db, const char *account_id, const char *session_id, struct support_file *out,
			     int max, int *n)
{
	struct db_rows *r;
	*n = 0;
	int rc = db_query(db, &r,
			  "SELECT " FILE_COLS ", CASE WHEN data IS NULL THEN 1 ELSE 0 END FROM support_files"
			  " WHERE account_id = ? AND session_id = ? ORDER BY created_at, id",
			  "ss", account_id, session_id);
	if (rc)
		return rc;
	while ((rc = db_next(r)) == 1)
		if (*n < max)
			file_row(r, &out[(*n)++]);
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

int store_support_file_message(struct db *db, const char *account_id, const char *session_id, int64_t seq,
			       const char *file_id)
{
	int rc = db_exec(db,
			 "UPDATE support_messages SET file_id = ? WHERE account_id = ? AND session_id = ? AND seq = ?",
			 "sssi", file_id, account_id, session_id, seq);
	return rc < 0 ? rc : 0;
}
