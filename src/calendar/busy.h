/* Busy time: the merged busy intervals of a user (their own calendars'
 * opaque, not cancelled occurrences) within a window. Free/busy answers,
 * "find a time" and room checks build on it. */
#ifndef CALENDAR_BUSY_H
#define CALENDAR_BUSY_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct busy_span {
	int64_t start, end;
};

struct busy_list {
	struct busy_span *v;
	size_t n, cap;
};

int busy_add(struct busy_list *b, int64_t start, int64_t end);
/* sorts and merges overlapping or touching spans */
void busy_merge(struct busy_list *b);
void busy_free(struct busy_list *b);
/* 1 when [start, end) overlaps no span of a merged list */
int busy_is_free(const struct busy_list *b, int64_t start, int64_t end);

/* appends the user's busy spans in [from, to) (clipped), unmerged */
int busy_of_user(struct db *db, const char *account_id, const char *user_id, int64_t from, int64_t to,
		 struct busy_list *out);

/* appends the busy spans of one calendar's events in [from, to) (clipped), unmerged */
int busy_of_calendar(struct db *db, const struct calendar *c, int64_t from, int64_t to, struct busy_list *out);

/* appends a room's bookings in [from, to) (clipped; the meetings, not the
 * buffers around them), unmerged */
int busy_of_room(struct db *db, const struct room *room, int64_t from, int64_t to, struct busy_list *out);

#endif
