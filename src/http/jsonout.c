/* A compact JSON writer over jansson values. jansson's own json_dumps spent a
 * quarter of a GET /api/v1/me (callbacks per chunk, an snprintf per integer
 * and per container for its loop check); this walks the tree once into one
 * growing buffer. Reals, rare in our API, are still formatted by jansson so
 * that the text stays identical. */
#include "http/jsonout.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct out {
	char *p;
	size_t len, cap;
	int failed;
};

static int grow(struct out *o, size_t n)
{
	if (o->len + n <= o->cap)
		return 0;
	size_t cap = o->cap ? o->cap : 1024;
	while (cap < o->len + n)
		cap *= 2;
	char *p = realloc(o->p, cap);
	if (!p) {
		o->failed = 1;
		return -1;
	}
	o->p = p;
	o->cap = cap;
	return 0;
}

static void put(struct out *o, const char *s, size_t n)
{
	if (n && !grow(o, n)) {
		memcpy(o->p + o->len, s, n);
		o->len += n;
	}
}

static void putc1(struct out *o, char c)
{
	if (!grow(o, 1))
		o->p[o->len++] = c;
}

static void put_string(struct out *o, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	putc1(o, '"');
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(o, s + run, i - run);
		run = i + 1;
		char esc[7] = {'\\', 0};
		size_t el = 2;
		switch (c) {
		case '"':
			esc[1] = '"';
			break;
		case '\\':
			esc[1] = '\\';
			break;
		case '\b':
			esc[1] = 'b';
			break;
		case '\f':
			esc[1] = 'f';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			el = 6;
		}
		put(o, esc, el);
	}
	put(o, s + run, n - run);
	putc1(o, '"');
}

static void put_integer(struct out *o, json_int_t v)
{
	char buf[24], *e = buf + sizeof buf, *p = e;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	put(o, p, (size_t)(e - p));
}

static void put_value(struct out *o, const json_t *v, int depth)
{
	if (o->failed)
		return;
	if (depth > JSONOUT_DEPTH_MAX) {
		o->failed = 1;
		return;
	}
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char *key;
		json_t *item;
		int first = 1;
		putc1(o, '{');
		/* insertion order, as json_dumps without JSON_SORT_KEYS */
		json_object_foreach((json_t *)v, key, item)
		{
			if (!first)
				putc1(o, ',');
			first = 0;
			put_string(o, key, strlen(key));
			putc1(o, ':');
			put_value(o, item, depth + 1);
		}
		putc1(o, '}');
		break;
	}
	case JSON_ARRAY: {
		size_t n = json_array_size(v);
		putc1(o, '[');
		for (size_t i = 0; i < n; i++) {
			if (i)
				putc1(o, ',');
			put_value(o, json_array_get(v, i), depth + 1);
		}
		putc1(o, ']');
		break;
	}
	case JSON_STRING:
		put_string(o, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		put_integer(o, json_integer_value(v));
		break;
	case JSON_REAL: {
		char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		if (!s) {
			o->failed = 1;
			return;
		}
		put(o, s, strlen(s));
		free(s);
		break;
	}
	case JSON_TRUE:
		put(o, "true", 4);
		break;
	case JSON_FALSE:
		put(o, "false", 5);
		break;
	case JSON_NULL:
		put(o, "null", 4);
		break;
	}
}

char *jsonout_dumps(const json_t *v, size_t *len)
{
	struct out o = {0};
	if (!v)
		return NULL;
	put_value(&o, v, 0);
	if (!o.failed)
		putc1(&o, 0);
	if (o.failed) {
		free(o.p);
		return NULL;
	}
	*len = o.len - 1;
	return o.p;
}
