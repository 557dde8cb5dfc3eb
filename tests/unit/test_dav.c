/* Unit tests of dav/: the router's rest-of-path parameter, the DAV path
 * scheme and hrefs, the XML parser's refusals (DOCTYPE, entities, malformed,
 * too large) and what each role sees of an event. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "calendar/access.h"
#include "core/arena.h"
#include "core/errors.h"
#include "dav/path.h"
#include "dav/render.h"
#include "dav/xml.h"
#include "http/request.h"
#include "http/router.h"

static void router_rest_parameter_takes_the_rest(void **state)
{
	(void)state;
	struct req r = {.arena = arena_new()};
	char allow[256];
	assert_int_equal(router_match("PROPFIND", "/dav/calendars/u/c/a/b.ics", &r, allow, sizeof allow), 0);
	assert_string_equal(req_param(&r, "path"), "calendars/u/c/a/b.ics");
	memset(&r.param_names, 0, sizeof r.param_names);
	r.nparams = 0;
	assert_int_equal(router_match("PROPFIND", "/dav/", &r, allow, sizeof allow), 0);
	assert_string_equal(req_param(&r, "path"), "");
	assert_int_equal(router_match("LOCK", "/dav/x", &r, allow, sizeof allow), E_FORBIDDEN);
	assert_non_null(strstr(allow, "PROPFIND"));
	assert_non_null(strstr(allow, "MKCALENDAR"));
	assert_int_equal(router_match("PROPFIND", "/davx", &r, allow, sizeof allow), E_NOTFOUND);
	arena_free(r.arena);
}

static void paths_name_the_resources(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct dav_path p;
	dav_path_parse(a, "", &p);
	assert_int_equal(p.kind, DAV_ROOT);
	dav_path_parse(a, "principals/usr_1/", &p);
	assert_int_equal(p.kind, DAV_PRINCIPAL);
	assert_string_equal(p.user_id, "usr_1");
	dav_path_parse(a, "calendars/usr_1", &p);
	assert_int_equal(p.kind, DAV_HOME);
	dav_path_parse(a, "calendars/usr_1/cal_2/", &p);
	assert_int_equal(p.kind, DAV_CALENDAR);
	assert_string_equal(p.calendar_id, "cal_2");
	dav_path_parse(a, "calendars/usr_1/cal_2/b@x.ics", &p);
	assert_int_equal(p.kind, DAV_OBJECT);
	assert_string_equal(p.name, "b@x.ics");
	/* below a calendar, a path with a '/' is a plain collection or what it holds */
	dav_path_parse(a, "calendars/usr_1/cal_2/a/b@x.ics", &p);
	assert_int_equal(p.kind, DAV_FILE);
	assert_string_equal(p.name, "a/b@x.ics");
	dav_path_parse(a, "calendars/usr_1/cal_2/dir/", &p);
	assert_int_equal(p.kind, DAV_FILE);
	assert_string_equal(p.name, "dir/");
	assert_string_equal(dav_href_file(a, "/dav/calendars/u/c/", "d ir/é/"), "/dav/calendars/u/c/d%20ir/%C3%A9/");
	dav_path_parse(a, "elsewhere/x", &p);
	assert_int_equal(p.kind, DAV_NONE);
	assert_int_equal(dav_path_from_href(a, "https://h:8080/dav/calendars/u/c/a%2Fb%40x.ics", &p), 0);
	assert_string_equal(p.name, "a/b@x.ics");
	assert_int_equal(dav_path_from_href(a, "/dav/calendars/u/c/%00.ics", &p), E_NOTFOUND);
	assert_int_equal(dav_path_from_href(a, "/feeds/x", &p), E_NOTFOUND);
	assert_string_equal(dav_href_object(a, "u", "c", "a/b x@é.ics"), "/dav/calendars/u/c/a%2Fb%20x@%C3%A9.ics");
	assert_true(dav_name_valid("A1B2-uuid.ics"));
	assert_true(dav_name_valid("x%41.ics"));
	assert_false(dav_name_valid("a/b.ics"));
	assert_false(dav_name_valid(".."));
	assert_false(dav_name_valid(""));
	assert_false(dav_name_valid("a\x01b"));
	assert_string_equal(dav_href_calendar(a, "u", "c"), "/dav/calendars/u/c/");
	arena_free(a);
}

