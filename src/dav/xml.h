/* WebDAV XML: request bodies parsed with libxml2 safely (no network, no DTD,
 * no entities, size- and depth-limited), element tests by namespace, and
 * escaping for the XML we write. Nothing else in dav/ calls the parser. */
#ifndef DAV_XML_H
#define DAV_XML_H

#include <libxml/tree.h>
#include <stddef.h>

#include "core/buf.h"

#define DAV_NS "DAV:"
#define CALDAV_NS "urn:ietf:params:xml:ns:caldav"
#define CS_NS "http://calendarserver.org/ns/"
#define APPLE_NS "http://apple.com/ns/ical/"
#define CONVENE_NS "urn:convene:dav" /* our own error details */

#define DAV_XML_MAX (512 * 1024)

/* Parses body (len bytes): 0 with *out set (free with xmlFreeDoc), or
 * E_INVALID with why filled (a DOCTYPE, not well-formed, too large). An empty
 * body gives 0 and *out NULL. */
int dav_xml_parse(const char *body, size_t len, xmlDocPtr *out, char *why, size_t whylen);

/* is n an element named name in namespace ns */
int dav_xml_is(const xmlNode *n, const char *ns, const char *name);
/* the first child element named so, or NULL */
xmlNode *dav_xml_child(const xmlNode *n, const char *ns, const char *name);
/* next element sibling (n itself when it is one), or NULL */
xmlNode *dav_xml_elem(xmlNode *n);
/* the element's text content (malloc'd by libxml2: xmlFree), or NULL */
char *dav_xml_text(const xmlNode *n);

/* s with & < > " escaped, and CR as &#13; so that CRLF survives */
int dav_xml_escape(struct buf *b, const char *s);

#endif
