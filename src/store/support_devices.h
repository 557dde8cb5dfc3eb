/* The device a support session is about (support_sessions.device_id): one of
 * the devices of the session's company, or none. */
#ifndef STORE_SUPPORT_DEVICES_H
#define STORE_SUPPORT_DEVICES_H

#include <stdint.h>

#include "core/ids.h"

struct db;

/* out = "" when none */
int store_support_session_device(struct db *db, const char *account_id, const char *session_id, char out[ID_MAX]);
/* device_id NULL: none */
int store_support_session_link_device(struct db *db, const char *account_id, const char *session_id,
				      const char *device_id, int64_t now);
/* is device_id one of company_id's devices (in this account)? */
int store_support_device_of_company(struct db *db, const char *account_id, const char *device_id,
				    const char *company_id, int *yes);

#endif
