/* Microsoft Exchange Server (on-premises) as a calendar provider: its table
 * of operations (sync/provider.h), each written in the exchange_*.c file of
 * its concept, over Exchange Web Services (sync/exchange_soap.c). */
#include "sync/exchange_soap.h"

const struct sync_provider sync_exchange = {
	.name = "exchange",
	.step1 = exchange_step1,
	.check = exchange_check,
	.list_rooms = exchange_list_rooms,
	.changes = exchange_changes,
	.watch = exchange_watch,
	.unwatch = exchange_unwatch,
	.write = exchange_write,
	.remove = exchange_remove,
	.decline = exchange_decline,
	.find = exchange_find,
	.poll = exchange_poll,
};
