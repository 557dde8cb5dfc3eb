/* The language chosen for a user's texts: server errors, e-mails. Looked up
 * only when a text is needed (a problem answered, a mail written), not on
 * every request. */
#include "iam/language.h"

#include <stdio.h>
#include <string.h>

#include "core/i18n.h"
#include "settings/settings.h"

int language_of_user(struct db *db, const struct user *u, const char **source)
{
	char first[1][ID_MAX], code[16] = "en";
	int k = 0;
	const char *src = "account";
	if (store_user_companies(db, u->account_id, u->id, first, 1, &k))
		k = 0;
	if (k)
		src = "company";
	if (settings_value(db, u->account_id, k ? first[0] : NULL, "language", code, sizeof code))
		snprintf(code, sizeof code, "en");
	if (source)
		*source = src;
	int l = i18n_parse(code);
	return l < 0 ? LANG_EN : l;
}

int language_of_request(struct req *r)
{
	struct db *db = store_db();
	struct user u;
	if (!db || store_user_get(db, r->who.account_id, r->who.user_id, &u))
		return -1;
	return language_of_user(db, &u, NULL);
}
