/* Exchange Server's room calendars: changes (SyncFolderItems, the SyncState
 * being the sync token; series expanded into their occurrences by a
 * CalendarView), pull notifications (Subscribe, GetEvents: EWS's push needs
 * a long-lived request of ours), and convene's bookings written into the
 * room's calendar as the room (ExchangeImpersonation): CreateItem with our
 * extended property, UpdateItem, DeleteItem, DeclineItem. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/clock.h"
#include "core/errors.h"
#include "core/log.h"
#include "ical/ics.h"
#include "sync/exchange_soap.h"

#define SYNC_PAGE 512   /* MaxChangesReturned's maximum */
#define VIEW_PAGE 250   /* items per CalendarView answer */
#define PULL_TIMEOUT 30 /* minutes a pull subscription lives without GetEvents */
#define EVENT_PAGES 20  /* GetEvents answers read in one poll (50 events each) */

/* the calendar folder of a mailbox, as every request names it */
static void folder(struct ews_buf *b, const char *mailbox)
{
	ews_add(b, "<t:DistinguishedFolderId Id=\"calendar\"><t:Mailbox><t:EmailAddress>");
	ews_addx(b, mailbox);
	ews_add(b, "</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>");
}

/* one call as the room; the operation's first response message in *msg */
static int call(struct sync_api *a, const char *mailbox, struct ews_buf *b, const char *msgname, xmlDocPtr *doc,
		xmlNodePtr *msg, char *code, size_t size, struct sync_failure *f)
{
	*doc = NULL;
	*msg = NULL;
	if (code)
		*code = 0;
	if (b->oom) {
		ews_buf_free(b);
		return E_NOMEM;
	}
	int rc = ews_call(a, mailbox, b->s, doc, f);
	ews_buf_free(b);
	if (rc)
		return rc;
	*msg = ews_find(xmlDocGetRootElement(*doc), msgname);
	if (!*msg) {
		sync_fail(f, "provider_error", NULL, "Exchange's answer has no %s.", msgname);
		return E_IO;
	}
	return ews_message(*msg, mailbox, code, size, f);
}

static const char *mailbox_of(const struct sync_room *r)
{
	return *r->email ? r->email : r->provider_room_id;
}

struct item {
	char id[1100], ck[256], uid[1024], subject[512], org_email[320], org_name[256], type[32], resp[32], ext[128];
	int64_t start, end, created;
	int all_day, cancelled;
};

static int yes(xmlNodePtr n, const char *child)
{
	char v[8];
	ews_text(n, child, v, sizeof v);
	return !strcmp(v, "true") || !strcmp(v, "1");
}

static void item_of(xmlNodePtr ci, struct item *it)
{
	memset(it, 0, sizeof *it);
	char t[64];
	xmlNodePtr id = ews_child(ci, "ItemId");
	ews_attr(id, "Id", it->id, sizeof it->id);
	ews_attr(id, "ChangeKey", it->ck, sizeof it->ck);
	ews_text(ci, "UID", it->uid, sizeof it->uid);
	ews_text(ci, "Subject", it->subject, sizeof it->subject);
	xmlNodePtr org = ews_child(ews_child(ci, "Organizer"), "Mailbox");
	ews_text(org, "EmailAddress", it->org_email, sizeof it->org_email);
	ews_text(org, "Name", it->org_name, sizeof it->org_name);
	ews_text(ci, "CalendarItemType", it->type, sizeof it->type);
	ews_text(ci, "MyResponseType", it->resp, sizeof it->resp);
	ews_text(ci, "Start", t, sizeof t);
	it->start = ews_time(t);
	ews_text(ci, "End", t, sizeof t);
	it->end = ews_time(t);
	ews_text(ci, "DateTimeCreated", t, sizeof t);
	it->created = ews_time(t) > 0 ? ews_time(t) : 0;
	it->all_day = yes(ci, "IsAllDayEvent");
	it->cancelled = yes(ci, "IsCancelled");
	for (xmlNodePtr e = ews_child(ci, "ExtendedProperty"); e; e = ews_next(e, "ExtendedProperty")) {
		char name[64];
		ews_attr(ews_child(e, "ExtendedFieldURI"), "PropertyName", name, sizeof name);
		if (!strcmp(name, "convene_event_id"))
			ews_text(e, "Value", it->ext, sizeof it->ext);
	}
}

static const char *response_of(const char *my)
{
	if (!strcmp(my, "Decline"))
		return "declined";
	if (!strcmp(my, "Tentative"))
		return "tentative";
	if (!strcmp(my, "NoResponseReceived") || !strcmp(my, "Unknown"))
		return "needs_action";
	return "accepted"; /* Accept, Organizer (written straight into the room's calendar) */
}

/* an all-day item's Start is midnight on the mailbox's own clock: the
 * nearest UTC midnight is its date (zones are within 12 hours of UTC) */
static int64_t day_of(int64_t t)
{
	return (t + 43200) / 86400 * 86400;
}

