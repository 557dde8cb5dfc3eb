/* Calendar roles. Room calendars: administrators manage them; everyone else
 * of the account who owns calendars may read them (rooms refine this with
 * their rules). A conference's schedule: its conference administrators and
 * the account's administrators manage it. Shares add to what ownership, rooms
 * and conferences give. */
#include "calendar/access.h"

#include <string.h>

#include "core/errors.h"
#include "http/response.h"

static const char *const names[] = {"none", "freebusy", "viewer", "editor", "manager", "owner"};

const char *cal_role_name(int role)
{
	return role >= 0 && role <= CAL_ROLE_OWNER ? names[role] : "none";
}

int cal_role_parse(const char *s)
{
	for (int i = CAL_ROLE_FREEBUSY; i < CAL_ROLE_OWNER; i++)
		if (s && !strcmp(s, names[i]))
			return i;
	return CAL_ROLE_NONE;
}

int calendar_owner_role(const char *user_role)
{
	return strcmp(user_role, "guest") && strcmp(user_role, "customer");
}

_Static_assert(CAL_ROLE_FREEBUSY == 1 && CAL_ROLE_MANAGER == 4, "store_share_rank's ranks are these roles");

/* Shares are read on every call, never cached across requests, so that a
 * revoked share stops working on the very next request. */
int calendar_role(struct db *db, const struct principal *who, const struct calendar *c, int *role)
{
	*role = CAL_ROLE_NONE;
	if (strcmp(who->account_id, c->account_id) || !*who->user_id)
		return 0;
	if (*c->owner_id && !strcmp(c->owner_id, who->user_id)) {
		*role = CAL_ROLE_OWNER;
		return 0;
	}
	if (*c->room_id) {
		if (!strcmp(who->role, "admin"))
			*role = CAL_ROLE_MANAGER;
		else if (calendar_owner_role(who->role))
			*role = CAL_ROLE_VIEWER;
	}
	if (*c->conference_id) {
		/* a conference's schedule: its conference administrators and the
		 * account's admins manage it; nobody owns it */
		int admin = !strcmp(who->role, "admin");
		if (!admin && calendar_owner_role(who->role)) {
			admin = store_conference_calendar_admin(db, c->account_id, c->id, who->user_id);
			if (admin < 0)
				return admin;
		}
		if (admin) {
			*role = CAL_ROLE_MANAGER;
			return 0; /* no share ranks above manager */
		}
	}
	int rank = 0; /* 1..4: CAL_ROLE_FREEBUSY..CAL_ROLE_MANAGER */
	int rc = store_share_rank(db, c->account_id, c->id, who->user_id, &rank);
	if (rc)
		return rc;
	if (rank >= CAL_ROLE_FREEBUSY && rank <= CAL_ROLE_MANAGER && rank > *role)
		*role = rank;
	return 0;
}

int calendar_load(struct req *r, struct db *db, const char *id, int need, struct calendar *out, int *role)
{
	int rc = ids_valid(id, "cal") ? store_calendar_get(db, r->who.account_id, id, out) : E_NOTFOUND;
	int have = CAL_ROLE_NONE;
	if (!rc)
		rc = calendar_role(db, &r->who, out, &have);
	if (rc == E_NOTFOUND || (!rc && have == CAL_ROLE_NONE)) {
		resp_problemf(r, 404, "not-found", "no calendar '%.40s' that you may see", id);
		return E_NOTFOUND;
	}
	if (rc)
		return rc;
	if (have < need) {
		resp_problemf(r, 403, "forbidden", "this needs the %s role on the calendar; you have %s",
			      cal_role_name(need), cal_role_name(have));
		return E_FORBIDDEN;
	}
	if (role)
		*role = have;
	return 0;
}
