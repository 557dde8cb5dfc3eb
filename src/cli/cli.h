/* The subcommands of the convene binary and the option handling they share:
 * configuration from defaults, convene.conf, CONVENE_* and flags (flags win). */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include "core/config.h"

int cli_serve(int argc, char **argv);
int cli_init(int argc, char **argv);
int cli_account(int argc, char **argv);
int cli_migrate(int argc, char **argv);
int cli_import(int argc, char **argv); /* loads an .ics file into a calendar */
int cli_routes(int argc, char **argv); /* prints the route table */
int cli_user(int argc, char **argv);   /* user reset-password */

/* a flag given on the command line, applied after the file and the environment */
struct cli_flag {
	const char *key;
	const char *value;
};

/* loads defaults, DATA/convene.conf (or --config), the environment, then flags;
 * prints the problem and returns non-zero on a bad value */
int cli_config(struct config *cfg, const char *config_path, const struct cli_flag *flags, int nflags);
/* opens the store and applies migrations; prints the problem on failure */
int cli_open_store(const struct config *cfg);

#endif
