/* Secrets of external connections (OAuth tokens, provider keys) encrypted at
 * rest with the data directory's secret.key: XSalsa20-Poly1305 with a random
 * nonce per value, stored as text "sb1:" base64url(nonce || box). */
#ifndef CORE_SECRETBOX_H
#define CORE_SECRETBOX_H

#include <stddef.h>

/* reads the key file (exactly 32 raw bytes); once, before threads start.
 * 0, E_NOTFOUND when the file does not exist, E_INVALID or E_IO otherwise
 * (with a message in err) */
int secretbox_load(const char *path, char *err, size_t errlen);
/* creates a new random key file (mode 0600; never replaces an existing one):
 * 0, or E_IO with a message in err */
int secretbox_create(const char *path, char *err, size_t errlen);
int secretbox_ready(void); /* a key is loaded */
/* malloc'd sealed text; E_INVALID when no key is loaded */
int secretbox_seal(const void *plain, size_t n, char **sealed);
/* malloc'd plain (NUL-terminated, *n without it; n may be NULL); E_INVALID
 * when no key is loaded or the text was not sealed with this key or is damaged */
int secretbox_open(const char *sealed, char **plain, size_t *n);
void secretbox_forget(void); /* wipes the key (tests, shutdown) */

#endif
