/* Identifiers and secrets. Row ids are opaque strings ("usr_" + 20 base32
 * characters, 100 random bits) so that they cannot be enumerated and never
 * lose precision in JavaScript. Secrets are 256-bit random values, kept only
 * as hashes. */
#ifndef CORE_IDS_H
#define CORE_IDS_H

#include <stddef.h>

#define ID_MAX 32       /* buffer size for an id */
#define SECRET_MAX 48   /* buffer size for a base64url 256-bit secret */
#define HASH_HEX_MAX 65 /* buffer size for a hex BLAKE2b-256 digest */

int ids_init(void); /* sodium_init(); call once before threads start */
void ids_new(const char *prefix, char out[ID_MAX]);
void ids_secret(char out[SECRET_MAX]);                     /* 43 base64url characters */
void ids_hash(const char *secret, char out[HASH_HEX_MAX]); /* hex digest for lookup */
int ids_equal_ct(const char *a, const char *b);            /* constant-time compare */
int ids_valid(const char *id, const char *prefix);         /* shape check before a query */

#endif
