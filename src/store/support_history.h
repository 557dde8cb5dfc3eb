/* Searching support sessions, closed and open, newest first: the history a
 * technician, manager or admin looks through (support/history.c). */
#ifndef STORE_SUPPORT_HISTORY_H
#define STORE_SUPPORT_HISTORY_H

#include <stdint.h>

#include "core/ids.h"

struct db;

struct support_history_filter {
	const char *q; /* in customer name, e-mail or question, any case; NULL or "" for any */
	const char *state, *company_id, *portal_id, *technician_id; /* NULL for any */
	/* whose companies: NULL for the whole account; else the companies
	 * user_id belongs to, and with managed = 1 also those whose portals the
	 * teams they manage (and their sub-teams) serve */
	const char *user_id;
	int managed;
	int64_t before_created; /* the cursor: strictly older than (before_created, before_id) */
	const char *before_id;  /* NULL: from the newest */
	int limit;
};

struct support_history_row {
	char id[ID_MAX], portal_id[ID_MAX], company_id[ID_MAX], technician_id[ID_MAX];
	char state[12], closed_by[16];
	char customer_name[256], customer_email[256], technician_name[256];
	char question[512]; /* its beginning */
	int64_t created_at, closed_at;
};

int store_support_history(struct db *db, const char *account_id, const struct support_history_filter *f,
			  struct support_history_row *out, int max, int *n);

#endif
