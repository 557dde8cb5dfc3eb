/* Session replay: a session's transcript (messages with the technicians'
 * notes, its files, its figures) for those who may read it, and its export
 * as a self-contained HTML page (escaped, no script) or JSON, as an
 * attachment. Admins read every session of the account; managers the
 * sessions of teams they manage where session_replay is effective (export:
 * export_session_replay); a technician or manager the sessions they handled
 * themselves with rep_session_replay (rep_export_session_replay). Once a
 * transcript is erased (recording off, or its retention over) only the
 * figures are left, and the answer says so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/access.h"
#include "api/tx.h"
#include "core/buf.h"
#include "core/errors.h"
#include "http/response.h"
#include "support/chat.h"
#include "support/files.h"

#define BATCH 64
#define TRANSCRIPT_MAX 5000 /* messages a transcript shows at most */

static int may(struct req *r, struct db *db, const struct support_session *s, const char *right, const char *rep)
{
	if (access_is(r, "admin"))
		return 1;
	int rc = 0;
	if (s->technician_id[0] && !strcmp(s->technician_id, r->who.user_id) && (rc = chat_may(r, db, s, rep)))
		return rc;
	return chat_may(r, db, s, right);
}

int chat_replay_may(struct req *r, struct db *db, const struct support_session *s, int export)
{
	return may(r, db, s, export ? "export_session_replay" : "session_replay",
		   export ? "rep_export_session_replay" : "rep_session_replay");
}

static int load(struct req *r, struct db **db, struct support_session *s, int export)
{
	int rc = chat_staff(r);
	if (rc || (rc = api_db(db)))
		return rc;
	const char *id = req_param(r, "id");
	rc = ids_valid(id, "sup") ? store_support_session_get(*db, r->who.account_id, id, s) : E_NOTFOUND;
	if (rc == E_NOTFOUND)
		return resp_problem(r, 404, "not-found", "no such session"), E_NOTFOUND;
	if (rc)
		return rc;
	const char *right = export ? "export_session_replay" : "session_replay";
	rc = chat_replay_may(r, *db, s, export);
	if (rc < 0)
		return rc;
	if (rc == 1)
		return 0;
	resp_problemf(r, 403, "forbidden",
		      "you need the right '%s' in this session's team (or its rep_ twin for a session of your own)",
		      right);
	return E_FORBIDDEN;
}

static json_t *ts(int64_t t)
{
	return t ? json_integer(t) : json_null();
}

