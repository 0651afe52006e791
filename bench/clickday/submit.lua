-- wrk script of the click day: every request is a different applicant submitting its own application, with
-- its own session cookie, CSRF token and Idempotency-Key, taken from the prepared lines file.
--
--   CLICKDAY_LINES=lines.tsv CLICKDAY_LOG=responses wrk -t2 -c64 -d60s -s submit.lua http://127.0.0.1:8000
--
-- Thread i of n takes lines i, i+n, i+2n, ...; when its lines are used up it stops (bounded in count), and
-- wrk's -d bounds it in time. Each response is logged (status, Idempotent-Replayed, Retry-After, body) to
-- CLICKDAY_LOG.<i>;
-- done() prints the latency percentiles as one JSON line prefixed "CLICKDAY_SUMMARY ".

local lines_file = os.getenv("CLICKDAY_LINES") or "/tmp/clickday/lines.tsv"
local log_prefix = os.getenv("CLICKDAY_LOG") or "/tmp/clickday/responses"

local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  -- init runs in the thread's own Lua state: the number of threads comes from the runner.
  local nthreads = tonumber(os.getenv("CLICKDAY_THREADS") or "1")
  requests_list = {}
  local i = 0
  for line in io.lines(lines_file) do
    if i % nthreads == id then
      local app, session, key, csrf = line:match("^(%d+)\t(%S+)\t(%S+)\t(%S+)")
      table.insert(requests_list, wrk.format(
        "POST",
        "/api/v1/applications/" .. app .. "/submit",
        {
          ["Content-Type"] = "application/json",
          ["Cookie"] = "sessionid=" .. session .. "; csrftoken=" .. csrf,
          ["X-CSRFToken"] = csrf,
          ["Idempotency-Key"] = key,
        },
        '{"declarations_accepted": true}'
      ))
    end
    i = i + 1
  end
  next_index = 1
  answered = 0
  total = #requests_list
  out = assert(io.open(log_prefix .. "." .. id, "w"))
  out:setvbuf("line")  -- a thread stopped by -d never closes its state: nothing may stay buffered
end

function request()
  local r = requests_list[next_index]
  if next_index < total then
    next_index = next_index + 1
  end
  -- Past the end the last request is repeated: a replay (same key) that the log marks and the report
  -- leaves out; the thread stops as soon as every line has been answered.
  return r
end

function response(status, headers, body)
  answered = answered + 1
  local replayed = headers["Idempotent-Replayed"] or headers["idempotent-replayed"] or "-"
  local retry_after = headers["Retry-After"] or headers["retry-after"] or "-"
  out:write(status, "\t", replayed, "\t", retry_after, "\t", (body:gsub("[\r\n\t]", " ")), "\n")
  if answered >= total then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local p = function(q) return latency:percentile(q) / 1000.0 end
  io.write(string.format(
    'CLICKDAY_SUMMARY {"requests": %d, "duration_s": %.3f, "errors_connect": %d, "errors_read": %d, '
      .. '"errors_write": %d, "errors_status": %d, "errors_timeout": %d, "latency_ms": {"p50": %.2f, '
      .. '"p90": %.2f, "p95": %.2f, "p99": %.2f, "max": %.2f, "mean": %.2f}}\n',
    summary.requests, summary.duration / 1e6, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    p(50), p(90), p(95), p(99), latency.max / 1000.0, latency.mean / 1000.0
  ))
end
