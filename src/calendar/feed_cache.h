/* The in-process cache of assembled feeds, keyed by calendar id, calendar
 * version, detail and window (the day the window was computed on). Every
 * change to a calendar bumps its version, so an entry is never stale: old
 * versions are dropped when a newer one is stored and the rest ages out
 * least-recently-used first, within a total byte budget. Shared by threads. */
#ifndef CALENDAR_FEED_CACHE_H
#define CALENDAR_FEED_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

#define FEED_CACHE_DEFAULT_BYTES ((size_t)64 * 1024 * 1024)

/* the budget (0: cache nothing); takes effect for later stores */
void feed_cache_limit(size_t max_bytes);

/* A reference to a cached body (immutable, NUL-terminated): 1 when found,
 * 0 when not. The bytes stay valid until feed_cache_release(body), also if
 * the entry is dropped meanwhile (void * so that it can be a free callback). */
struct feed_body;
int feed_cache_acquire(const char *calendar_id, int64_t version, const char *variant, struct feed_body **body,
		       const char **data, size_t *len, int64_t *built_at);
void feed_cache_release(void *body);
/* copies the body into the arena: 1 when found, 0 when not */
int feed_cache_get(const char *calendar_id, int64_t version, const char *variant, struct arena *a, char **data,
		   size_t *len, int64_t *built_at);
void feed_cache_put(const char *calendar_id, int64_t version, const char *variant, const char *data, size_t len,
		    int64_t built_at);
/* bytes held and entries, for tests and metrics */
void feed_cache_usage(size_t *bytes, int *entries);
void feed_cache_clear(void);

#endif
