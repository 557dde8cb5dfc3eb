/* Zoom webhook signature checks with libsodium's HMAC-SHA256. The signed
 * message is "v0:" timestamp ":" body, fed to the HMAC in three parts so that
 * a large body is not copied; the signature's hex is decoded and compared as
 * bytes with sodium_memcmp, so that the time taken says nothing about how
 * much of a forged signature was right. */
#include "conferencing/zoom_signature.h"

#include <sodium.h>
#include <string.h>

struct part {
	const void *p;
	size_t n;
};

static void hmac_parts(const char *secret, const struct part *parts, int nparts,
		       unsigned char mac[crypto_auth_hmacsha256_BYTES])
{
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
	for (int i = 0; i < nparts; i++)
		if (parts[i].n)
			crypto_auth_hmacsha256_update(&st, parts[i].p, parts[i].n);
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(&st, sizeof st);
}

void zoom_signature_hmac_hex(const char *secret, const void *msg, size_t msg_len, char out[ZOOM_HMAC_HEX_MAX])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	hmac_parts(secret, &(struct part){msg, msg_len}, 1, mac);
	sodium_bin2hex(out, ZOOM_HMAC_HEX_MAX, mac, sizeof mac);
}

/* Unix seconds, digits only (no sign, no space, no fraction), at most 18 of
 * them so that the value fits an int64 */
static int timestamp_parse(const char *s, int64_t *out)
{
	size_t n = strlen(s);
	if (!n || n > 18)
		return -1;
	int64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

enum zoom_sig_result zoom_signature_verify(const char *secret, const char *signature, const char *timestamp,
					   const void *body, size_t body_len, int64_t now,
					   char canon[ZOOM_HMAC_HEX_MAX])
{
	if (!signature || !*signature || !timestamp || !*timestamp)
		return ZOOM_SIG_MISSING;
	int64_t ts;
	if (timestamp_parse(timestamp, &ts))
		return ZOOM_SIG_MALFORMED;
	/* Zoom writes lower-case hex; upper case is the same bytes, and is taken */
	unsigned char given[crypto_auth_hmacsha256_BYTES];
	size_t got = 0;
	const char *end = NULL;
	if (strncmp(signature, "v0=", 3) || strlen(signature + 3) != 2 * sizeof given ||
	    sodium_hex2bin(given, sizeof given, signature + 3, 2 * sizeof given, NULL, &got, &end) ||
	    got != sizeof given || *end)
		return ZOOM_SIG_MALFORMED;
	if (ts > now + ZOOM_SIGNATURE_SKEW || ts < now - ZOOM_SIGNATURE_SKEW)
		return ZOOM_SIG_STALE;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	const struct part parts[] = {{"v0:", 3}, {timestamp, strlen(timestamp)}, {":", 1}, {body, body_len}};
	hmac_parts(secret, parts, 4, mac);
	if (sodium_memcmp(mac, given, sizeof mac))
		return ZOOM_SIG_BAD;
	if (canon)
		sodium_bin2hex(canon, ZOOM_HMAC_HEX_MAX, mac, sizeof mac);
	return ZOOM_SIG_OK;
}

const char *zoom_signature_reason(enum zoom_sig_result r)
{
	switch (r) {
	case ZOOM_SIG_OK:
		return "valid";
	case ZOOM_SIG_MISSING:
		return "the x-zm-signature or x-zm-request-timestamp header is missing";
	case ZOOM_SIG_MALFORMED:
		return "the x-zm-signature is not v0= and 64 hex digits, or the timestamp is not Unix seconds";
	case ZOOM_SIG_STALE:
		return "the x-zm-request-timestamp is more than 5 minutes from the server's clock";
	case ZOOM_SIG_BAD:
		return "the x-zm-signature does not match the body";
	}
	return "invalid";
}
