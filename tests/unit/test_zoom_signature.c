/* Unit tests of conferencing/zoom_signature.h: the url_validation answer with
 * the known-answer vector of mattermost-plugin-zoom (server/webhook_test.go;
 * Apache-2.0; the value checked with openssl), a signature made as Zoom makes
 * it (computed with Python's hmac), and what must be refused: one changed
 * byte of the body or of the signature, stale and future timestamps,
 * timestamps that are not Unix seconds, a missing "v0=". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "conferencing/zoom_signature.h"

#define SECRET "zoomwebhooksecret"
#define TS "1700000000"
#define NOW 1700000000
#define BODY                                                                                              \
	"{\"event\":\"meeting.created\",\"event_ts\":1700000000123,\"payload\":{\"account_id\":\"acc1\"," \
	"\"object\":{\"id\":85746065432,\"host_id\":\"z8yCxjabcdEFGHfp2Ng\"}}}"
/* hmac.new(b"zoomwebhooksecret", b"v0:1700000000:" + BODY, sha256).hexdigest() */
#define SIG "v0=1079581d1c68c8fb723834c5b59687cd44a5b8d02d31b1ae1469adcff74b49de"

static enum zoom_sig_result check(const char *sig, const char *ts, const char *body, int64_t now)
{
	return zoom_signature_verify(SECRET, sig, ts, body, strlen(body), now, NULL);
}

static void test_url_validation_vector(void **state)
{
	(void)state;
	char out[ZOOM_HMAC_HEX_MAX];
	zoom_signature_hmac_hex(SECRET, "Kn5a3Wv7SP6YP5b4BWfZpg", 22, out);
	assert_string_equal(out, "2a41c3138d2187a756c51428f78d192e9b88dcf44dd62d1b081ace4ec2241e0a");
}

static void test_good_signature(void **state)
{
	(void)state;
	char canon[ZOOM_HMAC_HEX_MAX];
	assert_int_equal(zoom_signature_verify(SECRET, SIG, TS, BODY, strlen(BODY), NOW, canon), ZOOM_SIG_OK);
	assert_string_equal(canon, SIG + 3);
	/* within five minutes either way of the server's clock */
	assert_int_equal(check(SIG, TS, BODY, NOW + ZOOM_SIGNATURE_SKEW), ZOOM_SIG_OK);
	assert_int_equal(check(SIG, TS, BODY, NOW - ZOOM_SIGNATURE_SKEW), ZOOM_SIG_OK);
	/* hex in upper case is the same signature, and gives the same replay key */
	char upper[sizeof SIG];
	memcpy(upper, SIG, sizeof SIG);
	for (char *p = upper + 3; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	assert_int_equal(zoom_signature_verify(SECRET, upper, TS, BODY, strlen(BODY), NOW, canon), ZOOM_SIG_OK);
	assert_string_equal(canon, SIG + 3);
}

static void test_one_byte_changed(void **state)
{
	(void)state;
	char body[sizeof BODY];
	memcpy(body, BODY, sizeof BODY);
	body[40] ^= 1;
	assert_int_equal(check(SIG, TS, body, NOW), ZOOM_SIG_BAD);
	char sig[sizeof SIG];
	memcpy(sig, SIG, sizeof SIG);
	sig[10] = sig[10] == '0' ? '1' : '0';
	assert_int_equal(check(sig, TS, BODY, NOW), ZOOM_SIG_BAD);
	sig[10] = SIG[10];
	sig[sizeof SIG - 2] = sig[sizeof SIG - 2] == 'e' ? 'f' : 'e'; /* the last digit too */
	assert_int_equal(check(sig, TS, BODY, NOW), ZOOM_SIG_BAD);
	/* the timestamp is part of what is signed */
	assert_int_equal(check(SIG, "1700000001", BODY, NOW), ZOOM_SIG_BAD);
	/* another secret */
	assert_int_equal(zoom_signature_verify("other", SIG, TS, BODY, strlen(BODY), NOW, NULL), ZOOM_SIG_BAD);
	/* a byte more or less of the body */
	assert_int_equal(zoom_signature_verify(SECRET, SIG, TS, BODY, strlen(BODY) - 1, NOW, NULL), ZOOM_SIG_BAD);
}

static void test_stale_and_future(void **state)
{
	(void)state;
	assert_int_equal(check(SIG, TS, BODY, NOW + ZOOM_SIGNATURE_SKEW + 1), ZOOM_SIG_STALE);
	assert_int_equal(check(SIG, TS, BODY, NOW - ZOOM_SIGNATURE_SKEW - 1), ZOOM_SIG_STALE);
	assert_int_equal(check(SIG, TS, BODY, NOW + 86400), ZOOM_SIG_STALE);
	assert_int_equal(check(SIG, TS, BODY, 0), ZOOM_SIG_STALE);
}

static void test_timestamp_not_seconds(void **state)
{
	(void)state;
	static const char *const bad[] = {"-1700000000", "+1700000000",  " 1700000000",
					  "1700000000 ", "1700000000.5", "0x6553f100",
					  "1e9",         "abc",          "1700000000000000000000"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(check(SIG, bad[i], BODY, NOW), ZOOM_SIG_MALFORMED);
	/* milliseconds (event_ts's unit) are digits, but far in the future */
	assert_int_equal(check(SIG, "1700000000000", BODY, NOW), ZOOM_SIG_STALE);
}

static void test_malformed_and_missing(void **state)
{
	(void)state;
	assert_int_equal(check(SIG + 3, TS, BODY, NOW), ZOOM_SIG_MALFORMED); /* no v0= */
	assert_int_equal(check("v1=1079581d1c68c8fb723834c5b59687cd44a5b8d02d31b1ae1469adcff74b49de", TS, BODY, NOW),
			 ZOOM_SIG_MALFORMED);
	assert_int_equal(check("v0=1079581d", TS, BODY, NOW), ZOOM_SIG_MALFORMED); /* short */
	assert_int_equal(check(SIG "00", TS, BODY, NOW), ZOOM_SIG_MALFORMED);      /* long */
	assert_int_equal(check("v0=zz79581d1c68c8fb723834c5b59687cd44a5b8d02d31b1ae1469adcff74b49de", TS, BODY, NOW),
			 ZOOM_SIG_MALFORMED);
	assert_int_equal(check("v0=", TS, BODY, NOW), ZOOM_SIG_MALFORMED);
	assert_int_equal(zoom_signature_verify(SECRET, NULL, TS, BODY, strlen(BODY), NOW, NULL), ZOOM_SIG_MISSING);
	assert_int_equal(zoom_signature_verify(SECRET, SIG, NULL, BODY, strlen(BODY), NOW, NULL), ZOOM_SIG_MISSING);
	assert_int_equal(check("", TS, BODY, NOW), ZOOM_SIG_MISSING);
	assert_int_equal(check(SIG, "", BODY, NOW), ZOOM_SIG_MISSING);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_validation_vector), cmocka_unit_test(test_good_signature),
		cmocka_unit_test(test_one_byte_changed),      cmocka_unit_test(test_stale_and_future),
		cmocka_unit_test(test_timestamp_not_seconds), cmocka_unit_test(test_malformed_and_missing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
