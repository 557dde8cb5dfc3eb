/* Rooms are visible as GET /api/v1/rooms/{id} shows them (to every user who
 * may own calendars); searches and the rooms' home list those the caller may
 * book, as /api/v1/rooms/search does (administrators: all). A room calendar
 * is read-only here (viewer at most: PUT and DELETE answer need-privileges);
 * when the room hides its subjects, everyone but administrators reads busy
 * blocks, as on the door display and in the JSON room schedule. Other users'
 * principals show a name and an address, nothing else. */
#include "dav/principals.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "calendar/access.h"
#include "core/errors.h"
#include "dav/methods.h"
#include "dav/reply.h"
#include "dav/xml.h"
#include "http/response.h"

#define SEARCH_MAX 100    /* principals in one search answer */
#define ROOM_HOME_MAX 500 /* room calendars in the rooms' home */

static int admin(const struct req *r)
{
	return !strcmp(r->who.role, "admin");
}

static struct dav_principal *room_principal(struct arena *a, const char *id, const char *name, const char *email)
{
	struct dav_principal *p = arena_alloc(a, sizeof *p);
	memset(p, 0, sizeof *p);
	p->href = arena_printf(a, "/dav/principals/" DAV_ROOMS "/%s/", id);
	p->name = arena_strdup(a, name);
	p->email = arena_strdup(a, email);
	p->cutype = "ROOM";
	p->home = "/dav/calendars/" DAV_ROOMS "/";
	p->record_type = "locations";
	return p;
}

static struct dav_principal *user_principal(struct arena *a, const char *id, const char *name, const char *email)
{
	struct dav_principal *p = arena_alloc(a, sizeof *p);
	memset(p, 0, sizeof *p);
	p->href = dav_href_principal(a, id);
	p->name = arena_strdup(a, name);
	p->email = arena_strdup(a, email);
	p->cutype = "INDIVIDUAL";
	p->record_type = "users";
	return p;
}

/* the room calendar as a DAV_CALENDAR resource of the caller */
static int room_calendar(struct req *r, struct db *db, const struct room *o, struct dav_res *res)
{
	int rc = store_calendar_get(db, o->account_id, o->calendar_id, &res->cal);
	if (!rc)
		rc = calendar_role(db, &r->who, &res->cal, &res->role);
	if (rc == E_NOTFOUND || (!rc && res->role == CAL_ROLE_NONE))
		return dav_resource_not_found(r);
	if (rc)
		return rc;
	if (res->role > CAL_ROLE_VIEWER)
		res->role = CAL_ROLE_VIEWER;
	res->busy_only = o->hide_subjects && !admin(r);
	res->home_id = DAV_ROOMS;
	res->segment = arena_strdup(r->arena, o->id);
	res->href = dav_href_calendar(r->arena, DAV_ROOMS, o->id);
	return 0;
}

