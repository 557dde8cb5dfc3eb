/* Google's service account key file and the RS256 JWT of the JWT bearer
 * grant, and Microsoft's PS256 client assertion (sync/jwt.h): keys made here
 * with libcrypto, each JWT verified with the key's public half as Google's
 * token endpoint and Entra ID do, and every refusal naming its field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sodium.h>

#include "core/errors.h"
#include "sync/jwt.h"

static EVP_PKEY *rsa;   /* 2048 bits, as Google makes them */
static char *rsa_pem;   /* its PKCS#8 PEM */
static char *ec_pem;    /* a P-256 key: not for RS256 */
static char *small_pem; /* RSA of 1024 bits */

static char *pem_of(EVP_PKEY *k)
{
	BIO *b = BIO_new(BIO_s_mem());
	assert_int_equal(PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL), 1);
	char *data;
	long n = BIO_get_mem_data(b, &data);
	char *s = strndup(data, (size_t)n);
	BIO_free(b);
	return s;
}

static int setup(void **state)
{
	(void)state;
	rsa = EVP_RSA_gen(2048);
	EVP_PKEY *ec = EVP_EC_gen("P-256"), *small = EVP_RSA_gen(1024);
	if (!rsa || !ec || !small)
		return -1;
	rsa_pem = pem_of(rsa);
	ec_pem = pem_of(ec);
	small_pem = pem_of(small);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(small);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(rsa);
	free(rsa_pem);
	free(ec_pem);
	free(small_pem);
	return 0;
}

/* a key file as Google gives it, with pem as its key */
static json_t *key_file(const char *pem)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "type", "service_account", "project_id",
			 "convene-test", "private_key_id", "0123456789abcdef0123456789abcdef01234567", "private_key",
			 pem, "client_email", "sync@convene-test.iam.gserviceaccount.com", "client_id",
			 "112233445566778899001", "auth_uri", "https://accounts.google.com/o/oauth2/auth", "token_uri",
			 "https://oauth2.googleapis.com/token");
}

static int parse(json_t *f, struct sync_sa_key *k, char *err, size_t n)
{
	char *text = json_dumps(f, 0);
	int rc = sync_sa_key_parse(text, strlen(text), k, err, n);
	free(text);
	json_decref(f);
	return rc;
}

