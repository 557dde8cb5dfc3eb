/* libcurl SMTP. Bodies that are not plain ASCII are sent quoted-printable, so
 * that no relay needs 8BITMIME and the raw message stays readable; lines are
 * CRLF and at most 76 characters; headers that are not plain ASCII are
 * RFC 2047 encoded-words. */
#include "notify/mailer.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/errors.h"

/* printable ASCII, tabs and line ends only, and no line longer than max */
static int is_plain(const char *s, size_t max)
{
	size_t col = 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '\n') {
			col = 0;
			continue;
		}
		if (c >= 0x7f || (c < 0x20 && c != '\r' && c != '\t') || ++col > max)
			return 0;
	}
	return 1;
}

static int b64(const unsigned char *p, size_t n, struct buf *out)
{
	size_t len = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *tmp = malloc(len);
	if (!tmp)
		return E_NOMEM;
	sodium_bin2base64(tmp, len, p, n, sodium_base64_VARIANT_ORIGINAL);
	int rc = buf_puts(out, tmp);
	free(tmp);
	return rc;
}

int mailer_encode_header(const char *s, struct buf *out)
{
	/* "=?" would be read as the start of an encoded-word; line ends would start new headers */
	if (is_plain(s, 900) && !strstr(s, "=?") && !strpbrk(s, "\r\n"))
		return buf_puts(out, s);
	/* encoded-words of at most 45 input bytes (72 characters), split on UTF-8
	 * character boundaries, one per folded line */
	size_t n = strlen(s), i = 0;
	int rc = 0;
	while (i < n && !rc) {
		size_t len = n - i > 45 ? 45 : n - i;
		while (len > 1 && i + len < n && ((unsigned char)s[i + len] & 0xC0) == 0x80)
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

int mailer_quoted_printable(const char *text, struct buf *out)
{
	const unsigned char *p = (const unsigned char *)text;
	int col = 0, rc = 0;
	for (; *p && !rc; p++) {
		if (*p == '\r' && p[1] == '\n')
			continue;
		if (*p == '\n') {
			rc = buf_puts(out, "\r\n");
			col = 0;
			continue;
		}
		/* white space at the end of a line would be stripped by some relays */
		int at_eol = !p[1] || p[1] == '\n' || (p[1] == '\r' && p[2] == '\n');
		int literal = (*p >= 33 && *p <= 126 && *p != '=') || ((*p == ' ' || *p == '\t') && !at_eol);
		/* a dot alone at the start of a line is SMTP's end of data: libcurl
		 * escapes it, but a relay that strips one dot would lose the other */
		if (*p == '.' && col == 0)
			literal = 0;
		int width = literal ? 1 : 3;
		if (col + width > 75) { /* a soft line break: "=" ends the line at column 76 at most */
			rc = buf_puts(out, "=\r\n");
			col = 0;
		}
		if (!rc)
			rc = literal ? buf_append(out, p, 1) : buf_printf(out, "=%02X", *p);
		col += width;
	}
	return rc;
}

/* CRLF line ends (a leading dot is escaped by libcurl) */
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

static int body_part(const char *body, struct buf *out);
static int b64_lines(const unsigned char *p, size_t n, struct buf *out);

int mailer_format(const struct mail *m, long long date, struct buf *out)
{
	char when[64];
	time_t t = (time_t)date;
	struct tm tm;
	gmtime_r(&t, &tm);
	/* RFC 5322 names days and months in English whatever the locale */
	static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	snprintf(when, sizeof when, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday,
		 months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	int rc = buf_printf(out, "Date: %s\r\nFrom: %s\r\nTo: %s\r\nMessage-ID: <%s@%s>\r\nSubject: ", when, m->from,
			    m->to, m->message_id, m->domain ? m->domain : "convene");
	if (!rc)
		rc = mailer_encode_header(m->subject, out);
	if (!rc && m->reply_to && !strpbrk(m->reply_to, "\r\n"))
		rc = buf_printf(out, "\r\nReply-To: %s", m->reply_to);
	if (!rc && m->calendar) {
		rc = buf_printf(out,
				"\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative;"
				" boundary=\"=_convene_%s\"\r\nAuto-Submitted: auto-generated\r\n\r\n"
				"--=_convene_%s\r\nContent-Type: text/plain; charset=utf-8\r\n",
				m->message_id, m->message_id);
		if (!rc)
			rc = body_part(m->body, out);
		if (!rc)
			rc = buf_printf(out,
					"\r\n--=_convene_%s\r\nContent-Type: text/calendar; charset=utf-8;"
					" method=%s\r\nContent-Transfer-Encoding: base64\r\n\r\n",
					m->message_id, m->method ? m->method : "REQUEST");
		if (!rc)
			rc = b64_lines((const unsigned char *)m->calendar, strlen(m->calendar), out);
		if (!rc)
			rc = buf_printf(out, "--=_convene_%s--\r\n", m->message_id);
		return rc;
	}
	if (!rc)
		rc = buf_puts(out, "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
				   "Auto-Submitted: auto-generated\r\n");
	if (rc)
		return rc;
	return body_part(m->body, out);
}

/* base64 in lines of 76 characters (RFC 2045 6.8) */
static int b64_lines(const unsigned char *p, size_t n, struct buf *out)
{
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i += 57) {
		rc = b64(p + i, n - i < 57 ? n - i : 57, out);
		if (!rc)
			rc = buf_puts(out, "\r\n");
	}
	return rc;
}

/* a text body: its Content-Transfer-Encoding header, the blank line and the text */
static int body_part(const char *body, struct buf *out)
{
	int rc;
	if (is_plain(body, 998)) {
		rc = buf_puts(out, "Content-Transfer-Encoding: 7bit\r\n\r\n");
		if (!rc)
			rc = append_text(body, out);
	} else {
		rc = buf_puts(out, "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		if (!rc)
			rc = mailer_quoted_printable(body, out);
	}
	if (!rc && (out->len < 2 || strcmp(out->data + out->len - 2, "\r\n")))
		rc = buf_puts(out, "\r\n");
	return rc;
}

struct transfer {
	const char *p;
	size_t left, total;
	int (*cancel)(void);
};

static size_t read_cb(char *dst, size_t size, size_t nmemb, void *arg)
{
	struct transfer *t = arg;
	size_t n = size * nmemb < t->left ? size * nmemb : t->left;
	memcpy(dst, t->p, n);
	t->p += n;
	t->left -= n;
	return n;
}

/* abandons the attempt when asked to, as long as the message's end was not
 * sent: without it the server cannot have accepted anything */
static int progress_cb(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	(void)dltotal, (void)dlnow, (void)ultotal;
	struct transfer *t = arg;
	return t->cancel && t->cancel() && ulnow < (curl_off_t)t->total;
}

int mailer_send(const char *smtp_url, const struct mail *m, int (*cancel)(void), struct mail_result *res)
{
	memset(res, 0, sizeof *res);
	struct buf msg = {0};
	int rc = mailer_format(m, (long long)time(NULL), &msg);
	if (rc) {
		snprintf(res->error, sizeof res->error, "cannot format the message");
		buf_free(&msg);
		return rc;
	}
	CURL *c = curl_easy_init();
	if (!c) {
		buf_free(&msg);
		snprintf(res->error, sizeof res->error, "cannot start libcurl");
		return E_NOMEM;
	}
	char from[300], errbuf[CURL_ERROR_SIZE] = "";
	snprintf(from, sizeof from, "<%s>", m->from);
	struct curl_slist *rcpt = curl_slist_append(NULL, m->to);
	struct transfer t = {msg.data, msg.len, msg.len, cancel};
	curl_easy_setopt(c, CURLOPT_URL, smtp_url);
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(c, CURLOPT_READDATA, &t);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, progress_cb);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	CURLcode cc = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	res->smtp_code = (int)code;
	if (cc != CURLE_OK) {
		snprintf(res->error, sizeof res->error, "%s", errbuf[0] ? errbuf : curl_easy_strerror(cc));
		res->permanent = cc != CURLE_ABORTED_BY_CALLBACK && code >= 500 && code < 600;
		rc = E_IO;
	}
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	buf_free(&msg);
	return rc;
}
