/* The principal searches: one bounded query per kind, LIKE on lower-cased
 * columns of one account, the terms joined by AND or OR as asked (the LIMIT
 * ends the scan early; an account holds some thousands of users and rooms). */
#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "store/db.h"
#include "store/store.h"

static int rows(struct db_rows *r, struct principal_row *out, int max, int *n)
{
	int rc;
	*n = 0;
	while ((rc = db_next(r)) == 1 && *n < max) {
		struct principal_row *p = &out[(*n)++];
		snprintf(p->id, sizeof p->id, "%s", db_text(r, 0));
		snprintf(p->name, sizeof p->name, "%s", db_text(r, 1) ? db_text(r, 1) : "");
		snprintf(p->email, sizeof p->email, "%s", db_text(r, 2) ? db_text(r, 2) : "");
	}
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}

static int search(struct db *db, const char *base, const char *name_col, const char *account_id,
		  const struct principal_query *q, struct principal_row *out, int max, int *n)
{
	char sql[2048], like[PRINCIPAL_TERMS_MAX][600];
	struct db_param p[32];
	int k = 0, len = snprintf(sql, sizeof sql, "%s", base);
	p[k++] = (struct db_param){'s', account_id, 0};
	if (q->nterms < 0 || q->nterms > PRINCIPAL_TERMS_MAX)
		return E_INVALID;
	for (int i = 0; i < q->nterms; i++) {
		const struct principal_term *t = &q->terms[i];
		char *l = like[i];
		db_like_pattern(t->text, t->match == PRINCIPAL_CONTAINS || t->match == PRINCIPAL_ENDS, l, 600);
		size_t ln = strlen(l);
		if ((t->match == PRINCIPAL_EQUALS || t->match == PRINCIPAL_ENDS) && ln && l[ln - 1] == '%')
			l[ln - 1] = 0; /* the pattern's own wildcard (the text's are escaped) */
		if (t->match == PRINCIPAL_EQUALS && l[0] == '%')
			memmove(l, l + 1, strlen(l));
		len += snprintf(sql + len, sizeof sql - len, "%s(", !i ? " AND (" : q->allof ? " AND " : " OR ");
		if (t->name) {
			len += snprintf(sql + len, sizeof sql - len, "lower(%s) LIKE lower(?) ESCAPE '\\'", name_col);
			p[k++] = (struct db_param){'s', l, 0};
		}
		if (t->email) {
			len += snprintf(sql + len, sizeof sql - len, "%slower(email) LIKE lower(?) ESCAPE '\\'",
					t->name ? " OR " : "");
			p[k++] = (struct db_param){'s', l, 0};
		}
		if (!t->name && !t->email)
			len += snprintf(sql + len, sizeof sql - len, "1 = 0");
		len += snprintf(sql + len, sizeof sql - len, ")%s", i == q->nterms - 1 ? ")" : "");
	}
	if (q->bookable_by) { /* as store_room_may_book */
		len += snprintf(sql + len, sizeof sql - len,
				" AND (NOT EXISTS (SELECT 1 FROM room_companies c WHERE c.account_id = r.account_id"
				" AND c.room_id = r.id) OR EXISTS (SELECT 1 FROM room_companies c JOIN"
				" user_companies uc ON uc.account_id = c.account_id AND uc.company_id = c.company_id"
				" WHERE c.account_id = r.account_id AND c.room_id = r.id AND uc.user_id = ?))");
		p[k++] = (struct db_param){'s', q->bookable_by, 0};
	}
	len += snprintf(sql + len, sizeof sql - len, " ORDER BY lower(%s), id LIMIT ?", name_col);
	p[k++] = (struct db_param){'i', NULL, max};
	if (len >= (int)sizeof sql)
		return E_INVALID;
	struct db_rows *r;
	int rc = db_query_params(db, &r, sql, k, p);
	return rc ? rc : rows(r, out, max, n);
}

int store_principal_users(struct db *db, const char *account_id, const struct principal_query *q,
			  struct principal_row *out, int max, int *n)
{
	struct principal_query u = *q;
	u.bookable_by = NULL;
	return search(db,
		      "SELECT id, display_name, email FROM users r WHERE account_id = ? AND status = 'active'"
		      " AND role NOT IN ('guest', 'customer')",
		      "display_name", account_id, &u, out, max, n);
}

int store_principal_rooms(struct db *db, const char *account_id, const struct principal_query *q,
			  struct principal_row *out, int max, int *n)
{
	return search(db, "SELECT id, name, email FROM rooms r WHERE account_id = ?", "name", account_id, q, out, max,
		      n);
}
