/* Unit tests of the Microsoft 365 adapter (sync/microsoft_*.c) against the
 * Graph fake (tests/fakes/graph/fake_graph.py, run by this test on a loopback
 * port, reached through microsoft_login_url and microsoft_graph_url as
 * Microsoft would be): step 1's checks, each failure of the token and of
 * consent named, rooms with their fields over pages, changes by delta with
 * removals, 410 and our property, idempotent writes, remove, decline, and
 * subscriptions validated against a small endpoint run in a thread here. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/errors.h"
#include "http/client.h"
#include "sync/microsoft.h"

#define TENANT "9188040d-6c67-4c5b-b112-36a304b66dad"
#define CLIENT "6731de76-14a6-49ae-97bc-6eba6914391e"
#define SECRET "fake-client-secret"
#define ROOM "room1@contoso.onmicrosoft.com"

static pid_t fake_pid;
static char base[64];

/* ---- the fake and its control API ---- */

static json_t *ctl(const char *method, const char *path, const char *body)
{
	char url[512];
	snprintf(url, sizeof url, "%s/_fake/%s", base, path);
	static const char *const headers[] = {"Content-Type: application/json", NULL};
	struct hc_request rq = {.method = method,
				.url = url,
				.headers = headers,
				.body = body,
				.body_len = body ? strlen(body) : 0,
				.timeout_ms = 30000};
	struct hc_response res;
	assert_int_equal(hc_do(&rq, &res), 0);
	if (res.status >= 300)
		fprintf(stderr, "%s %s: %ld %s\n", method, path, res.status, res.body);
	assert_true(res.status < 300);
	json_t *j = res.len ? json_loadb(res.body, res.len, 0, NULL) : json_object();
	hc_response_free(&res);
	assert_non_null(j);
	return j;
}

static void ctl_do(const char *method, const char *path, const char *body)
{
	json_decref(ctl(method, path, body));
}

