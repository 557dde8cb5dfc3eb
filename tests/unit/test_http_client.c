/* Unit tests of http/client.h against a small HTTP server on the loopback,
 * run in a thread of this test: status, body and headers as sent, Basic and
 * Bearer sign-in, Retry-After in both forms, the answer size cap, the time
 * bound, redirects never followed and only http(s) URLs accepted. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/errors.h"
#include "http/client.h"

static int listen_fd = -1;
static int port;
static volatile int stopping;
static pthread_t acceptor;
static int accepted; /* connections accepted, for the reuse test */

static void send_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

static void answer(int fd, const char *status, const char *headers, const char *body, size_t len)
{
	char head[1024];
	int n = snprintf(head, sizeof head, "HTTP/1.1 %s\r\n%sContent-Length: %zu\r\nConnection: close\r\n\r\n", status,
			 headers, len);
	send_all(fd, head, (size_t)n);
	send_all(fd, body, len);
}

/* one request: the head (up to 8 KiB) and a Content-Length body; /ka keeps
 * the connection open for the next */
static void *serve_one(void *arg)
{
	int fd = (int)(intptr_t)arg;
next:;
	char req[16384];
	size_t got = 0;
	char *end = NULL;
	while (got < sizeof req - 1) {
		ssize_t r = recv(fd, req + got, sizeof req - 1 - got, 0);
		if (r <= 0)
			break;
		got += (size_t)r;
		req[got] = 0;
		if ((end = strstr(req, "\r\n\r\n"))) {
			const char *cl = strcasestr(req, "\r\ncontent-length:");
			size_t want = cl && cl < end ? strtoul(cl + 17, NULL, 10) : 0;
			if (got >= (size_t)(end + 4 - req) + want)
				break;
		}
	}
	req[got] = 0;
	char method[16] = "", path[256] = "";
	sscanf(req, "%15s %255s", method, path);
	if (!got) {
		close(fd);
		return NULL;
	}
	if (!strcmp(path, "/ka")) {
		const char *a = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nka";
		send_all(fd, a, strlen(a));
		goto next;
	}
	if (!strcmp(path, "/ok")) {
		answer(fd, "200 OK", "Content-Type: application/json; charset=utf-8\r\n", "{\"a\":1}", 7);
	} else if (!strcmp(path, "/echo")) {
		/* the request as received, for the test to look at */
		answer(fd, "201 Created", "Content-Type: text/plain\r\n", req, got);
	} else if (!strcmp(path, "/retry-delta")) {
		answer(fd, "429 Too Many Requests", "Retry-After: 120\r\n", "slow down", 9);
	} else if (!strcmp(path, "/retry-date")) {
		char h[128];
		time_t t = time(NULL) + 90;
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(h, sizeof h, "Retry-After: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
		answer(fd, "503 Service Unavailable", h, "", 0);
	} else if (!strcmp(path, "/retry-past")) {
		answer(fd, "503 Service Unavailable", "Retry-After: Sun, 06 Nov 1994 08:49:37 GMT\r\n", "", 0);
	} else if (!strcmp(path, "/retry-junk")) {
		answer(fd, "503 Service Unavailable", "Retry-After: soon\r\n", "", 0);
	} else if (!strcmp(path, "/big") || !strcmp(path, "/big-unsized")) {
		static char big[100000];
		memset(big, 'x', sizeof big);
		if (!strcmp(path, "/big")) {
			answer(fd, "200 OK", "", big, sizeof big);
		} else { /* no Content-Length: only the bytes read can tell */
			const char *h = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";
			send_all(fd, h, strlen(h));
			send_all(fd, big, sizeof big);
		}
	} else if (!strcmp(path, "/slow")) {
		for (int i = 0; i < 60 && !stopping; i++)
			usleep(50 * 1000);
		answer(fd, "200 OK", "", "late", 4);
	} else if (!strcmp(path, "/redirect")) {
		answer(fd, "302 Found", "Location: /ok\r\n", "", 0);
	} else {
		answer(fd, "404 Not Found", "", "", 0);
	}
	close(fd);
	return NULL;
}

static void *accept_loop(void *arg)
{
	(void)arg;
	while (!stopping) {
		int fd = accept(listen_fd, NULL, NULL);
		if (fd < 0)
			continue;
		pthread_t t;
		__atomic_add_fetch(&accepted, 1, __ATOMIC_SEQ_CST);
		pthread_create(&t, NULL, serve_one, (void *)(intptr_t)fd);
		pthread_detach(t);
	}
	return NULL;
}

static int setup(void **state)
{
	(void)state;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&a, sizeof a) || listen(listen_fd, 64) ||
	    getsockname(listen_fd, (struct sockaddr *)&a, &len))
		return -1;
	port = ntohs(a.sin_port);
	return pthread_create(&acceptor, NULL, accept_loop, NULL);
}

