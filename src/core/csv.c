/* CSV fields written by libcsv's csv_write (quotes around, inner quotes
 * doubled), and the apostrophe that keeps a spreadsheet from evaluating a
 * cell (OWASP "CSV injection"). */
#include "core/csv.h"

#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"

int csv_field(struct buf *b, const char *s, int first)
{
	if (!first && buf_append(b, ",", 1))
		return E_NOMEM;
	size_t len = strlen(s), need = csv_write(NULL, 0, s, len);
	char small[256], *out = need <= sizeof small ? small : malloc(need);
	if (!out)
		return E_NOMEM;
	csv_write(out, need, s, len);
	int rc = buf_append(b, out, need);
	if (out != small)
		free(out);
	return rc;
}

int csv_text_field(struct buf *b, const char *s, int first)
{
	if (!strchr("=+-@\t\r", s[0]) || !s[0])
		return csv_field(b, s, first);
	size_t len = strlen(s);
	char *guarded = malloc(len + 2);
	if (!guarded)
		return E_NOMEM;
	guarded[0] = '\'';
	memcpy(guarded + 1, s, len + 1);
	int rc = csv_field(b, guarded, first);
	free(guarded);
	return rc;
}

int csv_row_end(struct buf *b)
{
	return buf_append(b, "\r\n", 2);
}
