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
	static const struct option opts[] = {{"data", required_argument, 0, 'd'},
					     {"db", required_argument, 0, 'b'},
					     {"config", required_argument, 0, 'c'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	struct cli_flag flags[2];
	int nflags = 0, c;
	const char *config_path = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			flags[nflags++] = (struct cli_flag){"data", optarg};
			break;
		case 'b':
			flags[nflags++] = (struct cli_flag){"db", optarg};
			break;
		case 'c':
			config_path = optarg;
			break;
		case 'h':
			fputs(help, stdout);
			return 0;
		default:
			fputs(help, stderr);
			return 2;
		}
	}
	struct config cfg;
	int rc = cli_config(&cfg, config_path, flags, nflags);
	if (rc || (rc = cli_open_store(&cfg)))
		return rc;
	int v = 0;
	store_schema_version(store_db(), &v);
	printf("schema version %d (%s)\n", v, store_backend(store_db()));
	store_close_thread();
	return 0;
}
