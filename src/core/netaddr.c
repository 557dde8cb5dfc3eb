/* IPv4-mapped IPv6 addresses (::ffff:192.0.2.1, what a dual-stack socket
 * reports for IPv4 clients) are folded into IPv4, so that one list entry
 * covers a client however it connected. */
#include "core/netaddr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fold_mapped(struct netaddr *a)
{
	static const unsigned char prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (a->family == AF_INET6 && !memcmp(a->b, prefix, 12)) {
		memmove(a->b, a->b + 12, 4);
		memset(a->b + 4, 0, 12);
		a->family = AF_INET;
	}
}

int netaddr_parse(const char *s, struct netaddr *out)
{
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, s, out->b) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out->b) == 1) {
		out->family = AF_INET6;
		fold_mapped(out);
		return 0;
	}
	return -1;
}

int netaddr_from_sockaddr(const struct sockaddr *sa, struct netaddr *out)
{
	memset(out, 0, sizeof *out);
	if (!sa)
		return -1;
	if (sa->sa_family == AF_INET) {
		out->family = AF_INET;
		memcpy(out->b, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		out->family = AF_INET6;
		memcpy(out->b, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		fold_mapped(out);
		return 0;
	}
	return -1;
}

void netaddr_text(const struct netaddr *a, char *out, size_t n)
{
	if (!a->family || !inet_ntop(a->family, a->b, out, (socklen_t)n))
		snprintf(out, n, "-");
}

/* one item "ADDR" or "ADDR/BITS" (len bytes of s) */
static int item_parse(const char *s, size_t len, struct netaddr *net, int *bits)
{
	char tmp[64];
	if (!len || len >= sizeof tmp)
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = 0;
	char *slash = strchr(tmp, '/');
	if (slash)
		*slash++ = 0;
	if (netaddr_parse(tmp, net))
		return -1;
	int max = net->family == AF_INET ? 32 : 128;
	*bits = max;
	if (slash) {
		char *end;
		long b = strtol(slash, &end, 10);
		if (end == slash || *end || b < 0 || b > max)
			return -1;
		*bits = (int)b;
	}
	return 0;
}

static int in_range(const struct netaddr *net, int bits, const struct netaddr *a)
{
	if (net->family != a->family)
		return 0;
	int full = bits / 8, rest = bits % 8;
	if (memcmp(net->b, a->b, (size_t)full))
		return 0;
	if (!rest)
		return 1;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (net->b[full] & mask) == (a->b[full] & mask);
}

/* 1 when a (may be NULL: only checking) is inside an item, -1 on a malformed item */
static int each(const char *list, const struct netaddr *a)
{
	const char *p = list ? list : "";
	while (*p) {
		p += strspn(p, ", \t");
		size_t len = strcspn(p, ", \t");
		if (!len)
			break;
		struct netaddr net;
		int bits;
		if (item_parse(p, len, &net, &bits))
			return -1;
		if (a && in_range(&net, bits, a))
			return 1;
		p += len;
	}
	return 0;
}

int netaddr_list_valid(const char *list)
{
	return each(list, NULL) == 0;
}

int netaddr_in_list(const char *list, const struct netaddr *a)
{
	return a->family && each(list, a) == 1;
}

void netaddr_network(const char *ip, char *out, size_t n)
{
	unsigned char a6[16];
	struct in_addr a4;
	if (inet_pton(AF_INET6, ip, a6) == 1) {
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (!memcmp(a6, mapped, sizeof mapped)) {
			memcpy(&a4.s_addr, a6 + 12, 4);
			inet_ntop(AF_INET, &a4, out, (socklen_t)n);
			return;
		}
		memset(a6 + 8, 0, 8);
		char buf[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, a6, buf, sizeof buf);
		snprintf(out, n, "%s/64", buf);
		return;
	}
	snprintf(out, n, "%s", ip);
}
