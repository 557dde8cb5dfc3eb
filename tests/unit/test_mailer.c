/* Unit tests of the mailer's message format and the outbox back-off. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "notify/mailer.h"
#include "notify/outbox_worker.h"

static void backoff_doubles_up_to_an_hour(void **state)
{
	(void)state;
	assert_int_equal(outbox_backoff(1), 15);
	assert_int_equal(outbox_backoff(2), 30);
	assert_int_equal(outbox_backoff(3), 60);
	assert_int_equal(outbox_backoff(9), 3600);
	assert_int_equal(outbox_backoff(500), 3600);
	assert_int_equal(outbox_backoff(0), 15);
}

static void ascii_subject_stays_plain(void **state)
{
	(void)state;
	struct buf b = {0};
	assert_int_equal(mailer_encode_header("Reset your password", &b), 0);
	assert_string_equal(b.data, "Reset your password");
	buf_free(&b);
}

static void utf8_subject_is_encoded_on_character_boundaries(void **state)
{
	(void)state;
	struct buf b = {0};
	/* 30 Cyrillic letters = 60 bytes: two encoded words, none splitting a letter */
	const char *s = "абвгдеёжзийклмнопрстуфхцчшщъыь";
	assert_int_equal(mailer_encode_header(s, &b), 0);
	assert_non_null(strstr(b.data, "=?UTF-8?B?"));
	assert_non_null(strstr(b.data, "?=\r\n =?UTF-8?B?"));
	buf_free(&b);
	/* a header injection attempt is encoded, not passed through */
	assert_int_equal(mailer_encode_header("hi\r\nBcc: x@y", &b), 0);
	assert_null(strchr(b.data, '\n') ? strstr(b.data, "Bcc") : NULL);
	buf_free(&b);
}

static void message_has_the_headers_and_crlf(void **state)
{
	(void)state;
	struct buf b = {0};
	struct mail m = {.from = "convene@example.org", .to = "ann@example.org", .subject = "Hello",
			 .body = "line one\nline two\n", .message_id = "msg_abc", .domain = "example.org"};
	assert_int_equal(mailer_format(&m, 0, &b), 0);
	assert_non_null(strstr(b.data, "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"));
	assert_non_null(strstr(b.data, "Message-ID: <msg_abc@example.org>\r\n"));
	assert_non_null(strstr(b.data, "Content-Transfer-Encoding: 7bit\r\n\r\nline one\r\nline two\r\n"));
	buf_free(&b);
	m.body = "Здравствуйте";
	assert_int_equal(mailer_format(&m, 0, &b), 0);
	assert_non_null(strstr(b.data, "Content-Transfer-Encoding: base64\r\n"));
	assert_null(strstr(b.data, "Здравствуйте"));
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backoff_doubles_up_to_an_hour),
		cmocka_unit_test(ascii_subject_stays_plain),
		cmocka_unit_test(utf8_subject_is_encoded_on_character_boundaries),
		cmocka_unit_test(message_has_the_headers_and_crlf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
