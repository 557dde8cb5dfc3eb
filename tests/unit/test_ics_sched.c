/* Unit tests of CalDAV scheduling's iCalendar work (ical/ics_sched.c):
 * rooms' answers written into ATTENDEEs and COMMENTs, the Schedule-Tag that
 * ignores them, free-busy requests and replies, and the iMIP mail format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ical/ics.h"
#include "core/buf.h"
#include "core/errors.h"
#include "notify/mailer.h"

#define EVENT                                                                                             \
	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:u1@test\r\n"            \
	"DTSTAMP:20260101T000000Z\r\nDTSTART:20300107T100000Z\r\nDTEND:20300107T110000Z\r\nSUMMARY:S\r\n" \
	"ORGANIZER:mailto:boss@example.test\r\n"                                                          \
	"ATTENDEE;CUTYPE=ROOM;PARTSTAT=NEEDS-ACTION;X-KEEP=yes:mailto:Room@Example.test\r\n"              \
	"ATTENDEE;PARTSTAT=TENTATIVE:mailto:other@example.test\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

static struct ics_object *parse(const char *text)
{
	struct ics_object *o = NULL;
	struct ics_error err;
	assert_int_equal(ics_parse_object(text, strlen(text), "UTC", &o, &err), 0);
	return o;
}

static void answers_set_partstat_status_and_comment(void **state)
{
	(void)state;
	struct ics_object *o = parse(EVENT), *o2 = NULL, *o3 = NULL, *o4 = NULL;
	struct ics_error err;
	struct ics_answer no = {"room@example.test", "DECLINED", "4.0", "Room is already booked"};
	assert_int_equal(ics_set_answers(o->text, "UTC", &no, 1, &o2, &err), 0);
	assert_non_null(o2);
	assert_non_null(strstr(o2->text, "SCHEDULE-STATUS=4.0"));
	assert_non_null(strstr(o2->text, "X-KEEP=yes"));         /* other parameters stay */
	assert_non_null(strstr(o2->text, "PARTSTAT=TENTATIVE")); /* other attendees too */
	assert_non_null(strstr(o2->text, "COMMENT;X-CONVENE-ATTENDEE=\"mailto:room@example.test\":Room is"));
	assert_string_equal(o2->master.attendees[0].partstat, "DECLINED");
	assert_string_equal(o2->master.attendees[0].schedule_status, "4.0");
	/* the same answer again changes nothing */
	assert_int_equal(ics_set_answers(o2->text, "UTC", &no, 1, &o3, &err), 0);
	assert_null(o3);
	/* accepted: the comment goes */
	struct ics_answer yes = {"room@example.test", "ACCEPTED", "2.0", NULL};
	assert_int_equal(ics_set_answers(o2->text, "UTC", &yes, 1, &o4, &err), 0);
	assert_non_null(o4);
	assert_null(strstr(o4->text, "COMMENT"));
	assert_string_equal(o4->master.attendees[0].partstat, "ACCEPTED");
	/* the Schedule-Tag does not see the answers, and sees anything else */
	char t1[ICS_TAG_MAX], t2[ICS_TAG_MAX], t3[ICS_TAG_MAX];
	ics_schedule_tag(o->text, t1);
	ics_schedule_tag(o2->text, t2);
	ics_schedule_tag(o4->text, t3);
	assert_string_equal(t1, t2);
	assert_string_equal(t1, t3);
	struct ics_object *o5 = parse(EVENT "");
	struct ics_event ev = o5->master;
	ev.summary = "Other";
	struct ics_object *o6 = NULL;
	assert_int_equal(ics_update(o5->text, "UTC", &ev, ICS_F_SUMMARY, &o6, &err), 0);
	ics_schedule_tag(o6->text, t2);
	assert_string_not_equal(t1, t2);
	ics_object_free(o);
	ics_object_free(o2);
	ics_object_free(o4);
	ics_object_free(o5);
	ics_object_free(o6);
}

#define FB                                                                                              \
	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nMETHOD:REQUEST\r\nBEGIN:VFREEBUSY\r\n"    \
	"UID:fb1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20300107T000000Z\r\nDTEND:20300108T000000Z\r\n" \
	"ORGANIZER:mailto:Me@example.test\r\nATTENDEE:mailto:a@example.test\r\n"                        \
	"ATTENDEE:mailto:b@example.test\r\nEND:VFREEBUSY\r\nEND:VCALENDAR\r\n"

#define SERIES                                                                                                  \
	"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:s1@test\r\n"                  \
	"DTSTAMP:20260101T000000Z\r\nDTSTART:20300107T100000Z\r\nDTEND:20300107T110000Z\r\n"                    \
	"RRULE:FREQ=DAILY;COUNT=4\r\nSUMMARY:S\r\nORGANIZER:mailto:boss@example.test\r\n"                       \
	"ATTENDEE;CUTYPE=ROOM;PARTSTAT=ACCEPTED;SCHEDULE-STATUS=2.0:mailto:room@example.test\r\nEND:VEVENT\r\n" \
	"END:VCALENDAR\r\n"

/* one occurrence declined in an override made for it; answering the series
 * again leaves it declined, the master accepted */
