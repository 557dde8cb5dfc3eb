/* Exchange Server's step 1 (sync/exchange_soap.h's provider): the EWS
 * address, the service account's user name (kept in the connection's
 * settings) and its password (the secret, sealed by the caller). EWS is
 * reached only over HTTPS, since Basic sends the password with every
 * request; plain HTTP only to this machine (tests, a local proxy). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/errors.h"
#include "sync/exchange_soap.h"

#define EWS_URL_MAX 2048
#define USERNAME_MAX 320 /* DOMAIN\user or user@domain */
#define PASSWORD_MAX 1024

static int invalid_field(struct sync_failure *f, const char *field, const char *why)
{
	char params[128];
	snprintf(params, sizeof params, "{\"field\": \"%s\"}", field);
	sync_fail(f, "invalid_field", params, "%s: %s", field, why);
	return E_INVALID;
}

/* printable text of at most max bytes, without NUL or control characters */
static const char *text_field(json_t *body, const char *field, size_t max, struct sync_failure *f, int *rc)
{
	json_t *v = json_object_get(body, field);
	*rc = 0;
	if (!v || !json_is_string(v) || !json_string_length(v)) {
		*rc = invalid_field(f, field, v ? "not a non-empty string" : "missing");
		return NULL;
	}
	const char *s = json_string_value(v);
	if (json_string_length(v) > max || strlen(s) != json_string_length(v)) {
		*rc = invalid_field(f, field, "too long");
		return NULL;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f) {
			*rc = invalid_field(f, field, "holds a control character");
			return NULL;
		}
	return s;
}

/* http(s)://host[:port]/path: https, or http to a loopback host */
static int url_ok(const char *u, const char **why)
{
	const char *rest;
	int https = 0;
	if (!strncasecmp(u, "https://", 8)) {
		rest = u + 8;
		https = 1;
	} else if (!strncasecmp(u, "http://", 7)) {
		rest = u + 7;
	} else {
		*why = "not an https:// address (the server's EWS address, e.g. "
		       "https://mail.example.com/EWS/Exchange.asmx)";
		return 0;
	}
	size_t hl = strcspn(rest, "/?#");
	if (!hl || memchr(rest, '@', hl) || strchr(u, ' ')) {
		*why = "not an address with a host name (and without user or password in it)";
		return 0;
	}
	if (https)
		return 1;
	char host[256];
	snprintf(host, sizeof host, "%.*s", (int)(hl < 255 ? hl : 255), rest);
	char *colon = host[0] == '[' ? strchr(host, ']') : strrchr(host, ':');
	if (host[0] == '[' && colon)
		colon[1] = 0;
	else if (colon)
		*colon = 0;
	if (!strcasecmp(host, "localhost") || !strncmp(host, "127.", 4) || !strcmp(host, "[::1]"))
		return 1;
	*why = "must be https://: the password is sent with every request (plain http only to this machine)";
	return 0;
}

int exchange_step1(json_t *body, char **settings, char **secret, struct sync_failure *f)
{
	*settings = *secret = NULL;
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v)
	{
		if (strcmp(key, "ews_url") && strcmp(key, "username") && strcmp(key, "password"))
			return invalid_field(f, key,
					     "unknown field (step 1 of Exchange takes ews_url, username and password)");
	}
	int rc;
	const char *url = text_field(body, "ews_url", EWS_URL_MAX, f, &rc);
	if (!url)
		return rc;
	const char *why = NULL;
	if (!url_ok(url, &why))
		return invalid_field(f, "ews_url", why);
	const char *user = text_field(body, "username", USERNAME_MAX, f, &rc);
	if (!user)
		return rc;
	const char *pw = text_field(body, "password", PASSWORD_MAX, f, &rc);
	if (!pw)
		return rc;
	json_t *s = json_pack("{s:s, s:s}", "ews_url", url, "username", user);
	*settings = s ? json_dumps(s, JSON_COMPACT) : NULL;
	json_decref(s);
	*secret = strdup(pw);
	if (!*settings || !*secret) {
		free(*settings);
		free(*secret);
		*settings = *secret = NULL;
		return E_NOMEM;
	}
	return 0;
}