/* the transcript as JSON: figures always, messages and files while not erased */
static int transcript(struct db *db, const struct support_session *s, json_t **out)
{
	struct support_record rec;
	struct support_message *m = NULL;
	struct support_file *f = NULL;
	json_t *o = NULL, *msgs = json_array(), *files = json_array();
	int rc = store_support_record_get(db, s->account_id, s->id, &rec);
	int64_t counts[4] = {0}; /* customer, technician, system, notes */
	if (rc)
		goto out;
	if (!(m = malloc(BATCH * sizeof *m)) || !(f = malloc(SUPPORT_FILES_PER_SESSION * sizeof *f)) || !msgs ||
	    !files) {
		rc = E_NOMEM;
		goto out;
	}
	int64_t after = 0;
	int n = BATCH, nf = 0;
	while (n == BATCH && json_array_size(msgs) < TRANSCRIPT_MAX) {
		if ((rc = store_support_messages_after(db, s->account_id, s->id, after, 1, m, BATCH, &n)))
			goto out;
		for (int i = 0; i < n; i++) {
			after = m[i].seq;
			counts[!strcmp(m[i].kind, "note")                ? 3
			       : !strcmp(m[i].author_kind, "customer")   ? 0
			       : !strcmp(m[i].author_kind, "technician") ? 1
									 : 2]++;
			if (!rec.erased_at || !strcmp(m[i].kind, "event"))
				json_array_append_new(msgs, chat_message_json(&m[i], 1));
		}
	}
	if ((rc = store_support_files_list(db, s->account_id, s->id, f, SUPPORT_FILES_PER_SESSION, &nf)))
		goto out;
	int64_t bytes = 0;
	for (int i = 0; i < nf; i++) {
		bytes += f[i].size;
		if (!rec.erased_at)
			json_array_append_new(files, support_file_json(&f[i]));
	}
	o = chat_session_json(db, s, 1);
	if (!o) {
		rc = E_NOMEM;
		goto out;
	}
	json_object_set_new(o, "question", rec.erased_at || !rec.question[0] ? json_null() : json_string(rec.question));
	json_object_set_new(o, "recorded", json_boolean(rec.recorded));
	json_object_set_new(o, "keep_until", ts(rec.keep_until));
	json_object_set_new(o, "erased_at", ts(rec.erased_at));
	json_object_set_new(o, "transcript_erased", json_boolean(rec.erased_at != 0));
	json_object_set_new(o, "picked_up_at", ts(s->picked_up_at));
	json_object_set_new(o, "answered_at", ts(rec.answered_at));
	json_object_set_new(o, "closed_at", ts(s->closed_at));
	json_object_set_new(o, "figures",
			    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "customer_messages", (json_int_t)counts[0],
				      "technician_messages", (json_int_t)counts[1], "system_messages",
				      (json_int_t)counts[2], "notes", (json_int_t)counts[3], "files", (json_int_t)nf,
				      "file_bytes", (json_int_t)bytes));
	json_object_set_new(o, "messages", msgs);
	json_object_set_new(o, "files", files);
	msgs = files = NULL;
	*out = o;
out:
	json_decref(msgs);
	json_decref(files);
	free(m);
	free(f);
	return rc;
}

static int show(struct req *r)
{
	struct support_session s;
	struct db *db;
	json_t *o = NULL;
	int rc = load(r, &db, &s, 0);
	if (rc || (rc = transcript(db, &s, &o)))
		return rc;
	return resp_json(r, 200, o);
}

static void esc(struct buf *b, const char *t)
{
	for (; t && *t; t++)
		switch (*t) {
		case '<':
			buf_puts(b, "&lt;");
			break;
		case '>':
			buf_puts(b, "&gt;");
			break;
		case '&':
			buf_puts(b, "&amp;");
			break;
		case '"':
			buf_puts(b, "&quot;");
			break;
		case '\'':
			buf_puts(b, "&#39;");
			break;
		default:
			buf_append(b, t, 1);
		}
}

static void when(struct buf *b, json_int_t t)
{
	char out[32];
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, sizeof out, "%Y-%m-%d %H:%M:%S UTC", &tm);
	buf_puts(b, out);
}

static void row(struct req *r, struct buf *b, const char *label, const char *value)
{
	buf_puts(b, "<tr><th>");
	esc(b, resp_text(r, label));
	buf_puts(b, "</th><td>");
	esc(b, value);
	buf_puts(b, "</td></tr>\n");
}

