/* Log lines to stderr, serialised by a mutex so that lines from the thread
 * pool never interleave. */
#include "core/log.h"

#include <jansson.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static enum log_format log_fmt = LOG_TEXT;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void log_set_format(enum log_format fmt) { log_fmt = fmt; }
enum log_format log_get_format(void) { return log_fmt; }

static void stamp(char *out, size_t n)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

static void emit(json_t *obj, const char *text)
{
	char ts[64];
	stamp(ts, sizeof ts);
	pthread_mutex_lock(&log_lock);
	if (log_fmt == LOG_JSON) {
		json_object_set_new(obj, "ts", json_string(ts));
		char *s = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
		if (s) {
			fprintf(stderr, "%s\n", s);
			free(s);
		}
	} else {
		fprintf(stderr, "%s %s\n", ts, text);
	}
	fflush(stderr);
	pthread_mutex_unlock(&log_lock);
}

static void vlog(const char *level, const char *fmt, va_list ap)
{
	char msg[2048];
	vsnprintf(msg, sizeof msg, fmt, ap);
	json_t *o = json_pack("{s:s, s:s}", "level", level, "msg", msg);
	char line[2100];
	snprintf(line, sizeof line, "%s %s", level, msg);
	emit(o, line);
	json_decref(o);
}

#define DEFINE_LOG(fn, level)                   \
	void fn(const char *fmt, ...)           \
	{                                       \
		va_list ap;                     \
		va_start(ap, fmt);              \
		vlog(level, fmt, ap);           \
		va_end(ap);                     \
	}
DEFINE_LOG(log_info, "info")
DEFINE_LOG(log_warn, "warn")
DEFINE_LOG(log_error, "error")

void log_request(const char *method, const char *path, int status, uint64_t bytes,
		 int64_t micros, const char *account_id)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:I, s:I, s:s?}", "level", "info", "method",
			      method, "path", path, "status", status, "bytes", (json_int_t)bytes,
			      "us", (json_int_t)micros, "account", account_id);
	char line[1200];
	snprintf(line, sizeof line, "req %s %.900s %d %llu %lldus account=%s", method, path, status,
		 (unsigned long long)bytes, (long long)micros, account_id ? account_id : "-");
	emit(o, line);
	json_decref(o);
}