static int give(const struct item *it, const char *series, sync_change_cb cb, void *ctx)
{
	struct sync_change c = {.provider_event_id = it->id,
				.etag = it->ck,
				.removed = it->cancelled,
				.ical_uid = it->uid,
				.series_id = series ? series : "",
				.summary = it->subject,
				.organizer_email = it->org_email,
				.organizer_name = it->org_name,
				.start = it->all_day ? day_of(it->start) : it->start,
				.end = it->all_day ? day_of(it->end) : it->end,
				.all_day = it->all_day,
				.tzid = "",
				.room_response = response_of(it->resp),
				.convene_event_id = it->ext,
				.created = it->created};
	if (c.end <= c.start)
		c.end = c.start + (it->all_day ? 86400 : 60);
	return cb(ctx, &c);
}

static void shape(struct ews_buf *b, const char *base)
{
	ews_addf(b,
		 "<m:ItemShape><t:BaseShape>%s</t:BaseShape><t:AdditionalProperties>"
		 "<t:FieldURI FieldURI=\"item:DateTimeCreated\"/>" EWS_EXT_URI
		 "</t:AdditionalProperties></m:ItemShape>",
		 base);
}

/* every single item, occurrence and exception overlapping [from, to), in
 * pages: each next page starts at the last start seen (items listed again
 * are skipped) */
static int calendar_view(struct sync_api *a, const char *mailbox, int64_t from, int64_t to, sync_change_cb cb,
			 void *ctx, int *count, struct sync_failure *f)
{
	struct item *it = malloc(sizeof *it);
	char(*last)[1100] = calloc(VIEW_PAGE, sizeof *last); /* ids given at the last start */
	int nlast = 0, rc = 0;
	if (!it || !last) {
		rc = E_NOMEM;
		goto out;
	}
	int64_t at = from, last_start = -1;
	for (int pages = 0; pages < SYNC_CHANGES_MAX / VIEW_PAGE + 2; pages++) {
		char s[32], e[32];
		ews_time_text(at, s);
		ews_time_text(to, e);
		struct ews_buf b = {0};
		ews_add(&b, "<m:FindItem Traversal=\"Shallow\">");
		shape(&b, "Default");
		ews_addf(&b, "<m:CalendarView MaxEntriesReturned=\"%d\" StartDate=\"%s\" EndDate=\"%s\"/>", VIEW_PAGE,
			 s, e);
		ews_add(&b, "<m:ParentFolderIds>");
		folder(&b, mailbox);
		ews_add(&b, "</m:ParentFolderIds></m:FindItem>");
		xmlDocPtr doc;
		xmlNodePtr msg;
		if ((rc = call(a, mailbox, &b, "FindItemResponseMessage", &doc, &msg, NULL, 0, f))) {
			xmlFreeDoc(doc);
			goto out;
		}
		xmlNodePtr root = ews_child(msg, "RootFolder");
		char all[8];
		ews_attr(root, "IncludesLastItemInRange", all, sizeof all);
		int fresh = 0, nnext = 0;
		int64_t page_last = last_start;
		char(*next)[1100] = calloc(VIEW_PAGE, sizeof *next);
		if (!next) {
			xmlFreeDoc(doc);
			rc = E_NOMEM;
			goto out;
		}
		for (xmlNodePtr ci = ews_child(ews_child(root, "Items"), "CalendarItem"); ci && !rc;
		     ci = ews_next(ci, "CalendarItem")) {
			item_of(ci, it);
			if (!*it->id || it->start < 0)
				continue;
			int again = it->start < last_start;
			for (int i = 0; !again && it->start == last_start && i < nlast; i++)
				again = !strcmp(last[i], it->id);
			if (it->start > page_last) {
				page_last = it->start;
				nnext = 0;
			}
			if (it->start == page_last && nnext < VIEW_PAGE)
				snprintf(next[nnext++], sizeof *next, "%s", it->id);
			if (again)
				continue;
			fresh++;
			if (++*count > SYNC_CHANGES_MAX)
				rc = E_TOOLARGE;
			else
				rc = give(it, !strcmp(it->type, "Single") ? "" : it->uid, cb, ctx);
		}
		xmlFreeDoc(doc);
		if (page_last == last_start) /* the same start: keep its ids and add those of this page */
			for (int i = 0; i < nnext && nlast < VIEW_PAGE; i++)
				memcpy(last[nlast++], next[i], sizeof *next);
		else {
			memcpy(last, next, (size_t)nnext * sizeof *next);
			nlast = nnext;
		}
		free(next);
		if (rc || !strcmp(all, "true") || page_last < 0)
			goto out;
		/* a page of items all at one start already given: step past it */
		at = fresh ? page_last : (page_last >= at ? page_last + 1 : at + 1);
		last_start = page_last;
		if (at >= to)
			goto out;
	}
out:
	free(it);
	free(last);
	return rc;
}

struct pending {
	int full; /* a series changed, or an item left: only a listing of the window says what is left */
};

/* one SyncFolderItems answer after another from state; with cb NULL only
 * the new state is wanted (a first sync); *state replaced by the last one */
