/* A certificate credential for Microsoft 365's app registration: the PEM
 * text an administrator uploads (the X.509 certificate and its unencrypted
 * RSA private key), checked part by part with libcrypto, and the
 * thumbprints Entra ID names it by. The key is never logged nor echoed. */
#ifndef SYNC_CERTIFICATE_H
#define SYNC_CERTIFICATE_H

#include <stddef.h>
#include <stdint.h>

#define SYNC_CERT_PEM_MAX 16384 /* a 4096-bit key and its certificate: about 5 KiB */

struct sync_cert {
	char thumbprint[41]; /* SHA-1 of the DER in upper-case hex, as Entra's Certificates & secrets shows it */
	char x5t[29];        /* base64url SHA-1 of the DER: the client assertion's x5t header */
	char x5t_s256[44];   /* base64url SHA-256 of the DER: its x5t#S256 header */
	int64_t not_after;   /* UTC seconds */
};

/* Parses pem (at most SYNC_CERT_PEM_MAX bytes): a CERTIFICATE block and a
 * private key without passphrase, RSA of at least JWT_RSA_BITS_MIN bits,
 * matching the certificate's public key, the certificate not expired at
 * now. 0; E_INVALID with err saying which part is wrong (never quoting the
 * input); E_NOMEM. */
int sync_cert_parse(const char *pem, size_t len, int64_t now, struct sync_cert *out, char *err, size_t errlen);

#endif
