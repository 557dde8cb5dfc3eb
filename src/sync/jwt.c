/* Google's service account key file, the RS256 JWT of its JWT bearer grant
 * and Microsoft's PS256 client assertion (sync/jwt.h), with libcrypto's EVP
 * interface (the key type checked before any signing; PKCS#1 v1.5 padding is
 * RSA's default for DigestSign, PSS is asked for) and libsodium's base64url. */
#include "sync/jwt.h"

#include <jansson.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"

/* never a prompt on the terminal for an encrypted key: refused instead */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf, (void)size, (void)rwflag, (void)u;
	return -1;
}

/* the PEM as an RSA key fit for RS256 and PS256; libcrypto's error queue is emptied
 * (it is per thread, and its text could quote the input) */
static int load_rsa(const char *pem, EVP_PKEY **out, char *err, size_t errlen)
{
	*out = NULL;
	size_t n = pem ? strlen(pem) : 0;
	if (!n || n > SYNC_PEM_MAX) {
		snprintf(err, errlen, "private_key: %s", n ? "too long" : "missing");
		return E_INVALID;
	}
	BIO *b = BIO_new_mem_buf(pem, (int)n);
	if (!b)
		return E_NOMEM;
	EVP_PKEY *k = PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL);
	BIO_free(b);
	ERR_clear_error();
	if (!k) {
		snprintf(err, errlen, "private_key: not a readable PEM private key");
		return E_INVALID;
	}
	if (EVP_PKEY_get_base_id(k) != EVP_PKEY_RSA) {
		snprintf(err, errlen, "private_key: not an RSA key (RS256 and PS256 need one)");
		EVP_PKEY_free(k);
		return E_INVALID;
	}
	int bits = EVP_PKEY_get_bits(k);
	if (bits < JWT_RSA_BITS_MIN) {
		snprintf(err, errlen, "private_key: an RSA key of %d bits (at least %d)", bits, JWT_RSA_BITS_MIN);
		EVP_PKEY_free(k);
		return E_INVALID;
	}
	*out = k;
	return 0;
}

/* a member that must be a string of 1 to max bytes whose every byte passes
 * ok(); err names it */
static int field(json_t *o, const char *name, size_t max, int (*ok)(int c), const char **out, char *err, size_t errlen)
{
	json_t *v = json_object_get(o, name);
	*out = NULL;
	if (!v) {
		snprintf(err, errlen, "%s: missing", name);
		return E_INVALID;
	}
	if (!json_is_string(v)) {
		snprintf(err, errlen, "%s: not a string", name);
		return E_INVALID;
	}
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (!n || n > max || strlen(s) != n) {
		snprintf(err, errlen, "%s: %s", name, !n ? "empty" : n > max ? "too long" : "holds a NUL");
		return E_INVALID;
	}
	for (size_t i = 0; ok && i < n; i++)
		if (!ok((unsigned char)s[i])) {
			snprintf(err, errlen, "%s: not of the expected form", name);
			return E_INVALID;
		}
	*out = s;
	return 0;
}

static int graphic(int c)
{
	return c > 0x20 && c < 0x7f;
}

static int digit(int c)
{
	return c >= '0' && c <= '9';
}

static int hex(int c)
{
	return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* a PEM's characters: base64, its armour, line ends */
static int pem_char(int c)
{
	return graphic(c) || c == ' ' || c == '\n' || c == '\r';
}

/* local@domain with a dot in the domain, as Google's service accounts are */
static int email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	return at && at > s && !strchr(at + 1, '@') && strchr(at + 1, '.') && at[1] != '.' && s[strlen(s) - 1] != '.';
}

static int url_ok(const char *s)
{
	const char *rest = !strncmp(s, "https://", 8) ? s + 8 : !strncmp(s, "http://", 7) ? s + 7 : NULL;
	return rest && *rest && *rest != '/';
}

/* jansson keeps its own copy of the key's text: wiped before it is freed */
static void wipe_member(json_t *o, const char *name)
{
	json_t *v = json_object_get(o, name);
	if (json_is_string(v))
		sodium_memzero((char *)json_string_value(v), json_string_length(v));
}

