/* The calendar in an e-mail (RFC 5322 with MIME, RFC 2045/2046): the
 * text/calendar part of an iMIP message (RFC 6047), found among nested
 * multipart parts and decoded from base64 or quoted-printable, and the
 * address in the From header. Bounded: depth, parts and sizes. */
#ifndef CALENDAR_MIME_H
#define CALENDAR_MIME_H

#include <stddef.h>

#include "core/buf.h"

#define MIME_DEPTH_MAX 8
#define MIME_PARTS_MAX 64

struct mime_calendar {
	struct buf text;   /* the decoded calendar, NUL-terminated (data NULL: none) */
	char from[320];    /* the From address, lower-cased, or "" */
	const char *error; /* why the message could not be read, or NULL */
};

/* 0 (text.data NULL when the message holds no text/calendar part; a part
 * with method=REPLY is preferred over other calendars), E_INVALID with
 * error set (malformed MIME, too deep, too many parts, a charset other than
 * UTF-8, US-ASCII or ISO-8859-1) or E_NOMEM */
int mime_find_calendar(const char *msg, size_t len, struct mime_calendar *out);
void mime_calendar_free(struct mime_calendar *m);

#endif
