/* SQL of the support history search (see store/support_history.h). */
#include "store/support_history.h"

#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "store/db.h"

static void cp(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

int store_support_history(struct db *db, const char *account_id, const struct support_history_filter *f,
			  struct support_history_row *out, int max, int *n)
{
	char like[1200];
	db_like_pattern(f->q ? f->q : "", 1, like, sizeof like);
	const char *user = f->user_id ? f->user_id : "";
	const char *managed = f->user_id && f->managed ? f->user_id : "";
	const char *before = f->before_id ? f->before_id : "";
	struct db_rows *r;
	int rc = db_query(
		db, &r,
		"WITH RECURSIVE down(id) AS (SELECT team_id FROM team_managers WHERE account_id = ? AND user_id = ?"
		" UNION SELECT t.id FROM teams t JOIN down ON t.parent_id = down.id WHERE t.account_id = ?)"
		" SELECT s.id, s.portal_id, s.company_id, COALESCE(s.technician_id, ''), s.state,"
		" COALESCE(s.closed_by, ''), s.customer_name, s.customer_email, COALESCE(u.display_name, ''),"
		" COALESCE(s.question, ''), s.created_at, COALESCE(s.closed_at, 0) FROM support_sessions s"
		" LEFT JOIN users u ON u.account_id = s.account_id AND u.id = s.technician_id WHERE s.account_id = ?"
		" AND (? = '' OR lower(s.customer_name) LIKE lower(?) ESCAPE '\\'"
		" OR lower(s.customer_email) LIKE lower(?) ESCAPE '\\' OR lower(COALESCE(s.question, '')) LIKE lower(?)"
		" ESCAPE '\\')"
		" AND (? = '' OR s.state = ?) AND (? = '' OR s.company_id = ?) AND (? = '' OR s.portal_id = ?)"
		" AND (? = '' OR s.technician_id = ?)"
		" AND (? = '' OR s.company_id IN (SELECT company_id FROM user_companies WHERE account_id = ?"
		" AND user_id = ?) OR (? <> '' AND s.company_id IN (SELECT p.company_id FROM portals p JOIN"
		" portal_teams pt ON pt.account_id = p.account_id AND pt.portal_id = p.id WHERE p.account_id = ?"
		" AND pt.team_id IN (SELECT id FROM down))))"
		" AND (? = '' OR s.created_at < ? OR (s.created_at = ? AND s.id < ?))"
		" ORDER BY s.created_at DESC, s.id DESC LIMIT ?",
		"ssssssssssssssssssssssiisi", account_id, managed, account_id, account_id, like, like, like, like,
		f->state ? f->state : "", f->state ? f->state : "", f->company_id ? f->company_id : "",
		f->company_id ? f->company_id : "", f->portal_id ? f->portal_id : "", f->portal_id ? f->portal_id : "",
		f->technician_id ? f->technician_id : "", f->technician_id ? f->technician_id : "", user, account_id,
		user, managed, account_id, before, f->before_created, f->before_created, before,
		(int64_t)(f->limit > 0 && f->limit < max ? f->limit : max));
	if (rc)
		return rc;
	*n = 0;
	while (*n < max && (rc = db_next(r)) == 1) {
		struct support_history_row *h = &out[(*n)++];
		cp(h->id, sizeof h->id, db_text(r, 0));
		cp(h->portal_id, sizeof h->portal_id, db_text(r, 1));
		cp(h->company_id, sizeof h->company_id, db_text(r, 2));
		cp(h->technician_id, sizeof h->technician_id, db_text(r, 3));
		cp(h->state, sizeof h->state, db_text(r, 4));
		cp(h->closed_by, sizeof h->closed_by, db_text(r, 5));
		cp(h->customer_name, sizeof h->customer_name, db_text(r, 6));
		cp(h->customer_email, sizeof h->customer_email, db_text(r, 7));
		cp(h->technician_name, sizeof h->technician_name, db_text(r, 8));
		cp(h->question, sizeof h->question, db_text(r, 9));
		h->created_at = db_int(r, 10);
		h->closed_at = db_int(r, 11);
	}
	db_rows_free(r);
	return rc < 0 ? rc : 0;
}
