/* Fixed-size tables under one mutex: the number of routes is bounded by the
 * route table, methods by known_method() and statuses by HTTP, so the series
 * count is bounded too. Routes are labelled by their pattern
 * ("/api/v1/users/{id}"), never by the path a client sent. */
#include "http/metrics.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#define MAX_SERIES 1024
#define MAX_HISTOGRAMS 512 /* route x method: every route and its HEAD, static, unmatched */
#define MAX_GAUGES 8

static const double bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
#define NB (sizeof bounds / sizeof bounds[0])

struct series {
	const char *route, *method; /* static strings (route patterns, known_method()) */
	int status;
	uint64_t count;
};

struct histogram {
	const char *route, *method;
	uint64_t bucket[NB + 1], count; /* bucket[NB]: above the last bound */
	double sum;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct series series[MAX_SERIES];
static int nseries;
static struct histogram hists[MAX_HISTOGRAMS];
static int nhists;
static atomic_int sse_open;
static struct {
	const char *name, *help;
	int64_t (*fn)(void);
} gauges[MAX_GAUGES];
static int ngauges;

/* the method as a static string; any other token a client invents is "OTHER",
 * so that made-up methods can neither fill the series table nor put quotes
 * into the exposition format */
static const char *known_method(const char *m)
{
	static const char *const known[] = {"GET",     "HEAD",     "POST",      "PUT",    "PATCH",      "DELETE",
					    "OPTIONS", "PROPFIND", "PROPPATCH", "REPORT", "MKCALENDAR", "MKCOL",
					    "COPY",    "MOVE",     "LOCK",      "UNLOCK", "ACL",        NULL};
	for (int i = 0; known[i]; i++)
		if (!strcmp(known[i], m))
			return known[i];
	return "OTHER";
}

void metrics_request(const char *route, const char *method, int status, int64_t micros, int timed)
{
	double s = (double)micros / 1e6;
	method = known_method(method);
	pthread_mutex_lock(&lock);
	int i;
	for (i = 0; i < nseries; i++)
		if (series[i].status == status && series[i].method == method && !strcmp(series[i].route, route))
			break;
	if (i == nseries && nseries < MAX_SERIES) {
		series[i].route = route;
		series[i].method = method;
		series[i].status = status;
		nseries++;
	}
	if (i < nseries)
		series[i].count++;
	if (timed) {
		for (i = 0; i < nhists; i++)
			if (hists[i].method == method && !strcmp(hists[i].route, route))
				break;
		if (i == nhists && nhists < MAX_HISTOGRAMS) {
			hists[i].route = route;
			hists[i].method = method;
			nhists++;
		}
		if (i < nhists) {
			size_t b = 0;
			while (b < NB && s > bounds[b])
				b++;
			hists[i].bucket[b]++;
			hists[i].count++;
			hists[i].sum += s;
		}
	}
	pthread_mutex_unlock(&lock);
}

void metrics_sse_open(int delta)
{
	atomic_fetch_add(&sse_open, delta);
}

void metrics_gauge(const char *name, const char *help, int64_t (*fn)(void))
{
	pthread_mutex_lock(&lock);
	if (ngauges < MAX_GAUGES) {
		gauges[ngauges].name = name;
		gauges[ngauges].help = help;
		gauges[ngauges].fn = fn;
		ngauges++;
	}
	pthread_mutex_unlock(&lock);
}

int metrics_render(struct buf *o)
{
	int n;
	pthread_mutex_lock(&lock);
	buf_puts(o, "# HELP convene_http_requests_total HTTP requests by route, method and status.\n"
		    "# TYPE convene_http_requests_total counter\n");
	for (int i = 0; i < nseries; i++)
		buf_printf(o, "convene_http_requests_total{route=\"%s\",method=\"%s\",status=\"%d\"} %llu\n",
			   series[i].route, series[i].method, series[i].status, (unsigned long long)series[i].count);
	buf_puts(o, "# HELP convene_http_request_duration_seconds Time from request to response, by route "
		    "and method (event streams excluded).\n"
		    "# TYPE convene_http_request_duration_seconds histogram\n");
	for (int i = 0; i < nhists; i++) {
		const struct histogram *h = &hists[i];
		uint64_t cum = 0;
		for (size_t b = 0; b < NB; b++) {
			cum += h->bucket[b];
			buf_printf(o,
				   "convene_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\",le=\"%g\"} "
				   "%llu\n",
				   h->route, h->method, bounds[b], (unsigned long long)cum);
		}
		buf_printf(
			o,
			"convene_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\",le=\"+Inf\"} %llu\n",
			h->route, h->method, (unsigned long long)h->count);
		buf_printf(o, "convene_http_request_duration_seconds_sum{route=\"%s\",method=\"%s\"} %.6f\n", h->route,
			   h->method, h->sum);
		buf_printf(o, "convene_http_request_duration_seconds_count{route=\"%s\",method=\"%s\"} %llu\n",
			   h->route, h->method, (unsigned long long)h->count);
	}
	n = ngauges;
	pthread_mutex_unlock(&lock);
	buf_printf(o,
		   "# HELP convene_sse_streams_open Server-Sent Events streams open now.\n"
		   "# TYPE convene_sse_streams_open gauge\nconvene_sse_streams_open %d\n",
		   atomic_load(&sse_open));
	for (int i = 0; i < n; i++) {
		int64_t v = gauges[i].fn();
		if (v < 0)
			continue;
		buf_printf(o, "# HELP %s %s\n# TYPE %s gauge\n%s %lld\n", gauges[i].name, gauges[i].help,
			   gauges[i].name, gauges[i].name, (long long)v);
	}
	return 0;
}