static int sync_folder(struct sync_api *a, const char *mailbox, char **state, sync_change_cb cb, void *ctx, int *count,
		       struct pending *p, struct sync_failure *f)
{
	struct item *it = malloc(sizeof *it);
	int rc = it ? 0 : E_NOMEM;
	for (int pages = 0; !rc; pages++) {
		if (pages > SYNC_CHANGES_MAX / SYNC_PAGE + 2) {
			sync_fail(f, "provider_error", NULL,
				  "The room's calendar holds more items than convene reads.");
			rc = E_TOOLARGE;
			break;
		}
		struct ews_buf b = {0};
		ews_add(&b, "<m:SyncFolderItems>");
		shape(&b, cb ? "Default" : "IdOnly");
		ews_add(&b, "<m:SyncFolderId>");
		folder(&b, mailbox);
		ews_add(&b, "</m:SyncFolderId>");
		if (*state && **state) {
			ews_add(&b, "<m:SyncState>");
			ews_addx(&b, *state);
			ews_add(&b, "</m:SyncState>");
		}
		ews_addf(&b, "<m:MaxChangesReturned>%d</m:MaxChangesReturned></m:SyncFolderItems>", SYNC_PAGE);
		xmlDocPtr doc;
		xmlNodePtr msg;
		rc = call(a, mailbox, &b, "SyncFolderItemsResponseMessage", &doc, &msg, NULL, 0, f);
		if (rc) {
			xmlFreeDoc(doc);
			break;
		}
		char *st = NULL, all[8];
		xmlNodePtr stn = ews_child(msg, "SyncState");
		xmlChar *sv = stn ? xmlNodeGetContent(stn) : NULL;
		if (sv && *sv && strlen((const char *)sv) < sizeof(((struct sync_room *)0)->sync_token))
			st = strdup((const char *)sv);
		xmlFree(sv);
		ews_text(msg, "IncludesLastItemInRange", all, sizeof all);
		xmlNodePtr changes = ews_child(msg, "Changes");
		for (xmlNodePtr ch = changes ? changes->children : NULL; cb && ch && !rc; ch = ch->next) {
			if (ch->type != XML_ELEMENT_NODE)
				continue;
			const char *kind = (const char *)ch->name;
			if (!strcmp(kind, "Delete")) {
				p->full = 1; /* a single item or a whole series: the listing tells */
				continue;
			}
			if (strcmp(kind, "Create") && strcmp(kind, "Update"))
				continue;
			xmlNodePtr ci = ews_child(ch, "CalendarItem");
			if (!ci)
				continue;
			item_of(ci, it);
			if (!*it->id || it->start < 0)
				continue;
			if (strcmp(it->type, "Single") && *it->type) {
				p->full = 1; /* a series: its occurrences come from the listing */
				continue;
			}
			if (++*count > SYNC_CHANGES_MAX)
				rc = E_TOOLARGE;
			else
				rc = give(it, "", cb, ctx);
		}
		xmlFreeDoc(doc);
		if (!st) {
			if (!rc) {
				sync_fail(f, "provider_error", NULL,
					  "Exchange's SyncFolderItems answer has no SyncState.");
				rc = E_IO;
			}
			break;
		}
		free(*state);
		*state = st;
		if (rc || strcmp(all, "false"))
			break;
	}
	free(it);
	return rc;
}

int exchange_changes(struct sync_api *a, const struct sync_room *r, const char *token, sync_change_cb cb, void *ctx,
		     char **next, struct sync_failure *f)
{
	*next = NULL;
	const char *mailbox = mailbox_of(r);
	char *state = token && *token ? strdup(token) : NULL;
	if (token && *token && !state)
		return E_NOMEM;
	int count = 0, rc;
	struct pending p = {0};
	if (state) {
		rc = sync_folder(a, mailbox, &state, cb, ctx, &count, &p, f);
		if (!rc && p.full) {
			/* a series changed or an item left: the caller lists the
			 * whole window, whose end removes what is gone */
			sync_fail(f, "sync_token_expired", NULL,
				  "A series changed or an item left: listing the window.");
			rc = E_CONFLICT;
		}
	} else {
		/* the state first: whatever changes during the listing comes again */
		rc = sync_folder(a, mailbox, &state, NULL, NULL, &count, &p, f);
		int64_t now = clock_now();
		if (!rc)
			rc = calendar_view(a, mailbox, now - SYNC_WINDOW_PAST, now + SYNC_WINDOW_AHEAD, cb, ctx, &count,
					   f);
	}
	if (rc) {
		free(state);
		return rc;
	}
	*next = state;
	return 0;
}

/* pull notifications */

int exchange_watch(struct sync_api *a, struct sync_room *r, const char *address, const char *token,
		   struct sync_failure *f)
{
	(void)address, (void)token; /* pull: Exchange keeps the events until GetEvents asks */
	const char *mailbox = mailbox_of(r);
	struct ews_buf b = {0};
	ews_add(&b, "<m:Subscribe><m:PullSubscriptionRequest><t:FolderIds>");
	folder(&b, mailbox);
	ews_addf(&b,
		 "</t:FolderIds><t:EventTypes><t:EventType>CreatedEvent</t:EventType>"
		 "<t:EventType>ModifiedEvent</t:EventType><t:EventType>DeletedEvent</t:EventType></t:EventTypes>"
		 "<t:Timeout>%d</t:Timeout></m:PullSubscriptionRequest></m:Subscribe>",
		 PULL_TIMEOUT);
	xmlDocPtr doc;
	xmlNodePtr msg;
	int rc = call(a, mailbox, &b, "SubscribeResponseMessage", &doc, &msg, NULL, 0, f);
	if (!rc) {
		char id[sizeof r->channel_id], wm[sizeof r->channel_resource_id];
		ews_text(msg, "SubscriptionId", id, sizeof id);
		ews_text(msg, "Watermark", wm, sizeof wm);
		if (!*id || !*wm) {
			sync_fail(f, "provider_error", NULL, "Exchange's Subscribe answer has no subscription.");
			rc = E_IO;
		} else {
			snprintf(r->channel_id, sizeof r->channel_id, "%s", id);
			snprintf(r->channel_resource_id, sizeof r->channel_resource_id, "%s", wm);
			r->channel_expires_at = clock_now() + PULL_TIMEOUT * 60;
		}
	}
	xmlFreeDoc(doc);
	return rc;
}

