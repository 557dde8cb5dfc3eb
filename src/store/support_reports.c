/* Support reports: one scan of a period's sessions (the caller aggregates;
 * percentiles need the values, not SQL aggregates that differ between the
 * backends), and the reset of a portal's figures. */
#include "store/support_reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "store/db.h"

static void cp(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

#define SCAN_SQL                                                                                                    \
	"SELECT s.portal_id, p.title, s.company_id, COALESCE(s.team_id, ''), COALESCE(t.name, ''),"                 \
	" COALESCE(s.technician_id, ''), COALESCE(u.display_name, ''), s.offline_request, s.state, s.created_at,"   \
	" COALESCE(s.picked_up_at, 0), COALESCE(s.answered_at, 0), COALESCE(s.closed_at, 0)"                        \
	" FROM support_sessions s JOIN portals p ON p.account_id = s.account_id AND p.id = s.portal_id"             \
	" LEFT JOIN teams t ON t.account_id = s.account_id AND t.id = s.team_id"                                    \
	" LEFT JOIN users u ON u.account_id = s.account_id AND u.id = s.technician_id"                              \
	" WHERE s.account_id = ? AND s.created_at >= ? AND s.created_at < ? AND s.created_at >= p.reports_reset_at" \
	" AND (? = '' OR s.team_id = ?) AND (? = '' OR s.company_id = ?)"

int store_support_report_scan(struct db *db, const char *account_id, const struct support_report_filter *f, int max,
			      int (*fn)(void *ctx, const struct support_report_session *s), void *ctx)
{
	const char *team = f->team_id ? f->team_id : "", *company = f->company_id ? f->company_id : "";
	if (f->portal_ids && f->n_portals > SUPPORT_REPORT_PORTALS_MAX)
		return E_INVALID;
	/* the portals as one parameter, ",id1,id2,", that both backends search
	 * alike (ids hold no comma; a bound list would run into PostgreSQL's
	 * parameter count) */
	size_t cap = 2 + (size_t)(f->portal_ids ? f->n_portals : 0) * ID_MAX, len = 1;
	char *set = malloc(cap);
	if (!set)
		return E_NOMEM;
	set[0] = ',', set[1] = 0;
	for (int i = 0; f->portal_ids && i < f->n_portals; i++)
		len += (size_t)snprintf(set + len, cap - len, "%s,", f->portal_ids[i]);
	struct db_rows *r;
	int rc = db_query(db, &r,
			  SCAN_SQL " AND (? = 0 OR ? LIKE '%,' || s.portal_id || ',%')"
				   " ORDER BY s.created_at, s.id LIMIT ?",
			  "siissssisi", account_id, f->from, f->to, team, team, company, company,
			  (int64_t)(f->portal_ids != NULL), set, (int64_t)max + 1);
	if (rc) {
		free(set);
		return rc;
	}
	struct support_report_session s;
	int seen = 0;
	while ((rc = db_next(r)) == 1) {
		if (++seen > max) {
			rc = E_TOOLARGE;
			break;
		}
		memset(&s, 0, sizeof s);
		cp(s.portal_id, sizeof s.portal_id, db_text(r, 0));
		cp(s.portal_title, sizeof s.portal_title, db_text(r, 1));
		cp(s.company_id, sizeof s.company_id, db_text(r, 2));
		cp(s.team_id, sizeof s.team_id, db_text(r, 3));
		cp(s.team_name, sizeof s.team_name, db_text(r, 4));
		cp(s.technician_id, sizeof s.technician_id, db_text(r, 5));
		cp(s.technician_name, sizeof s.technician_name, db_text(r, 6));
		s.offline_request = db_int(r, 7) != 0;
		cp(s.state, sizeof s.state, db_text(r, 8));
		s.created_at = db_int(r, 9);
		s.picked_up_at = db_int(r, 10);
		s.answered_at = db_int(r, 11);
		s.closed_at = db_int(r, 12);
		if ((rc = fn(ctx, &s)))
			break;
	}
	db_rows_free(r);
	free(set); /* bound to the statement until here */
	return rc;
}

int store_portal_reports_reset(struct db *db, const char *account_id, const char *portal_id, int64_t now)
{
	int rc = db_exec(db, "UPDATE portals SET reports_reset_at = ? WHERE account_id = ? AND id = ?", "iss", now,
			 account_id, portal_id);
	return rc < 0 ? rc : rc == 0 ? E_NOTFOUND : 0;
}

int store_portal_reports_reset_at(struct db *db, const char *account_id, const char *portal_id, int64_t *at)
{
	*at = 0;
	return db_query_int(db, at, "SELECT reports_reset_at FROM portals WHERE account_id = ? AND id = ?", "ss",
			    account_id, portal_id);
}
