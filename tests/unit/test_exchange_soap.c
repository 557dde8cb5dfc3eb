/* Unit tests of Exchange's SOAP plumbing (sync/exchange_soap.h): values are
 * XML-escaped in envelopes (a mailbox or subject cannot add elements), and
 * EWS's failures mean what provider.h says: 401, SOAP faults
 * (ErrorImpersonateUserDenied naming the mailbox and the PowerShell command,
 * ErrorNonExistentMailbox, ErrorServerBusy with BackOffMilliseconds), a
 * per-message ResponseCode, and an answer that is not EWS's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/errors.h"
#include "sync/exchange_soap.h"

#define FAULT(code, extra)                                                                                             \
	"<?xml version=\"1.0\" encoding=\"utf-8\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">" \
	"<s:Body><s:Fault><faultcode xmlns:a=\"http://schemas.microsoft.com/exchange/services/2006/types\">a:" code    \
	"</faultcode><faultstring xml:lang=\"en-US\">text</faultstring><detail><e:ResponseCode "                       \
	"xmlns:e=\"http://schemas.microsoft.com/exchange/services/2006/errors\">" code "</e:ResponseCode>" extra       \
	"</detail></s:Fault></s:Body></s:Envelope>"

static void escaped_in_envelopes(void **state)
{
	(void)state;
	struct ews_buf b = {0};
	ews_add(&b, "<t:Subject>");
	ews_addx(&b, "a<b>&\"c'\x01\r</t:Subject><x/>");
	ews_add(&b, "</t:Subject>");
	assert_false(b.oom);
	assert_string_equal(b.s,
			    "<t:Subject>a&lt;b&gt;&amp;&quot;c&apos;&#13;&lt;/t:Subject&gt;&lt;x/&gt;</t:Subject>");
	char *env = ews_envelope("r&d<@x.com", b.s);
	assert_non_null(env);
	assert_non_null(strstr(env, "<t:PrimarySmtpAddress>r&amp;d&lt;@x.com</t:PrimarySmtpAddress>"));
	assert_non_null(strstr(env, "<t:RequestServerVersion Version=\"Exchange2013\"/>"));
	free(env);
	ews_buf_free(&b);
}

static void faults_mean_what_they_say(void **state)
{
	(void)state;
	struct sync_failure f;
	xmlDocPtr doc;
	memset(&f, 0, sizeof f);
	assert_int_equal(ews_answer("room@x.com", 401, "", 0, &doc, &f), E_FORBIDDEN);
	assert_string_equal(f.code, "login_failed");
	const char *deny = FAULT("ErrorImpersonateUserDenied", "<e:Message>no</e:Message>");
	memset(&f, 0, sizeof f);
	assert_int_equal(ews_answer("room@x.com", 500, deny, strlen(deny), &doc, &f), E_FORBIDDEN);
	assert_string_equal(f.code, "impersonation_denied");
	assert_non_null(strstr(f.params, "\"mailbox\":\"room@x.com\""));
	assert_non_null(strstr(f.params, "New-ManagementRoleAssignment -Role ApplicationImpersonation"));
	const char *none = FAULT("ErrorNonExistentMailbox", "");
	assert_int_equal(ews_answer("gone@x.com", 500, none, strlen(none), &doc, &f), E_NOTFOUND);
	assert_string_equal(f.code, "mailbox_unreachable");
	const char *busy = FAULT("ErrorServerBusy", "<t:MessageXml xmlns:t=\"http://schemas.microsoft.com/exchange/"
						    "services/2006/types\"><t:Value Name=\"BackOffMilliseconds\">2500"
						    "</t:Value></t:MessageXml>");
	memset(&f, 0, sizeof f);
	assert_int_equal(ews_answer(NULL, 500, busy, strlen(busy), &doc, &f), E_BUSY);
	assert_string_equal(f.code, "provider_throttled");
	assert_int_equal(f.retry_after, 3);
	assert_int_equal(ews_answer(NULL, 404, "<html>nope</html>", 17, &doc, &f), E_IO);
	assert_string_equal(f.code, "provider_error");
	assert_null(doc);
}

static void response_codes_per_message(void **state)
{
	(void)state;
	const char *ok =
		"<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><m:DeleteItemResponse "
		"xmlns:m=\"m\"><m:ResponseMessages><m:DeleteItemResponseMessage ResponseClass=\"Error\">"
		"<m:MessageText>gone</m:MessageText><m:ResponseCode>ErrorItemNotFound</m:ResponseCode>"
		"</m:DeleteItemResponseMessage></m:ResponseMessages></m:DeleteItemResponse></s:Body></s:Envelope>";
	struct sync_failure f = {0};
	xmlDocPtr doc;
	assert_int_equal(ews_answer(NULL, 200, ok, strlen(ok), &doc, &f), 0);
	xmlNodePtr msg = ews_find(xmlDocGetRootElement(doc), "DeleteItemResponseMessage");
	assert_non_null(msg);
	char code[64];
	assert_int_equal(ews_message(msg, NULL, code, sizeof code, &f), E_NOTFOUND);
	assert_string_equal(code, "ErrorItemNotFound");
	assert_string_equal(f.code, "not_found");
	xmlFreeDoc(doc);
	assert_int_equal(ews_time("2030-01-07T09:00:00Z"), 1894006800);
	assert_int_equal(ews_time("2030-01-07T10:00:00.000+01:00"), 1894006800);
	char t[32];
	ews_time_text(1894006800, t);
	assert_string_equal(t, "2030-01-07T09:00:00Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escaped_in_envelopes),
		cmocka_unit_test(faults_mean_what_they_say),
		cmocka_unit_test(response_codes_per_message),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
