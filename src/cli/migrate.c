/* `convene migrate`: applies pending schema migrations and reports the version. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "store/store.h"

static const char help[] = "usage: convene migrate [--data DIR] [--db URL] [--config FILE]\n"
			   "\n"
			   "Applies the schema migrations this convene carries and that the database\n"
			   "lacks (serve also does this at start), then prints the schema version.\n";

int cli_migrate(int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_OPTIONS, {0, 0, 0, 0}};
	struct cli_args a = {0};
	int c, rc;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		if ((rc = cli_common_option(c, &a, help)) >= 0)
			return rc;
	struct config cfg;
	if ((rc = cli_open(&a, &cfg)))
		return rc;
	int v = 0;
	store_schema_version(store_db(), &v);
	printf("schema version %d (%s)\n", v, store_backend(store_db()));
	store_close_thread();
	return 0;
}
