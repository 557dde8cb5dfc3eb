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
};

/* the whole message, headers and body, CRLF line ends */
int mailer_format(const struct mail *m, long long date, struct buf *out);
/* RFC 2047 encoded-word when s is not plain ASCII, else s itself */
int mailer_encode_header(const char *s, struct buf *out);
/* 0 when the server accepted the message; else err says why */
int mailer_send(const char *smtp_url, const struct mail *m, char *err, size_t errlen);

#endif
