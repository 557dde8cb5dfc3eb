-- wrk script of bench/rooms.sh: GET /api/v1/rooms/search rotating through
-- 4096 varied queries per thread (a workday of the seeded year, a window
-- within working hours of 30 to 120 minutes, a capacity, equipment tags, a
-- building or none), the same sequence in every run (seeded per thread).
-- Environment: SEARCH_T0 (the seeded year's first Monday, UTC seconds),
-- SEARCH_WORKDAYS, SEARCH_BUILDINGS.
local t0 = tonumber(os.getenv("SEARCH_T0"))
local workdays = tonumber(os.getenv("SEARCH_WORKDAYS") or "250")
local buildings = tonumber(os.getenv("SEARCH_BUILDINGS") or "40")
local caps = {2, 4, 4, 6, 6, 8, 8, 10, 12, 16, 20, 30}
local equipment = {"", "", "screen", "video", "screen,video", "whiteboard", "projector", "video,phone",
                   "screen,whiteboard,wheelchair"}
local durations = {30, 60, 60, 60, 90, 120}
local paths, at = {}, 0
local n = 0

function setup(thread)
  n = n + 1
  thread:set("id", n)
end

local function iso(t) return os.date("!%Y-%m-%dT%H:%M:%SZ", t) end

function init(args)
  math.randomseed(1000 + (id or 0))
  for i = 1, 4096 do
    local w = math.random(0, workdays - 1)
    local start = t0 + (w + 2 * math.floor(w / 5)) * 86400 + math.random(16, 34) * 1800
    local q = "/api/v1/rooms/search?start=" .. iso(start) .. "&end=" ..
              iso(start + durations[math.random(#durations)] * 60) .. "&capacity=" .. caps[math.random(#caps)]
    local eq = equipment[math.random(#equipment)]
    if eq ~= "" then q = q .. "&equipment=" .. eq end
    if math.random() < 0.7 then q = q .. string.format("&building=Building%%20%02d", math.random(buildings)) end
    paths[i] = q
  end
end

function request()
  at = at % #paths + 1
  return wrk.format("GET", paths[at])
end