static void an_occurrence_is_answered_on_its_own(void **state)
{
	(void)state;
	struct ics_object *o = parse(SERIES), *o2 = NULL, *o3 = NULL, *o4 = NULL;
	struct ics_error err;
	const int64_t third = 1894010400 + 2 * 86400; /* 2030-01-09 10:00Z */
	struct ics_answer no = {"room@example.test", "DECLINED", "2.0", "Taken earlier"};
	assert_int_equal(ics_set_occurrence_answer(o->text, "UTC", third, &no, &o2, &err), 0);
	assert_non_null(o2);
	assert_int_equal(o2->noverrides, 1);
	assert_int_equal(o2->overrides[0].recurrence_id, third);
	assert_int_equal(o2->overrides[0].start, third);
	assert_string_equal(o2->overrides[0].summary, "S");
	assert_int_equal(o2->overrides[0].nattendees, 1);
	assert_string_equal(o2->overrides[0].attendees[0].partstat, "DECLINED");
	assert_string_equal(o2->master.attendees[0].partstat, "ACCEPTED");
	assert_non_null(strstr(o2->text, "Taken earlier"));
	/* the same again: nothing to change */
	assert_int_equal(ics_set_occurrence_answer(o2->text, "UTC", third, &no, &o3, &err), 0);
	assert_null(o3);
	/* the series answered again (a later change): the occurrence stays declined */
	struct ics_answer yes = {"room@example.test", "ACCEPTED", "2.0", NULL};
	assert_int_equal(ics_set_answers(o2->text, "UTC", &yes, 1, &o3, &err), 0);
	if (o3)
		assert_string_equal(o3->overrides[0].attendees[0].partstat, "DECLINED");
	/* declining the whole series declines it too */
	struct ics_answer all = {"room@example.test", "DECLINED", "2.0", NULL};
	assert_int_equal(ics_set_answers(o2->text, "UTC", &all, 1, &o4, &err), 0);
	assert_non_null(o4);
	assert_string_equal(o4->master.attendees[0].partstat, "DECLINED");
	ics_object_free(o4);
	o4 = NULL;
	/* not an occurrence of the series */
	assert_int_equal(ics_set_occurrence_answer(o->text, "UTC", third + 1800, &no, &o4, &err), E_INVALID);
	assert_null(o4);
	ics_object_free(o3);
	ics_object_free(o2);
	ics_object_free(o);
}

static void free_busy_request_and_reply(void **state)
{
	(void)state;
	struct ics_fb_request q;
	struct ics_error err;
	assert_int_equal(ics_parse_fb_request(FB, strlen(FB), &q, &err), 0);
	assert_string_equal(q.organizer, "me@example.test");
	assert_int_equal(q.nattendees, 2);
	assert_string_equal(q.attendees[1], "b@example.test");
	assert_true(q.end - q.start == 86400);
	struct buf b = {0};
	int64_t spans[] = {q.start + 3600, q.start + 7200};
	assert_int_equal(ics_fb_reply(&b, &q, "a@example.test", spans, 1, q.start), 0);
	assert_non_null(strstr(b.data, "METHOD:REPLY"));
	assert_non_null(strstr(b.data, "FREEBUSY;FBTYPE=BUSY:20300107T010000Z/20300107T020000Z"));
	buf_free(&b);
	ics_fb_request_free(&q);
	/* refusals: not a REQUEST, no attendee, garbage */
	const char *bad[] = {"garbage", "BEGIN:VCALENDAR\r\nMETHOD:PUBLISH\r\nBEGIN:VFREEBUSY\r\nEND:VFREEBUSY\r\n"
					"END:VCALENDAR\r\n"};
	for (size_t i = 0; i < 2; i++) {
		assert_int_not_equal(ics_parse_fb_request(bad[i], strlen(bad[i]), &q, &err), 0);
		ics_fb_request_free(&q);
	}
}

static void imip_mail_is_multipart_with_the_method(void **state)
{
	(void)state;
	struct mail m = {.from = "convene@example.test",
			 .to = "guest@outside.test",
			 .subject = "Invitation: S",
			 .body = "Boss invites you",
			 .message_id = "msg_x",
			 .domain = "example.test",
			 .calendar = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n",
			 .method = "REQUEST",
			 .reply_to = "boss@example.test"};
	struct buf b = {0};
	assert_int_equal(mailer_format(&m, 0, &b), 0);
	assert_non_null(strstr(b.data, "Content-Type: multipart/alternative; boundary=\"=_convene_msg_x\""));
	assert_non_null(strstr(b.data, "Content-Type: text/calendar; charset=utf-8; method=REQUEST"));
	assert_non_null(strstr(b.data, "Reply-To: boss@example.test"));
	assert_non_null(strstr(b.data, "--=_convene_msg_x--\r\n"));
	buf_free(&b);
}

int main(void)
{
	if (ics_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(answers_set_partstat_status_and_comment),
		cmocka_unit_test(an_occurrence_is_answered_on_its_own),
		cmocka_unit_test(free_busy_request_and_reply),
		cmocka_unit_test(imip_mail_is_multipart_with_the_method),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
