/* WebDAV state beyond calendar data (migration 014): dead properties of a
 * calendar, an event or a plain resource (dav_properties, keyed by the
 * resource's path inside its calendar: '' the calendar, an event's href, a
 * plain resource's path), and the plain collections and files that RFC 4791
 * section 4.2 lets a calendar collection hold (dav_files). */
#ifndef STORE_DAV_PROPS_H
#define STORE_DAV_PROPS_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

struct db;

struct dav_dead {
	const char *path, *ns, *name, *value; /* value: the element as XML */
};

/* the dead properties of one resource (path), or of every resource of the
 * calendar when path is NULL, ordered by path (arena copies) */
int store_dav_props_list(struct db *db, struct arena *a, const char *account_id, const char *calendar_id,
			 const char *path, struct dav_dead **out, int *n);
int store_dav_prop_set(struct db *db, const char *account_id, const char *calendar_id, const char *path, const char *ns,
		       const char *name, const char *value);
int store_dav_prop_remove(struct db *db, const char *account_id, const char *calendar_id, const char *path,
			  const char *ns, const char *name);
/* bytes of values and count of the resource's dead properties */
int store_dav_props_size(struct db *db, const char *account_id, const char *calendar_id, const char *path,
			 int64_t *bytes, int64_t *count);
/* tree = 1: path is a collection ("…/"): everything under it too */
int store_dav_props_delete(struct db *db, const char *account_id, const char *calendar_id, const char *path, int tree);
/* copies (move = 0) or moves the properties of from (and below it when tree)
 * to the same names under to, in calendar to_cal */
int store_dav_props_copy(struct db *db, const char *account_id, const char *from_cal, const char *from,
			 const char *to_cal, const char *to, int tree, int move);

struct dav_file {
	const char *path;
	const char *body; /* NULL: a collection */
	size_t len;
	const char *content_type, *etag;
	int64_t updated_at;
};

int store_dav_file_get(struct db *db, struct arena *a, const char *account_id, const char *calendar_id,
		       const char *path, struct dav_file *out);
/* insert or replace */
int store_dav_file_put(struct db *db, const char *account_id, const char *calendar_id, const struct dav_file *f);
/* the members of the collection dir ("…/"), one level down, by path */
int store_dav_file_members(struct db *db, struct arena *a, const char *account_id, const char *calendar_id,
			   const char *dir, struct dav_file **out, int *n);
/* count and bytes of the calendar's plain resources */
int store_dav_files_size(struct db *db, const char *account_id, const char *calendar_id, int64_t *bytes,
			 int64_t *count);
int store_dav_file_delete(struct db *db, const char *account_id, const char *calendar_id, const char *path, int tree);
int store_dav_file_copy(struct db *db, const char *account_id, const char *from_cal, const char *from,
			const char *to_cal, const char *to, int tree, int move, int64_t now);

#endif
