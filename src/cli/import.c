/* `convene import FILE --calendar ID`: loads an .ics file into a calendar,
 * every event or none, with a progress bar on a terminal. An operator's
 * tool: it tells none of the people the meetings invite. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "calendar/event_store.h"
#include "calendar/import.h"
#include "cli/cli.h"
#include "core/buf.h"
#include "core/errors.h"
#include "api/audit.h"
#include "store/store.h"

static const char help[] = "usage: convene import FILE --calendar ID [--data DIR] [--db URL] [--config FILE]\n"
			   "\n"
			   "Imports the events of an iCalendar file (FILE, or - for standard input) into\n"
			   "the calendar ID. An event whose UID is already in the calendar is replaced\n"
			   "(or left alone when unchanged), so importing twice changes nothing. The file\n"
			   "is checked whole first: on any error nothing is imported and the error names\n"
			   "the line and the property. Tasks and journal entries are skipped.\n";

#define FILE_MAX (1024L * 1024 * 1024)

struct bar {
	int tty;
	int last;
};

static void progress(void *ctx, size_t done, size_t total)
{
	struct bar *b = ctx;
	if (!b->tty || !total)
		return;
	int pct = (int)(done * 100 / total);
	if (pct == b->last)
		return;
	b->last = pct;
	int fill = pct / 4;
	fprintf(stderr, "\rimporting [%.*s%*s] %3d%% of %.1f MB", fill, "#########################", 25 - fill, "", pct,
		(double)total / 1e6);
	if (done == total)
		fputc('\n', stderr);
}

static int read_all(const char *path, struct buf *b)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f) {
		fprintf(stderr, "convene: cannot open %s: %m\n", path);
		return 1;
	}
	char chunk[65536];
	size_t n;
	int rc = 0;
	while (!rc && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b->len + n > FILE_MAX) {
			fprintf(stderr, "convene: %s is larger than 1 GiB\n", path);
			rc = 1;
		} else if (buf_append(b, chunk, n)) {
			fprintf(stderr, "convene: out of memory reading %s\n", path);
			rc = 1;
		}
	}
	if (!rc && ferror(f)) {
		fprintf(stderr, "convene: cannot read %s: %m\n", path);
		rc = 1;
	}
	if (f != stdin)
		fclose(f);
	return rc;
}

int cli_import(int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_OPTIONS, {"calendar", required_argument, 0, 'k'}, {0, 0, 0, 0}};
	struct cli_args a = {0};
	int c, rc;
	const char *calendar_id = NULL;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'k')
			calendar_id = optarg;
		else if ((rc = cli_common_option(c, &a, help)) >= 0)
			return rc;
	}
	if (optind != argc - 1 || !calendar_id) {
		fputs(optind != argc - 1 ? "convene: name one FILE (or -)\n\n"
					 : "convene: --calendar ID is required\n\n",
		      stderr);
		fputs(help, stderr);
		return 2;
	}
	const char *path = argv[optind];
	struct config cfg;
	if ((rc = cli_open(&a, &cfg)))
		return rc;
	if (ics_init()) {
		fputs("convene: cannot load the time zone database\n", stderr);
		return 1;
	}
	struct db *db = store_db();
	struct calendar cal;
	if ((rc = store_calendar_find(db, calendar_id, &cal))) {
		fprintf(stderr, "convene: no calendar '%s'%s\n", calendar_id,
			rc == E_NOTFOUND ? "" : " (database error)");
		store_close_thread();
		return 1;
	}
	struct buf b = {0};
	if (read_all(path, &b)) {
		buf_free(&b);
		store_close_thread();
		return 1;
	}
	struct bar bar = {isatty(2), -1};
	struct import_result res;
	struct ics_error err;
	struct booking_result booking = {0};
	rc = calendar_import(db, &cal, b.data ? b.data : "", b.len, NULL, NULL, progress, &bar, &res, &err, &booking);
	if (bar.tty && bar.last >= 0 && bar.last < 100)
		fputc('\n', stderr);
	if (rc == E_CONFLICT && booking.refused && booking.nrefusals) {
		const struct booking_refusal *f = &booking.refusals[0];
		fprintf(stderr, "convene: %s: %s (%zu occurrence%s refused)\nnothing was imported\n", path, f->detail,
			booking.nrefusals, booking.nrefusals == 1 ? "" : "s");
	} else if (rc == E_INVALID) {
		fprintf(stderr, "convene: %s: %s\nnothing was imported\n", path, err.message);
	} else if (rc == E_FORBIDDEN && res.external[0]) {
		fprintf(stderr, "convene: %s: %s\nnothing was imported\n", path, event_external_text(res.external));
	} else if (rc) {
		fprintf(stderr, "convene: import failed: %s; nothing was imported\n", store_error(db));
	} else {
		printf("%s: %d created, %d updated, %d unchanged, %zu skipped (tasks, journal entries)\n", cal.name,
		       res.created, res.updated, res.unchanged, res.skipped);
		if ((res.created || res.updated) && !store_begin(db, 1)) {
			json_t *v = json_pack("{s:i, s:i, s:i}", "created", res.created, "updated", res.updated,
					      "unchanged", res.unchanged);
			if (audit_record_system(db, cal.account_id, "cli", "calendar.import", "calendar", cal.id,
						cal.name, NULL, v) ||
			    store_commit(db))
				store_rollback(db);
		}
	}
	booking_result_free(&booking);
	buf_free(&b);
	store_close_thread();
	return rc ? 1 : 0;
}
