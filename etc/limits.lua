-- limits.lua — lighttpd mod_magnet: per-client-address limits.  lighttpd
-- 1.4.68 dropped mod_evasive (evasive.max-conns-per-ip); this does its job
-- and one more:
--
--   * connections: a request from an address that holds more than
--     $LYRE_MAX_CONNS_PER_IP connections (default 128) is answered 429 and
--     its connection closed.  Counting walks every connection, so it is done
--     only while the server as a whole holds more than that many: below
--     that no address can be over, and a request costs one lookup.
--   * sign-in POSTs: POST /login..., /signup, /reset... count against
--     $LYRE_AUTH_POSTS_PER_MIN per address and minute (default 300); past
--     it, 429 with Retry-After until the minute ends.  Each of those may
--     cost an argon2id hash (tens of ms of CPU): this bounds what one address
--     can burn.  lyre-login's own throttling (per account and address, with
--     growing delays) stays the real defence; this is the backstop.
--
-- Both defaults sit far above what bench/run.sh (wrk -c64) and the test
-- suite send from 127.0.0.1.  Hooked with magnet.attract-raw-url-to for
-- every request (etc/lighttpd.conf).

local r = lighty.r

-- Globals do not outlive a request in mod_magnet (1.4.69); package.loaded
-- does.
local state = package.loaded["lyre.limits"]
if not state then
  local function env_number(name, default)
    local n = tonumber(os.getenv(name) or "")
    if n and n >= 1 then return math.floor(n) end
    return default
  end
  state = { max_conns = env_number("LYRE_MAX_CONNS_PER_IP", 128),
            posts_per_min = env_number("LYRE_AUTH_POSTS_PER_MIN", 300),
            minute = -1, posts = {}, addresses = 0 }
  package.loaded["lyre.limits"] = state
end

local function refuse(retry_after)
  r.resp_header["Retry-After"] = tostring(retry_after)
  r.resp_header["Cache-Control"] = "no-store"
  r.req_item["keep_alive"] = 0
  r.resp_header["Content-Type"] = "text/plain; charset=utf-8"
  r.resp_body.set({ "Too many requests from your address; try again later.\n" })
  return 429
end

local addr = r.req_attr["request.remote-addr"]

if lighty.server.stats["clients_open"] > state.max_conns then
  local n = 0
  for c in lighty.server.irequests() do
    if c.req_attr["request.remote-addr"] == addr then
      n = n + 1
      if n > state.max_conns then
        return refuse(10)
      end
    end
  end
end

if r.req_attr["request.method"] == "POST" then
  local path = r.req_attr["uri.path-raw"] or ""
  if path:match("^/login") or path == "/signup" or path:match("^/reset") then
    local now = os.time()
    local minute = now // 60
    if minute ~= state.minute then
      state.minute, state.posts, state.addresses = minute, {}, 0
    end
    local n = state.posts[addr]
    if not n then
      -- A flood of spoofed-looking addresses cannot grow the table without bound.
      state.addresses = state.addresses + 1
      if state.addresses > 100000 then
        state.posts, state.addresses = {}, 1
      end
      n = 0
    end
    n = n + 1
    state.posts[addr] = n
    if n > state.posts_per_min then
      return refuse(60 - now % 60)
    end
  end
end

return 0
