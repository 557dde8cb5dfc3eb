/* Plain WebDAV collections and files inside calendar collections (files.c):
 * every method but PROPPATCH (collections.c) on a DAV_FILE path. */
#ifndef DAV_FILES_H
#define DAV_FILES_H

#include "dav/path.h"
#include "http/request.h"
#include "store/store.h"

int dav_file_method(struct req *r, struct db *db, const struct dav_path *p);

#endif