int exchange_unwatch(struct sync_api *a, const struct sync_room *r, struct sync_failure *f)
{
	if (!*r->channel_id)
		return 0;
	struct ews_buf b = {0};
	ews_add(&b, "<m:Unsubscribe><m:SubscriptionId>");
	ews_addx(&b, r->channel_id);
	ews_add(&b, "</m:SubscriptionId></m:Unsubscribe>");
	xmlDocPtr doc;
	xmlNodePtr msg;
	char code[128];
	int rc = call(a, mailbox_of(r), &b, "UnsubscribeResponseMessage", &doc, &msg, code, sizeof code, f);
	xmlFreeDoc(doc);
	if (rc && (!strcmp(code, "ErrorSubscriptionNotFound") || !strcmp(code, "ErrorSubscriptionAccessDenied")))
		rc = 0; /* gone already */
	return rc;
}

int exchange_poll(struct sync_api *a, struct sync_room *r, int *changed, struct sync_failure *f)
{
	*changed = 0;
	if (!*r->channel_id) {
		*changed = 1;
		return exchange_watch(a, r, NULL, NULL, f);
	}
	int rc = 0;
	for (int pages = 0; pages < EVENT_PAGES; pages++) {
		struct ews_buf b = {0};
		ews_add(&b, "<m:GetEvents><m:SubscriptionId>");
		ews_addx(&b, r->channel_id);
		ews_add(&b, "</m:SubscriptionId><m:Watermark>");
		ews_addx(&b, r->channel_resource_id);
		ews_add(&b, "</m:Watermark></m:GetEvents>");
		xmlDocPtr doc;
		xmlNodePtr msg;
		char code[128];
		rc = call(a, mailbox_of(r), &b, "GetEventsResponseMessage", &doc, &msg, code, sizeof code, f);
		if (rc) {
			xmlFreeDoc(doc);
			if (!strcmp(code, "ErrorSubscriptionNotFound") || !strcmp(code, "ErrorInvalidWatermark") ||
			    !strcmp(code, "ErrorInvalidSubscription") || !strcmp(code, "ErrorExpiredSubscription")) {
				/* lapsed (convene was down longer than its timeout):
				 * a new one, and a sync for what happened meanwhile */
				r->channel_id[0] = 0;
				*changed = 1;
				memset(f, 0, sizeof *f);
				return exchange_watch(a, r, NULL, NULL, f);
			}
			return rc;
		}
		xmlNodePtr n = ews_child(msg, "Notification");
		char more[8] = "";
		ews_text(n, "MoreEvents", more, sizeof more);
		for (xmlNodePtr ev = n ? n->children : NULL; ev; ev = ev->next) {
			if (ev->type != XML_ELEMENT_NODE)
				continue;
			const char *kind = (const char *)ev->name;
			char wm[sizeof r->channel_resource_id];
			ews_text(ev, "Watermark", wm, sizeof wm);
			if (*wm)
				snprintf(r->channel_resource_id, sizeof r->channel_resource_id, "%s", wm);
			if (strstr(kind, "Event") && strcmp(kind, "StatusEvent"))
				*changed = 1;
		}
		xmlFreeDoc(doc);
		r->channel_expires_at = clock_now() + PULL_TIMEOUT * 60;
		if (strcmp(more, "true"))
			break;
	}
	return rc;
}

/* outbound */

/* A series' StartTimeZone is the Windows id of its IANA zone (ICU's copy of
 * CLDR's windowsZones, ics_tz_windows): Exchange expands a series on that
 * wall clock. A zone CLDR maps to no Windows id: the series is written in
 * UTC (its local hour moves with daylight-saving time at Exchange). */
static const char *windows_zone(const char *iana, char *out, size_t n)
{
	return iana && *iana && ics_tz_windows(iana, out, n) ? out : NULL;
}

/* an RRULE part's value ("" when absent) */
static void rule_part(const char *rrule, const char *name, char *out, size_t n)
{
	size_t len = strlen(name);
	*out = 0;
	for (const char *p = rrule; p && *p;) {
		if (!strncasecmp(p, name, len) && p[len] == '=') {
			snprintf(out, n, "%.*s", (int)strcspn(p + len + 1, ";"), p + len + 1);
			return;
		}
		p = strchr(p, ';');
		p = p ? p + 1 : NULL;
	}
}

