/* iTIP for the people a meeting invites (calendar/scheduling.h), moved here
 * from dav/schedule.c so that every front end's write schedules the same
 * way: REQUEST and CANCEL to colleagues' inboxes or by iMIP, SCHEDULE-STATUS
 * marks, and an attendee's REPLY. Tenants never meet: an address is a
 * colleague only when it is a user of the writer's own account. */
#include "calendar/scheduling.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "calendar/organizer_copy.h"
#include "calendar/sched_inbox.h"
#include "core/errors.h"
#include "ical/ics_reply.h"
#include "store/outbox.h"
#include "store/users.h"

/* a person the server schedules for: no room or resource (rooms answer in
 * booking.c), not SCHEDULE-AGENT=CLIENT or NONE (RFC 6638 section 7.1) */
static int is_person(const struct ics_attendee *a)
{
	return (!a->cutype || (strcmp(a->cutype, "ROOM") && strcmp(a->cutype, "RESOURCE"))) &&
	       (!a->schedule_agent || !strcasecmp(a->schedule_agent, "SERVER"));
}

static int invites(const struct ics_object *o, const char *email)
{
	for (size_t i = 0; o && i < o->master.nattendees; i++)
		if (is_person(&o->master.attendees[i]) && o->master.attendees[i].email &&
		    !strcmp(o->master.attendees[i].email, email))
			return 1;
	return 0;
}

static int deliver(struct arena *ar, struct db *db, const struct sched_actor *who, const struct user *to,
		   const char *method, const struct ics_object *o)
{
	return sched_inbox_deliver(ar, db, to, method, o, NULL, NULL);
}

/* an iMIP message (RFC 6047) to someone outside the account, through the
 * outbox: the worker sends it as text and text/calendar with its METHOD */
static int mail_out_text(struct arena *ar, struct db *db, const struct sched_actor *who, const char *to,
			 const char *method, const struct ics_object *o, const char *vevents, const char *partstat)
{
	struct buf cal = {0}, text = {0};
	const struct ics_event *m = &o->master;
	char when[40];
	int cancel = !strcmp(method, "CANCEL"), reply = !strcmp(method, "REPLY");
	const char *answer = !partstat                            ? "answered"
			     : !strcasecmp(partstat, "ACCEPTED")  ? "accepted"
			     : !strcasecmp(partstat, "DECLINED")  ? "declined"
			     : !strcasecmp(partstat, "TENTATIVE") ? "tentatively accepted"
								  : "answered";
	ics_format_time(m->start, m->all_day ? NULL : m->tzid, m->all_day, when, sizeof when);
	int rc = sched_inbox_message(&cal, method, o, vevents);
	buf_printf(&text, "%s %s:\n\n%s\nWhen: %s%s%s\n", who->name,
		   reply    ? arena_printf(ar, "%s your invitation", answer)
		   : cancel ? "cancelled this meeting"
			    : "invites you to a meeting",
		   m->summary ? m->summary : "", when, m->tzid && !m->all_day ? " " : "",
		   m->tzid && !m->all_day ? m->tzid : "");
	if (m->location && *m->location)
		buf_printf(&text, "Where: %s\n", m->location);
	buf_puts(&text, cancel || reply ? "" : "\nAnswer from your calendar app: the invitation is attached.\n");
	json_t *body = json_pack("{s:s, s:s, s:s, s:s}", "text", text.data ? text.data : "", "calendar",
				 cal.data ? cal.data : "", "method", method, "reply_to", who->email);
	char *s = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!rc && !s)
		rc = E_NOMEM;
	if (!rc) {
		const char *what = cancel   ? "Cancelled"
				   : !reply ? "Invitation"
					    : arena_printf(ar, "%c%s", answer[0] - 32, answer + 1);
		struct outbox_msg msg = {
			.kind = "imip",
			.recipient = to,
			.body = s,
			.subject = arena_printf(ar, "%s: %.200s", what, m->summary ? m->summary : "a meeting")};
		snprintf(msg.account_id, sizeof msg.account_id, "%s", who->account_id);
		rc = store_outbox_insert(db, &msg);
	}
	free(s);
	buf_free(&cal);
	buf_free(&text);
	return rc;
}

static int mail_out(struct arena *ar, struct db *db, const struct sched_actor *who, const char *to, const char *method,
		    const struct ics_object *o)
{
	return mail_out_text(ar, db, who, to, method, o, NULL, NULL);
}

/* a colleague of the caller's account with this address, not the caller */
static int colleague(struct arena *ar, struct db *db, const struct sched_actor *who, const char *email,
		     struct user *out)
{
	int rc = store_user_by_account_email(db, who->account_id, email, out);
	if (!rc && !strcmp(out->id, who->user_id))
		rc = E_NOTFOUND;
	return rc;
}

int sched_mark(struct arena *ar, struct db *db, const struct sched_actor *who, const struct ics_object *o,
	       const char *tz, struct ics_object **out)
{
	const struct ics_event *m = &o->master;
	struct ics_error err;
	*out = NULL;
	if (!m->organizer || strcasecmp(m->organizer, who->email) || !m->nattendees)
		return 0;
	struct ics_answer *a = arena_alloc(ar, sizeof *a * m->nattendees);
	size_t n = 0;
	for (size_t i = 0; i < m->nattendees; i++) {
		const struct ics_attendee *at = &m->attendees[i];
		struct user u;
		if (!is_person(at) || !at->email || !strcasecmp(at->email, who->email))
			continue;
		int rc = colleague(ar, db, who, at->email, &u);
		if (rc && rc != E_NOTFOUND)
			return rc;
		a[n++] = (struct ics_answer){at->email, NULL, rc ? "1.1" : "1.2", NULL};
	}
	int rc = n ? ics_set_answers(o->text, tz, a, n, out, &err) : 0;
	return rc == E_INVALID ? 0 : rc;
}

