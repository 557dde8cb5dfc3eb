-- wrk script of bench/zoom.sh: POSTs Zoom webhooks to /webhooks/zoom at a
-- steady pace. Each request is one line of ZOOM_WEBHOOKS ("timestamp TAB
-- x-zm-signature TAB body"), signed beforehand as Zoom signs (v0 HMAC-SHA256),
-- each a different event so that none is a replay; thread k of n sends lines
-- k, k+n, k+2n... Every connection waits ZOOM_DELAY_MS before each request,
-- so that c connections send about c * 1000 / delay requests a second (wrk
-- has no rate of its own). Counts the statuses; done() prints one line
-- "webhook-result sent=… ok=… other=… s5xx=… errors=…".
local threads, n = {}, 0
local lines, pace, nthreads, k, path

function setup(thread)
  thread:set("id", n)
  n = n + 1
  table.insert(threads, thread)
end

sent, ok, other, s5xx = 0, 0, 0, 0

function init(args)
  lines = {}
  for l in io.lines(os.getenv("ZOOM_WEBHOOKS")) do
    local ts, sig, body = l:match("^([^\t]+)\t([^\t]+)\t(.*)$")
    lines[#lines + 1] = {ts = ts, sig = sig, body = body}
  end
  pace = tonumber(os.getenv("ZOOM_DELAY_MS"))
  nthreads = tonumber(os.getenv("ZOOM_THREADS"))
  path = os.getenv("ZOOM_PATH") or "/webhooks/zoom"
  k = id
end

function delay()
  return pace
end

function request()
  local w = lines[k % #lines + 1]
  k = k + nthreads
  sent = sent + 1
  return wrk.format("POST", path, {["Content-Type"] = "application/json; charset=utf-8",
                                   ["x-zm-request-timestamp"] = w.ts, ["x-zm-signature"] = w.sig}, w.body)
end

function response(status, headers, body)
  if status == 200 or status == 204 then ok = ok + 1
  elseif status >= 500 then s5xx = s5xx + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local t = {sent = 0, ok = 0, other = 0, s5xx = 0}
  for _, th in ipairs(threads) do
    for key in pairs(t) do t[key] = t[key] + th:get(key) end
  end
  local e = summary.errors
  io.write(string.format("webhook-result sent=%d ok=%d other=%d s5xx=%d errors=%d\n", t.sent, t.ok, t.other,
                         t.s5xx, e.connect + e.read + e.write + e.timeout))
end
