/* Public support rate limits (support/public_limit.h): two leaky buckets in
 * throttle_counts under hashes of their keys (no address is stored), one for
 * the client's network at this portal (an IPv6 address counts as its /64, as
 * sign-in throttling does) (support_public_limit requests, one
 * drained every 60/limit seconds) and one for the portal (ten times that),
 * so that one client cannot flood a portal's technicians and many clients
 * cannot flood it together. The buckets are read and written in one
 * transaction; a refused request does not count. Callers count a request
 * once its body is well-formed, so that a bad body writes nothing. */
#include "support/public_limit.h"

#include <stdio.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/netaddr.h"
#include "http/response.h"

#define FORGET (24 * 3600) /* rows of buckets idle for a day are pruned */

int support_public_limit(struct req *r, struct db *db, const char *portal_id)
{
	int limit = config_current()->support_public_limit;
	if (limit <= 0)
		return 0;
	char buf[400], net[NETADDR_TEXT_MAX + 4], client[HASH_HEX_MAX], portal[HASH_HEX_MAX];
	netaddr_network(req_client_addr(r), net, sizeof net);
	snprintf(buf, sizeof buf, "support-public\nclient\n%s\n%s", portal_id, net);
	ids_hash(buf, client);
	snprintf(buf, sizeof buf, "support-public\nportal\n%s", portal_id);
	ids_hash(buf, portal);
	const char *const keys[] = {client, portal};
	struct throttle_row b[2];
	int64_t now = clock_now();
	int caps[2] = {limit, limit * SUPPORT_PORTAL_FACTOR};
	int leaks[2] = {60 / limit > 0 ? 60 / limit : 1, 60 / caps[1] > 0 ? 60 / caps[1] : 1};
	int rc = store_begin(db, 1);
	if (rc)
		return rc;
	if ((rc = store_throttle_get(db, keys, 2, b)))
		goto out;
	int64_t until = 0;
	for (int i = 0; i < 2; i++) {
		int64_t u = store_throttle_full_until(&b[i], caps[i], leaks[i], now);
		if (u > until)
			until = u;
	}
	if (until > now) {
		store_rollback(db);
		char s[24];
		snprintf(s, sizeof s, "%lld", (long long)(until - now));
		resp_header(r, "Retry-After", s);
		resp_problemf(r, 429, "too-many-requests",
			      "too many requests to this portal; try again in %lld seconds", (long long)(until - now));
		return E_BUSY;
	}
	for (int i = 0; i < 2 && !rc; i++) {
		b[i].failures++;
		b[i].locked_until = 0;
		rc = store_throttle_put(db, keys[i], &b[i]);
	}
	/* now and then (a new bucket), forget idle ones */
	if (!rc && b[0].failures == 1)
		rc = store_throttle_prune(db, now - FORGET, now);
out:
	if (rc) {
		store_rollback(db);
		return rc;
	}
	return store_commit(db);
}
