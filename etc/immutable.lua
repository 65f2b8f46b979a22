-- immutable.lua — lighttpd mod_magnet, hooked with magnet.attract-response-start-to for
-- /art/ and the content-hashed /static/ names: those URLs always mean the same bytes, so a
-- found file (200, 206, 304) is cached for a year and never revalidated, by browsers and
-- any CDN in front (site.cdn_base_url).  A miss must not be: a CDN would keep the 404 for
-- a year after the file appears.
local r = lighty.r
local status = r.req_item.http_status
if status == 200 or status == 206 or status == 304 then
  r.resp_header["Cache-Control"] = "public, max-age=31536000, immutable"
else
  r.resp_header["Cache-Control"] = "no-store"
end
return 0
