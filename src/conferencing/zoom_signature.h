/* Zoom's webhook signatures (developers.zoom.us, "Verify webhook events"):
 * x-zm-signature = "v0=" hex(HMAC-SHA256(secret, "v0:{timestamp}:{raw body}"))
 * with x-zm-request-timestamp in Unix seconds, and the answer to an
 * endpoint.url_validation challenge. Pure functions: the clock is a parameter. */
#ifndef CONFERENCING_ZOOM_SIGNATURE_H
#define CONFERENCING_ZOOM_SIGNATURE_H

#include <stddef.h>
#include <stdint.h>

/* how far a request's timestamp may be from now, either way (Zoom's docs and
 * its SDKs use five minutes against replays of old deliveries) */
#define ZOOM_SIGNATURE_SKEW 300
/* hex of an HMAC-SHA256 and its NUL */
#define ZOOM_HMAC_HEX_MAX 65

enum zoom_sig_result {
	ZOOM_SIG_OK = 0,
	ZOOM_SIG_MISSING = -1,   /* no signature or no timestamp header */
	ZOOM_SIG_MALFORMED = -2, /* not "v0=" + 64 hex, or a timestamp that is not digits */
	ZOOM_SIG_STALE = -3,     /* the timestamp is more than ZOOM_SIGNATURE_SKEW from now */
	ZOOM_SIG_BAD = -4,       /* well formed, on time, and wrong */
};

/* checks a delivery: signature and timestamp are the header values (NULL when
 * absent), body the raw bytes as received; compared in constant time. When
 * valid and canon is not NULL, canon gets the signature's hex in lower case:
 * the same delivery whatever case its hex was sent in (replay keys) */
enum zoom_sig_result zoom_signature_verify(const char *secret, const char *signature, const char *timestamp,
					   const void *body, size_t body_len, int64_t now,
					   char canon[ZOOM_HMAC_HEX_MAX]);
/* hex(HMAC-SHA256(secret, msg)) into out: the url_validation encryptedToken
 * when msg is the plainToken */
void zoom_signature_hmac_hex(const char *secret, const void *msg, size_t msg_len, char out[ZOOM_HMAC_HEX_MAX]);
/* a short English reason for logs and problem details */
const char *zoom_signature_reason(enum zoom_sig_result r);

#endif
