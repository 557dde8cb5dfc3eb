/* Outbound HTTP over libcurl, one easy handle per call: bounded in time and
 * answer size, http(s) only, redirects never followed (a provider's 302 is its
 * answer, and following one could lead a token elsewhere). Runs in request and
 * worker threads, so no signals are used. The calls share one pool of open
 * connections, DNS answers and TLS sessions, so that the pages of a meetings
 * list or a token refresh followed by its call pay one TLS handshake, not one
 * each. */
#include "http/client.h"

#include <curl/curl.h>
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/errors.h"
#include "core/log.h"

#define DEFAULT_TIMEOUT_MS 15000
#define DEFAULT_MAX_ANSWER ((size_t)8 * 1024 * 1024)
#define CONNECT_TIMEOUT_MS 10000
#define RETRY_AFTER_MAX (7L * 24 * 3600) /* a week: anything longer is a provider's mistake */

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int global_rc;
static CURLSH *share;
static pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];

static void share_lock(CURL *h, curl_lock_data data, curl_lock_access access, void *u)
{
	(void)h, (void)access, (void)u;
	pthread_mutex_lock(&share_locks[data]);
}

static void share_unlock(CURL *h, curl_lock_data data, void *u)
{
	(void)h, (void)u;
	pthread_mutex_unlock(&share_locks[data]);
}

static void global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : E_IO;
	if (global_rc)
		return;
	for (int i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&share_locks[i], NULL);
	/* without a share each call still works, only with a new connection */
	if (!(share = curl_share_init()))
		return;
	if (curl_share_setopt(share, CURLSHOPT_LOCKFUNC, share_lock) ||
	    curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, share_unlock) ||
	    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) ||
	    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) ||
	    curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT)) {
		curl_share_cleanup(share);
		share = NULL;
	}
}

struct sink {
	struct hc_response *out;
	size_t cap, max;
	int too_large;
};

static size_t on_body(char *data, size_t size, size_t nmemb, void *user)
{
	struct sink *s = user;
	size_t n = size * nmemb;
	struct hc_response *r = s->out;
	if (n > s->max - r->len) {
		s->too_large = 1;
		return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
	}
	if (r->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;
		while (cap < r->len + n + 1)
			cap *= 2;
		char *b = realloc(r->body, cap);
		if (!b)
			return 0;
		r->body = b;
		s->cap = cap;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	r->body[r->len] = 0;
	return n;
}

/* Retry-After (RFC 9110 section 10.2.3): delay-seconds or an HTTP-date;
 * -1 when it is neither */
static long parse_retry_after(const char *v, size_t n)
{
	char tmp[128];
	while (n && (*v == ' ' || *v == '\t'))
		v++, n--;
	while (n && isspace((unsigned char)v[n - 1]))
		n--;
	if (!n || n >= sizeof tmp)
		return -1;
	memcpy(tmp, v, n);
	tmp[n] = 0;
	size_t digits = strspn(tmp, "0123456789");
	if (digits == n) {
		/* a huge number is still a number: capped, never overflowed */
		if (n > 9)
			return RETRY_AFTER_MAX;
		long s = strtol(tmp, NULL, 10);
		return s > RETRY_AFTER_MAX ? RETRY_AFTER_MAX : s;
	}
	if (digits)
		return -1; /* "120s", "5.5": neither form */
	time_t t = curl_getdate(tmp, NULL);
	if (t == -1)
		return -1;
	time_t now = time(NULL);
	if (t <= now)
		return 0;
	return t - now > RETRY_AFTER_MAX ? RETRY_AFTER_MAX : (long)(t - now);
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *user)
{
	struct hc_response *r = user;
	size_t n = size * nmemb;
	/* a new status line (after a 100 Continue): only the final answer's headers count */
	if (n >= 5 && !strncmp(data, "HTTP/", 5)) {
		r->retry_after = -1;
		r->content_type[0] = 0;
		return n;
	}
	static const char ra[] = "retry-after:", ct[] = "content-type:";
	if (n > sizeof ra - 1 && !strncasecmp(data, ra, sizeof ra - 1)) {
		r->retry_after = parse_retry_after(data + sizeof ra - 1, n - (sizeof ra - 1));
	} else if (n > sizeof ct - 1 && !strncasecmp(data, ct, sizeof ct - 1)) {
		const char *v = data + sizeof ct - 1;
		size_t len = n - (sizeof ct - 1);
		while (len && (*v == ' ' || *v == '\t'))
			v++, len--;
		while (len && isspace((unsigned char)v[len - 1]))
			len--;
		if (len >= sizeof r->content_type)
			len = sizeof r->content_type - 1;
		memcpy(r->content_type, v, len);
		r->content_type[len] = 0;
	}
	return n;
}

/* scheme://host[:port]/path of url for logs: never the query (tokens, codes) */
static void url_for_log(const char *url, char *out, size_t n)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
	snprintf(out, n, "(unparsable URL)");
	if (!u || curl_url_set(u, CURLUPART_URL, url, 0))
		goto out;
	curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
	curl_url_get(u, CURLUPART_HOST, &host, 0);
	curl_url_get(u, CURLUPART_PORT, &port, 0);
	curl_url_get(u, CURLUPART_PATH, &path, 0);
	snprintf(out, n, "%s://%s%s%s%s", scheme ? scheme : "?", host ? host : "?", port ? ":" : "", port ? port : "",
		 path ? path : "");
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_url_cleanup(u);
}

