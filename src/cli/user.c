/* convene user reset-password: the way back in for a sole administrator who
 * is locked out (forgotten password, no mail server for a reset link). Like
 * `convene init`, it prints a one-time password that must be changed at the
 * next sign-in; sessions and app passwords of the user end, and the audit
 * log records it as done from the command line. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/arena.h"
#include "core/errors.h"
#include "iam/password.h"
#include "iam/user_password.h"
#include "iam/users.h"
#include "store/store.h"

static const char help[] = "usage: convene user reset-password --data DIR EMAIL [--account ID] [--db URL]\n"
			   "\n"
			   "Gives the user with this e-mail address a new one-time password, printed\n"
			   "here, which must be changed at the next sign-in. The user's sessions and app\n"
			   "passwords end. For an administrator who can no longer sign in; everyone else\n"
			   "can be helped from the admin center (Users, then the user, then Password).\n"
			   "\n"
			   "options:\n"
			   "  --data DIR      the data directory\n"
			   "  --db URL        the database (default: sqlite in the data directory)\n"
			   "  --account ID    the account of the user (needed when several accounts have the address)\n"
			   "  --config FILE   configuration file (default DIR/convene.conf)\n"
			   "  --help          this text\n";

static int reset_password(int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_OPTIONS, {"account", required_argument, 0, 'a'}, {0, 0, 0, 0}};
	struct cli_args a = {0};
	int c, rc;
	const char *account = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'a')
			account = optarg;
		else if ((rc = cli_common_option(c, &a, help)) >= 0)
			return rc;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "convene: one e-mail address is required\n\n%s", help);
		return 2;
	}
	char email[256];
	snprintf(email, sizeof email, "%s", argv[optind]);
	users_lower_email(email);
	struct config cfg;
	if ((rc = cli_open(&a, &cfg)))
		return rc;
	struct db *db = store_db();
	struct user u;
	/* an address may belong to a user in several accounts: --account names the one */
	if (account) {
		rc = store_user_by_account_email(db, account, email, &u);
	} else {
		struct user found[USERS_SAME_ADDRESS_MAX];
		int n = 0;
		rc = store_users_by_email(db, email, found, USERS_SAME_ADDRESS_MAX, &n);
		if (!rc && n > 1) {
			fprintf(stderr, "convene: %s is a user in several accounts; name one with --account:\n", email);
			for (int i = 0; i < n; i++)
				fprintf(stderr, "  %s\n", found[i].account_id);
			store_close_thread();
			return 1;
		}
		if (!rc && n == 0)
			rc = E_NOTFOUND;
		if (!rc)
			u = found[0];
	}
	if (rc == E_NOTFOUND) {
		fprintf(stderr, "convene: no user %s%s%s\n", email, account ? " in account " : "",
			account ? account : "");
		store_close_thread();
		return 1;
	}
	if (rc) {
		fprintf(stderr, "convene: cannot read the user: %s\n", store_error(db));
		store_close_thread();
		return 1;
	}
	char pw[32];
	password_generate(pw, sizeof pw);
	/* the audit log names the command line as the actor */
	struct req r = {0};
	r.arena = arena_new();
	r.method = "CLI";
	r.path = "convene user reset-password";
	memcpy(r.who.account_id, u.account_id, sizeof r.who.account_id);
	snprintf(r.who.email, sizeof r.who.email, "convene user reset-password");
	if (!r.arena || (rc = store_begin(db, 1)))
		goto out;
	if ((rc = user_password_set(&r, db, &u, pw, 1, "cli")) || (rc = store_commit(db)))
		store_rollback(db);
out:
	arena_free(r.arena);
	if (rc) {
		fprintf(stderr, "convene: the password could not be set: %s\n", store_error(db));
		store_close_thread();
		return 1;
	}
	printf("New password for %s (account %s).\n", u.email, u.account_id);
	printf("  one-time password: %s  (must be changed at the next sign-in)\n", pw);
	if (strcmp(u.status, "active"))
		printf("  note: this user is suspended; an administrator must make them active again\n");
	store_close_thread();
	return 0;
}

int cli_user(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(help, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "reset-password")) {
		fprintf(stderr, "convene: unknown user command '%s'\n\n%s", argv[1], help);
		return 2;
	}
	return reset_password(argc - 1, argv + 1);
}
