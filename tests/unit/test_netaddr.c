/* Unit tests of core/netaddr.h, what trusted_proxies and the per-address
 * connection limit rest on: literal addresses, IPv4-mapped IPv6 folded into
 * IPv4, CIDR ranges at and across byte boundaries, malformed lists refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/netaddr.h"

static struct netaddr A(const char *s) {
	struct netaddr a;
	assert_int_equal(netaddr_parse(s, &a), 0);
	return a;
}

static void
test_parse_and_text(void **state)
{
	(void)state;
	char t[NETADDR_TEXT_MAX];
	struct netaddr a = A("192.0.2.7");
	netaddr_text(&a, t, sizeof t);
	assert_string_equal(t, "192.0.2.7");
	a = A("::ffff:192.0.2.7"); /* a dual-stack socket's IPv4 client */
	netaddr_text(&a, t, sizeof t);
	assert_string_equal(t, "192.0.2.7");
	a = A("2001:db8::1");
	netaddr_text(&a, t, sizeof t);
	assert_string_equal(t, "2001:db8::1");
	struct netaddr bad;
	assert_int_equal(netaddr_parse("192.0.2", &bad), -1);
	assert_int_equal(netaddr_parse("unknown", &bad), -1);
	assert_int_equal(netaddr_parse("", &bad), -1);
	assert_int_equal(netaddr_parse("192.0.2.1 ", &bad), -1);
}

static void test_lists(void **state)
{
	(void)state;
	const char *l = "10.0.0.1, 192.168.0.0/16 172.16.0.0/12,2001:db8::/32";
	assert_true(netaddr_list_valid(l));
	assert_true(netaddr_list_valid(""));
	struct netaddr a = A("10.0.0.1");
	assert_true(netaddr_in_list(l, &a));
	a = A("10.0.0.2");
	assert_false(netaddr_in_list(l, &a));
	a = A("192.168.255.3");
	assert_true(netaddr_in_list(l, &a));
	a = A("172.31.0.1"); /* /12 is not a byte boundary */
	assert_true(netaddr_in_list(l, &a));
	a = A("172.32.0.1");
	assert_false(netaddr_in_list(l, &a));
	a = A("::ffff:10.0.0.1");
	assert_true(netaddr_in_list(l, &a));
	a = A("2001:db8:ffff::9");
	assert_true(netaddr_in_list(l, &a));
	a = A("2001:db9::1");
	assert_false(netaddr_in_list(l, &a));
	a = A("0.0.0.0");
	assert_true(netaddr_in_list("0.0.0.0/0", &a));
	assert_false(netaddr_list_valid("10.0.0.1/33"));
	assert_false(netaddr_list_valid("10.0.0.1/"));
	assert_false(netaddr_list_valid("10.0.0.1/x"));
	assert_false(netaddr_list_valid("example.org"));
	assert_false(netaddr_list_valid("::1/129"));
	struct netaddr none = {0};
	assert_false(netaddr_in_list("0.0.0.0/0", &none));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_text),
		cmocka_unit_test(test_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
