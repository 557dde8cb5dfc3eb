/* A multistatus answer being built under a budget (report_max_bytes and,
 * for expand, report_max_instances): held in memory up to a chunk, then
 * appended to an unlinked temporary file that is sent from there, so that a
 * large answer is never whole in memory. Past a budget the answer is cut
 * short with the 507 response RFC 5323 and RFC 6578 give for that:
 * DAV:number-of-matches-within-limits on the request-URI (CALDAV:max-instances
 * when one event's expansion passed the calendar's max-instances). */
#ifndef DAV_SPOOL_H
#define DAV_SPOOL_H

#include <stddef.h>

#include "core/buf.h"
#include "http/request.h"

struct dav_spool {
	struct buf b;   /* what is not in the file yet; responses are appended here */
	int fd;         /* -1 until the first spill */
	size_t written; /* bytes in the file */
	size_t max_bytes;
	size_t mark;            /* b.len before the response being added */
	int over;               /* a budget is spent: no more responses */
	const char *over_error; /* the 507's error element ("C:max-instances"), or NULL:
				 * DAV:number-of-matches-within-limits */
};

/* with dav_ms_begin's prologue already in b */
int dav_spool_begin(struct dav_spool *s);
/* call before appending one response */
void dav_spool_mark(struct dav_spool *s);
/* call after it, with the rc of appending it: a response past the byte
 * budget, or E_TOOLARGE (an expansion past its budget), is taken back and
 * ends the answer (returns 1: stop); other errors are returned as they are;
 * 0: go on. Spills to the file past a chunk. */
int dav_spool_added(struct dav_spool *s, int rc);
/* ends the multistatus (with the 507 response for href when over) and sends it */
int dav_spool_reply(struct req *r, struct dav_spool *s, const char *href, const char *why);
void dav_spool_free(struct dav_spool *s);

#endif
