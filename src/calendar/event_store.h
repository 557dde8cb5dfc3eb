/* Writing events: the one path by which the JSON API, CalDAV and imports
 * store, replace and delete calendar objects. event_write runs a write from
 * end to end: the attendees' SCHEDULE-STATUS, the row, the rooms' bookings
 * and answers, then the invitations and cancellations to people
 * (calendar/scheduling.h), and gives the one audit view; the front ends
 * only translate their input and answer. Each write bumps the calendar's
 * version (the modseq of the change) and gives the event a content ETag.
 * Call inside a write transaction. */
#ifndef CALENDAR_EVENT_STORE_H
#define CALENDAR_EVENT_STORE_H

#include <jansson.h>

#include "calendar/booking.h"
#include "calendar/scheduling.h"
#include "ical/ics.h"
#include "core/arena.h"
#include "http/request.h"
#include "store/store.h"

#define ETAG_MAX 32

struct event_saved {
	char id[ID_MAX];
	char etag[ETAG_MAX]; /* quoted, as sent in the ETag header */
	int created;         /* a new event */
	int unchanged;       /* the same text was already stored: nothing written */
	int64_t modseq;
};

/* id NULL: insert (E_CONFLICT when the UID is taken in the calendar);
 * otherwise replace that event's text. The rooms it invites are booked
 * (calendar/booking.h): a refusal is E_CONFLICT with res->refused set (res
 * may be NULL when the caller does not report it). When booking changed a
 * room's PARTSTAT, the text stored is a new object, given in *final (may be
 * NULL; free it with ics_object_free), else *final is NULL and o is it. */
int event_store(struct db *db, const struct calendar *cal, const struct ics_object *o, const char *id,
		const struct booking_actor *actor, struct booking_result *res, struct event_saved *out,
		struct ics_object **final);
int event_delete(struct db *db, const struct calendar *cal, const char *id);

/* One write of an event through every step, for every front end. */
enum event_deliver {
	EVENT_QUIET,   /* store and book only: nobody is told (an import, a MOVE between one's calendars) */
	EVENT_DELIVER, /* schedule the people it invites as who (calendar/scheduling.h) */
};

struct event_write {
	const struct calendar *cal;
	const struct event_row *prev; /* the event replaced or deleted; NULL: a new one */
	/* a new event's CalDAV name (NULL: "<uid>.ics", or "<event id>.ics" when
	 * the UID is not a plain path segment or that name is taken); an update
	 * keeps its name */
	const char *name;
	const struct ics_object *o; /* what to store; NULL: delete prev */
	const struct booking_actor *actor;
	const struct sched_actor *who; /* the calendar user who writes (NULL: none, as an operator's tool) */
	enum event_deliver deliver;
	/* calendar sync writing a meeting made at a provider (sync/inbound.c):
	 * the only writer allowed to store, change or delete an event carrying
	 * X-CONVENE-EXTERNAL. Any other write touching one (the event replaced
	 * or deleted is one, or the new text carries the property) is
	 * E_FORBIDDEN with event_written's external set: people change such a
	 * meeting where it was made. */
	int external_ok;
};

/* what a write did, as its audit record names it */
enum event_change {
	EVENT_UNCHANGED, /* nothing written: no record */
	EVENT_CREATED,
	EVENT_UPDATED,
	EVENT_DELETED,
	EVENT_OCCURRENCE_UPDATED, /* set by the caller that changed one occurrence */
	EVENT_OCCURRENCE_CANCELLED,
};

struct event_written {
	struct event_saved saved;
	struct booking_result booked;    /* what each room did; a refusal is E_CONFLICT with booked.refused */
	const struct ics_object *stored; /* what is stored now (o, or a text of its own); NULL for a delete */
	int rewritten;                   /* stored is not o: SCHEDULE-STATUS or a room's answer went in */
	/* the audit record, one shape for every front end ({id, uid, summary,
	 * start}) */
	enum event_change change;
	const char *label; /* the event's summary */
	json_t *before, *after;
	struct ics_object *own;
	const char *external; /* a refused write: the provider whose meeting it is (google...) */
};

/* What domains above the calendar learn of event writes (registered at
 * start-up in routes.c's app_hooks_register; NULL members are skipped).
 * Several domains listen (conferencing for Zoom, sync for the calendar
 * providers), so the hooks are a short list called in registration order.
 * Both run inside event_write's transaction and must only read and write
 * rows: never call out of the process there. */
struct event_hooks {
	/* before o is stored: *out may be set to a replacement object (freed by
	 * event_write), e.g. o without a meeting link another event owns; the
	 * next registrant's filter is given that replacement */
	int (*filter)(struct db *db, const struct calendar *cal, const struct event_row *prev,
		      const struct ics_object *o, struct ics_object **out);
	/* after the event `id` was stored (stored != NULL), or before it is
	 * deleted (stored == NULL; prev is the event) */
	int (*changed)(struct db *db, const struct calendar *cal, const struct event_row *prev, const char *id,
		       const struct ics_object *stored);
};
#define EVENT_HOOKS_MAX 4
/* h is kept (not copied): give a static one. Adding the same h again does
 * nothing; more than EVENT_HOOKS_MAX is E_LIMIT (a programming error, seen
 * at start-up). */
int event_hooks_add(const struct event_hooks *h);

/* the provider whose meeting this stored text is (its X-CONVENE-EXTERNAL:
 * google, microsoft or exchange; "" for an unknown one), or NULL when it is
 * convene's own */
const char *event_external(const char *ical);
/* 403 problem external-event for a write refused by event_write (or a front
 * end's own check): "This meeting was made in Google Calendar; change it there." */
int event_external_problem(struct req *r, const char *provider);
/* the same sentence in English, for front ends that word their own errors */
const char *event_external_text(const char *provider);

/* mark -> store -> book -> answers -> deliver, or deliver (cancellations) ->
 * delete; out is filled in any case and freed with event_written_free (the
 * audit views stay the caller's when it takes them, set to NULL) */
int event_write(struct db *db, struct arena *a, const struct event_write *w, struct event_written *out);
void event_written_free(struct event_written *out);
/* the audit record of the write (out->change), by the request's caller; it
 * takes the views */
int event_written_audit(struct req *r, struct db *db, struct event_written *out);
/* the request's caller as the calendar user who schedules */
struct sched_actor event_caller(const struct req *r);
/* the audit view of an event as stored */
json_t *event_audit_view(const struct ics_event *m, const char *id);

/* a copy of one row in the arena (E_NOTFOUND when not in that calendar) */
int event_fetch(struct db *db, struct arena *a, const struct calendar *cal, const char *id, struct event_row *out);
int event_fetch_uid(struct db *db, struct arena *a, const struct calendar *cal, const char *uid, struct event_row *out);
int event_fetch_href(struct db *db, struct arena *a, const struct calendar *cal, const char *href,
		     struct event_row *out);

#endif
