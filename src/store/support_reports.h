/* Support reports (issue 17): the figures of support sessions over a period,
 * read from support_sessions (kept when transcripts are erased), and the
 * portals' reports_reset_at (figures count from there). */
#ifndef STORE_SUPPORT_REPORTS_H
#define STORE_SUPPORT_REPORTS_H

#include <stdint.h>

#include "core/ids.h"

struct db;

/* a session as the reports see it; times are 0 when not reached */
struct support_report_session {
	char portal_id[ID_MAX], company_id[ID_MAX], team_id[ID_MAX], technician_id[ID_MAX];
	char portal_title[256], team_name[256], technician_name[256]; /* "" when none */
	int offline_request;                                          /* began as an offline request */
	char state[12];
	int64_t created_at, picked_up_at, answered_at, closed_at;
};

struct support_report_filter {
	int64_t from, to;                 /* created in [from, to) */
	const char *team_id, *company_id; /* NULL or "": any */
	const char *const *portal_ids;    /* only these portals (n_portals of them; NULL: every portal) */
	int n_portals;
};

#define SUPPORT_REPORT_PORTALS_MAX 1000

/* the sessions of the period created at or after their portal's
 * reports_reset_at, oldest first, given one by one to fn (which returns 0 to
 * go on); more than max of them: E_TOOLARGE before fn sees any beyond */
int store_support_report_scan(struct db *db, const char *account_id, const struct support_report_filter *f, int max,
			      int (*fn)(void *ctx, const struct support_report_session *s), void *ctx);
/* figures of the portal count from now on */
int store_portal_reports_reset(struct db *db, const char *account_id, const char *portal_id, int64_t now);
int store_portal_reports_reset_at(struct db *db, const char *account_id, const char *portal_id, int64_t *at);

#endif