static int teardown(void **state)
{
	(void)state;
	stopping = 1;
	shutdown(listen_fd, SHUT_RDWR); /* wakes accept() */
	pthread_join(acceptor, NULL);
	close(listen_fd);
	usleep(100 * 1000); /* the slow handler notices and ends */
	return 0;
}

static const char *url(const char *path)
{
	static __thread char u[128];
	snprintf(u, sizeof u, "http://127.0.0.1:%d%s", port, path);
	return u;
}

static void status_and_body(void **state)
{
	(void)state;
	struct hc_response r;
	struct hc_request rq = {.method = "GET", .url = url("/ok")};
	assert_int_equal(hc_do(&rq, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, 7);
	assert_string_equal(r.body, "{\"a\":1}");
	assert_string_equal(r.content_type, "application/json; charset=utf-8");
	assert_int_equal(r.retry_after, -1);
	hc_response_free(&r);
	/* an empty answer is still a string */
	rq.url = url("/nothing");
	assert_int_equal(hc_do(&rq, &r), 0);
	assert_int_equal(r.status, 404);
	assert_non_null(r.body);
	assert_string_equal(r.body, "");
	assert_int_equal(r.len, 0);
	assert_string_equal(r.content_type, "");
	hc_response_free(&r);
}

static void request_as_sent(void **state)
{
	(void)state;
	struct hc_response r;
	const char *headers[] = {"Content-Type: application/json", "X-Test: yes", NULL};
	const char body[] = "{\"topic\":\"x\"}";
	struct hc_request rq = {.method = "PATCH",
				.url = url("/echo"),
				.headers = headers,
				.body = body,
				.body_len = sizeof body - 1,
				.bearer = "tok-123"};
	assert_int_equal(hc_do(&rq, &r), 0);
	assert_int_equal(r.status, 201);
	assert_memory_equal(r.body, "PATCH /echo HTTP/1.1\r\n", 22);
	assert_non_null(strstr(r.body, "\r\nAuthorization: Bearer tok-123\r\n"));
	assert_non_null(strstr(r.body, "\r\nX-Test: yes\r\n"));
	assert_non_null(strstr(r.body, "\r\nContent-Type: application/json\r\n"));
	assert_null(strcasestr(r.body, "Expect:"));
	assert_non_null(strstr(r.body, "\r\n\r\n{\"topic\":\"x\"}"));
	hc_response_free(&r);

	/* a form POST with HTTP Basic, as an OAuth token request is made */
	char *code = hc_escape("a b&c=d/é");
	assert_string_equal(code, "a%20b%26c%3Dd%2F%C3%A9");
	char form[256];
	snprintf(form, sizeof form, "grant_type=authorization_code&code=%s", code);
	free(code);
	struct hc_request post = {.method = "POST",
				  .url = url("/echo"),
				  .body = form,
				  .body_len = strlen(form),
				  .basic_user = "user",
				  .basic_password = "pass"};
	assert_int_equal(hc_do(&post, &r), 0);
	assert_memory_equal(r.body, "POST /echo HTTP/1.1\r\n", 21);
	assert_non_null(strstr(r.body, "\r\nAuthorization: Basic dXNlcjpwYXNz\r\n"));
	assert_non_null(strstr(r.body, "\r\n\r\ngrant_type=authorization_code&code=a%20b%26c%3Dd%2F%C3%A9"));
	hc_response_free(&r);

	/* a DELETE without a body sends none */
	struct hc_request del = {.method = "DELETE", .url = url("/echo")};
	assert_int_equal(hc_do(&del, &r), 0);
	assert_memory_equal(r.body, "DELETE /echo HTTP/1.1\r\n", 23);
	assert_null(strcasestr(r.body, "Content-Length"));
	hc_response_free(&r);
}

static void retry_after(void **state)
{
	(void)state;
	struct hc_response r;
	struct hc_request rq = {.url = url("/retry-delta")};
	assert_int_equal(hc_do(&rq, &r), 0);
	assert_int_equal(r.status, 429);
	assert_int_equal(r.retry_after, 120);
	assert_string_equal(r.body, "slow down");
	hc_response_free(&r);
	rq.url = url("/retry-date");
	assert_int_equal(hc_do(&rq, &r), 0);
	assert_int_equal(r.status, 503);
	assert_in_range(r.retry_after, 85, 90);
	hc_response_free(&r);
	rq.url = url("/retry-past"); /* a date gone by: retry now */
	assert_int_equal(hc_do(&rq, &r), 0);
	assert_int_equal(r.retry_after, 0);
	hc_response_free(&r);
	rq.url = url("/retry-junk"); /* neither form: as if absent */
	assert_int_equal(hc_do(&rq, &r), 0);
	assert_int_equal(r.retry_after, -1);
	hc_response_free(&r);
}

static void answer_too_large(void **state)
{
	(void)state;
	struct hc_response r;
	struct hc_request rq = {.url = url("/big"), .max_answer = 1000};
	assert_int_equal(hc_do(&rq, &r), E_TOOLARGE);
	assert_int_equal(r.len, 0);
	hc_response_free(&r);
	rq.url = url("/big-unsized");
	assert_int_equal(hc_do(&rq, &r), E_TOOLARGE);
	hc_response_free(&r);
	/* at the limit exactly is fine */
	rq.max_answer = 100000;
	assert_int_equal(hc_do(&rq, &r), 0);
	assert_int_equal(r.len, 100000);
	hc_response_free(&r);
}

static void timeout_bounded(void **state)
{
	(void)state;
	struct hc_response r;
	struct hc_request rq = {.url = url("/slow"), .timeout_ms = 300};
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(hc_do(&rq, &r), E_IO);
	clock_gettime(CLOCK_MONOTONIC, &b);
	long ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	assert_in_range(ms, 250, 1000);
	assert_int_equal(r.status, 0);
	hc_response_free(&r);
}

static void refused(void **state)
{
	(void)state;
	/* a port nobody listens on: bound, then closed */
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	char u[64];
	snprintf(u, sizeof u, "http://127.0.0.1:%d/x?code=secret", ntohs(a.sin_port));
	struct hc_response r;
	struct hc_request rq = {.url = u};
	assert_int_equal(hc_do(&rq, &r), E_IO);
	hc_response_free(&r);
}

static void redirect_not_followed(void **state)
{
	(void)state;
	struct hc_response r;
	struct hc_request rq = {.url = url("/redirect")};
	assert_int_equal(hc_do(&rq, &r), 0);
	assert_int_equal(r.status, 302);
	assert_string_equal(r.body, "");
	hc_response_free(&r);
}

/* a second call to the same server goes over the first one's connection */
static void connections_reused(void **state)
{
	(void)state;
	struct hc_response r;
	struct hc_request rq = {.url = url("/ka")};
	int before = __atomic_load_n(&accepted, __ATOMIC_SEQ_CST);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(hc_do(&rq, &r), 0);
		assert_string_equal(r.body, "ka");
		hc_response_free(&r);
	}
	assert_int_equal(__atomic_load_n(&accepted, __ATOMIC_SEQ_CST) - before, 1);
}

static void only_http(void **state)
{
	(void)state;
	const char *bad[] = {"ftp://127.0.0.1/x",
			     "file:///etc/passwd",
			     "gopher://127.0.0.1/",
			     "dict://127.0.0.1/",
			     "127.0.0.1/ok",
			     "http:/x",
			     "http://",
			     "",
			     NULL};
	struct hc_response r;
	for (int i = 0; bad[i]; i++) {
		struct hc_request rq = {.url = bad[i]};
		assert_int_equal(hc_do(&rq, &r), E_INVALID);
		hc_response_free(&r);
	}
	struct hc_request none = {.url = NULL};
	assert_int_equal(hc_do(&none, &r), E_INVALID);
	hc_response_free(&r);
	struct hc_request odd = {.method = "TRACE", .url = url("/ok")};
	assert_int_equal(hc_do(&odd, &r), E_INVALID);
	hc_response_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(status_and_body),
		cmocka_unit_test(request_as_sent),
		cmocka_unit_test(retry_after),
		cmocka_unit_test(answer_too_large),
		cmocka_unit_test(timeout_bounded),
		cmocka_unit_test(refused),
		cmocka_unit_test(redirect_not_followed),
		cmocka_unit_test(connections_reused),
		cmocka_unit_test(only_http),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
