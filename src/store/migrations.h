/* Numbered schema migrations, embedded in the binary from
 * migrations/{sqlite,pg}/NNN_name.sql by scripts/embed-migrations.sh. */
#ifndef STORE_MIGRATIONS_H
#define STORE_MIGRATIONS_H

struct migration {
	int version;
	const char *name;
	const char *sql;
};

extern const struct migration migrations_sqlite[];
extern const struct migration migrations_pg[];

#endif
