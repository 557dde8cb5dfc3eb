/* Reaching Microsoft 365 for calendar sync: step 1's credentials checked for
 * shape, the OAuth 2.0 client credentials grant at Entra ID (the secret never
 * leaves this file but in the token request), Graph calls carrying the token,
 * and Entra's and Graph's refusals turned into failures that name what the
 * administrator must mend (AADSTS codes: learn.microsoft.com/entra/identity-
 * platform/reference-error-codes). */
#include "sync/microsoft.h"

#include <ctype.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "sync/certificate.h"
#include "sync/jwt.h"

#define GRAPH_SCOPE "https://graph.microsoft.com/.default"
#define TOKEN_AHEAD 300 /* seconds before expiry a token is replaced */
#define TOKEN_ANSWER_MAX 65536

const struct sync_provider sync_microsoft = {
	.name = "microsoft",
	.step1 = ms_step1,
	.check = sync_microsoft_check,
	.list_rooms = sync_microsoft_list_rooms,
	.changes = sync_microsoft_changes,
	.watch = sync_microsoft_watch,
	.unwatch = sync_microsoft_unwatch,
	.write = sync_microsoft_write,
	.remove = sync_microsoft_remove,
	.decline = sync_microsoft_decline,
	.find = sync_microsoft_find,
};

static size_t trimmed(const char *base)
{
	size_t len = strlen(base);
	while (len && base[len - 1] == '/')
		len--;
	return len;
}

void ms_consent_url(const char *tenant, const char *client_id, char *out, size_t n)
{
	const char *base = config_current()->microsoft_login_url;
	snprintf(out, n, "%.*s/%s/adminconsent?client_id=%s", (int)trimmed(base), base, tenant, client_id);
}

/* ---- step 1 ---- */

static int is_guid(const char *s)
{
	static const int groups[] = {8, 4, 4, 4, 12};
	for (int g = 0; g < 5; g++) {
		for (int i = 0; i < groups[g]; i++, s++)
			if (!isxdigit((unsigned char)*s))
				return 0;
		if (g < 4 && *s++ != '-')
			return 0;
	}
	return *s == 0;
}

/* a verified domain of the tenant (contoso.onmicrosoft.com, contoso.com):
 * letters, digits and hyphens in dot-separated labels of 1 to 63 */
static int is_domain(const char *s)
{
	size_t len = strlen(s), label = 0;
	int dots = 0;
	if (!len || len > MS_TENANT_MAX)
		return 0;
	for (size_t i = 0; i <= len; i++) {
		char c = s[i];
		if (c == '.' || c == 0) {
			if (!label || s[i - 1] == '-' || label > 63)
				return 0;
			dots += c == '.';
			label = 0;
		} else if (isalnum((unsigned char)c) || c == '-') {
			if (!label && c == '-')
				return 0;
			label++;
		} else {
			return 0;
		}
	}
	return dots > 0;
}

static int bad_field(struct sync_failure *f, const char *field, const char *why)
{
	char params[128];
	snprintf(params, sizeof params, "{\"field\":\"%s\"}", field);
	sync_fail(f, "invalid_field", params, "%s: %s", field, why);
	return E_INVALID;
}

/* a certificate credential: the PEM is the sealed secret; the settings keep
 * its thumbprint and expiry to show (never the key) */
static int cert_step1(const char *tenant, const char *client, json_t *cert, char **settings, char **secret,
		      struct sync_failure *f)
{
	struct sync_cert sc;
	char err[160];
	int rc = sync_cert_parse(json_string_value(cert), json_string_length(cert), clock_now(), &sc, err, sizeof err);
	if (rc == E_INVALID) {
		char params[128];
		snprintf(params, sizeof params, "{\"field\":\"certificate\"}");
		sync_fail(f, "invalid_field", params, "%s", err);
		return rc;
	}
	if (rc)
		return rc;
	json_t *out = json_pack("{s:s, s:s, s:s, s:s, s:I}", "tenant_id", tenant, "client_id", client, "credential",
				"certificate", "certificate_thumbprint", sc.thumbprint, "certificate_expires_at",
				(json_int_t)sc.not_after);
	*settings = out ? json_dumps(out, JSON_COMPACT) : NULL;
	json_decref(out);
	*secret = strdup(json_string_value(cert));
	if (!*settings || !*secret) {
		free(*settings);
		free(*secret);
		*settings = *secret = NULL;
		return E_NOMEM;
	}
	return 0;
}

