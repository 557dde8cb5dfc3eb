/* The organizer's own copy of a meeting for an attendee's reply
 * (calendar/organizer_copy.h), shared by CalDAV scheduling and iMIP mail-in. */
#include "calendar/organizer_copy.h"

#include <strings.h>

#include "calendar/ics_reply.h"
#include "core/errors.h"

int organizer_copy_find(struct req *r, struct db *db, const struct user *org, const char *uid,
			const char *attendee, struct calendar *cal, struct event_row *row)
{
	struct calendar cals[64];
	int n = 0, rc = store_calendar_list_owned(db, org->account_id, org->id, cals, 64, &n);
	for (int i = 0; !rc && i < n; i++) {
		if ((rc = event_fetch_uid(db, r->arena, &cals[i], uid, row)) == E_NOTFOUND) {
			rc = 0;
			continue;
		}
		if (rc)
			break;
		struct ics_reply on = {0};
		int invited = !ics_reply_read(row->ical, attendee, &on) && on.any && on.organizer &&
			      !strcasecmp(on.organizer, org->email);
		ics_reply_free(&on);
		if (!invited)
			return E_NOTFOUND;
		*cal = cals[i];
		return 0;
	}
	return rc ? rc : E_NOTFOUND;
}
