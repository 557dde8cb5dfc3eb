-- wrk script of bench/zoom.sh: POSTs Zoom webhooks to /webhooks/zoom at a
-- steady pace. Each request is one line of ZOOM_WEBHOOKS ("timestamp TAB
-- x-zm-signature TAB body"), signed beforehand as Zoom signs (v0 HMAC-SHA256),
-- each a different event so that none is a replay; thread k of n sends lines
-- k, k+n, k+2n... wrk has no rate of its own: each thread keeps a schedule of
-- ZOOM_RATE / n requests a second on the monotonic clock, and delay() holds
-- each request until its slot, so that the rate does not sag by the answers'
-- latency (its connections are the requests that may be in flight at once).
-- Counts the statuses; done() prints one line
-- "webhook-result sent=… ok=… other=… s5xx=… errors=…".
local ffi = require("ffi")
ffi.cdef[[
struct bench_timespec { long tv_sec; long tv_nsec; };
int clock_gettime(int clk, struct bench_timespec *ts);
]]
local ts = ffi.new("struct bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local threads, n = {}, 0
local lines, interval, next_at, nthreads, k, path

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
  nthreads = tonumber(os.getenv("ZOOM_THREADS"))
  interval = 1000 * nthreads / tonumber(os.getenv("ZOOM_RATE"))
  next_at = now_ms() + interval * id / nthreads -- the threads' slots interleave
  path = os.getenv("ZOOM_PATH") or "/webhooks/zoom"
  k = id
end

function delay()
  local now = now_ms()
  -- behind by more than a second (every connection was busy): start afresh
  -- rather than send a burst to catch up
  if next_at < now - 1000 then next_at = now end
  local d = next_at - now
  next_at = next_at + interval
  return d > 0 and math.floor(d) or 0
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
