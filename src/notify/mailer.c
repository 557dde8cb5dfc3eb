/* libcurl SMTP. Bodies that are not plain ASCII are sent base64-encoded, so
 * that no relay needs 8BITMIME; lines are CRLF and at most 76 characters. */
#include "notify/mailer.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/errors.h"

static int is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80 || (*s < 0x20 && *s != '\n' && *s != '\r' && *s != '\t'))
			return 0;
	return 1;
}

static int b64(const unsigned char *p, size_t n, struct buf *out)
{
	char *tmp = malloc(sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL));
	if (!tmp)
		return E_NOMEM;
	sodium_bin2base64(tmp, sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL), p, n,
			  sodium_base64_VARIANT_ORIGINAL);
	int rc = buf_puts(out, tmp);
	free(tmp);
	return rc;
}

int mailer_encode_header(const char *s, struct buf *out)
{
	if (is_ascii(s) && !strstr(s, "=?") && !strchr(s, '\n') && !strchr(s, '\r'))
		return buf_puts(out, s);
	/* encoded words of at most 45 input bytes, split on UTF-8 character boundaries */
	size_t n = strlen(s), i = 0;
	int rc = 0;
	while (i < n && !rc) {
		size_t len = n - i > 45 ? 45 : n - i;
		while (i + len < n && ((unsigned char)s[i + len] & 0xC0) == 0x80)
			len--;
		if (i)
			rc = buf_puts(out, "\r\n ");
		if (!rc)
			rc = buf_puts(out, "=?UTF-8?B?");
		if (!rc)
			rc = b64((const unsigned char *)s + i, len, out);
		if (!rc)
			rc = buf_puts(out, "?=");
		i += len;
	}
	return rc;
}

/* CRLF line ends, and a leading dot doubled is left to libcurl (it does it) */
static int append_text(const char *s, struct buf *out)
{
	int rc = 0;
	for (; *s && !rc; s++) {
		if (*s == '\r')
			continue;
		rc = *s == '\n' ? buf_puts(out, "\r\n") : buf_append(out, s, 1);
	}
	return rc;
}

int mailer_format(const struct mail *m, long long date, struct buf *out)
{
	char when[64];
	time_t t = (time_t)date;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(when, sizeof when, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	int rc = buf_printf(out, "Date: %s\r\nFrom: %s\r\nTo: %s\r\nMessage-ID: <%s@%s>\r\nSubject: ", when,
			    m->from, m->to, m->message_id, m->domain ? m->domain : "convene");
	if (!rc)
		rc = mailer_encode_header(m->subject, out);
	if (!rc)
		rc = buf_puts(out, "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
				   "Auto-Submitted: auto-generated\r\n");
	if (rc)
		return rc;
	if (is_ascii(m->body)) {
		rc = buf_puts(out, "Content-Transfer-Encoding: 7bit\r\n\r\n");
		if (!rc)
			rc = append_text(m->body, out);
	} else {
		struct buf crlf = {0}, enc = {0};
		rc = buf_puts(out, "Content-Transfer-Encoding: base64\r\n\r\n");
		if (!rc)
			rc = append_text(m->body, &crlf);
		if (!rc)
			rc = b64((const unsigned char *)crlf.data, crlf.len, &enc);
		for (size_t i = 0; !rc && i < enc.len; i += 76) {
			rc = buf_append(out, enc.data + i, enc.len - i > 76 ? 76 : enc.len - i);
			if (!rc)
				rc = buf_puts(out, "\r\n");
		}
		buf_free(&crlf);
		buf_free(&enc);
	}
	if (!rc && (out->len < 2 || strcmp(out->data + out->len - 2, "\r\n")))
		rc = buf_puts(out, "\r\n");
	return rc;
}

struct reader {
	const char *p;
	size_t left;
};

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct reader *r = arg;
	size_t n = size * nmemb < r->left ? size * nmemb : r->left;
	memcpy(dst, r->p, n);
	r->p += n;
	r->left -= n;
	return n;
}

int mailer_send(const char *smtp_url, const struct mail *m, char *err, size_t errlen)
{
	struct buf msg = {0};
	int rc = mailer_format(m, (long long)time(NULL), &msg);
	if (rc) {
		snprintf(err, errlen, "cannot format the message");
		return rc;
	}
	CURL *c = curl_easy_init();
	if (!c) {
		buf_free(&msg);
		snprintf(err, errlen, "cannot start libcurl");
		return E_NOMEM;
	}
	char from[300], errbuf[CURL_ERROR_SIZE] = "";
	snprintf(from, sizeof from, "<%s>", m->from);
	struct curl_slist *rcpt = curl_slist_append(NULL, m->to);
	struct reader rd = {msg.data, msg.len};
	curl_easy_setopt(c, CURLOPT_URL, smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &rd);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	CURLcode cc = curl_easy_perform(c);
	if (cc != CURLE_OK) {
		snprintf(err, errlen, "%s", errbuf[0] ? errbuf : curl_easy_strerror(cc));
		rc = E_IO;
	}
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	buf_free(&msg);
	return rc;
}
