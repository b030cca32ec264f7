-- wrk script of scripts/bench: GET <path>?to=<random 10-digit NANP destination in a seeded area code>
-- &campaign=<one of 4>&agent=<one of 200>: the request a VICIdial dialplan sends.
--
--   wrk -t2 -c64 -d20s -s scripts/bench-next-cid.lua http://127.0.0.1:PORT -- PATH MODE AREA_CODES_FILE
--
--   PATH             /next-cid (on the server's port: through the event bus; on the bench's direct port: an
--                    allocator called in place)
--   MODE             release  every caller-ID handed out is released by the thread's next request
--                             (GET /release?caller_id=... on the same port), as a dialer does at hang-up:
--                             the pool never runs dry and about half the requests are releases, counted apart.
--                    ttl      allocations only; the server's 1 s reservation TTL returns numbers to the
--                             pool (needs more numbers than allocations per second).
--   AREA_CODES_FILE  one area code per line (BenchServer writes it)
--
-- done() prints one line, "WRK_RESULT key=value ...", that scripts/bench parses. Latencies are in ms
-- and cover every request of the run (allocations and releases alike in release mode).

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

local DESTINATIONS = 4096
local CAMPAIGNS = {"SALESA", "SALESB", "RENEW", "SURVEY"}
local AGENTS = 200

function init(args)
  path, mode = args[1], args[2]
  if not path or (mode ~= "release" and mode ~= "ttl") or not args[3] then
    error("usage: wrk ... -s bench-next-cid.lua URL -- PATH release|ttl AREA_CODES_FILE")
  end
  local codes = {}
  for line in io.lines(args[3]) do
    if line:match("^[2-9]%d%d$") then
      codes[#codes + 1] = line
    end
  end
  if #codes == 0 then
    error("no area code in " .. args[3])
  end
  -- Pre-built requests keep the load generator's own CPU use low: it shares the cores with the server.
  math.randomseed(7919 * thread_number)
  allocations = {}
  for i = 1, DESTINATIONS do
    local to = codes[math.random(#codes)] .. math.random(200, 999) .. string.format("%04d", math.random(0, 9999))
    -- As VICIdial sends it: the campaign (unmapped campaigns use the default pool) and the agent's user id
    -- (each agent's per-minute rate limit is counted in the same script call).
    local campaign = CAMPAIGNS[math.random(#CAMPAIGNS)]
    local agent = tostring(1000 + math.random(AGENTS))
    allocations[i] = wrk.format("GET", path .. "?to=" .. to .. "&campaign=" .. campaign .. "&agent=" .. agent)
  end
  release_head, release_tail = wrk.format("GET", "/release?caller_id=@"):match("^(.-)@(.*)$")
  next_allocation = 0
  queue, queue_first, queue_last = {}, 1, 0
  sent_allocations, sent_releases = 0, 0
  allocated, released = 0, 0
  statuses = {}
  if mode == "ttl" then
    -- No body to read: wrk then skips response parsing, and its status error count is the non-2xx count.
    response = nil
  end
end

function request()
  if queue_first <= queue_last then
    local cid = queue[queue_first]
    queue[queue_first] = nil
    queue_first = queue_first + 1
    sent_releases = sent_releases + 1
    return release_head .. cid .. release_tail
  end
  next_allocation = next_allocation % DESTINATIONS + 1
  sent_allocations = sent_allocations + 1
  return allocations[next_allocation]
end

function response(status, headers, body)
  if status ~= 200 then
    statuses[status] = (statuses[status] or 0) + 1
    return
  end
  if body:find('"released"', 1, true) then
    released = released + 1
    return
  end
  local cid = body:match('"caller_id":"(%d+)"')
  if cid then
    allocated = allocated + 1
    queue_last = queue_last + 1
    queue[queue_last] = cid
  end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local run_mode, run_path = threads[1]:get("mode"), threads[1]:get("path")
  local allocs, releases, sent_allocs, sent_rels, non2xx = 0, 0, 0, 0, 0
  local merged = {}
  for _, thread in ipairs(threads) do
    allocs = allocs + thread:get("allocated")
    releases = releases + thread:get("released")
    sent_allocs = sent_allocs + thread:get("sent_allocations")
    sent_rels = sent_rels + thread:get("sent_releases")
    for status, count in pairs(thread:get("statuses")) do
      merged[status] = (merged[status] or 0) + count
      non2xx = non2xx + count
    end
  end
  if run_mode == "ttl" then
    non2xx = summary.errors.status
    allocs = summary.requests - non2xx
  end
  local parts = {}
  for status, count in pairs(merged) do
    parts[#parts + 1] = status .. ":" .. count
  end
  table.sort(parts)
  local function ms(us)
    return string.format("%.3f", us / 1000)
  end
  io.write(string.format("WRK_RESULT mode=%s path=%s duration_s=%.3f requests=%d requests_per_s=%.1f "
      .. "allocations=%d allocations_per_s=%.1f releases=%d releases_per_s=%.1f non2xx=%d statuses=%s "
      .. "p50_ms=%s p90_ms=%s p99_ms=%s p999_ms=%s max_ms=%s mean_ms=%s "
      .. "err_connect=%d err_read=%d err_write=%d err_timeout=%d sent_allocations=%d sent_releases=%d\n",
    run_mode, run_path, seconds, summary.requests, summary.requests / seconds,
    allocs, allocs / seconds, releases, releases / seconds, non2xx,
    #parts > 0 and table.concat(parts, ",") or "-",
    ms(latency:percentile(50)), ms(latency:percentile(90)), ms(latency:percentile(99)),
    ms(latency:percentile(99.9)), ms(latency.max), ms(latency.mean),
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    sent_allocs, sent_rels))
end