/* local "YYYY-MM-DD" of t on the series' clock */
static void local_date(const struct sync_booking *bk, int64_t t, char out[16])
{
	char l[32] = "";
	char w[128];
	if (windows_zone(bk->tzid, w, sizeof w))
		ics_utc_to_local(bk->tzid, t, l, sizeof l);
	if (strlen(l) >= 10) { /* YYYY-MM-DDTHH:MM:SS */
		snprintf(out, 16, "%.10s", l);
		return;
	}
	char z[32];
	ews_time_text(t, z);
	snprintf(out, 16, "%.10s", z);
}

/* a series' RRULE as EWS's Recurrence: DAILY and WEEKLY (BYDAY), MONTHLY
 * (BYMONTHDAY) and YEARLY on the start's day, INTERVAL, COUNT or UNTIL.
 * E_INVALID for what EWS's patterns cannot say (f names it). */
static int recurrence(struct ews_buf *b, const struct sync_booking *bk, struct sync_failure *f)
{
	char freq[16], interval[8], count[12], until[32], byday[64], date[16];
	rule_part(bk->rrule, "FREQ", freq, sizeof freq);
	rule_part(bk->rrule, "INTERVAL", interval, sizeof interval);
	rule_part(bk->rrule, "COUNT", count, sizeof count);
	rule_part(bk->rrule, "UNTIL", until, sizeof until);
	rule_part(bk->rrule, "BYDAY", byday, sizeof byday);
	int iv = atoi(interval) > 0 ? atoi(interval) : 1;
	local_date(bk, bk->start, date);
	static const char *const days[][2] = {{"MO", "Monday"},   {"TU", "Tuesday"}, {"WE", "Wednesday"},
					      {"TH", "Thursday"}, {"FR", "Friday"},  {"SA", "Saturday"},
					      {"SU", "Sunday"}};
	ews_add(b, "<t:Recurrence>");
	if (!strcasecmp(freq, "DAILY") && !*byday) {
		ews_addf(b, "<t:DailyRecurrence><t:Interval>%d</t:Interval></t:DailyRecurrence>", iv);
	} else if (!strcasecmp(freq, "WEEKLY") || (!strcasecmp(freq, "DAILY") && iv == 1)) {
		char list[128] = "";
		if (!*byday) { /* the start's weekday */
			struct tm tm;
			int Y, M, D;
			sscanf(date, "%d-%d-%d", &Y, &M, &D);
			tm = (struct tm){.tm_year = Y - 1900, .tm_mon = M - 1, .tm_mday = D, .tm_hour = 12};
			time_t tt = timegm(&tm);
			gmtime_r(&tt, &tm);
			snprintf(list, sizeof list, "%s", days[(tm.tm_wday + 6) % 7][1]);
		}
		for (char *save = NULL, *d = strtok_r(byday, ",", &save); d; d = strtok_r(NULL, ",", &save)) {
			const char *name = NULL;
			for (int i = 0; i < 7; i++)
				if (!strcasecmp(d, days[i][0]))
					name = days[i][1];
			if (!name) {
				sync_fail(f, "provider_error", NULL,
					  "Exchange cannot store the repetition BYDAY=%.20s of this series.", d);
				return E_INVALID;
			}
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", *list ? " " : "", name);
		}
		ews_addf(b, "<t:WeeklyRecurrence><t:Interval>%d</t:Interval><t:DaysOfWeek>%s</t:DaysOfWeek>",
			 !strcasecmp(freq, "DAILY") ? 1 : iv, list);
		ews_add(b, "</t:WeeklyRecurrence>");
	} else if (!strcasecmp(freq, "MONTHLY") && !*byday) {
		ews_addf(b,
			 "<t:AbsoluteMonthlyRecurrence><t:Interval>%d</t:Interval><t:DayOfMonth>%d</t:DayOfMonth>"
			 "</t:AbsoluteMonthlyRecurrence>",
			 iv, atoi(date + 8));
	} else {
		sync_fail(f, "provider_error", NULL, "Exchange cannot store the repetition %.100s of this series.",
			  bk->rrule);
		return E_INVALID;
	}
	if (*count) {
		ews_addf(b,
			 "<t:NumberedRecurrence><t:StartDate>%s</t:StartDate><t:NumberOfOccurrences>%d"
			 "</t:NumberOfOccurrences></t:NumberedRecurrence>",
			 date, atoi(count));
	} else if (*until) {
		char end[16];
		snprintf(end, sizeof end, "%.4s-%.2s-%.2s", until, until + 4, until + 6);
		ews_addf(b,
			 "<t:EndDateRecurrence><t:StartDate>%s</t:StartDate><t:EndDate>%s</t:EndDate>"
			 "</t:EndDateRecurrence>",
			 date, end);
	} else {
		ews_addf(b, "<t:NoEndRecurrence><t:StartDate>%s</t:StartDate></t:NoEndRecurrence>", date);
	}
	ews_add(b, "</t:Recurrence>");
	return 0;
}

