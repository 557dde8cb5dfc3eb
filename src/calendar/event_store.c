/* Event writes and row copies. The ETag is a digest of the stored text, so
 * that an unchanged import writes nothing and If-Match means "the text I
 * saw". event_write is the whole of a front end's write: scheduling is
 * decided here, once, so that a meeting invites the same people however it
 * was made. */
#include "calendar/event_store.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/audit.h"
#include "calendar/stream.h"
#include "core/clock.h"
#include "core/errors.h"
#include "http/response.h"

static void etag_of(const char *text, char out[ETAG_MAX])
{
	char h[HASH_HEX_MAX];
	ids_hash(text, h);
	snprintf(out, ETAG_MAX, "\"%.24s\"", h);
}

static void tzids_join(const struct ics_object *o, char *out, size_t n)
{
	size_t len = 0;
	out[0] = 0;
	for (size_t i = 0; i < o->ntzids; i++) {
		int w = snprintf(out + len, n - len, "%s%s", len ? " " : "", o->tzids[i]);
		if (w < 0 || (size_t)w >= n - len)
			break;
		len += (size_t)w;
	}
}

struct cur {
	char etag[ETAG_MAX];
	int64_t created_at;
	char created_by[ID_MAX];
};

static int read_cur(void *ctx, const struct event_row *e)
{
	struct cur *c = ctx;
	snprintf(c->etag, sizeof c->etag, "%s", e->etag);
	c->created_at = e->created_at;
	snprintf(c->created_by, sizeof c->created_by, "%s", e->created_by ? e->created_by : "");
	return 0;
}

/* writes o as event out->id (insert when created) */
static int write_row(struct db *db, const struct calendar *cal, const struct ics_object *o, int insert,
		     const char *href, const char *actor_id, struct event_saved *out)
{
	const struct ics_event *m = &o->master;
	char tzids[1024];
	int rc;
	etag_of(o->text, out->etag);
	tzids_join(o, tzids, sizeof tzids);
	if ((rc = store_calendar_bump(db, cal->account_id, cal->id, &out->modseq)))
		return rc;
	int64_t now = clock_now();
	struct event_row row = {
		.account_id = cal->account_id,
		.id = out->id,
		.calendar_id = cal->id,
		.uid = m->uid,
		.ical = o->text,
		.ical_busy = o->busy_text,
		.tzids = tzids,
		.summary = m->summary,
		.location = m->location,
		.start_at = m->start,
		.end_at = m->end,
		.all_day = m->all_day,
		.tzid = m->tzid,
		.rrule = m->rrule,
		.range_end = m->range_end,
		.range_start = m->range_start,
		.status = m->status ? m->status : "CONFIRMED",
		.transp = m->transp ? m->transp : "OPAQUE",
		.klass = m->klass ? m->klass : "PUBLIC",
		.organizer = m->organizer,
		.sequence = m->sequence,
		.etag = out->etag,
		.modseq = out->modseq,
		.created_by = actor_id,
		.created_at = now,
		.updated_at = now,
		.href = href,
	};
	rc = insert ? store_event_insert(db, &row) : store_event_update(db, &row);
	return rc ? rc : calendar_changed(db, cal);
}

static int exists_cb(void *ctx, const struct event_row *e)
{
	(void)ctx, (void)e;
	return 0;
}

/* a UID that is its own resource name with ".ics": 1 to 200 bytes, no '/' or control character */
static int event_name_plain(const char *uid)
{
	size_t n = strlen(uid);
	if (!n || n > 200)
		return 0;
	for (const unsigned char *p = (const unsigned char *)uid; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '/')
			return 0;
	return 1;
}

/* "<uid>.ics", or "<id>.ics" when the UID is no plain segment or the name is taken */
static int default_name(struct db *db, const struct calendar *cal, const char *uid, const char *id, char *out, size_t n)
{
	if (event_name_plain(uid)) {
		snprintf(out, n, "%s.ics", uid);
		int rc = store_event_by_href(db, cal->account_id, cal->id, out, exists_cb, NULL);
		if (rc != 0)
			return rc == E_NOTFOUND ? 0 : rc;
	}
	snprintf(out, n, "%s.ics", id);
	return 0;
}

/* event_store with the CalDAV resource name of a new event (struct event_write's name) */
static int event_store_named(struct db *db, const struct calendar *cal, const struct ics_object *o, const char *id,
			     const char *name, const struct booking_actor *actor, struct booking_result *res,
			     struct event_saved *out, struct ics_object **final);

