/* Portals table, their old slugs, and the openness query. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"
#include "store/support_serving.h"

#define COLS                                                                                                       \
	"account_id, id, company_id, COALESCE(parent_id, ''), slug, title, welcome, logo, accent, customer_auth, " \
	"offline_policy, greeting, wait_after_s, wait_message, offline_message, created_at, updated_at"

static void copy(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

static int row_portal(struct db_rows *r, struct portal *p)
{
	copy(p->account_id, sizeof p->account_id, db_text(r, 0));
	copy(p->id, sizeof p->id, db_text(r, 1));
	copy(p->company_id, sizeof p->company_id, db_text(r, 2));
	copy(p->parent_id, sizeof p->parent_id, db_text(r, 3));
	copy(p->slug, sizeof p->slug, db_text(r, 4));
	copy(p->title, sizeof p->title, db_text(r, 5));
	copy(p->welcome, sizeof p->welcome, db_text(r, 6));
	const char *logo = db_text(r, 7);
	p->logo = strdup(logo ? logo : "");
	copy(p->accent, sizeof p->accent, db_text(r, 8));
	copy(p->customer_auth, sizeof p->customer_auth, db_text(r, 9));
	copy(p->offline_policy, sizeof p->offline_policy, db_text(r, 10));
	copy(p->greeting, sizeof p->greeting, db_text(r, 11));
	p->wait_after_s = db_int(r, 12);
	copy(p->wait_message, sizeof p->wait_message, db_text(r, 13));
	copy(p->offline_message, sizeof p->offline_message, db_text(r, 14));
	p->created_at = db_int(r, 15);
	p->updated_at = db_int(r, 16);
	return p->logo ? 0 : E_NOMEM;
}

void store_portal_free(struct portal *p)
{
	free(p->logo);
	p->logo = NULL;
}

/* one portal of a query, or E_NOTFOUND */
static int one(struct db_rows *r, struct portal *out)
{
	int rc = db_next(r);
	if (rc == 1)
		rc = row_portal(r, out);
	else if (rc == 0)
		rc = E_NOTFOUND;
	db_rows_free(r);
	return rc;
}

int store_portal_insert(struct db *db, const struct portal *p)
{
	int rc = db_exec(
		db,
		"INSERT INTO portals (account_id, id, company_id, parent_id, slug, title, welcome, logo, accent,"
		" customer_auth, offline_policy, greeting, wait_after_s, wait_message, offline_message,"
		" created_at, updated_at) VALUES (?, ?, ?, NULLIF(?, ''), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		"ssssssssssssissii", p->account_id, p->id, p->company_id, p->parent_id, p->slug, p->title, p->welcome,
		p->logo ? p->logo : "", p->accent, p->customer_auth, p->offline_policy, p->greeting, p->wait_after_s,
		p->wait_message, p->offline_message, p->created_at, p->updated_at);
	return rc < 0 ? rc : 0;
}

int store_portal_update(struct db *db, const struct portal *p)
{
	int rc = db_exec(db,
			 "UPDATE portals SET slug = ?, title = ?, welcome = ?, logo = ?, accent = ?, customer_auth = ?,"
			 " offline_policy = ?, greeting = ?, wait_after_s = ?, wait_message = ?, offline_message = ?,"
			 " updated_at = ? WHERE account_id = ? AND id = ?",
			 "ssssssssississ", p->slug, p->title, p->welcome, p->logo ? p->logo : "", p->accent,
			 p->customer_auth, p->offline_policy, p->greeting, p->wait_after_s, p->wait_message,
			 p->offline_message, p->updated_at, p->account_id, p->id);
	if (rc < 0)
		return rc;
	return rc == 0 ? E_NOTFOUND : 0;
}

int store_portal_delete(struct db *db, const char *account_id, const char *id)
{
	int rc = db_exec(db, "DELETE FROM portals WHERE account_id = ? AND id = ?", "ss", account_id, id);
	if (rc < 0)
		return rc;
	return rc == 0 ? E_NOTFOUND : 0;
}

int store_portal_get(struct db *db, const char *account_id, const char *id, struct portal *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r, "SELECT " COLS " FROM portals WHERE account_id = ? AND id = ?", "ss", account_id, id);
	return rc ? rc : one(r, out);
}

int store_portal_of_company(struct db *db, const char *account_id, const char *company_id, struct portal *out)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT " COLS " FROM portals WHERE account_id = ? AND company_id = ? AND parent_id IS NULL",
			  "ss", account_id, company_id);
	return rc ? rc : one(r, out);
}

int store_portal_by_slug(struct db *db, const char *slug, struct portal *out, int *old)
{
	struct db_rows *r;
	*old = 0;
	int rc = db_query(db, &r, "SELECT " COLS " FROM portals WHERE slug = ?", "s", slug);
	if (rc || (rc = one(r, out)) != E_NOTFOUND)
		return rc;
	*old = 1;
	rc = db_query(db, &r,
		      "SELECT " COLS " FROM portals p WHERE EXISTS (SELECT 1 FROM portal_old_slugs o"
		      " WHERE o.slug = ? AND o.account_id = p.account_id AND o.portal_id = p.id)",
		      "s", slug);
	return rc ? rc : one(r, out);
}