int sync_sa_key_parse(const char *json, size_t len, struct sync_sa_key *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (len > SYNC_KEY_FILE_MAX) {
		snprintf(err, errlen, "service account key: larger than %d bytes", SYNC_KEY_FILE_MAX);
		return E_TOOLARGE;
	}
	json_error_t je;
	json_t *o = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (!o || !json_is_object(o)) {
		/* je.text may quote the input: only where */
		snprintf(err, errlen, "service account key: not a JSON object%s", o ? "" : " (invalid JSON)");
		json_decref(o);
		return E_INVALID;
	}
	const char *type, *email, *cid, *kid, *pem, *uri, *project = NULL;
	EVP_PKEY *k = NULL;
	int rc = field(o, "type", 64, graphic, &type, err, errlen);
	if (!rc && strcmp(type, "service_account")) {
		snprintf(err, errlen, "type: not \"service_account\" (a key of a service account is needed)");
		rc = E_INVALID;
	}
	if (!rc)
		rc = field(o, "client_email", sizeof out->client_email - 1, graphic, &email, err, errlen);
	if (!rc && !email_ok(email)) {
		snprintf(err, errlen, "client_email: not an e-mail address");
		rc = E_INVALID;
	}
	if (!rc)
		rc = field(o, "client_id", sizeof out->client_id - 1, digit, &cid, err, errlen);
	if (!rc)
		rc = field(o, "private_key_id", sizeof out->private_key_id - 1, hex, &kid, err, errlen);
	if (!rc)
		rc = field(o, "token_uri", sizeof out->token_uri - 1, graphic, &uri, err, errlen);
	if (!rc && !url_ok(uri)) {
		snprintf(err, errlen, "token_uri: not an http(s) URL");
		rc = E_INVALID;
	}
	if (!rc && json_object_get(o, "project_id"))
		rc = field(o, "project_id", sizeof out->project_id - 1, graphic, &project, err, errlen);
	if (!rc)
		rc = field(o, "private_key", SYNC_PEM_MAX, pem_char, &pem, err, errlen);
	if (!rc)
		rc = load_rsa(pem, &k, err, errlen);
	if (!rc && !(out->private_key = strdup(pem)))
		rc = E_NOMEM;
	if (!rc) {
		snprintf(out->client_email, sizeof out->client_email, "%s", email);
		snprintf(out->client_id, sizeof out->client_id, "%s", cid);
		snprintf(out->private_key_id, sizeof out->private_key_id, "%s", kid);
		snprintf(out->token_uri, sizeof out->token_uri, "%s", uri);
		snprintf(out->project_id, sizeof out->project_id, "%s", project ? project : "");
	}
	EVP_PKEY_free(k);
	wipe_member(o, "private_key");
	json_decref(o);
	if (rc)
		sync_sa_key_free(out);
	return rc;
}

void sync_sa_key_free(struct sync_sa_key *k)
{
	if (k->private_key) {
		sodium_memzero(k->private_key, strlen(k->private_key));
		free(k->private_key);
	}
	memset(k, 0, sizeof *k);
}

