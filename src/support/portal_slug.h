/* A portal's address: the slug of /portal/{slug}. Pure functions: what a
 * slug may be, and the slug a company's name suggests. */
#ifndef SUPPORT_PORTAL_SLUG_H
#define SUPPORT_PORTAL_SLUG_H

#include <stddef.h>

#include "store/store.h"

/* 1 when s is 1..63 of a-z, 0-9 and '-', neither starting nor ending with '-' */
int portal_slug_valid(const char *s);
/* a slug from a name: ASCII letters lower-cased, Latin letters with accents
 * and Cyrillic letters transliterated, everything else a single '-', trimmed
 * to fit (out holds PORTAL_SLUG_MAX + 1); "portal" when nothing is left */
void portal_slug_from_name(const char *name, char *out);
/* base with "-N" so that the whole fits in PORTAL_SLUG_MAX (N >= 2) */
void portal_slug_suffixed(const char *base, int n, char *out);

#endif
