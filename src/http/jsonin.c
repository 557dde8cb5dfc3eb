/* Strict JSON input validation. */
#include "http/jsonin.h"

#include <string.h>
#include <strings.h>

#include "core/errors.h"
#include "http/response.h"

int jin_has(json_t *o, const char *key)
{
	return json_object_get(o, key) != NULL;
}

/* "application/json", any case, optionally with parameters; not
 * "application/json-patch+json" or other types that merely start the same */
static int is_json_type(const char *ct)
{
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return !strncasecmp(ct, "application/json", 16) &&
	       (!ct[16] || ct[16] == ';' || ct[16] == ' ' || ct[16] == '\t');
}

int jin_object_any(struct req *r, json_t **out)
{
	if (r->json) {
		*out = r->json;
		return 0;
	}
	const char *ct = req_header(r, "Content-Type");
	if (r->body.len && ct && !is_json_type(ct)) {
		resp_problem(r, 415, "unsupported-media-type", "send the body as application/json");
		return E_INVALID;
	}
	json_error_t e;
	json_t *j = json_loadb(r->body.data ? r->body.data : "", r->body.len, JSON_REJECT_DUPLICATES, &e);
	if (!j) {
		resp_problemf(r, 400, "malformed-json", "the body is not valid JSON: %s (line %d, column %d)", e.text,
			      e.line, e.column);
		return E_INVALID;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		resp_problem(r, 400, "malformed-json", "the body must be a JSON object");
		return E_INVALID;
	}
	r->json = j;
	*out = j;
	return 0;
}

int jin_object(struct req *r, json_t **out, const char *const allowed[])
{
	json_t *j;
	int rc = jin_object_any(r, &j);
	if (rc)
		return rc;
	const char *k;
	json_t *v;
	json_object_foreach(j, k, v)
	{
		int ok = 0;
		for (int i = 0; allowed && allowed[i]; i++)
			if (!strcmp(allowed[i], k))
				ok = 1;
		if (!ok) {
			resp_problem_ext(r, 422, "unknown-field", arena_printf(r->arena, "unknown field '%.100s'", k),
					 json_pack("{s:s}", "field", k));
			return E_INVALID;
		}
	}
	*out = j;
	return 0;
}

static int missing(struct req *r, const char *key)
{
	resp_field_error(r, key, "'%s' is required", key);
	return E_INVALID;
}

int jin_string(struct req *r, json_t *o, const char *key, int required, size_t maxlen, const char **out)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return required ? missing(r, key) : 0;
	if (!json_is_string(v)) {
		resp_field_error(r, key, "'%s' must be a string", key);
		return E_INVALID;
	}
	if (json_string_length(v) > maxlen) {
		resp_field_error(r, key, "'%s' is too long (at most %zu characters)", key, maxlen);
		return E_INVALID;
	}
	*out = json_string_value(v);
	return 0;
}

int jin_bool(struct req *r, json_t *o, const char *key, int required, int *out)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return required ? missing(r, key) : 0;
	if (!json_is_boolean(v)) {
		resp_field_error(r, key, "'%s' must be true or false", key);
		return E_INVALID;
	}
	*out = json_is_true(v);
	return 0;
}

int jin_int(struct req *r, json_t *o, const char *key, int required, long long lo, long long hi, long long *out)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return required ? missing(r, key) : 0;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
		resp_field_error(r, key, "'%s' must be an integer from %lld to %lld", key, lo, hi);
		return E_INVALID;
	}
	*out = json_integer_value(v);
	return 0;
}

int jin_string_array(struct req *r, json_t *o, const char *key, int required, size_t max_items, size_t maxlen,
		     const char ***out, size_t *n)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return required ? missing(r, key) : 0;
	if (!json_is_array(v)) {
		resp_field_error(r, key, "'%s' must be an array of strings", key);
		return E_INVALID;
	}
	if (json_array_size(v) > max_items) {
		resp_field_error(r, key, "'%s' has too many items (at most %zu)", key, max_items);
		return E_INVALID;
	}
	const char **a = arena_alloc(r->arena, sizeof(char *) * (json_array_size(v) + 1));
	size_t i;
	json_t *it;
	json_array_foreach(v, i, it)
	{
		if (!json_is_string(it) || json_string_length(it) > maxlen) {
			resp_field_error(r, key, "'%s' must hold strings of at most %zu characters", key, maxlen);
			return E_INVALID;
		}
		a[i] = json_string_value(it);
	}
	*out = a;
	*n = json_array_size(v);
	return 0;
}

int jin_valid_email(const char *s)
{
	const char *at = strchr(s, '@');
	size_t n = strlen(s);
	if (!at || at == s || strchr(at + 1, '@') || n > 254 || n < 3)
		return 0;
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == '<' || *c == '>' || *c == ',' || *c == '"')
			return 0;
	const char *dot = strchr(at + 1, '.');
	return dot && dot > at + 1 && dot[1];
}
