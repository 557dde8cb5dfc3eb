/* Password-guess throttling (iam/throttle.h). Three counts per attempt, kept
 * in throttle_counts under hashes of their keys (no address is stored):
 * - the pair (e-mail, network): five free failures, then each failure locks
 *   the pair for a doubling delay (2 s ... 15 min); a success clears it.
 *   One free failure only while the address is under attack (below).
 * - the e-mail address from anywhere: a leaky bucket (20, one forgotten
 *   every 3 minutes). Full, it marks the address as under attack: it only
 *   slows new networks down, it never locks, or anyone could lock a user out.
 * - the network: a leaky bucket of login_address_limit failures an hour;
 *   full, the network is locked until one drains (credential stuffing tries
 *   many addresses from one place).
 * The checks run before the user is looked up, so an unknown address gets
 * the same answers, and the same Argon2id work, as a real one.
 * Invitation mail is counted the same way, per sender (a leaky bucket). */
#include "iam/throttle.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/netaddr.h"
#include "api/audit.h"
#include "iam/password.h"

enum { PAIR, EMAIL, NET };

int throttle_lock_seconds(int failures, int free_failures)
{
	if (failures < free_failures)
		return 0;
	int shift = failures - free_failures;
	if (shift > 9)
		return 900;
	int s = 2 << shift;
	return s > 900 ? 900 : s;
}

static int address_limit(void)
{
	return config_current()->login_address_limit;
}

static int net_leak(void)
{
	int limit = address_limit();
	return limit > 0 ? (3600 + limit - 1) / limit : 0;
}

static void key(char out[HASH_HEX_MAX], const char *kind, const char *email, const char *net)
{
	char buf[600];
	snprintf(buf, sizeof buf, "login-throttle\n%s\n%s\n%s", kind, email ? email : "", net ? net : "");
	ids_hash(buf, out);
}

int throttle_check(struct req *r, struct db *db, const char *email, int64_t now, struct throttle *t)
{
	memset(t, 0, sizeof *t);
	netaddr_network(req_client_addr(r), t->network, sizeof t->network);
	key(t->pair, "pair", email, t->network);
	key(t->email, "email", email, NULL);
	key(t->net, "net", NULL, t->network);
	const char *const keys[] = {t->pair, t->email, t->net};
	int rc = store_throttle_get(db, keys, 3, t->row);
	if (rc)
		return rc;
	int64_t lock = t->row[PAIR].locked_until;
	int64_t net = store_throttle_full_until(&t->row[NET], address_limit(), net_leak(), now);
	if (net > lock)
		lock = net;
	store_throttle_drain(&t->row[EMAIL], THROTTLE_EMAIL_LEAK, now);
	t->locked_until = lock > now ? lock : 0;
	return 0;
}

static _Atomic int64_t last_prune;

int throttle_failure(struct req *r, struct db *db, struct throttle *t, const struct user *user, int64_t now)
{
	/* a lock runs from the failure, not from the request's start: the
	 * password hash before it may have taken a while */
	int64_t after = clock_now();
	if (after > now)
		now = after;
	int rc = store_begin(db, 1);
	if (rc)
		return rc;
	/* re-read inside the write transaction: concurrent failures all count */
	const char *const keys[] = {t->pair, t->email, t->net};
	if ((rc = store_throttle_get(db, keys, 3, t->row)))
		goto fail;
	struct throttle_row *p = &t->row[PAIR], *e = &t->row[EMAIL], *n = &t->row[NET];
	int hot = store_throttle_drain(e, THROTTLE_EMAIL_LEAK, now) >= THROTTLE_EMAIL_HOT;
	e->failures++;
	e->locked_until = 0;
	p->failures++;
	p->last_failure_at = now;
	int lock = throttle_lock_seconds(p->failures, hot ? 1 : THROTTLE_PAIR_FREE);
	p->locked_until = lock ? now + lock : 0;
	int limit = address_limit();
	if (limit > 0) {
		store_throttle_drain(n, net_leak(), now);
		n->failures++;
		n->locked_until = store_throttle_full_until(n, limit, net_leak(), now);
	}
	if ((rc = store_throttle_put(db, t->pair, p)) || (rc = store_throttle_put(db, t->email, e)) ||
	    (limit > 0 && (rc = store_throttle_put(db, t->net, n))))
		goto fail;
	int64_t prev = atomic_load(&last_prune);
	if (now - prev >= 60 && atomic_compare_exchange_strong(&last_prune, &prev, now) &&
	    (rc = store_throttle_prune(db, now - THROTTLE_FORGET, now)))
		goto fail;
	if (user && p->failures >= THROTTLE_PAIR_FREE) {
		struct req anon = *r;
		memset(&anon.who, 0, sizeof anon.who);
		memcpy(anon.who.account_id, user->account_id, sizeof anon.who.account_id);
		snprintf(anon.who.email, sizeof anon.who.email, "%s", user->email);
		anon.who.via = AUTH_NONE;
		if ((rc = audit_record(&anon, db, "session.login_failed", "user", user->id, user->email, NULL,
				       json_pack("{s:i, s:i, s:s, s:b}", "failed_logins", p->failures, "locked_seconds",
						 lock, "ip", req_client_addr(r), "address_under_attack", hot))))
			goto fail;
	}
	if ((rc = store_commit(db)))
		return rc;
	int64_t until = p->locked_until > n->locked_until ? p->locked_until : n->locked_until;
	t->locked_until = until > now ? until : 0;
	return 0;
fail:
	store_rollback(db);
	return rc;
}

int throttle_success(struct db *db, struct throttle *t)
{
	if (!t->row[PAIR].failures && !t->row[PAIR].locked_until)
		return 0; /* the usual case: no write */
	return store_throttle_delete(db, t->pair);
}

int throttle_verify(const char *password_hash, const char *pw)
{
	if (!password_hash || !*password_hash) {
		password_dummy_verify(pw);
		return 0;
	}
	return password_verify(password_hash, pw);
}

int throttle_invitation(struct db *db, const char *user_id, int64_t now, int64_t *retry_after)
{
	int limit = config_current()->invitation_limit;
	*retry_after = 0;
	if (limit <= 0)
		return 0;
	int leak = (3600 + limit - 1) / limit;
	char k[HASH_HEX_MAX];
	key(k, "invitation", user_id, NULL);
	const char *const keys[] = {k};
	struct throttle_row b;
	int rc = store_throttle_get(db, keys, 1, &b);
	if (rc)
		return rc;
	int64_t until = store_throttle_full_until(&b, limit, leak, now);
	if (until > now) {
		*retry_after = until - now;
		return E_BUSY;
	}
	b.failures++;
	b.locked_until = 0;
	return store_throttle_put(db, k, &b);
}