int ms_step1(json_t *body, char **settings, char **secret, struct sync_failure *f)
{
	*settings = *secret = NULL;
	if (!json_is_object(body))
		return bad_field(
			f, "body",
			"a JSON object with tenant_id, client_id and client_secret or certificate is expected");
	json_t *t = json_object_get(body, "tenant_id"), *c = json_object_get(body, "client_id"),
	       *s = json_object_get(body, "client_secret"), *cert = json_object_get(body, "certificate");
	if (!json_is_string(t) || !json_string_length(t))
		return bad_field(f, "tenant_id", "the directory (tenant) id is required");
	if (!json_is_string(c) || !json_string_length(c))
		return bad_field(f, "client_id", "the application (client) id is required");
	if (s && cert && !json_is_null(s) && !json_is_null(cert))
		return bad_field(f, "certificate", "give either client_secret or certificate, not both");
	if (cert && !json_is_null(cert) && !json_is_string(cert))
		return bad_field(f, "certificate", "the PEM text of the certificate and its private key is expected");
	if (!json_is_string(cert) && (!json_is_string(s) || !json_string_length(s)))
		return bad_field(f, "client_secret", "the client secret's value (or a certificate) is required");
	char tenant[MS_TENANT_MAX + 1], client[40];
	if (json_string_length(t) > MS_TENANT_MAX)
		return bad_field(f, "tenant_id", "a tenant id or domain name is at most 253 characters");
	snprintf(tenant, sizeof tenant, "%s", json_string_value(t));
	for (char *p = tenant; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (!is_guid(tenant) && !is_domain(tenant))
		return bad_field(f, "tenant_id",
				 "a directory (tenant) id (a GUID) or a verified domain name is expected");
	if (json_string_length(c) >= sizeof client || !is_guid(json_string_value(c)))
		return bad_field(f, "client_id", "the application (client) id is a GUID");
	snprintf(client, sizeof client, "%s", json_string_value(c));
	for (char *p = client; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (json_is_string(cert))
		return cert_step1(tenant, client, cert, settings, secret, f);
	size_t slen = json_string_length(s);
	const char *sv = json_string_value(s);
	if (slen > MS_SECRET_MAX)
		return bad_field(f, "client_secret", "a client secret is at most 1024 characters");
	for (size_t i = 0; i < slen; i++)
		if ((unsigned char)sv[i] < 0x21 || sv[i] == 0x7f)
			return bad_field(
				f, "client_secret",
				"a client secret's value has no spaces or control characters (was the secret's id "
				"pasted with other text?)");
	json_t *out = json_pack("{s:s, s:s, s:s}", "tenant_id", tenant, "client_id", client, "credential", "secret");
	*settings = out ? json_dumps(out, JSON_COMPACT) : NULL;
	json_decref(out);
	*secret = strdup(sv);
	if (!*settings || !*secret) {
		free(*settings);
		free(*secret);
		*settings = *secret = NULL;
		return E_NOMEM;
	}
	return 0;
}

/* ---- the token ---- */

static const char *setting(struct sync_api *a, const char *key)
{
	json_t *v = json_object_get(a->settings, key);
	return json_is_string(v) ? json_string_value(v) : "";
}

json_t *ms_json(const struct hc_response *res)
{
	if (!res->body || !res->len)
		return NULL;
	return json_loadb(res->body, res->len, 0, NULL);
}

static void wipe_free(char *s)
{
	if (s) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

/* Entra's error body names its AADSTS code in error_codes (and in the text) */
static long aadsts_code(json_t *j)
{
	json_t *codes = json_object_get(j, "error_codes");
	if (json_is_array(codes) && json_is_integer(json_array_get(codes, 0)))
		return (long)json_integer_value(json_array_get(codes, 0));
	json_t *d = json_object_get(j, "error_description");
	const char *p = json_is_string(d) ? strstr(json_string_value(d), "AADSTS") : NULL;
	return p ? strtol(p + 6, NULL, 10) : 0;
}

/* a params object's text ("" when it cannot be made) */
static void params_of(json_t *p, char *out, size_t n)
{
	char *s = p ? json_dumps(p, JSON_COMPACT) : NULL;
	snprintf(out, n, "%s", s && strlen(s) < n ? s : "");
	free(s);
}

static int token_refused(struct sync_api *a, long status, json_t *j, struct sync_failure *f)
{
	const char *tenant = setting(a, "tenant_id"), *client = setting(a, "client_id");
	long code = aadsts_code(j);
	char params[512] = "";
	json_t *p = NULL;
	switch (code) {
	case 90002:  /* tenant not found */
	case 900023: /* the tenant identifier is neither a GUID nor a domain */
	case 90019:  /* no tenant-identifying information */
	case 50128:  /* invalid domain name */
	case 500011: /* no such resource principal in the tenant */
		p = json_pack("{s:s}", "tenant_id", tenant);
		params_of(p, params, sizeof params);
		sync_fail(f, "tenant_unknown", params,
			  "Microsoft does not know the directory (tenant) %s: copy the Directory (tenant) ID from the "
			  "app registration's overview in the Microsoft Entra admin center.",
			  tenant);
		break;
	case 700016: /* application not found in the directory */
	case 700038: /* the client id is not a valid application identifier */
		p = json_pack("{s:s, s:s}", "client_id", client, "tenant_id", tenant);
		params_of(p, params, sizeof params);
		sync_fail(f, "app_unknown", params,
			  "The application (client) id %s is not registered in the directory %s: copy the Application "
			  "(client) ID from the app registration of this tenant.",
			  client, tenant);
		break;
	case 7000215: /* invalid client secret */
	case 7000222: /* expired client secret */
	case 7000218: /* no client secret */
	case 7000216: /* client secret required */
		p = json_pack("{s:s, s:b}", "client_id", client, "expired", code == 7000222);
		params_of(p, params, sizeof params);
		sync_fail(f, "secret_invalid", params,
			  code == 7000222
				  ? "The client secret of the application %s has expired: add a new client secret "
				    "in Certificates & secrets and save step 1 again."
				  : "Microsoft refused the client secret of the application %s: paste the secret's "
				    "Value (not its Secret ID) from Certificates & secrets.",
			  client);
		break;
	case 700027: /* the assertion's key is not registered, or its signature is bad */
	case 700024: /* the assertion is outside its valid time range */
		p = json_pack("{s:s, s:s, s:b}", "client_id", client, "thumbprint",
			      setting(a, "certificate_thumbprint"), "expired", code == 700024);
		params_of(p, params, sizeof params);
		sync_fail(f, "certificate_invalid", params,
			  code == 700024
				  ? "Microsoft refused the certificate %s of the application %s as outside its valid "
				    "time: check the server's clock and the certificate's dates."
				  : "Microsoft does not know the certificate %s for the application %s: upload its "
				    "public part in Certificates & secrets.",
			  setting(a, "certificate_thumbprint"), client);
		break;
	default:
		sync_fail(f, "provider_error", NULL,
			  "Microsoft refused the sign-in of the application (HTTP %ld, AADSTS%ld).", status, code);
	}
	json_decref(p);
	return E_FORBIDDEN;
}

static int unanswered(long status, long retry_after, const char *who, struct sync_failure *f)
{
	if (status == 429 || status == 503 || status == 504) {
		sync_fail(f, "provider_throttled", NULL, "%s is busy (HTTP %ld); convene tries again later.", who,
			  status);
		if (f)
			f->retry_after = retry_after > 0 ? retry_after : 0;
		return E_BUSY;
	}
	sync_fail(f, "provider_unreachable", NULL, "%s did not answer (HTTP %ld); convene tries again later.", who,
		  status);
	return E_IO;
}

int ms_token(struct sync_api *a, int fresh, struct sync_failure *f)
{
	if (!fresh && a->token && a->token_expires_at > clock_now() + TOKEN_AHEAD)
		return 0;
	const char *tenant = setting(a, "tenant_id"), *client = setting(a, "client_id");
	if (!*tenant || !*client || !a->secret) {
		sync_fail(f, "provider_error", NULL, "Step 1 of Microsoft 365 is incomplete: save it again.");
		return E_INVALID;
	}
	const char *base = config_current()->microsoft_login_url;
	int by_cert = !strcmp(setting(a, "credential"), "certificate");
	char *etenant = hc_escape(tenant), *eclient = hc_escape(client), *esecret = NULL,
	     *escope = hc_escape(GRAPH_SCOPE), *url = NULL, *form = NULL, *assertion = NULL;
	struct hc_response res;
	json_t *j = NULL;
	int rc = E_NOMEM;
	memset(&res, 0, sizeof res);
	if (!etenant || !eclient || !escope)
		goto out;
	size_t ulen = trimmed(base) + strlen(etenant) + 32;
	if (!(url = malloc(ulen)))
		goto out;
	snprintf(url, ulen, "%.*s/%s/oauth2/v2.0/token", (int)trimmed(base), base, etenant);
	if (by_cert) {
		/* the assertion is made afresh for each request (its jti is single use) */
		struct sync_cert sc;
		char err[160];
		int64_t now = clock_now();
		/* parsed with now = 0: an expired certificate still signs, and
		 * Entra's refusal (700024) names it */
		rc = sync_cert_parse(a->secret, strlen(a->secret), 0, &sc, err, sizeof err);
		if (!rc)
			rc = jwt_sign_client_assertion(a->secret, sc.x5t, sc.x5t_s256, client, url, now, &assertion,
						       err, sizeof err);
		if (rc == E_INVALID) {
			sync_fail(f, "provider_error", NULL, "Step 1's certificate cannot sign (%s): save it again.",
				  err);
			goto out;
		}
		if (rc)
			goto out;
		rc = E_NOMEM;
		esecret = hc_escape(assertion);
	} else {
		esecret = hc_escape(a->secret);
	}
	if (!esecret)
		goto out;
	size_t flen = strlen(eclient) + strlen(esecret) + strlen(escope) + 192;
	if (!(form = malloc(flen)))
		goto out;
	if (by_cert)
		snprintf(form, flen,
			 "client_id=%s&scope=%s&client_assertion_type=urn%%3Aietf%%3Aparams%%3Aoauth%%3Aclient-"
			 "assertion-type%%3Ajwt-bearer&client_assertion=%s&grant_type=client_credentials",
			 eclient, escope, esecret);
	else
		snprintf(form, flen, "client_id=%s&scope=%s&client_secret=%s&grant_type=client_credentials", eclient,
			 escope, esecret);
	static const char *const headers[] = {"Content-Type: application/x-www-form-urlencoded",
					      "Accept: application/json", NULL};
	struct hc_request rq = {.method = "POST",
				.url = url,
				.headers = headers,
				.body = form,
				.body_len = strlen(form),
				.timeout_ms = SYNC_HTTP_TIMEOUT_MS,
				.max_answer = TOKEN_ANSWER_MAX};
	if (hc_do(&rq, &res)) {
		sync_fail(
			f, "provider_unreachable", NULL,
			"Microsoft's sign-in service (microsoft_login_url) did not answer; convene tries again later.");
		rc = E_IO;
		goto out;
	}
	j = ms_json(&res);
	if (res.status == 200) {
		json_t *at = json_object_get(j, "access_token"), *ei = json_object_get(j, "expires_in");
		if (!json_is_string(at) || !json_string_length(at)) {
			sync_fail(f, "provider_error", NULL, "Microsoft's token answer has no access token.");
			rc = E_INVALID;
			goto out;
		}
		char *tok = strdup(json_string_value(at));
		if (!tok)
			goto out;
		wipe_free(a->token);
		a->token = tok;
		/* expires_in is a number, though older endpoints sent it as text */
		long long secs = json_is_integer(ei)  ? json_integer_value(ei)
				 : json_is_string(ei) ? strtoll(json_string_value(ei), NULL, 10)
						      : 3599;
		if (secs <= 0 || secs > 86400)
			secs = 3599;
		a->token_expires_at = clock_now() + secs;
		a->token_changed = 1;
		rc = 0;
	} else if (res.status == 429 || res.status >= 500) {
		rc = unanswered(res.status, res.retry_after, "Microsoft's sign-in service", f);
	} else {
		rc = token_refused(a, res.status, j, f);
	}
out:
	if (rc == E_NOMEM)
		sync_fail(f, "provider_error", NULL, "Out of memory.");
	if (res.body)
		sodium_memzero(res.body, res.len);
	hc_response_free(&res);
	json_decref(j);
	wipe_free(form);
	wipe_free(esecret);
	wipe_free(assertion);
	free(etenant);
	free(eclient);
	free(escope);
	free(url);
	return rc;
}

/* ---- Graph calls ---- */

char *ms_graph_url(const char *path)
{
	const char *base = config_current()->microsoft_graph_url;
	size_t n = trimmed(base) + strlen(path) + 1;
	char *u = malloc(n);
	if (u)
		snprintf(u, n, "%.*s%s", (int)trimmed(base), base, path);
	return u;
}

int ms_link_ok(const char *link)
{
	const char *base = config_current()->microsoft_graph_url;
	size_t n = trimmed(base);
	return link && !strncmp(link, base, n) && !strncmp(link + n, "/v1.0/", 6);
}

int ms_call(struct sync_api *a, const char *method, const char *url, const char *body, const char *const *headers,
	    size_t max_answer, struct hc_response *res, struct sync_failure *f)
{
	int rc;
	memset(res, 0, sizeof *res);
	for (int attempt = 0; attempt < 2; attempt++) {
		if ((rc = ms_token(a, attempt > 0, f)))
			return rc;
		struct hc_request rq = {.method = method,
					.url = url,
					.headers = headers,
					.body = body,
					.body_len = body ? strlen(body) : 0,
					.bearer = a->token,
					.timeout_ms = SYNC_HTTP_TIMEOUT_MS,
					.max_answer = max_answer};
		hc_response_free(res);
		rc = hc_do(&rq, res);
		if (rc == E_TOOLARGE) {
			sync_fail(f, "provider_error", NULL, "Microsoft Graph's answer was larger than convene reads.");
			return E_TOOLARGE;
		}
		if (rc) {
			sync_fail(f, "provider_unreachable", NULL,
				  "Microsoft Graph (microsoft_graph_url) did not answer; convene tries again later.");
			return E_IO;
		}
		/* a token revoked or expired early: one new token, one more try */
		if (res->status != 401)
			return 0;
	}
	return 0;
}

void ms_consent_missing(struct sync_api *a, const char *permissions_json, struct sync_failure *f)
{
	char url[1200], params[512];
	ms_consent_url(setting(a, "tenant_id"), setting(a, "client_id"), url, sizeof url);
	char names[256] = "";
	json_t *perms = json_loads(permissions_json, 0, NULL);
	size_t i;
	json_t *v;
	json_array_foreach(perms, i, v)
	{
		size_t used = strlen(names);
		snprintf(names + used, sizeof names - used, "%s%s", i ? ", " : "",
			 json_is_string(v) ? json_string_value(v) : "");
	}
	json_t *p = json_pack("{s:s, s:o}", "consent_url", url, "permissions", perms ? perms : json_array());
	params_of(p, params, sizeof params);
	json_decref(p);
	sync_fail(f, "consent_missing", params,
		  "The tenant's administrator has not granted the application permissions %s: open the admin consent "
		  "link (%s) as a Global or Privileged Role Administrator and accept.",
		  names, url);
}

int ms_failed(struct sync_api *a, const struct hc_response *res, const char *what, struct sync_failure *f)
{
	if (res->status == 429 || res->status == 503 || res->status == 504)
		return unanswered(res->status, res->retry_after, "Microsoft Graph", f);
	if (res->status >= 500) {
		sync_fail(f, "provider_unreachable", NULL,
			  "Microsoft Graph failed to %s (HTTP %ld); convene tries again later.", what, res->status);
		return E_IO;
	}
	if (res->status == 404) {
		sync_fail(f, "not_found", NULL, "Microsoft Graph could not %s: it is not there (HTTP 404).", what);
		return E_NOTFOUND;
	}
	if (res->status == 403 || res->status == 401) {
		ms_consent_missing(a, MS_PERMISSIONS_JSON, f);
		return E_FORBIDDEN;
	}
	/* Graph's error code is a word (ErrorInvalidRequest): safe to name */
	json_t *j = ms_json(res);
	json_t *c = json_object_get(json_object_get(j, "error"), "code");
	char code[64] = "";
	if (json_is_string(c))
		for (size_t i = 0; i < sizeof code - 1 && json_string_value(c)[i]; i++) {
			char ch = json_string_value(c)[i];
			code[i] = isalnum((unsigned char)ch) ? ch : '_';
			code[i + 1] = 0;
		}
	json_decref(j);
	sync_fail(f, "provider_error", NULL, "Microsoft Graph refused to %s (HTTP %ld %s).", what, res->status, code);
	return E_INVALID;
}

/* ---- times ---- */

int ms_parse_utc(const char *s, int64_t *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	int used = 0;
	if (!s ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
		   &tm.tm_sec, &used) != 6 ||
	    used != 19)
		return E_INVALID;
	const char *p = s + used;
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	if (*p || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60)
		return E_INVALID;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = (int64_t)timegm(&tm);
	return 0;
}

void ms_format_utc(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