static int start_fake(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	int out[2];
	if (pipe(out))
		return -1;
	fake_pid = fork();
	if (fake_pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM); /* a crashed test leaves no fake behind */
		dup2(out[1], 1);
		close(out[0]);
		execl("/usr/bin/python3", "python3", "tests/fakes/graph/fake_graph.py", "--port", "0", "--tenant-id",
		      TENANT, "--client-id", CLIENT, "--client-secret", SECRET, "--consent", "Calendars.ReadWrite",
		      "--consent", "Place.Read.All", (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	FILE *in = fdopen(out[0], "r");
	char line[128] = "";
	if (!in || !fgets(line, sizeof line, in) || strncmp(line, "listening ", 10)) {
		fprintf(stderr, "the Graph fake did not start (run from the repository's root)\n");
		return -1;
	}
	line[strcspn(line, "\r\n")] = 0;
	snprintf(base, sizeof base, "http://%s", line + 10);
	struct config c;
	char err[256];
	config_defaults(&c);
	if (config_set(&c, "microsoft_login_url", base, err, sizeof err) ||
	    config_set(&c, "microsoft_graph_url", base, err, sizeof err)) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	config_publish(&c);
	return 0;
}

static int stop_fake(void **state)
{
	(void)state;
	if (fake_pid > 0) {
		kill(fake_pid, SIGTERM);
		waitpid(fake_pid, NULL, 0);
	}
	return 0;
}

static int reset(void **state)
{
	(void)state;
	ctl_do("POST", "reset", NULL);
	return 0;
}

static void api_open(struct sync_api *a, const char *tenant, const char *client, const char *secret)
{
	memset(a, 0, sizeof *a);
	a->p = &sync_microsoft;
	snprintf(a->account_id, sizeof a->account_id, "acct");
	snprintf(a->provider, sizeof a->provider, "microsoft");
	a->settings = json_pack("{s:s, s:s}", "tenant_id", tenant, "client_id", client);
	a->secret = strdup(secret);
}

static struct sync_room room_of(const char *email)
{
	struct sync_room r;
	memset(&r, 0, sizeof r);
	snprintf(r.provider_room_id, sizeof r.provider_room_id, "%s", email);
	snprintf(r.email, sizeof r.email, "%s", email);
	return r;
}

/* ---- step 1 ---- */

static int step1_of(const char *json, char **settings, char **secret, struct sync_failure *f)
{
	json_t *b = json_loads(json, 0, NULL);
	memset(f, 0, sizeof *f);
	int rc = ms_step1(b, settings, secret, f);
	json_decref(b);
	return rc;
}

static void step1_names_each_bad_field(void **state)
{
	(void)state;
	char *settings, *secret;
	struct sync_failure f;
	assert_int_equal(step1_of("{\"tenant_id\":\"Contoso.onmicrosoft.com\",\"client_id\":\"6731DE76-14A6-49AE-97BC-"
				  "6EBA6914391E\",\"client_secret\":\"s3cr~et\"}",
				  &settings, &secret, &f),
			 0);
	assert_string_equal(
		settings,
		"{\"tenant_id\":\"contoso.onmicrosoft.com\",\"client_id\":\"6731de76-14a6-49ae-97bc-6eba6914391e\","
		"\"credential\":\"secret\"}");
	assert_string_equal(secret, "s3cr~et");
	free(settings);
	free(secret);
	assert_int_equal(step1_of("{\"tenant_id\":\"" TENANT "\",\"client_id\":\"" CLIENT "\",\"client_secret\":\"x\"}",
				  &settings, &secret, &f),
			 0);
	free(settings);
	free(secret);
	static const struct {
		const char *body, *field;
	} bad[] = {
		{"[]", "body"},
		{"{\"client_id\":\"" CLIENT "\",\"client_secret\":\"x\"}", "tenant_id"},
		{"{\"tenant_id\":\"not a tenant\",\"client_id\":\"" CLIENT "\",\"client_secret\":\"x\"}", "tenant_id"},
		{"{\"tenant_id\":\"contoso\",\"client_id\":\"" CLIENT "\",\"client_secret\":\"x\"}", "tenant_id"},
		{"{\"tenant_id\":\"-a.com\",\"client_id\":\"" CLIENT "\",\"client_secret\":\"x\"}", "tenant_id"},
		{"{\"tenant_id\":\"" TENANT "\",\"client_id\":\"abc\",\"client_secret\":\"x\"}", "client_id"},
		{"{\"tenant_id\":\"" TENANT "\",\"client_id\":7,\"client_secret\":\"x\"}", "client_id"},
		{"{\"tenant_id\":\"" TENANT "\",\"client_id\":\"" CLIENT "\",\"client_secret\":\"\"}", "client_secret"},
		{"{\"tenant_id\":\"" TENANT "\",\"client_id\":\"" CLIENT "\",\"client_secret\":\"a b\"}",
		 "client_secret"},
		{"{\"tenant_id\":\"" TENANT "\",\"client_id\":\"" CLIENT "\"}", "client_secret"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(step1_of(bad[i].body, &settings, &secret, &f), E_INVALID);
		assert_null(settings);
		assert_null(secret);
		assert_string_equal(f.code, "invalid_field");
		char want[64];
		snprintf(want, sizeof want, "{\"field\":\"%s\"}", bad[i].field);
		assert_string_equal(f.params, want);
	}
	char *longs = malloc(MS_SECRET_MAX + 256);
	snprintf(longs, MS_SECRET_MAX + 256,
		 "{\"tenant_id\":\"" TENANT "\",\"client_id\":\"" CLIENT "\",\"client_secret\":\"");
	size_t n = strlen(longs);
	memset(longs + n, 'a', MS_SECRET_MAX + 1);
	snprintf(longs + n + MS_SECRET_MAX + 1, 8, "\"}");
	assert_int_equal(step1_of(longs, &settings, &secret, &f), E_INVALID);
	assert_string_equal(f.params, "{\"field\":\"client_secret\"}");
	free(longs);
}

/* ---- the token and consent ---- */

static int check_with(const char *tenant, const char *client, const char *secret, struct sync_failure *f)
{
	struct sync_api a;
	api_open(&a, tenant, client, secret);
	memset(f, 0, sizeof *f);
	int rc = sync_microsoft_check(&a, f);
	sync_api_close(&a);
	return rc;
}

static void each_sign_in_failure_is_named(void **state)
{
	(void)state;
	struct sync_failure f;
	ctl_do("POST", "rooms", "{\"emailAddress\":\"" ROOM "\",\"displayName\":\"Room 1\"}");
	assert_int_equal(check_with(TENANT, CLIENT, SECRET, &f), 0);
	/* by its verified domain too */
	assert_int_equal(check_with("contoso.onmicrosoft.com", CLIENT, SECRET, &f), 0);

	assert_int_equal(check_with("00000000-0000-0000-0000-000000000001", CLIENT, SECRET, &f), E_FORBIDDEN);
	assert_string_equal(f.code, "tenant_unknown");
	assert_string_equal(f.params, "{\"tenant_id\":\"00000000-0000-0000-0000-000000000001\"}");

	assert_int_equal(check_with(TENANT, "00000000-0000-0000-0000-000000000002", SECRET, &f), E_FORBIDDEN);
	assert_string_equal(f.code, "app_unknown");
	assert_non_null(strstr(f.params, "00000000-0000-0000-0000-000000000002"));

	assert_int_equal(check_with(TENANT, CLIENT, "wrong", &f), E_FORBIDDEN);
	assert_string_equal(f.code, "secret_invalid");
	assert_null(strstr(f.detail, "wrong"));

	ctl_do("POST", "app", "{\"secret_expired\":true}");
	assert_int_equal(check_with(TENANT, CLIENT, SECRET, &f), E_FORBIDDEN);
	assert_string_equal(f.code, "secret_invalid");
	assert_non_null(strstr(f.params, "\"expired\":true"));
	ctl_do("POST", "app", "{\"secret_expired\":false}");

	ctl_do("POST", "outage", "{\"on\":true,\"status\":503,\"retry_after\":7,\"target\":\"login\"}");
	assert_int_equal(check_with(TENANT, CLIENT, SECRET, &f), E_BUSY);
	assert_string_equal(f.code, "provider_throttled");
	ctl_do("POST", "outage", "{\"on\":false,\"target\":\"all\"}");

	ctl_do("POST", "throttle", "{\"on\":true,\"count\":1,\"retry_after\":3}");
	assert_int_equal(check_with(TENANT, CLIENT, SECRET, &f), E_BUSY);
	assert_string_equal(f.code, "provider_throttled");
	assert_int_equal(f.retry_after, 3);
	assert_int_equal(check_with(TENANT, CLIENT, SECRET, &f), 0);

	/* nobody answers at all */
	struct config c = *config_current();
	snprintf(c.microsoft_login_url, sizeof c.microsoft_login_url, "http://127.0.0.1:9");
	config_publish(&c);
	assert_int_equal(check_with(TENANT, CLIENT, SECRET, &f), E_IO);
	assert_string_equal(f.code, "provider_unreachable");
	snprintf(c.microsoft_login_url, sizeof c.microsoft_login_url, "%s", base);
	config_publish(&c);
}

static void consent_missing_names_the_permissions_and_the_link(void **state)
{
	(void)state;
	struct sync_failure f;
	ctl_do("POST", "rooms", "{\"emailAddress\":\"" ROOM "\",\"displayName\":\"Room 1\"}");
	char params[512];
	snprintf(params, sizeof params,
		 "{\"consent_url\":\"%s/" TENANT "/adminconsent?client_id=" CLIENT
		 "\",\"permissions\":[\"Calendars.ReadWrite\",\"Place.Read.All\"]}",
		 base);
	ctl_do("POST", "consent", "{\"roles\":[]}");
	assert_int_equal(check_with(TENANT, CLIENT, SECRET, &f), E_FORBIDDEN);
	assert_string_equal(f.code, "consent_missing");
	assert_string_equal(f.params, params);

	ctl_do("POST", "consent", "{\"roles\":[\"Place.Read.All\"]}");
	assert_int_equal(check_with(TENANT, CLIENT, SECRET, &f), E_FORBIDDEN);
	assert_string_equal(f.code, "consent_missing");
	assert_non_null(strstr(f.params, "\"permissions\":[\"Calendars.ReadWrite\"]"));

	ctl_do("POST", "consent", "{\"roles\":[\"Calendars.ReadWrite\"]}");
	assert_int_equal(check_with(TENANT, CLIENT, SECRET, &f), E_FORBIDDEN);
	assert_non_null(strstr(f.params, "\"permissions\":[\"Place.Read.All\"]"));

	/* consent given since: check takes a new token, whose roles now hold both */
	ctl_do("POST", "consent", "{\"roles\":[\"Calendars.ReadWrite\",\"Place.Read.All\"]}");
	assert_int_equal(check_with(TENANT, CLIENT, SECRET, &f), 0);
}

/* ---- rooms ---- */

struct rooms {
	int n;
	struct sync_room first, wanted;
};

static int on_room(void *ctx, const struct sync_room *r)
{
	struct rooms *rs = ctx;
	if (!rs->n++)
		rs->first = *r;
	if (!strcmp(r->email, "board@contoso.onmicrosoft.com"))
		rs->wanted = *r;
	return 0;
}

static void rooms_are_listed_with_their_fields_over_pages(void **state)
{
	(void)state;
	ctl_do("POST", "rooms",
	       "{\"emailAddress\":\"board@contoso.onmicrosoft.com\",\"displayName\":\"Board room\",\"capacity\":12,"
	       "\"building\":\"North\",\"floorNumber\":3,\"tags\":[\"Whiteboard\"],\"audioDeviceName\":\"Ceiling "
	       "mics\",\"videoDeviceName\":\"Rally\",\"displayDeviceName\":\"85 inch\",\"isWheelChairAccessible\":true}");
	ctl_do("POST", "rooms",
	       "{\"emailAddress\":\"cube@contoso.onmicrosoft.com\",\"displayName\":\"Cube\",\"floorLabel\":\"Ground\"}");
	ctl_do("POST", "rooms/bulk", "{\"count\":230,\"prefix\":\"bulk\"}");
	struct sync_api a;
	struct sync_failure f;
	struct rooms rs;
	memset(&rs, 0, sizeof rs);
	api_open(&a, TENANT, CLIENT, SECRET);
	assert_int_equal(sync_microsoft_list_rooms(&a, on_room, &rs, &f), 0);
	assert_true(a.token_changed);
	sync_api_close(&a);
	assert_int_equal(rs.n, 232);
	struct sync_room *r = &rs.wanted;
	assert_string_equal(r->provider_room_id, "board@contoso.onmicrosoft.com");
	assert_string_equal(r->name, "Board room");
	assert_int_equal(r->capacity, 12);
	assert_string_equal(r->building, "North");
	assert_string_equal(r->floor, "3");
	assert_string_equal(r->features,
			    "[\"Whiteboard\",\"Ceiling mics\",\"Rally\",\"85 inch\",\"Wheelchair accessible\"]");
	assert_string_equal(r->category, "conference_room");
	json_t *calls = ctl("GET", "calls?kind=api", NULL);
	assert_int_equal(json_array_size(calls), 3); /* 100 a page */
	json_decref(calls);
}

/* ---- changes ---- */

struct seen {
	int n, removed;
	char ids[64][200], convene[64][64], response[64][16], summary[64][64];
	int64_t start[64];
	int all_day[64];
};

static int on_change(void *ctx, const struct sync_change *c)
{
	struct seen *s = ctx;
	if (c->removed) {
		s->removed++;
		return 0;
	}
	if (s->n >= 64)
		return 0;
	snprintf(s->ids[s->n], sizeof s->ids[0], "%s", c->provider_event_id);
	snprintf(s->convene[s->n], sizeof s->convene[0], "%s", c->convene_event_id);
	snprintf(s->response[s->n], sizeof s->response[0], "%s", c->room_response);
	snprintf(s->summary[s->n], sizeof s->summary[0], "%s", c->summary);
	s->start[s->n] = c->start;
	s->all_day[s->n] = c->all_day;
	s->n++;
	return 0;
}

static int find(struct seen *s, const char *summary)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->summary[i], summary))
			return i;
	return -1;
}

