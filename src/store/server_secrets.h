/* The server_secrets table: secrets of the whole server (not of an account),
 * made once by the first process that needs them and shared by every node. */
#ifndef STORE_SERVER_SECRETS_H
#define STORE_SERVER_SECRETS_H

#include <stddef.h>
#include <stdint.h>

struct db;

/* the value of secret `name`, into out (n bytes): the stored one, or `fresh`
 * stored now when there is none. In its own write transaction (call it
 * outside one); two processes racing both read the winner's value. */
int store_server_secret(struct db *db, const char *name, const char *fresh, int64_t now, char *out, size_t n);

#endif