static int booking_fields(struct ews_buf *b, const struct sync_booking *bk, int update, struct sync_failure *f)
{
	int rc = 0;
	char s[32], e[32];
	ews_time_text(bk->start, s);
	ews_time_text(bk->end > bk->start ? bk->end : bk->start + 60, e);
	const char *summary = bk->summary && *bk->summary ? bk->summary : "Busy";
#define SET(uri, xml)                                                                                     \
	do {                                                                                              \
		if (update)                                                                               \
			ews_add(b, "<t:SetItemField><t:FieldURI FieldURI=\"" uri "\"/><t:CalendarItem>"); \
		xml;                                                                                      \
		if (update)                                                                               \
			ews_add(b, "</t:CalendarItem></t:SetItemField>");                                 \
	} while (0)
	SET("item:Subject", (ews_add(b, "<t:Subject>"), ews_addx(b, summary), ews_add(b, "</t:Subject>")));
	SET("item:Body", (ews_add(b, "<t:Body BodyType=\"Text\">"), ews_addx(b, bk->description ? bk->description : ""),
			  ews_add(b, "</t:Body>")));
	if (!update)
		ews_add(b, "<t:ExtendedProperty>" EWS_EXT_URI "<t:Value>"), ews_addx(b, bk->convene_event_id),
			ews_add(b, "</t:Value></t:ExtendedProperty>");
	SET("calendar:Start", ews_addf(b, "<t:Start>%s</t:Start>", s));
	SET("calendar:End", ews_addf(b, "<t:End>%s</t:End>", e));
	SET("calendar:IsAllDayEvent",
	    ews_addf(b, "<t:IsAllDayEvent>%s</t:IsAllDayEvent>", bk->all_day ? "true" : "false"));
	SET("calendar:LegacyFreeBusyStatus", ews_add(b, "<t:LegacyFreeBusyStatus>Busy</t:LegacyFreeBusyStatus>"));
	if (bk->rrule && *bk->rrule) {
		SET("calendar:Recurrence", rc = recurrence(b, bk, f));
		char w[128];
		const char *zone = windows_zone(bk->tzid, w, sizeof w);
		if (zone && !update)
			ews_addf(b, "<t:StartTimeZone Id=\"%s\"/>", zone);
	}
#undef SET
	return rc;
}

/* a test of one item of a CalendarView: 1 for the one sought */
typedef int (*view_match)(const struct item *it, const void *ctx);

/* the first item of the room's calendar over [from, to) that match accepts
 * (EWS allows no restriction with a CalendarView: we read at most max items
 * and test each), its id in *id (NULL when none); *occurrence (when given)
 * says whether it is an occurrence or exception of a series */
static int calendar_view_find(struct sync_api *a, const char *mailbox, int64_t from, int64_t to, int max,
			      view_match match, const void *ctx, char **id, int *occurrence, struct sync_failure *f)
{
	*id = NULL;
	if (occurrence)
		*occurrence = 0;
	char s[32], e[32];
	ews_time_text(from, s);
	ews_time_text(to, e);
	struct ews_buf b = {0};
	ews_add(&b, "<m:FindItem Traversal=\"Shallow\">");
	shape(&b, "Default");
	ews_addf(&b, "<m:CalendarView MaxEntriesReturned=\"%d\" StartDate=\"%s\" EndDate=\"%s\"/>", max, s, e);
	ews_add(&b, "<m:ParentFolderIds>");
	folder(&b, mailbox);
	ews_add(&b, "</m:ParentFolderIds></m:FindItem>");
	xmlDocPtr doc;
	xmlNodePtr msg;
	int rc = call(a, mailbox, &b, "FindItemResponseMessage", &doc, &msg, NULL, 0, f);
	struct item *it = rc ? NULL : malloc(sizeof *it);
	if (!rc && !it)
		rc = E_NOMEM;
	for (xmlNodePtr ci = rc ? NULL : ews_child(ews_child(ews_child(msg, "RootFolder"), "Items"), "CalendarItem");
	     ci && !*id; ci = ews_next(ci, "CalendarItem")) {
		item_of(ci, it);
		if (*it->id && match(it, ctx) && !(*id = strdup(it->id)))
			rc = E_NOMEM;
	}
	if (occurrence && *id)
		*occurrence = !strcmp(it->type, "Occurrence") || !strcmp(it->type, "Exception");
	free(it);
	xmlFreeDoc(doc);
	return rc;
}

static int ours(const struct item *it, const void *ctx)
{
	const struct sync_booking *bk = ctx;
	return !strcmp(it->ext, bk->convene_event_id);
}

/* the item convene wrote for this booking earlier (a lost answer), looked
 * up by our property among the room's items around the booking's time */
static int find_ours(struct sync_api *a, const char *mailbox, const struct sync_booking *bk, char **id,
		     struct sync_failure *f)
{
	int occurrence;
	int rc = calendar_view_find(a, mailbox, bk->start - 86400, (bk->end > bk->start ? bk->end : bk->start) + 86400,
				    1000, ours, bk, id, &occurrence, f);
	if (!rc && occurrence) { /* one of our series: its master is what we wrote */
		char *occ = *id;
		*id = NULL;
		struct ews_buf g = {0};
		ews_add(&g, "<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds>"
			    "<t:RecurringMasterItemId OccurrenceId=\"");
		ews_addx(&g, occ);
		ews_add(&g, "\"/></m:ItemIds></m:GetItem>");
		free(occ);
		xmlDocPtr doc;
		xmlNodePtr msg;
		rc = call(a, mailbox, &g, "GetItemResponseMessage", &doc, &msg, NULL, 0, f);
		char master[1100] = "";
		if (!rc)
			ews_attr(ews_find(msg, "ItemId"), "Id", master, sizeof master);
		xmlFreeDoc(doc);
		if (!rc && *master && !(*id = strdup(master)))
			rc = E_NOMEM;
	}
	return rc;
}