static void day(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, n, "%Y-%m-%d", &tm);
}

static void changes_come_by_delta_with_our_property(void **state)
{
	(void)state;
	ctl_do("POST", "rooms", "{\"emailAddress\":\"" ROOM "\",\"displayName\":\"Room 1\"}");
	ctl_do("POST", "people", "{\"email\":\"ann@contoso.onmicrosoft.com\",\"displayName\":\"Ann\"}");
	char d[16], body[1024];
	day(clock_now() + 2 * 86400, d, sizeof d);
	snprintf(body, sizeof body,
		 "{\"organizer\":\"ann@contoso.onmicrosoft.com\",\"rooms\":[\"" ROOM "\"],\"subject\":\"Outlook "
		 "meeting\",\"start\":{\"dateTime\":\"%sT09:00:00\",\"timeZone\":\"Pacific Standard Time\"},"
		 "\"end\":{\"dateTime\":\"%sT10:00:00\",\"timeZone\":\"Pacific Standard Time\"}}",
		 d, d);
	json_t *m = ctl("POST", "meetings", body);
	/* someone wrote our property straight into the room's calendar */
	snprintf(
		body, sizeof body,
		"{\"subject\":\"Direct\",\"start\":{\"dateTime\":\"%sT13:00:00\",\"timeZone\":\"UTC\"},"
		"\"end\":{\"dateTime\":\"%sT14:00:00\",\"timeZone\":\"UTC\"},\"singleValueExtendedProperties\":[{\"id\":"
		"\"" MS_EXT_ID "\",\"value\":\"evt-direct\"}]}",
		d, d);
	ctl_do("POST", "mailboxes/" ROOM "/events", body);
	snprintf(
		body, sizeof body,
		"{\"subject\":\"All day\",\"isAllDay\":true,\"start\":{\"dateTime\":\"%sT00:00:00\",\"timeZone\":"
		"\"Tokyo Standard Time\"},\"end\":{\"dateTime\":\"%sT00:00:00\",\"timeZone\":\"Tokyo Standard Time\"}}",
		d, d);
	ctl_do("POST", "mailboxes/" ROOM "/events", body);

	struct sync_api a;
	struct sync_failure f;
	struct sync_room r = room_of(ROOM);
	struct seen *s = calloc(1, sizeof *s);
	char *next = NULL, *id = NULL;
	api_open(&a, TENANT, CLIENT, SECRET);
	/* convene's own booking */
	struct sync_booking b = {.convene_event_id = "evt-ours",
				 .summary = "Convene booking",
				 .description = "Plans",
				 .organizer_email = "bob@example.test",
				 .organizer_name = "Bob",
				 .start = clock_now() + 3 * 86400,
				 .end = clock_now() + 3 * 86400 + 1800};
	assert_int_equal(sync_microsoft_write(&a, &r, NULL, &b, &id, &f), 0);

	assert_int_equal(sync_microsoft_changes(&a, &r, NULL, on_change, s, &next, &f), 0);
	assert_non_null(next);
	assert_true(strlen(next) < sizeof r.sync_token);
	assert_int_equal(s->n, 4);
	int i = find(s, "Outlook meeting");
	assert_true(i >= 0);
	assert_string_equal(s->convene[i], "");
	assert_string_equal(s->response[i], "accepted");
	i = find(s, "Direct");
	assert_string_equal(s->convene[i], "evt-direct");
	i = find(s, "Convene booking");
	assert_string_equal(s->convene[i], "evt-ours");
	assert_string_equal(s->ids[i], id);
	i = find(s, "All day");
	assert_true(s->all_day[i]);
	assert_int_equal(s->start[i] % 86400, 0);
	char d2[16];
	day(s->start[i], d2, sizeof d2);
	assert_string_equal(d2, d);

	/* cancelled in Outlook: the next round removes it */
	char path[512];
	snprintf(path, sizeof path, "meetings/%s",
		 json_string_value(json_object_get(json_object_get(m, "organizer_event"), "id")));
	ctl_do("DELETE", path, NULL);
	memset(s, 0, sizeof *s);
	snprintf(r.sync_token, sizeof r.sync_token, "%s", next);
	free(next);
	next = NULL;
	assert_int_equal(sync_microsoft_changes(&a, &r, r.sync_token, on_change, s, &next, &f), 0);
	assert_int_equal(s->n, 0);
	assert_int_equal(s->removed, 1);

	/* the token forgotten at Microsoft, or a reset asked: a full sync */
	snprintf(r.sync_token, sizeof r.sync_token, "%s", next);
	free(next);
	next = NULL;
	ctl_do("POST", "delta/invalidate", "{\"mode\":\"syncStateNotFound\"}");
	assert_int_equal(sync_microsoft_changes(&a, &r, r.sync_token, on_change, s, &next, &f), E_CONFLICT);
	assert_null(next);
	assert_string_equal(f.code, "sync_token_expired");
	/* a token pointing elsewhere is never followed */
	assert_int_equal(sync_microsoft_changes(&a, &r, "http://evil.example/v1.0/x", on_change, s, &next, &f),
			 E_CONFLICT);
	json_decref(m);
	free(id);
	free(s);
	sync_api_close(&a);
}

