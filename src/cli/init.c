/* `convene init` and `convene account add`: create the data directory, the
 * schema and an account with its first administrator (`convene account seats`
 * is in cli/seats.c). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "iam/accounts.h"
#include "store/store.h"

static const char init_help[] = "usage: convene init --data DIR --admin-email EMAIL [--admin-password PASSWORD]\n"
				"                    [--account-name NAME] [--db URL]\n"
				"\n"
				"Creates the data directory, the database schema and the first account with\n"
				"its default company and administrator. Without --admin-password a password\n"
				"is generated and printed; it must be changed at first sign-in.\n"
				"\n"
				"  --data DIR            data directory (default ./var)\n"
				"  --db URL              sqlite:PATH (default DIR/convene.db) or postgres://...\n"
				"  --admin-email EMAIL   the administrator's sign-in address\n"
				"  --admin-password PW   the administrator's password (at least 10 characters)\n"
				"  --account-name NAME   the organisation's name (default \"My organisation\")\n";

static const char account_help[] =
	"usage: convene account add --data DIR --name NAME --admin-email EMAIL\n"
	"                           [--admin-password PASSWORD] [--db URL]\n"
	"       convene account seats --data DIR --account ID [--module M --count N] [--db URL]\n"
	"\n"
	"add: adds another account (an organisation served by the same convene) with\n"
	"its default company and first administrator.\n"
	"seats: sets or shows the account's seats per module (convene account seats --help).\n";

static int create(int argc, char **argv, int is_init)
{
	static const struct option opts[] = {CLI_COMMON_OPTIONS,
					     {"admin-email", required_argument, 0, 'e'},
					     {"admin-password", required_argument, 0, 'p'},
					     {"account-name", required_argument, 0, 'n'},
					     {"name", required_argument, 0, 'n'},
					     {0, 0, 0, 0}};
	const char *help = is_init ? init_help : account_help;
	struct cli_args a = {0};
	int c, rc;
	const char *email = NULL, *password = NULL, *name = is_init ? "My organisation" : NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'e')
			email = optarg;
		else if (c == 'p')
			password = optarg;
		else if (c == 'n')
			name = optarg;
		else if ((rc = cli_common_option(c, &a, help)) >= 0)
			return rc;
	}
	if (!email || !name) {
		fprintf(stderr, "convene: --admin-email%s is required\n\n%s", is_init ? "" : " and --name", help);
		return 2;
	}
	struct config cfg;
	if ((rc = cli_open(&a, &cfg)))
		return rc;
	/* the key that encrypts secrets of external connections at rest; on
	 * PostgreSQL every node must share one, so the operator provides it */
	int created = 0;
	if (!strncmp(cfg.db_url, "sqlite:", 7) && cli_key_ensure(&cfg, &created))
		return 1;
	int64_t n = 0;
	if (is_init && store_account_count(store_db(), &n) == 0 && n > 0) {
		fprintf(stderr, "convene: %s already holds an account; use `convene account add` for another\n",
			cfg.db_url);
		return 1;
	}
	struct account_created out;
	char err[512];
	if (accounts_create(store_db(), name, email, password, &out, err, sizeof err)) {
		fprintf(stderr, "convene: %s\n", err);
		return 1;
	}
	printf("Account \"%s\" created (%s).\n", name, out.account_id);
	printf("  administrator: %s\n", email);
	if (out.generated)
		printf("  one-time password: %s  (must be changed at first sign-in)\n", out.password);
	store_close_thread();
	return 0;
}

int cli_init(int argc, char **argv)
{
	return create(argc, argv, 1);
}

int cli_account(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(account_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "seats"))
		return cli_account_seats(argc - 1, argv + 1);
	if (strcmp(argv[1], "add")) {
		fprintf(stderr, "convene: unknown account command '%s'\n\n%s", argv[1], account_help);
		return 2;
	}
	return create(argc - 1, argv + 1, 0);
}
