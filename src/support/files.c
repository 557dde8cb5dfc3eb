/* Files in a support chat: the customer (by the session's token) and the
 * technicians upload a file as the raw request body, with its Content-Type
 * and its name in the `name` query parameter; it is kept in the database and
 * posted as a `file` message that both sides see live. What a file is comes
 * from its first bytes (images, PDF, zip, plain text), and the declared type
 * must agree: a declared type that lies is refused. Downloads are
 * attachments, sandboxed, never rendered by the browser. Technicians send
 * only with file_transfer_send and open the customer's files only with
 * file_transfer_receive. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/access.h"
#include "api/tx.h"
#include "core/clock.h"
#include "core/errors.h"
#include "http/response.h"
#include "support/chat.h"
#include "support/files.h"

static const struct {
	const char *type;        /* what is stored and served */
	const char *declared[4]; /* what a client may call it */
} kinds[] = {
	{"image/png", {"image/png", NULL}},
	{"image/jpeg", {"image/jpeg", "image/jpg", "image/pjpeg", NULL}},
	{"image/gif", {"image/gif", NULL}},
	{"image/webp", {"image/webp", NULL}},
	{"application/pdf", {"application/pdf", NULL}},
	{"application/zip", {"application/zip", "application/x-zip-compressed", "application/x-zip", NULL}},
	{"text/plain", {"text/plain", "text/x-log", "text/log", NULL}},
};

/* valid UTF-8 without NUL or control characters other than tab, line
 * breaks, form feed and escape (colours in logs) */
static int is_text(const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = p[i];
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b) || c == 0x7f)
				return 0;
			i++;
			continue;
		}
		size_t k = c >= 0xc2 && c < 0xe0 ? 1 : c >= 0xe0 && c < 0xf0 ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
		if (!k || i + k >= n)
			return 0;
		for (size_t j = 1; j <= k; j++)
			if ((p[i + j] & 0xc0) != 0x80)
				return 0;
		i += k + 1;
	}
	return 1;
}

