/* `convene routes`: prints the route table, one route a line as
 * "METHOD PATTERN FLAGS", so that tests and documentation can be checked
 * against the routes that really exist (docs/openapi.yaml, the authz matrix). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "http/router.h"

static const char help[] = "usage: convene routes\n"
			   "\n"
			   "Prints every HTTP route as METHOD PATTERN FLAGS, one a line, in table order.\n"
			   "FLAGS is a comma-separated list of public, allow_pending, no_csrf, raw_body,\n"
			   "secret (the path's parameters are credentials, never logged), or - when the\n"
			   "route has none (authenticated, CSRF-checked, JSON body).\n";

static void print_route(const struct route *rt, void *arg)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {{ROUTE_PUBLIC, "public"},
		     {ROUTE_ALLOW_PENDING, "allow_pending"},
		     {ROUTE_NO_CSRF, "no_csrf"},
		     {ROUTE_RAW_BODY, "raw_body"},
		     {ROUTE_SECRET_PARAMS, "secret"}};
	char flags[96] = "";
	(void)arg;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (rt->flags & names[i].bit) {
			size_t l = strlen(flags);
			snprintf(flags + l, sizeof flags - l, "%s%s", l ? "," : "", names[i].name);
		}
	printf("%s %s %s\n", rt->method, rt->pattern, flags[0] ? flags : "-");
}

int cli_routes(int argc, char **argv)
{
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(help, stdout);
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "convene: unexpected argument '%s'\n\n%s", argv[1], help);
		return 2;
	}
	router_each(print_route, NULL);
	return fflush(stdout) ? 1 : 0;
}
