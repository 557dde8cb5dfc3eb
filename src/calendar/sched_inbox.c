/* Delivery into schedule inboxes (calendar/sched_inbox.h): the message is
 * wrapped here, named, given an ETag of its content and stored
 * (store/schedule_inbox.h); dav/schedule.c serves the inbox. */
#include "calendar/sched_inbox.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/errors.h"
#include "core/ids.h"
#include "store/schedule_inbox.h"

int sched_inbox_message(struct buf *b, const char *method, const struct ics_object *o, const char *vevents)
{
	buf_printf(b, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//convene//CalDAV scheduling//EN\r\nMETHOD:%s\r\n",
		   method);
	for (size_t i = 0; i < o->ntzids; i++)
		if (strcmp(o->tzids[i], "UTC"))
			ics_vtimezone(b, o->tzids[i]);
	buf_puts(b, vevents ? vevents : o->text);
	return buf_puts(b, "END:VCALENDAR\r\n");
}

int sched_inbox_deliver(struct arena *a, struct db *db, const struct user *to, const char *method,
			const struct ics_object *o, const char *vevents, const char *name)
{
	struct buf b = {0};
	char id[ID_MAX], h[HASH_HEX_MAX], etag[40];
	int rc = sched_inbox_message(&b, method, o, vevents);
	if (!rc && !b.data)
		rc = E_NOMEM;
	if (!rc) {
		ids_new("itm", id);
		ids_hash(b.data, h);
		snprintf(etag, sizeof etag, "\"%.24s\"", h);
		struct inbox_item it = {to->account_id, to->id,     name ? name : arena_printf(a, "%s.ics", id),
					o->master.uid,  method,     b.data,
					etag,           clock_now()};
		rc = store_inbox_put(db, &it);
	}
	buf_free(&b);
	return rc;
}

const char *sched_inbox_reply_name(struct arena *a, const char *uid, const char *attendee)
{
	char h[HASH_HEX_MAX];
	ids_hash(arena_printf(a, "%s\n%s", uid, attendee), h);
	return arena_printf(a, "rpl-%.24s.ics", h);
}
