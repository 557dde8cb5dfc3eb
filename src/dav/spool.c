/* The file is made with O_TMPFILE in the system's temporary directory (no
 * name, gone with its last descriptor), written with write(2) as chunks fill,
 * and handed to libmicrohttpd, which sends it with sendfile and closes it. */
#include "dav/spool.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "dav/reply.h"
#include "dav/xml.h"
#include "http/response.h"

#define CHUNK (256 * 1024)
#define TAIL 1024 /* room kept for the closing 507 response and </D:multistatus> */

int dav_spool_begin(struct dav_spool *s)
{
	s->fd = -1;
	s->written = 0;
	s->over = 0;
	s->over_error = NULL;
	s->mark = s->b.len;
	s->max_bytes = config_current()->report_max_bytes;
	return 0;
}

void dav_spool_mark(struct dav_spool *s)
{
	s->mark = s->b.len;
}

static int tmp_open(void)
{
	const char *dir = getenv("TMPDIR");
	int fd = open(dir && *dir ? dir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) { /* a file system without O_TMPFILE */
		FILE *f = tmpfile();
		fd = f ? dup(fileno(f)) : -1;
		if (f)
			fclose(f);
	}
	return fd;
}

static int spill(struct dav_spool *s)
{
	if (s->fd < 0 && (s->fd = tmp_open()) < 0) {
		log_error("dav: cannot make a temporary file for a large answer: %s", strerror(errno));
		return E_IO;
	}
	size_t off = 0;
	while (off < s->b.len) {
		ssize_t n = write(s->fd, s->b.data + off, s->b.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			log_error("dav: cannot write a large answer to its temporary file: %s", strerror(errno));
			return E_IO;
		}
		off += (size_t)n;
	}
	s->written += s->b.len;
	s->b.len = 0;
	s->mark = 0;
	return 0;
}

int dav_spool_added(struct dav_spool *s, int rc)
{
	if (rc && rc != E_TOOLARGE)
		return rc;
	if (rc || s->written + s->b.len + TAIL > s->max_bytes) {
		s->b.len = s->mark; /* that response goes: the answer ends before it */
		if (s->b.data)
			s->b.data[s->b.len] = 0;
		s->over = 1;
		return 1;
	}
	if (s->b.len >= CHUNK)
		return spill(s);
	return 0;
}

int dav_spool_reply(struct req *r, struct dav_spool *s, const char *href, const char *why)
{
	int rc = 0;
	if (s->over) {
		buf_puts(&s->b, "<D:response><D:href>");
		dav_xml_escape(&s->b, href);
		buf_printf(&s->b,
			   "</D:href><D:status>HTTP/1.1 507 Insufficient Storage</D:status><D:error><%s/></D:error>"
			   "<D:responsedescription>",
			   s->over_error ? s->over_error : "D:number-of-matches-within-limits");
		dav_xml_escape(&s->b, why);
		buf_puts(&s->b, "</D:responsedescription></D:response>");
	}
	if ((rc = dav_ms_end(&s->b)))
		return rc;
	if (s->fd < 0)
		return dav_reply_multistatus(r, &s->b);
	if ((rc = spill(s)))
		return rc;
	rc = resp_file(r, 207, "application/xml; charset=utf-8", s->fd, s->written);
	s->fd = -1; /* the response's now */
	return rc;
}

void dav_spool_free(struct dav_spool *s)
{
	buf_free(&s->b);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}
