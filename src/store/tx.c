/* Transaction wrappers, so that domains need not see the driver. */
#include "store/db.h"
#include "store/store.h"

int store_begin(struct db *db, int write)
{
	return db_begin(db, write);
}
int store_commit(struct db *db)
{
	return db_commit(db);
}
void store_rollback(struct db *db)
{
	db_rollback(db);
}
int store_stamp(struct db *db, struct store_stamp *out)
{
	return db_stamp(db, &out->local, &out->external);
}
const char *store_backend(struct db *db)
{
	return db_kind(db) == DB_PG ? "postgres" : "sqlite";
}
const char *store_error(struct db *db)
{
	return db_errmsg(db);
}
