/* Names of the error codes, for logs. */
#include "core/errors.h"

const char *error_name(int err)
{
	switch (err) {
	case E_OK:
		return "ok";
	case E_NOMEM:
		return "out of memory";
	case E_INVALID:
		return "invalid";
	case E_NOTFOUND:
		return "not found";
	case E_CONFLICT:
		return "conflict";
	case E_FORBIDDEN:
		return "forbidden";
	case E_UNAUTH:
		return "unauthenticated";
	case E_DB:
		return "database error";
	case E_TOOLARGE:
		return "too large";
	case E_IO:
		return "i/o error";
	case E_BUSY:
		return "busy";
	case E_TIMEOUT:
		return "time budget spent";
	}
	return "unknown error";
}
