/* What every provider adapter shares: the registry of providers, failures
 * worded once, and a connection opened for calls (its secret and cached
 * token unsealed, wiped on close). */
#include "sync/provider.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/errors.h"
#include "core/secretbox.h"
#include "store/store.h"
#include "sync/exchange_soap.h"
#include "sync/google_auth.h"
#include "sync/microsoft.h"
#include <sodium.h>

const char *const sync_provider_names[SYNC_PROVIDERS] = {"google", "microsoft", "exchange"};

/* each adapter adds its table here once its operations exist */
static const struct sync_provider *const providers[] = {
	&sync_google,
	&sync_microsoft,
	&sync_exchange,
};

const struct sync_provider *sync_provider_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof providers / sizeof providers[0]; i++)
		if (providers[i] && strcmp(providers[i]->name, name) == 0)
			return providers[i];
	return NULL;
}

void sync_fail(struct sync_failure *f, const char *code, const char *params, const char *fmt, ...)
{
	if (!f)
		return;
	snprintf(f->code, sizeof f->code, "%s", code ? code : "provider_error");
	snprintf(f->params, sizeof f->params, "%s", params && *params ? params : "{}");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->detail, sizeof f->detail, fmt, ap);
	va_end(ap);
}

static void wipe_free(char *s)
{
	if (s) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

int sync_api_open(const struct sync_connection *c, struct sync_api *a, struct sync_failure *f)
{
	memset(a, 0, sizeof *a);
	a->p = sync_provider_find(c->provider);
	snprintf(a->account_id, sizeof a->account_id, "%s", c->account_id);
	snprintf(a->provider, sizeof a->provider, "%s", c->provider);
	json_error_t je;
	a->settings = json_loads(c->settings[0] ? c->settings : "{}", 0, &je);
	if (!a->settings || !json_is_object(a->settings)) {
		sync_fail(f, "provider_error", NULL,
			  "The stored settings of this connection are damaged; save step 1 again.");
		goto bad;
	}
	if (c->secret_sealed && secretbox_open(c->secret_sealed, &a->secret, NULL) != 0) {
		sync_fail(f, "secret_unreadable", NULL,
			  "The stored credentials cannot be decrypted with this server's secret key (was secret.key "
			  "replaced?); save step 1 again.");
		goto bad;
	}
	/* a cached token is used only while it has more than 5 minutes left */
	if (c->token_sealed && c->token_expires_at > clock_now() + 300) {
		if (secretbox_open(c->token_sealed, &a->token, NULL) == 0)
			a->token_expires_at = c->token_expires_at;
		else
			a->token = NULL; /* fetch a new one */
	}
	return 0;
bad:
	sync_api_close(a);
	return E_INVALID;
}

int sync_api_save_token(struct db *db, struct sync_api *a)
{
	if (!a->token_changed || !a->token)
		return 0;
	char *sealed = NULL;
	int rc = secretbox_seal(a->token, strlen(a->token), &sealed);
	if (!rc && !(rc = store_begin(db, 1))) {
		rc = store_sync_connection_token(db, a->account_id, a->provider, sealed, a->token_expires_at,
						 clock_now());
		if (rc || (rc = store_commit(db)))
			store_rollback(db);
	}
	free(sealed);
	if (!rc)
		a->token_changed = 0;
	return rc;
}

void sync_api_close(struct sync_api *a)
{
	if (!a)
		return;
	json_decref(a->settings);
	wipe_free(a->secret);
	wipe_free(a->token);
	memset(a, 0, sizeof *a);
}
