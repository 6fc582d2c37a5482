-- wrk script of scripts/bench.py: POST /api/send with a fresh text per request, so that the
-- 40-second duplicate rule never fires. Arguments: <token> <run id>.
local counter = 0
local prefix = "run"

function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = args[1]
  prefix = args[2] or prefix
end

function request()
  counter = counter + 1
  local body = '{"sending_type":"webservice","from_number":"+983000505","message":"کد ورود ' .. prefix .. '-' ..
    counter .. '","params":{"recipients":["+989120000000","+989350000000"]}}'
  return wrk.format(nil, "/api/send", nil, body)
end