int event_store(struct db *db, const struct calendar *cal, const struct ics_object *o, const char *id,
		const struct booking_actor *actor, struct booking_result *res, struct event_saved *out,
		struct ics_object **final)
{
	return event_store_named(db, cal, o, id, NULL, actor, res, out, final);
}

static int event_store_named(struct db *db, const struct calendar *cal, const struct ics_object *o, const char *id,
			     const char *name, const struct booking_actor *actor, struct booking_result *res,
			     struct event_saved *out, struct ics_object **final)
{
	int rc;
	char href[256] = "";
	struct booking_result local = {0};
	const char *actor_id = actor ? actor->user_id : NULL;
	if (final)
		*final = NULL;
	memset(out, 0, sizeof *out);
	etag_of(o->text, out->etag);
	if (id) {
		struct cur cur;
		if ((rc = store_event_get(db, cal->account_id, id, read_cur, &cur)))
			return rc;
		snprintf(out->id, sizeof out->id, "%s", id);
		if (!strcmp(cur.etag, out->etag)) {
			out->unchanged = 1;
			return 0;
		}
	} else {
		ids_new("evt", out->id);
		out->created = 1;
		if (name)
			snprintf(href, sizeof href, "%s", name);
		else if ((rc = default_name(db, cal, o->master.uid, out->id, href, sizeof href)))
			return rc;
	}
	if ((rc = write_row(db, cal, o, !id, href, actor_id, out)))
		return rc;
	struct booking_result *br = res ? res : &local;
	if ((rc = booking_sync(db, cal, out->id, o, actor, br)))
		goto out;
	struct ics_object *o2 = NULL;
	if ((rc = booking_answers(o, cal->time_zone, br, &o2)))
		goto out;
	if (o2) { /* the rooms' answers go into the text */
		if ((rc = write_row(db, cal, o2, 0, NULL, actor_id, out))) {
			ics_object_free(o2);
			goto out;
		}
		if (final)
			*final = o2;
		else
			ics_object_free(o2);
	}
out:
	booking_result_free(&local);
	return rc;
}

int event_delete(struct db *db, const struct calendar *cal, const char *id)
{
	int64_t modseq;
	int rc = booking_event_gone(db, cal->account_id, id); /* its bookings go with it */
	if (!rc)
		rc = store_calendar_bump(db, cal->account_id, cal->id, &modseq);
	if (!rc)
		rc = store_event_delete(db, cal->account_id, id, modseq);
	return rc ? rc : calendar_changed(db, cal);
}

static json_t *view_of(const char *id, const char *uid, const char *summary, int64_t start, const char *tzid,
		       int all_day)
{
	char s[32];
	ics_format_time(start, tzid, all_day, s, sizeof s);
	return json_pack("{s:s, s:s, s:s, s:s}", "id", id, "uid", uid ? uid : "", "summary", summary ? summary : "",
			 "start", s);
}

json_t *event_audit_view(const struct ics_event *m, const char *id)
{
	return view_of(id, m->uid, m->summary, m->start, m->tzid, m->all_day);
}

static json_t *row_view(const struct event_row *e)
{
	return view_of(e->id, e->uid, e->summary, e->start_at, e->tzid, e->all_day);
}

/* filled at start-up, before any thread: read without a lock afterwards */
static const struct event_hooks *hooks[EVENT_HOOKS_MAX];
static int n_hooks;

int event_hooks_add(const struct event_hooks *h)
{
	for (int i = 0; i < n_hooks; i++)
		if (hooks[i] == h)
			return 0;
	if (n_hooks == EVENT_HOOKS_MAX)
		return E_TOOLARGE;
	hooks[n_hooks++] = h;
	return 0;
}

/* each registrant's changed, in order; the first error stops the write */
static int hooks_changed(struct db *db, const struct event_write *w, const char *id, const struct ics_object *stored)
{
	int rc = 0;
	for (int i = 0; !rc && i < n_hooks; i++)
		if (hooks[i]->changed)
			rc = hooks[i]->changed(db, w->cal, w->prev, id, stored);
	return rc;
}

/* each registrant's filter, in order, each given the object the one before
 * it made; *out is the last replacement (NULL: none) */