/* base64url of n bytes, no padding, appended at *p (room counted by the caller) */
static char *b64url(char *p, const void *bin, size_t n)
{
	size_t room = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_bin2base64(p, room, bin, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return p + strlen(p);
}

/* header and claims as compact JSON, each base64url, signed with the PEM's
 * private key over SHA-256: RS256 (PKCS#1 v1.5), or PS256 when pss (RFC 7518
 * §3.5: RSASSA-PSS, MGF1 with SHA-256, a salt as long as the hash). *out is
 * malloc'd "header.claims.signature" */
static int sign_parts(const char *pem, int pss, json_t *h, json_t *cl, char **out, char *err, size_t errlen)
{
	EVP_PKEY *k = NULL;
	EVP_MD_CTX *md = NULL;
	EVP_PKEY_CTX *pk = NULL; /* md's, freed with it */
	char *head = NULL, *claims = NULL, *text = NULL;
	unsigned char *sig = NULL;
	size_t siglen = 0;
	int rc = E_NOMEM;
	if (!(head = json_dumps(h, JSON_COMPACT | JSON_PRESERVE_ORDER)) ||
	    !(claims = json_dumps(cl, JSON_COMPACT | JSON_PRESERVE_ORDER)))
		goto out;
	if ((rc = load_rsa(pem, &k, err, errlen)))
		goto out;
	rc = E_NOMEM;
	siglen = (size_t)EVP_PKEY_get_size(k);
	size_t hl = strlen(head), cll = strlen(claims);
	size_t room = sodium_base64_ENCODED_LEN(hl, sodium_base64_VARIANT_URLSAFE_NO_PADDING) +
		      sodium_base64_ENCODED_LEN(cll, sodium_base64_VARIANT_URLSAFE_NO_PADDING) +
		      sodium_base64_ENCODED_LEN(siglen, sodium_base64_VARIANT_URLSAFE_NO_PADDING) + 2;
	if (!(text = malloc(room)) || !(sig = malloc(siglen)) || !(md = EVP_MD_CTX_new()))
		goto out;
	char *p = b64url(text, head, hl);
	*p++ = '.';
	p = b64url(p, claims, cll);
	size_t signed_len = (size_t)(p - text);
	if (EVP_DigestSignInit(md, &pk, EVP_sha256(), NULL, k) != 1 ||
	    (pss && (EVP_PKEY_CTX_set_rsa_padding(pk, RSA_PKCS1_PSS_PADDING) != 1 ||
		     EVP_PKEY_CTX_set_rsa_pss_saltlen(pk, RSA_PSS_SALTLEN_DIGEST) != 1 ||
		     EVP_PKEY_CTX_set_rsa_mgf1_md(pk, EVP_sha256()) != 1)) ||
	    EVP_DigestSign(md, sig, &siglen, (const unsigned char *)text, signed_len) != 1) {
		ERR_clear_error();
		snprintf(err, errlen, "private_key: libcrypto could not sign with it");
		rc = E_INVALID;
		goto out;
	}
	*p++ = '.';
	b64url(p, sig, siglen);
	*out = text;
	text = NULL;
	rc = 0;
out:
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(k);
	free(sig);
	free(text);
	free(head);
	free(claims);
	return rc;
}

int jwt_sign_rs256(const char *pem, const char *kid, const struct jwt_claims *c, char **out, char *err, size_t errlen)
{
	*out = NULL;
	if (!kid || !*kid || !c->iss || !*c->iss || !c->scope || !*c->scope || !c->aud || !*c->aud ||
	    (c->sub && !*c->sub)) {
		snprintf(err, errlen, "JWT: kid, iss, scope and aud are needed (sub, when given, not empty)");
		return E_INVALID;
	}
	if (c->exp <= c->iat || c->exp - c->iat > JWT_LIFETIME_MAX) {
		snprintf(err, errlen, "JWT: exp must be after iat, by at most %d seconds", JWT_LIFETIME_MAX);
		return E_INVALID;
	}
	json_t *h = json_pack("{s:s, s:s, s:s}", "alg", "RS256", "typ", "JWT", "kid", kid);
	json_t *cl = json_pack("{s:s, s:s, s:s, s:I, s:I}", "iss", c->iss, "scope", c->scope, "aud", c->aud, "exp",
			       (json_int_t)c->exp, "iat", (json_int_t)c->iat);
	int rc = E_NOMEM;
	if (h && cl && !(c->sub && json_object_set_new(cl, "sub", json_string(c->sub))))
		rc = sign_parts(pem, 0, h, cl, out, err, errlen);
	json_decref(h);
	json_decref(cl);
	return rc;
}

int jwt_sign_client_assertion(const char *pem, const char *x5t, const char *x5t_s256, const char *client_id,
			      const char *aud, int64_t now, char **out, char *err, size_t errlen)
{
	*out = NULL;
	if (!x5t || !*x5t || !x5t_s256 || !*x5t_s256 || !client_id || !*client_id || !aud || !*aud) {
		snprintf(err, errlen, "JWT: x5t, x5t#S256, client id and aud are needed");
		return E_INVALID;
	}
	unsigned char nonce[16];
	char jti[sizeof nonce * 2 + 1];
	randombytes_buf(nonce, sizeof nonce);
	sodium_bin2hex(jti, sizeof jti, nonce, sizeof nonce);
	json_t *h = json_pack("{s:s, s:s, s:s, s:s}", "alg", "PS256", "typ", "JWT", "x5t#S256", x5t_s256, "x5t", x5t);
	json_t *cl = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "aud", aud, "iss", client_id, "sub", client_id,
			       "jti", jti, "nbf", (json_int_t)now, "iat", (json_int_t)now, "exp",
			       (json_int_t)(now + JWT_ASSERTION_LIFETIME));
	int rc = h && cl ? sign_parts(pem, 1, h, cl, out, err, errlen) : E_NOMEM;
	json_decref(h);
	json_decref(cl);
	return rc;
}
