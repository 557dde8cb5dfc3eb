/* Error codes shared by every module: functions return 0 on success or one of
 * these negative values; http/response.c maps them to HTTP statuses. */
#ifndef CORE_ERRORS_H
#define CORE_ERRORS_H

enum {
	E_OK = 0,
	E_NOMEM = -1,     /* allocation failed */
	E_INVALID = -2,   /* input failed validation */
	E_NOTFOUND = -3,  /* no such row (in this account) */
	E_CONFLICT = -4,  /* unique key, state or dependency conflict */
	E_FORBIDDEN = -5, /* authenticated but not allowed */
	E_UNAUTH = -6,    /* not authenticated */
	E_DB = -7,        /* database failure */
	E_TOOLARGE = -8,  /* body or field too large */
	E_IO = -9,        /* file, socket or network failure */
	E_BUSY = -10,     /* try again later (locked, rate limited) */
	E_TIMEOUT = -11,  /* the request's time budget is spent (core/budget.h) */
};

const char *error_name(int err);

#endif
