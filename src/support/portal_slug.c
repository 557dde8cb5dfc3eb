/* Slugs of portals: validation and the suggestion made from a company name
 * (transliterated rather than dropped, so "Élan" gives "elan" and "Ромашка"
 * "romashka", which a customer can type). */
#include "support/portal_slug.h"

#include <stdio.h>
#include <string.h>

int portal_slug_valid(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > PORTAL_SLUG_MAX || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

/* the Latin-1 supplement and Latin Extended-A letters people write in names */
static const struct {
	unsigned cp;
	const char *ascii;
} latin[] = {
	{0xe0, "a"},  {0xe1, "a"},  {0xe2, "a"},   {0xe3, "a"},  {0xe4, "a"},  {0xe5, "a"},  {0xe6, "ae"},
	{0xe7, "c"},  {0xe8, "e"},  {0xe9, "e"},   {0xea, "e"},  {0xeb, "e"},  {0xec, "i"},  {0xed, "i"},
	{0xee, "i"},  {0xef, "i"},  {0xf1, "n"},   {0xf2, "o"},  {0xf3, "o"},  {0xf4, "o"},  {0xf5, "o"},
	{0xf6, "o"},  {0xf8, "o"},  {0xf9, "u"},   {0xfa, "u"},  {0xfb, "u"},  {0xfc, "u"},  {0xfd, "y"},
	{0xff, "y"},  {0xdf, "ss"}, {0x153, "oe"}, {0x107, "c"}, {0x10d, "c"}, {0x119, "e"}, {0x11b, "e"},
	{0x142, "l"}, {0x144, "n"}, {0x148, "n"},  {0x159, "r"}, {0x15b, "s"}, {0x161, "s"}, {0x165, "t"},
	{0x16f, "u"}, {0x17a, "z"}, {0x17c, "z"},  {0x17e, "z"}, {0x131, "i"}, {0x11f, "g"}, {0x15f, "s"},
};

/* а..я, then ё */
static const char *const cyrillic[] = {"a",  "b",  "v",  "g",    "d", "e", "zh", "z", "i",  "y", "k",
				       "l",  "m",  "n",  "o",    "p", "r", "s",  "t", "u",  "f", "kh",
				       "ts", "ch", "sh", "shch", "",  "y", "",   "e", "yu", "ya"};

/* the code point at *s (advancing it); 0xfffd for a broken sequence */
static unsigned next_cp(const unsigned char **s)
{
	const unsigned char *p = *s;
	unsigned cp;
	int extra;
	if (p[0] < 0x80) {
		*s = p + 1;
		return p[0];
	}
	if ((p[0] & 0xe0) == 0xc0)
		cp = p[0] & 0x1f, extra = 1;
	else if ((p[0] & 0xf0) == 0xe0)
		cp = p[0] & 0x0f, extra = 2;
	else if ((p[0] & 0xf8) == 0xf0)
		cp = p[0] & 0x07, extra = 3;
	else {
		*s = p + 1;
		return 0xfffd;
	}
	for (int i = 1; i <= extra; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*s = p + i;
			return 0xfffd;
		}
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	*s = p + extra + 1;
	return cp;
}

static const char *ascii_of(unsigned cp, char one[2])
{
	if (cp >= 'A' && cp <= 'Z')
		cp += 'a' - 'A';
	if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
		one[0] = (char)cp, one[1] = 0;
		return one;
	}
	if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7)
		cp += 0x20; /* Latin-1 capitals */
	/* Latin Extended-A puts each capital just before its small letter */
	for (unsigned c = cp; c <= cp + (cp >= 0x100 && cp <= 0x17f); c++)
		for (size_t i = 0; i < sizeof latin / sizeof latin[0]; i++)
			if (latin[i].cp == c)
				return latin[i].ascii;
	if (cp >= 0x410 && cp <= 0x42f)
		cp += 0x20;
	if (cp == 0x401 || cp == 0x451)
		return "e";
	if (cp >= 0x430 && cp <= 0x44f)
		return cyrillic[cp - 0x430];
	return NULL;
}

void portal_slug_from_name(const char *name, char *out)
{
	size_t n = 0;
	int dash = 0;
	const unsigned char *s = (const unsigned char *)name;
	while (*s) {
		char one[2];
		const char *a = ascii_of(next_cp(&s), one);
		if (!a) {
			dash = 1;
			continue;
		}
		if (!*a)
			continue; /* the hard and soft signs */
		size_t len = strlen(a);
		if (n + (dash && n ? 1 : 0) + len > PORTAL_SLUG_MAX)
			break;
		if (dash && n)
			out[n++] = '-';
		dash = 0;
		memcpy(out + n, a, len);
		n += len;
	}
	out[n] = 0;
	if (!n)
		snprintf(out, PORTAL_SLUG_MAX + 1, "portal");
}

void portal_slug_suffixed(const char *base, int n, char *out)
{
	char suffix[16];
	int sl = snprintf(suffix, sizeof suffix, "-%d", n);
	size_t keep = strlen(base);
	if (keep + (size_t)sl > PORTAL_SLUG_MAX)
		keep = PORTAL_SLUG_MAX - (size_t)sl;
	while (keep && base[keep - 1] == '-')
		keep--;
	snprintf(out, PORTAL_SLUG_MAX + 1, "%.*s%s", (int)keep, base, suffix);
}
