/* WAL checkpoints by a thread of their own instead of inside a writer's
 * COMMIT (see checkpoint.c for why). */
#ifndef STORE_SQLITE_CHECKPOINT_H
#define STORE_SQLITE_CHECKPOINT_H

#include <sqlite3.h>

/* makes h's commits hand checkpoints of the database at path to that
 * database's checkpoint thread (started on first use) */
void sqlite_checkpoint_attach(sqlite3 *h, const char *path);

#endif
