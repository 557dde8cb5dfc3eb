-- wrk script of bench/caldav.sh: one WebDAV request, repeated. Environment:
-- DAV_METHOD (PROPFIND or REPORT), DAV_DEPTH, DAV_BODY (a file holding the
-- XML body), DAV_PATH (the collection's path).
local f = assert(io.open(os.getenv("DAV_BODY"), "rb"))
local body = f:read("*a")
f:close()
wrk.method = os.getenv("DAV_METHOD")
wrk.path = os.getenv("DAV_PATH")
wrk.body = body
wrk.headers["Content-Type"] = "application/xml; charset=utf-8"
wrk.headers["Depth"] = os.getenv("DAV_DEPTH") or "1"
