/* Finding the text/calendar part of an iMIP mail (calendar/mime.h): headers
 * unfolded, multipart bodies split on their boundary, parts decoded from
 * their Content-Transfer-Encoding and charset into UTF-8. */
#include "calendar/mime.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/errors.h"

struct part_headers {
	char type[128];     /* lower-cased type/subtype, "" when absent */
	char boundary[128]; /* raw */
	char method[32];
	char charset[64];
	char cte[32];
	char from[320];
};

struct walk {
	struct mime_calendar *out;
	int parts;
	int have_reply; /* the part kept says method=REPLY */
};

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s + 32);
}

static void copy_trim(char *dst, size_t cap, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = 0;
}

/* a parameter of a Content-Type value (quoted or not), "" when absent */
static void param(const char *v, const char *name, char *dst, size_t cap)
{
	size_t nl = strlen(name);
	dst[0] = 0;
	const char *p = strchr(v, ';');
	while (p) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!strncasecmp(p, name, nl) && p[nl] == '=') {
			p += nl + 1;
			size_t n = 0;
			if (*p == '"') {
				p++;
				while (p[n] && p[n] != '"')
					n++;
			} else {
				while (p[n] && p[n] != ';' && p[n] != ' ' && p[n] != '\t')
					n++;
			}
			copy_trim(dst, cap, p, n);
			return;
		}
		p = strchr(p, ';');
	}
}

/* the address of a From value: inside <...>, else the value itself */
static void address(const char *v, char *dst, size_t cap)
{
	const char *lt = strrchr(v, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	if (lt && gt)
		copy_trim(dst, cap, lt + 1, (size_t)(gt - lt - 1));
	else
		copy_trim(dst, cap, v, strlen(v));
	if (!strncasecmp(dst, "mailto:", 7))
		memmove(dst, dst + 7, strlen(dst + 7) + 1);
	lower(dst);
}

static void header(struct part_headers *h, const char *line)
{
	const char *colon = strchr(line, ':');
	if (!colon)
		return;
	size_t n = (size_t)(colon - line);
	const char *v = colon + 1;
	if (n == 12 && !strncasecmp(line, "Content-Type", 12)) {
		const char *semi = strchr(v, ';');
		copy_trim(h->type, sizeof h->type, v, semi ? (size_t)(semi - v) : strlen(v));
		lower(h->type);
		param(v, "boundary", h->boundary, sizeof h->boundary);
		param(v, "method", h->method, sizeof h->method);
		param(v, "charset", h->charset, sizeof h->charset);
	} else if (n == 25 && !strncasecmp(line, "Content-Transfer-Encoding", 25)) {
		copy_trim(h->cte, sizeof h->cte, v, strlen(v));
		lower(h->cte);
	} else if (n == 4 && !strncasecmp(line, "From", 4)) {
		address(v, h->from, sizeof h->from);
	}
}

/* reads the header block of s..end (unfolding continuation lines); *body
 * is where the body starts. A block without its blank line is all headers. */
static int headers(const char *s, const char *end, struct part_headers *h, const char **body)
{
	struct buf line = {0};
	memset(h, 0, sizeof *h);
	const char *p = s;
	int rc = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t n = (size_t)(le - p);
		if (n && p[n - 1] == '\r')
			n--;
		const char *next = nl ? nl + 1 : end;
		if (!n) { /* the blank line */
			p = next;
			break;
		}
		if ((*p == ' ' || *p == '\t') && line.len) { /* a folded line goes on */
			if (line.len + n > 8192) {
				rc = E_INVALID;
				break;
			}
			buf_append(&line, p, n);
		} else {
			if (line.data)
				header(h, line.data);
			line.len = 0;
			if (n > 8192) {
				rc = E_INVALID;
				break;
			}
			buf_append(&line, p, n);
		}
		buf_append(&line, "", 1); /* keeps it a string */
		line.len--;
		p = next;
	}
	if (!rc && line.data && line.len)
		header(h, line.data);
	buf_free(&line);
	*body = p;
	return rc;
}

static int hex(int c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* RFC 2045 section 6.7: "=XX" and soft line breaks "=" at the end of a line */
static void unquote(const char *s, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '=') {
			buf_append(out, s + i, 1);
			continue;
		}
		size_t j = i + 1;
		while (j < n && (s[j] == ' ' || s[j] == '\t'))
			j++;
		if (j < n && (s[j] == '\n' || (s[j] == '\r' && j + 1 < n && s[j + 1] == '\n'))) {
			i = s[j] == '\r' ? j + 1 : j; /* soft break */
			continue;
		}
		if (i + 2 < n && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
			char c = (char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
			buf_append(out, &c, 1);
			i += 2;
		} else {
			buf_append(out, "=", 1);
		}
	}
}