/* ---- writes ---- */

static int room_event_count(void)
{
	json_t *evs = ctl("GET", "mailboxes/" ROOM "/events", NULL);
	int n = (int)json_array_size(evs);
	json_decref(evs);
	return n;
}

static void writes_are_idempotent_and_patch_remove_decline(void **state)
{
	(void)state;
	ctl_do("POST", "rooms", "{\"emailAddress\":\"" ROOM "\",\"displayName\":\"Room 1\"}");
	struct sync_api a;
	struct sync_failure f;
	struct sync_room r = room_of(ROOM);
	char *id = NULL, *again = NULL, *patched = NULL;
	int64_t t = clock_now() + 86400;
	struct sync_booking b = {.convene_event_id = "evt-1", .summary = "Standup", .start = t, .end = t + 900};
	api_open(&a, TENANT, CLIENT, SECRET);
	assert_int_equal(sync_microsoft_write(&a, &r, NULL, &b, &id, &f), 0);
	/* a retry after a lost answer finds it by our property */
	assert_int_equal(sync_microsoft_write(&a, &r, NULL, &b, &again, &f), 0);
	assert_string_equal(id, again);
	assert_int_equal(room_event_count(), 1);
	char *found = NULL;
	assert_int_equal(sync_microsoft_find(&a, &r, "evt-1", &found, &f), 1);
	assert_string_equal(found, id);
	free(found);
	found = NULL;
	assert_int_equal(sync_microsoft_find(&a, &r, "evt-none", &found, &f), 0);
	assert_null(found);
	assert_int_equal(sync_microsoft_remove(&a, &r, "", &f), 0);
	json_t *evs = ctl("GET", "mailboxes/" ROOM "/events", NULL);
	json_t *ev = json_array_get(evs, 0);
	assert_string_equal(json_string_value(json_object_get(ev, "transactionId")), "convene-evt-1");
	assert_string_equal(json_string_value(json_object_get(ev, "showAs")), "busy");
	json_decref(evs);
	/* moved */
	b.start = t + 3600;
	b.end = t + 4500;
	assert_int_equal(sync_microsoft_write(&a, &r, id, &b, &patched, &f), 0);
	assert_string_equal(patched, id);
	evs = ctl("GET", "mailboxes/" ROOM "/events", NULL);
	char want[32];
	ms_format_utc(t + 3600, want, sizeof want);
	assert_int_equal(strncmp(json_string_value(
					 json_object_get(json_object_get(json_array_get(evs, 0), "start"), "dateTime")),
				 want, 19),
			 0);
	json_decref(evs);
	/* a token Graph no longer takes (401): a new one, the call made once more */
	ctl_do("POST", "tokens/expire", "{}");
	a.token_changed = 0;
	assert_int_equal(sync_microsoft_remove(&a, &r, id, &f), 0);
	assert_true(a.token_changed);
	assert_int_equal(room_event_count(), 0);
	assert_int_equal(sync_microsoft_remove(&a, &r, id, &f), 0); /* already gone */
	free(patched);
	patched = NULL;
	assert_int_equal(sync_microsoft_write(&a, &r, id, &b, &patched, &f), E_NOTFOUND);
	assert_string_equal(f.code, "not_found");

	/* the room declines a meeting booked in Outlook */
	ctl_do("POST", "people", "{\"email\":\"ann@contoso.onmicrosoft.com\"}");
	char d[16], body[1024];
	day(clock_now() + 86400, d, sizeof d);
	snprintf(body, sizeof body,
		 "{\"organizer\":\"ann@contoso.onmicrosoft.com\",\"rooms\":[\"" ROOM "\"],\"subject\":\"Late\","
		 "\"start\":{\"dateTime\":\"%sT15:00:00\",\"timeZone\":\"UTC\"},\"end\":{\"dateTime\":\"%sT16:00:00\","
		 "\"timeZone\":\"UTC\"}}",
		 d, d);
	json_t *m = ctl("POST", "meetings", body);
	const char *copy =
		json_string_value(json_object_get(json_object_get(json_object_get(m, "rooms"), ROOM), "event_id"));
	assert_int_equal(sync_microsoft_decline(&a, &r, copy, "The room was booked in convene first.", &f), 0);
	json_t *calls = ctl("GET", "calls?kind=response", NULL);
	json_t *c = json_array_get(calls, 0);
	assert_string_equal(json_string_value(json_object_get(c, "response")), "declined");
	assert_string_equal(json_string_value(json_object_get(c, "comment")), "The room was booked in convene first.");
	assert_true(json_is_true(json_object_get(c, "sendResponse")));
	json_decref(calls);
	assert_int_equal(room_event_count(), 0);
	json_decref(m);
	free(id);
	free(again);
	free(patched);
	sync_api_close(&a);
}

