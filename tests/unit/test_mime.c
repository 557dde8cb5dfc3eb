/* Unit tests of the calendar in a mail (calendar/mime.h): the REPLY part is
 * found under nested multiparts and preferred over another calendar,
 * base64 and quoted-printable (soft breaks) are decoded, Latin-1 becomes
 * UTF-8, the From address is read, and broken or oversized structures are
 * refused with a reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "calendar/mime.h"
#include "core/buf.h"
#include "core/errors.h"

static const char nested[] = "From: \"Guest, G.\" <Guest@Outside.TEST>\r\n"
			     "Subject: Accepted\r\n"
			     "Content-Type: multipart/mixed;\r\n boundary=\"outer\"\r\n"
			     "\r\n"
			     "preamble\r\n"
			     "--outer\r\n"
			     "Content-Type: multipart/alternative; boundary=inner\r\n"
			     "\r\n"
			     "--inner\r\n"
			     "Content-Type: text/plain\r\n"
			     "\r\n"
			     "accepted\r\n"
			     "--inner\r\n"
			     "Content-Type: text/calendar; charset=utf-8; method=REQUEST\r\n"
			     "\r\n"
			     "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
			     "--inner\r\n"
			     "Content-Type: text/calendar; charset=\"ISO-8859-1\"; method=\"REPLY\"\r\n"
			     "Content-Transfer-Encoding: quoted-printable\r\n"
			     "\r\n"
			     "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nSUMMARY:Caf=E9 =\r\nmeeting\r\nEND:VCALENDAR\r\n"
			     "--inner--\r\n"
			     "--outer--\r\n";

static void finds_the_reply(void **state)
{
	(void)state;
	struct mime_calendar m;
	assert_int_equal(mime_find_calendar(nested, sizeof nested - 1, &m), 0);
	assert_string_equal(m.from, "guest@outside.test");
	assert_non_null(m.text.data);
	assert_string_equal(m.text.data,
			    "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nSUMMARY:Caf\xc3\xa9 meeting\r\nEND:VCALENDAR");
	mime_calendar_free(&m);
}

static void base64_and_none(void **state)
{
	(void)state;
	static const char b64[] = "From: g@o.test\nContent-Type: text/calendar; method=REPLY\n"
				  "Content-Transfer-Encoding: base64\n\nQkVHSU46VkNB\nTEVOREFS\n";
	struct mime_calendar m;
	assert_int_equal(mime_find_calendar(b64, sizeof b64 - 1, &m), 0);
	assert_string_equal(m.text.data, "BEGIN:VCALENDAR");
	mime_calendar_free(&m);
	static const char plain[] = "From: g@o.test\r\nContent-Type: text/plain\r\n\r\nhello\r\n";
	assert_int_equal(mime_find_calendar(plain, sizeof plain - 1, &m), 0);
	assert_null(m.text.data);
	mime_calendar_free(&m);
}

static void refusals(void **state)
{
	(void)state;
	struct mime_calendar m;
	static const char bad64[] = "Content-Type: text/calendar\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!!\r\n";
	assert_int_equal(mime_find_calendar(bad64, sizeof bad64 - 1, &m), E_INVALID);
	assert_non_null(m.error);
	static const char koi[] = "Content-Type: text/calendar; charset=koi8-r\r\n\r\nBEGIN:VCALENDAR\r\n";
	assert_int_equal(mime_find_calendar(koi, sizeof koi - 1, &m), E_INVALID);
	static const char nob[] = "Content-Type: multipart/mixed\r\n\r\n--x\r\n";
	assert_int_equal(mime_find_calendar(nob, sizeof nob - 1, &m), E_INVALID);
	/* nested deeper than MIME_DEPTH_MAX */
	struct buf b = {0};
	for (int i = 0; i <= MIME_DEPTH_MAX + 1; i++)
		buf_printf(&b, "Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n", i, i);
	buf_puts(&b, "Content-Type: text/plain\r\n\r\nx\r\n");
	assert_int_equal(mime_find_calendar(b.data, b.len, &m), E_INVALID);
	assert_string_equal(m.error, "the message's MIME parts are nested too deep");
	buf_free(&b);
	/* more parts than MIME_PARTS_MAX */
	buf_puts(&b, "Content-Type: multipart/mixed; boundary=p\r\n\r\n");
	for (int i = 0; i <= MIME_PARTS_MAX; i++)
		buf_puts(&b, "--p\r\nContent-Type: text/plain\r\n\r\nx\r\n");
	buf_puts(&b, "--p--\r\n");
	assert_int_equal(mime_find_calendar(b.data, b.len, &m), E_INVALID);
	assert_string_equal(m.error, "the message has too many MIME parts");
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_the_reply),
		cmocka_unit_test(base64_and_none),
		cmocka_unit_test(refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
