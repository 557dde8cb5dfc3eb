/* CSV out (RFC 4180) through libcsv: every field quoted, rows ended by CRLF,
 * and cells of text people typed guarded against formula injection. */
#ifndef CORE_CSV_H
#define CORE_CSV_H

#include "core/buf.h"

/* appends one field (a comma before it unless first); 0 or E_NOMEM */
int csv_field(struct buf *b, const char *s, int first);
/* the same for a name or other typed text: one beginning with = + - @ (or a
 * tab or carriage return) gets a leading apostrophe, so that a spreadsheet
 * does not read it as a formula */
int csv_text_field(struct buf *b, const char *s, int first);
int csv_row_end(struct buf *b);

#endif
