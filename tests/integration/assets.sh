#!/bin/bash
# tests/integration/assets.sh LABEL BASE_URL — artwork and htdocs assets on a CDN path:
# pages name content-hashed css/js URLs, served as immutable; the plain names still answer
# with a short max-age; cover thumbnails under /art/ are immutable with ETag, Last-Modified
# and 304s; with site.cdn_base_url set (lyre-catalog run as a CGI program on a copy of
# lyre.conf) every asset and cover URL starts with it and the CSP allows it.
# Needs LYRE_TEST_INSTANCE (my.cnf, lyre.conf) and LYRE_TEST_BUILD (cgi/lyre-catalog).
set -uo pipefail
# shellcheck disable=SC2034  # LABEL and LAST_URL are read by lib.sh
LABEL=${1:?usage: assets.sh LABEL BASE_URL}
BASE=${2:?usage: assets.sh LABEL BASE_URL}
# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

INST=${LYRE_TEST_INSTANCE:?}
BUILD=${LYRE_TEST_BUILD:?}
IMMUTABLE='^public, max-age=31536000, immutable$'
HASHED_RE='/static/[A-Za-z0-9_./-]+\.[0-9a-f]{10}\.(css|js|svg)'
CDN=https://cdn.example.test/lyre

sql() { mariadb --defaults-file="$INST/my.cnf" --user=root lyre -N -B -e "$1"; }

# page_urls: the src/href values of the last body that name /static/ or /art/ files.
page_urls() {
    grep -oE '(src|href)="[^"]*/(static|art)/[^"]*"' "$BODY" | sed -E 's/^(src|href)="//; s/"$//' | sort -u
}

# conditional URL ETAG LASTMOD WHAT: the 304 answers, and 200 when the validator is stale.
conditional() {
    local url=$1 etag=$2 lastmod=$3 what=$4
    fetch "$url" -H "If-None-Match: $etag"
    check "$what: If-None-Match with its ETag: 304, no body" all status_in 304 \; test ! -s "$BODY"
    fetch "$url" -H "If-Modified-Since: $lastmod"
    check "$what: If-Modified-Since its Last-Modified: 304" status_in 304
    fetch "$url" -H 'If-None-Match: "not-the-etag"'
    check "$what: If-None-Match with another ETag: 200" status_in 200
    fetch "$url" -H "If-Modified-Since: Mon, 01 Jan 1990 00:00:00 GMT"
    check "$what: If-Modified-Since long ago: 200" status_in 200
}

# ---------------------------------------------------------------- hashed css/js
fetch "$BASE/"
check "home page: 200" status_in 200
urls=$(page_urls)
hashed=$(grep -E "^$HASHED_RE\$" <<<"$urls" || true)
for f in css/lyre js/lyre js/player vendor/htmx.min; do
    check "home page names a content-hashed $f URL" grep -qE "^/static/$f\\.[0-9a-f]{10}\\.(css|js)\$" <<<"$hashed"
done
plain=$(grep -E '^/static/' <<<"$urls" | grep -vE "^$HASHED_RE\$" || true)
check "home page names no unhashed /static/ URL" test -z "$plain"

n=0
for u in $hashed; do
    fetch "$BASE$u"
    if status_in 200 >/dev/null && header_is Cache-Control "$IMMUTABLE" >/dev/null \
        && header_is ETag '.' >/dev/null && header_is X-Content-Type-Options '^nosniff$' >/dev/null; then
        n=$((n + 1))
    else
        check "$u: 200, immutable, ETag, nosniff" all status_in 200 \; header_is Cache-Control "$IMMUTABLE" \
            \; header_is ETag '.' \; header_is X-Content-Type-Options '^nosniff$'
    fi
done
check "every hashed asset of the page ($n): 200, immutable, ETag, nosniff" test "$n" -gt 0 -a "$n" -eq "$(wc -w <<<"$hashed")"

css=$(grep -E '^/static/css/lyre\.' <<<"$hashed" | head -n 1)
fetch "$BASE$css"
check "hashed CSS: text/css" header_is Content-Type '^text/css'
fetch "$BASE/static/css/lyre.css"
plain_css=$(cat "$BODY")
check "plain /static/css/lyre.css still answers, with a short max-age" \
    all status_in 200 \; header_is Cache-Control '^public, max-age=[0-9]{1,4}$'
