-- stream.lua — lighttpd mod_magnet: check a signed /media/ URL before the
-- static file handler serves it (Range, 206/416, If-Range, ETag and
-- Last-Modified are lighttpd's own).  cgi/lyre-stream signs the URLs:
--
--   /media/audio/aa/<sha256>.mp3?e=EXPIRES&s=HEX(HMAC-SHA256(key, PATH .. "|" .. EXPIRES))
--
-- The key is the text of the file named by $LYRE_STREAM_SECRET_FILE (the
-- file lyre.conf's stream.secret_file names), trailing whitespace removed.
-- It is kept between requests and read again at most once a minute, so a
-- new key takes effect within a minute and requests do no file I/O.
-- A URL once verified is remembered (up to 4096 of them, forgotten with the
-- key), so the many Range requests of one play cost a table lookup, not an
-- HMAC.  Wrong or missing signature -> 403; valid but expired -> 410.
-- Hooked with magnet.attract-physical-path-to for URLs under /media/.

local r = lighty.r

-- Globals do not outlive a request in mod_magnet (1.4.69); package.loaded
-- does: the key and the verified URLs are kept there.
local state = package.loaded["lyre.stream"]
if not state then
  state = { verified = {}, count = 0, checked = 0,
            pattern = "^/media/audio/%x%x/" .. string.rep("%x", 64) .. "%.mp3$" }
  package.loaded["lyre.stream"] = state
end

local function forget_urls()
  state.verified = {}
  state.count = 0
end

local function load_key(now)
  if state.key and now - state.checked < 60 then
    return state.key
  end
  local path = os.getenv("LYRE_STREAM_SECRET_FILE")
  local f = path and path ~= "" and io.open(path, "rb")
  local text = f and f:read("a") or ""
  if f then f:close() end
  text = text:gsub("%s+$", "")
  if #text < 32 then
    print("stream.lua: no key of 32 characters or more in $LYRE_STREAM_SECRET_FILE (" ..
          tostring(path) .. ")")
    state.key = nil
    forget_urls()
    return nil
  end
  if text ~= state.key then
    forget_urls()
  end
  state.key = text
  state.checked = now
  return text
end

local now = os.time()
local key = load_key(now)
if not key then
  return 500
end
local path = r.req_attr["uri.path"] or ""
local query = r.req_attr["uri.query"] or ""
local url = path .. "?" .. query
local expires = state.verified[url]
if not expires then
  -- Only renditions are ever signed; nothing else under /media/ is served.
  if not path:match(state.pattern) then
    return 403
  end
  local e, sig = query:match("^e=(%d+)&s=(%x+)$")
  if not e or #e > 12 or #sig ~= 64 then
    return 403
  end
  if not lighty.c.digest_eq(lighty.c.hmac("sha256", key, path .. "|" .. e), sig) then
    return 403
  end
  expires = tonumber(e)
  if state.count >= 4096 then
    forget_urls()
  end
  state.verified[url] = expires
  state.count = state.count + 1
end
if expires < now then
  return 410
end
-- The URL is private to one listener and dies at EXPIRES.
r.resp_header["Cache-Control"] = "private, max-age=" .. (expires - now)
return 0
