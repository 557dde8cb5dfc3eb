/* The texts of the support mails to a portal's customer, in English, French
 * and Russian: a technician's answer to an offline request (with the link
 * back to the conversation) and the transcript the customer asked for. */
#ifndef NOTIFY_SUPPORT_MAIL_H
#define NOTIFY_SUPPORT_MAIL_H

#include "core/buf.h"

/* lang en|fr|ru (anything else: en); the customer's name, the portal's
 * title, the technician's name, the answer's text, the link and its days */
int support_mail_answer(const char *lang, const char *customer, const char *portal, const char *technician,
			const char *answer, const char *link, int days, struct buf *subject, struct buf *body);
/* the transcript's lines are already rendered (support_mail_line) */
int support_mail_transcript(const char *lang, const char *customer, const char *portal, const char *lines,
			    struct buf *subject, struct buf *body);
/* one transcript line: "[YYYY-MM-DD HH:MM UTC] who:\n  text\n" (who NULL: the
 * support team, in lang), its lines indented */
int support_mail_line(struct buf *out, const char *lang, long long at, const char *who, const char *text);

#endif
