/* Portals: each company's support portal and its sub-portals (one level),
 * their old addresses (slugs that redirect), and what the openness of a
 * portal is computed from (the serving technicians' presence and load). */
#ifndef STORE_PORTALS_H
#define STORE_PORTALS_H

#include <stdint.h>

#include "core/ids.h"

#define PORTAL_SLUG_MAX 63
#define PORTAL_LOGO_MAX 65536 /* bytes of the logo's URL (a data: URL included) */

struct portal {
	char account_id[ID_MAX];
	char id[ID_MAX];
	char company_id[ID_MAX];
	char parent_id[ID_MAX]; /* "" for the company's portal */
	char slug[PORTAL_SLUG_MAX + 1];
	char title[256];
	char welcome[4096];
	char *logo; /* malloc'd by the store (store_portal_free); NULL means "" */
	char accent[8];
	char customer_auth[16];
	char offline_policy[16];
	char greeting[2048];
	int64_t wait_after_s;
	char wait_message[2048];
	char offline_message[2048];
	int64_t created_at, updated_at;
};

struct portal_filter {
	const char *company_id; /* NULL: every company */
	const char *after_id;   /* cursor: portals after this id */
	/* NULL: the whole account; else only what this user sees: the portals of
	 * their companies and the portals (and sub-portals) they manage */
	const char *seen_by;
	int limit;
};

void store_portal_free(struct portal *p); /* the logo; the struct itself is the caller's */
/* E_CONFLICT when the slug is taken (by a portal of any account) */
int store_portal_insert(struct db *db, const struct portal *p);
int store_portal_update(struct db *db, const struct portal *p);
int store_portal_delete(struct db *db, const char *account_id, const char *id);
int store_portal_get(struct db *db, const char *account_id, const char *id, struct portal *out);
/* the company's own portal (not a sub-portal) */
int store_portal_of_company(struct db *db, const char *account_id, const char *company_id, struct portal *out);
/* server-wide, for the public page: the portal whose slug it is now; or, with
 * *old set to 1, the one that had it before; E_NOTFOUND when neither */
int store_portal_by_slug(struct db *db, const char *slug, struct portal *out, int *old);
/* 1 when some portal has the slug now or had it before (except this portal's own), else 0 */
int store_portal_slug_taken(struct db *db, const char *slug, const char *except_account, const char *except_id);
/* keeps slug as an old address of the portal; a slug the portal takes back stops being old */
int store_portal_old_slug_add(struct db *db, const char *account_id, const char *portal_id, const char *slug,
			      int64_t now);
int store_portal_old_slug_drop(struct db *db, const char *slug);
/* in id order; out holds max entries (free each with store_portal_free) */
int store_portal_list(struct db *db, const char *account_id, const struct portal_filter *f, struct portal *out, int max,
		      int *n);
/* the sub-portals of a portal (slug and title are what is needed), in title order */
int store_portal_children(struct db *db, const char *account_id, const char *parent_id, struct portal *out, int max,
			  int *n);
int store_portal_child_count(struct db *db, const char *account_id, const char *parent_id, int64_t *n);
/* 1 when the user is assigned to the portal or to its parent */
int store_portal_managed_by(struct db *db, const char *account_id, const char *portal_id, const char *user_id,
			    int *yes);
/* the teams that serve one of the company's portals or sub-portals: the first max, in id order */
int store_portal_company_teams(struct db *db, const char *account_id, const char *company_id, char (*out)[ID_MAX],
			       int max, int *n);
/* how many technicians could take a chat of the portal now: those serving
 * it (store/support_serving.h: online and seen since seen_after, active,
 * holding remote_support, of its company and a serving team) with fewer
 * active sessions than their limit */
int store_portal_available(struct db *db, const struct portal *p, int64_t seen_after, int64_t *count);

#endif
