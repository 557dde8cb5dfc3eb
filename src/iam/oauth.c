/* POST /oauth/token: the client-credentials grant of RFC 6749 section 4.4.
 * The client authenticates with HTTP Basic (client id and secret, each
 * form-urlencoded first, section 2.3.1); the body is form-urlencoded. Errors
 * are the JSON of section 5.2 ({error, error_description}), with the
 * problem+json members added (and that media type when the client asks for
 * it), so that our generic clients read them too. */
#include "iam/oauth.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "core/errors.h"
#include "http/response.h"
#include "store/store.h"
#include "api/tx.h"

static int oauth_error(struct req *r, int status, const char *error, const char *description)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s}", "error", error, "error_description", description,
			      "type", arena_printf(r->arena, "/problems/oauth-%s", error), "title", error, "status",
			      status, "detail", description);
	if (status == 401)
		resp_header(r, "WWW-Authenticate", "Basic realm=\"convene\", charset=\"UTF-8\"");
	resp_header(r, "Cache-Control", "no-store");
	resp_header(r, "Pragma", "no-cache");
	/* RFC 6749 says application/json; a client that asks for problem+json gets that type */
	const char *accept = req_header(r, "Accept");
	if (!accept || !strstr(accept, "application/problem+json"))
		return resp_json(r, status, o);
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!s)
		return E_NOMEM;
	resp_raw(r, status, "application/problem+json", s, strlen(s));
	free(s);
	return 0;
}

