/* Answers in WebDAV's shapes: 207 multistatus documents, DAV:error bodies
 * naming the precondition that failed (RFC 4918 section 16, RFC 4791 section
 * 1.3) with a human detail in our namespace, and the Basic challenge. Errors
 * without a precondition (401, 404) stay problem+json, as everywhere else. */
#ifndef DAV_REPLY_H
#define DAV_REPLY_H

#include "core/buf.h"
#include "http/request.h"

/* the XML declaration and <D:multistatus> with every namespace we use */
int dav_ms_begin(struct buf *b);
int dav_ms_end(struct buf *b);
/* sends b (207, application/xml) and frees it */
int dav_reply_multistatus(struct req *r, struct buf *b);

/* status with <D:error><cond xmlns=ns/><X:detail>…</X:detail></D:error> */
int dav_reply_error(struct req *r, int status, const char *ns, const char *cond, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* the same with the condition given as XML (inner), for conditions with content */
int dav_reply_error_xml(struct req *r, int status, const char *inner, const char *detail);
/* 403 need-privileges (RFC 3744 section 7.1.1) for one privilege on href */
int dav_reply_need_privilege(struct req *r, const char *href, const char *ns, const char *privilege,
			     const char *detail);
/* 401 with WWW-Authenticate: Basic */
int dav_reply_unauthenticated(struct req *r);

#endif