/* 1 when url is an absolute http or https URL with a host that curl parses */
static int url_ok(const char *url)
{
	if (!url || (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8)))
		return 0;
	CURLU *u = curl_url();
	char *host = NULL;
	int ok = u && !curl_url_set(u, CURLUPART_URL, url, 0) && !curl_url_get(u, CURLUPART_HOST, &host, 0) && host &&
		 *host;
	curl_free(host);
	curl_url_cleanup(u);
	return ok;
}

int hc_do(const struct hc_request *rq, struct hc_response *out)
{
	memset(out, 0, sizeof *out);
	out->retry_after = -1;
	const char *method = rq->method ? rq->method : "GET";
	if (!url_ok(rq->url) || (strcmp(method, "GET") && strcmp(method, "POST") && strcmp(method, "PUT") &&
				 strcmp(method, "PATCH") && strcmp(method, "DELETE")))
		return E_INVALID;
	pthread_once(&once, global_init);
	if (global_rc)
		return global_rc;

	int rc = E_NOMEM;
	struct curl_slist *hdrs = NULL;
	struct sink sink = {out, 0, rq->max_answer ? rq->max_answer : DEFAULT_MAX_ANSWER, 0};
	long timeout = rq->timeout_ms > 0 ? rq->timeout_ms : DEFAULT_TIMEOUT_MS;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *h = curl_easy_init();
	out->body = calloc(1, 1);
	if (!h || !out->body)
		goto out;
	/* no Expect: 100-continue (a second round trip for every POST) */
	if (!(hdrs = curl_slist_append(hdrs, "Expect:")))
		goto out;
	for (const char *const *p = rq->headers; p && *p; p++) {
		struct curl_slist *n = curl_slist_append(hdrs, *p);
		if (!n)
			goto out;
		hdrs = n;
	}
	curl_easy_setopt(h, CURLOPT_URL, rq->url);
	if (share)
		curl_easy_setopt(h, CURLOPT_SHARE, share);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout < CONNECT_TIMEOUT_MS ? timeout : CONNECT_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "convene");
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, ""); /* decoded bytes count against max_answer */
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)sink.max); /* a long Content-Length stops at once */
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, out);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	if (rq->basic_user) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERNAME, rq->basic_user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, rq->basic_password ? rq->basic_password : "");
	} else if (rq->bearer) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
		curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER, rq->bearer);
	}
	if (!strcmp(method, "POST")) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
	} else if (strcmp(method, "GET")) {
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	}
	if (rq->body || !strcmp(method, "POST")) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(rq->body ? rq->body_len : 0));
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, rq->body ? rq->body : "");
	}

	CURLcode cc = curl_easy_perform(h);
	if (cc == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
		rc = 0;
		goto out;
	}
	char where[600];
	url_for_log(rq->url, where, sizeof where);
	if (sink.too_large || cc == CURLE_FILESIZE_EXCEEDED) {
		log_warn("outbound %s %s: the answer is larger than %zu bytes", method, where, sink.max);
		rc = E_TOOLARGE;
	} else if (cc == CURLE_WRITE_ERROR) {
		rc = E_NOMEM;
	} else {
		log_warn("outbound %s %s: %s", method, where, errbuf[0] ? errbuf : curl_easy_strerror(cc));
		rc = E_IO;
	}
	/* a half-read answer is no answer */
	out->status = 0;
	out->len = 0;
	if (out->body)
		out->body[0] = 0;
out:
	curl_slist_free_all(hdrs);
	if (h)
		curl_easy_cleanup(h);
	return rc;
}

void hc_response_free(struct hc_response *r)
{
	if (!r)
		return;
	free(r->body);
	r->body = NULL;
	r->len = 0;
}

char *hc_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out = malloc(n * 3 + 1), *o = out;
	if (!out)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		    *p == '.' || *p == '_' || *p == '~') {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = 0;
	return out;
}
