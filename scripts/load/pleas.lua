-- POST /api/v1/public/pleas, each request for the next generated ticket LD-<n> (born 1980-01-01).
-- Every wrk thread takes its own range of ticket numbers.
local counter = 0
function setup(thread)
  thread:set("base", counter * 1000000)
  counter = counter + 1
end
function init(args)
  base = tonumber(base) or 0
  n = 0
end
function request()
  n = n + 1
  local body = string.format(
    '{"citation_number":"LD-%07d","date_of_birth":"1980-01-01","pleas":[{"charge_seq":1,"plea":"guilty"}],"signature_name":"Load Test","attest":true}',
    base + n)
  return wrk.format("POST", "/api/v1/public/pleas", {["Content-Type"] = "application/json"}, body)
end
function response(status, headers, body)
  if status ~= 201 and not reported then
    io.stderr:write("first failure: ", status, " ", body, "\n")
    reported = true
  end
end