/* base64url part i (0-based) of a JWT, decoded */
static char *part(const char *jwt, int i, size_t *len)
{
	const char *p = jwt;
	for (int j = 0; j < i; j++)
		p = strchr(p, '.') + 1;
	const char *end = strchr(p, '.');
	size_t n = end ? (size_t)(end - p) : strlen(p);
	unsigned char *bin = malloc(n + 1);
	size_t got = 0;
	assert_int_equal(sodium_base642bin(bin, n, p, n, NULL, &got, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
			 0);
	bin[got] = 0;
	*len = got;
	return (char *)bin;
}

static void a_google_key_file_is_read(void **state)
{
	struct sync_sa_key k;
	char err[256] = "";
	assert_int_equal(parse(key_file(rsa_pem), &k, err, sizeof err), 0);
	assert_string_equal(k.client_email, "sync@convene-test.iam.gserviceaccount.com");
	assert_string_equal(k.client_id, "112233445566778899001");
	assert_string_equal(k.private_key_id, "0123456789abcdef0123456789abcdef01234567");
	assert_string_equal(k.project_id, "convene-test");
	assert_string_equal(k.token_uri, "https://oauth2.googleapis.com/token");
	assert_string_equal(k.private_key, rsa_pem);
	sync_sa_key_free(&k);
	assert_null(k.private_key);
	/* project_id is optional */
	json_t *f = key_file(rsa_pem);
	json_object_del(f, "project_id");
	assert_int_equal(parse(f, &k, err, sizeof err), 0);
	assert_string_equal(k.project_id, "");
	sync_sa_key_free(&k);
}

static void the_jwt_verifies_with_the_public_half(void **state)
{
	struct jwt_claims c = {"sync@convene-test.iam.gserviceaccount.com",
			       "https://www.googleapis.com/auth/calendar",
			       "https://oauth2.googleapis.com/token",
			       "admin@example.com",
			       1800000000,
			       1800003600};
	char *jwt = NULL, err[256] = "";
	assert_int_equal(jwt_sign_rs256(rsa_pem, "abc123", &c, &jwt, err, sizeof err), 0);
	/* three base64url parts, no padding */
	const char *d1 = strchr(jwt, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	assert_non_null(d2);
	assert_null(strchr(d2 + 1, '.'));
	assert_null(strpbrk(jwt, "=+/"));
	size_t n;
	char *h = part(jwt, 0, &n);
	assert_string_equal(h, "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"abc123\"}");
	free(h);
	char *cl = part(jwt, 1, &n);
	json_t *claims = json_loads(cl, 0, NULL);
	free(cl);
	assert_non_null(claims);
	assert_string_equal(json_string_value(json_object_get(claims, "iss")), c.iss);
	assert_string_equal(json_string_value(json_object_get(claims, "scope")), c.scope);
	assert_string_equal(json_string_value(json_object_get(claims, "aud")), c.aud);
	assert_string_equal(json_string_value(json_object_get(claims, "sub")), "admin@example.com");
	assert_int_equal(json_integer_value(json_object_get(claims, "iat")), 1800000000);
	assert_int_equal(json_integer_value(json_object_get(claims, "exp")), 1800003600);
	assert_int_equal(json_object_size(claims), 6);
	json_decref(claims);
	/* the signature: RSASSA-PKCS1-v1_5 SHA-256 over "header.claims" */
	char *sig = part(jwt, 2, &n);
	assert_int_equal(n, 256);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, rsa), 1);
	assert_int_equal(EVP_DigestVerify(md, (unsigned char *)sig, n, (const unsigned char *)jwt, (size_t)(d2 - jwt)),
			 1);
	/* one byte of the claims changed: no longer verifies */
	char *forged = strdup(jwt);
	forged[(d1 - jwt) + 3] ^= 1;
	EVP_MD_CTX_reset(md);
	assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, rsa), 1);
	assert_int_not_equal(
		EVP_DigestVerify(md, (unsigned char *)sig, n, (const unsigned char *)forged, (size_t)(d2 - jwt)), 1);
	EVP_MD_CTX_free(md);
	free(forged);
	free(sig);
	free(jwt);
	/* without sub: the service account as itself */
	c.sub = NULL;
	assert_int_equal(jwt_sign_rs256(rsa_pem, "abc123", &c, &jwt, err, sizeof err), 0);
	cl = part(jwt, 1, &n);
	claims = json_loads(cl, 0, NULL);
	assert_null(json_object_get(claims, "sub"));
	json_decref(claims);
	free(cl);
	free(jwt);
}

/* whether sig verifies over the n bytes of msg with rsa's public half:
 * PS256 (RSASSA-PSS, SHA-256, MGF1-SHA-256, a salt of exactly 32 bytes: RFC
 * 7518 §3.5) when pss, else RS256 (PKCS#1 v1.5) */
static int verifies(int pss, const char *sig, size_t siglen, const char *msg, size_t n)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pk = NULL;
	assert_int_equal(EVP_DigestVerifyInit(md, &pk, EVP_sha256(), NULL, rsa), 1);
	if (pss) {
		assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(pk, RSA_PKCS1_PSS_PADDING), 1);
		assert_int_equal(EVP_PKEY_CTX_set_rsa_pss_saltlen(pk, 32), 1);
		assert_int_equal(EVP_PKEY_CTX_set_rsa_mgf1_md(pk, EVP_sha256()), 1);
	}
	int ok = EVP_DigestVerify(md, (const unsigned char *)sig, siglen, (const unsigned char *)msg, n) == 1;
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return ok;
}

/* Microsoft's client assertion as the current "certificate credentials" page
 * says: PS256, x5t#S256 (and x5t) in the header, aud/iss/sub/jti/nbf/exp */
