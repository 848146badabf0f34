-- wrk script: addaddress, then deleteaddress of the id it answered, and report JSON (report.lua).
--   BENCH_ADD_FILE     the addaddress envelope
--   BENCH_DELETE_FILE  the deleteaddress envelope, with {idaddress} where the id goes
-- wrk does not say which connection answered, so each thread keeps the ids its
-- addaddress calls returned and its next request deletes one of them: a connection
-- whose add was just answered sends the delete next, and adds and deletes stay even.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "report.lua")

wrk.method = "POST"
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
local add_body = read_file(os.getenv("BENCH_ADD_FILE"))
local delete_body = read_file(os.getenv("BENCH_DELETE_FILE"))
local at = string.find(delete_body, "{idaddress}", 1, true)
local before, after = delete_body:sub(1, at - 1), delete_body:sub(at + #"{idaddress}")
local added = {}  -- ids this thread added and has not deleted yet
local add_request

function init(args)
  add_request = wrk.format(nil, nil, nil, add_body)
end

function request()
  local idaddress = table.remove(added)
  if idaddress then
    return wrk.format(nil, nil, nil, before .. idaddress .. after)
  end
  return add_request
end

function response(status, headers, body)
  local idaddress = status == 200 and string.match(body, "<tns:idaddress>(%d+)</tns:idaddress>")
  if idaddress then
    table.insert(added, idaddress)
  elseif status ~= 200 or not string.find(body, "deleteaddressResponse", 1, true) then
    unexpected = unexpected + 1
  end
end
