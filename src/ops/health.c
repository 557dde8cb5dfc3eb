/* Health, readiness and metrics. None needs authentication: they reveal no
 * account data, and load balancers and Prometheus call them without a login. */
#include "ops/health.h"

#include "core/buf.h"
#include "core/config.h"
#include "core/errors.h"
#include "http/metrics.h"
#include "http/response.h"
#include "http/static.h"
#include "store/store.h"

static int healthz(struct req *r)
{
	return resp_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

/* Ready: the database answers, its schema is current, and the web app this
 * node should serve is there (a node without it would answer every page with
 * 404: a load balancer must not send users to it). An empty web_dir serves the
 * API alone. */
static int readyz(struct req *r)
{
	struct db *db = store_db();
	int version = 0;
	if (!db || store_ping(db) || store_schema_version(db, &version))
		return resp_problem(r, 503, "not-ready", "the database does not answer");
	int latest = store_latest_version(db);
	const char *web_dir = config_current()->web_dir;
	int web_ok = static_app_present(web_dir);
	const char *status = version != latest ? "migrating" : !web_ok ? "web-app-missing" : "ready";
	return resp_json(r, version == latest && web_ok ? 200 : 503,
			 json_pack("{s:s, s:s, s:i, s:i, s:s}", "status", status, "database", store_backend(db),
				   "schema_version", version, "latest_schema_version", latest, "web_app",
				   !*web_dir ? "off"
				   : web_ok  ? "served"
					     : "missing"));
}

static int64_t outbox_depth(void)
{
	struct db *db = store_db();
	int64_t n = -1;
	if (!db || store_outbox_depth(db, &n))
		return -1;
	return n;
}

void health_register_gauges(void)
{
	metrics_gauge("convene_outbox_depth", "Messages in the outbox not yet delivered.", outbox_depth);
}

static int metrics(struct req *r)
{
	struct buf b = {0};
	metrics_render(&b);
	resp_raw(r, 200, "text/plain; version=0.0.4; charset=utf-8", b.data ? b.data : "", b.len);
	buf_free(&b);
	return 0;
}

const struct route health_routes[] = {
	{"GET", "/healthz", healthz, ROUTE_PUBLIC},
	{"GET", "/readyz", readyz, ROUTE_PUBLIC},
	{"GET", "/metrics", metrics, ROUTE_PUBLIC},
	{0},
};
