/* Reading JSON request bodies strictly: duplicate keys, trailing garbage,
 * invalid UTF-8 and NUL are rejected by the parser; these helpers reject
 * unknown fields, wrong types and overlong strings. Each returns 0, or
 * E_INVALID after answering with a problem that names the field (so a handler
 * just returns the code). */
#ifndef HTTP_JSONIN_H
#define HTTP_JSONIN_H

#include <jansson.h>
#include <stddef.h>

#include "http/request.h"

enum { JIN_OPTIONAL = 0, JIN_REQUIRED = 1 };

/* parses the body as a JSON object whose keys are all in allowed (NULL-terminated) */
int jin_object(struct req *r, json_t **out, const char *const allowed[]);
/* the same without the key check, for bodies whose keys are data (e.g. setting names) */
int jin_object_any(struct req *r, json_t **out);
/* *out is left unchanged when the optional field is absent; present = 1 if it was there */
int jin_string(struct req *r, json_t *o, const char *key, int required, size_t maxlen, const char **out);
int jin_bool(struct req *r, json_t *o, const char *key, int required, int *out);
int jin_int(struct req *r, json_t *o, const char *key, int required, long long lo, long long hi, long long *out);
/* an array of strings (each at most maxlen); *out is arena memory, *n its length */
int jin_string_array(struct req *r, json_t *o, const char *key, int required, size_t max_items, size_t maxlen,
		     const char ***out, size_t *n);
int jin_has(json_t *o, const char *key);

/* an e-mail address good enough to send to: one @, no spaces, a dot in the domain */
int jin_valid_email(const char *s);

#endif
