-- Shared by every scenario: counts responses by status code in each thread, and at the end
-- prints one line "BENCH_RESULT {json}" with throughput, latency percentiles and errors.

local threads = {}

-- Globals of each thread's own Lua state, read back by done() through thread:get().
statuses = {}
exhausted = 0

function setup(thread)
   thread:set("thread_index", #threads)
   table.insert(threads, thread)
end

function response(status, headers, body)
   local key = tostring(status)
   statuses[key] = (statuses[key] or 0) + 1
end

-- Read one integer id per line.
function read_ids(path)
   local ids = {}
   local file = assert(io.open(path, "r"))
   for line in file:lines() do
      ids[#ids + 1] = tonumber(line)
   end
   file:close()
   return ids
end

function done(summary, latency, requests)
   local counts = {}
   local exhausted_total = 0
   for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("statuses")) do
         counts[status] = (counts[status] or 0) + count
      end
      exhausted_total = exhausted_total + thread:get("exhausted")
   end

   local parts = {}
   for status, count in pairs(counts) do
      parts[#parts + 1] = string.format('"%s":%d', status, count)
   end

   local errors = summary.errors
   io.write(string.format(
      'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,'
         .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,'
         .. '"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},'
         .. '"statuses":{%s},"exhausted":%d}\n',
      summary.requests, summary.duration, summary.bytes,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      errors.connect, errors.read, errors.write, errors.timeout,
      table.concat(parts, ","), exhausted_total))
end
