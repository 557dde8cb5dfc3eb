/* Unit tests of core/: ids, config precedence and checks, arena. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/ids.h"

static void ids_have_prefix_and_are_unique(void **state)
{
	(void)state;
	char a[ID_MAX], b[ID_MAX];
	ids_new("usr", a);
	ids_new("usr", b);
	assert_true(ids_valid(a, "usr"));
	assert_false(ids_valid(a, "cmp"));
	assert_string_not_equal(a, b);
	assert_false(ids_valid("usr_../../etc/passwd", "usr"));
}

static void secrets_hash_deterministically(void **state)
{
	(void)state;
	char s[SECRET_MAX], h1[HASH_HEX_MAX], h2[HASH_HEX_MAX];
	ids_secret(s);
	assert_int_equal(strlen(s), 43);
	ids_hash(s, h1);
	ids_hash(s, h2);
	assert_string_equal(h1, h2);
	assert_true(ids_equal_ct(h1, h2));
}

static void config_flags_override_environment(void **state)
{
	(void)state;
	struct config c;
	char err[256];
	config_defaults(&c);
	setenv("CONVENE_LISTEN", "127.0.0.1:9000", 1);
	assert_int_equal(config_load_env(&c, err, sizeof err), 0);
	assert_string_equal(c.listen, "127.0.0.1:9000");
	assert_int_equal(config_set(&c, "listen", "127.0.0.1:9001", err, sizeof err), 0);
	assert_string_equal(c.listen, "127.0.0.1:9001");
	unsetenv("CONVENE_LISTEN");
	assert_int_equal(config_set(&c, "db", "mysql://x", err, sizeof err), E_INVALID);
	assert_non_null(strstr(err, "sqlite:PATH"));
	assert_int_equal(config_set(&c, "nonsense", "1", err, sizeof err), E_INVALID);
	config_finish(&c);
	assert_string_equal(c.db_url, "sqlite:./var/convene.db");
}

/* the Zoom app's settings: base URLs checked and kept without a trailing /,
 * secrets refused with spaces but never repeated in the message */
