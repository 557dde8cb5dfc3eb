/* Booking sync. For each room the event invites: the occurrences within the
 * room's horizon are checked (an occurrence already booked at the same time
 * keeps its booking without re-checking notice or hours: renaming a meeting
 * five minutes before it starts must not lose the room), refused ones are
 * counted, and a series may lose at most max_conflicts of them; then the
 * room's bookings of the event are replaced by the accepted set. SQLite's
 * writer lock makes the overlap check and the insert one step; on PostgreSQL
 * the exclusion constraint refuses what a concurrent transaction took. */
#include "calendar/booking.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/clock.h"
#include "core/errors.h"
#include "core/i18n.h"

#define OCC_MAX 2000
#define BOOKINGS_MAX 4000

void booking_result_free(struct booking_result *res)
{
	free(res->refusals);
	memset(res, 0, sizeof *res);
}

static struct booking_refusal *refuse(struct booking_result *res, const struct room *room, int64_t start, int64_t end,
				      int64_t rid, const char *rule)
{
	if (res->nrefusals == res->cap) {
		size_t cap = res->cap ? res->cap * 2 : 8;
		struct booking_refusal *v = realloc(res->refusals, cap * sizeof *v);
		if (!v)
			return NULL;
		res->refusals = v;
		res->cap = cap;
	}
	struct booking_refusal *f = &res->refusals[res->nrefusals++];
	memset(f, 0, sizeof *f);
	snprintf(f->room_id, sizeof f->room_id, "%s", room->id);
	snprintf(f->room_name, sizeof f->room_name, "%s", room->name);
	f->start = start;
	f->end = end;
	f->recurrence_id = rid;
	f->rule = rule;
	return f;
}

static int hm(const char *s) /* "HH:MM" -> minutes */
{
	return atoi(s) * 60 + atoi(s + 3);
}

