/* Files sent in a support session's chat (issue 17): their bytes are kept in
 * the database (support_files.data, NULL once erased) so that every node of a
 * cluster serves them. For src/support/files.c. */
#ifndef STORE_SUPPORT_FILES_H
#define STORE_SUPPORT_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "core/ids.h"

struct db;

#define SUPPORT_FILE_NAME_MAX 128 /* bytes of a (sanitised) file name */

struct support_file {
	char id[ID_MAX];
	char session_id[ID_MAX];
	char name[SUPPORT_FILE_NAME_MAX + 1];
	char content_type[64];
	char author_kind[16]; /* customer, technician */
	char author_id[ID_MAX];
	int64_t size, created_at;
	int erased; /* its bytes are gone */
};

int store_support_file_add(struct db *db, const char *account_id, const struct support_file *f, const void *data,
			   size_t len);
/* the session's files so far (erased ones too): how many, and their bytes */
int store_support_file_totals(struct db *db, const char *account_id, const char *session_id, int64_t *count,
			      int64_t *bytes);
/* the file of the session; with data, also its bytes (malloc'd, *data NULL when erased) */
int store_support_file_get(struct db *db, const char *account_id, const char *session_id, const char *id,
			   struct support_file *out, unsigned char **data, size_t *len);
/* the session's files, oldest first, at most max */
int store_support_files_list(struct db *db, const char *account_id, const char *session_id, struct support_file *out,
			     int max, int *n);
/* marks message seq of the session as the message of file file_id */
int store_support_file_message(struct db *db, const char *account_id, const char *session_id, int64_t seq,
			       const char *file_id);

#endif
