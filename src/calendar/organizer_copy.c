/* The organizer's own copy of a meeting for an attendee's reply
 * (calendar/organizer_copy.h), shared by CalDAV scheduling and iMIP mail-in. */
#include "calendar/organizer_copy.h"

#include <string.h>
#include <strings.h>

#include "ical/ics.h"
#include "ical/ics_reply.h"
#include "calendar/sched_inbox.h"
#include "core/buf.h"
#include "core/errors.h"

int organizer_copy_find(struct arena *a, struct db *db, const struct user *org, const char *uid, const char *attendee,
			struct calendar *cal, struct event_row *row)
{
	struct calendar cals[64];
	int n = 0, rc = store_calendar_list_owned(db, org->account_id, org->id, cals, 64, &n);
	for (int i = 0; !rc && i < n; i++) {
		if ((rc = event_fetch_uid(db, a, &cals[i], uid, row)) == E_NOTFOUND) {
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

int organizer_copy_reply(struct arena *a, struct db *db, const struct user *org, const char *uid, const char *attendee,
			 const struct ics_reply *rep, const struct ics_object *from, const char *vevents,
			 struct event_row *row, int *changed)
{
	struct calendar cal;
	struct ics_object *applied = NULL, *final = NULL, *stored = NULL;
	struct ics_error err;
	struct buf built = {0};
	*changed = 0;
	int rc = organizer_copy_find(a, db, org, uid, attendee, &cal, row);
	if (!rc)
		rc = ics_reply_apply(row->ical, cal.time_zone, rep, attendee, "2.0", &applied, &err);
	if (!rc && applied) {
		struct booking_actor actor = {org->id, org->role};
		struct event_saved saved;
		rc = event_store(db, &cal, applied, row->id, &actor, NULL, &saved, &final);
		*changed = 1;
	}
	if (!rc && (!from || !vevents)) { /* the REPLY from the copy as it now is */
		from = final ? final : applied;
		if (!from && !(rc = ics_parse_stored(row->ical, strlen(row->ical), cal.time_zone, &stored, &err)))
			from = stored;
		if (!rc)
			rc = ics_reply_build(from->text, attendee, &built);
		vevents = built.data;
		if (!rc && !vevents)
			rc = E_INVALID; /* the copy no longer names them */
	}
	if (!rc)
		rc = sched_inbox_deliver(a, db, org, "REPLY", from, vevents, sched_inbox_reply_name(a, uid, attendee));
	ics_object_free(applied);
	ics_object_free(final);
	ics_object_free(stored);
	buf_free(&built);
	return rc;
}
