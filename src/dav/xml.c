/* libxml2 under the rules of RFC 4918 section 20.6 (do not load external
 * entities): XML_PARSE_NONET, no XML_PARSE_NOENT or DTD loading, and any
 * DOCTYPE refused before parsing, so that neither XXE nor entity expansion
 * ("billion laughs") can happen whatever the library version does. */
#include "dav/xml.h"

#include <libxml/parser.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core/errors.h"

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void quiet(void *ctx, const char *msg, ...)
{
	(void)ctx, (void)msg; /* parse errors become a 400, not stderr noise */
}

static void init(void)
{
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, quiet);
}

int dav_xml_parse(const char *body, size_t len, xmlDocPtr *out, char *why, size_t whylen)
{
	*out = NULL;
	pthread_once(&init_once, init);
	size_t i = 0;
	while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n'))
		i++;
	if (i == len)
		return 0;
	if (len > DAV_XML_MAX) {
		snprintf(why, whylen, "the XML body is larger than %d bytes", DAV_XML_MAX);
		return E_INVALID;
	}
	if (memmem(body, len, "<!DOCTYPE", 9) || memmem(body, len, "<!ENTITY", 8)) {
		snprintf(why, whylen, "a DOCTYPE or entity declaration is not accepted");
		return E_INVALID;
	}
	xmlParserCtxtPtr ctx = xmlNewParserCtxt();
	if (!ctx)
		return E_NOMEM;
	xmlDocPtr doc =
		xmlCtxtReadMemory(ctx, body, (int)len, "body.xml", NULL,
				  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	/* a namespace error (xmlns:p="", an undeclared prefix) is not well-formed
	 * under Namespaces in XML, though libxml2 builds a tree anyway */
	if (!doc || !xmlDocGetRootElement(doc) || !ctx->wellFormed || !ctx->nsWellFormed) {
		const xmlError *e = xmlCtxtGetLastError(ctx);
		snprintf(why, whylen, "the body is not well-formed XML%s%.*s", e && e->message ? ": " : "",
			 e && e->message ? (int)strcspn(e->message, "\n") : 0, e && e->message ? e->message : "");
		if (doc)
			xmlFreeDoc(doc);
		xmlFreeParserCtxt(ctx);
		return E_INVALID;
	}
	xmlFreeParserCtxt(ctx);
	*out = doc;
	return 0;
}

int dav_xml_is(const xmlNode *n, const char *ns, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href && !strcmp((const char *)n->ns->href, ns) &&
	       !strcmp((const char *)n->name, name);
}

xmlNode *dav_xml_elem(xmlNode *n)
{
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

xmlNode *dav_xml_child(const xmlNode *n, const char *ns, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (dav_xml_is(c, ns, name))
			return c;
	return NULL;
}

char *dav_xml_text(const xmlNode *n)
{
	return n ? (char *)xmlNodeGetContent(n) : NULL;
}

int dav_xml_escape(struct buf *b, const char *s)
{
	const char *run = s;
	int rc = 0;
	for (; !rc && *s; s++) {
		const char *rep = *s == '&'    ? "&amp;"
				  : *s == '<'  ? "&lt;"
				  : *s == '>'  ? "&gt;"
				  : *s == '"'  ? "&quot;"
				  : *s == '\r' ? "&#13;"
					       : NULL;
		if (!rep)
			continue;
		rc = buf_append(b, run, (size_t)(s - run));
		if (!rc)
			rc = buf_puts(b, rep);
		run = s + 1;
	}
	return rc ? rc : buf_append(b, run, (size_t)(s - run));
}
