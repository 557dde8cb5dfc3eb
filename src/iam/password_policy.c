/* GET /api/v1/password-policy: the password rule, for forms to show before
 * one types. Public, since the reset and invitation pages set a password
 * before anyone is signed in; nothing in it belongs to an account. */
#include "iam/password_policy.h"

#include <jansson.h>

#include "core/arena.h"
#include "core/i18n.h"
#include "http/response.h"
#include "iam/password.h"

static int show(struct req *r)
{
	json_t *out = password_policy_json();
	if (!out)
		return resp_problem(r, 500, "internal", "an internal error occurred; it has been logged");
	/* one sentence in the caller's language (theirs, else Accept-Language) */
	json_object_set_new(out, "description",
			    json_string(arena_printf(r->arena,
						     resp_text(r, "At least %d characters, not your name or e-mail "
								  "address, not a dictionary word: a few unrelated "
								  "words make a strong password."),
						     PASSWORD_MIN)));
	json_object_set_new(out, "language", json_string(i18n_code(resp_lang(r))));
	return resp_json(r, 200, out);
}

const struct route password_policy_routes[] = {
	{"GET", "/api/v1/password-policy", show, ROUTE_PUBLIC},
	{0},
};