static void a_client_assertion_names_its_certificate(void **state)
{
	const char *cid = "6731de76-14a6-49ae-97bc-6eba6914391e",
		   *aud = "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token";
	char *jwt = NULL, *again = NULL, err[256] = "";
	assert_int_equal(
		jwt_sign_client_assertion(rsa_pem, "c2hhMQ", "dGh1bWI", cid, aud, 1800000000, &jwt, err, sizeof err),
		0);
	size_t n;
	char *h = part(jwt, 0, &n);
	assert_string_equal(h, "{\"alg\":\"PS256\",\"typ\":\"JWT\",\"x5t#S256\":\"dGh1bWI\",\"x5t\":\"c2hhMQ\"}");
	free(h);
	char *cl = part(jwt, 1, &n);
	json_t *claims = json_loads(cl, 0, NULL);
	free(cl);
	assert_string_equal(json_string_value(json_object_get(claims, "aud")), aud);
	assert_string_equal(json_string_value(json_object_get(claims, "iss")), cid);
	assert_string_equal(json_string_value(json_object_get(claims, "sub")), cid);
	assert_int_equal(strlen(json_string_value(json_object_get(claims, "jti"))), 32);
	assert_int_equal(json_integer_value(json_object_get(claims, "nbf")), 1800000000);
	assert_int_equal(json_integer_value(json_object_get(claims, "exp")), 1800000000 + JWT_ASSERTION_LIFETIME);
	/* each assertion has its own jti: Entra refuses a replay */
	assert_int_equal(
		jwt_sign_client_assertion(rsa_pem, "c2hhMQ", "dGh1bWI", cid, aud, 1800000000, &again, err, sizeof err),
		0);
	char *cl2 = part(again, 1, &n);
	json_t *claims2 = json_loads(cl2, 0, NULL);
	free(cl2);
	assert_string_not_equal(json_string_value(json_object_get(claims, "jti")),
				json_string_value(json_object_get(claims2, "jti")));
	json_decref(claims);
	json_decref(claims2);
	/* signed PS256 with the key: verifies with the public half and PSS's
	 * parameters, not as RS256; a byte of the claims or of the signature
	 * changed no longer verifies */
	const char *d2 = strrchr(jwt, '.');
	size_t signed_len = (size_t)(d2 - jwt);
	char *sig = part(jwt, 2, &n);
	assert_int_equal(n, 256);
	assert_true(verifies(1, sig, n, jwt, signed_len));
	assert_false(verifies(0, sig, n, jwt, signed_len));
	char *forged = strdup(jwt);
	forged[strchr(jwt, '.') - jwt + 3] ^= 1;
	assert_false(verifies(1, sig, n, forged, signed_len));
	free(forged);
	sig[n / 2] ^= 1;
	assert_false(verifies(1, sig, n, jwt, signed_len));
	free(sig);
	/* the second assertion (its own jti) is signed the same way */
	char *sig2 = part(again, 2, &n);
	assert_true(verifies(1, sig2, n, again, (size_t)(strrchr(again, '.') - again)));
	free(sig2);
	free(jwt);
	free(again);
	/* an EC key cannot sign PS256; a missing thumbprint is refused */
	assert_int_equal(
		jwt_sign_client_assertion(ec_pem, "c2hhMQ", "dGh1bWI", cid, aud, 1800000000, &jwt, err, sizeof err),
		E_INVALID);
	assert_null(jwt);
	assert_int_equal(jwt_sign_client_assertion(rsa_pem, "c2hhMQ", "", cid, aud, 1800000000, &jwt, err, sizeof err),
			 E_INVALID);
	assert_null(jwt);
}

static void claims_out_of_bounds_are_refused(void **state)
{
	struct jwt_claims c = {"a@b.iam.gserviceaccount.com",
			       "s",
			       "https://oauth2.googleapis.com/token",
			       NULL,
			       1800000000,
			       1800003601};
	char *jwt = NULL, err[256] = "";
	assert_int_equal(jwt_sign_rs256(rsa_pem, "k", &c, &jwt, err, sizeof err), E_INVALID);
	assert_non_null(strstr(err, "exp"));
	c.exp = c.iat;
	assert_int_equal(jwt_sign_rs256(rsa_pem, "k", &c, &jwt, err, sizeof err), E_INVALID);
	c.exp = c.iat + 60;
	c.scope = NULL;
	assert_int_equal(jwt_sign_rs256(rsa_pem, "k", &c, &jwt, err, sizeof err), E_INVALID);
	assert_non_null(strstr(err, "scope"));
	assert_null(jwt);
}