static int update(struct sync_api *a, const char *mailbox, const char *id, const struct sync_booking *bk,
		  struct sync_failure *f)
{
	struct ews_buf b = {0};
	ews_add(&b,
		"<m:UpdateItem ConflictResolution=\"AutoResolve\" SendMeetingInvitationsOrCancellations=\"SendToNone\">"
		"<m:ItemChanges><t:ItemChange><t:ItemId Id=\"");
	ews_addx(&b, id);
	ews_add(&b, "\"/><t:Updates>");
	int rc = booking_fields(&b, bk, 1, f);
	if (rc) {
		ews_buf_free(&b);
		return rc;
	}
	ews_add(&b, "</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>");
	xmlDocPtr doc;
	xmlNodePtr msg;
	rc = call(a, mailbox, &b, "UpdateItemResponseMessage", &doc, &msg, NULL, 0, f);
	xmlFreeDoc(doc);
	return rc;
}

#define EXCEPTIONS_MAX 500 /* excluded or moved occurrences written per series */

struct occurrence_key {
	const char *event_id;
	int64_t t;
};

static int ours_at(const struct item *it, const void *ctx)
{
	const struct occurrence_key *k = ctx;
	return !strcmp(it->ext, k->event_id) && it->start == k->t;
}

/* the occurrence of our series starting at t (by our property), or NULL */
static int occurrence_at(struct sync_api *a, const char *mailbox, const char *event_id, int64_t t, char **id,
			 struct sync_failure *f)
{
	struct occurrence_key k = {event_id, t};
	return calendar_view_find(a, mailbox, t, t + 1, 100, ours_at, &k, id, NULL, f);
}

/* a series' occurrences convene left out deleted, and its moved ones moved
 * (each then an exception at Exchange); one already done is not found at
 * its rule's time any more and is left alone */
static int exceptions(struct sync_api *a, const char *mailbox, const struct sync_booking *bk, struct sync_failure *f)
{
	int rc = 0;
	for (size_t i = 0; !rc && i < bk->nexdates && i < EXCEPTIONS_MAX; i++) {
		char *id = NULL;
		if (!(rc = occurrence_at(a, mailbox, bk->convene_event_id, bk->exdates[i], &id, f)) && id) {
			struct sync_room r = {0};
			snprintf(r.email, sizeof r.email, "%s", mailbox);
			rc = exchange_remove(a, &r, id, f);
		}
		free(id);
	}
	for (size_t i = 0; !rc && i < bk->nmoved && i < EXCEPTIONS_MAX; i++) {
		char *id = NULL;
		const struct sync_moved *m = &bk->moved[i];
		if (!(rc = occurrence_at(a, mailbox, bk->convene_event_id, m->recurrence_id, &id, f)) && id) {
			char s[32], e[32];
			ews_time_text(m->start, s);
			ews_time_text(m->end > m->start ? m->end : m->start + 60, e);
			struct ews_buf b = {0};
			ews_add(&b, "<m:UpdateItem ConflictResolution=\"AutoResolve\" "
				    "SendMeetingInvitationsOrCancellations=\"SendToNone\"><m:ItemChanges><t:ItemChange>"
				    "<t:ItemId Id=\"");
			ews_addx(&b, id);
			ews_addf(
				&b,
				"\"/><t:Updates><t:SetItemField><t:FieldURI FieldURI=\"calendar:Start\"/><t:CalendarItem>"
				"<t:Start>%s</t:Start></t:CalendarItem></t:SetItemField><t:SetItemField><t:FieldURI "
				"FieldURI=\"calendar:End\"/><t:CalendarItem><t:End>%s</t:End></t:CalendarItem>"
				"</t:SetItemField></t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>",
				s, e);
			xmlDocPtr doc;
			xmlNodePtr msg;
			rc = call(a, mailbox, &b, "UpdateItemResponseMessage", &doc, &msg, NULL, 0, f);
			xmlFreeDoc(doc);
		}
		free(id);
	}
	return rc;
}

