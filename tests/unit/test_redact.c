/* Unit tests of the redaction of logged paths (http/redact.h) over the real
 * route table: the segments of routes marked ROUTE_SECRET_PARAMS and of the web
 * app's secret pages become ***, under them too, and nothing else changes;
 * free texts (libmicrohttpd's messages) lose their paths' secrets and queries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "http/redact.h"

static void check(const char *in, const char *want)
{
	struct arena *a = arena_new();
	assert_string_equal(redact_path_text(a, in), want);
	arena_free(a);
}

static void secret_route_segments_are_hidden(void **state)
{
	(void)state;
	check("/api/v1/display/tok3n", "/api/v1/display/***");
	check("/api/v1/display/tok3n/stream", "/api/v1/display/***/stream");
	check("/api/v1/display/tok3n/check-in", "/api/v1/display/***/check-in");
	check("/api/v1/display/tok3n/not/a/route", "/api/v1/display/***/not/a/route");
	check("/feeds/public/s3cret.ics", "/feeds/public/***");
	check("/feeds/public/s3cret.ics/", "/feeds/public/***/");
	check("/display/tok3n", "/display/***"); /* the web app's door-screen page */
	check("/display/tok3n/x", "/display/***/x");
}

static void other_paths_are_left_alone(void **state)
{
	(void)state;
	check("/api/v1/users/usr_abc", "/api/v1/users/usr_abc");
	check("/feeds/private/cal_abc.ics", "/feeds/private/cal_abc.ics");
	check("/api/v1/display", "/api/v1/display");
	check("/api/v1/display/", "/api/v1/display/"); /* an empty segment holds no secret */
	check("/display", "/display");
	check("/displays/tok", "/displays/tok");
	check("/", "/");
	check("", "");
}

static void free_text_loses_secrets_and_queries(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	assert_string_equal(redact_text(a,
					"Failed to send the body for the request for `/api/v1/display/tok3n/stream'. "
					"Error: gone"),
			    "Failed to send the body for the request for `/api/v1/display/***/stream'. Error: gone");
	assert_string_equal(redact_text(a, "bad request /reset?token=abc def"), "bad request /reset?*** def");
	assert_string_equal(redact_text(a, "no path here, a/b is not one"), "no path here, a/b is not one");
	assert_string_equal(redact_text(a, ""), "");
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(secret_route_segments_are_hidden),
		cmocka_unit_test(other_paths_are_left_alone),
		cmocka_unit_test(free_text_loses_secrets_and_queries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
