/* EWS's SOAP plumbing (sync/exchange_soap.h): envelopes, one call, and the
 * meaning of EWS's failures for the person who set step 1 up. Neither the
 * password nor an answer's body is ever logged or put in a failure. */
#include "sync/exchange_soap.h"

#include <jansson.h>
#include <libxml/parser.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/errors.h"
#include "http/client.h"

#define EWS_ANSWER_MAX (16 * 1024 * 1024) /* a page of 512 changes with their fields is far below */

static void grow(struct ews_buf *b, size_t more)
{
	if (b->oom)
		return;
	if (b->len + more + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		while (cap < b->len + more + 1)
			cap *= 2;
		char *s = realloc(b->s, cap);
		if (!s) {
			b->oom = 1;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
}

void ews_add(struct ews_buf *b, const char *raw)
{
	size_t n = strlen(raw ? raw : "");
	grow(b, n);
	if (b->oom)
		return;
	memcpy(b->s + b->len, raw ? raw : "", n);
	b->len += n;
	b->s[b->len] = 0;
}

void ews_addx(struct ews_buf *b, const char *text)
{
	for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
		char one[2] = {(char)*p, 0};
		switch (*p) {
		case '&':
			ews_add(b, "&amp;");
			break;
		case '<':
			ews_add(b, "&lt;");
			break;
		case '>':
			ews_add(b, "&gt;");
			break;
		case '"':
			ews_add(b, "&quot;");
			break;
		case '\'':
			ews_add(b, "&apos;");
			break;
		case '\t':
		case '\n':
			ews_add(b, one);
			break;
		case '\r':
			ews_add(b, "&#13;");
			break;
		default:
			/* XML 1.0 has no other control characters: dropped */
			if (*p >= 0x20)
				ews_add(b, one);
		}
	}
}

void ews_addf(struct ews_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = 1;
		return;
	}
	grow(b, (size_t)n);
	if (b->oom)
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void ews_buf_free(struct ews_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof *b);
}

char *ews_envelope(const char *impersonate, const char *body)
{
	struct ews_buf b = {0};
	ews_add(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		    "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\""
		    " xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\""
		    " xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\">"
		    "<soap:Header><t:RequestServerVersion Version=\"Exchange2013\"/>");
	if (impersonate) {
		ews_add(&b, "<t:ExchangeImpersonation><t:ConnectingSID><t:PrimarySmtpAddress>");
		ews_addx(&b, impersonate);
		ews_add(&b, "</t:PrimarySmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>");
	}
	ews_add(&b, "</soap:Header><soap:Body>");
	ews_add(&b, body);
	ews_add(&b, "</soap:Body></soap:Envelope>");
	if (b.oom) {
		ews_buf_free(&b);
		return NULL;
	}
	return b.s;
}

static int named(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

xmlNodePtr ews_child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (named(c, name))
			return c;
	return NULL;
}

xmlNodePtr ews_next(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->next : NULL; c; c = c->next)
		if (named(c, name))
			return c;
	return NULL;
}

xmlNodePtr ews_find(xmlNodePtr n, const char *name)
{
	/* iterative, so that a deep answer cannot exhaust the stack */
	for (xmlNodePtr c = n ? n->children : NULL; c;) {
		if (named(c, name))
			return c;
		if (c->children && c->type == XML_ELEMENT_NODE) {
			c = c->children;
			continue;
		}
		while (c && !c->next && c != n)
			c = c->parent;
		if (!c || c == n)
			return NULL;
		c = c->next;
	}
	return NULL;
}

void ews_text(xmlNodePtr n, const char *child, char *out, size_t size)
{
	xmlNodePtr c = child ? ews_child(n, child) : n;
	xmlChar *t = c ? xmlNodeGetContent(c) : NULL;
	snprintf(out, size, "%s", t ? (const char *)t : "");
	xmlFree(t);
}

void ews_attr(xmlNodePtr n, const char *attr, char *out, size_t size)
{
	xmlChar *t = n ? xmlGetProp(n, (const xmlChar *)attr) : NULL;
	snprintf(out, size, "%s", t ? (const char *)t : "");
	xmlFree(t);
}

static void mailbox_params(const char *mailbox, char *out, size_t n)
{
	json_t *p = json_pack("{s:s, s:s}", "mailbox", mailbox ? mailbox : "", "command",
			      "New-ManagementRoleAssignment -Role ApplicationImpersonation");
	char *s = p ? json_dumps(p, JSON_COMPACT) : NULL;
	snprintf(out, n, "%s", s ? s : "{}");
	free(s);
	json_decref(p);
}