int booking_within_hours(const struct room *room, const char *tz, int64_t start, int64_t end)
{
	if (!*room->opening_hours)
		return 1;
	static const char *const days[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
	char a[24], b[24];
	ics_utc_to_local(tz, start, a, sizeof a);
	ics_utc_to_local(tz, end, b, sizeof b);
	struct tm tm = {0};
	tm.tm_year = atoi(a) - 1900;
	tm.tm_mon = atoi(a + 5) - 1;
	tm.tm_mday = atoi(a + 8);
	time_t day = timegm(&tm);
	struct tm d;
	gmtime_r(&day, &d);
	int from = hm(a + 11), to = hm(b + 11);
	if (strncmp(a, b, 10)) { /* ends another day: only at midnight of the next one */
		time_t next = day + 86400;
		char nb[11];
		struct tm nt;
		gmtime_r(&next, &nt);
		strftime(nb, sizeof nb, "%Y-%m-%d", &nt);
		if (strncmp(b, nb, 10) || to != 0)
			return 0;
		to = 24 * 60;
	}
	json_t *hours = json_loads(room->opening_hours, 0, NULL);
	json_t *list = json_object_get(hours, days[d.tm_wday]);
	int ok = 0;
	for (size_t i = 0; !ok && i < json_array_size(list); i++) {
		json_t *iv = json_array_get(list, i);
		const char *o = json_string_value(json_object_get(iv, "open"));
		const char *c = json_string_value(json_object_get(iv, "close"));
		ok = o && c && hm(o) <= from && to <= hm(c);
	}
	json_decref(hours);
	return ok;
}

struct occ {
	int64_t start, end, rid;
};

struct occ_list {
	struct occ *v;
	int n, truncated;
	const char *room_email; /* the room booked */
};

/* 1 when override e says the room gave its occurrence back itself (its
 * ATTENDEE DECLINED, not for a rule: a room released to a provider's meeting
 * made earlier, sync/conflict.c), as the master's answer does for the series */
static int given_back(const struct ics_event *e, const char *email)
{
	for (size_t i = 0; e->recurrence_id && email && i < e->nattendees; i++) {
		const struct ics_attendee *a = &e->attendees[i];
		if (!a->email || strcasecmp(a->email, email))
			continue;
		return a->partstat && !strcmp(a->partstat, "DECLINED") &&
		       !(a->schedule_status &&
			 (!strcmp(a->schedule_status, "4.0") || !strcmp(a->schedule_status, "3.8")));
	}
	return 0;
}

static int collect(void *ctx, const struct ics_occurrence *oc)
{
	struct occ_list *l = ctx;
	const struct ics_event *e = oc->ev;
	if ((e->status && !strcmp(e->status, "CANCELLED")) || given_back(e, l->room_email))
		return 0;
	if (l->n >= OCC_MAX) {
		l->truncated = 1;
		return 1;
	}
	l->v[l->n++] = (struct occ){oc->start, oc->end, oc->recurrence_id};
	return 0;
}

static int is_room_attendee(const struct ics_attendee *a)
{
	return a->cutype && !strcmp(a->cutype, "ROOM");
}

/* rooms that fit instead of `room` for [start, end): as many seats, the same
 * equipment, the same building first, free with their own buffers, open, and
 * bookable by the actor */
static int alternatives(struct db *db, const struct room *room, const struct booking_actor *actor, const char *tz,
			int64_t start, int64_t end, int people, struct booking_refusal *f)
{
	char tags[16][ROOM_TAG_MAX];
	const char *tagp[16];
	int ntags = 0, n = 0, rc;
	if ((rc = store_room_tags(db, room->account_id, room->id, tags, 16, &ntags)))
		return rc;
	for (int i = 0; i < ntags; i++)
		tagp[i] = tags[i];
	struct room cand[20];
	struct room_query q = {.capacity = people > room->capacity ? people : room->capacity,
			       .tags = tagp,
			       .ntags = (size_t)ntags,
			       .building = room->building,
			       .start = start,
			       .end = end,
			       .except_room = room->id};
	if (actor && actor->user_id && strcmp(actor->role, "admin"))
		q.bookable_by = actor->user_id; /* in the search's query, not one query a room */
	if ((rc = store_room_free(db, room->account_id, &q, cand, 20, &n)))
		return rc;
	for (int i = 0; i < n && f->nalt < BOOKING_ALTERNATIVES; i++)
		if (booking_within_hours(&cand[i], tz, start, end))
			f->alt[f->nalt++] = cand[i];
	return 0;
}

int booking_alternatives(struct db *db, const struct room *room, const char *tz, int64_t start, int64_t end,
			 struct room *out, int *n)
{
	struct booking_refusal *f = calloc(1, sizeof *f);
	if (!f)
		return E_NOMEM;
	int rc = alternatives(db, room, NULL, tz, start, end, room->capacity, f);
	*n = rc ? 0 : f->nalt;
	for (int i = 0; i < *n; i++)
		out[i] = f->alt[i];
	free(f);
	return rc;
}

/* checks one occurrence against the room's rules; the rule broken or NULL */
static const char *check(struct db *db, const struct room *room, const char *tz, const struct occ *o, int64_t now,
			 int unchanged, const char *event_id, struct booking *other, int *rc)
{
	*rc = 0;
	if (room->max_duration && o->end - o->start > room->max_duration)
		return "max_duration";
	if (!unchanged && room->min_notice && o->start < now + room->min_notice)
		return "min_notice";
	if (!unchanged && !booking_within_hours(room, tz, o->start, o->end))
		return "opening_hours";
	*rc = store_booking_overlap(db, room->account_id, room->id, o->start - room->buffer_before,
				    o->end + room->buffer_after, room->max_booking_len, event_id, other);
	if (*rc == 0)
		return "conflict";
	if (*rc == E_NOTFOUND)
		*rc = 0;
	return NULL;
}

void booking_refusal_text(const struct booking_refusal *f, int lang, char *out, size_t n)
{
	enum lang l = lang > 0 && lang < LANG_COUNT ? (enum lang)lang : LANG_EN;
	const char *r = f->rule, *name = f->room_name;
	long long v = (long long)f->amount;
	/* the formats are keys of core/messages.def; each language's keeps their conversions */
	if (!strcmp(r, "conflict"))
		snprintf(out, n, i18n_text(l, "%s is already booked then"), name);
	else if (!strcmp(r, "max_duration"))
		snprintf(out, n, i18n_text(l, "%s may be booked for at most %lld minutes"), name, v);
	else if (!strcmp(r, "min_notice"))
		snprintf(out, n, i18n_text(l, "%s must be booked at least %lld minutes ahead"), name, v);
	else if (!strcmp(r, "max_ahead"))
		snprintf(out, n, i18n_text(l, "%s may be booked at most %lld days ahead"), name, v);
	else if (!strcmp(r, "opening_hours"))
		snprintf(out, n, i18n_text(l, "%s is closed then"), name);
	else
		snprintf(out, n, i18n_text(l, "you may not book %s"), name);
}

static void detail_for(struct booking_refusal *f, const struct room *room)
{
	const char *r = f->rule;
	f->amount = !strcmp(r, "max_duration") ? room->max_duration / 60
		    : !strcmp(r, "min_notice") ? room->min_notice / 60
		    : !strcmp(r, "max_ahead")  ? room->max_ahead / 86400
					       : 0;
	booking_refusal_text(f, LANG_EN, f->detail, sizeof f->detail);
}

/* the DECLINED answer of a room from its first refusal (from `first` in
 * res): when, which rule, and the booking it collides with */
static void declined_answer(struct booking_room_outcome *out, const struct booking_result *res, size_t first,
			    const struct room *room, const char *tz)
{
	const char *name = room->name;
	const struct booking_refusal *f = first < res->nrefusals ? &res->refusals[first] : NULL;
	out->partstat = "DECLINED";
	out->schedule_status = f && !strcmp(f->rule, "not_allowed") ? "3.8" : "4.0";
	if (!f) {
		snprintf(out->comment, sizeof out->comment, "%s declined the meeting", name);
		return;
	}
	char a[32], b[32];
	ics_format_time(f->start, tz, 0, a, sizeof a);
	if (f->other_end) {
		char c[32], d[32];
		ics_format_time(f->other_start, tz, 0, c, sizeof c);
		ics_format_time(f->other_end, tz, 0, d, sizeof d);
		snprintf(out->comment, sizeof out->comment,
			 "%s declined: it is already booked from %s to %s, %s (the meeting of %s)", name, c, d, tz, a);
	} else {
		ics_format_time(f->end, tz, 0, b, sizeof b);
		snprintf(out->comment, sizeof out->comment, "%s declined the meeting of %s to %s, %s: %s (rule %s)",
			 name, a, b, tz, f->detail, f->rule);
	}
}

/* prior: the event's bookings (of every room) as read before any room was
 * synced, or NULL to read the room's own */
static int sync_room(struct db *db, const struct calendar *cal, const char *event_id, const struct ics_object *o,
		     const struct booking_actor *actor, const struct room *room, const struct booking *prior,
		     int nprior, int redo, struct booking_result *res, struct booking_room_outcome *out)
{
	size_t first = res->nrefusals; /* this room's refusals start there */
	int rc = 0, may = 1, delegate = 0;
	int64_t now = clock_now();
	const char *tz = cal->time_zone;
	struct booking *have = malloc(sizeof *have * BOOKINGS_MAX);
	struct occ_list occ = {malloc(sizeof(struct occ) * OCC_MAX), 0, 0, room->email};
	int nhave = 0, refused = 0, people = 1 + (int)o->master.nattendees;
	if (!have || !occ.v) {
		rc = E_NOMEM;
		goto out;
	}
	snprintf(out->room_id, sizeof out->room_id, "%s", room->id);
	snprintf(out->room_name, sizeof out->room_name, "%s", room->name);
	snprintf(out->email, sizeof out->email, "%s", room->email);
	if (actor && actor->user_id && strcmp(actor->role, "admin") &&
	    (rc = store_room_rights(db, room->account_id, room->id, actor->user_id, &may, &delegate)))
		goto out;
	if (actor && actor->user_id && !strcmp(actor->role, "admin"))
		delegate = 1;
	if (prior) { /* the same rows as store_booking_of_event for the room, in its order */
		for (int j = 0; j < nprior && nhave < BOOKINGS_MAX; j++)
			if (!strcmp(prior[j].room_id, room->id))
				have[nhave++] = prior[j];
	} else if ((rc = store_booking_of_event(db, cal->account_id, event_id, room->id, have, BOOKINGS_MAX, &nhave))) {
		goto out;
	}
	int truncated = 0;
	rc = ics_expand(o->text, tz, now, now + room->max_ahead, OCC_MAX, collect, &occ, &truncated);
	if (rc < 0)
		goto out;
	rc = 0;
	if (!may) {
		struct booking_refusal *f = refuse(res, room, o->master.start, o->master.end, 0, "not_allowed");
		if (f)
			detail_for(f, room);
		refused = occ.n ? occ.n : 1;
	} else if (occ.n == 0 && o->master.start >= now &&
		   !(o->master.status && !strcmp(o->master.status, "CANCELLED"))) {
		/* a single event (or a series) starting beyond the horizon; a
		 * cancelled one has no occurrence to book and gives its room back */
		struct booking_refusal *f = refuse(res, room, o->master.start, o->master.end, 0, "max_ahead");
		if (f)
			detail_for(f, room);
		refused = 1;
	}
	char *ok = calloc((size_t)(occ.n ? occ.n : 1), 1);
	if (!ok) {
		rc = E_NOMEM;
		goto out;
	}
	for (int i = 0; may && i < occ.n; i++) {
		const struct occ *x = &occ.v[i];
		int unchanged = 0;
		for (int j = 0; j < nhave && !unchanged; j++)
			unchanged = have[j].recurrence_id == x->rid && have[j].start_at == x->start &&
				    have[j].end_at == x->end;
		if (x->end <= now)
			continue; /* the past is not booked again */
		struct booking other;
		const char *rule = check(db, room, tz, x, now, unchanged, event_id, &other, &rc);
		if (rc)
			break;
		if (!rule) {
			ok[i] = 1;
			continue;
		}
		refused++;
		struct booking_refusal *f = refuse(res, room, x->start, x->end, x->rid, rule);
		if (!f) {
			rc = E_NOMEM;
			break;
		}
		detail_for(f, room);
		if (!strcmp(rule, "conflict")) {
			f->other_start = other.start_at;
			f->other_end = other.end_at;
		}
		if (f - res->refusals < 50 && /* alternatives for the first ones only: enough to choose */
		    (rc = alternatives(db, room, actor, tz, x->start, x->end, people, f)))
			break;
	}
	int series = o->master.rrule || o->master.nrdates;
	if (!rc && refused && (!series || refused > room->max_conflicts || !may)) {
		out->status = "declined";
		out->declined = refused;
		free(ok);
		/* a room declined automatically before stays declined rather than
		 * refusing its organizer's next change of something else */
		if (!room->decline_on_conflict && !redo) {
			res->refused = 1;
			rc = E_CONFLICT;
			goto out;
		}
		/* on_conflict 'decline': the room gives back what it held of the
		 * meeting (its past stays) and says why */
		for (int j = 0; !rc && j < nhave; j++)
			if (have[j].end_at > now)
				rc = store_booking_delete(db, cal->account_id, have[j].id);
		declined_answer(out, res, first, room, tz);
		if (!rc)
			rc = booking_room_changed(db, room->id);
		goto out;
	}
	/* within the series' allowance: the refused occurrences are declined
	 * and stay listed in res, as what the answer reports. What the room
	 * says is what its bookings are: one pending (waiting for a delegate),
	 * among those that stay or those added below, keeps it pending. */
	int pending = 0;
	for (int j = 0; !rc && j < nhave; j++) {
		int keep = 0;
		for (int i = 0; i < occ.n && !keep; i++)
			keep = ok[i] && have[j].recurrence_id == occ.v[i].rid && have[j].start_at == occ.v[i].start &&
			       have[j].end_at == occ.v[i].end;
		if (!keep && have[j].end_at > now)
			rc = store_booking_delete(db, cal->account_id, have[j].id);
		else if (!strcmp(have[j].status, "pending"))
			pending = 1;
	}
	const char *status = room->approval && !delegate ? "pending" : "confirmed";
	int64_t known_len = room->max_booking_len;
	for (int i = 0; !rc && i < occ.n; i++) {
		if (!ok[i])
			continue;
		int kept = 0;
		for (int j = 0; j < nhave && !kept; j++)
			kept = have[j].recurrence_id == occ.v[i].rid && have[j].start_at == occ.v[i].start &&
			       have[j].end_at == occ.v[i].end;
		out->booked++;
		if (kept)
			continue;
		struct booking b = {0};
		snprintf(b.account_id, sizeof b.account_id, "%s", cal->account_id);
		ids_new("bkg", b.id);
		snprintf(b.room_id, sizeof b.room_id, "%s", room->id);
		snprintf(b.event_id, sizeof b.event_id, "%s", event_id);
		b.recurrence_id = occ.v[i].rid;
		b.start_at = occ.v[i].start;
		b.end_at = occ.v[i].end;
		b.busy_from = b.start_at - room->buffer_before;
		b.busy_to = b.end_at + room->buffer_after;
		snprintf(b.status, sizeof b.status, "%s", status);
		b.created_at = now;
		rc = store_booking_insert_known(db, &b, &known_len);
		if (!rc && !strcmp(status, "pending"))
			pending = 1;
		if (rc == E_CONFLICT) { /* taken by a concurrent transaction (PostgreSQL) */
			struct booking_refusal *f =
				refuse(res, room, b.start_at, b.end_at, b.recurrence_id, "conflict");
			if (f)
				detail_for(f, room);
			res->refused = 1;
		}
	}
	free(ok);
	out->declined = refused;
	out->status = !rc && pending ? "pending" : "confirmed";
	out->partstat = pending ? "NEEDS-ACTION" : "ACCEPTED";
	out->schedule_status = pending ? "1.2" : "2.0";
	if (!rc)
		rc = booking_room_changed(db, room->id);
out:
	free(have);
	free(occ.v);
	return rc;
}

int booking_hold(struct db *db, const struct room *room, const char *event_id, int64_t start, int64_t end,
		 const char *status)
{
	struct booking have[8], other;
	int n = 0, rc;
	if ((rc = store_booking_of_event(db, room->account_id, event_id, room->id, have, 8, &n)))
		return rc;
	if (n == 1 && have[0].start_at == start && have[0].end_at == end && !strcmp(have[0].status, status))
		return 0;
	for (int i = 0; !rc && i < n; i++)
		rc = store_booking_delete(db, room->account_id, have[i].id);
	if (rc)
		return rc;
	struct booking b = {0};
	snprintf(b.account_id, sizeof b.account_id, "%s", room->account_id);
	ids_new("bkg", b.id);
	snprintf(b.room_id, sizeof b.room_id, "%s", room->id);
	snprintf(b.event_id, sizeof b.event_id, "%s", event_id);
	b.start_at = start;
	b.end_at = end > start ? end : start;
	b.busy_from = b.start_at - room->buffer_before;
	b.busy_to = b.end_at + room->buffer_after;
	snprintf(b.status, sizeof b.status, "%s", status);
	b.created_at = clock_now();
	/* asked first: on PostgreSQL a refused insert would end the transaction */
	rc = store_booking_overlap(db, room->account_id, room->id, b.busy_from, b.busy_to, room->max_booking_len,
				   event_id, &other);
	if (rc == 0)
		rc = E_CONFLICT;
	else if (rc == E_NOTFOUND) {
		int64_t known = room->max_booking_len;
		rc = store_booking_insert_known(db, &b, &known);
	}
	if (rc && rc != E_CONFLICT)
		return rc;
	int rc2 = booking_room_changed(db, room->id);
	return rc ? rc : rc2;
}

int booking_room_changed(struct db *db, const char *room_id)
{
	char topic[64];
	snprintf(topic, sizeof topic, "room:%s", room_id);
	return store_changed(db, topic);
}

int booking_event_gone(struct db *db, const char *account_id, const char *event_id)
{
	struct booking *all = malloc(sizeof *all * BOOKINGS_MAX);
	int n = 0, rc;
	if (!all)
		return E_NOMEM;
	rc = store_booking_of_event(db, account_id, event_id, NULL, all, BOOKINGS_MAX, &n);
	for (int i = 0; !rc && i < n; i++)
		if (i == 0 || strcmp(all[i].room_id, all[i - 1].room_id))
			rc = booking_room_changed(db, all[i].room_id);
	free(all);
	return rc;
}

/* DECLINED by convene for a rule (not by a delegate): asked again at each change */
static int declined_automatically(const struct ics_attendee *a)
{
	return a->schedule_status && (!strcmp(a->schedule_status, "4.0") || !strcmp(a->schedule_status, "3.8"));
}

int booking_sync(struct db *db, const struct calendar *cal, const char *event_id, const struct ics_object *o,
		 const struct booking_actor *actor, struct booking_result *res)
{
	int rc = 0;
	if (*cal->room_id) /* a room's own calendar books nothing */
		return 0;
	const struct ics_event *m = &o->master;
	struct room rooms[16];
	int redo[16];
	int nrooms = 0;
	for (size_t i = 0; i < m->nattendees && nrooms < 16; i++) {
		const struct ics_attendee *at = &m->attendees[i];
		/* a room that declined (its delegate said no) holds nothing */
		int declined = at->partstat && !strcmp(at->partstat, "DECLINED");
		if (!is_room_attendee(at) || (declined && !declined_automatically(at)))
			continue;
		rc = store_room_by_email(db, cal->account_id, at->email, &rooms[nrooms]);
		if (rc == E_NOTFOUND)
			continue; /* a room elsewhere: not ours to book */
		if (rc)
			return rc;
		redo[nrooms++] = declined;
	}
	/* rooms no longer invited give their bookings back */
	struct booking *all = malloc(sizeof *all * BOOKINGS_MAX);
	int nall = 0;
	if (!all)
		return E_NOMEM;
	if ((rc = store_booking_of_event(db, cal->account_id, event_id, NULL, all, BOOKINGS_MAX, &nall))) {
		free(all);
		return rc;
	}
	for (int j = 0; !rc && j < nall; j++) {
		int still = 0;
		for (int k = 0; k < nrooms && !still; k++)
			still = !strcmp(all[j].room_id, rooms[k].id);
		if (!still && !(rc = store_booking_delete(db, cal->account_id, all[j].id)))
			rc = booking_room_changed(db, all[j].room_id);
	}
	/* each room's bookings from that list (one query for all of them),
	 * unless the room is invited twice: the second sync reads what the first
	 * one wrote. A full list may have been cut: then each reads its own. */
	for (int k = 0; !rc && k < nrooms && res->nrooms < 16; k++) {
		int again = nall >= BOOKINGS_MAX;
		for (int i = 0; i < k && !again; i++)
			again = !strcmp(rooms[i].id, rooms[k].id);
		struct booking_room_outcome *out = &res->rooms[res->nrooms++];
		memset(out, 0, sizeof *out);
		rc = sync_room(db, cal, event_id, o, actor, &rooms[k], again ? NULL : all, nall, redo[k], res, out);
	}
	free(all);
	return rc;
}

int booking_answers(const struct ics_object *o, const char *tz, const struct booking_result *res,
		    struct ics_object **out)
{
	struct ics_answer a[16];
	size_t n = 0;
	struct ics_error err;
	*out = NULL;
	for (int k = 0; k < res->nrooms && n < 16; k++) {
		const struct booking_room_outcome *r = &res->rooms[k];
		if (!r->partstat)
			continue;
		a[n++] = (struct ics_answer){r->email, r->partstat, r->schedule_status, r->comment};
	}
	return n ? ics_set_answers(o->text, tz, a, n, out, &err) : 0;
}

static json_t *time_json(int64_t t, const char *tz)
{
	char s[32];
	ics_format_time(t, tz, 0, s, sizeof s);
	return json_string(s);
}

json_t *booking_conflicts_json(const struct booking_result *res, const char *tz, int lang)
{
	json_t *a = json_array();
	for (size_t i = 0; i < res->nrefusals; i++) {
		const struct booking_refusal *f = &res->refusals[i];
		char detail[sizeof f->detail];
		booking_refusal_text(f, lang, detail, sizeof detail);
		json_t *c = json_pack("{s:s, s:s, s:o, s:o, s:s, s:s}", "room_id", f->room_id, "room", f->room_name,
				      "start", time_json(f->start, tz), "end", time_json(f->end, tz), "rule", f->rule,
				      "detail", detail);
		json_object_set_new(c, "recurrence_id",
				    f->recurrence_id ? time_json(f->recurrence_id, tz) : json_null());
		if (f->other_end)
			json_object_set_new(c, "conflicting",
					    json_pack("{s:o, s:o}", "start", time_json(f->other_start, tz), "end",
						      time_json(f->other_end, tz)));
		json_t *alt = json_array();
		for (int k = 0; k < f->nalt; k++)
			json_array_append_new(alt, json_pack("{s:s, s:s, s:i, s:s, s:s}", "id", f->alt[k].id, "name",
							     f->alt[k].name, "capacity", f->alt[k].capacity, "building",
							     f->alt[k].building, "floor", f->alt[k].floor));
		json_object_set_new(c, "alternatives", alt);
		json_array_append_new(a, c);
	}
	return a;
}

json_t *booking_outcome_json(const struct booking_result *res)
{
	json_t *a = json_array();
	for (int k = 0; k < res->nrooms; k++) {
		const struct booking_room_outcome *o = &res->rooms[k];
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:i, s:i}", "room_id", o->room_id, "room",
						   o->room_name, "status", o->status ? o->status : "confirmed",
						   "booked", o->booked, "declined", o->declined));
	}
	return a;
}
