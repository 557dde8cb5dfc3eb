/* Microsoft 365's certificate credential (sync/certificate.h): libcrypto
 * reads the PEM blocks, compares the key with the certificate and computes
 * the thumbprints; its error queue is emptied after each read since its text
 * could quote the input. */
#include "sync/certificate.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/errors.h"
#include "sync/jwt.h"

/* an encrypted key is refused, never a prompt on the terminal */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf, (void)size, (void)rwflag, (void)u;
	return -1;
}

static int refuse(char *err, size_t errlen, const char *why)
{
	snprintf(err, errlen, "certificate: %s", why);
	return E_INVALID;
}

int sync_cert_parse(const char *pem, size_t len, int64_t now, struct sync_cert *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (!len)
		return refuse(err, errlen, "the PEM text is empty");
	if (len > SYNC_CERT_PEM_MAX)
		return refuse(err, errlen, "the PEM text is longer than 16384 bytes");
	if (strlen(pem) != len || !strstr(pem, "-----BEGIN "))
		return refuse(err, errlen, "not PEM text (-----BEGIN CERTIFICATE----- and the private key expected)");
	X509 *x = NULL;
	EVP_PKEY *k = NULL;
	unsigned char *der = NULL;
	int rc = E_INVALID;
	BIO *b = BIO_new_mem_buf(pem, (int)len);
	if (!b)
		return E_NOMEM;
	x = PEM_read_bio_X509(b, NULL, no_passphrase, NULL);
	ERR_clear_error();
	if (!x) {
		rc = refuse(err, errlen, "no X.509 certificate (-----BEGIN CERTIFICATE-----) in the PEM text");
		goto out;
	}
	BIO_free(b);
	if (!(b = BIO_new_mem_buf(pem, (int)len))) {
		rc = E_NOMEM;
		goto out;
	}
	k = PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL);
	ERR_clear_error();
	if (!k) {
		rc = refuse(err, errlen, "no unencrypted private key in the PEM text (add the certificate's key)");
		goto out;
	}
	if (EVP_PKEY_get_base_id(k) != EVP_PKEY_RSA) {
		rc = refuse(err, errlen, "the private key is not an RSA key (Microsoft's PS256 needs one)");
		goto out;
	}
	if (EVP_PKEY_get_bits(k) < JWT_RSA_BITS_MIN) {
		char why[96];
		snprintf(why, sizeof why, "the RSA key has %d bits (at least %d)", EVP_PKEY_get_bits(k),
			 JWT_RSA_BITS_MIN);
		rc = refuse(err, errlen, why);
		goto out;
	}
	if (X509_check_private_key(x, k) != 1) {
		ERR_clear_error();
		rc = refuse(err, errlen, "the private key does not belong to the certificate");
		goto out;
	}
	struct tm tm;
	if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) != 1) {
		rc = refuse(err, errlen, "the certificate's expiry date cannot be read");
		goto out;
	}
	out->not_after = (int64_t)timegm(&tm);
	if (out->not_after <= now) {
		char why[96], day[32];
		strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%SZ", &tm);
		snprintf(why, sizeof why, "the certificate expired on %s", day);
		rc = refuse(err, errlen, why);
		goto out;
	}
	int dlen = i2d_X509(x, &der);
	if (dlen <= 0) {
		ERR_clear_error();
		rc = E_NOMEM;
		goto out;
	}
	unsigned char sha1[20], sha256[32];
	if (!EVP_Digest(der, (size_t)dlen, sha1, NULL, EVP_sha1(), NULL) ||
	    !EVP_Digest(der, (size_t)dlen, sha256, NULL, EVP_sha256(), NULL)) {
		ERR_clear_error();
		rc = E_NOMEM;
		goto out;
	}
	for (int i = 0; i < 20; i++)
		snprintf(out->thumbprint + 2 * i, 3, "%02X", sha1[i]);
	sodium_bin2base64(out->x5t, sizeof out->x5t, sha1, sizeof sha1, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_bin2base64(out->x5t_s256, sizeof out->x5t_s256, sha256, sizeof sha256,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	rc = 0;
out:
	OPENSSL_free(der);
	EVP_PKEY_free(k);
	X509_free(x);
	BIO_free(b);
	if (rc)
		out->not_after = 0;
	return rc;
}
