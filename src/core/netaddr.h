/* IP addresses and lists of them ("10.0.0.1, 192.168.0.0/16, ::1"), for the
 * settings that name clients or proxies: parsing, matching, the textual
 * form of a socket address, and the network a client counts in for limits. */
#ifndef CORE_NETADDR_H
#define CORE_NETADDR_H

#include <stddef.h>
#include <sys/socket.h>

#define NETADDR_TEXT_MAX 46 /* INET6_ADDRSTRLEN */

struct netaddr {
	int family; /* AF_INET or AF_INET6; IPv4-mapped IPv6 addresses are AF_INET */
	unsigned char b[16];
};

/* a literal address ("192.0.2.1", "2001:db8::1"); 0 or -1 */
int netaddr_parse(const char *s, struct netaddr *out);
int netaddr_from_sockaddr(const struct sockaddr *sa, struct netaddr *out);
void netaddr_text(const struct netaddr *a, char *out, size_t n);
/* 1 when every item of the list is an address or a CIDR range (an empty list too) */
int netaddr_list_valid(const char *list);
/* 1 when a is one of the list's addresses or inside one of its ranges */
int netaddr_in_list(const char *list, const struct netaddr *a);
/* the network an address counts in for throttles and rate limits: IPv4
 * itself, IPv6 its /64 (one subscriber's allocation), an IPv4-mapped IPv6
 * address its IPv4; anything else itself */
void netaddr_network(const char *ip, char *out, size_t n);

#endif
