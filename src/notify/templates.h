/* The texts of the e-mails convene sends, in English, French and Russian. */
#ifndef NOTIFY_TEMPLATES_H
#define NOTIFY_TEMPLATES_H

#include "core/buf.h"

enum template_kind { TEMPLATE_RESET, TEMPLATE_VALIDATE };

/* fills subject and body for lang (en|fr|ru; anything else: en) */
int templates_render(enum template_kind kind, const char *lang, const char *name, const char *link,
		     struct buf *subject, struct buf *body);

#endif
