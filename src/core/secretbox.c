/* The secret box: libsodium's crypto_secretbox_easy under the data
 * directory's key, loaded once before threads start and read-only after, so
 * sealing and opening need no lock. */
#include "core/secretbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/errors.h"

#define PREFIX "sb1:"
#define PREFIX_LEN 4
#define VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING

static unsigned char key[crypto_secretbox_KEYBYTES];
static int loaded;

int secretbox_load(const char *path, char *err, size_t errlen)
{
	unsigned char tmp[crypto_secretbox_KEYBYTES + 1];
	int rc = E_IO;
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium cannot start");
		return E_IO;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return errno == ENOENT ? E_NOTFOUND : E_IO;
	}
	struct stat st;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s is not a regular file", path);
		goto out;
	}
	/* one more byte than a key: a longer file is refused, never cut short */
	ssize_t got = 0, r;
	while ((size_t)got < sizeof tmp && (r = read(fd, tmp + got, sizeof tmp - (size_t)got)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
			goto out;
		}
		got += r;
	}
	if (got != crypto_secretbox_KEYBYTES) {
		snprintf(err, errlen, "%s must hold exactly %d raw bytes (it holds %s%zd)", path,
			 crypto_secretbox_KEYBYTES, (size_t)got == sizeof tmp ? "more than " : "", got);
		rc = E_INVALID;
		goto out;
	}
	memcpy(key, tmp, sizeof key);
	sodium_mlock(key, sizeof key); /* best effort: keep it out of swap */
	loaded = 1;
	rc = 0;
out:
	sodium_memzero(tmp, sizeof tmp);
	close(fd);
	return rc;
}

int secretbox_create(const char *path, char *err, size_t errlen)
{
	unsigned char k[crypto_secretbox_KEYBYTES];
	int rc = E_IO;
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium cannot start");
		return E_IO;
	}
	crypto_secretbox_keygen(k);
	/* O_EXCL: a key that exists is never replaced (secrets sealed with it
	 * would be lost) */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		goto out;
	}
	if (write(fd, k, sizeof k) != (ssize_t)sizeof k || fsync(fd)) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		goto out;
	}
	if (close(fd)) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		unlink(path);
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(k, sizeof k);
	return rc;
}

int secretbox_ready(void)
{
	return loaded;
}

int secretbox_seal(const void *plain, size_t n, char **sealed)
{
	*sealed = NULL;
	if (!loaded)
		return E_INVALID;
	if (n > (size_t)1 << 24)
		return E_TOOLARGE;
	size_t raw_len = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
	unsigned char *raw = malloc(raw_len);
	size_t txt_len = PREFIX_LEN + sodium_base64_ENCODED_LEN(raw_len, VARIANT);
	char *txt = malloc(txt_len);
	if (!raw || !txt) {
		free(raw);
		free(txt);
		return E_NOMEM;
	}
	randombytes_buf(raw, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(raw + crypto_secretbox_NONCEBYTES, plain, n, raw, key);
	memcpy(txt, PREFIX, PREFIX_LEN);
	sodium_bin2base64(txt + PREFIX_LEN, txt_len - PREFIX_LEN, raw, raw_len, VARIANT);
	free(raw);
	*sealed = txt;
	return 0;
}

int secretbox_open(const char *sealed, char **plain, size_t *n)
{
	*plain = NULL;
	if (n)
		*n = 0;
	if (!loaded || !sealed || strncmp(sealed, PREFIX, PREFIX_LEN))
		return E_INVALID;
	const char *b64 = sealed + PREFIX_LEN;
	size_t b64_len = strlen(b64);
	size_t cap = b64_len / 4 * 3 + 3, raw_len = 0;
	unsigned char *raw = malloc(cap);
	if (!raw)
		return E_NOMEM;
	int rc = E_INVALID;
	const char *end = NULL;
	if (sodium_base642bin(raw, cap, b64, b64_len, NULL, &raw_len, &end, VARIANT) || end != b64 + b64_len ||
	    raw_len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
		goto out;
	size_t box_len = raw_len - crypto_secretbox_NONCEBYTES;
	size_t plain_len = box_len - crypto_secretbox_MACBYTES;
	char *p = malloc(plain_len + 1);
	if (!p) {
		rc = E_NOMEM;
		goto out;
	}
	if (crypto_secretbox_open_easy((unsigned char *)p, raw + crypto_secretbox_NONCEBYTES, box_len, raw, key)) {
		free(p);
		goto out;
	}
	p[plain_len] = 0;
	*plain = p;
	if (n)
		*n = plain_len;
	rc = 0;
out:
	free(raw);
	return rc;
}

void secretbox_forget(void)
{
	sodium_memzero(key, sizeof key);
	if (loaded)
		sodium_munlock(key, sizeof key);
	loaded = 0;
}