/* ---- attendees' replies (RFC 6638 section 3.2.2) ---- */

/* The caller changed their answer (PARTSTAT, per occurrence) in their copy
 * of someone else's meeting, or deleted their copy, which declines it
 * unless it was declined already. A colleague organizer's copy takes the answer
 * (SCHEDULE-STATUS 2.0) and their inbox a METHOD:REPLY; an organizer
 * outside the account gets an iMIP REPLY mail. Nothing when the caller is
 * no attendee, or their copy says ORGANIZER;SCHEDULE-AGENT=CLIENT or NONE. */
static int reply(struct arena *ar, struct db *db, const struct sched_actor *who, const char *before,
		 const struct ics_object *now, const struct ics_object *any)
{
	const char *me = who->email;
	struct ics_reply was = {0}, is = {0};
	struct ics_object *declined = NULL;
	struct ics_error err;
	struct buf text = {0};
	int rc = 0;
	if (before && ics_reply_read(before, me, &was))
		memset(&was, 0, sizeof was);
	if (now && (rc = ics_reply_read(now->text, me, &is)))
		goto out;
	if (!now) { /* deleted: the whole meeting declined */
		if (!was.any || (was.master && !strcasecmp(was.master, "DECLINED")))
			goto out;
		struct ics_reply no = {.master = "DECLINED", .any = 1};
		if ((rc = ics_reply_apply(before, "UTC", &no, me, NULL, &declined, &err)) || !declined)
			goto out;
		if ((rc = ics_reply_read(declined->text, me, &is)))
			goto out;
	}
	if (!is.any || is.organizer_client || (was.any && was.organizer_client) || !ics_reply_differs(&was, &is))
		goto out;
	const struct ics_object *src = declined ? declined : now;
	if ((rc = ics_reply_build(src->text, me, &text)) || !text.data)
		goto out;
	struct user org;
	rc = colleague(ar, db, who, any->master.organizer, &org);
	if (rc == E_NOTFOUND) { /* someone outside the account: by e-mail (RFC 6047) */
		rc = mail_out_text(ar, db, who, any->master.organizer, "REPLY", src, text.data, is.master);
		goto out;
	}
	struct event_row row;
	int changed;
	if (!rc) /* the colleague's copy takes the answer, their inbox the REPLY */
		rc = organizer_copy_reply(ar, db, &org, any->master.uid, me, &is, src, text.data, &row, &changed);
out:
	if (rc == E_NOTFOUND || rc == E_INVALID)
		rc = 0; /* no meeting of a colleague's to answer, or a text we cannot read: nothing to send */
	ics_reply_free(&was);
	ics_reply_free(&is);
	ics_object_free(declined);
	buf_free(&text);
	return rc;
}

int sched_deliver(struct arena *ar, struct db *db, const struct sched_actor *who, const char *before,
		  const struct ics_object *now)
{
	struct ics_object *old = NULL, *cancelled = NULL;
	struct ics_error err;
	int rc = 0;
	const char *tz = "UTC";
	/* what was stored matters to a delete and to the organizer's own change
	 * (whom it no longer invites), so only they parse it: an attendee's
	 * answer and an event nobody organizes do not pay for it */
	int organizer_writes = now && now->master.organizer && !strcasecmp(now->master.organizer, who->email);
	if (before && (!now || organizer_writes) && ics_parse_stored(before, strlen(before), tz, &old, &err))
		old = NULL; /* what was stored is ours and parses; if not, there is nothing to cancel */
	const struct ics_object *any = now ? now : old;
	if (!any || !any->master.organizer)
		goto out;                                    /* nobody organizes it */
	if (strcasecmp(any->master.organizer, who->email)) { /* someone else's meeting: the caller may answer */
		rc = reply(ar, db, who, before, now, any);
		goto out;
	}
	for (size_t i = 0; !rc && now && i < now->master.nattendees; i++) {
		const struct ics_attendee *a = &now->master.attendees[i];
		struct user u;
		if (!is_person(a) || !a->email)
			continue;
		if (!(rc = colleague(ar, db, who, a->email, &u)))
			rc = deliver(ar, db, who, &u, "REQUEST", now);
		else if (rc == E_NOTFOUND) /* someone outside the account: by e-mail */
			rc = strcasecmp(a->email, who->email) ? mail_out(ar, db, who, a->email, "REQUEST", now) : 0;
	}
	for (size_t i = 0; !rc && old && i < old->master.nattendees; i++) {
		const struct ics_attendee *a = &old->master.attendees[i];
		struct user u;
		if (!is_person(a) || !a->email || invites(now, a->email))
			continue;
		int inside = !(rc = colleague(ar, db, who, a->email, &u));
		if (rc && rc != E_NOTFOUND)
			break;
		rc = 0;
		if (!inside && !strcasecmp(a->email, who->email))
			continue;
		if (!cancelled) {
			struct ics_event ev = old->master;
			ev.status = "CANCELLED";
			if ((rc = ics_update(old->text, tz, &ev, ICS_F_STATUS, &cancelled, &err)))
				break;
		}
		rc = inside ? deliver(ar, db, who, &u, "CANCEL", cancelled)
			    : mail_out(ar, db, who, a->email, "CANCEL", cancelled);
	}
out:
	ics_object_free(old);
	ics_object_free(cancelled);
	return rc == E_INVALID ? 0 : rc;
}