static int decode(const struct part_headers *h, const char *s, size_t n, struct buf *out, const char **why)
{
	out->len = 0;
	if (!strcmp(h->cte, "base64")) {
		size_t cap = n / 4 * 3 + 3, got = 0;
		unsigned char *bin = malloc(cap);
		if (!bin)
			return E_NOMEM;
		if (sodium_base642bin(bin, cap, s, n, " \t\r\n", &got, NULL, sodium_base64_VARIANT_ORIGINAL)) {
			free(bin);
			*why = "the calendar part is not valid base64";
			return E_INVALID;
		}
		int rc = buf_append(out, bin, got);
		free(bin);
		if (rc)
			return rc;
	} else if (!strcmp(h->cte, "quoted-printable")) {
		unquote(s, n, out);
	} else if (!*h->cte || !strcmp(h->cte, "7bit") || !strcmp(h->cte, "8bit") || !strcmp(h->cte, "binary")) {
		buf_append(out, s, n);
	} else {
		*why = "the calendar part has an unknown Content-Transfer-Encoding";
		return E_INVALID;
	}
	if (memchr(out->data ? out->data : "", 0, out->len)) {
		*why = "the calendar part holds a NUL byte";
		return E_INVALID;
	}
	if (!strcasecmp(h->charset, "iso-8859-1") || !strcasecmp(h->charset, "latin1")) {
		struct buf u = {0};
		for (size_t i = 0; i < out->len; i++) {
			unsigned char c = (unsigned char)out->data[i];
			char two[2] = {(char)(0xc0 | c >> 6), (char)(0x80 | (c & 0x3f))};
			if (c < 0x80)
				buf_append(&u, (char *)&c, 1);
			else
				buf_append(&u, two, 2);
		}
		buf_free(out);
		*out = u;
	} else if (*h->charset && strcasecmp(h->charset, "utf-8") && strcasecmp(h->charset, "us-ascii")) {
		*why = "the calendar part's charset is not UTF-8, US-ASCII or ISO-8859-1";
		return E_INVALID;
	}
	return buf_append(out, "", 0) || !out->data ? E_NOMEM : 0;
}

static int is_calendar(const char *type)
{
	return !strcmp(type, "text/calendar") || !strcmp(type, "application/ics");
}

static int walk(struct walk *w, const char *s, const char *end, int depth, int top);

/* the parts between "--boundary" lines of a multipart body */
static int multipart(struct walk *w, const struct part_headers *h, const char *s, const char *end, int depth)
{
	size_t bl = strlen(h->boundary);
	if (!bl) {
		w->out->error = "a multipart part has no boundary";
		return E_INVALID;
	}
	const char *p = s, *start = NULL;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *next = nl ? nl + 1 : end;
		if ((size_t)(end - p) >= bl + 2 && p[0] == '-' && p[1] == '-' && !memcmp(p + 2, h->boundary, bl)) {
			int last = (size_t)(end - p) >= bl + 4 && p[bl + 2] == '-' && p[bl + 3] == '-';
			if (start) {
				const char *stop = p; /* the CRLF before the delimiter belongs to it */
				if (stop > start && stop[-1] == '\n')
					stop--;
				if (stop > start && stop[-1] == '\r')
					stop--;
				if (++w->parts > MIME_PARTS_MAX) {
					w->out->error = "the message has too many MIME parts";
					return E_INVALID;
				}
				int rc = walk(w, start, stop, depth + 1, 0);
				if (rc)
					return rc;
			}
			if (last)
				return 0;
			start = next;
		}
		p = next;
	}
	if (!start)
		return 0;                  /* no delimiter at all: no parts */
	if (++w->parts > MIME_PARTS_MAX) { /* unterminated: the last part runs to the end */
		w->out->error = "the message has too many MIME parts";
		return E_INVALID;
	}
	return walk(w, start, end, depth + 1, 0);
}

static int walk(struct walk *w, const char *s, const char *end, int depth, int top)
{
	if (depth > MIME_DEPTH_MAX) {
		w->out->error = "the message's MIME parts are nested too deep";
		return E_INVALID;
	}
	struct part_headers h;
	const char *body;
	if (headers(s, end, &h, &body)) {
		w->out->error = "a header line is too long";
		return E_INVALID;
	}
	if (top)
		memcpy(w->out->from, h.from, sizeof h.from);
	if (!strncmp(h.type, "multipart/", 10))
		return multipart(w, &h, body, end, depth);
	if (!strcmp(h.type, "message/rfc822"))
		return walk(w, body, end, depth + 1, 0);
	if (!is_calendar(h.type))
		return 0;
	int reply = !strcasecmp(h.method, "REPLY");
	if (w->out->text.data && (w->have_reply || !reply))
		return 0; /* the first REPLY, else the first calendar */
	struct buf text = {0};
	int rc = decode(&h, body, (size_t)(end - body), &text, &w->out->error);
	if (rc) {
		buf_free(&text);
		return rc;
	}
	buf_free(&w->out->text);
	w->out->text = text;
	w->have_reply = reply;
	return 0;
}

int mime_find_calendar(const char *msg, size_t len, struct mime_calendar *out)
{
	memset(out, 0, sizeof *out);
	struct walk w = {out, 0, 0};
	int rc = walk(&w, msg, msg + len, 0, 1);
	if (rc)
		buf_free(&out->text);
	return rc;
}

void mime_calendar_free(struct mime_calendar *m)
{
	buf_free(&m->text);
}
