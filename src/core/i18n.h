/* The languages convene speaks (English, French, Russian) and its message
 * catalogue: every user-visible server text (problem details, password
 * verdicts, mail sentences) is keyed by its English form in messages.def. */
#ifndef CORE_I18N_H
#define CORE_I18N_H

#include <stddef.h>

enum lang { LANG_EN, LANG_FR, LANG_RU, LANG_COUNT };

/* "fr", "fr-CA", "FR" -> LANG_FR; -1 when not one of ours */
int i18n_parse(const char *code);
const char *i18n_code(enum lang l);
/* the best of our languages in an Accept-Language header (RFC 9110 12.5.4,
 * q-values honoured); -1 when it names none of them (or is absent) */
int i18n_accept_language(const char *header);
/* the translation of an English text or printf format; the English itself
 * when the catalogue has none (or for LANG_EN). A translated format has the
 * same conversions as its key, in the same order (checked when loading). */
const char *i18n_text(enum lang l, const char *en);
/* the catalogue's problems, one per line, for the unit test (0 when none) */
int i18n_check(char *why, size_t n);
/* number of entries in the catalogue */
size_t i18n_count(void);

#endif
