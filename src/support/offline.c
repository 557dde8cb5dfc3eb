/* Offline requests answered by e-mail, the link back to them and the
 * transcript by mail (support/offline.h). The link's secret is mailed and
 * never stored: the session keeps its hash, when it expires and when it was
 * exchanged. Exchanging it gives the customer a new session token (the old
 * one, if the customer still had it, stops working: only one token hash is
 * kept), so a link is worth exactly one browser. */
#include "support/offline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/tx.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/errors.h"
#include "http/jsonin.h"
#include "http/response.h"
#include "notify/support_mail.h"
#include "support/chat.h"
#include "support/public_limit.h"

#define TRANSCRIPT_BATCH 64

static int mail(struct db *db, const struct support_session *s, struct buf *subject, struct buf *body)
{
	struct outbox_msg m = {
		.kind = "mail", .recipient = s->customer_email, .subject = subject->data, .body = body->data};
	memcpy(m.account_id, s->account_id, sizeof m.account_id);
	return store_outbox_insert(db, &m);
}

int offline_answered(struct db *db, const struct support_session *s, const char *technician, const char *text,
		     int64_t now)
{
	struct portal p;
	char secret[SECRET_MAX], hash[HASH_HEX_MAX];
	struct buf link = {0}, subject = {0}, body = {0};
	ids_secret(secret);
	ids_hash(secret, hash);
	int rc = store_portal_get(db, s->account_id, s->portal_id, &p);
	if (rc)
		return rc;
	store_portal_free(&p);
	if ((rc = store_support_offline_answered(db, s->account_id, s->id, hash,
						 now + (int64_t)OFFLINE_LINK_DAYS * 86400, now)) ||
	    (rc = buf_printf(&link, "%s/portal/%s?link=%s", config_current()->public_url, p.slug, secret)) ||
	    (rc = support_mail_answer(s->language, s->customer_name, p.title, technician, text, link.data,
				      OFFLINE_LINK_DAYS, &subject, &body)) ||
	    (rc = mail(db, s, &subject, &body)))
		goto out;
	rc = chat_changed(db, s, 1, 0);
out:
	buf_free(&link);
	buf_free(&subject);
	buf_free(&body);
	return rc;
}

int offline_replied(struct db *db, const struct support_session *s, int64_t now)
{
	int rc = store_support_offline_turn(db, s->account_id, s->id, "technician", now);
	return rc ? rc : chat_changed(db, s, 1, 0);
}

/* the transcript's lines: texts of the customer, technicians and the portal
 * (greetings, offline and waiting messages); no notes, no state events */
static int transcript_lines(struct db *db, const struct support_session *s, struct buf *out)
{
	struct support_message *m = malloc(TRANSCRIPT_BATCH * sizeof *m);
	int64_t after = 0;
	int n = 0, lines = 0, rc = m ? 0 : E_NOMEM;
	while (!rc && lines < TRANSCRIPT_MAX_LINES) {
		if ((rc = store_support_messages_after(db, s->account_id, s->id, after, 0, m, TRANSCRIPT_BATCH, &n)) ||
		    !n)
			break;
		for (int i = 0; i < n && !rc && lines < TRANSCRIPT_MAX_LINES; i++) {
			after = m[i].seq;
			if (strcmp(m[i].kind, "text") || !m[i].body[0])
				continue;
			const char *who = !strcmp(m[i].author_kind, "customer") ? s->customer_name : NULL;
			rc = support_mail_line(out, s->language, (long long)m[i].created_at, who, m[i].body);
			lines++;
		}
		if (n < TRANSCRIPT_BATCH)
			break;
	}
	free(m);
	return rc;
}

int offline_transcript_mail(struct req *r, struct db *db, const struct portal *p, const struct support_session *s,
			    int64_t now)
{
	int64_t last = 0;
	int rc = store_support_transcript_mark(db, s->account_id, s->id, now - TRANSCRIPT_EVERY_S, now, &last);
	if (rc == E_BUSY) {
		int64_t wait = last + TRANSCRIPT_EVERY_S - now;
		char v[24];
		snprintf(v, sizeof v, "%lld", (long long)(wait > 0 ? wait : 1));
		resp_header(r, "Retry-After", v);
		resp_problemf(r, 429, "too-many-transcripts",
			      "the transcript was mailed a moment ago; try again in %lld seconds",
			      (long long)(wait > 0 ? wait : 1));
		return E_BUSY;
	}
	struct buf lines = {0}, subject = {0}, body = {0};
	if (!rc && !(rc = transcript_lines(db, s, &lines)) &&
	    !(rc = support_mail_transcript(s->language, s->customer_name, p->title, lines.data ? lines.data : "",
					   &subject, &body)))
		rc = mail(db, s, &subject, &body);
	buf_free(&lines);
	buf_free(&subject);
	buf_free(&body);
	return rc;
}

/* POST /api/v1/public/portals/{slug}/links {"link": secret}: the session's
 * token for the link's one use */
static int exchange(struct req *r)
{
	static const char *const allowed[] = {"link", NULL};
	struct portal p;
	struct support_link l;
	struct support_session s;
	const char *secret = NULL;
	json_t *in = NULL;
	struct db *db;
	int old;
	int rc = api_db(&db);
	if (rc)
		return rc;
	rc = store_portal_by_slug(db, req_param(r, "slug"), &p, &old);
	if (rc == E_NOTFOUND)
		return resp_problem(r, 404, "not-found", "no such portal"), E_NOTFOUND;
	if (rc)
		return rc;
	store_portal_free(&p);
	if ((rc = jin_object(r, &in, allowed)) ||
	    (rc = jin_string(r, in, "link", JIN_REQUIRED, SECRET_MAX - 1, &secret)) ||
	    (rc = support_public_limit(r, db, p.id)))
		return rc;
	char hash[HASH_HEX_MAX], token[SECRET_MAX], token_hash[HASH_HEX_MAX];
	ids_hash(secret, hash);
	int64_t now = clock_now();
	if ((rc = api_begin(&db, 1)))
		return rc;
	rc = store_support_link_find(db, p.account_id, hash, &l);
	if (rc == E_NOTFOUND || (!rc && strcmp(l.portal_id, p.id)))
		return api_abort(db, resp_problem(r, 404, "support-link-unknown",
						  "this link is not valid: it may have been replaced by a newer one")),
		       E_NOTFOUND;
	if (rc)
		return api_abort(db, rc);
	if (l.used_at)
		return api_abort(db, resp_problem(r, 410, "support-link-used",
						  "this link was already used; it works once")),
		       E_CONFLICT;
	if (l.expires_at <= now)
		return api_abort(db, resp_problem(r, 410, "support-link-expired", "this link has expired")), E_CONFLICT;
	ids_secret(token);
	ids_hash(token, token_hash);
	rc = store_support_link_use(db, p.account_id, l.id, hash, token_hash, now);
	if (rc == E_CONFLICT) /* exchanged meanwhile by another request */
		return api_abort(db, resp_problem(r, 410, "support-link-used",
						  "this link was already used; it works once")),
		       E_CONFLICT;
	if (rc || (rc = store_support_session_get(db, p.account_id, l.id, &s)))
		return api_abort(db, rc);
	return api_commit_json(r, db, 200, json_pack("{s:s, s:s, s:s}", "id", s.id, "token", token, "state", s.state));
}

const struct route support_offline_routes[] = {
	{"POST", "/api/v1/public/portals/{slug}/links", exchange, ROUTE_PUBLIC | ROUTE_NO_CSRF},
	{0},
};