static int invalid_client(struct req *r)
{
	return oauth_error(r, 401, "invalid_client",
			   "client authentication failed: send HTTP Basic with the client id and secret"
			   " of an application that has not been revoked");
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int utf8_valid(const unsigned char *s)
{
	while (*s) {
		int n = *s < 0x80             ? 0
			: (*s & 0xe0) == 0xc0 ? 1
			: (*s & 0xf0) == 0xe0 ? 2
			: (*s & 0xf8) == 0xf0 ? 3
					      : -1;
		if (n < 0 || (n == 1 && *s < 0xc2) || (n == 3 && *s > 0xf4))
			return 0;
		unsigned cp = n ? *s & (0x3f >> n) : *s;
		s++;
		for (int i = 0; i < n; i++, s++) {
			if ((*s & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (*s & 0x3f);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
	}
	return 1;
}

/* application/x-www-form-urlencoded decoding in place; control characters
 * and invalid UTF-8 are refused, as no parameter of ours holds them */
static int form_decode(char *s)
{
	char *w = s;
	int hi, lo;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			if ((hi = hex_value(p[1])) < 0 || (lo = hex_value(p[2])) < 0)
				return -1;
			c = (unsigned char)(hi * 16 + lo);
			p += 2;
		}
		if (c < 0x20 || c == 0x7f)
			return -1;
		*w++ = (char)c;
	}
	*w = 0;
	return utf8_valid((const unsigned char *)s) ? 0 : -1;
}

struct token_request {
	const char *grant_type, *scope, *client_id, *client_secret;
};

/* 0, or answers invalid_request and returns E_INVALID */
static int parse_body(struct req *r, struct token_request *t)
{
	const char *ctype = req_header(r, "Content-Type");
	static const char form[] = "application/x-www-form-urlencoded";
	if (!ctype || strncasecmp(ctype, form, sizeof form - 1) ||
	    (ctype[sizeof form - 1] && ctype[sizeof form - 1] != ';' && ctype[sizeof form - 1] != ' ')) {
		oauth_error(r, 400, "invalid_request", "the body must be application/x-www-form-urlencoded");
		return E_INVALID;
	}
	size_t len = r->body.len;
	if (len && memchr(r->body.data, 0, len)) {
		oauth_error(r, 400, "invalid_request", "the body holds a NUL byte");
		return E_INVALID;
	}
	char *body = arena_alloc(r->arena, len + 1);
	if (len)
		memcpy(body, r->body.data, len);
	body[len] = 0;
	char *next = body;
	while (next) {
		char *pair = strsep(&next, "&");
		if (!*pair)
			continue;
		char *value = strchr(pair, '=');
		if (value)
			*value++ = 0;
		else
			value = pair + strlen(pair);
		if (form_decode(pair) || form_decode(value)) {
			oauth_error(r, 400, "invalid_request", "the body is not valid form-urlencoded UTF-8 text");
			return E_INVALID;
		}
		const char **slot = !strcmp(pair, "grant_type")      ? &t->grant_type
				    : !strcmp(pair, "scope")         ? &t->scope
				    : !strcmp(pair, "client_id")     ? &t->client_id
				    : !strcmp(pair, "client_secret") ? &t->client_secret
								     : NULL;
		if (!slot) /* RFC 6749 3.2: unrecognised parameters are ignored */
			continue;
		if (*slot) {
			oauth_error(r, 400, "invalid_request",
				    arena_printf(r->arena, "the parameter '%s' is given more than once", pair));
			return E_INVALID;
		}
		*slot = value;
	}
	if (!t->grant_type || !*t->grant_type) {
		oauth_error(r, 400, "invalid_request", "the parameter 'grant_type' is missing");
		return E_INVALID;
	}
	return 0;
}

/* the client id and secret from "Authorization: Basic"; 0 or E_UNAUTH */
static int parse_basic(struct req *r, const char **id, const char **secret)
{
	const char *h = req_header(r, "Authorization");
	if (!h || strncasecmp(h, "Basic ", 6))
		return E_UNAUTH;
	h += 6;
	while (*h == ' ')
		h++;
	size_t hl = strlen(h), len;
	if (hl > 512)
		return E_UNAUTH;
	char *raw = arena_alloc(r->arena, hl + 1);
	if (sodium_base642bin((unsigned char *)raw, hl, h, hl, NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) ||
	    memchr(raw, 0, len))
		return E_UNAUTH;
	raw[len] = 0;
	char *colon = strchr(raw, ':');
	if (!colon)
		return E_UNAUTH;
	*colon = 0;
	if (form_decode(raw) || form_decode(colon + 1))
		return E_UNAUTH;
	*id = raw;
	*secret = colon + 1;
	return 0;
}

int oauth_token(struct req *r)
{
	struct token_request t = {0};
	const char *id, *secret;
	int rc;
	if (parse_body(r, &t))
		return 0;
	int basic = parse_basic(r, &id, &secret) == 0;
	if (t.client_secret) {
		if (basic)
			return oauth_error(r, 400, "invalid_request",
					   "use one client authentication method: HTTP Basic, not the body");
		return invalid_client(r);
	}
	if (!basic)
		return invalid_client(r);
	if (t.client_id && strcmp(t.client_id, id))
		return oauth_error(r, 400, "invalid_request",
				   "client_id in the body differs from the authenticated client");

	struct db *db = store_db();
	if (!db)
		return E_DB;
	struct app a;
	char hash[HASH_HEX_MAX];
	ids_hash(secret, hash); /* before the lookup, so unknown clients cost the same */
	rc = ids_valid(id, "cli") ? store_app_by_client(db, id, &a) : E_NOTFOUND;
	if (rc == E_NOTFOUND)
		return invalid_client(r);
	if (rc)
		return rc;
	if (a.revoked_at || !a.secret_hash[0] || !ids_equal_ct(hash, a.secret_hash))
		return invalid_client(r);
	if (strcmp(t.grant_type, "client_credentials"))
		return oauth_error(r, 400, "unsupported_grant_type",
				   "this server issues tokens only for grant_type=client_credentials");

	struct user owner;
	rc = store_user_get(db, a.account_id, a.owner_id, &owner);
	if (rc && rc != E_NOTFOUND)
		return rc;
	if (rc == E_NOTFOUND || strcmp(owner.status, "active") || !apps_owner_allowed(owner.role))
		return oauth_error(r, 400, "unauthorized_client",
				   "the application's API manager is suspended or no longer an API manager");

	char token[SECRET_MAX];
	struct app_token row = {0};
	int64_t now = clock_now();
	ids_secret(token);
	ids_hash(token, row.token_hash);
	memcpy(row.account_id, a.account_id, sizeof row.account_id);
	memcpy(row.app_id, a.id, sizeof row.app_id);
	memcpy(row.user_id, owner.id, sizeof row.user_id);
	row.created_at = now;
	row.expires_at = now + OAUTH_TOKEN_SECONDS;
	if ((rc = store_begin(db, 1)))
		return rc;
	/* re-checked inside the write transaction; should a revocation still slip
	 * in between (PostgreSQL), bearer authentication refuses tokens of
	 * revoked applications anyway */
	struct app cur;
	if ((rc = store_app_get(db, a.account_id, a.id, now, &cur)))
		goto fail;
	if (cur.revoked_at)
		return api_abort(db, invalid_client(r));
	if ((rc = store_app_tokens_purge(db, a.account_id, a.id, now)) || (rc = store_app_token_insert(db, &row)) ||
	    (rc = store_app_touch(db, a.account_id, a.id, now)))
		goto fail;
	if ((rc = store_commit(db)))
		return rc;
	resp_header(r, "Cache-Control", "no-store");
	resp_header(r, "Pragma", "no-cache");
	rc = resp_json(r, 200,
		       json_pack("{s:s, s:s, s:i}", "access_token", token, "token_type", "Bearer", "expires_in",
				 OAUTH_TOKEN_SECONDS));
	sodium_memzero(token, sizeof token);
	return rc;
fail:
	return api_abort(db, rc);
}