/* EWS's codes that mean the same whatever the operation */
static int code_failure(const char *code, const char *mailbox, const char *text, long backoff_ms,
			struct sync_failure *f)
{
	char params[512];
	if (!strcmp(code, "ErrorImpersonateUserDenied") || !strcmp(code, "ErrorImpersonationDenied")) {
		mailbox_params(mailbox, params, sizeof params);
		sync_fail(f, "impersonation_denied", params,
			  "The service account may not act as the room mailbox %s: in the Exchange Management Shell "
			  "give it the ApplicationImpersonation role (New-ManagementRoleAssignment -Role "
			  "ApplicationImpersonation -User <service account>), then check again.",
			  mailbox ? mailbox : "");
		return E_FORBIDDEN;
	}
	if (!strcmp(code, "ErrorNonExistentMailbox") || !strcmp(code, "ErrorMailboxMoveInProgress") ||
	    !strcmp(code, "ErrorMailboxStoreUnavailable")) {
		mailbox_params(mailbox, params, sizeof params);
		sync_fail(f, "mailbox_unreachable", params, "Exchange cannot open the room mailbox %s (%s).",
			  mailbox ? mailbox : "", code);
		return E_NOTFOUND;
	}
	if (!strcmp(code, "ErrorServerBusy")) {
		long s = backoff_ms > 0 ? (backoff_ms + 999) / 1000 : 0;
		if (s > 0)
			sync_fail(f, "provider_throttled", NULL, "Exchange asks to wait %ld seconds (server busy).", s);
		else
			sync_fail(f, "provider_throttled", NULL, "Exchange is busy; try again later.");
		if (f)
			f->retry_after = s;
		return E_BUSY;
	}
	if (!strcmp(code, "ErrorItemNotFound")) {
		sync_fail(f, "not_found", NULL, "Exchange no longer has this item.");
		return E_NOTFOUND;
	}
	if (!strcmp(code, "ErrorInvalidSyncStateData")) {
		sync_fail(f, "sync_token_expired", NULL, "Exchange refused the stored synchronization state.");
		return E_CONFLICT;
	}
	if (!strcmp(code, "ErrorAccessDenied")) {
		mailbox_params(mailbox, params, sizeof params);
		sync_fail(
			f, "impersonation_denied", params,
			"Exchange denied access to the calendar of %s: give the service account the "
			"ApplicationImpersonation role (New-ManagementRoleAssignment -Role ApplicationImpersonation).",
			mailbox ? mailbox : "");
		return E_FORBIDDEN;
	}
	sync_fail(f, "provider_error", NULL, "Exchange refused the request: %s%s%.200s", code, *text ? ": " : "", text);
	return E_IO;
}

int ews_message(xmlNodePtr msg, const char *mailbox, char *code, size_t size, struct sync_failure *f)
{
	char c[128], text[300];
	ews_text(msg, "ResponseCode", c, sizeof c);
	if (code)
		snprintf(code, size, "%s", c);
	if (!strcmp(c, "NoError"))
		return 0;
	if (!*c) {
		char cls[32];
		ews_attr(msg, "ResponseClass", cls, sizeof cls);
		if (!strcmp(cls, "Success") || !strcmp(cls, "Warning"))
			return 0;
		snprintf(c, sizeof c, "%s", "ErrorInternalServerError");
	}
	ews_text(msg, "MessageText", text, sizeof text);
	long backoff = 0;
	for (xmlNodePtr v = ews_find(ews_child(msg, "MessageXml"), "Value"); v; v = ews_next(v, "Value")) {
		char name[64], val[32];
		ews_attr(v, "Name", name, sizeof name);
		ews_text(v, NULL, val, sizeof val);
		if (!strcmp(name, "BackOffMilliseconds"))
			backoff = atol(val);
	}
	return code_failure(c, mailbox, text, backoff, f);
}

