/* The element is copied into a document of its own, where libxml2 declares
 * on it every namespace it or its content uses (xmlReconciliateNs), and an
 * xml:lang inherited from <D:prop> or <D:set> is written on it, so that the
 * stored text means the same wherever it is sent back. */
#include "dav/deadprops.h"

#include <string.h>

#include "core/errors.h"

const char *dav_dead_xml(struct arena *a, const xmlNode *p)
{
	const char *out = NULL;
	xmlDocPtr d = xmlNewDoc((const xmlChar *)"1.0");
	xmlBufferPtr buf = xmlBufferCreate();
	xmlNodePtr c = d && buf ? xmlDocCopyNode((xmlNodePtr)p, d, 1) : NULL;
	if (c) {
		xmlDocSetRootElement(d, c);
		xmlReconciliateNs(d, c);
		xmlChar *lang = xmlNodeGetLang(p);
		if (lang && !xmlHasNsProp(c, (const xmlChar *)"lang", XML_XML_NAMESPACE))
			xmlNodeSetLang(c, lang);
		xmlFree(lang);
		if (xmlNodeDump(buf, d, c, 0, 0) > 0 && xmlBufferLength(buf) <= DAV_DEAD_VALUE_MAX)
			out = arena_strdup(a, (const char *)xmlBufferContent(buf));
	}
	if (buf)
		xmlBufferFree(buf);
	if (d)
		xmlFreeDoc(d);
	return out;
}

int dav_dead_load(struct req *r, struct db *db, struct dav_res *res)
{
	struct dav_dead *v;
	int n, rc;
	if (res->kind != DAV_CALENDAR && res->kind != DAV_OBJECT && res->kind != DAV_FILE)
		return 0;
	if ((rc = store_dav_props_list(db, r->arena, res->cal.account_id, res->cal.id, dav_resource_prop_path(res), &v,
				       &n)))
		return rc;
	res->dead = v;
	res->ndead = n;
	return 0;
}
