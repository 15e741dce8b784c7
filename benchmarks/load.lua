-- wrk script for benchmarks/load.sh: requests a mix of the portal's pages, round robin, as a
-- browser behind the TLS-terminating proxy would (X-Forwarded-Proto: https), and counts the
-- answers that are not 2xx (wrk itself counts only 4xx/5xx and socket errors).
--
-- The paths come from the file named by LOAD_PATHS, one per line (load.sh writes it).

local paths = {}
local file = assert(io.open(os.getenv("LOAD_PATHS"), "r"))
for line in file:lines() do
  if line ~= "" then paths[#paths + 1] = line end
end
file:close()

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = id  -- each thread starts at another page
  non2xx = 0
  statuses = {}
  wrk.headers["X-Forwarded-Proto"] = "https"
  wrk.headers["Accept"] = "text/html,application/json"
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local non2xx_total = 0
  local by_status = {}
  for _, thread in ipairs(threads) do
    non2xx_total = non2xx_total + thread:get("non2xx")
    for status, count in pairs(thread:get("statuses")) do
      by_status[status] = (by_status[status] or 0) + count
    end
  end
  local errors = summary.errors
  local socket_errors = errors.connect + errors.read + errors.write + errors.timeout
  local detail = ""
  for status, count in pairs(by_status) do detail = detail .. " " .. status .. "=" .. count end
  io.write(string.format(
    "RESULT requests=%d seconds=%.1f rps=%.1f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f " ..
    "max_ms=%.1f socket_errors=%d non2xx=%d%s\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, socket_errors, non2xx_total, detail))
end
