/* Microsoft 365's rooms for calendar sync: step 1 proven (a token carrying
 * the consented application permissions, one read of the places and of one
 * room's calendar) and the organisation's rooms listed from Graph's places
 * (api-reference/v1.0/api/place-list.md, resources/room.md), keyed by the
 * room mailbox's address, which /users/{id}/... accepts and which Microsoft
 * never changes (a place's id may change). */
#include "sync/microsoft.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/errors.h"

#define PAGE_ANSWER_MAX (4 * 1024 * 1024)
#define ROOM_PAGE 100
#define ROOM_PAGES_MAX 1000 /* pages of 5 rooms still reach SYNC_ROOMS_MAX; a loop of links ends */

/* The roles claim of an app-only token (Entra's access tokens are JWTs whose
 * claims Microsoft documents; Graph does not ask us to validate them, only to
 * send them). NULL when the token is opaque: then the calls below decide. */
static json_t *token_claims(const char *token)
{
	const char *a = strchr(token, '.'), *b = a ? strchr(a + 1, '.') : NULL;
	if (!a || !b || b - a - 1 > 16384)
		return NULL;
	size_t cap = (size_t)(b - a) + 4, len = 0;
	unsigned char *raw = malloc(cap);
	json_t *j = NULL;
	if (raw && sodium_base642bin(raw, cap, a + 1, (size_t)(b - a - 1), NULL, &len, NULL,
				     sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0)
		j = json_loadb((const char *)raw, len, 0, NULL);
	free(raw);
	if (j && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

static int has_role(json_t *roles, const char *a, const char *b)
{
	size_t i;
	json_t *v;
	json_array_foreach(roles, i, v)
	{
		if (json_is_string(v) && (!strcmp(json_string_value(v), a) || (b && !strcmp(json_string_value(v), b))))
			return 1;
	}
	return 0;
}

/* the permissions the token lacks, as a JSON array's text; "" when it has
 * them or cannot be read */
static void missing_roles(const char *token, char *out, size_t n)
{
	out[0] = 0;
	json_t *c = token_claims(token);
	if (!c || !json_object_get(c, "tid"))
		goto out;
	json_t *roles = json_object_get(c, "roles"); /* absent without any consent */
	int cal = has_role(roles, "Calendars.ReadWrite", NULL);
	int place = has_role(roles, "Place.Read.All", "Place.ReadWrite.All");
	if (!cal || !place)
		snprintf(out, n, "[%s%s%s]", cal ? "" : "\"Calendars.ReadWrite\"", !cal && !place ? "," : "",
			 place ? "" : "\"Place.Read.All\"");
out:
	json_decref(c);
}

static int get_json(struct sync_api *a, const char *url, const char *what, json_t **out, struct sync_failure *f)
{
	static const char *const headers[] = {"Accept: application/json", NULL};
	struct hc_response res;
	int rc = ms_call(a, "GET", url, NULL, headers, PAGE_ANSWER_MAX, &res, f);
	*out = NULL;
	if (rc)
		goto out;
	if (res.status != 200) {
		rc = ms_failed(a, &res, what, f);
		goto out;
	}
	if (!(*out = ms_json(&res)) || !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		sync_fail(f, "provider_error", NULL, "Microsoft Graph answered %s with something other than JSON.",
			  what);
		rc = E_INVALID;
	}
out:
	hc_response_free(&res);
	return rc;
}

int sync_microsoft_check(struct sync_api *a, struct sync_failure *f)
{
	char missing[128], *url = NULL, *path = NULL, *email = NULL;
	json_t *j = NULL, *cv = NULL;
	int rc;
	if ((rc = ms_token(a, 1, f)))
		return rc;
	missing_roles(a->token, missing, sizeof missing);
	if (missing[0]) {
		ms_consent_missing(a, missing, f);
		return E_FORBIDDEN;
	}
	rc = E_NOMEM;
	if (!(url = ms_graph_url("/v1.0/places/microsoft.graph.room?$top=1")))
		goto out;
	if ((rc = get_json(a, url, "list the rooms (places)", &j, f)))
		goto out;
	json_t *room = json_array_get(json_object_get(j, "value"), 0);
	json_t *addr = json_object_get(room, "emailAddress");
	if (!json_is_string(addr) || !json_string_length(addr))
		goto out; /* no room yet: nothing more to try */
	/* reading a room's calendar needs Calendars.ReadWrite (or .Read) */
	char from[32], to[32];
	int64_t now = clock_now();
	ms_format_utc(now, from, sizeof from);
	ms_format_utc(now + 86400, to, sizeof to);
	rc = E_NOMEM;
	if (!(email = hc_escape(json_string_value(addr))))
		goto out;
	size_t n = strlen(email) + 160;
	if (!(path = malloc(n)))
		goto out;
	snprintf(path, n, "/v1.0/users/%s/calendarView?startDateTime=%s&endDateTime=%s&$top=1&$select=id", email, from,
		 to);
	free(url);
	if (!(url = ms_graph_url(path)))
		goto out;
	rc = get_json(a, url, "read a room's calendar", &cv, f);
	if (rc == E_FORBIDDEN)
		ms_consent_missing(a, "[\"Calendars.ReadWrite\"]", f);
	else if (rc == E_NOTFOUND)
		rc = 0; /* a place without a reachable mailbox: listed, and reported when linked */
out:
	if (rc == E_NOMEM)
		sync_fail(f, "provider_error", NULL, "Out of memory.");
	json_decref(j);
	json_decref(cv);
	free(url);
	free(path);
	free(email);
	return rc;
}

static void copy(char *dst, size_t n, json_t *v)
{
	snprintf(dst, n, "%s", json_is_string(v) ? json_string_value(v) : "");
}

static void add_feature(json_t *list, json_t *v)
{
	if (!json_is_string(v) || !json_string_length(v) || json_string_length(v) > 100)
		return;
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x)
	{
		if (json_equal(x, v))
			return;
	}
	json_array_append(list, v);
}

/* room resource → the normalised room; 0 when it has no mailbox address */
static int room_of(json_t *p, struct sync_room *r)
{
	json_t *addr = json_object_get(p, "emailAddress");
	if (!json_is_string(addr) || !json_string_length(addr) || json_string_length(addr) >= sizeof r->email)
		return 0;
	memset(r, 0, sizeof *r);
	copy(r->provider_room_id, sizeof r->provider_room_id, addr);
	copy(r->email, sizeof r->email, addr);
	copy(r->name, sizeof r->name, json_object_get(p, "displayName"));
	if (!r->name[0])
		snprintf(r->name, sizeof r->name, "%s", r->email);
	/* Int32 in the resource table; the page's example writes it as text */
	json_t *cap = json_object_get(p, "capacity");
	r->capacity = -1;
	if (json_is_integer(cap) && json_integer_value(cap) >= 0 && json_integer_value(cap) < 1000000)
		r->capacity = (int)json_integer_value(cap);
	else if (json_is_string(cap) && json_string_length(cap) && json_string_length(cap) < 7 &&
		 strspn(json_string_value(cap), "0123456789") == json_string_length(cap))
		r->capacity = atoi(json_string_value(cap));
	copy(r->building, sizeof r->building, json_object_get(p, "building"));
	copy(r->floor, sizeof r->floor, json_object_get(p, "floorLabel"));
	json_t *fn = json_object_get(p, "floorNumber");
	if (!r->floor[0] && json_is_integer(fn))
		snprintf(r->floor, sizeof r->floor, "%lld", (long long)json_integer_value(fn));
	json_t *features = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(p, "tags"), i, v) add_feature(features, v);
	add_feature(features, json_object_get(p, "audioDeviceName"));
	add_feature(features, json_object_get(p, "videoDeviceName"));
	add_feature(features, json_object_get(p, "displayDeviceName"));
	if (json_is_true(json_object_get(p, "isWheelChairAccessible"))) {
		json_t *w = json_string("Wheelchair accessible");
		add_feature(features, w);
		json_decref(w);
	}
	/* what does not fit the column is left out, last features first */
	char *text = NULL;
	while (features && (!(text = json_dumps(features, JSON_COMPACT)) || strlen(text) >= sizeof r->features) &&
	       json_array_size(features)) {
		free(text);
		text = NULL;
		json_array_remove(features, json_array_size(features) - 1);
	}
	snprintf(r->features, sizeof r->features, "%s", text ? text : "[]");
	free(text);
	json_decref(features);
	snprintf(r->category, sizeof r->category, "conference_room");
	return 1;
}

int sync_microsoft_list_rooms(struct sync_api *a, sync_room_cb cb, void *ctx, struct sync_failure *f)
{
	char first[64];
	snprintf(first, sizeof first, "/v1.0/places/microsoft.graph.room?$top=%d", ROOM_PAGE);
	char *url = ms_graph_url(first);
	struct sync_room *r = calloc(1, sizeof *r);
	json_t *j = NULL;
	int rc = E_NOMEM, rooms = 0;
	if (!url || !r)
		goto out;
	for (int page = 0; page < ROOM_PAGES_MAX; page++) {
		if ((rc = get_json(a, url, "list the rooms (places)", &j, f)))
			goto out;
		size_t i;
		json_t *p;
		json_array_foreach(json_object_get(j, "value"), i, p)
		{
			if (!room_of(p, r))
				continue;
			if (rooms++ >= SYNC_ROOMS_MAX)
				goto done;
			if ((rc = cb(ctx, r)))
				goto out;
		}
		json_t *next = json_object_get(j, "@odata.nextLink");
		if (!json_is_string(next))
			goto done;
		if (!ms_link_ok(json_string_value(next))) {
			sync_fail(f, "provider_error", NULL,
				  "Microsoft Graph's next page of rooms points outside microsoft_graph_url.");
			rc = E_INVALID;
			goto out;
		}
		free(url);
		if (!(url = strdup(json_string_value(next)))) {
			rc = E_NOMEM;
			goto out;
		}
		json_decref(j);
		j = NULL;
	}
done:
	rc = 0;
out:
	if (rc == E_NOMEM)
		sync_fail(f, "provider_error", NULL, "Out of memory.");
	json_decref(j);
	free(url);
	free(r);
	return rc;
}
