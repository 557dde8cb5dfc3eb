/* Google Workspace's rooms: the Admin SDK Directory's calendar resources
 * (resources.calendars.list), read as the impersonated administrator. The
 * check of step 1 is a token and one read of one resource: what every later
 * call needs proven at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "core/log.h"
#include "http/client.h"
#include "sync/google_auth.h"

#define ROOMS_PATH "/admin/directory/v1/customer/my_customer/resources/calendars"
#define BUILDINGS_PATH "/admin/directory/v1/customer/my_customer/resources/buildings"
#define BUILDING_PAGES_MAX 20
#define PAGE_SIZE 500 /* the most Google gives per page */
#define PAGES_MAX (SYNC_ROOMS_MAX / PAGE_SIZE + 2)
#define PAGE_TOKEN_MAX 2048

int google_check(struct sync_api *a, struct sync_failure *f)
{
	struct hc_response rs;
	int rc = google_api(a, "GET", ROOMS_PATH "?maxResults=1", NULL, &rs, f);
	hc_response_free(&rs);
	return rc;
}

static const char *str(json_t *o, const char *name)
{
	const char *s = json_string_value(json_object_get(o, name));
	return s ? s : "";
}

/* {buildingId: buildingName} of the Directory's buildings, so that a room
 * shows "Head office" rather than Google's id for it; NULL when they cannot
 * be read (the ids are shown then) */
static json_t *building_names(struct sync_api *a)
{
	json_t *names = json_object();
	char *page = NULL, path[sizeof BUILDINGS_PATH + PAGE_TOKEN_MAX * 3 + 64];
	struct sync_failure f;
	for (int pages = 0; names && pages < BUILDING_PAGES_MAX; pages++) {
		char *esc = page ? hc_escape(page) : NULL;
		snprintf(path, sizeof path, BUILDINGS_PATH "?maxResults=%d%s%s", PAGE_SIZE, esc ? "&pageToken=" : "",
			 esc ? esc : "");
		free(esc);
		struct hc_response rs;
		int rc = google_api(a, "GET", path, NULL, &rs, &f);
		json_t *o = rc ? NULL : google_json(&rs, &f);
		hc_response_free(&rs);
		if (!o) {
			json_decref(names);
			names = NULL;
			break;
		}
		json_t *b;
		size_t i;
		json_array_foreach(json_object_get(o, "buildings"), i, b)
		{
			const char *id = json_string_value(json_object_get(b, "buildingId"));
			const char *name = json_string_value(json_object_get(b, "buildingName"));
			if (id && *id && name && *name)
				json_object_set_new(names, id, json_string(name));
		}
		const char *next = json_string_value(json_object_get(o, "nextPageToken"));
		free(page);
		page = next && *next && strlen(next) < PAGE_TOKEN_MAX ? strdup(next) : NULL;
		json_decref(o);
		if (!page)
			break;
	}
	free(page);
	return names;
}

/* one resource as provider.h's room; 0 when it has no calendar address */
static int room_of(json_t *item, json_t *buildings, struct sync_room *r)
{
	memset(r, 0, sizeof *r);
	const char *email = str(item, "resourceEmail");
	if (!*email || strlen(email) >= sizeof r->provider_room_id || strlen(email) >= sizeof r->email)
		return 0;
	snprintf(r->provider_room_id, sizeof r->provider_room_id, "%s", email);
	snprintf(r->email, sizeof r->email, "%s", email);
	snprintf(r->name, sizeof r->name, "%s", *str(item, "resourceName") ? str(item, "resourceName") : email);
	json_t *cap = json_object_get(item, "capacity");
	r->capacity = json_is_integer(cap) && json_integer_value(cap) >= 0 && json_integer_value(cap) <= 100000
			      ? (int)json_integer_value(cap)
			      : -1;
	const char *bname = json_string_value(json_object_get(buildings, str(item, "buildingId")));
	snprintf(r->building, sizeof r->building, "%s", bname ? bname : str(item, "buildingId"));
	snprintf(r->floor, sizeof r->floor, "%s", str(item, "floorName"));
	snprintf(r->category, sizeof r->category, "%s",
		 !strcmp(str(item, "resourceCategory"), "CONFERENCE_ROOM") ? "conference_room" : "other");
	json_t *names = json_array(), *fi;
	size_t i;
	json_array_foreach(json_object_get(item, "featureInstances"), i, fi)
	{
		const char *n = json_string_value(json_object_get(json_object_get(fi, "feature"), "name"));
		if (n && *n && strlen(n) < 100)
			json_array_append_new(names, json_string(n));
	}
	/* what does not fit the column is left out, a whole name at a time */
	char *text = json_dumps(names, JSON_COMPACT);
	while (text && strlen(text) >= sizeof r->features && json_array_size(names)) {
		free(text);
		json_array_remove(names, json_array_size(names) - 1);
		text = json_dumps(names, JSON_COMPACT);
	}
	snprintf(r->features, sizeof r->features, "%s", text ? text : "[]");
	free(text);
	json_decref(names);
	return 1;
}

int google_list_rooms(struct sync_api *a, sync_room_cb cb, void *ctx, struct sync_failure *f)
{
	char *page = NULL, path[sizeof ROOMS_PATH + PAGE_TOKEN_MAX * 3 + 64];
	struct sync_room *r = malloc(sizeof *r);
	int rc = 0, count = 0;
	if (!r)
		return E_NOMEM;
	json_t *buildings = building_names(a);
	for (int pages = 0; pages < PAGES_MAX && count < SYNC_ROOMS_MAX; pages++) {
		char *esc = page ? hc_escape(page) : NULL;
		if (page && !esc) {
			rc = E_NOMEM;
			break;
		}
		snprintf(path, sizeof path, ROOMS_PATH "?maxResults=%d%s%s", PAGE_SIZE, esc ? "&pageToken=" : "",
			 esc ? esc : "");
		free(esc);
		struct hc_response rs;
		rc = google_api(a, "GET", path, NULL, &rs, f);
		json_t *o = rc ? NULL : google_json(&rs, f);
		hc_response_free(&rs);
		if (rc)
			break;
		if (!o) {
			rc = E_IO;
			break;
		}
		json_t *item;
		size_t i;
		json_array_foreach(json_object_get(o, "items"), i, item)
		{
			if (count >= SYNC_ROOMS_MAX || !room_of(item, buildings, r))
				continue;
			count++;
			if ((rc = cb(ctx, r)))
				break;
		}
		const char *next = json_string_value(json_object_get(o, "nextPageToken"));
		free(page);
		page = next && *next && strlen(next) < PAGE_TOKEN_MAX ? strdup(next) : NULL;
		json_decref(o);
		if (rc || !page)
			break;
	}
	if (!rc && page)
		log_warn("sync: google: account %s lists more than %d rooms; the first %d are shown", a->account_id,
			 SYNC_ROOMS_MAX, SYNC_ROOMS_MAX);
	free(page);
	free(r);
	json_decref(buildings);
	return rc;
}
