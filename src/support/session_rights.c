/* Which rights a technician or manager has on a support session: the
 * rights are iam's, above support, so routes.c hands the function over
 * (chat_rights_hook). A session counts as served by its portal's serving
 * teams (and the team it was transferred to), where managers set what
 * technicians may do (file transfer) and which managers replay it. */
#include <string.h>

#include "api/access.h"
#include "core/errors.h"
#include "support/chat.h"
#include "support/portals.h"

static chat_right_fn right_fn;

void chat_rights_hook(chat_right_fn fn)
{
	right_fn = fn;
}

int chat_may(struct req *r, struct db *db, const struct support_session *s, const char *right)
{
	if (access_is(r, "admin"))
		return 1;
	if (!right_fn)
		return 0;
	struct portal p;
	char teams[PORTAL_TEAMS_MAX][ID_MAX];
	const char *ptr[PORTAL_TEAMS_MAX + 1];
	int n = 0;
	int rc = store_portal_get(db, s->account_id, s->portal_id, &p);
	if (rc)
		return rc;
	rc = portals_serving_teams(db, &p, teams, &n);
	store_portal_free(&p);
	if (rc)
		return rc;
	int with_team = s->team_id[0] != 0; /* the team it was transferred to serves it too */
	for (int i = 0; i < n; i++) {
		ptr[i] = teams[i];
		if (with_team && !strcmp(teams[i], s->team_id))
			with_team = 0;
	}
	if (with_team)
		ptr[n++] = s->team_id;
	return right_fn(db, s->account_id, r->who.user_id, r->who.role, ptr, (size_t)n, right);
}