int store_portal_slug_taken(struct db *db, const char *slug, const char *except_account, const char *except_id)
{
	int64_t n = 0;
	int rc = db_query_int(db, &n,
			      "SELECT (SELECT COUNT(*) FROM portals WHERE slug = ? AND NOT (account_id = ? AND id = ?))"
			      " + (SELECT COUNT(*) FROM portal_old_slugs WHERE slug = ?"
			      "    AND NOT (account_id = ? AND portal_id = ?))",
			      "ssssss", slug, except_account, except_id, slug, except_account, except_id);
	return rc ? rc : n > 0;
}

int store_portal_old_slug_add(struct db *db, const char *account_id, const char *portal_id, const char *slug,
			      int64_t now)
{
	int rc = db_exec(db,
			 "INSERT INTO portal_old_slugs (slug, account_id, portal_id, created_at) VALUES (?, ?, ?, ?)"
			 " ON CONFLICT DO NOTHING",
			 "sssi", slug, account_id, portal_id, now);
	return rc < 0 ? rc : 0;
}

int store_portal_old_slug_drop(struct db *db, const char *slug)
{
	int rc = db_exec(db, "DELETE FROM portal_old_slugs WHERE slug = ?", "s", slug);
	return rc < 0 ? rc : 0;
}

static int many(struct db_rows *r, struct portal *out, int max, int *n)
{
	int rc;
	*n = 0;
	while ((rc = db_next(r)) == 1 && *n < max) {
		if ((rc = row_portal(r, &out[*n])))
			break;
		(*n)++;
	}
	db_rows_free(r);
	if (rc < 0) {
		for (int i = 0; i < *n; i++)
			store_portal_free(&out[i]);
		*n = 0;
		return rc;
	}
	return 0;
}

int store_portal_list(struct db *db, const char *account_id, const struct portal_filter *f, struct portal *out, int max,
		      int *n)
{
	const char *seen = f->seen_by ? f->seen_by : "";
	struct db_rows *r;
	int rc = db_query(
		db, &r,
		"SELECT " COLS " FROM portals p WHERE account_id = ? AND (? = '' OR company_id = ?) AND id > ?"
		" AND (? = '' OR EXISTS (SELECT 1 FROM user_companies m WHERE m.account_id = p.account_id"
		"      AND m.user_id = ? AND m.company_id = p.company_id)"
		"  OR EXISTS (SELECT 1 FROM portal_managers pm WHERE pm.account_id = p.account_id AND pm.user_id = ?"
		"      AND (pm.portal_id = p.id OR pm.portal_id = p.parent_id)))"
		" ORDER BY id LIMIT ?",
		"sssssssd", account_id, f->company_id ? f->company_id : "", f->company_id ? f->company_id : "",
		f->after_id ? f->after_id : "", seen, seen, seen, f->limit > 0 && f->limit < max ? f->limit : max);
	return rc ? rc : many(r, out, max, n);
}

int store_portal_children(struct db *db, const char *account_id, const char *parent_id, struct portal *out, int max,
			  int *n)
{
	struct db_rows *r;
	int rc = db_query(db, &r,
			  "SELECT " COLS
			  " FROM portals WHERE account_id = ? AND parent_id = ? ORDER BY title, id LIMIT ?",
			  "ssd", account_id, parent_id, max);
	return rc ? rc : many(r, out, max, n);
}

int store_portal_child_count(struct db *db, const char *account_id, const char *parent_id, int64_t *n)
{
	return db_query_int(db, n, "SELECT COUNT(*) FROM portals WHERE account_id = ? AND parent_id = ?", "ss",
			    account_id, parent_id);
}

int store_portal_managed_by(struct db *db, const char *account_id, const char *portal_id, const char *user_id, int *yes)
{
	int64_t n = 0;
	int rc = db_query_int(db, &n,
			      "SELECT COUNT(*) FROM portal_managers pm JOIN portals p ON p.account_id = pm.account_id"
			      " AND p.id = ? WHERE pm.account_id = ? AND pm.user_id = ?"
			      " AND (pm.portal_id = p.id OR pm.portal_id = p.parent_id)",
			      "sss", portal_id, account_id, user_id);
	*yes = n > 0;
	return rc;
}

int store_portal_available(struct db *db, const struct portal *p, int64_t seen_after, int64_t *count)
{
	return db_query_int(db, count, SUPPORT_SERVING_CTE " SELECT COUNT(*) FROM eligible WHERE nload < max_sessions",
			    "ssi", p->account_id, p->id, seen_after);
}

int store_portal_company_teams(struct db *db, const char *account_id, const char *company_id, char (*out)[ID_MAX],
			       int max, int *n)
{
	struct db_rows *r;
	*n = 0;
	int rc = db_query(db, &r,
			  "SELECT DISTINCT t.team_id FROM portal_teams t JOIN portals p ON p.account_id = t.account_id"
			  " AND p.id = t.portal_id WHERE t.account_id = ? AND p.company_id = ? ORDER BY t.team_id",
			  "ss", account_id, company_id);
	if (rc)
		return rc;
	while (*n < max && (rc = db_next(r)) == 1)
		snprintf(out[(*n)++], ID_MAX, "%s", db_text(r, 0));
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}
