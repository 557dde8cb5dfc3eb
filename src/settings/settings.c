/* Catalogue lookup, validation and effective values. */
#include "settings/settings.h"

#include <ctype.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/errors.h"
#include "core/i18n.h"
#include "store/store.h"

const struct setting_def settings_catalogue[] = {
#define SETTING(n, t, d, a, desc) {#n, t, d, a, desc},
#include "settings/catalogue.def"
#undef SETTING
};
const int settings_count = sizeof settings_catalogue / sizeof settings_catalogue[0];

const struct setting_def *settings_find(const char *name)
{
	for (int i = 0; i < settings_count; i++)
		if (!strcmp(settings_catalogue[i].name, name))
			return &settings_catalogue[i];
	return NULL;
}

const char *settings_type_name(enum setting_type t)
{
	switch (t) {
	case SETTING_ENUM:
		return "enum";
	case SETTING_BOOL:
		return "boolean";
	case SETTING_TIME_ZONE:
		return "time_zone";
	case SETTING_HOURS:
		return "business_hours";
	}
	return "unknown";
}

static int enum_allows(const char *allowed, const char *v)
{
	size_t n = strlen(v);
	for (const char *p = allowed; *p;) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && !strncmp(p, v, n))
			return 1;
		p += len + (bar ? 1 : 0);
	}
	return 0;
}

/* an IANA name that exists in the system's zoneinfo; the shape is checked
 * first so that nothing like ../ ever reaches the file system */
static int zone_exists(const char *z)
{
	size_t n = strlen(z);
	if (!n || n > 64 || z[0] == '/' || strstr(z, "..") || strstr(z, "//"))
		return 0;
	for (const char *c = z; *c; c++) {
		if (!isalnum((unsigned char)*c) && !strchr("/_+-", *c))
			return 0;
		/* every part of an IANA name starts with a capital (Europe/Paris,
		 * Etc/GMT+5); zoneinfo's other entries (posix/, right/, localtime,
		 * zone.tab, posixrules) do not, so they are refused here */
		if ((c == z || c[-1] == '/') && !(*c >= 'A' && *c <= 'Z'))
			return 0;
	}
	if (!strcmp(z, "UTC"))
		return 1;
	char path[128], magic[4];
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", z);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return 0;
	ssize_t got = read(fd, magic, 4);
	close(fd);
	return got == 4 && !memcmp(magic, "TZif", 4);
}

static int hhmm(const char *s)
{
	if (strlen(s) != 5 || s[2] != ':' || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
		return -1;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 24 || m > 59 || (h == 24 && m))
		return -1;
	return h * 60 + m;
}

/* why, in language l: fmt is a key of core/messages.def, whose translations
 * keep its conversions (tests/api/test_i18n.py reads every say_in format) */
static const char *say_in(char *why, size_t n, enum lang l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, n, i18n_text(l, fmt), ap);
	va_end(ap);
	return why;
}

static const char *check_hours(json_t *v, enum lang l, char *why, size_t n)
{
	static const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
	if (!json_is_object(v))
		return i18n_text(l, "business_hours must be an object with the days mon..sun");
	const char *k;
	json_t *day;
	json_object_foreach(v, k, day)
	{
		int known = 0;
		for (int i = 0; i < 7; i++)
			known |= !strcmp(days[i], k);
		if (!known) {
			return say_in(why, n, l,
				      "business_hours: unknown day '%.20s' (use mon, tue, wed, thu, fri, sat, sun)", k);
		}
		if (!json_is_array(day) || json_array_size(day) > 4) {
			return say_in(why, n, l, "business_hours.%s must be a list of at most 4 intervals", k);
		}
		int opens[4], closes[4];
		size_t i;
		json_t *iv;
		json_array_foreach(day, i, iv)
		{
			json_t *o = json_object_get(iv, "open"), *c = json_object_get(iv, "close");
			if (!json_is_object(iv) || json_object_size(iv) != 2 || !json_is_string(o) ||
			    !json_is_string(c)) {
				return say_in(
					why, n, l,
					"business_hours.%s[%zu] must be {\"open\": \"HH:MM\", \"close\": \"HH:MM\"}", k,
					i);
			}
			opens[i] = hhmm(json_string_value(o));
			closes[i] = hhmm(json_string_value(c));
			if (opens[i] < 0 || closes[i] < 0) {
				return say_in(why, n, l, "business_hours.%s[%zu]: times are HH:MM from 00:00 to 24:00",
					      k, i);
			}
			if (opens[i] >= closes[i]) {
				return say_in(why, n, l, "business_hours.%s[%zu]: open must be before close", k, i);
			}
			for (size_t j = 0; j < i; j++)
				if (opens[i] < closes[j] && opens[j] < closes[i]) {
					return say_in(why, n, l, "business_hours.%s: intervals %zu and %zu overlap", k,
						      j, i);
				}
		}
	}
	return NULL;
}

