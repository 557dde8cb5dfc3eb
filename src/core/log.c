/* Log lines to stderr, each written whole by one writev(2), so that lines from
 * the thread pool never interleave and no thread waits for another's write
 * (the access log runs on every request). */
#include "core/log.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

static enum log_format log_fmt = LOG_TEXT;

void log_set_format(enum log_format fmt)
{
	log_fmt = fmt;
}
enum log_format log_get_format(void)
{
	return log_fmt;
}

static void stamp(char *out, size_t n)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

/* one writev per line: atomic for pipes up to PIPE_BUF and, on Linux, for
 * regular files, so concurrent lines come out whole without a lock */
static void write_line(struct iovec *iov, int n)
{
	while (writev(STDERR_FILENO, iov, n) < 0 && errno == EINTR)
		;
}

/* obj is only built (and given) in JSON format */
static void emit(json_t *obj, const char *text)
{
	char ts[64];
	stamp(ts, sizeof ts);
	if (log_fmt == LOG_JSON && obj) {
		json_object_set_new(obj, "ts", json_string(ts));
		char *s = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
		if (!s)
			return;
		struct iovec iov[] = {{s, strlen(s)}, {"\n", 1}};
		write_line(iov, 2);
		free(s);
	} else {
		struct iovec iov[] = {{ts, strlen(ts)}, {" ", 1}, {(char *)text, strlen(text)}, {"\n", 1}};
		write_line(iov, 4);
	}
}

static void vlog(const char *level, const char *fmt, va_list ap)
{
	char msg[2048];
	vsnprintf(msg, sizeof msg, fmt, ap);
	json_t *o = log_fmt == LOG_JSON ? json_pack("{s:s, s:s}", "level", level, "msg", msg) : NULL;
	char line[2100];
	snprintf(line, sizeof line, "%s %s", level, msg);
	emit(o, line);
	json_decref(o);
}

#define DEFINE_LOG(fn, level)         \
	void fn(const char *fmt, ...) \
	{                             \
		va_list ap;           \
		va_start(ap, fmt);    \
		vlog(level, fmt, ap); \
		va_end(ap);           \
	}
DEFINE_LOG(log_info, "info")
DEFINE_LOG(log_warn, "warn")
DEFINE_LOG(log_error, "error")

void log_request(const struct log_access *a)
{
	json_t *o = log_fmt != LOG_JSON ? NULL
					: json_pack("{s:s, s:s, s:s, s:i, s:I, s:I, s:s?, s:s?, s:s?}", "level", "info",
						    "method", a->method, "path", a->path, "status", a->status, "bytes",
						    (json_int_t)a->bytes, "us", (json_int_t)a->micros, "account",
						    a->account_id, "user", a->user_id, "client", a->client);
	char line[1400];
	snprintf(line, sizeof line, "req %s %.900s %d %llu %lldus account=%s user=%s client=%.64s", a->method, a->path,
		 a->status, (unsigned long long)a->bytes, (long long)a->micros, a->account_id ? a->account_id : "-",
		 a->user_id ? a->user_id : "-", a->client ? a->client : "-");
	emit(o, line);
	json_decref(o);
}
