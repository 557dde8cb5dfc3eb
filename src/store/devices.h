/* Devices of companies (name, kind, serial, notes); a device belongs to one
 * or more companies of its account. */
#ifndef STORE_DEVICES_H
#define STORE_DEVICES_H

#include <stddef.h>
#include <stdint.h>

#include "core/ids.h"

struct device {
	char account_id[ID_MAX];
	char id[ID_MAX];
	char name[256];
	char kind[16];
	char serial[128];
	char notes[2048];
	int64_t created_at, updated_at;
};

struct device_filter {
	const char *q; /* substring of name or serial, case-insensitive */
	const char *company_id;
	const char *after_id;  /* cursor */
	const char *member_of; /* only devices of a company of this user (NULL: all) */
	int limit;
};

int store_device_insert(struct db *db, const struct device *d);
int store_device_get(struct db *db, const char *account_id, const char *id, struct device *out);
int store_device_update(struct db *db, const struct device *d);
int store_device_delete(struct db *db, const char *account_id, const char *id);
/* in id order (stable paging) */
int store_device_list(struct db *db, const char *account_id, const struct device_filter *f, struct device *out, int max,
		      int *n);
/* the companies of the devices that store_device_list gives for the same
 * filter, in one query, as (device id, company id) in that order of devices
 * and company id order within each; run both in one transaction so that they
 * see the same page */
int store_device_list_companies(struct db *db, const char *account_id, const struct device_filter *f,
				void (*each)(void *ctx, const char *device_id, const char *company_id), void *ctx);
int store_device_count_company(struct db *db, const char *account_id, const char *company_id, int64_t *out);

#endif
