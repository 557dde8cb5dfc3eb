/* Exchange Web Services calls (SOAP 1.1 over HTTPS, HTTP Basic of the
 * service account, ExchangeImpersonation of a room mailbox): envelopes built
 * with every value XML-escaped, one bounded call, and EWS's failures (HTTP
 * 401, SOAP faults, per-message ResponseCodes) turned into provider.h's
 * codes once for every Exchange operation. Answers are parsed with libxml2
 * (no network, no entity expansion). */
#ifndef SYNC_EXCHANGE_SOAP_H
#define SYNC_EXCHANGE_SOAP_H

#include <libxml/tree.h>
#include <stddef.h>
#include <stdint.h>

#include "sync/provider.h"

extern const struct sync_provider sync_exchange;
/* the operations, each in the exchange_*.c file of its concept */
int exchange_step1(json_t *body, char **settings, char **secret, struct sync_failure *f);
int exchange_check(struct sync_api *a, struct sync_failure *f);
int exchange_list_rooms(struct sync_api *a, sync_room_cb cb, void *ctx, struct sync_failure *f);
int exchange_changes(struct sync_api *a, const struct sync_room *r, const char *token, sync_change_cb cb, void *ctx,
		     char **next, struct sync_failure *f);
int exchange_watch(struct sync_api *a, struct sync_room *r, const char *address, const char *token,
		   struct sync_failure *f);
int exchange_unwatch(struct sync_api *a, const struct sync_room *r, struct sync_failure *f);
int exchange_poll(struct sync_api *a, struct sync_room *r, int *changed, struct sync_failure *f);
int exchange_write(struct sync_api *a, const struct sync_room *r, const char *provider_event_id,
		   const struct sync_booking *b, char **out_id, struct sync_failure *f);
int exchange_remove(struct sync_api *a, const struct sync_room *r, const char *provider_event_id,
		    struct sync_failure *f);
int exchange_find(struct sync_api *a, const struct sync_room *r, const char *convene_event_id, char **out_id,
		  struct sync_failure *f);
int exchange_decline(struct sync_api *a, const struct sync_room *r, const char *provider_event_id, const char *comment,
		     struct sync_failure *f);

/* convene's private extended property on the items it writes (the GUID of
 * issue 16's contract, also used by Graph's singleValueExtendedProperty) */
#define EWS_PROPSET "66f5a359-4659-4638-81f9-3bc2a3b8d1c4"
#define EWS_EXT_URI                                        \
	"<t:ExtendedFieldURI PropertySetId=\"" EWS_PROPSET \
	"\" PropertyName=\"convene_event_id\" PropertyType=\"String\"/>"

/* a growing text; oom set once an append failed (then every append is a
 * no-op and the text must not be used) */
struct ews_buf {
	char *s;
	size_t len, cap;
	int oom;
};
void ews_add(struct ews_buf *b, const char *raw);   /* markup as is */
void ews_addx(struct ews_buf *b, const char *text); /* text or attribute value, escaped */
void ews_addf(struct ews_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3))); /* markup */
void ews_buf_free(struct ews_buf *b);

/* the SOAP envelope of one operation: body (the operation's element, in the
 * messages namespace m:, types t:) with the header naming the server version
 * and, when impersonate is not NULL, ExchangeImpersonation of that mailbox.
 * malloc'd, NULL when out of memory */
char *ews_envelope(const char *impersonate, const char *body);

/* one call to the connection's ews_url. 0 with *doc the parsed answer (HTTP
 * 200); otherwise f says why: login_failed (401, E_FORBIDDEN),
 * impersonation_denied (E_FORBIDDEN), mailbox_unreachable (E_NOTFOUND),
 * provider_throttled (ErrorServerBusy, f->retry_after from
 * BackOffMilliseconds, E_BUSY), provider_unreachable (no answer, E_IO),
 * provider_error (another fault or an answer that is not EWS's, E_IO). */
int ews_call(struct sync_api *a, const char *impersonate, const char *body, xmlDocPtr *doc, struct sync_failure *f);
/* the same on an answer already received (status and body): the fault and
 * 401 parsing, apart for the unit test */
int ews_answer(const char *mailbox, long status, const char *body, size_t len, xmlDocPtr *doc, struct sync_failure *f);

/* by local name (namespaces are EWS's own): the first child element, the
 * first descendant element in document order, and a child's text */
xmlNodePtr ews_child(xmlNodePtr n, const char *name);
xmlNodePtr ews_find(xmlNodePtr n, const char *name);
xmlNodePtr ews_next(xmlNodePtr n, const char *name); /* the next sibling element of that name */
void ews_text(xmlNodePtr n, const char *child, char *out, size_t size);
void ews_attr(xmlNodePtr n, const char *attr, char *out, size_t size);

/* a response message's class and code: 0 for NoError; otherwise f filled
 * from code (ErrorItemNotFound and the like: not_found, E_NOTFOUND;
 * ErrorInvalidSyncStateData: sync_token_expired, E_CONFLICT; others
 * provider_error, E_IO) and code copied out */
int ews_message(xmlNodePtr msg, const char *mailbox, char *code, size_t size, struct sync_failure *f);

/* an EWS dateTime (UTC, "Z" or an offset) as UTC seconds; -1 when not one */
int64_t ews_time(const char *s);
/* UTC seconds as an EWS dateTime "YYYY-MM-DDTHH:MM:SSZ" */
void ews_time_text(int64_t t, char out[32]);

#endif
