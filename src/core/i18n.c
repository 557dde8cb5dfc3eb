/* Lookup is by the English text, so that a handler's existing
 * resp_problemf(r, ..., "no user '%.40s'", id) is translated without a
 * message id at each call site: the catalogue maps the format, and the
 * translated format is filled with the same arguments. A translation whose
 * conversions differ from its key's would read the arguments wrongly, so it
 * is dropped when the table is built (and the unit test fails on it). */
#include "core/i18n.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

struct entry {
	const char *text[LANG_COUNT];
};

static const struct entry catalogue[] = {
#define MSG(en, fr, ru) {{en, fr, ru}},
#include "core/messages.def"
#undef MSG
};

#define NCAT (sizeof catalogue / sizeof catalogue[0])
#define SLOTS 2048 /* a power of two well above the catalogue's size */

static const struct entry *table[SLOTS];
static int usable[NCAT][LANG_COUNT]; /* the translation's conversions match its key's */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static const char *const codes[LANG_COUNT] = {"en", "fr", "ru"};

const char *i18n_code(enum lang l)
{
	return l >= 0 && l < LANG_COUNT ? codes[l] : "en";
}

int i18n_parse(const char *code)
{
	if (!code)
		return -1;
	for (int i = 0; i < LANG_COUNT; i++)
		if (!strncasecmp(code, codes[i], 2) && (code[2] == 0 || code[2] == '-' || code[2] == '_'))
			return i;
	return -1;
}

int i18n_accept_language(const char *h)
{
	int best = -1;
	double best_q = 0;
	while (h && *h) {
		while (*h == ' ' || *h == '\t' || *h == ',')
			h++;
		const char *tag = h;
		size_t n = strcspn(h, ",;");
		h += n;
		double q = 1;
		if (*h == ';') { /* parameters: only q matters */
			const char *p = h + 1;
			while (*p == ' ')
				p++;
			if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
				char *end;
				q = strtod(p + 2, &end);
				if (end == p + 2 || q < 0 || q > 1)
					q = 0;
			}
			h += strcspn(h, ",");
		}
		char one[16];
		while (n && (tag[n - 1] == ' ' || tag[n - 1] == '\t'))
			n--;
		if (n == 0 || n >= sizeof one)
			continue;
		memcpy(one, tag, n);
		one[n] = 0;
		int l = i18n_parse(one);
		if (l >= 0 && q > best_q) {
			best = l;
			best_q = q;
		}
	}
	return best;
}

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* the next printf conversion at or after *p ("%.40s", "%lld"; "%%" skipped), its length in *len */
static const char *next_conv(const char *s, size_t *len)
{
	for (const char *p = strchr(s, '%'); p; p = strchr(p, '%')) {
		if (p[1] == '%') {
			p += 2;
			continue;
		}
		size_t k = 1 + strspn(p + 1, "-+ #0123456789.*hlLqjzt");
		if (!p[k])
			return *len = k, p;
		*len = k + 1;
		return p;
	}
	return NULL;
}

static int same_conversions(const char *a, const char *b)
{
	size_t la, lb;
	for (;;) {
		const char *ca = next_conv(a, &la), *cb = next_conv(b, &lb);
		if (!ca || !cb)
			return !ca && !cb;
		if (la != lb || memcmp(ca, cb, la))
			return 0;
		a = ca + la;
		b = cb + lb;
	}
}

static void build(void)
{
	for (size_t i = 0; i < NCAT; i++) {
		const struct entry *e = &catalogue[i];
		for (int l = 0; l < LANG_COUNT; l++)
			usable[i][l] = e->text[l] && *e->text[l] && same_conversions(e->text[LANG_EN], e->text[l]);
		uint32_t k = hash(e->text[LANG_EN]) & (SLOTS - 1);
		while (table[k])
			k = (k + 1) & (SLOTS - 1);
		table[k] = e;
	}
}

const char *i18n_text(enum lang l, const char *en)
{
	if (!en || l <= LANG_EN || l >= LANG_COUNT)
		return en;
	pthread_once(&once, build);
	for (uint32_t k = hash(en) & (SLOTS - 1); table[k]; k = (k + 1) & (SLOTS - 1))
		if (!strcmp(table[k]->text[LANG_EN], en))
			return usable[table[k] - catalogue][l] ? table[k]->text[l] : en;
	return en;
}

size_t i18n_count(void)
{
	return NCAT;
}

int i18n_check(char *why, size_t n)
{
	pthread_once(&once, build);
	size_t used = 0;
	int bad = 0;
	if (n)
		why[0] = 0;
	for (size_t i = 0; i < NCAT; i++) {
		const struct entry *e = &catalogue[i];
		for (int l = LANG_FR; l < LANG_COUNT; l++) {
			const char *problem = NULL;
			if (!e->text[l] || !*e->text[l])
				problem = "no translation";
			else if (!usable[i][l])
				problem = "conversions differ from the English";
			if (!problem)
				continue;
			bad++;
			if (used < n)
				used += (size_t)snprintf(why + used, n - used, "%s: %s for \"%.60s\"\n", codes[l],
							 problem, e->text[LANG_EN]);
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(catalogue[j].text[LANG_EN], e->text[LANG_EN])) {
				bad++;
				if (used < n)
					used += (size_t)snprintf(why + used, n - used, "twice: \"%.60s\"\n",
								 e->text[LANG_EN]);
			}
	}
	return bad;
}
