-- wrk script: repeat one request described by the environment, and report JSON (report.lua).
--   BENCH_METHOD         GET or POST (default POST)
--   BENCH_CONTENT_TYPE   the body's Content-Type
--   BENCH_BODY_FILES     files holding the bodies, separated by ":"; several are sent in turn
--   BENCH_EXPECT_STATUS  the status of the expected answer (default 200)
--   BENCH_EXPECT_BODY    text the expected answer contains (default: any)
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

wrk.method = os.getenv("BENCH_METHOD") or "POST"
wrk.headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE")
local bodies = {}
for path in string.gmatch(os.getenv("BENCH_BODY_FILES") or "", "[^:]+") do
  table.insert(bodies, read_file(path))
end
wrk.body = bodies[1]

-- One body is wrk's static request; several need request(), which costs Lua per request.
if #bodies > 1 then
  local requests, turn = {}, 0
  function init(args)
    for i, body in ipairs(bodies) do
      requests[i] = wrk.format(nil, nil, nil, body)
    end
  end
  function request()
    turn = turn % #requests + 1
    return requests[turn]
  end
end

local expect_status = tonumber(os.getenv("BENCH_EXPECT_STATUS") or "200")
local expect_body = os.getenv("BENCH_EXPECT_BODY")
if expect_body or expect_status ~= 200 then
  function response(status, headers, body)
    if status ~= expect_status
        or (expect_body and not string.find(body or "", expect_body, 1, true)) then
      unexpected = unexpected + 1
    end
  end
end