int dav_principals_load(struct req *r, struct db *db, const struct dav_path *p, struct dav_res *res)
{
	int rc;
	/* guests and customers see no rooms and no one else */
	if (!calendar_owner_role(r->who.role))
		return dav_resource_not_found(r);
	if (strcmp(p->user_id, DAV_ROOMS)) { /* another user's principal */
		struct user u;
		rc = ids_valid(p->user_id, "usr") ? store_user_get(db, r->who.account_id, p->user_id, &u) : E_NOTFOUND;
		if (rc == E_NOTFOUND || (!rc && (strcmp(u.status, "active") || !calendar_owner_role(u.role))))
			return dav_resource_not_found(r);
		if (rc)
			return rc;
		res->principal = user_principal(r->arena, u.id, u.display_name, u.email);
		res->href = res->principal->href;
		res->role = CAL_ROLE_VIEWER;
		return 0;
	}
	if (p->kind == DAV_HOME) { /* /dav/calendars/rooms/ */
		res->href = "/dav/calendars/" DAV_ROOMS "/";
		res->home_id = DAV_ROOMS;
		res->role = CAL_ROLE_VIEWER;
		return 0;
	}
	struct room o;
	rc = p->room_id && ids_valid(p->room_id, "room") ? store_room_get(db, r->who.account_id, p->room_id, &o)
							 : E_NOTFOUND;
	if (rc == E_NOTFOUND || p->kind == DAV_FILE)
		return dav_resource_not_found(r);
	if (rc)
		return rc;
	if (p->kind == DAV_PRINCIPAL) {
		res->principal = room_principal(r->arena, o.id, o.name, o.email);
		res->href = res->principal->href;
		res->role = CAL_ROLE_VIEWER;
		return 0;
	}
	if ((rc = room_calendar(r, db, &o, res)))
		return rc;
	if (p->kind == DAV_CALENDAR)
		return 0;
	if (!dav_name_valid(p->name))
		return dav_resource_not_found(r);
	res->name = p->name;
	res->href = dav_href_object(r->arena, DAV_ROOMS, o.id, res->name);
	rc = dav_room_event(r, db, res, res->name, &res->ev);
	if (rc == E_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	res->uid = res->ev.uid;
	res->exists = 1;
	return 0;
}

int dav_principals_room_calendars(struct req *r, struct db *db, const struct dav_proplist *want, struct buf *b)
{
	struct principal_row *v = malloc(sizeof *v * ROOM_HOME_MAX);
	struct principal_query q = {.allof = 1, .bookable_by = admin(r) ? NULL : r->who.user_id};
	int n = 0, rc;
	if (!v)
		return E_NOMEM;
	rc = store_principal_rooms(db, r->who.account_id, &q, v, ROOM_HOME_MAX, &n);
	for (int i = 0; !rc && i < n; i++) {
		struct room o;
		struct dav_res res = {.kind = DAV_CALENDAR};
		if ((rc = store_room_get(db, r->who.account_id, v[i].id, &o)))
			break;
		rc = room_calendar(r, db, &o, &res);
		if (rc == E_NOTFOUND) { /* being deleted: no answer was meant for it */
			rc = 0;
			continue;
		}
		if (!rc)
			rc = dav_props_response(r, &res, want, b);
	}
	free(v);
	return rc;
}

/* ---- the reports ---- */

int dav_principals_is_report(const xmlNode *root)
{
	return dav_xml_is(root, DAV_NS, "principal-property-search") ||
	       dav_xml_is(root, DAV_NS, "principal-search-property-set");
}

enum { F_NAME = 1, F_EMAIL = 2, F_CUTYPE = 4 };

static const struct {
	const char *ns, *name, *what;
	int field;
} searchable[] = {
	{DAV_NS, "displayname", "Name", F_NAME},
	{CALDAV_NS, "calendar-user-address-set", "Calendar address (mailto:)", F_EMAIL},
	{CS_NS, "email-address-set", "E-mail address", F_EMAIL},
	{CALDAV_NS, "calendar-user-type", "Calendar user type (INDIVIDUAL or ROOM)", F_CUTYPE},
	{CS_NS, "first-name", NULL, F_NAME}, /* Apple asks these; we hold one name */
	{CS_NS, "last-name", NULL, F_NAME},
};
#define NSEARCHABLE ((int)(sizeof searchable / sizeof searchable[0]))

static int search_set(struct req *r)
{
	struct buf b = {0};
	buf_puts(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<D:principal-search-property-set"
		     " xmlns:D=\"" DAV_NS "\" xmlns:C=\"" CALDAV_NS "\" xmlns:CS=\"" CS_NS "\">");
	for (int i = 0; i < NSEARCHABLE; i++) {
		if (!searchable[i].what)
			continue;
		buf_printf(&b,
			   "<D:principal-search-property><D:prop><%s:%s/></D:prop>"
			   "<D:description xml:lang=\"en\">%s</D:description></D:principal-search-property>",
			   !strcmp(searchable[i].ns, DAV_NS)  ? "D"
			   : !strcmp(searchable[i].ns, CS_NS) ? "CS"
							      : "C",
			   searchable[i].name, searchable[i].what);
	}
	buf_puts(&b, "</D:principal-search-property-set>\n");
	int rc = b.data ? resp_raw(r, 200, "application/xml; charset=utf-8", b.data, b.len) : E_NOMEM;
	buf_free(&b);
	return rc;
}

struct term {
	int fields;
	char text[256]; /* as matched: the e-mail part of a mailto: */
	int type;       /* 0 contains, 1 starts-with, 2 equals, 3 ends-with */
};

static int text_matches(const struct term *t, const char *s)
{
	size_t n = strlen(t->text), m = strlen(s);
	switch (t->type) {
	case 1:
		return !strncasecmp(s, t->text, n);
	case 2:
		return !strcasecmp(s, t->text);
	case 3:
		return m >= n && !strcasecmp(s + m - n, t->text);
	default:
		return strcasestr(s, t->text) != NULL;
	}
}

/* the <D:property-search> elements: 0, or an error after answering */
static int read_terms(struct req *r, const xmlNode *root, struct term *t, int *n)
{
	*n = 0;
	for (const xmlNode *ps = root->children; ps; ps = ps->next) {
		if (!dav_xml_is(ps, DAV_NS, "property-search"))
			continue;
		if (*n == PRINCIPAL_TERMS_MAX)
			return dav_reply_error(r, 403, CONVENE_NS, "too-many-terms",
					       "at most %d property-search elements", PRINCIPAL_TERMS_MAX),
			       E_INVALID;
		const xmlNode *prop = dav_xml_child(ps, DAV_NS, "prop"), *match = dav_xml_child(ps, DAV_NS, "match");
		if (!prop || !match) {
			dav_bad_xml(r, "a DAV:property-search holds DAV:prop and DAV:match");
			return E_INVALID;
		}
		struct term *x = &t[(*n)++];
		memset(x, 0, sizeof *x);
		for (const xmlNode *c = prop->children; c; c = c->next)
			for (int i = 0; c->type == XML_ELEMENT_NODE && i < NSEARCHABLE; i++)
				if (dav_xml_is(c, searchable[i].ns, searchable[i].name))
					x->fields |= searchable[i].field;
		char *text = dav_xml_text(match);
		const char *s = text ? text : "";
		while (*s == ' ')
			s++;
		if ((x->fields & F_EMAIL) && !strncasecmp(s, "mailto:", 7))
			s += 7;
		snprintf(x->text, sizeof x->text, "%s", s);
		xmlFree(text);
		xmlChar *mt = xmlGetProp(match, (const xmlChar *)"match-type");
		x->type = !mt                                  ? 0
			  : !strcmp((char *)mt, "starts-with") ? 1
			  : !strcmp((char *)mt, "equals")      ? 2
			  : !strcmp((char *)mt, "ends-with")   ? 3
							       : 0;
		xmlFree(mt);
	}
	return 0;
}

/* the SQL terms of one kind of principal (cutype: what its calendar-user-type
 * is): 0 when nothing of the kind can match, else 1 with q filled */
static int plan(const struct term *t, int n, int allof, const char *cutype, struct principal_term *out,
		struct principal_query *q)
{
	q->terms = out;
	q->nterms = 0;
	q->allof = allof;
	for (int i = 0; i < n; i++) {
		int always = !*t[i].text || ((t[i].fields & F_CUTYPE) && text_matches(&t[i], cutype));
		int text = t[i].fields & (F_NAME | F_EMAIL);
		if (always && !allof) { /* one term holds for every principal of the kind */
			q->nterms = 0;
			q->allof = 1;
			return 1;
		}
		if (always)
			continue;
		if (!text) {
			if (allof)
				return 0;
			continue;
		}
		out[q->nterms++] = (struct principal_term){t[i].text, t[i].type, (t[i].fields & F_NAME) != 0,
							   (t[i].fields & F_EMAIL) != 0};
	}
	return allof || q->nterms > 0;
}

static int property_search(struct req *r, struct db *db, const xmlNode *root)
{
	struct term t[PRINCIPAL_TERMS_MAX];
	struct principal_term pt[PRINCIPAL_TERMS_MAX];
	struct principal_query q;
	struct dav_proplist want = {.mode = DAV_PROPS_NAMED};
	int n = 0, rc;
	xmlChar *test = xmlGetProp(root, (const xmlChar *)"test");
	int allof = !test || strcmp((const char *)test, "anyof");
	xmlFree(test);
	if ((rc = read_terms(r, root, t, &n)))
		return rc;
	if (!n) {
		dav_bad_xml(r, "a principal-property-search holds at least one DAV:property-search");
		return E_INVALID;
	}
	const xmlNode *prop = NULL;
	for (const xmlNode *c = root->children; c && !prop; c = c->next)
		if (dav_xml_is(c, DAV_NS, "prop"))
			prop = c;
	if (prop)
		dav_props_from_xml(r->arena, prop, &want);
	struct principal_row *users = malloc(sizeof *users * (SEARCH_MAX + 1)),
			     *rooms = malloc(sizeof *rooms * (SEARCH_MAX + 1));
	int nu = 0, nr = 0;
	struct buf b = {0};
	if (!users || !rooms) {
		rc = E_NOMEM;
		goto out;
	}
	if ((rc = store_begin(db, 0)))
		goto out;
	if (calendar_owner_role(r->who.role)) {
		if (plan(t, n, allof, "INDIVIDUAL", pt, &q))
			rc = store_principal_users(db, r->who.account_id, &q, users, SEARCH_MAX + 1, &nu);
		q.bookable_by = admin(r) ? NULL : r->who.user_id;
		if (!rc && plan(t, n, allof, "ROOM", pt, &q))
			rc = store_principal_rooms(db, r->who.account_id, &q, rooms, SEARCH_MAX + 1 - nu, &nr);
	}
	store_rollback(db);
	if (rc)
		goto out;
	int truncated = nu + nr > SEARCH_MAX;
	if (nu > SEARCH_MAX)
		nu = SEARCH_MAX;
	if (nu + nr > SEARCH_MAX)
		nr = SEARCH_MAX - nu;
	dav_ms_begin(&b);
	for (int i = 0; !rc && i < nu + nr; i++) {
		const struct principal_row *o = i < nu ? &users[i] : &rooms[i - nu];
		struct dav_res res = {.kind = DAV_PRINCIPAL, .role = CAL_ROLE_VIEWER};
		if (i < nu && !strcmp(o->id, r->who.user_id)) { /* one's own: every property */
			res.role = CAL_ROLE_OWNER;
			res.href = dav_href_principal(r->arena, o->id);
		} else {
			res.principal = i < nu ? user_principal(r->arena, o->id, o->name, o->email)
					       : room_principal(r->arena, o->id, o->name, o->email);
			res.href = res.principal->href;
		}
		rc = dav_props_response(r, &res, &want, &b);
	}
	if (!rc && truncated) { /* RFC 3744 section 9.4: more matched than are shown */
		buf_puts(&b, "<D:response><D:href>");
		dav_xml_escape(&b, r->path);
		buf_printf(&b,
			   "</D:href><D:status>HTTP/1.1 507 Insufficient Storage</D:status>"
			   "<D:error><D:number-of-matches-within-limits/></D:error>"
			   "<D:responsedescription>only the first %d matches are given: search for more "
			   "letters</D:responsedescription></D:response>",
			   SEARCH_MAX);
	}
	if (!rc && !(rc = dav_ms_end(&b))) {
		rc = dav_reply_multistatus(r, &b);
		goto out;
	}
out:
	buf_free(&b);
	free(users);
	free(rooms);
	return rc;
}

int dav_principals_report(struct req *r, struct db *db, const struct dav_path *p, const xmlNode *root)
{
	if (p->kind != DAV_ROOT && p->kind != DAV_PRINCIPALS && p->kind != DAV_PRINCIPAL)
		return dav_reply_error(r, 403, DAV_NS, "supported-report",
				       "principal reports are made on /dav/principals/");
	if (dav_xml_is(root, DAV_NS, "principal-search-property-set"))
		return search_set(r);
	return property_search(r, db, root);
}