static void keys_that_cannot_sign_rs256_are_refused_by_name(void **state)
{
	struct sync_sa_key k;
	char err[256], *jwt = NULL;
	struct jwt_claims c = {"a@b.iam.gserviceaccount.com",
			       "s",
			       "https://oauth2.googleapis.com/token",
			       NULL,
			       1800000000,
			       1800000060};
	/* an EC key */
	assert_int_equal(parse(key_file(ec_pem), &k, err, sizeof err), E_INVALID);
	assert_non_null(strstr(err, "private_key: not an RSA key"));
	assert_null(k.private_key);
	assert_int_equal(jwt_sign_rs256(ec_pem, "k", &c, &jwt, err, sizeof err), E_INVALID);
	assert_non_null(strstr(err, "not an RSA key"));
	/* too small an RSA key */
	assert_int_equal(parse(key_file(small_pem), &k, err, sizeof err), E_INVALID);
	assert_non_null(strstr(err, "1024 bits"));
	/* a damaged PEM: a base64 line broken; its text is never repeated */
	char *bad = strdup(rsa_pem);
	char *body = strchr(bad, '\n') + 1;
	memcpy(body + 10, "!!!!", 4);
	assert_int_equal(parse(key_file(bad), &k, err, sizeof err), E_INVALID);
	assert_string_equal(err, "private_key: not a readable PEM private key");
	assert_int_equal(jwt_sign_rs256(bad, "k", &c, &jwt, err, sizeof err), E_INVALID);
	assert_int_equal(parse(key_file("not a key"), &k, err, sizeof err), E_INVALID);
	assert_string_equal(err, "private_key: not a readable PEM private key");
	/* an encrypted key: refused, never a passphrase prompt */
	BIO *b = BIO_new(BIO_s_mem());
	assert_int_equal(PEM_write_bio_PKCS8PrivateKey(b, rsa, EVP_aes_128_cbc(), "pw", 2, NULL, NULL), 1);
	char *data;
	long n = BIO_get_mem_data(b, &data);
	char *enc = strndup(data, (size_t)n);
	BIO_free(b);
	assert_int_equal(parse(key_file(enc), &k, err, sizeof err), E_INVALID);
	assert_string_equal(err, "private_key: not a readable PEM private key");
	free(enc);
	free(bad);
	assert_null(jwt);
}

static void each_field_is_checked_by_name(void **state)
{
	struct sync_sa_key k;
	char err[256];
	static const char *required[] = {"type",           "client_email", "client_id",
					 "private_key_id", "private_key",  "token_uri"};
	for (size_t i = 0; i < sizeof required / sizeof *required; i++) {
		json_t *f = key_file(rsa_pem);
		json_object_del(f, required[i]);
		assert_int_equal(parse(f, &k, err, sizeof err), E_INVALID);
		char want[64];
		snprintf(want, sizeof want, "%s: missing", required[i]);
		assert_string_equal(err, want);
		assert_null(k.private_key);
	}
	static const struct {
		const char *name, *value, *says;
	} wrong[] = {
		{"type", "authorized_user", "type: not \"service_account\""},
		{"client_email", "nobody", "client_email: not an e-mail address"},
		{"client_email", "a b@c.com", "client_email: not of the expected form"},
		{"client_id", "12ab", "client_id: not of the expected form"},
		{"client_id", "", "client_id: empty"},
		{"private_key_id", "xyz", "private_key_id: not of the expected form"},
		{"token_uri", "oauth2.googleapis.com/token", "token_uri: not an http(s) URL"},
		{"project_id", "a b", "project_id: not of the expected form"},
	};
	for (size_t i = 0; i < sizeof wrong / sizeof *wrong; i++) {
		json_t *f = key_file(rsa_pem);
		json_object_set_new(f, wrong[i].name, json_string(wrong[i].value));
		assert_int_equal(parse(f, &k, err, sizeof err), E_INVALID);
		assert_non_null(strstr(err, wrong[i].says));
	}
	json_t *f = key_file(rsa_pem);
	json_object_set_new(f, "client_id", json_integer(12));
	assert_int_equal(parse(f, &k, err, sizeof err), E_INVALID);
	assert_string_equal(err, "client_id: not a string");
	/* not JSON, not an object, too large */
	assert_int_equal(sync_sa_key_parse("{\"type\":", 8, &k, err, sizeof err), E_INVALID);
	assert_non_null(strstr(err, "not a JSON object"));
	assert_int_equal(sync_sa_key_parse("[1]", 3, &k, err, sizeof err), E_INVALID);
	char *big = calloc(1, SYNC_KEY_FILE_MAX + 2);
	memset(big, ' ', SYNC_KEY_FILE_MAX + 1);
	assert_int_equal(sync_sa_key_parse(big, SYNC_KEY_FILE_MAX + 1, &k, err, sizeof err), E_TOOLARGE);
	free(big);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_google_key_file_is_read),
		cmocka_unit_test(the_jwt_verifies_with_the_public_half),
		cmocka_unit_test(a_client_assertion_names_its_certificate),
		cmocka_unit_test(claims_out_of_bounds_are_refused),
		cmocka_unit_test(keys_that_cannot_sign_rs256_are_refused_by_name),
		cmocka_unit_test(each_field_is_checked_by_name),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