static int hooks_filter(struct db *db, const struct event_write *w, struct ics_object **out)
{
	*out = NULL;
	for (int i = 0; i < n_hooks; i++) {
		if (!hooks[i]->filter)
			continue;
		struct ics_object *next = NULL;
		int rc = hooks[i]->filter(db, w->cal, w->prev, *out ? *out : w->o, &next);
		if (next) {
			ics_object_free(*out);
			*out = next;
		}
		if (rc) {
			ics_object_free(*out);
			*out = NULL;
			return rc;
		}
	}
	return 0;
}

static int write_delete(struct db *db, struct arena *a, const struct event_write *w, struct event_written *out)
{
	int rc = 0;
	rc = hooks_changed(db, w, w->prev->id, NULL);
	if (!rc && w->deliver == EVENT_DELIVER && w->who)
		rc = sched_deliver(a, db, w->who, w->prev->ical, NULL); /* the cancellations */
	if (!rc)
		rc = event_delete(db, w->cal, w->prev->id);
	if (!rc) {
		snprintf(out->saved.id, sizeof out->saved.id, "%s", w->prev->id);
		out->change = EVENT_DELETED;
		out->before = row_view(w->prev);
		out->label = w->prev->summary;
	}
	return rc;
}

const char *event_external(const char *ical)
{
	static const char *const known[] = {"google", "microsoft", "exchange"};
	static const char prop[] = "X-CONVENE-EXTERNAL:";
	if (!ical)
		return NULL;
	/* a property begins a content line; a TEXT value cannot hold a line
	 * break (it is escaped as \n), so no description forges one */
	const char *p = !strncmp(ical, prop, sizeof prop - 1) ? ical : strstr(ical, "\nX-CONVENE-EXTERNAL:");
	if (!p)
		return NULL;
	p = strchr(p, ':') + 1;
	for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
		size_t n = strlen(known[i]);
		if (!strncasecmp(p, known[i], n) && (p[n] == '\r' || p[n] == '\n' || !p[n]))
			return known[i];
	}
	return "";
}

const char *event_external_text(const char *provider)
{
	if (provider && !strcmp(provider, "microsoft"))
		return "This meeting was made in Microsoft 365 (Outlook); change it there.";
	if (provider && !strcmp(provider, "exchange"))
		return "This meeting was made in Microsoft Exchange (Outlook); change it there.";
	if (provider && !strcmp(provider, "google"))
		return "This meeting was made in Google Calendar; change it there.";
	return "This meeting was made in a connected calendar service; change it there.";
}

int event_external_problem(struct req *r, const char *provider)
{
	resp_problem_ext(r, 403, "external-event", resp_text(r, event_external_text(provider)),
			 json_pack("{s:s}", "provider", provider ? provider : ""));
	return E_FORBIDDEN;
}

int event_write(struct db *db, struct arena *a, const struct event_write *w, struct event_written *out)
{
	struct ics_object *marked = NULL, *final = NULL, *filtered = NULL;
	int rc;
	memset(out, 0, sizeof *out);
	if (!w->external_ok) { /* read-only wherever it shows: JSON, CalDAV, import */
		const char *ext = w->prev ? event_external(w->prev->ical) : NULL;
		if (!ext && w->o)
			ext = event_external(w->o->text);
		if (ext) {
			out->external = ext;
			return E_FORBIDDEN;
		}
	}
	if (!w->o)
		return write_delete(db, a, w, out);
	if ((rc = hooks_filter(db, w, &filtered)))
		return rc;
	const struct ics_object *in = filtered ? filtered : w->o;
	int deliver = w->deliver == EVENT_DELIVER && w->who;
	if (deliver && (rc = sched_mark(a, db, w->who, in, w->cal->time_zone, &marked))) {
		ics_object_free(filtered);
		return rc;
	}
	if (marked) {
		ics_object_free(filtered);
		filtered = NULL;
	}
	const struct ics_object *o = marked ? marked : in;
	rc = event_store_named(db, w->cal, o, w->prev ? w->prev->id : NULL, w->prev ? NULL : w->name, w->actor,
			       &out->booked, &out->saved, &final);
	if (final) {
		ics_object_free(marked);
		ics_object_free(filtered);
		marked = filtered = NULL;
		out->own = final;
	} else {
		out->own = marked ? marked : filtered;
	}
	out->stored = out->own ? out->own : w->o;
	out->rewritten = !!out->own;
	if (rc || out->saved.unchanged)
		return rc;
	if ((rc = hooks_changed(db, w, out->saved.id, out->stored)))
		return rc;
	if (deliver && (rc = sched_deliver(a, db, w->who, w->prev ? w->prev->ical : NULL, out->stored)))
		return rc;
	out->change = w->prev ? EVENT_UPDATED : EVENT_CREATED;
	out->before = w->prev ? row_view(w->prev) : NULL;
	out->after = event_audit_view(&out->stored->master, out->saved.id);
	out->label = out->stored->master.summary;
	return 0;
}

