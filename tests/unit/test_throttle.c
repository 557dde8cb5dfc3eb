/* Unit tests of iam/throttle.h's arithmetic: the network an address counts
 * in (an IPv6 subscriber's /64 is one network, so that rotating addresses
 * within it gains nothing) and the doubling lock of a pair. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/netaddr.h"
#include "iam/throttle.h"

static void test_network(void **state)
{
	(void)state;
	char n[64];
	netaddr_network("192.0.2.7", n, sizeof n);
	assert_string_equal(n, "192.0.2.7");
	netaddr_network("::ffff:192.0.2.7", n, sizeof n); /* a dual-stack socket's IPv4 client */
	assert_string_equal(n, "192.0.2.7");
	netaddr_network("2001:db8:1:2:3:4:5:6", n, sizeof n);
	assert_string_equal(n, "2001:db8:1:2::/64");
	char m[64];
	netaddr_network("2001:db8:1:2:ffff::1", m, sizeof m); /* the same subscriber */
	assert_string_equal(n, m);
	netaddr_network("2001:db8:1:3::1", m, sizeof m);
	assert_string_not_equal(n, m);
	netaddr_network("-", n, sizeof n); /* no peer address: counted as itself */
	assert_string_equal(n, "-");
}

static void test_lock_seconds(void **state)
{
	(void)state;
	for (int i = 0; i < THROTTLE_PAIR_FREE; i++)
		assert_int_equal(throttle_lock_seconds(i, THROTTLE_PAIR_FREE), 0);
	assert_int_equal(throttle_lock_seconds(5, 5), 2);
	assert_int_equal(throttle_lock_seconds(6, 5), 4);
	assert_int_equal(throttle_lock_seconds(13, 5), 512);
	assert_int_equal(throttle_lock_seconds(14, 5), 900);
	assert_int_equal(throttle_lock_seconds(1000000, 5), 900);
	/* an address under attack: the first failure already locks */
	assert_int_equal(throttle_lock_seconds(0, 1), 0);
	assert_int_equal(throttle_lock_seconds(1, 1), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_network),
		cmocka_unit_test(test_lock_seconds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
