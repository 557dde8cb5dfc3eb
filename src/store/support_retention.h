/* Session recording (issue 17): whether a session was recorded, until when
 * its transcript is kept, and erasing it: message bodies, the question and
 * the files' bytes go; the figures (times, counts, who) stay. For
 * src/support/recording.c. */
#ifndef STORE_SUPPORT_RETENTION_H
#define STORE_SUPPORT_RETENTION_H

#include <stdint.h>

#include "core/ids.h"

struct db;

struct support_record {
	int recorded;
	int64_t keep_until; /* 0 when not set */
	int64_t erased_at;  /* 0 when not erased */
	int64_t answered_at;
	char question[4096 * 2]; /* "" when none or erased */
};

int store_support_record_get(struct db *db, const char *account_id, const char *session_id, struct support_record *out);
int store_support_session_set_recorded(struct db *db, const char *account_id, const char *session_id, int recorded);
int store_support_session_keep_until(struct db *db, const char *account_id, const char *session_id, int64_t keep_until);
/* erases the session's transcript and files (once: 0 rows when already erased) */
int store_support_session_erase(struct db *db, const char *account_id, const char *session_id, int64_t now);
/* closed sessions due for erasing at now (not recorded, or kept until before now), at most max */
int store_support_erase_due(struct db *db, int64_t now, char (*accounts)[ID_MAX], char (*ids)[ID_MAX], int max, int *n);

#endif
