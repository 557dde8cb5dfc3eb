/* Inbound sync: the meetings of a linked room's provider calendar become
 * external bookings in the linked convene room's own calendar, read-only
 * everywhere (calendar/event_store.h's external_ok), each with its
 * sync_events row (origin provider). One room's changes at a time, kept
 * until INBOUND_BATCH are read (or the listing ends) and then applied
 * several to a transaction, each transaction holding the writer lock for
 * at most about INBOUND_TX_US: never a provider call inside one, and a
 * first sync of a room does not pay one commit (an fsync on SQLite) per
 * meeting. */
#ifndef SYNC_INBOUND_H
#define SYNC_INBOUND_H

#include <stdint.h>

#include "store/store.h"
#include "sync/provider.h"

struct arena;

/* a provider meeting that came after a convene booking of the room: the
 * worker declines it at the provider, outside any transaction */
struct inbound_decline {
	char *provider_event_id; /* malloc'd */
	char comment[300];       /* the convene booking's time, nothing private */
	int done;                /* declined at the provider */
};

#define INBOUND_BATCH 256   /* changes read before they are applied */
#define INBOUND_TX_US 50000 /* a transaction of changes ends after this long */

struct inbound {
	struct db *db;
	struct sync_room r;  /* the provider room, linked */
	struct room room;    /* the convene room */
	struct calendar cal; /* its calendar, where external bookings live */
	int full;            /* a full listing: what it does not name is gone */
	char **seen;         /* full: provider event ids listed (malloc'd) */
	size_t nseen, cap;
	int count;         /* changes given */
	int64_t synced;    /* external bookings created, changed or removed */
	int64_t conflicts; /* races resolved here: convene bookings given back to earlier provider meetings */
	struct inbound_decline *declines; /* later provider meetings to decline (malloc'd) */
	size_t ndeclines;
	int declining; /* the change being applied lost its race: declines[ndeclines] to add */
	char decline_comment[300];
	int64_t now;
	struct sync_change batch[INBOUND_BATCH]; /* read, not applied yet (strings in batch_arena) */
	size_t nbatch;
	struct arena *batch_arena;
};

/* the room's convene room and calendar read (E_NOTFOUND: not linked any
 * more, or its room is gone) */
int inbound_open(struct inbound *in, struct db *db, const struct sync_room *r, int full);
/* one change taken (a sync_change_cb: ctx is the struct inbound); applied
 * by inbound_flush, at the latest by inbound_finish: created,
 * rewritten, deleted, or for an echo of convene's own write only its etag.
 * A meeting overlapping a convene booking of the room follows the race rule
 * (sync/conflict.h): made earlier, it takes the room (the convene booking
 * is released); made later (or at the same second), nothing is written and
 * it is added to declines for the caller to decline at the provider. Two
 * provider meetings overlapping: the later one is shown, holding nothing
 * (the provider let it in; its room answered) until inbound_finish finds
 * the room free of the other.
 * A change convene cannot store (a text libical refuses) is logged and
 * skipped rather than blocking the room's sync for ever. */
int inbound_apply(void *ctx, const struct sync_change *c);
/* the changes taken so far applied, in order, in as few transactions as
 * INBOUND_TX_US allows; one that cannot go with the others (a text convene
 * cannot store, a lost race) is applied alone as inbound_apply says. Called
 * by inbound_apply when INBOUND_BATCH are waiting and by inbound_finish;
 * the worker calls it when a listing failed half-way, so that what was read
 * is kept. */
int inbound_flush(struct inbound *in);
/* after every sync of the room: provider meetings stored without the room
 * (another provider meeting held it) are looked at again: the room held
 * once free, or the race rule against a convene booking that took it (the
 * meeting may join declines); after a full listing also the room's external
 * bookings it did not name are removed (cancelled while no token was valid) */
int inbound_finish(struct inbound *in);
/* what the struct holds freed; changes not flushed are dropped (the next
 * sync reads them again) */
void inbound_close(struct inbound *in);

/* the convene UID of a provider meeting: its iCalUID, with the instance's
 * own id for an occurrence of a series (UIDs are unique in a calendar) */
void inbound_uid(const struct sync_change *c, const char *provider, char *out, size_t n);

#endif
