/* `convene account seats`: the operator sets how many seats of a module an
 * account has, or shows them all. A count below the seats in use is
 * refused: an administrator takes the module from someone first. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/errors.h"
#include "iam/modules.h"
#include "store/store.h"

static const char help[] = "usage: convene account seats --data DIR --account ID [--module M --count N] [--db URL]\n"
			   "\n"
			   "Sets how many users of the account may hold a module (each holder takes one\n"
			   "seat), or, without --module and --count, prints every module's seats and how\n"
			   "many are in use. Modules: remote_support, service_desk. Administrators give\n"
			   "modules to technicians, managers and administrators in the admin center\n"
			   "(Users, then the user). A count below the seats in use is refused.\n"
			   "\n"
			   "options:\n"
			   "  --data DIR      the data directory\n"
			   "  --db URL        the database (default: sqlite in the data directory)\n"
			   "  --account ID    the account (acc_...)\n"
			   "  --module M      remote_support or service_desk\n"
			   "  --count N       the number of seats, 0 to 100000\n"
			   "  --config FILE   configuration file (default DIR/convene.conf)\n"
			   "  --help          this text\n";

#define SEATS_MAX 100000

static int show(struct db *db, const char *account)
{
	struct account a;
	int rc = store_account_get(db, account, &a);
	if (rc == E_NOTFOUND) {
		fprintf(stderr, "convene: no account %s\n", account);
		return 1;
	}
	printf("Seats of account \"%s\" (%s):\n", a.name, a.id);
	for (int i = 0; !rc && modules_names[i]; i++) {
		int64_t seats = 0, used = 0;
		if (!(rc = store_module_seats(db, account, modules_names[i], 0, &seats, &used)))
			printf("  %-16s %lld seats, %lld in use\n", modules_names[i], (long long)seats,
			       (long long)used);
	}
	if (rc) {
		fprintf(stderr, "convene: cannot read the seats: %s\n", store_error(db));
		return 1;
	}
	return 0;
}

int cli_account_seats(int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_OPTIONS,
					     {"account", required_argument, 0, 'a'},
					     {"module", required_argument, 0, 'm'},
					     {"count", required_argument, 0, 'n'},
					     {0, 0, 0, 0}};
	struct cli_args a = {0};
	int c, rc;
	const char *account = NULL, *module = NULL, *count_s = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'a')
			account = optarg;
		else if (c == 'm')
			module = optarg;
		else if (c == 'n')
			count_s = optarg;
		else if ((rc = cli_common_option(c, &a, help)) >= 0)
			return rc;
	}
	if (optind != argc) {
		fprintf(stderr, "convene: unexpected argument '%s'\n\n%s", argv[optind], help);
		return 2;
	}
	if (!account || (!module) != (!count_s)) {
		fprintf(stderr, "convene: --account is required, and --module and --count go together\n\n%s", help);
		return 2;
	}
	long long count = 0;
	if (module) {
		if (!modules_valid(module)) {
			fprintf(stderr, "convene: unknown module '%s' (remote_support, service_desk)\n", module);
			return 2;
		}
		char *end;
		count = strtoll(count_s, &end, 10);
		if (!*count_s || *end || count < 0 || count > SEATS_MAX) {
			fprintf(stderr, "convene: --count must be a whole number from 0 to %d, not '%s'\n", SEATS_MAX,
				count_s);
			return 2;
		}
	}
	struct config cfg;
	if ((rc = cli_open(&a, &cfg)))
		return rc;
	struct db *db = store_db();
	if (!module) {
		rc = show(db, account);
		store_close_thread();
		return rc;
	}
	int64_t used = 0;
	rc = modules_seats_set(db, account, module, count, &used);
	if (rc == E_NOTFOUND)
		fprintf(stderr, "convene: no account %s\n", account);
	else if (rc == E_CONFLICT)
		fprintf(stderr,
			"convene: %s has %lld seat%s in use, held by %lld user%s: %lld is too few; an administrator "
			"must first take the module from %lld of them (admin center, Users)\n",
			module, (long long)used, used == 1 ? "" : "s", (long long)used, used == 1 ? "" : "s", count,
			(long long)(used - count));
	else if (rc)
		fprintf(stderr, "convene: the seats could not be set: %s\n", store_error(db));
	else
		printf("Account %s: %s has %lld seat%s (%lld in use).\n", account, module, count, count == 1 ? "" : "s",
		       (long long)used);
	store_close_thread();
	return rc ? 1 : 0;
}