/* a weekly series on Paris' wall clock across the change to winter time,
 * one occurrence left out, one moved; a rule Graph has no pattern for */
static void a_series_is_written_with_its_exceptions(void **state)
{
	(void)state;
	ctl_do("POST", "rooms", "{\"emailAddress\":\"" ROOM "\",\"displayName\":\"Room 1\"}");
	struct sync_api a;
	struct sync_failure f;
	struct sync_room r = room_of(ROOM);
	char *id = NULL, *again = NULL;
	/* Monday 2030-10-14 09:00 Paris (07:00 UTC, summer time); winter time from 2030-10-27 */
	int64_t t0 = 1918191600;
	int64_t ex[] = {t0 + 7 * 86400};
	int64_t third = t0 + 14 * 86400 + 3600; /* 09:00 Paris in winter time: 08:00 UTC */
	struct sync_moved mv[] = {{.recurrence_id = third, .start = third + 7200, .end = third + 9000}};
	struct sync_booking b = {.convene_event_id = "evt-series",
				 .summary = "Weekly",
				 .start = t0,
				 .end = t0 + 1800,
				 .tzid = "Europe/Paris",
				 .rrule = "FREQ=WEEKLY;COUNT=4",
				 .exdates = ex,
				 .nexdates = 1,
				 .moved = mv,
				 .nmoved = 1};
	api_open(&a, TENANT, CLIENT, SECRET);
	assert_int_equal(sync_microsoft_write(&a, &r, NULL, &b, &id, &f), 0);
	/* written again (a retry, or the series changed): still one series, the same exceptions */
	assert_int_equal(sync_microsoft_write(&a, &r, id, &b, &again, &f), 0);
	assert_string_equal(id, again);
	assert_int_equal(room_event_count(), 1);
	json_t *evs = ctl("GET", "mailboxes/" ROOM "/events", NULL);
	json_t *rec = json_object_get(json_array_get(evs, 0), "recurrence");
	assert_string_equal(json_string_value(json_object_get(json_object_get(rec, "pattern"), "type")), "weekly");
	assert_string_equal(
		json_string_value(json_array_get(json_object_get(json_object_get(rec, "pattern"), "daysOfWeek"), 0)),
		"monday");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(rec, "range"), "numberOfOccurrences")), 4);
	assert_string_equal(json_string_value(json_object_get(json_object_get(rec, "range"), "startDate")),
			    "2030-10-14");
	json_decref(evs);
	evs = ctl("GET", "mailboxes/" ROOM "/events?start=2030-10-01T00:00:00Z&end=2030-12-01T00:00:00Z", NULL);
	assert_int_equal(json_array_size(evs), 3);
	static const char *const starts[] = {"2030-10-14T07:00:00", "2030-10-28T10:00:00", "2030-11-04T08:00:00"};
	for (size_t i = 0; i < 3; i++) {
		const char *st = json_string_value(
			json_object_get(json_object_get(json_array_get(evs, i), "start"), "dateTime"));
		assert_int_equal(strncmp(st, starts[i], 19), 0);
	}
	json_decref(evs);
	free(id);
	free(again);
	id = NULL;
	struct sync_booking hourly = b;
	hourly.convene_event_id = "evt-hourly";
	hourly.rrule = "FREQ=HOURLY;COUNT=3";
	assert_int_equal(sync_microsoft_write(&a, &r, NULL, &hourly, &id, &f), E_INVALID);
	assert_string_equal(f.code, "provider_error");
	assert_non_null(strstr(f.detail, "FREQ=HOURLY"));
	assert_null(id);
	sync_api_close(&a);
}