const char *settings_check_in(const struct setting_def *def, json_t *v, int lang, char *why, size_t n)
{
	enum lang l = lang > 0 && lang < LANG_COUNT ? (enum lang)lang : LANG_EN;
	switch (def->type) {
	case SETTING_ENUM:
		if (!json_is_string(v) || !enum_allows(def->allowed, json_string_value(v))) {
			return say_in(why, n, l, "%s must be one of %s", def->name, def->allowed);
		}
		return NULL;
	case SETTING_BOOL:
		if (!json_is_boolean(v)) {
			return say_in(why, n, l, "%s must be true or false", def->name);
		}
		return NULL;
	case SETTING_TIME_ZONE:
		if (!json_is_string(v) || !zone_exists(json_string_value(v))) {
			return say_in(why, n, l, "%s must be an IANA time zone name such as Europe/Paris", def->name);
		}
		return NULL;
	case SETTING_HOURS:
		return check_hours(v, l, why, n);
	}
	return i18n_text(l, "unknown setting type");
}

const char *settings_check(const struct setting_def *def, json_t *v, char *why, size_t n)
{
	return settings_check_in(def, v, LANG_EN, why, n);
}

static int interval_cmp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	return strcmp(json_string_value(json_object_get(x, "open")), json_string_value(json_object_get(y, "open")));
}

/* all seven days in order, each day's intervals sorted by opening time */
static json_t *normalise_hours(json_t *v)
{
	static const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
	json_t *out = json_object();
	for (int d = 0; out && d < 7; d++) {
		json_t *day = json_object_get(v, days[d]), *iv[4];
		size_t n = day ? json_array_size(day) : 0;
		for (size_t i = 0; i < n; i++)
			iv[i] = json_array_get(day, i);
		qsort(iv, n, sizeof iv[0], interval_cmp);
		json_t *list = json_array();
		for (size_t i = 0; list && i < n; i++)
			json_array_append_new(list, json_pack("{s:O, s:O}", "open", json_object_get(iv[i], "open"),
							      "close", json_object_get(iv[i], "close")));
		if (!list || json_object_set_new(out, days[d], list)) {
			json_decref(out);
			out = NULL;
		}
	}
	return out;
}

json_t *settings_normalise(const struct setting_def *def, json_t *value)
{
	if (def->type == SETTING_HOURS)
		return normalise_hours(value);
	return json_incref(value);
}

int settings_effective(struct db *db, const char *account_id, const char *company_id, const struct setting_def *def,
		       json_t **value, const char **source)
{
	char buf[4096];
	int rc = E_NOTFOUND;
	*source = "default";
	if (company_id && *company_id) {
		rc = store_setting_get(db, account_id, company_id, def->name, buf, sizeof buf);
		if (!rc)
			*source = "company";
	}
	if (rc == E_NOTFOUND) {
		rc = store_setting_get(db, account_id, NULL, def->name, buf, sizeof buf);
		if (!rc)
			*source = "account";
	}
	if (rc && rc != E_NOTFOUND)
		return rc;
	*value = json_loads(rc ? def->default_json : buf, JSON_DECODE_ANY, NULL);
	char why[256];
	if (*value && !rc && settings_check(def, *value, why, sizeof why)) {
		json_decref(*value); /* stored before a rule tightened: not to be trusted */
		*value = NULL;
	}
	if (!*value) { /* a stored value that no longer parses falls back to the default */
		*value = json_loads(def->default_json, JSON_DECODE_ANY, NULL);
		*source = "default";
	}
	if (!*value)
		return E_NOMEM;
	/* readers always see the stored form, whatever wrote the row */
	json_t *n = settings_normalise(def, *value);
	json_decref(*value);
	*value = n;
	return n ? 0 : E_NOMEM;
}

int settings_value(struct db *db, const char *account_id, const char *company_id, const char *name, char *out,
		   size_t outlen)
{
	const struct setting_def *def = settings_find(name);
	if (!def)
		return E_NOTFOUND;
	json_t *v;
	const char *source;
	int rc = settings_effective(db, account_id, company_id, def, &v, &source);
	if (rc)
		return rc;
	if (json_is_string(v))
		snprintf(out, outlen, "%s", json_string_value(v));
	else if (json_is_boolean(v))
		snprintf(out, outlen, "%s", json_is_true(v) ? "true" : "false");
	else {
		char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		snprintf(out, outlen, "%s", s ? s : "null");
		free(s);
	}
	json_decref(v);
	return 0;
}

int settings_effective_named(struct db *db, const char *account_id, const char *company_id, const char *name,
			     json_t **value)
{
	const struct setting_def *def = settings_find(name);
	const char *source;
	*value = NULL;
	return def ? settings_effective(db, account_id, company_id, def, value, &source) : E_NOTFOUND;
}
