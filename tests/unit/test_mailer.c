/* Unit tests of the mailer's message format and the outbox back-off. */
#include <setjmp.h>
#include <stdio.h>
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
	struct mail m = {.from = "convene@example.org",
			 .to = "ann@example.org",
			 .subject = "Hello",
			 .body = "line one\nline two\n",
			 .message_id = "msg_abc",
			 .domain = "example.org"};
	assert_int_equal(mailer_format(&m, 0, &b), 0);
	assert_non_null(strstr(b.data, "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"));
	assert_non_null(strstr(b.data, "Message-ID: <msg_abc@example.org>\r\n"));
	assert_non_null(strstr(b.data, "Content-Transfer-Encoding: 7bit\r\n\r\nline one\r\nline two\r\n"));
	buf_free(&b);
	m.body = "Здравствуйте";
	assert_int_equal(mailer_format(&m, 0, &b), 0);
	assert_non_null(strstr(b.data, "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
				       "=D0=97=D0=B4"));
	assert_null(strstr(b.data, "Здравствуйте"));
	buf_free(&b);
	/* a long ASCII line (over 998 characters) is not sent as 7bit either */
	char longline[1200];
	memset(longline, 'a', sizeof longline - 1);
	longline[sizeof longline - 1] = 0;
	m.body = longline;
	assert_int_equal(mailer_format(&m, 1700000000, &b), 0);
	assert_non_null(strstr(b.data, "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"));
	assert_non_null(strstr(b.data, "Content-Transfer-Encoding: quoted-printable\r\n"));
	buf_free(&b);
}

/* every line at most 76 characters, made only of printable ASCII */
static void assert_qp_lines(const char *s)
{
	size_t col = 0;
	for (; *s; s++) {
		if (*s == '\r') {
			assert_int_equal(s[1], '\n');
			s++;
			col = 0;
			continue;
		}
		assert_true(*s >= 32 && *s < 127);
		assert_true(++col <= 76);
	}
}

static void quoted_printable_follows_rfc_2045(void **state)
{
	(void)state;
	struct buf b = {0};
	assert_int_equal(mailer_quoted_printable("a=b caf\xc3\xa9 \nend \n.dot\n", &b), 0);
	/* '=' and non-ASCII encoded, trailing space encoded, a leading dot encoded */
	assert_string_equal(b.data, "a=3Db caf=C3=A9=20\r\nend=20\r\n=2Edot\r\n");
	buf_free(&b);
	/* a long link is folded with soft line breaks that never split an =XX */
	char text[400] = "https://convene.example/reset?token=";
	for (size_t i = strlen(text); i < sizeof text - 1; i++)
		text[i] = i % 7 ? 'x' : '=';
	assert_int_equal(mailer_quoted_printable(text, &b), 0);
	assert_qp_lines(b.data);
	assert_non_null(strstr(b.data, "=\r\n"));
	/* decoding gives the text back */
	char dec[800];
	size_t n = 0;
	for (const char *p = b.data; *p;) {
		if (p[0] == '=' && p[1] == '\r' && p[2] == '\n') {
			p += 3;
		} else if (p[0] == '=') {
			unsigned v;
			assert_int_equal(sscanf(p + 1, "%2X", &v), 1);
			dec[n++] = (char)v;
			p += 3;
		} else {
			dec[n++] = *p++;
		}
	}
	dec[n] = 0;
	assert_string_equal(dec, text);
	buf_free(&b);
	/* Russian text: lines stay short and ASCII */
	assert_int_equal(
		mailer_quoted_printable("Здравствуйте! Кто-то (надеемся, вы) запросил сброс пароля convene.", &b), 0);
	assert_qp_lines(b.data);
	buf_free(&b);
}

static void invalid_utf8_header_terminates(void **state)
{
	(void)state;
	struct buf b = {0};
	char s[100];
	memset(s, 0x80, sizeof s - 1); /* continuation bytes only */
	s[sizeof s - 1] = 0;
	assert_int_equal(mailer_encode_header(s, &b), 0);
	assert_non_null(strstr(b.data, "=?UTF-8?B?"));
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(backoff_doubles_up_to_an_hour),
		cmocka_unit_test(ascii_subject_stays_plain),
		cmocka_unit_test(utf8_subject_is_encoded_on_character_boundaries),
		cmocka_unit_test(message_has_the_headers_and_crlf),
		cmocka_unit_test(quoted_printable_follows_rfc_2045),
		cmocka_unit_test(invalid_utf8_header_terminates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