/* ---- subscriptions, validated against an endpoint of this test ---- */

static int hook_fd = -1, hook_port;
static volatile int hook_stop;

static void *hook_loop(void *arg)
{
	(void)arg;
	while (!hook_stop) {
		int fd = accept(hook_fd, NULL, NULL);
		if (fd < 0)
			continue;
		char req[8192];
		ssize_t got = recv(fd, req, sizeof req - 1, 0);
		req[got > 0 ? got : 0] = 0;
		char token[1024] = "";
		const char *v = strstr(req, "validationToken=");
		if (v) {
			v += 16;
			size_t n = 0;
			/* the token as sent, percent-decoded */
			while (*v && *v != ' ' && *v != '&' && n < sizeof token - 1) {
				if (*v == '%' && v[1] && v[2]) {
					char hex[3] = {v[1], v[2], 0};
					token[n++] = (char)strtol(hex, NULL, 16);
					v += 3;
				} else {
					token[n++] = *v == '+' ? ' ' : *v;
					v++;
				}
			}
			token[n] = 0;
		}
		char answer[2048];
		int n = snprintf(answer, sizeof answer,
				 "HTTP/1.1 %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %zu\r\n"
				 "Connection: close\r\n\r\n%s",
				 v ? "200 OK" : "202 Accepted", strlen(token), token);
		send(fd, answer, (size_t)n, MSG_NOSIGNAL);
		close(fd);
	}
	return NULL;
}

