/* What the unit tests of data migrations share: an empty SQLite database
 * brought to the schema an earlier convene left (the same migrations, up to
 * a version), rows written as that convene wrote them, and counts. */
#ifndef TESTS_UNIT_OLDSCHEMA_H
#define TESTS_UNIT_OLDSCHEMA_H

#include <stdint.h>

#include "store/db.h"

struct oldschema {
	char dir[64];
	struct db *db;
};

extern struct oldschema old;

/* as cmocka group setup and teardown, on old: a new, empty database */
int oldschema_setup(void **state);
int oldschema_teardown(void **state);

/* the schema after migration last, by the migrations themselves */
void oldschema_migrate_to(int last);
/* each statement of the NULL-terminated list must write a row */
void oldschema_exec_all(const char *const *sql);
/* the one integer sql answers */
int64_t oldschema_count(const char *sql);

#endif
