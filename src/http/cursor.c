/* Cursor encoding with libsodium's base64url (no padding). */
#include "http/cursor.h"

#include <sodium.h>
#include <string.h>

#include "core/errors.h"
#include "http/response.h"

#define KEY_MAX 300

const char *cursor_encode(struct req *r, const char *key)
{
	size_t n = sodium_base64_ENCODED_LEN(strlen(key), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = arena_alloc(r->arena, n);
	sodium_bin2base64(out, n, (const unsigned char *)key, strlen(key), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

int cursor_param(struct req *r, const char **key)
{
	const char *c = req_query(r, "cursor");
	*key = NULL;
	if (!c || !*c)
		return 0;
	size_t len = 0, n = strlen(c);
	char *out = arena_alloc(r->arena, n + 1);
	if (n > KEY_MAX * 2 ||
	    sodium_base642bin((unsigned char *)out, n, c, n, NULL, &len, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) ||
	    memchr(out, 0, len)) {
		resp_problem_ext(r, 400, "invalid-query", "the cursor is not one this server issued",
				 json_pack("{s:s}", "field", "cursor"));
		return E_INVALID;
	}
	out[len] = 0;
	*key = out;
	return 0;
}
