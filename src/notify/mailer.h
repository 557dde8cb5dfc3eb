/* Sending one e-mail over SMTP (libcurl): a plain-text RFC 5322 message with
 * a Message-ID derived from the outbox id, so that a message that was sent
 * twice (a crash between acceptance and bookkeeping) is recognisable. */
#ifndef NOTIFY_MAILER_H
#define NOTIFY_MAILER_H

#include <stddef.h>

#include "core/buf.h"

struct mail {
	const char *from;       /* bare address */
	const char *to;         /* bare address */
	const char *subject;    /* UTF-8 */
	const char *body;       /* UTF-8 text */
	const char *message_id; /* the outbox id */
	const char *domain;     /* for the Message-ID's right-hand side */
	/* an iMIP message (RFC 6047): the body is then the text part of a
	 * multipart/alternative whose other part is this iCalendar object, sent
	 * as text/calendar with its METHOD (REQUEST, CANCEL) */
	const char *calendar, *method;
	const char *reply_to; /* the organizer, or NULL */
};

struct mail_result {
	int smtp_code;   /* the server's last reply code (0 when it never answered) */
	int permanent;   /* the server refused the message itself (5xx): retrying will not help */
	char error[512]; /* why it was not sent, for last_error and the log */
};

/* the whole message, headers and body, CRLF line ends; an iMIP one when m->calendar */
int mailer_format(const struct mail *m, long long date, struct buf *out);
/* RFC 2047 encoded-words when s is not plain printable ASCII, else s itself */
int mailer_encode_header(const char *s, struct buf *out);
/* quoted-printable (RFC 2045 6.7) with CRLF line ends and lines of at most 76 characters */
int mailer_quoted_printable(const char *text, struct buf *out);
/* 0 when the server accepted the message. cancel (may be NULL) is asked while
 * the transfer runs: when it says yes the attempt is abandoned, but only
 * before the whole message was handed over, so that a message the server may
 * have accepted is never reported as failed. */
int mailer_send(const char *smtp_url, const struct mail *m, int (*cancel)(void), struct mail_result *res);

#endif
