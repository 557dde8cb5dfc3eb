/* Logging: one line per message, plain text or JSON (--log-format json).
 * Never pass secrets to these functions. */
#ifndef CORE_LOG_H
#define CORE_LOG_H

#include <stdint.h>

enum log_format { LOG_TEXT, LOG_JSON };

void log_set_format(enum log_format fmt);
enum log_format log_get_format(void);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* the access log line: method, path (credentials already hidden), status,
 * bytes, microseconds, and who asked: account, user (NULL when nobody signed
 * in) and the client's address */
struct log_access {
	const char *method, *path;
	int status;
	uint64_t bytes;
	int64_t micros;
	const char *account_id, *user_id, *client;
};
void log_request(const struct log_access *a);

#endif
