/* libFuzzer target: iCalendar text as CalDAV PUT (ics_parse_object) and
 * import (ics_parse_import) give it to the parser — raw-line masking
 * (ics_raw.c), client VTIMEZONEs (ics_zones.c) — and what stored text goes
 * through afterwards: expansion over a bounded window, instances, feeds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ical/ics.h"
#include "core/buf.h"

#define T2020 1577836800LL /* 2020-01-01 */
#define T2030 1893456000LL /* 2030-01-01 */
/* the widest window a request can name: dav_utc_read and the API take 4-digit years */
#define T0001 (-62135596800LL)
#define T9999 253402300799LL

static int count(void *ctx, const struct ics_occurrence *o)
{
	(*(int *)ctx)++;
	return 0;
}

/* what a stored object is used for: expansion, CalDAV expand and
 * limit-recurrence-set, feeds, Schedule-Tag */
static void use_stored(const char *text)
{
	int n = 0, truncated = 0;
	ics_expand(text, "Europe/Paris", T2020, T2030, 1000, count, &n, &truncated);
	ics_expand(text, "America/New_York", T0001, T9999, 50, count, &n, &truncated);
	struct buf b = {0}, z = {0};
	ics_instances(text, "Europe/Paris", T2020, T2030, 200, &b, &truncated);
	buf_free(&b);
	memset(&b, 0, sizeof b);
	ics_limit_overrides(text, "Europe/Paris", T2020, T2030, &b);
	buf_free(&b);
	memset(&b, 0, sizeof b);
	ics_feed_append(&z, &b, text);
	buf_free(&b);
	buf_free(&z);
	char tag[ICS_TAG_MAX];
	ics_schedule_tag(text, tag);
}

static int one_import(void *ctx, struct ics_object *o)
{
	use_stored(o->text); /* the importer frees o */
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return ics_init();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > ICS_MAX_TEXT)
		return 0;
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;
	struct ics_error err;
	struct ics_object *o = NULL;
	if (!ics_parse_object(text, size, "Europe/Paris", &o, &err) && o) {
		use_stored(o->text);
		use_stored(o->busy_text);
		ics_object_free(o);
	}
	size_t skipped = 0;
	ics_parse_import(text, size, "Europe/Paris", one_import, NULL, NULL, &skipped, &err);
	struct ics_fb_request q = {0};
	ics_parse_fb_request(text, size, &q, &err);
	ics_fb_request_free(&q);
	free(text);
	return 0;
}
