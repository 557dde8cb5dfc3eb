/* Accessors over the libmicrohttpd connection. */
#include "http/request.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <string.h>
#include <strings.h>

#include "core/config.h"
#include "core/netaddr.h"

const char *req_param(struct req *r, const char *name)
{
	for (int i = 0; i < r->nparams; i++)
		if (!strcmp(r->param_names[i], name))
			return r->param_values[i];
	return NULL;
}

const char *req_query(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *req_cookie(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

const char *req_client_ip(struct req *r)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char buf[INET6_ADDRSTRLEN] = "-";
	if (ci && ci->client_addr) {
		if (ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)ci->client_addr)->sin_addr, buf, sizeof buf);
		else if (ci->client_addr->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ci->client_addr)->sin6_addr, buf, sizeof buf);
	}
	return arena_strdup(r->arena, buf);
}

int req_is_unsafe(const struct req *r)
{
	return strcmp(r->method, "GET") && strcmp(r->method, "HEAD") && strcmp(r->method, "OPTIONS");
}

#define XFF_MAX 8

struct xff_walk {
	const char *v[XFF_MAX];
	int n;
};

static enum MHD_Result xff_collect(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct xff_walk *w = cls;
	(void)kind;
	if (value && !strcasecmp(key, "X-Forwarded-For") && w->n < XFF_MAX)
		w->v[w->n++] = value;
	return MHD_YES;
}

/* X-Forwarded-For is "client, proxy1, proxy2": each proxy appends the address
 * it got the request from. Walking from the right, every trusted hop vouches
 * for the next one to its left; the first untrusted one is the client. A
 * malformed entry ends the walk: whatever is left of it is not vouched for. */
const char *req_client_addr(struct req *r)
{
	if (r->client_addr)
		return r->client_addr;
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct netaddr peer;
	char text[NETADDR_TEXT_MAX];
	if (!ci || netaddr_from_sockaddr(ci->client_addr, &peer))
		peer.family = 0;
	const char *trusted = config_current()->trusted_proxies;
	struct netaddr who = peer;
	if (*trusted && netaddr_in_list(trusted, &peer)) {
		/* every X-Forwarded-For header, in order: they make one list (RFC 9110 5.3) */
		struct xff_walk w = {{0}, 0};
		MHD_get_connection_values(r->conn, MHD_HEADER_KIND, xff_collect, &w);
		const char **xff = w.v;
		int nx = w.n;
		for (int h = nx - 1; h >= 0; h--) {
			const char *v = xff[h];
			size_t end = strlen(v);
			int stop = 0;
			while (end > 0 && !stop) {
				size_t start = end;
				while (start > 0 && v[start - 1] != ',')
					start--;
				size_t b = start, e = end;
				while (b < e && (v[b] == ' ' || v[b] == '\t'))
					b++;
				while (e > b && (v[e - 1] == ' ' || v[e - 1] == '\t'))
					e--;
				char item[64];
				struct netaddr a;
				if (e - b >= sizeof item) {
					stop = 1;
					break;
				}
				memcpy(item, v + b, e - b);
				item[e - b] = 0;
				if (netaddr_parse(item, &a)) {
					stop = 1;
					break;
				}
				who = a;
				if (!netaddr_in_list(trusted, &a))
					goto found;
				end = start ? start - 1 : 0;
			}
			if (stop)
				break;
		}
	}
found:
	netaddr_text(&who, text, sizeof text);
	r->client_addr = arena_strdup(r->arena, text);
	return r->client_addr;
}
