/* libsodium randombytes for ids and secrets; BLAKE2b for secret hashes (the
 * secrets are 256-bit random, so a fast hash is enough, unlike passwords). */
#include "core/ids.h"

#include <sodium.h>
#include <string.h>

static const char B32[] = "abcdefghijkmnpqrstuvwxyz23456789";

int ids_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void ids_new(const char *prefix, char out[ID_MAX])
{
	unsigned char r[20];
	randombytes_buf(r, sizeof r);
	size_t p = strlen(prefix);
	if (p > 8)
		p = 8;
	memcpy(out, prefix, p);
	out[p++] = '_';
	for (int i = 0; i < 20; i++)
		out[p++] = B32[r[i] & 31];
	out[p] = 0;
}

void ids_secret(char out[SECRET_MAX])
{
	unsigned char r[32];
	randombytes_buf(r, sizeof r);
	sodium_bin2base64(out, SECRET_MAX, r, sizeof r, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void ids_hash(const char *secret, char out[HASH_HEX_MAX])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof h, (const unsigned char *)secret, strlen(secret), NULL, 0);
	sodium_bin2hex(out, HASH_HEX_MAX, h, sizeof h);
}

int ids_equal_ct(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}

int ids_valid(const char *id, const char *prefix)
{
	if (!id)
		return 0;
	size_t p = strlen(prefix);
	if (strncmp(id, prefix, p) != 0 || id[p] != '_' || strlen(id) != p + 21)
		return 0;
	for (const char *c = id + p + 1; *c; c++)
		if (!strchr(B32, *c))
			return 0;
	return 1;
}
