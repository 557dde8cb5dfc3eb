/* Accessors over the libmicrohttpd connection. */
#include "http/request.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <string.h>

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
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
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
