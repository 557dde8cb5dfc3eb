/* Opaque paging cursors: the sort key of the last item of a page, base64url
 * encoded, so that clients treat it as a token and the server can reject
 * anything it did not issue with one clear 400. */
#ifndef HTTP_CURSOR_H
#define HTTP_CURSOR_H

#include "http/request.h"

const char *cursor_encode(struct req *r, const char *key); /* arena string */
/* the ?cursor= query parameter: 0 with *key NULL when absent, 0 with the key,
 * or E_INVALID after answering 400 /problems/invalid-query */
int cursor_param(struct req *r, const char **key);

#endif
