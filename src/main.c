/* convene: one binary, subcommands. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/ids.h"
#include "routes.h"

#define CONVENE_VERSION "0.1.0"

static const char help[] =
	"convene " CONVENE_VERSION " - rooms, calendars, conferences and customer support, self-hosted\n"
	"\n"
	"usage: convene COMMAND [options]   (convene COMMAND --help for its options)\n"
	"\n"
	"commands:\n"
	"  serve         serve the API, admin center and calendar protocols\n"
	"  init          create the data directory and the first account and administrator\n"
	"  account add   add another account (organisation) with its administrator\n"
	"  account seats  set or show an account's seats per module (remote_support, service_desk)\n"
	"  migrate       apply pending database migrations\n"
	"  import        load an .ics file into a calendar (all or nothing, by UID)\n"
	"  user reset-password  a one-time password for a user (a locked-out administrator)\n"
	"  routes        list the HTTP routes (METHOD PATTERN FLAGS), for tools and docs\n"
	"  version       print the version\n";

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		fputs(help, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		puts("convene " CONVENE_VERSION);
		return 0;
	}
	if (ids_init()) {
		fputs("convene: libsodium failed to initialise\n", stderr);
		return 1;
	}
	app_hooks_register();
	if (!strcmp(argv[1], "serve"))
		return cli_serve(argc - 1, argv + 1);
	if (!strcmp(argv[1], "init"))
		return cli_init(argc - 1, argv + 1);
	if (!strcmp(argv[1], "account"))
		return cli_account(argc - 1, argv + 1);
	if (!strcmp(argv[1], "migrate"))
		return cli_migrate(argc - 1, argv + 1);
	if (!strcmp(argv[1], "import"))
		return cli_import(argc - 1, argv + 1);
	if (!strcmp(argv[1], "routes"))
		return cli_routes(argc - 1, argv + 1);
	if (!strcmp(argv[1], "user"))
		return cli_user(argc - 1, argv + 1);
	fprintf(stderr, "convene: unknown command '%s'\n\n%s", argv[1], help);
	return 2;
}