int exchange_write(struct sync_api *a, const struct sync_room *r, const char *provider_event_id,
		   const struct sync_booking *bk, char **out_id, struct sync_failure *f)
{
	*out_id = NULL;
	const char *mailbox = mailbox_of(r);
	char *id = provider_event_id && *provider_event_id ? strdup(provider_event_id) : NULL;
	int rc = 0;
	if (!id && (rc = find_ours(a, mailbox, bk, &id, f)))
		return rc;
	if (id) {
		if (!(rc = update(a, mailbox, id, bk, f)) && bk->rrule && *bk->rrule && exceptions(a, mailbox, bk, f)) {
			log_warn("calendar sync: the exceptions of series %s were not all written to Exchange: %s",
				 bk->convene_event_id, f->detail);
			memset(f, 0, sizeof *f);
		}
		if (rc)
			free(id);
		else
			*out_id = id;
		return rc;
	}
	struct ews_buf b = {0};
	ews_add(&b, "<m:CreateItem SendMeetingInvitations=\"SendToNone\"><m:SavedItemFolderId>");
	folder(&b, mailbox);
	ews_add(&b, "</m:SavedItemFolderId><m:Items><t:CalendarItem>");
	if ((rc = booking_fields(&b, bk, 0, f))) {
		ews_buf_free(&b);
		return rc;
	}
	ews_add(&b, "</t:CalendarItem></m:Items></m:CreateItem>");
	xmlDocPtr doc;
	xmlNodePtr msg;
	rc = call(a, mailbox, &b, "CreateItemResponseMessage", &doc, &msg, NULL, 0, f);
	if (!rc) {
		char newid[1100];
		ews_attr(ews_find(msg, "ItemId"), "Id", newid, sizeof newid);
		if (!*newid) {
			sync_fail(f, "provider_error", NULL, "Exchange's CreateItem answer has no ItemId.");
			rc = E_IO;
		} else if (!(*out_id = strdup(newid)))
			rc = E_NOMEM;
	}
	xmlFreeDoc(doc);
	/* the series is there (its id kept even when an exception fails: the
	 * retry patches it rather than writing it twice) */
	if (!rc && bk->rrule && *bk->rrule && exceptions(a, mailbox, bk, f)) {
		log_warn("calendar sync: the exceptions of series %s were not all written to Exchange: %s",
			 bk->convene_event_id, f->detail);
		memset(f, 0, sizeof *f);
	}
	return rc;
}

struct finding {
	const char *event_id;
	char *id;
	int occurrence;
};

static int match(void *ctx, const struct sync_change *c)
{
	struct finding *fd = ctx;
	if (strcmp(c->convene_event_id, fd->event_id))
		return 0;
	fd->occurrence = *c->series_id != 0;
	return (fd->id = strdup(c->provider_event_id)) ? 1 : E_NOMEM;
}

int exchange_find(struct sync_api *a, const struct sync_room *r, const char *convene_event_id, char **out_id,
		  struct sync_failure *f)
{
	*out_id = NULL;
	const char *mailbox = mailbox_of(r);
	struct finding fd = {convene_event_id, NULL, 0};
	int count = 0;
	int64_t now = clock_now();
	int rc = calendar_view(a, mailbox, now - SYNC_WINDOW_PAST, now + SYNC_WINDOW_AHEAD, match, &fd, &count, f);
	if (rc < 0 || !fd.id) {
		free(fd.id);
		return rc < 0 ? rc : 0;
	}
	if (!fd.occurrence) {
		*out_id = fd.id;
		return 1;
	}
	struct ews_buf g = {0};
	ews_add(&g, "<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds>"
		    "<t:RecurringMasterItemId OccurrenceId=\"");
	ews_addx(&g, fd.id);
	ews_add(&g, "\"/></m:ItemIds></m:GetItem>");
	free(fd.id);
	xmlDocPtr doc;
	xmlNodePtr msg;
	rc = call(a, mailbox, &g, "GetItemResponseMessage", &doc, &msg, NULL, 0, f);
	char master[1100] = "";
	if (!rc)
		ews_attr(ews_find(msg, "ItemId"), "Id", master, sizeof master);
	xmlFreeDoc(doc);
	if (rc)
		return rc;
	if (!*master)
		return 0;
	return (*out_id = strdup(master)) ? 1 : E_NOMEM;
}

int exchange_remove(struct sync_api *a, const struct sync_room *r, const char *provider_event_id,
		    struct sync_failure *f)
{
	struct ews_buf b = {0};
	ews_add(&b, "<m:DeleteItem DeleteType=\"HardDelete\" SendMeetingCancellations=\"SendToNone\"><m:ItemIds>"
		    "<t:ItemId Id=\"");
	ews_addx(&b, provider_event_id);
	ews_add(&b, "\"/></m:ItemIds></m:DeleteItem>");
	xmlDocPtr doc;
	xmlNodePtr msg;
	int rc = call(a, mailbox_of(r), &b, "DeleteItemResponseMessage", &doc, &msg, NULL, 0, f);
	xmlFreeDoc(doc);
	return rc == E_NOTFOUND && f && !strcmp(f->code, "not_found") ? 0 : rc;
}

int exchange_decline(struct sync_api *a, const struct sync_room *r, const char *provider_event_id, const char *comment,
		     struct sync_failure *f)
{
	struct ews_buf b = {0};
	ews_add(&b, "<m:CreateItem MessageDisposition=\"SendAndSaveCopy\"><m:Items><t:DeclineItem>");
	if (comment && *comment) {
		ews_add(&b, "<t:Body BodyType=\"Text\">");
		ews_addx(&b, comment);
		ews_add(&b, "</t:Body>");
	}
	ews_add(&b, "<t:ReferenceItemId Id=\"");
	ews_addx(&b, provider_event_id);
	ews_add(&b, "\"/></t:DeclineItem></m:Items></m:CreateItem>");
	xmlDocPtr doc;
	xmlNodePtr msg;
	int rc = call(a, mailbox_of(r), &b, "CreateItemResponseMessage", &doc, &msg, NULL, 0, f);
	xmlFreeDoc(doc);
	return rc == E_NOTFOUND && f && !strcmp(f->code, "not_found") ? 0 : rc;
}