/* the page: a table of figures and the messages, every text escaped */
static int html(struct req *r, json_t *o, struct buf *b)
{
	char num[32];
	json_t *fig = json_object_get(o, "figures"), *msg;
	size_t i;
	buf_puts(
		b,
		"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
		"<title>");
	esc(b, resp_text(r, "Support session"));
	buf_puts(b, " ");
	esc(b, json_string_value(json_object_get(o, "id")));
	buf_puts(b, "</title><style>body{font-family:sans-serif;max-width:50em;margin:2em auto}"
		    "th{text-align:left;padding-right:1em}.note{background:#fff7d6}.m{margin:.5em 0}"
		    ".w{color:#666;font-size:.85em}</style></head><body>\n<h1>");
	esc(b, resp_text(r, "Support session"));
	buf_puts(b, "</h1>\n<table>\n");
	json_t *c = json_object_get(o, "customer");
	row(r, b, "Customer", json_string_value(json_object_get(c, "name")));
	row(r, b, "E-mail", json_string_value(json_object_get(c, "email")));
	row(r, b, "State", json_string_value(json_object_get(o, "state")));
	const char *q = json_string_value(json_object_get(o, "question"));
	if (q)
		row(r, b, "Question", q);
	const char *names[] = {"customer_messages", "technician_messages", "notes", "files"};
	const char *labels[] = {"Customer messages", "Technician messages", "Notes", "Files"};
	for (int k = 0; k < 4; k++) {
		snprintf(num, sizeof num, "%lld", (long long)json_integer_value(json_object_get(fig, names[k])));
		row(r, b, labels[k], num);
	}
	buf_puts(b, "</table>\n");
	if (json_is_true(json_object_get(o, "transcript_erased"))) {
		buf_puts(b, "<p><strong>");
		esc(b, resp_text(r, "The transcript of this session was erased; only its figures remain."));
		buf_puts(b, "</strong></p>\n");
	}
	json_array_foreach(json_object_get(o, "messages"), i, msg)
	{
		const char *kind = json_string_value(json_object_get(msg, "kind"));
		const char *who = json_string_value(json_object_get(msg, "author_kind"));
		buf_printf(b, "<div class=\"m%s\"><div class=\"w\">", !strcmp(kind, "note") ? " note" : "");
		when(b, json_integer_value(json_object_get(msg, "created_at")));
		buf_puts(b, " &middot; ");
		esc(b, resp_text(r, !strcmp(kind, "note")        ? "Note"
				    : !strcmp(who, "customer")   ? "Customer"
				    : !strcmp(who, "technician") ? "Technician"
								 : "System"));
		buf_puts(b, "</div><div>");
		if (!strcmp(kind, "event")) {
			json_t *ev = json_object_get(msg, "event");
			esc(b, json_string_value(json_object_get(ev, "state")));
		} else if (!strcmp(kind, "file")) {
			json_t *fl = json_object_get(msg, "file");
			esc(b, resp_text(r, "File"));
			buf_puts(b, ": ");
			esc(b, json_string_value(json_object_get(fl, "name")));
			snprintf(num, sizeof num, " (%lld B)",
				 (long long)json_integer_value(json_object_get(fl, "size")));
			buf_puts(b, num);
		} else
			esc(b, json_string_value(json_object_get(msg, "text")));
		buf_puts(b, "</div></div>\n");
	}
	return buf_puts(b, "</body></html>\n");
}

static int export(struct req *r)
{
	struct support_session s;
	struct db *db;
	json_t *o = NULL;
	const char *format = req_query(r, "format");
	if (!format)
		format = "html";
	if (strcmp(format, "html") && strcmp(format, "json"))
		return resp_field_error(r, "format", "'format' must be html or json"), E_INVALID;
	int rc = load(r, &db, &s, 1);
	if (rc || (rc = transcript(db, &s, &o)))
		return rc;
	char cd[128];
	snprintf(cd, sizeof cd, "attachment; filename=\"session-%s.%s\"", s.id, format);
	resp_header(r, "Content-Disposition", cd);
	resp_header(r, "Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
	if (!strcmp(format, "json")) {
		char *text = json_dumps(o, JSON_INDENT(2));
		json_decref(o);
		if (!text)
			return E_NOMEM;
		rc = resp_raw(r, 200, "application/json", text, strlen(text));
		free(text);
		return rc;
	}
	struct buf b = {0};
	rc = html(r, o, &b);
	json_decref(o);
	if (!rc)
		rc = resp_raw(r, 200, "text/html; charset=utf-8", b.data, b.len);
	buf_free(&b);
	return rc;
}

const struct route support_replay_routes[] = {
	{"GET", "/api/v1/support/sessions/{id}/transcript", show, 0},
	{"GET", "/api/v1/support/sessions/{id}/export", export, 0},
	{0},
};