static int parse(const char *s)
{
	xmlDocPtr doc;
	char why[256];
	int rc = dav_xml_parse(s, strlen(s), &doc, why, sizeof why);
	if (doc)
		xmlFreeDoc(doc);
	return rc;
}

static void xml_parser_refuses_what_is_unsafe_or_malformed(void **state)
{
	(void)state;
	assert_int_equal(parse("<d:propfind xmlns:d=\"DAV:\"><d:allprop/></d:propfind>"), 0);
	assert_int_equal(parse("  \r\n"), 0);
	assert_int_equal(
		parse("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>"),
		E_INVALID);
	assert_int_equal(parse("<x><y></x>"), E_INVALID);
	assert_int_equal(parse("<x>&undeclared;</x>"), E_INVALID);
	char *deep = malloc(300 * 7 + 1), *w = deep;
	for (int i = 0; i < 300; i++)
		w += sprintf(w, "<a>");
	for (int i = 0; i < 300; i++)
		w += sprintf(w, "</a>");
	assert_int_equal(parse(deep), E_INVALID); /* libxml2's depth limit without XML_PARSE_HUGE */
	free(deep);
	size_t n = DAV_XML_MAX + 10;
	char *big = malloc(n + 1);
	memset(big, ' ', n);
	memcpy(big, "<a>", 3);
	memcpy(big + n - 4, "</a>", 4);
	big[n] = 0;
	assert_int_equal(parse(big), E_INVALID);
	free(big);
	struct buf b = {0};
	dav_xml_escape(&b, "a<b>&\"c\"\r\n");
	assert_string_equal(b.data, "a&lt;b&gt;&amp;&quot;c&quot;&#13;\n");
	buf_free(&b);
}

static void roles_see_what_they_may(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct event_row e = {.uid = "u1",
			      .etag = "\"abc\"",
			      .klass = "PRIVATE",
			      .tzids = "",
			      .ical = "BEGIN:VEVENT\r\nUID:u1\r\nSUMMARY:Secret\r\nEND:VEVENT\r\n",
			      .ical_busy = "BEGIN:VEVENT\r\nUID:u1\r\nSUMMARY:Busy\r\n continued\r\nEND:VEVENT\r\n"};
	struct buf b = {0};
	assert_int_equal(dav_render_object(&b, CAL_ROLE_OWNER, &e), 0);
	assert_non_null(strstr(b.data, "SUMMARY:Secret"));
	b.len = 0;
	assert_int_equal(dav_render_object(&b, CAL_ROLE_VIEWER, &e), 0); /* private: busy */
	assert_null(strstr(b.data, "Secret"));
	assert_non_null(strstr(b.data, "SUMMARY:Busy"));
	b.len = 0;
	assert_int_equal(dav_render_object(&b, CAL_ROLE_FREEBUSY, &e), 0);
	assert_null(strstr(b.data, "SUMMARY"));
	assert_null(strstr(b.data, "continued"));
	assert_non_null(strstr(b.data, "UID:u1"));
	assert_string_equal(dav_render_etag(a, CAL_ROLE_EDITOR, &e), "\"abc\"");
	assert_string_equal(dav_render_etag(a, CAL_ROLE_VIEWER, &e), "\"abc-b\"");
	assert_string_equal(dav_render_etag(a, CAL_ROLE_FREEBUSY, &e), "\"abc-f\"");
	buf_free(&b);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(router_rest_parameter_takes_the_rest),
		cmocka_unit_test(paths_name_the_resources),
		cmocka_unit_test(xml_parser_refuses_what_is_unsafe_or_malformed),
		cmocka_unit_test(roles_see_what_they_may),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
