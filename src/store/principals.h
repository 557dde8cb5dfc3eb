/* Principal search for CalDAV clients (RFC 3744 principal-property-search):
 * the users and rooms of one account whose name or address matches texts,
 * a bounded page of them, reading only the columns a principal shows. */
#ifndef STORE_PRINCIPALS_H
#define STORE_PRINCIPALS_H

#include "core/ids.h"

struct db;

struct principal_row {
	char id[ID_MAX];
	char name[256];
	char email[256];
};

#define PRINCIPAL_TERMS_MAX 8

/* one condition: text in the name, the e-mail address or either (case-insensitive) */
enum { PRINCIPAL_CONTAINS, PRINCIPAL_STARTS, PRINCIPAL_EQUALS, PRINCIPAL_ENDS };
struct principal_term {
	const char *text;
	int match; /* PRINCIPAL_CONTAINS, ... */
	int name, email;
};

/* Users: active ones who may own calendars (not guests or customers).
 * Rooms: with bookable_by, only those that user may book (the rule of
 * store_room_may_book). allof: every term holds, else one does; no term
 * matches every row. By name, at most max rows. */
struct principal_query {
	const struct principal_term *terms;
	int nterms; /* <= PRINCIPAL_TERMS_MAX */
	int allof;
	const char *bookable_by; /* rooms only; NULL: every room */
};
int store_principal_users(struct db *db, const char *account_id, const struct principal_query *q,
			  struct principal_row *out, int max, int *n);
int store_principal_rooms(struct db *db, const char *account_id, const struct principal_query *q,
			  struct principal_row *out, int max, int *n);

#endif