static void subscriptions_are_made_renewed_and_stopped(void **state)
{
	(void)state;
	ctl_do("POST", "rooms", "{\"emailAddress\":\"" ROOM "\",\"displayName\":\"Room 1\"}");
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof sa;
	hook_fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(hook_fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(hook_fd, 16), 0);
	getsockname(hook_fd, (struct sockaddr *)&sa, &sl);
	hook_port = ntohs(sa.sin_port);
	struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};
	setsockopt(hook_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	pthread_t t;
	pthread_create(&t, NULL, hook_loop, NULL);
	char address[128];
	snprintf(address, sizeof address, "http://127.0.0.1:%d/webhooks/microsoft", hook_port);

	struct sync_api a;
	struct sync_failure f;
	struct sync_room r = room_of(ROOM);
	api_open(&a, TENANT, CLIENT, SECRET);
	int64_t before = clock_now();
	assert_int_equal(sync_microsoft_watch(&a, &r, address, "client-state-1", &f), 0);
	assert_true(r.subscription_id[0]);
	assert_true(r.subscription_expires_at > before + 4000 * 60);
	assert_true(r.subscription_expires_at <= before + 4230 * 60 + 5);
	char first[128];
	snprintf(first, sizeof first, "%s", r.subscription_id);
	json_t *subs = ctl("GET", "subscriptions", NULL);
	assert_int_equal(json_array_size(subs), 1);
	json_t *s = json_array_get(subs, 0);
	assert_string_equal(json_string_value(json_object_get(s, "changeType")), "created,updated,deleted");
	assert_string_equal(json_string_value(json_object_get(s, "clientState")), "client-state-1");
	assert_string_equal(json_string_value(json_object_get(s, "notificationUrl")), address);
	assert_string_equal(json_string_value(json_object_get(s, "lifecycleNotificationUrl")), address);
	json_decref(subs);
	/* renewed: a new one with the new clientState (the worker stops the
	 * old one once the new one is stored) */
	struct sync_room old = r;
	assert_int_equal(sync_microsoft_watch(&a, &r, address, "client-state-2", &f), 0);
	assert_string_not_equal(r.subscription_id, first);
	assert_int_equal(sync_microsoft_unwatch(&a, &old, &f), 0);
	subs = ctl("GET", "subscriptions", NULL);
	assert_int_equal(json_array_size(subs), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(subs, 0), "clientState")),
			    "client-state-2");
	json_decref(subs);
	assert_int_equal(sync_microsoft_unwatch(&a, &r, &f), 0);
	subs = ctl("GET", "subscriptions", NULL);
	assert_int_equal(json_array_size(subs), 0);
	json_decref(subs);
	assert_int_equal(sync_microsoft_unwatch(&a, &r, &f), 0); /* gone already */
	/* an address Graph cannot validate is named */
	assert_int_equal(sync_microsoft_watch(&a, &r, "http://127.0.0.1:9/webhooks/microsoft", "x", &f), E_INVALID);
	assert_non_null(strstr(f.params, "127.0.0.1:9"));
	sync_api_close(&a);
	hook_stop = 1;
	pthread_join(t, NULL);
	close(hook_fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(step1_names_each_bad_field),
		cmocka_unit_test_setup(each_sign_in_failure_is_named, reset),
		cmocka_unit_test_setup(consent_missing_names_the_permissions_and_the_link, reset),
		cmocka_unit_test_setup(rooms_are_listed_with_their_fields_over_pages, reset),
		cmocka_unit_test_setup(changes_come_by_delta_with_our_property, reset),
		cmocka_unit_test_setup(writes_are_idempotent_and_patch_remove_decline, reset),
		cmocka_unit_test_setup(a_series_is_written_with_its_exceptions, reset),
		cmocka_unit_test_setup(subscriptions_are_made_renewed_and_stopped, reset),
	};
	return cmocka_run_group_tests(tests, start_fake, stop_fake);
}
