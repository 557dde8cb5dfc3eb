/* Public feed fetches, counted in memory and written in batches: a feed
 * fetched thousands of times a second must not become thousands of durable
 * writes (on SQLite each one an fsync under the writer lock). What the owner
 * sees is at most FEED_COUNTS_DELAY seconds behind on another node, and
 * exact on the node that answers (it writes its counts first). */
#ifndef CALENDAR_FEED_COUNTS_H
#define CALENDAR_FEED_COUNTS_H

#include <stdint.h>

#include "store/store.h"

#define FEED_COUNTS_DELAY 10

void feed_counts_hit(const char *account_id, const char *calendar_id, int64_t now);
/* writes the counts when FEED_COUNTS_DELAY has passed since the last write
 * (or at once with force); call with no transaction open */
int feed_counts_flush(struct db *db, int64_t now, int force);

#endif