static void config_zoom_settings(void **state)
{
	(void)state;
	struct config c;
	char err[256];
	config_defaults(&c);
	assert_string_equal(c.zoom_oauth_url, "https://zoom.us");
	assert_string_equal(c.zoom_api_url, "https://api.zoom.us/v2");
	assert_string_equal(c.zoom_client_id, "");
	setenv("CONVENE_ZOOM_CLIENT_ID", "AbC_12", 1);
	setenv("CONVENE_ZOOM_API_URL", "http://127.0.0.1:8111/v2/", 1);
	assert_int_equal(config_load_env(&c, err, sizeof err), 0);
	unsetenv("CONVENE_ZOOM_CLIENT_ID");
	unsetenv("CONVENE_ZOOM_API_URL");
	assert_string_equal(c.zoom_client_id, "AbC_12");
	assert_string_equal(c.zoom_api_url, "http://127.0.0.1:8111/v2");
	assert_int_equal(config_set(&c, "zoom-oauth-url", "https://zoom.us//", err, sizeof err), 0);
	assert_string_equal(c.zoom_oauth_url, "https://zoom.us");
	assert_int_equal(config_set(&c, "zoom_oauth_url", "http://[::1]:9000/", err, sizeof err), 0);
	assert_string_equal(c.zoom_oauth_url, "http://[::1]:9000");
	const char *bad[] = {"ftp://zoom.us",
			     "zoom.us",
			     "https://",
			     "https:///v2",
			     "https://zoom.us/v2?x=1",
			     "https://zoom.us#a",
			     "https://u:p@zoom.us",
			     "https://zoom.us /v2",
			     "https://zoom.us:",
			     "https://zoom.us:x",
			     "http://[::1",
			     "https://-zoom.us",
			     NULL};
	for (int i = 0; bad[i]; i++) {
		assert_int_equal(config_set(&c, "zoom_api_url", bad[i], err, sizeof err), E_INVALID);
		assert_non_null(strstr(err, "zoom-api-url"));
	}
	assert_string_equal(c.zoom_api_url, "http://127.0.0.1:8111/v2"); /* unchanged by refusals */
	/* the calendar providers' addresses: defaults, every source, the same checks */
	config_defaults(&c);
	assert_string_equal(c.google_token_url, "https://oauth2.googleapis.com/token");
	assert_string_equal(c.google_api_url, "https://www.googleapis.com");
	assert_string_equal(c.microsoft_login_url, "https://login.microsoftonline.com");
	assert_string_equal(c.microsoft_graph_url, "https://graph.microsoft.com");
	setenv("CONVENE_GOOGLE_TOKEN_URL", "http://127.0.0.1:8112/token", 1);
	setenv("CONVENE_MICROSOFT_GRAPH_URL", "http://127.0.0.1:8113/", 1);
	assert_int_equal(config_load_env(&c, err, sizeof err), 0);
	unsetenv("CONVENE_GOOGLE_TOKEN_URL");
	unsetenv("CONVENE_MICROSOFT_GRAPH_URL");
	assert_string_equal(c.google_token_url, "http://127.0.0.1:8112/token");
	assert_string_equal(c.microsoft_graph_url, "http://127.0.0.1:8113");
	assert_int_equal(config_set(&c, "google-api-url", "http://127.0.0.1:8112/", err, sizeof err), 0);
	assert_string_equal(c.google_api_url, "http://127.0.0.1:8112");
	assert_int_equal(config_set(&c, "microsoft_login_url", "http://[::1]:8114", err, sizeof err), 0);
	assert_string_equal(c.microsoft_login_url, "http://[::1]:8114");
	const char *names[] = {"google_token_url",    "google-token-url",    "google_api_url",
			       "google-api-url",      "microsoft_login_url", "microsoft-login-url",
			       "microsoft_graph_url", "microsoft-graph-url"};
	for (int k = 0; k < 8; k += 2)
		for (int i = 0; bad[i]; i++) {
			assert_int_equal(config_set(&c, names[k], bad[i], err, sizeof err), E_INVALID);
			assert_non_null(strstr(err, names[k + 1]));
		}
	assert_string_equal(c.google_token_url, "http://127.0.0.1:8112/token"); /* unchanged by refusals */
	assert_string_equal(c.google_api_url, "http://127.0.0.1:8112");
	assert_string_equal(c.microsoft_login_url, "http://[::1]:8114");
	assert_string_equal(c.microsoft_graph_url, "http://127.0.0.1:8113");
	assert_int_equal(config_set(&c, "zoom_client_secret", "s3cr3t-VALUE", err, sizeof err), 0);
	assert_string_equal(c.zoom_client_secret, "s3cr3t-VALUE");
	/* a pasted line end or space is refused, and the message does not repeat the value */
	const char *bad_secrets[] = {"s3cr3t-VALUE\n", "s3cr3t VALUE", "s3cr3t\tx", "s3cr3t\x7f", NULL};
	for (int i = 0; bad_secrets[i]; i++) {
		assert_int_equal(config_set(&c, "zoom_webhook_secret", bad_secrets[i], err, sizeof err), E_INVALID);
		assert_non_null(strstr(err, "zoom-webhook-secret"));
		assert_null(strstr(err, "s3cr3t"));
	}
	assert_string_equal(c.zoom_webhook_secret, "");
	/* the key file lives in the data directory unless told otherwise */
	config_finish(&c);
	assert_string_equal(c.secret_key, "./var/secret.key");
	assert_int_equal(config_set(&c, "secret-key", "/etc/convene/secret.key", err, sizeof err), 0);
	config_finish(&c);
	assert_string_equal(c.secret_key, "/etc/convene/secret.key");
}

static void arena_allocations_are_usable(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	char *big = arena_alloc(a, 100000);
	memset(big, 1, 100000);
	assert_string_equal(arena_printf(a, "%s-%d", "x", 42), "x-42");
	arena_free(a);
}

int main(void)
{
	ids_init();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ids_have_prefix_and_are_unique),    cmocka_unit_test(secrets_hash_deterministically),
		cmocka_unit_test(config_flags_override_environment), cmocka_unit_test(config_zoom_settings),
		cmocka_unit_test(arena_allocations_are_usable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