fetch "$BASE$css"
check "the hashed CSS has the bytes of htdocs/css/lyre.css" test "$(cat "$BODY")" = "$plain_css"
etag=$(header_value ETag)
lastmod=$(header_value Last-Modified)
conditional "$BASE$css" "$etag" "$lastmod" "hashed CSS"

fetch "$BASE/static/css/lyre.0123456789.css"
check "an unknown hashed name: 404, not cached for a year" \
    all status_in 404 \; eval '! header_is Cache-Control immutable >/dev/null'

# ---------------------------------------------------------------- cover art
read -r album sha <<<"$(sql "SELECT al.id, aw.sha256 FROM albums al JOIN artwork aw ON aw.id = al.artwork_id
                             ORDER BY al.id LIMIT 1")"
if [ -z "${album:-}" ]; then
    fail "an album with a cover in the test instance" "no album has artwork"
else
    fetch "$BASE/album/$album"
    art=$(page_urls | grep -E '/art/' | head -n 1)
    check "album page: its cover is /art/${sha:0:2}/$sha-300.jpg" test "$art" = "/art/${sha:0:2}/$sha-300.jpg"
    fetch "$BASE$art"
    check "cover thumbnail: 200, image/jpeg, immutable, ETag, Last-Modified" \
        all status_in 200 \; header_is Content-Type '^image/jpeg' \; header_is Cache-Control "$IMMUTABLE" \
        \; header_is ETag '.' \; header_is Last-Modified 'GMT$'
    etag=$(header_value ETag)
    lastmod=$(header_value Last-Modified)
    conditional "$BASE$art" "$etag" "$lastmod" "cover thumbnail"
    fetch "$BASE$art" -H "If-None-Match: $etag"
    check "cover thumbnail: the 304 keeps the immutable Cache-Control" header_is Cache-Control "$IMMUTABLE"
fi
fetch "$BASE/art/00/$(printf '0%.0s' {1..64})-300.jpg"
check "a missing thumbnail: 404, not cached for a year" \
    all status_in 404 \; eval '! header_is Cache-Control immutable >/dev/null'

# ---------------------------------------------------------------- site.cdn_base_url
# The program alone, as a CGI, on a copy of the instance's lyre.conf with the setting added.
conf="$T_TMP/lyre-cdn.conf"
sed "s|^  static_url = .*|&\n  cdn_base_url = \"$CDN/\";|" "$INST/lyre.conf" >"$conf"
cgi_get() {
    env REQUEST_METHOD=GET REQUEST_URI="$1" SERVER_NAME=127.0.0.1 SERVER_PORT=80 LYRE_CONF="$conf" \
        "$BUILD/cgi/lyre-catalog" >"$T_TMP/cgi.out" 2>"$T_TMP/cgi.err"
    # Split the CGI answer into the harness's header and body files.
    awk 'BEGIN { h = 1 } h && /^\r?$/ { h = 0; next } { print > (h ? H : B) }' \
        H="$HDRS" B="$BODY" "$T_TMP/cgi.out"
    STATUS=$(sed -n 's/^Status: \([0-9]*\).*/\1/p' "$HDRS" | head -n 1)
    [ -n "$STATUS" ] || STATUS=200
    # shellcheck disable=SC2034
    LAST_URL="CGI $1 (site.cdn_base_url = $CDN)"
}
check "lyre.conf with site.cdn_base_url set" grep -q cdn_base_url "$conf"
for path in / ${album:+/album/$album}; do
    : >"$HDRS"; : >"$BODY"
    cgi_get "$path"
    urls=$(page_urls)
    off=$(grep -vF "$CDN/" <<<"$urls" || true)
    check "CDN: $path names its assets under $CDN/ only" \
        all status_in 200 \; test -n "$urls" \; test -z "$off"
    check "CDN: $path names content-hashed css/js on the CDN" \
        grep -qE "^$CDN/static/css/lyre\\.[0-9a-f]{10}\\.css\$" <<<"$urls"
    csp=$(header_value Content-Security-Policy)
    ok_csp=1
    for d in img-src style-src script-src media-src; do
        grep -qE "(^|; )$d [^;]*https://cdn\.example\.test( |;|$)" <<<"$csp" || ok_csp=0
    done
    check "CDN: $path's CSP allows https://cdn.example.test for img, style, script, media" test "$ok_csp" = 1
done
[ -z "${album:-}" ] || check "CDN: the album's cover is $CDN/art/…-300.jpg" \
    grep -qF "$CDN/art/${sha:0:2}/$sha-300.jpg" <<<"$urls"

finish
