/* Exchange Server's rooms: the organisation's room lists (GetRoomLists) and
 * the rooms of each (GetRooms). EWS gives a room's name and address only (no
 * capacity, building or floor: an imported room gets those in convene). The
 * check of step 1 proves the password (GetRoomLists) and impersonation (one
 * read of a room's calendar as the room). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/errors.h"
#include "sync/exchange_soap.h"

#define ROOMLISTS_MAX 500

/* the room lists' addresses, at most ROOMLISTS_MAX */
static int room_lists(struct sync_api *a, char ***out, int *n, struct sync_failure *f)
{
	*out = NULL;
	*n = 0;
	xmlDocPtr doc;
	int rc = ews_call(a, NULL, "<m:GetRoomLists/>", &doc, f);
	if (rc)
		return rc;
	xmlNodePtr resp = ews_find(xmlDocGetRootElement(doc), "GetRoomListsResponse");
	if (!resp) {
		sync_fail(f, "provider_error", NULL, "Exchange's answer to GetRoomLists has no GetRoomListsResponse.");
		rc = E_IO;
		goto out;
	}
	if ((rc = ews_message(resp, NULL, NULL, 0, f)))
		goto out;
	char **lists = calloc(ROOMLISTS_MAX, sizeof *lists);
	if (!lists) {
		rc = E_NOMEM;
		goto out;
	}
	for (xmlNodePtr ad = ews_child(ews_child(resp, "RoomLists"), "Address"); ad && *n < ROOMLISTS_MAX;
	     ad = ews_next(ad, "Address")) {
		char email[320];
		ews_text(ad, "EmailAddress", email, sizeof email);
		if (*email && !(lists[(*n)++] = strdup(email))) {
			rc = E_NOMEM;
			break;
		}
	}
	*out = lists;
out:
	xmlFreeDoc(doc);
	return rc;
}

static void free_lists(char **lists, int n)
{
	for (int i = 0; i < n; i++)
		free(lists[i]);
	free(lists);
}

/* the rooms of one list, each given to cb (stops on its non-zero result) */
static int rooms_of(struct sync_api *a, const char *list, int *count, sync_room_cb cb, void *ctx,
		    struct sync_failure *f)
{
	struct ews_buf b = {0};
	ews_add(&b, "<m:GetRooms><m:RoomList><t:EmailAddress>");
	ews_addx(&b, list);
	ews_add(&b, "</t:EmailAddress></m:RoomList></m:GetRooms>");
	if (b.oom) {
		ews_buf_free(&b);
		return E_NOMEM;
	}
	xmlDocPtr doc;
	int rc = ews_call(a, NULL, b.s, &doc, f);
	ews_buf_free(&b);
	if (rc)
		return rc;
	xmlNodePtr resp = ews_find(xmlDocGetRootElement(doc), "GetRoomsResponse");
	char code[128];
	if (!resp || ews_message(resp, NULL, code, sizeof code, f)) {
		/* a list emptied or removed since GetRoomLists: no rooms */
		rc = resp && !strcmp(code, "ErrorNameResolutionNoResults") ? 0 : E_IO;
		if (!resp)
			sync_fail(f, "provider_error", NULL, "Exchange's answer to GetRooms has no GetRoomsResponse.");
		goto out;
	}
	struct sync_room *r = malloc(sizeof *r);
	if (!r) {
		rc = E_NOMEM;
		goto out;
	}
	for (xmlNodePtr room = ews_child(ews_child(resp, "Rooms"), "Room"); room && *count < SYNC_ROOMS_MAX;
	     room = ews_next(room, "Room")) {
		xmlNodePtr id = ews_child(room, "Id");
		memset(r, 0, sizeof *r);
		ews_text(id, "EmailAddress", r->email, sizeof r->email);
		if (!*r->email)
			continue;
		snprintf(r->provider_room_id, sizeof r->provider_room_id, "%s", r->email);
		ews_text(id, "Name", r->name, sizeof r->name);
		if (!*r->name)
			snprintf(r->name, sizeof r->name, "%s", r->email);
		r->capacity = -1;
		snprintf(r->features, sizeof r->features, "[]");
		snprintf(r->category, sizeof r->category, "conference_room");
		(*count)++;
		if ((rc = cb(ctx, r)))
			break;
	}
	free(r);
out:
	xmlFreeDoc(doc);
	return rc;
}

