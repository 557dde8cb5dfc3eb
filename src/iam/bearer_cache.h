/* Per-thread cache of bearer-token authentications and of their GET /api/v1/me
 * body, valid only while the store stamp (store.h) taken before reading them
 * is unchanged: any committed write in this process, or on SQLite in another,
 * empties it for the next request. Not used on PostgreSQL (store_stamp fails). */
#ifndef IAM_BEARER_CACHE_H
#define IAM_BEARER_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "http/request.h"
#include "store/store.h"

/* forgets which entry the previous request of this thread used; call at the
 * start of every authentication */
void bearer_cache_begin(void);
/* 0 and r->who filled when hash was authenticated under stamp, is unexpired at
 * now and was touched (last_used_at) less than a minute ago; E_NOTFOUND else */
int bearer_cache_get(struct req *r, const char *hash, const struct store_stamp *stamp, int64_t now);
/* remembers a successful authentication (r->who) made under stamp */
void bearer_cache_put(const struct req *r, const char *hash, const struct store_stamp *stamp, int64_t expires_at,
		      int64_t last_used_at);
/* the /me body kept with this request's entry, or NULL */
const char *bearer_cache_me(const struct req *r, size_t *len);
/* keeps body as this request's /me body (when it fits and there is an entry) */
void bearer_cache_put_me(const struct req *r, const char *body, size_t len);

#endif
