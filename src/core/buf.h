/* A growable byte buffer for request bodies and generated text. */
#ifndef CORE_BUF_H
#define CORE_BUF_H

#include <stddef.h>

struct buf {
	char *data; /* always NUL-terminated when non-NULL */
	size_t len, cap;
};

int buf_append(struct buf *b, const void *p, size_t n); /* 0 or E_NOMEM */
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_free(struct buf *b);

#endif
