/* Files in a support chat (support/files.c): what a file is by its first
 * bytes, the types that may be sent, file names made safe, and the limits. */
#ifndef SUPPORT_FILES_H
#define SUPPORT_FILES_H

#include <jansson.h>
#include <stddef.h>

#include "http/router.h"
#include "store/store.h"

#define SUPPORT_FILE_MAX ROUTE_UPLOAD_MAX                  /* bytes of one file (10 MiB) */
#define SUPPORT_FILES_PER_SESSION 20                       /* files one session may have */
#define SUPPORT_FILES_BYTES_PER_SESSION (50 * 1024 * 1024) /* their bytes together */

/* the allowed type the content is by its first bytes (text: valid UTF-8
 * without control characters), or NULL when none */
const char *support_file_sniff(const unsigned char *p, size_t n);
/* the allowed type a Content-Type header names (aliases too), or NULL */
const char *support_file_declared(const char *content_type);
/* the last path part of in, without control or reserved characters or
 * leading dots, cut at a character's end to fit size; "file" when nothing is left */
void support_file_name_clean(const char *in, char *out, size_t size);
json_t *support_file_json(const struct support_file *f);

#endif
