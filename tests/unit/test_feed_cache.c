/* Unit tests of the feed cache: hits by (calendar, version, variant), older
 * versions dropped by a newer one, least-recently-used eviction within the
 * byte budget, and share-role templates in every language. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "calendar/feed_cache.h"
#include "core/arena.h"
#include "core/buf.h"
#include "notify/templates.h"

static int get(const char *cal, int64_t v, const char *variant, char *out, size_t n)
{
	struct arena *a = arena_new();
	char *data;
	size_t len;
	int64_t built;
	int hit = feed_cache_get(cal, v, variant, a, &data, &len, &built);
	if (hit)
		snprintf(out, n, "%.*s", (int)len, data);
	arena_free(a);
	return hit;
}

static void hits_by_key_and_newer_versions_replace_older(void **state)
{
	(void)state;
	char got[64];
	feed_cache_clear();
	feed_cache_limit(1 << 20);
	feed_cache_put("cal_a", 1, "f1", "one", 3, 100);
	feed_cache_put("cal_a", 1, "b1", "busy", 4, 100);
	assert_true(get("cal_a", 1, "f1", got, sizeof got));
	assert_string_equal(got, "one");
	assert_true(get("cal_a", 1, "b1", got, sizeof got));
	assert_false(get("cal_a", 2, "f1", got, sizeof got));
	assert_false(get("cal_b", 1, "f1", got, sizeof got));
	feed_cache_put("cal_a", 2, "f1", "two", 3, 200);
	assert_false(get("cal_a", 1, "f1", got, sizeof got)); /* version 1 can never be asked for again */
	assert_false(get("cal_a", 1, "b1", got, sizeof got));
	assert_true(get("cal_a", 2, "f1", got, sizeof got));
	assert_string_equal(got, "two");
	size_t bytes;
	int entries;
	feed_cache_usage(&bytes, &entries);
	assert_int_equal(entries, 1);
	feed_cache_clear();
	feed_cache_usage(&bytes, &entries);
	assert_int_equal(entries, 0);
	assert_int_equal(bytes, 0);
}

static void least_recently_used_goes_first(void **state)
{
	(void)state;
	char got[64], body[1000];
	memset(body, 'x', sizeof body);
	feed_cache_clear();
	feed_cache_limit(3 * (sizeof body + 200));
	feed_cache_put("cal_1", 1, "f", body, sizeof body, 1);
	feed_cache_put("cal_2", 1, "f", body, sizeof body, 1);
	assert_true(get("cal_1", 1, "f", got, sizeof got)); /* cal_1 is now the most recent */
	feed_cache_put("cal_3", 1, "f", body, sizeof body, 1);
	feed_cache_put("cal_4", 1, "f", body, sizeof body, 1);
	assert_true(get("cal_1", 1, "f", got, sizeof got));
	assert_false(get("cal_2", 1, "f", got, sizeof got));
	assert_true(get("cal_4", 1, "f", got, sizeof got));
	size_t bytes;
	int entries;
	feed_cache_usage(&bytes, &entries);
	assert_true(bytes <= 3 * (sizeof body + 200));
	/* larger than the whole budget: not kept; a zero budget keeps nothing */
	char big[5000] = {0};
	feed_cache_put("cal_5", 1, "f", big, sizeof big, 1);
	assert_false(get("cal_5", 1, "f", got, sizeof got));
	feed_cache_limit(0);
	feed_cache_usage(&bytes, &entries);
	assert_int_equal(entries, 0);
	feed_cache_limit(FEED_CACHE_DEFAULT_BYTES);
}

static void share_mails_exist_in_every_language(void **state)
{
	(void)state;
	const char *langs[] = {"en", "fr", "ru", "xx"};
	for (int k = TEMPLATE_GUEST_INVITE; k <= TEMPLATE_SHARED; k++)
		for (int i = 0; i < 4; i++) {
			struct buf s = {0}, b = {0};
			assert_int_equal(templates_render_share(k, langs[i], "Ann", "Team days", "viewer",
								"http://x/guest/accept?token=T",
								"http://x/feeds/c1.ics", &s, &b),
					 0);
			assert_non_null(strstr(s.data, "Ann"));
			assert_non_null(strstr(b.data, "Team days"));
			assert_non_null(strstr(b.data, "http://x/guest/accept?token=T"));
			assert_non_null(strstr(b.data, "http://x/feeds/c1.ics"));
			buf_free(&s);
			buf_free(&b);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hits_by_key_and_newer_versions_replace_older),
		cmocka_unit_test(least_recently_used_goes_first),
		cmocka_unit_test(share_mails_exist_in_every_language),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
