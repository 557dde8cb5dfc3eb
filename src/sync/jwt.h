/* Google's service-account credentials for calendar sync: the key file an
 * administrator uploads (Google's JSON, checked field by field) and the RS256
 * JWT signed with its private key for the JWT bearer grant (RFC 7523, Google
 * "Using OAuth 2.0 for Server to Server Applications"), and Microsoft's PS256
 * client assertion signed with a certificate's key. The RSA work is
 * OpenSSL's libcrypto, not ours. Key material is never logged and is wiped
 * once used; errors name the field, never repeat its value. */
#ifndef SYNC_JWT_H
#define SYNC_JWT_H

#include <stddef.h>
#include <stdint.h>

#define SYNC_KEY_FILE_MAX 16384 /* a Google key file is about 2.3 KiB */
#define SYNC_PEM_MAX 8192       /* a 4096-bit RSA key in PEM is about 3.3 KiB */
#define JWT_LIFETIME_MAX 3600   /* Google refuses an assertion living longer */
#define JWT_RSA_BITS_MIN 2048

/* the fields of the key file convene uses */
struct sync_sa_key {
	char client_email[321];   /* the service account: the JWT's iss */
	char client_id[65];       /* numeric: what Google Admin's domain-wide delegation asks for */
	char private_key_id[129]; /* hex: the JWT's kid */
	char project_id[129];     /* "" when the file has none */
	char token_uri[513];
	char *private_key; /* PEM (PKCS#8), malloc'd; wiped and freed by sync_sa_key_free */
};

/* Parses Google's service account key file (JSON, at most SYNC_KEY_FILE_MAX
 * bytes): "type" must be "service_account"; client_email, client_id,
 * private_key_id, private_key and token_uri present and well formed; the
 * private key must load as an RSA key of at least JWT_RSA_BITS_MIN bits.
 * Other members are ignored. 0; E_TOOLARGE or E_INVALID with err naming the
 * field ("private_key: not an RSA key"); E_NOMEM. out is zeroed on an error. */
int sync_sa_key_parse(const char *json, size_t len, struct sync_sa_key *out, char *err, size_t errlen);
void sync_sa_key_free(struct sync_sa_key *k);

struct jwt_claims {
	const char *iss, *scope, *aud;
	const char *sub; /* NULL: none (the service account acts as itself) */
	int64_t iat, exp;
};

/* Google: header {"alg":"RS256","typ":"JWT","kid":kid} (RS256 is the only
 * alg Google's token endpoint takes), the claims, each part
 * base64url without padding, signed with RSASSA-PKCS1-v1_5 over SHA-256.
 * *out is malloc'd "header.claims.signature" (a credential for exp - iat
 * seconds: the caller wipes it). 0; E_INVALID (err says which: the key, or
 * claims missing, exp not after iat or more than JWT_LIFETIME_MAX later);
 * E_NOMEM. */
int jwt_sign_rs256(const char *pem, const char *kid, const struct jwt_claims *c, char **out, char *err, size_t errlen);

/* A client assertion for Microsoft's certificate credentials (Microsoft
 * identity platform "certificate credentials", "Assertion format"; RFC 7523
 * §2.2): header {"alg":"PS256","typ":"JWT","x5t#S256":x5t_s256,"x5t":x5t}
 * (the base64url SHA-256 thumbprint of the certificate's DER, which the page
 * asks for, and the SHA-1 one its older versions asked for: Entra finds the
 * certificate by either, so a tenant whose lookup still goes by SHA-1 finds it
 * too), claims aud (the token endpoint), iss = sub = client_id, a random jti,
 * nbf = iat = now and exp JWT_ASSERTION_LIFETIME later; signed PS256
 * (RSASSA-PSS over SHA-256, MGF1 with SHA-256, a 32-byte salt: RFC 7518 §3.5,
 * "Use PSS padding") with pem's RSA private key (the PEM may hold the
 * certificate too). *out as for jwt_sign_rs256. */
#define JWT_ASSERTION_LIFETIME 600
int jwt_sign_client_assertion(const char *pem, const char *x5t, const char *x5t_s256, const char *client_id,
			      const char *aud, int64_t now, char **out, char *err, size_t errlen);

#endif