static xmlDocPtr parse(const char *body, size_t len)
{
	if (!body || !len || len > EWS_ANSWER_MAX)
		return NULL;
	/* no network, no entities substituted, no DTD loaded */
	return xmlReadMemory(body, (int)len, "ews.xml", NULL,
			     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

int ews_answer(const char *mailbox, long status, const char *body, size_t len, xmlDocPtr *doc, struct sync_failure *f)
{
	*doc = NULL;
	if (status == 401) {
		sync_fail(f, "login_failed", NULL,
			  "Exchange refused the service account's user name or password (HTTP 401): check them, and "
			  "that Basic authentication is enabled on the EWS virtual directory.");
		return E_FORBIDDEN;
	}
	if (status == 503 || status == 429) {
		sync_fail(f, "provider_throttled", NULL, "Exchange answered %ld; try again later.", status);
		return E_BUSY;
	}
	xmlDocPtr d = parse(body, len);
	xmlNodePtr root = d ? xmlDocGetRootElement(d) : NULL;
	xmlNodePtr sbody = root && !strcmp((const char *)root->name, "Envelope") ? ews_child(root, "Body") : NULL;
	if (!sbody) {
		xmlFreeDoc(d);
		if (status >= 500)
			sync_fail(f, "provider_unreachable", NULL,
				  "Exchange answered %ld (unavailable); try again later.", status);
		else
			sync_fail(f, "provider_error", NULL,
				  "The EWS address answered %ld without a SOAP answer: is it the server's "
				  "/EWS/Exchange.asmx?",
				  status);
		return E_IO;
	}
	xmlNodePtr fault = ews_child(sbody, "Fault");
	if (fault || status != 200) {
		char code[128] = "", text[300] = "";
		long backoff = 0;
		xmlNodePtr detail = fault ? ews_child(fault, "detail") : NULL;
		if (detail)
			ews_text(detail, "ResponseCode", code, sizeof code);
		if (!*code && fault) { /* a:ErrorCode in faultcode */
			char fc[128];
			ews_text(fault, "faultcode", fc, sizeof fc);
			const char *colon = strchr(fc, ':');
			snprintf(code, sizeof code, "%s", colon ? colon + 1 : fc);
		}
		if (fault)
			ews_text(fault, "faultstring", text, sizeof text);
		for (xmlNodePtr v = ews_find(detail, "Value"); v; v = ews_next(v, "Value")) {
			char name[64], val[32];
			ews_attr(v, "Name", name, sizeof name);
			ews_text(v, NULL, val, sizeof val);
			if (!strcmp(name, "BackOffMilliseconds"))
				backoff = atol(val);
		}
		xmlFreeDoc(d);
		if (!*code)
			snprintf(code, sizeof code, "HTTP %ld", status);
		return code_failure(code, mailbox, text, backoff, f);
	}
	*doc = d;
	return 0;
}

int ews_call(struct sync_api *a, const char *impersonate, const char *body, xmlDocPtr *doc, struct sync_failure *f)
{
	*doc = NULL;
	json_t *u = json_object_get(a->settings, "ews_url"), *n = json_object_get(a->settings, "username");
	if (!json_is_string(u) || !json_is_string(n) || !a->secret) {
		sync_fail(f, "provider_error", NULL,
			  "The Exchange connection has no EWS address or account; save step 1.");
		return E_INVALID;
	}
	char *env = ews_envelope(impersonate, body);
	if (!env)
		return E_NOMEM;
	const char *headers[] = {"Content-Type: text/xml; charset=utf-8", "Accept: text/xml", NULL};
	struct hc_request rq = {.method = "POST",
				.url = json_string_value(u),
				.headers = headers,
				.body = env,
				.body_len = strlen(env),
				.basic_user = json_string_value(n),
				.basic_password = a->secret,
				.timeout_ms = SYNC_HTTP_TIMEOUT_MS,
				.max_answer = EWS_ANSWER_MAX};
	struct hc_response rs;
	int rc = hc_do(&rq, &rs);
	free(env);
	if (rc == E_IO || rc == E_INVALID) {
		sync_fail(f, "provider_unreachable", NULL, "Exchange did not answer at %.200s; try again later.",
			  json_string_value(u));
		rc = E_IO;
	} else if (rc == E_TOOLARGE) {
		sync_fail(f, "provider_error", NULL, "Exchange's answer was larger than convene reads.");
		rc = E_IO;
	} else if (!rc) {
		rc = ews_answer(impersonate, rs.status, rs.body, rs.len, doc, f);
	}
	hc_response_free(&rs);
	return rc;
}

int64_t ews_time(const char *s)
{
	int Y, M, D, h, m;
	double sec;
	char rest[16] = "";
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%lf%15s", &Y, &M, &D, &h, &m, &sec, rest) < 6)
		return -1;
	struct tm tm = {
		.tm_year = Y - 1900, .tm_mon = M - 1, .tm_mday = D, .tm_hour = h, .tm_min = m, .tm_sec = (int)sec};
	int64_t t = (int64_t)timegm(&tm);
	/* sscanf's %lf took the fraction; rest is "Z", "+hh:mm" or "-hh:mm" */
	int oh, om;
	if ((rest[0] == '+' || rest[0] == '-') && sscanf(rest + 1, "%2d:%2d", &oh, &om) == 2)
		t += (rest[0] == '+' ? -1 : 1) * (oh * 3600 + om * 60);
	return t;
}

void ews_time_text(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
