/* Compact JSON text of a jansson value, byte for byte what
 * json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) writes, at a fraction of the
 * cost: every response body goes through it. */
#ifndef HTTP_JSONOUT_H
#define HTTP_JSONOUT_H

#include <jansson.h>
#include <stddef.h>

/* malloc'ed text (free it), its length in *len; NULL on allocation failure or
 * nesting deeper than JSONOUT_DEPTH_MAX */
char *jsonout_dumps(const json_t *v, size_t *len);

#define JSONOUT_DEPTH_MAX 2048

#endif