/* the rooms of every list; a room in two lists is given once */
struct seen {
	sync_room_cb cb;
	void *ctx;
	char **emails;
	int n;
};

static int once(void *ctx, const struct sync_room *r)
{
	struct seen *s = ctx;
	for (int i = 0; i < s->n; i++)
		if (!strcasecmp(s->emails[i], r->email))
			return 0;
	if (s->n < SYNC_ROOMS_MAX && !(s->emails[s->n++] = strdup(r->email)))
		return E_NOMEM;
	return s->cb(s->ctx, r);
}

int exchange_list_rooms(struct sync_api *a, sync_room_cb cb, void *ctx, struct sync_failure *f)
{
	char **lists;
	int n, count = 0;
	int rc = room_lists(a, &lists, &n, f);
	if (rc)
		return rc;
	struct seen s = {cb, ctx, calloc(SYNC_ROOMS_MAX, sizeof(char *)), 0};
	if (!s.emails)
		rc = E_NOMEM;
	for (int i = 0; !rc && i < n && count < SYNC_ROOMS_MAX; i++)
		rc = rooms_of(a, lists[i], &count, once, &s, f);
	for (int i = 0; s.emails && i < s.n; i++)
		free(s.emails[i]);
	free(s.emails);
	free_lists(lists, n);
	return rc;
}

/* one read of a room's calendar as the room */
int exchange_read_calendar(struct sync_api *a, const char *mailbox, struct sync_failure *f)
{
	char from[32], to[32];
	int64_t now = clock_now();
	ews_time_text(now, from);
	ews_time_text(now + 86400, to);
	struct ews_buf b = {0};
	ews_addf(&b,
		 "<m:FindItem Traversal=\"Shallow\"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>"
		 "<m:CalendarView MaxEntriesReturned=\"1\" StartDate=\"%s\" EndDate=\"%s\"/><m:ParentFolderIds>"
		 "<t:DistinguishedFolderId Id=\"calendar\"><t:Mailbox><t:EmailAddress>",
		 from, to);
	ews_addx(&b, mailbox);
	ews_add(&b, "</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId></m:ParentFolderIds></m:FindItem>");
	if (b.oom) {
		ews_buf_free(&b);
		return E_NOMEM;
	}
	xmlDocPtr doc;
	int rc = ews_call(a, mailbox, b.s, &doc, f);
	ews_buf_free(&b);
	if (rc)
		return rc;
	xmlNodePtr msg = ews_find(xmlDocGetRootElement(doc), "FindItemResponseMessage");
	if (!msg) {
		sync_fail(f, "provider_error", NULL, "Exchange's answer to FindItem has no response message.");
		rc = E_IO;
	} else {
		rc = ews_message(msg, mailbox, NULL, 0, f);
	}
	xmlFreeDoc(doc);
	return rc;
}

struct first {
	char email[320];
};

static int take_first(void *ctx, const struct sync_room *r)
{
	snprintf(((struct first *)ctx)->email, sizeof((struct first *)ctx)->email, "%s", r->email);
	return 1; /* one is enough */
}

int exchange_check(struct sync_api *a, struct sync_failure *f)
{
	struct first first = {""};
	char **lists;
	int n, count = 0;
	int rc = room_lists(a, &lists, &n, f);
	for (int i = 0; !rc && i < n && !*first.email; i++) {
		rc = rooms_of(a, lists[i], &count, take_first, &first, f);
		if (rc == 1)
			rc = 0;
	}
	free_lists(lists, n);
	/* with no room yet, the password is what can be proven */
	if (!rc && *first.email)
		rc = exchange_read_calendar(a, first.email, f);
	if (rc == E_IO && f && !strcmp(f->code, "provider_unreachable")) {
		char detail[sizeof f->detail];
		snprintf(detail, sizeof detail, "%s", f->detail);
		sync_fail(
			f, "ews_unreachable", NULL,
			"%s Check the EWS address (https://<server>/EWS/Exchange.asmx) and that this server can reach "
			"it.",
			detail);
	}
	if (rc == E_NOTFOUND || (rc == E_IO && f && !strcmp(f->code, "provider_error")))
		rc = E_FORBIDDEN; /* a mailbox not reachable, or not EWS: named, and step 2 waits */
	return rc;
}