const char *support_file_sniff(const unsigned char *p, size_t n)
{
	if (n >= 8 && !memcmp(p, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	if (n >= 3 && !memcmp(p, "\xff\xd8\xff", 3))
		return "image/jpeg";
	if (n >= 6 && (!memcmp(p, "GIF87a", 6) || !memcmp(p, "GIF89a", 6)))
		return "image/gif";
	if (n >= 12 && !memcmp(p, "RIFF", 4) && !memcmp(p + 8, "WEBP", 4))
		return "image/webp";
	if (n >= 5 && !memcmp(p, "%PDF-", 5))
		return "application/pdf";
	if (n >= 4 && (!memcmp(p, "PK\x03\x04", 4) || !memcmp(p, "PK\x05\x06", 4)))
		return "application/zip";
	if (n && is_text(p, n))
		return "text/plain";
	return NULL;
}

const char *support_file_declared(const char *content_type)
{
	char base[80];
	size_t len = content_type ? strcspn(content_type, ";") : 0;
	while (len && content_type[len - 1] == ' ')
		len--;
	if (!len || len >= sizeof base)
		return NULL;
	memcpy(base, content_type, len);
	base[len] = 0;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		for (int k = 0; kinds[i].declared[k]; k++)
			if (!strcasecmp(base, kinds[i].declared[k]))
				return kinds[i].type;
	return NULL;
}

void support_file_name_clean(const char *in, char *out, size_t size)
{
	/* the last part of a path, whichever the separator */
	const char *base = in;
	for (const char *p = in; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	size_t w = 0;
	const unsigned char *p = (const unsigned char *)base;
	while (*p && w + 1 < size) {
		unsigned char c = *p;
		size_t k = c < 0x80                 ? 0
			   : c >= 0xc2 && c < 0xe0  ? 1
			   : c >= 0xe0 && c < 0xf0  ? 2
			   : c >= 0xf0 && c <= 0xf4 ? 3
						    : 9;
		int ok = k != 9;
		for (size_t j = 1; ok && j <= k; j++)
			ok = (p[j] & 0xc0) == 0x80;
		if (!ok || (k == 0 && (c < 0x20 || c == 0x7f || strchr("\"<>:*?|%;", c)))) {
			out[w++] = '_'; /* not a character a file name should carry */
			p++;
			continue;
		}
		if (w + k + 1 >= size)
			break; /* a character cut in two: not at all */
		memcpy(out + w, p, k + 1);
		w += k + 1;
		p += k + 1;
	}
	out[w] = 0;
	/* no leading dots (hidden files, "..") nor spaces; no trailing ones */
	size_t lead = strspn(out, ". ");
	memmove(out, out + lead, w - lead + 1);
	w -= lead;
	while (w && (out[w - 1] == '.' || out[w - 1] == ' '))
		out[--w] = 0;
	if (!w)
		snprintf(out, size, "file");
}

/* the body checked against the limits and the allow-list: its type in *type */
static int check_upload(struct req *r, struct db *db, const struct support_session *s, const char **type)
{
	const unsigned char *data = (const unsigned char *)r->body.data;
	size_t len = r->body.len;
	if (len > SUPPORT_FILE_MAX)
		return resp_problemf(r, 413, "too-large", "a file may have at most %d bytes", SUPPORT_FILE_MAX),
		       E_INVALID;
	if (!len)
		return resp_problem(r, 422, "empty-file", "the file is empty"), E_INVALID;
	const char *declared = support_file_declared(req_header(r, "Content-Type"));
	if (!declared)
		return resp_problem(r, 415, "unsupported-file-type",
				    "only images (PNG, JPEG, GIF, WebP), PDF, zip and plain text files may be sent"),
		       E_INVALID;
	const char *sniffed = support_file_sniff(data, len);
	if (!sniffed || strcmp(sniffed, declared))
		return resp_problem(r, 415, "file-type-mismatch",
				    "the file's content is not of the type its Content-Type says"),
		       E_INVALID;
	int64_t count = 0, bytes = 0;
	int rc = store_support_file_totals(db, s->account_id, s->id, &count, &bytes);
	if (rc)
		return rc;
	if (count >= SUPPORT_FILES_PER_SESSION || bytes + (int64_t)len > SUPPORT_FILES_BYTES_PER_SESSION)
		return resp_problem(r, 409, "too-many-files", "this session has had as many files as it may"),
		       E_CONFLICT;
	*type = sniffed;
	return 0;
}

/* posts the body as a file of the session, inside the caller's write transaction */
static int store_upload(struct req *r, struct db *db, const struct support_session *s, const char *author_kind,
			const char *author_id, json_t **out)
{
	const char *type = NULL, *name = req_query(r, "name");
	if (!name || !*name)
		return resp_field_error(r, "name", "'name' (the file's name) is required"), E_INVALID;
	int rc = check_upload(r, db, s, &type);
	if (rc)
		return rc;
	struct support_file f = {0};
	ids_new("fil", f.id);
	memcpy(f.session_id, s->id, sizeof f.session_id);
	support_file_name_clean(name, f.name, sizeof f.name);
	snprintf(f.content_type, sizeof f.content_type, "%s", type);
	snprintf(f.author_kind, sizeof f.author_kind, "%s", author_kind);
	snprintf(f.author_id, sizeof f.author_id, "%s", author_id ? author_id : "");
	f.size = (int64_t)r->body.len;
	f.created_at = clock_now();
	json_t *j = support_file_json(&f);
	char *body = j ? json_dumps(j, JSON_COMPACT) : NULL;
	int64_t seq = 0;
	if (!body)
		rc = E_NOMEM;
	if (!rc)
		rc = store_support_file_add(db, s->account_id, &f, r->body.data, r->body.len);
	if (!rc)
		rc = store_support_message_add(db, s->account_id, s->id, author_kind, author_id, "file", body,
					       f.created_at, &seq);
	if (!rc)
		rc = store_support_file_message(db, s->account_id, s->id, seq, f.id);
	if (!rc)
		rc = chat_changed(db, s, 0, 0);
	free(body);
	if (rc) {
		json_decref(j);
		return rc;
	}
	*out = j;
	return 0;
}

json_t *support_file_json(const struct support_file *f)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:s, s:I, s:b}", "id", f->id, "name", f->name, "content_type",
			 f->content_type, "size", (json_int_t)f->size, "author_kind", f->author_kind, "created_at",
			 (json_int_t)f->created_at, "erased", f->erased);
}

/* answers the file's bytes as an attachment */
static int send_file(struct req *r, struct db *db, const struct support_session *s, const char *id)
{
	struct support_file f;
	unsigned char *data = NULL;
	size_t len = 0;
	int rc = ids_valid(id, "fil") ? store_support_file_get(db, s->account_id, s->id, id, &f, &data, &len)
				      : E_NOTFOUND;
	if (rc == E_NOTFOUND)
		return resp_problem(r, 404, "not-found", "no such file in this session"), E_NOTFOUND;
	if (rc)
		return rc;
	if (!data)
		return resp_problem(r, 410, "file-erased", "this file was erased (session recording)"), E_NOTFOUND;
	/* ASCII for old clients, the real name as RFC 5987 for the others */
	char ascii[SUPPORT_FILE_NAME_MAX + 1], enc[SUPPORT_FILE_NAME_MAX * 3 + 1], cd[SUPPORT_FILE_NAME_MAX * 5 + 64];
	size_t a = 0, e = 0;
	for (const unsigned char *p = (const unsigned char *)f.name; *p; p++) {
		ascii[a++] = *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\' ? (char)*p : '_';
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p))
			enc[e++] = (char)*p;
		else
			e += (size_t)sprintf(enc + e, "%%%02X", *p);
	}
	ascii[a] = enc[e] = 0;
	snprintf(cd, sizeof cd, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, enc);
	resp_header(r, "Content-Disposition", cd);
	resp_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
	resp_header(r, "Cross-Origin-Resource-Policy", "same-origin");
	resp_header(r, "Cache-Control", "private, no-store");
	rc = resp_raw(r, 200, f.content_type, (const char *)data, len);
	free(data);
	return rc;
}

