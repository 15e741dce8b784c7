-- wrk script of benchmarks/pages.py. Requests the paths given after `--` in turn (the command
-- line's path when none is given), and counts the answers: by status (2xx/3xx good, anything
-- else an error) and by their X-Page-Cache header (hit, miss, bypass, absent). done() prints one
-- line, "PAGES-RESULT {json}", with the counts summed over wrk's threads, the requests per
-- second, the latency percentiles in milliseconds and wrk's socket errors (time-outs included).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for i = 1, #args do
    paths[#paths + 1] = args[i]
  end
  if #paths == 0 then
    paths[1] = wrk.path
  end
  counter = 0
  good, bad, hit, miss, bypass, absent = 0, 0, 0, 0, 0, 0
  first_bad = 0
end

function request()
  counter = counter + 1
  return wrk.format(nil, paths[(counter - 1) % #paths + 1])
end

function response(status, headers, body)
  if status >= 200 and status < 400 then
    good = good + 1
  else
    bad = bad + 1
    if first_bad == 0 then
      first_bad = status
    end
  end
  local cache = headers["X-Page-Cache"] or headers["x-page-cache"]
  if cache == "hit" then
    hit = hit + 1
  elseif cache == "miss" then
    miss = miss + 1
  elseif cache == "bypass" then
    bypass = bypass + 1
  else
    absent = absent + 1
  end
end

function done(summary, latency, requests)
  local totals = {good = 0, bad = 0, hit = 0, miss = 0, bypass = 0, absent = 0, first_bad = 0}
  for _, thread in ipairs(threads) do
    for key, _ in pairs(totals) do
      if key == "first_bad" then
        if totals.first_bad == 0 then
          totals.first_bad = thread:get("first_bad") or 0
        end
      else
        totals[key] = totals[key] + (thread:get(key) or 0)
      end
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'PAGES-RESULT {"requests": %d, "seconds": %.3f, "rps": %.2f, "p50_ms": %.2f, ' ..
    '"p90_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "good": %d, "bad": %d, ' ..
    '"first_bad": %d, "hit": %d, "miss": %d, "bypass": %d, "absent": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    totals.good, totals.bad, totals.first_bad, totals.hit, totals.miss, totals.bypass,
    totals.absent, errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
