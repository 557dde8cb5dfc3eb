-- wrk script of bench/rooms.sh: each wrk thread is one client (one
-- connection, its own user, bearer token and calendar) POSTing events that
-- book one room. Three requests in four ask for a free slot (07:00-07:30 on
-- a workday, a (room, day) no other request asks for); one in four asks for
-- a contended slot (20:15-20:45 in one of 16 hot rooms), the same sequence
-- of contended slots for every client, so that the clients race for each
-- and all but the first are refused (409). Counts the statuses per kind and
-- stops each client after BOOK_MAX requests. Environment: BOOK_CLIENTS (a
-- file of "token calendar_id" lines, one per thread), BOOK_ROOMS (a file of
-- room ids), BOOK_T0 (a Monday, UTC seconds), BOOK_MAX.
local t0 = tonumber(os.getenv("BOOK_T0"))
local max = tonumber(os.getenv("BOOK_MAX") or "100000")
local HOT = 16
local threads, n = {}, 0

local function lines(path)
  local t = {}
  for l in io.lines(path) do t[#t + 1] = l end
  return t
end

function setup(thread)
  local clients = lines(os.getenv("BOOK_CLIENTS"))
  n = n + 1
  local token, cal = clients[n]:match("^(%S+) (%S+)$")
  thread:set("id", n)
  thread:set("nclients", #clients)
  thread:set("token", token)
  thread:set("cal", cal)
  table.insert(threads, thread)
end

local rooms, j, kind, path, headers
sent, free_ok, free_409, hot_ok, hot_409, other, s5xx = 0, 0, 0, 0, 0, 0, 0

local function workday(w) return w + 2 * math.floor(w / 5) end
local function iso(t) return os.date("!%Y-%m-%dT%H:%M:%SZ", t) end

function init(args)
  rooms = lines(os.getenv("BOOK_ROOMS"))
  j = 0
  path = "/api/v1/calendars/" .. cal .. "/events"
  headers = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}
end

function request()
  j = j + 1
  local room, start
  if j % 4 == 0 then
    local k = j / 4 - 1
    kind = "hot"
    room = rooms[k % HOT + 1]
    start = t0 + workday(math.floor(k / HOT)) * 86400 + 20 * 3600 + 900
  else
    local f = j - math.floor(j / 4) - 1
    local idx = (id - 1) + nclients * f
    kind = "free"
    room = rooms[idx % #rooms + 1]
    start = t0 + workday(math.floor(idx / #rooms)) * 86400 + 7 * 3600
  end
  local body = string.format('{"summary":"Bench %d-%d","start":"%s","end":"%s","room_ids":["%s"]}',
                             id, j, iso(start), iso(start + 1800), room)
  return wrk.format("POST", path, headers, body)
end

function response(status, hdrs, body)
  sent = sent + 1
  if status == 201 then
    if kind == "hot" then hot_ok = hot_ok + 1 else free_ok = free_ok + 1 end
  elseif status == 409 then
    if kind == "hot" then hot_409 = hot_409 + 1 else free_409 = free_409 + 1 end
  else
    other = other + 1
    if status >= 500 then s5xx = s5xx + 1 end
    if other <= 3 then io.stderr:write("bench: status " .. status .. ": " .. body:sub(1, 300) .. "\n") end
  end
  if sent >= max and wrk.thread then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local t = {sent = 0, free_ok = 0, free_409 = 0, hot_ok = 0, hot_409 = 0, other = 0, s5xx = 0}
  for _, th in ipairs(threads) do
    for k in pairs(t) do t[k] = t[k] + th:get(k) end
  end
  io.write(string.format("book-result sent=%d free_ok=%d free_409=%d hot_ok=%d hot_409=%d other=%d s5xx=%d" ..
                         " errors=%d p50_us=%d p99_us=%d\n", t.sent, t.free_ok, t.free_409, t.hot_ok, t.hot_409,
                         t.other, t.s5xx, summary.errors.connect + summary.errors.read + summary.errors.write +
                         summary.errors.timeout, latency:percentile(50), latency:percentile(99)))
end
