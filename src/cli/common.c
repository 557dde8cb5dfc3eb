/* The options, configuration assembly and store opening shared by the subcommands. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/secretbox.h"
#include "iam/password.h"
#include "store/store.h"

static int cli_config(struct config *cfg, const char *config_path, const struct cli_flag *flags, int nflags)
{
	char err[512] = "";
	config_defaults(cfg);
	/* the data directory decides where convene.conf is, so find it first */
	const char *data = getenv("CONVENE_DATA");
	for (int i = 0; i < nflags; i++)
		if (!strcmp(flags[i].key, "data"))
			data = flags[i].value;
	if (data && config_set(cfg, "data", data, err, sizeof err))
		goto bad;
	char path[600];
	if (config_path)
		snprintf(path, sizeof path, "%s", config_path);
	else
		snprintf(path, sizeof path, "%s/convene.conf", cfg->data_dir);
	if (config_path) {
		struct stat st;
		if (stat(config_path, &st)) {
			fprintf(stderr, "convene: config file %s does not exist\n", config_path);
			return 2;
		}
	}
	if (config_load_file(cfg, path, err, sizeof err) || config_load_env(cfg, err, sizeof err))
		goto bad;
	for (int i = 0; i < nflags; i++)
		if (config_set(cfg, flags[i].key, flags[i].value, err, sizeof err))
			goto bad;
	config_finish(cfg);
	log_set_format(!strcmp(cfg->log_format, "json") ? LOG_JSON : LOG_TEXT);
	return 0;
bad:
	fprintf(stderr, "convene: %s\n", err);
	return 2;
}

static int cli_open_store(const struct config *cfg)
{
	char err[1024];
	if (!strncmp(cfg->db_url, "sqlite:", 7)) {
		struct stat st;
		if (stat(cfg->data_dir, &st) && mkdir(cfg->data_dir, 0700)) {
			fprintf(stderr, "convene: cannot create data directory %s\n", cfg->data_dir);
			return 1;
		}
	}
	if (store_init(cfg->db_url, err, sizeof err)) {
		fprintf(stderr, "convene: %s\n", err);
		return 1;
	}
	int applied = 0;
	if (store_migrate(store_db(), &applied, err, sizeof err)) {
		fprintf(stderr, "convene: %s\n", err);
		return 1;
	}
	/* every command that may set a password salts it by address */
	int rc = password_key_init(store_db());
	if (rc) {
		fprintf(stderr, "convene: cannot read or make the password salt key: %s\n", error_name(rc));
		return 1;
	}
	return 0;
}

int cli_flag_add(struct cli_args *a, const char *key, const char *value, const char *help)
{
	if (a->nflags >= CLI_FLAGS_MAX) {
		fprintf(stderr, "convene: too many options\n\n%s", help);
		return 2;
	}
	a->flags[a->nflags++] = (struct cli_flag){key, value};
	return -1;
}

int cli_common_option(int c, struct cli_args *a, const char *help)
{
	switch (c) {
	case 'd':
		return cli_flag_add(a, "data", optarg, help);
	case 'b':
		return cli_flag_add(a, "db", optarg, help);
	case 'c':
		a->config_path = optarg;
		return -1;
	case 'h':
		fputs(help, stdout);
		return 0;
	default:
		fputs(help, stderr);
		return 2;
	}
}

int cli_open(const struct cli_args *a, struct config *cfg)
{
	int rc = cli_config(cfg, a->config_path, a->flags, a->nflags);
	return rc ? rc : cli_open_store(cfg);
}

int cli_key_ensure(const struct config *cfg, int *created)
{
	char err[768];
	struct stat st;
	*created = 0;
	if (stat(cfg->secret_key, &st) == 0)
		return 0;
	int rc = secretbox_create(cfg->secret_key, err, sizeof err);
	if (rc && stat(cfg->secret_key, &st) == 0)
		return 0; /* another process made it first: that key it is */
	if (rc) {
		fprintf(stderr, "convene: %s\n", err);
		return 1;
	}
	*created = 1;
	return 0;
}
