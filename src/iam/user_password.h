/* An administrator's recovery of a user's password: set one, generate a
 * one-time one, or mail a reset link (POST /api/v1/users/{id}/password), and
 * the same for `convene user reset-password`. */
#ifndef IAM_USER_PASSWORD_H
#define IAM_USER_PASSWORD_H

#include "http/router.h"
#include "store/store.h"

extern const struct route user_password_routes[];

/* in the caller's transaction: gives u the password pw, to be changed at
 * next sign-in when must_change; ends u's sessions, revokes their app
 * passwords and audits (`user.password_set`, method "set" | "generate" | "cli") */
int user_password_set(struct req *r, struct db *db, struct user *u, const char *pw, int must_change,
		      const char *method);

#endif
