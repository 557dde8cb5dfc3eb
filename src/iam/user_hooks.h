/* "A user was created" hooks: iam makes users, and a higher domain acts on
 * it (the calendar makes the user's default calendar) without iam calling
 * up. Registered once at start-up by routes.c's app_hooks_register(), before
 * any thread starts; run inside the write transaction that made the user. */
#ifndef IAM_USER_HOOKS_H
#define IAM_USER_HOOKS_H

#include "store/store.h"

#define USER_HOOKS_MAX 8

/* non-zero rolls the creation back (the caller's transaction) */
typedef int (*user_created_fn)(struct db *db, const struct user *u);

/* E_TOOLARGE past USER_HOOKS_MAX: a start-up wiring error */
int user_hooks_on_created(user_created_fn fn);
/* runs every registered hook in order; the first error stops and is returned */
int user_hooks_created(struct db *db, const struct user *u);

#endif
