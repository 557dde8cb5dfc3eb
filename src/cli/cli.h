/* The subcommands of the convene binary and the option handling they share:
 * configuration from defaults, convene.conf, CONVENE_* and flags (flags win). */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include "core/config.h"

int cli_serve(int argc, char **argv);
int cli_init(int argc, char **argv);
int cli_account(int argc, char **argv);
int cli_account_seats(int argc, char **argv); /* account seats */
int cli_migrate(int argc, char **argv);
int cli_import(int argc, char **argv); /* loads an .ics file into a calendar */
int cli_routes(int argc, char **argv); /* prints the route table */
int cli_user(int argc, char **argv);   /* user reset-password */

/* a flag given on the command line, applied after the file and the environment */
struct cli_flag {
	const char *key;
	const char *value;
};

/* The options every subcommand takes, --data, --db, --config and --help:
 * CLI_COMMON_OPTIONS goes in the subcommand's getopt_long table (which
 * includes <getopt.h>), and each answer the subcommand does not handle
 * itself goes to cli_common_option. */
#define CLI_COMMON_OPTIONS                                                                                             \
	{"data", required_argument, 0, 'd'}, {"db", required_argument, 0, 'b'}, {"config", required_argument, 0, 'c'}, \
	{                                                                                                              \
		"help", no_argument, 0, 'h'                                                                            \
	}
#define CLI_FLAGS_MAX 32
struct cli_args {
	struct cli_flag flags[CLI_FLAGS_MAX];
	int nflags;
	const char *config_path;
};
/* c is getopt_long's answer: -1 to go on, else the exit status (0 after
 * --help, printed on stdout; 2 on an unknown option, help on stderr) */
int cli_common_option(int c, struct cli_args *a, const char *help);
/* a flag kept for the configuration; 2 (with help on stderr) when there are too many */
int cli_flag_add(struct cli_args *a, const char *key, const char *value, const char *help);
/* the configuration (defaults, DATA/convene.conf or --config, the
 * environment, then the flags), then the store opened and migrated; prints
 * the problem and returns non-zero on a bad value or a failure */
int cli_open(const struct cli_args *a, struct config *cfg);
/* makes the secret box's key file (cfg->secret_key, mode 0600) when it is
 * missing; never replaces one. 0 (*created says whether it was made), or 1
 * after printing the problem */
int cli_key_ensure(const struct config *cfg, int *created);

#endif
