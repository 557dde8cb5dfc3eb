/* Never two meetings in one room (issue 16 §3): when a meeting made at a
 * calendar provider and a convene booking overlap in a linked room (both
 * made within the sync delay), the one created earlier keeps the room and
 * the later one is declined where it was made. Written once for every
 * provider: inbound sync (sync/inbound.c) asks, the worker declines. A
 * booking of one occurrence of a convene series races on its own: the
 * series' bookings are made when it is booked. */
#ifndef SYNC_CONFLICT_H
#define SYNC_CONFLICT_H

#include <stdint.h>

#include "store/store.h"

struct arena;

/* 1 when booking b (overlapping a provider meeting) was made in convene,
 * not another provider meeting; 0 otherwise; <0 an error */
int conflict_is_convene(struct db *db, struct arena *a, const struct booking *b);

/* the provider meeting made at created (UTC seconds, 0 unknown) keeps the
 * room against convene booking b: it was made strictly earlier (ties, and
 * an unknown time: the convene booking keeps it) */
int conflict_provider_first(int64_t created, const struct booking *b);

/* In the inbound transaction: convene booking b gives the room back. The
 * room's ATTENDEE of its event becomes DECLINED (SCHEDULE-STATUS 2.0, the
 * room answered, with a comment naming the provider), so the event's
 * bookings of the room go and the outbound hook turns the room's copy at
 * the provider into a delete; the organizer is mailed in their language
 * with other free rooms of similar size; audited. provider names google,
 * microsoft or exchange. When b is an occurrence of a series, only it goes:
 * the room declines it in its override (the rest of the series keeps the
 * room), and the room's copy at the provider leaves that occurrence out */
int conflict_release(struct db *db, struct arena *a, const struct room *room, const struct booking *b,
		     const char *provider);

/* the comment the room declines a provider meeting with: the convene
 * booking's time in zone tz, nothing private (its title, its organizer) */
void conflict_decline_comment(const struct booking *b, const char *tz, char *out, size_t n);

#endif
