-- Shared by the bench's wrk scripts (loaded with dofile): prints one JSON line for bench/run.py.
-- A script that checks answers itself defines response() and counts, per wrk thread, the
-- answers that are not the expected one in `unexpected`; otherwise wrk's own count of
-- statuses >= 400 stands for it (no Lua runs per response then).
unexpected = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function done(summary, latency, requests)
  local errors = summary.errors
  local bad = errors.status
  if response then
    bad = 0
    for _, thread in ipairs(threads) do
      bad = bad + thread:get("unexpected")
    end
  end
  io.write(string.format(
    '\nBENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, ' ..
    '"unexpected": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.connect, errors.read, errors.write, errors.timeout, bad))
end

-- The contents of the file at `path`.
function read_file(path)
  local file = assert(io.open(path, "rb"))
  local contents = file:read("*a")
  file:close()
  return contents
end
