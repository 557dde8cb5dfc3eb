/* The route of the mail delivery status (GET /api/v1/mail-status). */
#ifndef OPS_MAIL_STATUS_ROUTES_H
#define OPS_MAIL_STATUS_ROUTES_H

#include "http/router.h"

extern const struct route mail_status_routes[];

#endif