struct sched_actor event_caller(const struct req *r)
{
	return (struct sched_actor){r->who.account_id, r->who.user_id, r->who.email, r->who.display_name};
}

int event_written_audit(struct req *r, struct db *db, struct event_written *out)
{
	json_t *before = out->before, *after = out->after;
	const char *id = out->saved.id, *label = out->label;
	out->before = out->after = NULL;
	/* each action written out, so the audit log's texts are checked against them */
	switch (out->change) {
	case EVENT_CREATED:
		return audit_record(r, db, "event.create", "event", id, label, before, after);
	case EVENT_UPDATED:
		return audit_record(r, db, "event.update", "event", id, label, before, after);
	case EVENT_DELETED:
		return audit_record(r, db, "event.delete", "event", id, label, before, after);
	case EVENT_OCCURRENCE_UPDATED:
		return audit_record(r, db, "event.occurrence_update", "event", id, label, before, after);
	case EVENT_OCCURRENCE_CANCELLED:
		return audit_record(r, db, "event.occurrence_cancel", "event", id, label, before, after);
	case EVENT_UNCHANGED:
		break;
	}
	json_decref(before);
	json_decref(after);
	return 0;
}

void event_written_free(struct event_written *out)
{
	booking_result_free(&out->booked);
	ics_object_free(out->own);
	json_decref(out->before);
	json_decref(out->after);
	memset(out, 0, sizeof *out);
}

struct copy {
	struct arena *a;
	const char *calendar_id;
	struct event_row *out;
	int found;
};

static const char *dup(struct arena *a, const char *s)
{
	return s ? arena_strdup(a, s) : NULL;
}

static int copy_row(void *ctx, const struct event_row *e)
{
	struct copy *c = ctx;
	if (strcmp(e->calendar_id, c->calendar_id))
		return 0;
	struct event_row *o = c->out;
	*o = *e;
	o->account_id = dup(c->a, e->account_id);
	o->id = dup(c->a, e->id);
	o->calendar_id = dup(c->a, e->calendar_id);
	o->uid = dup(c->a, e->uid);
	o->ical = dup(c->a, e->ical);
	o->ical_busy = dup(c->a, e->ical_busy);
	o->tzids = dup(c->a, e->tzids);
	o->summary = dup(c->a, e->summary);
	o->location = dup(c->a, e->location);
	o->tzid = dup(c->a, e->tzid);
	o->rrule = dup(c->a, e->rrule);
	o->status = dup(c->a, e->status);
	o->transp = dup(c->a, e->transp);
	o->klass = dup(c->a, e->klass);
	o->organizer = dup(c->a, e->organizer);
	o->etag = dup(c->a, e->etag);
	o->created_by = dup(c->a, e->created_by);
	o->href = dup(c->a, e->href);
	c->found = 1;
	return 0;
}

int event_fetch(struct db *db, struct arena *a, const struct calendar *cal, const char *id, struct event_row *out)
{
	struct copy c = {a, cal->id, out, 0};
	if (!ids_valid(id, "evt"))
		return E_NOTFOUND;
	int rc = store_event_get(db, cal->account_id, id, copy_row, &c);
	return rc ? rc : c.found ? 0 : E_NOTFOUND;
}

int event_fetch_uid(struct db *db, struct arena *a, const struct calendar *cal, const char *uid, struct event_row *out)
{
	struct copy c = {a, cal->id, out, 0};
	int rc = store_event_by_uid(db, cal->account_id, cal->id, uid, copy_row, &c);
	return rc ? rc : c.found ? 0 : E_NOTFOUND;
}

int event_fetch_href(struct db *db, struct arena *a, const struct calendar *cal, const char *href,
		     struct event_row *out)
{
	struct copy c = {a, cal->id, out, 0};
	int rc = store_event_by_href(db, cal->account_id, cal->id, href, copy_row, &c);
	return rc ? rc : c.found ? 0 : E_NOTFOUND;
}
