/* Every XML body we write declares the same prefixes on its root, so that
 * property writers can use D:, C:, CS:, A: and X: freely. */
#include "dav/reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "dav/xml.h"
#include "http/response.h"

#define XMLNS                                                                                          \
	" xmlns:D=\"" DAV_NS "\" xmlns:C=\"" CALDAV_NS "\" xmlns:CS=\"" CS_NS "\" xmlns:A=\"" APPLE_NS \
	"\" xmlns:X=\"" CONVENE_NS "\""

int dav_ms_begin(struct buf *b)
{
	return buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:multistatus" XMLNS ">");
}

int dav_ms_end(struct buf *b)
{
	return buf_puts(b, "</D:multistatus>\n");
}

int dav_reply_multistatus(struct req *r, struct buf *b)
{
	int rc = b->data ? resp_raw(r, 207, "application/xml; charset=utf-8", b->data, b->len) : E_NOMEM;
	buf_free(b);
	return rc;
}

int dav_reply_error_xml(struct req *r, int status, const char *inner, const char *detail)
{
	struct buf b = {0};
	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:error" XMLNS ">");
	buf_puts(&b, inner);
	buf_puts(&b, "<X:detail>");
	dav_xml_escape(&b, detail);
	buf_puts(&b, "</X:detail></D:error>\n");
	int rc = b.data ? resp_raw(r, status, "application/xml; charset=utf-8", b.data, b.len) : E_NOMEM;
	buf_free(&b);
	return rc;
}

static const char *prefix_of(const char *ns)
{
	return !strcmp(ns, DAV_NS) ? "D" : !strcmp(ns, CALDAV_NS) ? "C" : !strcmp(ns, CS_NS) ? "CS" : "X";
}

int dav_reply_error(struct req *r, int status, const char *ns, const char *cond, const char *fmt, ...)
{
	char detail[512], inner[160] = "";
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	if (cond)
		snprintf(inner, sizeof inner, "<%s:%s/>", prefix_of(ns), cond);
	return dav_reply_error_xml(r, status, inner, detail);
}

int dav_reply_need_privilege(struct req *r, const char *href, const char *ns, const char *privilege, const char *detail)
{
	struct buf b = {0};
	buf_puts(&b, "<D:need-privileges><D:resource><D:href>");
	dav_xml_escape(&b, href);
	buf_printf(&b, "</D:href><D:privilege><%s:%s/></D:privilege></D:resource></D:need-privileges>", prefix_of(ns),
		   privilege);
	int rc = b.data ? dav_reply_error_xml(r, 403, b.data, detail) : E_NOMEM;
	buf_free(&b);
	return rc;
}

int dav_reply_unauthenticated(struct req *r)
{
	resp_header(r, "WWW-Authenticate", "Basic realm=\"convene\", charset=\"UTF-8\"");
	return resp_problem(r, 401, "unauthenticated",
			    req_header(r, "Authorization")
				    ? "the credentials are invalid, or the login is locked for a while"
				    : "sign in with your e-mail address and password (HTTP Basic)");
}
