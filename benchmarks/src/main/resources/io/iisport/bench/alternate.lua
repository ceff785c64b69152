-- wrk script: alternates two paths of one server in phases of equal length, in ABBA order (A, B, B, A, A, B, ...),
-- on every connection at once, and counts each path's answers within its own phases. Both paths then run under the
-- machine's state of the moment, so that their ratio holds while the machine's speed drifts.
--
--   wrk -t1 -c32 -d120s -s alternate.lua http://host:port/ -- /path/a /path/b 250
--
-- Arguments: path A, path B, the phase length in milliseconds. A 200 answer counts for a phase's path when its body
-- contains that path (the benchmark servlet answers with its request's path); an answer to a request sent in the
-- phase before (one in flight at the switch) counts for neither. done() prints one line per complete phase:
-- "phase <number> <A or B> <answers>".
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } alternate_timespec;
int clock_gettime(int clock, alternate_timespec *time);
]]
local CLOCK_MONOTONIC = 1
local time = ffi.new("alternate_timespec")

local function nanos()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, time)
  return tonumber(time.tv_sec) * 1e9 + tonumber(time.tv_nsec)
end

local ORDER = { "A", "B", "B", "A" }
local threads = {}
local paths, requests, phaseNanos, phaseStart

phase = 0
counts = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  if #args ~= 3 or not tonumber(args[3]) then
    error("alternate.lua takes: path A, path B, phase length in milliseconds; got " .. table.concat(args, " "))
  end
  paths = { A = args[1], B = args[2] }
  requests = { A = wrk.format("GET", args[1]), B = wrk.format("GET", args[2]) }
  phaseNanos = tonumber(args[3]) * 1e6
end

-- The phase now, on a fixed grid from the first call.
local function current()
  local now = nanos()
  if phase == 0 then
    phase, phaseStart, counts[1] = 1, now, 0
  end
  while now - phaseStart >= phaseNanos do
    phase, phaseStart = phase + 1, phaseStart + phaseNanos
    counts[phase] = 0
  end
  return ORDER[(phase - 1) % 4 + 1]
end

function request()
  return requests[current()]
end

function response(status, headers, body)
  local path = paths[current()]
  if status == 200 and body and string.find(body, path, 1, true) then
    counts[phase] = counts[phase] + 1
  end
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    -- The last phase is cut short by the end of the run.
    for i = 1, thread:get("phase") - 1 do
      io.write(string.format("phase %d %s %d\n", i, ORDER[(i - 1) % 4 + 1], c[i]))
    end
  end
end
