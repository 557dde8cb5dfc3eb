/* The race rule between provider meetings and convene bookings of a linked
 * room (sync/conflict.h): who keeps the room, the convene side's release
 * (the room's answer in the event, the organizer's mail with other rooms),
 * and the words the room declines a provider meeting with. */
#include "sync/conflict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calendar/booking.h"
#include "calendar/event_store.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/i18n.h"
#include "core/log.h"
#include "api/audit.h"
#include "iam/language.h"
#include "notify/templates.h"
#include "store/outbox.h"

static const char *provider_label(const char *provider)
{
	if (!strcmp(provider, "google"))
		return "Google Calendar";
	if (!strcmp(provider, "microsoft"))
		return "Microsoft 365";
	return "Microsoft Exchange";
}

int conflict_is_convene(struct db *db, struct arena *a, const struct booking *b)
{
	struct calendar cal;
	struct event_row row;
	int rc = store_calendar_by_event(db, b->account_id, b->event_id, &cal);
	if (!rc)
		rc = event_fetch(db, a, &cal, b->event_id, &row);
	if (rc)
		return rc;
	return event_external(row.ical) ? 0 : 1;
}

int conflict_provider_first(int64_t created, const struct booking *b)
{
	return created > 0 && created < b->created_at;
}

/* "2026-12-07 10:00 to 11:00 (Europe/Paris)", or the end's date too when
 * it is another day */
static void span_text(int64_t start, int64_t end, const char *tz, char *out, size_t n)
{
	char s[32], e[32];
	const char *zone = tz && *tz ? tz : "UTC";
	ics_utc_to_local(zone, start, s, sizeof s);
	ics_utc_to_local(zone, end, e, sizeof e);
	s[10] = ' ', e[10] = ' ';
	s[16] = e[16] = '\0';
	if (!strncmp(s, e, 10))
		snprintf(out, n, "%s to %s (%s)", s, e + 11, zone);
	else
		snprintf(out, n, "%s to %s (%s)", s, e, zone);
}

void conflict_decline_comment(const struct booking *b, const char *tz, char *out, size_t n)
{
	char when[128];
	span_text(b->start_at, b->end_at, tz, when, sizeof when);
	snprintf(out, n, "This room was already booked in convene for %s, before this meeting was made.", when);
}

/* the organizer told, in their language, with other free rooms */
static int mail_organizer(struct db *db, const struct room *room, const struct calendar *cal,
			  const struct event_row *row, const struct booking *b, const char *provider)
{
	struct user u;
	const char *who = row->created_by && *row->created_by ? row->created_by : cal->owner_id;
	if (!*who || store_user_get(db, cal->account_id, who, &u))
		return 0; /* nobody to tell (an operator's import): the room's calendar says it */
	const char *tz = *u.time_zone ? u.time_zone : cal->time_zone;
	char when[128];
	span_text(b->start_at, b->end_at, tz, when, sizeof when);
	struct room alt[BOOKING_ALTERNATIVES];
	int nalt = 0;
	int rc = booking_alternatives(db, room, cal->time_zone, b->start_at, b->end_at, alt, &nalt);
	if (rc)
		return rc;
	struct buf alts = {0}, subject = {0}, body = {0};
	for (int i = 0; i < nalt; i++)
		buf_printf(&alts, "  - %s (%d)\n", alt[i].name, alt[i].capacity);
	char link[1200];
	snprintf(link, sizeof link, "%s/calendar", config_current()->public_url);
	const char *lang = i18n_code(language_of_user(db, &u, NULL));
	rc = templates_render_room_released(lang, room->name, row->summary && *row->summary ? row->summary : "-", when,
					    provider_label(provider), alts.data ? alts.data : "", link, &subject,
					    &body);
	if (!rc) {
		struct outbox_msg m = {
			.kind = "mail", .recipient = u.email, .subject = subject.data, .body = body.data};
		memcpy(m.account_id, u.account_id, sizeof m.account_id);
		rc = store_outbox_insert(db, &m);
	}
	buf_free(&alts);
	buf_free(&subject);
	buf_free(&body);
	return rc;
}

int conflict_release(struct db *db, struct arena *a, const struct room *room, const struct booking *b,
		     const char *provider)
{
	struct calendar cal;
	struct event_row row;
	struct ics_object *o = NULL;
	struct ics_error err;
	int rc;
	if ((rc = store_calendar_by_event(db, b->account_id, b->event_id, &cal)) ||
	    (rc = event_fetch(db, a, &cal, b->event_id, &row)))
		return rc;
	char comment[300];
	snprintf(comment, sizeof comment, "Declined: a meeting made earlier in %s holds this room at that time.",
		 provider_label(provider));
	/* the room answered (2.0), as a delegate's decision does: not asked
	 * again by the next change of the event, which would take the room
	 * back from the provider's meeting */
	struct ics_answer answer = {room->email, "DECLINED", "2.0", comment};
	/* an occurrence of a series: only it, in its override (the rest of the
	 * series keeps the room, and booking.c books it no more) */
	if ((rc = b->recurrence_id
			  ? ics_set_occurrence_answer(row.ical, cal.time_zone, b->recurrence_id, &answer, &o, &err)
			  : ics_set_answers(row.ical, cal.time_zone, &answer, 1, &o, &err)))
		goto out;
	if (o) {
		/* re-synced as its organizer's: its other rooms keep their rules */
		struct user organizer;
		struct booking_actor actor = {NULL, NULL}, *who = NULL;
		if (row.created_by && !store_user_get(db, cal.account_id, row.created_by, &organizer)) {
			actor.user_id = organizer.id;
			actor.role = organizer.role;
			who = &actor;
		}
		/* written as a change of the stored row (not a bare store), so that
		 * the outbound hook sees the room held before: its copy at the
		 * provider, or its pending insert, becomes a delete */
		struct event_write w = {&cal, &row, NULL, o, who, NULL, EVENT_QUIET, 0};
		struct event_written wr;
		rc = event_write(db, a, &w, &wr);
		event_written_free(&wr);
		if (rc)
			goto out;
	}
	/* the room's bookings of the event (of the occurrence) gone even if
	 * the text said so already */
	struct booking have[8];
	int n = 0;
	if (b->recurrence_id) {
		rc = store_booking_delete(db, b->account_id, b->id);
		if (rc == E_NOTFOUND)
			rc = 0; /* the write above gave it back already */
	} else if (!(rc = store_booking_of_event(db, b->account_id, b->event_id, room->id, have, 8, &n))) {
		for (int i = 0; !rc && i < n; i++)
			rc = store_booking_delete(db, b->account_id, have[i].id);
	}
	if (rc)
		goto out;
	if (rc || (rc = booking_room_changed(db, room->id)) || (rc = mail_organizer(db, room, &cal, &row, b, provider)))
		goto out;
	rc = audit_record_system(
		db, b->account_id, "system", "calendar_integration.conflict", "room", room->id, room->name, NULL,
		json_pack("{s:s, s:s, s:s, s:I, s:I, s:I}", "kept_by", provider, "released_event_id", b->event_id,
			  "released_booking_id", b->id, "start", (json_int_t)b->start_at, "end", (json_int_t)b->end_at,
			  "recurrence_id", (json_int_t)b->recurrence_id));
	log_info("calendar sync: room %s given back by convene event %s (occurrence %lld) to an earlier %s meeting",
		 room->id, b->event_id, (long long)b->recurrence_id, provider);
out:
	ics_object_free(o);
	return rc;
}