/* --- the technicians' side --- */

static int need(struct req *r, struct db *db, const struct support_session *s, const char *right)
{
	int rc = chat_may(r, db, s, right);
	if (rc < 0)
		return rc;
	if (rc == 1)
		return 0;
	resp_problemf(r, 403, "forbidden", "you need the right '%s' on this session's portal", right);
	return E_FORBIDDEN;
}

static int tech_upload(struct req *r)
{
	struct support_session s;
	struct db *db;
	json_t *out = NULL;
	int rc = chat_session_load(r, &db, &s, 1);
	if (rc)
		return rc;
	if ((rc = need(r, db, &s, "file_transfer_send")))
		return api_abort(db, rc);
	if (!strcmp(s.state, "closed"))
		return api_abort(db, resp_problem(r, 409, "session-closed", "this session is closed")), E_CONFLICT;
	if ((rc = store_upload(r, db, &s, "technician", r->who.user_id, &out)))
		return api_abort(db, rc);
	return api_commit_json(r, db, 201, out);
}

static int tech_download(struct req *r)
{
	struct support_session s;
	struct support_file f;
	struct db *db;
	int rc = chat_session_load(r, &db, &s, 0);
	if (rc)
		return rc;
	const char *id = req_param(r, "file_id");
	if (!ids_valid(id, "fil") || store_support_file_get(db, s.account_id, s.id, id, &f, NULL, NULL))
		return resp_problem(r, 404, "not-found", "no such file in this session"), E_NOTFOUND;
	if (!strcmp(f.author_kind, "customer") && (rc = need(r, db, &s, "file_transfer_receive")))
		return rc;
	return send_file(r, db, &s, id);
}

/* --- the customer's side: the session's token, as for its other routes --- */

static int customer_load(struct req *r, struct db *db, struct support_session *s)
{
	struct portal p;
	int old;
	int rc = store_portal_by_slug(db, req_param(r, "slug"), &p, &old);
	if (rc == E_NOTFOUND)
		return resp_problem(r, 404, "not-found", "no such portal"), E_NOTFOUND;
	if (rc)
		return rc;
	store_portal_free(&p);
	const char *token = req_query(r, "token");
	if (!token || !*token)
		token = req_header(r, "X-Session-Token");
	const char *id = req_param(r, "id");
	char hash[HASH_HEX_MAX];
	if (!token || strlen(token) >= SECRET_MAX || !ids_valid(id, "sup") ||
	    (rc = store_support_session_get(db, p.account_id, id, s)) == E_NOTFOUND ||
	    (!rc && (ids_hash(token, hash), !ids_equal_ct(hash, s->token_hash) || strcmp(s->portal_id, p.id))))
		return resp_problem(r, 404, "not-found", "no such session on this portal"), E_NOTFOUND;
	return rc;
}

static int customer_upload(struct req *r)
{
	struct support_session s;
	struct db *db;
	json_t *out = NULL;
	int rc = api_db(&db);
	if (rc || (rc = customer_load(r, db, &s)) || (rc = api_begin(&db, 1)))
		return rc;
	if ((rc = store_support_session_get(db, s.account_id, s.id, &s)))
		return api_abort(db, rc);
	if (!strcmp(s.state, "closed"))
		return api_abort(db, resp_problem(r, 409, "session-closed", "this session is closed")), E_CONFLICT;
	if ((rc = store_upload(r, db, &s, "customer", NULL, &out)))
		return api_abort(db, rc);
	return api_commit_json(r, db, 201, out);
}

static int customer_download(struct req *r)
{
	struct support_session s;
	struct db *db;
	int rc = api_db(&db);
	if (rc || (rc = customer_load(r, db, &s)))
		return rc;
	return send_file(r, db, &s, req_param(r, "file_id"));
}

#define PUB ROUTE_PUBLIC | ROUTE_NO_CSRF
const struct route support_file_routes[] = {
	{"POST", "/api/v1/public/portals/{slug}/sessions/{id}/files", customer_upload,
	 PUB | ROUTE_RAW_BODY | ROUTE_UPLOAD},
	{"GET", "/api/v1/public/portals/{slug}/sessions/{id}/files/{file_id}", customer_download, PUB},
	{"POST", "/api/v1/support/sessions/{id}/files", tech_upload, ROUTE_RAW_BODY | ROUTE_UPLOAD},
	{"GET", "/api/v1/support/sessions/{id}/files/{file_id}", tech_download, 0},
	{0},
};
